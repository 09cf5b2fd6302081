use autodiff::differentiable;

// A view that moves (`let mut`, assigned again) is not a named range the macro can follow.
#[differentiable]
fn f(x: &[f64]) -> f64 {
    let mut row = &x[0..2];
    let a = row[0];
    row = &x[2..4];
    a * row[1]
}

fn main() {
    let _ = f_grad(&[1.0, 2.0, 3.0, 4.0]);
}
