// Rule 10: a matrix given to the tape is moved in: it cannot be mutated while the tape
// still needs it for the backward sweep.
use autodiff::tape::Tape;
use nalgebra::DMatrix;

fn main() {
    let mut m = DMatrix::<f64>::identity(2, 2);
    let _ = Tape::<f64>::scope(|t| {
        let w = t.matrix(m);
        let y = (w * w).sum();
        m[(0, 0)] = 5.0;
        t.gradient(y, w)
    });
}
