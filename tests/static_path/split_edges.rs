//! Edge cases of split calls, containers cut to a loop's range and cleared adjoint slots:
//! names a loop changes in ways other than a statement of its body (an iterator's state, a
//! side effect in an index, a `Cell`), active locals read by inactive code, shadowed names
//! and patterns, a container's length read in the loop, methods, generic callees at `f32`,
//! nalgebra callees, pullbacks run twice, and the sign of a gradient nothing reached. Each
//! against central differences; the last group only has to compile.
#![allow(
    clippy::needless_range_loop,
    clippy::explicit_counter_loop,
    clippy::assign_op_pattern,
    clippy::manual_memcpy,
    clippy::useless_vec,
    unused
)]

use super::oracle::{assert_all_close, assert_close, fd_slice};
use autodiff::differentiable;

use super::cases::{check, random};

/// A test of `$f` (with `$g` its gradient) at random points of length `$n`.
macro_rules! gradient_case {
    ($test:ident, $f:ident, $g:ident, $n:expr) => {
        #[test]
        fn $test() {
            check(
                stringify!($f),
                $n,
                |x| $f(x),
                |x| {
                    let (v, g) = $g(x);
                    (v, g)
                },
            );
        }
    };
}

// Containers cut to a loop's range.

#[differentiable]
fn len_in_loop(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 1.0;
    for i in 0..n - 1 {
        let w = (x.len() - i) as f64;
        s = s * (w * x[i] * x[i] + 1.0);
    }
    s
}
gradient_case!(slice_len_in_loop, len_in_loop, len_in_loop_grad, 4);

#[differentiable]
fn shadow_pat(x: &[f64]) -> f64 {
    let mut s = 1.0;
    for i in 0..x.len() - 1 {
        let i = i + 1;
        s = s * (x[i] * x[i] + 1.0);
    }
    s
}
gradient_case!(slice_shadow_pat, shadow_pat, shadow_pat_grad, 4);

#[differentiable]
fn nested_shadow(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for i in 0..1 {
        for i in 0..x.len() {
            z[i] = x[i] * x[i];
        }
    }
    let mut s = 0.0;
    for j in 0..x.len() {
        s += z[j] * x[j];
    }
    s
}
gradient_case!(slice_nested_shadow, nested_shadow, nested_shadow_grad, 4);

// split: loop head mutates a name read after the loop

#[differentiable]
fn iter_head(x: &[f64]) -> f64 {
    let mut it = 0..x.len();
    let mut s = 0.0;
    for i in it.by_ref().take(2) {
        s += x[i] * x[i];
    }
    let lo = it.start;
    for j in lo..x.len() {
        s += 3.0 * x[j] * x[j];
    }
    s
}

#[differentiable]
fn calls_iter_head(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..2 {
        let q = iter_head(x);
        t = t * 0.5 + q * q;
    }
    t
}
gradient_case!(split_iter_head_direct, iter_head, iter_head_grad, 5);
gradient_case!(split_iter_head, calls_iter_head, calls_iter_head_grad, 5);

// split: index expression mutates a name read after the loop

fn bump(k: &mut usize) -> usize {
    *k += 1;
    *k - 1
}

#[differentiable]
fn index_side_effect(x: &[f64]) -> f64 {
    let mut k = 0;
    let mut s = 0.0;
    for _ in 0..2 {
        s += x[bump(&mut k)] * 2.0;
    }
    let m = k;
    for j in m..x.len() {
        s += x[j] * x[j];
    }
    s
}

#[differentiable]
fn calls_index_side_effect(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..2 {
        let q = index_side_effect(x);
        t = t * 0.5 + q * q;
    }
    t
}
gradient_case!(
    split_index_side_effect_direct,
    index_side_effect,
    index_side_effect_grad,
    5
);
gradient_case!(
    split_index_side_effect,
    calls_index_side_effect,
    calls_index_side_effect_grad,
    5
);

// split: interior mutability changed by a loop

#[differentiable]
fn cell_bound(x: &[f64]) -> f64 {
    let c = std::cell::Cell::new(0usize);
    let mut s = 0.0;
    for i in 0..2 {
        c.set(c.get() + 1);
        s += x[i] * x[i];
    }
    let m = c.get();
    for j in m..x.len() {
        s += 3.0 * x[j] * x[j];
    }
    s
}

#[differentiable]
fn calls_cell_bound(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..2 {
        let q = cell_bound(x);
        t = t * 0.5 + q * q;
    }
    t
}
gradient_case!(split_cell_bound_direct, cell_bound, cell_bound_grad, 5);
gradient_case!(split_cell_bound, calls_cell_bound, calls_cell_bound_grad, 5);

// indexed_by_pattern: inner bound reads the length of a container sliced by the outer loop

#[differentiable]
fn outer_len(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..2 {
        for j in 0..x.len() {
            z[j] = x[i] * (j as f64 + 1.0);
        }
    }
    let mut s = 0.0;
    for k in 0..n {
        s += z[k] * z[k];
    }
    s
}
gradient_case!(slice_outer_len, outer_len, outer_len_grad, 4);

// split: branch inside a loop of the callee

#[differentiable]
fn br_in_loop(x: &[f64]) -> f64 {
    let mut s = 0.5;
    for i in 0..x.len() {
        if x[i] > 0.0 {
            s = s * x[i] + 1.0;
        } else {
            s = s - x[i] * x[i];
        }
    }
    s
}

#[differentiable]
fn calls_br_in_loop(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..3 {
        let q = br_in_loop(x);
        t = t * 0.5 + q * q;
    }
    t
}
gradient_case!(split_br_in_loop, calls_br_in_loop, calls_br_in_loop_grad, 5);

// split: array buffer, buffer declared after a loop, i64 counter going negative

#[differentiable]
fn arr_buf(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s = s * 0.5 + x[i] * x[i];
    }
    let mut z = [0.0; 3];
    for j in 0..3 {
        z[j] = x[j] * s;
    }
    let mut k: i64 = 1;
    let mut t = 0.0;
    for j in 0..3 {
        t += z[(k + 1) as usize] * x[j];
        k -= 1;
    }
    t * z[0]
}

#[differentiable]
fn calls_arr_buf(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..2 {
        let q = arr_buf(x);
        t = t * 0.5 + q * q;
    }
    t
}
gradient_case!(split_arr_buf_direct, arr_buf, arr_buf_grad, 4);
gradient_case!(split_arr_buf, calls_arr_buf, calls_arr_buf_grad, 4);

// split: two buffers of the same name

#[differentiable]
fn two_z(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i] * x[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += z[i] * x[i];
    }
    let mut z = vec![1.0; n];
    for i in 0..n {
        z[i] = s * x[i];
    }
    let mut t = 0.0;
    for i in 0..n {
        t += z[i] * z[i];
    }
    t
}

#[differentiable]
fn calls_two_z(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..2 {
        let q = two_z(x);
        t = t * 0.5 + q;
    }
    t
}
gradient_case!(split_two_z_direct, two_z, two_z_grad, 4);
gradient_case!(split_two_z, calls_two_z, calls_two_z_grad, 4);

// split: counter of inferred type, the counter read as a float

#[differentiable]
fn counter_float(l: &[f64], x: &[f64]) -> f64 {
    let mut k = 0;
    let mut z = vec![0.0; x.len()];
    for i in 0..x.len() {
        z[i] = x[i] * (k as f64) + l[k];
        k += 1;
    }
    let mut s = 0.0;
    for j in 0..x.len() {
        s += z[j] * z[j];
    }
    s
}

#[differentiable]
fn calls_counter_float(v: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..2 {
        let q = counter_float(&v[..3], &v[3..]);
        t = t * 0.5 + q;
    }
    t
}
gradient_case!(
    split_counter_float,
    calls_counter_float,
    calls_counter_float_grad,
    6
);

// split: same name bound twice at the top level, each a loop bound

#[differentiable]
fn twice_n(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i] * 3.0;
    }
    let n = n - 1;
    let mut s = 0.0;
    for i in 0..n {
        s += z[i] * z[i + 1];
    }
    s
}

#[differentiable]
fn calls_twice_n(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..2 {
        let q = twice_n(x);
        t = t * q + q;
    }
    t
}
gradient_case!(split_twice_n, calls_twice_n, calls_twice_n_grad, 4);

// split: chain A -> B -> C in loops, and B with C at its top level

#[differentiable]
fn chain_c(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for i in 0..x.len() {
        z[i] = x[i] * x[i];
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += z[i] * x[i];
    }
    s
}

#[differentiable]
fn chain_b(x: &[f64]) -> f64 {
    let mut t = 1.0;
    for c in 0..2 {
        t = t * chain_c(x) + 0.5;
    }
    t
}

#[differentiable]
fn chain_b_top(x: &[f64]) -> f64 {
    let a = chain_c(x);
    let mut t = a;
    for i in 0..x.len() {
        t = t * x[i];
    }
    t
}

#[differentiable]
fn chain_a(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..2 {
        t = t * 0.3 + chain_b(x) * chain_b_top(x);
    }
    t
}
gradient_case!(split_chain, chain_a, chain_a_grad, 3);

// split: generic callee at f32

#[differentiable]
fn gen_c<T: num_traits::Float>(x: &[T]) -> T {
    let mut z = vec![T::zero(); x.len()];
    for i in 0..x.len() {
        z[i] = x[i] * x[i];
    }
    let mut s = T::zero();
    for j in 0..x.len() {
        s = s + z[j] * x[j];
    }
    s
}

#[differentiable]
fn gen_caller(x: &[f32]) -> f32 {
    let mut t = 0.0;
    for c in 0..2 {
        let q = gen_c(x);
        t = t * q + q;
    }
    t
}

#[test]
fn split_generic_f32() {
    let x = [0.3f32, -0.7, 0.5];
    let f = |x: &[f64]| {
        let xs: Vec<f32> = x.iter().map(|&a| a as f32).collect();
        gen_caller(&xs) as f64
    };
    let (_, g) = gen_caller_grad(&x);
    // Closed form: q = sum x^3, t = (q) * q + q  => dt/dx = (2q + 1) * 3x^2
    let q: f64 = x.iter().map(|&a| (a as f64).powi(3)).sum();
    let want: Vec<f64> = x
        .iter()
        .map(|&a| (2.0 * q + 1.0) * 3.0 * (a as f64).powi(2))
        .collect();
    let got: Vec<f64> = g.iter().map(|&a| a as f64).collect();
    assert_all_close("gen_caller", &got, &want, 1e-4, 1e-5);
}

// split: methods, with and without self

struct Model {
    scale: f64,
}

#[differentiable]
impl Model {
    #[differentiable]
    fn energy(&self, x: &[f64]) -> f64 {
        let mut z = vec![0.0; x.len()];
        for i in 0..x.len() {
            z[i] = x[i] * self.scale;
        }
        let mut s = 0.0;
        for i in 0..x.len() {
            s += z[i] * z[i] * x[i];
        }
        s
    }

    #[differentiable]
    fn free(x: &[f64]) -> f64 {
        let mut s = 1.0;
        for i in 0..x.len() {
            s = s * x[i] + 0.5;
        }
        s
    }

    #[differentiable]
    fn total(&self, x: &[f64]) -> f64 {
        let mut t = 0.0;
        for c in 0..2 {
            t = t * 0.5 + self.energy(x) * Self::free(x);
        }
        t
    }
}

#[test]
fn split_methods() {
    let m = Model { scale: 1.3 };
    check("Model::total", 4, |x| m.total(x), |x| m.total_grad(x));
}

// -0.0 in a returned gradient

#[differentiable]
fn overwritten(x: f64) -> f64 {
    let mut z = vec![0.0; 1];
    z[0] = x;
    z[0] = 5.0;
    z[0] * 2.0
}

#[differentiable]
fn overwritten_slice(x: &[f64]) -> f64 {
    let mut z = vec![0.0; 2];
    for i in 0..2 {
        z[i] = x[i];
    }
    for i in 0..2 {
        z[i] = 5.0;
    }
    z[0] * z[1]
}

#[test]
fn neg_zero_sign() {
    let (_, g) = overwritten_grad(1.5);
    let (_, gs) = overwritten_slice_grad(&[1.5, 2.0]);
    println!("overwritten g = {g:?} 1/g = {}", 1.0 / g);
    println!("overwritten_slice g = {gs:?}");
    assert!(g.is_sign_positive(), "scalar gradient is -0.0");
    assert!(
        gs.iter().all(|a| a.is_sign_positive()),
        "slice gradient has -0.0"
    );
}

// split: nalgebra parameters

#[differentiable]
fn nq(a: &nalgebra::DMatrix<f64>, v: &nalgebra::DVector<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..a.nrows() {
        for j in 0..a.ncols() {
            s += a[(i, j)] * v[i] * v[j];
        }
    }
    s
}

#[differentiable]
fn calls_nq(a: &nalgebra::DMatrix<f64>, v: &nalgebra::DVector<f64>) -> f64 {
    let mut t = 0.0;
    for c in 0..2 {
        let q = nq(a, v);
        t = t * q + q;
    }
    t
}

#[test]
fn split_nalgebra() {
    let f = |x: &[f64]| {
        let a = nalgebra::DMatrix::from_row_slice(2, 2, &x[..4]);
        let v = nalgebra::DVector::from_vec(x[4..].to_vec());
        calls_nq(&a, &v)
    };
    check("calls_nq", 6, f, |x| {
        let a = nalgebra::DMatrix::from_row_slice(2, 2, &x[..4]);
        let v = nalgebra::DVector::from_vec(x[4..].to_vec());
        let (val, (ga, gv)) = calls_nq_grad(&a, &v);
        let mut g: Vec<f64> = ga.transpose().iter().copied().collect();
        g.extend(gv.iter().copied());
        (val, g)
    });
}

// split: pullback of a caller run twice, callee with counter

#[test]
fn split_pullback_twice() {
    let v = random(3, 6);
    let (val, pb) = calls_counter_float_pullback(&v);
    let (_, g) = calls_counter_float_grad(&v);
    for seed in [1.0, -2.0, 0.5] {
        let p = pb(seed);
        let want: Vec<f64> = g.iter().map(|a| a * seed).collect();
        assert_all_close("pullback", &p, &want, 1e-12, 1e-12);
    }
}

// split: top-level comparison of an active value whose name shadows a parameter

#[differentiable]
fn shadow_cmp(x: &[f64], y: f64) -> f64 {
    let y = y * 10.0;
    let big = y > 1.0;
    let w = if big { 3.0 } else { 1.0 };
    let mut s = 1.0;
    for i in 0..x.len() {
        s = s * (w * x[i] * x[i] + 1.0);
    }
    s
}

#[differentiable]
fn calls_shadow_cmp(x: &[f64]) -> f64 {
    let mut t = 0.0;
    for c in 0..2 {
        let q = shadow_cmp(x, 0.5);
        t = t * 0.5 + q;
    }
    t
}
gradient_case!(split_shadow_cmp, calls_shadow_cmp, calls_shadow_cmp_grad, 3);

// Functions that only have to compile (they did before split calls).

// CE1: comparison of an active local at the top level
#[differentiable]
fn ce1_cmp(x: &[f64]) -> f64 {
    let y = x[0] * 2.0;
    let big = y > 0.0;
    let k = if big { 1.0 } else { 2.0 };
    y * k * x[1]
}

// CE2: reader method of an active local at the top level
#[differentiable]
fn ce2_reader(x: f64) -> f64 {
    let y = x * x;
    let pos = y.is_sign_positive();
    y * x
}

// CE3: println! of an active local
#[differentiable]
fn ce3_print(x: f64) -> f64 {
    let y = x * x;
    debug_assert!(y >= 0.0);
    y * x
}

// CE4: carried name rebound inactive with another type after a loop run again
#[differentiable]
fn ce4_rebind(x: &[f64]) -> f64 {
    let mut z = vec![0.0; x.len()];
    for j in 0..x.len() {
        z[j] = 2.0 * x[j];
    }
    let mut s = 0.0;
    for j in 0..x.len() {
        s += z[j] * z[j];
    }
    let r = s;
    let s = x.len();
    r * (s as f64)
}

// CE6: counter whose type is inferred (i32 fallback)
#[differentiable]
fn ce6_counter(l: &[f64], x: &[f64]) -> f64 {
    let mut k = 0;
    let mut z = vec![0.0; x.len()];
    for i in 0..x.len() {
        z[i] = x[i] * (k as f64) + l[i];
        k += 1;
    }
    let mut s = 0.0;
    for j in 0..x.len() {
        s += z[j] * z[j];
    }
    s
}

// CE8: tuple-returning callee in a loop
#[differentiable]
fn ce8_pair(x: &[f64]) -> (f64, f64) {
    let mut s = 0.0;
    for i in 0..x.len() {
        s = s * x[i] + 1.0;
    }
    (s, s * x[0])
}

#[test]
fn functions_with_active_locals_read_by_inactive_code_compile_and_run() {
    let x = [0.7, -0.3, 1.1];
    let (v, g) = ce1_cmp_grad(&x);
    assert_eq!(v, ce1_cmp(&x));
    assert_all_close("ce1", &g, &fd_slice(ce1_cmp, &x), 1e-5, 1e-6);
    assert_eq!(ce2_reader_grad(1.5).1, 3.0 * 1.5 * 1.5);
    assert_eq!(ce3_print_grad(1.5).1, 3.0 * 1.5 * 1.5);
    check("ce4_rebind", 4, ce4_rebind, ce4_rebind_grad);
    let (l, xs) = ([0.5, -1.0, 2.0], [0.3, 0.2, -0.4]);
    let (v, (gl, _)) = ce6_counter_grad(&l, &xs);
    assert_eq!(v, ce6_counter(&l, &xs));
    assert_all_close(
        "ce6",
        &gl,
        &fd_slice(|l: &[f64]| ce6_counter(l, &xs), &l),
        1e-5,
        1e-6,
    );
    assert_eq!(ce8_pair(&x), ce8_pair_vjp(&x, (0.0, 0.0)).0);
}
