//! The eager path: a tape that records operations at run time, for code the macro cannot see
//! (a model built from data, a closure passed in by a caller, a trait object).
//!
//! # Quick start
//!
//! ```
//! use autodiff_runtime::tape::Tape;
//!
//! // f(x, y) = x * sin(y) + y / x
//! let (value, [dx, dy]) = Tape::<f64>::scope(|t| {
//!     let [x, y] = t.vars([2.0, 0.5]);
//!     let f = x * y.sin() + y / x;
//!     (f.value(), t.gradient(f, [x, y]))
//! });
//! assert_eq!(value, 2.0 * 0.5_f64.sin() + 0.25);
//! assert!((dx - (0.5_f64.sin() - 0.5 / 4.0)).abs() < 1e-15);
//! assert!((dy - (2.0 * 0.5_f64.cos() + 0.5)).abs() < 1e-15);
//! ```
//!
//! # The pieces
//!
//! * [`Tape`] owns the memory. [`Tape::scope`] opens a fresh **one-shot** tape: its handle
//!   [`OneShot`] is consumed by the gradient (a second gradient does not compile, mode rule 8)
//!   and the backward data is freed. [`Tape::scope_persistent`] gives a [`Persistent`] handle
//!   that takes any number of gradients. [`Tape::record`] and [`Tape::record_persistent`]
//!   reuse one `Tape` across training steps: cleared on entry, no reallocation once warm.
//! * Both handles dereference to a [`Recorder`], which creates variables ([`Recorder::var`]),
//!   constants, vectors and matrices ([`Recorder::vector`], [`Recorder::matrix`]) and custom
//!   operations ([`Recorder::custom`]).
//! * [`Var`] is a scalar, [`VecVar`]/[`MatVar`] a whole nalgebra vector/matrix (one node per
//!   matrix operation). All are `Copy`, and branded by the scope's lifetime `'id`: variables
//!   of two tapes cannot be mixed and cannot escape their scope (mode rule 7).
//! * Gradients: [`OneShot::gradient`] (scalar output, any set of variables, see [`Wrt`]),
//!   [`OneShot::vjp`] (vector output with a seed), [`OneShot::jacobian`]; the same on
//!   [`Persistent`] by reference.
//! * Second order: [`hvp`] and [`hessian`](fn@hessian) run forward-over-reverse, recording the function on
//!   a tape of [`Dual`] numbers.
//!
//! # Design
//!
//! The tape is an arena: scalar nodes live in one `Vec`, each holding its two local partial
//! derivatives and two parent indices (`u32`); a variable is a node index, its value and a
//! reference to the arena. Recording an operation evaluates the rule table ([`Unary`] and
//! friends), pushes one node and returns a new `Var`: no allocation once the `Vec` is warm,
//! no reference counting. Unary nodes and constants point their unused parent at a sink node
//! (index 0) whose adjoint is never read, so the backward sweep is one branch-free pass over a
//! flat array from the output down to the earliest variable asked for. Matrix operations sit
//! in a second `Vec`, each with its value buffer (recycled by [`Tape::record`]) and the
//! position in the scalar sequence where it was recorded; the sweep interleaves the two.
//!
//! # What stays at run time
//!
//! Shapes of vectors and matrices are checked when an operation is recorded and a mismatch
//! panics, naming the operation and both shapes ([`MatVar::solve`] returns a [`TapeError`]
//! instead). Derivatives at kinks (`abs` at 0, `sqrt` at 0, `min`/`max` at a tie) follow the
//! documented convention of each operation; NaN from a branch not taken is not detected.

mod arena;
mod grad;
mod hessian;
pub mod rules;
mod scalar;
mod tensor;
mod var;

pub use grad::{Output, Wrt};
pub use hessian::{hessian, hvp, Hessian, Hvp};
pub use rules::Unary;
pub use scalar::{Dual, Scalar};
pub use tensor::{
    Col, CustomOp, CustomVectorOp, Mat, MatVar, MatrixScalar, Shape, TapeError, Tensor, VecVar,
};
pub use var::{Operand, Var};

use arena::{Arena, Brand};
use core::marker::PhantomData;
use core::ops::Deref;

/// The memory of a tape: an arena of nodes that recording scopes write into.
///
/// Open a scope with [`Tape::scope`] (fresh one-shot tape), [`Tape::scope_persistent`], or, to
/// reuse the memory across steps, [`Tape::record`] / [`Tape::record_persistent`] on a `Tape`
/// you keep.
///
/// ```
/// use autodiff_runtime::tape::Tape;
///
/// // Gradient descent on (w - 3)^2, one tape reused for every step.
/// let mut tape = Tape::<f64>::new();
/// let mut w = 0.0;
/// for _ in 0..100 {
///     let g = tape.record(|t| {
///         let x = t.var(w);
///         let loss = (x - 3.0).powi(2);
///         t.gradient(loss, x)
///     });
///     w -= 0.1 * g;
/// }
/// assert!((w - 3.0).abs() < 1e-6);
/// ```
pub struct Tape<T = f64> {
    arena: Arena<T>,
}

impl<T: Scalar> Default for Tape<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Scalar> Tape<T> {
    /// An empty tape.
    pub fn new() -> Self {
        Tape {
            arena: Arena::new(),
        }
    }

    /// An empty tape with room for `nodes` scalar nodes before it reallocates.
    pub fn with_capacity(nodes: usize) -> Self {
        Tape {
            arena: Arena::with_capacity(nodes + 1),
        }
    }

    /// Number of scalar nodes recorded (by the last scope).
    pub fn len(&self) -> usize {
        self.arena.len()
    }

    /// Whether no scalar node is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of scalar nodes the tape holds without reallocating.
    pub fn capacity(&self) -> usize {
        self.arena.capacity().saturating_sub(1)
    }

    /// Forgets every node, keeping the memory.
    pub fn clear(&mut self) {
        self.arena.clear();
    }

    /// Records `f` on a fresh one-shot tape and returns what `f` returns.
    ///
    /// The scope's lifetime `'id` brands every variable: nothing recorded can be returned
    /// from `f`, and variables of another scope cannot be mixed in. Read values with
    /// [`Var::value`] and return those.
    ///
    /// ```
    /// use autodiff_runtime::tape::Tape;
    /// let g = Tape::<f32>::scope(|t| {
    ///     let x = t.var(2.0);
    ///     t.gradient(x.exp() * x, x)
    /// });
    /// assert!((g - 3.0 * 2f32.exp()).abs() < 1e-5);
    /// ```
    pub fn scope<R>(f: impl for<'id> FnOnce(OneShot<'id, T>) -> R) -> R {
        let arena = Arena::new();
        f(OneShot {
            rec: Recorder::new(&arena),
            free: true,
        })
    }

    /// Records `f` on a fresh persistent tape, which takes any number of gradients.
    ///
    /// ```
    /// use autodiff_runtime::tape::Tape;
    /// let (g1, g2) = Tape::<f64>::scope_persistent(|t| {
    ///     let x = t.var(3.0);
    ///     let a = x * x;
    ///     let b = a * x;
    ///     (t.gradient(a, x), t.gradient(b, x))
    /// });
    /// assert_eq!((g1, g2), (6.0, 27.0));
    /// ```
    pub fn scope_persistent<R>(f: impl for<'id> FnOnce(Persistent<'id, T>) -> R) -> R {
        let arena = Arena::new();
        f(Persistent {
            rec: Recorder::new(&arena),
        })
    }

    /// Clears this tape and records `f` on it as a one-shot tape. The memory stays with the
    /// `Tape` for the next call: once warm, recording the same program again allocates
    /// nothing for scalar nodes and reuses the matrix buffers.
    pub fn record<R>(&mut self, f: impl for<'id> FnOnce(OneShot<'id, T>) -> R) -> R {
        self.arena.clear();
        f(OneShot {
            rec: Recorder::new(&self.arena),
            free: false,
        })
    }

    /// Clears this tape and records `f` on it as a persistent tape.
    pub fn record_persistent<R>(&mut self, f: impl for<'id> FnOnce(Persistent<'id, T>) -> R) -> R {
        self.arena.clear();
        f(Persistent {
            rec: Recorder::new(&self.arena),
        })
    }
}

/// Creates variables, constants and custom operations on a tape. Reached through a
/// [`OneShot`] or [`Persistent`] handle (which dereference to it).
pub struct Recorder<'id, T> {
    pub(crate) arena: &'id Arena<T>,
    brand: Brand<'id>,
}

impl<'id, T: Scalar> Recorder<'id, T> {
    fn new(arena: &'id Arena<T>) -> Self {
        Recorder {
            arena,
            brand: PhantomData,
        }
    }

    /// A new variable (a leaf of the tape).
    ///
    /// ```
    /// use autodiff_runtime::tape::Tape;
    /// let d = Tape::<f64>::scope(|t| {
    ///     let x = t.var(4.0);
    ///     t.gradient(x.sqrt(), x)
    /// });
    /// assert_eq!(d, 0.25);
    /// ```
    #[inline]
    pub fn var(&self, value: T) -> Var<'id, T> {
        let i = self.arena.leaf();
        Var::from_parts(self.arena, i, value)
    }

    /// Several variables at once: `let [x, y] = t.vars([1.0, 2.0]);`
    pub fn vars<const N: usize>(&self, values: [T; N]) -> [Var<'id, T>; N] {
        values.map(|v| self.var(v))
    }

    /// One variable per entry of `values`.
    pub fn var_vec(&self, values: &[T]) -> Vec<Var<'id, T>> {
        values.iter().map(|&v| self.var(v)).collect()
    }

    /// A constant: usable wherever a variable is, with no gradient and no node.
    #[inline]
    pub fn constant(&self, value: T) -> Var<'id, T> {
        Var::from_parts(self.arena, arena::SINK, value)
    }

    /// Number of scalar nodes recorded so far.
    pub fn len(&self) -> usize {
        self.arena.len()
    }

    /// Whether nothing has been recorded yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of vector/matrix operations recorded so far.
    pub fn matrix_ops(&self) -> usize {
        self.arena.op_count()
    }
}

/// A one-shot tape: computing a gradient, a VJP or a Jacobian consumes it (mode rule 8).
///
/// On a tape from [`Tape::scope`] the backward data (nodes, adjoints) is freed at that
/// point; values of variables stay readable until the scope ends. Dereferences to
/// [`Recorder`].
pub struct OneShot<'id, T> {
    rec: Recorder<'id, T>,
    free: bool,
}

impl<'id, T> Deref for OneShot<'id, T> {
    type Target = Recorder<'id, T>;
    fn deref(&self) -> &Recorder<'id, T> {
        &self.rec
    }
}

impl<'id, T: Scalar> OneShot<'id, T> {
    fn done(self) {
        if self.free {
            self.rec.arena.free();
        }
    }

    /// The gradient of the scalar `y` with respect to `wrt` (see [`Wrt`] for the shapes:
    /// a `Var`, an array, a slice, a vector, a matrix, a tuple of those).
    ///
    /// ```
    /// use autodiff_runtime::tape::Tape;
    /// let g = Tape::<f64>::scope(|t| {
    ///     let x = t.var_vec(&[1.0, 2.0, 3.0]);
    ///     let y = x[0] * x[1] * x[2];
    ///     t.gradient(y, &x)
    /// });
    /// assert_eq!(g, vec![6.0, 3.0, 2.0]);
    /// ```
    pub fn gradient<W: Wrt<'id, T>>(self, y: Var<'id, T>, wrt: W) -> W::Grad {
        self.vjp(y, T::one(), wrt)
    }

    /// The vector-Jacobian product `seedᵀ ∂y/∂wrt` for an output `y` of any [`Output`]
    /// shape.
    ///
    /// # Panics
    /// If the seed's shape differs from the output's (the message names both).
    ///
    /// ```
    /// use autodiff_runtime::tape::Tape;
    /// let g = Tape::<f64>::scope(|t| {
    ///     let x = t.var(2.0);
    ///     let ys = [x * x, x.powi(3)];
    ///     t.vjp(&ys[..], &[1.0, 10.0], x)
    /// });
    /// assert_eq!(g, 4.0 + 10.0 * 12.0);
    /// ```
    pub fn vjp<O: Output<'id, T>, W: Wrt<'id, T>>(
        self,
        y: O,
        seed: O::Seed<'_>,
        wrt: W,
    ) -> W::Grad {
        let g = grad::vjp(self.rec.arena, &y, seed, &wrt);
        self.done();
        g
    }

    /// The Jacobian of `y` with respect to `wrt`: one row per output component, one column per
    /// entry of `wrt` (flattened in order, matrices column-major). One backward sweep per row.
    ///
    /// ```
    /// use autodiff_runtime::tape::Tape;
    /// let j = Tape::<f64>::scope(|t| {
    ///     let [x, y] = t.vars([1.0, 2.0]);
    ///     t.jacobian([x * y, x + y], [x, y])
    /// });
    /// assert_eq!(j, nalgebra::dmatrix![2.0, 1.0; 1.0, 1.0]);
    /// ```
    pub fn jacobian<O: Output<'id, T>, W: Wrt<'id, T>>(self, y: O, wrt: W) -> nalgebra::DMatrix<T>
    where
        T: nalgebra::Scalar,
    {
        let j = grad::jacobian(self.rec.arena, &y, &wrt);
        self.done();
        j
    }
}

/// A persistent tape: any number of gradients, VJPs and Jacobians, and recording may go on
/// between them. Dereferences to [`Recorder`].
pub struct Persistent<'id, T> {
    rec: Recorder<'id, T>,
}

impl<'id, T> Deref for Persistent<'id, T> {
    type Target = Recorder<'id, T>;
    fn deref(&self) -> &Recorder<'id, T> {
        &self.rec
    }
}

impl<'id, T: Scalar> Persistent<'id, T> {
    /// The gradient of the scalar `y` with respect to `wrt` (see [`Wrt`]).
    pub fn gradient<W: Wrt<'id, T>>(&self, y: Var<'id, T>, wrt: W) -> W::Grad {
        self.vjp(y, T::one(), wrt)
    }

    /// The vector-Jacobian product `seedᵀ ∂y/∂wrt`.
    ///
    /// # Panics
    /// If the seed's shape differs from the output's (the message names both).
    pub fn vjp<O: Output<'id, T>, W: Wrt<'id, T>>(
        &self,
        y: O,
        seed: O::Seed<'_>,
        wrt: W,
    ) -> W::Grad {
        grad::vjp(self.rec.arena, &y, seed, &wrt)
    }

    /// The Jacobian of `y` with respect to `wrt` (see [`OneShot::jacobian`]).
    pub fn jacobian<O: Output<'id, T>, W: Wrt<'id, T>>(&self, y: O, wrt: W) -> nalgebra::DMatrix<T>
    where
        T: nalgebra::Scalar,
    {
        grad::jacobian(self.rec.arena, &y, &wrt)
    }
}
