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

/// Tuples made in the arms of an `if` and a `match`, in nested blocks, and a helper's tuple
/// in an arm.
#[differentiable]
fn branched_pair<T: Float>(x: T, y: T, k: usize) -> (T, T) {
    let s = x * y;
    if x > y {
        let t = s.sin();
        (t, x + t)
    } else {
        match k {
            0 => (s, y),
            1 => {
                let u = y * y;
                (u * x, T::one())
            }
            _ => polar(x, s),
        }
    }
}

/// Returns a tuple from inside a loop, or a tuple after it.
#[differentiable]
fn first_past(x: &[f64], limit: f64) -> (f64, f64) {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
        if s > limit {
            return (s, x[i] * limit);
        }
    }
    (s, 0.0)
}

/// Checks both parts of a pair-valued function of `n` inputs through its VJP (seeds `(1, 0)`
/// and `(0, 1)`) against central differences.
fn check_pair(
    what: &str,
    x: &[f64],
    f: impl Fn(&[f64]) -> (f64, f64),
    vjp: impl Fn(&[f64], (f64, f64)) -> ((f64, f64), Vec<f64>),
) {
    for (k, seed) in [(1.0, 0.0), (0.0, 1.0)].into_iter().enumerate() {
        let (value, g) = vjp(x, seed);
        assert_eq!(value, f(x), "{what}: value");
        let part = |p: &[f64]| if k == 0 { f(p).0 } else { f(p).1 };
        for (a, b) in g.iter().zip(fd_slice(part, x)) {
            assert!(
                (a - b).abs() < 1e-6 * b.abs().max(1.0),
                "{what} part {k}: {a} vs {b}"
            );
        }
    }
}

#[test]
fn tuples_made_in_arms_and_returned_from_loops() {
    for (x, y) in [(0.7, 0.3), (0.2, 1.1), (-0.4, 0.9)] {
        for k in 0..3 {
            let what = format!("branched_pair({x}, {y}, {k})");
            check_pair(
                &what,
                &[x, y],
                |p| branched_pair(p[0], p[1], k),
                |p, seed| {
                    let (v, (gx, gy)) = branched_pair_vjp(p[0], p[1], k, seed);
                    (v, vec![gx, gy])
                },
            );
            let (_, (tx, ty)) = branched_pair_jvp(x, y, k, 1.0, 0.0);
            let (_, (gx, _)) = branched_pair_vjp(x, y, k, (1.0, 0.0));
            let (_, (hx, _)) = branched_pair_vjp(x, y, k, (0.0, 1.0));
            assert!(
                (tx - gx).abs() < 1e-12 && (ty - hx).abs() < 1e-12,
                "{what}: jvp"
            );
        }
    }
    // The sum passes the limit at the second element, at the third, or never.
    for limit in [1.0, 3.0, 100.0] {
        let x = [0.8, -1.2, 1.5];
        check_pair(
            &format!("first_past({limit})"),
            &x,
            |p| first_past(p, limit),
            |p, seed| {
                let (v, (g, _)) = first_past_vjp(p, limit, seed);
                (v, g)
            },
        );
    }
}

/// A rotation by an angle taken apart with `sin_cos`, in both spellings, the second of an
/// expression.
#[differentiable]
fn rotated_x<T: Float>(th: T, x: T, y: T) -> T {
    let (s, c) = th.sin_cos();
    let (s2, _) = T::sin_cos(th * x);
    c * x - s * y + s2
}

#[test]
fn angles_taken_apart_with_sin_cos() {
    for [th, x, y] in [[0.3, 1.2, -0.7], [2.5, -0.4, 0.9]] {
        let (v, (gt, gx, gy)) = rotated_x_grad(th, x, y);
        assert!((v - rotated_x(th, x, y)).abs() < 1e-12);
        let expect = [
            -th.sin() * x - th.cos() * y + x * (th * x).cos(),
            th.cos() + th * (th * x).cos(),
            -th.sin(),
        ];
        for (a, b) in [gt, gx, gy].into_iter().zip(expect) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
        let (_, t) = rotated_x_jvp(th, x, y, 1.0, 0.5, -2.0);
        assert!((t - (gt + 0.5 * gx - 2.0 * gy)).abs() < 1e-12);
    }
}
