use autodiff::differentiable;

fn double_in_place(v: &mut f64) {
    *v *= 2.0;
}

#[differentiable]
fn f(x: f64) -> f64 {
    let mut y = x * x;
    double_in_place(&mut y);
    y
}

fn main() {
    let _ = f_grad(1.0);
}
