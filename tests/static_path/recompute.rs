//! Loops the backward sweep runs again instead of recording: stores into buffers, nested
//! loops, running counters as indices, and buffers read and then overwritten (which must be
//! recorded after all). Each gradient is checked against central differences over random
//! inputs and against forward mode.

// Index loops with counters are the point here.
#![allow(
    clippy::needless_range_loop,
    clippy::explicit_counter_loop,
    clippy::assign_op_pattern
)]

use super::oracle::{assert_all_close, assert_close, fd_slice, random_vec};
use autodiff::differentiable;

fn random(seed: u64, n: usize) -> Vec<f64> {
    random_vec(seed, n, -1.5, 1.5)
}

/// `|L v|²` for a lower-triangular `L` with 2 on its diagonal, stored column by column: a buffer filled in one
/// loop, updated in a nested loop through a running counter, then read by a sum.
#[differentiable]
fn triangular(l: &[f64], v: &[f64]) -> f64 {
    let d = v.len();
    let mut z = vec![0.0; d];
    for j in 0..d {
        z[j] = 2.0 * v[j];
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
    s
}

/// A buffer read with a product and overwritten by a later loop: the first loop's reads
/// would see the new values if run again, so it is recorded.
#[differentiable]
fn read_then_overwritten(x: &[f64]) -> f64 {
    let n = x.len();
    let mut w = vec![0.0; n];
    for i in 0..n {
        w[i] = x[i].sin();
    }
    let mut s = 0.0;
    for i in 0..n {
        s += w[i] * x[i];
    }
    for i in 0..n {
        w[i] = w[i] * w[i] + 1.0;
    }
    for i in 0..n {
        s += w[i].ln();
    }
    s
}

/// A counter copied into a `let` of the body: the `let` cannot be computed again, so the
/// loop is recorded.
#[differentiable]
fn counter_in_a_let(x: &[f64]) -> f64 {
    let n = x.len();
    let mut k = n;
    let mut s = 0.0;
    for i in 0..n {
        k -= 1;
        let j = k;
        s += x[j] * x[i].cos();
    }
    s
}

/// A mutable local of the body changed by an assignment before it indexes: the index is
/// kept, not computed again from the `let`.
#[differentiable]
fn assigned_local(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let mut m = i;
        m += 1;
        s += x[m - 1] * x[m - 1].cos();
    }
    // Read again outside the loop, so that it is not a summing loop.
    s * x[0]
}

/// A loop run again inside a loop that is recorded (it branches on an active value),
/// reading a `let` of the outer body.
#[differentiable]
fn inner_reads_outer_let(x: &[f64], rows: usize) -> f64 {
    let cols = x.len() / rows;
    let mut total = 0.0;
    for r in 0..rows {
        let base = r * cols;
        let mut acc = 0.0;
        for c in 0..cols {
            acc += x[base + c] * x[base + c];
        }
        if acc > 1.0 {
            total += acc.sqrt();
        } else {
            total += acc;
        }
    }
    total
}

/// Two nested loops run again, both writing a buffer whose previous content the inner one
/// reads through a sum; the outer body binds a `let` the inner one reads.
#[differentiable]
fn prefix_rows(x: &[f64], rows: usize) -> f64 {
    let cols = x.len() / rows;
    let mut acc = vec![0.0; cols];
    for r in 0..rows {
        let base = r * cols;
        for c in 0..cols {
            acc[c] += x[base + c].exp();
        }
    }
    let mut s = 0.0;
    for c in 0..cols {
        s += acc[c].ln();
    }
    s
}

/// The gradient against central differences, the JVP against the gradient.
fn check(what: &str, f: impl Fn(&[f64]) -> f64, grad: &[f64], x: &[f64], jvp: f64, dir: &[f64]) {
    let want = fd_slice(&f, x);
    assert_all_close(what, grad, &want, 1e-6, 1e-7);
    let directional: f64 = grad.iter().zip(dir).map(|(g, v)| g * v).sum();
    assert_close(what, jvp, directional, 1e-12, 1e-12);
}

/// [`check`] for a function of one slice of `n` inputs, at `seeds` random points; the value
/// must be the plain function's.
fn check_at_random(
    what: &str,
    n: usize,
    seeds: u64,
    f: impl Fn(&[f64]) -> f64,
    grad: impl Fn(&[f64]) -> (f64, Vec<f64>),
    jvp: impl Fn(&[f64], &[f64]) -> (f64, f64),
) {
    for seed in 0..seeds {
        let x = random(seed, n);
        let (value, g) = grad(&x);
        assert_eq!(value, f(&x), "{what}: value");
        let dir = random(seed + 50, n);
        let (_, t) = jvp(&x, &dir);
        check(what, &f, &g, &x, t, &dir);
    }
}

#[test]
fn triangular_factor_with_a_running_counter() {
    for (seed, d) in [(1, 1), (2, 2), (3, 5), (4, 9)] {
        let v = random(seed, d);
        let l = random(seed + 100, d * (d - 1) / 2);
        let (value, (gl, gv)) = triangular_grad(&l, &v);
        assert_eq!(value, triangular(&l, &v));
        let (tl, tv) = (random(seed + 200, l.len()), random(seed + 300, d));
        let (_, t) = triangular_jvp(&l, &v, &tl, &tv);
        let both: Vec<f64> = gl.iter().chain(&gv).copied().collect();
        let dir: Vec<f64> = tl.iter().chain(&tv).copied().collect();
        let x: Vec<f64> = l.iter().chain(&v).copied().collect();
        let m = l.len();
        check(
            "triangular",
            |x| triangular(&x[..m], &x[m..]),
            &both,
            &x,
            t,
            &dir,
        );
    }
}

#[test]
fn buffer_read_then_overwritten_is_recorded() {
    check_at_random(
        "overwritten",
        6,
        4,
        read_then_overwritten,
        read_then_overwritten_grad,
        read_then_overwritten_jvp,
    );
}

#[test]
fn indices_from_counters_and_assigned_locals() {
    check_at_random(
        "counter in a let",
        7,
        4,
        counter_in_a_let,
        counter_in_a_let_grad,
        counter_in_a_let_jvp,
    );
    check_at_random(
        "assigned local",
        7,
        4,
        assigned_local,
        assigned_local_grad,
        assigned_local_jvp,
    );
}

#[test]
fn loop_run_again_inside_a_recorded_loop() {
    check_at_random(
        "inner loop",
        12,
        4,
        |x| inner_reads_outer_let(x, 4),
        |x| inner_reads_outer_let_grad(x, 4),
        |x, d| inner_reads_outer_let_jvp(x, 4, d),
    );
}

#[test]
fn nested_loops_run_again_over_a_buffer() {
    check_at_random(
        "nested",
        12,
        4,
        |x| prefix_rows(x, 3),
        |x| prefix_rows_grad(x, 3),
        |x, d| prefix_rows_jvp(x, 3, d),
    );
}

/// `Σ v²` of a slice, for the calls below.
#[differentiable]
fn sum_of_squares(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for j in 0..v.len() {
        s += v[j] * v[j];
    }
    s
}

/// A buffer refilled in every iteration and passed whole and by range to a helper, in a
/// branch on an active value, between loops that keep records of their own: the calls'
/// replays read back what each call saw, from the same stack as the records around them.
#[differentiable]
fn buffer_calls_in_a_loop(x: &[f64], rounds: usize) -> f64 {
    let n = x.len();
    let mut b = vec![0.0; n];
    let mut total = 0.0;
    for r in 0..rounds {
        for j in 0..n {
            b[j] = x[j] * x[(j + r) % n];
        }
        let whole = sum_of_squares(&b);
        if whole > 0.5 {
            total += whole.sqrt() * sum_of_squares(&b[1..n]);
        } else {
            total += whole * x[r % n];
        }
        let mut carried = total;
        for j in 0..n {
            carried = carried * 0.5 + b[j].sin();
        }
        total = carried;
    }
    total
}

#[test]
fn buffers_read_by_calls_in_a_loop_are_kept_on_the_stack() {
    check_at_random(
        "buffer calls",
        5,
        6,
        |x| buffer_calls_in_a_loop(x, 4),
        |x| buffer_calls_in_a_loop_grad(x, 4),
        |x, d| buffer_calls_in_a_loop_jvp(x, 4, d),
    );
}

/// `Σ a_j b_j`, for the calls below; its loop only sums, so its adjoints are gathered while
/// the forward sweep runs and added into the lent ones at the end.
#[differentiable]
fn dot_slices(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for j in 0..a.len() {
        s += a[j] * b[j];
    }
    s
}

/// One container passed twice to a helper, as overlapping ranges and whole; an array and a
/// constant slice passed for slice parameters.
#[differentiable(wrt(x, w))]
fn lent_adjoints(x: &[f64], w: [f64; 3], data: &[f64]) -> f64 {
    let n = x.len();
    let overlapping = dot_slices(&x[0..n - 1], &x[1..n]);
    let twice = dot_slices(x, x);
    let mut total = 0.0;
    for r in 0..2 {
        total += dot_slices(&x[r..r + 3], &w) * sum_of_squares(&data[r..r + 3]);
    }
    let with_data = dot_slices(&w, &data[0..3]);
    overlapping * twice + total + with_data * sum_of_squares(&w)
}

#[test]
fn adjoints_lent_to_helpers() {
    for seed in 0..4 {
        let x = random(seed, 5);
        let w = random(seed + 10, 3);
        let data = random(seed + 20, 5);
        let w3 = [w[0], w[1], w[2]];
        let (value, (gx, gw)) = lent_adjoints_grad(&x, w3, &data);
        assert_eq!(value, lent_adjoints(&x, w3, &data));
        let (dx, dw) = (random(seed + 30, 5), random(seed + 40, 3));
        let (_, t) = lent_adjoints_jvp(&x, w3, &data, &dx, [dw[0], dw[1], dw[2]]);
        let both: Vec<f64> = gx.iter().chain(&gw).copied().collect();
        let point: Vec<f64> = x.iter().chain(&w).copied().collect();
        let dir: Vec<f64> = dx.iter().chain(&dw).copied().collect();
        check(
            "lent adjoints",
            |p| lent_adjoints(&p[..5], [p[5], p[6], p[7]], &data),
            &both,
            &point,
            t,
            &dir,
        );
    }
}

/// Counters in every position: read after its step (kept per iteration), reset between two
/// loops (kept), stepped down by an amount that does not change, and stepped in a loop
/// inside a loop that branches on an active value (undone across the outer loop's replay).
#[differentiable]
fn counters_everywhere(x: &[f64], stride: usize) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    let mut after = 0;
    for i in 0..n {
        after += 1;
        s += x[after - 1] * x[i].sin();
    }
    let mut reset = 0;
    for i in 0..n - 1 {
        s += x[reset] * x[i + 1];
        reset += 1;
    }
    reset = 0;
    for _ in 0..n {
        s += x[reset].cos() * s.min(3.0);
        reset += 1;
    }
    let mut down = stride * (n - 1);
    for i in 1..n {
        s += x[down / stride] * x[i];
        down -= stride;
    }
    let mut idx = 0;
    for r in 0..3 {
        let mut acc = 0.0;
        for j in 0..n - 1 {
            acc += x[idx % n] * x[j + 1].exp();
            idx += 1;
        }
        if acc > 0.0 {
            s += acc.sqrt() * x[r];
        } else {
            s -= acc;
        }
    }
    s
}

#[test]
fn counters_undone_backwards() {
    check_at_random(
        "counters",
        5,
        6,
        |x| counters_everywhere(x, 3),
        |x| counters_everywhere_grad(x, 3),
        |x, d| counters_everywhere_jvp(x, 3, d),
    );
}

#[test]
fn pullback_with_a_counter_runs_twice() {
    let (l, v) = (random(7, 6), random(8, 4));
    let (value, pullback) = triangular_pullback(&l, &v);
    assert_eq!(value, triangular(&l, &v));
    // Independently: the seed times central differences.
    let point: Vec<f64> = l.iter().chain(&v).copied().collect();
    let fd = fd_slice(|p| triangular(&p[..6], &p[6..]), &point);
    for seed in [1.0, -2.5] {
        let (gl, gv) = pullback(seed);
        let (_, (wl, wv)) = triangular_vjp(&l, &v, seed);
        assert_all_close("l̄", &gl, &wl, 1e-14, 1e-14);
        assert_all_close("v̄", &gv, &wv, 1e-14, 1e-14);
        let got: Vec<f64> = gl.iter().chain(&gv).copied().collect();
        let want: Vec<f64> = fd.iter().map(|g| seed * g).collect();
        assert_all_close("pullback", &got, &want, 1e-6, 1e-7);
    }
}

/// A counter stepped by a `let` of its body (kept per iteration: the undo would run before
/// the `let`), and one changed after its loop by a call and by a method (kept: only a
/// counter named nowhere else is undone).
#[differentiable]
fn counters_changed_elsewhere(x: &[f64]) -> f64 {
    use std::ops::AddAssign;
    let n = x.len();
    let mut s = 0.0;
    let mut by_let = 0;
    for i in 0..n / 2 {
        let k = i % 2 + 1;
        s += x[by_let] * x[by_let].sin();
        by_let += k;
    }
    let mut replaced = 0;
    for i in 0..n {
        s += x[replaced] * x[i].sin();
        replaced += 1;
    }
    let _ = std::mem::replace(&mut replaced, 0);
    let mut method = 0;
    for i in 0..n - 2 {
        s += x[method] * x[i + 1].cos();
        method += 1;
    }
    method.add_assign(2);
    s * x[method - 1] + x[replaced]
}

/// Names bound again after a loop, and names bound by an `if let`, read by loops run again:
/// the backward sweep, written after the whole forward sweep, would read the last binding.
#[differentiable(wrt(x))]
fn bound_again(x: &[f64], mut k: usize, skip: Option<usize>) -> f64 {
    let n = x.len();
    let off = 1;
    let step = 1;
    let mut idx = 0;
    let mut s = 0.0;
    for i in 0..n - 1 {
        s += x[i + off] * x[i].sin() + x[idx] * x[k % n];
        idx += step;
        k += 1;
    }
    if let Some(m) = skip {
        for i in 0..n - m {
            s += x[i + m] * x[i].cos();
        }
    }
    let off = 0;
    let step = 0;
    let k = 1;
    s * x[off + step + k]
}

/// A call whose value only decides a branch (never replayed) on a buffer changed after it,
/// and a buffer whose length names a nalgebra type passed to a slice helper.
#[differentiable]
fn calls_without_adjoints(x: &[f64]) -> f64 {
    let mut b = vec![0.0; x.len()];
    for j in 0..x.len() {
        b[j] = x[j].sin();
    }
    let a = sum_of_squares(&b);
    for j in 0..x.len() {
        b[j] = 2.0 * x[j];
    }
    let mut c = vec![0.0; nalgebra::Vector3::<f64>::zeros().len()];
    for j in 0..3 {
        c[j] = x[j].sin();
    }
    let picked = if a > 1.0 { b[0] } else { b[1] };
    picked * sum_of_squares(&c)
}

#[test]
fn what_the_backward_sweep_cannot_undo_is_kept() {
    check_at_random(
        "counters changed elsewhere",
        8,
        4,
        counters_changed_elsewhere,
        counters_changed_elsewhere_grad,
        counters_changed_elsewhere_jvp,
    );
    for skip in [None, Some(2)] {
        check_at_random(
            "bound again",
            6,
            4,
            |x| bound_again(x, 2, skip),
            |x| bound_again_grad(x, 2, skip),
            |x, d| bound_again_jvp(x, 2, skip, d),
        );
    }
    check_at_random(
        "calls without adjoints",
        4,
        6,
        calls_without_adjoints,
        calls_without_adjoints_grad,
        calls_without_adjoints_jvp,
    );
}

/// Element reads at an index an inner loop does not change, beside reads of the same slice
/// that it does, and one at an index out of range when the inner loop runs no iteration: the
/// hoisted adjoint is added after the loop only if it ran.
#[differentiable]
fn invariant_reads(x: &[f64], m: usize) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            s += x[i] * x[j].sin() + x[i] * x[i];
        }
    }
    let k = n - m;
    for j in 0..m {
        s += x[j] * x[k].cos();
    }
    s
}

#[test]
fn adjoints_of_reads_an_inner_loop_does_not_move() {
    for m in [0, 1, 3] {
        check_at_random(
            "invariant reads",
            4,
            4,
            |x| {
                let mut padded = x.to_vec();
                padded.push(0.5);
                invariant_reads(&padded, m)
            },
            |x| {
                let mut padded = x.to_vec();
                padded.push(0.5);
                let (v, mut g) = invariant_reads_grad(&padded, m);
                g.pop();
                (v, g)
            },
            |x, d| {
                let (mut padded, mut dir) = (x.to_vec(), d.to_vec());
                padded.push(0.5);
                dir.push(0.0);
                invariant_reads_jvp(&padded, m, &dir)
            },
        );
    }
}

/// Counters changed in their body otherwise than by steps of fixed amounts: reset before
/// the read, or stepped once by a fixed amount and once by a changing one.
#[differentiable]
fn counters_changed_in_the_body(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    let mut reset = 0;
    for i in 0..n {
        reset = i / 2;
        s += x[reset] * x[i].sin();
        reset += 1;
    }
    let mut mixed = 0;
    let mut grow = 0;
    for i in 0..n - 1 {
        s += x[mixed % n] * x[i + 1].cos();
        mixed += 1;
        grow += 1;
        mixed += grow % 2;
    }
    s * x[reset % n] + x[mixed % n]
}

#[test]
fn counters_changed_otherwise_are_kept() {
    check_at_random(
        "counters changed in the body",
        6,
        4,
        counters_changed_in_the_body,
        counters_changed_in_the_body_grad,
        counters_changed_in_the_body_jvp,
    );
}

/// Names bound again later by a `let` of an active value, a float stepped like a counter,
/// and steps written at the end of a loop's body without a `;`.
#[differentiable]
fn bound_again_actively(x: &[f64]) -> f64 {
    let n = x.len();
    let scale = 2.0;
    let off = 1;
    let mut z = vec![0.0; n];
    for i in 0..n - 1 {
        z[i] = x[i + off] * scale * x[i].sin();
    }
    let mut s: f64 = 0.0;
    for i in 0..n {
        s += z[i] * z[i];
    }
    let mut t = 0.0;
    for i in 0..n {
        s += x[((t * 10.0) as usize) % n] * x[i].sin() * s.cos();
        t += 0.1;
    }
    let mut k = 0;
    let mut m = 0;
    for i in 0..n {
        s += x[k] * x[i] + x[m % n];
        if i % 2 == 0 {
            m += 1;
        }
        k += 1
    }
    let scale = x[0] * 3.0;
    let off = x[1] * 0.5;
    s * scale + off
}

#[test]
fn later_active_bindings_float_steps_and_tail_statements() {
    for n in [5, 20] {
        check_at_random(
            "bound again actively",
            n,
            3,
            bound_again_actively,
            bound_again_actively_grad,
            bound_again_actively_jvp,
        );
    }
}

/// A counter stepping by two indexes a parameter in a loop run again: the backward sweep
/// reads every other element, not the last `n`.
#[differentiable]
fn stride_two(x: &[f64]) -> f64 {
    let n = x.len() / 2;
    let mut z = vec![0.0; n];
    let mut idx = 0;
    for j in 0..n {
        z[j] = x[idx] * (x[idx] + 1.5);
        idx += 2;
    }
    let mut s = 0.0;
    for j in 0..n {
        s += z[j] * z[j];
    }
    s
}

/// A counter stepped twice per iteration, indexing a parameter between the steps.
#[differentiable]
fn two_steps(x: &[f64]) -> f64 {
    let n = x.len() / 2;
    let mut z = vec![0.0; n];
    let mut idx = 0;
    for j in 0..n {
        idx += 1;
        z[j] = 2.0 * x[j] * x[j];
        idx += 1;
    }
    let mut k = 0;
    let mut s = 0.0;
    for j in 0..n {
        s += z[j] * x[k];
        k += 1;
        k += 1;
    }
    s + idx as f64
}

/// A loop run again indexes by its pattern from the range's start, and by a counter from
/// the counter's value less the count, only where that is all it indexes them by.
#[test]
fn containers_cut_to_what_a_loop_run_again_indexes() {
    for n in [2, 6, 10] {
        check_at_random("stride_two", n, 2, stride_two, stride_two_grad, |x, t| {
            stride_two_jvp(x, t)
        });
        check_at_random("two_steps", n, 2, two_steps, two_steps_grad, |x, t| {
            two_steps_jvp(x, t)
        });
    }
}

/// Stores that add to the element they read, in place: on either side of the sum, through a
/// difference, beside a second read of the same element, through a counter, and a sum read
/// again after the store (which must take the slot's adjoint with it).
#[differentiable]
fn in_place_updates(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    let mut s = 0.0;
    for i in 0..n {
        z[i] = z[i] + x[i] * x[i];
        z[i] = z[i] * 2.0 + z[i];
        z[i] = z[i] - x[i];
        let t = z[i] + 0.5 * x[i];
        z[i] = t;
        s += t * x[i];
    }
    let mut k = 0;
    for i in 0..n {
        z[k] = x[i] + z[k];
        k += 1;
    }
    for i in 0..n {
        s += z[i] * z[i];
    }
    s
}

#[test]
fn stores_that_add_in_place() {
    for n in [1, 4, 7] {
        check_at_random(
            "in_place_updates",
            n,
            3,
            in_place_updates,
            in_place_updates_grad,
            in_place_updates_jvp,
        );
    }
}
