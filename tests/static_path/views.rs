//! Ranges of active containers bound to names (`let row = &x[a..b];`): of parameters and of
//! local buffers, in loops whose range moves, every range form, read by index, iterated,
//! measured, passed to differentiable functions, ranges of ranges, names bound again,
//! closures and macros that read them, generic and `f32`, in callees split at a call site;
//! each against central differences and the JVP, and indexing past a view panics as the
//! view would.
#![allow(
    clippy::needless_range_loop,
    clippy::useless_vec,
    clippy::redundant_slicing,
    clippy::needless_borrow,
    clippy::manual_unwrap_or,
    clippy::unused_enumerate_index,
    clippy::explicit_counter_loop,
    unused
)]

use super::cases::{check, check_jvp, random};
use super::oracle::{assert_all_close, fd_slice};
use autodiff::differentiable;
use num_traits::Float;

/// `sum_j row[j] * v[j]`, for the callers below and in `views_edges` and `slices_edges`.
#[differentiable]
pub(super) fn dot(row: &[f64], v: &[f64]) -> f64 {
    let mut s = 0.0;
    for j in 0..row.len() {
        s += row[j] * v[j];
    }
    s
}

// 1. Rows of a matrix stored by rows, the range moving with the loop.
#[differentiable]
fn rows(x: &[f64]) -> f64 {
    let d = 3;
    let v = &x[6..9];
    let mut t = 0.0;
    for i in 0..2 {
        let row = &x[i * d..(i + 1) * d];
        let mut y = 0.0;
        for j in 0..d {
            y += row[j] * v[j];
        }
        t += y.sin();
    }
    t
}
case!(case_rows, rows, rows_grad, rows_jvp, 9);

// 2. A buffer written in a loop and read through a view of it in the same iteration.
#[differentiable]
fn buffer_view(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    let mut s = 0.0;
    for i in 0..x.len() {
        z[i] = x[i] * x[i];
        let zz = &z[..];
        s += zz[i] * zz[0];
    }
    s
}
case!(
    case_buffer_view,
    buffer_view,
    buffer_view_grad,
    buffer_view_jvp,
    4
);

// 3. Every range form.
#[differentiable]
fn range_forms(x: &[f64]) -> f64 {
    let a = &x[1..3];
    let b = &x[2..];
    let c = &x[..2];
    let d = &x[..];
    let e = &x[1..=3];
    let f = &x[..=1];
    a[1] * b[0] + c[1].sin() * d[4] + e[2] * f[0] - b[b.len() - 1] * e.len() as f64
}
case!(
    case_range_forms,
    range_forms,
    range_forms_grad,
    range_forms_jvp,
    5
);

// 4. A view passed to a differentiable function, bare and borrowed, and a range of it.
#[differentiable]
fn passed(x: &[f64]) -> f64 {
    let head = &x[0..3];
    let tail = &x[3..6];
    dot(head, tail) + dot(&head, &tail).cos() + dot(&head[1..], &tail[..2])
}
case!(case_passed, passed, passed_grad, passed_jvp, 6);

// 5. Iterator chains over views: map and sum, zip of two views, a fold.
#[differentiable]
fn chained(x: &[f64]) -> f64 {
    let a = &x[0..3];
    let b = &x[2..5];
    let sq: f64 = a.iter().map(|v| v * v).sum();
    let cross: f64 = a.iter().zip(b.iter()).map(|(p, q)| p * q).sum();
    let mx = b.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    sq + cross.exp() + mx
}
case!(case_chained, chained, chained_grad, chained_jvp, 5);

// 6. The view's length bounds a loop; a range of the view is iterated.
#[differentiable]
fn measured(x: &[f64]) -> f64 {
    let w = &x[1..];
    let mut s = 0.0;
    for j in 0..w.len() {
        s = s * 0.5 + w[j] * x[0];
    }
    let rest: f64 = w[1..].iter().map(|v| v.sin()).sum();
    if w.is_empty() {
        0.0
    } else {
        s + rest
    }
}
case!(case_measured, measured, measured_grad, measured_jvp, 5);

// 7. A name bound again: the first view's reads stay the first view's.
#[differentiable]
fn rebound(x: &[f64]) -> f64 {
    let row = &x[0..2];
    let a = row[0] * row[1];
    let row = &x[2..4];
    let b = row[0] - row[1];
    let c = {
        let row = &x[1..3];
        row[1] * 3.0
    };
    let d = row[1];
    let row = 2.0;
    a + b * b + c + d * row
}
case!(case_rebound, rebound, rebound_grad, rebound_jvp, 4);

// 8. A closure reads a view; a closure whose parameter has the view's name does not.
#[differentiable]
fn closures(x: &[f64]) -> f64 {
    let w = &x[2..5];
    let at = |i: usize| w[i] * 2.0;
    let s: f64 = x[..2].iter().map(|w| w * w).sum();
    at(0) + at(2).sin() + s
}
case!(case_closures, closures, closures_grad, closures_jvp, 5);

// 9. A range of a range, and a view of a view.
#[differentiable]
fn nested(x: &[f64]) -> f64 {
    let outer = &x[1..6];
    let inner = &outer[1..4];
    let deepest = &inner[1..];
    inner[0] * deepest[1] + outer[4] + dot(&outer[..2], &inner[..2])
}
case!(case_nested, nested, nested_grad, nested_jvp, 7);

// 10. Macros that read a view.
#[differentiable]
fn read_by_macros(x: &[f64]) -> f64 {
    let w = &x[1..4];
    assert_eq!(w.len(), 3);
    debug_assert!(w[0].is_finite(), "{:?}", w);
    let s = format!("{}", w[2]);
    w[0] * w[2] + s.len() as f64 * 0.0
}
case!(
    case_read_by_macros,
    read_by_macros,
    read_by_macros_grad,
    read_by_macros_jvp,
    4
);

// 11. `if let` and `match` arms that bind the view's name.
#[differentiable]
fn patterns(x: &[f64]) -> f64 {
    let w = &x[0..2];
    let k = if let Some(w) = Some(2.0) { w } else { 1.0 };
    let m = match 3usize {
        w @ 0..=5 => w as f64,
        _ => 0.0,
    };
    w[0] * k + w[1] * m
}
case!(case_patterns, patterns, patterns_grad, patterns_jvp, 2);

// 12. A callee with a view, called in a loop (split at the call site).
#[differentiable]
fn tail_norm(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for j in 0..x.len() {
        z[j] = x[j] * (j as f64 + 1.0);
    }
    let t = &z[1..];
    let mut s = 0.0;
    for j in 0..t.len() {
        s += t[j] * t[j];
    }
    s
}
caller!(tail_norm_caller, tail_norm);
case!(case_tail_norm, tail_norm, tail_norm_grad, tail_norm_jvp, 4);
case!(
    case_tail_norm_caller,
    tail_norm_caller,
    tail_norm_caller_grad,
    tail_norm_caller_jvp,
    4
);

// 13. Rows of a buffer rewritten in every iteration of an outer loop.
#[differentiable]
fn moving_rows(x: &[f64]) -> f64 {
    let d = 2;
    let mut m = vec![0.0; 2 * d];
    let mut t = 0.0;
    for step in 0..3 {
        for j in 0..2 * d {
            m[j] = x[j] * (step as f64 + 1.0) + t;
        }
        for i in 0..2 {
            let row = &m[i * d..(i + 1) * d];
            t = t * 0.3 + (row[0] * row[1]).sin();
        }
    }
    t
}
case!(
    case_moving_rows,
    moving_rows,
    moving_rows_grad,
    moving_rows_jvp,
    4
);

// 14. Generic over the float type, in f64 and f32.
#[differentiable]
fn generic_rows<T: Float>(x: &[T]) -> T {
    let head = &x[..2];
    let tail = &x[2..];
    let mut s = T::zero();
    for j in 0..head.len() {
        s = s + head[j] * tail[j].exp();
    }
    s
}
case!(
    case_generic_rows,
    generic_rows,
    generic_rows_grad,
    generic_rows_jvp,
    4
);

#[test]
fn generic_rows_in_f32() {
    let x = [0.3f32, -0.7, 1.1, 0.4];
    let (v, g) = generic_rows_grad(&x);
    let wide: Vec<f64> = x.iter().map(|&a| a as f64).collect();
    let (v64, g64) = generic_rows_grad(&wide);
    assert!((v as f64 - v64).abs() < 1e-5);
    let g: Vec<f64> = g.iter().map(|&a| a as f64).collect();
    assert_all_close("generic_rows f32", &g, &g64, 1e-5, 1e-5);
}

// 15. The pullback of a function with views, seed by seed, against its VJP.
#[test]
fn views_in_a_pullback() {
    let x = random(3, 9);
    let (value, pullback) = rows_pullback(&x);
    for seed in [1.0, -0.5, 2.0] {
        let (v, g) = rows_vjp(&x, seed);
        assert_eq!(v, value);
        assert_all_close("rows pullback", &pullback(seed), &g, 1e-12, 1e-14);
    }
}

// 16. Indexing or slicing past a view panics, though the container is longer.
#[test]
#[should_panic(expected = "index out of bounds")]
fn an_index_past_a_view_panics() {
    rows_past_grad(&[1.0, 2.0, 3.0, 4.0]);
}
#[differentiable]
fn rows_past(x: &[f64]) -> f64 {
    let row = &x[0..2];
    let k = x.len() - 2;
    row[k] * 2.0
}

#[test]
#[should_panic(expected = "out of range")]
fn a_range_past_a_view_panics() {
    ranges_past_grad(&[1.0, 2.0, 3.0, 4.0]);
}
#[differentiable]
fn ranges_past(x: &[f64]) -> f64 {
    let row = &x[0..2];
    let k = x.len() - 1;
    dot(&row[..k], &x[..k])
}

#[test]
#[should_panic(expected = "out of range")]
fn a_view_past_its_container_panics() {
    views_past_grad(&[1.0, 2.0, 3.0, 4.0]);
}
#[differentiable]
fn views_past(x: &[f64]) -> f64 {
    let k = x.len() + 1;
    let row = &x[1..k];
    row[0]
}

// 17. `chunks`, `chunks_exact` and `windows` give each item as a named range: read by index,
// measured, iterated, passed on; enumerated or not; a last chunk shorter than the rest.
#[differentiable]
fn chunked(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for p in x.chunks(3) {
        s += p[0] * p[p.len() - 1] + dot(p, p).sqrt();
    }
    for (k, p) in x.chunks_exact(2).enumerate() {
        s += p[0] * p[1] * (k as f64 + 1.0);
    }
    for (_, w) in x.windows(3).enumerate() {
        s += w.iter().map(|v| v.sin()).sum::<f64>() * w[1];
    }
    s
}
case!(case_chunked, chunked, chunked_grad, chunked_jvp, 7);

// 18. Chains over chunks and windows; the size is taken once, before the body changes it.
#[differentiable]
fn chunk_chains(x: &[f64]) -> f64 {
    let mut k = 2;
    let mut s = x.chunks(2).map(|c| c.iter().product::<f64>()).sum::<f64>();
    for w in x.windows(k) {
        k += 1;
        s += (w[1] - w[0]).abs() * w.len() as f64;
    }
    s + x.windows(2).map(|w| w[0] * w[1]).fold(0.0, |a, b| a.max(b))
}
case!(
    case_chunk_chains,
    chunk_chains,
    chunk_chains_grad,
    chunk_chains_jvp,
    5
);

// 19. Points of a cloud stored flat, `d` floats each: the ADBench layout.
#[differentiable]
fn cloud_spread(x: &[f64], d: usize) -> f64 {
    let n = x.len() / d;
    let mut mean = vec![0.0; d];
    for p in x.chunks_exact(d) {
        for j in 0..d {
            mean[j] += p[j] / n as f64;
        }
    }
    let mut s = 0.0;
    for p in x.chunks_exact(d) {
        let r: f64 = p
            .iter()
            .zip(mean.iter())
            .map(|(a, m)| (a - m) * (a - m))
            .sum();
        s += r.sqrt();
    }
    s
}

#[test]
fn cloud_spread_against_finite_differences_and_jvp() {
    check(
        "cloud_spread",
        8,
        |x| cloud_spread(x, 2),
        |x| {
            let (v, g) = cloud_spread_grad(x, 2);
            (v, g)
        },
    );
    check_jvp(
        "cloud_spread",
        8,
        |x| cloud_spread_grad(x, 2),
        |x, t| cloud_spread_jvp(x, 2, t),
    );
}

// 20. A slice iterated as itself, and zipped with a slice without `.iter()`.
#[differentiable]
fn as_itself(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for v in x {
        t += v * v;
    }
    let y = &x[1..];
    t + x.iter().zip(y).map(|(a, b)| a * b).sum::<f64>()
}
case!(case_as_itself, as_itself, as_itself_grad, as_itself_jvp, 4);

#[test]
#[should_panic(expected = "chunk size must be non-zero")]
fn chunks_of_size_zero_panic() {
    chunked_by_grad(&[1.0, 2.0], 0);
}
#[differentiable]
fn chunked_by(x: &[f64], k: usize) -> f64 {
    let mut s = 0.0;
    for c in x.chunks(k) {
        s += c[0];
    }
    s
}

// 21. `iter_mut` over a buffer: its items are written through `*`, read, and their methods
// called; zipped with active data, enumerated, over a range, reversed; the buffer written
// again in every iteration of an outer loop.
#[differentiable]
fn written_in_place(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for (zi, xi) in z.iter_mut().zip(x.iter()) {
        *zi = xi * xi;
    }
    for zi in z.iter_mut() {
        *zi *= 2.0;
        *zi += zi.sin();
    }
    for (k, zi) in z[1..].iter_mut().enumerate() {
        *zi = *zi * (k as f64 + 1.0) - x[0];
    }
    let mut t = 0.0;
    for step in 0..2 {
        for (zi, xi) in z.iter_mut().rev().zip(x) {
            *zi = (*zi * xi).tanh() + step as f64;
        }
        t += z.iter().sum::<f64>();
    }
    t
}
case!(
    case_written_in_place,
    written_in_place,
    written_in_place_grad,
    written_in_place_jvp,
    4
);

// 22. `iter_mut` in a callee split at its call site, and generic.
#[differentiable]
fn scaled_norm<T: Float>(x: &[T]) -> T {
    let mut z = vec![T::zero(); x.len()];
    for (zi, &xi) in z.iter_mut().zip(x.iter()) {
        *zi = xi * xi + T::one();
    }
    let mut s = T::zero();
    for zi in z.iter_mut() {
        *zi = zi.ln();
        s = s + *zi;
    }
    s
}
caller!(scaled_norm_caller, scaled_norm);
case!(
    case_scaled_norm,
    scaled_norm,
    scaled_norm_grad,
    scaled_norm_jvp,
    3
);
case!(
    case_scaled_norm_caller,
    scaled_norm_caller,
    scaled_norm_caller_grad,
    scaled_norm_caller_jvp,
    3
);

// 23. A closure whose parameter is given a range: a named range in its body, at each call.
#[differentiable]
fn closure_ranges(x: &[f64]) -> f64 {
    let w = &x[0..2];
    let f = |y: &[f64]| y[0] * w[1] + y.iter().map(|v| v * v).sum::<f64>() + dot(y, w);
    f(&x[2..4]) * f(&x[1..3]).sin()
}
case!(
    case_closure_ranges,
    closure_ranges,
    closure_ranges_grad,
    closure_ranges_jvp,
    4
);

// 24. An array returned by a differentiable function, read by index and destructured: RK4
// steps of an oscillator with its right-hand side as a helper.
#[differentiable]
fn oscillator(y: [f64; 2], k: f64) -> [f64; 2] {
    [y[1], -k * y[0]]
}

#[differentiable]
fn rk4_energy(x: &[f64]) -> f64 {
    let (h, k) = (0.1, x[2]);
    let mut y = [0.0; 2];
    y[0] = x[0];
    y[1] = x[1];
    let mut s = [0.0; 2];
    for _ in 0..8 {
        let a = oscillator(y, k);
        s[0] = y[0] + 0.5 * h * a[0];
        s[1] = y[1] + 0.5 * h * a[1];
        let b = oscillator(s, k);
        s[0] = y[0] + 0.5 * h * b[0];
        s[1] = y[1] + 0.5 * h * b[1];
        let [c0, c1] = oscillator(s, k);
        s[0] = y[0] + h * c0;
        s[1] = y[1] + h * c1;
        let d = oscillator(s, k);
        y[0] += h / 6.0 * (a[0] + 2.0 * b[0] + 2.0 * c0 + d[0]);
        y[1] += h / 6.0 * (a[1] + 2.0 * b[1] + 2.0 * c1 + d[1]);
    }
    y[0] * y[0] * k + y[1] * y[1]
}
case!(
    case_rk4_energy,
    rk4_energy,
    rk4_energy_grad,
    rk4_energy_jvp,
    3
);

// 25. Arrays written out of active values: call arguments, a state assigned whole.
#[differentiable]
fn rk4_written_out(x: &[f64]) -> f64 {
    let (h, k) = (0.1, x[2]);
    let mut y = [x[0], x[1]];
    for _ in 0..8 {
        let a = oscillator(y, k);
        let b = oscillator([y[0] + 0.5 * h * a[0], y[1] + 0.5 * h * a[1]], k);
        let [c0, c1] = oscillator([y[0] + 0.5 * h * b[0], y[1] + 0.5 * h * b[1]], k);
        let d = oscillator([y[0] + h * c0, y[1] + h * c1], k);
        y = [
            y[0] + h / 6.0 * (a[0] + 2.0 * b[0] + 2.0 * c0 + d[0]),
            y[1] + h / 6.0 * (a[1] + 2.0 * b[1] + 2.0 * c1 + d[1]),
        ];
    }
    y[0] * y[0] * k + y[1] * y[1]
}
case!(
    case_rk4_written_out,
    rk4_written_out,
    rk4_written_out_grad,
    rk4_written_out_jvp,
    3
);

#[test]
fn rk4_forms_agree() {
    for seed in 0..4 {
        let x = random(seed, 3);
        let (v1, g1) = rk4_energy_grad(&x);
        let (v2, g2) = rk4_written_out_grad(&x);
        assert!((v1 - v2).abs() < 1e-12);
        assert_all_close("rk4 forms", &g1, &g2, 1e-10, 1e-12);
    }
}
