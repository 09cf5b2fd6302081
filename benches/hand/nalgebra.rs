//! Hand-written derivatives of the nalgebra models in `examples/models/`: the reference the
//! generated derivatives are tested against (`tests/static_path/nalgebra_models.rs`) and
//! timed against (`benches/nalgebra.rs`).
//!
//! Each is written out directly: the forward pass with the same nalgebra calls as the model,
//! keeping what the backward pass reads, then the chain rule worked out on paper.

use nalgebra::{
    DMatrix, DVector, Matrix2x3, Matrix3, RowDVector, SMatrix, SVector, Vector2, Vector3,
};

/// The value and gradient of `mlp_loss` (the mean over the batch of
/// `|W2 tanh(W1 x + b1) + b2 - y|²`) with respect to `(w1, b1, w2, b2)`.
///
/// Backward pass, with `r = out - y` and `h = tanh(W1 x + b1)`: `dr = 2r / batch`,
/// `gW2 = dr hᵀ`, `gb2 = Σ_columns dr`, `dh = W2ᵀ dr`, `dz = dh ∘ (1 - h²)`, `gW1 = dz xᵀ`,
/// `gb1 = Σ_columns dz`.
#[allow(clippy::type_complexity)]
pub fn mlp_loss_hand_grad(
    w1: &DMatrix<f64>,
    b1: &DVector<f64>,
    w2: &DMatrix<f64>,
    b2: &DVector<f64>,
    x: &DMatrix<f64>,
    y: &DMatrix<f64>,
) -> (
    f64,
    (DMatrix<f64>, DVector<f64>, DMatrix<f64>, DVector<f64>),
) {
    let batch = x.ncols();
    let ones = RowDVector::from_element(batch, 1.0);
    let hidden = (w1 * x + b1 * &ones).map(|v| v.tanh());
    let out = w2 * &hidden + b2 * &ones;
    let r = out - y;
    let value = r.norm_squared() / batch as f64;

    let dr = r * (2.0 / batch as f64);
    let gw2 = &dr * hidden.transpose();
    let gb2 = dr.column_sum();
    let mut dz = w2.tr_mul(&dr);
    dz.zip_apply(&hidden, |g, h| *g *= 1.0 - h * h);
    let gw1 = &dz * x.transpose();
    let gb1 = dz.column_sum();
    (value, (gw1, gb1, gw2, gb2))
}

/// `[v]×`, the matrix of `u ↦ v × u`.
fn cross_matrix(v: &Vector3<f64>) -> Matrix3<f64> {
    Matrix3::new(0.0, -v.z, v.y, v.z, 0.0, -v.x, -v.y, v.x, 0.0)
}

/// The value of `reprojection_error(cam, point, w, observed)` and its 2x15 Jacobian, columns
/// in the order camera (0..11: rotation, centre, focal length, principal point, distortion),
/// point (11..14), weight (14).
///
/// The rotated point `Y = R(rot) (point - centre)` is differentiated through Rodrigues'
/// formula: for `θ = |rot| > 1e-8`, with `k = rot / θ`,
/// `∂Y/∂rot = ∂Y/∂θ kᵀ + ∂Y/∂k (I - k kᵀ) / θ`; below, through its first-order form
/// `Y = X + rot × X`, as the model does. Then the projection `p = (Y₀, Y₁) / Y₂`, the radial
/// distortion `1 + k₁ r² + k₂ r⁴` and the scaling by the focal length and the weight.
pub fn reprojection_hand_jacobian(
    cam: &SVector<f64, 11>,
    point: &Vector3<f64>,
    w: f64,
    observed: &Vector2<f64>,
) -> (Vector2<f64>, SMatrix<f64, 2, 15>) {
    let rot = Vector3::new(cam[0], cam[1], cam[2]);
    let centre = Vector3::new(cam[3], cam[4], cam[5]);
    let x = point - centre;

    // Rotation: the rotated point, ∂Y/∂X (the rotation matrix) and ∂Y/∂rot.
    let theta = rot.norm();
    let (seen, dy_dx, dy_drot) = if theta > 1e-8 {
        let k = rot / theta;
        let (s, c) = theta.sin_cos();
        let k_dot_x = k.dot(&x);
        let k_cross_x = k.cross(&x);
        let seen = x * c + k_cross_x * s + k * (k_dot_x * (1.0 - c));
        let kkt = k * k.transpose();
        let dy_dx = Matrix3::identity() * c + cross_matrix(&k) * s + kkt * (1.0 - c);
        let dy_dtheta = -x * s + k_cross_x * c + k * (k_dot_x * s);
        let dy_dk =
            -cross_matrix(&x) * s + (Matrix3::identity() * k_dot_x + k * x.transpose()) * (1.0 - c);
        let dy_drot = dy_dtheta * k.transpose() + dy_dk * ((Matrix3::identity() - kkt) / theta);
        (seen, dy_dx, dy_drot)
    } else {
        let seen = x + rot.cross(&x);
        (
            seen,
            Matrix3::identity() + cross_matrix(&rot),
            -cross_matrix(&x),
        )
    };

    // Projection and distortion.
    let inv_z = 1.0 / seen[2];
    let p = Vector2::new(seen[0] * inv_z, seen[1] * inv_z);
    let r2 = p.norm_squared();
    let (k1, k2, focal) = (cam[9], cam[10], cam[6]);
    let distortion = 1.0 + k1 * r2 + k2 * r2 * r2;
    let projected = p * (distortion * focal) + Vector2::new(cam[7], cam[8]);
    let value = (projected - observed) * w;

    // ∂e/∂p = w f (D I + 2 (k₁ + 2 k₂ r²) p pᵀ), then ∂p/∂Y.
    let wf = w * focal;
    let ddist = 2.0 * (k1 + 2.0 * k2 * r2);
    let de_dp = (nalgebra::Matrix2::identity() * distortion + p * p.transpose() * ddist) * wf;
    let dp_dy = Matrix2x3::new(inv_z, 0.0, -p[0] * inv_z, 0.0, inv_z, -p[1] * inv_z);
    let de_dy = de_dp * dp_dy;
    let de_dx = de_dy * dy_dx;

    let mut jac = SMatrix::<f64, 2, 15>::zeros();
    jac.fixed_view_mut::<2, 3>(0, 0)
        .copy_from(&(de_dy * dy_drot));
    jac.fixed_view_mut::<2, 3>(0, 3).copy_from(&(-de_dx));
    jac.set_column(6, &(p * (distortion * w)));
    jac[(0, 7)] = w;
    jac[(1, 8)] = w;
    jac.set_column(9, &(p * (wf * r2)));
    jac.set_column(10, &(p * (wf * r2 * r2)));
    jac.fixed_view_mut::<2, 3>(0, 11).copy_from(&de_dx);
    jac.set_column(14, &(projected - observed));
    (value, jac)
}
