use autodiff::differentiable;

#[differentiable]
fn inner_return(x: f64, y: f64) -> f64 {
    let t = y * 5.0;
    if x > 0.0 {
        let t = x * 2.0;
        if y > 0.0 {
            return t * y;
        }
    }
    x + t
}

fn main() {}
