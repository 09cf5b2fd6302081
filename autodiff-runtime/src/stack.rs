//! The stacks reverse mode keeps loop records on: floats and indices in flat vectors whose
//! memory is taken from, and given back to, a per-thread pool, so that a function that runs
//! a loop allocates nothing for its records once the pool is warm.

use std::cell::RefCell;

/// How many vectors a pool keeps for reuse.
const POOL_SIZE: usize = 32;

thread_local! {
    static F64_POOL: RefCell<Vec<Vec<f64>>> = const { RefCell::new(Vec::new()) };
    static F32_POOL: RefCell<Vec<Vec<f32>>> = const { RefCell::new(Vec::new()) };
    static INDEX_POOL: RefCell<Vec<Vec<usize>>> = const { RefCell::new(Vec::new()) };
}

fn take<T>(pool: &'static std::thread::LocalKey<RefCell<Vec<Vec<T>>>>) -> Vec<T> {
    pool.with(|p| p.borrow_mut().pop()).unwrap_or_default()
}

fn give<T>(pool: &'static std::thread::LocalKey<RefCell<Vec<Vec<T>>>>, mut v: Vec<T>) {
    v.clear();
    pool.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() < POOL_SIZE {
            p.push(v);
        }
    });
}

/// A scalar type whose record stacks come from a per-thread pool.
pub trait Pooled: Sized + 'static {
    /// A cleared vector, reused when one is free.
    fn take_vec() -> Vec<Self>;
    /// Gives a vector back for reuse.
    fn give_vec(v: Vec<Self>);
}

impl Pooled for f64 {
    fn take_vec() -> Vec<Self> {
        take(&F64_POOL)
    }
    fn give_vec(v: Vec<Self>) {
        give(&F64_POOL, v)
    }
}

impl Pooled for f32 {
    fn take_vec() -> Vec<Self> {
        take(&F32_POOL)
    }
    fn give_vec(v: Vec<Self>) {
        give(&F32_POOL, v)
    }
}

impl Pooled for usize {
    fn take_vec() -> Vec<Self> {
        take(&INDEX_POOL)
    }
    fn give_vec(v: Vec<Self>) {
        give(&INDEX_POOL, v)
    }
}

/// A LIFO stack of `T` on pooled memory.
pub struct Stack<T: Pooled> {
    items: Vec<T>,
}

impl<T: Pooled> Stack<T> {
    /// An empty stack.
    #[inline]
    pub fn new() -> Self {
        Stack {
            items: T::take_vec(),
        }
    }

    /// Makes room for `n` more items.
    #[inline]
    pub fn reserve(&mut self, n: usize) {
        self.items.reserve(n);
    }

    /// Pushes an item.
    #[inline(always)]
    pub fn push(&mut self, x: T) {
        self.items.push(x);
    }

    /// Pops the item pushed last; the reverse sweep pops exactly what the forward pushed.
    #[inline(always)]
    pub fn pop(&mut self) -> T {
        match self.items.pop() {
            Some(x) => x,
            None => unreachable!("the reverse sweep pops only what the forward sweep pushed"),
        }
    }
}

impl<T: Pooled + Copy> Stack<T> {
    /// Pushes one iteration's items at once.
    #[inline(always)]
    pub fn push_all<const N: usize>(&mut self, items: [T; N]) {
        self.items.extend_from_slice(&items);
    }

    /// Pops the items of one iteration, in the order they were pushed.
    #[inline(always)]
    pub fn pop_all<const N: usize>(&mut self) -> [T; N] {
        let start = self.items.len() - N;
        let out = match <[T; N]>::try_from(&self.items[start..]) {
            Ok(out) => out,
            Err(_) => unreachable!("the reverse sweep pops only what the forward sweep pushed"),
        };
        self.items.truncate(start);
        out
    }
}

impl<T: Pooled + Copy> Stack<T> {
    /// Pushes a copy of a slice (a buffer a call reads, kept for the call's replay); returns
    /// its length, which the replay pops it by.
    #[inline]
    pub fn push_slice(&mut self, xs: &[T]) -> usize {
        self.items.extend_from_slice(xs);
        xs.len()
    }

    /// Drops the last `n` items.
    #[inline]
    pub fn discard(&mut self, n: usize) {
        self.items.truncate(self.items.len() - n);
    }

    /// Pops the last `out.len()` items into `out`, which they overwrite.
    #[inline]
    pub fn pop_to_slice(&mut self, out: &mut [T]) {
        let start = self.items.len() - out.len();
        out.copy_from_slice(&self.items[start..]);
        self.items.truncate(start);
    }

    /// Pops the last `n` items into `out`, which they replace.
    #[inline]
    pub fn pop_into(&mut self, n: usize, out: &mut Vec<T>) {
        let start = self.items.len() - n;
        out.clear();
        out.extend_from_slice(&self.items[start..]);
        self.items.truncate(start);
    }
}

/// `vec![x; n]` on a vector from the pool of its element type if it has one (`f64`,
/// `f32`): a buffer of a split function's sweeps, given back by [`recycle`], so that a
/// call in a loop allocates nothing once the pool is warm.
#[inline]
pub fn pooled_filled<S: Clone + 'static>(x: S, n: usize) -> Vec<S> {
    let mut out = pool_take::<S>();
    out.resize(n, x);
    out
}

/// A zero of each element of `x`, on a vector from the pool (see [`pooled_filled`]).
#[inline]
pub fn pooled_zero_like<S: crate::space::Space + 'static>(x: &[S]) -> Vec<S> {
    let mut out = pool_take::<S>();
    out.extend(x.iter().map(crate::space::Space::zero_like));
    out
}

/// Gives a buffer of [`pooled_filled`] back to its pool (drops it if there is none).
#[inline]
pub fn recycle<S: 'static>(v: Vec<S>) {
    let mut slot = Some(v);
    let any = &mut slot as &mut dyn std::any::Any;
    if let Some(v) = any.downcast_mut::<Option<Vec<f64>>>() {
        f64::give_vec(v.take().unwrap_or_default());
    } else if let Some(v) = any.downcast_mut::<Option<Vec<f32>>>() {
        f32::give_vec(v.take().unwrap_or_default());
    }
}

/// An empty vector from the pool of `S`, or a new one.
fn pool_take<S: 'static>() -> Vec<S> {
    fn from<T: Pooled, S: 'static>() -> Option<Vec<S>> {
        if std::any::TypeId::of::<T>() != std::any::TypeId::of::<S>() {
            return None;
        }
        let mut slot = Some(T::take_vec());
        (&mut slot as &mut dyn std::any::Any)
            .downcast_mut::<Option<Vec<S>>>()
            .and_then(Option::take)
    }
    from::<f64, S>().or_else(from::<f32, S>).unwrap_or_default()
}

/// An empty `Vec` of a stack's items, for a replay to read a kept buffer into.
#[inline]
pub fn scratch<T: Pooled>(_: &Stack<T>) -> Vec<T> {
    Vec::new()
}

/// A copy on pooled memory, for a pullback that runs its backward sweep more than once.
impl<T: Pooled + Copy> Clone for Stack<T> {
    fn clone(&self) -> Self {
        let mut items = T::take_vec();
        items.extend_from_slice(&self.items);
        Stack { items }
    }
}

impl<T: Pooled> Default for Stack<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Pooled> Drop for Stack<T> {
    fn drop(&mut self) {
        T::give_vec(std::mem::take(&mut self.items));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_buffers_come_back_filled_and_types_without_a_pool_work() {
        let mut v = pooled_filled(2.5f64, 4);
        assert_eq!(v, [2.5; 4]);
        v[1] = -1.0;
        assert_eq!(pooled_zero_like(&v), [0.0; 4]);
        recycle(v);
        // A vector from the pool starts cleared whatever it held.
        assert_eq!(pooled_filled(1.0f64, 3), [1.0; 3]);
        assert_eq!(pooled_filled(7.0f32, 2), [7.0; 2]);
        let ints = pooled_filled(3u8, 2);
        assert_eq!(ints, [3, 3]);
        recycle(ints);
        recycle(vec![[1.0f64; 2]; 3]);
    }

    #[test]
    fn a_stack_pops_slices_in_push_order() {
        let mut s = Stack::<f64>::new();
        s.push_slice(&[1.0, 2.0, 3.0]);
        s.push(4.0);
        let mut out = [0.0; 2];
        assert_eq!(s.pop(), 4.0);
        s.pop_to_slice(&mut out);
        assert_eq!(out, [2.0, 3.0]);
        assert_eq!(s.pop(), 1.0);
    }
}
