use autodiff::differentiable;

#[differentiable]
fn alternate(x: f64, n: usize) -> f64 {
    let mut y = x;
    for i in 0..n {
        y = y * x;
        match i % 2 {
            0 => continue,
            _ => {}
        }
        y = y + 1.0;
    }
    y
}

fn main() {}
