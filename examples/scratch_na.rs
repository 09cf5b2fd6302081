use autodiff::differentiable;
use nalgebra::{DMatrix, DVector, Vector3, Matrix3};

#[differentiable]
fn quad(a: &DMatrix<f64>, x: &DVector<f64>) -> f64 {
    let y = a * x;
    y.dot(&y)
}

#[differentiable]
fn layer(w: &DMatrix<f64>, b: &DVector<f64>, x: &DVector<f64>) -> f64 {
    let h = (w * x + b).map(|v| v.tanh());
    h.norm_squared() * 0.5 + h.sum()
}

#[differentiable]
fn geo(p: Vector3<f64>, r: Matrix3<f64>, s: f64) -> f64 {
    let q = r * p * s;
    let c = q.cross(&p).normalize();
    c[0] + q[(1, 0)] + Vector3::new(s, 2.0 * s, q[2]).norm() + r.transpose().trace() + r.determinant()
}

#[differentiable]
fn solve(a: &DMatrix<f64>, b: &DVector<f64>) -> f64 {
    let x = a.clone().lu().solve(b).unwrap();
    let inv = a.clone().try_inverse().unwrap();
    x.sum() + inv.sum()
}

fn main() {
    let a = DMatrix::from_fn(3, 3, |i, j| 1.0 + (i * 3 + j) as f64 * 0.1 + if i == j { 2.0 } else { 0.0 });
    let x = DVector::from_fn(3, |i, _| 0.5 - i as f64 * 0.3);
    println!("{:?}", quad_grad(&a, &x));
    println!("{:?}", layer_grad(&a, &x, &x));
    println!("{:?}", geo_grad(Vector3::new(0.3, -0.2, 0.5), Matrix3::new(1.0, 0.2, 0.1, 0.0, 1.5, 0.3, 0.2, 0.1, 2.0), 0.7));
    println!("{:?}", solve_grad(&a, &x));
}
