//! The stacks reverse mode keeps loop records on: floats and indices in flat vectors whose
//! memory is taken from, and given back to, a per-thread pool, so that a function that runs
//! a loop allocates nothing for its records once the pool is warm. A stack also lends the
//! buffers of functions split at a call site, and keeps those buffers for their backward
//! sweeps; a short first buffer is held on the function's own frame instead
//! ([`HELD_LEN`]).

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

/// Appends `n` items made by `item(k)` to `v`. A few items are written by fixed-size stores:
/// the `memcpy` and `memset` calls a loop would become write short buffers with masked vector
/// stores, which the scalar reads right after cannot be forwarded from, and the buffers of a
/// small function called in a loop are read right after they are written.
#[inline(always)]
fn append_with<S>(v: &mut Vec<S>, n: usize, mut item: impl FnMut(usize) -> S) {
    macro_rules! fixed {
        ($($n:literal)*) => {
            match n {
                $($n => v.extend(core::array::from_fn::<S, $n, _>(&mut item)),)*
                _ => v.extend((0..n).map(item)),
            }
        };
    }
    fixed!(1 2 3 4 5 6 7 8);
}

/// How long the first local buffer of a function split at a call site may be to be held in
/// place: in an array on the frame of its record and of its backward sweep, rather than on a
/// buffer lent by the call site (see [`Stack::buffer`]). The record copies a held buffer's
/// whole array onto the float stack where it would keep a lent one, if the backward sweep
/// reads it ([`Stack::push_held`]). Held, it is known to alias nothing and its loops are
/// known to be short, so the optimiser keeps them scalar: the loads of a vectorised loop
/// would wait on the scalar stores just before them.
pub const HELD_LEN: usize = 8;

/// The array a held buffer lives in (see [`HELD_LEN`]), every element `x`.
#[inline(always)]
pub fn held_buffer<S: Clone>(x: &S) -> [S; HELD_LEN] {
    core::array::from_fn(|_| x.clone())
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

/// A cleared vector of `S`: from this thread's pool if `S` is a float type that has one,
/// else a new one.
#[inline]
pub fn pooled_vec<S: 'static>() -> Vec<S> {
    fn from<T: Pooled, S: 'static>() -> Vec<S> {
        let mut slot = Some(T::take_vec());
        (&mut slot as &mut dyn std::any::Any)
            .downcast_mut::<Option<Vec<S>>>()
            .and_then(Option::take)
            .unwrap_or_default()
    }
    let ty = std::any::TypeId::of::<S>();
    if ty == std::any::TypeId::of::<f64>() {
        from::<f64, S>()
    } else if ty == std::any::TypeId::of::<f32>() {
        from::<f32, S>()
    } else {
        Vec::new()
    }
}

/// Gives `v` back to this thread's pool (see [`pooled_vec`]); drops it if `S` has none.
#[inline]
pub fn pool_vec<S: 'static>(v: Vec<S>) {
    fn to<T: Pooled>(slot: &mut dyn std::any::Any) {
        if let Some(v) = slot.downcast_mut::<Option<Vec<T>>>().and_then(Option::take) {
            T::give_vec(v);
        }
    }
    let mut slot = Some(v);
    to::<f64>(&mut slot);
    to::<f32>(&mut slot);
}

/// Zeros of the shapes of `x`, on a pooled vector (see [`pooled_vec`]): the adjoints a
/// callee gathers apart, or lends a copy of, for a caller that adds them in and gives the
/// vector back, so that a call in a loop allocates nothing once the pool is warm.
#[inline]
pub fn pooled_zeros_like<S: crate::space::Space + 'static>(x: &[S]) -> Vec<S> {
    let mut v = pooled_vec();
    if v.capacity() < x.len() && std::mem::size_of_val(x) >= crate::space::LONG {
        // None long enough: fresh zeroed pages (see `zero_vec_like`).
        pool_vec(v);
        return crate::space::zero_vec_like(x);
    }
    append_with(&mut v, x.len(), |k| x[k].zero_like());
    v
}

/// A copy of `x` on a pooled vector (see [`pooled_vec`]).
#[inline]
pub fn pooled_copy<S: Clone + 'static>(x: &[S]) -> Vec<S> {
    let mut v = pooled_vec();
    append_with(&mut v, x.len(), |k| x[k].clone());
    v
}

/// Adds `lent`, a pooled copy a callee added into (see [`pooled_zeros_like`]), into `acc`,
/// and gives it back.
#[inline]
pub fn gather_lent<S: crate::space::Space + 'static>(acc: &mut [S], lent: Vec<S>) {
    assert_eq!(
        acc.len(),
        lent.len(),
        "adjoint of length {} accumulated into a range of length {}",
        lent.len(),
        acc.len()
    );
    for (a, b) in acc.iter_mut().zip(&lent) {
        a.accumulate(b.clone());
    }
    pool_vec(lent);
}

/// Zeros on a pooled vector (see [`pooled_vec`]), given back when dropped: the adjoint a
/// callee adds into for an argument whose adjoint its caller discards (a constant buffer
/// passed to a helper in a loop).
pub struct Scratch<S: 'static>(Vec<S>);

impl<S: crate::space::Space + 'static> Scratch<S> {
    /// Zeros of the shapes of `x`.
    #[inline]
    pub fn zeros_like(x: &[S]) -> Self {
        Scratch(pooled_zeros_like(x))
    }
}

impl<S: crate::real::Real> Scratch<S> {
    /// `len` zeros.
    #[inline]
    pub fn zeros(len: usize) -> Self {
        let mut v = pooled_vec();
        append_with(&mut v, len, |_| S::real_from_f64(0.0));
        Scratch(v)
    }
}

impl<S> core::ops::Deref for Scratch<S> {
    type Target = [S];
    #[inline(always)]
    fn deref(&self) -> &[S] {
        &self.0
    }
}

impl<S> core::ops::DerefMut for Scratch<S> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [S] {
        &mut self.0
    }
}

impl<S> Drop for Scratch<S> {
    #[inline]
    fn drop(&mut self) {
        pool_vec(std::mem::take(&mut self.0));
    }
}

/// A LIFO stack of `T` on pooled memory. It also lends the buffers of a function split
/// at a call site (see [`Stack::buffer`]).
pub struct Stack<T: Pooled> {
    items: Vec<T>,
    /// Buffers given back, for the next to be lent.
    spare: Vec<Vec<T>>,
    /// Buffers records kept for their backward sweeps, last kept on top.
    kept: Vec<Kept<T>>,
}

/// A buffer kept for a backward sweep (see [`Stack::keep`]).
#[derive(Clone)]
enum Kept<T> {
    /// The buffer itself.
    Whole(Vec<T>),
    /// Its length; its contents are on the stack.
    Copied(usize),
}

impl<T: Pooled> Stack<T> {
    /// An empty stack.
    #[inline(always)]
    pub fn new() -> Self {
        Stack {
            items: T::take_vec(),
            spare: Vec::new(),
            kept: Vec::new(),
        }
    }

    /// Makes room for `n` more items.
    #[inline(always)]
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
    #[inline(always)]
    pub fn push_slice(&mut self, xs: &[T]) -> usize {
        append_with(&mut self.items, xs.len(), |k| xs[k]);
        xs.len()
    }

    /// The `n` items below the top `skip`, read in place: a slice pushed by
    /// [`Stack::push_slice`] that a call's replay reads, dropped with [`Stack::discard`] after
    /// the call.
    #[inline(always)]
    pub fn peek(&self, skip: usize, n: usize) -> &[T] {
        let end = self.items.len() - skip;
        &self.items[end - n..end]
    }

    /// Drops the last `n` items.
    #[inline(always)]
    pub fn discard(&mut self, n: usize) {
        self.items.truncate(self.items.len() - n);
    }

    /// Pops the last `out.len()` items into `out`, which they overwrite.
    #[inline(always)]
    pub fn pop_to_slice(&mut self, out: &mut [T]) {
        let start = self.items.len() - out.len();
        out.copy_from_slice(&self.items[start..]);
        self.items.truncate(start);
    }

    /// Pushes a held buffer's whole array (see [`HELD_LEN`]), whatever the buffer's length:
    /// a copy of a fixed size, without a call or a branch on the length.
    #[inline(always)]
    pub fn push_held(&mut self, held: &[T; HELD_LEN]) {
        self.items.extend_from_slice(held);
    }

    /// Pops a held buffer's whole array pushed by [`Stack::push_held`] into `held`.
    #[inline(always)]
    pub fn pop_held(&mut self, held: &mut [T; HELD_LEN]) {
        let start = self.items.len() - HELD_LEN;
        match <[T; HELD_LEN]>::try_from(&self.items[start..]) {
            Ok(items) => *held = items,
            Err(_) => unreachable!("the reverse sweep pops only what the forward sweep pushed"),
        }
        self.items.truncate(start);
    }
}

impl<T: Pooled> Stack<T> {
    /// `vec![x; n]`, on a buffer given back before if there is one of this type: the
    /// buffers of a function called in a loop in split mode (but a short first one, see
    /// [`HELD_LEN`]), which its record and its backward sweep take from the stacks of the
    /// call site and give back (see [`Stack::give_back`]), so that the loop allocates
    /// nothing per call.
    #[inline(always)]
    pub fn buffer<S: Clone + 'static>(&mut self, x: S, n: usize) -> Vec<S> {
        let mut out = self.spare_of::<S>();
        append_with(&mut out, n, |_| x.clone());
        out
    }

    /// A zero of each element of `x`, on a buffer given back before (see [`Stack::buffer`]).
    #[inline(always)]
    pub fn zero_buffer_like<S: crate::space::Space + 'static>(&mut self, x: &[S]) -> Vec<S> {
        let mut out = self.spare_of::<S>();
        append_with(&mut out, x.len(), |k| crate::space::Space::zero_like(&x[k]));
        out
    }

    /// Takes a buffer back for the next [`Stack::buffer`] (drops one of another type).
    #[inline(always)]
    pub fn give_back<S: 'static>(&mut self, v: Vec<S>) {
        let mut slot = Some(v);
        if let Some(v) = (&mut slot as &mut dyn std::any::Any).downcast_mut::<Option<Vec<T>>>() {
            let mut v = v.take().unwrap_or_default();
            v.clear();
            self.spare.push(v);
        }
    }

    /// Whether a record's buffers are kept whole (see [`Stack::keep`]): if a spare buffer
    /// is left for the next record to borrow, as when each call's backward sweep runs soon
    /// after it (in a loop that only sums). Asked once per record, before its first `keep`,
    /// so that the buffers it gives back do not count.
    #[inline(always)]
    pub fn keeps_whole(&self) -> bool {
        !self.spare.is_empty()
    }

    /// Keeps a lent buffer for the backward sweep, which takes it back with
    /// [`Stack::take_kept`] (a held one is copied with [`Stack::push_held`] instead, see
    /// [`HELD_LEN`]): whole, without copying it, if `whole` (from
    /// [`Stack::keeps_whole`]); otherwise its contents are copied onto the stack and the
    /// buffer is lent again, so that a long loop of calls whose records all come before
    /// their backward sweeps does not allocate buffers for each call.
    #[inline(always)]
    pub fn keep(&mut self, v: Vec<T>, whole: bool)
    where
        T: Copy,
    {
        if whole {
            self.kept.push(Kept::Whole(v));
        } else {
            self.keep_copy(v);
        }
    }

    /// [`Stack::keep`] when not whole, out of the path a record kept whole takes.
    #[cold]
    #[inline(never)]
    fn keep_copy(&mut self, mut v: Vec<T>)
    where
        T: Copy,
    {
        append_with(&mut self.items, v.len(), |k| v[k]);
        self.kept.push(Kept::Copied(v.len()));
        v.clear();
        self.spare.push(v);
    }

    /// The buffer kept last, as it was kept (see [`Stack::keep`]).
    #[inline(always)]
    pub fn take_kept(&mut self) -> Vec<T>
    where
        T: Copy,
    {
        match self.kept.pop() {
            Some(Kept::Whole(v)) => v,
            Some(Kept::Copied(n)) => self.take_copied(n),
            None => unreachable!("the reverse sweep takes only the buffers the forward sweep kept"),
        }
    }

    /// [`Stack::take_kept`] of a buffer kept as a copy.
    #[cold]
    #[inline(never)]
    fn take_copied(&mut self, n: usize) -> Vec<T>
    where
        T: Copy,
    {
        let mut v = self.spare.pop().unwrap_or_default();
        let start = self.items.len() - n;
        let kept = &self.items[start..];
        append_with(&mut v, n, |k| kept[k]);
        self.items.truncate(start);
        v
    }

    /// An empty buffer of `S`: a spare one if `S` is `T`.
    #[inline(always)]
    fn spare_of<S: 'static>(&mut self) -> Vec<S> {
        if std::any::TypeId::of::<S>() != std::any::TypeId::of::<T>() {
            return Vec::new();
        }
        let mut slot = Some(self.spare.pop().unwrap_or_default());
        (&mut slot as &mut dyn std::any::Any)
            .downcast_mut::<Option<Vec<S>>>()
            .and_then(Option::take)
            .unwrap_or_default()
    }
}

/// A copy on pooled memory, for a pullback that runs its backward sweep more than once.
impl<T: Pooled + Copy> Clone for Stack<T> {
    fn clone(&self) -> Self {
        let mut items = T::take_vec();
        items.extend_from_slice(&self.items);
        Stack {
            items,
            spare: Vec::new(),
            kept: self.kept.clone(),
        }
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
    fn buffers_come_back_filled_and_other_types_work() {
        let mut s = Stack::<f64>::new();
        let mut v = s.buffer(2.5f64, 4);
        assert_eq!(v, [2.5; 4]);
        v[1] = -1.0;
        assert_eq!(s.zero_buffer_like(&v), [0.0; 4]);
        s.give_back(v);
        // A buffer given back starts cleared whatever it held.
        assert_eq!(s.buffer(1.0f64, 3), [1.0; 3]);
        let ints = s.buffer(3u8, 2);
        assert_eq!(ints, [3, 3]);
        s.give_back(ints);
        s.give_back(vec![[1.0f64; 2]; 3]);
        assert_eq!(s.buffer(0.5f64, 1), [0.5]);
        assert_eq!(Stack::<f32>::new().buffer(7.0f32, 2), [7.0; 2]);
    }

    #[test]
    fn scratch_comes_back_from_the_pool_zeroed() {
        for n in [0, 3, 11] {
            let mut first = Scratch::<f64>::zeros(n);
            assert_eq!(*first, vec![0.0; n][..]);
            first.iter_mut().for_each(|x| *x = 7.0);
            drop(first);
            // Its memory went back to this thread's pool, cleared.
            let pooled = f64::take_vec();
            assert!(pooled.is_empty() && pooled.capacity() >= n);
            f64::give_vec(pooled);
            // Lent again, it holds zeros again.
            assert_eq!(*Scratch::<f64>::zeros(n), vec![0.0; n][..]);
        }
    }

    #[test]
    fn lent_copies_of_any_element_type_add_in() {
        let mut acc = [[1.0f64, 2.0]; 3];
        let mut lent = pooled_zeros_like(&acc);
        assert_eq!(lent, [[0.0; 2]; 3]);
        lent[1] = [0.5, -1.0];
        gather_lent(&mut acc, lent);
        assert_eq!(acc, [[1.0, 2.0], [1.5, 1.0], [1.0, 2.0]]);
        let mut acc = vec![1.0f32; 4];
        let mut lent = pooled_zeros_like(&acc);
        lent[3] = 2.0;
        gather_lent(&mut acc, lent);
        assert_eq!(acc, [1.0, 1.0, 1.0, 3.0]);
        // The f32 copy went back to the pool.
        assert!(f32::take_vec().capacity() >= 4);
    }

    #[test]
    fn buffers_of_every_length_copy_and_fill_alike() {
        // Lengths written by fixed-size stores and longer ones.
        for n in 0..12 {
            let xs: Vec<f64> = (0..n).map(|k| k as f64 + 0.5).collect();
            let mut s = Stack::<f64>::new();
            s.push(-1.0);
            assert_eq!(s.push_slice(&xs), n);
            assert_eq!(s.peek(0, n), xs);
            assert_eq!(s.buffer(2.0f64, n), vec![2.0; n]);
            assert_eq!(s.zero_buffer_like(&xs), vec![0.0; n]);
            s.keep(xs.clone(), false);
            assert_eq!(s.take_kept(), xs);
            s.discard(n);
            assert_eq!(s.pop(), -1.0);
        }
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

    #[test]
    fn held_arrays_come_back_whole_between_other_items() {
        let mut s = Stack::<f64>::new();
        s.push(-1.0);
        let held: [f64; HELD_LEN] = core::array::from_fn(|k| k as f64 + 0.5);
        s.push_held(&held);
        s.push(7.0);
        let mut back = held_buffer(&0.0);
        assert_eq!(s.pop(), 7.0);
        s.pop_held(&mut back);
        assert_eq!(back, held);
        assert_eq!(s.pop(), -1.0);
    }

    #[test]
    fn pushed_slices_are_read_in_place_below_the_top() {
        let mut s = Stack::<f64>::new();
        s.push(0.5);
        let a = s.push_slice(&[1.0, 2.0]);
        let b = s.push_slice(&[3.0, 4.0, 5.0]);
        assert_eq!(s.peek(b, a), [1.0, 2.0]);
        assert_eq!(s.peek(0, b), [3.0, 4.0, 5.0]);
        s.discard(a + b);
        assert_eq!(s.pop(), 0.5);
    }

    #[test]
    fn kept_buffers_come_back_last_first_and_copies_have_their_own() {
        let mut s = Stack::<f64>::new();
        s.keep(vec![1.0, 2.0], false);
        s.push(9.0);
        s.keep(vec![3.0], true);
        let mut copy = s.clone();
        assert_eq!(s.take_kept(), [3.0]);
        assert_eq!(s.pop(), 9.0);
        assert_eq!(s.take_kept(), [1.0, 2.0]);
        assert_eq!(copy.take_kept(), [3.0]);
        assert_eq!(copy.pop(), 9.0);
        assert_eq!(copy.take_kept(), [1.0, 2.0]);
    }

    #[test]
    fn kept_buffers_whole_or_copied_come_back_as_kept() {
        let mut s = Stack::<f64>::new();
        let kept = |k: usize| -> Vec<f64> { (0..k % 5).map(|j| (k * 10 + j) as f64).collect() };
        for k in 0..40 {
            // Sometimes no spare buffer is left: the next record's buffers are copied.
            match k % 4 {
                0 => s.spare.clear(),
                2 => s.give_back(Vec::<f64>::with_capacity(4)),
                _ => {}
            }
            let whole = s.keeps_whole();
            for j in 0..3 {
                s.keep(kept(3 * k + j), whole);
            }
            s.push(k as f64);
        }
        assert!(s.kept.iter().any(|b| matches!(b, Kept::Whole(_))));
        assert!(s.kept.iter().any(|b| matches!(b, Kept::Copied(_))));
        let copy = s.clone();
        for mut s in [s, copy] {
            for k in (0..40).rev() {
                assert_eq!(s.pop(), k as f64);
                for j in (0..3).rev() {
                    assert_eq!(s.take_kept(), kept(3 * k + j));
                }
            }
        }
    }

    #[test]
    fn records_without_a_spare_buffer_give_theirs_back() {
        // A loop of records, none taken back before the next: after the first, each finds
        // the buffers the last one gave back, and nothing is kept whole.
        let mut s = Stack::<f64>::new();
        for k in 0..10 {
            let (a, b) = (s.buffer(k as f64, 2), s.buffer(0.5, 3));
            let whole = s.keeps_whole();
            s.keep(a, whole);
            s.keep(b, whole);
            assert_eq!(s.spare.len(), 2);
        }
        assert!(s.kept.iter().all(|b| matches!(b, Kept::Copied(_))));
    }
}
