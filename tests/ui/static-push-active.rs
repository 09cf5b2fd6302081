use autodiff::differentiable;

// Growing a `Vec` with active values hides them from the macro.
#[differentiable]
fn squares(x: &[f64]) -> f64 {
    let mut out = Vec::new();
    for &v in x {
        out.push(v * v);
    }
    out.iter().sum()
}

fn main() {}
