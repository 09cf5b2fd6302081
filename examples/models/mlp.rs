//! A two-layer regression network with `DMatrix` weights: its mean squared error over a
//! batch (one example per column), differentiated by `#[differentiable]`.

use autodiff::differentiable;
use nalgebra::{DMatrix, DVector, RowDVector};

/// Mean over the batch of `|W2 tanh(W1 x + b1) + b2 - y|²`; the data are constants.
#[differentiable(wrt(w1, b1, w2, b2))]
pub fn mlp_loss(
    w1: &DMatrix<f64>,
    b1: &DVector<f64>,
    w2: &DMatrix<f64>,
    b2: &DVector<f64>,
    x: &DMatrix<f64>,
    y: &DMatrix<f64>,
) -> f64 {
    let batch = x.ncols();
    let ones = RowDVector::from_element(batch, 1.0);
    let hidden = (w1 * x + b1 * &ones).map(|v| v.tanh());
    let out = w2 * hidden + b2 * &ones;
    (out - y).norm_squared() / batch as f64
}
