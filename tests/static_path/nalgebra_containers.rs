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
