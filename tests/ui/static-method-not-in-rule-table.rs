use autodiff::differentiable;

#[differentiable]
fn staircase(x: f64) -> f64 {
    x.floor() + f64::rem_euclid(x, 2.0) + x.fract()
}

fn main() {
    let _ = staircase_grad(1.0);
}
