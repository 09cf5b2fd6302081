//! The two paths against each other: the same functions through `#[differentiable]` and
//! recorded on the eager tape give the same gradients, on random points and at kinks.

use super::oracle::rng;
use autodiff::differentiable;
use autodiff::tape::Tape;
use rand::Rng;

#[differentiable]
fn mixed(x: f64, y: f64) -> f64 {
    let r = (x * x + y * y).sqrt();
    let s = (x * y).sin() + (0.5 * x).exp() - y.powi(3) / 3.0;
    let c = if s > 0.0 { s * r } else { s.abs().ln_1p() };
    c + x.hypot(y) * x.max(y) - (x - y).abs()
}

#[differentiable]
fn chain(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        s += (x[i] * x[i + 1]).sin() + x[i].powi(2) / (1.0 + x[i + 1] * x[i + 1]);
    }
    s
}

fn mixed_tape(x0: f64, y0: f64) -> (f64, [f64; 2]) {
    Tape::<f64>::scope(|t| {
        let [x, y] = t.vars([x0, y0]);
        let r = (x * x + y * y).sqrt();
        let s = (x * y).sin() + (x * 0.5).exp() - y.powi(3) / 3.0;
        let c = if s.value() > 0.0 {
            s * r
        } else {
            s.abs().ln_1p()
        };
        let f = c + x.hypot(y) * x.max(y) - (x - y).abs();
        (f.value(), t.gradient(f, [x, y]))
    })
}

fn chain_tape(x0: &[f64]) -> (f64, Vec<f64>) {
    Tape::<f64>::scope(|t| {
        let x = t.var_vec(x0);
        let mut s = t.constant(0.0);
        for i in 0..x.len() - 1 {
            s += (x[i] * x[i + 1]).sin() + x[i].powi(2) / (x[i + 1] * x[i + 1] + 1.0);
        }
        (s.value(), t.gradient(s, &x))
    })
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn scalar_function_on_both_paths() {
    let mut r = rng(41);
    for _ in 0..200 {
        let (x, y) = (r.gen_range(-2.0..2.0), r.gen_range(-2.0..2.0));
        let (v, (gx, gy)) = mixed_grad(x, y);
        let (tv, [tx, ty]) = mixed_tape(x, y);
        assert!(
            close(v, tv) && close(gx, tx) && close(gy, ty),
            "({x}, {y}): {gx} {gy} vs {tx} {ty}"
        );
    }
}

#[test]
fn kinks_agree_on_both_paths() {
    // x = y puts |x - y| at its kink and max(x, y) on a tie.
    for (x, y) in [(0.5, 0.5), (-1.0, -1.0), (1.5, 1.5)] {
        let (_, (gx, gy)) = mixed_grad(x, y);
        let (_, [tx, ty]) = mixed_tape(x, y);
        assert!(
            close(gx, tx) && close(gy, ty),
            "({x}, {y}): {gx} {gy} vs {tx} {ty}"
        );
    }
}

#[test]
fn loop_on_both_paths() {
    let mut r = rng(42);
    for n in [2, 5, 40] {
        let x: Vec<f64> = (0..n).map(|_| r.gen_range(-1.5..1.5)).collect();
        let (v, g) = chain_grad(&x);
        let (tv, tg) = chain_tape(&x);
        assert!(close(v, tv));
        for (a, b) in g.iter().zip(&tg) {
            assert!(close(*a, *b), "{a} vs {b}");
        }
    }
}
