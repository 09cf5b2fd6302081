//! Tuples of floats returned by `#[differentiable]` helpers, destructured or read by field in
//! the caller, in both modes, against central differences.

use super::oracle::{fd, fd_slice, random_vec};
use autodiff::differentiable;
use num_traits::Float;

#[differentiable]
fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|&a| (a - m) * (a - m)).sum::<f64>() / n;
    (m, v)
}

/// Skewness-like sum of standardized cubes.
#[differentiable]
fn standardized_cubes(x: &[f64]) -> f64 {
    let (m, v) = mean_var(x);
    let mut s = 0.0;
    for &a in x {
        s += ((a - m) / v.sqrt()).powi(3);
    }
    s
}

#[differentiable]
fn polar<T: Float>(x: T, y: T) -> (T, T) {
    (x.hypot(y), y.atan2(x))
}

/// Destructured with `_`, twice, and in a loop; read by field; a constant tuple's field.
#[differentiable]
fn uses_polar<T: Float>(x: T, y: T) -> T {
    let (r, _) = polar(x, y);
    let (_, th) = polar(x * x, y);
    let mut acc = T::zero();
    for i in 0..3 {
        let (a, b) = polar(x + T::from(i).unwrap(), y);
        acc = acc + a * b;
    }
    let p = polar(y, x);
    let q = (T::from(2.0).unwrap(), T::one());
    r * th + acc + p.0 * p.1 * q.0
}

#[test]
fn a_tuple_result_destructured_in_the_caller() {
    for seed in 0..4 {
        let x = random_vec(seed, 6, -2.0, 2.0);
        let (v, g) = standardized_cubes_grad(&x);
        assert!((v - standardized_cubes(&x)).abs() < 1e-12);
        let expect = fd_slice(standardized_cubes, &x);
        for (a, b) in g.iter().zip(&expect) {
            assert!((a - b).abs() < 1e-5 * b.abs().max(1.0), "{a} vs {b}");
        }
        let dir = random_vec(seed + 10, 6, -1.0, 1.0);
        let (_, t) = standardized_cubes_jvp(&x, &dir);
        let dot: f64 = g.iter().zip(&dir).map(|(a, b)| a * b).sum();
        assert!((t - dot).abs() < 1e-9 * dot.abs().max(1.0));
    }
}

#[test]
fn tuple_results_destructured_in_part_and_read_by_field() {
    for [x, y] in [[0.7, 1.3], [-1.1, 0.4], [2.0, -0.3]] {
        let (v, (gx, gy)) = uses_polar_grad(x, y);
        assert!((v - uses_polar(x, y)).abs() < 1e-12);
        let [ex, ey] = fd(|[x, y]| uses_polar(x, y), [x, y]);
        assert!((gx - ex).abs() < 1e-6 * ex.abs().max(1.0), "{gx} vs {ex}");
        assert!((gy - ey).abs() < 1e-6 * ey.abs().max(1.0), "{gy} vs {ey}");
        let (_, t) = uses_polar_jvp(x, y, 0.5, -2.0);
        assert!((t - (0.5 * gx - 2.0 * gy)).abs() < 1e-10);
        let (_, (gx32, _)) = uses_polar_grad(x as f32, y as f32);
        assert!((gx32 as f64 - gx).abs() < 1e-3 * gx.abs().max(1.0));
    }
}
