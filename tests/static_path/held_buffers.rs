//! Split callees whose first local buffer is held in place, in an array on the stack frame,
//! when it is short (at most `HELD_LEN` = 8 elements), and lent by the call site when longer:
//! callers whose slices cross that length from one call to the next, with records in
//! flight or summed, so that held and lent records of the same callee lie on one stack;
//! a held buffer beside a lent one kept whole; a held buffer the backward sweep does not
//! read; a held buffer filled with ones and partly rewritten; buffers swapped; items after
//! the buffer's `let` (then it is lent) and assertions (it stays held); `f32`. Each against central differences and the
//! JVP.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::manual_memcpy,
    clippy::useless_vec,
    unused
)]

use super::cases::{check, check_jvp};
use autodiff::differentiable;
use num_traits::Float;

// ---------------------------------------------------------------- callees

/// Two buffers, both read by the backward sweep: `a` (held when short) and `b`, one
/// shorter, lent and kept.
#[differentiable]
fn h_two(x: &[f64]) -> f64 {
    let n = x.len();
    let mut a = vec![0.0; n];
    let mut b = vec![0.5; n - 1];
    for i in 0..n {
        a[i] = x[i] * x[i] + 0.3 * x[i];
    }
    for i in 0..n - 1 {
        b[i] = b[i] * a[i + 1] - x[i];
    }
    let mut s = 0.0;
    for i in 0..n - 1 {
        s = s + a[i] * b[i] + b[i] * b[i] * 0.25;
    }
    s
}

/// A held buffer the backward sweep does not read (its values go straight into a sum).
#[differentiable]
fn h_unread(x: &[f64]) -> f64 {
    let n = x.len();
    let mut w = vec![0.0; n];
    let mut s = 0.0;
    for i in 0..n {
        w[i] = x[i] * 2.0;
    }
    for i in 0..n {
        s = s + x[i].sin() * 1.5;
    }
    s + x[0] * x[n - 1]
}

/// A triangular product, as in the GMM's `|Q v|^2`: the held buffer is written, updated
/// and read.
#[differentiable]
fn h_tri<T: Float>(d: &[T], l: &[T], v: &[T]) -> T {
    let n = v.len();
    let mut z = vec![T::zero(); n];
    for j in 0..n {
        z[j] = d[j] * v[j];
    }
    let mut k = 0;
    for col in 0..n {
        for row in col + 1..n {
            z[row] = z[row] + l[k] * v[col];
            k += 1;
        }
    }
    let mut s = T::zero();
    for j in 0..n {
        s = s + z[j] * z[j];
    }
    s
}

/// A held buffer filled with ones, half of it rewritten, then read whole.
#[differentiable]
fn h_ones(x: &[f64]) -> f64 {
    let n = x.len();
    let mut w = vec![1.0; n];
    for i in 0..n / 2 {
        w[2 * i] = w[2 * i + 1] * x[i] + x[n - 1 - i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s + w[i] * w[i] * x[i];
    }
    s
}

/// Two buffers swapped in a loop: the names trade contents.
#[differentiable]
fn h_swap(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = vec![0.0; n];
    let mut v = vec![0.0; n];
    for i in 0..n {
        u[i] = x[i];
    }
    for step in 0..3 {
        for i in 0..n {
            v[i] = u[i] * 0.9 + u[(i + 1) % n] * u[i] * 0.2;
        }
        (u, v) = (v, u);
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s + u[i] * (i as f64 + 1.0);
    }
    s
}

/// Items after the buffer's `let`, named before it: the buffer is lent, not held (the
/// code from the `let` on would go into the two arms of the choice).
#[differentiable]
fn h_items(x: &[f64]) -> f64 {
    let m = half(x.len()) - OFF;
    let mut z = vec![0.0; m];
    for i in 0..m {
        z[i] = x[i] * x[i + m];
    }
    let mut s = 0.0;
    for i in 0..m {
        s = s + z[i] * z[i];
    }
    fn half(n: usize) -> usize {
        n / 2 + 1
    }
    const OFF: usize = 1;
    s
}

/// Assertions after the buffer's `let` declare no item: the buffer is held.
#[differentiable]
fn h_asserts(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.25; n];
    assert!(n >= 2, "two elements at least");
    for i in 1..n {
        z[i] = z[i - 1] * x[i] + x[i - 1];
    }
    debug_assert_eq!(n, x.len());
    let mut s = 0.0;
    for i in 0..n {
        s = s + z[i] * x[i];
    }
    s
}

// ---------------------------------------------------------------- callers

/// Slices of lengths `n`, `n - 1`, .. `n - 5`, records in flight.
macro_rules! shrinking {
    ($name:ident, $callee:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut t = 0.0;
            for c in 0..6 {
                let q = $callee(&x[c..]);
                t = t * 0.4 + q * x[c];
            }
            t
        }
    };
}

/// Slices of alternating lengths, each call's backward sweep right after its record.
macro_rules! alternating_sum {
    ($name:ident, $callee:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut s = 0.0;
            for c in 0..6 {
                s = s + $callee(&x[(c % 2) * 5..]);
            }
            s
        }
    };
}

shrinking!(shrinking_two, h_two);
alternating_sum!(alternating_two, h_two);
shrinking!(shrinking_unread, h_unread);
alternating_sum!(alternating_unread, h_unread);
shrinking!(shrinking_ones, h_ones);
alternating_sum!(alternating_ones, h_ones);
shrinking!(shrinking_items, h_items);
shrinking!(shrinking_asserts, h_asserts);
shrinking!(shrinking_swap, h_swap);
alternating_sum!(alternating_swap, h_swap);

// Lengths from 12 down to 7, and 12 against 7: held and lent records on one stack.
case!(
    c_shrinking_two,
    shrinking_two,
    shrinking_two_grad,
    shrinking_two_jvp,
    12
);
case!(
    c_alternating_two,
    alternating_two,
    alternating_two_grad,
    alternating_two_jvp,
    12
);
case!(
    c_shrinking_unread,
    shrinking_unread,
    shrinking_unread_grad,
    shrinking_unread_jvp,
    12
);
case!(
    c_alternating_unread,
    alternating_unread,
    alternating_unread_grad,
    alternating_unread_jvp,
    12
);
case!(
    c_shrinking_ones,
    shrinking_ones,
    shrinking_ones_grad,
    shrinking_ones_jvp,
    12
);
case!(
    c_alternating_ones,
    alternating_ones,
    alternating_ones_grad,
    alternating_ones_jvp,
    12
);
case!(
    c_shrinking_items,
    shrinking_items,
    shrinking_items_grad,
    shrinking_items_jvp,
    12
);
case!(
    c_shrinking_asserts,
    shrinking_asserts,
    shrinking_asserts_grad,
    shrinking_asserts_jvp,
    12
);
case!(
    c_shrinking_swap,
    shrinking_swap,
    shrinking_swap_grad,
    shrinking_swap_jvp,
    12
);
case!(
    c_alternating_swap,
    alternating_swap,
    alternating_swap_grad,
    alternating_swap_jvp,
    12
);

/// `h_tri` on components of dimension 1 to 10 in one loop, records in flight, in `T`.
#[differentiable]
fn tri_dims<T: Float>(x: &[T]) -> T {
    let mut t = T::zero();
    let mut at = 0;
    for n in 1..11 {
        let m = n * (n - 1) / 2;
        let q = h_tri(&x[at..at + n], &x[at + n..at + n + m], &x[..n]);
        t = t * T::from(0.5).unwrap() + q;
        at += 2;
    }
    t
}

#[test]
fn a_buffer_crossing_the_in_place_length_in_one_loop() {
    // The last call reads up to x[18 + 10 + 45].
    let n = 74;
    check("tri_dims", n, tri_dims, tri_dims_grad);
    check_jvp("tri_dims", n, tri_dims_grad, tri_dims_jvp);
}

#[test]
fn a_held_buffer_in_f32() {
    let x: Vec<f64> = (0..74).map(|i| ((i as f64) * 0.37).sin() * 0.3).collect();
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let (v64, g64) = tri_dims_grad(&x);
    let (v32, g32) = tri_dims_grad(&x32);
    assert!((v32 as f64 - v64).abs() <= 1e-4 * v64.abs().max(1.0));
    for (a, b) in g32.iter().zip(&g64) {
        assert!(
            (*a as f64 - b).abs() <= 1e-3 * b.abs().max(1.0),
            "{a} vs {b}"
        );
    }
}
