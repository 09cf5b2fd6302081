use autodiff::differentiable;

#[differentiable]
fn sorted_pair(mut x: Vec<f64>) -> f64 {
    if x[0] > x[1] {
        x.swap(0, 1);
    }
    x[0] - 2.0 * x[1]
}

fn main() {
    let _ = sorted_pair_grad(vec![1.0, 2.0]);
}
