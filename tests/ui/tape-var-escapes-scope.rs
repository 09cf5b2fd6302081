// Rule 7: a variable cannot outlive its tape.
use autodiff::tape::Tape;

fn main() {
    let leaked = Tape::<f64>::scope(|t| t.var(1.0).sin());
    println!("{:?}", leaked);
}
