//! The ADBench GMM objective written for `#[differentiable]` the way a Rust user writes it:
//! helper functions on slices and sub-slices, loops, local buffers, an iterator fold. Its
//! generated gradient is checked against the hand-written one and forward mode; the
//! benchmark `benches/gmm.rs` includes this file too.

// Index loops are how the objective is written here, as ADBench writes it.
#![allow(clippy::needless_range_loop)]

use super::gmm_reference::{icf_size, wishart_constant, Wishart};
use autodiff::differentiable;
use num_traits::Float;

/// `ln(sum exp(xs))`, shifted by the maximum.
#[differentiable]
pub fn log_sum_exp<T: Float>(xs: &[T]) -> T {
    let mx = xs.iter().fold(T::neg_infinity(), |m, &v| m.max(v));
    let mut s = T::zero();
    for &v in xs.iter() {
        s = s + (v - mx).exp();
    }
    s.ln() + mx
}

/// `|Q v|^2` for the factor `Q` of one component: `qdiag` on the diagonal, `ltri` below it
/// column by column.
#[differentiable]
pub fn q_sq_norm<T: Float>(qdiag: &[T], ltri: &[T], v: &[T]) -> T {
    let d = v.len();
    let mut z = vec![T::zero(); d];
    for j in 0..d {
        z[j] = qdiag[j] * v[j];
    }
    let mut idx = 0;
    for col in 0..d {
        for row in col + 1..d {
            z[row] = z[row] + ltri[idx] * v[col];
            idx += 1;
        }
    }
    let mut s = T::zero();
    for j in 0..d {
        s = s + z[j] * z[j];
    }
    s
}

/// `sum_k [gamma^2/2 |Q_k|_F^2 - m sum(q_k)] - k C`.
#[differentiable(wrt(icf))]
pub fn wishart_prior<T: Float>(d: usize, k: usize, wishart: Wishart, icf: &[T]) -> T {
    let sz = icf_size(d);
    let half_g2 = T::from(0.5 * wishart.gamma * wishart.gamma).unwrap();
    let m = T::from(wishart.m).unwrap();
    let mut out = T::zero();
    for c in 0..k {
        let mut frobenius = T::zero();
        let mut sum_q = T::zero();
        for j in 0..d {
            let q = icf[c * sz + j];
            frobenius = frobenius + (q + q).exp();
            sum_q = sum_q + q;
        }
        for j in d..sz {
            let l = icf[c * sz + j];
            frobenius = frobenius + l * l;
        }
        out = out + half_g2 * frobenius - m * sum_q;
    }
    out - T::from(k as f64 * wishart_constant(d, wishart)).unwrap()
}

/// The GMM objective; differentiated with respect to the parameters, not the data.
#[differentiable(wrt(alphas, means, icf))]
#[allow(clippy::too_many_arguments)]
pub fn gmm_objective<T: Float>(
    d: usize,
    k: usize,
    n: usize,
    alphas: &[T],
    means: &[T],
    icf: &[T],
    x: &[T],
    wishart: Wishart,
) -> T {
    let sz = icf_size(d);
    let half = T::from(0.5).unwrap();
    // The diagonals of the factors, exponentiated once.
    let mut qdiags = vec![T::zero(); k * d];
    let mut sum_qs = vec![T::zero(); k];
    for c in 0..k {
        for j in 0..d {
            let q = icf[c * sz + j];
            qdiags[c * d + j] = q.exp();
            sum_qs[c] = sum_qs[c] + q;
        }
    }
    let mut main_term = vec![T::zero(); k];
    let mut xc = vec![T::zero(); d];
    let mut slse = T::zero();
    for i in 0..n {
        for c in 0..k {
            for j in 0..d {
                xc[j] = x[i * d + j] - means[c * d + j];
            }
            let qn = q_sq_norm(
                &qdiags[c * d..(c + 1) * d],
                &icf[c * sz + d..(c + 1) * sz],
                &xc,
            );
            main_term[c] = alphas[c] + sum_qs[c] - half * qn;
        }
        slse = slse + log_sum_exp(&main_term);
    }
    let constant = -(n as f64) * d as f64 * 0.5 * (2.0 * std::f64::consts::PI).ln();
    T::from(constant).unwrap() + slse - T::from(n).unwrap() * log_sum_exp(alphas)
        + wishart_prior(d, k, wishart, icf)
}

#[cfg(test)]
mod tests {
    use super::super::gmm_reference::{generate_input, gmm_objective_grad_hand, GmmInput};
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
    }

    fn check(p: &GmmInput) {
        let (value, (ga, gm, gq)) =
            gmm_objective_grad(p.d, p.k, p.n, &p.alphas, &p.means, &p.icf, &p.x, p.wishart);
        let (hv, ha, hm, hq) =
            gmm_objective_grad_hand(p.d, p.k, p.n, &p.alphas, &p.means, &p.icf, &p.x, p.wishart);
        assert!(close(value, hv, 1e-12), "value {value} vs {hv}");
        for (name, g, h) in [("alphas", &ga, &ha), ("means", &gm, &hm), ("icf", &gq, &hq)] {
            assert_eq!(g.len(), h.len());
            for (i, (a, b)) in g.iter().zip(h.iter()).enumerate() {
                assert!(
                    close(*a, *b, 1e-9),
                    "d={} k={} n={}: {name}[{i}] {a} vs {b}",
                    p.d,
                    p.k,
                    p.n
                );
            }
        }
        // Forward mode along a direction agrees with the gradient.
        let dir = |len: usize, s: f64| -> Vec<f64> {
            (0..len).map(|i| ((i as f64 + s) * 0.7).sin()).collect()
        };
        let (ta, tm, tq) = (
            dir(p.alphas.len(), 0.1),
            dir(p.means.len(), 0.2),
            dir(p.icf.len(), 0.3),
        );
        let (_, t) = gmm_objective_jvp(
            p.d, p.k, p.n, &p.alphas, &p.means, &p.icf, &p.x, p.wishart, &ta, &tm, &tq,
        );
        let dot = |g: &[f64], v: &[f64]| -> f64 { g.iter().zip(v).map(|(a, b)| a * b).sum() };
        let expected = dot(&ga, &ta) + dot(&gm, &tm) + dot(&gq, &tq);
        assert!(close(t, expected, 1e-9), "jvp {t} vs {expected}");
    }

    #[test]
    fn generated_gradient_matches_the_hand_written_one() {
        for (d, k, n) in [(2, 2, 5), (3, 3, 10), (2, 3, 10), (3, 2, 5)] {
            check(&generate_input(d, k, n, 7 + d as u64 * 10 + k as u64));
        }
    }

    #[test]
    fn generated_gradient_at_adbench_size() {
        check(&generate_input(10, 5, 100, 2024));
    }

    #[test]
    fn generated_gradient_in_f32() {
        let p = generate_input(3, 2, 10, 5);
        let f = |v: &[f64]| -> Vec<f32> { v.iter().map(|&a| a as f32).collect() };
        let (_, (ga, _, _)) = gmm_objective_grad(
            p.d,
            p.k,
            p.n,
            &f(&p.alphas),
            &f(&p.means),
            &f(&p.icf),
            &f(&p.x),
            p.wishart,
        );
        let (_, ha, _, _) =
            gmm_objective_grad_hand(p.d, p.k, p.n, &p.alphas, &p.means, &p.icf, &p.x, p.wishart);
        for (a, b) in ga.iter().zip(&ha) {
            assert!(close(*a as f64, *b, 1e-4), "{a} vs {b}");
        }
    }
}
