use autodiff::differentiable;

#[differentiable]
fn first_over(x: f64) -> f64 {
    let mut s = 0.0;
    let mut k = 0;
    loop {
        s += x * k as f64;
        k += 1;
        if k >= 5 {
            break s * x;
        }
    }
}

fn main() {}
