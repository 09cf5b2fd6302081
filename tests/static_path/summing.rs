//! Loops that only add to one value, whose backward steps run right after each iteration:
//! bodies with nested loops, branches, helper calls and local buffers written whole in every
//! iteration, and the cases where a buffer carries something from one iteration to the
//! next, or out of the loop, so that the loop must be reversed as a whole. Each against
//! central differences and the JVP.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::manual_memcpy,
    clippy::useless_vec,
    clippy::ptr_arg,
    unused
)]

use super::cases::{check, check_jvp, random};
use super::oracle::{assert_all_close, fd_slice};
use autodiff::differentiable;
use num_traits::Float;

#[differentiable]
fn weighted_sq<T: Float>(w: &[T], v: &[T]) -> T {
    let mut s = T::zero();
    for j in 0..v.len() {
        s = s + w[j] * v[j] * v[j];
    }
    s
}

// A mixture-like loop: a buffer written whole per point, a helper on it and on a window of
// a parameter read after the loop too, a local buffer computed before the loop.
#[differentiable]
fn mixture(x: &[f64]) -> f64 {
    let d = 2;
    let n = 3;
    let mut scales = vec![0.0; d];
    for j in 0..d {
        scales[j] = x[j].exp();
    }
    let mut diff = vec![0.0; d];
    let mut total = 0.0;
    for i in 0..n {
        for j in 0..d {
            diff[j] = x[d + j] - 0.3 * i as f64;
        }
        total += weighted_sq(&scales, &diff) + x[i].sin();
    }
    total * x[0] + x[1]
}
case!(case_mixture, mixture, mixture_grad, mixture_jvp, 5);

// The buffer's length read through `len()`, a branch on an active value inside, and a
// second buffer written whole by a nested loop that itself sums.
#[differentiable]
fn branchy<T: Float>(x: &[T]) -> T {
    let n = x.len();
    let mut y = vec![T::zero(); 3];
    let mut z = vec![T::zero(); 2];
    let mut acc = T::zero();
    for i in 0..n {
        for j in 0..y.len() {
            y[j] = x[(i + j) % n] * T::from(j + 1).unwrap();
        }
        for c in 0..2 {
            let mut t = T::zero();
            for j in 0..3 {
                t = t + y[j] * x[(c + j) % n];
            }
            z[c] = t;
        }
        let part = if z[0] > z[1] { z[0] * z[0] } else { z[1].sin() };
        acc = acc + part - y[2] + weighted_sq(&z, &y[1..]);
    }
    acc
}
case!(case_branchy, branchy, branchy_grad, branchy_jvp, 5);

#[test]
fn branchy_in_f32() {
    let x = random(3, 5);
    let (_, g) = branchy_grad(&x);
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let (_, g32) = branchy_grad(&x32);
    let g32: Vec<f64> = g32.iter().map(|&v| v as f64).collect();
    assert_all_close("branchy f32", &g32, &g, 1e-3, 1e-3);
}

// Summing loops as the callee of a loop, and under a pullback run with two seeds.
#[differentiable]
fn calls_mixture(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..2 {
        let q = mixture(x);
        t = t * 0.5 + q * q;
    }
    t
}
case!(
    case_calls_mixture,
    calls_mixture,
    calls_mixture_grad,
    calls_mixture_jvp,
    5
);

#[test]
fn pullback_of_a_summing_loop_runs_twice() {
    let x = random(7, 5);
    let (value, pullback) = branchy_pullback(&x);
    let (_, g) = branchy_grad(&x);
    for seed in [1.0, -2.5] {
        let gx = pullback(seed);
        let want: Vec<f64> = g.iter().map(|v| v * seed).collect();
        assert_all_close("pullback", &gx, &want, 1e-12, 1e-12);
    }
    assert_eq!(value, branchy(&x));
}

// Only some parameters active; the inactive one indexes the buffer.
#[differentiable(wrt(x))]
fn partly(x: &[f64], data: &[f64]) -> f64 {
    let m = 2;
    let mut b = vec![0.0; m];
    let mut s = 0.0;
    for i in 0..data.len() {
        for j in 0..m {
            b[j] = x[j] * data[i] + x[j + 2];
        }
        s -= b[0] * b[1];
    }
    s + x[4]
}

#[test]
fn only_some_parameters() {
    let data = [0.5, -1.0, 2.0];
    check(
        "partly",
        5,
        |x| partly(x, &data),
        |x| {
            let (v, g) = partly_grad(x, &data);
            (v, g)
        },
    );
}

// Buffers that carry values across iterations or out of the loop: the loop is reversed as
// a whole. (Some of these loops are run again backwards instead, which serves as well.)

// Read before it is written again: the previous iteration's values.
#[differentiable]
fn carried_through_buffer(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut s = 0.0;
    for i in 0..3 {
        s += b[0] * x[i] + b[1];
        for j in 0..2 {
            b[j] = x[j + i] * x[j + i] + s * 0.0;
        }
    }
    s
}
case!(
    case_carried_through_buffer,
    carried_through_buffer,
    carried_through_buffer_grad,
    carried_through_buffer_jvp,
    5
);

// Written over a shorter range than its length: the last element carries over.
#[differentiable]
fn written_short(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 3];
    b[2] = x[4];
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..2 {
            b[j] = x[i + j] * b[2];
        }
        b[2] = b[2] * x[i];
        s += b[0] + b[1] * b[2];
    }
    s
}
case!(
    case_written_short,
    written_short,
    written_short_grad,
    written_short_jvp,
    5
);

// The length's name bound again between the buffer and the loop.
#[differentiable]
fn shadowed_length(x: &[f64]) -> f64 {
    let n = 3;
    let mut b = vec![0.0; n];
    let n = 2;
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..n {
            b[j] = x[i + j];
        }
        b[2] = b[2] + x[i];
        s += b[0] * b[1] * b[2];
    }
    s
}
case!(
    case_shadowed_length,
    shadowed_length,
    shadowed_length_grad,
    shadowed_length_jvp,
    5
);

// Read after the loop: its last contents reach the result.
#[differentiable]
fn read_after(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..2 {
            b[j] = x[i + j] * x[i];
        }
        s += weighted_sq(&b, &x[3..]);
    }
    s * b[0] + b[1]
}
case!(
    case_read_after,
    read_after,
    read_after_grad,
    read_after_jvp,
    5
);

// Written only where a condition holds.
#[differentiable]
fn written_in_branch(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut s = 0.0;
    for i in 0..4 {
        for j in 0..2 {
            if i % 2 == 0 {
                b[j] = x[i + j];
            }
        }
        s += b[0] * b[1];
    }
    s
}
case!(
    case_written_in_branch,
    written_in_branch,
    written_in_branch_grad,
    written_in_branch_jvp,
    5
);

// Named by inactive code inside the loop, which only reads it.
#[differentiable]
fn named_inside(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..2 {
            b[j] = x[i + j] * (j + 1) as f64;
        }
        let last = b.len() - 1;
        s += b[last] * x[4];
    }
    s
}
case!(
    case_named_inside,
    named_inside,
    named_inside_grad,
    named_inside_jvp,
    5
);

// Written at an index other than the pattern: `b[1]` carries over.
#[differentiable]
fn written_elsewhere(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..2 {
            b[j / 2] = x[i + j];
        }
        s += b[0] * b[1];
        b[1] = x[i] * x[4];
    }
    s
}
case!(
    case_written_elsewhere,
    written_elsewhere,
    written_elsewhere_grad,
    written_elsewhere_jvp,
    5
);

// The pattern bound again before the store: likewise.
#[differentiable]
fn pattern_rebound(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..2 {
            let j = j / 2;
            b[j] = x[i + j];
        }
        s += b[0] * b[1];
        b[1] = x[i] * x[4];
    }
    s
}
case!(
    case_pattern_rebound,
    pattern_rebound,
    pattern_rebound_grad,
    pattern_rebound_jvp,
    5
);

// The writing loop reads the buffer: the previous iteration's values.
#[differentiable]
fn writes_from_itself(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..2 {
            b[j] = b[1 - j] * 0.5 + x[i + j];
        }
        s += b[0] * b[1];
    }
    s
}
case!(
    case_writes_from_itself,
    writes_from_itself,
    writes_from_itself_grad,
    writes_from_itself_jvp,
    5
);

// The writing loop stops early in one iteration: `b[1]` carries over there.
#[differentiable]
fn writes_then_breaks(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..2 {
            b[j] = x[i + j] * x[i];
            if i == 1 {
                break;
            }
        }
        s += b[0] * b[1];
    }
    s
}
case!(
    case_writes_then_breaks,
    writes_then_breaks,
    writes_then_breaks_grad,
    writes_then_breaks_jvp,
    5
);

// A length that changes: the buffer is longer than what the loop writes.
#[differentiable]
fn mutable_length(x: &[f64]) -> f64 {
    let mut m = 2;
    let mut b = vec![0.0; m];
    m = 1;
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..m {
            b[j] = x[i + j];
        }
        s += b[0] * b[1];
        b[1] = x[i] * x[4];
    }
    s
}
case!(
    case_mutable_length,
    mutable_length,
    mutable_length_grad,
    mutable_length_jvp,
    5
);

// An active value from before the loop read in it: not a plain sum of the loop's own.
#[differentiable]
fn outer_scale(x: &[f64]) -> f64 {
    let w = x[4] * x[4];
    let mut b = vec![0.0; 2];
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..2 {
            b[j] = x[i + j];
        }
        s += w * b[0] * b[1];
    }
    s
}
case!(
    case_outer_scale,
    outer_scale,
    outer_scale_grad,
    outer_scale_jvp,
    5
);

// A length read through a reference or a `Cell`: the same tokens, another value once it
// shrinks, so the writing loop leaves the end of the buffer from the iteration before.
#[differentiable]
fn length_by_reference(x: &[f64]) -> f64 {
    let mut m = x.len();
    let n = &mut m;
    let mut b = vec![0.0; *n];
    let mut s = 0.0;
    for k in 0..x.len() {
        for j in 0..*n {
            b[j] = (x[j] * x[k]).sin();
        }
        let mut t = 0.0;
        for j in 0..b.len() {
            t += b[j] * b[j];
        }
        s += t;
        *n -= 1;
    }
    s
}
case!(
    case_length_by_reference,
    length_by_reference,
    length_by_reference_grad,
    length_by_reference_jvp,
    4
);

#[differentiable]
fn length_in_cell(x: &[f64]) -> f64 {
    let n = std::cell::Cell::new(x.len());
    let mut b = vec![0.0; n.get()];
    let mut s = 0.0;
    for k in 0..x.len() {
        for j in 0..n.get() {
            b[j] = (x[j] * x[k]).sin();
        }
        let mut t = 0.0;
        for j in 0..b.len() {
            t += b[j] * b[j];
        }
        s += t;
        n.set(n.get() - 1);
    }
    s
}
case!(
    case_length_in_cell,
    length_in_cell,
    length_in_cell_grad,
    length_in_cell_jvp,
    4
);

// A callee whose loop steps back at once in its own gradient: called in a loop, its split
// halves reverse the loop whole instead (the unit adjoints are not handed over).
#[differentiable]
fn private_sum(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..2 {
            b[j] = (x[i + j] * x[4]).sin();
        }
        s += b[0] * b[1];
    }
    s
}
case!(
    case_private_sum,
    private_sum,
    private_sum_grad,
    private_sum_jvp,
    5
);

#[differentiable]
fn calls_private_sum(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..3 {
        let q = private_sum(x);
        t = t * 0.5 + q * q * x[c];
    }
    t
}
case!(
    case_calls_private_sum,
    calls_private_sum,
    calls_private_sum_grad,
    calls_private_sum_jvp,
    5
);

// A loop that computes, inside loops that keep records: it runs again backwards, reading
// the patterns the records keep.
#[differentiable]
fn pattern_kept(x: &[f64]) -> f64 {
    let n = 3;
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for c in 0..n {
        for j in 0..2 {
            b[j] = x[c + j] * (c as f64 + 1.0) - x[4];
        }
        t = t * 0.5 + (b[0] * b[1]).sin();
    }
    t
}
case!(
    case_pattern_kept,
    pattern_kept,
    pattern_kept_grad,
    pattern_kept_jvp,
    5
);

// Locals of a loop that keeps its pattern which its backward sweep computes again instead of
// reading them from the records: indices that are the pattern (a read, a store, a read in
// a buffer's index) and bounds of loops run again that are literals, with a suffix and not
// starting at zero.
#[differentiable]
fn pattern_locals(x: &[f64]) -> f64 {
    let n = 4;
    let mut b = vec![0.0; 3];
    let mut out = vec![0.0; n];
    let mut t = 0.0;
    for c in 0..n {
        for j in 1usize..3 {
            b[j] = x[c + j - 1] * (c as f64 + 0.5) - x[5];
        }
        out[c] = x[c] * b[1] + b[2];
        t = t * 0.5 + (out[c] * b[1]).sin();
    }
    t + out[1] * out[2]
}
case!(
    case_pattern_locals,
    pattern_locals,
    pattern_locals_grad,
    pattern_locals_jvp,
    6
);

#[differentiable]
fn pattern_kept_in_sum(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut s = 0.0;
    for i in 0..2 {
        let mut t = 0.0;
        for c in 0..2 {
            for j in 0..2 {
                b[j] = x[i + c + j] - x[4] * (c as f64);
            }
            t = t * 0.5 + weighted_sq(&b, &x[..2]);
        }
        s += t;
    }
    s
}
case!(
    case_pattern_kept_in_sum,
    pattern_kept_in_sum,
    pattern_kept_in_sum_grad,
    pattern_kept_in_sum_jvp,
    5
);

// The pattern bound again after the loop in it: the records keep no pattern then.
#[differentiable]
fn pattern_shadowed_after(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for c in 0..3 {
        for j in 0..2 {
            b[j] = x[c + j] * (c as f64 + 1.0) - x[4];
        }
        let c = c as f64 * 0.5 + 1.0;
        t = t * 0.5 + (b[0] * b[1]).sin() * c;
    }
    t
}
case!(
    case_pattern_shadowed_after,
    pattern_shadowed_after,
    pattern_shadowed_after_grad,
    pattern_shadowed_after_jvp,
    5
);

// Three levels, the outer two recorded with records that would be flat, and a top-level
// name like the outermost pattern; the innermost loop binds the middle name again.
#[differentiable]
fn patterns_three_levels(x: &[f64]) -> f64 {
    let i = 1;
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for i in 0..2 {
        for c in 0..2 {
            for j in 0..2 {
                let c = c + j;
                b[j] = x[i + c] * ((i * 2 + c) as f64 + 1.0) - x[4];
            }
            t = t * 0.5 + (b[0] * b[1]).sin();
        }
    }
    t * x[i]
}
case!(
    case_patterns_three_levels,
    patterns_three_levels,
    patterns_three_levels_grad,
    patterns_three_levels_jvp,
    5
);

// A constant buffer filled from the data for each point and passed to a helper whose
// parameter is active: the backward step at the end of the iteration reads the buffer as the
// call did, without a copy of it.
#[differentiable(wrt(w))]
fn data_rows(w: &[f64], data: &[f64]) -> f64 {
    let d = w.len();
    let mut row = vec![0.0; d];
    let mut s = 0.0;
    for i in 0..data.len() / d {
        for j in 0..d {
            row[j] = data[i * d + j];
        }
        let q = weighted_sq(w, &row);
        s += (1.0 + q * q).sqrt();
    }
    s
}

// The same buffer rewritten after the call in the same iteration: the backward step must
// read the values the call saw, not the rewritten ones.
#[differentiable(wrt(w))]
fn data_rows_rewritten(w: &[f64], data: &[f64]) -> f64 {
    let d = w.len();
    let mut row = vec![0.0; d];
    let mut s = 0.0;
    for i in 0..data.len() / d {
        for j in 0..d {
            row[j] = data[i * d + j];
        }
        let q = weighted_sq(w, &row);
        for j in 0..d {
            row[j] = 3.0 * row[j] + 1.0;
        }
        s += (1.0 + q * q).sqrt() * w[0] + row[0] * w[1];
    }
    s
}

#[test]
fn constant_buffers_passed_to_helpers() {
    for seed in 0..5 {
        let data = random(100 + seed, 12);
        check(
            "data_rows",
            3,
            |w| data_rows(w, &data),
            |w| data_rows_grad(w, &data),
        );
        check(
            "data_rows_rewritten",
            3,
            |w| data_rows_rewritten(w, &data),
            |w| data_rows_rewritten_grad(w, &data),
        );
        check_jvp(
            "data_rows",
            3,
            |w| data_rows_grad(w, &data),
            |w, t| data_rows_jvp(w, &data, t),
        );
        check_jvp(
            "data_rows_rewritten",
            3,
            |w| data_rows_rewritten_grad(w, &data),
            |w, t| data_rows_rewritten_jvp(w, &data, t),
        );
    }
}

// A sum in f64 of f32 elements cast, and a sum in f32 of f64 products cast: the loop's unit
// adjoint is scaled by a seed of the other float type.
#[differentiable]
fn widened(w: &[f64], x: &[f32]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += w[i] * x[i] as f64;
    }
    s.sin()
}

#[differentiable]
fn narrowed(x: &[f64]) -> f32 {
    let mut s = 0.0f32;
    for i in 0..x.len() {
        s += (x[i] * x[i]) as f32;
    }
    s.sqrt()
}

#[test]
fn sums_cast_between_float_types() {
    use super::oracle::assert_close;
    for seed in 0..4 {
        let w = random(seed, 3);
        let x: Vec<f32> = random(seed + 10, 3).iter().map(|&v| v as f32).collect();
        let (value, (gw, gx)) = widened_grad(&w, &x);
        let dot: f64 = w.iter().zip(&x).map(|(a, &b)| a * b as f64).sum();
        assert_close("widened", value, dot.sin(), 1e-12, 1e-12);
        for i in 0..3 {
            assert_close("widened: w", gw[i], dot.cos() * x[i] as f64, 1e-12, 1e-12);
            assert_close("widened: x", gx[i] as f64, dot.cos() * w[i], 1e-6, 1e-6);
        }
        check(
            "widened",
            3,
            |w| widened(w, &x),
            |w| {
                let (v, (g, _)) = widened_grad(w, &x);
                (v, g)
            },
        );
        let (value, g) = narrowed_grad(&w);
        let norm = w.iter().map(|v| v * v).sum::<f64>().sqrt();
        assert_close("narrowed", value as f64, norm, 1e-6, 1e-6);
        for i in 0..3 {
            assert_close("narrowed: x", g[i], w[i] / norm, 1e-5, 1e-5);
        }
    }
}

fn refill(row: &mut [f64], data: &[f64], i: usize) -> f64 {
    for j in 0..row.len() {
        row[j] = data[(i * row.len() + j) % data.len()] * 2.0;
    }
    data[i % data.len()]
}

// The constant buffer rewritten by a plain function inside the active expression that
// reads the helper's result, and in a later statement's: the call's backward step reads a
// copy of it.
#[differentiable(wrt(w))]
fn rewritten_in_expression(w: &[f64], data: &[f64]) -> f64 {
    let mut row = data[..3].to_vec();
    let mut s = 0.0;
    for i in 0..4 {
        s += weighted_sq(w, &row) * refill(&mut row, data, i + 1);
        let q = weighted_sq(w, &row);
        s += q.sin() * refill(&mut row, data, i + 2);
    }
    s
}

#[test]
fn constant_buffers_rewritten_in_expressions() {
    for seed in 0..4 {
        let data = random(200 + seed, 7);
        check(
            "rewritten_in_expression",
            3,
            |w| rewritten_in_expression(w, &data),
            |w| rewritten_in_expression_grad(w, &data),
        );
    }
}
