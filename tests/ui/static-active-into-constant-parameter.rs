use autodiff::differentiable;

#[differentiable(wrt(x))]
fn scaled(x: f64, scale: f64) -> f64 {
    x * scale
}

#[differentiable]
fn f(x: f64, y: f64) -> f64 {
    scaled(x, y)
}

fn main() {}
