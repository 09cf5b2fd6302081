// Rule 4: integers are not differentiable, so a tape of integers does not exist.
use autodiff::tape::Tape;

fn main() {
    let _ = Tape::<i32>::scope(|t| {
        let x = t.var(3);
        t.gradient(x * x, x)
    });
}
