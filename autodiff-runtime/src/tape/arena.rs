//! The arena behind a tape: scalar nodes in one flat `Vec`, matrix operations in a second one,
//! and the backward sweep over both.

use super::scalar::Scalar;
use core::cell::{Cell, RefCell};
use core::marker::PhantomData;

/// The brand: invariant in `'id`, so two tapes' lifetimes never unify.
pub(crate) type Brand<'id> = PhantomData<fn(&'id ()) -> &'id ()>;

/// Index of the sink node. Constants and the unused parent slot of unary nodes point here;
/// what flows into it is never read.
pub(crate) const SINK: u32 = 0;

/// One recorded scalar operation: up to two parents and the local partial in each.
#[derive(Clone, Copy)]
pub(crate) struct Node<T> {
    pub(crate) d: [T; 2],
    pub(crate) p: [u32; 2],
}

/// Backward rule of a recorded matrix operation, instantiated when it was recorded (where the
/// element type's matrix bounds are known).
pub(crate) type BackwardFn<T> = fn(&mut Backward<'_, T>);

/// A recorded vector/matrix operation.
pub(crate) struct OpNode<T> {
    /// What the operation was, with the indices of its inputs and any saved values.
    pub(crate) op: super::tensor::Op<T>,
    /// Number of scalar nodes when this was recorded. A scalar output of the operation sits
    /// at this index.
    pub(crate) pos: u32,
    /// Shape and column-major value of a tensor output (empty for a scalar output).
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) value: Vec<T>,
    /// Whether the output depends on any variable.
    pub(crate) active: bool,
    /// Index of the scalar output node, or [`SINK`] if the output is a tensor.
    pub(crate) out: u32,
    pub(crate) backward: BackwardFn<T>,
}

/// The state the backward rule of operation `k` works on.
pub(crate) struct Backward<'a, T> {
    pub(crate) k: usize,
    pub(crate) ops: &'a [OpNode<T>],
    /// Adjoints of tensors `0..k`; an empty `Vec` is a zero adjoint.
    pub(crate) tadj: &'a mut [Vec<T>],
    /// Adjoint of this operation's tensor output (empty if zero or a scalar output).
    pub(crate) g: &'a [T],
    /// Adjoint of this operation's scalar output (if it has one).
    pub(crate) gs: T,
    /// Scalar adjoints.
    pub(crate) adj: &'a mut [T],
}

/// The arena shared by a tape's handle and its variables.
pub struct Arena<T> {
    pub(crate) nodes: RefCell<Vec<Node<T>>>,
    pub(crate) ops: RefCell<Vec<OpNode<T>>>,
    pub(crate) adj: RefCell<Vec<T>>,
    pub(crate) tadj: RefCell<Vec<Vec<T>>>,
    /// Buffers of cleared matrix operations, kept for reuse.
    pub(crate) pool: RefCell<Vec<Vec<T>>>,
    /// Number of backward sweeps run since the last clear (for diagnostics).
    pub(crate) sweeps: Cell<usize>,
}

/// Where the backward sweep starts or stops: a position in creation order.
#[derive(Clone, Copy, Debug)]
pub struct Cut {
    /// Scalar nodes with index `>= scalar` are on the far side of the cut.
    pub(crate) scalar: usize,
    /// Matrix operations with index `>= op` are on the far side of the cut.
    pub(crate) op: usize,
}

impl<T: Scalar> Arena<T> {
    pub(crate) fn new() -> Self {
        Self::with_capacity(0)
    }

    pub(crate) fn with_capacity(n: usize) -> Self {
        let mut nodes = Vec::with_capacity(n.max(1));
        nodes.push(Node {
            d: [T::zero(); 2],
            p: [SINK; 2],
        });
        Arena {
            nodes: RefCell::new(nodes),
            ops: RefCell::new(Vec::new()),
            adj: RefCell::new(Vec::new()),
            tadj: RefCell::new(Vec::new()),
            pool: RefCell::new(Vec::new()),
            sweeps: Cell::new(0),
        }
    }

    /// Forgets every node, keeping all capacity (and the matrix buffers) for reuse.
    pub(crate) fn clear(&self) {
        self.nodes.borrow_mut().truncate(1);
        let mut ops = self.ops.borrow_mut();
        let mut pool = self.pool.borrow_mut();
        // Reversed, so the next recording of the same program pops the buffer it used before.
        for op in ops.drain(..).rev() {
            let pooled = op.op.value_from_pool() && op.value.capacity() > 0;
            op.op.recycle(&mut pool);
            if pooled {
                let mut v = op.value;
                v.clear();
                pool.push(v);
            }
        }
        self.sweeps.set(0);
    }

    /// Frees what only the backward sweep needed (one-shot tapes after their gradient):
    /// the scalar nodes, the adjoints and the saved operands of matrix operations. Values of
    /// tensor variables stay readable until the scope ends.
    pub(crate) fn free(&self) {
        *self.nodes.borrow_mut() = vec![Node {
            d: [T::zero(); 2],
            p: [SINK; 2],
        }];
        for o in self.ops.borrow_mut().iter_mut() {
            o.op = super::tensor::Op::Leaf;
            o.active = false;
        }
        *self.adj.borrow_mut() = Vec::new();
        *self.tadj.borrow_mut() = Vec::new();
        *self.pool.borrow_mut() = Vec::new();
    }

    /// Records a scalar node and returns its index.
    #[inline(always)]
    pub(crate) fn push(&self, p0: u32, d0: T, p1: u32, d1: T) -> u32 {
        let mut nodes = self.nodes.borrow_mut();
        let idx = nodes.len();
        if idx == nodes.capacity() {
            grow(&mut nodes);
        }
        nodes.push(Node {
            d: [d0, d1],
            p: [p0, p1],
        });
        idx as u32
    }

    /// Records a leaf (an input variable).
    #[inline]
    pub(crate) fn leaf(&self) -> u32 {
        self.push(SINK, T::zero(), SINK, T::zero())
    }

    pub(crate) fn len(&self) -> usize {
        self.nodes.borrow().len() - 1
    }

    pub(crate) fn op_count(&self) -> usize {
        self.ops.borrow().len()
    }

    pub(crate) fn capacity(&self) -> usize {
        self.nodes.borrow().capacity()
    }

    /// A buffer of length `n` (contents unspecified but initialised), reused when possible.
    pub(crate) fn buffer(&self, n: usize) -> Vec<T> {
        let mut v = self.pool.borrow_mut().pop().unwrap_or_default();
        v.clear();
        v.resize(n, T::zero());
        v
    }

    /// Records a matrix operation; returns its index and, when `scalar_out`, the index of its
    /// scalar output node.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push_op(
        &self,
        op: super::tensor::Op<T>,
        rows: usize,
        cols: usize,
        value: Vec<T>,
        active: bool,
        backward: BackwardFn<T>,
        scalar_out: bool,
    ) -> (u32, u32) {
        let pos = (self.nodes.borrow().len()) as u32;
        let mut ops = self.ops.borrow_mut();
        let k = ops.len();
        assert!(k < u32::MAX as usize, "tape: too many matrix operations");
        ops.push(OpNode {
            op,
            pos,
            rows,
            cols,
            value,
            active,
            out: SINK,
            backward,
        });
        if scalar_out && active {
            let s = self.leaf();
            ops[k].out = s;
            (k as u32, s)
        } else {
            (k as u32, SINK)
        }
    }

    /// The cut just after scalar node `i`: everything created after it.
    pub(crate) fn after_scalar(&self, i: u32) -> Cut {
        let ops = self.ops.borrow();
        let op = ops.partition_point(|o| o.pos <= i);
        Cut {
            scalar: i as usize + 1,
            op,
        }
    }

    /// The cut just after matrix operation `k`.
    pub(crate) fn after_op(&self, k: u32) -> Cut {
        let ops = self.ops.borrow();
        Cut {
            scalar: ops[k as usize].pos as usize,
            op: k as usize + 1,
        }
    }

    /// Runs one backward sweep. `seed` writes the output adjoints into the zeroed buffers;
    /// the sweep covers the nodes created before `top` and after `bottom`; `read` gets the
    /// finished adjoints.
    pub(crate) fn sweep<R>(
        &self,
        top: Cut,
        bottom: Cut,
        seed: impl FnOnce(&mut [T], &mut [Vec<T>]),
        read: impl FnOnce(&[T], &[Vec<T>], &[OpNode<T>]) -> R,
    ) -> R {
        let nodes = self.nodes.borrow();
        let ops = self.ops.borrow();
        let mut adj = self.adj.borrow_mut();
        let mut tadj = self.tadj.borrow_mut();
        let ns = nodes.len();
        let nk = ops.len();
        adj.clear();
        adj.resize(ns, T::zero());
        if tadj.len() < nk {
            tadj.resize_with(nk, Vec::new);
        }
        for t in tadj.iter_mut().take(nk) {
            t.clear();
        }
        seed(&mut adj, &mut tadj[..nk]);
        self.sweeps.set(self.sweeps.get() + 1);

        let lo_s = bottom.scalar.max(1);
        let lo_k = bottom.op;
        let mut s_hi = top.scalar.min(ns);
        let mut k = top.op.min(nk);
        while k > lo_k {
            k -= 1;
            let node = &ops[k];
            let p = (node.pos as usize).max(lo_s);
            if s_hi > p {
                sweep_scalars(&nodes, &mut adj, p, s_hi);
                s_hi = p;
            }
            if !node.active {
                continue;
            }
            let (lower, upper) = tadj.split_at_mut(k);
            let g: &[T] = &upper[0];
            let gs = if node.out != SINK {
                adj[node.out as usize]
            } else {
                T::zero()
            };
            if g.is_empty() && gs.is_zero() {
                continue;
            }
            let mut b = Backward {
                k,
                ops: &ops,
                tadj: lower,
                g,
                gs,
                adj: &mut adj,
            };
            (node.backward)(&mut b);
        }
        if s_hi > lo_s {
            sweep_scalars(&nodes, &mut adj, lo_s, s_hi);
        }
        read(&adj, &tadj[..nk], &ops)
    }
}

#[cold]
#[inline(never)]
fn grow<T>(nodes: &mut Vec<Node<T>>) {
    assert!(
        nodes.len() < u32::MAX as usize,
        "tape: more than 2^32 - 1 scalar nodes"
    );
    let extra = nodes.len().max(64);
    nodes.reserve(extra);
}

/// The backward sweep over scalar nodes `lo..hi`, from the top down: one pass over a flat
/// array.
#[inline]
fn sweep_scalars<T: Scalar>(nodes: &[Node<T>], adj: &mut [T], lo: usize, hi: usize) {
    let nodes = &nodes[..hi];
    let adj = &mut adj[..hi];
    for i in (lo..hi).rev() {
        let a = adj[i];
        let n = nodes[i];
        adj[n.p[0] as usize] = adj[n.p[0] as usize] + n.d[0] * a;
        adj[n.p[1] as usize] = adj[n.p[1] as usize] + n.d[1] * a;
    }
}
