//! Shared helpers for the static-path tests: a seeded random source, central finite
//! differences in f64 and f32, and tolerance checks that report the failing point.

#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Points per property test.
pub const POINTS: usize = 150;

/// A deterministic random source.
pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// A uniform sample from `[lo, hi)`.
pub fn uniform(rng: &mut StdRng, lo: f64, hi: f64) -> f64 {
    rng.gen_range(lo..hi)
}

/// `N` uniform samples from `[lo, hi)`.
pub fn point<const N: usize>(rng: &mut StdRng, lo: f64, hi: f64) -> [f64; N] {
    std::array::from_fn(|_| uniform(rng, lo, hi))
}

/// `N` uniform samples, each from its own range.
pub fn point_in<const N: usize>(rng: &mut StdRng, ranges: [(f64, f64); N]) -> [f64; N] {
    std::array::from_fn(|i| uniform(rng, ranges[i].0, ranges[i].1))
}

/// Central finite differences of an f64 function of `N` variables.
pub fn fd<const N: usize>(f: impl Fn([f64; N]) -> f64, x: [f64; N]) -> [f64; N] {
    std::array::from_fn(|i| {
        let h = 1e-6 * x[i].abs().max(1.0);
        let (mut up, mut down) = (x, x);
        up[i] += h;
        down[i] -= h;
        // The step actually taken, after rounding.
        let step = up[i] - down[i];
        (f(up) - f(down)) / step
    })
}

/// Central finite differences of a function of a slice, one coordinate at a time.
pub fn fd_slice(f: impl Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    let mut x = x.to_vec();
    (0..x.len())
        .map(|i| {
            let h = 1e-6 * x[i].abs().max(1.0);
            let x0 = x[i];
            x[i] = x0 + h;
            let up = f(&x);
            x[i] = x0 - h;
            let down = f(&x);
            x[i] = x0;
            (up - down) / (2.0 * h)
        })
        .collect()
}

/// `n` seeded uniform samples in `[lo, hi)`.
pub fn random_vec(seed: u64, n: usize, lo: f64, hi: f64) -> Vec<f64> {
    let mut r = rng(seed);
    (0..n).map(|_| uniform(&mut r, lo, hi)).collect()
}

/// Central finite difference of a scalar f64 function.
pub fn fd1(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    fd(|[x]| f(x), [x])[0]
}

/// Central finite differences of an f32 function of `N` variables, with a step suited to
/// single precision; returned in f64.
pub fn fd32<const N: usize>(f: impl Fn([f32; N]) -> f32, x: [f32; N]) -> [f64; N] {
    std::array::from_fn(|i| {
        let h = 1e-2 * x[i].abs().max(1.0);
        let (mut up, mut down) = (x, x);
        up[i] += h;
        down[i] -= h;
        let step = f64::from(up[i]) - f64::from(down[i]);
        (f64::from(f(up)) - f64::from(f(down))) / step
    })
}

/// Central finite difference of a scalar f32 function.
pub fn fd32_1(f: impl Fn(f32) -> f32, x: f32) -> f64 {
    fd32(|[x]| f(x), [x])[0]
}

/// Whether `got` is within `atol + rtol * |want|` of `want`.
pub fn close(got: f64, want: f64, rtol: f64, atol: f64) -> bool {
    (got - want).abs() <= atol + rtol * want.abs()
}

/// Asserts `got` is within `atol + rtol * |want|` of `want`; `what` names the check.
#[track_caller]
pub fn assert_close(what: &str, got: f64, want: f64, rtol: f64, atol: f64) {
    assert!(
        got.is_finite() && close(got, want, rtol, atol),
        "{what}: got {got:e}, want {want:e} (diff {:e}, rtol {rtol:e}, atol {atol:e})",
        (got - want).abs()
    );
}

/// Element-wise [`assert_close`].
#[track_caller]
pub fn assert_all_close(what: &str, got: &[f64], want: &[f64], rtol: f64, atol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: lengths differ");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            g.is_finite() && close(*g, *w, rtol, atol),
            "{what}[{i}]: got {g:e}, want {w:e} (diff {:e}); got {got:?}, want {want:?}",
            (g - w).abs()
        );
    }
}

/// The dot product, for comparing a directional derivative with a gradient.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Widens f32 values for comparison.
pub fn wide<const N: usize>(x: [f32; N]) -> [f64; N] {
    x.map(f64::from)
}

/// Narrows f64 values to f32 inputs.
pub fn narrow<const N: usize>(x: [f64; N]) -> [f32; N] {
    x.map(|v| v as f32)
}

/// Tolerances for one precision.
#[derive(Clone, Copy, Debug)]
pub struct Tol {
    /// Against a closed form (and forward against reverse).
    pub exact_rtol: f64,
    /// Absolute part of the closed-form check.
    pub exact_atol: f64,
    /// Against finite differences.
    pub fd_rtol: f64,
    /// Absolute part of the finite-difference check.
    pub fd_atol: f64,
}

/// Tolerances for f64.
pub const F64: Tol = Tol {
    exact_rtol: 1e-10,
    exact_atol: 1e-12,
    fd_rtol: 1e-6,
    fd_atol: 1e-7,
};

/// Tolerances for f32 (closed forms are evaluated in f64 at the same input).
pub const F32: Tol = Tol {
    exact_rtol: 1e-4,
    exact_atol: 1e-5,
    fd_rtol: 2e-2,
    fd_atol: 5e-3,
};

/// Scales the absolute parts of a tolerance, for functions whose values are large.
pub fn scaled(tol: Tol, scale: f64) -> Tol {
    Tol {
        exact_atol: tol.exact_atol * scale,
        fd_atol: tol.fd_atol * scale,
        ..tol
    }
}

/// Checks a gradient against a closed form and against finite differences.
#[track_caller]
pub fn check_gradient(what: &str, got: &[f64], closed: &[f64], fd: &[f64], tol: Tol) {
    assert_all_close(
        &format!("{what} vs closed form"),
        got,
        closed,
        tol.exact_rtol,
        tol.exact_atol,
    );
    assert_all_close(
        &format!("{what} vs finite differences"),
        got,
        fd,
        tol.fd_rtol,
        tol.fd_atol,
    );
}

/// Checks a directional derivative against a gradient: `t == g . v`.
#[track_caller]
pub fn check_directional(what: &str, t: f64, g: &[f64], v: &[f64], tol: Tol) {
    let want = dot(g, v);
    let scale: f64 = g.iter().zip(v).map(|(a, b)| (a * b).abs()).sum();
    assert!(
        (t - want).abs() <= tol.exact_atol + tol.exact_rtol * scale.max(want.abs()),
        "{what}: forward {t:e} vs reverse g.v {want:e} (g {g:?}, v {v:?})"
    );
}

#[test]
fn finite_differences_work() {
    let d = fd1(|x| x * x * x, 2.0);
    assert!((d - 12.0).abs() < 1e-6, "{d}");
    let g = fd(|[x, y]| x * y.sin(), [1.5, 0.5]);
    assert!((g[0] - 0.5f64.sin()).abs() < 1e-7 && (g[1] - 1.5 * 0.5f64.cos()).abs() < 1e-7);
    let d32 = fd32_1(|x| x * x * x, 2.0);
    assert!((d32 - 12.0).abs() < 1e-2, "{d32}");
    assert!(!close(1.0, 1.1, 1e-3, 1e-3));
}

/// A floating-point precision under test.
pub trait Prec: Copy + std::fmt::Debug + PartialOrd + 'static {
    /// Tolerances for this precision.
    const TOL: Tol;
    /// Its name, for messages.
    const NAME: &'static str;
    /// Widens to f64.
    fn wide(self) -> f64;
    /// Narrows from f64.
    fn narrow(x: f64) -> Self;
    /// Central finite differences at this precision.
    fn fd<const N: usize>(f: impl Fn([Self; N]) -> Self, x: [Self; N]) -> [f64; N];
}

impl Prec for f64 {
    const TOL: Tol = F64;
    const NAME: &'static str = "f64";
    fn wide(self) -> f64 {
        self
    }
    fn narrow(x: f64) -> Self {
        x
    }
    fn fd<const N: usize>(f: impl Fn([Self; N]) -> Self, x: [Self; N]) -> [f64; N] {
        fd(f, x)
    }
}

impl Prec for f32 {
    const TOL: Tol = F32;
    const NAME: &'static str = "f32";
    fn wide(self) -> f64 {
        f64::from(self)
    }
    fn narrow(x: f64) -> Self {
        x as f32
    }
    fn fd<const N: usize>(f: impl Fn([Self; N]) -> Self, x: [Self; N]) -> [f64; N] {
        fd32(f, x)
    }
}

/// A gradient as returned by `_grad`: one value, or a tuple in parameter order.
pub trait IntoArray<S, const N: usize> {
    /// The gradient as an array.
    fn into_array(self) -> [S; N];
}

impl<S: Prec> IntoArray<S, 1> for S {
    fn into_array(self) -> [S; 1] {
        [self]
    }
}

impl<S: Prec> IntoArray<S, 2> for (S, S) {
    fn into_array(self) -> [S; 2] {
        [self.0, self.1]
    }
}

impl<S: Prec> IntoArray<S, 3> for (S, S, S) {
    fn into_array(self) -> [S; 3] {
        [self.0, self.1, self.2]
    }
}

impl<S: Prec, const N: usize> IntoArray<S, N> for [S; N] {
    fn into_array(self) -> [S; N] {
        self
    }
}

/// The generated functions of one differentiable function of `N` floats, seen as functions
/// of an array.
pub struct Case<'a, S, const N: usize> {
    /// For messages.
    pub name: &'a str,
    /// The original function.
    pub f: &'a dyn Fn([S; N]) -> S,
    /// `_grad`.
    pub grad: &'a dyn Fn([S; N]) -> (S, [S; N]),
    /// `_jvp` with one tangent per variable.
    pub jvp: &'a dyn Fn([S; N], [S; N]) -> (S, S),
    /// `_vjp`.
    pub vjp: &'a dyn Fn([S; N], S) -> (S, [S; N]),
}

/// Builds a [`Case`] from a function and its generated derivatives:
/// `case!("name", f, f_grad, f_jvp, f_vjp, [x, y], [dx, dy])`.
#[macro_export]
macro_rules! case {
    ($name:expr, $f:expr, $g:expr, $j:expr, $v:expr, [$($x:ident),+], [$($dx:ident),+]) => {
        $crate::static_path::oracle::Case {
            name: $name,
            f: &|[$($x),+]| ($f)($($x),+),
            grad: &|[$($x),+]| {
                let (v, g) = ($g)($($x),+);
                (v, $crate::static_path::oracle::IntoArray::into_array(g))
            },
            jvp: &|[$($x),+], [$($dx),+]| ($j)($($x,)+ $($dx),+),
            vjp: &|[$($x),+], seed| {
                let (v, g) = ($v)($($x,)+ seed);
                (v, $crate::static_path::oracle::IntoArray::into_array(g))
            },
        }
    };
}

/// Runs the property test of one case on `POINTS` random points: the value matches the
/// original function; the gradient matches `closed` (evaluated in f64 at the same point)
/// and finite differences; forward mode along a random direction matches `g . v` and along
/// each axis matches the gradient; `vjp` with seed 2.5 is 2.5 times the gradient.
#[track_caller]
pub fn run<S: Prec, const N: usize>(
    case: &Case<S, N>,
    seed: u64,
    mut sample: impl FnMut(&mut StdRng) -> [f64; N],
    closed: impl Fn([f64; N]) -> [f64; N],
    tol: Tol,
) {
    let mut r = rng(seed);
    for _ in 0..POINTS {
        let p64 = sample(&mut r);
        let p: [S; N] = p64.map(S::narrow);
        let pw = p.map(S::wide);
        let what = format!("{} ({}) at {:?}", case.name, S::NAME, pw);
        let (v, g) = (case.grad)(p);
        let want_v = (case.f)(p).wide();
        assert_close(&format!("{what}: value"), v.wide(), want_v, 1e-6, 1e-12);
        let g = g.map(S::wide);
        check_gradient(&what, &g, &closed(pw), &S::fd(case.f, p), tol);
        let dir: [f64; N] = point(&mut r, -1.0, 1.0);
        let (vf, t) = (case.jvp)(p, dir.map(S::narrow));
        assert_close(
            &format!("{what}: jvp value"),
            vf.wide(),
            want_v,
            1e-6,
            1e-12,
        );
        let dir_w = dir.map(S::narrow).map(S::wide);
        check_directional(
            &format!("{what}: jvp along {dir_w:?}"),
            t.wide(),
            &g,
            &dir_w,
            tol,
        );
        for (i, gi) in g.iter().enumerate() {
            let e: [f64; N] = std::array::from_fn(|j| if i == j { 1.0 } else { 0.0 });
            let (_, t) = (case.jvp)(p, e.map(S::narrow));
            assert_close(
                &format!("{what}: jvp axis {i}"),
                t.wide(),
                *gi,
                tol.exact_rtol,
                tol.exact_atol,
            );
        }
        let (vv, gs) = (case.vjp)(p, S::narrow(2.5));
        assert_close(
            &format!("{what}: vjp value"),
            vv.wide(),
            want_v,
            1e-6,
            1e-12,
        );
        let want_s = g.map(|x| 2.5 * x);
        assert_all_close(
            &format!("{what}: vjp seed 2.5"),
            &gs.map(S::wide),
            &want_s,
            tol.exact_rtol,
            tol.exact_atol,
        );
    }
}
