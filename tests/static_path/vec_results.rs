//! `Vec`s and arrays that `#[differentiable]` helpers return, used by the caller: read by
//! index, passed by reference to the next helper (layer after layer), carried through a
//! loop; against central differences, the JVP and the pullback.

use super::cases::{check, check_jvp};
use super::oracle::{fd_slice, random_vec};
use autodiff::differentiable;
use num_traits::Float;

/// A dense layer, `tanh(W x + b)`, `W` row by row.
#[differentiable]
fn layer(w: &[f64], b: &[f64], x: &[f64]) -> Vec<f64> {
    let n = b.len();
    let mut h = vec![0.0; n];
    for i in 0..n {
        let mut s = b[i];
        for j in 0..x.len() {
            s += w[i * x.len() + j] * x[j];
        }
        h[i] = s.tanh();
    }
    h
}

/// Two layers and a loss reading both outputs by index.
#[differentiable]
fn two_layers(w1: &[f64], b1: &[f64], w2: &[f64], b2: &[f64], x: &[f64]) -> f64 {
    let h = layer(w1, b1, x);
    let out = layer(w2, b2, &h);
    let mut loss = 0.0;
    for i in 0..b2.len() {
        loss += (out[i] - 0.5).powi(2);
    }
    loss + h[1] * out[0]
}

/// A recurrent cell applied in a loop: the state is the `Vec` the last call returned.
#[differentiable]
fn recurrent(w: &[f64], b: &[f64], x: &[f64], steps: usize) -> f64 {
    let mut state = layer(w, b, x);
    for _ in 0..steps {
        state = layer(w, b, &state);
    }
    state[0] * state[1] + state[2]
}

#[differentiable]
fn squares2(x: &[f64]) -> [f64; 2] {
    [x[0] * x[0], x[1] * x[0]]
}

#[differentiable]
fn weighted(v: &[f64]) -> f64 {
    v[0] + 3.0 * v[1] * v[0]
}

/// An array result passed on as a slice.
#[differentiable]
fn array_passed_on(x: &[f64]) -> f64 {
    let a = squares2(x);
    weighted(&a) * a[1]
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn layers_pass_their_vec_results_on() {
    let (w1, b1) = (random_vec(1, 6, -1.0, 1.0), random_vec(2, 2, -0.5, 0.5));
    let (w2, b2) = (random_vec(3, 4, -1.0, 1.0), random_vec(4, 2, -0.5, 0.5));
    let x = random_vec(5, 3, -1.5, 1.5);
    let (v, (g1, gb1, g2, gb2, gx)) = two_layers_grad(&w1, &b1, &w2, &b2, &x);
    assert!((v - two_layers(&w1, &b1, &w2, &b2, &x)).abs() < 1e-12);
    let checks: [(&[f64], Vec<f64>); 5] = [
        (&g1, fd_slice(|p| two_layers(p, &b1, &w2, &b2, &x), &w1)),
        (&gb1, fd_slice(|p| two_layers(&w1, p, &w2, &b2, &x), &b1)),
        (&g2, fd_slice(|p| two_layers(&w1, &b1, p, &b2, &x), &w2)),
        (&gb2, fd_slice(|p| two_layers(&w1, &b1, &w2, p, &x), &b2)),
        (&gx, fd_slice(|p| two_layers(&w1, &b1, &w2, &b2, p), &x)),
    ];
    for (g, expect) in checks {
        for (a, b) in g.iter().zip(&expect) {
            assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} vs {b}");
        }
    }
    let dirs: Vec<Vec<f64>> = (10..15).map(|s| random_vec(s, 6, -1.0, 1.0)).collect();
    let (_, t) = two_layers_jvp(
        &w1,
        &b1,
        &w2,
        &b2,
        &x,
        &dirs[0],
        &dirs[1][..2],
        &dirs[2][..4],
        &dirs[3][..2],
        &dirs[4][..3],
    );
    let expect = dot(&g1, &dirs[0])
        + dot(&gb1, &dirs[1][..2])
        + dot(&g2, &dirs[2][..4])
        + dot(&gb2, &dirs[3][..2])
        + dot(&gx, &dirs[4][..3]);
    assert!((t - expect).abs() < 1e-10 * expect.abs().max(1.0));
    let (pv, back) = two_layers_pullback(&w1, &b1, &w2, &b2, &x);
    let (p1, _, _, _, px) = back(2.0);
    assert!((pv - v).abs() < 1e-12);
    for (a, b) in p1.iter().zip(&g1).chain(px.iter().zip(&gx)) {
        assert!((a - 2.0 * b).abs() < 1e-12);
    }
}

#[test]
fn a_vec_result_carried_through_a_loop() {
    let w = random_vec(6, 9, -0.8, 0.8);
    let b = random_vec(7, 3, -0.3, 0.3);
    let x = random_vec(8, 3, -1.0, 1.0);
    for steps in [0, 1, 4] {
        let (v, (gw, _, gx)) = recurrent_grad(&w, &b, &x, steps);
        assert!((v - recurrent(&w, &b, &x, steps)).abs() < 1e-12);
        for (g, expect) in [
            (&gw, fd_slice(|p| recurrent(p, &b, &x, steps), &w)),
            (&gx, fd_slice(|p| recurrent(&w, &b, p, steps), &x)),
        ] {
            for (a, e) in g.iter().zip(&expect) {
                assert!(
                    (a - e).abs() < 1e-6 * e.abs().max(1.0),
                    "{steps}: {a} vs {e}"
                );
            }
        }
        let (_, t) = recurrent_jvp(&w, &b, &x, steps, &[0.0; 9], &[0.0; 3], &[1.0, 0.0, -1.0]);
        assert!((t - (gx[0] - gx[2])).abs() < 1e-10);
    }
}

#[test]
fn an_array_result_passed_on_as_a_slice() {
    let x = [1.5, 2.0];
    let (v, g) = array_passed_on_grad(&x);
    assert!((v - array_passed_on(&x)).abs() < 1e-12);
    for (a, b) in g.iter().zip(fd_slice(array_passed_on, &x)) {
        assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} vs {b}");
    }
}

#[differentiable]
fn squares(x: &[f64]) -> Vec<f64> {
    let mut y = vec![0.0; x.len()];
    for i in 0..x.len() {
        y[i] = x[i] * x[i];
    }
    y
}

/// A `Vec` result iterated: zipped with constants and enumerated, mapped, stepped, folded
/// and summed.
#[differentiable(wrt(x))]
fn iterates_a_vec_result(x: &[f64], w: &[f64]) -> f64 {
    let h = squares(x);
    let mut s = 0.0;
    for (i, (a, b)) in h.iter().zip(w).enumerate() {
        s += a * b * (i as f64 + 1.0);
    }
    let total: f64 = h.iter().sum();
    s + total * h.len() as f64
        + h.iter().map(|v| v.sin()).sum::<f64>()
        + h.iter().step_by(2).fold(0.0, |m, &v| m + v * v)
}

#[test]
fn a_vec_result_iterated() {
    let w = random_vec(20, 5, -1.0, 1.0);
    let f = |x: &[f64]| iterates_a_vec_result(x, &w);
    let grad = |x: &[f64]| iterates_a_vec_result_grad(x, &w);
    check("iterates_a_vec_result", 5, f, grad);
    check_jvp("iterates_a_vec_result", 5, grad, |x, d| {
        iterates_a_vec_result_jvp(x, &w, d)
    });
}

#[differentiable]
fn total(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for &a in v {
        s += a * a;
    }
    s
}

#[differentiable]
fn scaled<T: num_traits::Float>(a: &T, b: T) -> T {
    *a * b + a.sin()
}

/// `Vec` and array results only passed on, never read by index, and a generic scalar passed
/// by reference.
#[differentiable]
fn passed_on_only(x: &[f64]) -> f64 {
    let h = squares(x);
    let a = squares2(&h);
    let s = total(&h) + total(&a);
    scaled(&s, x[0])
}

case!(
    results_only_passed_on,
    passed_on_only,
    passed_on_only_grad,
    passed_on_only_jvp,
    4
);

/// Ranges of a `Vec` result passed on.
#[differentiable]
fn ranges_passed_on(x: &[f64]) -> f64 {
    let f = squares(x);
    f[0] + total(&f[1..]) * total(&f[..2]) + total(&f[1..=2])
}

case!(
    ranges_of_a_vec_result_passed_on,
    ranges_passed_on,
    ranges_passed_on_grad,
    ranges_passed_on_jvp,
    4
);

#[differentiable]
fn contract(y: &[f64], a: f64) -> Vec<f64> {
    let mut o = vec![0.0; y.len()];
    for i in 0..y.len() {
        o[i] = a * y[i].sin() + y[(i + 1) % y.len()] * 0.1;
    }
    o
}

/// A copy, then a written buffer, replaced as a whole by a helper's result in a loop.
#[differentiable]
fn buffers_replaced_by_results(x: &[f64], a: f64) -> f64 {
    let mut y = x.to_vec();
    for _ in 0..3 {
        y = contract(&y, a);
    }
    let mut z = vec![0.0; x.len()];
    for i in 0..x.len() {
        z[i] = y[i] * x[i];
    }
    z = contract(&z, a);
    y[0] + z[1]
}

#[test]
fn buffers_replaced_by_helper_results() {
    let x = random_vec(27, 3, -1.0, 1.0);
    for a in [0.7, -1.3] {
        let (v, (g, ga)) = buffers_replaced_by_results_grad(&x, a);
        assert!((v - buffers_replaced_by_results(&x, a)).abs() < 1e-12);
        for (p, q) in g
            .iter()
            .zip(fd_slice(|p| buffers_replaced_by_results(p, a), &x))
        {
            assert!((p - q).abs() < 1e-6 * q.abs().max(1.0), "{p} vs {q}");
        }
        let ea = fd_slice(|p| buffers_replaced_by_results(&x, p[0]), &[a])[0];
        assert!((ga - ea).abs() < 1e-6 * ea.abs().max(1.0), "{ga} vs {ea}");
        let dir = random_vec(28, 3, -1.0, 1.0);
        let (_, t) = buffers_replaced_by_results_jvp(&x, a, &dir, 0.5);
        let expect = dot(&g, &dir) + 0.5 * ga;
        assert!((t - expect).abs() < 1e-10 * expect.abs().max(1.0));
    }
}

/// A `Vec` result that does not depend on the input: its derivatives are zero.
#[differentiable]
fn constant_weights(x: &[f64]) -> Vec<f64> {
    let w = vec![0.25; x.len() + 1];
    w
}

/// A caller reads it beside an active value.
#[differentiable]
fn uses_constant_weights(x: &[f64]) -> f64 {
    let w = constant_weights(x);
    let mut s = 0.0;
    for i in 0..x.len() {
        s += w[i] * x[i] * x[i] + w[i + 1];
    }
    s
}

#[test]
fn a_vec_result_that_does_not_depend_on_the_input() {
    let x = [0.5, -2.0, 1.5];
    assert_eq!(
        constant_weights_jvp(&x, &[1.0, 2.0, 3.0]),
        (vec![0.25; 4], vec![0.0; 4])
    );
    assert_eq!(
        constant_weights_vjp(&x, vec![1.0; 4]),
        (vec![0.25; 4], vec![0.0; 3])
    );
    check("uses_constant_weights", 4, uses_constant_weights, |x| {
        uses_constant_weights_grad(x)
    });
}

/// Takes its `Vec` by value.
#[differentiable]
fn norm2_owned(v: Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

/// A copy moved into a helper that takes it by value.
#[differentiable]
fn copy_moved_in(x: &[f64]) -> f64 {
    let c = x.to_vec();
    norm2_owned(c) + x[0]
}

/// A parameter `Vec` moved into the helper, and moved copies in a loop.
#[differentiable]
fn owned_moved_in(x: Vec<f64>) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        let mut c = vec![0.0; x.len()];
        for i in 0..x.len() {
            c[i] = x[i] * (k as f64 + 1.0);
        }
        s += norm2_owned(c);
    }
    s + norm2_owned(x)
}

#[test]
fn vecs_moved_into_helpers() {
    check("copy_moved_in", 3, copy_moved_in, copy_moved_in_grad);
    check_jvp("copy_moved_in", 3, copy_moved_in_grad, copy_moved_in_jvp);
    let owned = |x: &[f64]| owned_moved_in(x.to_vec());
    let grad = |x: &[f64]| owned_moved_in_grad(x.to_vec());
    check("owned_moved_in", 4, owned, grad);
    check_jvp("owned_moved_in", 4, grad, |x, d| {
        owned_moved_in_jvp(x.to_vec(), d.to_vec())
    });
    // The pullback keeps what it moves: it runs twice with the same result.
    let x = [0.5, -1.0, 2.0];
    let (value, pullback) = copy_moved_in_pullback(&x);
    assert_eq!(value, copy_moved_in(&x));
    assert_eq!(pullback(1.0), pullback(1.0));
    assert_eq!(pullback(2.0)[1], -4.0);
}

/// `vec![..]` of active items: a buffer with the items written in, then read by index, by a
/// chain and passed to a helper; annotated, generic, in a loop.
#[differentiable]
#[allow(clippy::useless_vec)]
fn listed(x: &[f64]) -> f64 {
    let v = vec![x[0] * x[1], x[1].sin(), 2.0];
    let w: Vec<f64> = vec![x[2], v[0] + x[0]];
    v[0] + v[1] * v[2] + w.iter().map(|a| a * a).sum::<f64>() + squares(&w)[1]
}

#[differentiable]
#[allow(clippy::useless_vec)]
fn listed_generic<T: Float>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() - 1 {
        let pair = vec![x[i], x[i + 1] * x[i]];
        s = s + pair[0] * pair[1].cos();
    }
    s
}

#[test]
fn vecs_listed_from_active_items() {
    let closed = |x: &[f64]| {
        let (a, b, c) = (x[0], x[1], x[2]);
        let v0 = a * b;
        let w1 = v0 + a;
        // v0 + 2 sin(b) + c^2 + w1^2 + w1^2
        let d_w1 = 4.0 * w1;
        vec![b + d_w1 * (b + 1.0), a + 2.0 * b.cos() + d_w1 * a, 2.0 * c]
    };
    for seed in 0..4 {
        let x = random_vec(seed, 3, -1.5, 1.5);
        let (v, g) = listed_grad(&x);
        assert!((v - listed(&x)).abs() < 1e-12);
        for (a, b) in g.iter().zip(closed(&x)) {
            assert!((a - b).abs() < 1e-9 * b.abs().max(1.0), "{a} vs {b}");
        }
        let f = |x: &[f64]| listed_generic(x);
        let (v, g) = listed_generic_grad(&x);
        assert!((v - f(&x)).abs() < 1e-12);
        for (a, b) in g.iter().zip(fd_slice(f, &x)) {
            assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} vs {b}");
        }
    }
}

/// `vec![..]` whose items read the binding it hides, in a loop too; an inferred annotation;
/// a generic function whose first float parameter is a constant of another type.
#[differentiable]
#[allow(clippy::useless_vec)]
fn listed_shadowing(x: &[f64]) -> f64 {
    let v = x.to_vec();
    let v = vec![v[1] * 2.0, v[0]];
    let mut s = 0.0;
    for i in 0..2 {
        let v = vec![v[1] * x[i], v[0] + 1.0];
        s += v[0] * v[1];
    }
    let u: Vec<_> = vec![x[0] * x[1], x[1]];
    v[0] * v[1] + s + u[0] * u[1]
}

#[differentiable(wrt(x))]
#[allow(clippy::useless_vec)]
fn listed_after_a_constant<T: Float>(alpha: f64, x: &[T]) -> T {
    let a = T::from(alpha).unwrap();
    let v = vec![x[0] * a, x[1]];
    v[0] * v[1]
}

#[test]
fn vecs_listed_from_the_names_they_hide() {
    for seed in 0..4 {
        let x = random_vec(seed, 2, -1.5, 1.5);
        let (v, g) = listed_shadowing_grad(&x);
        assert!((v - listed_shadowing(&x)).abs() < 1e-12, "{v}");
        for (a, b) in g.iter().zip(fd_slice(listed_shadowing, &x)) {
            assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} vs {b}");
        }
        let f = |x: &[f64]| listed_after_a_constant(0.7, x);
        let (v, g) = listed_after_a_constant_grad(0.7, &x);
        assert!((v - f(&x)).abs() < 1e-12);
        for (a, b) in g.iter().zip(fd_slice(f, &x)) {
            assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} vs {b}");
        }
    }
}

/// A `Vec` result built by the tail expression: an iterator chain collected, a list, a copy.
#[differentiable]
fn collected_tail(x: &[f64]) -> Vec<f64> {
    x.iter().map(|v| 2.0 * v.sin() + v * v).collect()
}

#[differentiable]
fn listed_tail<T: Float>(x: &[T]) -> Vec<T> {
    vec![x[0] * x[1], x[1].exp(), x[2] / x[0]]
}

#[differentiable]
fn copied_tail(x: &[f64]) -> Vec<f64> {
    x.to_vec()
}

/// The three read back by a caller: split mode, against central differences and the JVP.
#[differentiable]
fn reads_built_tails(x: &[f64]) -> f64 {
    let c = collected_tail(x);
    let l = listed_tail(x);
    let k = copied_tail(x);
    c[0] * l[1] + c[2] * l[0] - k[1] * l[2]
}
case!(
    case_reads_built_tails,
    reads_built_tails,
    reads_built_tails_grad,
    reads_built_tails_jvp,
    3
);

#[test]
fn built_tails_vjp_rows() {
    // Each seed e_i picks row i of the Jacobian, against central differences of output i.
    for seed in 0..3 {
        let x = random_vec(seed, 3, 0.4, 1.6);
        type Built = fn(&[f64]) -> Vec<f64>;
        let fs: [(&str, Built); 3] = [
            ("collected", collected_tail),
            ("listed", listed_tail::<f64>),
            ("copied", copied_tail),
        ];
        for (what, f) in fs {
            let m = f(&x).len();
            for i in 0..m {
                let mut e = vec![0.0; m];
                e[i] = 1.0;
                let (value, row) = match what {
                    "collected" => collected_tail_vjp(&x, e),
                    "listed" => listed_tail_vjp(&x, e),
                    _ => copied_tail_vjp(&x, e),
                };
                assert_eq!(value, f(&x), "{what}");
                let want = fd_slice(|p| f(p)[i], &x);
                super::oracle::assert_all_close(what, &row, &want, 1e-6, 1e-7);
            }
        }
    }
}

/// `vec![x; n]` of an active `x`: a buffer that starts as `n` copies, then is overwritten.
#[differentiable]
fn repeated_start(x: &[f64]) -> f64 {
    let n = x.len();
    let mut h = vec![x[0] * x[1]; n];
    for i in 1..n {
        h[i] = 0.5 * h[i - 1] + x[i].sin();
    }
    h[n - 1] * h[0]
}
case!(
    case_repeated_start,
    repeated_start,
    repeated_start_grad,
    repeated_start_jvp,
    4
);

/// A result of `n` copies of one active value, read by a caller.
#[differentiable]
fn spread<T: Float>(x: &[T], n: usize) -> Vec<T> {
    let s = x[0] * x[1];
    vec![s.exp(); n]
}

#[differentiable]
fn reads_spread(x: &[f64]) -> f64 {
    let v = spread(x, 3);
    v[0] + v[2] * x[1] + v.len() as f64
}
case!(
    case_reads_spread,
    reads_spread,
    reads_spread_grad,
    reads_spread_jvp,
    2
);
