use autodiff::differentiable;
use nalgebra::DVector;

// An element-wise `map` is differentiated as a function of the element alone: a closure
// that also reads another active value (`scale`) would lose that value's derivative.
#[differentiable]
fn scaled_tanh(x: &DVector<f64>, scale: f64) -> f64 {
    x.map(|v| (v * scale).tanh()).norm()
}

fn main() {
    let _ = scaled_tanh_grad(&DVector::from_element(3, 0.5), 2.0);
}
