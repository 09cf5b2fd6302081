//! Second order: Hessian-vector products and Hessians, forward-over-reverse.
//!
//! The function is recorded on a tape of [`Dual`] numbers whose tangents carry the direction
//! `v`. The tape's local partials are then duals too, and one backward sweep yields the
//! gradient (real parts) and its directional derivative `H v` (tangent parts). This reuses
//! the first-order tape and rule table unchanged (no second-order rules to write and keep in
//! sync), costs a small constant times one gradient per product, and stays exact to rounding.
//! A tape of tapes (reverse-over-reverse) would need every partial to be recorded as a tape
//! variable, a second arena and twice the node traffic, for the same result.

use super::scalar::{Dual, Scalar};
use super::var::Var;
use super::{Recorder, Tape};
use nalgebra::DMatrix;
use num_traits::Float;

/// The result of [`hvp`].
#[derive(Debug, Clone, PartialEq)]
pub struct Hvp<T> {
    /// `f(x)`.
    pub value: T,
    /// `∇f(x)`.
    pub gradient: Vec<T>,
    /// `∇²f(x) · v`.
    pub hvp: Vec<T>,
}

/// The result of [`hessian`].
#[derive(Debug, Clone, PartialEq)]
pub struct Hessian<T: nalgebra::Scalar> {
    /// `f(x)`.
    pub value: T,
    /// `∇f(x)`.
    pub gradient: Vec<T>,
    /// `∇²f(x)`, `n x n`.
    pub hessian: DMatrix<T>,
}

/// The Hessian-vector product of a scalar function at `x` along `v`, with the value and the
/// gradient, in one recording and one backward sweep.
///
/// `f` receives a recorder and the variables (over [`Dual<T>`]); constants of type `T` mix
/// with them on either side as usual.
///
/// # Panics
/// If `x` and `v` have different lengths (the message names both).
///
/// ```
/// use autodiff_runtime::tape::hvp;
/// // f = x^2 y + y^3: H = [[2y, 2x], [2x, 6y]]
/// let r = hvp(|_, v| v[0] * v[0] * v[1] + v[1].powi(3), &[1.0_f64, 2.0], &[1.0, 0.0]);
/// assert_eq!(r.value, 10.0);
/// assert_eq!(r.gradient, vec![4.0, 13.0]);
/// assert_eq!(r.hvp, vec![4.0, 2.0]);
/// ```
pub fn hvp<T, F>(f: F, x: &[T], v: &[T]) -> Hvp<T>
where
    T: Float,
    F: for<'id> FnOnce(&Recorder<'id, Dual<T>>, &[Var<'id, Dual<T>>]) -> Var<'id, Dual<T>>,
{
    assert_eq!(
        x.len(),
        v.len(),
        "hvp: the point has length {} but the direction has length {}",
        x.len(),
        v.len()
    );
    Tape::<Dual<T>>::scope(|t| {
        let xs: Vec<_> = x
            .iter()
            .zip(v)
            .map(|(&a, &b)| t.var(Dual::new(a, b)))
            .collect();
        let y = f(&t, &xs);
        let value = y.value().re;
        let g = t.gradient(y, &xs);
        Hvp {
            value,
            gradient: g.iter().map(|d| d.re).collect(),
            hvp: g.iter().map(|d| d.eps).collect(),
        }
    })
}

/// The Hessian of a scalar function at `x`, with the value and the gradient: `n`
/// Hessian-vector products along the unit vectors, on one reused tape.
///
/// ```
/// use autodiff_runtime::tape::hessian;
/// // Rosenbrock at (1, 1): H = [[802, -400], [-400, 200]]
/// let h = hessian(
///     |_, v| (1.0 - v[0]).powi(2) + 100.0 * (v[1] - v[0] * v[0]).powi(2),
///     &[1.0_f64, 1.0],
/// );
/// assert_eq!(h.gradient, vec![0.0, 0.0]);
/// assert_eq!(h.hessian, nalgebra::dmatrix![802.0, -400.0; -400.0, 200.0]);
/// ```
pub fn hessian<T, F>(f: F, x: &[T]) -> Hessian<T>
where
    T: Float + nalgebra::Scalar,
    F: for<'id> Fn(&Recorder<'id, Dual<T>>, &[Var<'id, Dual<T>>]) -> Var<'id, Dual<T>>,
{
    let n = x.len();
    let mut tape = Tape::<Dual<T>>::new();
    let mut h = DMatrix::from_element(n, n, <T as Scalar>::zero());
    let mut value = <T as Scalar>::zero();
    let mut gradient = vec![<T as Scalar>::zero(); n];
    for j in 0..n {
        tape.record(|t| {
            let xs: Vec<_> = x
                .iter()
                .enumerate()
                .map(|(i, &a)| {
                    let e = if i == j {
                        <T as Scalar>::one()
                    } else {
                        <T as Scalar>::zero()
                    };
                    t.var(Dual::new(a, e))
                })
                .collect();
            let y = f(&t, &xs);
            value = y.value().re;
            let g = t.gradient(y, &xs);
            for (i, d) in g.iter().enumerate() {
                h[(i, j)] = d.eps;
                gradient[i] = d.re;
            }
        });
    }
    Hessian {
        value,
        gradient,
        hessian: h,
    }
}
