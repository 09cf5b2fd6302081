//! Split callees whose local `vec!` buffers the record keeps for the backward sweep
//! (`Stack::keep`, `Stack::take_kept`): several buffers of different and zero lengths, kept
//! beside buffers copied onto the stack, generic, `f32` and `DVector` callees, and callers
//! whose loops only sum (buffers kept whole) or keep many records in flight (buffers copied),
//! with slices that change length, two call sites, nested loops, `break`, `return` and
//! pullbacks; also callees that are not split, as callees in the same loops. Each against
//! central differences and the JVP.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::manual_memcpy,
    clippy::useless_vec,
    clippy::ptr_arg,
    clippy::eq_op,
    unused
)]

use super::cases::{check, check_jvp, random};
use super::oracle::{assert_all_close, assert_close, fd_slice};
use autodiff::differentiable;
use nalgebra::DVector;
use num_traits::Float;

// ---------------------------------------------------------------- callees

/// Three buffers of different lengths (n, n-1, 2), one filled with 1.0.
#[differentiable]
fn k_three(x: &[f64]) -> f64 {
    let n = x.len();
    let mut a = vec![0.0; n];
    let mut b = vec![0.0; n - 1];
    let mut c = vec![1.0; 2];
    for i in 0..n {
        a[i] = x[i].sin() + 0.5;
    }
    for i in 0..n - 1 {
        b[i] = a[i] * x[i + 1];
    }
    for i in 0..2 {
        c[i] = c[i] * x[i] + a[n - 1];
    }
    let mut s = 0.0;
    for i in 0..n - 1 {
        s = s * 0.7 + b[i] * b[i] + a[i] * c[i % 2];
    }
    s + c[0] * c[1]
}

/// A buffer written only where a branch on an active value goes one way.
#[differentiable]
fn k_cond(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.25; n];
    for i in 0..n {
        if x[i] > 0.0 {
            z[i] = x[i] * x[i] + x[0];
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s * 0.5 + z[i] * x[i];
    }
    s
}

/// A buffer of length 0 next to one of length n.
#[differentiable]
fn k_empty(x: &[f64]) -> f64 {
    let n = x.len();
    let mut e = vec![0.0; n - n];
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i].cos();
    }
    for i in 0..e.len() {
        e[i] = x[i] * 3.0;
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s + z[i] * z[i] * x[i];
    }
    for i in 0..e.len() {
        s = s + e[i] * z[i];
    }
    s
}

/// Buffer length from an argument (`m` may be 0).
#[differentiable]
fn k_len_arg(x: &[f64], m: usize) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; m];
    for i in 0..m {
        z[i] = x[i % n] * x[0] + 0.1 * (i as f64);
    }
    let mut s = 0.0;
    for i in 0..m {
        s = s * 0.9 + z[i] * z[i];
    }
    s + x[1]
}

/// Four kept buffers, two of them of length 0 (one always, one when `n == 3`).
#[differentiable]
fn k_empty2(x: &[f64]) -> f64 {
    let n = x.len();
    let m = n - 3;
    let mut e = vec![0.0; n - n];
    let mut z = vec![0.0; n];
    let mut f = vec![0.0; m];
    let mut g = vec![0.0; 2];
    for i in 0..n {
        z[i] = x[i].cos();
    }
    for i in 0..n - n {
        e[i] = x[i] * 3.0;
    }
    for i in 0..m {
        f[i] = z[i] * x[i + 1];
    }
    for i in 0..2 {
        g[i] = z[i + 1] * z[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s * 0.5 + z[i] * x[i];
    }
    for i in 0..n - n {
        s = s * 0.5 + e[i] * z[i];
    }
    for i in 0..m {
        s = s * 0.5 + f[i] * g[i % 2];
    }
    s
}

/// A kept buffer next to a typed one (copied with `push_slice`) and a DVector buffer.
#[differentiable]
fn k_mixed(x: &[f64]) -> f64 {
    let n = x.len();
    let mut a: Vec<f64> = vec![0.0; n];
    let mut b = vec![0.0; n - 1];
    let mut d = DVector::zeros(2);
    let mut c = vec![0.0; 3];
    for i in 0..n {
        a[i] = x[i].sin();
    }
    for i in 0..n - 1 {
        b[i] = a[i + 1] * x[i];
    }
    for i in 0..2 {
        d[i] = b[i] * a[i];
    }
    for i in 0..3 {
        c[i] = d[i % 2] + x[i];
    }
    let mut s = 0.0;
    for i in 0..n - 1 {
        s = s * 0.5 + a[i] * b[i] + c[i % 3] * d[i % 2];
    }
    s
}

/// Branch-free "conditional" writes: `abs`, `max`.
#[differentiable]
fn k_absmax(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    let mut w = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i].abs() + 0.1;
        w[i] = x[i].max(x[(i + 1) % n]);
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s * 0.5 + z[i] * w[i];
    }
    s
}

/// The buffer passed to another differentiable function inside a loop.
#[differentiable]
fn k_dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s = s + a[i] * b[i];
    }
    s
}
#[differentiable]
fn k_passes(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i].sin();
    }
    let mut s = 0.0;
    for k in 0..2 {
        s = s + k_dot(&z, x) * z[k];
    }
    s
}

/// The buffer reborrowed as a slice inside a loop.
#[differentiable]
fn k_reborrow(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i] * x[i] + 1.0;
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s + k_dot(&z[i..], &x[i..]) * x[(i + 1) % n];
    }
    s
}

/// A buffer shadowed by a second `let mut z` of another length.
#[differentiable]
fn k_shadow(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i] * 2.0 + 1.0;
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s + z[i] * z[i];
    }
    let mut z = vec![0.0; 2];
    for i in 0..2 {
        z[i] = x[i] * s;
    }
    z[0] * z[1] + s
}

/// A buffer declared inside a block.
#[differentiable]
fn k_block(x: &[f64]) -> f64 {
    let n = x.len();
    let s = {
        let mut z = vec![0.0; n];
        for i in 0..n {
            z[i] = x[i].sin();
        }
        let mut s = 0.0;
        for i in 0..n {
            s = s + z[i] * z[i] * x[i];
        }
        s
    };
    s * x[0]
}

/// A buffer in a loop body (same name as a top-level buffer after it).
#[differentiable]
fn k_same_name(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = 0.0;
    for k in 0..2 {
        let mut z = vec![0.0; 2];
        for i in 0..2 {
            z[i] = x[i + k] * x[i];
        }
        t = t + z[0] * z[1];
    }
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i] * t;
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s + z[i] * z[i];
    }
    s
}

/// Generic `T: Float` buffers.
#[differentiable]
fn k_generic<T: Float>(x: &[T]) -> T {
    let n = x.len();
    let mut z = vec![T::zero(); n];
    let mut w = vec![T::one(); 3];
    for i in 0..n {
        z[i] = x[i].sin() * x[0];
    }
    for j in 0..3 {
        w[j] = w[j] + z[j] * z[(j + 1) % n];
    }
    let mut s = T::zero();
    for i in 0..n {
        s = s * T::from(0.5).unwrap() + z[i] * w[i % 3];
    }
    s
}

/// f32 callee.
#[differentiable]
fn k_f32(x: &[f32]) -> f32 {
    let n = x.len();
    let mut z = vec![0.0; n];
    let mut w = vec![0.0; 2];
    for i in 0..n {
        z[i] = x[i] * x[i] + 0.5;
    }
    for i in 0..2 {
        w[i] = z[i] * x[n - 1 - i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s + z[i] * w[i % 2];
    }
    s
}

/// A nalgebra DVector buffer.
#[differentiable]
fn k_dvec(x: &DVector<f64>) -> f64 {
    let n = x.len();
    let mut z = DVector::zeros(n);
    for i in 0..n {
        z[i] = x[i].sin() * x[0];
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s * 0.5 + z[i] * z[i];
    }
    s
}

/// Read only: a `let mut` buffer the backward sweep reads but nothing writes after the
/// `let`, and a buffer written twice (the second loop overwrites the first's values).
#[differentiable]
fn k_overwrite(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.5; n];
    let mut w = vec![0.0; n];
    let mut s = 0.0;
    for i in 0..n {
        w[i] = x[i] * z[i];
        s = s + w[i] * w[i];
    }
    for i in 0..n {
        w[i] = s * x[i];
    }
    let mut t = 0.0;
    for i in 0..n {
        t = t + w[i] * x[i];
    }
    t + s
}

/// Early return in the callee's loop with a buffer.
#[differentiable]
fn k_ret(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i] * x[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        if i == 3 {
            return s * z[0];
        }
        s = s * 0.5 + z[i] * x[i];
    }
    s
}

/// A `while` loop over a buffer.
#[differentiable]
fn k_while(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    let mut i = 0;
    while i < n {
        z[i] = x[i].exp();
        i += 1;
    }
    let mut s = 0.0;
    for j in 0..n {
        s = s + z[j] * x[j];
    }
    s
}

// ---------------------------------------------------------------- callers

/// Pullbacks of the callers, several seeds each, against the vjp and central differences.
macro_rules! pullback_case {
    ($test:ident, $f:ident, $pb:ident, $n:expr) => {
        #[test]
        fn $test() {
            for s in 0..4 {
                let x = random(s, $n);
                let (value, pullback) = $pb(&x);
                assert_close("value", value, $f(&x), 1e-12, 1e-12);
                let fd = fd_slice(|x| $f(x), &x);
                for seed in [1.0, -0.5, 2.5] {
                    let g = pullback(seed);
                    let want: Vec<f64> = fd.iter().map(|d| d * seed).collect();
                    assert_all_close(stringify!($f), &g, &want, 1e-5, 1e-6);
                }
            }
        }
    };
}

/// Many records in flight: the loop does not only sum.
macro_rules! inflight {
    ($name:ident, $callee:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut t = 0.0;
            for c in 0..3 {
                let q = $callee(x);
                t = t * q * 0.3 + q;
            }
            t
        }
    };
}

/// A loop that only sums: each backward step right after its record.
macro_rules! summer {
    ($name:ident, $callee:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut s = 0.0;
            for c in 0..3 {
                s = s + $callee(x);
            }
            s
        }
    };
}

/// Different-length slices per iteration, records in flight.
macro_rules! sliding {
    ($name:ident, $callee:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut t = 0.0;
            for c in 0..3 {
                let q = $callee(&x[c..]);
                t = t * q * 0.3 + q;
            }
            t
        }
    };
}

/// Different-length slices per iteration, summing.
macro_rules! sliding_sum {
    ($name:ident, $callee:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut s = 0.0;
            for c in 0..3 {
                s = s + $callee(&x[c..]);
            }
            s
        }
    };
}

/// Two call sites of the same callee in one iteration, on different-length slices.
macro_rules! two_sites {
    ($name:ident, $callee:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut t = 0.0;
            for c in 0..3 {
                let p = $callee(&x[c..]);
                let q = $callee(&x[..x.len() - c]);
                t = t * 0.5 + p * q;
            }
            t
        }
    };
}

/// Nested loops in the caller, inner summing, outer not.
macro_rules! nested {
    ($name:ident, $callee:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut t = 0.0;
            for c in 0..2 {
                let mut s = 0.0;
                for k in 0..3 {
                    s = s + $callee(&x[k..]);
                }
                t = t * s * 0.2 + s;
            }
            t
        }
    };
}

/// Nested loops in the caller, neither summing.
macro_rules! nested2 {
    ($name:ident, $callee:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut t = 0.0;
            for c in 0..2 {
                for k in 0..2 {
                    let q = $callee(&x[k + c..]);
                    t = t * q * 0.3 + q;
                }
                t = t * 0.9;
            }
            t
        }
    };
}

/// Break out of the caller's loop after an active test.
macro_rules! breaking {
    ($name:ident, $callee:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut t = 0.0;
            for c in 0..4 {
                let q = $callee(&x[c % 2..]);
                t = t * q * 0.3 + q;
                if c == 2 {
                    break;
                }
            }
            t
        }
    };
}

/// Early return from the caller's loop.
macro_rules! returning {
    ($name:ident, $callee:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut t = 0.0;
            for c in 0..4 {
                let q = $callee(&x[c % 2..]);
                t = t * q * 0.3 + q;
                if c == 2 {
                    return t * x[0];
                }
            }
            t
        }
    };
}

/// A callee at two different call sites: in a summing loop and in a non-summing loop.
macro_rules! two_loops {
    ($name:ident, $callee:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut s = 0.0;
            for c in 0..2 {
                s = s + $callee(&x[c..]);
            }
            let mut t = s;
            for c in 0..3 {
                let q = $callee(&x[..x.len() - c]);
                t = t * q * 0.2 + q;
            }
            t
        }
    };
}

inflight!(inflight_three, k_three);
summer!(summer_three, k_three);
sliding!(sliding_three, k_three);
sliding_sum!(sliding_sum_three, k_three);
two_sites!(two_sites_three, k_three);
nested!(nested_three, k_three);
nested2!(nested2_three, k_three);
breaking!(breaking_three, k_three);
returning!(returning_three, k_three);
two_loops!(two_loops_three, k_three);
case!(c_k_three, k_three, k_three_grad, k_three_jvp, 6);
case!(
    c_inflight_three,
    inflight_three,
    inflight_three_grad,
    inflight_three_jvp,
    6
);
case!(
    c_summer_three,
    summer_three,
    summer_three_grad,
    summer_three_jvp,
    6
);
case!(
    c_sliding_three,
    sliding_three,
    sliding_three_grad,
    sliding_three_jvp,
    6
);
case!(
    c_sliding_sum_three,
    sliding_sum_three,
    sliding_sum_three_grad,
    sliding_sum_three_jvp,
    6
);
case!(
    c_two_sites_three,
    two_sites_three,
    two_sites_three_grad,
    two_sites_three_jvp,
    6
);
case!(
    c_nested_three,
    nested_three,
    nested_three_grad,
    nested_three_jvp,
    6
);
case!(
    c_nested2_three,
    nested2_three,
    nested2_three_grad,
    nested2_three_jvp,
    6
);
case!(
    c_breaking_three,
    breaking_three,
    breaking_three_grad,
    breaking_three_jvp,
    6
);
case!(
    c_returning_three,
    returning_three,
    returning_three_grad,
    returning_three_jvp,
    6
);
case!(
    c_two_loops_three,
    two_loops_three,
    two_loops_three_grad,
    two_loops_three_jvp,
    6
);

inflight!(inflight_cond, k_cond);
summer!(summer_cond, k_cond);
sliding!(sliding_cond, k_cond);
nested!(nested_cond, k_cond);
case!(
    c_inflight_cond,
    inflight_cond,
    inflight_cond_grad,
    inflight_cond_jvp,
    5
);
case!(
    c_summer_cond,
    summer_cond,
    summer_cond_grad,
    summer_cond_jvp,
    5
);
case!(
    c_sliding_cond,
    sliding_cond,
    sliding_cond_grad,
    sliding_cond_jvp,
    5
);
case!(
    c_nested_cond,
    nested_cond,
    nested_cond_grad,
    nested_cond_jvp,
    5
);

inflight!(inflight_empty, k_empty);
summer!(summer_empty, k_empty);
sliding!(sliding_empty, k_empty);
nested2!(nested2_empty, k_empty);
case!(
    c_inflight_empty,
    inflight_empty,
    inflight_empty_grad,
    inflight_empty_jvp,
    5
);
case!(
    c_summer_empty,
    summer_empty,
    summer_empty_grad,
    summer_empty_jvp,
    5
);
case!(
    c_sliding_empty,
    sliding_empty,
    sliding_empty_grad,
    sliding_empty_jvp,
    5
);
case!(
    c_nested2_empty,
    nested2_empty,
    nested2_empty_grad,
    nested2_empty_jvp,
    5
);

/// Lengths 0..=3 from the loop counter, in flight.
#[differentiable]
fn inflight_len_arg(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..4 {
        let q = k_len_arg(x, c);
        t = t * q * 0.3 + q;
    }
    t
}
/// Lengths 0, 3, 1, 4, 2 from the loop counter, summing.
#[differentiable]
fn summer_len_arg(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for c in 0..5 {
        s = s + k_len_arg(x, (c * 3) % 5);
    }
    s
}
/// Lengths from an outer and inner counter, nested.
#[differentiable]
fn nested_len_arg(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..3 {
        let mut s = 0.0;
        for k in 0..3 {
            s = s + k_len_arg(x, (c * 2 + k) % 4);
        }
        t = t * s * 0.2 + s;
        let q = k_len_arg(x, 3 - c);
        t = t + q;
    }
    t
}
case!(
    c_inflight_len_arg,
    inflight_len_arg,
    inflight_len_arg_grad,
    inflight_len_arg_jvp,
    4
);
case!(
    c_summer_len_arg,
    summer_len_arg,
    summer_len_arg_grad,
    summer_len_arg_jvp,
    4
);
case!(
    c_nested_len_arg,
    nested_len_arg,
    nested_len_arg_grad,
    nested_len_arg_jvp,
    4
);

inflight!(inflight_passes, k_passes);
summer!(summer_passes, k_passes);
case!(
    c_inflight_passes,
    inflight_passes,
    inflight_passes_grad,
    inflight_passes_jvp,
    4
);
case!(
    c_summer_passes,
    summer_passes,
    summer_passes_grad,
    summer_passes_jvp,
    4
);

inflight!(inflight_reborrow, k_reborrow);
summer!(summer_reborrow, k_reborrow);
case!(
    c_inflight_reborrow,
    inflight_reborrow,
    inflight_reborrow_grad,
    inflight_reborrow_jvp,
    4
);
case!(
    c_summer_reborrow,
    summer_reborrow,
    summer_reborrow_grad,
    summer_reborrow_jvp,
    4
);

inflight!(inflight_shadow, k_shadow);
sliding_sum!(sliding_sum_shadow, k_shadow);
case!(
    c_inflight_shadow,
    inflight_shadow,
    inflight_shadow_grad,
    inflight_shadow_jvp,
    5
);
case!(
    c_sliding_sum_shadow,
    sliding_sum_shadow,
    sliding_sum_shadow_grad,
    sliding_sum_shadow_jvp,
    5
);

inflight!(inflight_block, k_block);
summer!(summer_block, k_block);
case!(
    c_inflight_block,
    inflight_block,
    inflight_block_grad,
    inflight_block_jvp,
    4
);
case!(
    c_summer_block,
    summer_block,
    summer_block_grad,
    summer_block_jvp,
    4
);

inflight!(inflight_same_name, k_same_name);
sliding_sum!(sliding_sum_same_name, k_same_name);
case!(
    c_inflight_same_name,
    inflight_same_name,
    inflight_same_name_grad,
    inflight_same_name_jvp,
    5
);
case!(
    c_sliding_sum_same_name,
    sliding_sum_same_name,
    sliding_sum_same_name_grad,
    sliding_sum_same_name_jvp,
    5
);

#[differentiable]
fn inflight_generic(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..3 {
        let q = k_generic(&x[c..]);
        t = t * q * 0.3 + q;
    }
    t
}
#[differentiable]
fn summer_generic<T: Float>(x: &[T]) -> T {
    let mut s = T::zero();
    for c in 0..3 {
        s = s + k_generic(&x[c..]);
    }
    s
}
#[differentiable]
fn inflight_generic_t<T: Float>(x: &[T]) -> T {
    let mut t = T::zero();
    for c in 0..3 {
        let q = k_generic(&x[c..]);
        t = t * q * T::from(0.3).unwrap() + q;
    }
    t
}
case!(
    c_inflight_generic,
    inflight_generic,
    inflight_generic_grad,
    inflight_generic_jvp,
    6
);
case!(
    c_summer_generic,
    summer_generic,
    summer_generic_grad,
    summer_generic_jvp,
    6
);
case!(
    c_inflight_generic_t,
    inflight_generic_t,
    inflight_generic_t_grad,
    inflight_generic_t_jvp,
    6
);

/// The generic callers at f32, against f64 central differences of the f64 instance.
#[test]
fn generic_callers_in_f32() {
    for seed in 0..4 {
        let x = random(seed, 6);
        let x32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
        for (g32, f64f) in [
            (
                summer_generic_grad::<f32>(&x32).1,
                (|x: &[f64]| summer_generic(x)) as fn(&[f64]) -> f64,
            ),
            (
                inflight_generic_t_grad::<f32>(&x32).1,
                (|x: &[f64]| inflight_generic_t(x)) as fn(&[f64]) -> f64,
            ),
        ] {
            let fd = fd_slice(f64f, &x);
            let g: Vec<f64> = g32.iter().map(|v| *v as f64).collect();
            assert_all_close("generic f32", &g, &fd, 2e-3, 2e-3);
        }
    }
}

#[differentiable]
fn inflight_f32(x: &[f32]) -> f32 {
    let mut t = 0.0;
    for c in 0..3 {
        let q = k_f32(&x[c..]);
        t = t * q * 0.3 + q;
    }
    t
}
#[differentiable]
fn summer_f32(x: &[f32]) -> f32 {
    let mut s = 0.0;
    for c in 0..3 {
        s = s + k_f32(&x[c..]);
    }
    s
}
#[test]
fn f32_callers() {
    for seed in 0..4 {
        let x = random(seed, 6);
        let x32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
        // f64 twin for the oracle.
        let f64_k = |x: &[f64]| -> f64 {
            let n = x.len();
            let z: Vec<f64> = x.iter().map(|v| v * v + 0.5).collect();
            let w: Vec<f64> = (0..2).map(|i| z[i] * x[n - 1 - i]).collect();
            (0..n).map(|i| z[i] * w[i % 2]).sum()
        };
        let inflight = |x: &[f64]| {
            let mut t = 0.0;
            for c in 0..3 {
                let q = f64_k(&x[c..]);
                t = t * q * 0.3 + q;
            }
            t
        };
        let summer = |x: &[f64]| (0..3).map(|c| f64_k(&x[c..])).sum::<f64>();
        let g1: Vec<f64> = inflight_f32_grad(&x32)
            .1
            .iter()
            .map(|v| *v as f64)
            .collect();
        let g2: Vec<f64> = summer_f32_grad(&x32).1.iter().map(|v| *v as f64).collect();
        assert_all_close("inflight f32", &g1, &fd_slice(inflight, &x), 2e-3, 2e-3);
        assert_all_close("summer f32", &g2, &fd_slice(summer, &x), 2e-3, 2e-3);
    }
}

#[differentiable]
fn inflight_dvec(x: &DVector<f64>) -> f64 {
    let mut t = 0.0;
    for c in 0..3 {
        let q = k_dvec(x);
        t = t * q * 0.3 + q;
    }
    t
}
#[differentiable]
fn summer_dvec(x: &DVector<f64>) -> f64 {
    let mut s = 0.0;
    for c in 0..3 {
        s = s + k_dvec(x) * x[c];
    }
    s
}
#[test]
fn dvec_callers() {
    for seed in 0..4 {
        let x = random(seed, 5);
        let f1 = |x: &[f64]| inflight_dvec(&DVector::from_column_slice(x));
        let f2 = |x: &[f64]| summer_dvec(&DVector::from_column_slice(x));
        let xv = DVector::from_column_slice(&x);
        let g1: Vec<f64> = inflight_dvec_grad(&xv).1.iter().copied().collect();
        let g2: Vec<f64> = summer_dvec_grad(&xv).1.iter().copied().collect();
        assert_all_close("inflight dvec", &g1, &fd_slice(f1, &x), 1e-5, 1e-6);
        assert_all_close("summer dvec", &g2, &fd_slice(f2, &x), 1e-5, 1e-6);
    }
}

inflight!(inflight_overwrite, k_overwrite);
sliding_sum!(sliding_sum_overwrite, k_overwrite);
nested2!(nested2_overwrite, k_overwrite);
case!(
    c_inflight_overwrite,
    inflight_overwrite,
    inflight_overwrite_grad,
    inflight_overwrite_jvp,
    5
);
case!(
    c_sliding_sum_overwrite,
    sliding_sum_overwrite,
    sliding_sum_overwrite_grad,
    sliding_sum_overwrite_jvp,
    5
);
case!(
    c_nested2_overwrite,
    nested2_overwrite,
    nested2_overwrite_grad,
    nested2_overwrite_jvp,
    5
);

inflight!(inflight_mixed, k_mixed);
summer!(summer_mixed, k_mixed);
sliding!(sliding_mixed, k_mixed);
sliding_sum!(sliding_sum_mixed, k_mixed);
nested!(nested_mixed, k_mixed);
two_sites!(two_sites_mixed, k_mixed);
case!(c_k_mixed, k_mixed, k_mixed_grad, k_mixed_jvp, 6);
case!(
    c_inflight_mixed,
    inflight_mixed,
    inflight_mixed_grad,
    inflight_mixed_jvp,
    6
);
case!(
    c_summer_mixed,
    summer_mixed,
    summer_mixed_grad,
    summer_mixed_jvp,
    6
);
case!(
    c_sliding_mixed,
    sliding_mixed,
    sliding_mixed_grad,
    sliding_mixed_jvp,
    6
);
case!(
    c_sliding_sum_mixed,
    sliding_sum_mixed,
    sliding_sum_mixed_grad,
    sliding_sum_mixed_jvp,
    6
);
case!(
    c_nested_mixed,
    nested_mixed,
    nested_mixed_grad,
    nested_mixed_jvp,
    6
);
case!(
    c_two_sites_mixed,
    two_sites_mixed,
    two_sites_mixed_grad,
    two_sites_mixed_jvp,
    6
);

inflight!(inflight_absmax, k_absmax);
sliding_sum!(sliding_sum_absmax, k_absmax);
nested2!(nested2_absmax, k_absmax);
case!(
    c_inflight_absmax,
    inflight_absmax,
    inflight_absmax_grad,
    inflight_absmax_jvp,
    5
);
case!(
    c_sliding_sum_absmax,
    sliding_sum_absmax,
    sliding_sum_absmax_grad,
    sliding_sum_absmax_jvp,
    5
);
case!(
    c_nested2_absmax,
    nested2_absmax,
    nested2_absmax_grad,
    nested2_absmax_jvp,
    5
);

inflight!(inflight_empty2, k_empty2);
summer!(summer_empty2, k_empty2);
sliding!(sliding_empty2, k_empty2);
sliding_sum!(sliding_sum_empty2, k_empty2);
nested!(nested_empty2, k_empty2);
case!(c_k_empty2, k_empty2, k_empty2_grad, k_empty2_jvp, 5);
case!(
    c_inflight_empty2,
    inflight_empty2,
    inflight_empty2_grad,
    inflight_empty2_jvp,
    5
);
case!(
    c_summer_empty2,
    summer_empty2,
    summer_empty2_grad,
    summer_empty2_jvp,
    5
);
case!(
    c_sliding_empty2,
    sliding_empty2,
    sliding_empty2_grad,
    sliding_empty2_jvp,
    5
);
case!(
    c_sliding_sum_empty2,
    sliding_sum_empty2,
    sliding_sum_empty2_grad,
    sliding_sum_empty2_jvp,
    5
);
case!(
    c_nested_empty2,
    nested_empty2,
    nested_empty2_grad,
    nested_empty2_jvp,
    5
);

/// The call in a branch of the caller's loop (inactive and active conditions).
#[differentiable]
fn branch_inactive(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..4 {
        if c % 2 == 0 {
            let q = k_three(&x[c / 2..]);
            t = t * q * 0.3 + q;
        } else {
            t = t * x[c];
        }
    }
    t
}
#[differentiable]
fn branch_active(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..4 {
        if x[c] > 0.0 {
            let q = k_mixed(&x[c % 2..]);
            t = t * q * 0.3 + q;
        } else {
            t = t * x[c] + 0.1;
        }
    }
    t
}
/// `continue` in the caller's loop.
#[differentiable]
fn continuing(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..4 {
        if c == 1 {
            continue;
        }
        let q = k_three(&x[c % 2..]);
        t = t * q * 0.3 + q;
    }
    t
}
/// A `while` loop in the caller.
#[differentiable]
fn while_caller(x: &[f64]) -> f64 {
    let mut t = 0.0;
    let mut c = 0;
    while c < 3 {
        let q = k_three(&x[c..]);
        t = t * q * 0.3 + q;
        c += 1;
    }
    t
}
/// Two callees with kept buffers in one loop, and a third call of one at the top.
#[differentiable]
fn two_callees(x: &[f64]) -> f64 {
    let mut t = k_three(x);
    for c in 0..3 {
        let p = k_three(&x[c..]);
        let q = k_empty2(&x[..x.len() - c]);
        let r = k_absmax(&x[c..]);
        t = t * 0.3 * p + q * r;
    }
    t
}
/// Inner loop bounds from the outer counter (triangular), records in flight.
#[differentiable]
fn triangular(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..3 {
        for k in c..3 {
            let q = k_empty2(&x[k..]);
            t = t * q * 0.3 + q;
        }
    }
    t
}
/// Length from the counters, through `k_len_arg`, summing inside, product outside.
#[differentiable]
fn len_arg_mix(x: &[f64]) -> f64 {
    let mut t = 1.0;
    for c in 0..3 {
        let mut s = 0.0;
        for k in 0..4 {
            s = s + k_len_arg(x, (c + 2 * k) % 5);
        }
        t = t * s;
    }
    t
}
/// The call's value used only in some iterations: after the call, `continue`, `break`,
/// or a branch.
#[differentiable]
fn unused_some(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..4 {
        let q = k_three(&x[c % 2..]);
        if c == 1 {
            continue;
        }
        t = t * q * 0.3 + q;
    }
    t
}
#[differentiable]
fn unused_break(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..4 {
        let q = k_empty2(&x[c % 2..]);
        if c == 2 {
            break;
        }
        t = t * q * 0.3 + q;
    }
    t
}
#[differentiable]
fn unused_branch(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..4 {
        let q = k_mixed(&x[c % 2..]);
        if x[c] > 0.0 {
            t = t * q * 0.3 + q;
        } else {
            t = t * 0.5;
        }
    }
    t
}
case!(
    c_unused_some,
    unused_some,
    unused_some_grad,
    unused_some_jvp,
    6
);
case!(
    c_unused_break,
    unused_break,
    unused_break_grad,
    unused_break_jvp,
    6
);
case!(
    c_unused_branch,
    unused_branch,
    unused_branch_grad,
    unused_branch_jvp,
    6
);
case!(
    c_branch_inactive,
    branch_inactive,
    branch_inactive_grad,
    branch_inactive_jvp,
    6
);
case!(
    c_branch_active,
    branch_active,
    branch_active_grad,
    branch_active_jvp,
    6
);
case!(c_continuing, continuing, continuing_grad, continuing_jvp, 6);
case!(
    c_while_caller,
    while_caller,
    while_caller_grad,
    while_caller_jvp,
    6
);
case!(
    c_two_callees,
    two_callees,
    two_callees_grad,
    two_callees_jvp,
    6
);
case!(c_triangular, triangular, triangular_grad, triangular_jvp, 6);
case!(
    c_len_arg_mix,
    len_arg_mix,
    len_arg_mix_grad,
    len_arg_mix_jvp,
    5
);
pullback_case!(pb_two_callees, two_callees, two_callees_pullback, 6);
pullback_case!(pb_triangular, triangular, triangular_pullback, 6);

sliding!(sliding_ret, k_ret);
sliding_sum!(sliding_sum_ret, k_ret);
case!(
    c_sliding_ret,
    sliding_ret,
    sliding_ret_grad,
    sliding_ret_jvp,
    6
);
case!(
    c_sliding_sum_ret,
    sliding_sum_ret,
    sliding_sum_ret_grad,
    sliding_sum_ret_jvp,
    6
);

sliding!(sliding_while, k_while);
sliding_sum!(sliding_sum_while, k_while);
case!(
    c_sliding_while,
    sliding_while,
    sliding_while_grad,
    sliding_while_jvp,
    5
);
case!(
    c_sliding_sum_while,
    sliding_sum_while,
    sliding_sum_while_grad,
    sliding_sum_while_jvp,
    5
);

// ---------------------------------------------------------------- pullbacks

pullback_case!(
    pb_inflight_three,
    inflight_three,
    inflight_three_pullback,
    6
);
pullback_case!(pb_summer_three, summer_three, summer_three_pullback, 6);
pullback_case!(pb_nested_three, nested_three, nested_three_pullback, 6);
pullback_case!(
    pb_nested_len_arg,
    nested_len_arg,
    nested_len_arg_pullback,
    4
);

/// A caller of a caller: the outer loop replays the middle function, which splits the
/// inner callee.
#[differentiable]
fn middle(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..2 {
        let q = k_three(&x[c..]);
        t = t * q * 0.3 + q;
    }
    t
}
inflight!(inflight_middle, middle);
summer!(summer_middle, middle);
case!(
    c_inflight_middle,
    inflight_middle,
    inflight_middle_grad,
    inflight_middle_jvp,
    6
);
case!(
    c_summer_middle,
    summer_middle,
    summer_middle_grad,
    summer_middle_jvp,
    6
);

/// Repeated gradient calls on one thread (warm pools) with changing lengths.
#[test]
fn repeated_gradients_changing_lengths() {
    for rep in 0..3 {
        for n in [6, 4, 7, 5] {
            let x = random(rep * 10 + n as u64, n);
            let (_, g) = sliding_three_grad(&x);
            assert_all_close(
                "sliding_three",
                &g,
                &fd_slice(sliding_three, &x),
                1e-5,
                1e-6,
            );
            let (_, g) = nested_len_arg_grad(&x);
            assert_all_close(
                "nested_len_arg",
                &g,
                &fd_slice(nested_len_arg, &x),
                1e-5,
                1e-6,
            );
        }
    }
}

// ---------------------------------------------------------------- stacked arguments

/// Reads two slices of different lengths unevenly, so that reading one where the other lies
/// gives another value. The branch at its top level keeps it from being split: its backward
/// sweep is a replay, which reads the arguments again.
#[differentiable]
fn k_uneven(a: &[f64], b: &[f64]) -> f64 {
    let s = a[0] * b[2] + a[1] * b[0] * b[0] + b[1].sin();
    if s > 100.0 {
        s
    } else {
        s + a[1] * a[0] * 0.5
    }
}

/// Two ranges of one buffer rewritten in every iteration, passed to one call: both are kept on
/// the float stack and read back where they lie, the second on top.
#[differentiable]
fn k_two_ranges(x: &[f64]) -> f64 {
    let n = x.len();
    let mut buf = vec![0.0; 5];
    let mut total = 0.0;
    for i in 0..n {
        for j in 0..5 {
            buf[j] = x[i] * (j as f64 + 1.0) + x[(i + j) % n];
        }
        total = total + k_uneven(&buf[0..2], &buf[2..5]) * x[(i + 1) % n];
    }
    total
}
case!(
    c_k_two_ranges,
    k_two_ranges,
    k_two_ranges_grad,
    k_two_ranges_jvp,
    4
);
