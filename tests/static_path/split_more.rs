//! More edge cases of split calls and of loops run backwards over a count: counters that
//! index (empty ranges, two containers, offsets, resets, `u8`), loop variables of other
//! integer types beside a counter, every kind of container cut, names a loop changes through
//! a `&mut` alias, a closure or a `Cell`, inactive vectors changed in the loop, callees with
//! `while`, `loop`, early `return` and iterator chains, and gradients that must be +0.0.
//! Each against central differences and the JVP.
#![allow(
    clippy::needless_range_loop,
    clippy::explicit_counter_loop,
    clippy::assign_op_pattern,
    clippy::useless_vec,
    clippy::reversed_empty_ranges,
    clippy::ptr_arg,
    unused
)]

use super::oracle::{assert_all_close, assert_close, fd_slice};
use autodiff::differentiable;
use nalgebra::DVector;

use super::cases::{check, check_jvp, random};

// counter cut, loop pattern of inferred type used in arithmetic

#[differentiable]
fn pat_type2(l: &[f64], x: &[f64]) -> f64 {
    let mut idx = 0;
    let mut s = 0.0;
    for t in 0..4 {
        s = s * x[0] + l[idx] * ((t - 2) as f64);
        idx += 1;
    }
    s
}
#[differentiable]
fn pat_type(x: &[f64]) -> f64 {
    pat_type2(&x[..4], &x[4..])
}
caller!(calls_pat_type, pat_type);
case!(case_pat_type, pat_type, pat_type_grad, pat_type_jvp, 5);
case!(
    case_pat_type_split,
    calls_pat_type,
    calls_pat_type_grad,
    calls_pat_type_jvp,
    5
);

// names a loop changes through a reference bound before it

#[differentiable]
fn mutref(x: &[f64]) -> f64 {
    let mut k = 0usize;
    let r = &mut k;
    let mut s = 0.0;
    for i in 0..2 {
        *r += 1;
        s += x[i] * x[i];
    }
    let m = k;
    for j in m..x.len() {
        s += 3.0 * x[j] * x[j];
    }
    s
}
caller!(calls_mutref, mutref);
case!(case_mutref, mutref, mutref_grad, mutref_jvp, 5);
case!(
    case_mutref_split,
    calls_mutref,
    calls_mutref_grad,
    calls_mutref_jvp,
    5
);

#[differentiable]
fn ufcs_cell(x: &[f64]) -> f64 {
    let c = std::cell::Cell::new(0usize);
    let mut s = 0.0;
    for i in 0..2 {
        std::cell::Cell::set(&c, std::cell::Cell::get(&c) + 1);
        s += x[i] * x[i];
    }
    let m = std::cell::Cell::get(&c);
    for j in m..x.len() {
        s += 3.0 * x[j] * x[j];
    }
    s
}
caller!(calls_ufcs_cell, ufcs_cell);
case!(case_ufcs_cell, ufcs_cell, ufcs_cell_grad, ufcs_cell_jvp, 5);
case!(
    case_ufcs_cell_split,
    calls_ufcs_cell,
    calls_ufcs_cell_grad,
    calls_ufcs_cell_jvp,
    5
);

#[differentiable]
fn mutref_index(x: &[f64]) -> f64 {
    let mut v = vec![0usize; 2];
    let r = &mut v;
    let mut s = 0.0;
    for i in 0..2 {
        r[0] += 1;
        s += x[i] * x[i];
    }
    let m = v[0];
    for j in m..x.len() {
        s += 3.0 * x[j] * x[j];
    }
    s
}
caller!(calls_mutref_index, mutref_index);
case!(
    case_mutref_index,
    mutref_index,
    mutref_index_grad,
    mutref_index_jvp,
    5
);
case!(
    case_mutref_index_split,
    calls_mutref_index,
    calls_mutref_index_grad,
    calls_mutref_index_jvp,
    5
);

/// `x[i] = ..` on an inactive Vec<usize> that is `let mut`, swap, mem::replace, push.
#[differentiable]
fn inactive_vec_ops(x: &[f64]) -> f64 {
    let mut p = vec![0usize, 1, 2];
    let mut q = vec![0usize];
    let mut a = 0usize;
    let mut s = 0.0;
    for i in 0..2 {
        p[i] = p[i] + 1;
        p.swap(0, 1);
        let old = std::mem::replace(&mut a, i + 1);
        q.push(old);
        s += x[i] * x[i];
    }
    let m = p[0] + q.len() + a - 3;
    for j in m..x.len() {
        s += 3.0 * x[j] * x[j];
    }
    s
}
caller!(calls_inactive_vec_ops, inactive_vec_ops);
case!(
    case_inactive_vec_ops,
    inactive_vec_ops,
    inactive_vec_ops_grad,
    inactive_vec_ops_jvp,
    5
);
case!(
    case_inactive_vec_ops_split,
    calls_inactive_vec_ops,
    calls_inactive_vec_ops_grad,
    calls_inactive_vec_ops_jvp,
    5
);

/// A closure capturing mutably, called in the loop.
#[differentiable]
fn closure_mut(x: &[f64]) -> f64 {
    let mut k = 0usize;
    let mut bump = || k += 1;
    let mut s = 0.0;
    for i in 0..2 {
        bump();
        s += x[i] * x[i];
    }
    let m = k;
    for j in m..x.len() {
        s += 3.0 * x[j] * x[j];
    }
    s
}
caller!(calls_closure_mut, closure_mut);
case!(
    case_closure_mut,
    closure_mut,
    closure_mut_grad,
    closure_mut_jvp,
    5
);
case!(
    case_closure_mut_split,
    calls_closure_mut,
    calls_closure_mut_grad,
    calls_closure_mut_jvp,
    5
);

// empty ranges, lo > hi, counters on two containers, counter + arithmetic

#[differentiable]
fn empty_ranges(x: &[f64]) -> f64 {
    let n = x.len();
    let mut idx = 0;
    let mut s = x[0] * x[1];
    for i in 3..n {
        s = s * 0.5 + x[i] * x[idx];
        idx += 1;
    }
    for i in 7..2 {
        s = s * 0.5 + x[i] * x[i];
    }
    s
}
caller!(calls_empty_ranges, empty_ranges);
case!(
    case_empty_ranges,
    empty_ranges,
    empty_ranges_grad,
    empty_ranges_jvp,
    3
);
case!(
    case_empty_ranges_split,
    calls_empty_ranges,
    calls_empty_ranges_grad,
    calls_empty_ranges_jvp,
    3
);
case!(
    case_empty_ranges_n5,
    empty_ranges,
    empty_ranges_grad,
    empty_ranges_jvp,
    5
);
case!(
    case_empty_ranges_split_n5,
    calls_empty_ranges,
    calls_empty_ranges_grad,
    calls_empty_ranges_jvp,
    5
);

#[differentiable]
fn two_by_counter(l: &[f64], m: &[f64], x: &[f64]) -> f64 {
    let mut idx = 2;
    let mut s = 0.0;
    for i in 1..x.len() {
        s = s * 0.5 + l[idx] * m[idx] * x[i] + l[idx + 1] * x[i - 1];
        idx += 1;
    }
    s
}
#[differentiable]
fn wrap_two_by_counter(v: &[f64]) -> f64 {
    two_by_counter(&v[..6], &v[..6], &v[6..])
}
caller!(calls_two_by_counter, wrap_two_by_counter);
case!(
    case_two_by_counter,
    wrap_two_by_counter,
    wrap_two_by_counter_grad,
    wrap_two_by_counter_jvp,
    9
);
case!(
    case_two_by_counter_split,
    calls_two_by_counter,
    calls_two_by_counter_grad,
    calls_two_by_counter_jvp,
    9
);

/// A counter stepped in an inner loop whose outer loop is recorded (library call), and one
/// used as the bound of a nested loop.
#[differentiable]
fn counter_in_recorded(x: &[f64]) -> f64 {
    let n = x.len();
    let mut idx = 0;
    let mut s: f64 = 0.0;
    for o in 0..2 {
        s = s.sin() + x[o];
        for i in 0..n - 4 {
            s = s * 0.5 + x[idx] * x[i];
            idx += 1;
        }
    }
    let mut c = 1;
    for i in 0..2 {
        for j in 0..c {
            s = s + x[j] * x[i];
        }
        c += 1;
    }
    s
}
caller!(calls_counter_in_recorded, counter_in_recorded);
case!(
    case_counter_in_recorded,
    counter_in_recorded,
    counter_in_recorded_grad,
    counter_in_recorded_jvp,
    6
);
case!(
    case_counter_in_recorded_split,
    calls_counter_in_recorded,
    calls_counter_in_recorded_grad,
    calls_counter_in_recorded_jvp,
    6
);

/// A counter reset after its loop, and read by a let in the body.
#[differentiable]
fn counter_reset(x: &[f64]) -> f64 {
    let mut idx = 0;
    let mut s = 0.0;
    for i in 0..2 {
        s = s * 0.5 + x[idx] * x[i + 1];
        idx += 1;
    }
    idx = 1;
    for i in 0..2 {
        let k = idx;
        s = s * 0.5 + x[k] * x[i];
        idx += 1;
    }
    s
}
caller!(calls_counter_reset, counter_reset);
case!(
    case_counter_reset,
    counter_reset,
    counter_reset_grad,
    counter_reset_jvp,
    4
);
case!(
    case_counter_reset_split,
    calls_counter_reset,
    calls_counter_reset_grad,
    calls_counter_reset_jvp,
    4
);

// container kinds cut by the pattern and by a counter

#[differentiable]
fn arr_ref(x: &[f64; 4]) -> f64 {
    let mut s = 0.0;
    let mut idx = 0;
    for i in 1..4 {
        s = s * x[0] + x[i] * x[idx];
        idx += 1;
    }
    s
}
#[differentiable]
fn arr_val(x: [f64; 4]) -> f64 {
    let mut s = 0.0;
    let mut idx = 0;
    for i in 1..4 {
        s = s * x[0] + x[i] * x[idx];
        idx += 1;
    }
    s
}
#[differentiable]
fn vec_ref(x: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    let mut idx = 0;
    for i in 1..4 {
        s = s * x[0] + x[i] * x[idx];
        idx += 1;
    }
    s
}
#[differentiable]
fn vec_val(x: Vec<f64>) -> f64 {
    let mut s = 0.0;
    let mut idx = 0;
    for i in 1..4 {
        s = s * x[0] + x[i] * x[idx];
        idx += 1;
    }
    s
}
/// Separate containers, one cut by the pattern, one by a counter.
#[differentiable]
fn kinds(a: &[f64; 4], b: [f64; 4], c: &Vec<f64>, d: Vec<f64>) -> f64 {
    let mut s = 0.0;
    let mut idx = 0;
    for i in 0..4 {
        s = s * 0.5 + a[i] * b[idx] + c[i] * d[idx];
        idx += 1;
    }
    let mut z = [0.0; 4];
    let mut w = vec![0.0; 4];
    for i in 0..4 {
        z[i] = a[i] * c[i];
        w[i] = b[i] + d[i];
    }
    let mut idx = 0;
    for i in 0..4 {
        s = s * 0.5 + z[i] * w[idx];
        idx += 1;
    }
    s
}
fn a4(x: &[f64]) -> [f64; 4] {
    [x[0], x[1], x[2], x[3]]
}
#[test]
fn case_container_kinds() {
    check(
        "arr_ref",
        4,
        |x| arr_ref(&a4(x)),
        |x| {
            let (v, g) = arr_ref_grad(&a4(x));
            (v, g.to_vec())
        },
    );
    check(
        "arr_val",
        4,
        |x| arr_val(a4(x)),
        |x| {
            let (v, g) = arr_val_grad(a4(x));
            (v, g.to_vec())
        },
    );
    check(
        "vec_ref",
        4,
        |x| vec_ref(&x.to_vec()),
        |x| {
            let (v, g) = vec_ref_grad(&x.to_vec());
            (v, g.to_vec())
        },
    );
    check(
        "vec_val",
        4,
        |x| vec_val(x.to_vec()),
        |x| {
            let (v, g) = vec_val_grad(x.to_vec());
            (v, g.to_vec())
        },
    );
    let split = |x: &[f64]| {
        (
            a4(&x[0..4]),
            a4(&x[4..8]),
            x[8..12].to_vec(),
            x[12..16].to_vec(),
        )
    };
    check(
        "kinds",
        16,
        |x| {
            let (a, b, c, d) = split(x);
            kinds(&a, b, &c, d)
        },
        |x| {
            let (a, b, c, d) = split(x);
            let (v, (ga, gb, gc, gd)) = kinds_grad(&a, b, &c, d);
            let mut g = ga.to_vec();
            g.extend(gb);
            g.extend(gc);
            g.extend(gd);
            (v, g)
        },
    );
}
#[differentiable]
fn kinds_vr(a: &[f64; 4], b: [f64; 4], c: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    let mut idx = 0;
    for i in 0..4 {
        s = s * 0.5 + a[i] * b[idx] + c[i] * c[idx];
        idx += 1;
    }
    let mut z = [0.0; 4];
    let mut w = vec![0.0; 4];
    for i in 0..4 {
        z[i] = a[i] * c[i];
        w[i] = b[i] + c[i];
    }
    let mut idx = 0;
    for i in 0..4 {
        s = s * 0.5 + z[i] * w[idx];
        idx += 1;
    }
    s
}
#[differentiable]
fn calls_kinds(a: &[f64; 4], b: [f64; 4], c: &Vec<f64>) -> f64 {
    let mut t = 0.0;
    for r in 0..2 {
        let q = kinds_vr(a, b, c);
        t = t * 0.5 + q * q;
    }
    t
}
#[differentiable]
fn calls_arr_ref(x: &[f64; 4]) -> f64 {
    let mut t = 0.0;
    for r in 0..2 {
        let q = arr_ref(x);
        t = t * 0.5 + q * q;
    }
    t
}
#[test]
fn case_container_kinds_split() {
    check(
        "calls_arr_ref",
        4,
        |x| calls_arr_ref(&a4(x)),
        |x| {
            let (v, g) = calls_arr_ref_grad(&a4(x));
            (v, g.to_vec())
        },
    );
    let split = |x: &[f64]| (a4(&x[0..4]), a4(&x[4..8]), x[8..12].to_vec(), ());
    check(
        "calls_kinds",
        12,
        |x| {
            let (a, b, c, d) = split(x);
            calls_kinds(&a, b, &c)
        },
        |x| {
            let (a, b, c, d) = split(x);
            let (v, (ga, gb, gc)) = calls_kinds_grad(&a, b, &c);
            let mut g = ga.to_vec();
            g.extend(gb);
            g.extend(gc);
            (v, g)
        },
    );
}

#[differentiable]
fn dv_pat(v: &DVector<f64>, x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut idx = 0;
    for i in 0..v.len() {
        s = s * 0.5 + v[i] * x[i] * v[idx];
        idx += 1;
    }
    s
}
#[differentiable]
fn calls_dv_pat(v: &DVector<f64>, x: &[f64]) -> f64 {
    let mut t = 0.0;
    for r in 0..2 {
        let q = dv_pat(v, x);
        t = t * 0.5 + q * q;
    }
    t
}
#[test]
fn case_dvector() {
    let f = |x: &[f64]| dv_pat(&DVector::from_vec(x[..3].to_vec()), &x[3..]);
    check("dv_pat", 6, f, |x| {
        let (v, (gv, gx)) = dv_pat_grad(&DVector::from_vec(x[..3].to_vec()), &x[3..]);
        let mut g: Vec<f64> = gv.iter().copied().collect();
        g.extend(gx);
        (v, g)
    });
    let f = |x: &[f64]| calls_dv_pat(&DVector::from_vec(x[..3].to_vec()), &x[3..]);
    check("calls_dv_pat", 6, f, |x| {
        let (v, (gv, gx)) = calls_dv_pat_grad(&DVector::from_vec(x[..3].to_vec()), &x[3..]);
        let mut g: Vec<f64> = gv.iter().copied().collect();
        g.extend(gx);
        (v, g)
    });
}

// callee shapes

#[differentiable]
fn while_callee(x: &[f64]) -> f64 {
    let mut s: f64 = 0.0;
    let mut i: usize = 0;
    while i < x.len() {
        s = s * 0.5 + x[i] * x[i];
        i += 1;
    }
    let mut j = 0;
    loop {
        if j >= 2 {
            break;
        }
        s = s * x[j];
        j += 1;
    }
    let total: f64 = s * 2.0;
    total
}
caller!(calls_while_callee, while_callee);
case!(
    case_while_split,
    calls_while_callee,
    calls_while_callee_grad,
    calls_while_callee_jvp,
    4
);

#[differentiable]
fn chain_callee(x: &[f64]) -> f64 {
    let n = x.len();
    let a: f64 = x.iter().map(|v| v * v).sum();
    let mut s = a;
    for i in 0..n {
        s = s * 0.5 + x[i] * a;
    }
    s
}
caller!(calls_chain_callee, chain_callee);
case!(
    case_chain_split,
    calls_chain_callee,
    calls_chain_callee_grad,
    calls_chain_callee_jvp,
    4
);

#[differentiable]
fn inner_b(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut idx = 0;
    for i in 0..x.len() {
        s = s * 0.5 + x[i] * x[idx];
        idx += 1;
    }
    s
}
#[differentiable]
fn middle_a(x: &[f64]) -> f64 {
    let mut t = 1.0;
    for k in 0..2 {
        let q = inner_b(x);
        t = t * q + x[k];
    }
    let mut z = vec![0.0; x.len()];
    for i in 0..x.len() {
        z[i] = x[i] * t;
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += z[i] * z[i];
    }
    s
}
caller!(calls_middle_a, middle_a);
case!(
    case_nested_split,
    calls_middle_a,
    calls_middle_a_grad,
    calls_middle_a_jvp,
    4
);

/// Early return in the callee's loop and at its top level.
#[differentiable]
fn early_ret(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s = s * 0.5 + x[i] * x[i];
    }
    s
}
caller!(calls_early_ret, early_ret);
case!(
    case_early_ret_split,
    calls_early_ret,
    calls_early_ret_grad,
    calls_early_ret_jvp,
    4
);

// signs of zero gradients

#[differentiable]
fn zero_arr(x: [f64; 2], y: &[f64; 2], v: Vec<f64>, d: &DVector<f64>) -> f64 {
    let mut z = vec![0.0; 2];
    for i in 0..2 {
        z[i] = x[i] * y[i] * v[i] * d[i];
    }
    for i in 0..2 {
        z[i] = -5.0;
    }
    z[0] * z[1]
}
#[differentiable]
fn zero_arr2(x: [f64; 2], y: &[f64; 2], v: &Vec<f64>, d: &DVector<f64>) -> f64 {
    let mut z = vec![0.0; 2];
    for i in 0..2 {
        z[i] = x[i] * y[i] * v[i] * d[i];
    }
    for i in 0..2 {
        z[i] = -5.0;
    }
    z[0] * z[1]
}
#[differentiable]
fn calls_zero_arr(x: [f64; 2], y: &[f64; 2], v: &Vec<f64>, d: &DVector<f64>) -> f64 {
    let mut t = 0.0;
    for r in 0..2 {
        let q = zero_arr2(x, y, v, d);
        t = t * 0.5 + q;
    }
    t
}
#[test]
fn case_neg_zero() {
    let d = DVector::from_vec(vec![1.0, 2.0]);
    let (_, (gx, gy, gv, gd)) = zero_arr_grad([1.0, 2.0], &[3.0, 4.0], vec![1.0, 2.0], &d);
    let all: Vec<f64> = gx
        .iter()
        .chain(&gy)
        .chain(&gv)
        .chain(gd.iter())
        .copied()
        .collect();
    println!("zero_arr {all:?}");
    assert!(
        all.iter().all(|a| a.is_sign_positive()),
        "zero_arr: -0.0 in {all:?}"
    );
    let (_, (gx, gy, gv, gd)) = calls_zero_arr_grad([1.0, 2.0], &[3.0, 4.0], &vec![1.0, 2.0], &d);
    let all: Vec<f64> = gx
        .iter()
        .chain(&gy)
        .chain(&gv)
        .chain(gd.iter())
        .copied()
        .collect();
    println!("calls_zero_arr {all:?}");
    assert!(
        all.iter().all(|a| a.is_sign_positive()),
        "calls_zero_arr: -0.0 in {all:?}"
    );
}

// more counters, loops run again inside recorded ones, maths-library loops

/// Library calls in loops with counters, stores, stale reads, nested loops.
#[differentiable]
fn lib_loops(l: &[f64], x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    let mut idx = 0;
    for i in 0..n {
        z[i] = (x[i] * l[idx]).exp();
        idx += 1;
    }
    for i in 0..n {
        for j in 0..i {
            z[i] = z[i] + (z[j] * 0.1).sin() * l[j];
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s * 0.5 + z[i].tanh() * x[i];
    }
    s
}
#[differentiable]
fn wrap_lib_loops(v: &[f64]) -> f64 {
    lib_loops(&v[..4], &v[4..])
}
caller!(calls_lib_loops, wrap_lib_loops);
case!(
    case_lib_loops,
    wrap_lib_loops,
    wrap_lib_loops_grad,
    wrap_lib_loops_jvp,
    8
);
case!(
    case_lib_loops_split,
    calls_lib_loops,
    calls_lib_loops_grad,
    calls_lib_loops_jvp,
    8
);

/// A callee called twice per iteration on slices of different lengths that move.
#[differentiable]
fn buf_callee(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    let mut w = vec![1.0; n];
    for i in 0..n {
        z[i] = x[i] * x[i];
        w[i] = z[i] * x[0];
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s * 0.5 + z[i] * w[i];
    }
    s
}
#[differentiable]
fn calls_buf_twice(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..3 {
        let a = buf_callee(&x[c..c + 3]);
        let b = buf_callee(&x[..5 - c]);
        t = t * 0.5 + a * b;
    }
    t
}
case!(
    case_buf_twice_split,
    calls_buf_twice,
    calls_buf_twice_grad,
    calls_buf_twice_jvp,
    6
);

/// Long slices (zero vectors from calloc) through a split callee with a buffer.
#[test]
fn case_long() {
    let n = 2100;
    let x = random(9, n);
    let (v, g) = calls_buf_long_grad(&x);
    assert_eq!(v, calls_buf_long(&x));
    let want = fd_slice(calls_buf_long, &x);
    assert_all_close("long", &g, &want, 1e-5, 1e-6);
    assert!(g.iter().all(|a| !(a == &0.0 && a.is_sign_negative())));
}
#[differentiable]
fn buf_long(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i] * 0.01;
    }
    let mut s = 0.0;
    for i in 0..n / 2 {
        s += z[i] * z[i];
    }
    s
}
caller!(calls_buf_long, buf_long);

/// Pattern-cut containers with arithmetic on another container's index; stores and stale
/// reads of a cut buffer.
#[differentiable]
fn pat_arith(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len();
    let mut z = vec![0.0; n];
    let mut s = 0.0;
    for i in 0..n - 1 {
        z[i] = a[i] * b[i + 1];
        s = s * 0.5 + z[i] * a[i];
        z[i] = z[i] * 2.0;
    }
    for i in 1..n {
        s = s * 0.5 + z[i] * b[n - 1 - i];
    }
    s
}
#[differentiable]
fn wrap_pat_arith(v: &[f64]) -> f64 {
    pat_arith(&v[..4], &v[4..])
}
caller!(calls_pat_arith, wrap_pat_arith);
case!(
    case_pat_arith,
    wrap_pat_arith,
    wrap_pat_arith_grad,
    wrap_pat_arith_jvp,
    8
);
case!(
    case_pat_arith_split,
    calls_pat_arith,
    calls_pat_arith_grad,
    calls_pat_arith_jvp,
    8
);

/// Summing loop scaled by a negative adjoint: zero gradient sign.
#[differentiable]
fn sum_neg(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * y[0];
    }
    -s * y[1]
}
#[test]
fn case_sum_neg_sign() {
    let (_, (gx, gy)) = sum_neg_grad(&[1.0, 2.0], &[0.0, 1.0]);
    println!("sum_neg {gx:?} {gy:?}");
    assert!(
        gx.iter().all(|a| a.is_sign_positive()),
        "sum_neg: -0.0 in {gx:?}"
    );
}

// aliasing, long buffers, mixed parameters, zero gradients of every kind

/// A `Cell` read by a loop run again and set after it (no `mut`, no assignment).
#[differentiable]
fn cell_recompute(x: &[f64]) -> f64 {
    let c = std::cell::Cell::new(1usize);
    let mut s = 0.0;
    for i in 0..x.len() {
        s = s * 0.5 + x[i] * x[i] * (c.get() as f64);
    }
    c.set(5);
    s
}
case!(
    case_cell_recompute,
    cell_recompute,
    cell_recompute_grad,
    cell_recompute_jvp,
    4
);

/// Outer loop cut by its pattern with a nested loop bounded by it.
#[differentiable]
fn nested_cut(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len();
    let mut s = 0.0;
    for i in 1..n {
        for j in 0..i {
            s = s * 0.9 + b[j] * b[i - j];
        }
        s = s * 0.5 + a[i] * ((i - 1) as f64 + 0.5);
    }
    s
}
#[differentiable]
fn wrap_nested_cut(v: &[f64]) -> f64 {
    nested_cut(&v[..4], &v[4..])
}
caller!(calls_nested_cut, wrap_nested_cut);
case!(
    case_nested_cut,
    wrap_nested_cut,
    wrap_nested_cut_grad,
    wrap_nested_cut_jvp,
    8
);
case!(
    case_nested_cut_split,
    calls_nested_cut,
    calls_nested_cut_grad,
    calls_nested_cut_jvp,
    8
);

/// Mixed scalar and slice parameters, a buffer, the scalar varying per call.
#[differentiable]
fn mixed(x: &[f64], a: f64) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i] * a;
    }
    let mut s = 0.0;
    for i in 0..n {
        s = s * 0.5 + z[i] * z[i];
    }
    s * a
}
#[differentiable]
fn calls_mixed(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..3 {
        let q = mixed(&x[1..], x[c] * 0.5 + t);
        t = t * 0.5 + q;
    }
    t
}
case!(
    case_mixed_split,
    calls_mixed,
    calls_mixed_grad,
    calls_mixed_jvp,
    5
);

/// Early return inside the callee's loop.
#[differentiable]
fn ret_in_loop(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == 3 {
            return s * x[0];
        }
        s = s * 0.5 + x[i] * x[i];
    }
    s
}
caller!(calls_ret_in_loop, ret_in_loop);
case!(
    case_ret_in_loop_split,
    calls_ret_in_loop,
    calls_ret_in_loop_grad,
    calls_ret_in_loop_jvp,
    5
);

/// A counter stepped at the start of a recomputed body before the pattern read (not a counter),
/// a counter starting at a computed value, and a `u8`-typed counter read as a float.
#[differentiable]
fn counter_misc(l: &[f64], x: &[f64]) -> f64 {
    let mut idx: usize = x.len() - 3;
    let mut b: u8 = 250;
    let mut s = 0.0;
    for i in 0..3 {
        s = s * 0.5 + l[idx] * x[i] * (b as f64);
        idx += 1;
        b += 1;
    }
    s
}
#[differentiable]
fn wrap_counter_misc(v: &[f64]) -> f64 {
    counter_misc(&v[..5], &v[..5])
}
caller!(calls_counter_misc, wrap_counter_misc);
case!(
    case_counter_misc,
    wrap_counter_misc,
    wrap_counter_misc_grad,
    wrap_counter_misc_jvp,
    5
);
case!(
    case_counter_misc_split,
    calls_counter_misc,
    calls_counter_misc_grad,
    calls_counter_misc_jvp,
    5
);

// Loop variables of other integer types beside a counter that indexes: these compile and
// keep their types.
fn w_of(t: i32) -> f64 {
    (t - 2) as f64
}

#[differentiable]
fn counter_beside_fn_arg(l: &[f64], x: &[f64]) -> f64 {
    let mut idx = 0;
    let mut s = 0.0;
    for t in 0..4 {
        s = s * x[0] + l[idx] * w_of(t);
        idx += 1;
    }
    s
}

#[differentiable]
fn counter_beside_i32(l: &[f64], x: &[f64]) -> f64 {
    let mut idx = 0;
    let mut s = 0.0;
    for t in 0..4i32 {
        s = s * x[0] + l[idx] * (t as f64);
        idx += 1;
    }
    s
}

#[differentiable]
fn counter_beside_negative(l: &[f64], x: &[f64]) -> f64 {
    let mut idx = 0;
    let mut s = 0.0;
    for t in -2..2 {
        s = s * x[0] + l[idx] * (t as f64);
        idx += 1;
    }
    s
}

#[differentiable]
fn counter_beside_u32(l: &[f64], x: &[f64], m: u32) -> f64 {
    let mut idx = 0;
    let mut s = 0.0;
    for t in 0..m {
        s = s * x[0] + l[idx] * (t as f64);
        idx += 1;
    }
    s
}

#[test]
fn loop_variables_keep_their_types_beside_a_counter() {
    // `l` is the first four inputs, `x` the rest.
    fn split_check(
        what: &str,
        f: impl Fn(&[f64], &[f64]) -> f64,
        grad: impl Fn(&[f64], &[f64]) -> (f64, (Vec<f64>, Vec<f64>)),
    ) {
        check(
            what,
            5,
            |x| f(&x[..4], &x[4..]),
            |x| {
                let (v, (gl, gx)) = grad(&x[..4], &x[4..]);
                (v, gl.into_iter().chain(gx).collect())
            },
        );
    }
    split_check("fn_arg", counter_beside_fn_arg, counter_beside_fn_arg_grad);
    split_check("i32", counter_beside_i32, counter_beside_i32_grad);
    split_check(
        "negative",
        counter_beside_negative,
        counter_beside_negative_grad,
    );
    split_check(
        "u32",
        |l, x| counter_beside_u32(l, x, 4),
        |l, x| counter_beside_u32_grad(l, x, 4),
    );
}

// blocks at the top of a split callee: a fold, bounds computed again or not, other types

#[differentiable]
fn smooth_max(x: &[f64]) -> f64 {
    let top = x.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    let mut s = 0.0;
    for &v in x.iter() {
        s += (v - top).exp();
    }
    s.ln() + top
}
caller!(calls_smooth_max, smooth_max);
case!(
    case_smooth_max,
    smooth_max,
    smooth_max_grad,
    smooth_max_jvp,
    5
);
case!(
    case_smooth_max_split,
    calls_smooth_max,
    calls_smooth_max_grad,
    calls_smooth_max_jvp,
    5
);

// The block's loop runs to a bound of its own.
#[differentiable]
fn block_own_bound(x: &[f64]) -> f64 {
    let n = x.len() - 1;
    let m = {
        let k = n - 1;
        let mut a = 0.0;
        for i in 0..k {
            a += x[i] * x[i + 1];
        }
        a
    };
    m * x[n]
}
caller!(calls_block_own_bound, block_own_bound);
case!(
    case_block_own_bound_split,
    calls_block_own_bound,
    calls_block_own_bound_grad,
    calls_block_own_bound_jvp,
    5
);

// A loop over `i32` in the block, and one that keeps its partials.
#[differentiable]
fn block_i32(x: &[f64]) -> f64 {
    let t = {
        let mut a = 0.0;
        for i in -2..2i32 {
            a += x[(i + 2) as usize] * i as f64;
        }
        let mut b = 1.0;
        for j in 0..x.len() {
            b += (x[j] * a).sin();
        }
        a * b
    };
    t * x[4]
}
caller!(calls_block_i32, block_i32);
case!(
    case_block_i32_split,
    calls_block_i32,
    calls_block_i32_grad,
    calls_block_i32_jvp,
    5
);

// A block's loop bounds are computed again where the block stood, in its scope: not after
// later code that moves or changes what they read, and not where an item of the block is
// out of scope.

#[differentiable]
fn block_bound_moved_later(x: &[f64]) -> f64 {
    let idx = vec![0usize, 1, 2, 3];
    let m = {
        let mut a = 0.0;
        for i in 0..Vec::len(&idx) {
            a = a * 0.5 + x[i] * x[i + 1];
        }
        a
    };
    let total: usize = idx.into_iter().sum();
    m * x[total % 5]
}
caller!(calls_block_bound_moved_later, block_bound_moved_later);
case!(
    case_block_bound_moved_later_split,
    calls_block_bound_moved_later,
    calls_block_bound_moved_later_grad,
    calls_block_bound_moved_later_jvp,
    5
);

#[differentiable]
fn block_bound_borrowed(x: &[f64]) -> f64 {
    let mut k = 4;
    let r = &k;
    let m = {
        let mut a = 0.0;
        for i in 0..*r {
            a = a * 0.5 + x[i] * x[i + 1];
        }
        a
    };
    k = 2;
    m * x[k]
}
caller!(calls_block_bound_borrowed, block_bound_borrowed);
case!(
    case_block_bound_borrowed_split,
    calls_block_bound_borrowed,
    calls_block_bound_borrowed_grad,
    calls_block_bound_borrowed_jvp,
    5
);

#[differentiable]
fn block_const_hides(x: &[f64]) -> f64 {
    const K: usize = 2;
    let m = {
        const K: usize = 4;
        let mut a = 0.0;
        for i in 0..K {
            a += x[i] * x[i + 1];
        }
        a
    };
    m * x[K]
}
caller!(calls_block_const_hides, block_const_hides);
case!(
    case_block_const_hides_split,
    calls_block_const_hides,
    calls_block_const_hides_grad,
    calls_block_const_hides_jvp,
    5
);

#[differentiable]
fn block_uses_a_function(x: &[f64]) -> f64 {
    let n = x.len();
    let m = {
        use std::cmp::min;
        let mut a = 0.0;
        for i in 0..min(n, 4) {
            a += x[i] * x[i + 1];
        }
        a
    };
    m * x[4]
}
caller!(calls_block_uses_a_function, block_uses_a_function);
case!(
    case_block_uses_a_function_split,
    calls_block_uses_a_function,
    calls_block_uses_a_function_grad,
    calls_block_uses_a_function_jvp,
    5
);

// The block's own accumulator has the name of the value it gives: split, the user's name
// bound again to the value kept.
#[differentiable]
fn block_same_name(x: &[f64]) -> f64 {
    let a = {
        let mut a = 0.0;
        for i in 0..4 {
            a += x[i] * x[i + 1];
        }
        a
    };
    let top = x.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    a * x[4] + top
}
caller!(calls_block_same_name, block_same_name);
case!(
    case_block_same_name_split,
    calls_block_same_name,
    calls_block_same_name_grad,
    calls_block_same_name_jvp,
    5
);

/// A generic callee named with its type argument written out.
#[differentiable]
fn soft_square<T: num_traits::Float>(x: T) -> T {
    x.tanh() * x
}

/// Calls with a turbofish: at the top level (the callee's pullback is kept), in a loop (split)
/// and, in forward mode, its tangent.
#[differentiable]
fn turbofish_calls(x: &[f64]) -> f64 {
    let mut s = soft_square::<f64>(x[0]);
    for i in 1..x.len() {
        s += soft_square::<f64>(x[i] * s);
    }
    s
}

#[test]
fn callees_named_with_a_turbofish() {
    super::cases::check("turbofish_calls", 4, turbofish_calls, |x| {
        turbofish_calls_grad(x)
    });
    super::cases::check_jvp(
        "turbofish_calls",
        4,
        turbofish_calls_grad,
        turbofish_calls_jvp,
    );
}
