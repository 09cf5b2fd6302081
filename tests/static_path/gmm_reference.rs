//! The ADBench Gaussian-mixture-model objective in plain Rust: the reference the generated
//! gradient is measured against.
//!
//! Holds the objective written generically over `num_traits::Float` with helper functions and
//! loops over slices, a seeded input generator following ADBench, a reverse-mode gradient
//! derived by hand, and the same objective recorded on the eager tape. The benchmark
//! `benches/gmm.rs` includes this file with `#[path]`, so it depends on nothing else in
//! `tests/`; its tests sit in the `tests` module at the bottom.
//!
//! Layout (ADBench): `alphas` has `k` entries, `means` is `k x d` row-major, `icf` holds per
//! component the `d` logarithms of the diagonal of the inverse-covariance factor `Q`, then its
//! `d(d-1)/2` strictly-lower-triangular entries column by column, and `x` is `n x d` row-major.
//!
//! ```text
//! err = sum_i logsumexp_k(alphas[k] + sum(q_k) - 0.5 |Q_k (x_i - mu_k)|^2)
//!       - n logsumexp(alphas) - n d ln(2 pi) / 2 + wishart_prior
//! ```

use autodiff::tape::{Tape, Var};
use num_traits::Float;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Parameters of the Wishart prior on the precision matrices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Wishart {
    /// Scale `gamma`.
    pub gamma: f64,
    /// Extra degrees of freedom `m` (ADBench's integer `m`).
    pub m: u32,
}

/// One ADBench GMM problem: sizes, parameters and data points.
#[derive(Clone, Debug)]
pub struct GmmInput {
    /// Dimension of a point.
    pub d: usize,
    /// Number of mixture components.
    pub k: usize,
    /// Number of points.
    pub n: usize,
    /// Unnormalised log mixture weights, `k`.
    pub alphas: Vec<f64>,
    /// Component means, `k x d`.
    pub means: Vec<f64>,
    /// Inverse-covariance factors, `k x icf_size(d)`.
    pub icf: Vec<f64>,
    /// Points, `n x d`.
    pub x: Vec<f64>,
    /// Prior parameters.
    pub wishart: Wishart,
}

/// Number of `icf` entries per component: `d` log-diagonal entries and `d(d-1)/2` below it.
pub fn icf_size(d: usize) -> usize {
    d * (d + 1) / 2
}

/// Standard normal draws by the Box-Muller transform, both values of each pair used.
struct Normal {
    rng: StdRng,
    spare: Option<f64>,
}

impl Normal {
    fn sample(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        // 1 - U(0, 1] keeps the logarithm finite.
        let u1: f64 = 1.0 - self.rng.gen::<f64>();
        let u2: f64 = self.rng.gen::<f64>();
        let r = (-2.0 * u1.ln()).sqrt();
        let theta = 2.0 * std::f64::consts::PI * u2;
        self.spare = Some(r * theta.sin());
        r * theta.cos()
    }
}

/// A seeded problem as ADBench generates it: `alphas`, `icf` and `x` standard normal, `means`
/// uniform on `[0, 1)`, `gamma = 1`, `m = 0`.
pub fn generate_input(d: usize, k: usize, n: usize, seed: u64) -> GmmInput {
    let mut normal = Normal {
        rng: StdRng::seed_from_u64(seed),
        spare: None,
    };
    let alphas = (0..k).map(|_| normal.sample()).collect();
    let means = (0..k * d).map(|_| normal.rng.gen::<f64>()).collect();
    let icf = (0..k * icf_size(d)).map(|_| normal.sample()).collect();
    let x = (0..n * d).map(|_| normal.sample()).collect();
    GmmInput {
        d,
        k,
        n,
        alphas,
        means,
        icf,
        x,
        wishart: Wishart { gamma: 1.0, m: 0 },
    }
}

fn cast<T: Float>(v: f64) -> T {
    T::from(v).expect("a float constant fits the number type")
}

/// `ln(sum_i exp(xs[i]))`, shifted by the maximum so that no term overflows.
pub fn log_sum_exp<T: Float>(xs: &[T]) -> T {
    let mx = xs.iter().copied().fold(T::neg_infinity(), T::max);
    let mut sum = T::zero();
    for &v in xs {
        sum = sum + (v - mx).exp();
    }
    sum.ln() + mx
}

/// Squared Euclidean norm.
pub fn sq_norm<T: Float>(v: &[T]) -> T {
    let mut s = T::zero();
    for &e in v {
        s = s + e * e;
    }
    s
}

/// `out = Q v` for the lower-triangular `Q` with diagonal `qdiag` and strictly lower part
/// `ltri` stored column by column.
pub fn q_times<T: Float>(qdiag: &[T], ltri: &[T], v: &[T], out: &mut [T]) {
    let d = v.len();
    for j in 0..d {
        out[j] = qdiag[j] * v[j];
    }
    let mut idx = 0;
    for (col, &vc) in v.iter().enumerate() {
        for o in &mut out[col + 1..d] {
            *o = *o + ltri[idx] * vc;
            idx += 1;
        }
    }
}

/// `ln Gamma(x)` for a positive multiple of one half, exactly by the recurrence
/// `Gamma(x + 1) = x Gamma(x)` from `Gamma(1) = 1` and `Gamma(1/2) = sqrt(pi)`.
///
/// # Panics
/// If `x` is not a positive multiple of one half (the Wishart constant only needs those).
pub fn ln_gamma_half_integer(x: f64) -> f64 {
    let twice = 2.0 * x;
    assert!(
        twice >= 1.0 && twice == twice.round(),
        "ln_gamma_half_integer({x}): not a positive multiple of 1/2"
    );
    let (mut z, mut out) = if twice as u64 % 2 == 0 {
        (1.0, 0.0)
    } else {
        (0.5, 0.5 * std::f64::consts::PI.ln())
    };
    while z < x {
        out += z.ln();
        z += 1.0;
    }
    out
}

/// Logarithm of the multivariate gamma function `Gamma_p(a)`.
pub fn log_gamma_distrib(a: f64, p: usize) -> f64 {
    let pf = p as f64;
    let mut out = 0.25 * pf * (pf - 1.0) * std::f64::consts::PI.ln();
    for j in 1..=p {
        out += ln_gamma_half_integer(a + 0.5 * (1.0 - j as f64));
    }
    out
}

/// The per-component constant of the Wishart prior's logarithm, `C` in ADBench (the prior
/// adds `-k C`).
pub fn wishart_constant(d: usize, wishart: Wishart) -> f64 {
    let n = (d + wishart.m as usize + 1) as f64;
    n * d as f64 * (wishart.gamma.ln() - 0.5 * std::f64::consts::LN_2)
        - log_gamma_distrib(0.5 * n, d)
}

/// The Wishart prior term: `sum_k [gamma^2/2 |Q_k|_F^2 - m sum(q_k)] - k C`.
pub fn wishart_prior<T: Float>(d: usize, wishart: Wishart, icf: &[T]) -> T {
    let sz = icf_size(d);
    let k = icf.len() / sz;
    let half_g2: T = cast(0.5 * wishart.gamma * wishart.gamma);
    let m: T = cast(f64::from(wishart.m));
    let mut out = T::zero();
    for comp in icf.chunks(sz) {
        let (q, ltri) = comp.split_at(d);
        let mut frobenius = sq_norm(ltri);
        let mut sum_q = T::zero();
        for &qj in q {
            frobenius = frobenius + (qj + qj).exp();
            sum_q = sum_q + qj;
        }
        out = out + half_g2 * frobenius - m * sum_q;
    }
    out - cast::<T>(k as f64 * wishart_constant(d, wishart))
}

/// `-n d ln(2 pi) / 2`.
fn data_constant(d: usize, n: usize) -> f64 {
    -(n as f64) * d as f64 * 0.5 * (2.0 * std::f64::consts::PI).ln()
}

/// The ADBench GMM objective (a log-posterior up to its sign convention).
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
    let half: T = cast(0.5);
    let mut qdiags = vec![T::zero(); k * d];
    let mut sum_qs = vec![T::zero(); k];
    for c in 0..k {
        for j in 0..d {
            let q = icf[c * sz + j];
            qdiags[c * d + j] = q.exp();
            sum_qs[c] = sum_qs[c] + q;
        }
    }
    let mut xc = vec![T::zero(); d];
    let mut qxc = vec![T::zero(); d];
    let mut main_term = vec![T::zero(); k];
    let mut slse = T::zero();
    for xi in x.chunks(d).take(n) {
        for c in 0..k {
            for j in 0..d {
                xc[j] = xi[j] - means[c * d + j];
            }
            let qdiag = &qdiags[c * d..(c + 1) * d];
            q_times(qdiag, &icf[c * sz + d..(c + 1) * sz], &xc, &mut qxc);
            main_term[c] = alphas[c] + sum_qs[c] - half * sq_norm(&qxc);
        }
        slse = slse + log_sum_exp(&main_term);
    }
    let n_t: T = cast(n as f64);
    cast::<T>(data_constant(d, n)) + slse - n_t * log_sum_exp(alphas)
        + wishart_prior(d, wishart, icf)
}

/// The objective and its gradient with respect to `alphas`, `means` and `icf`, by a reverse
/// sweep written by hand.
///
/// Per point `i` and component `c`, with `xc = x_i - mu_c`, `z = Q_c xc` and `w_c` the softmax
/// weight of the main terms: the main term's adjoint is `w_c`, so `alpha_c` and every `q_cj`
/// get `w_c`; `z` gets `-w_c z`; through `z = Q xc` the diagonal entry `exp(q_cj)` gets
/// `dz_j xc_j`, the lower entry `(row, col)` gets `dz_row xc_col`, and `mu_c` gets
/// `-Q^T dz`. The `-n logsumexp(alphas)` term gives `-n softmax(alphas)`, and the prior
/// gives `gamma^2 exp(2 q) - m` on the diagonal logs and `gamma^2 L` below.
#[allow(clippy::too_many_arguments)]
pub fn gmm_objective_grad_hand<T: Float>(
    d: usize,
    k: usize,
    n: usize,
    alphas: &[T],
    means: &[T],
    icf: &[T],
    x: &[T],
    wishart: Wishart,
) -> (T, Vec<T>, Vec<T>, Vec<T>) {
    let sz = icf_size(d);
    let half: T = cast(0.5);
    let mut qdiags = vec![T::zero(); k * d];
    let mut sum_qs = vec![T::zero(); k];
    for c in 0..k {
        for j in 0..d {
            let q = icf[c * sz + j];
            qdiags[c * d + j] = q.exp();
            sum_qs[c] = sum_qs[c] + q;
        }
    }
    let mut g_alphas = vec![T::zero(); k];
    let mut g_means = vec![T::zero(); k * d];
    let mut g_icf = vec![T::zero(); k * sz];

    // Per point: centred points and their images under Q for every component, kept for the
    // backward sweep.
    let mut xcs = vec![T::zero(); k * d];
    let mut zs = vec![T::zero(); k * d];
    let mut main_term = vec![T::zero(); k];
    let mut dxc = vec![T::zero(); d];
    let mut slse = T::zero();
    for xi in x.chunks(d).take(n) {
        for c in 0..k {
            let xc = &mut xcs[c * d..(c + 1) * d];
            for j in 0..d {
                xc[j] = xi[j] - means[c * d + j];
            }
            let z = &mut zs[c * d..(c + 1) * d];
            q_times(
                &qdiags[c * d..(c + 1) * d],
                &icf[c * sz + d..(c + 1) * sz],
                xc,
                z,
            );
            main_term[c] = alphas[c] + sum_qs[c] - half * sq_norm(z);
        }
        let lse = log_sum_exp(&main_term);
        slse = slse + lse;

        for c in 0..k {
            let w = (main_term[c] - lse).exp();
            g_alphas[c] = g_alphas[c] + w;
            let xc = &xcs[c * d..(c + 1) * d];
            let z = &zs[c * d..(c + 1) * d];
            let qdiag = &qdiags[c * d..(c + 1) * d];
            let g_comp = &mut g_icf[c * sz..(c + 1) * sz];
            let (g_q, g_l) = g_comp.split_at_mut(d);
            let ltri = &icf[c * sz + d..(c + 1) * sz];
            // dz = -w z; diagonal of Q, then its strictly lower part column by column.
            for j in 0..d {
                let dz = -w * z[j];
                g_q[j] = g_q[j] + w + dz * xc[j] * qdiag[j];
                dxc[j] = qdiag[j] * dz;
            }
            let mut idx = 0;
            for col in 0..d {
                let mut acc = dxc[col];
                for &z_row in &z[col + 1..] {
                    let dz = -w * z_row;
                    g_l[idx] = g_l[idx] + dz * xc[col];
                    acc = acc + ltri[idx] * dz;
                    idx += 1;
                }
                dxc[col] = acc;
            }
            let g_mu = &mut g_means[c * d..(c + 1) * d];
            for j in 0..d {
                g_mu[j] = g_mu[j] - dxc[j];
            }
        }
    }

    let n_t: T = cast(n as f64);
    let lse_alphas = log_sum_exp(alphas);
    for c in 0..k {
        g_alphas[c] = g_alphas[c] - n_t * (alphas[c] - lse_alphas).exp();
    }

    let g2: T = cast(wishart.gamma * wishart.gamma);
    let m: T = cast(f64::from(wishart.m));
    for c in 0..k {
        let comp = &icf[c * sz..(c + 1) * sz];
        let g_comp = &mut g_icf[c * sz..(c + 1) * sz];
        for j in 0..d {
            g_comp[j] = g_comp[j] + g2 * qdiags[c * d + j] * qdiags[c * d + j] - m;
        }
        for j in d..sz {
            g_comp[j] = g_comp[j] + g2 * comp[j];
        }
    }

    let err =
        cast::<T>(data_constant(d, n)) + slse - n_t * lse_alphas + wishart_prior(d, wishart, icf);
    (err, g_alphas, g_means, g_icf)
}

/// `ln(sum exp(xs))` on the tape. The shift is the maximum's value as a constant: its
/// derivative cancels exactly, so it need not be recorded.
fn log_sum_exp_tape<'id>(xs: &[Var<'id, f64>]) -> Var<'id, f64> {
    let mx = xs
        .iter()
        .map(|v| v.value())
        .fold(f64::NEG_INFINITY, f64::max);
    let mut sum = (xs[0] - mx).exp();
    for &v in &xs[1..] {
        sum += (v - mx).exp();
    }
    sum.ln() + mx
}

/// The objective recorded scalar by scalar on the eager tape, and its gradient with respect
/// to `alphas`, `means` and `icf` (same order as [`gmm_objective_grad_hand`]).
///
/// Records on `tape` with [`Tape::record`]: pass `&mut Tape::new()` for a fresh tape, or keep
/// one `Tape` across calls so that its memory is reused.
#[allow(clippy::too_many_arguments)]
pub fn gmm_objective_tape(
    tape: &mut Tape<f64>,
    d: usize,
    k: usize,
    n: usize,
    alphas: &[f64],
    means: &[f64],
    icf: &[f64],
    x: &[f64],
    wishart: Wishart,
) -> (f64, Vec<f64>, Vec<f64>, Vec<f64>) {
    let sz = icf_size(d);
    tape.record(|t| {
        let a = t.var_vec(alphas);
        let mu = t.var_vec(means);
        let q = t.var_vec(icf);

        let mut qdiags = Vec::with_capacity(k * d);
        let mut sum_qs = Vec::with_capacity(k);
        for c in 0..k {
            let mut s = t.constant(0.0);
            for j in 0..d {
                let qj = q[c * sz + j];
                qdiags.push(qj.exp());
                s += qj;
            }
            sum_qs.push(s);
        }

        let mut xc = Vec::with_capacity(d);
        let mut z = Vec::with_capacity(d);
        let mut main_term = Vec::with_capacity(k);
        let mut slse = t.constant(0.0);
        for xi in x.chunks(d).take(n) {
            main_term.clear();
            for c in 0..k {
                xc.clear();
                z.clear();
                for j in 0..d {
                    let v = t.constant(xi[j]) - mu[c * d + j];
                    xc.push(v);
                    z.push(qdiags[c * d + j] * v);
                }
                let mut idx = c * sz + d;
                for (col, &xc_col) in xc.iter().enumerate() {
                    for z_row in &mut z[col + 1..] {
                        *z_row = q[idx].mul_add(xc_col, *z_row);
                        idx += 1;
                    }
                }
                let mut sq = z[0] * z[0];
                for &zj in &z[1..] {
                    sq = zj.mul_add(zj, sq);
                }
                main_term.push(a[c] + sum_qs[c] - sq * 0.5);
            }
            slse += log_sum_exp_tape(&main_term);
        }

        let mut prior = t.constant(0.0);
        let half_g2 = 0.5 * wishart.gamma * wishart.gamma;
        let m = f64::from(wishart.m);
        for c in 0..k {
            let mut frobenius = t.constant(0.0);
            for j in 0..d {
                let e = qdiags[c * d + j];
                frobenius = e.mul_add(e, frobenius);
            }
            for &l in &q[c * sz + d..(c + 1) * sz] {
                frobenius = l.mul_add(l, frobenius);
            }
            prior = prior + frobenius * half_g2 - sum_qs[c] * m;
        }
        prior -= k as f64 * wishart_constant(d, wishart);

        let err = slse - log_sum_exp_tape(&a) * n as f64 + prior + data_constant(d, n);
        let (ga, gm, gq) = t.gradient(err, (&a, &mu, &q));
        (err.value(), ga, gm, gq)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::{DMatrix, DVector};

    /// Relative closeness with an absolute floor of one.
    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
    }

    fn objective(p: &GmmInput, alphas: &[f64], means: &[f64], icf: &[f64]) -> f64 {
        gmm_objective(p.d, p.k, p.n, alphas, means, icf, &p.x, p.wishart)
    }

    fn grad_hand(p: &GmmInput) -> (f64, Vec<f64>, Vec<f64>, Vec<f64>) {
        gmm_objective_grad_hand(p.d, p.k, p.n, &p.alphas, &p.means, &p.icf, &p.x, p.wishart)
    }

    /// Central finite difference of the objective along every coordinate of one parameter
    /// block (0: alphas, 1: means, 2: icf).
    fn fd_block(p: &GmmInput, block: usize) -> Vec<f64> {
        let base = [&p.alphas, &p.means, &p.icf][block];
        (0..base.len())
            .map(|i| {
                let h = 1e-5 * base[i].abs().max(1.0);
                let eval = |delta: f64| {
                    let mut blocks = [p.alphas.clone(), p.means.clone(), p.icf.clone()];
                    blocks[block][i] += delta;
                    objective(p, &blocks[0], &blocks[1], &blocks[2])
                };
                (eval(h) - eval(-h)) / (2.0 * h)
            })
            .collect()
    }

    fn assert_close_all(what: &str, got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len(), "{what}: length");
        for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
            assert!(close(g, w, tol), "{what}[{i}]: got {g}, want {w}");
        }
    }

    #[test]
    fn gmm_hand_gradient_matches_finite_differences() {
        let mut seed = 11;
        for d in [2, 3] {
            for k in [2, 3] {
                for n in [5, 10] {
                    seed += 1;
                    let mut p = generate_input(d, k, n, seed);
                    // A nonzero m exercises the prior's linear term as well.
                    p.wishart = Wishart { gamma: 1.3, m: 2 };
                    let (err, ga, gm, gq) = grad_hand(&p);
                    let tag = format!("d={d} k={k} n={n}");
                    assert!(
                        close(err, objective(&p, &p.alphas, &p.means, &p.icf), 1e-14),
                        "{tag}: value"
                    );
                    assert_close_all(&format!("{tag} alphas"), &ga, &fd_block(&p, 0), 1e-6);
                    assert_close_all(&format!("{tag} means"), &gm, &fd_block(&p, 1), 1e-6);
                    assert_close_all(&format!("{tag} icf"), &gq, &fd_block(&p, 2), 1e-6);
                }
            }
        }
    }

    #[test]
    fn gmm_tape_gradient_matches_hand_gradient() {
        let p = generate_input(10, 5, 100, 7);
        let (e_hand, ga, gm, gq) = grad_hand(&p);
        let (e_tape, ta, tm, tq) = gmm_objective_tape(
            &mut Tape::new(),
            p.d,
            p.k,
            p.n,
            &p.alphas,
            &p.means,
            &p.icf,
            &p.x,
            p.wishart,
        );
        assert!(close(e_tape, e_hand, 1e-12), "value {e_tape} vs {e_hand}");
        assert_close_all("alphas", &ta, &ga, 1e-10);
        assert_close_all("means", &tm, &gm, 1e-10);
        assert_close_all("icf", &tq, &gq, 1e-10);
        // The gradient is not trivially zero.
        assert!(gq.iter().any(|g| g.abs() > 1.0));
    }

    /// `ln Gamma` by the Lanczos approximation (g = 7, nine coefficients), independent of the
    /// half-integer recurrence the reference uses.
    fn ln_gamma_lanczos(x: f64) -> f64 {
        const G: f64 = 7.0;
        const C: [f64; 9] = [
            0.999_999_999_999_809_9,
            676.520_368_121_885_1,
            -1_259.139_216_722_402_8,
            771.323_428_777_653_1,
            -176.615_029_162_140_6,
            12.507_343_278_686_905,
            -0.138_571_095_265_720_12,
            9.984_369_578_019_572e-6,
            1.505_632_735_149_311_6e-7,
        ];
        let x = x - 1.0;
        let mut s = C[0];
        for (i, &c) in C.iter().enumerate().skip(1) {
            s += c / (x + i as f64);
        }
        let t = x + G + 0.5;
        0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + s.ln()
    }

    /// The objective from full `d x d` matrices: `Q` built entry by entry, `sum(q)` as
    /// `ln det Q`, the Frobenius norm of `Q` directly, no max shift, and the Wishart constant
    /// from the Lanczos `ln Gamma`.
    fn naive_objective(p: &GmmInput) -> f64 {
        let (d, sz) = (p.d, icf_size(p.d));
        let qs: Vec<DMatrix<f64>> = (0..p.k)
            .map(|c| {
                let comp = &p.icf[c * sz..(c + 1) * sz];
                let mut q = DMatrix::zeros(d, d);
                let mut idx = d;
                for col in 0..d {
                    q[(col, col)] = comp[col].exp();
                    for row in col + 1..d {
                        q[(row, col)] = comp[idx];
                        idx += 1;
                    }
                }
                q
            })
            .collect();
        let mut err = 0.0;
        for i in 0..p.n {
            let xi = DVector::from_column_slice(&p.x[i * d..(i + 1) * d]);
            let mut s = 0.0;
            for (c, q) in qs.iter().enumerate() {
                let mu = DVector::from_column_slice(&p.means[c * d..(c + 1) * d]);
                let maha = (q * (&xi - mu)).norm_squared();
                s += (p.alphas[c] + q.determinant().ln() - 0.5 * maha).exp();
            }
            err += s.ln();
        }
        let wsum: f64 = p.alphas.iter().map(|a| a.exp()).sum();
        err -= p.n as f64 * wsum.ln();
        err -= (p.n * d) as f64 * 0.5 * (2.0 * std::f64::consts::PI).ln();

        let (g, m) = (p.wishart.gamma, f64::from(p.wishart.m));
        let nu = d as f64 + m + 1.0;
        let mut log_gamma_p = 0.25 * (d * (d - 1)) as f64 * std::f64::consts::PI.ln();
        for j in 1..=d {
            log_gamma_p += ln_gamma_lanczos(0.5 * nu + 0.5 * (1.0 - j as f64));
        }
        let c_const = nu * d as f64 * (g.ln() - 0.5 * 2f64.ln()) - log_gamma_p;
        for q in &qs {
            err += 0.5 * g * g * q.norm_squared() - m * q.determinant().ln() - c_const;
        }
        err
    }

    #[test]
    fn gmm_objective_matches_explicit_matrices() {
        for (d, k, n, seed) in [(2, 2, 3, 1), (3, 2, 4, 2), (4, 3, 5, 3)] {
            let mut p = generate_input(d, k, n, seed);
            p.wishart = Wishart { gamma: 0.7, m: 3 };
            let got = objective(&p, &p.alphas, &p.means, &p.icf);
            let want = naive_objective(&p);
            assert!(close(got, want, 1e-12), "d={d}: {got} vs {want}");
        }
    }

    #[test]
    fn gmm_objective_one_dimensional_closed_form() {
        // d = k = n = 1, gamma = 1, m = 0: the Wishart constant is -ln 2 and
        // err = -ln(2 pi)/2 + q - exp(2q)(x - mu)^2/2 + exp(2q)/2 + ln 2.
        let (alpha, mu, q, x) = (0.3, 0.25, -0.4, 1.5);
        let w = Wishart { gamma: 1.0, m: 0 };
        let got = gmm_objective(1, 1, 1, &[alpha], &[mu], &[q], &[x], w);
        let e2q = (2.0 * q).exp();
        let want = -0.5 * (2.0 * std::f64::consts::PI).ln() + q - 0.5 * e2q * (x - mu).powi(2)
            + 0.5 * e2q
            + std::f64::consts::LN_2;
        assert!(close(got, want, 1e-14), "{got} vs {want}");
    }

    #[test]
    fn gmm_objective_survives_large_main_terms() {
        // Shifting every alpha by c leaves the objective unchanged; without the max shift in
        // logsumexp, exp(1000) overflows and the result is not finite.
        let p = generate_input(3, 4, 6, 5);
        let shifted: Vec<f64> = p.alphas.iter().map(|a| a + 1000.0).collect();
        let base = objective(&p, &p.alphas, &p.means, &p.icf);
        let big = objective(&p, &shifted, &p.means, &p.icf);
        assert!(big.is_finite() && close(big, base, 1e-9), "{big} vs {base}");
        let (e_tape, ..) = gmm_objective_tape(
            &mut Tape::new(),
            3,
            4,
            6,
            &shifted,
            &p.means,
            &p.icf,
            &p.x,
            p.wishart,
        );
        assert!(close(e_tape, base, 1e-9), "tape: {e_tape} vs {base}");
    }

    #[test]
    fn gmm_ln_gamma_half_integers() {
        let sqrt_pi_ln = 0.5 * std::f64::consts::PI.ln();
        assert_eq!(ln_gamma_half_integer(1.0), 0.0);
        assert_eq!(ln_gamma_half_integer(0.5), sqrt_pi_ln);
        assert!(close(ln_gamma_half_integer(5.0), 24f64.ln(), 1e-15));
        // Gamma(7/2) = 15 sqrt(pi) / 8.
        assert!(close(
            ln_gamma_half_integer(3.5),
            (15.0f64 / 8.0).ln() + sqrt_pi_ln,
            1e-15
        ));
        for x in [1.5, 2.0, 7.5, 33.0] {
            assert!(
                close(ln_gamma_half_integer(x), ln_gamma_lanczos(x), 1e-12),
                "{x}"
            );
        }
    }

    #[test]
    fn gmm_generator_is_seeded_and_shaped() {
        let a = generate_input(3, 2, 4, 9);
        let b = generate_input(3, 2, 4, 9);
        let c = generate_input(3, 2, 4, 10);
        assert_eq!(a.x, b.x);
        assert_ne!(a.x, c.x);
        assert_eq!(
            (a.alphas.len(), a.means.len(), a.icf.len(), a.x.len()),
            (2, 6, 12, 12)
        );
        assert!(a.means.iter().all(|&m| (0.0..1.0).contains(&m)));
        // Normals: over many draws, mean near 0 and variance near 1.
        let big = generate_input(1, 1, 20_000, 3);
        let mean = big.x.iter().sum::<f64>() / 20_000.0;
        let var = big.x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 20_000.0;
        assert!(
            mean.abs() < 0.05 && (var - 1.0).abs() < 0.05,
            "{mean} {var}"
        );
        assert_eq!(a.wishart, Wishart { gamma: 1.0, m: 0 });
    }
}
