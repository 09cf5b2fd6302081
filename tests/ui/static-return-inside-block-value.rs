use autodiff::differentiable;

// The `return` would become the block's value, and `y + x[1] * 3.0` would still run.
#[differentiable]
fn early(x: &[f64]) -> f64 {
    let y = {
        if x[0] > 0.0 {
            return x[0] * 2.0;
        }
        x[0] * x[1]
    };
    y + x[1] * 3.0
}

fn main() {}
