use autodiff::differentiable;

#[differentiable]
fn step(y: &[f64; 2], h: f64) -> f64 {
    let mut y = *y;
    y[0] += h * y[1];
    y[0] * y[1]
}

fn main() {
    let _ = step_grad(&[1.0, 2.0], 0.1);
}
