//! Runtime support for `autodiff`: the derivative rules that generated code calls, and the
//! eager tape.

pub mod rules;
pub mod space;
pub mod tape;

/// Items the code written by `#[differentiable]` names. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::rules::*;
    pub use crate::space::*;
    pub use num_traits;
}
