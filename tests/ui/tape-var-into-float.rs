// Rule 9: no silent conversion of a tape variable to a float; read it with `.value()`.
use autodiff::tape::Tape;

fn main() {
    let _ = Tape::<f64>::scope(|t| {
        let x = t.var(2.0);
        let v: f64 = x * 3.0;
        v
    });
}
