//! Benchmarks of the eager tape: the cost of recording one scalar operation, a scalar-heavy
//! workload against plain `f64` evaluation and against the `reverse` crate, and a small MLP
//! with matrix nodes against the same products written by hand.
//!
//! `cargo bench --bench tape`; the figures and ratios are in `BENCHMARKS-tape.md`.

// `criterion_group!` writes an undocumented function.
#![allow(missing_docs)]

use autodiff::tape::{Tape, Var};
use criterion::{criterion_group, Criterion};
use nalgebra::{DMatrix, DVector};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;
use std::hint::black_box;
use std::time::Duration;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Inputs of the scalar workload: 100 000 pairs, about 1.1 million recorded operations.
const N: usize = 100_000;

/// The scalar workload, written once for `f64`, tape variables and `reverse` variables.
macro_rules! workload {
    ($x:expr, $zero:expr) => {{
        let x = $x;
        let mut acc = $zero;
        for i in 0..x.len() - 1 {
            let (a, b) = (x[i], x[i + 1]);
            let t = (a * b).sin() + a / (b * b + 1.0) - (a - b).exp() * 0.5;
            #[allow(clippy::assign_op_pattern)]
            {
                acc = acc + t;
            }
        }
        acc
    }};
}

fn plain(x: &[f64]) -> f64 {
    workload!(x, 0.0)
}

fn on_tape<'id>(x: &[Var<'id, f64>]) -> Var<'id, f64> {
    workload!(x, x[0].constant(0.0))
}

fn on_reverse<'a>(x: &[reverse::Var<'a>], zero: reverse::Var<'a>) -> reverse::Var<'a> {
    workload!(x, zero)
}

fn inputs() -> Vec<f64> {
    let mut r = StdRng::seed_from_u64(1);
    (0..N).map(|_| r.gen_range(-1.0..1.0)).collect()
}

fn record_one_op(c: &mut Criterion) {
    // 1000 dependent multiply-adds on a warm, reused tape: time per operation = time / 2000.
    let mut tape = Tape::<f64>::with_capacity(4096);
    let mut g = c.benchmark_group("record");
    g.bench_function("2000 scalar ops, warm tape", |b| {
        b.iter(|| {
            tape.record(|t| {
                let x = t.var(black_box(1.0));
                let mut y = x;
                for _ in 0..1000 {
                    y = y * 0.999 + x;
                }
                black_box(y.value())
            })
        })
    });
    g.finish();
}

fn scalar_workload(c: &mut Criterion) {
    let x = inputs();
    let mut tape = Tape::<f64>::with_capacity(2 * 11 * N);
    let mut g = c.benchmark_group("scalar workload (1.1M ops)");
    g.bench_function("plain f64 evaluation", |b| b.iter(|| plain(black_box(&x))));
    g.bench_function("tape record + gradient", |b| {
        b.iter(|| {
            tape.record(|t| {
                let v = t.var_vec(black_box(&x));
                let y = on_tape(&v);
                t.gradient(y, &v)
            })
        })
    });
    g.bench_function("tape record only", |b| {
        b.iter(|| {
            tape.record(|t| {
                let v = t.var_vec(black_box(&x));
                black_box(on_tape(&v).value())
            })
        })
    });
    g.bench_function("reverse crate record + gradient", |b| {
        b.iter(|| {
            let rt = reverse::Tape::new();
            let v = rt.add_vars(black_box(&x));
            let zero = rt.add_var(0.0);
            let y = on_reverse(&v, zero);
            let grads = y.grad();
            use reverse::Gradient;
            grads.wrt(&v)
        })
    });
    g.finish();
}

/// A two-layer perceptron on a batch: `loss = |W2 tanh(W1 X + b1 1ᵀ) - Y|²`.
struct Mlp {
    w1: DMatrix<f64>,
    b1: DVector<f64>,
    w2: DMatrix<f64>,
    x: DMatrix<f64>,
    y: DMatrix<f64>,
}

fn mlp() -> Mlp {
    let mut r = StdRng::seed_from_u64(2);
    let mut m = |rows, cols| DMatrix::from_fn(rows, cols, |_, _| r.gen_range(-0.5..0.5));
    Mlp {
        w1: m(64, 32),
        b1: m(64, 1).column(0).into_owned(),
        w2: m(10, 64),
        x: m(32, 128),
        y: m(10, 128),
    }
}

/// Forward and backward by hand, with the same matrix products.
fn mlp_by_hand(m: &Mlp) -> (DMatrix<f64>, DVector<f64>, DMatrix<f64>) {
    let mut z = &m.w1 * &m.x;
    for mut col in z.column_iter_mut() {
        col += &m.b1;
    }
    let h = z.map(f64::tanh);
    let o = &m.w2 * &h;
    let d_o = (o - &m.y) * 2.0;
    let g_w2 = &d_o * h.transpose();
    let d_h = m.w2.transpose() * &d_o;
    let d_z = d_h.zip_map(&h, |g, t| g * (1.0 - t * t));
    let g_w1 = &d_z * m.x.transpose();
    let g_b1 = d_z.column_sum();
    (g_w1, g_b1, g_w2)
}

fn mlp_on_tape(tape: &mut Tape<f64>, m: &Mlp) -> (DMatrix<f64>, DVector<f64>, DMatrix<f64>) {
    tape.record(|t| {
        let w1 = t.matrix(m.w1.clone());
        let b1 = t.vector(m.b1.clone());
        let w2 = t.matrix(m.w2.clone());
        let x = t.constant_matrix(m.x.clone());
        let y = t.constant_matrix(m.y.clone());
        let h = (w1 * x).add_column(b1).tanh();
        let loss = (w2 * h - y).norm_squared();
        t.gradient(loss, (w1, b1, w2))
    })
}

fn mlp_bench(c: &mut Criterion) {
    let m = mlp();
    let mut tape = Tape::<f64>::new();
    let (a, b, cc) = mlp_on_tape(&mut tape, &m);
    let (ha, hb, hc) = mlp_by_hand(&m);
    assert!((a - ha).norm() < 1e-9 && (b - hb).norm() < 1e-9 && (cc - hc).norm() < 1e-9);
    let mut g = c.benchmark_group("mlp 32-64-10, batch 128");
    g.bench_function("by hand", |bch| bch.iter(|| mlp_by_hand(black_box(&m))));
    g.bench_function("tape", |bch| {
        bch.iter(|| mlp_on_tape(&mut tape, black_box(&m)))
    });
    g.finish();
}

/// Counts the allocations of one warm recording of the scalar workload (the variables are
/// created as they are used, so no `Vec` of inputs is needed).
fn allocations() {
    let x = inputs();
    let mut tape = Tape::<f64>::new();
    let run = |tape: &mut Tape<f64>| {
        tape.record(|t| {
            let first = t.var(x[0]);
            let mut acc = first.constant(0.0);
            let mut prev = first;
            for &xi in &x[1..] {
                let b = t.var(xi);
                let a = prev;
                acc += (a * b).sin() + a / (b * b + 1.0) - (a - b).exp() * 0.5;
                prev = b;
            }
            black_box(acc.value())
        })
    };
    run(&mut tape); // warm up
    let region = Region::new(GLOBAL);
    run(&mut tape);
    let stats = region.change();
    println!(
        "allocation check: warm recording of {} scalar nodes: {} allocations, {} reallocations",
        tape.len(),
        stats.allocations,
        stats.reallocations
    );
    assert_eq!(stats.allocations + stats.reallocations, 0);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = record_one_op, scalar_workload, mlp_bench
}

fn main() {
    allocations();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
