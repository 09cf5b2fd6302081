//! Vector and matrix nodes: one node per matrix operation, holding an nalgebra value.

use super::arena::{Arena, Backward, Brand, OpNode, SINK};
use super::rules::{self, Unary};
use super::scalar::Scalar;
use super::var::Var;
use super::Recorder;
use core::fmt;
use core::marker::PhantomData;
use core::ops::{Add, Mul, Neg, Sub};
use nalgebra::{DMatrix, DMatrixView, DMatrixViewMut, DVector, Dyn, RealField};

/// Element types of vector and matrix nodes: [`Scalar`]s that are also nalgebra
/// [`RealField`]s, i.e. `f32` and `f64`.
pub trait MatrixScalar: Scalar + RealField {}
impl<T: Scalar + RealField> MatrixScalar for T {}

/// Shape marker of a [`VecVar`]: a column vector, read back as a [`DVector`].
#[derive(Debug, Clone, Copy)]
pub enum Col {}
/// Shape marker of a [`MatVar`]: a matrix, read back as a [`DMatrix`].
#[derive(Debug, Clone, Copy)]
pub enum Mat {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Col {}
    impl Sealed for super::Mat {}
}

/// The two shapes of tensor nodes, [`Col`] and [`Mat`].
pub trait Shape: sealed::Sealed + 'static {
    /// The nalgebra type a node of this shape is read back as.
    type Value<T: MatrixScalar>: Clone + fmt::Debug;
    /// Builds the value from a column-major buffer.
    #[doc(hidden)]
    fn from_vec<T: MatrixScalar>(rows: usize, cols: usize, data: Vec<T>) -> Self::Value<T>;
}

impl Shape for Col {
    type Value<T: MatrixScalar> = DVector<T>;
    fn from_vec<T: MatrixScalar>(rows: usize, _cols: usize, data: Vec<T>) -> DVector<T> {
        DVector::from_vec_generic(Dyn(rows), nalgebra::U1, data)
    }
}

impl Shape for Mat {
    type Value<T: MatrixScalar> = DMatrix<T>;
    fn from_vec<T: MatrixScalar>(rows: usize, cols: usize, data: Vec<T>) -> DMatrix<T> {
        DMatrix::from_vec(rows, cols, data)
    }
}

/// A vector or matrix on a tape: one node whose value is a whole nalgebra vector or matrix.
///
/// Use the aliases [`VecVar`] and [`MatVar`]. Like [`Var`], a tensor variable is `Copy` and
/// branded with its tape's scope. Every operation (a product, a sum, an element-wise
/// function) records one node, whatever the size; the backward sweep applies the closed-form
/// adjoint of the whole operation (for `C = A B`: `Ā += C̄ Bᵀ`, `B̄ += Aᵀ C̄`).
///
/// The value given to the tape is moved in, so it cannot be mutated while the tape still
/// needs it (mode rule 10); [`value`](Tensor::value) returns a copy.
///
/// Shapes are checked when an operation is recorded; a mismatch panics with a message naming
/// the operation and both shapes (the shapes of `DVector`/`DMatrix` are run-time values).
pub struct Tensor<'id, T, S> {
    pub(crate) tape: &'id Arena<T>,
    pub(crate) id: u32,
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    brand: Brand<'id>,
    shape: PhantomData<S>,
}

/// A column vector on a tape (value: [`DVector`]).
pub type VecVar<'id, T = f64> = Tensor<'id, T, Col>;
/// A matrix on a tape (value: [`DMatrix`]).
pub type MatVar<'id, T = f64> = Tensor<'id, T, Mat>;

impl<T, S> Clone for Tensor<'_, T, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, S> Copy for Tensor<'_, T, S> {}

impl<T, S> fmt::Debug for Tensor<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tensor(#{}, {}x{})", self.id, self.rows, self.cols)
    }
}

/// A run-time error of a tensor operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TapeError {
    /// The shapes of two operands do not fit.
    ShapeMismatch {
        /// The operation.
        op: &'static str,
        /// Shape (rows, columns) of the left operand.
        left: (usize, usize),
        /// Shape (rows, columns) of the right operand.
        right: (usize, usize),
    },
    /// The matrix of a linear solve is singular.
    Singular,
}

impl fmt::Display for TapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TapeError::ShapeMismatch { op, left, right } => write!(
                f,
                "{op}: shape mismatch, left operand is {}x{}, right operand is {}x{}",
                left.0, left.1, right.0, right.1
            ),
            TapeError::Singular => write!(f, "solve: the matrix is singular"),
        }
    }
}

impl std::error::Error for TapeError {}

/// A function the tape cannot see into, from a vector to a scalar: the user supplies its
/// value and its backward rule (the vector-Jacobian product).
///
/// Record it with [`Recorder::custom`].
///
/// ```
/// use autodiff_runtime::tape::{CustomOp, Tape};
///
/// /// log(sum(exp(x))), computed stably; gradient softmax(x).
/// struct LogSumExp;
/// impl CustomOp<f64> for LogSumExp {
///     fn value(&self, x: &[f64]) -> f64 {
///         let m = x.iter().cloned().fold(f64::MIN, f64::max);
///         m + x.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
///     }
///     fn backward(&self, x: &[f64], y: f64, ybar: f64, xbar: &mut [f64]) {
///         for (b, v) in xbar.iter_mut().zip(x) {
///             *b += ybar * (v - y).exp();
///         }
///     }
/// }
///
/// let g = Tape::<f64>::scope(|t| {
///     let x = t.var_vec(&[1.0, 2.0]);
///     let y = t.custom(&x, LogSumExp);
///     t.gradient(y, &x[..])
/// });
/// let s = 1f64.exp() + 2f64.exp();
/// assert!((g[0] - 1f64.exp() / s).abs() < 1e-15);
/// ```
pub trait CustomOp<T>: 'static {
    /// The value at `x`.
    fn value(&self, x: &[T]) -> T;
    /// Adds `ybar * ∂y/∂x_i` to `xbar[i]`, given the inputs `x` and the value `y`.
    fn backward(&self, x: &[T], y: T, ybar: T, xbar: &mut [T]);
}

/// A function the tape cannot see into, from a vector to a vector: the user supplies its value
/// and its vector-Jacobian product. Record it with [`VecVar::custom`].
pub trait CustomVectorOp<T: MatrixScalar>: 'static {
    /// The value at `x`.
    fn value(&self, x: &DVector<T>) -> DVector<T>;
    /// The vector-Jacobian product `ȳᵀ ∂y/∂x`, given the inputs `x` and the value `y`.
    fn backward(&self, x: &DVector<T>, y: &DVector<T>, ybar: &DVector<T>) -> DVector<T>;
}

/// Recorded matrix operations, with their inputs (tensor ids, scalar node indices) and any
/// values saved for the backward sweep.
pub(crate) enum Op<T> {
    Leaf,
    Stack(Vec<u32>),
    MatMul(u32, u32),
    Transpose(u32),
    Add(u32, u32),
    Sub(u32, u32),
    Neg(u32),
    Scale(u32, T),
    ScaleVar(u32, u32, T),
    AddColumn(u32, u32),
    Hadamard(u32, u32),
    Quotient(u32, u32),
    Map(u32, Vec<T>),
    Sum(u32),
    Dot(u32, u32),
    Norm(u32, T),
    Index(u32, usize),
    Solve(u32, u32),
    Custom(Vec<u32>, Vec<T>, T, Box<dyn CustomOp<T>>),
    CustomVector(u32, Box<dyn CustomVectorDyn<T>>),
}

impl<T> Op<T> {
    /// Whether the output buffer was taken from the pool (and so goes back to it): leaves,
    /// solves and custom operations bring their own.
    pub(crate) fn value_from_pool(&self) -> bool {
        !matches!(self, Op::Leaf | Op::Solve(..) | Op::CustomVector(..))
    }

    /// Returns any buffers to the pool.
    pub(crate) fn recycle(self, pool: &mut Vec<Vec<T>>) {
        if let Op::Map(_, mut d) = self {
            d.clear();
            pool.push(d);
        }
    }
}

/// Object-safe form of [`CustomVectorOp`] working on column-major slices.
pub(crate) trait CustomVectorDyn<T> {
    fn backward(&self, x: &[T], y: &[T], ybar: &[T]) -> Vec<T>;
}

struct CustomVectorBox<O>(O);

impl<T: MatrixScalar, O: CustomVectorOp<T>> CustomVectorDyn<T> for CustomVectorBox<O> {
    fn backward(&self, x: &[T], y: &[T], ybar: &[T]) -> Vec<T> {
        let x = DVector::from_column_slice(x);
        let y = DVector::from_column_slice(y);
        let yb = DVector::from_column_slice(ybar);
        let g = self.0.backward(&x, &y, &yb);
        assert_eq!(
            g.len(),
            x.len(),
            "custom vector op: backward returned {} entries for an input of length {}",
            g.len(),
            x.len()
        );
        g.data.into()
    }
}

#[inline]
fn z<T: Scalar>() -> T {
    <T as Scalar>::zero()
}
#[inline]
fn o<T: Scalar>() -> T {
    <T as Scalar>::one()
}

fn view<T: MatrixScalar>(d: &[T], r: usize, c: usize) -> DMatrixView<'_, T> {
    DMatrixView::from_slice(d, r, c)
}

/// The transpose of the `r x c` column-major matrix in `d`, as a new matrix.
fn transposed<T: MatrixScalar>(d: &[T], r: usize, c: usize) -> DMatrix<T> {
    view(d, r, c).transpose()
}

fn view_mut<T: MatrixScalar>(d: &mut [T], r: usize, c: usize) -> DMatrixViewMut<'_, T> {
    DMatrixViewMut::from_slice(d, r, c)
}

/// The adjoint buffer of tensor `i` (created zeroed on first use), or `None` if `i` is
/// a constant.
fn adj_of<'a, T: Scalar>(tadj: &'a mut [Vec<T>], ops: &[OpNode<T>], i: u32) -> Option<&'a mut [T]> {
    let n = &ops[i as usize];
    if !n.active {
        return None;
    }
    let v = &mut tadj[i as usize];
    if v.is_empty() {
        v.resize(n.rows * n.cols, z());
    }
    Some(v)
}

fn axpy<T: Scalar>(dst: &mut [T], a: T, src: &[T]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *d + a * *s;
    }
}

/// The backward rule of every matrix operation.
fn backward<T: MatrixScalar>(b: &mut Backward<'_, T>) {
    let ops = b.ops;
    let node = &ops[b.k];
    let (r, c) = (node.rows, node.cols);
    let g = b.g;
    let gs = b.gs;
    match &node.op {
        Op::Leaf => {}
        Op::Stack(idx) => {
            if g.is_empty() {
                return;
            }
            for (&i, &gi) in idx.iter().zip(g) {
                b.adj[i as usize] += gi;
            }
        }
        Op::MatMul(a, bb) => {
            if g.is_empty() {
                return;
            }
            let (na, nb) = (&ops[*a as usize], &ops[*bb as usize]);
            let gv = view(g, r, c);
            // Ā += G Bᵀ ; B̄ += Aᵀ G (the same buffer twice when both factors are one node)
            if let Some(abar) = adj_of(b.tadj, ops, *a) {
                view_mut(abar, na.rows, na.cols).gemm(
                    o(),
                    &gv,
                    &transposed(&nb.value, nb.rows, nb.cols),
                    o(),
                );
            }
            if let Some(bbar) = adj_of(b.tadj, ops, *bb) {
                view_mut(bbar, nb.rows, nb.cols).gemm(
                    o(),
                    &transposed(&na.value, na.rows, na.cols),
                    &gv,
                    o(),
                );
            }
        }
        Op::Transpose(a) => {
            if g.is_empty() {
                return;
            }
            if let Some(abar) = adj_of(b.tadj, ops, *a) {
                // A is c x r; Ā += Gᵀ.
                for j in 0..c {
                    for i in 0..r {
                        abar[j + i * c] += g[i + j * r];
                    }
                }
            }
        }
        Op::Add(a, bb) | Op::Sub(a, bb) => {
            if g.is_empty() {
                return;
            }
            let sign = if matches!(node.op, Op::Sub(..)) {
                -o::<T>()
            } else {
                o()
            };
            if let Some(abar) = adj_of(b.tadj, ops, *a) {
                axpy(abar, o(), g);
            }
            if let Some(bbar) = adj_of(b.tadj, ops, *bb) {
                axpy(bbar, sign, g);
            }
        }
        Op::Neg(a) => {
            if let (false, Some(abar)) = (g.is_empty(), adj_of(b.tadj, ops, *a)) {
                axpy(abar, -o::<T>(), g);
            }
        }
        Op::Scale(a, k) => {
            if let (false, Some(abar)) = (g.is_empty(), adj_of(b.tadj, ops, *a)) {
                axpy(abar, *k, g);
            }
        }
        Op::ScaleVar(a, s, k) => {
            if g.is_empty() {
                return;
            }
            let na = &ops[*a as usize];
            let mut dot = z::<T>();
            for (x, y) in na.value.iter().zip(g) {
                dot += *x * *y;
            }
            b.adj[*s as usize] += dot;
            if let Some(abar) = adj_of(b.tadj, ops, *a) {
                axpy(abar, *k, g);
            }
        }
        Op::AddColumn(m, v) => {
            if g.is_empty() {
                return;
            }
            if let Some(mbar) = adj_of(b.tadj, ops, *m) {
                axpy(mbar, o(), g);
            }
            if let Some(vbar) = adj_of(b.tadj, ops, *v) {
                for col in g.chunks_exact(r.max(1)) {
                    axpy(vbar, o(), col);
                }
            }
        }
        Op::Hadamard(a, bb) => {
            if g.is_empty() {
                return;
            }
            let (na, nb) = (&ops[*a as usize], &ops[*bb as usize]);
            if let Some(abar) = adj_of(b.tadj, ops, *a) {
                for ((d, gi), bi) in abar.iter_mut().zip(g).zip(&nb.value) {
                    *d += *gi * *bi;
                }
            }
            if let Some(bbar) = adj_of(b.tadj, ops, *bb) {
                for ((d, gi), ai) in bbar.iter_mut().zip(g).zip(&na.value) {
                    *d += *gi * *ai;
                }
            }
        }
        Op::Quotient(a, bb) => {
            if g.is_empty() {
                return;
            }
            let nb = &ops[*bb as usize];
            if let Some(abar) = adj_of(b.tadj, ops, *a) {
                for ((d, gi), bi) in abar.iter_mut().zip(g).zip(&nb.value) {
                    *d += *gi / *bi;
                }
            }
            if let Some(bbar) = adj_of(b.tadj, ops, *bb) {
                for (((d, gi), bi), qi) in bbar.iter_mut().zip(g).zip(&nb.value).zip(&node.value) {
                    *d -= *gi * *qi / *bi;
                }
            }
        }
        Op::Map(a, deriv) => {
            if let (false, Some(abar)) = (g.is_empty(), adj_of(b.tadj, ops, *a)) {
                for ((d, gi), di) in abar.iter_mut().zip(g).zip(deriv) {
                    *d += *gi * *di;
                }
            }
        }
        Op::Sum(a) => {
            if let Some(abar) = adj_of(b.tadj, ops, *a) {
                for d in abar.iter_mut() {
                    *d += gs;
                }
            }
        }
        Op::Dot(a, bb) => {
            let (na, nb) = (&ops[*a as usize], &ops[*bb as usize]);
            if let Some(abar) = adj_of(b.tadj, ops, *a) {
                axpy(abar, gs, &nb.value);
            }
            if let Some(bbar) = adj_of(b.tadj, ops, *bb) {
                axpy(bbar, gs, &na.value);
            }
        }
        Op::Norm(a, n) => {
            let na = &ops[*a as usize];
            if let Some(abar) = adj_of(b.tadj, ops, *a) {
                if !Scalar::is_zero(*n) {
                    axpy(abar, gs / *n, &na.value);
                }
            }
        }
        Op::Index(a, i) => {
            if let Some(abar) = adj_of(b.tadj, ops, *a) {
                abar[*i] += gs;
            }
        }
        Op::Solve(a, bb) => {
            if g.is_empty() {
                return;
            }
            // X = A⁻¹ B:  B̄ += A⁻ᵀ G ; Ā -= (A⁻ᵀ G) Xᵀ
            let na = &ops[*a as usize];
            let at = transposed(&na.value, na.rows, na.cols);
            let gm = DMatrix::from_column_slice(r, c, g);
            let Some(w) = at.lu().solve(&gm) else {
                return;
            };
            if let Some(bbar) = adj_of(b.tadj, ops, *bb) {
                axpy(bbar, o(), w.as_slice());
            }
            if let Some(abar) = adj_of(b.tadj, ops, *a) {
                view_mut(abar, na.rows, na.cols).gemm(
                    -o::<T>(),
                    &w,
                    &transposed(&node.value, r, c),
                    o(),
                );
            }
        }
        Op::Custom(idx, x, y, f) => {
            let mut xbar = vec![z::<T>(); x.len()];
            f.backward(x, *y, gs, &mut xbar);
            for (&i, d) in idx.iter().zip(xbar) {
                b.adj[i as usize] += d;
            }
        }
        Op::CustomVector(a, f) => {
            if g.is_empty() {
                return;
            }
            let na = &ops[*a as usize];
            let xb = f.backward(&na.value, &node.value, g);
            if let Some(abar) = adj_of(b.tadj, ops, *a) {
                axpy(abar, o(), &xb);
            }
        }
    }
}

impl<'id, T: MatrixScalar, S> Tensor<'id, T, S> {
    pub(crate) fn new(tape: &'id Arena<T>, id: u32, rows: usize, cols: usize) -> Self {
        Tensor {
            tape,
            id,
            rows,
            cols,
            brand: PhantomData,
            shape: PhantomData,
        }
    }

    fn active(self) -> bool {
        self.tape.ops.borrow()[self.id as usize].active
    }

    /// Records an operation producing a tensor of the given shape.
    fn push<S2>(
        self,
        op: Op<T>,
        rows: usize,
        cols: usize,
        value: Vec<T>,
        active: bool,
    ) -> Tensor<'id, T, S2> {
        let (k, _) = self
            .tape
            .push_op(op, rows, cols, value, active, backward::<T>, false);
        Tensor::new(self.tape, k, rows, cols)
    }

    /// Records an operation producing a scalar.
    fn push_scalar(self, op: Op<T>, v: T, active: bool) -> Var<'id, T> {
        let (_, s) = self
            .tape
            .push_op(op, 0, 0, Vec::new(), active, backward::<T>, true);
        Var::from_parts(self.tape, s, v)
    }

    fn check_same(self, other: Tensor<'id, T, S>, op: &'static str) {
        if (self.rows, self.cols) != (other.rows, other.cols) {
            panic!(
                "{}",
                TapeError::ShapeMismatch {
                    op,
                    left: (self.rows, self.cols),
                    right: (other.rows, other.cols)
                }
            );
        }
    }

    /// Element-wise combination of two same-shaped tensors into a fresh buffer.
    fn zip_with(self, other: Self, op: &'static str, f: impl Fn(T, T) -> T) -> (Vec<T>, bool) {
        self.check_same(other, op);
        let mut out = self.tape.buffer(self.rows * self.cols);
        let ops = self.tape.ops.borrow();
        let (a, b) = (&ops[self.id as usize], &ops[other.id as usize]);
        for ((d, x), y) in out.iter_mut().zip(&a.value).zip(&b.value) {
            *d = f(*x, *y);
        }
        (out, a.active || b.active)
    }

    /// Number of rows.
    pub fn nrows(self) -> usize {
        self.rows
    }

    /// Number of columns (1 for a vector).
    pub fn ncols(self) -> usize {
        self.cols
    }

    /// `(rows, columns)`.
    pub fn shape(self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// Number of entries.
    pub fn len(self) -> usize {
        self.rows * self.cols
    }

    /// Whether there are no entries.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Whether this is a constant (no gradient flows into it).
    pub fn is_constant(self) -> bool {
        !self.active()
    }

    /// The value, copied out (a [`DVector`] for a [`VecVar`], a [`DMatrix`] for a
    /// [`MatVar`]).
    pub fn value(self) -> S::Value<T>
    where
        S: Shape,
    {
        let v = self.tape.ops.borrow()[self.id as usize].value.clone();
        S::from_vec(self.rows, self.cols, v)
    }

    /// The same value as a constant: no gradient flows back through the result.
    #[must_use]
    pub fn stop_gradient(self) -> Self {
        let mut out = self.tape.buffer(self.len());
        out.copy_from_slice(&self.tape.ops.borrow()[self.id as usize].value);
        self.push(Op::Leaf, self.rows, self.cols, out, false)
    }

    /// Multiplies every entry by a variable scalar (the gradient reaches both).
    #[must_use]
    pub fn scale(self, s: Var<'id, T>) -> Self {
        let mut out = self.tape.buffer(self.len());
        let active;
        {
            let ops = self.tape.ops.borrow();
            let a = &ops[self.id as usize];
            for (d, x) in out.iter_mut().zip(&a.value) {
                *d = *x * s.val;
            }
            active = a.active || s.idx != SINK;
        }
        self.push(
            Op::ScaleVar(self.id, s.idx, s.val),
            self.rows,
            self.cols,
            out,
            active,
        )
    }

    /// Entry-wise product.
    ///
    /// # Panics
    /// If the shapes differ.
    #[must_use]
    pub fn component_mul(self, other: Self) -> Self {
        let (out, active) = self.zip_with(other, "component_mul", |x, y| x * y);
        self.push(
            Op::Hadamard(self.id, other.id),
            self.rows,
            self.cols,
            out,
            active,
        )
    }

    /// Entry-wise quotient.
    ///
    /// # Panics
    /// If the shapes differ.
    #[must_use]
    pub fn component_div(self, other: Self) -> Self {
        let (out, active) = self.zip_with(other, "component_div", |x, y| x / y);
        self.push(
            Op::Quotient(self.id, other.id),
            self.rows,
            self.cols,
            out,
            active,
        )
    }

    /// Applies a unary primitive to every entry (one node).
    #[must_use]
    pub fn map(self, f: Unary) -> Self {
        let n = self.len();
        let mut out = self.tape.buffer(n);
        let mut der = self.tape.buffer(n);
        let active = {
            let ops = self.tape.ops.borrow();
            let a = &ops[self.id as usize];
            for ((y, d), x) in out.iter_mut().zip(der.iter_mut()).zip(&a.value) {
                let (v, dv) = rules::unary(f, *x);
                *y = v;
                *d = dv;
            }
            a.active
        };
        self.push(Op::Map(self.id, der), self.rows, self.cols, out, active)
    }

    /// Raises every entry to an integer power.
    #[must_use]
    pub fn powi(self, n: i32) -> Self {
        let len = self.len();
        let mut out = self.tape.buffer(len);
        let mut der = self.tape.buffer(len);
        let active = {
            let ops = self.tape.ops.borrow();
            let a = &ops[self.id as usize];
            for ((y, d), x) in out.iter_mut().zip(der.iter_mut()).zip(&a.value) {
                let (v, dv) = rules::powi(*x, n);
                *y = v;
                *d = dv;
            }
            a.active
        };
        self.push(Op::Map(self.id, der), self.rows, self.cols, out, active)
    }

    /// Sum of the entries.
    pub fn sum(self) -> Var<'id, T> {
        let (v, active) = {
            let ops = self.tape.ops.borrow();
            let a = &ops[self.id as usize];
            (a.value.iter().fold(z::<T>(), |s, x| s + *x), a.active)
        };
        self.push_scalar(Op::Sum(self.id), v, active)
    }

    /// Mean of the entries.
    ///
    /// # Panics
    /// If there are no entries.
    pub fn mean(self) -> Var<'id, T> {
        assert!(!self.is_empty(), "mean: empty vector or matrix");
        self.sum() / <T as Scalar>::from_f64(self.len() as f64)
    }

    /// Inner product (for matrices: the Frobenius inner product, `sum(A ∘ B)`).
    ///
    /// # Panics
    /// If the shapes differ.
    pub fn dot(self, other: Self) -> Var<'id, T> {
        self.check_same(other, "dot");
        let (v, active) = {
            let ops = self.tape.ops.borrow();
            let (a, b) = (&ops[self.id as usize], &ops[other.id as usize]);
            let v = a
                .value
                .iter()
                .zip(&b.value)
                .fold(z::<T>(), |s, (x, y)| s + *x * *y);
            (v, a.active || b.active)
        };
        self.push_scalar(Op::Dot(self.id, other.id), v, active)
    }

    /// Squared Euclidean (Frobenius) norm.
    pub fn norm_squared(self) -> Var<'id, T> {
        self.dot(self)
    }

    /// Euclidean (Frobenius) norm. Its gradient at zero is taken as zero (a kink).
    pub fn norm(self) -> Var<'id, T> {
        let (v, active) = {
            let ops = self.tape.ops.borrow();
            let a = &ops[self.id as usize];
            let s = a.value.iter().fold(z::<T>(), |s, x| s + *x * *x);
            (Scalar::sqrt(s), a.active)
        };
        self.push_scalar(Op::Norm(self.id, v), v, active)
    }

    fn entry(self, flat: usize) -> Var<'id, T> {
        let (v, active) = {
            let ops = self.tape.ops.borrow();
            let a = &ops[self.id as usize];
            (a.value[flat], a.active)
        };
        self.push_scalar(Op::Index(self.id, flat), v, active)
    }
}

macro_rules! tensor_unary_methods {
    ($($(#[$m:meta])* $name:ident => $op:ident;)*) => {
        impl<'id, T: MatrixScalar, S> Tensor<'id, T, S> {
            $(
                $(#[$m])*
                #[must_use]
                pub fn $name(self) -> Self {
                    self.map(Unary::$op)
                }
            )*
        }
    };
}

tensor_unary_methods! {
    /// Entry-wise sine.
    sin => Sin;
    /// Entry-wise cosine.
    cos => Cos;
    /// Entry-wise tangent.
    tan => Tan;
    /// Entry-wise arcsine.
    asin => Asin;
    /// Entry-wise arccosine.
    acos => Acos;
    /// Entry-wise arctangent.
    atan => Atan;
    /// Entry-wise hyperbolic sine.
    sinh => Sinh;
    /// Entry-wise hyperbolic cosine.
    cosh => Cosh;
    /// Entry-wise hyperbolic tangent.
    tanh => Tanh;
    /// Entry-wise inverse hyperbolic sine.
    asinh => Asinh;
    /// Entry-wise inverse hyperbolic cosine.
    acosh => Acosh;
    /// Entry-wise inverse hyperbolic tangent.
    atanh => Atanh;
    /// Entry-wise `e^x`.
    exp => Exp;
    /// Entry-wise `2^x`.
    exp2 => Exp2;
    /// Entry-wise `e^x - 1`.
    exp_m1 => ExpM1;
    /// Entry-wise natural logarithm.
    ln => Ln;
    /// Entry-wise base-2 logarithm.
    log2 => Log2;
    /// Entry-wise base-10 logarithm.
    log10 => Log10;
    /// Entry-wise `ln(1 + x)`.
    ln_1p => Ln1p;
    /// Entry-wise square root.
    sqrt => Sqrt;
    /// Entry-wise cube root.
    cbrt => Cbrt;
    /// Entry-wise absolute value.
    abs => Abs;
    /// Entry-wise reciprocal.
    recip => Recip;
}

impl<'id, T: MatrixScalar> VecVar<'id, T> {
    /// Entry `i`.
    ///
    /// # Panics
    /// If `i` is out of range (the message names the index and the length).
    pub fn get(self, i: usize) -> Var<'id, T> {
        assert!(
            i < self.rows,
            "VecVar::get: index {i} out of range for a vector of length {}",
            self.rows
        );
        self.entry(i)
    }

    /// The transpose: a `1 x n` matrix.
    #[must_use]
    pub fn transpose(self) -> MatVar<'id, T> {
        let mut out = self.tape.buffer(self.len());
        out.copy_from_slice(&self.tape.ops.borrow()[self.id as usize].value);
        let active = self.active();
        self.push(Op::Transpose(self.id), 1, self.rows, out, active)
    }

    /// Applies a user-supplied vector function with its own backward rule (see
    /// [`CustomVectorOp`]).
    pub fn custom<O: CustomVectorOp<T>>(self, op: O) -> VecVar<'id, T> {
        let (y, active) = {
            let ops = self.tape.ops.borrow();
            let a = &ops[self.id as usize];
            let x = DVector::from_column_slice(&a.value);
            (op.value(&x), a.active)
        };
        let n = y.len();
        let out: Vec<T> = y.data.into();
        self.push(
            Op::CustomVector(self.id, Box::new(CustomVectorBox(op))),
            n,
            1,
            out,
            active,
        )
    }
}

impl<'id, T: MatrixScalar> MatVar<'id, T> {
    /// Entry `(i, j)`.
    ///
    /// # Panics
    /// If `(i, j)` is out of range (the message names the index and the shape).
    pub fn get(self, i: usize, j: usize) -> Var<'id, T> {
        assert!(
            i < self.rows && j < self.cols,
            "MatVar::get: index ({i}, {j}) out of range for a {}x{} matrix",
            self.rows,
            self.cols
        );
        self.entry(i + j * self.rows)
    }

    /// The transpose.
    #[must_use]
    pub fn transpose(self) -> MatVar<'id, T> {
        let (r, c) = (self.rows, self.cols);
        let mut out = self.tape.buffer(r * c);
        let active = {
            let ops = self.tape.ops.borrow();
            let a = &ops[self.id as usize];
            for j in 0..c {
                for i in 0..r {
                    out[j + i * c] = a.value[i + j * r];
                }
            }
            a.active
        };
        self.push(Op::Transpose(self.id), c, r, out, active)
    }

    /// Adds the vector `v` to every column (a bias in a layer `W x + b` over a batch).
    ///
    /// # Panics
    /// If `v.len() != self.nrows()`.
    #[must_use]
    pub fn add_column(self, v: VecVar<'id, T>) -> MatVar<'id, T> {
        if v.rows != self.rows {
            panic!(
                "{}",
                TapeError::ShapeMismatch {
                    op: "add_column",
                    left: (self.rows, self.cols),
                    right: (v.rows, v.cols)
                }
            );
        }
        let (r, c) = (self.rows, self.cols);
        let mut out = self.tape.buffer(r * c);
        let active = {
            let ops = self.tape.ops.borrow();
            let (m, b) = (&ops[self.id as usize], &ops[v.id as usize]);
            for (oc, mc) in out
                .chunks_exact_mut(r.max(1))
                .zip(m.value.chunks_exact(r.max(1)))
            {
                for ((d, x), y) in oc.iter_mut().zip(mc).zip(&b.value) {
                    *d = *x + *y;
                }
            }
            m.active || b.active
        };
        self.push(Op::AddColumn(self.id, v.id), r, c, out, active)
    }

    fn matmul<S2>(self, b: Tensor<'id, T, S2>) -> Tensor<'id, T, S2> {
        if self.cols != b.rows {
            panic!(
                "{}",
                TapeError::ShapeMismatch {
                    op: "matrix product",
                    left: (self.rows, self.cols),
                    right: (b.rows, b.cols)
                }
            );
        }
        let (r, c) = (self.rows, b.cols);
        let mut out = self.tape.buffer(r * c);
        let active = {
            let ops = self.tape.ops.borrow();
            let (na, nb) = (&ops[self.id as usize], &ops[b.id as usize]);
            view_mut(&mut out, r, c).gemm(
                o(),
                &view(&na.value, na.rows, na.cols),
                &view(&nb.value, nb.rows, nb.cols),
                z(),
            );
            na.active || nb.active
        };
        self.push(Op::MatMul(self.id, b.id), r, c, out, active)
    }

    /// Solves `self · x = b` for `x` (LU with partial pivoting). The gradient reaches both
    /// `self` and `b`: `b̄ = A⁻ᵀ x̄`, `Ā = -b̄ xᵀ`.
    ///
    /// # Errors
    /// [`TapeError::ShapeMismatch`] if `self` is not square or `b` has another number of
    /// rows; [`TapeError::Singular`] if the matrix is singular.
    pub fn solve<S2>(self, b: Tensor<'id, T, S2>) -> Result<Tensor<'id, T, S2>, TapeError> {
        if self.rows != self.cols || b.rows != self.rows {
            return Err(TapeError::ShapeMismatch {
                op: "solve",
                left: (self.rows, self.cols),
                right: (b.rows, b.cols),
            });
        }
        let (x, active) = {
            let ops = self.tape.ops.borrow();
            let (na, nb) = (&ops[self.id as usize], &ops[b.id as usize]);
            let a = view(&na.value, na.rows, na.cols).clone_owned();
            let bm = view(&nb.value, nb.rows, nb.cols).clone_owned();
            let x = a.lu().solve(&bm).ok_or(TapeError::Singular)?;
            (x, na.active || nb.active)
        };
        let (r, c) = x.shape();
        Ok(self.push(Op::Solve(self.id, b.id), r, c, x.data.into(), active))
    }
}

impl<'id, T: MatrixScalar, S> Add for Tensor<'id, T, S> {
    type Output = Self;
    /// # Panics
    /// If the shapes differ.
    fn add(self, o: Self) -> Self {
        let (out, active) = self.zip_with(o, "add", |x, y| x + y);
        self.push(Op::Add(self.id, o.id), self.rows, self.cols, out, active)
    }
}

impl<'id, T: MatrixScalar, S> Sub for Tensor<'id, T, S> {
    type Output = Self;
    /// # Panics
    /// If the shapes differ.
    fn sub(self, o: Self) -> Self {
        let (out, active) = self.zip_with(o, "sub", |x, y| x - y);
        self.push(Op::Sub(self.id, o.id), self.rows, self.cols, out, active)
    }
}

impl<'id, T: MatrixScalar, S> Neg for Tensor<'id, T, S> {
    type Output = Self;
    fn neg(self) -> Self {
        let mut out = self.tape.buffer(self.len());
        let active = {
            let ops = self.tape.ops.borrow();
            let a = &ops[self.id as usize];
            for (d, x) in out.iter_mut().zip(&a.value) {
                *d = -*x;
            }
            a.active
        };
        self.push(Op::Neg(self.id), self.rows, self.cols, out, active)
    }
}

impl<'id, T: MatrixScalar, S> Mul<T> for Tensor<'id, T, S> {
    type Output = Self;
    fn mul(self, k: T) -> Self {
        let mut out = self.tape.buffer(self.len());
        let active = {
            let ops = self.tape.ops.borrow();
            let a = &ops[self.id as usize];
            for (d, x) in out.iter_mut().zip(&a.value) {
                *d = *x * k;
            }
            a.active
        };
        self.push(Op::Scale(self.id, k), self.rows, self.cols, out, active)
    }
}

impl<'id, T: MatrixScalar, S> Mul<Var<'id, T>> for Tensor<'id, T, S> {
    type Output = Self;
    fn mul(self, s: Var<'id, T>) -> Self {
        self.scale(s)
    }
}

impl<'id, T: MatrixScalar, S> Mul<Tensor<'id, T, S>> for MatVar<'id, T> {
    type Output = Tensor<'id, T, S>;
    /// Matrix product (matrix times matrix, or matrix times vector).
    ///
    /// # Panics
    /// If the inner dimensions differ.
    fn mul(self, b: Tensor<'id, T, S>) -> Tensor<'id, T, S> {
        self.matmul(b)
    }
}

impl<'id, T: MatrixScalar> Recorder<'id, T> {
    fn leaf_tensor<S>(
        &self,
        rows: usize,
        cols: usize,
        data: Vec<T>,
        active: bool,
    ) -> Tensor<'id, T, S> {
        let (k, _) = self
            .arena
            .push_op(Op::Leaf, rows, cols, data, active, backward::<T>, false);
        Tensor::new(self.arena, k, rows, cols)
    }

    /// A vector variable. The vector is moved into the tape.
    ///
    /// ```
    /// use autodiff_runtime::tape::Tape;
    /// use nalgebra::DVector;
    ///
    /// let g = Tape::<f64>::scope(|t| {
    ///     let x = t.vector(DVector::from_vec(vec![1.0, 2.0, 3.0]));
    ///     let y = x.dot(x); // |x|^2
    ///     t.gradient(y, x)
    /// });
    /// assert_eq!(g, DVector::from_vec(vec![2.0, 4.0, 6.0]));
    /// ```
    pub fn vector(&self, v: DVector<T>) -> VecVar<'id, T> {
        let n = v.len();
        self.leaf_tensor(n, 1, v.data.into(), true)
    }

    /// A matrix variable. The matrix is moved into the tape.
    pub fn matrix(&self, m: DMatrix<T>) -> MatVar<'id, T> {
        let (r, c) = m.shape();
        self.leaf_tensor(r, c, m.data.into(), true)
    }

    /// A constant vector (data): no gradient is computed for it.
    pub fn constant_vector(&self, v: DVector<T>) -> VecVar<'id, T> {
        let n = v.len();
        self.leaf_tensor(n, 1, v.data.into(), false)
    }

    /// A constant matrix (data): no gradient is computed for it.
    pub fn constant_matrix(&self, m: DMatrix<T>) -> MatVar<'id, T> {
        let (r, c) = m.shape();
        self.leaf_tensor(r, c, m.data.into(), false)
    }

    /// A vector variable whose entries are the given scalar variables (one node; the gradient
    /// flows back to each scalar).
    pub fn stack(&self, xs: &[Var<'id, T>]) -> VecVar<'id, T> {
        let mut out = self.arena.buffer(xs.len());
        for (d, x) in out.iter_mut().zip(xs) {
            *d = x.val;
        }
        let active = xs.iter().any(|x| x.idx != SINK);
        let idx = xs.iter().map(|x| x.idx).collect();
        let (k, _) = self.arena.push_op(
            Op::Stack(idx),
            xs.len(),
            1,
            out,
            active,
            backward::<T>,
            false,
        );
        Tensor::new(self.arena, k, xs.len(), 1)
    }
}

impl<'id, T: Scalar + 'static> Recorder<'id, T> {
    /// Applies a user-supplied scalar function of several variables with its own backward
    /// rule (see [`CustomOp`]). One node, whatever the function does inside.
    pub fn custom<O: CustomOp<T>>(&self, xs: &[Var<'id, T>], op: O) -> Var<'id, T> {
        let x: Vec<T> = xs.iter().map(|v| v.val).collect();
        let y = op.value(&x);
        let active = xs.iter().any(|v| v.idx != SINK);
        let idx = xs.iter().map(|v| v.idx).collect();
        let (_, s) = self.arena.push_op(
            Op::Custom(idx, x, y, Box::new(op)),
            0,
            0,
            Vec::new(),
            active,
            backward_custom::<T>,
            true,
        );
        Var::from_parts(self.arena, s, y)
    }
}

/// Backward rule of scalar custom operations (needs no matrix bounds).
fn backward_custom<T: Scalar + 'static>(b: &mut Backward<'_, T>) {
    if let Op::Custom(idx, x, y, f) = &b.ops[b.k].op {
        let mut xbar = vec![<T as Scalar>::zero(); x.len()];
        f.backward(x, *y, b.gs, &mut xbar);
        for (&i, d) in idx.iter().zip(xbar) {
            b.adj[i as usize] = b.adj[i as usize] + d;
        }
    }
}
