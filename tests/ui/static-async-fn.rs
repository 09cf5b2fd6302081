use autodiff::differentiable;

#[differentiable]
async fn later(x: f64) -> f64 {
    x * 2.0
}

fn main() {}
