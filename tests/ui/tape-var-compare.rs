// Rule 9: comparing a variable leaves the differentiable world, so it is a named call:
// `x.value() > 0.0`.
use autodiff::tape::Tape;

fn main() {
    let _ = Tape::<f64>::scope(|t| {
        let x = t.var(2.0);
        if x > 0.0 {
            1.0
        } else {
            0.0
        }
    });
}
