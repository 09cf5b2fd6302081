use autodiff::differentiable;

#[differentiable]
fn bucket(x: f64) -> f64 {
    let i = x as i32;
    x * i as f64
}

fn main() {}
