//! The number types a tape can record: every [`num_traits::Float`] (so `f32` and `f64`), and
//! the dual numbers [`Dual`] used for second derivatives.

use core::fmt;
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};
use num_traits::Float;

/// A number a tape can hold: the floating-point types, and [`Dual`] numbers over them.
///
/// Implemented for every [`num_traits::Float`] (so generic code written over `T: Float`
/// records on a tape without further bounds) and for [`Dual<T>`]. Integers, `bool` and other
/// non-float types do not implement it, so they cannot be tape variables (mode rule 4).
///
/// The methods mirror the float API; they exist so that the derivative rules can be written
/// once and evaluated in `f32`, `f64` or dual arithmetic.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded on a tape: only floating-point values are differentiable",
    label = "not a floating-point type",
    note = "tape variables are `f32`, `f64` or another `num_traits::Float`; convert integers with `as f64` before creating a variable"
)]
pub trait Scalar:
    Copy
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// The real number type underneath (`Self` for floats, `T` for `Dual<T>`).
    type Real: Float;
    /// Additive identity.
    fn zero() -> Self;
    /// Multiplicative identity.
    fn one() -> Self;
    /// A constant from an `f64` literal (rounded for `f32`).
    fn from_f64(v: f64) -> Self;
    /// A constant from the real type.
    fn from_real(v: Self::Real) -> Self;
    /// The real part (the value itself for floats).
    fn real(self) -> Self::Real;
    /// Is this exactly zero (for duals: both parts)?
    fn is_zero(self) -> bool;
    /// Sine.
    fn sin(self) -> Self;
    /// Cosine.
    fn cos(self) -> Self;
    /// Tangent.
    fn tan(self) -> Self;
    /// Arcsine.
    fn asin(self) -> Self;
    /// Arccosine.
    fn acos(self) -> Self;
    /// Arctangent.
    fn atan(self) -> Self;
    /// Four-quadrant arctangent of `self / x`.
    fn atan2(self, x: Self) -> Self;
    /// Hyperbolic sine.
    fn sinh(self) -> Self;
    /// Hyperbolic cosine.
    fn cosh(self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(self) -> Self;
    /// Inverse hyperbolic sine.
    fn asinh(self) -> Self;
    /// Inverse hyperbolic cosine.
    fn acosh(self) -> Self;
    /// Inverse hyperbolic tangent.
    fn atanh(self) -> Self;
    /// `e^self`.
    fn exp(self) -> Self;
    /// `2^self`.
    fn exp2(self) -> Self;
    /// `e^self - 1`, accurate near zero.
    fn exp_m1(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// Base-2 logarithm.
    fn log2(self) -> Self;
    /// Base-10 logarithm.
    fn log10(self) -> Self;
    /// `ln(1 + self)`, accurate near zero.
    fn ln_1p(self) -> Self;
    /// Square root.
    fn sqrt(self) -> Self;
    /// Cube root.
    fn cbrt(self) -> Self;
    /// Integer power.
    fn powi(self, n: i32) -> Self;
    /// Real power.
    fn powf(self, e: Self) -> Self;
    /// `sqrt(self^2 + other^2)` without undue overflow.
    fn hypot(self, other: Self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// Sign: `1` for positive (and `+0`), `-1` for negative (and `-0`), NaN for NaN.
    fn signum(self) -> Self;
    /// `1 / self`.
    fn recip(self) -> Self;
    /// `self * a + b` with one rounding where the hardware allows.
    fn mul_add(self, a: Self, b: Self) -> Self;
}

macro_rules! float_forward {
    ($($name:ident),*) => {
        $(#[inline(always)] fn $name(self) -> Self { Float::$name(self) })*
    };
}

impl<F: Float> Scalar for F {
    type Real = F;
    #[inline(always)]
    fn zero() -> Self {
        <F as num_traits::Zero>::zero()
    }
    #[inline(always)]
    fn one() -> Self {
        <F as num_traits::One>::one()
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        <F as num_traits::NumCast>::from(v).expect("every f64 converts to a float type")
    }
    #[inline(always)]
    fn from_real(v: F) -> Self {
        v
    }
    #[inline(always)]
    fn real(self) -> F {
        self
    }
    #[inline(always)]
    fn is_zero(self) -> bool {
        self == <F as num_traits::Zero>::zero()
    }
    float_forward!(
        sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, exp, exp2, exp_m1,
        ln, log2, log10, ln_1p, sqrt, cbrt, abs, signum, recip
    );
    #[inline(always)]
    fn atan2(self, x: Self) -> Self {
        Float::atan2(self, x)
    }
    #[inline(always)]
    fn powi(self, n: i32) -> Self {
        Float::powi(self, n)
    }
    #[inline(always)]
    fn powf(self, e: Self) -> Self {
        Float::powf(self, e)
    }
    #[inline(always)]
    fn hypot(self, other: Self) -> Self {
        Float::hypot(self, other)
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Float::mul_add(self, a, b)
    }
}

/// A dual number `re + eps·ε` with `ε² = 0`: one forward-mode tangent carried beside a value.
///
/// A tape over `Dual<T>` computes, in one backward sweep, the gradient (real parts) and its
/// directional derivative along the input tangents (dual parts): a Hessian-vector product.
/// [`hvp`](super::hvp) and [`hessian`](fn@super::hessian) drive this for you.
///
/// ```
/// use autodiff_runtime::tape::{Dual, Scalar};
/// let x = Dual::new(2.0_f64, 1.0);
/// let y = x * x * x; // d/dx x^3 = 3x^2
/// assert_eq!(y.re, 8.0);
/// assert_eq!(y.eps, 12.0);
/// assert_eq!(Scalar::sin(x).eps, 2.0_f64.cos());
/// ```
#[derive(Clone, Copy, PartialEq, Default)]
pub struct Dual<T> {
    /// The value.
    pub re: T,
    /// The tangent (derivative along the seeded direction).
    pub eps: T,
}

impl<T: Float> Dual<T> {
    /// A dual number from its value and tangent.
    pub fn new(re: T, eps: T) -> Self {
        Dual { re, eps }
    }
    /// A constant: tangent zero.
    pub fn constant(re: T) -> Self {
        Dual {
            re,
            eps: <T as Scalar>::zero(),
        }
    }
    /// Applies a unary function given its value `f` and derivative `df` at `re`.
    #[inline(always)]
    fn chain(self, f: T, df: T) -> Self {
        Dual {
            re: f,
            eps: df * self.eps,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Dual<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} + {:?}ε", self.re, self.eps)
    }
}

impl<T: Float> PartialOrd for Dual<T> {
    /// Orders by the real part only.
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        self.re.partial_cmp(&other.re)
    }
}

impl<T: Float> Add for Dual<T> {
    type Output = Self;
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Dual::new(self.re + o.re, self.eps + o.eps)
    }
}
impl<T: Float> Sub for Dual<T> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        Dual::new(self.re - o.re, self.eps - o.eps)
    }
}
impl<T: Float> Mul for Dual<T> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        Dual::new(self.re * o.re, self.re * o.eps + self.eps * o.re)
    }
}
impl<T: Float> Div for Dual<T> {
    type Output = Self;
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        let q = self.re / o.re;
        Dual::new(q, (self.eps - q * o.eps) / o.re)
    }
}
impl<T: Float> Neg for Dual<T> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Dual::new(-self.re, -self.eps)
    }
}
impl<T: Float> AddAssign for Dual<T> {
    #[inline(always)]
    fn add_assign(&mut self, o: Self) {
        *self = *self + o;
    }
}
impl<T: Float> SubAssign for Dual<T> {
    #[inline(always)]
    fn sub_assign(&mut self, o: Self) {
        *self = *self - o;
    }
}
impl<T: Float> MulAssign for Dual<T> {
    #[inline(always)]
    fn mul_assign(&mut self, o: Self) {
        *self = *self * o;
    }
}

impl<T: Float> Scalar for Dual<T> {
    type Real = T;
    fn zero() -> Self {
        Dual::constant(<T as Scalar>::zero())
    }
    fn one() -> Self {
        Dual::constant(<T as Scalar>::one())
    }
    fn from_f64(v: f64) -> Self {
        Dual::constant(<T as Scalar>::from_f64(v))
    }
    fn from_real(v: T) -> Self {
        Dual::constant(v)
    }
    fn real(self) -> T {
        self.re
    }
    fn is_zero(self) -> bool {
        self.re == <T as Scalar>::zero() && self.eps == <T as Scalar>::zero()
    }
    fn sin(self) -> Self {
        let (s, c) = Float::sin_cos(self.re);
        self.chain(s, c)
    }
    fn cos(self) -> Self {
        let (s, c) = Float::sin_cos(self.re);
        self.chain(c, -s)
    }
    fn tan(self) -> Self {
        let t = Float::tan(self.re);
        self.chain(t, <T as Scalar>::one() + t * t)
    }
    fn asin(self) -> Self {
        let x = self.re;
        self.chain(
            Float::asin(x),
            Float::recip(Float::sqrt(<T as Scalar>::one() - x * x)),
        )
    }
    fn acos(self) -> Self {
        let x = self.re;
        self.chain(
            Float::acos(x),
            -Float::recip(Float::sqrt(<T as Scalar>::one() - x * x)),
        )
    }
    fn atan(self) -> Self {
        let x = self.re;
        self.chain(Float::atan(x), Float::recip(<T as Scalar>::one() + x * x))
    }
    fn atan2(self, x: Self) -> Self {
        let (a, b) = (self.re, x.re);
        let r2 = a * a + b * b;
        Dual::new(Float::atan2(a, b), (b * self.eps - a * x.eps) / r2)
    }
    fn sinh(self) -> Self {
        self.chain(Float::sinh(self.re), Float::cosh(self.re))
    }
    fn cosh(self) -> Self {
        self.chain(Float::cosh(self.re), Float::sinh(self.re))
    }
    fn tanh(self) -> Self {
        let t = Float::tanh(self.re);
        self.chain(t, <T as Scalar>::one() - t * t)
    }
    fn asinh(self) -> Self {
        let x = self.re;
        self.chain(
            Float::asinh(x),
            Float::recip(Float::sqrt(x * x + <T as Scalar>::one())),
        )
    }
    fn acosh(self) -> Self {
        let x = self.re;
        self.chain(
            Float::acosh(x),
            Float::recip(Float::sqrt(x * x - <T as Scalar>::one())),
        )
    }
    fn atanh(self) -> Self {
        let x = self.re;
        self.chain(Float::atanh(x), Float::recip(<T as Scalar>::one() - x * x))
    }
    fn exp(self) -> Self {
        let e = Float::exp(self.re);
        self.chain(e, e)
    }
    fn exp2(self) -> Self {
        let e = Float::exp2(self.re);
        self.chain(e, e * <T as Scalar>::from_f64(core::f64::consts::LN_2))
    }
    fn exp_m1(self) -> Self {
        self.chain(Float::exp_m1(self.re), Float::exp(self.re))
    }
    fn ln(self) -> Self {
        self.chain(Float::ln(self.re), Float::recip(self.re))
    }
    fn log2(self) -> Self {
        let d = Float::recip(self.re * <T as Scalar>::from_f64(core::f64::consts::LN_2));
        self.chain(Float::log2(self.re), d)
    }
    fn log10(self) -> Self {
        let d = Float::recip(self.re * <T as Scalar>::from_f64(core::f64::consts::LN_10));
        self.chain(Float::log10(self.re), d)
    }
    fn ln_1p(self) -> Self {
        self.chain(
            Float::ln_1p(self.re),
            Float::recip(<T as Scalar>::one() + self.re),
        )
    }
    fn sqrt(self) -> Self {
        let s = Float::sqrt(self.re);
        self.chain(s, Float::recip(s + s))
    }
    fn cbrt(self) -> Self {
        let c = Float::cbrt(self.re);
        self.chain(c, Float::recip(<T as Scalar>::from_f64(3.0) * c * c))
    }
    fn powi(self, n: i32) -> Self {
        let d = if n == 0 {
            <T as Scalar>::zero()
        } else {
            <T as Scalar>::from_f64(f64::from(n)) * Float::powi(self.re, n - 1)
        };
        self.chain(Float::powi(self.re, n), d)
    }
    fn powf(self, e: Self) -> Self {
        let z = Float::powf(self.re, e.re);
        let dx = if e.eps == <T as Scalar>::zero() && self.eps == <T as Scalar>::zero() {
            <T as Scalar>::zero()
        } else {
            e.re * Float::powf(self.re, e.re - <T as Scalar>::one()) * self.eps
        };
        let de = if e.eps == <T as Scalar>::zero() {
            <T as Scalar>::zero()
        } else {
            z * Float::ln(self.re) * e.eps
        };
        Dual::new(z, dx + de)
    }
    fn hypot(self, o: Self) -> Self {
        let h = Float::hypot(self.re, o.re);
        Dual::new(h, (self.re * self.eps + o.re * o.eps) / h)
    }
    fn abs(self) -> Self {
        self.chain(Float::abs(self.re), Float::signum(self.re))
    }
    fn signum(self) -> Self {
        Dual::constant(Float::signum(self.re))
    }
    fn recip(self) -> Self {
        let r = Float::recip(self.re);
        self.chain(r, -r * r)
    }
    fn mul_add(self, a: Self, b: Self) -> Self {
        Dual::new(
            Float::mul_add(self.re, a.re, b.re),
            self.eps * a.re + self.re * a.eps + b.eps,
        )
    }
}
