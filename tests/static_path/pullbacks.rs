//! `f_pullback`: one forward sweep, then the pullback called with several seeds, each time
//! equal to a full reverse pass (`f_vjp`) with that seed. The functions cover what the
//! backward sweep consumes: loop records (flat and tuple stacks), loops run again, summing
//! loops, branch records, local buffers, kept and replayed calls, vector outputs.

use super::oracle::{assert_close, rng, uniform};
use autodiff::differentiable;
use nalgebra::{DMatrix, DVector};
use rand::Rng;

/// Log-sum-exp of a slice.
#[differentiable]
fn smooth_max(v: &[f64]) -> f64 {
    let m = v.iter().fold(f64::NEG_INFINITY, |m, &x| m.max(x));
    let s: f64 = v.iter().map(|&x| (x - m).exp()).sum();
    m + s.ln()
}

/// A buffer written in a loop with a branch on an active value, a loop reading it, a `while`
/// whose trip count depends on active values, a summing loop, and calls.
#[differentiable]
fn workload(x: &[f64], k: f64) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        if x[i] > 0.0 {
            z[i] = x[i] * k;
        } else {
            z[i] = (x[i] * k).sin();
        }
    }
    let mut s = 0.0;
    for i in 1..n {
        s += z[i] * z[i - 1];
    }
    let mut t = 0.0;
    let mut j = 0;
    while t < 2.0 && j < n {
        t += x[j] * x[j] + 0.1;
        j += 1;
    }
    let top = smooth_max(x);
    let energy: f64 = x.iter().map(|&v| v * v).sum();
    let scaled = if s > 0.0 { s * k } else { s.exp() };
    scaled + top * k + t + smooth_max(&z) + energy.sqrt()
}

/// A vector output, through matrices.
#[differentiable]
fn layer(w: &DMatrix<f64>, x: &DVector<f64>) -> DVector<f64> {
    (w * x).map(|v| v.tanh())
}

/// An array output whose parts become active in a loop.
#[differentiable]
fn moments(x: &[f64]) -> [f64; 2] {
    let mut a = 0.0;
    let mut b = 1.0;
    for &v in x.iter() {
        a += v.sin() * b;
        b = b * 0.5 + v * v;
    }
    [a, b]
}

/// A callee with two buffers its backward sweep reads, which the record keeps whole.
#[differentiable]
fn two_buffers(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    let mut w = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i].sin();
        w[i] = z[i] * x[0] + 1.0;
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s * 0.5 + z[i] * w[i];
    }
    s
}

/// Calls `two_buffers` in a loop that does not only sum (in its reverse pass the calls split,
/// and the callee's record keeps both buffers whole; its pullback replays them).
#[differentiable]
fn calls_two_buffers(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..3 {
        let q = two_buffers(&x[c..]);
        t = t * q + q;
    }
    t
}

/// Central differences of a function of a slice.
fn central(f: impl Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    (0..x.len())
        .map(|i| {
            let (mut up, mut down) = (x.to_vec(), x.to_vec());
            up[i] += 1e-6;
            down[i] -= 1e-6;
            (f(&up) - f(&down)) / 2e-6
        })
        .collect()
}

#[test]
fn scalar_output_pullback_equals_reverse_passes() {
    let mut r = rng(41);
    for _ in 0..30 {
        let n = r.gen_range(1..7);
        let x: Vec<f64> = (0..n).map(|_| uniform(&mut r, -1.5, 1.5)).collect();
        let k = uniform(&mut r, -2.0, 2.0);
        let (value, pullback) = workload_pullback(&x, k);
        assert_eq!(
            workload_vjp(&x, k, 1.0).0,
            workload(&x, k),
            "vjp value at {x:?} {k}"
        );
        assert_eq!(value, workload(&x, k));
        for _ in 0..3 {
            let seed = uniform(&mut r, -2.0, 2.0);
            let (gx, gk) = pullback(seed);
            let (_, (wx, wk)) = workload_vjp(&x, k, seed);
            for (a, b) in gx.iter().zip(&wx) {
                assert_close("x̄", *a, *b, 1e-13, 1e-13);
            }
            assert_close("k̄", gk, wk, 1e-13, 1e-13);
            // And against central differences.
            for (a, fd) in gx.iter().zip(central(|x| workload(x, k), &x)) {
                assert_close("x̄ by differences", *a, seed * fd, 1e-5, 1e-6);
            }
            let fd = (workload(&x, k + 1e-6) - workload(&x, k - 1e-6)) / 2e-6;
            assert_close("k̄ by differences", gk, seed * fd, 1e-5, 1e-6);
        }
    }
}

#[test]
fn vector_output_pullback_gives_the_jacobian_row_by_row() {
    let mut r = rng(42);
    for _ in 0..10 {
        let (rows, cols) = (r.gen_range(1..5), r.gen_range(1..5));
        let w = DMatrix::from_fn(rows, cols, |_, _| uniform(&mut r, -1.0, 1.0));
        let x = DVector::from_fn(cols, |_, _| uniform(&mut r, -1.0, 1.0));
        let (value, pullback) = layer_pullback(&w, &x);
        assert_eq!(value, layer(&w, &x));
        for row in 0..rows {
            let seed = DVector::from_fn(rows, |i, _| if i == row { 1.0 } else { 0.0 });
            let (gw, gx) = pullback(seed.clone());
            let (_, (ww, wx)) = layer_vjp(&w, &x, seed);
            assert!((gw - ww).amax() < 1e-14 && (&gx - wx).amax() < 1e-14);
            // Row `row` of the Jacobian in x: (1 - y_row²) w[row, :].
            let d = 1.0 - value[row] * value[row];
            for j in 0..cols {
                assert_close("∂y/∂x", gx[j], d * w[(row, j)], 1e-12, 1e-14);
            }
        }
    }
}

#[test]
fn array_output_pullback_equals_reverse_passes() {
    let mut r = rng(43);
    for _ in 0..20 {
        let n = r.gen_range(0..6);
        let x: Vec<f64> = (0..n).map(|_| uniform(&mut r, -1.0, 1.0)).collect();
        let (value, pullback) = moments_pullback(&x);
        assert_eq!(value, moments(&x));
        for seed in [[1.0, 0.0], [0.0, 1.0], [0.3, -1.7]] {
            let g = pullback(seed);
            let (_, w) = moments_vjp(&x, seed);
            let fd = central(
                |x| {
                    let [a, b] = moments(x);
                    seed[0] * a + seed[1] * b
                },
                &x,
            );
            for ((a, b), d) in g.iter().zip(&w).zip(fd) {
                assert_close("x̄", *a, *b, 1e-13, 1e-13);
                assert_close("x̄ by differences", *a, d, 1e-6, 1e-7);
            }
        }
    }
}

#[test]
fn pullback_replays_a_callee_with_two_buffers_once_per_seed() {
    let mut r = rng(43);
    for _ in 0..20 {
        let n = r.gen_range(3..8);
        let x: Vec<f64> = (0..n).map(|_| uniform(&mut r, -1.5, 1.5)).collect();
        let (value, pullback) = calls_two_buffers_pullback(&x);
        assert_eq!(value, calls_two_buffers(&x));
        for _ in 0..3 {
            let seed = uniform(&mut r, -2.0, 2.0);
            let gx = pullback(seed);
            let (_, wx) = calls_two_buffers_vjp(&x, seed);
            for ((a, b), fd) in gx.iter().zip(&wx).zip(central(calls_two_buffers, &x)) {
                assert_close("x̄", *a, *b, 1e-13, 1e-13);
                assert_close("x̄ by differences", *a, seed * fd, 1e-5, 1e-6);
            }
        }
    }
}
