//! The scalar types derivatives are taken over.
//!
//! Generated code computes primal values and local partials through [`Real`], whose math
//! methods carry a `real_` prefix so that they never clash with `num_traits::Float` or
//! nalgebra's `RealField` methods when a generic function is bounded by both.

use core::fmt::Debug;
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Rem, Sub, SubAssign};

macro_rules! real_methods {
    ($($name:ident => $std:ident),* $(,)?) => {
        $(
            #[doc(hidden)]
            fn $name(self) -> Self;
        )*
    };
}

macro_rules! real_impls {
    ($($name:ident => $std:ident),* $(,)?) => {
        $(
            #[inline(always)]
            fn $name(self) -> Self {
                self.$std()
            }
        )*
    };
}

macro_rules! for_each_unary {
    ($m:ident) => {
        $m! {
            real_sin => sin, real_cos => cos, real_tan => tan, real_asin => asin,
            real_acos => acos, real_atan => atan, real_sinh => sinh, real_cosh => cosh,
            real_tanh => tanh, real_asinh => asinh, real_acosh => acosh, real_atanh => atanh,
            real_exp => exp, real_exp2 => exp2, real_exp_m1 => exp_m1, real_ln => ln,
            real_log2 => log2, real_log10 => log10, real_ln_1p => ln_1p, real_sqrt => sqrt,
            real_cbrt => cbrt, real_abs => abs, real_recip => recip, real_signum => signum,
            real_to_degrees => to_degrees, real_to_radians => to_radians,
        }
    };
}

/// A real scalar that derivatives are taken over: `f32` or `f64`.
///
/// Generic functions given to `#[differentiable]` keep their own bounds
/// (`T: num_traits::Float`, `T: nalgebra::RealField`, ...); their generated derivatives add
/// `T: Real`, so a generic caller of a generated derivative names this bound too.
pub trait Real:
    crate::space::Space
    + crate::stack::Pooled
    + crate::protocol::ScalarOutput
    + Copy
    + PartialOrd
    + Debug
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Rem<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + 'static
{
    /// Converts an `f64` constant (rounding to the nearest value of `Self`).
    fn real_from_f64(x: f64) -> Self;
    /// Widens to `f64` (exactly).
    fn real_to_f64(self) -> f64;
    #[doc(hidden)]
    fn real_powi(self, n: i32) -> Self;
    #[doc(hidden)]
    fn real_powf(self, y: Self) -> Self;
    #[doc(hidden)]
    fn real_hypot(self, y: Self) -> Self;
    #[doc(hidden)]
    fn real_atan2(self, x: Self) -> Self;
    #[doc(hidden)]
    fn real_mul_add(self, a: Self, b: Self) -> Self;
    #[doc(hidden)]
    fn real_is_nan(self) -> bool;
    for_each_unary!(real_methods);
}

macro_rules! impl_real {
    ($($t:ty),*) => {$(
        impl Real for $t {
            #[inline(always)]
            fn real_from_f64(x: f64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn real_to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn real_powi(self, n: i32) -> Self {
                self.powi(n)
            }
            #[inline(always)]
            fn real_powf(self, y: Self) -> Self {
                self.powf(y)
            }
            #[inline(always)]
            fn real_hypot(self, y: Self) -> Self {
                self.hypot(y)
            }
            #[inline(always)]
            fn real_atan2(self, x: Self) -> Self {
                self.atan2(x)
            }
            #[inline(always)]
            fn real_mul_add(self, a: Self, b: Self) -> Self {
                self.mul_add(a, b)
            }
            #[inline(always)]
            fn real_is_nan(self) -> bool {
                self.is_nan()
            }
            for_each_unary!(real_impls);
        }
    )*};
}

impl_real!(f32, f64);
