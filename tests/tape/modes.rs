//! One-shot, persistent and reused tapes; VJPs and Jacobians; what stays at run time.

use super::common::{close, fd, rng, uniform};
use autodiff::tape::{Tape, Var};
use nalgebra::{DMatrix, DVector};

fn model<'id>(v: &[Var<'id, f64>]) -> Var<'id, f64> {
    let mut acc = v[0];
    for (i, x) in v.iter().enumerate() {
        acc = acc * x.cos() + (*x * i as f64).sin();
    }
    acc
}

#[test]
fn persistent_gradients_match_fresh_one_shot_tapes() {
    let x = [0.3, -0.7, 1.1];
    let (g1, g2, g3) = Tape::<f64>::scope_persistent(|t| {
        let v = t.var_vec(&x);
        let y = model(&v);
        let g1 = t.gradient(y, &v);
        let g2 = t.gradient(y * y, &v); // recorded after the first gradient
        let g3 = t.gradient(y, &v);
        (g1, g2, g3)
    });
    let f1 = Tape::<f64>::scope(|t| {
        let v = t.var_vec(&x);
        let y = model(&v);
        t.gradient(y, &v)
    });
    let y = Tape::<f64>::scope(|t| model(&t.var_vec(&x)).value());
    assert_eq!(g1, f1);
    assert_eq!(g3, f1);
    for (a, b) in g2.iter().zip(&f1) {
        assert!(close(*a, 2.0 * y * b, 1e-14));
    }
}

#[test]
fn values_stay_readable_after_a_one_shot_gradient() {
    Tape::<f64>::scope(|t| {
        let x = t.var(2.0);
        let m = t.matrix(DMatrix::from_element(2, 2, 1.5));
        let y = x * x + m.sum();
        let p = m * 2.0;
        let g = t.gradient(y, x);
        assert_eq!(g, 4.0);
        assert_eq!(y.value(), 10.0);
        assert_eq!(p.value(), DMatrix::from_element(2, 2, 3.0));
    });
}

#[test]
fn reused_tape_stops_growing_once_warm() {
    let mut tape = Tape::<f64>::new();
    let mut caps = Vec::new();
    let mut w = vec![0.1, 0.2, 0.3];
    for _ in 0..20 {
        let g = tape.record(|t| {
            let v = t.var_vec(&w);
            let y = model(&v) + t.matrix(DMatrix::from_element(3, 3, v[0].value())).norm();
            t.gradient(y, &v)
        });
        for (wi, gi) in w.iter_mut().zip(&g) {
            *wi -= 0.01 * gi;
        }
        caps.push(tape.capacity());
    }
    assert!(tape.len() > 10);
    assert!(caps.windows(2).skip(1).all(|c| c[0] == c[1]), "{caps:?}");
    // Reuse gives the same gradients as a fresh tape.
    let fresh = Tape::<f64>::scope(|t| {
        let v = t.var_vec(&w);
        t.gradient(model(&v), &v)
    });
    let reused = tape.record(|t| {
        let v = t.var_vec(&w);
        t.gradient(model(&v), &v)
    });
    assert_eq!(fresh, reused);
}

#[test]
fn with_capacity_does_not_grow() {
    let mut tape = Tape::<f64>::with_capacity(10_000);
    let cap = tape.capacity();
    assert!(cap >= 10_000);
    let g = tape.record_persistent(|t| {
        let x = t.var(1.0);
        let mut y = x;
        for _ in 0..4_000 {
            y = y * 1.0001 + 0.0;
        }
        t.gradient(y, x)
    });
    assert!(close(g, 1.0001f64.powi(4_000), 1e-9));
    assert_eq!(tape.capacity(), cap);
    tape.clear();
    assert!(tape.is_empty());
}

#[test]
fn jacobian_of_scalar_outputs_against_finite_differences() {
    let mut r = rng(41);
    for _ in 0..50 {
        let x: Vec<f64> = (0..3).map(|_| uniform(&mut r, -1.0, 1.0)).collect();
        let j = Tape::<f64>::scope(|t| {
            let v = t.var_vec(&x);
            let ys = [v[0] * v[1], v[1].sin() + v[2], v[2].exp() * v[0], model(&v)];
            t.jacobian(ys, &v)
        });
        let comp = |k: usize| {
            move |p: &[f64]| {
                Tape::<f64>::scope(|t| {
                    let v = t.var_vec(p);
                    let ys = [v[0] * v[1], v[1].sin() + v[2], v[2].exp() * v[0], model(&v)];
                    ys[k].value()
                })
            }
        };
        assert_eq!(j.shape(), (4, 3));
        for k in 0..4 {
            for i in 0..3 {
                let d = fd(&comp(k), &x, i);
                assert!(close(j[(k, i)], d, 1e-6), "J[{k},{i}]");
            }
        }
    }
}

#[test]
fn vjp_with_a_seed() {
    let (g, h) = Tape::<f64>::scope_persistent(|t| {
        let [a, b] = t.vars([1.5, -0.5]);
        let ys = [a * b, a + b, b.exp()];
        (
            t.vjp(&ys[..], &[1.0, 2.0, 3.0], [a, b]),
            t.vjp(ys, [0.0, 0.0, 1.0], b),
        )
    });
    assert_eq!(g, [-0.5 + 2.0, 1.5 + 2.0 + 3.0 * (-0.5f64).exp()]);
    assert_eq!(h, (-0.5f64).exp());
}

#[test]
#[should_panic(expected = "vjp: seed has length 2 but there are 3 outputs")]
fn vjp_seed_length_mismatch_panics() {
    Tape::<f64>::scope(|t| {
        let a = t.var(1.0);
        let ys = [a, a * a, a.sin()];
        t.vjp(&ys[..], &[1.0, 2.0], a)
    });
}

#[test]
#[should_panic(expected = "vjp: seed has 2 entries but the output vector has 3")]
fn vector_vjp_seed_length_mismatch_panics() {
    Tape::<f64>::scope(|t| {
        let x = t.vector(DVector::from_vec(vec![1.0, 2.0, 3.0]));
        t.vjp(x.sin(), &DVector::from_vec(vec![1.0, 1.0]), x)
    });
}

#[test]
fn gradient_with_respect_to_mixed_shapes() {
    let (gs, gv, gm, garr) = Tape::<f64>::scope(|t| {
        let s = t.var(2.0);
        let v = t.vector(DVector::from_vec(vec![1.0, 2.0]));
        let m = t.matrix(DMatrix::identity(2, 2));
        let xs = t.vars([1.0, 3.0]);
        let y = (m * v).dot(v) * s + xs[0] * xs[1];
        t.gradient(y, (s, v, m, xs))
    });
    assert_eq!(gs, 5.0);
    assert_eq!(gv, DVector::from_vec(vec![4.0, 8.0]));
    assert_eq!(gm, DMatrix::from_row_slice(2, 2, &[2.0, 4.0, 4.0, 8.0]));
    assert_eq!(garr, [3.0, 1.0]);
}

#[test]
fn gradient_slices_of_tensors_and_unused_tensors_are_zero() {
    let (g, gu) = Tape::<f64>::scope(|t| {
        let ws = [
            t.matrix(DMatrix::from_element(2, 2, 1.0)),
            t.matrix(DMatrix::from_element(2, 2, 2.0)),
        ];
        let unused = t.vector(DVector::from_vec(vec![1.0, 1.0, 1.0]));
        let y = (ws[0] * ws[1]).sum();
        t.gradient(y, (&ws[..], unused))
    });
    assert_eq!(g[0], DMatrix::from_element(2, 2, 4.0));
    assert_eq!(g[1], DMatrix::from_element(2, 2, 2.0));
    assert_eq!(gu, DVector::zeros(3));
}

#[test]
fn generic_code_over_float_records_in_f32_and_f64() {
    fn poly<'id, T: num_traits::Float>(x: Var<'id, T>) -> Var<'id, T> {
        let three = T::from(3.0).unwrap();
        x * x * x + x * three
    }
    let g64 = Tape::<f64>::scope(|t| {
        let x = t.var(2.0);
        t.gradient(poly(x), x)
    });
    let g32 = Tape::<f32>::scope(|t| {
        let x = t.var(2.0);
        t.gradient(poly(x), x)
    });
    assert_eq!(g64, 15.0);
    assert_eq!(g32, 15.0);
}

#[test]
fn deep_chain_of_a_million_nodes() {
    let g = Tape::<f64>::scope(|t| {
        let x = t.var(0.5);
        let mut y = x;
        for _ in 0..1_000_000 {
            y = (y * 0.999_999).sin() + 0.000_001 * x;
        }
        assert!(t.len() >= 2_000_000);
        t.gradient(y, x)
    });
    assert!(g.is_finite());
}
