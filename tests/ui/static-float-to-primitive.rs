use autodiff::differentiable;
use num_traits::Float;

#[differentiable]
fn scaled<T: Float>(x: T) -> T {
    let plain = x.to_f64().unwrap();
    x * T::from(plain.floor()).unwrap()
}

fn main() {}
