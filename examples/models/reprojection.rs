//! The reprojection error of bundle adjustment (ADBench's BA objective): a camera with a
//! Rodrigues rotation, a centre, a focal length, a principal point and two radial
//! distortion coefficients sees a 3-D point; the weighted error between where it lands on
//! the image and where it was observed, differentiated by `#[differentiable]`.

use autodiff::differentiable;
use nalgebra::{SMatrix, SVector, Vector2, Vector3};

/// The 11 camera parameters: rotation (3, axis times angle), centre (3), focal length,
/// principal point (2), radial distortion (2).
pub type Camera = SVector<f64, 11>;

// The signature names `SVector<f64, 11>` itself: the macro reads types as written.

/// Rotates `x` by the axis-angle vector `rot` (Rodrigues' formula); near the zero rotation,
/// its first-order form.
#[differentiable]
pub fn rodrigues(rot: &Vector3<f64>, x: &Vector3<f64>) -> Vector3<f64> {
    let theta = rot.norm();
    if theta > 1e-8 {
        let axis = rot / theta;
        let (s, c) = (theta.sin(), theta.cos());
        x * c + axis.cross(x) * s + axis * (axis.dot(x) * (1.0 - c))
    } else {
        x + rot.cross(x)
    }
}

/// `w * (project(camera, point) - observed)`, two image coordinates.
#[differentiable(wrt(cam, point, w))]
pub fn reprojection_error(
    cam: &SVector<f64, 11>,
    point: &Vector3<f64>,
    w: f64,
    observed: &Vector2<f64>,
) -> Vector2<f64> {
    let rot = Vector3::new(cam[0], cam[1], cam[2]);
    let centre = Vector3::new(cam[3], cam[4], cam[5]);
    let seen = rodrigues(&rot, &(point - centre));
    let p = Vector2::new(seen[0] / seen[2], seen[1] / seen[2]);
    let r2 = p.norm_squared();
    let distortion = 1.0 + cam[9] * r2 + cam[10] * r2 * r2;
    let projected = p * (distortion * cam[6]) + Vector2::new(cam[7], cam[8]);
    (projected - observed) * w
}

/// The error and its 2x15 Jacobian, columns in the order camera (11), point (3), weight (1):
/// one forward sweep, then the pullback once per row.
pub fn jacobian(
    cam: &Camera,
    point: &Vector3<f64>,
    w: f64,
    observed: &Vector2<f64>,
) -> (Vector2<f64>, SMatrix<f64, 2, 15>) {
    let (value, pullback) = reprojection_error_pullback(cam, point, w, observed);
    let mut j = SMatrix::<f64, 2, 15>::zeros();
    for row in 0..2 {
        let (gc, gp, gw) = pullback(Vector2::ith(row, 1.0));
        j.fixed_view_mut::<1, 11>(row, 0).copy_from(&gc.transpose());
        j.fixed_view_mut::<1, 3>(row, 11).copy_from(&gp.transpose());
        j[(row, 14)] = gw;
    }
    (value, j)
}
