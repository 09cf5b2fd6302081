use autodiff::differentiable;
use num_traits::{Float, ToPrimitive};

#[differentiable]
fn scaled<T: Float>(x: T) -> T {
    let plain = x.to_f64().unwrap();
    x * T::from(plain.floor()).unwrap()
}

#[differentiable]
fn defaulted<T: Float>(x: T) -> T {
    let plain = x.to_f64().unwrap_or(0.0);
    let by_path = ToPrimitive::to_f64(&x).unwrap();
    let cast: f64 = num_traits::cast(x).unwrap();
    x * T::from(plain + by_path + cast).unwrap()
}

fn main() {}
