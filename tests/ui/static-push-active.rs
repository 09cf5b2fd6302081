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

// Arrays of arrays, and repeated active values.
#[differentiable]
fn nested(x: &[f64]) -> f64 {
    let m = [[x[0], x[1]], [x[1], x[0]]];
    let r = [x[0]; 2];
    m[0][0] + r[1]
}

fn main() {}
