use autodiff::differentiable;

#[differentiable]
fn positive(x: f64) -> bool {
    x * x > 1.0
}

#[differentiable]
fn checked(x: f64) -> Option<f64> {
    Some(x.sqrt())
}

fn main() {
    let _ = positive(2.0);
    let _ = checked(2.0);
}
