//! Parameters whose names the body binds again: a local buffer, a float or a loop's `let`
//! named like an active slice parameter hides it from the user's code, not from the backward
//! sweep, which reads the parameter's elements and opens its adjoint after the body. Each
//! against central differences, the JVP and (where named) the pullback and split mode.

use super::cases::{check, check_jvp};
use super::oracle::assert_all_close;
use autodiff::differentiable;
use num_traits::Float;

/// The recorded loop reads `v` again in the backward sweep, after the buffer `v` is bound.
#[differentiable]
fn buffer_after_loop(v: &[f64]) -> f64 {
    let n = v.len();
    let mut xc = vec![0.0; n];
    let mut s = 1.0;
    for i in 0..n {
        for j in 0..n {
            xc[j] = v[j] - v[i];
        }
        s = s * (xc[0] * xc[1]).sin() + xc[2];
    }
    let mut v = vec![1.0; n];
    v[0] = s * s;
    v[0] * 2.0 + v[1]
}
case!(
    case_buffer_after_loop,
    buffer_after_loop,
    buffer_after_loop_grad,
    buffer_after_loop_jvp,
    4
);

#[test]
fn buffer_after_loop_split_once() {
    let x = [0.3, -0.7, 1.1, 0.4];
    let (value, pullback) = buffer_after_loop_pullback(&x);
    let (v, g) = buffer_after_loop_grad(&x);
    assert_eq!(value, v);
    assert_all_close("pullback", &pullback(1.0), &g, 1e-14, 1e-14);
}

/// The first element read before the buffer hides the parameter; the buffer is the result's
/// only source after.
#[differentiable]
fn buffer_from_first(v: &[f64]) -> f64 {
    let n = v.len();
    let a = v[0];
    let mut v = vec![0.0; n];
    v[0] = a * 2.0;
    v[n - 1] = a.sin() * 3.0;
    v[0] * v[n - 1]
}
case!(
    case_buffer_from_first,
    buffer_from_first,
    buffer_from_first_grad,
    buffer_from_first_jvp,
    3
);

/// A float bound to the parameter's name after a product over it.
#[differentiable]
fn float_after_product<T: Float>(v: &[T]) -> T {
    let mut p = T::one();
    for i in 0..v.len() {
        p = p * (v[i] + T::from(2.0).unwrap());
    }
    let v = p.ln();
    v * v
}
case!(
    case_float_after_product,
    float_after_product,
    float_after_product_grad,
    float_after_product_jvp,
    5
);

/// A `let` in the loop body binds the parameter's name to one of its elements.
#[differentiable]
fn element_in_loop(v: &[f64], w: f64) -> f64 {
    let mut s = w;
    for i in 0..v.len() {
        let v = v[i] * s;
        s = s * 0.5 + v.sin();
    }
    s
}
#[test]
fn case_element_in_loop() {
    check(
        "element_in_loop",
        4,
        |x| element_in_loop(&x[..3], x[3]),
        |x| {
            let (value, (g, gw)) = element_in_loop_grad(&x[..3], x[3]);
            (value, [g, vec![gw]].concat())
        },
    );
}

/// A `&Vec` parameter hidden by a buffer, in a helper that a loop calls (split mode).
#[allow(clippy::ptr_arg)]
#[differentiable]
fn hidden_vec(v: &Vec<f64>) -> f64 {
    let mut t = 0.0;
    for i in 0..v.len() {
        t = t * v[i] + v[i].cos();
    }
    let mut v = vec![0.0; v.len()];
    v[0] = t;
    v[1] = t * t;
    v[0] + v[1]
}
fn hidden_vec_of(x: &[f64]) -> f64 {
    hidden_vec(&x.to_vec())
}
#[test]
fn case_hidden_vec() {
    check("hidden_vec", 3, hidden_vec_of, |x| {
        hidden_vec_grad(&x.to_vec())
    });
    check_jvp(
        "hidden_vec",
        3,
        |x| hidden_vec_grad(&x.to_vec()),
        |x, d| hidden_vec_jvp(&x.to_vec(), &d.to_vec()),
    );
}

#[allow(clippy::ptr_arg)]
#[differentiable]
fn calls_hidden_vec(x: &Vec<f64>) -> f64 {
    let mut t = 0.0;
    for _ in 0..2 {
        let q = hidden_vec(x);
        t = t * 0.5 + q * q;
    }
    t
}
#[test]
fn case_calls_hidden_vec() {
    check(
        "calls_hidden_vec",
        3,
        |x| calls_hidden_vec(&x.to_vec()),
        |x| calls_hidden_vec_grad(&x.to_vec()),
    );
}

/// A closure's parameter named like the slice it maps.
#[differentiable]
fn closure_names_it(x: &[f64]) -> f64 {
    let s: f64 = x.iter().map(|x| x * x.sin()).sum();
    s * x[0]
}
case!(
    case_closure_names_it,
    closure_names_it,
    closure_names_it_grad,
    closure_names_it_jvp,
    3
);

/// Copies and collected chains bound to the name they read: made under a name of their
/// own, then copied in.
#[differentiable]
fn rebuilt_from_itself(v: &[f64]) -> f64 {
    let v: Vec<f64> = v.iter().map(|a| a.exp()).collect();
    let v = v.to_vec();
    let mut w = vec![0.0; v.len() - 1];
    w[0] = v[0] * v[1];
    w[1] = v[2];
    let w: Vec<f64> = w.iter().map(|a| a * a.sin()).collect();
    v[2] * w[0] + w[1]
}
case!(
    case_rebuilt_from_itself,
    rebuilt_from_itself,
    rebuilt_from_itself_grad,
    rebuilt_from_itself_jvp,
    3
);

/// Buffers each written from the one before: every one is found active, however long the
/// chain.
#[differentiable]
fn buffer_relay(x: &[f64]) -> f64 {
    let n = x.len();
    let mut a = vec![0.0; n];
    a[0] = x[0].sin();
    let mut b = vec![0.0; n];
    b[1] = a[0] * x[1];
    let mut c = vec![0.0; n];
    c[2] = b[1].exp();
    let mut d = vec![0.0; n];
    d[0] = c[2] + b[1];
    let mut e = vec![0.0; n];
    e[1] = d[0] * a[0];
    e[1] + c[2]
}
case!(
    case_buffer_relay,
    buffer_relay,
    buffer_relay_grad,
    buffer_relay_jvp,
    3
);
