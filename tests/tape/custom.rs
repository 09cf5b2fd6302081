//! Custom operations: a value and a backward rule supplied by the user.

use super::common::{close, fd, rng, uniform};
use autodiff::tape::{CustomOp, CustomVectorOp, Tape};
use nalgebra::DVector;

/// `log(sum(exp(x)))`, stable; gradient `softmax(x)`.
struct LogSumExp;

impl CustomOp<f64> for LogSumExp {
    fn value(&self, x: &[f64]) -> f64 {
        let m = x.iter().cloned().fold(f64::MIN, f64::max);
        m + x.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
    }
    fn backward(&self, x: &[f64], y: f64, ybar: f64, xbar: &mut [f64]) {
        for (b, v) in xbar.iter_mut().zip(x) {
            *b += ybar * (v - y).exp();
        }
    }
}

impl CustomOp<f32> for LogSumExp {
    fn value(&self, x: &[f32]) -> f32 {
        let m = x.iter().cloned().fold(f32::MIN, f32::max);
        m + x.iter().map(|v| (v - m).exp()).sum::<f32>().ln()
    }
    fn backward(&self, x: &[f32], y: f32, ybar: f32, xbar: &mut [f32]) {
        for (b, v) in xbar.iter_mut().zip(x) {
            *b += ybar * (v - y).exp();
        }
    }
}

fn lse_model(x: &[f64]) -> f64 {
    Tape::<f64>::scope(|t| {
        let v = t.var_vec(x);
        let sq: Vec<_> = v.iter().map(|a| a.sin() * *a).collect();
        (t.custom(&sq, LogSumExp) * v[0]).value()
    })
}

#[test]
fn scalar_custom_op_against_finite_differences() {
    let mut r = rng(31);
    for _ in 0..100 {
        let x: Vec<f64> = (0..4).map(|_| uniform(&mut r, -2.0, 2.0)).collect();
        let g = Tape::<f64>::scope(|t| {
            let v = t.var_vec(&x);
            let sq: Vec<_> = v.iter().map(|a| a.sin() * *a).collect();
            let y = t.custom(&sq, LogSumExp) * v[0];
            t.gradient(y, &v)
        });
        for (i, gi) in g.iter().enumerate() {
            let d = fd(&lse_model, &x, i);
            assert!(close(*gi, d, 1e-6), "entry {i}: {gi} vs {d}");
        }
    }
}

#[test]
fn scalar_custom_op_f32() {
    let x = [0.5f32, -1.0, 2.0];
    let g = Tape::<f32>::scope(|t| {
        let v = t.var_vec(&x);
        let y = t.custom(&v, LogSumExp);
        t.gradient(y, &v)
    });
    let s: f32 = x.iter().map(|v| v.exp()).sum();
    for (gi, xi) in g.iter().zip(&x) {
        assert!((gi - xi.exp() / s).abs() < 1e-6);
    }
}

#[test]
fn custom_op_on_constants_records_nothing() {
    Tape::<f64>::scope(|t| {
        let c = t.constant(1.0);
        let y = t.custom(&[c, c], LogSumExp);
        assert!(y.is_constant());
        assert!(close(y.value(), 1.0 + 2f64.ln(), 1e-15));
    });
}

/// Softmax, with its vector-Jacobian product `y ∘ (ȳ - <ȳ, y>)`.
struct Softmax;

impl CustomVectorOp<f64> for Softmax {
    fn value(&self, x: &DVector<f64>) -> DVector<f64> {
        let m = x.max();
        let e = x.map(|v| (v - m).exp());
        let s = e.sum();
        e / s
    }
    fn backward(&self, _x: &DVector<f64>, y: &DVector<f64>, ybar: &DVector<f64>) -> DVector<f64> {
        let d = ybar.dot(y);
        y.component_mul(&ybar.add_scalar(-d))
    }
}

#[test]
fn vector_custom_op_against_finite_differences() {
    let mut r = rng(32);
    let w = DVector::from_fn(5, |_, _| uniform(&mut r, -1.0, 1.0));
    let model = |x: &[f64]| -> f64 {
        Tape::<f64>::scope(|t| {
            let v = t.vector(DVector::from_column_slice(x));
            v.exp()
                .custom(Softmax)
                .dot(t.constant_vector(w.clone()))
                .value()
        })
    };
    for _ in 0..50 {
        let x: Vec<f64> = (0..5).map(|_| uniform(&mut r, -1.0, 1.0)).collect();
        let g = Tape::<f64>::scope(|t| {
            let v = t.vector(DVector::from_column_slice(&x));
            let y = v.exp().custom(Softmax).dot(t.constant_vector(w.clone()));
            t.gradient(y, v)
        });
        for i in 0..5 {
            let d = fd(&model, &x, i);
            assert!(close(g[i], d, 1e-6), "entry {i}: {} vs {d}", g[i]);
        }
    }
}
