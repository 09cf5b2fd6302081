// Rule 8: a one-shot tape is consumed by its gradient; a second one needs a persistent tape
// (`Tape::scope_persistent`).
use autodiff::tape::Tape;

fn main() {
    let _ = Tape::<f64>::scope(|t| {
        let x = t.var(2.0);
        let y = x * x;
        let first = t.gradient(y, x);
        let second = t.gradient(y, x);
        first + second
    });
}
