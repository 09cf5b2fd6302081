// Rule 10: a reused tape cannot be cleared (or otherwise mutated) while a scope records on it.
use autodiff::tape::Tape;

fn main() {
    let mut tape = Tape::<f64>::new();
    let _ = tape.record(|t| {
        let x = t.var(1.0);
        tape.clear();
        t.gradient(x.sin(), x)
    });
}
