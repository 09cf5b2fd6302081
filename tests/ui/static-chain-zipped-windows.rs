use autodiff::differentiable;

#[differentiable]
fn weighted_steps(x: &[f64], w: &[f64]) -> f64 {
    x.windows(2)
        .zip(w.iter())
        .map(|(p, c)| c * (p[1] - p[0]).powi(2))
        .sum()
}

fn main() {
    let _ = weighted_steps_grad(&[1.0, 2.0, 4.0], &[0.5, 0.5]);
}
