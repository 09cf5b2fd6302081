//! nalgebra vectors and matrices as values of the static path: products, methods,
//! constructors, element-wise maps, inverses and solves, in loops, branches and helper
//! calls; against closed forms, central finite differences, forward mode and the tape.

use autodiff::differentiable;
use autodiff::tape::Tape;
use nalgebra::{
    allocator::Allocator, DMatrix, DVector, DefaultAllocator, Dim, Matrix3, OMatrix, RealField,
    Vector3,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub(super) fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

pub(super) fn mat(r: &mut StdRng, rows: usize, cols: usize) -> DMatrix<f64> {
    DMatrix::from_fn(rows, cols, |_, _| r.gen_range(-1.0..1.0))
}

pub(super) fn vector(r: &mut StdRng, n: usize) -> DVector<f64> {
    DVector::from_fn(n, |_, _| r.gen_range(-1.0..1.0))
}

/// A random matrix far from singular: the identity times `n` plus noise.
fn well_conditioned(r: &mut StdRng, n: usize) -> DMatrix<f64> {
    mat(r, n, n) + DMatrix::identity(n, n) * (n as f64 + 1.0)
}

/// Central differences of `f` in every element of `x`.
fn fd<R: Dim, C: Dim>(
    x: &OMatrix<f64, R, C>,
    f: impl Fn(&OMatrix<f64, R, C>) -> f64,
) -> OMatrix<f64, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    let mut g = x.clone();
    for k in 0..x.len() {
        let h = 1e-6 * x[k].abs().max(1.0);
        let (mut p, mut m) = (x.clone(), x.clone());
        p[k] += h;
        m[k] -= h;
        g[k] = (f(&p) - f(&m)) / (2.0 * h);
    }
    g
}

/// Element-wise closeness, relative to the larger magnitude (absolute below 1).
fn assert_close<R: Dim, C: Dim>(
    a: &OMatrix<f64, R, C>,
    b: &OMatrix<f64, R, C>,
    tol: f64,
    what: &str,
) where
    DefaultAllocator: Allocator<R, C>,
{
    assert_eq!(a.shape(), b.shape(), "{what}: shapes");
    for (x, y) in a.iter().zip(b.iter()) {
        let scale = x.abs().max(y.abs()).max(1.0);
        assert!((x - y).abs() <= tol * scale, "{what}: {a} vs {b}");
    }
}

pub(super) fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

// ---- products and reductions --------------------------------------------------------------

#[differentiable]
fn squared_image(a: &DMatrix<f64>, x: &DVector<f64>) -> f64 {
    let y = a * x;
    y.dot(&y)
}

#[test]
fn matrix_vector_product_closed_form_and_forward_mode() {
    let mut r = rng(1);
    for _ in 0..20 {
        let (m, n) = (r.gen_range(1..8), r.gen_range(1..8));
        let (a, x) = (mat(&mut r, m, n), vector(&mut r, n));
        let (value, (ga, gx)) = squared_image_grad(&a, &x);
        let y = &a * &x;
        assert!(close(value, y.norm_squared(), 1e-12));
        // d/dA = 2 y xᵀ, d/dx = 2 Aᵀ y
        assert_close(&ga, &(&y * x.transpose() * 2.0), 1e-12, "Ā");
        assert_close(&gx, &(a.transpose() * &y * 2.0), 1e-12, "x̄");
        // Forward mode along a random direction equals the gradient's inner product.
        let (da, dx) = (mat(&mut r, m, n), vector(&mut r, n));
        let (_, t) = squared_image_jvp(&a, &x, &da, &dx);
        assert!(close(t, ga.dot(&da) + gx.dot(&dx), 1e-10));
    }
}

/// One layer with a bias, a `tanh` map, and several reductions.
#[differentiable]
fn layer(w: &DMatrix<f64>, b: &DVector<f64>, x: &DVector<f64>) -> f64 {
    let h = (w * x + b).map(|v| v.tanh());
    let e = h.map(|v: f64| (0.5 * v).exp() - v * v);
    h.norm_squared() * 0.5 + e.sum() + h.norm()
}

#[test]
fn layer_with_elementwise_maps_against_finite_differences() {
    let mut r = rng(2);
    for _ in 0..10 {
        let (m, n) = (r.gen_range(1..6), r.gen_range(1..6));
        let (w, b, x) = (mat(&mut r, m, n), vector(&mut r, m), vector(&mut r, n));
        let (_, (gw, gb, gx)) = layer_grad(&w, &b, &x);
        assert_close(&gw, &fd(&w, |w| layer(w, &b, &x)), 1e-6, "W̄");
        assert_close(&gb, &fd(&b, |b| layer(&w, b, &x)), 1e-6, "b̄");
        assert_close(&gx, &fd(&x, |x| layer(&w, &b, x)), 1e-6, "x̄");
    }
}

// ---- fixed sizes: geometry ----------------------------------------------------------------

/// Cross product, normalisation, construction from scalars, element reads, transpose,
/// trace and determinant, on `Vector3` and `Matrix3` by value.
#[differentiable]
fn geometry(p: Vector3<f64>, m: Matrix3<f64>, s: f64) -> f64 {
    let q = m * p * s;
    let c = q.cross(&p).normalize();
    let built = Vector3::new(s, 2.0 * s, q[2]);
    c[0] + q[(1, 0)] + built.norm() + m.transpose().trace() + m.determinant() - (-p).sum()
}

#[test]
fn geometry_against_finite_differences_and_forward_mode() {
    let mut r = rng(3);
    for _ in 0..20 {
        let p = Vector3::from_fn(|_, _| r.gen_range(-1.0..1.0));
        let m = Matrix3::from_fn(|_, _| r.gen_range(-1.0..1.0));
        let s: f64 = r.gen_range(0.5..1.5);
        let (_, (gp, gm, gs)) = geometry_grad(p, m, s);
        assert_close(&gp, &fd(&p, |p| geometry(*p, m, s)), 1e-5, "p̄");
        assert_close(&gm, &fd(&m, |m| geometry(p, *m, s)), 1e-5, "M̄");
        let h = 1e-6;
        let ds = (geometry(p, m, s + h) - geometry(p, m, s - h)) / (2.0 * h);
        assert!(close(gs, ds, 1e-5), "s̄ {gs} vs {ds}");
        let (dp, dm) = (Vector3::new(0.3, -0.1, 0.2), Matrix3::identity() * 0.5);
        let (_, t) = geometry_jvp(p, m, s, dp, dm, 1.5);
        assert!(close(t, gp.dot(&dp) + gm.dot(&dm) + gs * 1.5, 1e-9));
    }
}

// ---- inverse and solve --------------------------------------------------------------------

#[differentiable]
fn solved(a: &DMatrix<f64>, b: &DVector<f64>) -> f64 {
    let x = a.clone().lu().solve(b).unwrap();
    let inv = a.clone().try_inverse().unwrap();
    x.dot(&x) + (inv * b).sum()
}

#[test]
fn inverse_and_solve_against_finite_differences() {
    let mut r = rng(4);
    for n in 1..6 {
        let (a, b) = (well_conditioned(&mut r, n), vector(&mut r, n));
        let (value, (ga, gb)) = solved_grad(&a, &b);
        let x = a.clone().lu().solve(&b).unwrap();
        let inv = a.clone().try_inverse().unwrap();
        assert!(close(value, x.dot(&x) + (&inv * &b).sum(), 1e-12));
        assert_close(&ga, &fd(&a, |a| solved(a, &b)), 1e-6, "Ā");
        assert_close(&gb, &fd(&b, |b| solved(&a, b)), 1e-6, "b̄");
    }
}

// ---- element-wise operations, rows and columns, scalars ---------------------------------

#[differentiable]
fn assorted(a: &DMatrix<f64>, b: &DMatrix<f64>, s: f64) -> f64 {
    let p = a.component_mul(b);
    let q = a.component_div(&b.map(|x| x * x + 1.0));
    let col = p.column(0);
    let row = q.row(q.nrows() - 1);
    let fill = DVector::from_element(col.len(), s);
    let scaled = a * s - b / s;
    col.dot(&fill) + row.sum() * s + scaled.norm_squared() + (-q).sum()
}

#[test]
fn assorted_operations_against_finite_differences() {
    let mut r = rng(5);
    for _ in 0..10 {
        let (m, n) = (r.gen_range(1..6), r.gen_range(1..6));
        let (a, b) = (mat(&mut r, m, n), mat(&mut r, m, n));
        let s: f64 = r.gen_range(0.5..2.0);
        let (_, (ga, gb, gs)) = assorted_grad(&a, &b, s);
        assert_close(&ga, &fd(&a, |a| assorted(a, &b, s)), 1e-6, "Ā");
        assert_close(&gb, &fd(&b, |b| assorted(&a, b, s)), 1e-6, "B̄");
        let h = 1e-6;
        let ds = (assorted(&a, &b, s + h) - assorted(&a, &b, s - h)) / (2.0 * h);
        assert!(close(gs, ds, 1e-6), "s̄ {gs} vs {ds}");
    }
}

// ---- vector outputs -----------------------------------------------------------------------

#[differentiable]
fn affine(w: &DMatrix<f64>, b: &DVector<f64>, x: &DVector<f64>) -> DVector<f64> {
    w * x + b
}

#[test]
fn vector_output_vjp_and_jvp() {
    let mut r = rng(6);
    for _ in 0..10 {
        let (m, n) = (r.gen_range(1..6), r.gen_range(1..6));
        let (w, b, x) = (mat(&mut r, m, n), vector(&mut r, m), vector(&mut r, n));
        let seed = vector(&mut r, m);
        let (y, (gw, gb, gx)) = affine_vjp(&w, &b, &x, seed.clone());
        assert_close(&y, &(&w * &x + &b), 1e-12, "value");
        // Closed forms: W̄ = s xᵀ, b̄ = s, x̄ = Wᵀ s.
        assert_close(&gw, &(&seed * x.transpose()), 1e-12, "W̄");
        assert_close(&gb, &seed, 1e-12, "b̄");
        assert_close(&gx, &(w.transpose() * &seed), 1e-12, "x̄");
        let dx = vector(&mut r, n);
        let (_, t) = affine_jvp(&w, &b, &x, &DMatrix::zeros(m, n), &DVector::zeros(m), &dx);
        assert_close(&t, &(&w * &dx), 1e-12, "tangent");
    }
}

// ---- loops, branches, helper calls --------------------------------------------------------

/// Power iteration: a vector carried through a loop, normalised every step.
#[differentiable]
fn power_iteration(a: &DMatrix<f64>, x: &DVector<f64>, steps: usize) -> f64 {
    let mut v = x.clone();
    for _ in 0..steps {
        v = (a * v).normalize();
    }
    v.dot(x)
}

#[test]
fn vector_carried_through_a_loop() {
    let mut r = rng(7);
    for steps in 0..4 {
        let n = r.gen_range(2..6);
        let (a, x) = (well_conditioned(&mut r, n), vector(&mut r, n));
        let (_, (ga, gx)) = power_iteration_grad(&a, &x, steps);
        assert_close(&ga, &fd(&a, |a| power_iteration(a, &x, steps)), 1e-6, "Ā");
        assert_close(&gx, &fd(&x, |x| power_iteration(&a, x, steps)), 1e-6, "x̄");
        let (da, dx) = (mat(&mut r, n, n), vector(&mut r, n));
        let (_, t) = power_iteration_jvp(&a, &x, steps, &da, &dx);
        assert!(close(t, ga.dot(&da) + gx.dot(&dx), 1e-9));
    }
}

/// A branch on an active scalar computed from a matrix, with matrices in both arms.
#[differentiable]
fn branchy(a: &DMatrix<f64>, x: &DVector<f64>) -> f64 {
    let y = a * x;
    let z = if y.norm() > 1.0 {
        y.map(|v| v.sin()) * 2.0
    } else {
        a.transpose() * y.clone()
    };
    z.sum() + y.sum()
}

#[test]
fn matrices_in_both_arms_of_a_branch() {
    let mut r = rng(8);
    let mut arms = [0, 0];
    for _ in 0..30 {
        let n = r.gen_range(1..5);
        let (a, x) = (mat(&mut r, n, n), vector(&mut r, n) * r.gen_range(0.2..2.0));
        arms[usize::from((&a * &x).norm() > 1.0)] += 1;
        let (_, (ga, gx)) = branchy_grad(&a, &x);
        assert_close(&ga, &fd(&a, |a| branchy(a, &x)), 1e-6, "Ā");
        assert_close(&gx, &fd(&x, |x| branchy(&a, x)), 1e-6, "x̄");
    }
    assert!(arms[0] > 0 && arms[1] > 0, "both arms ran: {arms:?}");
}

/// A two-layer network through a helper returning a vector, called on parameters and on a
/// computed vector; the second call is a term of a sum, so its seed is the sum's adjoint.
#[differentiable]
fn two_layers(
    w1: &DMatrix<f64>,
    b1: &DVector<f64>,
    w2: &DMatrix<f64>,
    b2: &DVector<f64>,
    x: &DVector<f64>,
) -> f64 {
    let h = affine(w1, b1, x).map(|v| v.tanh());
    let out = affine(w2, b2, &h) + w2 * &h;
    out.norm_squared()
}

#[test]
fn helpers_taking_and_returning_vectors() {
    let mut r = rng(9);
    for _ in 0..8 {
        let (i, h, o) = (r.gen_range(1..5), r.gen_range(1..5), r.gen_range(1..4));
        let (w1, b1) = (mat(&mut r, h, i), vector(&mut r, h));
        let (w2, b2) = (mat(&mut r, o, h), vector(&mut r, o));
        let x = vector(&mut r, i);
        let (_, (g1, gb1, g2, gb2, gx)) = two_layers_grad(&w1, &b1, &w2, &b2, &x);
        assert_close(
            &g1,
            &fd(&w1, |w| two_layers(w, &b1, &w2, &b2, &x)),
            1e-6,
            "W̄1",
        );
        assert_close(
            &gb1,
            &fd(&b1, |b| two_layers(&w1, b, &w2, &b2, &x)),
            1e-6,
            "b̄1",
        );
        assert_close(
            &g2,
            &fd(&w2, |w| two_layers(&w1, &b1, w, &b2, &x)),
            1e-6,
            "W̄2",
        );
        assert_close(
            &gb2,
            &fd(&b2, |b| two_layers(&w1, &b1, &w2, b, &x)),
            1e-6,
            "b̄2",
        );
        assert_close(
            &gx,
            &fd(&x, |x| two_layers(&w1, &b1, &w2, &b2, x)),
            1e-6,
            "x̄",
        );
    }
}

// ---- against the tape ---------------------------------------------------------------------

/// A batch regression loss `|W2 tanh(W1 X) - Y|²`, the data inactive.
#[differentiable(wrt(w1, w2))]
fn batch_loss(w1: &DMatrix<f64>, w2: &DMatrix<f64>, x: &DMatrix<f64>, y: &DMatrix<f64>) -> f64 {
    let h = (w1 * x).map(|v| v.tanh());
    let residual = w2 * h - y;
    residual.norm_squared()
}

#[test]
fn batch_loss_against_the_tape() {
    let mut r = rng(10);
    for _ in 0..10 {
        let (i, h, o, batch) = (
            r.gen_range(1..6),
            r.gen_range(1..6),
            r.gen_range(1..4),
            r.gen_range(1..9),
        );
        let (w1, w2) = (mat(&mut r, h, i), mat(&mut r, o, h));
        let (x, y) = (mat(&mut r, i, batch), mat(&mut r, o, batch));
        let (value, (g1, g2)) = batch_loss_grad(&w1, &w2, &x, &y);
        let (tape_value, tape_grads) = Tape::<f64>::scope(|t| {
            let (v1, v2) = (t.matrix(w1.clone()), t.matrix(w2.clone()));
            let (cx, cy) = (t.constant_matrix(x.clone()), t.constant_matrix(y.clone()));
            let loss = (v2 * (v1 * cx).tanh() - cy).norm_squared();
            (loss.value(), t.gradient(loss, &[v1, v2][..]))
        });
        let (t1, t2) = (&tape_grads[0], &tape_grads[1]);
        assert!(close(value, tape_value, 1e-12));
        assert_close(&g1, t1, 1e-10, "W̄1");
        assert_close(&g2, t2, 1e-10, "W̄2");
    }
}

// ---- generic scalars ----------------------------------------------------------------------

#[differentiable]
fn generic_norm<T: RealField + Copy>(a: &DMatrix<T>, x: &DVector<T>) -> T {
    (a * x).norm()
}

#[test]
fn generic_over_real_field_in_f32_and_f64() {
    let mut r = rng(11);
    let (a, x) = (mat(&mut r, 3, 4), vector(&mut r, 4));
    let (_, (ga, gx)) = generic_norm_grad(&a, &x);
    assert_close(&ga, &fd(&a, |a| generic_norm(a, &x)), 1e-6, "Ā");
    assert_close(&gx, &fd(&x, |x| generic_norm(&a, x)), 1e-6, "x̄");
    let (a32, x32) = (a.map(|v| v as f32), x.map(|v| v as f32));
    let (_, (ga32, gx32)) = generic_norm_grad(&a32, &x32);
    assert_close(&ga32.map(f64::from), &ga, 1e-4, "Ā in f32");
    assert_close(&gx32.map(f64::from), &gx, 1e-4, "x̄ in f32");
}

// ---- built from closures ------------------------------------------------------------------

/// Vectors and matrices built by `from_fn` from active values, read by index.
#[differentiable]
fn built(x: &DVector<f64>, s: f64) -> f64 {
    let n = x.len();
    let v = DVector::from_fn(n, |i, _| x[i] * s + (i as f64));
    let m = DMatrix::from_fn(n, 2, |i, j| v[i].sin() * (j as f64 + 1.0));
    (m.transpose() * &v).norm_squared()
}

#[test]
fn from_fn_against_finite_differences() {
    let mut r = rng(12);
    for n in 1..6 {
        let x = vector(&mut r, n);
        let s: f64 = r.gen_range(0.5..1.5);
        let (value, (gx, gs)) = built_grad(&x, s);
        assert!(close(value, built(&x, s), 1e-12));
        assert_close(&gx, &fd(&x, |x| built(x, s)), 1e-6, "x̄");
        let h = 1e-6;
        let ds = (built(&x, s + h) - built(&x, s - h)) / (2.0 * h);
        assert!(close(gs, ds, 1e-6), "s̄ {gs} vs {ds}");
    }
}

/// `|v|²` of a vector taken by value.
#[differentiable]
fn owned_norm_squared(v: DVector<f64>) -> f64 {
    v.norm_squared()
}

/// A computed vector passed by value to a helper inside a loop.
#[differentiable]
fn by_value_in_a_loop(x: &DVector<f64>, n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        let y = x * (i as f64 + 1.0);
        s += owned_norm_squared(y);
    }
    s
}

#[test]
fn vector_passed_by_value_in_a_loop() {
    let mut r = rng(21);
    for n in 0..4 {
        let x = vector(&mut r, 3);
        // f = Σ_i (i + 1)² |x|².
        let c: f64 = (1..=n).map(|i| (i * i) as f64).sum();
        let (value, g) = by_value_in_a_loop_grad(&x, n);
        assert!(close(value, c * x.norm_squared(), 1e-12));
        assert_close(&g, &(&x * (2.0 * c)), 1e-12, "x̄");
    }
}

// A vector summed over a loop: not a sum of floats, reversed as other loops are.
#[differentiable]
fn summed_vector(x: &[f64]) -> f64 {
    let v = nalgebra::Vector3::new(1.0, -2.0, 0.5);
    let mut s = nalgebra::Vector3::zeros();
    for i in 0..x.len() {
        s += v * x[i] * x[i];
    }
    s.norm()
}

#[test]
fn vectors_summed_in_loops() {
    for seed in 0..4 {
        let x = super::cases::random(seed, 3);
        let (value, g) = summed_vector_grad(&x);
        // s = v * sum(x^2): |s| = |v| sum(x^2), its gradient 2 |v| x.
        let norm_v = (1.0f64 + 4.0 + 0.25).sqrt();
        let q: f64 = x.iter().map(|a| a * a).sum();
        super::oracle::assert_close("summed_vector", value, norm_v * q, 1e-12, 1e-12);
        for i in 0..3 {
            super::oracle::assert_close(
                "summed_vector: x",
                g[i],
                2.0 * norm_v * x[i],
                1e-12,
                1e-12,
            );
            let mut e = [0.0; 3];
            e[i] = 1.0;
            let (_, t) = summed_vector_jvp(&x, &e);
            super::oracle::assert_close("summed_vector: jvp", t, g[i], 1e-12, 1e-12);
        }
    }
}

// A constant vector local as the receiver of `dot` with an active one.
#[differentiable]
fn constant_local_dot(x: &[f64]) -> f64 {
    let w = nalgebra::Vector3::new(0.5, -1.0, 2.0);
    let a = nalgebra::Vector3::new(x[0], x[1], x[2]);
    w.dot(&a) * a.norm()
}

#[test]
fn constant_vector_locals_as_receivers() {
    for seed in 0..4 {
        let x = super::cases::random(seed, 3);
        let (value, g) = constant_local_dot_grad(&x);
        let w = [0.5, -1.0, 2.0];
        let dot: f64 = (0..3).map(|i| w[i] * x[i]).sum();
        let norm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        super::oracle::assert_close("constant_local_dot", value, dot * norm, 1e-12, 1e-12);
        for i in 0..3 {
            let closed = w[i] * norm + dot * x[i] / norm;
            super::oracle::assert_close("constant_local_dot: x", g[i], closed, 1e-12, 1e-12);
        }
    }
}

// Vector locals made by arithmetic on a constructor and by `vector!`, summed in loops, and a
// float local that only mentions a vector type.
#[differentiable]
fn built_vector_locals(x: &[f64]) -> f64 {
    let v = nalgebra::Vector3::new(1.0, -2.0, 0.5) * 1.0;
    let mut s = v * 0.0;
    for i in 0..x.len() {
        s += v * x[i] * x[i];
    }
    let w = nalgebra::vector![0.5, 0.5, -1.0];
    let mut t = nalgebra::Vector3::zeros();
    for i in 0..x.len() {
        t += w * x[i];
    }
    let n = nalgebra::Vector3::new(1.0, 2.0, 2.0).norm();
    s.norm() + t.norm() + n * x[0] * x[1]
}

#[test]
fn vector_locals_built_by_arithmetic_and_macros() {
    for seed in 0..4 {
        let x = super::cases::random(seed, 3);
        let (value, g) = built_vector_locals_grad(&x);
        let q: f64 = x.iter().map(|a| a * a).sum();
        let sum: f64 = x.iter().sum();
        let (norm_v, norm_w) = (5.25f64.sqrt(), 1.5f64.sqrt());
        let want = norm_v * q + norm_w * sum.abs() + 3.0 * x[0] * x[1];
        super::oracle::assert_close("built_vector_locals", value, want, 1e-12, 1e-12);
        for i in 0..3 {
            let other = match i {
                0 => 3.0 * x[1],
                1 => 3.0 * x[0],
                _ => 0.0,
            };
            let closed = 2.0 * norm_v * x[i] + norm_w * sum.signum() + other;
            super::oracle::assert_close("built_vector_locals: x", g[i], closed, 1e-12, 1e-12);
        }
    }
}
