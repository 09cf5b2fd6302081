//! Finite differences, random points and tolerances shared by the tape tests.

use autodiff::tape::{Tape, Var};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Number of random points per check.
pub const POINTS: usize = 200;

pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

pub fn uniform(r: &mut StdRng, lo: f64, hi: f64) -> f64 {
    r.gen_range(lo..hi)
}

/// Central finite difference of `f` at `x` along coordinate `i`.
pub fn fd(f: &dyn Fn(&[f64]) -> f64, x: &[f64], i: usize) -> f64 {
    let h = 1e-6 * x[i].abs().max(1.0);
    let mut xp = x.to_vec();
    let mut xm = x.to_vec();
    xp[i] += h;
    xm[i] -= h;
    (f(&xp) - f(&xm)) / (2.0 * h)
}

/// Relative closeness with an absolute floor of one.
pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

/// A function of `n` variables recorded on an `f64` tape.
pub type TapeFn = for<'id> fn(&[Var<'id, f64>]) -> Var<'id, f64>;
/// The same on an `f32` tape.
pub type TapeFn32 = for<'id> fn(&[Var<'id, f32>]) -> Var<'id, f32>;

pub fn value(f: TapeFn, x: &[f64]) -> f64 {
    Tape::<f64>::scope(|t| {
        let v = t.var_vec(x);
        f(&v).value()
    })
}

pub fn gradient(f: TapeFn, x: &[f64]) -> Vec<f64> {
    Tape::<f64>::scope(|t| {
        let v = t.var_vec(x);
        let y = f(&v);
        t.gradient(y, &v)
    })
}

pub fn gradient32(f: TapeFn32, x: &[f32]) -> Vec<f32> {
    Tape::<f32>::scope(|t| {
        let v = t.var_vec(x);
        let y = f(&v);
        t.gradient(y, &v)
    })
}

/// Compares the tape gradient of `f` with central differences of its tape value at `POINTS`
/// random points drawn from `domain` (one interval per variable). Returns the first
/// disagreement.
pub fn check_fd(f: TapeFn, domain: &[(f64, f64)], seed: u64, tol: f64) -> Result<(), String> {
    let mut r = rng(seed);
    for _ in 0..POINTS {
        let x: Vec<f64> = domain
            .iter()
            .map(|&(lo, hi)| uniform(&mut r, lo, hi))
            .collect();
        let g = gradient(f, &x);
        assert_eq!(g.len(), x.len());
        for (i, gi) in g.iter().enumerate() {
            let d = fd(&|p| value(f, p), &x, i);
            if !close(*gi, d, tol) {
                return Err(format!("at {x:?}: d/dx{i} tape {gi} vs fd {d}"));
            }
        }
    }
    Ok(())
}

/// Compares the `f32` tape gradient with the `f64` one (itself checked against finite
/// differences) at random points.
pub fn check_f32(
    f: TapeFn,
    f32f: TapeFn32,
    domain: &[(f64, f64)],
    seed: u64,
) -> Result<(), String> {
    let mut r = rng(seed);
    for _ in 0..POINTS {
        let x32: Vec<f32> = domain
            .iter()
            .map(|&(lo, hi)| uniform(&mut r, lo, hi) as f32)
            .collect();
        let x: Vec<f64> = x32.iter().map(|&v| f64::from(v)).collect();
        let g = gradient(f, &x);
        let g32 = gradient32(f32f, &x32);
        for i in 0..x.len() {
            if !close(g[i], f64::from(g32[i]), 1e-3) {
                return Err(format!("at {x:?}: d/dx{i} f64 {} vs f32 {}", g[i], g32[i]));
            }
        }
    }
    Ok(())
}
