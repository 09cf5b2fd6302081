use autodiff::differentiable;
use nalgebra::Vector2;

#[differentiable]
fn paired(x: &[f64]) -> f64 {
    let a = Vector2::new(x[0], x[1]);
    let b = Vector2::new(x[1], x[0]);
    let v = vec![a, b];
    v[0].dot(&v[1])
}

fn main() {
    let _ = paired_grad(&[1.0, 2.0]);
}
