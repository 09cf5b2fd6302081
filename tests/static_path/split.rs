//! Calls in loops in split mode: the callee's forward sweep records on stacks its caller
//! owns and its backward sweep reads them back, instead of running the forward sweep again.
//! Callees that keep buffers, counters and partials of their top level; callees it does
//! not suffice for (a branch of the top level, inactive code after a loop that reads what
//! the loop changed), which run again; calls in branches and twice in one iteration. Each
//! gradient is checked against central differences at random points and against forward
//! mode; pullbacks of the callers run twice.

// Index loops with counters are the point here.
#![allow(clippy::needless_range_loop, clippy::explicit_counter_loop)]

use super::oracle::{assert_all_close, assert_close, fd_slice, random_vec};
use autodiff::differentiable;

fn random(seed: u64, n: usize) -> Vec<f64> {
    random_vec(seed, n, -1.2, 1.2)
}

/// Checks value, gradient (central differences) and JVP (the gradient's dot product) of a
/// function of one slice at random points of length `n`.
fn check(
    what: &str,
    n: usize,
    f: impl Fn(&[f64]) -> f64,
    grad: impl Fn(&[f64]) -> (f64, Vec<f64>),
    jvp: impl Fn(&[f64], &[f64]) -> (f64, f64),
) {
    for seed in 0..6 {
        let x = random(seed, n);
        let (value, g) = grad(&x);
        assert_eq!(value, f(&x), "{what}: value");
        assert_all_close(what, &g, &fd_slice(&f, &x), 1e-5, 1e-6);
        let dir = random(seed + 40, n);
        let (_, t) = jvp(&x, &dir);
        let dot: f64 = g.iter().zip(&dir).map(|(a, b)| a * b).sum();
        assert_close(&format!("{what}: jvp"), t, dot, 1e-9, 1e-10);
    }
}

/// A buffer filled and updated through a counter, then partials of the top level after the
/// loops (`sqrt`, a product with a parameter's element).
#[differentiable]
fn kept_state(l: &[f64], v: &[f64]) -> f64 {
    let d = v.len();
    let mut z = vec![0.0; d];
    for j in 0..d {
        z[j] = v[j].sin();
    }
    let mut idx = 0;
    for col in 0..d {
        for row in col + 1..d {
            z[row] += l[idx] * v[col];
            idx += 1;
        }
    }
    let mut s = 0.0;
    for j in 0..d {
        s += z[j] * z[j];
    }
    let r = (s + 1.0).sqrt();
    r * v[0] + s.ln_1p()
}

/// Runs `kept_state` on each chunk of `x`, against a moving window of `l`, and on a local
/// buffer the next iteration overwrites.
#[differentiable]
fn calls_kept_state(l: &[f64], x: &[f64]) -> f64 {
    let d = 3;
    let mut w = vec![0.0; d];
    let mut total = 0.0;
    for c in 0..x.len() / d {
        for j in 0..d {
            w[j] = x[c * d + j] * (1.0 + 0.1 * c as f64);
        }
        let q = kept_state(&l[c..c + 3], &w);
        total += q * q;
    }
    total
}

#[test]
fn a_callee_keeps_its_buffers_counters_and_partials() {
    // l: 3 + chunks - 1 entries read by windows; x: 4 chunks of 3.
    let (nl, nx) = (6, 12);
    let split = |x: &[f64]| (x[..nl].to_vec(), x[nl..].to_vec());
    check(
        "calls_kept_state",
        nl + nx,
        |x| {
            let (l, xs) = split(x);
            calls_kept_state(&l, &xs)
        },
        |x| {
            let (l, xs) = split(x);
            let (v, (gl, gx)) = calls_kept_state_grad(&l, &xs);
            (v, gl.into_iter().chain(gx).collect())
        },
        |x, t| {
            let ((l, xs), (tl, tx)) = (split(x), split(t));
            calls_kept_state_jvp(&l, &xs, &tl, &tx)
        },
    );
}

#[test]
fn a_pullback_of_a_caller_reads_split_records_twice() {
    let (l, x) = (random(7, 6), random(8, 12));
    let (value, pullback) = calls_kept_state_pullback(&l, &x);
    let (want_value, (gl, gx)) = calls_kept_state_grad(&l, &x);
    assert_eq!(value, want_value);
    for seed in [1.0, -2.5] {
        let (pl, px) = pullback(seed);
        let scaled = |g: &[f64]| g.iter().map(|a| a * seed).collect::<Vec<_>>();
        assert_all_close("pullback l", &pl, &scaled(&gl), 1e-12, 1e-12);
        assert_all_close("pullback x", &px, &scaled(&gx), 1e-12, 1e-12);
    }
}

/// A loop changes `n`, which inactive code after it reads: the loop's bound would come out
/// differently if that code ran again without the loop, so this callee runs again instead.
#[differentiable]
fn changed_by_a_loop(x: &[f64]) -> f64 {
    let mut n = 0;
    let mut s = 0.0;
    for i in 0..x.len() {
        if i % 2 == 0 {
            n += 1;
        }
        s += x[i] * x[i];
    }
    let k = n.min(x.len() - 1);
    let mut t = 0.0;
    for j in 0..k {
        t += x[j] * x[j + 1];
    }
    s + t
}

/// A branch of the top level on an active value: this callee runs again too.
#[differentiable]
fn branches(x: &[f64]) -> f64 {
    let s: f64 = x.iter().map(|v| v * v).sum();
    if s > 1.0 {
        s.ln() * x[0]
    } else {
        s * x[0]
    }
}

/// Calls each callee on a buffer overwritten per iteration; `kept_state` twice per
/// iteration, once only in the iterations whose partial sum is positive.
#[differentiable]
fn mixed_calls(x: &[f64]) -> f64 {
    let d = 3;
    let mut w = vec![0.0; d];
    let mut acc = 0.0;
    for c in 0..x.len() / d {
        for j in 0..d {
            w[j] = x[c * d + j] + 0.2 * acc;
        }
        let a = changed_by_a_loop(&w);
        let b = branches(&w);
        let mut e = kept_state(&x[..3], &w);
        if a - b > 0.5 {
            e += kept_state(&w, &x[3..6]);
        }
        acc = acc + a * 0.3 + b + 0.1 * e;
    }
    acc
}

#[test]
fn callees_split_mode_does_not_suffice_for_run_again() {
    check(
        "changed_by_a_loop",
        5,
        changed_by_a_loop,
        changed_by_a_loop_grad,
        changed_by_a_loop_jvp,
    );
    check(
        "mixed_calls",
        12,
        mixed_calls,
        mixed_calls_grad,
        mixed_calls_jvp,
    );
}
