use autodiff::differentiable;

#[differentiable]
fn scaled(x: f64) -> f64 {
    let mut y = x * x;
    #[cfg(debug_assertions)]
    {
        y *= 3.0;
    }
    y
}

fn main() {
    let _ = scaled_grad(0.7);
}
