//! Rules for nalgebra vectors and matrices: each returns the value and its partials as linear
//! maps ([`crate::linear`]), so that forward and reverse mode use the same entry.
//!
//! Factorisations are not differentiated through: the inverse and a linear solve have the
//! closed-form adjoints `-Y^T Ybar Y^T` and `-(A^-T xbar) x^T`.

// A rule returns its value and its partials: long tuple types are its signature.
#![allow(clippy::type_complexity)]

use crate::linear::{Pull, Push};
use crate::real::Real;
use crate::rules::{DivRule, MulRule};
use nalgebra::storage::Storage;
use nalgebra::{
    allocator::Allocator, DefaultAllocator, Dim, Matrix, OMatrix, RealField, Vector3, U1, U3,
};

// ---- maps -------------------------------------------------------------------------------

/// A matrix a partial keeps: its own copy, or a borrow of an operand that outlives it.
pub trait Kept {
    /// The matrix.
    type Matrix;
    /// The matrix, by reference.
    fn kept(&self) -> &Self::Matrix;
}

impl<T: nalgebra::Scalar, R: Dim, C: Dim> Kept for OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Matrix = Self;
    #[inline(always)]
    fn kept(&self) -> &Self {
        self
    }
}

impl<T: nalgebra::Scalar, R: Dim, C: Dim> Kept for &OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Matrix = OMatrix<T, R, C>;
    #[inline(always)]
    fn kept(&self) -> &OMatrix<T, R, C> {
        self
    }
}

/// `dA -> dA * B`: the partial of `A * B` in `A`.
#[derive(Clone, Debug)]
pub struct RightMul<M>(pub M);

/// `dB -> A * dB`: the partial of `A * B` in `B`.
#[derive(Clone, Debug)]
pub struct LeftMul<M>(pub M);

/// `dx -> M dx` for a scalar `x`: the partial of a matrix-valued result in a scalar.
#[derive(Clone, Debug)]
pub struct Outer<M>(pub M);

/// `dX -> <G, dX>`: the partial of a scalar result in a matrix, `G` being the gradient.
#[derive(Clone, Debug)]
pub struct Covector<M>(pub M);

/// `dX -> dX ∘ M`, element-wise.
#[derive(Clone, Debug)]
pub struct Hadamard<M>(pub M);

/// `dX -> dX^T`.
#[derive(Clone, Copy, Debug)]
pub struct Transpose;

/// The partial of `v / |v|`: `dv -> (dv - u (u . dv)) / |v|`, symmetric.
#[derive(Clone, Debug)]
pub struct Normalize<M, T> {
    u: M,
    norm: T,
}

/// The partial of `A^-1`: `dA -> -Y dA Y`.
#[derive(Clone, Debug)]
pub struct Inverse<M>(pub M);

/// The partial of the solution `x = A^-1 b` in `A`: `dA -> -A^-1 dA x`.
#[derive(Clone, Debug)]
pub struct SolveMatrix<M, V> {
    inv: M,
    x: V,
}

/// The partials of `a x b` for 3-vectors: in `a` (`da -> da x b`), in `b` (`db -> a x db`).
#[derive(Clone, Debug)]
pub struct Cross<V> {
    other: V,
    left: bool,
}

/// An element of a matrix: `dX -> dX[index]`, pulled back into a matrix of zeros.
#[derive(Clone, Copy, Debug)]
pub struct Element<I, R, C> {
    index: I,
    rows: R,
    cols: C,
}

/// Where a scalar goes when a matrix is built from scalars: `dx -> E_(row, col) dx`.
#[derive(Clone, Copy, Debug)]
pub struct Place<R, C> {
    row: usize,
    col: usize,
    rows: R,
    cols: C,
}

/// A matrix filled with one scalar: `dx -> dx * ones`; its transpose sums.
#[derive(Clone, Copy, Debug)]
pub struct Fill<R, C> {
    rows: R,
    cols: C,
}

/// The sum of a matrix's elements: `dX -> sum(dX)`.
#[derive(Clone, Copy, Debug)]
pub struct Sum<R, C> {
    rows: R,
    cols: C,
}

/// Column `k` of a matrix with `rows` rows and `cols` columns.
#[derive(Clone, Copy, Debug)]
pub struct Column<R, C> {
    k: usize,
    rows: R,
    cols: C,
}

/// Row `k` of a matrix with `rows` rows and `cols` columns.
#[derive(Clone, Copy, Debug)]
pub struct Row<R, C> {
    k: usize,
    rows: R,
    cols: C,
}

macro_rules! map {
    ($dir:ident<$x:ty> for $ty:ty, [$($g:ident),*], [$($bound:tt)*], [$(($r:ident, $c:ident)),*],
     $out:ty, |$s:ident, $arg:ident| $body:expr) => {
        map!(@ $dir, $x, $ty, [$($g),*], [$($bound)*], [$(($r, $c)),*], $out, $s, $arg, $body);
    };
    (@ push, $x:ty, $ty:ty, [$($g:ident),*], [$($bound:tt)*], [$(($r:ident, $c:ident)),*],
     $out:ty, $s:ident, $arg:ident, $body:expr) => {
        impl<T, $($g),*> Push<$x> for $ty
        where
            T: Real + RealField,
            DefaultAllocator: $(Allocator<$r, $c> +)*,
            $($bound)*
        {
            type Out = $out;
            #[inline]
            fn push(&self, $arg: &$x) -> $out {
                let $s = self;
                $body
            }
        }
    };
    (@ pull, $x:ty, $ty:ty, [$($g:ident),*], [$($bound:tt)*], [$(($r:ident, $c:ident)),*],
     $out:ty, $s:ident, $arg:ident, $body:expr) => {
        impl<T, $($g),*> Pull<$x> for $ty
        where
            T: Real + RealField,
            DefaultAllocator: $(Allocator<$r, $c> +)*,
            $($bound)*
        {
            type Out = $out;
            #[inline]
            fn pull(&self, $arg: &$x) -> $out {
                let $s = self;
                $body
            }
        }
    };
}

map!(push<OMatrix<T, R1, C1>> for RightMul<K>, [R1, C1, C2, K],
    [R1: Dim, C1: Dim, C2: Dim, K: Kept<Matrix = OMatrix<T, C1, C2>>],
    [(R1, C1), (C1, C2), (R1, C2)], OMatrix<T, R1, C2>, |s, da| da * s.0.kept());
map!(pull<OMatrix<T, R1, C2>> for RightMul<K>, [R1, C1, C2, K],
    [R1: Dim, C1: Dim, C2: Dim, K: Kept<Matrix = OMatrix<T, C1, C2>>],
    [(R1, C1), (C1, C2), (R1, C2), (C2, C1)], OMatrix<T, R1, C1>,
    |s, ybar| ybar * s.0.kept().transpose());
map!(push<OMatrix<T, C1, C2>> for LeftMul<K>, [R1, C1, C2, K],
    [R1: Dim, C1: Dim, C2: Dim, K: Kept<Matrix = OMatrix<T, R1, C1>>],
    [(R1, C1), (C1, C2), (R1, C2)], OMatrix<T, R1, C2>, |s, db| s.0.kept() * db);
map!(pull<OMatrix<T, R1, C2>> for LeftMul<K>, [R1, C1, C2, K],
    [R1: Dim, C1: Dim, C2: Dim, K: Kept<Matrix = OMatrix<T, R1, C1>>],
    [(R1, C1), (C1, C2), (R1, C2)], OMatrix<T, C1, C2>, |s, ybar| s.0.kept().tr_mul(ybar));

map!(push<T> for Outer<K>, [R, C, K], [R: Dim, C: Dim, K: Kept<Matrix = OMatrix<T, R, C>>],
    [(R, C)], OMatrix<T, R, C>, |s, dx| s.0.kept() * *dx);
map!(pull<OMatrix<T, R, C>> for Outer<K>, [R, C, K],
    [R: Dim, C: Dim, K: Kept<Matrix = OMatrix<T, R, C>>], [(R, C)], T,
    |s, ybar| s.0.kept().dot(ybar));
map!(push<OMatrix<T, R, C>> for Covector<OMatrix<T, R, C>>, [R, C],
    [R: Dim, C: Dim], [(R, C)], T, |s, dx| s.0.dot(dx));
map!(pull<T> for Covector<OMatrix<T, R, C>>, [R, C], [R: Dim, C: Dim], [(R, C)],
    OMatrix<T, R, C>, |s, ybar| &s.0 * *ybar);

map!(push<OMatrix<T, R, C>> for Hadamard<OMatrix<T, R, C>>, [R, C],
    [R: Dim, C: Dim], [(R, C)], OMatrix<T, R, C>, |s, dx| dx.component_mul(&s.0));
impl<T, R, C> Pull<OMatrix<T, R, C>> for Hadamard<OMatrix<T, R, C>>
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    type Out = OMatrix<T, R, C>;
    #[inline]
    fn pull(&self, ybar: &OMatrix<T, R, C>) -> OMatrix<T, R, C> {
        ybar.component_mul(&self.0)
    }
    #[inline]
    fn pull_owned(&self, mut ybar: OMatrix<T, R, C>) -> OMatrix<T, R, C> {
        ybar.component_mul_assign(&self.0);
        ybar
    }
}

map!(push<OMatrix<T, R, C>> for Transpose, [R, C], [R: Dim, C: Dim], [(R, C), (C, R)],
    OMatrix<T, C, R>, |_s, dx| dx.transpose());
map!(pull<OMatrix<T, C, R>> for Transpose, [R, C], [R: Dim, C: Dim], [(R, C), (C, R)],
    OMatrix<T, R, C>, |_s, ybar| ybar.transpose());

fn normalize_map<T, R, C>(u: &OMatrix<T, R, C>, norm: T, d: &OMatrix<T, R, C>) -> OMatrix<T, R, C>
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    (d - u * u.dot(d)) / norm
}
map!(push<OMatrix<T, R, C>> for Normalize<OMatrix<T, R, C>, T>, [R, C],
    [R: Dim, C: Dim], [(R, C)], OMatrix<T, R, C>, |s, dx| normalize_map(&s.u, s.norm, dx));
map!(pull<OMatrix<T, R, C>> for Normalize<OMatrix<T, R, C>, T>, [R, C],
    [R: Dim, C: Dim], [(R, C)], OMatrix<T, R, C>, |s, ybar| normalize_map(&s.u, s.norm, ybar));

map!(push<OMatrix<T, D, D>> for Inverse<OMatrix<T, D, D>>, [D], [D: Dim], [(D, D)],
    OMatrix<T, D, D>, |s, da| -(&s.0 * da * &s.0));
map!(pull<OMatrix<T, D, D>> for Inverse<OMatrix<T, D, D>>, [D], [D: Dim], [(D, D)],
    OMatrix<T, D, D>, |s, ybar| -(s.0.tr_mul(ybar) * s.0.transpose()));

map!(push<OMatrix<T, D, D>> for SolveMatrix<OMatrix<T, D, D>, OMatrix<T, D, K>>, [D, K],
    [D: Dim, K: Dim], [(D, D), (D, K)], OMatrix<T, D, K>, |s, da| -(&s.inv * (da * &s.x)));
map!(pull<OMatrix<T, D, K>> for SolveMatrix<OMatrix<T, D, D>, OMatrix<T, D, K>>, [D, K],
    [D: Dim, K: Dim], [(D, D), (D, K), (K, D)], OMatrix<T, D, D>,
    |s, xbar| -(s.inv.tr_mul(xbar) * s.x.transpose()));

map!(push<Vector3<T>> for Cross<Vector3<T>>, [], [], [(U3, U1)], Vector3<T>,
    |s, d| if s.left { d.cross(&s.other) } else { s.other.cross(d) });
map!(pull<Vector3<T>> for Cross<Vector3<T>>, [], [], [(U3, U1)], Vector3<T>,
    |s, ybar| if s.left { s.other.cross(ybar) } else { ybar.cross(&s.other) });

/// Indices nalgebra matrices are read by: a linear index or `(row, column)`.
pub trait MatrixIndex: Copy {
    /// `(row, column)` in a matrix of `rows` rows.
    fn position(self, rows: usize) -> (usize, usize);
}

impl MatrixIndex for usize {
    #[inline(always)]
    fn position(self, rows: usize) -> (usize, usize) {
        (self % rows, self / rows)
    }
}

impl MatrixIndex for (usize, usize) {
    #[inline(always)]
    fn position(self, _rows: usize) -> (usize, usize) {
        self
    }
}

map!(push<OMatrix<T, R, C>> for Element<I, R, C>, [I, R, C],
    [I: MatrixIndex, R: Dim, C: Dim], [(R, C)], T,
    |s, dx| dx[s.index.position(dx.nrows())]);
map!(pull<T> for Element<I, R, C>, [I, R, C], [I: MatrixIndex, R: Dim, C: Dim], [(R, C)],
OMatrix<T, R, C>, |s, ybar| {
    let mut g = OMatrix::<T, R, C>::zeros_generic(s.rows, s.cols);
    let at = s.index.position(g.nrows());
    g[at] = *ybar;
    g
});

map!(push<T> for Place<R, C>, [R, C], [R: Dim, C: Dim], [(R, C)], OMatrix<T, R, C>,
|s, dx| {
    let mut g = OMatrix::<T, R, C>::zeros_generic(s.rows, s.cols);
    g[(s.row, s.col)] = *dx;
    g
});
map!(pull<OMatrix<T, R, C>> for Place<R, C>, [R, C], [R: Dim, C: Dim], [(R, C)], T,
    |s, ybar| ybar[(s.row, s.col)]);

map!(push<T> for Fill<R, C>, [R, C], [R: Dim, C: Dim], [(R, C)], OMatrix<T, R, C>,
    |s, dx| OMatrix::<T, R, C>::from_element_generic(s.rows, s.cols, *dx));
map!(pull<OMatrix<T, R, C>> for Fill<R, C>, [R, C], [R: Dim, C: Dim], [(R, C)], T,
    |_s, ybar| ybar.sum());
map!(push<OMatrix<T, R, C>> for Sum<R, C>, [R, C], [R: Dim, C: Dim], [(R, C)], T,
    |_s, dx| dx.sum());
map!(pull<T> for Sum<R, C>, [R, C], [R: Dim, C: Dim], [(R, C)], OMatrix<T, R, C>,
    |s, ybar| OMatrix::<T, R, C>::from_element_generic(s.rows, s.cols, *ybar));

map!(push<OMatrix<T, R, C>> for Column<R, C>, [R, C], [R: Dim, C: Dim], [(R, C), (R, U1)],
    OMatrix<T, R, U1>, |s, dx| dx.column(s.k).into_owned());
map!(pull<OMatrix<T, R, U1>> for Column<R, C>, [R, C], [R: Dim, C: Dim], [(R, C), (R, U1)],
OMatrix<T, R, C>, |s, ybar| {
    let mut g = OMatrix::<T, R, C>::zeros_generic(s.rows, s.cols);
    g.set_column(s.k, ybar);
    g
});
map!(push<OMatrix<T, R, C>> for Row<R, C>, [R, C], [R: Dim, C: Dim], [(R, C), (U1, C)],
    OMatrix<T, U1, C>, |s, dx| dx.row(s.k).into_owned());
map!(pull<OMatrix<T, U1, C>> for Row<R, C>, [R, C], [R: Dim, C: Dim], [(R, C), (U1, C)],
OMatrix<T, R, C>, |s, ybar| {
    let mut g = OMatrix::<T, R, C>::zeros_generic(s.rows, s.cols);
    g.set_row(s.k, ybar);
    g
});

// ---- arithmetic -------------------------------------------------------------------------

impl<T, R1, C1, C2> MulRule<OMatrix<T, C1, C2>> for OMatrix<T, R1, C1>
where
    T: Real + RealField,
    R1: Dim,
    C1: Dim,
    C2: Dim,
    DefaultAllocator: Allocator<R1, C1> + Allocator<C1, C2> + Allocator<R1, C2>,
{
    type Out = OMatrix<T, R1, C2>;
    type Da = RightMul<OMatrix<T, C1, C2>>;
    type Db = LeftMul<OMatrix<T, R1, C1>>;
    #[inline]
    fn mul_rule(&self, b: &OMatrix<T, C1, C2>) -> (Self::Out, Self::Da, Self::Db) {
        (self * b, RightMul(b.clone()), LeftMul(self.clone()))
    }
    #[inline]
    fn mul_rule_a(&self, b: &OMatrix<T, C1, C2>) -> (Self::Out, Self::Da) {
        (self * b, RightMul(b.clone()))
    }
    #[inline]
    fn mul_rule_b(&self, b: &OMatrix<T, C1, C2>) -> (Self::Out, Self::Db) {
        (self * b, LeftMul(self.clone()))
    }
    type DaRef<'a> = RightMul<&'a OMatrix<T, C1, C2>>;
    type DbRef<'a> = LeftMul<&'a OMatrix<T, R1, C1>>;
    #[inline]
    fn mul_rule_ref<'a>(
        &'a self,
        b: &'a OMatrix<T, C1, C2>,
    ) -> (Self::Out, Self::DaRef<'a>, Self::DbRef<'a>) {
        (self * b, RightMul(b), LeftMul(self))
    }
}

impl<T, R, C> MulRule<OMatrix<T, R, C>> for T
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    type Out = OMatrix<T, R, C>;
    type Da = Outer<OMatrix<T, R, C>>;
    type Db = T;
    #[inline]
    fn mul_rule(&self, b: &OMatrix<T, R, C>) -> (Self::Out, Self::Da, Self::Db) {
        (b * *self, Outer(b.clone()), *self)
    }
    #[inline]
    fn mul_rule_b(&self, b: &OMatrix<T, R, C>) -> (Self::Out, Self::Db) {
        (b * *self, *self)
    }
    type DaRef<'a> = Outer<&'a OMatrix<T, R, C>>;
    type DbRef<'a> = T;
    #[inline]
    fn mul_rule_ref<'a>(
        &'a self,
        b: &'a OMatrix<T, R, C>,
    ) -> (Self::Out, Self::DaRef<'a>, Self::DbRef<'a>) {
        (b * *self, Outer(b), *self)
    }
}

impl<T, R, C> MulRule<T> for OMatrix<T, R, C>
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    type Out = OMatrix<T, R, C>;
    type Da = T;
    type Db = Outer<OMatrix<T, R, C>>;
    #[inline]
    fn mul_rule(&self, b: &T) -> (Self::Out, Self::Da, Self::Db) {
        (self * *b, *b, Outer(self.clone()))
    }
    #[inline]
    fn mul_rule_a(&self, b: &T) -> (Self::Out, Self::Da) {
        (self * *b, *b)
    }
    type DaRef<'a> = T;
    type DbRef<'a> = Outer<&'a OMatrix<T, R, C>>;
    #[inline]
    fn mul_rule_ref<'a>(&'a self, b: &'a T) -> (Self::Out, Self::DaRef<'a>, Self::DbRef<'a>) {
        (self * *b, *b, Outer(self))
    }
}

impl<T, R, C> DivRule<T> for OMatrix<T, R, C>
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    type Out = OMatrix<T, R, C>;
    type Da = T;
    type Db = Outer<OMatrix<T, R, C>>;
    #[inline]
    fn div_rule(&self, b: &T) -> (Self::Out, Self::Da, Self::Db) {
        let inv = b.real_recip();
        let y = self * inv;
        let db = Outer(&y * -inv);
        (y, inv, db)
    }
    #[inline]
    fn div_rule_a(&self, b: &T) -> (Self::Out, Self::Da) {
        let inv = b.real_recip();
        (self * inv, inv)
    }
}

// ---- methods ----------------------------------------------------------------------------

/// `m.transpose()`.
#[inline]
pub fn transpose<T, R, C>(m: &OMatrix<T, R, C>) -> (OMatrix<T, C, R>, Transpose)
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<C, R>,
{
    (m.transpose(), Transpose)
}

/// `a.dot(&b)`.
#[inline]
pub fn dot<T, R, C, SA, SB>(
    a: &Matrix<T, R, C, SA>,
    b: &Matrix<T, R, C, SB>,
) -> (T, Covector<OMatrix<T, R, C>>, Covector<OMatrix<T, R, C>>)
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    SA: Storage<T, R, C>,
    SB: Storage<T, R, C>,
    DefaultAllocator: Allocator<R, C>,
{
    (
        a.dot(b),
        Covector(b.clone_owned()),
        Covector(a.clone_owned()),
    )
}

/// An owned copy of a constant matrix operand given as a view (`m.column(0)`), for the
/// rules of `+`, `-` and `*`, which take both operands of one type.
#[inline]
pub fn owned_matrix<T, R, C, S>(m: &Matrix<T, R, C, S>) -> OMatrix<T, R, C>
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    S: Storage<T, R, C>,
    DefaultAllocator: Allocator<R, C>,
{
    m.clone_owned()
}

/// `v.norm()`; the partial is taken as zero at the zero vector.
#[inline]
pub fn norm<T, R, C>(v: &OMatrix<T, R, C>) -> (T, Covector<OMatrix<T, R, C>>)
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    let n = v.norm();
    let g = if n == T::real_from_f64(0.0) {
        v.map(|_| T::real_from_f64(0.0))
    } else {
        v / n
    };
    (n, Covector(g))
}

/// `v.norm_squared()`.
#[inline]
pub fn norm_squared<T, R, C>(v: &OMatrix<T, R, C>) -> (T, Covector<OMatrix<T, R, C>>)
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    (v.norm_squared(), Covector(v * T::real_from_f64(2.0)))
}

/// `v.normalize()`.
#[inline]
pub fn normalize<T, R, C>(
    v: &OMatrix<T, R, C>,
) -> (OMatrix<T, R, C>, Normalize<OMatrix<T, R, C>, T>)
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    let norm = v.norm();
    let u = v / norm;
    (u.clone(), Normalize { u, norm })
}

/// `m.sum()`.
#[inline]
pub fn sum<T, R, C>(m: &OMatrix<T, R, C>) -> (T, Sum<R, C>)
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    let (rows, cols) = m.shape_generic();
    (m.sum(), Sum { rows, cols })
}

/// `a.component_mul(&b)`.
#[inline]
pub fn component_mul<T, R, C, SA, SB>(
    a: &Matrix<T, R, C, SA>,
    b: &Matrix<T, R, C, SB>,
) -> (
    OMatrix<T, R, C>,
    Hadamard<OMatrix<T, R, C>>,
    Hadamard<OMatrix<T, R, C>>,
)
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    SA: Storage<T, R, C>,
    SB: Storage<T, R, C>,
    DefaultAllocator: Allocator<R, C>,
{
    (
        a.component_mul(b),
        Hadamard(b.clone_owned()),
        Hadamard(a.clone_owned()),
    )
}

/// `a.component_div(&b)`.
#[inline]
pub fn component_div<T, R, C, SA, SB>(
    a: &Matrix<T, R, C, SA>,
    b: &Matrix<T, R, C, SB>,
) -> (
    OMatrix<T, R, C>,
    Hadamard<OMatrix<T, R, C>>,
    Hadamard<OMatrix<T, R, C>>,
)
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    SA: Storage<T, R, C>,
    SB: Storage<T, R, C>,
    DefaultAllocator: Allocator<R, C>,
{
    let inv = b.map(|x| x.real_recip());
    let y = a.component_mul(&inv);
    let db = -y.component_mul(&inv);
    (y, Hadamard(inv), Hadamard(db))
}

/// `a.cross(&b)` for 3-vectors.
#[inline]
pub fn cross<T: Real + RealField>(
    a: &Vector3<T>,
    b: &Vector3<T>,
) -> (Vector3<T>, Cross<Vector3<T>>, Cross<Vector3<T>>) {
    (
        a.cross(b),
        Cross {
            other: *b,
            left: true,
        },
        Cross {
            other: *a,
            left: false,
        },
    )
}

/// `m.trace()`.
#[inline]
pub fn trace<T, D>(m: &OMatrix<T, D, D>) -> (T, Covector<OMatrix<T, D, D>>)
where
    T: Real + RealField,
    D: Dim,
    DefaultAllocator: Allocator<D, D>,
{
    let (r, c) = m.shape_generic();
    (
        m.trace(),
        Covector(OMatrix::<T, D, D>::identity_generic(r, c)),
    )
}

/// `m.determinant()`; the partial is `det(M) M^-T`, NaN where `M` is singular.
#[inline]
pub fn determinant<T, D>(m: &OMatrix<T, D, D>) -> (T, Covector<OMatrix<T, D, D>>)
where
    T: Real + RealField,
    D: nalgebra::DimMin<D, Output = D>,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    let det = m.determinant();
    let g = match m.clone().try_inverse() {
        Some(inv) => inv.transpose() * det,
        None => m.map(|_| T::real_from_f64(f64::NAN)),
    };
    (det, Covector(g))
}

/// `m.try_inverse().unwrap()`: panics on a singular matrix as the `unwrap` written does.
#[inline]
pub fn inverse<T, D>(m: &OMatrix<T, D, D>) -> (OMatrix<T, D, D>, Inverse<OMatrix<T, D, D>>)
where
    T: Real + RealField,
    D: Dim,
    DefaultAllocator: Allocator<D, D>,
{
    let y = m
        .clone()
        .try_inverse()
        .expect("`try_inverse` of a singular matrix");
    (y.clone(), Inverse(y))
}

/// `a.lu().solve(&b).unwrap()`: panics on a singular matrix as the `unwrap` written does.
#[inline]
pub fn lu_solve<T, D, K>(
    a: &OMatrix<T, D, D>,
    b: &OMatrix<T, D, K>,
) -> (
    OMatrix<T, D, K>,
    SolveMatrix<OMatrix<T, D, D>, OMatrix<T, D, K>>,
    LeftMul<OMatrix<T, D, D>>,
)
where
    T: Real + RealField,
    D: Dim,
    K: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D, K>,
{
    let inv = a
        .clone()
        .try_inverse()
        .expect("`lu().solve()` of a singular matrix");
    let x = &inv * b;
    (
        x.clone(),
        SolveMatrix {
            inv: inv.clone(),
            x,
        },
        LeftMul(inv),
    )
}

/// `m[index]` for a linear index or `(row, column)`.
#[inline]
pub fn index<M: IndexRule<I>, I>(m: &M, index: I) -> (M::Elem, M::Partial) {
    m.index_rule(index)
}

/// Values computed from active data whose elements [`index`] reads: nalgebra matrices and
/// vectors, arrays, `Vec`s and tuples of floats.
#[diagnostic::on_unimplemented(
    message = "an element of `{Self}`, a value computed from active data, cannot be read by \
               index",
    label = "read here",
    note = "nalgebra vectors and matrices, arrays, `Vec`s and tuples of floats a \
            `#[differentiable]` function returns can be read by index"
)]
pub trait IndexRule<I> {
    /// The element type.
    type Elem;
    /// The partial of the element in the whole.
    type Partial;
    /// The element and its partial.
    fn index_rule(&self, index: I) -> (Self::Elem, Self::Partial);
}

impl<T, R, C, I> IndexRule<I> for OMatrix<T, R, C>
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    I: MatrixIndex,
    DefaultAllocator: Allocator<R, C>,
{
    type Elem = T;
    type Partial = Element<I, R, C>;
    #[inline]
    fn index_rule(&self, index: I) -> (T, Element<I, R, C>) {
        let (rows, cols) = self.shape_generic();
        (
            self[index.position(self.nrows())],
            Element { index, rows, cols },
        )
    }
}

/// An element of an array computed from active data (a `#[differentiable]` function's
/// array result): `dx -> dx[index]`, pulled back into an array of zeros. As the partial of
/// an array written out (`[a, b]`) in one element, its transpose.
#[derive(Clone, Copy, Debug)]
pub struct ArrayElement<const N: usize> {
    index: usize,
}

impl<T: Real, const N: usize> IndexRule<usize> for [T; N] {
    type Elem = T;
    type Partial = ArrayElement<N>;
    #[inline]
    fn index_rule(&self, index: usize) -> (T, ArrayElement<N>) {
        (self[index], ArrayElement { index })
    }
}

impl<T: Real, const N: usize> Push<T> for ArrayElement<N> {
    type Out = [T; N];
    #[inline]
    fn push(&self, dx: &T) -> [T; N] {
        let mut g = [dx.zero_like(); N];
        g[self.index] = *dx;
        g
    }
}

impl<T: Real, const N: usize> Pull<[T; N]> for ArrayElement<N> {
    type Out = T;
    #[inline]
    fn pull(&self, ybar: &[T; N]) -> T {
        ybar[self.index]
    }
}

impl<T: Real, const N: usize> Push<[T; N]> for ArrayElement<N> {
    type Out = T;
    #[inline]
    fn push(&self, dx: &[T; N]) -> T {
        dx[self.index]
    }
}

impl<T: Real, const N: usize> Pull<T> for ArrayElement<N> {
    type Out = [T; N];
    #[inline]
    fn pull(&self, ybar: &T) -> [T; N] {
        let mut g = [ybar.zero_like(); N];
        g[self.index] = *ybar;
        g
    }
}

/// An element of a `Vec` computed from active data (a `#[differentiable]` function's `Vec`
/// result): `dx -> dx[index]`, pulled back into a [`OneHot`](crate::space::OneHot).
#[derive(Clone, Copy, Debug)]
pub struct VecElement {
    index: usize,
    len: usize,
}

impl<T: Real> IndexRule<usize> for Vec<T> {
    type Elem = T;
    type Partial = VecElement;
    #[inline]
    fn index_rule(&self, index: usize) -> (T, VecElement) {
        (
            self[index],
            VecElement {
                index,
                len: self.len(),
            },
        )
    }
}

impl<T: Real> Pull<T> for VecElement {
    type Out = crate::space::OneHot<T>;
    #[inline]
    fn pull(&self, ybar: &T) -> Self::Out {
        crate::space::OneHot {
            index: self.index,
            len: self.len,
            value: *ybar,
        }
    }
}

impl<T: Real> Push<Vec<T>> for VecElement {
    type Out = T;
    #[inline]
    fn push(&self, dx: &Vec<T>) -> T {
        dx[self.index]
    }
}

/// A range of a `Vec` computed from active data, passed on (`helper(&h[1..])`): the
/// elements copied out, their adjoint pulled back into the range of a `Vec` of zeros.
#[derive(Clone, Debug)]
pub struct VecRange {
    range: core::ops::Range<usize>,
    len: usize,
}

macro_rules! vec_ranges {
    ($($r:ty),*) => {$(
        impl<T: Real> IndexRule<$r> for Vec<T> {
            type Elem = Vec<T>;
            type Partial = VecRange;
            #[inline]
            fn index_rule(&self, index: $r) -> (Vec<T>, VecRange) {
                let (lo, hi) = crate::view::view_bounds(index, self.len());
                (
                    self[lo..hi].to_vec(),
                    VecRange {
                        range: lo..hi,
                        len: self.len(),
                    },
                )
            }
        }
    )*};
}

vec_ranges!(
    core::ops::Range<usize>,
    core::ops::RangeFrom<usize>,
    core::ops::RangeTo<usize>,
    core::ops::RangeInclusive<usize>,
    core::ops::RangeToInclusive<usize>,
    core::ops::RangeFull
);

impl<T: Real> Pull<Vec<T>> for VecRange {
    type Out = Vec<T>;
    #[inline]
    fn pull(&self, ybar: &Vec<T>) -> Vec<T> {
        let mut g = crate::space::filled(T::real_from_f64(0.0), self.len);
        g[self.range.clone()].copy_from_slice(ybar);
        g
    }
}

impl<T: Real> Push<Vec<T>> for VecRange {
    type Out = Vec<T>;
    #[inline]
    fn push(&self, dx: &Vec<T>) -> Vec<T> {
        dx[self.range.clone()].to_vec()
    }
}

/// A field of a tuple of floats computed from active data (a `#[differentiable]` function's
/// tuple result, `let (m, v) = mean_var(x);`): `dx -> dx.k`, pulled back into a tuple of
/// zeros.
#[derive(Clone, Copy, Debug)]
pub struct TupleField<const N: usize> {
    index: usize,
}

macro_rules! float_tuple {
    ($n:literal; $($k:tt $t:ident),*) => {
        impl<T: Real> IndexRule<usize> for ($($t,)*) {
            type Elem = T;
            type Partial = TupleField<$n>;
            #[inline]
            fn index_rule(&self, index: usize) -> (T, TupleField<$n>) {
                let field = match index {
                    $($k => self.$k,)*
                    _ => panic!("no field {index} in a tuple of {}", $n),
                };
                (field, TupleField { index })
            }
        }

        impl<T: Real> Pull<T> for TupleField<$n> {
            type Out = ($($t,)*);
            #[inline]
            fn pull(&self, ybar: &T) -> Self::Out {
                ($(if self.index == $k { *ybar } else { ybar.zero_like() },)*)
            }
        }

        impl<T: Real> Push<T> for TupleField<$n> {
            type Out = ($($t,)*);
            #[inline]
            fn push(&self, dx: &T) -> Self::Out {
                self.pull(dx)
            }
        }

        impl<T: Real> Pull<($($t,)*)> for TupleField<$n> {
            type Out = T;
            #[inline]
            fn pull(&self, ybar: &($($t,)*)) -> T {
                match self.index {
                    $($k => ybar.$k,)*
                    _ => unreachable!(),
                }
            }
        }

        /// A tuple built from active floats (`(a * y, a + y)` inside a closure): the
        /// partial in its `k`-th field.
        impl<T: Real> PlaceRule for ($($t,)*) {
            type Partial = TupleField<$n>;
            #[inline]
            fn place_rule(&self, k: usize, _: usize) -> TupleField<$n> {
                TupleField { index: k }
            }
        }

        impl<T: Real> Push<($($t,)*)> for TupleField<$n> {
            type Out = T;
            #[inline]
            fn push(&self, dx: &($($t,)*)) -> T {
                self.pull(dx)
            }
        }
    };
}

float_tuple!(2; 0 T, 1 T);
float_tuple!(3; 0 T, 1 T, 2 T);
float_tuple!(4; 0 T, 1 T, 2 T, 3 T);

/// `m.column(k)`, owned.
#[inline]
pub fn column<T, R, C>(m: &OMatrix<T, R, C>, k: usize) -> (OMatrix<T, R, U1>, Column<R, C>)
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<R, U1> + Allocator<U1, C>,
{
    let (rows, cols) = m.shape_generic();
    (m.column(k).into_owned(), Column { k, rows, cols })
}

/// `m.row(k)`, owned.
#[inline]
pub fn row<T, R, C>(m: &OMatrix<T, R, C>, k: usize) -> (OMatrix<T, U1, C>, Row<R, C>)
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<R, U1> + Allocator<U1, C>,
{
    let (rows, cols) = m.shape_generic();
    (m.row(k).into_owned(), Row { k, rows, cols })
}

/// The partial of a matrix built from scalars (`Vector3::new(a, b, c)`,
/// `Matrix2::new(a, b, c, d)`, arguments being row by row) or of an array written out
/// (`[a, b]`) in its `k`-th element of `n`.
#[inline]
pub fn place<M: PlaceRule>(m: &M, k: usize, n: usize) -> M::Partial {
    m.place_rule(k, n)
}

/// Values built from scalars, whose partial in each [`place`] gives.
pub trait PlaceRule {
    /// The partial in one scalar.
    type Partial;
    /// The partial in the `k`-th of `n` scalars.
    fn place_rule(&self, k: usize, n: usize) -> Self::Partial;
}

impl<T, R, C> PlaceRule for OMatrix<T, R, C>
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    type Partial = Place<R, C>;
    #[inline]
    fn place_rule(&self, k: usize, n: usize) -> Place<R, C> {
        let (rows, cols) = self.shape_generic();
        debug_assert_eq!(self.len(), n);
        let per_row = self.ncols();
        Place {
            row: k / per_row,
            col: k % per_row,
            rows,
            cols,
        }
    }
}

impl<T: Real, const N: usize> PlaceRule for [T; N] {
    type Partial = ArrayElement<N>;
    #[inline]
    fn place_rule(&self, k: usize, _: usize) -> ArrayElement<N> {
        ArrayElement { index: k }
    }
}

/// The partial of a matrix filled with one scalar (`from_element`, `repeat`) in it.
#[inline]
pub fn fill<T, R, C>(m: &OMatrix<T, R, C>) -> Fill<R, C>
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    let (rows, cols) = m.shape_generic();
    Fill { rows, cols }
}

/// `m.map(f)` for an element-wise `f` given with its derivative: `f(x) = (y, dy/dx)`.
#[inline]
pub fn map<T, R, C, F>(m: &OMatrix<T, R, C>, f: F) -> (OMatrix<T, R, C>, Hadamard<OMatrix<T, R, C>>)
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    F: Fn(T) -> (T, T),
    DefaultAllocator: Allocator<R, C>,
{
    map_owned(m.clone(), f)
}

/// [`map`](fn@map) of a matrix not needed afterwards: the derivative takes its memory.
#[inline]
pub fn map_owned<T, R, C, F>(
    mut m: OMatrix<T, R, C>,
    f: F,
) -> (OMatrix<T, R, C>, Hadamard<OMatrix<T, R, C>>)
where
    T: Real + RealField,
    R: Dim,
    C: Dim,
    F: Fn(T) -> (T, T),
    DefaultAllocator: Allocator<R, C>,
{
    let (rows, cols) = m.shape_generic();
    let mut y = Vec::with_capacity(m.len());
    for x in m.iter_mut() {
        let (v, dv) = f(*x);
        y.push(v);
        *x = dv;
    }
    (OMatrix::from_vec_generic(rows, cols, y), Hadamard(m))
}
