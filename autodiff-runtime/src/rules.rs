//! The rule table: each primitive's value and its local partial derivatives, one entry per
//! primitive, shared by forward and reverse mode.
//!
//! A rule returns `(y, dy/da, dy/db, ...)`. Forward mode forms `dy = sum(dy/di * di)`,
//! reverse mode accumulates `i_bar += dy/di * y_bar`. Partials with respect to operands that
//! are inactive at a call site are computed and then dropped by the optimiser.
//!
//! At kinks a rule picks one one-sided derivative (documented per rule), and outside a
//! function's domain the partials are NaN like the value.

use crate::linear::{Linear, MinusOne, One, Pull, Push};
use crate::real::Real;

pub use crate::matrix::*;

#[inline(always)]
fn c<R: Real>(x: f64) -> R {
    R::real_from_f64(x)
}

macro_rules! unary {
    ($($(#[$doc:meta])* $name:ident(|$x:ident, $y:ident| $d:expr, $f:ident);)*) => {$(
        $(#[$doc])*
        #[inline(always)]
        pub fn $name<R: Real>($x: R) -> (R, R) {
            let $y = $x.$f();
            let _ = &$y;
            (($y), $d)
        }
    )*};
}

unary! {
    /// `sin(x)`, derivative `cos(x)`.
    sin(|x, _y| x.real_cos(), real_sin);
    /// `cos(x)`, derivative `-sin(x)`.
    cos(|x, _y| -x.real_sin(), real_cos);
    /// `tan(x)`, derivative `1 + tan(x)^2`.
    tan(|_x, y| c::<R>(1.0) + y * y, real_tan);
    /// `asin(x)`, derivative `1 / sqrt(1 - x^2)`.
    asin(|x, _y| (c::<R>(1.0) - x * x).real_sqrt().real_recip(), real_asin);
    /// `acos(x)`, derivative `-1 / sqrt(1 - x^2)`.
    acos(|x, _y| -(c::<R>(1.0) - x * x).real_sqrt().real_recip(), real_acos);
    /// `atan(x)`, derivative `1 / (1 + x^2)`.
    atan(|x, _y| (c::<R>(1.0) + x * x).real_recip(), real_atan);
    /// `sinh(x)`, derivative `cosh(x)`.
    sinh(|x, _y| x.real_cosh(), real_sinh);
    /// `cosh(x)`, derivative `sinh(x)`.
    cosh(|x, _y| x.real_sinh(), real_cosh);
    /// `tanh(x)`, derivative `1 - tanh(x)^2`.
    tanh(|_x, y| c::<R>(1.0) - y * y, real_tanh);
    /// `asinh(x)`, derivative `1 / sqrt(x^2 + 1)`.
    asinh(|x, _y| (x * x + c::<R>(1.0)).real_sqrt().real_recip(), real_asinh);
    /// `acosh(x)`, derivative `1 / sqrt(x^2 - 1)`.
    acosh(|x, _y| (x * x - c::<R>(1.0)).real_sqrt().real_recip(), real_acosh);
    /// `atanh(x)`, derivative `1 / (1 - x^2)`.
    atanh(|x, _y| (c::<R>(1.0) - x * x).real_recip(), real_atanh);
    /// `exp(x)`, derivative `exp(x)`.
    exp(|_x, y| y, real_exp);
    /// `2^x`, derivative `2^x ln 2`.
    exp2(|_x, y| y * c::<R>(core::f64::consts::LN_2), real_exp2);
    /// `exp(x) - 1`, derivative `exp(x)`.
    exp_m1(|_x, y| y + c::<R>(1.0), real_exp_m1);
    /// `ln(x)`, derivative `1 / x`.
    ln(|x, _y| x.real_recip(), real_ln);
    /// `log2(x)`, derivative `1 / (x ln 2)`.
    log2(|x, _y| (x * c::<R>(core::f64::consts::LN_2)).real_recip(), real_log2);
    /// `log10(x)`, derivative `1 / (x ln 10)`.
    log10(|x, _y| (x * c::<R>(core::f64::consts::LN_10)).real_recip(), real_log10);
    /// `ln(1 + x)`, derivative `1 / (1 + x)`.
    ln_1p(|x, _y| (c::<R>(1.0) + x).real_recip(), real_ln_1p);
    /// `sqrt(x)`, derivative `1 / (2 sqrt(x))` (infinite at 0).
    sqrt(|_x, y| c::<R>(0.5) / y, real_sqrt);
    /// `cbrt(x)`, derivative `1 / (3 cbrt(x)^2)` (infinite at 0).
    cbrt(|_x, y| (c::<R>(3.0) * y * y).real_recip(), real_cbrt);
    /// `|x|`, derivative `sign(x)`, and 0 at the kink `x = 0`.
    abs(|x, _y| sign(x), real_abs);
    /// `1 / x`, derivative `-1 / x^2`.
    recip(|_x, y| -(y * y), real_recip);
    /// `x` in degrees, derivative `180 / pi`.
    to_degrees(|_x, _y| c::<R>(180.0 / core::f64::consts::PI), real_to_degrees);
    /// `x` in radians, derivative `pi / 180`.
    to_radians(|_x, _y| c::<R>(core::f64::consts::PI / 180.0), real_to_radians);
}

#[inline(always)]
fn sign<R: Real>(x: R) -> R {
    let zero = c::<R>(0.0);
    if x > zero {
        c(1.0)
    } else if x < zero {
        c(-1.0)
    } else {
        zero
    }
}

/// `signum(x)`: piecewise constant, derivative 0.
#[inline(always)]
pub fn signum<R: Real>(x: R) -> (R, R) {
    (x.real_signum(), c(0.0))
}

/// `a + b`, for scalars, vectors and matrices.
#[inline(always)]
pub fn add<A: Linear>(a: &A, b: &A) -> (A, One, One) {
    (a.add_ref(b), One, One)
}

/// `a - b`, for scalars, vectors and matrices.
#[inline(always)]
pub fn sub<A: Linear>(a: &A, b: &A) -> (A, One, MinusOne) {
    (a.sub_ref(b), One, MinusOne)
}

/// `-a`, for scalars, vectors and matrices.
#[inline(always)]
pub fn neg<A: Linear>(a: &A) -> (A, MinusOne) {
    (a.neg_ref(), MinusOne)
}

/// `a + b` where `a` is not needed afterwards: the sum takes its memory.
#[inline(always)]
pub fn add_owned<A: Linear>(a: A, b: &A) -> (A, One, One) {
    (a.add_owned(b), One, One)
}

/// `a - b` where `a` is not needed afterwards: the difference takes its memory.
#[inline(always)]
pub fn sub_owned<A: Linear>(a: A, b: &A) -> (A, One, MinusOne) {
    (a.sub_owned(b), One, MinusOne)
}

/// `-a` where `a` is not needed afterwards.
#[inline(always)]
pub fn neg_owned<A: Linear>(a: A) -> (A, MinusOne) {
    (a.neg_owned(), MinusOne)
}

/// `a * b` for the operand types `*` takes: scalars, scalar and matrix, matrix and matrix.
pub trait MulRule<B> {
    /// The product.
    type Out;
    /// The partial in `a`.
    type Da;
    /// The partial in `b`.
    type Db;
    /// The product and its partials.
    fn mul_rule(&self, b: &B) -> (Self::Out, Self::Da, Self::Db);
    /// The product and its partial in `a` alone, `b` being a constant.
    #[inline(always)]
    fn mul_rule_a(&self, b: &B) -> (Self::Out, Self::Da) {
        let (y, da, _) = self.mul_rule(b);
        (y, da)
    }
    /// The product and its partial in `b` alone, `a` being a constant.
    #[inline(always)]
    fn mul_rule_b(&self, b: &B) -> (Self::Out, Self::Db) {
        let (y, _, db) = self.mul_rule(b);
        (y, db)
    }
    /// The partial in `a`, borrowing `b` instead of keeping a copy.
    type DaRef<'a>
    where
        Self: 'a,
        B: 'a;
    /// The partial in `b`, borrowing `a` instead of keeping a copy.
    type DbRef<'a>
    where
        Self: 'a,
        B: 'a;
    /// The product and its partials, borrowing the operands: for a product whose operands
    /// outlive its partials (straight-line code at the top of a function body).
    fn mul_rule_ref<'a>(&'a self, b: &'a B) -> (Self::Out, Self::DaRef<'a>, Self::DbRef<'a>);
    /// The product and its partial in `a`, borrowing `b`.
    fn mul_rule_a_ref<'a>(&'a self, b: &'a B) -> (Self::Out, Self::DaRef<'a>) {
        let (y, da, _) = self.mul_rule_ref(b);
        (y, da)
    }
    /// The product and its partial in `b`, borrowing `a`.
    fn mul_rule_b_ref<'a>(&'a self, b: &'a B) -> (Self::Out, Self::DbRef<'a>) {
        let (y, _, db) = self.mul_rule_ref(b);
        (y, db)
    }
}

/// `a / b` for a scalar or a matrix `a` and a scalar `b`.
pub trait DivRule<B> {
    /// The quotient.
    type Out;
    /// The partial in `a`.
    type Da;
    /// The partial in `b`.
    type Db;
    /// The quotient and its partials.
    fn div_rule(&self, b: &B) -> (Self::Out, Self::Da, Self::Db);
    /// The quotient and its partial in `a` alone, `b` being a constant.
    #[inline(always)]
    fn div_rule_a(&self, b: &B) -> (Self::Out, Self::Da) {
        let (y, da, _) = self.div_rule(b);
        (y, da)
    }
}

impl<R: Real> MulRule<R> for R {
    type Out = R;
    type Da = R;
    type Db = R;
    #[inline(always)]
    fn mul_rule(&self, b: &R) -> (R, R, R) {
        (*self * *b, *b, *self)
    }
    type DaRef<'a> = R;
    type DbRef<'a> = R;
    #[inline(always)]
    fn mul_rule_ref<'a>(&'a self, b: &'a R) -> (R, R, R) {
        self.mul_rule(b)
    }
}

impl<R: Real> DivRule<R> for R {
    type Out = R;
    type Da = R;
    type Db = R;
    #[inline(always)]
    fn div_rule(&self, b: &R) -> (R, R, R) {
        let (a, b) = (*self, *b);
        let inv = b.real_recip();
        let y = a * inv;
        (a / b, inv, -y * inv)
    }
}

/// `a * b`.
#[inline(always)]
pub fn mul<A: MulRule<B>, B>(a: &A, b: &B) -> (A::Out, A::Da, A::Db) {
    a.mul_rule(b)
}

/// `a * b`, its partials borrowing the operands.
#[inline(always)]
pub fn mul_ref<'a, A: MulRule<B>, B>(a: &'a A, b: &'a B) -> (A::Out, A::DaRef<'a>, A::DbRef<'a>) {
    a.mul_rule_ref(b)
}

/// `a * b` for a constant `b`, the partial in `a` borrowing `b`.
#[inline(always)]
pub fn mul_a_ref<'a, A: MulRule<B>, B>(a: &'a A, b: &'a B) -> (A::Out, A::DaRef<'a>) {
    a.mul_rule_a_ref(b)
}

/// `a * b` for a constant `a`, the partial in `b` borrowing `a`.
#[inline(always)]
pub fn mul_b_ref<'a, A: MulRule<B>, B>(a: &'a A, b: &'a B) -> (A::Out, A::DbRef<'a>) {
    a.mul_rule_b_ref(b)
}

/// `a * b` for a constant `b`: the product and its partial in `a`.
#[inline(always)]
pub fn mul_a<A: MulRule<B>, B>(a: &A, b: &B) -> (A::Out, A::Da) {
    a.mul_rule_a(b)
}

/// `a * b` for a constant `a`: the product and its partial in `b`.
#[inline(always)]
pub fn mul_b<A: MulRule<B>, B>(a: &A, b: &B) -> (A::Out, A::Db) {
    a.mul_rule_b(b)
}

/// `a / b` for a constant `b`: the quotient and its partial in `a`.
#[inline(always)]
pub fn div_a<A: DivRule<B>, B>(a: &A, b: &B) -> (A::Out, A::Da) {
    a.div_rule_a(b)
}

/// `a / b`.
#[inline(always)]
pub fn div<A: DivRule<B>, B>(a: &A, b: &B) -> (A::Out, A::Da, A::Db) {
    a.div_rule(b)
}

/// `x^n` for an integer `n` (inactive).
#[inline(always)]
pub fn powi<R: Real>(x: R, n: i32) -> (R, R) {
    let d = if n == 0 {
        c(0.0)
    } else {
        c::<R>(n as f64) * x.real_powi(n - 1)
    };
    (x.real_powi(n), d)
}

/// `x^y`. The partial in `y` is `x^y ln x`, taken as 0 at `x = 0` (where `x^y` is flat in
/// `y` for `y > 0`).
#[inline(always)]
pub fn powf<R: Real>(x: R, y: R) -> (R, R, R) {
    let z = x.real_powf(y);
    let zero = c::<R>(0.0);
    let dy = if x == zero { zero } else { z * x.real_ln() };
    (z, y * x.real_powf(y - c(1.0)), dy)
}

/// `sqrt(a^2 + b^2)`; the partials are taken as 0 at the origin.
#[inline(always)]
pub fn hypot<R: Real>(a: R, b: R) -> (R, R, R) {
    let h = a.real_hypot(b);
    let zero = c::<R>(0.0);
    if h == zero {
        (h, zero, zero)
    } else {
        (h, a / h, b / h)
    }
}

/// `a % b`, the remainder of the division truncated toward zero: `a - q b` with `q` the
/// truncated quotient, so the partials are `1` and `-q` (away from the jumps where `a / b`
/// is an integer).
#[inline(always)]
pub fn rem<R: Real>(a: R, b: R) -> (R, R, R) {
    let r = a % b;
    // `a - r` is `q b` up to rounding: the quotient is the integer nearest `(a - r) / b`.
    let q = ((a - r) / b).real_to_f64().round();
    (r, c(1.0), c(-q))
}

/// `atan2(y, x)`, the angle of the point `(x, y)`.
#[inline(always)]
pub fn atan2<R: Real>(y: R, x: R) -> (R, R, R) {
    let r2 = x * x + y * y;
    (y.real_atan2(x), x / r2, -y / r2)
}

/// `log_base(x) = ln x / ln base`.
#[inline(always)]
pub fn log<R: Real>(x: R, base: R) -> (R, R, R) {
    let ln_b = base.real_ln();
    let ln_x = x.real_ln();
    (
        ln_x / ln_b,
        (x * ln_b).real_recip(),
        -ln_x / (base * ln_b * ln_b),
    )
}

/// `min(a, b)` with `f64::min`'s NaN handling; the derivative follows the operand chosen,
/// `a` on a tie.
#[inline(always)]
pub fn min<R: Real>(a: R, b: R) -> (R, R, R) {
    if a <= b || b.real_is_nan() {
        (a, c(1.0), c(0.0))
    } else {
        (b, c(0.0), c(1.0))
    }
}

/// `max(a, b)` with `f64::max`'s NaN handling; the derivative follows the operand chosen,
/// `a` on a tie.
#[inline(always)]
pub fn max<R: Real>(a: R, b: R) -> (R, R, R) {
    if a >= b || b.real_is_nan() {
        (a, c(1.0), c(0.0))
    } else {
        (b, c(0.0), c(1.0))
    }
}

/// `x.clamp(lo, hi)`: the derivative follows whichever of the three is returned.
#[inline(always)]
pub fn clamp<R: Real>(x: R, lo: R, hi: R) -> (R, R, R, R) {
    let (zero, one) = (c::<R>(0.0), c::<R>(1.0));
    if x < lo {
        (lo, zero, one, zero)
    } else if x > hi {
        (hi, zero, zero, one)
    } else {
        (x, one, zero, zero)
    }
}

/// `a * b + c`.
#[inline(always)]
pub fn mul_add<R: Real>(a: R, b: R, c_: R) -> (R, R, R, R) {
    (a.real_mul_add(b, c_), b, a, c(1.0))
}

/// `x as To` between float types: the value rounded as `as` rounds, with partial 1 (each
/// tangent and adjoint converted too).
#[inline(always)]
pub fn cast<From: Real, To: Real>(
    x: From,
    _: core::marker::PhantomData<To>,
) -> (To, Cast<From, To>) {
    (
        To::real_from_f64(x.real_to_f64()),
        Cast(core::marker::PhantomData),
    )
}

/// The partial of [`cast`]: the identity from one float type to another.
pub struct Cast<From, To>(core::marker::PhantomData<(From, To)>);

impl<From, To> Clone for Cast<From, To> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<From, To> Copy for Cast<From, To> {}

impl<From: Real, To: Real> Push<From> for Cast<From, To> {
    type Out = To;
    #[inline(always)]
    fn push(&self, dx: &From) -> To {
        To::real_from_f64(dx.real_to_f64())
    }
}

impl<From: Real, To: Real> Pull<To> for Cast<From, To> {
    type Out = From;
    #[inline(always)]
    fn pull(&self, ybar: &To) -> From {
        From::real_from_f64(ybar.real_to_f64())
    }
}

/// A value whose derivative is deliberately dropped: the identity, with partial 0.
#[inline(always)]
pub fn stop_gradient<R: Real>(x: R) -> (R, R) {
    (x, c(0.0))
}
