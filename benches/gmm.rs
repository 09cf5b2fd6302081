//! Benchmarks of the ADBench GMM objective: the plain objective, the objective as written
//! for `#[differentiable]` (index loops, helper calls) run as a plain function, its
//! hand-written gradient, the gradient `#[differentiable]` generates, and its gradient
//! through the eager tape, for d in {2, 10, 20, 64}, k in {5, 25, 50}, n = 1000.
//!
//! The tape gradient is measured twice: on one `Tape` reused across evaluations
//! (`grad_tape`, the usual way to run it in a loop) and on a fresh one each time
//! (`grad_tape_fresh`).
//!
//! `cargo bench --bench gmm`; the ratios time(gradient) / time(objective) are in
//! BENCHMARKS.md. A variant whose single evaluation takes longer than
//! [`MAX_EVAL`] (measured, or extrapolated linearly in k from the previous k at the same d)
//! is skipped, and the skip is printed.

// `criterion_group!` writes an undocumented function.
#![allow(missing_docs)]

// `cargo bench` compiles with `cfg(test)` but without a test harness, so the included file's
// test helpers are present and unused here.
#[allow(dead_code, unused_imports)]
#[path = "../tests/static_path/gmm.rs"]
mod gmm;
#[allow(dead_code)]
#[path = "../tests/static_path/gmm_reference.rs"]
mod gmm_reference;

use autodiff::tape::Tape;
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use gmm_reference::{
    generate_input, gmm_objective, gmm_objective_grad_hand, gmm_objective_tape, GmmInput,
};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Dimensions benchmarked.
const DS: [usize; 4] = [2, 10, 20, 64];
/// Numbers of components benchmarked.
const KS: [usize; 3] = [5, 25, 50];
/// Number of points.
const N: usize = 1000;
/// Longest single evaluation still benchmarked.
const MAX_EVAL: Duration = Duration::from_millis(500);

/// What is measured at every size.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Variant {
    Objective,
    /// The function `#[differentiable]` differentiates, run as it is.
    AsWritten,
    Hand,
    /// The gradient `#[differentiable]` generates.
    Generated,
    /// Tape gradient, one `Tape` reused across evaluations (memory warm).
    Tape,
    /// Tape gradient on a fresh `Tape` each evaluation (allocation included).
    TapeFresh,
}

impl Variant {
    fn name(self) -> &'static str {
        match self {
            Variant::Objective => "objective",
            Variant::AsWritten => "objective_as_written",
            Variant::Hand => "grad_hand",
            Variant::Generated => "grad_generated",
            Variant::Tape => "grad_tape",
            Variant::TapeFresh => "grad_tape_fresh",
        }
    }

    /// One evaluation; returns the objective value so that nothing is optimised away.
    fn run(self, p: &GmmInput, tape: &mut Tape<f64>) -> f64 {
        let (d, k, n, w) = (p.d, p.k, p.n, p.wishart);
        match self {
            Variant::Objective => gmm_objective(
                d,
                k,
                n,
                black_box(&p.alphas),
                black_box(&p.means),
                black_box(&p.icf),
                &p.x,
                w,
            ),
            Variant::AsWritten => gmm::gmm_objective(
                d,
                k,
                n,
                black_box(&p.alphas),
                black_box(&p.means),
                black_box(&p.icf),
                &p.x,
                w,
            ),
            Variant::Hand => {
                let r = gmm_objective_grad_hand(
                    d,
                    k,
                    n,
                    black_box(&p.alphas),
                    black_box(&p.means),
                    black_box(&p.icf),
                    &p.x,
                    w,
                );
                black_box(&r);
                r.0
            }
            Variant::Generated => {
                let r = gmm::gmm_objective_grad(
                    d,
                    k,
                    n,
                    black_box(&p.alphas),
                    black_box(&p.means),
                    black_box(&p.icf),
                    &p.x,
                    w,
                );
                black_box(&r);
                r.0
            }
            Variant::Tape | Variant::TapeFresh => {
                let mut fresh = Tape::new();
                let tape = if self == Variant::Tape {
                    tape
                } else {
                    &mut fresh
                };
                let r = gmm_objective_tape(
                    tape,
                    d,
                    k,
                    n,
                    black_box(&p.alphas),
                    black_box(&p.means),
                    black_box(&p.icf),
                    &p.x,
                    w,
                );
                black_box(&r);
                r.0
            }
        }
    }
}

fn bench_gmm(c: &mut Criterion) {
    // Single-evaluation time of each variant at the previous k, per d.
    let mut last: HashMap<(usize, Variant), (usize, Duration)> = HashMap::new();
    for d in DS {
        for k in KS {
            let p = generate_input(d, k, N, 1000 * d as u64 + k as u64);
            let mut group = c.benchmark_group(format!("gmm_d{d}_k{k}_n{N}"));
            group
                .sample_size(10)
                .warm_up_time(Duration::from_millis(500))
                .measurement_time(Duration::from_secs(2));
            let mut tape = Tape::new();
            for v in [
                Variant::Objective,
                Variant::AsWritten,
                Variant::Hand,
                Variant::Generated,
                Variant::Tape,
                Variant::TapeFresh,
            ] {
                if let Some(&(k0, t0)) = last.get(&(d, v)) {
                    let predicted = t0.mul_f64(k as f64 / k0 as f64);
                    if predicted > MAX_EVAL {
                        println!(
                            "skipped {} at d={d} k={k}: about {predicted:?} per evaluation",
                            v.name()
                        );
                        continue;
                    }
                }
                if v == Variant::Tape {
                    // Warm the reused tape so that the probe times what is measured.
                    black_box(v.run(&p, &mut tape));
                }
                let start = Instant::now();
                black_box(v.run(&p, &mut tape));
                let once = start.elapsed();
                last.insert((d, v), (k, once));
                if once > MAX_EVAL {
                    println!(
                        "skipped {} at d={d} k={k}: {once:?} per evaluation",
                        v.name()
                    );
                    continue;
                }
                if once > Duration::from_millis(20) {
                    group.sampling_mode(SamplingMode::Flat);
                }
                group.bench_function(v.name(), |b| b.iter(|| v.run(&p, &mut tape)));
            }
            group.finish();
        }
    }
}

criterion_group!(benches, bench_gmm);
criterion_main!(benches);
