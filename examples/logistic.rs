//! Trains a logistic regression classifier with gradient descent on generated data. The
//! loss is written with nalgebra (a matrix-vector product, an element-wise map with a
//! branch for a stable softplus, a norm penalty); `#[differentiable]` generates its gradient,
//! which is checked once against central differences before training.
//!
//! Run with `cargo run --release --example logistic`.

use autodiff::differentiable;
use nalgebra::{DMatrix, DVector};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Mean logistic loss of labels `y` in {-1, 1} for the linear scores `X w + b`, plus an L2
/// penalty on `w`.
#[differentiable(wrt(w, b))]
fn loss(w: &DVector<f64>, b: f64, x: &DMatrix<f64>, y: &DVector<f64>, penalty: f64) -> f64 {
    let n = x.nrows();
    let margins = (x * w + DVector::from_element(n, b)).component_mul(y);
    // softplus(-m) = ln(1 + e^-m), in a form that does not overflow.
    let losses = margins.map(|m| {
        if m > 0.0 {
            (-m).exp().ln_1p()
        } else {
            -m + m.exp().ln_1p()
        }
    });
    losses.sum() / n as f64 + 0.5 * penalty * w.norm_squared()
}

fn accuracy(w: &DVector<f64>, b: f64, x: &DMatrix<f64>, y: &DVector<f64>) -> f64 {
    let scores = x * w;
    let right = (0..y.len())
        .filter(|&i| (scores[i] + b) * y[i] > 0.0)
        .count();
    right as f64 / y.len() as f64
}

fn main() {
    let (n, d) = (1000, 6);
    let mut rng = StdRng::seed_from_u64(7);
    // Labels from a hidden linear rule, with 5 % of them flipped.
    let truth = DVector::from_fn(d, |_, _| rng.gen_range(-2.0..2.0));
    let x = DMatrix::from_fn(n, d, |_, _| rng.gen_range(-1.0..1.0));
    let y = DVector::from_fn(n, |i, _| {
        let label = if x.row(i).dot(&truth.transpose()) + 0.3 > 0.0 {
            1.0
        } else {
            -1.0
        };
        if rng.gen_bool(0.05) {
            -label
        } else {
            label
        }
    });
    let penalty = 1e-3;

    let mut w = DVector::zeros(d);
    let mut b = 0.0;

    // The gradient against central differences, once, at a random point.
    let w0 = DVector::from_fn(d, |_, _| rng.gen_range(-1.0..1.0));
    let (_, (gw, gb)) = loss_grad(&w0, 0.2, &x, &y, penalty);
    let h = 1e-6;
    let mut worst: f64 = 0.0;
    for k in 0..d {
        let (mut up, mut down) = (w0.clone(), w0.clone());
        up[k] += h;
        down[k] -= h;
        let fd = (loss(&up, 0.2, &x, &y, penalty) - loss(&down, 0.2, &x, &y, penalty)) / (2.0 * h);
        worst = worst.max((fd - gw[k]).abs());
    }
    let fd_b =
        (loss(&w0, 0.2 + h, &x, &y, penalty) - loss(&w0, 0.2 - h, &x, &y, penalty)) / (2.0 * h);
    worst = worst.max((fd_b - gb).abs());
    println!("gradient against central differences: largest difference {worst:.1e}");

    let rate = 2.0;
    for step in 0..=300 {
        let (value, (gw, gb)) = loss_grad(&w, b, &x, &y, penalty);
        if step % 50 == 0 {
            println!(
                "step {step:3}: loss {value:.4}, training accuracy {:.1} %",
                100.0 * accuracy(&w, b, &x, &y)
            );
        }
        w -= gw * rate;
        b -= gb * rate;
    }
    let cosine = w.dot(&truth) / (w.norm() * truth.norm());
    println!("learned direction against the hidden rule: cosine {cosine:.3}");
}
