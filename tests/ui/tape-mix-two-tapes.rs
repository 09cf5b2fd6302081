// Rule 7: variables of two tapes cannot be mixed.
use autodiff::tape::Tape;

fn main() {
    let _ = Tape::<f64>::scope(|outer| {
        let x = outer.var(1.0);
        Tape::<f64>::scope(|inner| {
            let y = inner.var(2.0);
            (x * y).value()
        })
    });
}
