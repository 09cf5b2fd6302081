//! How one `#[differentiable]` function calls the derivatives of another without knowing
//! which of the callee's parameters are active.
//!
//! The caller passes one tangent per argument: the argument's tangent when the argument is
//! active at the call site, [`ZeroTangent`] otherwise. The callee's reverse function returns one
//! adjoint per parameter: the adjoint when the parameter is active in the callee,
//! [`NoAdjoint`] otherwise. The traits below turn the mismatches into compile errors that
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
