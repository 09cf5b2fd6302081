use autodiff::differentiable;

// A view that moves (`let mut`, assigned again) is not a named range the macro can follow.
#[differentiable]
fn moved(x: &[f64]) -> f64 {
    let mut row = &x[0..2];
    let a = row[0];
    row = &x[2..4];
    a * row[1]
}

// `row` stands for `x[0..2]`; inside the closure `x` is another binding.
#[differentiable]
fn container_bound_again(x: &[f64]) -> f64 {
    let row = &x[0..2];
    x.iter().map(|x| x * row[0]).sum()
}

// A format string cannot name a range inline.
#[differentiable]
fn named_inline(x: &[f64]) -> f64 {
    let row = &x[0..2];
    println!("{row:?}");
    row[0]
}

// An element of `iter_mut` is read and written through `*`.
#[differentiable]
fn element_moved(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for zi in z.iter_mut() {
        let q = zi;
        *q = x[0];
    }
    z[0]
}

fn main() {}
