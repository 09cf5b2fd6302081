//! How one `#[differentiable]` function calls the derivatives of another without knowing
//! which of the callee's parameters are active.
//!
//! The caller passes one tangent per argument: the argument's tangent when the argument is
//! active at the call site, [`ZeroTangent`] otherwise. The callee's reverse function returns one
//! adjoint per parameter: the adjoint when the parameter is active in the callee,
//! [`NoAdjoint`] otherwise. For a slice parameter the caller also lends a sink, its own
//! adjoint of the argument, which the callee adds into in place ([`SliceSink`]); the callee
//! then returns [`Accumulated`]. The traits below turn the mismatches into compile errors that
//! say what went wrong.

use crate::space::Space;

/// The tangent of an argument that is constant at the call site.
#[derive(Clone, Copy, Debug, Default)]
pub struct ZeroTangent;

/// The adjoint of a parameter the callee does not differentiate with respect to.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoAdjoint;

/// A tangent passed for an active parameter of a callee: a tangent of type `D`, or
/// [`ZeroTangent`].
pub trait TangentArg<D> {
    /// `Some(tangent)`, or `None` for a zero tangent.
    fn tangent(self) -> Option<D>;
}

impl<D: Space> TangentArg<D> for D {
    #[inline(always)]
    fn tangent(self) -> Option<D> {
        Some(self)
    }
}

impl<D> TangentArg<D> for ZeroTangent {
    #[inline(always)]
    fn tangent(self) -> Option<D> {
        None
    }
}

/// A tangent passed for an active parameter of reference type `&D`: a `&D`, or
/// [`ZeroTangent`].
pub trait RefTangentArg<'a, D: ?Sized> {
    /// `Some(tangent)`, or `None` for a zero tangent.
    fn tangent(self) -> Option<&'a D>;
}

impl<'a, D: ?Sized> RefTangentArg<'a, D> for &'a D {
    #[inline(always)]
    fn tangent(self) -> Option<&'a D> {
        Some(self)
    }
}

/// A `Vec`'s tangent passed for a slice parameter, as the primal coerces.
impl<'a, D> RefTangentArg<'a, [D]> for &'a Vec<D> {
    #[inline(always)]
    fn tangent(self) -> Option<&'a [D]> {
        Some(self)
    }
}

/// An array's tangent passed for a slice parameter, as the primal coerces.
impl<'a, D, const N: usize> RefTangentArg<'a, [D]> for &'a [D; N] {
    #[inline(always)]
    fn tangent(self) -> Option<&'a [D]> {
        Some(self)
    }
}

impl<'a, D: ?Sized> RefTangentArg<'a, D> for ZeroTangent {
    #[inline(always)]
    fn tangent(self) -> Option<&'a D> {
        None
    }
}

/// The adjoint a callee's reverse function returns for an argument that is active at the call site.
#[diagnostic::on_unimplemented(
    message = "an active value is passed to a parameter that the called function does not differentiate with respect to",
    label = "the derivative through this argument would silently be zero",
    note = "add the parameter to the callee's `#[differentiable(wrt(...))]` list, or pass `autodiff::stop_gradient(..)` to drop the derivative on purpose"
)]
pub trait AdjointArg<S> {
    /// The adjoint itself.
    fn adjoint(self) -> S;
}

impl<S: Space> AdjointArg<S> for S {
    #[inline(always)]
    fn adjoint(self) -> S {
        self
    }
}

/// What a callee's reverse function returns for a slice parameter: it added the adjoint in
/// place into the sink its caller lent it (see [`SliceSink`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct Accumulated;

/// Where a callee's reverse function adds the adjoint of a slice parameter: the caller's
/// adjoint of the argument (a `&mut [S]`, added into in place, so that a call in a loop
/// allocates no adjoint of its own), or [`Discard`] for an argument that has none.
pub trait SliceSink<S> {
    /// The adjoint the callee adds into.
    type Adjoint: core::ops::DerefMut<Target = [S]>;
    /// The adjoint of a parameter of `len` elements.
    fn open(self, len: usize) -> Self::Adjoint;
    /// Zeros of the shapes of `x`, for the callee to gather an adjoint apart in (a summing
    /// loop's, scaled at the end) and hand to [`SliceSink::take`]: on a pooled vector, which
    /// `take` gives back, unless the sink keeps it whole.
    #[inline]
    fn apart(&self, x: &[S]) -> Vec<S>
    where
        S: Space + 'static,
    {
        crate::stack::pooled_zeros_like(x)
    }
    /// Takes an adjoint the callee gathered apart (see [`SliceSink::apart`]): adds it into
    /// the one lent, or keeps it whole.
    #[inline]
    fn take(self, apart: Vec<S>)
    where
        Self: Sized,
        S: Space + 'static,
    {
        let mut lent = self.open(apart.len());
        crate::stack::gather_lent(&mut lent, apart);
    }
}

impl<'a, S> SliceSink<S> for &'a mut [S] {
    type Adjoint = &'a mut [S];
    #[inline(always)]
    fn open(self, len: usize) -> &'a mut [S] {
        assert_eq!(
            self.len(),
            len,
            "an adjoint of length {} lent for a slice of length {len}",
            self.len()
        );
        self
    }
}

/// The sink of an argument whose adjoint the caller does not keep (a constant), or takes
/// from the returned adjoint instead.
#[derive(Clone, Copy, Debug, Default)]
pub struct Discard;

impl<S: crate::real::Real> SliceSink<S> for Discard {
    type Adjoint = crate::stack::Scratch<S>;
    #[inline]
    fn take(self, apart: Vec<S>) {
        crate::stack::pool_vec(apart);
    }
    #[inline]
    fn open(self, len: usize) -> crate::stack::Scratch<S> {
        crate::stack::Scratch::zeros(len)
    }
}

/// The sink of a top-level reverse call: an empty `Vec` that becomes the parameter's
/// adjoint, zeros filled in when it is opened, or the adjoint gathered apart moved in whole.
#[derive(Debug)]
pub struct Fresh<'a, S>(pub &'a mut Vec<S>);

impl<'a, S: crate::real::Real> SliceSink<S> for Fresh<'a, S> {
    type Adjoint = &'a mut [S];
    #[inline]
    fn open(self, len: usize) -> &'a mut [S] {
        *self.0 = crate::space::filled(S::real_from_f64(0.0), len);
        self.0
    }
    /// A fresh vector, which [`SliceSink::take`] keeps whole as the gradient returned (a
    /// long one is zeroed by the allocator, see [`crate::space::zero_vec_like`]).
    #[inline]
    fn apart(&self, x: &[S]) -> Vec<S> {
        crate::space::zero_vec_like(x)
    }
    #[inline]
    fn take(self, apart: Vec<S>) {
        *self.0 = apart;
    }
}

/// An adjoint a callee's reverse function returned, added into the caller's adjoint of the
/// argument: a value of the argument's shape, or [`Accumulated`] (added already).
#[diagnostic::on_unimplemented(
    message = "an active value is passed to a parameter that the called function does not differentiate with respect to",
    label = "the derivative through this argument would silently be zero",
    note = "add the parameter to the callee's `#[differentiable(wrt(...))]` list, or pass `autodiff::stop_gradient(..)` to drop the derivative on purpose"
)]
pub trait Gather<A: ?Sized> {
    /// `acc += self`.
    fn gather_into(self, acc: &mut A);
}

impl<A: ?Sized> Gather<A> for Accumulated {
    #[inline(always)]
    fn gather_into(self, _: &mut A) {}
}

impl<S: Space> Gather<S> for S {
    #[inline(always)]
    fn gather_into(self, acc: &mut S) {
        acc.accumulate(self)
    }
}

/// The adjoint of a slice parameter returned as a `Vec`, into the adjoint of the range
/// passed; the `Vec` goes back to the pool it may have come from (see
/// [`crate::stack::pooled_zeros_like`]).
impl<S: Space + 'static> Gather<[S]> for Vec<S> {
    #[inline]
    fn gather_into(self, acc: &mut [S]) {
        crate::stack::gather_lent(acc, self);
    }
}

/// The adjoint of a slice parameter returned as a `Vec`, into the adjoint of the array
/// passed.
impl<S: Space + 'static, const N: usize> Gather<[S; N]> for Vec<S> {
    #[inline]
    fn gather_into(self, acc: &mut [S; N]) {
        self.gather_into(&mut acc[..])
    }
}

/// Adds what a callee's reverse function returned for an argument into its adjoint.
#[inline(always)]
pub fn gather<A: ?Sized, G: Gather<A>>(acc: &mut A, g: G) {
    g.gather_into(acc)
}

/// What a callee's reverse function returned for an array, `Vec` or nalgebra value lent to
/// it beside a zeroed copy of its shape: [`Accumulated`] when it added into the copy (a slice
/// parameter), or the adjoint itself.
#[diagnostic::on_unimplemented(
    message = "an active value is passed to a parameter that the called function does not differentiate with respect to",
    label = "the derivative through this argument would silently be zero",
    note = "add the parameter to the callee's `#[differentiable(wrt(...))]` list, or pass `autodiff::stop_gradient(..)` to drop the derivative on purpose"
)]
pub trait LentAdjoint<S> {
    /// The adjoint, given the copy that was lent.
    fn adjoint(self, lent: S) -> S;
}

impl<S> LentAdjoint<S> for Accumulated {
    #[inline(always)]
    fn adjoint(self, lent: S) -> S {
        lent
    }
}

impl<S: Space> LentAdjoint<S> for S {
    #[inline(always)]
    fn adjoint(self, _: S) -> S {
        self
    }
}

/// An array lent to a slice parameter of a pullback, which returns its adjoint as a `Vec`.
impl<T: Space + 'static, const N: usize> LentAdjoint<[T; N]> for Vec<T> {
    #[inline]
    fn adjoint(self, mut lent: [T; N]) -> [T; N] {
        self.gather_into(&mut lent[..]);
        lent
    }
}

/// The adjoint of a value lent to a callee (see [`LentAdjoint`]); `primal` fixes its type.
#[inline(always)]
pub fn lent_adjoint<S, G: LentAdjoint<S>>(_primal: &S, lent: S, g: G) -> S {
    g.adjoint(lent)
}

/// A value lent to a callee: the sink of a slice parameter (its elements), which any other
/// parameter ignores.
pub trait Lend {
    /// The sink.
    type Sink<'a>
    where
        Self: 'a;
    /// The sink.
    fn lend(&mut self) -> Self::Sink<'_>;
}

impl<T, const N: usize> Lend for [T; N] {
    type Sink<'a>
        = &'a mut [T]
    where
        T: 'a;
    #[inline(always)]
    fn lend(&mut self) -> &mut [T] {
        self
    }
}

impl<T> Lend for Vec<T> {
    type Sink<'a>
        = &'a mut [T]
    where
        T: 'a;
    #[inline(always)]
    fn lend(&mut self) -> &mut [T] {
        self
    }
}

impl<T, R, C> Lend for nalgebra::OMatrix<T, R, C>
where
    T: nalgebra::Scalar,
    R: nalgebra::Dim,
    C: nalgebra::Dim,
    nalgebra::DefaultAllocator: nalgebra::allocator::Allocator<R, C>,
{
    type Sink<'a>
        = &'a mut [T]
    where
        Self: 'a;
    #[inline(always)]
    fn lend(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<R: crate::real::Real> Lend for R {
    type Sink<'a>
        = Discard
    where
        R: 'a;
    #[inline(always)]
    fn lend(&mut self) -> Discard {
        Discard
    }
}

/// A tuple's callee returns its adjoint: it lends nothing.
macro_rules! lend_nothing {
    ($(($($t:ident),*)),*) => {$(
        impl<$($t),*> Lend for ($($t,)*) {
            type Sink<'a>
                = Discard
            where
                Self: 'a;
            #[inline(always)]
            fn lend(&mut self) -> Discard {
                Discard
            }
        }
    )*};
}

lend_nothing!((A, B), (A, B, C), (A, B, C, D));

/// Unwraps the adjoint a reverse function returned for an argument that is active at the call site;
/// `primal` fixes its type.
#[inline(always)]
pub fn adjoint_like<S, A: AdjointArg<S>>(_primal: &S, a: A) -> S {
    a.adjoint()
}

/// Reads the tangent of an active parameter: the one passed, or zero of the primal's shape.
#[inline(always)]
pub fn tangent_or_zero<S: Space, T: TangentArg<S>>(t: T, primal: &S) -> S {
    match t.tangent() {
        Some(t) => t,
        None => primal.zero_like(),
    }
}

/// An output type that has a gradient: a scalar, seeded with one.
#[diagnostic::on_unimplemented(
    message = "a gradient needs a scalar output, and `{Self}` is not a scalar",
    label = "this function's output is not a scalar",
    note = "use the generated `_vjp` function with an explicit seed of the output's type, or take a Jacobian row by row"
)]
pub trait ScalarOutput: Space {
    /// The seed of a gradient: one.
    fn unit_seed() -> Self;
}

impl ScalarOutput for f32 {
    #[inline(always)]
    fn unit_seed() -> Self {
        1.0
    }
}

impl ScalarOutput for f64 {
    #[inline(always)]
    fn unit_seed() -> Self {
        1.0
    }
}

/// Reads the tangent of an active parameter passed by reference (`x: &T`): the one passed,
/// or zero of the primal's shape.
#[inline(always)]
pub fn ref_tangent_or_zero<'a, S: Space + 'a, T: RefTangentArg<'a, S>>(t: T, primal: &S) -> S {
    match t.tangent() {
        Some(t) => t.clone(),
        None => primal.zero_like(),
    }
}
