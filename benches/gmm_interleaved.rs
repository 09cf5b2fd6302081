//! The GMM objective and its gradients timed in turn in one process: every round evaluates
//! the plain objective, the objective as written for `#[differentiable]`, the hand-written
//! gradient and the generated gradient once each, and the medians over the rounds are
//! compared. On a shared machine whose speed drifts, a ratio of evaluations taken side by
//! side moves less than one of figures that criterion takes minutes apart.
//!
//! `cargo bench --bench gmm_interleaved [-- ROUNDS]` (15 rounds unless given); the sizes are
//! those of `benches/gmm.rs` whose evaluations are short enough to repeat.

#[allow(dead_code, unused_imports)]
#[path = "../tests/static_path/gmm.rs"]
mod gmm;
#[allow(dead_code)]
#[path = "../tests/static_path/gmm_reference.rs"]
mod gmm_reference;

use gmm_reference::{generate_input, gmm_objective, gmm_objective_grad_hand, GmmInput};
use std::hint::black_box;
use std::time::Instant;

/// Sizes `(d, k)` timed, n = 1000 points each.
const SIZES: [(usize, usize); 12] = [
    (2, 5),
    (2, 25),
    (2, 50),
    (10, 5),
    (10, 25),
    (10, 50),
    (20, 5),
    (20, 25),
    (20, 50),
    (64, 5),
    (64, 25),
    (64, 50),
];

/// What each round evaluates, in order, and its column name.
const VARIANTS: [&str; 4] = ["objective", "as written", "hand", "generated"];

fn evaluate(p: &GmmInput, variant: usize) -> f64 {
    let a = black_box(&p.alphas);
    match variant {
        0 => gmm_objective(p.d, p.k, p.n, a, &p.means, &p.icf, &p.x, p.wishart),
        1 => gmm::gmm_objective(p.d, p.k, p.n, a, &p.means, &p.icf, &p.x, p.wishart),
        2 => gmm_objective_grad_hand(p.d, p.k, p.n, a, &p.means, &p.icf, &p.x, p.wishart).0,
        _ => gmm::gmm_objective_grad(p.d, p.k, p.n, a, &p.means, &p.icf, &p.x, p.wishart).0,
    }
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; a number among the arguments sets the rounds.
    let rounds = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(15)
        .max(1);
    println!("| d | k | objective | as written / obj | hand / obj | generated / obj |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for (d, k) in SIZES {
        let p = generate_input(d, k, 1000, 1);
        let mut times = vec![Vec::with_capacity(rounds); VARIANTS.len()];
        for _ in 0..rounds {
            for (v, t) in times.iter_mut().enumerate() {
                let start = Instant::now();
                black_box(evaluate(&p, v));
                t.push(start.elapsed().as_secs_f64());
            }
        }
        let m: Vec<f64> = times.into_iter().map(median).collect();
        println!(
            "| {d} | {k} | {:.3} ms | {:.2} | {:.2} | {:.2} |",
            m[0] * 1e3,
            m[1] / m[0],
            m[2] / m[0],
            m[3] / m[0]
        );
    }
}
