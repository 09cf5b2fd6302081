// Rule 4: an integer value cannot become a tape variable.
use autodiff::tape::Tape;

fn main() {
    let n: usize = 3;
    let _ = Tape::scope(|t| {
        let x = t.var(n);
        x.value()
    });
}
