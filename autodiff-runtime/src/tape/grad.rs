//! What a gradient is taken of ([`Output`]) and with respect to ([`Wrt`]).

use super::arena::{Arena, Cut, OpNode, SINK};
use super::scalar::Scalar;
use super::tensor::{MatVar, MatrixScalar, Shape, Tensor, VecVar};
use super::var::Var;
use nalgebra::{DMatrix, DVector};

/// The finished adjoints of one backward sweep, as the [`Wrt`] implementations read them.
#[doc(hidden)]
pub struct Reader<'a, T> {
    pub(crate) adj: &'a [T],
    pub(crate) tadj: &'a [Vec<T>],
    pub(crate) ops: &'a [OpNode<T>],
}

impl<T: Scalar> Reader<'_, T> {
    fn scalar(&self, idx: u32) -> T {
        if idx == SINK {
            T::zero()
        } else {
            self.adj[idx as usize]
        }
    }

    fn tensor(&self, id: u32) -> Vec<T> {
        let n = &self.ops[id as usize];
        let a = &self.tadj[id as usize];
        if !n.active || a.is_empty() {
            vec![T::zero(); n.rows * n.cols]
        } else {
            a.clone()
        }
    }
}

/// The variables a gradient is taken with respect to, and the shape of the result.
///
/// | `wrt` | gradient |
/// |---|---|
/// | `Var` | `T` |
/// | `[Var; N]` | `[T; N]` |
/// | `&[Var]`, `&Vec<Var>` | `Vec<T>` |
/// | `VecVar` | `DVector<T>` |
/// | `MatVar` | `DMatrix<T>` |
/// | `&[VecVar]`, `&[MatVar]` | `Vec<DVector<T>>`, `Vec<DMatrix<T>>` |
/// | a tuple of up to four of these | the tuple of their gradients |
///
/// A variable the output does not depend on (or a constant) gets zeros of its own shape,
/// never a missing value (mode rule 6).
pub trait Wrt<'id, T: Scalar> {
    /// The gradient, shaped like the variables.
    type Grad;
    /// Lowers `cut` to the earliest of these variables.
    #[doc(hidden)]
    fn bottom(&self, arena: &Arena<T>, cut: &mut Cut);
    /// Reads the gradient.
    #[doc(hidden)]
    fn read(&self, r: &Reader<'_, T>) -> Self::Grad;
    /// Appends the gradient, flattened (column-major for matrices).
    #[doc(hidden)]
    fn flatten(&self, r: &Reader<'_, T>, out: &mut Vec<T>);
    /// Number of scalar entries.
    #[doc(hidden)]
    fn flat_len(&self) -> usize;
}

fn lower(cut: &mut Cut, c: Cut) {
    cut.scalar = cut.scalar.min(c.scalar);
    cut.op = cut.op.min(c.op);
}

fn raise(cut: &mut Cut, c: Cut) {
    cut.scalar = cut.scalar.max(c.scalar);
    cut.op = cut.op.max(c.op);
}

impl<'id, T: Scalar> Wrt<'id, T> for Var<'id, T> {
    type Grad = T;
    fn bottom(&self, arena: &Arena<T>, cut: &mut Cut) {
        if self.idx != SINK {
            lower(cut, arena.after_scalar(self.idx));
        }
    }
    fn read(&self, r: &Reader<'_, T>) -> T {
        r.scalar(self.idx)
    }
    fn flatten(&self, r: &Reader<'_, T>, out: &mut Vec<T>) {
        out.push(r.scalar(self.idx));
    }
    fn flat_len(&self) -> usize {
        1
    }
}

impl<'id, T: Scalar, const N: usize> Wrt<'id, T> for [Var<'id, T>; N] {
    type Grad = [T; N];
    fn bottom(&self, arena: &Arena<T>, cut: &mut Cut) {
        self.iter().for_each(|v| v.bottom(arena, cut));
    }
    fn read(&self, r: &Reader<'_, T>) -> [T; N] {
        self.map(|v| r.scalar(v.idx))
    }
    fn flatten(&self, r: &Reader<'_, T>, out: &mut Vec<T>) {
        out.extend(self.iter().map(|v| r.scalar(v.idx)));
    }
    fn flat_len(&self) -> usize {
        N
    }
}

impl<'id, T: Scalar> Wrt<'id, T> for &[Var<'id, T>] {
    type Grad = Vec<T>;
    fn bottom(&self, arena: &Arena<T>, cut: &mut Cut) {
        self.iter().for_each(|v| v.bottom(arena, cut));
    }
    fn read(&self, r: &Reader<'_, T>) -> Vec<T> {
        self.iter().map(|v| r.scalar(v.idx)).collect()
    }
    fn flatten(&self, r: &Reader<'_, T>, out: &mut Vec<T>) {
        out.extend(self.iter().map(|v| r.scalar(v.idx)));
    }
    fn flat_len(&self) -> usize {
        self.len()
    }
}

impl<'id, T: Scalar> Wrt<'id, T> for &Vec<Var<'id, T>> {
    type Grad = Vec<T>;
    fn bottom(&self, arena: &Arena<T>, cut: &mut Cut) {
        self.as_slice().bottom(arena, cut)
    }
    fn read(&self, r: &Reader<'_, T>) -> Vec<T> {
        self.as_slice().read(r)
    }
    fn flatten(&self, r: &Reader<'_, T>, out: &mut Vec<T>) {
        self.as_slice().flatten(r, out)
    }
    fn flat_len(&self) -> usize {
        self.len()
    }
}

impl<'id, T: MatrixScalar, S: Shape> Wrt<'id, T> for Tensor<'id, T, S> {
    type Grad = S::Value<T>;
    fn bottom(&self, arena: &Arena<T>, cut: &mut Cut) {
        lower(cut, arena.after_op(self.id));
    }
    fn read(&self, r: &Reader<'_, T>) -> S::Value<T> {
        S::from_vec(self.rows, self.cols, r.tensor(self.id))
    }
    fn flatten(&self, r: &Reader<'_, T>, out: &mut Vec<T>) {
        out.extend(r.tensor(self.id));
    }
    fn flat_len(&self) -> usize {
        self.rows * self.cols
    }
}

impl<'id, T: MatrixScalar, S: Shape> Wrt<'id, T> for &[Tensor<'id, T, S>] {
    type Grad = Vec<S::Value<T>>;
    fn bottom(&self, arena: &Arena<T>, cut: &mut Cut) {
        self.iter().for_each(|v| v.bottom(arena, cut));
    }
    fn read(&self, r: &Reader<'_, T>) -> Self::Grad {
        self.iter().map(|v| v.read(r)).collect()
    }
    fn flatten(&self, r: &Reader<'_, T>, out: &mut Vec<T>) {
        self.iter().for_each(|v| v.flatten(r, out));
    }
    fn flat_len(&self) -> usize {
        self.iter().map(|v| v.flat_len()).sum()
    }
}

macro_rules! wrt_tuple {
    ($($name:ident $i:tt),*) => {
        impl<'id, T: Scalar, $($name: Wrt<'id, T>),*> Wrt<'id, T> for ($($name,)*) {
            type Grad = ($($name::Grad,)*);
            fn bottom(&self, arena: &Arena<T>, cut: &mut Cut) {
                $(self.$i.bottom(arena, cut);)*
            }
            fn read(&self, r: &Reader<'_, T>) -> Self::Grad {
                ($(self.$i.read(r),)*)
            }
            fn flatten(&self, r: &Reader<'_, T>, out: &mut Vec<T>) {
                $(self.$i.flatten(r, out);)*
            }
            fn flat_len(&self) -> usize {
                0 $(+ self.$i.flat_len())*
            }
        }
    };
}

wrt_tuple!(A 0, B 1);
wrt_tuple!(A 0, B 1, C 2);
wrt_tuple!(A 0, B 1, C 2, D 3);

/// What a VJP or Jacobian is taken of: a scalar, several scalars, a vector or a matrix, with
/// the seed (the cotangent) of matching shape.
///
/// A plain gradient needs a scalar output: [`OneShot::gradient`](super::OneShot::gradient)
/// takes a [`Var`], and vector outputs go through a VJP with an explicit seed or a Jacobian
/// (mode rule 5).
pub trait Output<'id, T: Scalar> {
    /// The seed: `T` for a scalar, `&[T]` for a slice, `&DVector<T>` for a vector,
    /// `&DMatrix<T>` for a matrix.
    type Seed<'s>
    where
        T: 's;
    /// Raises `cut` to just after the latest output.
    #[doc(hidden)]
    fn top(&self, arena: &Arena<T>, cut: &mut Cut);
    /// Writes the seed into the zeroed adjoints.
    #[doc(hidden)]
    fn seed(&self, seed: Self::Seed<'_>, adj: &mut [T], tadj: &mut [Vec<T>]);
    /// Number of scalar components.
    #[doc(hidden)]
    fn components(&self) -> usize;
    /// Seeds component `i` with one, the others with zero.
    #[doc(hidden)]
    fn seed_unit(&self, i: usize, adj: &mut [T], tadj: &mut [Vec<T>]);
}

impl<'id, T: Scalar> Output<'id, T> for Var<'id, T> {
    type Seed<'s>
        = T
    where
        T: 's;
    fn top(&self, arena: &Arena<T>, cut: &mut Cut) {
        raise(cut, arena.after_scalar(self.idx));
    }
    fn seed(&self, seed: T, adj: &mut [T], _: &mut [Vec<T>]) {
        adj[self.idx as usize] = adj[self.idx as usize] + seed;
    }
    fn components(&self) -> usize {
        1
    }
    fn seed_unit(&self, _: usize, adj: &mut [T], _: &mut [Vec<T>]) {
        adj[self.idx as usize] = adj[self.idx as usize] + T::one();
    }
}

impl<'id, T: Scalar> Output<'id, T> for &[Var<'id, T>] {
    type Seed<'s>
        = &'s [T]
    where
        T: 's;
    fn top(&self, arena: &Arena<T>, cut: &mut Cut) {
        self.iter().for_each(|v| v.top(arena, cut));
    }
    /// # Panics
    /// If the seed's length differs from the number of outputs.
    fn seed(&self, seed: &[T], adj: &mut [T], _: &mut [Vec<T>]) {
        assert_eq!(
            seed.len(),
            self.len(),
            "vjp: seed has length {} but there are {} outputs",
            seed.len(),
            self.len()
        );
        for (v, s) in self.iter().zip(seed) {
            adj[v.idx as usize] = adj[v.idx as usize] + *s;
        }
    }
    fn components(&self) -> usize {
        self.len()
    }
    fn seed_unit(&self, i: usize, adj: &mut [T], _: &mut [Vec<T>]) {
        adj[self[i].idx as usize] = adj[self[i].idx as usize] + T::one();
    }
}

impl<'id, T: Scalar, const N: usize> Output<'id, T> for [Var<'id, T>; N] {
    type Seed<'s>
        = [T; N]
    where
        T: 's;
    fn top(&self, arena: &Arena<T>, cut: &mut Cut) {
        self.iter().for_each(|v| v.top(arena, cut));
    }
    fn seed(&self, seed: [T; N], adj: &mut [T], _: &mut [Vec<T>]) {
        for (v, s) in self.iter().zip(seed) {
            adj[v.idx as usize] = adj[v.idx as usize] + s;
        }
    }
    fn components(&self) -> usize {
        N
    }
    fn seed_unit(&self, i: usize, adj: &mut [T], _: &mut [Vec<T>]) {
        adj[self[i].idx as usize] = adj[self[i].idx as usize] + T::one();
    }
}

fn seed_tensor<T: Scalar>(id: u32, n: usize, data: &[T], tadj: &mut [Vec<T>], what: &str) {
    assert_eq!(
        data.len(),
        n,
        "vjp: seed has {} entries but the output {what} has {n}",
        data.len()
    );
    let t = &mut tadj[id as usize];
    t.clear();
    t.extend_from_slice(data);
}

fn seed_tensor_unit<T: Scalar>(id: u32, n: usize, i: usize, tadj: &mut [Vec<T>]) {
    let t = &mut tadj[id as usize];
    t.clear();
    t.resize(n, T::zero());
    t[i] = T::one();
}

impl<'id, T: MatrixScalar> Output<'id, T> for VecVar<'id, T> {
    type Seed<'s>
        = &'s DVector<T>
    where
        T: 's;
    fn top(&self, arena: &Arena<T>, cut: &mut Cut) {
        raise(cut, arena.after_op(self.id));
    }
    /// # Panics
    /// If the seed's length differs from the output's.
    fn seed(&self, seed: &DVector<T>, _: &mut [T], tadj: &mut [Vec<T>]) {
        seed_tensor(self.id, self.rows, seed.as_slice(), tadj, "vector");
    }
    fn components(&self) -> usize {
        self.rows
    }
    fn seed_unit(&self, i: usize, _: &mut [T], tadj: &mut [Vec<T>]) {
        seed_tensor_unit(self.id, self.rows, i, tadj);
    }
}

impl<'id, T: MatrixScalar> Output<'id, T> for MatVar<'id, T> {
    type Seed<'s>
        = &'s DMatrix<T>
    where
        T: 's;
    fn top(&self, arena: &Arena<T>, cut: &mut Cut) {
        raise(cut, arena.after_op(self.id));
    }
    /// # Panics
    /// If the seed's shape differs from the output's.
    fn seed(&self, seed: &DMatrix<T>, _: &mut [T], tadj: &mut [Vec<T>]) {
        assert_eq!(
            seed.shape(),
            (self.rows, self.cols),
            "vjp: seed is {}x{} but the output matrix is {}x{}",
            seed.nrows(),
            seed.ncols(),
            self.rows,
            self.cols
        );
        seed_tensor(
            self.id,
            self.rows * self.cols,
            seed.as_slice(),
            tadj,
            "matrix",
        );
    }
    fn components(&self) -> usize {
        self.rows * self.cols
    }
    fn seed_unit(&self, i: usize, _: &mut [T], tadj: &mut [Vec<T>]) {
        seed_tensor_unit(self.id, self.rows * self.cols, i, tadj);
    }
}

/// One backward sweep: the VJP of `y` with cotangent `seed`, read at `wrt`.
pub(crate) fn vjp<'id, T: Scalar, O: Output<'id, T>, W: Wrt<'id, T>>(
    arena: &Arena<T>,
    y: &O,
    seed: O::Seed<'_>,
    wrt: &W,
) -> W::Grad {
    let mut top = Cut { scalar: 0, op: 0 };
    y.top(arena, &mut top);
    let mut bottom = Cut {
        scalar: usize::MAX,
        op: usize::MAX,
    };
    wrt.bottom(arena, &mut bottom);
    arena.sweep(
        top,
        bottom,
        |adj, tadj| y.seed(seed, adj, tadj),
        |adj, tadj, ops| wrt.read(&Reader { adj, tadj, ops }),
    )
}

/// One backward sweep per output component; rows of the Jacobian.
pub(crate) fn jacobian<'id, T, O, W>(arena: &Arena<T>, y: &O, wrt: &W) -> DMatrix<T>
where
    T: Scalar + nalgebra::Scalar,
    O: Output<'id, T>,
    W: Wrt<'id, T>,
{
    let m = y.components();
    let n = wrt.flat_len();
    let mut top = Cut { scalar: 0, op: 0 };
    y.top(arena, &mut top);
    let mut bottom = Cut {
        scalar: usize::MAX,
        op: usize::MAX,
    };
    wrt.bottom(arena, &mut bottom);
    let mut jac = DMatrix::from_element(m, n, T::zero());
    let mut row = Vec::with_capacity(n);
    for i in 0..m {
        row.clear();
        arena.sweep(
            top,
            bottom,
            |adj, tadj| y.seed_unit(i, adj, tadj),
            |adj, tadj, ops| wrt.flatten(&Reader { adj, tadj, ops }, &mut row),
        );
        for (j, v) in row.iter().enumerate() {
            jac[(i, j)] = *v;
        }
    }
    jac
}
