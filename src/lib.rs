//! Automatic differentiation for stable Rust, on two paths.
//!
//! * **The static path**: [`differentiable`] reads a function body at compile time and
//!   writes its forward-mode (`_jvp`) and reverse-mode (`_grad`, `_vjp`) derivatives beside
//!   it, as ordinary Rust.
//! * **The eager path**: [`tape`] records operations at run time, for code the macro cannot
//!   see (closures built at run time, trait objects, models whose shape comes from data).
//!
//! ```
//! use autodiff::differentiable;
//!
//! #[differentiable]
//! fn rosenbrock(x: f64, y: f64) -> f64 {
//!     (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
//! }
//!
//! let (value, (dx, dy)) = rosenbrock_grad(1.5, 2.0);
//! assert_eq!(value, rosenbrock(1.5, 2.0));
//! assert!((dx - (-2.0 * (1.0 - 1.5) - 400.0 * 1.5 * (2.0 - 1.5 * 1.5))).abs() < 1e-12);
//! assert!((dy - 200.0 * (2.0 - 1.5 * 1.5)).abs() < 1e-12);
//! ```

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
