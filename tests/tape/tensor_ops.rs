//! Vector and matrix nodes against closed-form adjoints and central finite differences.

use super::common::{close, rng};
use autodiff::tape::{MatVar, Recorder, Tape, TapeError, Var, VecVar};
use nalgebra::{DMatrix, DVector};
use rand::rngs::StdRng;
use rand::Rng;

fn mat(r: &mut StdRng, rows: usize, cols: usize, lo: f64, hi: f64) -> DMatrix<f64> {
    DMatrix::from_fn(rows, cols, |_, _| r.gen_range(lo..hi))
}

fn vecr(r: &mut StdRng, n: usize, lo: f64, hi: f64) -> DVector<f64> {
    DVector::from_fn(n, |_, _| r.gen_range(lo..hi))
}

fn assert_mat_close(a: &DMatrix<f64>, b: &DMatrix<f64>, tol: f64, what: &str) {
    assert_eq!(a.shape(), b.shape(), "{what}: shapes");
    for (x, y) in a.iter().zip(b.iter()) {
        assert!(close(*x, *y, tol), "{what}: {a} vs {b}");
    }
}

fn assert_vec_close(a: &DVector<f64>, b: &DVector<f64>, tol: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (x, y) in a.iter().zip(b.iter()) {
        assert!(close(*x, *y, tol), "{what}: {a} vs {b}");
    }
}

/// A scalar function of matrix variables, with constant matrices beside them.
type MatFn =
    for<'id> fn(&Recorder<'id, f64>, &[MatVar<'id, f64>], &[MatVar<'id, f64>]) -> Var<'id, f64>;

fn eval(f: MatFn, xs: &[DMatrix<f64>], ws: &[DMatrix<f64>]) -> (f64, Vec<DMatrix<f64>>) {
    Tape::<f64>::scope(|t| {
        let v: Vec<_> = xs.iter().map(|m| t.matrix(m.clone())).collect();
        let c: Vec<_> = ws.iter().map(|m| t.constant_matrix(m.clone())).collect();
        let y = f(&t, &v, &c);
        (y.value(), t.gradient(y, &v[..]))
    })
}

/// Tape gradient against central differences over every entry of every input.
fn check_fd(f: MatFn, xs: &[DMatrix<f64>], ws: &[DMatrix<f64>], tol: f64) {
    let (_, g) = eval(f, xs, ws);
    for (k, x) in xs.iter().enumerate() {
        for idx in 0..x.len() {
            let h = 1e-6 * x[idx].abs().max(1.0);
            let mut p = xs.to_vec();
            p[k][idx] += h;
            let mut m = xs.to_vec();
            m[k][idx] -= h;
            let d = (eval(f, &p, ws).0 - eval(f, &m, ws).0) / (2.0 * h);
            assert!(
                close(g[k][idx], d, tol),
                "input {k} entry {idx}: tape {} vs fd {d}",
                g[k][idx]
            );
        }
    }
}

#[test]
fn matmul_closed_form() {
    let mut r = rng(1);
    for _ in 0..20 {
        let (n, m, p) = (r.gen_range(1..9), r.gen_range(1..9), r.gen_range(1..9));
        let a = mat(&mut r, n, m, -1.0, 1.0);
        let b = mat(&mut r, m, p, -1.0, 1.0);
        let w = mat(&mut r, n, p, -1.0, 1.0);
        let (val, g) = eval(
            |_, v, c| (v[0] * v[1]).dot(c[0]),
            &[a.clone(), b.clone()],
            std::slice::from_ref(&w),
        );
        assert!(close(val, (&a * &b).dot(&w), 1e-12));
        assert_mat_close(&g[0], &(&w * b.transpose()), 1e-12, "Ā = W Bᵀ");
        assert_mat_close(&g[1], &(a.transpose() * &w), 1e-12, "B̄ = Aᵀ W");
    }
}

#[test]
fn matmul_same_operand_twice() {
    let mut r = rng(2);
    let a = mat(&mut r, 6, 6, -1.0, 1.0);
    let w = mat(&mut r, 6, 6, -1.0, 1.0);
    let (_, g) = eval(
        |_, v, c| (v[0] * v[0]).dot(c[0]),
        std::slice::from_ref(&a),
        std::slice::from_ref(&w),
    );
    // d<A A, W> = W Aᵀ + Aᵀ W
    assert_mat_close(
        &g[0],
        &(&w * a.transpose() + a.transpose() * &w),
        1e-12,
        "A A",
    );
}

#[test]
fn matvec_and_vector_ops_closed_form() {
    let mut r = rng(3);
    for _ in 0..20 {
        let (n, m) = (r.gen_range(1..12), r.gen_range(1..12));
        let a = mat(&mut r, n, m, -1.0, 1.0);
        let x = vecr(&mut r, m, -1.0, 1.0);
        let w = vecr(&mut r, n, -1.0, 1.0);
        let (ga, gx) = Tape::<f64>::scope(|t| {
            let av = t.matrix(a.clone());
            let xv = t.vector(x.clone());
            let y = (av * xv).dot(t.constant_vector(w.clone()));
            t.gradient(y, (av, xv))
        });
        assert_mat_close(&ga, &(&w * x.transpose()), 1e-12, "Ā = w xᵀ");
        assert_vec_close(&gx, &(a.transpose() * &w), 1e-12, "x̄ = Aᵀ w");
    }
}

#[test]
fn transpose_add_sub_neg_scale_closed_form() {
    let mut r = rng(4);
    let a = mat(&mut r, 3, 5, -1.0, 1.0);
    let b = mat(&mut r, 3, 5, -1.0, 1.0);
    let w = mat(&mut r, 5, 3, -1.0, 1.0);
    let w2 = mat(&mut r, 3, 5, -1.0, 1.0);
    let (_, g) = eval(
        |_, v, c| v[0].transpose().dot(c[0]),
        std::slice::from_ref(&a),
        std::slice::from_ref(&w),
    );
    assert_mat_close(&g[0], &w.transpose(), 0.0, "transpose");
    let (_, g) = eval(
        |_, v, c| (v[0] + v[1]).dot(c[0]),
        &[a.clone(), b.clone()],
        std::slice::from_ref(&w2),
    );
    assert_mat_close(&g[0], &w2, 0.0, "add a");
    assert_mat_close(&g[1], &w2, 0.0, "add b");
    let (_, g) = eval(
        |_, v, c| (v[0] - v[1]).dot(c[0]),
        &[a.clone(), b.clone()],
        std::slice::from_ref(&w2),
    );
    assert_mat_close(&g[0], &w2, 0.0, "sub a");
    assert_mat_close(&g[1], &(-&w2), 0.0, "sub b");
    let (_, g) = eval(
        |_, v, c| (-v[0]).dot(c[0]),
        std::slice::from_ref(&a),
        std::slice::from_ref(&w2),
    );
    assert_mat_close(&g[0], &(-&w2), 0.0, "neg");
    let (_, g) = eval(
        |_, v, c| (v[0] * 2.5).dot(c[0]),
        std::slice::from_ref(&a),
        std::slice::from_ref(&w2),
    );
    assert_mat_close(&g[0], &(&w2 * 2.5), 1e-15, "scale by constant");
    // Scale by a variable scalar: both get their adjoint.
    let (ga, gs) = Tape::<f64>::scope(|t| {
        let av = t.matrix(a.clone());
        let s = t.var(-1.5);
        let y = (av * s).dot(t.constant_matrix(w2.clone()));
        t.gradient(y, (av, s))
    });
    assert_mat_close(&ga, &(&w2 * -1.5), 1e-15, "scale var: matrix");
    assert!(close(gs, a.dot(&w2), 1e-14), "scale var: scalar");
}

#[test]
fn vector_transpose_closed_form() {
    let x = DVector::from_vec(vec![1.0, -2.0, 0.5]);
    let w = DMatrix::from_row_slice(1, 3, &[0.3, 0.7, -1.1]);
    let g = Tape::<f64>::scope(|t| {
        let xv = t.vector(x.clone());
        let xt = xv.transpose();
        assert_eq!(xt.shape(), (1, 3));
        let y = xt.dot(t.constant_matrix(w.clone()));
        t.gradient(y, xv)
    });
    assert_vec_close(&g, &DVector::from_vec(vec![0.3, 0.7, -1.1]), 0.0, "xᵀ");
}

#[test]
fn component_ops_closed_form() {
    let mut r = rng(5);
    let a = mat(&mut r, 4, 3, -1.0, 1.0);
    let b = mat(&mut r, 4, 3, 0.5, 2.0);
    let w = mat(&mut r, 4, 3, -1.0, 1.0);
    let (_, g) = eval(
        |_, v, c| v[0].component_mul(v[1]).dot(c[0]),
        &[a.clone(), b.clone()],
        std::slice::from_ref(&w),
    );
    assert_mat_close(&g[0], &w.component_mul(&b), 1e-15, "hadamard a");
    assert_mat_close(&g[1], &w.component_mul(&a), 1e-15, "hadamard b");
    let (_, g) = eval(
        |_, v, c| v[0].component_div(v[1]).dot(c[0]),
        &[a.clone(), b.clone()],
        std::slice::from_ref(&w),
    );
    assert_mat_close(&g[0], &w.component_div(&b), 1e-14, "quotient a");
    let expect_b = -w.component_mul(&a).component_div(&b.component_mul(&b));
    assert_mat_close(&g[1], &expect_b, 1e-14, "quotient b");
}

#[test]
fn reductions_closed_form() {
    let mut r = rng(6);
    let a = mat(&mut r, 4, 3, -1.0, 1.0);
    let b = mat(&mut r, 4, 3, -1.0, 1.0);
    let (v, g) = eval(|_, v, _| v[0].sum(), std::slice::from_ref(&a), &[]);
    assert!(close(v, a.sum(), 1e-14));
    assert_mat_close(&g[0], &DMatrix::from_element(4, 3, 1.0), 0.0, "sum");
    let (v, g) = eval(|_, v, _| v[0].mean(), std::slice::from_ref(&a), &[]);
    assert!(close(v, a.mean(), 1e-14));
    assert_mat_close(
        &g[0],
        &DMatrix::from_element(4, 3, 1.0 / 12.0),
        1e-15,
        "mean",
    );
    let (v, g) = eval(|_, v, _| v[0].dot(v[1]), &[a.clone(), b.clone()], &[]);
    assert!(close(v, a.dot(&b), 1e-14));
    assert_mat_close(&g[0], &b, 0.0, "dot a");
    assert_mat_close(&g[1], &a, 0.0, "dot b");
    let (v, g) = eval(|_, v, _| v[0].norm(), std::slice::from_ref(&a), &[]);
    assert!(close(v, a.norm(), 1e-14));
    assert_mat_close(&g[0], &(&a / a.norm()), 1e-14, "norm");
    let (v, g) = eval(|_, v, _| v[0].norm_squared(), std::slice::from_ref(&a), &[]);
    assert!(close(v, a.norm_squared(), 1e-14));
    assert_mat_close(&g[0], &(&a * 2.0), 1e-14, "norm squared");
    let (v, g) = eval(
        |_, v, _| v[0].get(2, 1) * 3.0,
        std::slice::from_ref(&a),
        &[],
    );
    assert_eq!(v, a[(2, 1)] * 3.0);
    let mut e = DMatrix::zeros(4, 3);
    e[(2, 1)] = 3.0;
    assert_mat_close(&g[0], &e, 0.0, "index");
}

#[test]
fn vector_index_and_stack() {
    let g = Tape::<f64>::scope(|t| {
        let [a, b, c] = t.vars([1.0, 2.0, 3.0]);
        let v = t.stack(&[a * b, c, a]);
        let w = t.vector(DVector::from_vec(vec![10.0, 20.0, 30.0]));
        let y = v.dot(w) + v.get(1) * v.get(0);
        t.gradient(y, [a, b, c])
    });
    // y = 10ab + 20c + 30a + c·ab
    assert_eq!(g, [10.0 * 2.0 + 30.0 + 3.0 * 2.0, 10.0 + 3.0, 20.0 + 2.0]);
}

#[test]
fn add_column_closed_form() {
    let mut r = rng(7);
    let m = mat(&mut r, 3, 4, -1.0, 1.0);
    let v = vecr(&mut r, 3, -1.0, 1.0);
    let w = mat(&mut r, 3, 4, -1.0, 1.0);
    let (gm, gv) = Tape::<f64>::scope(|t| {
        let mv = t.matrix(m.clone());
        let vv = t.vector(v.clone());
        let y = mv.add_column(vv).dot(t.constant_matrix(w.clone()));
        t.gradient(y, (mv, vv))
    });
    assert_mat_close(&gm, &w, 0.0, "add_column m");
    let rows: DVector<f64> = w.column_sum();
    assert_vec_close(&gv, &rows, 1e-15, "add_column v");
}

#[test]
fn solve_closed_form() {
    let mut r = rng(8);
    for _ in 0..20 {
        let n = r.gen_range(1..8);
        let a = mat(&mut r, n, n, -1.0, 1.0) + DMatrix::identity(n, n) * 3.0;
        let b = vecr(&mut r, n, -1.0, 1.0);
        let w = vecr(&mut r, n, -1.0, 1.0);
        let (x, ga, gb) = Tape::<f64>::scope(|t| {
            let av = t.matrix(a.clone());
            let bv = t.vector(b.clone());
            let x = av.solve(bv).unwrap();
            let y = x.dot(t.constant_vector(w.clone()));
            let xv = x.value();
            let (ga, gb) = t.gradient(y, (av, bv));
            (xv, ga, gb)
        });
        assert_vec_close(&(&a * &x), &b, 1e-12, "A x = b");
        let bbar = a.transpose().lu().solve(&w).unwrap();
        assert_vec_close(&gb, &bbar, 1e-10, "b̄ = A⁻ᵀ w");
        assert_mat_close(&ga, &(-&bbar * x.transpose()), 1e-10, "Ā = -b̄ xᵀ");
    }
}

#[test]
fn solve_matrix_right_hand_side_fd() {
    let mut r = rng(9);
    let a = mat(&mut r, 4, 4, -1.0, 1.0) + DMatrix::identity(4, 4) * 3.0;
    let b = mat(&mut r, 4, 2, -1.0, 1.0);
    let w = mat(&mut r, 4, 2, -1.0, 1.0);
    check_fd(
        |_, v, c| v[0].solve(v[1]).unwrap().dot(c[0]),
        &[a, b],
        &[w],
        1e-6,
    );
}

#[test]
fn solve_errors() {
    Tape::<f64>::scope(|t| {
        let a = t.matrix(DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 4.0]));
        let b = t.vector(DVector::from_vec(vec![1.0, 1.0]));
        assert_eq!(a.solve(b).unwrap_err(), TapeError::Singular);
        let c = t.vector(DVector::from_vec(vec![1.0, 1.0, 1.0]));
        let e = a.solve(c).unwrap_err();
        assert_eq!(
            e.to_string(),
            "solve: shape mismatch, left operand is 2x2, right operand is 3x1"
        );
    });
}

/// Every element-wise function against its closed-form derivative.
#[test]
fn elementwise_closed_form() {
    type Case = (
        for<'id> fn(MatVar<'id, f64>) -> MatVar<'id, f64>,
        fn(f64) -> f64,
        fn(f64) -> f64,
        (f64, f64),
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (|m| m.sin(), f64::sin, f64::cos, (-2.0, 2.0), "sin"),
        (|m| m.cos(), f64::cos, |x| -x.sin(), (-2.0, 2.0), "cos"),
        (
            |m| m.tan(),
            f64::tan,
            |x| 1.0 / (x.cos() * x.cos()),
            (-1.0, 1.0),
            "tan",
        ),
        (
            |m| m.asin(),
            f64::asin,
            |x| 1.0 / (1.0 - x * x).sqrt(),
            (-0.9, 0.9),
            "asin",
        ),
        (
            |m| m.acos(),
            f64::acos,
            |x| -1.0 / (1.0 - x * x).sqrt(),
            (-0.9, 0.9),
            "acos",
        ),
        (
            |m| m.atan(),
            f64::atan,
            |x| 1.0 / (1.0 + x * x),
            (-3.0, 3.0),
            "atan",
        ),
        (|m| m.sinh(), f64::sinh, f64::cosh, (-2.0, 2.0), "sinh"),
        (|m| m.cosh(), f64::cosh, f64::sinh, (-2.0, 2.0), "cosh"),
        (
            |m| m.tanh(),
            f64::tanh,
            |x| 1.0 / (x.cosh() * x.cosh()),
            (-2.0, 2.0),
            "tanh",
        ),
        (
            |m| m.asinh(),
            f64::asinh,
            |x| 1.0 / (x * x + 1.0).sqrt(),
            (-2.0, 2.0),
            "asinh",
        ),
        (
            |m| m.acosh(),
            f64::acosh,
            |x| 1.0 / (x * x - 1.0).sqrt(),
            (1.1, 3.0),
            "acosh",
        ),
        (
            |m| m.atanh(),
            f64::atanh,
            |x| 1.0 / (1.0 - x * x),
            (-0.9, 0.9),
            "atanh",
        ),
        (|m| m.exp(), f64::exp, f64::exp, (-2.0, 2.0), "exp"),
        (
            |m| m.exp2(),
            f64::exp2,
            |x| x.exp2() * 2f64.ln(),
            (-2.0, 2.0),
            "exp2",
        ),
        (|m| m.exp_m1(), f64::exp_m1, f64::exp, (-2.0, 2.0), "exp_m1"),
        (|m| m.ln(), f64::ln, |x| 1.0 / x, (0.1, 3.0), "ln"),
        (
            |m| m.log2(),
            f64::log2,
            |x| 1.0 / (x * 2f64.ln()),
            (0.1, 3.0),
            "log2",
        ),
        (
            |m| m.log10(),
            f64::log10,
            |x| 1.0 / (x * 10f64.ln()),
            (0.1, 3.0),
            "log10",
        ),
        (
            |m| m.ln_1p(),
            f64::ln_1p,
            |x| 1.0 / (1.0 + x),
            (-0.5, 3.0),
            "ln_1p",
        ),
        (
            |m| m.sqrt(),
            f64::sqrt,
            |x| 0.5 / x.sqrt(),
            (0.1, 3.0),
            "sqrt",
        ),
        (
            |m| m.cbrt(),
            f64::cbrt,
            |x| 1.0 / (3.0 * x.cbrt() * x.cbrt()),
            (0.1, 3.0),
            "cbrt",
        ),
        (|m| m.abs(), f64::abs, f64::signum, (-2.0, 2.0), "abs"),
        (
            |m| m.recip(),
            f64::recip,
            |x| -1.0 / (x * x),
            (0.5, 2.0),
            "recip",
        ),
        (
            |m| m.powi(3),
            |x| x.powi(3),
            |x| 3.0 * x * x,
            (-2.0, 2.0),
            "powi",
        ),
    ];
    let mut r = rng(10);
    for (f, v, d, (lo, hi), name) in cases {
        let a = mat(&mut r, 3, 4, lo, hi);
        let w = mat(&mut r, 3, 4, -1.0, 1.0);
        let (val, g) = Tape::<f64>::scope(|t| {
            let av = t.matrix(a.clone());
            let fa = f(av);
            let fv = fa.value();
            let y = fa.dot(t.constant_matrix(w.clone()));
            (fv, t.gradient(y, av))
        });
        assert_mat_close(&val, &a.map(v), 1e-15, name);
        assert_mat_close(&g, &w.component_mul(&a.map(d)), 1e-12, name);
    }
}

#[test]
fn mlp_layer_fd() {
    // loss = |sin(W2 tanh(W1 X + b1)) - Y|^2 over a batch, against finite differences. The
    // bias enters as a 4x1 matrix whose entries are stacked into a vector.
    let mut r = rng(11);
    let w1 = mat(&mut r, 4, 3, -1.0, 1.0);
    let b1 = mat(&mut r, 4, 1, -1.0, 1.0);
    let w2 = mat(&mut r, 2, 4, -1.0, 1.0);
    let x = mat(&mut r, 3, 5, -1.0, 1.0);
    let y = mat(&mut r, 2, 5, -1.0, 1.0);
    check_fd(
        |t, v, c| {
            let entries: Vec<_> = (0..v[1].nrows()).map(|i| v[1].get(i, 0)).collect();
            let b: VecVar<'_, f64> = t.stack(&entries);
            let h = (v[0] * c[0]).add_column(b).tanh();
            let out = (v[2] * h).sin();
            (out - c[1]).norm_squared()
        },
        &[w1, b1, w2],
        &[x, y],
        1e-6,
    );
}

#[test]
fn matrix_and_scalar_nodes_interleave() {
    // Scalars feed matrices and matrices feed scalars, in several rounds.
    let mut r = rng(12);
    let a = mat(&mut r, 3, 3, -1.0, 1.0);
    check_fd(
        |t, v, _| {
            let s = v[0].get(0, 0).sin() * v[0].get(1, 2);
            let m = (v[0] * s).transpose() * v[0];
            let u = m.norm() + m.get(2, 1).exp();
            let m2 = (m - v[0] * u).tanh();
            let k = t.var(0.0).constant(2.0);
            m2.sum() * u + k
        },
        &[a],
        &[],
        1e-6,
    );
}

#[test]
fn f32_matrices_agree_with_f64() {
    let mut r = rng(13);
    let a = mat(&mut r, 5, 4, -1.0, 1.0);
    let b = mat(&mut r, 4, 6, -1.0, 1.0);
    let g64 = Tape::<f64>::scope(|t| {
        let (av, bv) = (t.matrix(a.clone()), t.matrix(b.clone()));
        let y = (av * bv).tanh().sum() + av.norm();
        t.gradient(y, (av, bv))
    });
    let g32 = Tape::<f32>::scope(|t| {
        let (av, bv) = (t.matrix(a.cast::<f32>()), t.matrix(b.cast::<f32>()));
        let y = (av * bv).tanh().sum() + av.norm();
        t.gradient(y, (av, bv))
    });
    assert_mat_close(&g64.0, &g32.0.cast::<f64>(), 1e-4, "f32 A");
    assert_mat_close(&g64.1, &g32.1.cast::<f64>(), 1e-4, "f32 B");
}

#[test]
fn shape_mismatch_names_both_shapes() {
    let e = std::panic::catch_unwind(|| {
        Tape::<f64>::scope(|t| {
            let a = t.vector(DVector::from_vec(vec![1.0, 2.0, 3.0]));
            let b = t.vector(DVector::from_vec(vec![1.0, 2.0]));
            (a + b).sum().value()
        })
    })
    .unwrap_err();
    let msg = e.downcast_ref::<String>().unwrap();
    assert_eq!(
        msg,
        "add: shape mismatch, left operand is 3x1, right operand is 2x1"
    );
    let e = std::panic::catch_unwind(|| {
        Tape::<f64>::scope(|t| {
            let a = t.matrix(DMatrix::zeros(2, 3));
            let b = t.matrix(DMatrix::zeros(2, 3));
            (a * b).sum().value()
        })
    })
    .unwrap_err();
    let msg = e.downcast_ref::<String>().unwrap();
    assert_eq!(
        msg,
        "matrix product: shape mismatch, left operand is 2x3, right operand is 2x3"
    );
}

#[test]
fn vjp_and_jacobian_of_vector_outputs() {
    let mut r = rng(14);
    let a = mat(&mut r, 3, 4, -1.0, 1.0);
    let x = vecr(&mut r, 4, -1.0, 1.0);
    let s = vecr(&mut r, 3, -1.0, 1.0);
    let (vjp, jac) = Tape::<f64>::scope_persistent(|t| {
        let xv = t.vector(x.clone());
        let y = t.constant_matrix(a.clone()) * xv; // J = A
        (t.vjp(y, &s, xv), t.jacobian(y, xv))
    });
    assert_vec_close(&vjp, &(a.transpose() * &s), 1e-14, "vjp = Aᵀ s");
    assert_mat_close(&jac, &a, 1e-15, "jacobian = A");
}
