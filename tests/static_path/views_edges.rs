//! Named ranges at their edges, from an adversarial review: loops whose bounds change after
//! the view, `break`/`continue`, views in branches, views of views with `..=`, callees split
//! at a call site, views named like their container or like outer variables, buffers written
//! after the view's last read, ranges whose ends hold low-precedence operators, array and
//! `&Vec` parameters; each against central differences and the JVP.
#![allow(clippy::all, unused)]
use super::cases::{check, check_jvp, random};
use super::oracle::{assert_all_close, fd_slice};
use super::views::dot;
use autodiff::differentiable;
use num_traits::Float;

// R2: while loop, range variable changed after the view.
#[differentiable]
fn while_views(x: &[f64]) -> f64 {
    let mut k = 0;
    let mut s = 0.0;
    while k + 2 <= x.len() {
        let row = &x[k..k + 2];
        k += 1;
        s = s * 0.7 + row[0] * row[1].sin();
    }
    s
}
case!(
    r2_while_views,
    while_views,
    while_views_grad,
    while_views_jvp,
    5
);

// R3: loop with break / continue on active conditions.
#[differentiable]
fn loop_break(x: &[f64]) -> f64 {
    let mut k = 0;
    let mut s = 1.0;
    loop {
        if k + 2 > x.len() {
            break;
        }
        let row = &x[k..k + 2];
        k += 1;
        if row[0] > 0.3 {
            s += row[1] * row[1];
            continue;
        }
        s = s * row[0];
        if s > 2.0 {
            break;
        }
    }
    s
}
case!(
    r3_loop_break,
    loop_break,
    loop_break_grad,
    loop_break_jvp,
    6
);

// R4: views bound in branches on active conditions.
#[differentiable]
fn branch_views(x: &[f64]) -> f64 {
    let r = if x[0] > 0.0 {
        let w = &x[1..3];
        w[0] * w[1]
    } else {
        let w = &x[2..4];
        w[0] + w[1].exp()
    };
    let w = &x[..2];
    if x[3] > 0.0 {
        w[0] * r
    } else {
        w[1] - r
    }
}
case!(
    r4_branch_views,
    branch_views,
    branch_views_grad,
    branch_views_jvp,
    4
);

// R5: views of views with ..=
#[differentiable]
fn vv_incl(x: &[f64]) -> f64 {
    let a = &x[1..=4];
    let b = &a[..=2];
    let c = &b[1..=1];
    a[3] * c[0] + b[b.len() - 1] * dot(&a[1..=2], &b[0..=1])
}
case!(r5_vv_incl, vv_incl, vv_incl_grad, vv_incl_jvp, 6);

// R6: iterator chains.
#[differentiable]
fn it_enumerate(x: &[f64]) -> f64 {
    let w = &x[1..5];
    let a: f64 = w
        .iter()
        .enumerate()
        .map(|(i, v)| (i as f64 + 1.0) * v)
        .sum();
    a
}
case!(
    r6a_enumerate,
    it_enumerate,
    it_enumerate_grad,
    it_enumerate_jvp,
    6
);

#[differentiable]
fn it_skip_rev(x: &[f64]) -> f64 {
    let w = &x[1..5];
    w.iter().skip(1).rev().fold(0.0, |acc, v| acc * 0.5 + v)
}
case!(
    r6c_skip_rev,
    it_skip_rev,
    it_skip_rev_grad,
    it_skip_rev_jvp,
    6
);

#[differentiable]
fn it_max_by(x: &[f64]) -> f64 {
    let w = &x[1..5];
    let m = w
        .iter()
        .copied()
        .max_by(|a, b| a.partial_cmp(b).unwrap())
        .unwrap();
    m * x[0]
}
case!(r6d_max_by, it_max_by, it_max_by_grad, it_max_by_jvp, 6);

#[differentiable]
fn it_zip_x(x: &[f64]) -> f64 {
    let w = &x[2..5];
    w.iter().zip(x.iter()).map(|(a, b)| a * b).sum()
}
case!(r6e_zip_x, it_zip_x, it_zip_x_grad, it_zip_x_jvp, 6);

// R7: closure capturing a view, called in a loop.
#[differentiable]
fn closure_loop(x: &[f64]) -> f64 {
    let w = &x[1..4];
    let f = |j: usize| w[j] * w[j];
    let mut s = 0.0;
    for j in 0..3 {
        s = s * 0.5 + f(j);
    }
    s
}
case!(
    r7_closure_loop,
    closure_loop,
    closure_loop_grad,
    closure_loop_jvp,
    5
);

// R8: callee with loop-varying views of a buffer overwritten every iteration, split.
#[differentiable]
fn callee_loop_views(x: &[f64]) -> f64 {
    let d = 2;
    let mut z = vec![0.0; 4];
    let mut t = 0.0;
    for it in 0..2 {
        for j in 0..4 {
            z[j] = (x[j] + t).sin();
        }
        let mut i = 0;
        while i < 2 {
            let row = &z[i * d..(i + 1) * d];
            t += row[0] * row[1];
            i += 1;
        }
    }
    t
}
caller!(callee_loop_views_caller, callee_loop_views);
case!(
    r8a_callee,
    callee_loop_views,
    callee_loop_views_grad,
    callee_loop_views_jvp,
    4
);
case!(
    r8b_caller,
    callee_loop_views_caller,
    callee_loop_views_caller_grad,
    callee_loop_views_caller_jvp,
    4
);

// R9: a view passed to a differentiable callee in a loop.
#[differentiable]
fn view_to_callee_loop(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for i in 0..2 {
        let row = &x[i * 3..i * 3 + 3];
        let v = &x[6..9];
        t = t * 0.5 + dot(row, v).sin();
    }
    t
}
case!(
    r9_view_to_callee_loop,
    view_to_callee_loop,
    view_to_callee_loop_grad,
    view_to_callee_loop_jvp,
    9
);

// R10: for over a view, bare, &, enumerate.
#[differentiable]
fn for_views(x: &[f64]) -> f64 {
    let w = &x[1..4];
    let mut s = 0.0;
    for v in w {
        s += v * v;
    }
    for &v in w.iter() {
        s += v.sin();
    }
    for (i, v) in w.iter().enumerate() {
        s += *v * i as f64;
    }
    s
}
case!(r10_for_views, for_views, for_views_grad, for_views_jvp, 5);

// R11: k changed after the view.
#[differentiable]
fn k_later(x: &[f64]) -> f64 {
    let mut k = 1;
    let row = &x[k..k + 2];
    k += 1;
    row[0] * x[k] + row[1]
}
case!(r11_k_later, k_later, k_later_grad, k_later_jvp, 4);

// R12: closure whose body rebinds the name with let.
#[differentiable]
fn closure_let(x: &[f64]) -> f64 {
    let w = &x[0..2];
    let g = |a: f64| {
        let w = a * 2.0;
        w
    };
    g(w[0]) + w[1]
}
case!(
    r12_closure_let,
    closure_let,
    closure_let_grad,
    closure_let_jvp,
    3
);

// R13: labeled break out of nested loops after views.
#[differentiable]
fn labeled(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        let row = &x[i * 2..i * 2 + 2];
        for j in 0..2 {
            if row[j] > 0.9 {
                break;
            }
            s = s * 0.9 + row[j] * row[1 - j];
        }
    }
    s
}
case!(r13_labeled, labeled, labeled_grad, labeled_jvp, 6);

// R14: reductions on views.
#[differentiable]
fn reductions(x: &[f64]) -> f64 {
    let w = &x[1..4];
    let s: f64 = w.iter().sum();
    let p: f64 = w.iter().product();
    let n = w.len();
    s * p + n as f64
}
case!(
    r14_reductions,
    reductions,
    reductions_grad,
    reductions_jvp,
    5
);

// R15: generic loop views on buffer, in f32 too.
#[differentiable]
fn generic_buf<T: Float>(x: &[T]) -> T {
    let mut z = vec![T::zero(); x.len()];
    let mut t = T::zero();
    for it in 0..2 {
        for j in 0..x.len() {
            z[j] = x[j] * x[j] + t;
        }
        for i in 0..x.len() - 1 {
            let pair = &z[i..=i + 1];
            t = t * T::from(0.5).unwrap() + pair[0] * pair[1].sin();
        }
    }
    t
}
case!(
    r15_generic_buf,
    generic_buf,
    generic_buf_grad,
    generic_buf_jvp,
    4
);
#[test]
fn r15_generic_buf_f32() {
    let x = [0.3f32, -0.7, 1.1, 0.4];
    let (v, g) = generic_buf_grad(&x);
    let wide: Vec<f64> = x.iter().map(|&a| a as f64).collect();
    let (v64, g64) = generic_buf_grad(&wide);
    assert!((v as f64 - v64).abs() < 1e-4);
    let g: Vec<f64> = g.iter().map(|&a| a as f64).collect();
    assert_all_close("generic_buf f32", &g, &g64, 1e-4, 1e-4);
}

// R16: pullback of buffer views in loops.
#[test]
fn r16_pullback_loop_views() {
    let x = random(5, 4);
    let (value, pullback) = callee_loop_views_pullback(&x);
    for seed in [1.0, -0.5, 2.0] {
        let (v, g) = callee_loop_views_vjp(&x, seed);
        assert_eq!(v, value);
        assert_all_close("pullback", &pullback(seed), &g, 1e-12, 1e-14);
    }
}

// R17: array and &Vec params.
#[differentiable]
fn arr_view(x: &[f64; 4]) -> f64 {
    let h = &x[..2];
    let t = &x[2..];
    h[0] * t[1] + h[1].sin() * t[0] + t.len() as f64
}
#[test]
fn r17_arr_view() {
    let x = [0.3, -0.7, 1.1, 0.4];
    let (v, g) = arr_view_grad(&x);
    let f = |y: &[f64]| arr_view(&[y[0], y[1], y[2], y[3]]);
    assert!((v - f(&x)).abs() < 1e-12);
    assert_all_close("arr", &g, &fd_slice(&f, &x), 1e-6, 1e-7);
}

#[differentiable]
fn vec_view(x: &Vec<f64>) -> f64 {
    let h = &x[..2];
    let t = &x[2..];
    h[0] * t[1] + h[1].sin() * t[0]
}
#[test]
fn r17b_vec_view() {
    let x = vec![0.3, -0.7, 1.1, 0.4];
    let (v, g) = vec_view_grad(&x);
    let f = |y: &[f64]| vec_view(&y.to_vec());
    assert!((v - f(&x)).abs() < 1e-12);
    assert_all_close("vec", &g, &fd_slice(&f, &x), 1e-6, 1e-7);
}

// R18: view as a value bound to another name (view of view through a bare name).
#[differentiable]
fn alias(x: &[f64]) -> f64 {
    let w = &x[1..4];
    let u = w;
    let v: &[f64] = &w;
    u[0] * v[2] + dot(u, v)
}
case!(r18_alias, alias, alias_grad, alias_jvp, 5);

// B1: a view in a loop body named like an outer active scalar.
#[differentiable]
fn loop_scope(x: &[f64]) -> f64 {
    let w = x[0] * 2.0;
    let mut s = 0.0;
    for i in 0..2 {
        let w = &x[i..i + 2];
        s += w[0] * w[1];
    }
    s * w
}
case!(
    b1_loop_scope,
    loop_scope,
    loop_scope_grad,
    loop_scope_jvp,
    3
);

// B2: a view in a block named like an outer active scalar.
#[differentiable]
fn block_scope(x: &[f64]) -> f64 {
    let w = x[0] * 2.0;
    let r = {
        let w = &x[1..3];
        w[0] * w[1]
    };
    r * w
}
case!(
    b2_block_scope,
    block_scope,
    block_scope_grad,
    block_scope_jvp,
    3
);

// B3: a view in a branch named like an outer active scalar.
#[differentiable]
fn branch_scope(x: &[f64]) -> f64 {
    let w = x[0] * 2.0;
    let mut r = 0.0;
    if x[1] > 0.0 {
        let w = &x[1..3];
        r = w[0] * w[1];
    }
    (r + 1.0) * w
}
case!(
    b3_branch_scope,
    branch_scope,
    branch_scope_grad,
    branch_scope_jvp,
    3
);

// B4: a view in a block named like an outer active buffer.
#[differentiable]
fn block_buf_scope(x: &[f64]) -> f64 {
    let mut z = vec![0.0; 3];
    for j in 0..3 {
        z[j] = x[j].sin();
    }
    let s = {
        let z = &x[1..3];
        z[0] * z[1]
    };
    s + z[0] * z[2]
}
case!(
    b4_block_buf_scope,
    block_buf_scope,
    block_buf_scope_grad,
    block_buf_scope_jvp,
    3
);

// B5: buffer written after its view's last use.
#[differentiable]
fn write_after(x: &[f64]) -> f64 {
    let mut z = vec![0.0; 3];
    for j in 0..3 {
        z[j] = x[j] * x[j];
    }
    let w = &z[0..2];
    let a = w[0] * w[1];
    z[0] = a.sin();
    let w2 = &z[..2];
    a + w2[0] * w2[1]
}
case!(
    b5_write_after,
    write_after,
    write_after_grad,
    write_after_jvp,
    3
);

// B6: a view of the parameter named like the parameter.
#[differentiable]
fn self_view(x: &[f64]) -> f64 {
    let x = &x[1..];
    let mut s = 0.0;
    for j in 0..x.len() {
        s = s * 0.5 + x[j] * x[0];
    }
    let x = &x[x.len() - 2..];
    s + x[0] * x[1]
}
case!(b6_self_view, self_view, self_view_grad, self_view_jvp, 5);

// B8: generic callee taking &[T], given views.
#[differentiable]
pub(super) fn gdot<T: Float>(a: &[T], b: &[T]) -> T {
    let mut s = T::zero();
    for j in 0..a.len() {
        s = s + a[j] * b[j];
    }
    s
}
#[differentiable]
fn use_gdot<T: Float>(x: &[T]) -> T {
    let h = &x[..2];
    let t = &x[2..4];
    gdot(h, t) * gdot(&h[1..], &t[..1])
}
case!(b8_use_gdot, use_gdot, use_gdot_grad, use_gdot_jvp, 4);

// B9: callers (split) of the loop functions.
caller!(while_views_caller, while_views);
case!(
    b9a_while_caller,
    while_views_caller,
    while_views_caller_grad,
    while_views_caller_jvp,
    5
);
caller!(loop_break_caller, loop_break);
case!(
    b9b_break_caller,
    loop_break_caller,
    loop_break_caller_grad,
    loop_break_caller_jvp,
    6
);
caller!(branch_views_caller, branch_views);
case!(
    b9c_branch_caller,
    branch_views_caller,
    branch_views_caller_grad,
    branch_views_caller_jvp,
    4
);
caller!(vv_incl_caller, vv_incl);
case!(
    b9d_vv_caller,
    vv_incl_caller,
    vv_incl_caller_grad,
    vv_incl_caller_jvp,
    6
);
caller!(self_view_caller, self_view);
case!(
    b9e_self_caller,
    self_view_caller,
    self_view_caller_grad,
    self_view_caller_jvp,
    5
);
caller!(write_after_caller, write_after);
case!(
    b9f_write_after_caller,
    write_after_caller,
    write_after_caller_grad,
    write_after_caller_jvp,
    3
);

// B10: ranges of a view moving in a loop.
#[differentiable]
fn view_ranges_loop(x: &[f64]) -> f64 {
    let row = &x[1..5];
    let mut s = 0.0;
    for i in 0..3 {
        s = s * 0.5 + dot(&row[i..], &x[..row.len() - i]);
        s += row[i..=i + 1].iter().map(|v| v * v).sum::<f64>();
    }
    s
}
case!(
    b10_view_ranges_loop,
    view_ranges_loop,
    view_ranges_loop_grad,
    view_ranges_loop_jvp,
    5
);

// B12: view bound inside a closure body.
#[differentiable]
fn view_in_closure(x: &[f64]) -> f64 {
    let f = |i: usize| {
        let r = &x[i..i + 2];
        r[0] * r[1]
    };
    f(0) + f(1).sin()
}
case!(
    b12_view_in_closure,
    view_in_closure,
    view_in_closure_grad,
    view_in_closure_jvp,
    3
);

// B13: view bound inside a while loop's else-less if inside loop, read after continue in next iteration? (rebinding per iteration)
#[differentiable]
fn cont_before(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..4 {
        if i % 2 == 1 {
            continue;
        }
        let r = &x[i..i + 2];
        if r[0] < 0.0 {
            continue;
        }
        s = s * r[1] + r[0];
    }
    s
}
case!(
    b13_cont_before,
    cont_before,
    cont_before_grad,
    cont_before_jvp,
    5
);

// S: views named like their container, one after another.
#[differentiable]
fn s1(x: &[f64]) -> f64 {
    let x = &x[1..3];
    x[0] * x[1]
}
#[differentiable]
fn s2(x: &[f64]) -> f64 {
    let x = &x[1..];
    let mut s = 0.0;
    for j in 0..x.len() {
        s += x[j] * x[j];
    }
    s
}
#[differentiable]
fn s3(x: &[f64]) -> f64 {
    let x = &x[1..];
    let x = &x[1..];
    x[0] * x[1]
}
case!(s1_self_named, s1, s1_grad, s1_jvp, 4);
case!(s2_self_named_loop, s2, s2_grad, s2_jvp, 4);
case!(s3_self_named_twice, s3, s3_grad, s3_jvp, 4);

// C1: a buffer written in a loop after reading it through a view in the same iteration.
#[differentiable]
fn loop_write_after(x: &[f64]) -> f64 {
    let mut z = vec![1.0; 3];
    for it in 0..3 {
        let w = &z[0..2];
        let a = w[0] * w[1] + x[it];
        z[it % 2] = a.sin();
        z[2] = z[2] * a;
    }
    z[0] + z[1] * z[2]
}
case!(
    c1_loop_write_after,
    loop_write_after,
    loop_write_after_grad,
    loop_write_after_jvp,
    3
);
caller!(loop_write_after_caller, loop_write_after);
case!(
    c1b_loop_write_after_caller,
    loop_write_after_caller,
    loop_write_after_caller_grad,
    loop_write_after_caller_jvp,
    3
);

// C2: a local array buffer.
#[differentiable]
fn array_buf(x: &[f64]) -> f64 {
    let mut z = [0.0; 4];
    for j in 0..4 {
        z[j] = x[j] * x[(j + 1) % 4];
    }
    let w = &z[1..3];
    w[0] * w[1] + z[3]
}
case!(c2_array_buf, array_buf, array_buf_grad, array_buf_jvp, 4);

// C3: closures over views in folds / maps over ranges.
#[differentiable]
fn fold_view(x: &[f64]) -> f64 {
    let w = &x[1..4];
    let a = (0..w.len()).fold(0.0, |a, j| a + w[j] * w[j]);
    let b: f64 = (0..3).map(|j| w[j] * x[j]).sum();
    a * b
}
case!(c3_fold_view, fold_view, fold_view_grad, fold_view_jvp, 4);

// C4: early return inside a loop reading a view.
#[differentiable]
fn early_ret(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        let w = &x[i..i + 2];
        if w[0] > 0.8 {
            return s + w[1] * 2.0;
        }
        s = s * 0.5 + w[0] * w[1];
    }
    s
}
case!(c4_early_ret, early_ret, early_ret_grad, early_ret_jvp, 4);
caller!(early_ret_caller, early_ret);
case!(
    c4b_early_ret_caller,
    early_ret_caller,
    early_ret_caller_grad,
    early_ret_caller_jvp,
    4
);

// C5: same-name rebinding as view of itself in a loop.
#[differentiable]
fn rebind_same(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..2 {
        let w = &x[i..i + 3];
        let w = &w[1..];
        s = s * 0.5 + w[0] * w[1];
    }
    s
}
case!(
    c5_rebind_same,
    rebind_same,
    rebind_same_grad,
    rebind_same_jvp,
    4
);

// C6: tuples, inactive match arms, rule methods.
#[differentiable]
fn misc(x: &[f64]) -> f64 {
    let w = &x[0..3];
    let (a, b) = (w[0], w[1]);
    let mut s = 0.0;
    for i in 0..3 {
        s += match i {
            0 => w[0].hypot(w[1]),
            1 => w[2].max(a),
            _ => w[1].powf(2.0) * b,
        };
    }
    s
}
case!(c6_misc, misc, misc_grad, misc_jvp, 3);

// C7: panics where the original panics.
#[differentiable]
fn unused_past(x: &[f64]) -> f64 {
    let w = &x[0..10];
    x[0] * x[1]
}
#[test]
#[should_panic(expected = "out of range")]
fn c7a_unused_past_grad() {
    unused_past_grad(&[1.0, 2.0, 3.0]);
}
#[test]
#[should_panic(expected = "out of range")]
fn c7b_unused_past_jvp() {
    unused_past_jvp(&[1.0, 2.0, 3.0], &[1.0, 0.0, 0.0]);
}
caller!(unused_past_caller, unused_past);
#[test]
#[should_panic(expected = "out of range")]
fn c7c_unused_past_caller() {
    unused_past_caller_grad(&[1.0, 2.0, 3.0]);
}
#[differentiable]
fn reversed_range(x: &[f64]) -> f64 {
    let k = 2;
    let w = &x[k..1];
    x[0]
}
#[test]
#[should_panic(expected = "slice index starts at 2 but ends at 1")]
fn c7d_reversed_grad() {
    reversed_range_grad(&[1.0, 2.0, 3.0]);
}
#[differentiable]
fn index_past(x: &[f64]) -> f64 {
    let w = &x[0..2];
    let k = 2;
    w[k] * x[0]
}
#[test]
#[should_panic(expected = "index out of bounds")]
fn c7e_index_past_jvp() {
    index_past_jvp(&[1.0, 2.0, 3.0], &[1.0, 0.0, 0.0]);
}
caller!(index_past_caller, index_past);
#[test]
#[should_panic(expected = "index out of bounds")]
fn c7f_index_past_caller() {
    index_past_caller_grad(&[1.0, 2.0, 3.0]);
}
#[test]
#[should_panic(expected = "index out of bounds")]
fn c7g_index_past_pullback() {
    let _ = index_past_pullback(&[1.0, 2.0, 3.0]);
}
#[differentiable]
fn incl_past(x: &[f64]) -> f64 {
    let w = &x[0..3];
    let k = 3;
    dot(&w[1..=k], &x[..3])
}
#[test]
#[should_panic(expected = "out of range")]
fn c7h_incl_past() {
    incl_past_grad(&[1.0, 2.0, 3.0, 4.0]);
}

// D1: annotated and parenthesized views in a loop.
#[differentiable]
fn annotated(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..2 {
        let w: &[f64] = &x[i..i + 2];
        let u = (&x[i + 1..=i + 2]);
        s = s * 0.5 + w[0] * u[1] + (u[0] - w[1]).powi(2);
    }
    s
}
case!(d1_annotated, annotated, annotated_grad, annotated_jvp, 4);

// D2: array by value.
#[differentiable]
fn arr_by_value(x: [f64; 4]) -> f64 {
    let h = &x[..2];
    let t = &x[2..];
    h[0] * t[1] + h[1].sin() * t[0]
}
#[test]
fn d2_arr_by_value() {
    let x = [0.3, -0.7, 1.1, 0.4];
    let (v, g) = arr_by_value_grad(x);
    let f = |y: &[f64]| arr_by_value([y[0], y[1], y[2], y[3]]);
    assert!((v - f(&x)).abs() < 1e-12);
    let g: Vec<f64> = g.iter().copied().collect();
    assert_all_close("arr by value", &g, &fd_slice(&f, &x), 1e-6, 1e-7);
}

// D3: generic views of views, f32 jvp.
#[differentiable]
fn gvv<T: Float>(x: &[T]) -> T {
    let a = &x[1..];
    let b = &a[..=1];
    let mut s = T::zero();
    for j in 0..b.len() {
        s = s + b[j] * a[a.len() - 1 - j];
    }
    s
}
case!(d3_gvv, gvv, gvv_grad, gvv_jvp, 4);
#[test]
fn d3_gvv_f32() {
    let x = [0.3f32, -0.7, 1.1, 0.4];
    let (_, t) = gvv_jvp(&x, &[1.0, 1.0, 1.0, 1.0]);
    let (_, g) = gvv_grad(&x);
    let dot: f32 = g.iter().sum();
    assert!((t - dot).abs() < 1e-5, "{t} vs {dot}");
}

// E1: an inclusive end with a low-precedence operator.
#[differentiable]
fn incl_shift(x: &[f64]) -> f64 {
    let w = &x[0..4];
    let n = 4;
    let s: f64 = w[..=n >> 1].iter().map(|v| v * v).sum();
    let v = &w[1..=n >> 1];
    s + dot(v, &x[..v.len()])
}
case!(
    e1_incl_shift,
    incl_shift,
    incl_shift_grad,
    incl_shift_jvp,
    4
);

/// `first` and `last` of windows and of ranges, by reference and by value.
#[differentiable]
fn ends_of_views(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        s += w.first().copied().unwrap() * *w.last().unwrap();
    }
    let a = *x[1..].first().unwrap();
    let b = x[..3].last().copied().unwrap();
    s * a + b.sin()
}
case!(
    case_ends_of_views,
    ends_of_views,
    ends_of_views_grad,
    ends_of_views_jvp,
    5
);

#[test]
#[should_panic(expected = "called `Option::unwrap()` on a `None` value")]
fn first_of_an_empty_range_panics_as_unwrap() {
    let _ = ends_of_views_grad(&[0.5]);
}
