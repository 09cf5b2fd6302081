//! Bundle adjustment's reprojection error (`models/reprojection.rs`): the 2x15 Jacobian of
//! one observation from one forward sweep and a pullback run once per row, checked against central differences and forward
//! mode; then Gauss-Newton with that Jacobian triangulates a 3-D point seen by four cameras.
//!
//! Run with `cargo run --release --example reprojection`.

#[path = "models/reprojection.rs"]
mod model;

use model::{jacobian, reprojection_error, reprojection_error_jvp, Camera};
use nalgebra::{Matrix3, SMatrix, Vector2, Vector3};

/// A camera at `centre` looking along +z after rotating by `rot`.
fn camera(rot: [f64; 3], centre: [f64; 3]) -> Camera {
    let [r0, r1, r2] = rot;
    let [c0, c1, c2] = centre;
    Camera::from_column_slice(&[r0, r1, r2, c0, c1, c2, 1.2, 0.01, -0.02, -0.05, 0.01])
}

fn main() {
    let cams = [
        camera([0.0, 0.0, 0.0], [0.0, 0.0, -5.0]),
        camera([0.02, -0.15, 0.01], [1.0, 0.2, -5.0]),
        camera([-0.1, 0.12, 0.03], [-1.0, -0.3, -4.5]),
        camera([0.05, 0.05, -0.2], [0.4, 1.0, -5.5]),
    ];
    let truth = Vector3::new(0.3, -0.4, 1.0);
    let observed: Vec<Vector2<f64>> = cams
        .iter()
        .map(|c| reprojection_error(c, &truth, 1.0, &Vector2::zeros()))
        .collect();

    // One observation's full Jacobian against central differences and forward mode.
    let (cam, w) = (&cams[1], 0.8);
    let (_, j) = jacobian(cam, &truth, w, &observed[1]);
    let h = 1e-6;
    let mut worst: f64 = 0.0;
    for col in 0..15 {
        let shifted = |s: f64| {
            let (mut c, mut p, mut wt) = (*cam, truth, w);
            match col {
                0..=10 => c[col] += s,
                11..=13 => p[col - 11] += s,
                _ => wt += s,
            }
            reprojection_error(&c, &p, wt, &observed[1])
        };
        let fd = (shifted(h) - shifted(-h)) / (2.0 * h);
        worst = worst.max((fd - j.column(col)).amax());
    }
    println!("2x15 Jacobian against central differences: largest difference {worst:.1e}");
    let (dc, dp) = (
        Camera::from_fn(|i, _| 0.1 * i as f64),
        Vector3::new(0.2, -0.1, 0.3),
    );
    let (_, along) = reprojection_error_jvp(cam, &truth, w, &observed[1], &dc, &dp, 0.5);
    let mut direction = [0.0; 15];
    direction[..11].copy_from_slice(dc.as_slice());
    direction[11..14].copy_from_slice(dp.as_slice());
    direction[14] = 0.5;
    let by_rows = j * SMatrix::<f64, 15, 1>::from_column_slice(&direction);
    println!(
        "Jacobian times a direction against forward mode: difference {:.1e}",
        (by_rows - along).amax()
    );

    // Gauss-Newton on the point alone: the columns 11..14 of each observation's Jacobian.
    let mut point = Vector3::new(0.0, 0.0, 0.0);
    for step in 0..6 {
        let (mut jtj, mut jtr, mut cost) = (Matrix3::zeros(), Vector3::zeros(), 0.0);
        for (c, seen) in cams.iter().zip(&observed) {
            let (r, j) = jacobian(c, &point, 1.0, seen);
            let jp = j.fixed_columns::<3>(11).into_owned();
            jtj += jp.transpose() * jp;
            jtr += jp.transpose() * r;
            cost += r.norm_squared();
        }
        println!(
            "step {step}: squared error {cost:.3e}, point ({:.6}, {:.6}, {:.6})",
            point[0], point[1], point[2]
        );
        point -= jtj
            .lu()
            .solve(&jtr)
            .expect("the cameras see the point from different places");
    }
    println!(
        "true point    ({:.6}, {:.6}, {:.6})",
        truth[0], truth[1], truth[2]
    );
}
