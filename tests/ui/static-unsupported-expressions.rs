use autodiff::differentiable;

struct Pair {
    a: f64,
    b: f64,
}

#[differentiable]
fn labelled_block(x: f64) -> f64 {
    let v = 'found: {
        if x > 1.0 {
            break 'found x * 2.0;
        }
        x
    };
    v
}

#[differentiable]
fn struct_literal(x: f64) -> f64 {
    let p = Pair { a: x, b: 2.0 };
    p.a * p.b
}

fn main() {}
