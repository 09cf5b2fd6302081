use autodiff::differentiable;

#[differentiable]
fn read(x: f64) -> f64 {
    let p = &x as *const f64;
    let y = unsafe { *p * x };
    y
}

fn main() {
    let _ = read_grad(1.0);
}
