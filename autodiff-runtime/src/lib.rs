//! Runtime support for `autodiff`: the scalar trait and derivative rules that generated code
//! calls, and the eager tape.

mod constants;
mod linear;
mod matrix;
mod protocol;
mod real;
pub mod rules;
mod space;
mod stack;
pub mod tape;
mod view;

pub use real::Real;

/// Drops the derivative through `x` on purpose: inside a `#[differentiable]` body the result
/// is a constant, outside it is the identity.
#[inline(always)]
pub fn stop_gradient<T>(x: T) -> T {
    x
}

/// Items the code written by `#[differentiable]` names. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::constants::*;
    pub use crate::linear::*;
    pub use crate::matrix::owned_matrix;
    pub use crate::protocol::*;
    pub use crate::real::Real;
    pub use crate::rules;
    pub use crate::space::*;
    pub use crate::stack::*;
    pub use crate::view::*;
}
