use autodiff::differentiable;

// A tuple result's parts are seeded one by one, so each must be a float.
#[differentiable]
fn best(x: &[f64]) -> (f64, usize) {
    let mut m = x[0];
    let mut k = 0;
    for i in 1..x.len() {
        if x[i] > m {
            m = x[i];
            k = i;
        }
    }
    (m, k)
}

fn main() {
    // The function itself is still emitted.
    let _ = best(&[1.0, 2.0]);
}
