//! Loop-free functions: generated derivatives against hand-written ones and against
//! `num-dual`'s vector dual numbers, side by side in one run.
//!
//! `cargo bench --bench scalar`; BENCHMARKS.md reports the ratios.

#![allow(missing_docs)]

use autodiff::differentiable;
use criterion::{criterion_group, criterion_main, Criterion};
use nalgebra::SVector;
use num_dual::{gradient, DualNum};
use num_traits::Float;
use std::hint::black_box;
use std::time::Duration;

#[differentiable]
fn rosenbrock<T: Float>(x: T, y: T) -> T {
    let a = T::one() - x;
    let b = y - x * x;
    a * a + T::from(100.0).unwrap() * b * b
}

fn rosenbrock_hand(x: f64, y: f64) -> (f64, [f64; 2]) {
    let a = 1.0 - x;
    let b = y - x * x;
    (a * a + 100.0 * b * b, [-2.0 * a - 400.0 * x * b, 200.0 * b])
}

fn rosenbrock_dual<D: DualNum<f64> + Copy>(x: D, y: D) -> D {
    let a = -x + 1.0;
    let b = y - x * x;
    a * a + b * b * 100.0
}

#[differentiable]
fn beale<T: Float>(x: T, y: T) -> T {
    let c = |v: f64| T::from(v).unwrap();
    let t1 = c(1.5) - x + x * y;
    let t2 = c(2.25) - x + x * y * y;
    let t3 = c(2.625) - x + x * y.powi(3);
    t1 * t1 + t2 * t2 + t3 * t3
}

fn beale_hand(x: f64, y: f64) -> (f64, [f64; 2]) {
    let (y2, y3) = (y * y, y * y * y);
    let t1 = 1.5 - x + x * y;
    let t2 = 2.25 - x + x * y2;
    let t3 = 2.625 - x + x * y3;
    let dx = 2.0 * (t1 * (y - 1.0) + t2 * (y2 - 1.0) + t3 * (y3 - 1.0));
    let dy = 2.0 * x * (t1 + 2.0 * y * t2 + 3.0 * y2 * t3);
    (t1 * t1 + t2 * t2 + t3 * t3, [dx, dy])
}

fn beale_dual<D: DualNum<f64> + Copy>(x: D, y: D) -> D {
    let t1 = -x + x * y + 1.5;
    let t2 = -x + x * y * y + 2.25;
    let t3 = -x + x * y.powi(3) + 2.625;
    t1 * t1 + t2 * t2 + t3 * t3
}

#[differentiable]
fn ackley<T: Float>(x: T, y: T) -> T {
    let c = |v: f64| T::from(v).unwrap();
    let tau = c(std::f64::consts::TAU);
    let r = (c(0.5) * (x * x + y * y)).sqrt();
    let s = c(0.5) * ((tau * x).cos() + (tau * y).cos());
    -c(20.0) * (-c(0.2) * r).exp() - s.exp() + c(std::f64::consts::E) + c(20.0)
}

fn ackley_hand(x: f64, y: f64) -> (f64, [f64; 2]) {
    let tau = std::f64::consts::TAU;
    let r = (0.5 * (x * x + y * y)).sqrt();
    let e1 = (-0.2 * r).exp();
    let (cx, cy) = ((tau * x).cos(), (tau * y).cos());
    let e2 = (0.5 * (cx + cy)).exp();
    let value = -20.0 * e1 - e2 + std::f64::consts::E + 20.0;
    let k = 2.0 * e1 / r;
    let dx = k * x + e2 * 0.5 * tau * (tau * x).sin();
    let dy = k * y + e2 * 0.5 * tau * (tau * y).sin();
    (value, [dx, dy])
}

fn ackley_dual<D: DualNum<f64> + Copy>(x: D, y: D) -> D {
    let tau = std::f64::consts::TAU;
    let r = ((x * x + y * y) * 0.5).sqrt();
    let s = ((x * tau).cos() + (y * tau).cos()) * 0.5;
    (r * -0.2).exp() * -20.0 - s.exp() + std::f64::consts::E + 20.0
}

#[differentiable]
fn softclip<T: Float>(x: T, y: T) -> T {
    let limit = T::from(2.0).unwrap();
    let mut z = x * y;
    if z > limit {
        z = limit + (z - limit).ln_1p();
    } else if z < -limit {
        z = -limit - (-limit - z).ln_1p();
    }
    z * z
}

fn softclip_hand(x: f64, y: f64) -> (f64, [f64; 2]) {
    let p = x * y;
    let (z, dz) = if p > 2.0 {
        (2.0 + (p - 2.0).ln_1p(), 1.0 / (p - 1.0))
    } else if p < -2.0 {
        (-2.0 - (-2.0 - p).ln_1p(), 1.0 / (-1.0 - p))
    } else {
        (p, 1.0)
    };
    let d = 2.0 * z * dz;
    (z * z, [d * y, d * x])
}

fn softclip_dual<D: DualNum<f64> + Copy>(x: D, y: D) -> D {
    let z = x * y;
    let z = if z.re() > 2.0 {
        (z - 2.0).ln_1p() + 2.0
    } else if z.re() < -2.0 {
        -(-z - 2.0).ln_1p() - 2.0
    } else {
        z
    };
    z * z
}

/// Each iteration runs over the same 256 points, so that a figure is a mean over inputs
/// (both sides of branches included) rather than one call.
fn points() -> Vec<(f64, f64)> {
    (0..256)
        .map(|i| {
            let t = i as f64 * 0.618_033_988_75;
            (4.0 * (t.fract() - 0.5), 4.0 * ((t * 1.3).fract() - 0.5))
        })
        .collect()
}

/// Times `$body` (an expression of `x, y, u, v` giving three numbers) over all points.
macro_rules! run {
    ($g:expr, $label:expr, $pts:expr, $out:expr, |$x:ident, $y:ident, $u:ident, $v:ident| $body:expr) => {
        $g.bench_function($label, |b| {
            b.iter(|| {
                let ($u, $v) = black_box((0.3, 0.4));
                for (o, &($x, $y)) in $out.iter_mut().zip(black_box(&$pts)) {
                    *o = $body;
                }
                black_box(&mut $out);
            })
        });
    };
}

/// One function's group: primal, gradients and directional derivatives side by side.
macro_rules! group {
    ($c:expr, $name:literal, $f:ident, $grad:ident, $jvp:ident, $hand:ident, $dual:ident) => {{
        let pts = points();
        let mut out = vec![[0.0_f64; 3]; pts.len()];
        let mut g = $c.benchmark_group($name);
        run!(g, "primal", pts, out, |x, y, _u, _v| [$f(x, y), 0.0, 0.0]);
        run!(g, "hand-written gradient", pts, out, |x, y, _u, _v| {
            let (f, d) = $hand(x, y);
            [f, d[0], d[1]]
        });
        run!(g, "generated gradient", pts, out, |x, y, _u, _v| {
            let (f, (dx, dy)) = $grad(x, y);
            [f, dx, dy]
        });
        run!(g, "num-dual gradient", pts, out, |x, y, _u, _v| {
            let (f, d) = gradient(|p| $dual(p[0], p[1]), SVector::from([x, y]));
            [f, d[0], d[1]]
        });
        run!(
            g,
            "hand-written value + directional",
            pts,
            out,
            |x, y, u, v| {
                let (f, d) = $hand(x, y);
                [f, d[0] * u + d[1] * v, 0.0]
            }
        );
        run!(g, "generated jvp", pts, out, |x, y, u, v| {
            let (f, t) = $jvp(x, y, u, v);
            [f, t, 0.0]
        });
        g.finish();
    }};
}

fn benches(c: &mut Criterion) {
    group!(
        c,
        "rosenbrock",
        rosenbrock,
        rosenbrock_grad,
        rosenbrock_jvp,
        rosenbrock_hand,
        rosenbrock_dual
    );
    group!(c, "beale", beale, beale_grad, beale_jvp, beale_hand, beale_dual);
    group!(
        c,
        "ackley",
        ackley,
        ackley_grad,
        ackley_jvp,
        ackley_hand,
        ackley_dual
    );
    group!(
        c,
        "softclip",
        softclip,
        softclip_grad,
        softclip_jvp,
        softclip_hand,
        softclip_dual
    );
}

criterion_group! {
    name = scalar;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(scalar);
