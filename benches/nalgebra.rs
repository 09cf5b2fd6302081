//! Benchmarks of the nalgebra models in `examples/models/`: the generated derivatives
//! against hand-written ones (`benches/hand/nalgebra.rs`) and, for the MLP, the eager tape.
//!
//! * `mlp/<inputs>-<hidden>-<outputs>/<batch>`: the loss (`objective`), its generated
//!   gradient (`generated`), the hand-written gradient (`hand`) and the tape gradient on one
//!   reused `Tape` (`tape`).
//! * `reprojection`: the error (`objective`), the generated 2x15 Jacobian from one forward
//!   sweep and its pullback run once per row (`generated_jacobian`) and the hand-written
//!   Jacobian (`hand_jacobian`).
//!
//! `cargo bench --bench nalgebra`; BENCHMARKS.md reports the ratios.

// `criterion_group!` writes an undocumented function.
#![allow(missing_docs)]

#[path = "hand/nalgebra.rs"]
mod hand;
#[path = "../examples/models/mlp.rs"]
mod mlp;
// Only `reprojection_error` and `jacobian` are used here.
#[allow(dead_code)]
#[path = "../examples/models/reprojection.rs"]
mod reprojection;

use autodiff::tape::Tape;
use criterion::{criterion_group, criterion_main, Criterion};
use hand::{mlp_loss_hand_grad, reprojection_hand_jacobian};
use mlp::{mlp_loss, mlp_loss_grad};
use nalgebra::{DMatrix, DVector, Vector2, Vector3};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reprojection::{jacobian, reprojection_error, Camera};
use std::hint::black_box;

/// MLP sizes benchmarked: (inputs, hidden, outputs, batch).
const MLP_SIZES: [(usize, usize, usize, usize); 3] =
    [(10, 32, 1, 64), (20, 64, 4, 256), (50, 128, 10, 512)];

/// The MLP's parameters and a batch of data.
struct Mlp {
    w1: DMatrix<f64>,
    b1: DVector<f64>,
    w2: DMatrix<f64>,
    b2: DVector<f64>,
    x: DMatrix<f64>,
    y: DMatrix<f64>,
}

fn mlp_input(r: &mut StdRng, (ni, nh, no, nb): (usize, usize, usize, usize)) -> Mlp {
    let mut m =
        |rows, cols, scale: f64| DMatrix::from_fn(rows, cols, |_, _| r.gen_range(-scale..scale));
    Mlp {
        w1: m(nh, ni, 1.0 / (ni as f64).sqrt()),
        b1: m(nh, 1, 0.1).column(0).into_owned(),
        w2: m(no, nh, 1.0 / (nh as f64).sqrt()),
        b2: m(no, 1, 0.1).column(0).into_owned(),
        x: m(ni, nb, 1.0),
        y: m(no, nb, 1.0),
    }
}

type MlpGrad = (DMatrix<f64>, DVector<f64>, DMatrix<f64>, DVector<f64>);

/// The loss and its gradient on the tape, recorded on `tape` (reused: warm memory). The data
/// are moved into the tape as constants, so they are copied on each evaluation.
fn mlp_tape_grad(tape: &mut Tape<f64>, m: &Mlp) -> (f64, MlpGrad) {
    let batch = m.x.ncols() as f64;
    tape.record(|t| {
        let w1 = t.matrix(m.w1.clone());
        let b1 = t.vector(m.b1.clone());
        let w2 = t.matrix(m.w2.clone());
        let b2 = t.vector(m.b2.clone());
        let x = t.constant_matrix(m.x.clone());
        let y = t.constant_matrix(m.y.clone());
        let hidden = (w1 * x).add_column(b1).tanh();
        let out = (w2 * hidden).add_column(b2);
        let loss = (out - y).norm_squared() / batch;
        (loss.value(), t.gradient(loss, (w1, b1, w2, b2)))
    })
}

fn mlp_benches(c: &mut Criterion) {
    let mut r = StdRng::seed_from_u64(7);
    let mut tape = Tape::<f64>::new();
    for size in MLP_SIZES {
        let m = mlp_input(&mut r, size);
        // The three gradients agree before they are timed.
        let (gv, g) = mlp_loss_grad(&m.w1, &m.b1, &m.w2, &m.b2, &m.x, &m.y);
        let (hv, h) = mlp_loss_hand_grad(&m.w1, &m.b1, &m.w2, &m.b2, &m.x, &m.y);
        let (tv, tg) = mlp_tape_grad(&mut tape, &m);
        let gap = |a: &MlpGrad, b: &MlpGrad| {
            (&a.0 - &b.0).amax()
                + (&a.1 - &b.1).amax()
                + (&a.2 - &b.2).amax()
                + (&a.3 - &b.3).amax()
        };
        assert!((gv - hv).abs() < 1e-12 && (tv - hv).abs() < 1e-12);
        assert!(gap(&g, &h) < 1e-12 && gap(&tg, &h) < 1e-12);

        let (ni, nh, no, nb) = size;
        let mut g = c.benchmark_group(format!("mlp/{ni}-{nh}-{no}/{nb}"));
        g.bench_function("objective", |b| {
            b.iter(|| {
                black_box(mlp_loss(
                    black_box(&m.w1),
                    black_box(&m.b1),
                    black_box(&m.w2),
                    black_box(&m.b2),
                    black_box(&m.x),
                    black_box(&m.y),
                ))
            })
        });
        g.bench_function("generated", |b| {
            b.iter(|| {
                black_box(mlp_loss_grad(
                    black_box(&m.w1),
                    black_box(&m.b1),
                    black_box(&m.w2),
                    black_box(&m.b2),
                    black_box(&m.x),
                    black_box(&m.y),
                ))
            })
        });
        g.bench_function("hand", |b| {
            b.iter(|| {
                black_box(mlp_loss_hand_grad(
                    black_box(&m.w1),
                    black_box(&m.b1),
                    black_box(&m.w2),
                    black_box(&m.b2),
                    black_box(&m.x),
                    black_box(&m.y),
                ))
            })
        });
        g.bench_function("tape", |b| {
            b.iter(|| black_box(mlp_tape_grad(&mut tape, black_box(&m))))
        });
        g.finish();
    }
}

fn reprojection_benches(c: &mut Criterion) {
    // A camera turned by about 0.3 rad, a point 4 units in front of it.
    let cam = Camera::from_column_slice(&[
        0.12, -0.25, 0.08, 0.3, -0.2, -1.5, 1.1, 0.02, -0.03, 0.05, -0.01,
    ]);
    let point = Vector3::new(0.4, 0.3, 2.5);
    let (w, observed) = (0.8, Vector2::new(0.1, 0.05));
    let (gv, gj) = jacobian(&cam, &point, w, &observed);
    let (hv, hj) = reprojection_hand_jacobian(&cam, &point, w, &observed);
    assert!((gv - hv).amax() < 1e-14 && (gj - hj).amax() < 1e-12);

    let mut g = c.benchmark_group("reprojection");
    g.bench_function("objective", |b| {
        b.iter(|| {
            black_box(reprojection_error(
                black_box(&cam),
                black_box(&point),
                black_box(w),
                black_box(&observed),
            ))
        })
    });
    g.bench_function("generated_jacobian", |b| {
        b.iter(|| {
            black_box(jacobian(
                black_box(&cam),
                black_box(&point),
                black_box(w),
                black_box(&observed),
            ))
        })
    });
    g.bench_function("hand_jacobian", |b| {
        b.iter(|| {
            black_box(reprojection_hand_jacobian(
                black_box(&cam),
                black_box(&point),
                black_box(w),
                black_box(&observed),
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, mlp_benches, reprojection_benches);
criterion_main!(benches);
