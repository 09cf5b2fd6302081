use autodiff::differentiable;

// The code after the `if let` reads the outer `t`, which the arm's binding hides: the rest
// of the body cannot follow the `continue` into that arm.
#[differentiable]
fn weights(x: &[f64]) -> f64 {
    let w = [Some(10.0), Some(20.0), Some(5.0)];
    let t = x[0];
    let mut s = 0.0;
    for i in 0..3 {
        if let Some(t) = w[i] {
            if t > 15.0 {
                continue;
            }
        }
        s += t * x[i];
    }
    s
}

// The same with the arm that binds `t` falling through and the other exiting: the rest would
// follow into the arm and read its `t`.
#[differentiable]
fn falls_through(x: &[f64]) -> f64 {
    let w = [Some(10.0), None, Some(5.0)];
    let t = x[0];
    let mut s = 0.0;
    for i in 0..3 {
        if let Some(t) = w[i] {
            s += t;
        } else {
            continue;
        }
        s += t * x[i];
    }
    s
}

fn main() {}
