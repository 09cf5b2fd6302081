// Rule 5: a gradient needs a scalar output; a vector output takes a VJP with a seed
// (`t.vjp(y, &seed, x)`) or a Jacobian.
use autodiff::tape::Tape;
use nalgebra::DVector;

fn main() {
    let _ = Tape::<f64>::scope(|t| {
        let x = t.vector(DVector::from_vec(vec![1.0, 2.0]));
        let y = x.sin();
        t.gradient(y, x)
    });
}
