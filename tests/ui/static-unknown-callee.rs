use autodiff::differentiable;

fn smooth(x: f64) -> f64 {
    x.tanh()
}

#[differentiable]
fn loss(x: f64) -> f64 {
    smooth(x) * 2.0
}

fn main() {
    let _ = loss_grad(1.0);
}
