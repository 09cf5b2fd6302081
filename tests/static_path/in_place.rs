//! Stores that add to the element they read: in loops run again and recorded, nested, in
//! branches, repeated, beside neighbours, on long buffers, in pullbacks; and inactive code
//! that moves the index between the read and the store (a block, a macro, a `&mut` helper,
//! the index itself), where the adjoint must follow the element. Each against central
//! differences and the JVP.
#![allow(
    clippy::needless_range_loop,
    clippy::explicit_counter_loop,
    clippy::assign_op_pattern,
    clippy::useless_vec,
    clippy::ptr_arg,
    clippy::manual_memcpy,
    unused
)]

use super::oracle::{assert_all_close, assert_close, fd_slice};
use autodiff::differentiable;

use super::cases::{check, check_jvp, random};

// the sum's inactive term moves the index between the read and the store

#[differentiable]
fn ip_block_moves_index(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 3];
    v[0] = x[0];
    v[1] = x[1];
    v[2] = x[2];
    let mut i = 0;
    v[i] = v[i] + {
        i += 1;
        0.5
    };
    v[0] * 3.0 + v[1] * v[1] + v[2]
}
case!(
    case_ip_block_moves_index,
    ip_block_moves_index,
    ip_block_moves_index_grad,
    ip_block_moves_index_jvp,
    3
);

// same through a macro

macro_rules! bump {
    ($i:ident) => {{
        $i += 1;
        0.5
    }};
}

#[differentiable]
fn ip_macro_moves_index(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 3];
    v[0] = x[0];
    v[1] = x[1];
    v[2] = x[2];
    let mut i = 0;
    v[i] = v[i] + bump!(i);
    v[0] * 3.0 + v[1] * v[1] + v[2]
}
case!(
    case_ip_macro_moves_index,
    ip_macro_moves_index,
    ip_macro_moves_index_grad,
    ip_macro_moves_index_jvp,
    3
);

// same through a helper taking &mut

fn step_on(i: &mut usize) -> f64 {
    *i += 1;
    0.5
}

#[differentiable]
fn ip_fn_moves_index(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 3];
    v[0] = x[0];
    v[1] = x[1];
    v[2] = x[2];
    let mut i = 0;
    v[i] = v[i] + step_on(&mut i);
    v[0] * 3.0 + v[1] * v[1] + v[2]
}
case!(
    case_ip_fn_moves_index,
    ip_fn_moves_index,
    ip_fn_moves_index_grad,
    ip_fn_moves_index_jvp,
    3
);

// index expression with a side effect, written the same on both sides

#[differentiable]
fn ip_index_side_effect(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 4];
    v[0] = x[0];
    v[1] = x[1];
    v[2] = x[2];
    v[3] = x[3];
    let mut k = 0;
    v[{
        k += 1;
        k
    }] = v[{
        k += 1;
        k
    }] + x[0] * x[0];
    v[0] + v[1] * 3.0 + v[2] * v[2] + v[3]
}
case!(
    case_ip_index_side_effect,
    ip_index_side_effect,
    ip_index_side_effect_grad,
    ip_index_side_effect_jvp,
    4
);

// compound += whose inactive right side moves the index (Rust evaluates it first)

#[differentiable]
fn compound_moves_index(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 3];
    v[0] = x[0];
    v[1] = x[1];
    v[2] = x[2];
    let mut i = 0;
    v[i] += {
        i += 1;
        0.5
    };
    v[0] * 3.0 + v[1] * v[1] + v[2]
}
case!(
    case_compound_moves_index,
    compound_moves_index,
    compound_moves_index_grad,
    compound_moves_index_jvp,
    3
);

// loops run again with stale reads: the partial needs the old element

#[differentiable]
fn ip_loop_stale(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i];
    }
    for i in 0..n {
        z[i] = z[i] + x[i] * z[i];
        z[i] += z[i] * z[i];
        z[i] -= x[i] * z[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += z[i] * (i as f64 + 1.0);
    }
    s
}
caller!(calls_ip_loop_stale, ip_loop_stale);
case!(
    case_ip_loop_stale,
    ip_loop_stale,
    ip_loop_stale_grad,
    ip_loop_stale_jvp,
    4
);
case!(
    case_ip_loop_stale_split,
    calls_ip_loop_stale,
    calls_ip_loop_stale_grad,
    calls_ip_loop_stale_jvp,
    4
);

// recorded loop (branch on an active value) with in-place stores in the arms

#[differentiable]
fn ip_recorded(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i] * x[i];
    }
    for i in 0..n {
        if x[i] > 0.0 {
            z[i] = z[i] + x[i] * z[i];
            z[i] += x[(i + 1) % n];
        } else {
            z[i] = z[i] - x[i];
            z[i] -= z[i] * x[i];
        }
        z[i] = x[i] + z[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += z[i] * z[i];
    }
    s
}
caller!(calls_ip_recorded, ip_recorded);
case!(
    case_ip_recorded,
    ip_recorded,
    ip_recorded_grad,
    ip_recorded_jvp,
    5
);
case!(
    case_ip_recorded_split,
    calls_ip_recorded,
    calls_ip_recorded_grad,
    calls_ip_recorded_jvp,
    5
);

// nested loops, e reading other elements (j may equal i)

#[differentiable]
fn ip_nested(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i];
    }
    for i in 0..n {
        for j in 0..n {
            z[i] = z[i] + 0.3 * x[j] * z[j];
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += z[i] * z[i];
    }
    s
}
caller!(calls_ip_nested, ip_nested);
case!(case_ip_nested, ip_nested, ip_nested_grad, ip_nested_jvp, 4);
case!(
    case_ip_nested_split,
    calls_ip_nested,
    calls_ip_nested_grad,
    calls_ip_nested_jvp,
    4
);

// same element twice in a row, e reading it, top level and array buffer

#[differentiable]
fn ip_twice(x: &[f64]) -> f64 {
    let mut z = [0.0; 3];
    z[0] = x[0];
    z[1] = x[1];
    z[2] = x[2];
    let i = 1;
    z[i] = z[i] + z[i];
    z[i] = z[i] - 0.5 * z[i] * z[i];
    z[i] = z[i] + z[0] * z[2];
    z[i] += z[i];
    z[i] -= z[i] * x[0];
    z[0] = z[i] + z[0];
    z[0] * z[1] + z[2] * z[1]
}
case!(case_ip_twice, ip_twice, ip_twice_grad, ip_twice_jvp, 3);

// `let` shadowing the index between read and store inside one block

#[differentiable]
fn ip_shadow(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i];
    }
    for i in 0..n - 1 {
        let a = z[i];
        let i = i + 1;
        z[i] = a + x[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += z[i] * z[i];
    }
    s
}
case!(case_ip_shadow, ip_shadow, ip_shadow_grad, ip_shadow_jvp, 4);

// a loop over a block whose inactive term moves the index

#[differentiable]
fn ip_loop_moves_index(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n + 4];
    for i in 0..n {
        z[i] = x[i];
    }
    let mut k = 0;
    for t in 0..n {
        z[k] = z[k] + {
            k += 1;
            0.25
        } * x[t];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += z[i] * z[i] * (i as f64 + 1.0);
    }
    s
}
case!(
    case_ip_loop_moves_index,
    ip_loop_moves_index,
    ip_loop_moves_index_grad,
    ip_loop_moves_index_jvp,
    4
);

// the active term's index moves the store's index

#[differentiable]
fn ip_active_index_moves(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 3];
    v[0] = x[0];
    v[1] = x[1];
    v[2] = x[2];
    let mut i = 0;
    v[i] = v[i]
        + 2.0
            * x[{
                i += 1;
                i + 1
            }];
    v[0] * 3.0 + v[1] * v[1] + v[2]
}
case!(
    case_ip_active_index_moves,
    ip_active_index_moves,
    ip_active_index_moves_grad,
    ip_active_index_moves_jvp,
    3
);

// split callee with a long (calloc) buffer added to in place at the top level
// and in a loop, beside a branch at the top level

#[differentiable]
fn ip_long(x: &[f64]) -> f64 {
    let n = 3000;
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = z[i] + x[i % 4] * 0.01;
    }
    z[5] = z[5] + x[0] * x[1];
    z[5] -= x[2];
    z[7] += z[5] * x[3];
    let mut s = 0.0;
    for i in 0..n {
        s += z[i] * z[i];
    }
    s
}
caller!(calls_ip_long, ip_long);
case!(case_ip_long, ip_long, ip_long_grad, ip_long_jvp, 4);
case!(
    case_ip_long_split,
    calls_ip_long,
    calls_ip_long_grad,
    calls_ip_long_jvp,
    4
);

#[differentiable]
fn ip_branch_top(x: &[f64]) -> f64 {
    let mut z = vec![0.0; 3];
    z[0] = x[0];
    z[1] = x[1] * x[2];
    if x[0] > 0.0 {
        z[1] = z[1] + x[0] * z[1];
        z[0] += z[1];
    } else {
        z[1] -= z[0] * z[0];
    }
    z[2] = z[2] + z[1];
    z[0] * z[1] + z[2]
}
caller!(calls_ip_branch_top, ip_branch_top);
case!(
    case_ip_branch_top,
    ip_branch_top,
    ip_branch_top_grad,
    ip_branch_top_jvp,
    3
);
case!(
    case_ip_branch_top_split,
    calls_ip_branch_top,
    calls_ip_branch_top_grad,
    calls_ip_branch_top_jvp,
    3
);

// neighbours: each store adds the element before and after

#[differentiable]
fn ip_neighbours(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i];
    }
    for i in 1..n - 1 {
        z[i] = z[i] + 0.5 * z[i - 1] * z[i + 1];
    }
    for i in 1..n {
        z[i] += z[i - 1] * x[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += z[i] * z[i];
    }
    s
}
caller!(calls_ip_neighbours, ip_neighbours);
case!(
    case_ip_neighbours,
    ip_neighbours,
    ip_neighbours_grad,
    ip_neighbours_jvp,
    5
);
case!(
    case_ip_neighbours_split,
    calls_ip_neighbours,
    calls_ip_neighbours_grad,
    calls_ip_neighbours_jvp,
    5
);

// pullback of a function with in-place stores, several seeds

#[differentiable]
fn ip_pb(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i];
    }
    for i in 0..n {
        z[i] = z[i] + x[i] * z[i];
    }
    z[0] = z[0] + z[1];
    let mut s = 0.0;
    for i in 0..n {
        s += z[i] * z[i];
    }
    s
}

#[test]
fn case_ip_pullback() {
    let x = random(3, 4);
    let (value, pullback) = ip_pb_pullback(&x);
    let (v1, g1) = ip_pb_grad(&x);
    assert_close("pb value", value, v1, 1e-12, 1e-12);
    for seed in [1.0, -2.5, 0.5] {
        let g = pullback(seed);
        let want: Vec<f64> = g1.iter().map(|a| a * seed).collect();
        assert_all_close("ip_pb pullback", &g, &want, 1e-12, 1e-12);
    }
}

/// Swaps in a local buffer (`v.swap(i, j)`): a bubble sort of computed items, then a weighted
/// sum; the adjoints follow the items to where the swaps put them.
#[differentiable]
fn ip_swapped(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    for i in 0..n {
        v[i] = x[i] * x[i] - x[(i + 1) % n];
    }
    for pass in 0..n {
        for i in 1..n - pass {
            if v[i - 1] > v[i] {
                v.swap(i - 1, i);
            }
        }
    }
    v.swap(0, n - 1);
    let mut s = 0.0;
    for i in 0..n {
        s += v[i] * (i as f64 + 1.0) + v[i].sin();
    }
    s
}
case!(
    case_ip_swapped,
    ip_swapped,
    ip_swapped_grad,
    ip_swapped_jvp,
    6
);
