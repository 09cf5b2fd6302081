//! Recorded loops that keep their pattern, and the indices and bounds their backward sweep
//! computes again from it: statement macros that bind the pattern again, items and
//! functions made by macros whose names meet the pattern's, integer types, `break`,
//! `continue`, inclusive ranges, nested loops with the same pattern, literal bounds typed only
//! by code the backward sweep does not run, generic, `f32`, pullbacks and split callees. Each
//! against central differences and the JVP.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::useless_vec,
    clippy::cast_abs_to_unsigned,
    non_upper_case_globals,
    non_snake_case,
    unused
)]

use super::cases::{check, check_jvp, random};
use super::oracle::{assert_all_close, assert_close, fd_slice};
use autodiff::differentiable;
use num_traits::Float;

// 1. A statement macro binds the pattern again before a top-level index `x[c]`.
macro_rules! shadow_to {
    ($c:ident, $v:expr) => {
        let $c = $v;
    };
}
#[differentiable]
fn rp_macro_shadow(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for c in 0..3 {
        for j in 0..2 {
            b[j] = x[c + j] * (c as f64 + 1.0) - x[4];
        }
        shadow_to!(c, 5 - c);
        t = t * 0.5 + (b[0] * b[1]).sin() * x[c];
    }
    t
}
case!(
    case_rp_macro_shadow,
    rp_macro_shadow,
    rp_macro_shadow_grad,
    rp_macro_shadow_jvp,
    6
);

// 2. A const item of the body with the pattern's name.
#[differentiable]
fn rp_const_item(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for c in 0..3 {
        const c: usize = 5;
        for j in 0..2 {
            b[j] = x[j + 1] * (j as f64 + 1.0) - x[4];
        }
        t = t * 0.5 + (b[0] * b[1]).sin() * x[c];
    }
    t
}
case!(
    case_rp_const_item,
    rp_const_item,
    rp_const_item_grad,
    rp_const_item_jvp,
    6
);

// 3. Hygiene: the index `c` of the macro's definition is not the caller's pattern `c`.
macro_rules! make_hyg {
    ($name:ident, $c:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let c = 1usize;
            let mut b = vec![0.0; 2];
            let mut t = 0.0;
            for $c in 0..3 {
                for j in 0..2 {
                    b[j] = x[$c + j] * ($c as f64 + 1.0) - x[4];
                }
                t = t * 0.5 + (b[0] * b[1]).sin() * x[c];
            }
            let c = 5usize;
            t * x[c]
        }
    };
}
make_hyg!(rp_hygiene, c);
case!(
    case_rp_hygiene,
    rp_hygiene,
    rp_hygiene_grad,
    rp_hygiene_jvp,
    6
);

// 3b. A plain macro-generated function (same hygiene).
macro_rules! make_plain {
    ($name:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut b = vec![0.0; 2];
            let mut out = vec![0.0; 3];
            let mut t = 0.0;
            for c in 0..3 {
                for j in 0..2 {
                    b[j] = x[c + j] * (c as f64 + 1.0) - x[4];
                }
                out[c] = b[0] * x[c] + x[5];
                t = t * 0.5 + (b[0] * b[1]).sin() * x[c] + out[c] * x[0];
            }
            t + out[2] * out[1]
        }
    };
}
make_plain!(rp_macro_plain);
case!(
    case_rp_macro_plain,
    rp_macro_plain,
    rp_macro_plain_grad,
    rp_macro_plain_jvp,
    6
);

// 4. u8 pattern, literal indices with and without suffix.
#[differentiable]
fn rp_u8(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut out = vec![0.0; 3];
    let mut t = 0.0;
    for c in 0u8..3 {
        for j in 0..2 {
            b[j] = x[c as usize + j] * (c as f64 + 1.0) - x[4];
        }
        out[2usize] = b[0] * x[5] + out[2];
        t = t * 0.5 + (b[0] * b[1]).sin() * x[3] + out[2] * x[0usize];
    }
    t
}
case!(case_rp_u8, rp_u8, rp_u8_grad, rp_u8_jvp, 6);

// 5. i32 pattern over negative bounds, inner with negative literal bound.
#[differentiable]
fn rp_i32(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for c in -2i32..1 {
        for j in -1..1 {
            b[(j + 1) as usize] = x[(c + 2) as usize + (j + 1) as usize] * (c as f64 + 0.5) - x[4];
        }
        t = t * 0.5 + (b[0] * b[1]).sin() * x[5];
    }
    t
}
case!(case_rp_i32, rp_i32, rp_i32_grad, rp_i32_jvp, 6);

// 6. break.
#[differentiable]
fn rp_break(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for c in 0..4 {
        for j in 0..2 {
            b[j] = x[c + j] * (c as f64 + 1.0) - x[5];
        }
        t = t * 0.5 + (b[0] * b[1]).sin() * x[c];
        if t > 0.3 {
            break;
        }
    }
    t
}
case!(case_rp_break, rp_break, rp_break_grad, rp_break_jvp, 6);

// 7. continue, then top-level reads.
#[differentiable]
fn rp_continue(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for c in 0..4 {
        for j in 0..2 {
            b[j] = x[c + j] * (c as f64 + 1.0) - x[5];
        }
        if b[0] > 0.2 {
            t = t + x[c];
            continue;
        }
        t = t * 0.5 + (b[0] * b[1]).sin() * x[c] + x[0];
    }
    t
}
case!(
    case_rp_continue,
    rp_continue,
    rp_continue_grad,
    rp_continue_jvp,
    6
);

// 8. Inclusive range.
#[differentiable]
fn rp_inclusive(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut out = vec![0.0; 3];
    let mut t = 0.0;
    for c in 0..=2 {
        for j in 0..2 {
            b[j] = x[c + j] * (c as f64 + 1.0) - x[5];
        }
        out[c] = b[1] * x[c];
        t = t * 0.5 + (b[0] * b[1]).sin() * x[c] + out[c];
    }
    t * out[0]
}
case!(
    case_rp_inclusive,
    rp_inclusive,
    rp_inclusive_grad,
    rp_inclusive_jvp,
    6
);

// 9. Same pattern name at two recorded levels.
#[differentiable]
fn rp_same_name(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    let mut s = 0.0;
    for c in 0..2 {
        for c in 1..3 {
            for j in 0..2 {
                b[j] = x[c + j] * (c as f64 + 1.0) - x[5];
            }
            t = t * 0.5 + (b[0] * b[1]).sin() * x[c];
        }
        s = s * 0.7 + (t * x[c]).cos();
    }
    s + t
}
case!(
    case_rp_same_name,
    rp_same_name,
    rp_same_name_grad,
    rp_same_name_jvp,
    6
);

// 10. Literal out of range only in a branch; pattern shadowed in a nested block.
#[differentiable]
fn rp_branch_literal(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for c in 0..3 {
        for j in 0..2 {
            b[j] = x[c + j] * (c as f64 + 1.0) - x[5];
        }
        if x.len() > 10 {
            t = t + x[10];
        }
        {
            let c = 4;
            t = t + x[c] * b[0];
        }
        t = t * 0.5 + (b[0] * b[1]).sin() * x[c];
    }
    t
}
case!(
    case_rp_branch_literal,
    rp_branch_literal,
    rp_branch_literal_grad,
    rp_branch_literal_jvp,
    6
);

// 11. An inner loop whose body shadows its own pattern; two inner loops; literal start only.
#[differentiable]
fn rp_inner_shadow(x: &[f64]) -> f64 {
    let n = 2;
    let mut b = vec![0.0; 2];
    let mut d = vec![0.0; 3];
    let mut t = 0.0;
    for c in 0..3 {
        for j in 0..2 {
            let j = 1 - j;
            b[j] = x[c + j] * (c as f64 + 1.0) - x[5];
        }
        for k in 1..n + 1 {
            d[k] = b[k - 1] * x[k + c];
        }
        t = t * 0.5 + (b[0] * d[2]).sin() * x[c] + d[1];
    }
    t
}
case!(
    case_rp_inner_shadow,
    rp_inner_shadow,
    rp_inner_shadow_grad,
    rp_inner_shadow_jvp,
    6
);

// 12. Generic T: Float, also f32.
#[differentiable]
fn rp_generic<T: Float>(x: &[T]) -> T {
    let mut b = vec![T::zero(); 2];
    let mut out = vec![T::zero(); 3];
    let mut t = T::zero();
    for c in 0..3 {
        for j in 0..2 {
            b[j] = x[c + j] * x[4] - x[5];
        }
        out[c] = b[1] * x[c];
        t = t * x[3] + (b[0] * b[1]).sin() * x[c] + out[c] * x[1];
    }
    t
}
fn rp_generic64(x: &[f64]) -> f64 {
    rp_generic(x)
}
#[test]
fn case_rp_generic() {
    check("rp_generic", 6, rp_generic64, rp_generic_grad);
    for seed in 0..4 {
        let x = random(seed, 6);
        let xf: Vec<f32> = x.iter().map(|a| *a as f32).collect();
        let (_, g) = rp_generic_grad(&x);
        let (_, gf) = rp_generic_grad(&xf);
        for (a, b) in g.iter().zip(&gf) {
            assert_close("f32", *b as f64, *a, 1e-3, 1e-3);
        }
    }
}

// 13. Pullback with several seeds.
#[differentiable]
fn rp_pb(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut out = vec![0.0; 3];
    let mut t = 0.0;
    for c in 0..3 {
        for j in 0..2 {
            b[j] = x[c + j] * (c as f64 + 1.0) - x[5];
        }
        out[c] = b[1] * x[c] + out[0];
        t = t * 0.5 + (b[0] * b[1]).sin() * x[c] + out[c];
    }
    t * out[1]
}
#[test]
fn case_rp_pb() {
    for seed in 0..4 {
        let x = random(seed, 6);
        let (v, pb) = rp_pb_pullback(&x);
        assert_close("value", v, rp_pb(&x), 1e-12, 1e-12);
        let fd = fd_slice(rp_pb, &x);
        for s in [1.0, -0.5, 2.5] {
            let g = pb(s);
            let want: Vec<f64> = fd.iter().map(|a| a * s).collect();
            assert_all_close("rp_pb", &g, &want, 1e-5, 1e-6);
        }
    }
}

// 14. Split callee.
#[differentiable]
fn rp_callee(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut out = vec![0.0; 3];
    let mut t = 0.0;
    for c in 0..3 {
        for j in 1..3 {
            b[j - 1] = x[c + j] * (c as f64 + 1.0) - x[0];
        }
        out[c] = b[1] * x[c] + x[5];
        t = t * 0.5 + (b[0] * b[1]).sin() * x[c] + out[c];
    }
    t + out[2]
}
caller!(rp_caller, rp_callee);
case!(case_rp_callee, rp_callee, rp_callee_grad, rp_callee_jvp, 6);
case!(case_rp_caller, rp_caller, rp_caller_grad, rp_caller_jvp, 6);

// 15. Pattern used as index of a store and a read of the same buffer, after an inner loop
// writing it; a literal index read of a buffer.
#[differentiable]
fn rp_store_read(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 4];
    let mut t = 0.0;
    for c in 0..3 {
        for j in 0..2 {
            b[j + 2] = x[c + j] * (c as f64 + 1.0) - x[5];
        }
        b[c] = b[c] * 0.5 + b[2] * b[3];
        t = t * 0.5 + (b[c] * b[0]).sin() + b[1] * x[c];
    }
    t + b[0]
}
case!(
    case_rp_store_read,
    rp_store_read,
    rp_store_read_grad,
    rp_store_read_jvp,
    6
);

// 1b. The statement macro binds the pattern again after a top-level index `x[c]`; the inner
// loop does not read the pattern.
#[differentiable]
fn rp_macro_shadow2(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for c in 0..3 {
        for j in 0..2 {
            b[j] = x[j + 1] * (j as f64 + 1.0) - x[4];
        }
        t = t * 0.5 + (b[0] * b[1]).sin() * x[c];
        shadow_to!(c, 5 - c);
        t = t + x[c] * b[0];
    }
    t
}
case!(
    case_rp_macro_shadow2,
    rp_macro_shadow2,
    rp_macro_shadow2_grad,
    rp_macro_shadow2_jvp,
    6
);

// 17. rev / step_by outer ranges (not kept), and three levels with literal indices.
#[differentiable]
fn rp_rev(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for c in (0..3).rev() {
        for j in 0..2 {
            b[j] = x[c + j] * (c as f64 + 1.0) - x[5];
        }
        t = t * 0.5 + (b[0] * b[1]).sin() * x[c] + x[4];
    }
    for c in (0..4).step_by(2) {
        for j in 0..2 {
            b[j] = x[c + j] * (c as f64 + 1.0) - x[5];
        }
        t = t * 0.5 + (b[0] * b[1]).sin() * x[c] + x[4];
    }
    t
}
case!(case_rp_rev, rp_rev, rp_rev_grad, rp_rev_jvp, 6);

#[differentiable]
fn rp_three(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for i in 0..2 {
        for c in 1..3 {
            for j in 0u32..2 {
                b[j as usize] = x[i + c + j as usize] * (c as f64 + 1.0) - x[5];
            }
            t = t * 0.5 + (b[0] * b[1]).sin() * x[c] + x[0];
        }
        for k in 2..4 {
            b[k - 2] = b[k - 2] * x[k];
        }
        t = t * x[i] + b[1] * x[3];
    }
    t
}
case!(case_rp_three, rp_three, rp_three_grad, rp_three_jvp, 6);
// 16b. Small literal bounds; the inner pattern typed by an assignment, then a method call on it.
#[differentiable]
fn rp_method_bound(x: &[f64]) -> f64 {
    let mut last: i64 = 0;
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for c in 0..3 {
        for j in 0..2 {
            last = j;
            let k = (j - 1).abs() as usize;
            b[k] = x[c + k] * x[3] - x[5];
        }
        t = t * 0.5 + (b[0] * b[1] * x[c]).sin();
    }
    t + last as f64
}
case!(
    case_rp_method_bound,
    rp_method_bound,
    rp_method_bound_grad,
    rp_method_bound_jvp,
    6
);

// 16. Big unsuffixed literal bounds of the inner loop, typed by an assignment in its body.
#[differentiable]
fn rp_big_bounds(x: &[f64]) -> f64 {
    let mut last: u64 = 0;
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for c in 0..3 {
        for j in 4_000_000_000..4_000_000_002 {
            last = j;
            b[0] = x[c] * x[3] - x[5];
        }
        t = t * 0.5 + (b[0] * x[c]).sin();
    }
    t
}
case!(
    case_rp_big_bounds,
    rp_big_bounds,
    rp_big_bounds_grad,
    rp_big_bounds_jvp,
    6
);

// 17. Ranges of call arguments and the lengths of the buffers a call reads, computed again
// from the pattern and a top-level `let`: a local buffer rewritten in every iteration passed
// whole and in a range (two kept arguments of different lengths), and a parameter's range.
#[differentiable]
fn rp_dot_front(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s = s + a[i] * b[i].sin() + b[a.len() + i];
    }
    s
}
#[differentiable]
fn rp_call_ranges(x: &[f64]) -> f64 {
    let m = 2;
    let mut buf = vec![0.0; 3 * m];
    let mut w = vec![0.0; m];
    let mut t = 0.0;
    for c in 0..3 {
        for j in 0..m {
            w[j] = x[c + j] * x[5];
        }
        for j in 0..3 * m {
            buf[j] = x[(j + c) % 6] * w[j % m] + x[c];
        }
        let q = rp_dot_front(&w, &buf[c..c + 2 * m]);
        t = t * 0.5 + q * q + rp_dot_front(&x[c..c + 1], &buf[m..]);
    }
    t
}
case!(
    case_rp_call_ranges,
    rp_call_ranges,
    rp_call_ranges_grad,
    rp_call_ranges_jvp,
    6
);
#[test]
fn case_rp_call_ranges_pullback() {
    for seed in 0..4 {
        let x = random(seed, 6);
        let (v, pb) = rp_call_ranges_pullback(&x);
        assert_close("value", v, rp_call_ranges(&x), 1e-12, 1e-12);
        let fd = fd_slice(rp_call_ranges, &x);
        for s in [1.0, -0.5] {
            let want: Vec<f64> = fd.iter().map(|a| a * s).collect();
            assert_all_close("rp_call_ranges pullback", &pb(s), &want, 1e-5, 1e-6);
        }
    }
}

// 18. Indices that read a name bound again after the loop, and one the loop changes: their
// values are kept in the records, not computed again from the names.
#[differentiable]
fn rp_names_change(x: &[f64]) -> f64 {
    let m = 1;
    let mut k = 3;
    let mut b = vec![0.0; 2];
    let mut t = 0.0;
    for c in 0..3 {
        for j in 0..2 {
            b[j] = x[c + j] * x[5];
        }
        t = t * 0.5 + (b[0] * b[1]).sin() * x[c + m] + x[k] * b[1];
        k = 5 - k;
    }
    let m = 4;
    t * x[m]
}
case!(
    case_rp_names_change,
    rp_names_change,
    rp_names_change_grad,
    rp_names_change_jvp,
    6
);

// 19. A recorded loop that keeps no pattern: indices computed from top-level names only are
// computed again, the others kept.
#[differentiable]
fn rp_fixed_indices(x: &[f64]) -> f64 {
    let n = x.len();
    let last = n - 1;
    let mut t = 0.0;
    for i in 0..n {
        t = (t * x[last]).sin() + x[i] * x[last - 1] + x[(i + 1) % n];
    }
    t
}
case!(
    case_rp_fixed_indices,
    rp_fixed_indices,
    rp_fixed_indices_grad,
    rp_fixed_indices_jvp,
    6
);

// 20. Recorded loops whose backward sweeps run over their ranges again, backwards, with no
// pattern or count kept: bounds from the slice's length and top-level names, an inclusive
// range with `continue`, a negative `i64` start and a `u64` end.
#[differentiable]
fn rp_ranges_again(x: &[f64]) -> f64 {
    let n = x.len();
    let lo = 1;
    let mut t = 0.0;
    for i in lo..n - 1 {
        t = (t + x[i] * x[i - lo]).sin() + x[n - i];
    }
    for i in lo..=n - 2 {
        if x[i] > 0.5 {
            continue;
        }
        t = (t * x[i + 1]).cos() + x[i];
    }
    let m: i64 = -2;
    for k in m..3 {
        t = (t + x[(k + 2) as usize]).sin() * (k as f64 + 0.5);
    }
    let big: u64 = 3;
    for k in 0..big {
        t = (t * x[k as usize + 1]).sin() + x[k as usize];
    }
    t
}
case!(
    case_rp_ranges_again,
    rp_ranges_again,
    rp_ranges_again_grad,
    rp_ranges_again_jvp,
    6
);

// 21. Products of a float with a constant in recorded loops, whose partial the backward sweep
// takes from the constant again: a top-level name, a constant parameter and literals, on
// either side, in `f64` and in `f32`.
#[differentiable(wrt(x))]
fn rp_constant_factors(x: &[f64], w: f64) -> f64 {
    let half = 0.5;
    let mut t = 0.0;
    for i in 0..x.len() {
        t = (t * half).sin() + w * x[i] + x[i] * 3.0 + (x[i] * w).cos() * (2.0 * t);
    }
    t
}
#[differentiable]
fn rp_constant_factors_f32(x: &[f32]) -> f32 {
    let mut t = 0.0;
    for i in 0..x.len() {
        t = (t * 0.5).sin() + 0.7 * x[i] + x[i] * 3.0 + (x[i] * 0.7).cos() * (2.0 * t);
    }
    t
}
#[test]
fn case_rp_constant_factors() {
    let f = |x: &[f64]| rp_constant_factors(x, 0.7);
    check("rp_constant_factors", 6, f, |x| {
        rp_constant_factors_grad(x, 0.7)
    });
    check_jvp(
        "rp_constant_factors",
        6,
        |x| rp_constant_factors_grad(x, 0.7),
        |x, d| rp_constant_factors_jvp(x, 0.7, d),
    );
    for seed in 0..4 {
        let x = random(seed, 6);
        let xf: Vec<f32> = x.iter().map(|a| *a as f32).collect();
        let (_, g) = rp_constant_factors_grad(&x, 0.7);
        let (_, gf) = rp_constant_factors_f32_grad(&xf);
        for (a, b) in g.iter().zip(&gf) {
            assert_close("f32", *b as f64, *a, 1e-3, 1e-3);
        }
    }
}
