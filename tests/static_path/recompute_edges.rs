//! What the backward sweep computes again instead of keeping, under attack: indices, bounds,
//! ranges and constant factors whose names change through `&mut`, methods, statement
//! macros, `const` items and moves; loops run backwards over their ranges; one value for an
//! element read twice, next to effects. Each against central differences and the JVP.
#![allow(clippy::all, non_upper_case_globals, non_snake_case, unused)]

use super::cases::{check, check_jvp, random};
use super::oracle::{assert_all_close, assert_close, fd_slice};
use autodiff::differentiable;
use num_traits::Float;

fn bump(k: &mut usize) {
    *k += 1;
}

// A2. A `&mut usize` parameter advanced by a helper.
#[differentiable(wrt(x))]
fn a2_mut_param(x: &[f64], k: &mut usize) -> f64 {
    let mut t = 0.0;
    for c in 0..3 {
        t = t * 0.5 + x[*k].sin() * x[c + 3];
        bump(k);
    }
    t
}
#[test]
fn case_a2_mut_param() {
    check(
        "a2",
        6,
        |x| a2_mut_param(x, &mut 0),
        |x| a2_mut_param_grad(x, &mut 0),
    );
}

// A3. A constant factor read from a `&mut` struct parameter a method changes.
pub struct Sched {
    scale: f64,
}
impl Sched {
    fn decay(&mut self) {
        self.scale *= 0.5;
    }
}
#[differentiable(wrt(x))]
fn a3_sched(x: &[f64], s: &mut Sched) -> f64 {
    let mut t = 0.0;
    for c in 0..3 {
        t = t * 0.5 + (s.scale * x[c]).sin();
        s.decay();
    }
    t
}
#[test]
fn case_a3_sched() {
    check(
        "a3",
        3,
        |x| a3_sched(x, &mut Sched { scale: 1.5 }),
        |x| a3_sched_grad(x, &mut Sched { scale: 1.5 }),
    );
}

// A8. early return in the middle of a recorded loop body.
#[differentiable]
fn a8_return_mid(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..4 {
        t = t * 0.5 + x[c].sin();
        if t > 0.3 {
            return t * x[4];
        }
        t = t + x[c + 1] * x[5];
    }
    t
}
case!(
    case_a8_return_mid,
    a8_return_mid,
    a8_return_mid_grad,
    a8_return_mid_jvp,
    6
);

// C1. CSE: a block binds the index again before the second read.
#[differentiable]
fn c1_block_shadow(x: &[f64]) -> f64 {
    let i = 1usize;
    let s = {
        let i = i + 1;
        x[i]
    } * x[i];
    s
}
case!(
    case_c1_block_shadow,
    c1_block_shadow,
    c1_block_shadow_grad,
    c1_block_shadow_jvp,
    4
);

// C2. CSE: an index with effects.
#[differentiable]
fn c2_iter_index(x: &[f64]) -> f64 {
    let mut it = 0..4usize;
    let s = x[it.next().unwrap()] * x[it.next().unwrap()];
    s
}
case!(
    case_c2_iter_index,
    c2_iter_index,
    c2_iter_index_grad,
    c2_iter_index_jvp,
    4
);

// C3. CSE: a factor between the reads changes the index.
fn next_of(k: &mut usize) -> f64 {
    *k += 1;
    1.5
}
#[differentiable]
fn c3_effect_between(x: &[f64]) -> f64 {
    let mut k = 0usize;
    let s = x[k] * next_of(&mut k) * x[k];
    s
}
case!(
    case_c3_effect_between,
    c3_effect_between,
    c3_effect_between_grad,
    c3_effect_between_jvp,
    4
);

// C4. CSE: match arm binds index again.
#[differentiable]
fn c4_match_shadow(x: &[f64]) -> f64 {
    let i = 1usize;
    let s = match i + 1 {
        i => x[i],
    } * x[i];
    s
}
case!(
    case_c4_match_shadow,
    c4_match_shadow,
    c4_match_shadow_grad,
    c4_match_shadow_jvp,
    4
);

// C5. compound assignment b[i] *= b[i] then read.
#[differentiable]
fn c5_compound(x: &[f64]) -> f64 {
    let mut b = x.to_vec();
    let i = 1;
    b[i] *= b[i];
    b[i] = b[i] * b[i] + x[0];
    b[i] * x[2]
}
case!(
    case_c5_compound,
    c5_compound,
    c5_compound_grad,
    c5_compound_jvp,
    4
);

// B1. An index read through a reference to a local `Vec<usize>`.
#[differentiable]
fn b1_ref_local(x: &[f64]) -> f64 {
    let order: Vec<usize> = vec![2, 0, 1];
    let o = &order;
    let mut t = 0.0;
    for c in 0..x.len() {
        t = t * 0.5 + x[o[c]].sin();
    }
    t
}
case!(
    case_b1_ref_local,
    b1_ref_local,
    b1_ref_local_grad,
    b1_ref_local_jvp,
    3
);

// B2. A local index table consumed after the loop.
#[differentiable]
fn b2_moved(x: &[f64]) -> f64 {
    let order: Vec<usize> = vec![2, 0, 1];
    let mut t = 0.0;
    for c in 0..x.len() {
        t = t * 0.5 + x[order[c]].sin();
    }
    let total: usize = order.into_iter().sum();
    t * total as f64
}
case!(case_b2_moved, b2_moved, b2_moved_grad, b2_moved_jvp, 3);

// B3. An index-table parameter taken by value and consumed after the loop.
#[differentiable(wrt(x))]
fn b3_param_moved(x: &[f64], order: Vec<usize>) -> f64 {
    let mut t = 0.0;
    for c in 0..x.len() {
        t = t * 0.5 + x[order[c]].sin();
    }
    drop(order);
    t
}
#[test]
fn case_b3_param_moved() {
    check(
        "b3",
        3,
        |x| b3_param_moved(x, vec![2, 0, 1]),
        |x| b3_param_moved_grad(x, vec![2, 0, 1]),
    );
}

// D1. A ranged loop bounded by the length of an index table consumed after the loop.
#[differentiable]
fn d1_len_moved(x: &[f64]) -> f64 {
    let order: Vec<usize> = vec![2, 0, 1];
    let mut t = 0.0;
    for c in 0..order.len() {
        t = t * 0.5 + x[c].sin();
    }
    drop(order);
    t
}
case!(
    case_d1_len_moved,
    d1_len_moved,
    d1_len_moved_grad,
    d1_len_moved_jvp,
    3
);

// D3. A statement macro binds an index name again at the top level, after the loop.
macro_rules! set_to {
    ($n:ident, $v:expr) => {
        let $n = $v;
    };
}
#[differentiable]
fn d3_macro_rebind(x: &[f64]) -> f64 {
    let m = 2usize;
    let n = 3;
    let mut t = 0.0;
    for c in 0..n {
        t = t * 0.5 + x[c * m].sin();
    }
    set_to!(m, 0usize);
    t + x[m]
}
case!(
    case_d3_macro_rebind,
    d3_macro_rebind,
    d3_macro_rebind_grad,
    d3_macro_rebind_jvp,
    6
);

// D3b. The same with the constant factor of a product.
#[differentiable]
fn d3b_macro_factor(x: &[f64]) -> f64 {
    let k = 2.0;
    let mut t = 0.0;
    for c in 0..x.len() {
        t = t * 0.5 + (k * x[c]).sin();
    }
    set_to!(k, 0.25);
    t * k
}
case!(
    case_d3b_macro_factor,
    d3b_macro_factor,
    d3b_macro_factor_grad,
    d3b_macro_factor_jvp,
    3
);

// D4. An active block at the top level binds the index name again.
#[differentiable]
fn d4_block(x: &[f64]) -> f64 {
    let m = 2usize;
    let n = 3usize;
    let s = {
        let m = 1usize;
        let mut t = 0.0;
        for c in 0..n {
            t = t * 0.5 + x[c * m].sin();
        }
        t
    };
    s + x[m]
}
case!(case_d4_block, d4_block, d4_block_grad, d4_block_jvp, 6);

// D4b. A block binds the index name, the loop after it reads the outer one.
#[differentiable]
fn d4b_block_before(x: &[f64]) -> f64 {
    let m = 2usize;
    let n = 3usize;
    let u = {
        let m = 1usize;
        x[m] * x[m + 1]
    };
    let mut t = 0.0;
    for c in 0..n {
        t = t * 0.5 + x[c * m].sin();
    }
    t + u
}
case!(
    case_d4b_block_before,
    d4b_block_before,
    d4b_block_before_grad,
    d4b_block_before_jvp,
    6
);

// D5. if-let at the top level binds the index name.
#[differentiable]
fn d5_if_let(x: &[f64]) -> f64 {
    let m = 1usize;
    let opt = Some(2usize);
    let n = 3usize;
    let mut t = 0.0;
    if let Some(m) = opt {
        for c in 0..n {
            t = t * 0.5 + x[c * m].sin();
        }
    }
    t + x[m]
}
case!(case_d5_if_let, d5_if_let, d5_if_let_grad, d5_if_let_jvp, 6);

// D6. A match arm at the top level binds the index name.
#[differentiable]
fn d6_match(x: &[f64], k: usize) -> f64 {
    let m = 1usize;
    let n = 3usize;
    let mut t = 0.0;
    match k {
        m => {
            for c in 0..n {
                t = t * 0.5 + x[c * m].sin();
            }
        }
    }
    t + x[m]
}
#[test]
fn case_d6_match() {
    check("d6", 6, |x| d6_match(x, 2), |x| d6_match_grad(x, 2));
}

// D7. A parameter named like an inner loop's pattern, read at the outer body's top.
#[differentiable(wrt(x))]
fn d7_param_pattern(x: &[f64], j: usize) -> f64 {
    let n = 3usize;
    let mut t = 0.0;
    for c in 0..n {
        let mut s = 0.0;
        for j in 0..2 {
            s += x[c + j];
        }
        t = t * 0.5 + (s * x[j]).sin();
    }
    t
}
#[test]
fn case_d7_param_pattern() {
    check(
        "d7",
        6,
        |x| d7_param_pattern(x, 5),
        |x| d7_param_pattern_grad(x, 5),
    );
}

// D8. u8 pattern over a u8 parameter bound; i64 negative range; near usize::MAX inclusive.
#[differentiable(wrt(x))]
fn d8_u8(x: &[f64], n: u8) -> f64 {
    let mut t = 0.0;
    for c in 1..n {
        t = t * 0.5 + x[c as usize].sin() * x[0];
    }
    t
}
#[test]
fn case_d8_u8() {
    check("d8", 4, |x| d8_u8(x, 4), |x| d8_u8_grad(x, 4));
}

#[differentiable]
fn d8b_i64(x: &[f64]) -> f64 {
    let lo: i64 = -2;
    let mut t = 0.0;
    for c in lo..=1 {
        t = t * 0.5 + x[(c + 2) as usize].sin() * (c as f64);
    }
    t
}
case!(case_d8b_i64, d8b_i64, d8b_i64_grad, d8b_i64_jvp, 4);

#[differentiable]
fn d8c_max(x: &[f64]) -> f64 {
    let top = usize::MAX;
    let mut t = 0.0;
    for c in top - 2..=top {
        t = t * 0.5 + x[top - c].sin();
    }
    t
}
case!(case_d8c_max, d8c_max, d8c_max_grad, d8c_max_jvp, 3);

// D9. continue in a ranged loop.
#[differentiable]
fn d9_continue(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = 0.0;
    for c in 1..n {
        if x[c] > 0.0 {
            t = t + x[c - 1] * x[c];
            continue;
        }
        t = t * 0.5 + x[c].sin();
    }
    t
}
case!(
    case_d9_continue,
    d9_continue,
    d9_continue_grad,
    d9_continue_jvp,
    6
);

// D10. Generic and f32 constant factors.
#[differentiable]
fn d10_generic<T: Float>(x: &[T]) -> T {
    let half = T::from(0.5).unwrap();
    let mut t = T::zero();
    for c in 0..x.len() {
        t = t * half + (T::from(1.5).unwrap() * x[c]).sin() + (half * x[c]).exp();
    }
    t
}
#[test]
fn case_d10_generic() {
    check("d10", 4, |x| d10_generic(x), |x| d10_generic_grad(x));
    check_jvp(
        "d10",
        4,
        |x| d10_generic_grad(x),
        |x, d| d10_generic_jvp(x, d),
    );
    let x32: Vec<f32> = vec![0.3, -0.2, 0.7, 0.1];
    let (_, g32) = d10_generic_grad(&x32);
    let x64: Vec<f64> = x32.iter().map(|v| *v as f64).collect();
    let (_, g64) = d10_generic_grad(&x64);
    for (a, b) in g32.iter().zip(&g64) {
        assert!((*a as f64 - b).abs() < 1e-4, "{g32:?} vs {g64:?}");
    }
}

#[differentiable]
fn d10b_f32(x: &[f32]) -> f32 {
    let half = 0.5;
    let mut t = 0.0;
    for c in 0..x.len() {
        t = t * half + (half * x[c]).sin() + (x[c] * 2.0).cos();
    }
    t
}
#[test]
fn case_d10b_f32() {
    let x32: Vec<f32> = vec![0.3, -0.2, 0.7, 0.1];
    let (_, g) = d10b_f32_grad(&x32);
    let want: Vec<f32> = x32
        .iter()
        .enumerate()
        .map(|(c, v)| {
            let w = 0.5f32.powi((x32.len() - 1 - c) as i32);
            w * (0.5 * (0.5 * v).cos() - 2.0 * (v * 2.0).sin())
        })
        .collect();
    for (a, b) in g.iter().zip(&want) {
        assert!((a - b).abs() < 1e-5, "{g:?} vs {want:?}");
    }
}

// D11. Constant factors from a struct parameter and from a constant slice.
pub struct P {
    scale: f64,
}
#[differentiable(wrt(x))]
fn d11_struct(x: &[f64], p: &P, w: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..x.len() {
        t = t * 0.5 + (p.scale * x[c]).sin() + (w[c] * x[c]).cos() + (x[c] * &p.scale).exp();
    }
    t
}
#[test]
fn case_d11_struct() {
    let p = P { scale: 1.3 };
    let w = [0.5, -1.0, 2.0];
    check(
        "d11",
        3,
        |x| d11_struct(x, &p, &w),
        |x| d11_struct_grad(x, &p, &w),
    );
}

// D12. Pullback of a ranged loop called with several seeds.
#[differentiable]
fn d12_pull(x: &[f64]) -> f64 {
    let n = x.len();
    let k = 0.75;
    let mut t = 0.0;
    for c in 0..n {
        t = t * 0.5 + (k * x[c]).sin() * x[n - 1 - c];
    }
    t
}
#[test]
fn case_d12_pull() {
    let x = random(3, 5);
    let (_, g) = d12_pull_grad(&x);
    let (_, pb) = d12_pull_pullback(&x);
    for seed in [1.0, -2.0, 0.5] {
        let gs = pb(seed);
        for (a, b) in gs.iter().zip(&g) {
            assert_close("d12", *a, seed * b, 1e-12, 1e-12);
        }
    }
    check("d12", 5, |x| d12_pull(x), |x| d12_pull_grad(x));
}

// E1. A statement macro binds a ranged loop's bound again after the loop.
#[differentiable]
fn e1_macro_bound(x: &[f64]) -> f64 {
    let n = 3usize;
    let mut t = 0.0;
    for c in 0..n {
        t = t * 0.5 + x[c].sin();
    }
    set_to!(n, 1usize);
    t + x[n]
}
case!(
    case_e1_macro_bound,
    e1_macro_bound,
    e1_macro_bound_grad,
    e1_macro_bound_jvp,
    4
);

// E1b. A statement macro inside the loop body binds an index name of the top level.
#[differentiable]
fn e1b_macro_in_body(x: &[f64]) -> f64 {
    let m = 2usize;
    let n = 3usize;
    let mut t = 0.0;
    for c in 0..n {
        set_to!(m, 1usize);
        t = t * 0.5 + x[c * m].sin();
    }
    t
}
case!(
    case_e1b_macro_in_body,
    e1b_macro_in_body,
    e1b_macro_in_body_grad,
    e1b_macro_in_body_jvp,
    6
);

// E2. A const item of the loop body, with the name of a top-level let.
#[differentiable]
fn e2_const_shadow(x: &[f64]) -> f64 {
    let m = 2usize;
    let n = 3usize;
    let mut t = 0.0;
    for c in 0..n {
        const m: usize = 1;
        t = t * 0.5 + x[c * m].sin();
    }
    t
}
case!(
    case_e2_const_shadow,
    e2_const_shadow,
    e2_const_shadow_grad,
    e2_const_shadow_jvp,
    6
);

// E2b. A const item of the loop body, with the name of a module const.
const D: usize = 1;
#[differentiable]
fn e2b_const_module(x: &[f64]) -> f64 {
    let n = 3usize;
    let mut t = 0.0;
    for c in 0..n {
        const D: usize = 2;
        t = t * 0.5 + x[c * D].sin();
    }
    t
}
case!(
    case_e2b_const_module,
    e2b_const_module,
    e2b_const_module_grad,
    e2b_const_module_jvp,
    6
);

#[differentiable]
fn hsum(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}
#[differentiable]
fn hdot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i % b.len()];
    }
    s
}
#[differentiable]
fn hstep(v: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; v.len()];
    for i in 0..v.len() {
        out[i] = v[i] * 0.5 + v[(i + 1) % v.len()];
    }
    out
}

// F1. Sub-slices of a local buffer and of a parameter passed to helpers in a ranged loop.
#[differentiable]
fn f1_subslices(x: &[f64]) -> f64 {
    let n = x.len();
    let mut b = vec![0.0; n];
    let mut t = 0.0;
    for c in 0..n {
        b[c] = x[c].sin();
        t = t * 0.5 + hsum(&b[c..]) + hsum(&b[..c + 1]) * hsum(&x[c..=c]) + hsum(&x[1..]);
    }
    t + b[0]
}
case!(
    case_f1_subslices,
    f1_subslices,
    f1_subslices_grad,
    f1_subslices_jvp,
    4
);

// F2. Two buffer arguments of different lengths, one a range bounded by a top-level let.
#[differentiable]
fn f2_two_buffers(x: &[f64]) -> f64 {
    let n = x.len();
    let k = 2usize;
    let mut a = vec![0.0; n];
    let mut b = vec![0.0; k];
    let mut t = 0.0;
    for c in 0..n {
        a[c] = x[c] * x[0];
        b[c % k] = x[c].cos();
        t = t * 0.5 + hdot(&a[..k + c % 2], &b);
    }
    t
}
case!(
    case_f2_two_buffers,
    f2_two_buffers,
    f2_two_buffers_grad,
    f2_two_buffers_jvp,
    5
);

// F3. A buffer replaced whole by a helper's result in a recorded loop.
#[differentiable]
fn f3_replaced(x: &[f64]) -> f64 {
    let n = x.len();
    let mut b = x.to_vec();
    let mut t = 0.0;
    for c in 0..n {
        b = hstep(&b);
        t = t * 0.5 + hsum(&b[1..]).sin() + hsum(&b[c..]);
    }
    t
}
case!(
    case_f3_replaced,
    f3_replaced,
    f3_replaced_grad,
    f3_replaced_jvp,
    4
);

// F14. A block in the loop body binds the pattern again.
#[differentiable]
fn f14_block_pattern(x: &[f64]) -> f64 {
    let n = 3usize;
    let mut t = 0.0;
    for c in 0..n {
        let v = {
            let c = c + 2;
            x[c]
        };
        t = t * 0.5 + (v * x[c]).sin();
    }
    t
}
case!(
    case_f14_block_pattern,
    f14_block_pattern,
    f14_block_pattern_grad,
    f14_block_pattern_jvp,
    6
);

// F15. A closure parameter named like the pattern.
#[differentiable]
fn f15_closure(x: &[f64]) -> f64 {
    let n = 3usize;
    let g = |c: usize| x[c + 1] * x[c + 1];
    let mut t = 0.0;
    for c in 0..n {
        t = t * 0.5 + (g(n - 1 - c) * x[c]).sin();
    }
    t
}
case!(
    case_f15_closure,
    f15_closure,
    f15_closure_grad,
    f15_closure_jvp,
    4
);

// F6. CSE positives.
#[differentiable]
fn f6_cse(x: &[f64], y: &[f64]) -> f64 {
    let w = &x[1..];
    let mut i = 0usize;
    let a = w[0] * w[0] + w[0] * x[1];
    let b = x[i] * y[i];
    i += 1;
    let d = x[i] * x[i];
    let e = if x[i] > 0.0 { x[i] * x[i] } else { -x[i] };
    a + b + d + e
}
#[test]
fn case_f6_cse() {
    for seed in 0..4 {
        let z = random(seed, 6);
        let f = |z: &[f64]| f6_cse(&z[..3], &z[3..]);
        let (v, (gx, gy)) = f6_cse_grad(&z[..3], &z[3..]);
        assert_close("f6 value", v, f(&z), 1e-12, 1e-12);
        let g: Vec<f64> = gx.iter().chain(&gy).copied().collect();
        assert_all_close("f6", &g, &fd_slice(f, &z), 1e-5, 1e-6);
    }
}

// F7. while loop, recorded.
#[differentiable]
fn f7_while(x: &[f64]) -> f64 {
    let n = x.len();
    let k = 0.5;
    let mut i = 0;
    let mut t = 0.0;
    while i < n {
        t = t * 0.5 + (k * x[i]).sin();
        i += 1;
    }
    t
}
case!(case_f7_while, f7_while, f7_while_grad, f7_while_jvp, 4);

// G2. The buffer passed to helpers is the function's result.
#[differentiable]
fn g2_result(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut b = x.to_vec();
    for c in 0..n {
        let q = hsum(&b[c..]);
        b[c] = q.sin();
    }
    b
}
#[test]
fn case_g2_result() {
    for s in 0..3 {
        let x = random(s, 4);
        let seed = random(s + 10, 4);
        let (v, g) = g2_result_vjp(&x, seed.clone());
        assert_all_close("g2 value", &v, &g2_result(&x), 1e-12, 1e-12);
        let f = |z: &[f64]| {
            g2_result(z)
                .iter()
                .zip(&seed)
                .map(|(a, b)| a * b)
                .sum::<f64>()
        };
        assert_all_close("g2", &g, &fd_slice(f, &x), 1e-5, 1e-6);
        let (_, pb) = g2_result_pullback(&x);
        assert_all_close("g2 pb", &pb(seed.clone()), &g, 1e-12, 1e-12);
    }
}

// H6. Nested recorded loops: the inner bound is the outer pattern, inner has a break.
#[differentiable]
fn h6_nested(x: &[f64]) -> f64 {
    let n = x.len();
    let m = 2usize;
    let mut t = 0.0;
    for c in 0..n {
        let mut s = 0.0;
        for j in 0..c {
            s = s * 0.5 + (x[j] * x[c]).sin();
        }
        for j in c..n {
            s = s + (x[j] * 0.5).exp();
            if s > 2.0 {
                break;
            }
        }
        t = t * 0.5 + s * x[(c * m) % n];
    }
    t
}
case!(case_h6_nested, h6_nested, h6_nested_grad, h6_nested_jvp, 5);

// H7. if-let in the body binds the pattern name.
#[differentiable]
fn h7_if_let_pattern(x: &[f64]) -> f64 {
    let n = 3usize;
    let mut t = 0.0;
    for c in 0..n {
        let o = if c > 0 { Some(c - 1) } else { None };
        if let Some(c) = o {
            t = t + x[c].sin();
        }
        t = t * 0.5 + (x[c + 1] * x[0]).cos();
    }
    t
}
case!(
    case_h7_if_let_pattern,
    h7_if_let_pattern,
    h7_if_let_pattern_grad,
    h7_if_let_pattern_jvp,
    4
);
