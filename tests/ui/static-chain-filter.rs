use autodiff::differentiable;

// `filter` in a chain over active values: the error names it.
#[differentiable(wrt(x))]
fn positive_products(x: &[f64], w: &[f64]) -> f64 {
    x.iter().zip(w).filter(|(_, c)| **c > 0.0).map(|(a, c)| a * c).sum()
}

#[differentiable]
fn positive_sum(x: &[f64]) -> f64 {
    x.iter().filter(|v| **v > 0.0).map(|v| v * v).sum()
}

fn main() {}
