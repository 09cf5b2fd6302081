//! Scalar tape variables: [`Var`], its operators and its float math.

use super::arena::{Arena, Brand, SINK};
use super::rules::{self, Unary};
use super::scalar::{Dual, Scalar};
use core::fmt;
use core::marker::PhantomData;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use num_traits::Float;

/// A scalar on a tape: a value and the index of the node that computed it.
///
/// `Var` is `Copy` (24 bytes for `f64`) and carries the brand `'id` of the tape scope that
/// made it: variables of two tapes cannot be mixed, and no variable can leave its scope
/// (mode rule 7). Arithmetic with other variables or with constants of type `T` on either
/// side records one node. There is deliberately no conversion to `T` (no `From`, no `Deref`,
/// no comparison operators): read the value with [`Var::value`], cut the gradient with
/// [`Var::stop_gradient`] (mode rule 9). Ordinary `if`/`while` on `x.value()` decides what
/// gets recorded; the derivative is that of the branch taken.
///
/// ```
/// use autodiff_runtime::tape::Tape;
///
/// let (y, g) = Tape::<f64>::scope(|t| {
///     let x = t.var(0.5);
///     let y = if x.value() > 0.0 { x.sin() * 3.0 } else { x * x };
///     (y.value(), t.gradient(y, x))
/// });
/// assert_eq!(y, 0.5_f64.sin() * 3.0);
/// assert_eq!(g, 0.5_f64.cos() * 3.0);
/// ```
pub struct Var<'id, T = f64> {
    pub(crate) tape: &'id Arena<T>,
    pub(crate) idx: u32,
    pub(crate) val: T,
    pub(crate) brand: Brand<'id>,
}

impl<T: Copy> Clone for Var<'_, T> {
    #[inline(always)]
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Copy> Copy for Var<'_, T> {}

impl<T: fmt::Debug> fmt::Debug for Var<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.idx == SINK {
            write!(f, "Var(constant {:?})", self.val)
        } else {
            write!(f, "Var(#{} = {:?})", self.idx, self.val)
        }
    }
}

/// Something that can stand on either side of a binary tape operation: a [`Var`] of the same
/// tape, or a constant of the tape's number type.
pub trait Operand<'id, T> {
    /// The node index (the sink for constants) and the value.
    #[doc(hidden)]
    fn parts(self) -> (u32, T);
}

impl<'id, T: Scalar> Operand<'id, T> for T {
    #[inline(always)]
    fn parts(self) -> (u32, T) {
        (SINK, self)
    }
}

impl<'id, T: Scalar> Operand<'id, T> for Var<'id, T> {
    #[inline(always)]
    fn parts(self) -> (u32, T) {
        (self.idx, self.val)
    }
}

macro_rules! unary_methods {
    ($($(#[$m:meta])* $name:ident => $op:ident;)*) => {
        $(
            $(#[$m])*
            #[inline]
            #[must_use]
            pub fn $name(self) -> Self {
                self.unary(Unary::$op)
            }
        )*
    };
}

impl<'id, T: Scalar> Var<'id, T> {
    #[inline(always)]
    pub(crate) fn from_parts(tape: &'id Arena<T>, idx: u32, val: T) -> Self {
        Var {
            tape,
            idx,
            val,
            brand: PhantomData,
        }
    }

    /// The value. Reading it leaves the differentiable world: whatever is computed from the
    /// returned number is not recorded.
    ///
    /// ```
    /// use autodiff_runtime::tape::Tape;
    /// let v = Tape::<f64>::scope(|t| (t.var(2.0) * 3.0).value());
    /// assert_eq!(v, 6.0);
    /// ```
    #[inline(always)]
    pub fn value(self) -> T {
        self.val
    }

    /// The same value as a constant: no gradient flows back through the result.
    ///
    /// ```
    /// use autodiff_runtime::tape::Tape;
    /// let g = Tape::<f64>::scope(|t| {
    ///     let x = t.var(3.0);
    ///     let y = x * x.stop_gradient(); // d/dx = x, not 2x
    ///     t.gradient(y, x)
    /// });
    /// assert_eq!(g, 3.0);
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn stop_gradient(self) -> Self {
        Var::from_parts(self.tape, SINK, self.val)
    }

    /// Whether this is a constant (made by [`Recorder::constant`](super::Recorder::constant),
    /// [`Var::stop_gradient`], or computed from constants only): its gradient is always zero.
    #[inline(always)]
    pub fn is_constant(self) -> bool {
        self.idx == SINK
    }

    /// A constant of this variable's tape.
    #[inline(always)]
    pub fn constant(self, v: T) -> Self {
        Var::from_parts(self.tape, SINK, v)
    }

    /// Records a one-parent node with local partial `d`.
    #[inline(always)]
    pub(crate) fn record1(self, v: T, d: T) -> Self {
        if self.idx == SINK {
            return Var::from_parts(self.tape, SINK, v);
        }
        let i = self.tape.push(self.idx, d, SINK, T::zero());
        Var::from_parts(self.tape, i, v)
    }

    /// Records a two-parent node.
    #[inline(always)]
    pub(crate) fn record2(tape: &'id Arena<T>, a: u32, da: T, b: u32, db: T, v: T) -> Self {
        if a == SINK && b == SINK {
            return Var::from_parts(tape, SINK, v);
        }
        let i = tape.push(a, da, b, db);
        Var::from_parts(tape, i, v)
    }

    #[inline(always)]
    fn unary(self, op: Unary) -> Self {
        let (v, d) = rules::unary(op, self.val);
        self.record1(v, d)
    }

    #[inline(always)]
    fn binary<O: Operand<'id, T>>(self, other: O, f: impl FnOnce(T, T) -> (T, T, T)) -> Self {
        let (j, w) = other.parts();
        let (v, da, db) = f(self.val, w);
        Self::record2(self.tape, self.idx, da, j, db, v)
    }

    unary_methods! {
        /// Sine.
        sin => Sin;
        /// Cosine.
        cos => Cos;
        /// Tangent.
        tan => Tan;
        /// Arcsine (derivative infinite at ±1).
        asin => Asin;
        /// Arccosine (derivative infinite at ±1).
        acos => Acos;
        /// Arctangent.
        atan => Atan;
        /// Hyperbolic sine.
        sinh => Sinh;
        /// Hyperbolic cosine.
        cosh => Cosh;
        /// Hyperbolic tangent.
        tanh => Tanh;
        /// Inverse hyperbolic sine.
        asinh => Asinh;
        /// Inverse hyperbolic cosine (derivative infinite at 1).
        acosh => Acosh;
        /// Inverse hyperbolic tangent.
        atanh => Atanh;
        /// `e^x`.
        exp => Exp;
        /// `2^x`.
        exp2 => Exp2;
        /// `e^x - 1`.
        exp_m1 => ExpM1;
        /// Natural logarithm.
        ln => Ln;
        /// Base-2 logarithm.
        log2 => Log2;
        /// Base-10 logarithm.
        log10 => Log10;
        /// `ln(1 + x)`.
        ln_1p => Ln1p;
        /// Square root (derivative infinite at 0).
        sqrt => Sqrt;
        /// Cube root (derivative infinite at 0).
        cbrt => Cbrt;
        /// Absolute value. The derivative is `signum(x)`: `1` at `+0` (a kink).
        abs => Abs;
        /// Sign; its derivative is zero.
        signum => Signum;
        /// `1 / x`.
        recip => Recip;
    }

    /// `x^n` for an integer `n`.
    #[inline]
    #[must_use]
    pub fn powi(self, n: i32) -> Self {
        let (v, d) = rules::powi(self.val, n);
        self.record1(v, d)
    }

    /// `x^e` for a variable or constant exponent. The partial in `e` is `x^e ln x`.
    #[inline]
    #[must_use]
    pub fn powf<O: Operand<'id, T>>(self, e: O) -> Self {
        self.binary(e, rules::powf)
    }

    /// Logarithm in a variable or constant base: `ln x / ln base`.
    #[inline]
    #[must_use]
    pub fn log<O: Operand<'id, T>>(self, base: O) -> Self {
        self.binary(base, |x, b| {
            let (lx, lb) = (x.ln(), b.ln());
            (lx / lb, (x * lb).recip(), -(lx / (lb * lb * b)))
        })
    }

    /// Four-quadrant arctangent of `self / x`.
    #[inline]
    #[must_use]
    pub fn atan2<O: Operand<'id, T>>(self, x: O) -> Self {
        self.binary(x, rules::atan2)
    }

    /// `sqrt(self^2 + other^2)`.
    #[inline]
    #[must_use]
    pub fn hypot<O: Operand<'id, T>>(self, other: O) -> Self {
        self.binary(other, rules::hypot)
    }

    /// The smaller of two values; the gradient goes to the one chosen (`self` on a tie).
    #[inline]
    #[must_use]
    pub fn min<O: Operand<'id, T>>(self, other: O) -> Self {
        self.binary(other, rules::min)
    }

    /// The larger of two values; the gradient goes to the one chosen (`self` on a tie).
    #[inline]
    #[must_use]
    pub fn max<O: Operand<'id, T>>(self, other: O) -> Self {
        self.binary(other, rules::max)
    }

    /// Restricts to `[lo, hi]`: derivative `1` inside, `0` where clamped.
    ///
    /// # Panics
    /// If `lo > hi`.
    #[inline]
    #[must_use]
    pub fn clamp(self, lo: T, hi: T) -> Self {
        assert!(lo <= hi, "Var::clamp: lower bound above upper bound");
        if self.val < lo {
            self.record1(lo, T::zero())
        } else if self.val > hi {
            self.record1(hi, T::zero())
        } else {
            self
        }
    }

    /// `self * a + b`, each a variable or a constant. The value uses a fused multiply-add;
    /// the derivative is that of `self * a + b`. Records two nodes when all three are
    /// variables.
    #[inline]
    #[must_use]
    pub fn mul_add<A: Operand<'id, T>, B: Operand<'id, T>>(self, a: A, b: B) -> Self {
        let (ia, va) = a.parts();
        let (ib, vb) = b.parts();
        let v = self.val.mul_add(va, vb);
        if ib == SINK {
            Self::record2(self.tape, self.idx, va, ia, self.val, v)
        } else if self.idx == SINK || ia == SINK {
            // One active factor: a single node with three parents folded into two.
            let (i, d) = if ia == SINK {
                (self.idx, va)
            } else {
                (ia, self.val)
            };
            Self::record2(self.tape, i, d, ib, T::one(), v)
        } else {
            let p = Self::record2(self.tape, self.idx, va, ia, self.val, self.val * va);
            Self::record2(self.tape, p.idx, T::one(), ib, T::one(), v)
        }
    }
}

// ---- operators -------------------------------------------------------------------------

impl<'id, T: Scalar> Neg for Var<'id, T> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        self.record1(-self.val, -T::one())
    }
}

impl<'id, T: Scalar> Add for Var<'id, T> {
    type Output = Self;
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Self::record2(
            self.tape,
            self.idx,
            T::one(),
            o.idx,
            T::one(),
            self.val + o.val,
        )
    }
}
impl<'id, T: Scalar> Sub for Var<'id, T> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        Self::record2(
            self.tape,
            self.idx,
            T::one(),
            o.idx,
            -T::one(),
            self.val - o.val,
        )
    }
}
impl<'id, T: Scalar> Mul for Var<'id, T> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        Self::record2(
            self.tape,
            self.idx,
            o.val,
            o.idx,
            self.val,
            self.val * o.val,
        )
    }
}
#[allow(clippy::suspicious_arithmetic_impl)]
impl<'id, T: Scalar> Div for Var<'id, T> {
    type Output = Self;
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        let r = o.val.recip();
        let q = self.val * r;
        Self::record2(self.tape, self.idx, r, o.idx, -(q * r), q)
    }
}

impl<'id, T: Scalar> Add<T> for Var<'id, T> {
    type Output = Self;
    #[inline(always)]
    fn add(self, c: T) -> Self {
        self.record1(self.val + c, T::one())
    }
}
impl<'id, T: Scalar> Sub<T> for Var<'id, T> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, c: T) -> Self {
        self.record1(self.val - c, T::one())
    }
}
impl<'id, T: Scalar> Mul<T> for Var<'id, T> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, c: T) -> Self {
        self.record1(self.val * c, c)
    }
}
#[allow(clippy::suspicious_arithmetic_impl)]
impl<'id, T: Scalar> Div<T> for Var<'id, T> {
    type Output = Self;
    #[inline(always)]
    fn div(self, c: T) -> Self {
        let r = c.recip();
        self.record1(self.val * r, r)
    }
}

/// `c op x` helpers, shared by the concrete left-constant impls.
impl<'id, T: Scalar> Var<'id, T> {
    #[inline(always)]
    fn rsub(self, c: T) -> Self {
        self.record1(c - self.val, -T::one())
    }
    #[inline(always)]
    fn rdiv(self, c: T) -> Self {
        let r = self.val.recip();
        let q = c * r;
        self.record1(q, -(q * r))
    }
}

// Real constants with a dual tape: `x * 2.0` where `x: Var<Dual<f64>>`.
impl<'id, T: Float> Add<T> for Var<'id, Dual<T>> {
    type Output = Self;
    #[inline(always)]
    fn add(self, c: T) -> Self {
        self + Dual::constant(c)
    }
}
impl<'id, T: Float> Sub<T> for Var<'id, Dual<T>> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, c: T) -> Self {
        self - Dual::constant(c)
    }
}
impl<'id, T: Float> Mul<T> for Var<'id, Dual<T>> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, c: T) -> Self {
        self * Dual::constant(c)
    }
}
impl<'id, T: Float> Div<T> for Var<'id, Dual<T>> {
    type Output = Self;
    #[inline(always)]
    fn div(self, c: T) -> Self {
        self / Dual::constant(c)
    }
}

macro_rules! left_constant_ops {
    ($($c:ty => $t:ty, $conv:expr;)*) => {$(
        impl<'id> Add<Var<'id, $t>> for $c {
            type Output = Var<'id, $t>;
            #[inline(always)]
            fn add(self, x: Var<'id, $t>) -> Var<'id, $t> {
                let c: $t = $conv(self);
                x + c
            }
        }
        impl<'id> Sub<Var<'id, $t>> for $c {
            type Output = Var<'id, $t>;
            #[inline(always)]
            fn sub(self, x: Var<'id, $t>) -> Var<'id, $t> {
                x.rsub($conv(self))
            }
        }
        impl<'id> Mul<Var<'id, $t>> for $c {
            type Output = Var<'id, $t>;
            #[inline(always)]
            fn mul(self, x: Var<'id, $t>) -> Var<'id, $t> {
                let c: $t = $conv(self);
                x * c
            }
        }
        impl<'id> Div<Var<'id, $t>> for $c {
            type Output = Var<'id, $t>;
            #[inline(always)]
            fn div(self, x: Var<'id, $t>) -> Var<'id, $t> {
                x.rdiv($conv(self))
            }
        }
    )*};
}

left_constant_ops! {
    f64 => f64, |c| c;
    f32 => f32, |c| c;
    f64 => Dual<f64>, Dual::constant;
    f32 => Dual<f32>, Dual::constant;
    Dual<f64> => Dual<f64>, |c| c;
    Dual<f32> => Dual<f32>, |c| c;
}

macro_rules! assign_ops {
    ($($tr:ident $m:ident $op:tt;)*) => {$(
        impl<'id, T: Scalar> $tr for Var<'id, T> {
            #[inline(always)]
            fn $m(&mut self, o: Self) {
                *self = *self $op o;
            }
        }
        impl<'id, T: Scalar> $tr<T> for Var<'id, T> {
            #[inline(always)]
            fn $m(&mut self, o: T) {
                *self = *self $op o;
            }
        }
    )*};
}

assign_ops! {
    AddAssign add_assign +;
    SubAssign sub_assign -;
    MulAssign mul_assign *;
    DivAssign div_assign /;
}
