use autodiff::differentiable;

pub type Real = f64;

// The macro reads types as written: `Real` is not known to be a float, so `x` would get no
// gradient. The type check makes that a compile error at the parameter.
#[differentiable]
fn scaled(x: Real, y: f64) -> f64 {
    x * y
}

// A container the macro does not follow, holding floats: the same.
#[differentiable]
fn spread(points: &[[f64; 2]], scale: f64) -> f64 {
    scale * points.len() as f64
}

// Named in `wrt(..)`, the other parameters are constants on purpose.
#[differentiable(wrt(scale))]
fn spread_wrt(points: &[[f64; 2]], scale: f64) -> f64 {
    scale * points.len() as f64
}

fn main() {}
