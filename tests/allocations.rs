//! Reverse sweeps that allocate nothing per iteration: loops calling helpers on sub-slices,
//! on a parameter passed twice, on constant buffers, helpers calling helpers, and the GMM
//! objective. Each gradient is taken for a loop of `n` and of `2n` iterations, after a first
//! call that warms the pools; the allocations of the two must be the same, up to what the
//! pools happen to hold. A binary of its own without the test harness, so that nothing runs
//! beside it to disturb the count.
#![allow(clippy::needless_range_loop, clippy::useless_vec)]

#[allow(dead_code, unused_imports)]
#[path = "static_path/gmm.rs"]
mod gmm;
#[allow(dead_code)]
#[path = "static_path/gmm_reference.rs"]
mod gmm_reference;

use autodiff::differentiable;
use num_traits::Float;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The allocations and reallocations `run` makes.
fn allocations(run: impl FnOnce()) -> usize {
    let region = Region::new(GLOBAL);
    run();
    let change = region.change();
    change.allocations + change.reallocations
}

/// `grad(n)` after a warm-up: as many allocations for `2n` iterations as for `n`.
fn none_per_iteration(what: &str, n: usize, grad: impl Fn(usize) -> f64) {
    std::hint::black_box(grad(2 * n));
    let once = allocations(|| {
        std::hint::black_box(grad(n));
    });
    let twice = allocations(|| {
        std::hint::black_box(grad(2 * n));
    });
    // What the per-thread pool holds between calls may move the count by one or two; an
    // allocation per iteration would move it by `n` (8 or more).
    assert!(
        once.abs_diff(twice) <= 2,
        "{what}: {once} allocations for {n} iterations, {twice} for {}",
        2 * n
    );
}

#[differentiable]
fn dot<T: Float>(a: &[T], b: &[T]) -> T {
    let mut s = T::zero();
    for j in 0..a.len() {
        s = s + a[j] * b[j];
    }
    s
}

// A helper whose body sums, on two ranges of one parameter.
#[differentiable]
fn against_first(x: &[f64], n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        s += dot(&x[2 * i..2 * i + 2], &x[0..2]);
    }
    s
}

// The helper per component of an inner loop, into a buffer read after it.
#[differentiable]
fn components(x: &[f64], n: usize) -> f64 {
    let mut t = vec![0.0; 3];
    let mut s = 0.0;
    for i in 0..n {
        for c in 0..3 {
            t[c] = dot(&x[2 * i..2 * i + 2], &x[2 * c..2 * c + 2]);
        }
        s += t[0] * t[1] + t[2];
    }
    s
}

// A helper whose top level calls another on its slice twice (through that one's pullback).
#[differentiable]
fn length<T: Float>(a: &[T]) -> T {
    dot(a, a).sqrt()
}

#[differentiable]
fn lengths(x: &[f64], n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        s += length(&x[2 * i..2 * i + 2]);
    }
    s
}

// A constant buffer refilled for each point.
#[differentiable(wrt(w))]
fn rows(w: &[f64], data: &[f64], n: usize) -> f64 {
    let mut row = vec![0.0; 2];
    let mut s = 0.0;
    for i in 0..n {
        row[0] = data[2 * i];
        row[1] = data[2 * i + 1];
        s += dot(w, &row).tanh();
    }
    s
}

fn main() {
    let x: Vec<f64> = (0..64).map(|i| (0.3 * i as f64).sin()).collect();
    none_per_iteration("against_first", 8, |n| against_first_grad(&x, n).1[0]);
    none_per_iteration("components", 8, |n| components_grad(&x, n).1[0]);
    none_per_iteration("rows", 8, |n| rows_grad(&x[..2], &x, n).1[0]);
    none_per_iteration("lengths", 8, |n| lengths_grad(&x, n).1[0]);
    none_per_iteration("components pullback", 8, |n| {
        let (_, pullback) = components_pullback(&x, n);
        pullback(1.0)[0]
    });
    for (d, k) in [(2, 3), (3, 2)] {
        let p = gmm_reference::generate_input(d, k, 40, 5);
        none_per_iteration("gmm", 20, |n| {
            let (_, (a, _, _)) =
                gmm::gmm_objective_grad(p.d, p.k, n, &p.alphas, &p.means, &p.icf, &p.x, p.wishart);
            a[0]
        });
    }
    println!("reverse sweeps allocate nothing per iteration: ok");
}
