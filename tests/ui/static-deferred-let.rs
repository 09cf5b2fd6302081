use autodiff::differentiable;

// A name declared without a value cannot take an active value later.
#[differentiable]
fn deferred(x: f64) -> f64 {
    let z;
    if x > 0.0 {
        z = x * 2.0;
    } else {
        z = x.sin();
    }
    z * x
}

// Declared without a value and given a constant: fine.
#[differentiable]
fn deferred_constant(x: f64, n: usize) -> f64 {
    let k;
    if n > 2 {
        k = 2.0;
    } else {
        k = 1.0;
    }
    k * x
}

fn main() {}
