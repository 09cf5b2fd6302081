//! Hessian-vector products and Hessians against closed forms and finite differences of the
//! gradient, in `f64` and `f32`.

use super::common::{close, rng, uniform};
use autodiff::tape::{hessian, hvp, Scalar, Tape, Var};
use nalgebra::DMatrix;
use rand::Rng;

/// A function using every scalar primitive, written once over any tape scalar.
fn everything<'id, S: Scalar>(v: &[Var<'id, S>]) -> Var<'id, S> {
    let c = |x: f64| S::from_f64(x);
    let (x, y, z) = (v[0], v[1], v[2]);
    let a = (x * y).sin() + (y - z).cos() * x.tan() + (x * c(0.5)).asin() - (y * c(0.4)).acos();
    let b = (x + z).atan() * y.atan2(z + c(3.0)) + x.sinh() * c(0.1) + y.cosh() * z.tanh();
    let d = (x * x + c(1.0)).asinh() + (y + c(2.0)).acosh() + (z * c(0.3)).atanh();
    let e = x.exp() / (y.exp2() + z.exp_m1() + c(3.0)) + (y + c(2.0)).ln() * (x + c(2.0)).log2();
    let f = (z + c(2.0)).log10() + x.ln_1p() + (y + c(2.0)).sqrt() * (z + c(3.0)).cbrt();
    let g = x.powi(3) - y.powf(z + c(0.5)) + x.hypot(z) + (x + c(2.0)).recip();
    let h = x.mul_add(y, z) + (y + c(2.0)).log(x + c(3.0)) + (x - c(0.5)).abs() * y;
    a + b + d + e + f + g + h - x * c(2.0) / (y + c(2.0))
}

fn grad64(x: &[f64]) -> Vec<f64> {
    Tape::<f64>::scope(|t| {
        let v = t.var_vec(x);
        let y = everything(&v);
        t.gradient(y, &v)
    })
}

#[test]
fn hessian_against_finite_differences_of_the_gradient() {
    let mut r = rng(21);
    for _ in 0..100 {
        let x: Vec<f64> = (0..3).map(|_| uniform(&mut r, 0.1, 0.9)).collect();
        let h = hessian(|_, v| everything(v), &x);
        let g = grad64(&x);
        for (a, b) in h.gradient.iter().zip(&g) {
            assert!(close(*a, *b, 1e-13), "gradient {a} vs {b}");
        }
        for j in 0..3 {
            let e = 1e-6;
            let mut xp = x.clone();
            xp[j] += e;
            let mut xm = x.clone();
            xm[j] -= e;
            let (gp, gm) = (grad64(&xp), grad64(&xm));
            for i in 0..3 {
                let fd = (gp[i] - gm[i]) / (2.0 * e);
                assert!(
                    close(h.hessian[(i, j)], fd, 1e-6),
                    "H[{i},{j}] at {x:?}: {} vs fd {fd}",
                    h.hessian[(i, j)]
                );
            }
        }
        // Symmetric up to rounding.
        assert!(close(h.hessian[(0, 1)], h.hessian[(1, 0)], 1e-12));
    }
}

#[test]
fn hvp_of_a_quadratic_form() {
    // f = xᵀ Q x, H = Q + Qᵀ.
    let mut r = rng(22);
    for _ in 0..20 {
        let n = r.gen_range(1..7);
        let q = DMatrix::from_fn(n, n, |_, _| r.gen_range(-1.0..1.0));
        let x: Vec<f64> = (0..n).map(|_| r.gen_range(-1.0..1.0)).collect();
        let v: Vec<f64> = (0..n).map(|_| r.gen_range(-1.0..1.0)).collect();
        let qq = q.clone();
        let res = hvp(
            move |t, xs| {
                let mut acc = t.constant(Scalar::zero());
                for i in 0..xs.len() {
                    for j in 0..xs.len() {
                        acc += xs[i] * xs[j] * qq[(i, j)];
                    }
                }
                acc
            },
            &x,
            &v,
        );
        let h = &q + q.transpose();
        let hv = &h * nalgebra::DVector::from_vec(v.clone());
        let g = &h * nalgebra::DVector::from_vec(x.clone());
        for i in 0..n {
            assert!(close(res.hvp[i], hv[i], 1e-13), "Hv");
            assert!(close(res.gradient[i], g[i], 1e-13), "gradient");
        }
    }
}

#[test]
fn hessian_of_rosenbrock_closed_form() {
    let mut r = rng(23);
    for _ in 0..50 {
        let (x, y): (f64, f64) = (r.gen_range(-2.0..2.0), r.gen_range(-2.0..2.0));
        let h = hessian(
            |_, v| (1.0 - v[0]).powi(2) + 100.0 * (v[1] - v[0] * v[0]).powi(2),
            &[x, y],
        );
        let expect = nalgebra::dmatrix![
            2.0 - 400.0 * (y - x * x) + 800.0 * x * x, -400.0 * x;
            -400.0 * x, 200.0
        ];
        for (a, b) in h.hessian.iter().zip(expect.iter()) {
            assert!(close(*a, *b, 1e-12), "{} vs {expect}", h.hessian);
        }
    }
}

#[test]
fn hessian_f32_agrees_with_f64() {
    let mut r = rng(24);
    for _ in 0..20 {
        let x: Vec<f64> = (0..3).map(|_| uniform(&mut r, 0.1, 0.9)).collect();
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let x: Vec<f64> = x32.iter().map(|&v| f64::from(v)).collect();
        let h64 = hessian(|_, v| everything(v), &x);
        let h32 = hessian(|_, v| everything(v), &x32);
        for (a, b) in h64.hessian.iter().zip(h32.hessian.iter()) {
            assert!(close(*a, f64::from(*b), 2e-3), "{a} vs {b}");
        }
    }
}

#[test]
#[should_panic(expected = "hvp: the point has length 2 but the direction has length 3")]
fn hvp_length_mismatch_panics() {
    hvp(|_, v| v[0] * v[1], &[1.0, 2.0], &[1.0, 0.0, 0.0]);
}
