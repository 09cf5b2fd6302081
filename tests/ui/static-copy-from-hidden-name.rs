use autodiff::differentiable;

#[differentiable]
fn rescaled(x: &[f64]) -> f64 {
    let v: Vec<f64> = x.iter().map(|a| a * 2.0).collect();
    let v: Vec<f64> = v.iter().map(|a| a * 3.0).collect();
    v[0] * v[1]
}

fn main() {
    let _ = rescaled_grad(&[1.0, 2.0]);
}
