#![doc = include_str!("../README.md")]

pub use autodiff_macros::differentiable;
pub use autodiff_runtime::tape;

/// ```
/// use autodiff::{differentiable, stop_gradient};
///
/// #[differentiable]
/// fn f(x: f64) -> f64 {
///     x * stop_gradient(x)
/// }
///
/// // Only the first factor is differentiated: d/dx = stop_gradient(x) = 3.
/// assert_eq!(f_grad(3.0), (9.0, 3.0));
/// ```
pub use autodiff_runtime::stop_gradient;

/// ```
/// use autodiff::{differentiable, Real};
/// use num_traits::Float;
///
/// #[differentiable]
/// fn softplus<T: Float>(x: T) -> T {
///     (T::one() + x.exp()).ln()
/// }
///
/// fn slope<T: Float + Real>(x: T) -> T {
///     softplus_grad(x).1
/// }
///
/// assert!((slope(0.0_f64) - 0.5).abs() < 1e-15);
/// assert!((slope(0.0_f32) - 0.5).abs() < 1e-7);
/// ```
pub use autodiff_runtime::Real;

/// Items the generated code names through one absolute path. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use autodiff_runtime::__private::*;
}
