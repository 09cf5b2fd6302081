use autodiff::differentiable;

#[differentiable]
fn scaled((a, b): (f64, f64), x: f64) -> f64 {
    x * a * b
}

fn main() {
    let _ = scaled_grad((1.0, 2.0), 3.0);
}
