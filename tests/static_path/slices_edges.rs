//! Windows, chunks, `iter_mut`, slices iterated as themselves and mapped nalgebra vectors at
//! their edges, from an adversarial review: `*v` read inside inner loops and chains, range
//! starts changed or hidden by the body, ranges past the end (which panic as std does), zips
//! of three, chunks of chunks and of named ranges, empty and short inputs, sizes larger than
//! the slice, split callers and pullbacks; each against central differences and the JVP.
#![allow(
    clippy::needless_range_loop,
    clippy::useless_vec,
    clippy::redundant_slicing,
    clippy::needless_borrow,
    clippy::unused_enumerate_index,
    clippy::explicit_counter_loop,
    clippy::manual_memcpy,
    clippy::match_bool,
    clippy::op_ref,
    clippy::assign_op_pattern,
    clippy::redundant_closure_call,
    clippy::redundant_closure,
    clippy::single_element_loop,
    clippy::never_loop,
    clippy::ptr_arg,
    unused
)]

use super::cases::{check, check_jvp, random};
use super::oracle::{assert_all_close, fd_slice};
use super::views::dot;
use super::views_edges::gdot;
use autodiff::differentiable;
use nalgebra::{DMatrix, DVector};
use num_traits::Float;

// A1: iter_mut with an inner loop over another container's elements.
#[differentiable]
fn im_nested(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for zi in z.iter_mut() {
        for xi in x.iter() {
            *zi = *zi * 0.5 + xi * xi;
        }
    }
    let mut t = 0.0;
    for k in 0..z.len() {
        t += z[k] * (k as f64 + 1.0);
    }
    t
}

// A2: iter_mut with break/continue on the element.
#[differentiable]
fn im_break(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for k in 0..x.len() {
        z[k] = x[k];
    }
    for zi in z.iter_mut() {
        if *zi < -0.9 {
            continue;
        }
        if *zi > 0.8 {
            break;
        }
        *zi = zi.sin() * 2.0;
    }
    let mut t = 0.0;
    for k in 0..z.len() {
        t += z[k] * z[k] * (k as f64 + 1.0);
    }
    t
}

// A3: iter_mut with an if on the element (abs).
#[differentiable]
fn im_if(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for (zi, xi) in z.iter_mut().zip(x) {
        *zi = xi * 1.5 - 0.2;
    }
    for zi in z.iter_mut() {
        if *zi < 0.0 {
            *zi = -*zi;
        } else {
            *zi *= *zi;
        }
    }
    z.iter()
        .enumerate()
        .map(|(k, v)| v * (k as f64 + 0.5))
        .sum()
}

// A4: element through a differentiable scalar callee and in a closure.
#[differentiable]
fn sq(a: f64) -> f64 {
    a * a + a.sin()
}
#[differentiable]
fn im_callee(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for k in 0..x.len() {
        z[k] = x[k];
    }
    for zi in z.iter_mut() {
        *zi = sq(*zi);
        let twice = |s: f64| s * *zi;
        *zi = twice(2.0);
    }
    z.iter().sum::<f64>()
}

// A5: two iter_mut zipped, iter_mut second in a zip, enumerate.
#[differentiable]
fn im_two(x: &[f64]) -> f64 {
    let mut a = vec![0.0; x.len()];
    let mut b = vec![0.0; x.len()];
    for (ai, bi) in a.iter_mut().zip(b.iter_mut()) {
        *ai = 1.0;
        *bi = 2.0;
    }
    for (xi, ai) in x.iter().zip(a.iter_mut()) {
        *ai *= xi.exp();
    }
    for (k, (ai, bi)) in a.iter_mut().zip(b.iter_mut()).enumerate() {
        *bi = *ai * (k as f64) + *bi * x[0];
        *ai = *bi - *ai;
    }
    let mut t = 0.0;
    for k in 0..x.len() {
        t += a[k] * b[k];
    }
    t
}

// A6: iter_mut over a range whose start is changed in the body (start evaluated once by std).
#[differentiable]
fn im_moving_start(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for k in 0..x.len() {
        z[k] = x[k];
    }
    let mut a = 1;
    for zi in z[a..].iter_mut() {
        *zi = *zi * 3.0;
        a = 0;
    }
    z.iter()
        .enumerate()
        .map(|(k, v)| v * (k as f64 + 1.0))
        .sum()
}
// A6b: same for a read source
#[differentiable]
fn it_moving_start(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut a = 1;
    for (k, v) in x[a..].iter().enumerate() {
        s += v * (k as f64 + 1.0);
        a = 0;
    }
    s
}

// A7: iter_mut reversed and skipped, on a local array.
#[differentiable]
fn im_array(x: &[f64]) -> f64 {
    let mut z = [0.0; 4];
    for (zi, xi) in z.iter_mut().rev().zip(x.iter()) {
        *zi = xi * xi;
    }
    for zi in z.iter_mut().skip(1) {
        *zi += 1.0;
    }
    z[0] * 1.0 + z[1] * 2.0 + z[2] * 3.0 + z[3] * 4.0
}

// A8: iter_mut in an outer loop, buffer returned... (scalar version: loop carried)
#[differentiable]
fn im_outer(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for k in 0..x.len() {
        z[k] = x[k];
    }
    let mut t = 0.0;
    for step in 0..3 {
        for (k, zi) in z.iter_mut().enumerate() {
            *zi = (*zi + t * 0.1).tanh() * (k as f64 + step as f64);
        }
        t += z.iter().map(|v| v * v).sum::<f64>();
    }
    t
}

// B1: windows of a local buffer rewritten every outer iteration.
#[differentiable]
fn w_buf(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    let mut t = 0.0;
    for step in 0..3 {
        for j in 0..x.len() {
            z[j] = x[j] * (step as f64 + 1.0) + t * 0.1;
        }
        for w in z.windows(2) {
            t += w[0] * w[1];
        }
        for (i, c) in z.chunks(2).enumerate() {
            t += c[c.len() - 1] * (i as f64 + 1.0);
        }
    }
    t
}

// B2: callee with chunks, called in a loop (split).
#[differentiable]
fn chunk_callee(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for c in x.chunks(2) {
        s += c[0] * c[c.len() - 1];
    }
    for w in x.windows(3) {
        s += dot(w, w);
    }
    s
}
#[differentiable]
fn chunk_caller(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..2 {
        let q = chunk_callee(x);
        t = t * 0.5 + q * q;
    }
    t
}

// B3: chunks of chunks; windows of chunks.

// B4: chunks of a named range, of a subrange.

// B5: windows inside a loop with size from the loop variable.
#[differentiable]
fn w_sizes(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 1..x.len() + 2 {
        for w in x.windows(k) {
            s += w[w.len() - 1] * w[0] * k as f64;
        }
        for c in x.chunks_exact(k) {
            s += c.iter().map(|v| v.cos()).sum::<f64>();
        }
    }
    s
}

// B6: chunk helpers: first/last/iter().zip(other chunk).
#[differentiable]
fn chunk_methods(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for c in x.chunks(3) {
        s += c
            .iter()
            .zip(c.iter().skip(1))
            .map(|(a, b)| a * b)
            .sum::<f64>();
        s += c.iter().copied().fold(0.0, |a, b| a.max(b));
    }
    s
}

// B7: chunks with .map(..).sum() chains with enumerate and windows in generic T.
#[differentiable]
fn gchunks<T: Float + std::iter::Sum>(x: &[T]) -> T {
    let a: T = x.chunks(2).map(|c| c[0] * c[c.len() - 1]).sum();
    let mut b = T::zero();
    for (i, w) in x.windows(2).enumerate() {
        b = b + (w[1] - w[0]) * T::from(i + 1).unwrap();
    }
    a + b
}

// B8: chunk item passed to a callee inside a chunks loop in a pullback.

// C1: for v in x with *v, &v, v.method().
#[differentiable]
fn as_self(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for v in x {
        t += *v * v.sin();
    }
    for &v in x {
        t += v;
    }
    for v in &x[1..] {
        t += v.exp();
    }
    t
}
#[differentiable]
fn as_self_iter_deref(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for v in x.iter() {
        t += *v * 2.0;
    }
    t
}

// C2: [f64; N] by value, &Vec<f64>.
#[differentiable]
fn arr_val(x: [f64; 4]) -> f64 {
    let mut t = 0.0;
    for v in x {
        t += v * v;
    }
    for (a, b) in x.iter().zip(x) {
        t += a * b;
    }
    t
}
#[differentiable]
fn vec_ref(x: &Vec<f64>) -> f64 {
    let mut t = 0.0;
    for v in x {
        t += v * v.cos();
    }
    t
}

// C3: zip of three.

// D1: DVector map.
#[differentiable]
fn dv_map(x: &DVector<f64>) -> f64 {
    let y = x.map(|v| v.sin());
    let mut s = 0.0;
    for v in x {
        s += v * v;
    }
    y.dot(&y) + y[0] * y.sum() + s
}
#[differentiable]
fn dm_map(m: &DMatrix<f64>) -> f64 {
    let y = m.map(|v| v * v);
    y.sum() + y[(0, 1)]
}

// A1b: chain inside iter_mut whose closure reads *zi.
#[differentiable]
fn im_chain(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for (k, zi) in z.iter_mut().enumerate() {
        *zi = x[k] + 0.5;
    }
    for zi in z.iter_mut() {
        let s: f64 = x.iter().map(|v| v * *zi).sum();
        *zi = s;
    }
    z.iter()
        .enumerate()
        .map(|(k, v)| v * (k as f64 + 1.0))
        .sum()
}
// A1c: iter_mut inside iter_mut.
#[differentiable]
fn im_in_im(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    let mut w = vec![0.0; x.len()];
    for (k, zi) in z.iter_mut().enumerate() {
        *zi = x[k] * (k as f64 + 1.0);
    }
    for zi in z.iter_mut() {
        for wi in w.iter_mut() {
            *wi = *wi * 0.5 + *zi;
        }
    }
    w.iter()
        .enumerate()
        .map(|(k, v)| v * (k as f64 + 1.0))
        .sum()
}
// A1d: index loop inside iter_mut (control).
#[differentiable]
fn im_index_inner(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for zi in z.iter_mut() {
        for j in 0..x.len() {
            *zi = *zi * 0.5 + x[j] * x[j];
        }
    }
    let mut t = 0.0;
    for k in 0..z.len() {
        t += z[k] * (k as f64 + 1.0);
    }
    t
}
// A9: the range's start shadowed in the body.
#[differentiable]
fn im_shadow_start(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for k in 0..x.len() {
        z[k] = x[k];
    }
    let a = 1;
    for zi in z[a..].iter_mut() {
        let a = 0;
        *zi = *zi * 3.0 + a as f64;
    }
    z.iter()
        .enumerate()
        .map(|(k, v)| v * (k as f64 + 1.0))
        .sum()
}
#[differentiable]
fn im_shadow_skip(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for k in 0..x.len() {
        z[k] = x[k];
    }
    let k = 1;
    for zi in z.iter_mut().skip(k) {
        let k = 0;
        *zi = *zi * 3.0 + k as f64;
    }
    z.iter()
        .enumerate()
        .map(|(k, v)| v * (k as f64 + 1.0))
        .sum()
}
// A10: buffer returned.
#[differentiable]
fn im_ret(x: &[f64]) -> Vec<f64> {
    let mut z = vec![0.0; x.len()];
    for (zi, xi) in z.iter_mut().zip(x) {
        *zi = xi.sin();
    }
    for zi in z.iter_mut() {
        *zi = *zi * *zi;
    }
    z
}
// A11: empty buffers and rev on empty.
#[differentiable]
fn im_empty(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for (zi, xi) in z.iter_mut().rev().zip(x) {
        *zi = xi * 2.0;
    }
    let mut s = 0.0;
    for w in x.windows(3) {
        s += w[0];
    }
    for c in x.chunks(2) {
        s += c[0];
    }
    for c in x.chunks_exact(2) {
        s += c[1];
    }
    s + z.iter().sum::<f64>()
}
// B9: windows/chunks usage variants.
#[differentiable]
fn chunk_misc(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, c) in x.chunks(2).enumerate() {
        if c.len() < 2 {
            continue;
        }
        for w in x.windows(2) {
            if w[0] > 1.0 {
                break;
            }
            s += w[1] * c[1];
        }
        let i = i * 2;
        s += c
            .iter()
            .rev()
            .enumerate()
            .map(|(k, v)| v * (k + i) as f64)
            .sum::<f64>();
    }
    let mut k = 0;
    while k < 2 {
        for w in x.windows(k + 2) {
            s += w[w.len() - 1];
        }
        k += 1;
    }
    s + x.chunks(3).map(|c| dot(c, c)).sum::<f64>()
        + x.chunks(2)
            .enumerate()
            .map(|(i, c)| c[0] * i as f64)
            .sum::<f64>()
}
// B10: the item named like its container.
#[differentiable]
fn chunk_same_name(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for x in x.chunks(2) {
        s += x[0] * x[x.len() - 1];
    }
    s
}
// B11: pullback and f32 with chunks.
#[differentiable]
fn gw<T: Float>(x: &[T]) -> T {
    let mut s = T::zero();
    for c in x.chunks(2) {
        s = s + c[0] * c[c.len() - 1];
    }
    for (i, w) in x.windows(2).enumerate() {
        s = s + (w[0] - w[1]).sin() * T::from(i).unwrap();
    }
    s
}
// C5: view iterated as itself, and zip of a view.
#[differentiable]
fn view_as_self(x: &[f64]) -> f64 {
    let w = &x[1..];
    let mut t = 0.0;
    for v in w {
        t += v * v;
    }
    for (a, b) in x.iter().zip(w) {
        t += a * b;
    }
    t
}
// D3: maps of arrays, of mapped vectors, iterated, written.
#[differentiable]
fn arr_map(x: [f64; 3]) -> f64 {
    let y = x.map(|v| v * v);
    y[0] + y[1] * y[2]
}
#[differentiable]
fn dv_map2(x: &DVector<f64>) -> f64 {
    let y = x.map(|v| v.sin());
    let z = y.map(|v| v * 2.0);
    let mut w = x.map(|v| v.exp());
    w[0] = z[1] * y[0];
    let mut s = 0.0;
    for (a, b) in y.iter().zip(x.iter()) {
        s += a * b;
    }
    s + w.dot(&z) + y.iter().sum::<f64>()
}
#[differentiable]
fn dm_map2(m: &DMatrix<f64>, v: &DVector<f64>) -> f64 {
    let y = m.map(|a| a.tanh());
    let p = &y * v;
    p.norm()
}

// V1: loops and chains inside iter_mut that do not read the element.
#[differentiable]
fn im_inner_others(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for (k, zi) in z.iter_mut().enumerate() {
        *zi = x[k] * 0.5;
    }
    for zi in z.iter_mut() {
        *zi += x.iter().map(|v| v * v).sum::<f64>();
        for w in x.windows(2) {
            *zi += w[0] * w[1];
        }
        for (i, c) in x.chunks(2).enumerate() {
            *zi = *zi * 0.9 + c[0] * i as f64;
        }
    }
    z.iter()
        .enumerate()
        .map(|(k, v)| v * (k as f64 + 1.0))
        .sum()
}
// V2: typed closure parameter on a chunk chain; map of map.
#[differentiable]
fn chunk_typed(x: &[f64]) -> f64 {
    x.chunks(2).map(|c| c[0] * c[c.len() - 1]).sum::<f64>()
}
#[differentiable]
fn chain_more(x: &[f64]) -> f64 {
    let a = x
        .windows(2)
        .map(|w| w[1] - w[0])
        .map(|d| d * d)
        .sum::<f64>();
    let b = x
        .chunks(2)
        .map(|c| c.iter().map(|v| v * v).sum::<f64>())
        .fold(0.0, |m, q| m.max(q));
    let c = x
        .chunks_exact(2)
        .enumerate()
        .map(|(i, c)| c[1] * (i as f64 + 1.0))
        .product::<f64>();
    a + b + c
}
// V3: iter_mut over mapped nalgebra locals.
#[differentiable]
fn dv_iter_mut(x: &DVector<f64>) -> f64 {
    let mut y = x.map(|v| v.sin());
    for (k, yi) in y.iter_mut().enumerate() {
        *yi = *yi * (k as f64 + 1.0);
    }
    let mut s = 0.0;
    for v in &y {
        s += v * v;
    }
    s
}
#[differentiable]
fn dm_iter_mut(m: &DMatrix<f64>) -> f64 {
    let mut y = m.map(|v| v.sin());
    for (k, yi) in y.iter_mut().enumerate() {
        *yi = *yi * (k as f64 + 1.0);
    }
    y[(1, 0)] * 3.0 + y[(0, 1)] * 2.0 + y.sum()
}
// V4: windows over arrays, Vec refs.
#[differentiable]
fn w_arr(x: &[f64; 5]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        s += w[0] * w[1];
    }
    for v in x {
        s += v;
    }
    s
}
#[differentiable]
fn w_arr_val(x: [f64; 5]) -> f64 {
    let mut s = 0.0;
    for (i, c) in x.chunks(2).enumerate() {
        s += c[c.len() - 1] * (i as f64 + 1.0);
    }
    s
}
#[differentiable]
fn w_vec(x: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        s += w[0] * w[2];
    }
    s
}
// V5: generic callee on chunk items, f32.
#[differentiable]
fn g_chunk_callee<T: Float>(x: &[T]) -> T {
    let mut s = T::zero();
    for (i, c) in x.chunks_exact(2).enumerate() {
        s = s + gdot(c, &x[i..i + 2]);
    }
    s
}
// V6: inactive iter_mut; element matched; window shadowed.
#[differentiable]
fn im_inactive(x: &[f64]) -> f64 {
    let mut idx = vec![0usize; 3];
    for (k, v) in idx.iter_mut().enumerate() {
        *v = (k * 2) % x.len();
    }
    let mut z = vec![0.0; x.len()];
    for (zi, xi) in z.iter_mut().zip(x) {
        *zi = if xi.is_sign_positive() { xi * 2.0 } else { -xi };
    }
    let mut s = 0.0;
    for w in x.windows(2) {
        let w = w[0] * 2.0 + w[1];
        s += w * w;
    }
    x[idx[1]] * z[idx[2]] + s
}
// V7: zip of a chunk with iter_mut of a buffer; chunk iterated as itself.
#[differentiable]
fn chunk_zip_im(x: &[f64]) -> f64 {
    let mut z = vec![0.0; 2];
    let mut s = 0.0;
    for c in x.chunks(2) {
        for (zi, ci) in z.iter_mut().zip(c) {
            *zi = *zi * 0.5 + ci * ci;
        }
        for v in c {
            s += v.sin();
        }
    }
    s + z[0] * z[1]
}

// ---- Failing at review time ----------------------------------------------------------------

// BUG 1: the place `z[index]` of an `iter_mut` item is rewritten into inner loops / chains
// that bind their own (same-hygiene) `index`: `*zi` there reads and writes the inner position.
case!(
    im_nested_element_loop,
    im_nested,
    im_nested_grad,
    im_nested_jvp,
    3
);
case!(
    im_chain_closure_reads_item,
    im_chain,
    im_chain_grad,
    im_chain_jvp,
    3
);
case!(im_inside_im, im_in_im, im_in_im_grad, im_in_im_jvp, 3);

// BUG 2: the start of a range source (`z[a..]`, `.skip(k)`) is evaluated again in every
// iteration (std evaluates it once), so a change of `a`/`k` in the body, or a `let a` that
// shadows it, moves the items.
case!(
    im_range_start_changed,
    im_moving_start,
    im_moving_start_grad,
    im_moving_start_jvp,
    4
);
case!(
    iter_range_start_changed,
    it_moving_start,
    it_moving_start_grad,
    it_moving_start_jvp,
    4
);
case!(
    im_range_start_shadowed,
    im_shadow_start,
    im_shadow_start_grad,
    im_shadow_start_jvp,
    4
);
case!(
    im_skip_shadowed,
    im_shadow_skip,
    im_shadow_skip_grad,
    im_shadow_skip_jvp,
    4
);

// BUG 3: a range source past its container's end does not panic when zipped with a shorter
// iterator, or when the body leaves the loop before reading past the end.
#[differentiable]
fn im_range_past(x: &[f64]) -> f64 {
    let mut z = vec![0.0; 3];
    for (zi, xi) in z[..5].iter_mut().zip(x) {
        *zi = xi * 2.0;
    }
    z[0]
}
#[test]
#[should_panic(expected = "out of range")]
fn im_range_past_the_end_panics() {
    im_range_past_grad(&[1.0, 2.0]);
}
#[differentiable]
fn zip_range_past(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (a, b) in x[..5].iter().zip(y) {
        s += a * b;
    }
    s
}
#[test]
#[should_panic(expected = "out of range")]
fn zip_range_past_the_end_panics() {
    zip_range_past_grad(&[1.0, 2.0, 3.0], &[1.0, 2.0]);
}
#[differentiable]
fn ref_range_past(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for v in &x[..5] {
        s += v;
        break;
    }
    s
}
#[test]
#[should_panic(expected = "out of range")]
fn ref_range_past_the_end_panics() {
    ref_range_past_grad(&[1.0, 2.0, 3.0]);
}

// ---- Passing -------------------------------------------------------------------------------

case!(im_break_case, im_break, im_break_grad, im_break_jvp, 5);
case!(im_if_case, im_if, im_if_grad, im_if_jvp, 5);
case!(im_callee_case, im_callee, im_callee_grad, im_callee_jvp, 3);
case!(im_two_case, im_two, im_two_grad, im_two_jvp, 3);
case!(im_array_case, im_array, im_array_grad, im_array_jvp, 4);
case!(im_outer_case, im_outer, im_outer_grad, im_outer_jvp, 4);
case!(
    im_index_inner_case,
    im_index_inner,
    im_index_inner_grad,
    im_index_inner_jvp,
    3
);
case!(
    im_inner_others_case,
    im_inner_others,
    im_inner_others_grad,
    im_inner_others_jvp,
    4
);
case!(
    im_inactive_case,
    im_inactive,
    im_inactive_grad,
    im_inactive_jvp,
    4
);
case!(w_buf_case, w_buf, w_buf_grad, w_buf_jvp, 5);
case!(
    chunk_callee_case,
    chunk_callee,
    chunk_callee_grad,
    chunk_callee_jvp,
    5
);
case!(
    chunk_caller_case,
    chunk_caller,
    chunk_caller_grad,
    chunk_caller_jvp,
    5
);
case!(w_sizes_case, w_sizes, w_sizes_grad, w_sizes_jvp, 4);
case!(
    chunk_methods_case,
    chunk_methods,
    chunk_methods_grad,
    chunk_methods_jvp,
    7
);
case!(gchunks_case, gchunks, gchunks_grad, gchunks_jvp, 5);
case!(as_self_case, as_self, as_self_grad, as_self_jvp, 4);
case!(
    as_self_iter_deref_case,
    as_self_iter_deref,
    as_self_iter_deref_grad,
    as_self_iter_deref_jvp,
    4
);
case!(
    chunk_misc_case,
    chunk_misc,
    chunk_misc_grad,
    chunk_misc_jvp,
    5
);
case!(
    chunk_misc_case_short,
    chunk_misc,
    chunk_misc_grad,
    chunk_misc_jvp,
    1
);
case!(
    chunk_same_name_case,
    chunk_same_name,
    chunk_same_name_grad,
    chunk_same_name_jvp,
    5
);
case!(gw_case, gw, gw_grad, gw_jvp, 5);
case!(
    view_as_self_case,
    view_as_self,
    view_as_self_grad,
    view_as_self_jvp,
    4
);
case!(
    chunk_typed_case,
    chunk_typed,
    chunk_typed_grad,
    chunk_typed_jvp,
    5
);
case!(
    chain_more_case,
    chain_more,
    chain_more_grad,
    chain_more_jvp,
    5
);
case!(
    g_chunk_callee_case,
    g_chunk_callee,
    g_chunk_callee_grad,
    g_chunk_callee_jvp,
    6
);
case!(
    chunk_zip_im_case,
    chunk_zip_im,
    chunk_zip_im_grad,
    chunk_zip_im_jvp,
    5
);

#[test]
fn empty_and_short_inputs() {
    for n in 0..3 {
        check("im_empty", n, |x| im_empty(x), |x| im_empty_grad(x));
        check_jvp(
            "im_empty",
            n,
            |x| im_empty_grad(x),
            |x, d| im_empty_jvp(x, d),
        );
    }
    // Windows larger than the slice yield nothing.
    assert_eq!(im_empty_grad(&[1.0, 2.0]).1.len(), 2);
}

#[test]
fn gw_pullback_and_f32() {
    let x = random(1, 5);
    let (v, pb) = gw_pullback(&x);
    for seed in [1.0, -0.5, 2.0] {
        let (v2, g) = gw_vjp(&x, seed);
        assert_eq!(v, v2);
        assert_all_close("gw pullback", &pb(seed), &g, 1e-12, 1e-14);
    }
    let xf: Vec<f32> = x.iter().map(|&a| a as f32).collect();
    let (_, gf) = gw_grad(&xf);
    let (_, g64) = gw_grad(&x);
    let gf: Vec<f64> = gf.iter().map(|&a| a as f64).collect();
    assert_all_close("gw f32", &gf, &g64, 1e-5, 1e-5);
    let (_, gf) = g_chunk_callee_grad(&xf);
    let (_, g64) = g_chunk_callee_grad(&x);
    let gf: Vec<f64> = gf.iter().map(|&a| a as f64).collect();
    assert_all_close("g_chunk_callee f32", &gf, &g64, 1e-5, 1e-5);
}

#[test]
fn im_returned_buffer() {
    let x = random(2, 5);
    let (val, _) = im_ret_vjp(&x, vec![0.0; 5]);
    assert_eq!(val, im_ret(&x));
    let d = random(9, 5);
    let (_, t) = im_ret_jvp(&x, &d);
    for o in 0..5 {
        let mut seed = vec![0.0; 5];
        seed[o] = 1.0;
        let (_, g) = im_ret_vjp(&x, seed);
        let f = fd_slice(|y| im_ret(y)[o], &x);
        assert_all_close("im_ret row", &g, &f, 1e-5, 1e-6);
        let dot: f64 = g.iter().zip(&d).map(|(a, b)| a * b).sum();
        assert!((t[o] - dot).abs() < 1e-9);
    }
}

fn a4(x: &[f64]) -> [f64; 4] {
    [x[0], x[1], x[2], x[3]]
}
fn a5(x: &[f64]) -> [f64; 5] {
    [x[0], x[1], x[2], x[3], x[4]]
}

#[test]
fn arrays_and_vecs() {
    check(
        "arr_val",
        4,
        |x| arr_val(a4(x)),
        |x| {
            let (v, g) = arr_val_grad(a4(x));
            (v, g.to_vec())
        },
    );
    check_jvp(
        "arr_val",
        4,
        |x| {
            let (v, g) = arr_val_grad(a4(x));
            (v, g.to_vec())
        },
        |x, d| arr_val_jvp(a4(x), a4(d)),
    );
    check(
        "vec_ref",
        4,
        |x| vec_ref(&x.to_vec()),
        |x| vec_ref_grad(&x.to_vec()),
    );
    check_jvp(
        "vec_ref",
        4,
        |x| vec_ref_grad(&x.to_vec()),
        |x, d| vec_ref_jvp(&x.to_vec(), &d.to_vec()),
    );
    check(
        "w_arr",
        5,
        |x| w_arr(&a5(x)),
        |x| {
            let (v, g) = w_arr_grad(&a5(x));
            (v, g.to_vec())
        },
    );
    check_jvp(
        "w_arr",
        5,
        |x| {
            let (v, g) = w_arr_grad(&a5(x));
            (v, g.to_vec())
        },
        |x, d| w_arr_jvp(&a5(x), &a5(d)),
    );
    check(
        "w_arr_val",
        5,
        |x| w_arr_val(a5(x)),
        |x| {
            let (v, g) = w_arr_val_grad(a5(x));
            (v, g.to_vec())
        },
    );
    check_jvp(
        "w_arr_val",
        5,
        |x| {
            let (v, g) = w_arr_val_grad(a5(x));
            (v, g.to_vec())
        },
        |x, d| w_arr_val_jvp(a5(x), a5(d)),
    );
    check(
        "w_vec",
        5,
        |x| w_vec(&x.to_vec()),
        |x| w_vec_grad(&x.to_vec()),
    );
    check_jvp(
        "w_vec",
        5,
        |x| w_vec_grad(&x.to_vec()),
        |x, d| w_vec_jvp(&x.to_vec(), &d.to_vec()),
    );
    let a3 = |x: &[f64]| [x[0], x[1], x[2]];
    check(
        "arr_map",
        3,
        |x| arr_map(a3(x)),
        |x| {
            let (v, g) = arr_map_grad(a3(x));
            (v, g.to_vec())
        },
    );
    check_jvp(
        "arr_map",
        3,
        |x| {
            let (v, g) = arr_map_grad(a3(x));
            (v, g.to_vec())
        },
        |x, d| arr_map_jvp(a3(x), a3(d)),
    );
}

#[test]
fn nalgebra_maps() {
    let v = |x: &[f64]| DVector::from_column_slice(x);
    let m = |x: &[f64]| DMatrix::from_column_slice(2, 2, x);
    let gv = |g: DVector<f64>| g.iter().copied().collect::<Vec<f64>>();
    let gm = |g: DMatrix<f64>| g.iter().copied().collect::<Vec<f64>>();
    check(
        "dv_map",
        4,
        |x| dv_map(&v(x)),
        |x| {
            let (a, g) = dv_map_grad(&v(x));
            (a, gv(g))
        },
    );
    check_jvp(
        "dv_map",
        4,
        |x| {
            let (a, g) = dv_map_grad(&v(x));
            (a, gv(g))
        },
        |x, d| dv_map_jvp(&v(x), &v(d)),
    );
    check(
        "dv_map2",
        4,
        |x| dv_map2(&v(x)),
        |x| {
            let (a, g) = dv_map2_grad(&v(x));
            (a, gv(g))
        },
    );
    check_jvp(
        "dv_map2",
        4,
        |x| {
            let (a, g) = dv_map2_grad(&v(x));
            (a, gv(g))
        },
        |x, d| dv_map2_jvp(&v(x), &v(d)),
    );
    check(
        "dv_iter_mut",
        4,
        |x| dv_iter_mut(&v(x)),
        |x| {
            let (a, g) = dv_iter_mut_grad(&v(x));
            (a, gv(g))
        },
    );
    check_jvp(
        "dv_iter_mut",
        4,
        |x| {
            let (a, g) = dv_iter_mut_grad(&v(x));
            (a, gv(g))
        },
        |x, d| dv_iter_mut_jvp(&v(x), &v(d)),
    );
    check(
        "dm_map",
        4,
        |x| dm_map(&m(x)),
        |x| {
            let (a, g) = dm_map_grad(&m(x));
            (a, gm(g))
        },
    );
    check_jvp(
        "dm_map",
        4,
        |x| {
            let (a, g) = dm_map_grad(&m(x));
            (a, gm(g))
        },
        |x, d| dm_map_jvp(&m(x), &m(d)),
    );
    check(
        "dm_iter_mut",
        4,
        |x| dm_iter_mut(&m(x)),
        |x| {
            let (a, g) = dm_iter_mut_grad(&m(x));
            (a, gm(g))
        },
    );
    check_jvp(
        "dm_iter_mut",
        4,
        |x| {
            let (a, g) = dm_iter_mut_grad(&m(x));
            (a, gm(g))
        },
        |x, d| dm_iter_mut_jvp(&m(x), &m(d)),
    );
    let f2 = |x: &[f64]| dm_map2(&m(&x[..4]), &v(&x[4..]));
    let g2 = |x: &[f64]| {
        let (a, (g, h)) = dm_map2_grad(&m(&x[..4]), &v(&x[4..]));
        (a, g.iter().chain(h.iter()).copied().collect::<Vec<f64>>())
    };
    check("dm_map2", 6, f2, g2);
    check_jvp("dm_map2", 6, g2, |x, d| {
        dm_map2_jvp(&m(&x[..4]), &v(&x[4..]), &m(&d[..4]), &v(&d[4..]))
    });
}

// ---- Valid Rust the macro rejects or miscompiles (kept out of the build) --------------------
// Each was compiled in /tmp/review2/examples/probe_err*.rs; see the report.
// ---- More passing cases --------------------------------------------------------------------
#[differentiable]
fn rev_ranges_im(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for (zi, xi) in z[1..].iter_mut().rev().zip(x) {
        *zi = xi * xi;
    }
    for zi in z[..x.len() - 1].iter_mut().rev().skip(1) {
        if *zi > 1.0 {
            break;
        }
        *zi = zi.exp();
    }
    let mut t = 0.0;
    for k in 0..z.len() {
        t += z[k] * (k as f64 + 1.0);
    }
    t
}
caller!(rev_ranges_im_caller, rev_ranges_im);
case!(
    rev_ranges_im_case,
    rev_ranges_im,
    rev_ranges_im_grad,
    rev_ranges_im_jvp,
    4
);
case!(
    rev_ranges_im_caller_case,
    rev_ranges_im_caller,
    rev_ranges_im_caller_grad,
    rev_ranges_im_caller_jvp,
    4
);

#[differentiable]
fn too_large_sizes(x: &[f64]) -> f64 {
    let a = x.windows(9).fold(0.0, |m, w| m + w[0]);
    let b = x.chunks(9).map(|c| c[c.len() - 1]).sum::<f64>();
    let c = x.chunks_exact(9).map(|c| c[0]).sum::<f64>();
    a + b + c
}
case!(
    too_large_sizes_case,
    too_large_sizes,
    too_large_sizes_grad,
    too_large_sizes_jvp,
    4
);

#[differentiable]
fn w_buf_split(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    let mut t = 0.0;
    for step in 0..2 {
        for j in 0..x.len() {
            z[j] = x[j] * (step as f64 + 1.0) + t * 0.1;
        }
        for w in z.windows(2) {
            t += w[0] * w[1];
        }
        for zi in z.iter_mut() {
            *zi = zi.sin();
        }
        for c in z.chunks_exact(2) {
            t += c[0] - c[1];
        }
    }
    t
}
caller!(w_buf_split_caller, w_buf_split);
case!(
    w_buf_split_caller_case,
    w_buf_split_caller,
    w_buf_split_caller_grad,
    w_buf_split_caller_jvp,
    5
);

#[test]
fn sizes_of_zero_panic_like_std() {
    for k in [0usize] {
        let r = std::panic::catch_unwind(|| chunk_zero_grad(&[], k));
        assert!(r.is_err());
    }
}
#[differentiable]
fn chunk_zero(x: &[f64], k: usize) -> f64 {
    let mut s = 0.0;
    for w in x.windows(k) {
        s += w[0];
    }
    s + x.chunks_exact(k).map(|c| c[0]).sum::<f64>()
}

// Formerly rustc errors from the generated code, or macro errors for valid Rust.
#[differentiable]
fn deref_in_condition(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for v in x {
        if *v > 0.0 {
            s += v * *v;
        }
    }
    for v in x.iter().rev() {
        s = s * 0.5 + (*v).sin();
    }
    s
}
case!(
    deref_in_condition_case,
    deref_in_condition,
    deref_in_condition_grad,
    deref_in_condition_jvp,
    5
);

#[differentiable]
fn chunks_of_chunks(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for c in x.chunks(4) {
        for d in c.chunks(2) {
            s += d[0] * d[d.len() - 1];
        }
        for w in c.windows(2) {
            s += (w[1] - w[0]).sin();
        }
    }
    let v = &x[1..];
    for c in v.chunks(2) {
        s += c[0] * c[c.len() - 1];
    }
    for c in x[1..].chunks_exact(2) {
        s += c[0] / (1.0 + c[1] * c[1]);
    }
    s
}
case!(
    chunks_of_chunks_case,
    chunks_of_chunks,
    chunks_of_chunks_grad,
    chunks_of_chunks_jvp,
    7
);

#[differentiable]
fn zip3(x: &[f64]) -> f64 {
    let y = &x[1..];
    let z = &x[2..];
    let mut t = 0.0;
    for ((a, b), c) in x.iter().zip(y).zip(z) {
        t += a * b * c;
    }
    for (a, (b, c)) in x.iter().zip(y.iter().zip(z.iter())) {
        t += a * b - c;
    }
    t
}
case!(zip3_case, zip3, zip3_grad, zip3_jvp, 5);

#[differentiable]
fn skip_of_literal_range(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for v in x[..3].iter().skip(1) {
        s += v * v;
    }
    let mut z = vec![0.0; 3];
    for zi in z[..3].iter_mut().skip(1) {
        *zi = x[0].exp();
    }
    s + z[2] + z[0]
}
case!(
    skip_of_literal_range_case,
    skip_of_literal_range,
    skip_of_literal_range_grad,
    skip_of_literal_range_jvp,
    4
);

// Enumerations skipped from and taken from, `step_by` alone, after `skip`, on a reversed
// zip partner and before `rev`, with the step changed in the body.
#[differentiable]
fn enumerate_skipped(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, &v) in x.iter().enumerate().skip(1) {
        s += v * v * i as f64;
    }
    s + x
        .iter()
        .enumerate()
        .skip(2)
        .take(3)
        .map(|(i, v)| v * i as f64)
        .sum::<f64>()
}

#[differentiable]
fn stepped(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for v in x.iter().step_by(2) {
        s += v.sin();
    }
    let mut k = 3;
    for (a, b) in x.iter().skip(1).step_by(k).zip(x.iter().rev().step_by(2)) {
        s += a * b;
        k += 1;
    }
    for v in x[1..].iter().step_by(2).rev() {
        s = s * 0.5 + v;
    }
    s + x.iter().step_by(3).map(|v| v * v).sum::<f64>()
}

case!(
    enumerate_skipped_1,
    enumerate_skipped,
    enumerate_skipped_grad,
    enumerate_skipped_jvp,
    1
);
case!(
    enumerate_skipped_6,
    enumerate_skipped,
    enumerate_skipped_grad,
    enumerate_skipped_jvp,
    6
);
case!(stepped_1, stepped, stepped_grad, stepped_jvp, 1);
case!(stepped_2, stepped, stepped_grad, stepped_jvp, 2);
case!(stepped_9, stepped, stepped_grad, stepped_jvp, 9);
case!(stepped_10, stepped, stepped_grad, stepped_jvp, 10);

// Copies of active data: `to_vec` of a slice and of a range, `clone` of a buffer in a loop
// and of a `Vec` parameter, each written afterwards while the original is read.
#[differentiable]
fn prefix_sums(x: &[f64]) -> f64 {
    let mut y = x.to_vec();
    for i in 1..y.len() {
        y[i] += y[i - 1];
    }
    let tail = x[1..].to_vec();
    y.iter().map(|v| v * v).sum::<f64>() + tail.iter().zip(x).map(|(a, b)| a * b).sum::<f64>()
}

#[differentiable]
fn smoothed(x: Vec<f64>) -> f64 {
    let mut y = x.clone();
    for _ in 0..2 {
        let prev = y.clone();
        for i in 1..y.len() - 1 {
            y[i] = 0.25 * prev[i - 1] + 0.5 * prev[i] + 0.25 * prev[i + 1];
        }
    }
    y[0] = y[0] * x[0];
    y.iter().zip(&x).map(|(a, b)| a * b).sum()
}

case!(
    prefix_sums_1,
    prefix_sums,
    prefix_sums_grad,
    prefix_sums_jvp,
    1
);
case!(
    prefix_sums_7,
    prefix_sums,
    prefix_sums_grad,
    prefix_sums_jvp,
    7
);

#[test]
fn copies_of_a_vec_parameter() {
    for n in [2, 3, 8] {
        check(
            "smoothed",
            n,
            |x| smoothed(x.to_vec()),
            |x| smoothed_grad(x.to_vec()),
        );
        check_jvp(
            "smoothed",
            n,
            |x| smoothed_grad(x.to_vec()),
            |x, d| smoothed_jvp(x.to_vec(), d.to_vec()),
        );
    }
}

// `skip` after `step_by`, with a variable and a literal step, in a loop and a chain.
#[differentiable]
fn stepped_then_skipped(x: &[f64]) -> f64 {
    let k = 2;
    let mut s = 0.0;
    for v in x.iter().step_by(k).skip(1) {
        s += v * v;
    }
    s + x.iter().step_by(3).skip(1).map(|v| v.sin()).sum::<f64>()
        + x.iter()
            .step_by(1)
            .rev()
            .skip(1)
            .fold(0.0, |a, &v| a * 0.5 + v)
}

case!(
    stepped_then_skipped_1,
    stepped_then_skipped,
    stepped_then_skipped_grad,
    stepped_then_skipped_jvp,
    1
);
case!(
    stepped_then_skipped_7,
    stepped_then_skipped,
    stepped_then_skipped_grad,
    stepped_then_skipped_jvp,
    7
);

/// Enumerations stepped through, reversed, and reversed then skipped: the count follows the
/// items.
#[differentiable]
fn enumerations_stepped_and_reversed(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, v) in x.iter().enumerate().skip(1).step_by(2) {
        s += v * (i as f64 + 1.0);
    }
    for (i, v) in x.iter().enumerate().rev() {
        s += v * v * (i as f64);
    }
    for (i, v) in x.iter().enumerate().skip(1).rev().skip(1) {
        s += v * (i as f64 * 10.0);
    }
    for (i, v) in x.iter().enumerate().step_by(3).skip(1) {
        s += v.sin() * (i as f64);
    }
    s
}

case!(
    enumerations_count_their_items_when_stepped,
    enumerations_stepped_and_reversed,
    enumerations_stepped_and_reversed_grad,
    enumerations_stepped_and_reversed_jvp,
    8
);
case!(
    enumerations_count_their_items_in_a_short_slice,
    enumerations_stepped_and_reversed,
    enumerations_stepped_and_reversed_grad,
    enumerations_stepped_and_reversed_jvp,
    2
);
