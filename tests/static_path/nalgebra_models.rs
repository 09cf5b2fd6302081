//! The nalgebra models of `examples/models/` against their hand-written derivatives
//! (`benches/hand/nalgebra.rs`) and central finite differences, at random inputs: the MLP
//! loss over several shapes, the reprojection error at small, zero and large rotations.

#[path = "../../benches/hand/nalgebra.rs"]
mod hand;
#[path = "../../examples/models/mlp.rs"]
mod mlp;
#[path = "../../examples/models/reprojection.rs"]
mod reprojection;

use super::nalgebra_values::{close, mat, rng, vector};
use hand::{mlp_loss_hand_grad, reprojection_hand_jacobian};
use mlp::{mlp_loss, mlp_loss_grad};
use nalgebra::{DMatrix, DVector, SMatrix, Vector2, Vector3};
use rand::rngs::StdRng;
use rand::Rng;
use reprojection::{jacobian, reprojection_error, reprojection_error_vjp, rodrigues, Camera};

/// Element-wise closeness of two equally shaped slices of entries.
fn assert_all_close(a: &[f64], b: &[f64], tol: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(close(*x, *y, tol), "{what}: entry {i}: {x} vs {y}");
    }
}

#[test]
fn mlp_generated_gradient_equals_hand_written() {
    let mut r = rng(1);
    // (inputs, hidden, outputs, batch): degenerate sizes, sizes on either side of the point
    // where nalgebra switches to blocked products, then random ones.
    let mut shapes = vec![
        (1, 1, 1, 1),
        (3, 5, 2, 7),
        (10, 32, 1, 64),
        (4, 8, 3, 1),
        (20, 16, 4, 33),
    ];
    for _ in 0..6 {
        shapes.push((
            r.gen_range(1..30),
            r.gen_range(1..40),
            r.gen_range(1..12),
            r.gen_range(1..80),
        ));
    }
    for (case, &(ni, nh, no, nb)) in shapes.iter().enumerate() {
        for _ in 0..3 {
            let w1 = mat(&mut r, nh, ni);
            let b1 = vector(&mut r, nh);
            let w2 = mat(&mut r, no, nh);
            let b2 = vector(&mut r, no);
            let x = mat(&mut r, ni, nb) * 2.0;
            let y = mat(&mut r, no, nb);
            let (v, (gw1, gb1, gw2, gb2)) = mlp_loss_grad(&w1, &b1, &w2, &b2, &x, &y);
            let (hv, (hw1, hb1, hw2, hb2)) = mlp_loss_hand_grad(&w1, &b1, &w2, &b2, &x, &y);
            let what = format!("shape {case} {:?}", shapes[case]);
            assert!(
                close(v, mlp_loss(&w1, &b1, &w2, &b2, &x, &y), 1e-12),
                "{what}: value"
            );
            assert!(close(v, hv, 1e-12), "{what}: value vs hand");
            assert_eq!(gw1.shape(), w1.shape(), "{what}: gw1 shape");
            assert_eq!(gw2.shape(), w2.shape(), "{what}: gw2 shape");
            assert_all_close(
                gw1.as_slice(),
                hw1.as_slice(),
                1e-10,
                &format!("{what}: gw1"),
            );
            assert_all_close(
                gb1.as_slice(),
                hb1.as_slice(),
                1e-10,
                &format!("{what}: gb1"),
            );
            assert_all_close(
                gw2.as_slice(),
                hw2.as_slice(),
                1e-10,
                &format!("{what}: gw2"),
            );
            assert_all_close(
                gb2.as_slice(),
                hb2.as_slice(),
                1e-10,
                &format!("{what}: gb2"),
            );
        }
    }
}

#[test]
fn mlp_hand_written_gradient_matches_finite_differences() {
    // The reference itself, checked once on a small shape.
    let mut r = rng(2);
    let (w1, b1, w2, b2) = (
        mat(&mut r, 4, 3),
        vector(&mut r, 4),
        mat(&mut r, 2, 4),
        vector(&mut r, 2),
    );
    let (x, y) = (mat(&mut r, 3, 5), mat(&mut r, 2, 5));
    let (_, (gw1, gb1, gw2, gb2)) = mlp_loss_hand_grad(&w1, &b1, &w2, &b2, &x, &y);
    let f = |p: &[f64]| {
        let (a, rest) = p.split_at(w1.len());
        let (b, rest) = rest.split_at(b1.len());
        let (c, d) = rest.split_at(w2.len());
        mlp_loss(
            &DMatrix::from_column_slice(4, 3, a),
            &DVector::from_column_slice(b),
            &DMatrix::from_column_slice(2, 4, c),
            &DVector::from_column_slice(d),
            &x,
            &y,
        )
    };
    let params: Vec<f64> = [w1.as_slice(), b1.as_slice(), w2.as_slice(), b2.as_slice()].concat();
    let grad: Vec<f64> = [
        gw1.as_slice(),
        gb1.as_slice(),
        gw2.as_slice(),
        gb2.as_slice(),
    ]
    .concat();
    let fd: Vec<f64> = (0..params.len()).map(|i| central(&f, &params, i)).collect();
    assert_all_close(
        &grad,
        &fd,
        1e-6,
        "hand-written MLP gradient vs finite differences",
    );
}

/// Central difference of `f` at `x` along coordinate `i`.
fn central(f: &dyn Fn(&[f64]) -> f64, x: &[f64], i: usize) -> f64 {
    let h = 1e-6 * x[i].abs().max(1.0);
    let (mut p, mut m) = (x.to_vec(), x.to_vec());
    p[i] += h;
    m[i] -= h;
    (f(&p) - f(&m)) / (2.0 * h)
}

/// One reprojection input.
struct Input {
    cam: Camera,
    point: Vector3<f64>,
    w: f64,
    observed: Vector2<f64>,
}

/// A random camera with its rotation of magnitude `angle` (exactly zero for 0) about a random
/// axis, and a point in front of it: the point is placed at a positive depth in the camera's
/// frame, then moved to world coordinates.
fn random_input(r: &mut StdRng, angle: f64) -> Input {
    let axis = Vector3::new(
        r.gen_range(-1.0..1.0),
        r.gen_range(-1.0..1.0),
        r.gen_range(-1.0..1.0),
    )
    .normalize();
    let rot = axis * angle;
    let centre = Vector3::new(
        r.gen_range(-2.0..2.0),
        r.gen_range(-2.0..2.0),
        r.gen_range(-2.0..2.0),
    );
    let focal = r.gen_range(0.5..2.0);
    let cam = Camera::from_column_slice(&[
        rot.x,
        rot.y,
        rot.z,
        centre.x,
        centre.y,
        centre.z,
        focal,
        r.gen_range(-0.2..0.2),
        r.gen_range(-0.2..0.2),
        r.gen_range(-0.1..0.1),
        r.gen_range(-0.05..0.05),
    ]);
    let in_camera = Vector3::new(
        r.gen_range(-1.0..1.0),
        r.gen_range(-1.0..1.0),
        r.gen_range(2.0..6.0),
    );
    // Inverse rotation of a Rodrigues vector: the opposite vector.
    let point = rodrigues(&-rot, &in_camera) + centre;
    let input = Input {
        cam,
        point,
        w: r.gen_range(0.5..1.5),
        observed: Vector2::new(r.gen_range(-0.5..0.5), r.gen_range(-0.5..0.5)),
    };
    let depth = rodrigues(&rot, &(input.point - centre)).z;
    assert!(
        depth > 1.0,
        "the point lies in front of the camera: depth {depth}"
    );
    input
}

/// The generated Jacobian: two VJPs, seeds (1, 0) and (0, 1), one row each.
fn generated_jacobian(p: &Input) -> (Vector2<f64>, SMatrix<f64, 2, 15>) {
    let mut jac = SMatrix::<f64, 2, 15>::zeros();
    let mut value = Vector2::zeros();
    for row in 0..2 {
        let seed = if row == 0 {
            Vector2::new(1.0, 0.0)
        } else {
            Vector2::new(0.0, 1.0)
        };
        let (v, (gcam, gpoint, gw)) =
            reprojection_error_vjp(&p.cam, &p.point, p.w, &p.observed, seed);
        value = v;
        for j in 0..11 {
            jac[(row, j)] = gcam[j];
        }
        for j in 0..3 {
            jac[(row, 11 + j)] = gpoint[j];
        }
        jac[(row, 14)] = gw;
    }
    (value, jac)
}

/// Central differences of the objective in all 15 inputs.
fn fd_jacobian(p: &Input) -> SMatrix<f64, 2, 15> {
    let mut params = [0.0; 15];
    params[..11].copy_from_slice(p.cam.as_slice());
    params[11..14].copy_from_slice(p.point.as_slice());
    params[14] = p.w;
    let mut jac = SMatrix::<f64, 2, 15>::zeros();
    for row in 0..2 {
        let f = |q: &[f64]| {
            let cam = Camera::from_column_slice(&q[..11]);
            let point = Vector3::from_column_slice(&q[11..14]);
            reprojection_error(&cam, &point, q[14], &p.observed)[row]
        };
        for j in 0..15 {
            jac[(row, j)] = central(&f, &params, j);
        }
    }
    jac
}

fn check_reprojection(p: &Input, what: &str) {
    let value = reprojection_error(&p.cam, &p.point, p.w, &p.observed);
    let (gv, gj) = generated_jacobian(p);
    let (hv, hj) = reprojection_hand_jacobian(&p.cam, &p.point, p.w, &p.observed);
    assert_all_close(
        gv.as_slice(),
        value.as_slice(),
        1e-14,
        &format!("{what}: generated value"),
    );
    assert_all_close(
        hv.as_slice(),
        value.as_slice(),
        1e-14,
        &format!("{what}: hand value"),
    );
    assert!(
        gj.iter().all(|v| v.is_finite()),
        "{what}: generated Jacobian {gj}"
    );
    assert_all_close(
        gj.as_slice(),
        hj.as_slice(),
        1e-10,
        &format!("{what}: generated vs hand {gj} {hj}"),
    );
    // The pullback, run once per row after one forward sweep, against a full reverse pass
    // per row.
    let (pv, pj) = jacobian(&p.cam, &p.point, p.w, &p.observed);
    assert_all_close(
        pv.as_slice(),
        value.as_slice(),
        1e-14,
        &format!("{what}: pullback value"),
    );
    assert_all_close(
        pj.as_slice(),
        gj.as_slice(),
        1e-13,
        &format!("{what}: pullback vs reverse passes {pj} {gj}"),
    );
    let fd = fd_jacobian(p);
    assert_all_close(
        hj.as_slice(),
        fd.as_slice(),
        1e-6,
        &format!("{what}: hand vs fd {hj} {fd}"),
    );
    assert_all_close(
        gj.as_slice(),
        fd.as_slice(),
        1e-6,
        &format!("{what}: generated vs fd {gj} {fd}"),
    );
}

#[test]
fn reprojection_jacobian_at_zero_rotation() {
    // Exactly zero: the small-angle branch, where |rot| has no derivative.
    let mut r = rng(3);
    for i in 0..5 {
        let p = random_input(&mut r, 0.0);
        assert_eq!(p.cam.fixed_rows::<3>(0).norm(), 0.0);
        check_reprojection(&p, &format!("zero rotation {i}"));
    }
}

#[test]
fn reprojection_jacobian_at_tiny_rotations() {
    // Below the 1e-8 threshold but not zero: still the first-order branch.
    let mut r = rng(4);
    for i in 0..5 {
        let angle = r.gen_range(1e-12..1e-9);
        let p = random_input(&mut r, angle);
        check_reprojection(&p, &format!("tiny rotation {i}"));
    }
}

#[test]
fn reprojection_jacobian_at_small_rotations() {
    let mut r = rng(5);
    for i in 0..20 {
        let angle = r.gen_range(1e-3..0.1);
        let p = random_input(&mut r, angle);
        check_reprojection(&p, &format!("small rotation {i}, angle {angle}"));
    }
}

#[test]
fn reprojection_jacobian_at_large_rotations() {
    let mut r = rng(6);
    for i in 0..20 {
        let angle = r.gen_range(0.5..3.0);
        let p = random_input(&mut r, angle);
        check_reprojection(&p, &format!("large rotation {i}, angle {angle}"));
    }
}
