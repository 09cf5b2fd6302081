//! Active values against constant data, as model fitting writes it: items of a constant slice
//! (`&f64`) in arithmetic with active values, and constant slices zipped with active ones, in
//! loops and chains. Checked against closed forms, central differences and the JVP.

use super::oracle::{fd_slice, random_vec};
use autodiff::differentiable;
use nalgebra::DVector;
use num_traits::Float;

/// Least squares of a line through `(xs, ys)`, the data read through references.
#[differentiable(wrt(w, b))]
fn line_loss_chain(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    xs.iter()
        .zip(ys)
        .map(|(x, y)| (w * x + b - y).powi(2))
        .sum()
}

#[differentiable(wrt(w, b))]
fn line_loss_loop(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let mut s = 0.0;
    for (x, y) in xs.iter().zip(ys.iter()) {
        let r = w * x + b - y;
        s += r * r;
    }
    s / xs.len() as f64
}

/// The constant first in each operator, in a loop over filtered data.
#[differentiable(wrt(w))]
fn constants_first(w: f64, xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for x in xs.iter().filter(|x| **x > 0.0) {
        s += x / w - x * w + (x - w) * (w + x);
    }
    s
}

#[test]
fn data_read_by_reference_meets_active_scalars() {
    let xs = random_vec(1, 9, -2.0, 2.0);
    let ys = random_vec(2, 9, -1.0, 1.0);
    for (w, b) in [(0.5, 0.1), (-1.25, 2.0), (3.0, -0.5)] {
        let (v, (gw, gb)) = line_loss_chain_grad(w, b, &xs, &ys);
        let r: Vec<f64> = xs.iter().zip(&ys).map(|(x, y)| w * x + b - y).collect();
        let value: f64 = r.iter().map(|r| r * r).sum();
        let dw: f64 = r.iter().zip(&xs).map(|(r, x)| 2.0 * r * x).sum();
        let db: f64 = r.iter().map(|r| 2.0 * r).sum();
        assert!((v - value).abs() < 1e-12);
        assert!((gw - dw).abs() < 1e-10 && (gb - db).abs() < 1e-10);
        let (lv, (lw, lb)) = line_loss_loop_grad(w, b, &xs, &ys);
        let n = xs.len() as f64;
        assert!((lv - value / n).abs() < 1e-12);
        assert!((lw - dw / n).abs() < 1e-10 && (lb - db / n).abs() < 1e-10);
        let (_, t) = line_loss_loop_jvp(w, b, &xs, &ys, 1.0, -2.0);
        assert!((t - (lw - 2.0 * lb)).abs() < 1e-10);
    }
}

#[test]
fn constant_operands_on_the_left_of_operators() {
    let xs = random_vec(3, 7, -1.0, 2.0);
    for w in [0.7, -1.3, 2.5] {
        let (_, g) = constants_first_grad(w, &xs);
        let expect = fd_slice(|p| constants_first(p[0], &xs), &[w])[0];
        assert!(
            (g - expect).abs() < 1e-6 * expect.abs().max(1.0),
            "{g} vs {expect}"
        );
    }
}

/// An active slice zipped with a constant one, each side first.
#[differentiable(wrt(x))]
fn weighted_squares(w: &[f64], x: &[f64]) -> f64 {
    w.iter()
        .zip(x.iter())
        .map(|(&wi, &xi)| wi * xi * xi)
        .sum::<f64>()
        + x.iter().zip(w).map(|(a, b)| a / b).sum::<f64>()
}

/// Enumerated, over a range of the constant, and folded.
#[differentiable(wrt(x))]
fn shifted_terms(w: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, (a, b)) in x.iter().zip(&w[1..]).enumerate() {
        s += a * b * (i as f64 + 1.0) + a.sin() / b;
    }
    s + w
        .iter()
        .zip(x)
        .fold(0.0, |acc, (wi, xi)| acc + wi * xi.exp())
}

/// Reversed and skipped constants; `*b` of a constant item.
#[differentiable(wrt(x))]
fn reversed_weights(w: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (b, a) in w.iter().rev().zip(x) {
        s += b * a * a;
        s -= a / b;
    }
    for (a, b) in x.iter().zip(w.iter().skip(1)) {
        s += a * *b;
    }
    s
}

/// Generic, constants by value.
#[differentiable(wrt(x))]
fn generic_weights<T: Float + std::iter::Sum>(w: &[T], x: &[T]) -> T {
    w.iter().zip(x.iter()).map(|(&a, &b)| a * b - b / a).sum()
}

#[test]
fn active_slices_zipped_with_constant_ones() {
    let w = random_vec(4, 6, 0.5, 2.0);
    let x = random_vec(5, 6, -1.5, 1.5);
    type F = fn(&[f64], &[f64]) -> f64;
    type G = fn(&[f64], &[f64]) -> (f64, Vec<f64>);
    type J = fn(&[f64], &[f64], &[f64]) -> (f64, f64);
    let cases: [(&str, F, G, J); 4] = [
        (
            "weighted_squares",
            weighted_squares,
            weighted_squares_grad,
            weighted_squares_jvp,
        ),
        (
            "shifted_terms",
            shifted_terms,
            shifted_terms_grad,
            shifted_terms_jvp,
        ),
        (
            "reversed_weights",
            reversed_weights,
            reversed_weights_grad,
            reversed_weights_jvp,
        ),
        (
            "generic_weights",
            generic_weights::<f64>,
            generic_weights_grad::<f64>,
            generic_weights_jvp::<f64>,
        ),
    ];
    let dir = random_vec(6, 6, -1.0, 1.0);
    for (name, f, grad, jvp) in cases {
        let (v, g) = grad(&w, &x);
        assert!((v - f(&w, &x)).abs() < 1e-12, "{name}: value");
        let expect = fd_slice(|p| f(&w, p), &x);
        for (a, b) in g.iter().zip(&expect) {
            assert!(
                (a - b).abs() < 1e-6 * b.abs().max(1.0),
                "{name}: {a} vs {b}"
            );
        }
        let (_, t) = jvp(&w, &x, &dir);
        let dot: f64 = g.iter().zip(&dir).map(|(a, b)| a * b).sum();
        assert!((t - dot).abs() < 1e-10 * dot.abs().max(1.0), "{name}: jvp");
    }
}

/// `f32`, with an untyped float local: the active operand types it, as in plain Rust.
#[differentiable(wrt(w))]
fn untyped_scale(w: f32, xs: &[f32]) -> f32 {
    let scale = 2.0;
    let mut s = 0.0;
    for x in xs {
        s += w * x * scale - scale / w + x / w;
    }
    s
}

#[test]
fn an_untyped_float_local_takes_the_active_operands_type() {
    let xs = [1.0_f32, 2.0, -0.5];
    let (v, g) = untyped_scale_grad(1.5, &xs);
    let (sum, n) = (2.5_f32, 3.0_f32);
    assert!((v - (2.0 * 1.5 * sum - n * 2.0 / 1.5 + sum / 1.5)).abs() < 1e-5);
    assert!((g - (2.0 * sum + n * 2.0 / 2.25 - sum / 2.25)).abs() < 1e-5);
}

/// A constant vector held in a local, scaled by an active scalar.
#[differentiable(wrt(w))]
fn scaled_data(w: f64, data: &DVector<f64>) -> f64 {
    let m = data * 2.0;
    (m * w).norm() + (w * data.clone()).norm()
}

#[test]
fn constant_vectors_scaled_by_an_active_scalar() {
    let data = DVector::from_vec(vec![1.0, 2.0, -2.0]);
    let (v, g) = scaled_data_grad(0.5, &data);
    assert!((v - 4.5).abs() < 1e-12 && (g - 9.0).abs() < 1e-12);
    let (_, g) = scaled_data_grad(-0.5, &data);
    assert!((g + 9.0).abs() < 1e-12);
}

/// Float methods called on constant items (`&f64` receivers) with active arguments, literal
/// arguments beside them, in loops over constant data alone and in chains.
#[differentiable(wrt(w))]
fn methods_on_constant_items<T: Float + std::iter::Sum>(w: T, xs: &[T], ys: &[T]) -> T {
    let mut s = T::zero();
    for x in xs {
        s = s + x.powf(w) + x.mul_add(w, T::one()) + x.atan2(w);
    }
    for (x, y) in xs.iter().zip(ys) {
        s = s + y.min(w * *x) + x.hypot(w);
    }
    s + xs.iter().map(|x| x.max(w)).sum()
}

#[test]
fn float_methods_on_constant_items() {
    let xs = random_vec(7, 5, 0.2, 2.0);
    let ys = random_vec(8, 5, -1.0, 1.0);
    for w in [0.3, 0.9, 1.7] {
        let (v, g) = methods_on_constant_items_grad(w, &xs, &ys);
        assert!((v - methods_on_constant_items(w, &xs, &ys)).abs() < 1e-12);
        let expect = fd_slice(|p| methods_on_constant_items(p[0], &xs, &ys), &[w])[0];
        assert!(
            (g - expect).abs() < 1e-6 * expect.abs().max(1.0),
            "{g} vs {expect}"
        );
        let (_, t) = methods_on_constant_items_jvp(w, &xs, &ys, 1.0);
        assert!((t - g).abs() < 1e-12);
    }
}

/// Products with a constant vector on the left: `w.dot(x)`, `w.component_mul(x)`, `c.cross(..)`.
#[differentiable(wrt(x))]
fn constant_vector_first(x: &DVector<f64>, w: &DVector<f64>) -> f64 {
    let p = w.component_mul(x);
    w.dot(x) * p.norm() + w.dot(&p)
}

#[differentiable(wrt(v))]
fn constant_cross(v: &nalgebra::Vector3<f64>, c: &nalgebra::Vector3<f64>) -> f64 {
    c.cross(v).norm_squared()
}

#[test]
fn constant_vectors_on_the_left_of_products() {
    let w = DVector::from_vec(random_vec(9, 4, -1.0, 1.0));
    let x = random_vec(10, 4, -1.0, 1.0);
    let (v, g) = constant_vector_first_grad(&DVector::from_vec(x.clone()), &w);
    let f = |p: &[f64]| constant_vector_first(&DVector::from_vec(p.to_vec()), &w);
    assert!((v - f(&x)).abs() < 1e-12);
    for (a, b) in g.iter().zip(fd_slice(f, &x)) {
        assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} vs {b}");
    }
    let c = nalgebra::Vector3::new(0.5, -1.0, 2.0);
    let v = nalgebra::Vector3::new(1.5, 0.25, -0.75);
    let (_, g) = constant_cross_grad(&v, &c);
    // |c x v|^2 = |c|^2 |v|^2 - (c . v)^2, so the gradient is 2 |c|^2 v - 2 (c . v) c.
    let expect = 2.0 * c.norm_squared() * v - 2.0 * c.dot(&v) * c;
    assert!((g - expect).norm() < 1e-12);
}

/// Views of a constant matrix (`m.column(j)`) in products with an active vector, on either
/// side.
#[differentiable(wrt(x))]
fn constant_columns(m: &nalgebra::DMatrix<f64>, x: &DVector<f64>) -> f64 {
    let p = m.column(1).component_mul(x);
    m.column(0).dot(x) * x.dot(&m.column(2)) + p.dot(&p) + x.component_div(&m.column(1)).sum()
}

/// Views of a constant matrix added to and subtracted from active vectors, on either side,
/// and beside a matrix product, as a recurrent layer over a sequence's columns reads them.
#[differentiable(wrt(x, w))]
fn constant_columns_summed(
    m: &nalgebra::DMatrix<f64>,
    x: &DVector<f64>,
    w: &nalgebra::DMatrix<f64>,
) -> f64 {
    let mut h = x + m.column(0);
    for t in 1..m.ncols() {
        h = (w * &h + m.column(t)).map(|v| v.tanh());
    }
    (h - m.column(1)).norm_squared() + (m.column(2) - x).sum()
}

#[test]
fn constant_matrix_views_in_sums() {
    let m = nalgebra::DMatrix::from_vec(3, 3, random_vec(21, 9, -1.0, 1.0));
    let w = nalgebra::DMatrix::from_vec(3, 3, random_vec(22, 9, -0.8, 0.8));
    let x = random_vec(23, 3, -1.0, 1.0);
    let (v, (gx, gw)) = constant_columns_summed_grad(&m, &DVector::from_vec(x.clone()), &w);
    let f = |p: &[f64]| constant_columns_summed(&m, &DVector::from_vec(p.to_vec()), &w);
    assert!((v - f(&x)).abs() < 1e-12);
    for (a, b) in gx.iter().zip(fd_slice(f, &x)) {
        assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} vs {b}");
    }
    let fw = |p: &[f64]| {
        let w = nalgebra::DMatrix::from_vec(3, 3, p.to_vec());
        constant_columns_summed(&m, &DVector::from_vec(x.clone()), &w)
    };
    for (a, b) in gw.iter().zip(fd_slice(fw, w.as_slice())) {
        assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} vs {b}");
    }
}

#[test]
fn constant_matrix_views_in_products() {
    let m = nalgebra::DMatrix::from_vec(3, 3, random_vec(11, 9, 0.5, 2.0));
    for seed in 0..4 {
        let x = random_vec(12 + seed, 3, -1.0, 1.0);
        let f = |p: &[f64]| constant_columns(&m, &DVector::from_vec(p.to_vec()));
        let (v, g) = constant_columns_grad(&m, &DVector::from_vec(x.clone()));
        assert!((v - f(&x)).abs() < 1e-12);
        for (a, b) in g.iter().zip(fd_slice(f, &x)) {
            assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} vs {b}");
        }
        let dir = DVector::from_vec(random_vec(30 + seed, 3, -1.0, 1.0));
        let (_, t) = constant_columns_jvp(&m, &DVector::from_vec(x.clone()), &dir);
        assert!((t - g.dot(&dir)).abs() < 1e-10 * t.abs().max(1.0));
    }
}

/// A closure over constant data whose parameter has an active parameter's name.
#[differentiable(wrt(x, w))]
fn closure_parameter_named_like_an_active_one(x: f64, w: f64, xs: &[f64]) -> f64 {
    let s: f64 = xs.iter().map(|x| x * 2.0).sum();
    let t: f64 = xs.iter().map(|x| x * w).sum();
    s * x + t * x
}

#[test]
fn a_closure_parameter_hides_the_active_variable_of_its_name() {
    let xs = [1.0, 2.0, -0.5];
    let (v, (gx, gw)) = closure_parameter_named_like_an_active_one_grad(0.4, 1.5, &xs);
    assert!((v - closure_parameter_named_like_an_active_one(0.4, 1.5, &xs)).abs() < 1e-12);
    assert!((gx - (5.0 + 2.5 * 1.5)).abs() < 1e-12, "{gx}");
    assert!((gw - 2.5 * 0.4).abs() < 1e-12, "{gw}");
}

/// A helper with a constant slice parameter.
#[differentiable(wrt(w))]
fn features_dot(w: f64, feat: &[f64]) -> f64 {
    let mut a = 0.0;
    for f in feat {
        a += (w * f).sin() + w * f * f;
    }
    a
}

#[differentiable(wrt(w))]
fn features_pair(w: f64, feat: &[f64]) -> (f64, f64) {
    let mut a = 0.0;
    let mut b = 0.0;
    for f in feat {
        a += (w * f).sin();
        b += w * f * f;
    }
    (a, b)
}

/// Constant local buffers passed to helpers: made once, collected, sliced, and rewritten in
/// every iteration of a loop that calls the helper on them.
#[differentiable(wrt(w))]
fn constant_buffers_to_helpers(w: f64, xs: &[f64]) -> f64 {
    let mut feat = vec![0.0; xs.len()];
    for j in 0..xs.len() {
        feat[j] = xs[j] * 2.0;
    }
    let squares: Vec<f64> = xs.iter().map(|x| x * x).collect();
    let mut s = features_dot(w, &feat) * w + features_dot(w, &squares[1..]);
    for k in 0..3 {
        for j in 0..xs.len() {
            feat[j] = xs[j] + k as f64;
        }
        let (a, b) = features_pair(w, &feat);
        s = s * a + b;
    }
    s
}

/// The same called in a loop from another function (its split form).
#[differentiable(wrt(w))]
fn calls_it_in_a_loop(w: f64, xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..2 {
        s += constant_buffers_to_helpers(w + k as f64 * 0.1, xs) * w;
    }
    s
}

#[test]
fn constant_local_buffers_passed_to_helpers() {
    type F = fn(f64, &[f64]) -> f64;
    type G = fn(f64, &[f64]) -> (f64, f64);
    let xs = random_vec(11, 4, -1.0, 1.0);
    for w in [0.2, 0.7] {
        let cases: [(F, G); 2] = [
            (
                constant_buffers_to_helpers,
                constant_buffers_to_helpers_grad,
            ),
            (calls_it_in_a_loop, calls_it_in_a_loop_grad),
        ];
        for (f, grad) in cases {
            let (v, g) = grad(w, &xs);
            assert!((v - f(w, &xs)).abs() < 1e-12);
            let expect = fd_slice(|p| f(p[0], &xs), &[w])[0];
            assert!(
                (g - expect).abs() < 1e-6 * expect.abs().max(1.0),
                "{g} vs {expect}"
            );
        }
        let (_, g) = constant_buffers_to_helpers_grad(w, &xs);
        let (v, back) = constant_buffers_to_helpers_pullback(w, &xs);
        assert!((v - constant_buffers_to_helpers(w, &xs)).abs() < 1e-12);
        assert!((back(2.0) - 2.0 * g).abs() < 1e-9);
    }
}

/// Copies of constant data (`to_vec`, `clone` of a `Vec`) keep their values.
#[differentiable(wrt(w))]
#[allow(clippy::ptr_arg)]
fn copies_of_constants(w: f64, xs: &[f64], ys: &Vec<f64>) -> f64 {
    let c = xs.to_vec();
    let d = ys.clone();
    let e: Vec<f64> = xs.iter().map(|x| x * 2.0).collect();
    w * c[1] + w * w * d[0] + e[2] * w
}

#[test]
fn copies_of_constant_data_keep_their_values() {
    let (xs, ys) = ([1.0, 3.0, -2.0], vec![0.5, 4.0]);
    let w = 2.0;
    let (v, g) = copies_of_constants_grad(w, &xs, &ys);
    assert_eq!(v, copies_of_constants(w, &xs, &ys));
    assert_eq!(v, 2.0 * 3.0 + 4.0 * 0.5 - 4.0 * 2.0);
    assert_eq!(g, 3.0 + 2.0 * w * 0.5 - 4.0);
    assert_eq!(copies_of_constants_jvp(w, &xs, &ys, 1.0).1, g);
}
