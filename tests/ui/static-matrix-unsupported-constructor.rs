use autodiff::differentiable;
use nalgebra::DMatrix;

// A matrix built from active floats is differentiated for `new`, `from_element`, `repeat`
// and `from_fn`; other constructors name the way out.
#[differentiable]
fn from_slice(a: f64, b: f64) -> f64 {
    let m = DMatrix::from_row_slice(1, 2, &[a, b]);
    m.norm()
}

fn main() {
    let _ = from_slice_grad(1.0, 2.0);
}
