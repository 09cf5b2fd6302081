//! The tape's rule table: for each primitive, its value and its local partial derivatives.
//! Scalar nodes and element-wise matrix nodes both use it, in any [`Scalar`] type.

use super::scalar::Scalar;
use core::f64::consts::{LN_10, LN_2};

/// A one-argument primitive that the tape can record, on scalars or element-wise on vectors
/// and matrices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unary {
    /// `sin x`
    Sin,
    /// `cos x`
    Cos,
    /// `tan x`
    Tan,
    /// `asin x`
    Asin,
    /// `acos x`
    Acos,
    /// `atan x`
    Atan,
    /// `sinh x`
    Sinh,
    /// `cosh x`
    Cosh,
    /// `tanh x`
    Tanh,
    /// `asinh x`
    Asinh,
    /// `acosh x`
    Acosh,
    /// `atanh x`
    Atanh,
    /// `e^x`
    Exp,
    /// `2^x`
    Exp2,
    /// `e^x - 1`
    ExpM1,
    /// `ln x`
    Ln,
    /// `log2 x`
    Log2,
    /// `log10 x`
    Log10,
    /// `ln(1 + x)`
    Ln1p,
    /// `sqrt x`
    Sqrt,
    /// `cbrt x`
    Cbrt,
    /// `|x|` (derivative `signum x`, and `0` at the kink `x = 0`)
    Abs,
    /// `signum x` (derivative `0`)
    Signum,
    /// `1 / x`
    Recip,
    /// `-x`
    Neg,
}

/// Value and derivative of a unary primitive at `x`.
#[inline(always)]
pub fn unary<S: Scalar>(op: Unary, x: S) -> (S, S) {
    match op {
        Unary::Sin => (x.sin(), x.cos()),
        Unary::Cos => (x.cos(), -x.sin()),
        Unary::Tan => {
            let t = x.tan();
            (t, S::one() + t * t)
        }
        Unary::Asin => (x.asin(), (S::one() - x * x).sqrt().recip()),
        Unary::Acos => (x.acos(), -(S::one() - x * x).sqrt().recip()),
        Unary::Atan => (x.atan(), (S::one() + x * x).recip()),
        Unary::Sinh => (x.sinh(), x.cosh()),
        Unary::Cosh => (x.cosh(), x.sinh()),
        Unary::Tanh => {
            let t = x.tanh();
            (t, S::one() - t * t)
        }
        Unary::Asinh => (x.asinh(), (x * x + S::one()).sqrt().recip()),
        Unary::Acosh => (x.acosh(), (x * x - S::one()).sqrt().recip()),
        Unary::Atanh => (x.atanh(), (S::one() - x * x).recip()),
        Unary::Exp => {
            let e = x.exp();
            (e, e)
        }
        Unary::Exp2 => {
            let e = x.exp2();
            (e, e * S::from_f64(LN_2))
        }
        Unary::ExpM1 => (x.exp_m1(), x.exp()),
        Unary::Ln => (x.ln(), x.recip()),
        Unary::Log2 => (x.log2(), (x * S::from_f64(LN_2)).recip()),
        Unary::Log10 => (x.log10(), (x * S::from_f64(LN_10)).recip()),
        Unary::Ln1p => (x.ln_1p(), (S::one() + x).recip()),
        Unary::Sqrt => {
            let s = x.sqrt();
            (s, (s + s).recip())
        }
        Unary::Cbrt => {
            let c = x.cbrt();
            (c, (S::from_f64(3.0) * c * c).recip())
        }
        // The kink takes derivative 0, as on the static path.
        Unary::Abs => (x.abs(), if x.is_zero() { S::zero() } else { x.signum() }),
        Unary::Signum => (x.signum(), S::zero()),
        Unary::Recip => {
            let r = x.recip();
            (r, -(r * r))
        }
        Unary::Neg => (-x, -S::one()),
    }
}

/// Value and derivative of `x^n`.
#[inline(always)]
pub fn powi<S: Scalar>(x: S, n: i32) -> (S, S) {
    let d = match n {
        0 => S::zero(),
        1 => S::one(),
        2 => x + x,
        _ => S::from_f64(f64::from(n)) * x.powi(n - 1),
    };
    (x.powi(n), d)
}

/// Value and partials of `x^y`. The partial in `y` is `x^y ln x`, taken as `0` when
/// `x^y == 0` so that `0^y` with `y > 0` has a finite derivative.
#[inline(always)]
pub fn powf<S: Scalar>(x: S, y: S) -> (S, S, S) {
    let z = x.powf(y);
    let dx = y * x.powf(y - S::one());
    let dy = if z.real() == S::zero().real() {
        S::zero()
    } else {
        z * x.ln()
    };
    (z, dx, dy)
}

/// Value and partials of `atan2(y, x)`.
#[inline(always)]
pub fn atan2<S: Scalar>(y: S, x: S) -> (S, S, S) {
    let r2 = x * x + y * y;
    (y.atan2(x), x / r2, -(y / r2))
}

/// Value and partials of `hypot(x, y)`.
#[inline(always)]
pub fn hypot<S: Scalar>(x: S, y: S) -> (S, S, S) {
    let h = x.hypot(y);
    (h, x / h, y / h)
}

/// Value and partials of `min(a, b)`; ties go to `a`.
#[inline(always)]
pub fn min<S: Scalar>(a: S, b: S) -> (S, S, S) {
    if b < a {
        (b, S::zero(), S::one())
    } else {
        (a, S::one(), S::zero())
    }
}

/// Value and partials of `max(a, b)`; ties go to `a`.
#[inline(always)]
pub fn max<S: Scalar>(a: S, b: S) -> (S, S, S) {
    if b > a {
        (b, S::zero(), S::one())
    } else {
        (a, S::one(), S::zero())
    }
}
