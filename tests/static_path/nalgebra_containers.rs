//! nalgebra vectors and matrices as active parameters read element by element: gradients
//! of their own type, tangents too, against closed forms.

use autodiff::differentiable;
use nalgebra::{DMatrix, DVector, Matrix2, Vector3};

/// The quadratic form `vᵀ A v`, by indexing.
#[differentiable]
fn quadratic(a: &DMatrix<f64>, v: &DVector<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..a.nrows() {
        for j in 0..a.ncols() {
            s += a[(i, j)] * v[i] * v[j];
        }
    }
    s
}

#[differentiable]
fn length(v: Vector3<f64>) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

#[differentiable]
fn det2(m: &Matrix2<f64>) -> f64 {
    m[(0, 0)] * m[(1, 1)] - m[(0, 1)] * m[(1, 0)]
}

#[test]
fn quadratic_form_gradients() {
    let a = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
    let v = DVector::from_vec(vec![0.5, -1.0]);
    let (value, (ga, gv)) = quadratic_grad(&a, &v);
    assert!((value - v.dot(&(&a * &v))).abs() < 1e-12);
    // d/dA = v vᵀ, d/dv = (A + Aᵀ) v
    assert!((ga - &v * v.transpose()).norm() < 1e-12);
    assert!((gv - (&a + a.transpose()) * &v).norm() < 1e-12);
    let (_, t) = quadratic_jvp(
        &a,
        &v,
        &DMatrix::zeros(2, 2),
        &DVector::from_vec(vec![1.0, 0.0]),
    );
    assert!((t - ((&a + a.transpose()) * &v)[0]).abs() < 1e-12);
}

#[test]
fn static_vectors_and_matrices() {
    let v = Vector3::new(1.0, 2.0, 2.0);
    let (value, g) = length_grad(v);
    assert!((value - 3.0).abs() < 1e-12);
    assert!((g - v / 3.0).norm() < 1e-12);
    let m = Matrix2::new(1.0, 2.0, 3.0, 4.0);
    let (d, g) = det2_grad(&m);
    assert_eq!(d, -2.0);
    assert_eq!(g, Matrix2::new(4.0, -3.0, -2.0, 1.0));
}

/// Two columns of a matrix read element by element in one loop: `Σ_i m[i,0] m[i,1]`.
#[differentiable]
fn column_products(m: &DMatrix<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..m.nrows() {
        s += m[(i, 0)] * m[(i, 1)];
    }
    s
}

#[test]
fn matrix_read_twice_in_a_loop() {
    let m = DMatrix::from_row_slice(3, 2, &[0.5, 1.5, 2.5, 3.5, -1.0, 0.25]);
    let (value, g) = column_products_grad(&m);
    assert_eq!(value, 0.5 * 1.5 + 2.5 * 3.5 - 0.25);
    // ∂/∂m[i,0] = m[i,1], ∂/∂m[i,1] = m[i,0].
    let want = DMatrix::from_row_slice(3, 2, &[1.5, 0.5, 3.5, 2.5, 0.25, -1.0]);
    assert_eq!(g, want);
    let (_, pullback) = column_products_pullback(&m);
    assert_eq!(pullback(2.0), want * 2.0);
}

/// An element-wise map bound to a name is a nalgebra vector, used as one afterwards; a map
/// whose closure reads another active value, summed, is a loop over the elements.
#[differentiable]
fn mapped_norm(x: &DVector<f64>, scale: f64) -> f64 {
    let y = x.map(|v| v.tanh());
    y.norm() + x.map(|v| (v * scale).sin()).sum()
}

#[test]
fn mapped_vectors_against_closed_forms() {
    for (x, scale) in [
        (vec![0.3, -0.2, 0.5], 1.5),
        (vec![-1.1, 0.7, 0.0, 2.0], -0.4),
    ] {
        let x = DVector::from_vec(x);
        let (value, (gx, gs)) = mapped_norm_grad(&x, scale);
        let y = x.map(|v| v.tanh());
        let n = y.norm();
        assert!((value - n - x.map(|v| (v * scale).sin()).sum()).abs() < 1e-12);
        // d|y|/dx_i = y_i (1 - y_i²) / |y|; d sin(s x_i)/dx_i = s cos(s x_i).
        for i in 0..x.len() {
            let want = y[i] * (1.0 - y[i] * y[i]) / n + scale * (scale * x[i]).cos();
            assert!((gx[i] - want).abs() < 1e-12, "{i}: {} vs {want}", gx[i]);
        }
        let want_s: f64 = x.iter().map(|v| v * (scale * v).cos()).sum();
        assert!((gs - want_s).abs() < 1e-12);
        let dir = DVector::from_fn(x.len(), |i, _| (i as f64 * 0.7).cos());
        let (_, t) = mapped_norm_jvp(&x, scale, &dir, 0.5);
        assert!((t - gx.dot(&dir) - 0.5 * gs).abs() < 1e-12);
    }
}
