//! Trains a two-layer regression network (`DMatrix` weights, `tanh` hidden layer) on a
//! noisy two-input function with Adam, using the gradient `#[differentiable]` generates for
//! the batch loss in `models/mlp.rs`; checks that gradient once against the eager tape.
//!
//! Run with `cargo run --release --example mlp`.

#[path = "models/mlp.rs"]
mod model;

use autodiff::tape::Tape;
use model::mlp_loss_grad;
use nalgebra::{DMatrix, DVector};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Adam's state for one parameter.
struct Adam {
    m: DMatrix<f64>,
    v: DMatrix<f64>,
}

impl Adam {
    fn new(shape: (usize, usize)) -> Self {
        Adam {
            m: DMatrix::zeros(shape.0, shape.1),
            v: DMatrix::zeros(shape.0, shape.1),
        }
    }

    /// One step on `p` (any shape, stored column by column) with gradient `g`.
    fn step(&mut self, p: &mut [f64], g: &[f64], t: i32, rate: f64) {
        let (b1, b2) = (0.9, 0.999);
        for k in 0..p.len() {
            self.m[k] = b1 * self.m[k] + (1.0 - b1) * g[k];
            self.v[k] = b2 * self.v[k] + (1.0 - b2) * g[k] * g[k];
            let m = self.m[k] / (1.0 - f64::powi(b1, t));
            let v = self.v[k] / (1.0 - f64::powi(b2, t));
            p[k] -= rate * m / (v.sqrt() + 1e-8);
        }
    }
}

fn main() {
    let (inputs, hidden, batch) = (2, 24, 256);
    let mut rng = StdRng::seed_from_u64(3);
    let target = |a: f64, b: f64| a.sin() * b.cos() + 0.3 * a * b;
    let x = DMatrix::from_fn(inputs, batch, |_, _| rng.gen_range(-2.0..2.0));
    let y = DMatrix::from_fn(1, batch, |_, j| {
        target(x[(0, j)], x[(1, j)]) + rng.gen_range(-0.05..0.05)
    });

    let scale = 1.0 / (inputs as f64).sqrt();
    let mut w1 = DMatrix::from_fn(hidden, inputs, |_, _| rng.gen_range(-scale..scale));
    let mut b1 = DVector::zeros(hidden);
    let mut w2 = DMatrix::from_fn(1, hidden, |_, _| rng.gen_range(-0.2..0.2));
    let mut b2 = DVector::zeros(1);

    // The generated gradient against the eager tape's matrix nodes, once.
    let (_, (g1, gb1, g2, gb2)) = mlp_loss_grad(&w1, &b1, &w2, &b2, &x, &y);
    let tape = Tape::<f64>::scope(|t| {
        let (v1, v2) = (t.matrix(w1.clone()), t.matrix(w2.clone()));
        let (c1, c2) = (t.vector(b1.clone()), t.vector(b2.clone()));
        let (cx, cy) = (t.constant_matrix(x.clone()), t.constant_matrix(y.clone()));
        let h = (v1 * cx).add_column(c1).tanh();
        let out = (v2 * h).add_column(c2);
        let loss = (out - cy).norm_squared() * (1.0 / batch as f64);
        let g = t.gradient(loss, &[v1, v2][..]);
        (g[0].clone(), g[1].clone())
    });
    let difference = (&g1 - &tape.0).amax().max((&g2 - &tape.1).amax());
    println!(
        "generated gradient (norm {:.3}) against the tape: largest difference {difference:.1e}",
        g1.norm() + g2.norm()
    );
    let _ = (gb1, gb2);

    let mut adam = [
        Adam::new(w1.shape()),
        Adam::new(b1.shape()),
        Adam::new(w2.shape()),
        Adam::new(b2.shape()),
    ];
    let start = std::time::Instant::now();
    for step in 1..=2000 {
        let (value, (g1, gb1, g2, gb2)) = mlp_loss_grad(&w1, &b1, &w2, &b2, &x, &y);
        if step == 1 || step % 400 == 0 {
            println!("step {step:4}: mean squared error {value:.5}");
        }
        let rate = 0.01;
        adam[0].step(w1.as_mut_slice(), g1.as_slice(), step, rate);
        adam[1].step(b1.as_mut_slice(), gb1.as_slice(), step, rate);
        adam[2].step(w2.as_mut_slice(), g2.as_slice(), step, rate);
        adam[3].step(b2.as_mut_slice(), gb2.as_slice(), step, rate);
    }
    println!(
        "2000 steps of a {inputs}-{hidden}-1 network on {batch} samples in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    let test = [(0.5, -1.0), (1.5, 0.3), (-1.2, 1.1)];
    for (a, b) in test {
        let input = DMatrix::from_column_slice(2, 1, &[a, b]);
        let h = (&w1 * input + &b1).map(|v| v.tanh());
        let out = (&w2 * h + &b2)[0];
        println!(
            "f({a:5.2}, {b:5.2}) = {:7.4}, network {out:7.4}",
            target(a, b)
        );
    }
}
