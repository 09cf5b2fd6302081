//! Fits a damped oscillation `y = a exp(-b t) cos(w t + phi)` to noisy samples with Adam,
//! using the gradient `#[differentiable]` generates for the mean squared error (an iterator
//! chain over the data that calls the model), and checks the fitted model's derivative along
//! a direction against forward mode.
//!
//! Run with `cargo run --release --example fit`.

use autodiff::differentiable;
use num_traits::Float;

/// The model, generic over the float type like any numeric Rust.
#[differentiable(wrt(p))]
fn model<T: Float>(p: &[T; 4], t: T) -> T {
    let [a, b, w, phi] = *p;
    a * (-b * t).exp() * (w * t + phi).cos()
}

/// Mean squared error over all samples: a loop over the data calling the model.
#[differentiable(wrt(p))]
fn loss<T: Float + std::iter::Sum>(p: &[T; 4], ts: &[T], ys: &[T]) -> T {
    let n = T::from(ts.len()).unwrap();
    let total: T = ts
        .iter()
        .zip(ys.iter())
        .map(|(&t, &y)| {
            let r = model(p, t) - y;
            r * r
        })
        .sum();
    total / n
}

/// A small deterministic generator (xorshift), so the example needs no extra crates.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    }
}

fn main() {
    let truth = [2.0, 0.3, 3.0, 0.5];
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let ts: Vec<f64> = (0..200).map(|i| i as f64 * 0.05).collect();
    let ys: Vec<f64> = ts
        .iter()
        .map(|&t| model(&truth, t) + 0.05 * noise.next())
        .collect();

    let mut p = [1.0, 0.1, 2.8, 0.0];
    let (mut m, mut v) = ([0.0; 4], [0.0; 4]);
    let (lr, beta1, beta2, eps) = (0.02, 0.9, 0.999, 1e-8);
    println!(
        "fitting a * exp(-b t) * cos(w t + phi) to {} noisy samples",
        ts.len()
    );
    for step in 1..=1500 {
        let (mse, grad) = loss_grad(&p, &ts, &ys);
        for k in 0..4 {
            let g = grad[k];
            m[k] = beta1 * m[k] + (1.0 - beta1) * g;
            v[k] = beta2 * v[k] + (1.0 - beta2) * g * g;
            let m_hat = m[k] / (1.0 - beta1.powi(step));
            let v_hat = v[k] / (1.0 - beta2.powi(step));
            p[k] -= lr * m_hat / (v_hat.sqrt() + eps);
        }
        if step == 1 || step % 250 == 0 {
            println!("step {step:5}: mean squared error {mse:.6}");
        }
    }
    println!(
        "fitted  a = {:.3}, b = {:.3}, w = {:.3}, phi = {:.3}",
        p[0], p[1], p[2], p[3]
    );
    println!(
        "truth   a = {:.3}, b = {:.3}, w = {:.3}, phi = {:.3}",
        truth[0], truth[1], truth[2], truth[3]
    );

    // Forward mode gives the same directional derivative as the gradient, in one pass.
    let direction = [0.1, -0.2, 0.3, 0.4];
    let (_, along) = model_jvp(&p, 1.0, &direction);
    let (_, g) = model_grad(&p, 1.0);
    let dot: f64 = g.iter().zip(&direction).map(|(a, b)| a * b).sum();
    println!("d model(t = 1) along {direction:?}: forward {along:.12}, reverse {dot:.12}");
}
