//! Shape-generic operations on tangents and adjoints: zeros of a value's shape and
//! accumulation, for scalars, arrays and vectors alike, chosen by the type checker.

/// A value that has tangents and adjoints of its own shape.
pub trait Space: Clone {
    /// Zero of the same shape as `self`.
    fn zero_like(&self) -> Self;
    /// `self += other`, element-wise.
    fn accumulate(&mut self, other: Self);
    /// The zero an adjoint slot is cleared to: for floats `-0.0`, the exact additive
    /// identity, so that the optimiser may fold a slot cleared and then added to into the
    /// addend (`0.0 + x` is not `x` for `x = -0.0`, so that would be kept).
    #[inline(always)]
    fn cleared(&self) -> Self {
        self.zero_like()
    }
}

macro_rules! scalar_space {
    ($($t:ty),*) => {$(
        impl Space for $t {
            #[inline(always)]
            fn zero_like(&self) -> Self {
                0.0
            }
            #[inline(always)]
            fn accumulate(&mut self, other: Self) {
                *self += other;
            }
            #[inline(always)]
            fn cleared(&self) -> Self {
                -0.0
            }
        }
    )*};
}

scalar_space!(f32, f64);

impl<S: Space, const N: usize> Space for [S; N] {
    #[inline]
    fn zero_like(&self) -> Self {
        core::array::from_fn(|i| self[i].zero_like())
    }
    #[inline]
    fn accumulate(&mut self, other: Self) {
        for (a, b) in self.iter_mut().zip(other) {
            a.accumulate(b);
        }
    }
}

macro_rules! tuple_space {
    ($($k:tt $t:ident),*) => {
        impl<$($t: Space),*> Space for ($($t,)*) {
            #[inline]
            fn zero_like(&self) -> Self {
                ($(self.$k.zero_like(),)*)
            }
            #[inline]
            fn accumulate(&mut self, other: Self) {
                $(self.$k.accumulate(other.$k);)*
            }
        }
    };
}

tuple_space!(0 A, 1 B);
tuple_space!(0 A, 1 B, 2 C);
tuple_space!(0 A, 1 B, 2 C, 3 D);

impl<S: Space> Space for Vec<S> {
    #[inline]
    fn zero_like(&self) -> Self {
        zero_vec_like(self)
    }
    #[inline]
    fn accumulate(&mut self, other: Self) {
        assert_eq!(
            self.len(),
            other.len(),
            "adjoint of length {} accumulated into one of length {}",
            other.len(),
            self.len()
        );
        for (a, b) in self.iter_mut().zip(other) {
            a.accumulate(b);
        }
    }
}

/// The zero an adjoint slot of `x`'s shape is cleared to (see [`Space::cleared`]).
#[inline(always)]
pub fn cleared<S: Space>(x: &S) -> S {
    x.cleared()
}

/// `x` added to a zero of its shape: an adjoint that is a cleared slot's `-0.0` comes out
/// as `0.0`, as a gradient nothing reached should.
#[inline(always)]
pub fn settled<S: Space>(x: S) -> S {
    let mut out = x.zero_like();
    out.accumulate(x);
    out
}

/// Zero of `x`'s shape.
#[inline(always)]
pub fn zero_like<S: Space>(x: &S) -> S {
    x.zero_like()
}

/// The owned gradient of a slice parameter: a `Vec` of zeros of its length.
///
/// A short one comes from `malloc` and is then zeroed, never from `calloc`: the optimiser
/// would merge an allocation and its zeroing into `calloc`, which glibc serves without its
/// per-thread cache, so that a backward sweep allocating small adjoints per call would pay
/// the allocator's slow path every time (and overflow the cache with what it frees). A long
/// one (from [`LONG`] bytes) comes from `calloc`, whose fresh pages are zero already.
#[inline]
pub fn zero_vec_like<S: Space>(x: &[S]) -> Vec<S> {
    match x.first() {
        Some(first) if std::mem::size_of_val(x) >= LONG => vec![first.zero_like(); x.len()],
        _ => {
            let mut out = Vec::with_capacity(x.len());
            // The optimiser cannot see that nothing wrote the fresh memory.
            core::hint::black_box(out.as_mut_ptr());
            out.extend(x.iter().map(Space::zero_like));
            out
        }
    }
}

/// The size from which a zeroed vector comes from `calloc` (see [`zero_vec_like`]).
pub const LONG: usize = 1 << 14;

/// `vec![x; n]`, on memory from `malloc` when short, for the same reason as
/// [`zero_vec_like`]: a local buffer of the backward sweep is allocated once per call.
#[inline]
pub fn filled<S: Clone>(x: S, n: usize) -> Vec<S> {
    if n.saturating_mul(std::mem::size_of::<S>()) >= LONG {
        return vec![x; n];
    }
    let mut out = Vec::with_capacity(n);
    core::hint::black_box(out.as_mut_ptr());
    out.resize(n, x);
    out
}

/// A share of an adjoint of type `S`: an adjoint itself, or a sparse part of one (one
/// element of a `Vec`'s adjoint, [`OneHot`]).
pub trait AdjointPart<S> {
    /// The adjoint this share makes alone.
    fn into_adjoint(self) -> S;
    /// `acc += self`.
    fn add_into(self, acc: &mut S);
}

impl<S: Space> AdjointPart<S> for S {
    #[inline(always)]
    fn into_adjoint(self) -> S {
        self
    }
    #[inline(always)]
    fn add_into(self, acc: &mut S) {
        acc.accumulate(self)
    }
}

/// The adjoint of one element of a `Vec` of `len` elements: `value` at `index`, zero
/// elsewhere. Added into a `Vec`'s adjoint it touches that element alone.
#[derive(Clone, Copy, Debug)]
pub struct OneHot<T> {
    /// The element.
    pub index: usize,
    /// The `Vec`'s length.
    pub len: usize,
    /// The element's adjoint.
    pub value: T,
}

impl<T: Space + crate::real::Real> AdjointPart<Vec<T>> for OneHot<T> {
    #[inline]
    fn into_adjoint(self) -> Vec<T> {
        let mut a = filled(T::real_from_f64(0.0), self.len);
        a[self.index] = self.value;
        a
    }
    #[inline(always)]
    fn add_into(self, acc: &mut Vec<T>) {
        acc[self.index].accumulate(self.value);
    }
}

/// `acc += x`.
#[inline(always)]
pub fn accumulate<S, G: AdjointPart<S>>(acc: &mut S, x: G) {
    x.add_into(acc);
}

/// The adjoint a first share makes alone.
#[inline(always)]
pub fn adjoint_from<S, G: AdjointPart<S>>(x: G) -> S {
    x.into_adjoint()
}

/// Zero, its type inferred from use.
#[inline(always)]
pub fn zero<R: crate::real::Real>() -> R {
    R::real_from_f64(0.0)
}

/// An adjoint a loop run backwards adds up over its iterations, in two lanes that take
/// turns: each addition waits on the one two iterations back instead of the last, which halves
/// the chain of dependent additions a reduction's adjoint otherwise is (the adjoint of `v` in
/// `s += a[i] * v`). The order of the additions is not the forward sweep's, as in any reverse
/// sweep.
#[derive(Clone, Copy)]
pub struct Lanes<R> {
    next: R,
    other: R,
}

impl<R: crate::real::Real> Lanes<R> {
    /// No adjoint yet; the type is inferred from the first [`Lanes::add`].
    #[inline(always)]
    pub fn new() -> Self {
        Lanes {
            next: zero(),
            other: zero(),
        }
    }

    /// Adds `x` to the lane whose turn it is, and passes the turn.
    #[inline(always)]
    pub fn add(&mut self, x: R) {
        let sum = self.next + x;
        self.next = self.other;
        self.other = sum;
    }

    /// The sum of both lanes.
    #[inline(always)]
    pub fn total(self) -> R {
        self.next + self.other
    }
}

impl<R: crate::real::Real> Default for Lanes<R> {
    fn default() -> Self {
        Self::new()
    }
}

/// One, its type inferred from use.
#[inline(always)]
pub fn one<R: crate::real::Real>() -> R {
    R::real_from_f64(1.0)
}

/// One of `x`'s type: the seed of a derivative in one float.
#[inline(always)]
pub fn one_like<R: crate::real::Real>(_x: &R) -> R {
    R::real_from_f64(1.0)
}

/// Applies a comparison closure, so that its parameter types come from the values.
#[inline(always)]
pub fn compare<T, F: Fn(&T, &T) -> core::cmp::Ordering>(a: &T, b: &T, f: F) -> core::cmp::Ordering {
    f(a, b)
}

/// nalgebra vectors and matrices with owned storage, element-wise.
impl<T, R, C> Space for nalgebra::OMatrix<T, R, C>
where
    T: crate::real::Real + nalgebra::Scalar,
    R: nalgebra::Dim,
    C: nalgebra::Dim,
    nalgebra::DefaultAllocator: nalgebra::allocator::Allocator<R, C>,
{
    #[inline]
    fn zero_like(&self) -> Self {
        self.map(|x| x.zero_like())
    }
    #[inline]
    fn accumulate(&mut self, other: Self) {
        assert_eq!(
            self.shape(),
            other.shape(),
            "adjoint of shape {:?} accumulated into one of shape {:?}",
            other.shape(),
            self.shape()
        );
        for (a, b) in self.iter_mut().zip(other.iter()) {
            *a += *b;
        }
    }
}

/// `acc += s * unit`, element-wise: the adjoint of a container gathered apart for a unit
/// seed, scaled by the real one and added into the container's. The seed may be of a wider
/// or narrower float type than the elements (a sum in `f64` of `f32` elements cast).
#[inline]
pub fn add_scaled<R: crate::real::Real, Q: crate::real::Real>(acc: &mut [R], unit: &[R], s: Q) {
    let s = R::real_from_f64(s.real_to_f64());
    for (a, u) in acc.iter_mut().zip(unit) {
        *a += *u * s;
    }
}

/// `acc *= s`, element-wise: the adjoint of a container gathered for a unit seed, scaled by
/// the real one (converted to the elements' type, as for [`add_scaled`]).
#[inline]
pub fn scale_adjoint<C: ?Sized, R: crate::real::Real, Q: crate::real::Real>(acc: &mut C, s: Q)
where
    for<'a> &'a mut C: IntoIterator<Item = &'a mut R>,
{
    let s = R::real_from_f64(s.real_to_f64());
    for a in acc {
        *a *= s;
    }
}

/// An index (`i` or `(i, j)`), through [`core::hint::black_box`]: the optimiser cannot see
/// that two indices are neighbours, so it does not merge their adjoint updates into one
/// vector read-modify-write, which in a loop would overlap the next iteration's and stall on
/// store forwarding.
#[inline(always)]
pub fn opaque_index<I>(i: I) -> I {
    core::hint::black_box(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cleared_float_slot_adds_exactly() {
        for x in [-0.0f64, 0.0, 1.5, -2.0] {
            let sum = cleared(&x) + x;
            assert_eq!(sum.to_bits(), x.to_bits());
        }
        assert_eq!(settled(cleared(&1.0f64)).to_bits(), 0.0f64.to_bits());
        assert_eq!(cleared(&[1.0f32, 2.0]), [0.0, 0.0]);
        assert_eq!(cleared(&vec![3.0f64]), vec![0.0]);
    }

    #[test]
    fn lanes_add_up_every_share() {
        for n in 0..6 {
            let mut lanes = Lanes::new();
            for i in 0..n {
                lanes.add(f64::from(1 << i));
            }
            assert_eq!(lanes.total(), f64::from((1 << n) - 1), "{n} shares");
        }
    }

    #[test]
    fn short_and_long_vectors_are_filled_alike() {
        for n in [0, 3, LONG / 8 - 1, LONG / 8, 3 * LONG] {
            let x = vec![1.5f64; n];
            assert_eq!(zero_vec_like(&x), vec![0.0; n]);
            assert_eq!(filled(-2.0f64, n), vec![-2.0; n]);
            assert_eq!(zero_vec_like(&vec![[1.0f32; 3]; n]), vec![[0.0; 3]; n]);
        }
    }
}
