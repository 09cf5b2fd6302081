//! Local derivatives as linear maps: forward mode pushes a tangent through a rule's partial,
//! reverse mode pulls an adjoint back through it.
//!
//! A partial of a scalar rule is a scalar; a partial of a rule on vectors and matrices is
//! a small value describing the map (`dA -> dA * B`, `dv -> g . dv`, ...). Generated code
//! calls [`push`] and [`pull`] whatever the partial is, and the type checker picks the map
//! from the partial's type and the tangent's or adjoint's type.

use crate::real::Real;
use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, RealField};

/// A partial applied to a tangent of the operand, giving the result's tangent.
pub trait Push<X> {
    /// The result's tangent type.
    type Out;
    /// `partial * dx`.
    fn push(&self, dx: &X) -> Self::Out;
}

/// A partial's transpose applied to the result's adjoint, giving the operand's share.
pub trait Pull<Y> {
    /// The operand's adjoint type.
    type Out;
    /// `partial^T * ybar`.
    fn pull(&self, ybar: &Y) -> Self::Out;
    /// `partial^T * ybar` for an adjoint not needed afterwards: a map may reuse its memory.
    #[inline(always)]
    fn pull_owned(&self, ybar: Y) -> Self::Out {
        self.pull(&ybar)
    }
}

/// `partial * dx`.
#[inline(always)]
pub fn push<D: Push<X>, X>(d: &D, dx: &X) -> D::Out {
    d.push(dx)
}

/// `partial^T * ybar`.
#[inline(always)]
pub fn pull<D: Pull<Y>, Y>(d: &D, ybar: &Y) -> D::Out {
    d.pull(ybar)
}

/// `partial^T * ybar`, the adjoint's last use.
#[inline(always)]
pub fn pull_owned<D: Pull<Y>, Y>(d: &D, ybar: Y) -> D::Out {
    d.pull_owned(ybar)
}

/// The identity: the partial of `a + b` in either operand.
#[derive(Clone, Copy, Debug)]
pub struct One;

/// Negation: the partial of `a - b` in `b`, and of `-a`.
#[derive(Clone, Copy, Debug)]
pub struct MinusOne;

/// A constant operand of a rule whose active operand is a scalar of type `A`, given as
/// Rust's operators take it: `x` or `&x` (an item of a constant slice, `for y in ys`), or a
/// vector or matrix to scale.
pub trait ConstantOperand<A> {
    /// The operand's type, references removed.
    type Operand: ?Sized;
    /// The operand itself.
    fn operand(&self) -> &Self::Operand;
}

impl<A> ConstantOperand<A> for A {
    type Operand = A;
    #[inline(always)]
    fn operand(&self) -> &A {
        self
    }
}

impl<A> ConstantOperand<A> for &A {
    type Operand = A;
    #[inline(always)]
    fn operand(&self) -> &A {
        self
    }
}

impl<T, R, C, S> ConstantOperand<T> for nalgebra::Matrix<T, R, C, S> {
    type Operand = Self;
    #[inline(always)]
    fn operand(&self) -> &Self {
        self
    }
}

impl<T, R, C, S> ConstantOperand<T> for &nalgebra::Matrix<T, R, C, S> {
    type Operand = nalgebra::Matrix<T, R, C, S>;
    #[inline(always)]
    fn operand(&self) -> &Self::Operand {
        self
    }
}

/// The constant operand `c` of a rule whose active operand is `_active`, references removed;
/// the active operand fixes the type of an untyped float literal's variable.
#[inline(always)]
pub fn like<'c, A, C: ConstantOperand<A>>(_active: &A, c: &'c C) -> &'c C::Operand {
    c.operand()
}

/// A constant factor as the float it multiplies, references removed: the partial of a
/// product in its active factor, which a backward sweep computes again instead of keeping it.
#[inline(always)]
pub fn constant_as<A: Clone, C: ConstantOperand<A, Operand = A>>(c: &C) -> A {
    c.operand().clone()
}

/// A copy of `x`, whatever its type (a float, or a matrix behind a reference).
#[inline(always)]
pub fn owned<X: Clone>(x: &X) -> X {
    x.clone()
}

/// Values that add, subtract and negate by reference: scalars, vectors and matrices.
pub trait Linear: Sized {
    /// `self + b`.
    fn add_ref(&self, b: &Self) -> Self;
    /// `self - b`.
    fn sub_ref(&self, b: &Self) -> Self;
    /// `-self`.
    fn neg_ref(&self) -> Self;
    /// `-self`, reusing its memory where it has any.
    #[inline(always)]
    fn neg_owned(self) -> Self {
        self.neg_ref()
    }
    /// `self + b`, reusing `self`'s memory where it has any.
    #[inline(always)]
    fn add_owned(self, b: &Self) -> Self {
        self.add_ref(b)
    }
    /// `self - b`, reusing `self`'s memory where it has any.
    #[inline(always)]
    fn sub_owned(self, b: &Self) -> Self {
        self.sub_ref(b)
    }
}

impl<R: Real> Linear for R {
    #[inline(always)]
    fn add_ref(&self, b: &Self) -> Self {
        *self + *b
    }
    #[inline(always)]
    fn sub_ref(&self, b: &Self) -> Self {
        *self - *b
    }
    #[inline(always)]
    fn neg_ref(&self) -> Self {
        -*self
    }
}

impl<T, R, C> Linear for OMatrix<T, R, C>
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    #[inline]
    fn add_ref(&self, b: &Self) -> Self {
        self + b
    }
    #[inline]
    fn sub_ref(&self, b: &Self) -> Self {
        self - b
    }
    #[inline]
    fn neg_ref(&self) -> Self {
        -self
    }
    #[inline]
    fn neg_owned(self) -> Self {
        -self
    }
    #[inline]
    fn add_owned(self, b: &Self) -> Self {
        self + b
    }
    #[inline]
    fn sub_owned(self, b: &Self) -> Self {
        self - b
    }
}

impl<X: Linear + Clone> Push<X> for One {
    type Out = X;
    #[inline(always)]
    fn push(&self, dx: &X) -> X {
        dx.clone()
    }
}

impl<Y: Linear + Clone> Pull<Y> for One {
    type Out = Y;
    #[inline(always)]
    fn pull(&self, ybar: &Y) -> Y {
        ybar.clone()
    }
    #[inline(always)]
    fn pull_owned(&self, ybar: Y) -> Y {
        ybar
    }
}

impl<X: Linear> Push<X> for MinusOne {
    type Out = X;
    #[inline(always)]
    fn push(&self, dx: &X) -> X {
        dx.neg_ref()
    }
}

impl<Y: Linear> Pull<Y> for MinusOne {
    type Out = Y;
    #[inline(always)]
    fn pull(&self, ybar: &Y) -> Y {
        ybar.neg_ref()
    }
    #[inline(always)]
    fn pull_owned(&self, ybar: Y) -> Y {
        ybar.neg_owned()
    }
}

// A scalar partial scales a scalar, or a vector or matrix, in both directions.

impl<R: Real> Push<R> for R {
    type Out = R;
    #[inline(always)]
    fn push(&self, dx: &R) -> R {
        *self * *dx
    }
}

impl<R: Real> Pull<R> for R {
    type Out = R;
    #[inline(always)]
    fn pull(&self, ybar: &R) -> R {
        *self * *ybar
    }
}

impl<T, R, C> Push<OMatrix<T, R, C>> for T
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    type Out = OMatrix<T, R, C>;
    #[inline]
    fn push(&self, dx: &OMatrix<T, R, C>) -> OMatrix<T, R, C> {
        dx * *self
    }
}

impl<T, R, C> Pull<OMatrix<T, R, C>> for T
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    type Out = OMatrix<T, R, C>;
    #[inline]
    fn pull(&self, ybar: &OMatrix<T, R, C>) -> OMatrix<T, R, C> {
        ybar * *self
    }
    #[inline]
    fn pull_owned(&self, ybar: OMatrix<T, R, C>) -> OMatrix<T, R, C> {
        ybar * *self
    }
}
