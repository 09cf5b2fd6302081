use autodiff::differentiable;

#[differentiable]
fn ends_squared(v: Vec<f64>) -> f64 {
    let n = v.len();
    let a = v[0] + v[n - 1];
    let mut v = vec![0.0; n];
    v[0] = a * a;
    v[0] + a
}

fn main() {
    let _ = ends_squared_grad(vec![1.0, 2.0]);
}
