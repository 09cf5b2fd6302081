//! Functions of many variables written with loops and iterator chains: the generated
//! gradient against a hand-written loop, and against `num-dual`'s forward mode, whose cost
//! grows with the number of inputs.
//!
//! `cargo bench --bench vectors`; BENCHMARKS.md reports the ratios.

#![allow(missing_docs)]

use autodiff::differentiable;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use nalgebra::DVector;
use num_dual::{gradient, DualNum};
use num_traits::Float;
use std::hint::black_box;
use std::time::Duration;

/// n-dimensional Rosenbrock as an iterator chain.
#[differentiable]
fn rosenbrock<T: Float + std::iter::Sum>(x: &[T]) -> T {
    let hundred = T::from(100.0).unwrap();
    x.iter()
        .zip(x[1..].iter())
        .map(|(&a, &b)| hundred * (b - a * a).powi(2) + (T::one() - a).powi(2))
        .sum()
}

fn rosenbrock_hand(x: &[f64], g: &mut [f64]) -> f64 {
    g.iter_mut().for_each(|g| *g = 0.0);
    let mut f = 0.0;
    for i in 0..x.len() - 1 {
        let (a, b) = (x[i], x[i + 1]);
        let r = b - a * a;
        f += 100.0 * r * r + (1.0 - a) * (1.0 - a);
        g[i] += -400.0 * a * r - 2.0 * (1.0 - a);
        g[i + 1] += 200.0 * r;
    }
    f
}

fn rosenbrock_dual<D: DualNum<f64>>(x: &[D]) -> D {
    let mut s = D::zero();
    for i in 0..x.len() - 1 {
        let (a, b) = (&x[i], &x[i + 1]);
        let r = b.clone() - a.clone() * a.clone();
        let one_minus = -a.clone() + 1.0;
        s += r.powi(2) * 100.0 + one_minus.powi(2);
    }
    s
}

fn input(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i as f64 * 0.37).sin()).collect()
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("rosenbrock-n");
    for n in [10, 100, 1_000, 10_000] {
        let x = input(n);
        g.bench_with_input(BenchmarkId::new("primal", n), &x, |b, x| {
            b.iter(|| rosenbrock(black_box(x)))
        });
        let mut grad = vec![0.0; n];
        g.bench_with_input(BenchmarkId::new("hand-written gradient", n), &x, |b, x| {
            b.iter(|| rosenbrock_hand(black_box(x), black_box(&mut grad)))
        });
        g.bench_with_input(BenchmarkId::new("generated gradient", n), &x, |b, x| {
            b.iter(|| rosenbrock_grad(black_box(x)))
        });
        if n <= 1_000 {
            let xv = DVector::from_vec(x.clone());
            g.bench_with_input(BenchmarkId::new("num-dual gradient", n), &xv, |b, x| {
                b.iter(|| gradient(|v| rosenbrock_dual(v.as_slice()), black_box(x.clone())))
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = vectors;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20);
    targets = benches
}
criterion_main!(vectors);
