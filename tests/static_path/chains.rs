//! Iterator chains and closures on the static path, against closed forms and the other
//! mode.

use autodiff::differentiable;
use num_traits::Float;
use rand::Rng;

/// n-dimensional Rosenbrock written as an iterator chain.
#[differentiable]
fn rosenbrock<T: Float + std::iter::Sum>(x: &[T]) -> T {
    let hundred = T::from(100.0).unwrap();
    x.iter()
        .zip(x[1..].iter())
        .map(|(&a, &b)| hundred * (b - a * a).powi(2) + (T::one() - a).powi(2))
        .sum()
}

fn rosenbrock_hand(x: &[f64]) -> Vec<f64> {
    let mut g = vec![0.0; x.len()];
    for i in 0..x.len() - 1 {
        let (a, b) = (x[i], x[i + 1]);
        g[i] += -400.0 * a * (b - a * a) - 2.0 * (1.0 - a);
        g[i + 1] += 200.0 * (b - a * a);
    }
    g
}

#[differentiable]
fn dot_map(x: &[f64], y: &[f64]) -> f64 {
    x.iter().zip(y.iter()).map(|(a, b)| a * b).sum::<f64>()
}

#[differentiable]
fn log_sum_exp(x: &[f64]) -> f64 {
    let m = x.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    let s: f64 = x.iter().map(|&v| (v - m).exp()).sum();
    m + s.ln()
}

#[differentiable]
fn weighted_norm(x: &[f64]) -> f64 {
    let w = |i: usize, v: f64| (i as f64 + 1.0) * v * v;
    let mut s = 0.0;
    for (i, &v) in x.iter().enumerate() {
        s += w(i, v);
    }
    s.sqrt()
}

#[differentiable]
fn squares(x: &[f64]) -> Vec<f64> {
    let sq: Vec<f64> = x.iter().map(|&v| v * v).collect();
    sq
}

#[differentiable]
fn product_of(x: &[f64; 3]) -> f64 {
    x.iter().copied().product()
}

#[test]
fn rosenbrock_chain_against_hand_written() {
    let x: Vec<f64> = (0..12).map(|i| (i as f64 * 0.37).sin()).collect();
    let (_, g) = rosenbrock_grad(&x);
    for (a, b) in g.iter().zip(rosenbrock_hand(&x)) {
        assert!((a - b).abs() < 1e-12);
    }
    let v: Vec<f64> = (0..12).map(|i| (i as f64 * 0.11).cos()).collect();
    let (_, t) = rosenbrock_jvp(&x, &v);
    let expect: f64 = g.iter().zip(&v).map(|(a, b)| a * b).sum();
    assert!((t - expect).abs() < 1e-10);
    let xf: Vec<f32> = x.iter().map(|&a| a as f32).collect();
    let (_, gf) = rosenbrock_grad(&xf);
    assert!((gf[3] as f64 - g[3]).abs() < 1e-3 * g[3].abs().max(1.0));
}

#[test]
fn zip_map_sum() {
    let (v, (gx, gy)) = dot_map_grad(&[1.0, 2.0], &[3.0, 4.0]);
    assert_eq!(v, 11.0);
    assert_eq!((gx, gy), (vec![3.0, 4.0], vec![1.0, 2.0]));
}

#[test]
fn fold_and_sum_make_a_log_sum_exp() {
    let x = [0.5, -1.0, 2.0, 0.25];
    let (v, g) = log_sum_exp_grad(&x);
    let z: f64 = x.iter().map(|v| v.exp()).sum();
    assert!((v - z.ln()).abs() < 1e-12);
    for (gi, xi) in g.iter().zip(x) {
        assert!((gi - xi.exp() / z).abs() < 1e-12, "softmax");
    }
    let (_, t) = log_sum_exp_jvp(&x, &[1.0, 1.0, 1.0, 1.0]);
    assert!((t - 1.0).abs() < 1e-12);
}

#[test]
fn closure_bound_with_let_and_called() {
    let x = [1.0, 2.0, 3.0];
    let (v, g) = weighted_norm_grad(&x);
    assert!((v - (1.0f64 + 8.0 + 27.0).sqrt()).abs() < 1e-12);
    for (i, gi) in g.iter().enumerate() {
        assert!((gi - (i as f64 + 1.0) * x[i] / v).abs() < 1e-12);
    }
}

#[test]
fn collect_into_a_vec() {
    let (v, g) = squares_vjp(&[1.0, -2.0, 3.0], vec![1.0, 1.0, 0.5]);
    assert_eq!(v, vec![1.0, 4.0, 9.0]);
    assert_eq!(g, vec![2.0, -4.0, 3.0]);
    let (_, t) = squares_jvp(&[1.0, -2.0, 3.0], &[1.0, 0.0, 1.0]);
    assert_eq!(t, vec![2.0, 0.0, 6.0]);
}

#[test]
fn product_over_an_array() {
    assert_eq!(product_of_grad(&[2.0, 3.0, 5.0]), (30.0, [15.0, 10.0, 6.0]));
}

#[differentiable]
fn tail_sum(x: &[f64]) -> f64 {
    x.iter().skip(1).take(3).map(|&v| v * v).sum()
}

#[differentiable]
fn discounted(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, &v) in x.iter().rev().enumerate() {
        s += v * 0.5f64.powi(i as i32);
    }
    s
}

#[differentiable]
fn largest(x: &[f64]) -> f64 {
    x.iter()
        .map(|&v| v * v)
        .max_by(|a, b| a.partial_cmp(b).unwrap())
        .unwrap()
}

#[differentiable]
fn smallest(x: &[f64]) -> f64 {
    x.iter()
        .copied()
        .min_by(|a, b| a.partial_cmp(b).unwrap())
        .unwrap()
}

#[differentiable]
fn squared_array(x: &[f64; 3]) -> [f64; 3] {
    x.map(|v| v * v)
}

#[test]
fn skip_take_and_rev() {
    let x = vec![1.0, 2.0, 3.0, 4.0, 5.0];
    let (v, g) = tail_sum_grad(&x);
    assert_eq!(v, 4.0 + 9.0 + 16.0);
    assert_eq!(g, vec![0.0, 4.0, 6.0, 8.0, 0.0]);
    let (v, g) = discounted_grad(&x);
    assert_eq!(v, 5.0 + 4.0 * 0.5 + 3.0 * 0.25 + 2.0 * 0.125 + 0.0625);
    assert_eq!(g, vec![0.0625, 0.125, 0.25, 0.5, 1.0]);
}

#[test]
fn max_by_and_min_by() {
    let x = vec![1.0, -3.0, 2.0];
    let (v, g) = largest_grad(&x);
    assert_eq!(v, 9.0);
    assert_eq!(g, vec![0.0, -6.0, 0.0]);
    assert_eq!(largest_jvp(&x, &[1.0, 1.0, 1.0]).1, -6.0);
    let (v, g) = smallest_grad(&x);
    assert_eq!(v, -3.0);
    assert_eq!(g, vec![0.0, 1.0, 0.0]);
}

#[test]
fn array_map_output() {
    let (v, g) = squared_array_vjp(&[1.0, 2.0, 3.0], [1.0, 0.0, 2.0]);
    assert_eq!(v, [1.0, 4.0, 9.0]);
    assert_eq!(g, [2.0, 0.0, 12.0]);
    assert_eq!(
        squared_array_jvp(&[1.0, 2.0, 3.0], &[0.0, 1.0, 0.0]).1,
        [0.0, 4.0, 0.0]
    );
}

/// Total variation, over windows of two.
#[differentiable]
fn total_variation(x: &[f64]) -> f64 {
    x.windows(2).map(|w| (w[1] - w[0]).abs()).sum()
}

#[test]
fn windows_of_two() {
    let x = vec![1.0, 3.0, 2.0, 5.0];
    let (v, g) = total_variation_grad(&x);
    assert_eq!(v, 2.0 + 1.0 + 3.0);
    assert_eq!(g, vec![-1.0, 2.0, -2.0, 1.0]);
    assert_eq!(total_variation_jvp(&x, &[0.0, 1.0, 0.0, 0.0]).1, 2.0);
}

/// A `move` closure reads the value it captured, not what the name holds at the call.
#[differentiable]
fn captured(x: f64) -> f64 {
    let mut y = x * x;
    let f = move |t: f64| t * y;
    y = y.sin();
    f(x) + y
}

#[test]
fn closure_reads_what_it_captured() {
    let x = 0.8;
    let (v, g) = captured_grad(x);
    assert!((v - (x * x * x + (x * x).sin())).abs() < 1e-12);
    assert!((g - (3.0 * x * x + (x * x).cos() * 2.0 * x)).abs() < 1e-12);
    assert!((captured_jvp(x, 1.0).1 - g).abs() < 1e-12);
}

/// A closure's parameter hides the active variable of its name: the body reads the argument.
#[differentiable]
fn parameter_hides(x: f64, y: f64) -> f64 {
    let f = |x: f64| x * 2.0 + y;
    f(y * y) + x.sin()
}

#[test]
fn closure_parameter_hides_a_variable() {
    let (x, y) = (0.7, -1.3);
    let (v, (gx, gy)) = parameter_hides_grad(x, y);
    assert!((v - (2.0 * y * y + y + x.sin())).abs() < 1e-12);
    assert!((gx - x.cos()).abs() < 1e-12, "{gx}");
    assert!((gy - (4.0 * y + 1.0)).abs() < 1e-12, "{gy}");
    assert!((parameter_hides_jvp(x, y, 0.5, 2.0).1 - (0.5 * gx + 2.0 * gy)).abs() < 1e-12);
}

#[differentiable]
fn line(p: &[f64; 2], t: f64) -> f64 {
    p[0] * t + p[1]
}

/// A chain over inactive data whose closure calls a differentiable function of the active
/// parameters.
#[differentiable(wrt(p))]
fn fit_loss(p: &[f64; 2], ts: &[f64], ys: &[f64]) -> f64 {
    ts.iter()
        .zip(ys.iter())
        .map(|(&t, &y)| {
            let r = line(p, t) - y;
            r * r
        })
        .sum::<f64>()
}

#[test]
fn chain_over_inactive_data() {
    let (ts, ys) = (vec![0.0, 1.0, 2.0], vec![1.0, 2.5, 5.5]);
    let p = [2.0, 0.5];
    let (v, g) = fit_loss_grad(&p, &ts, &ys);
    // Residuals r_i = 2 t + 0.5 - y: -0.5, 0.0, -1.0; d/dp = 2 sum r_i (t_i, 1).
    let r = [-0.5, 0.0, -1.0];
    assert!((v - (0.25 + 1.0)).abs() < 1e-12);
    let expected = [
        2.0 * (r[0] * ts[0] + r[1] * ts[1] + r[2] * ts[2]),
        2.0 * (r[0] + r[1] + r[2]),
    ];
    assert!((g[0] - expected[0]).abs() < 1e-12 && (g[1] - expected[1]).abs() < 1e-12);
    assert!((fit_loss_jvp(&p, &ts, &ys, &[1.0, 0.0]).1 - expected[0]).abs() < 1e-12);
}

/// A product of items that are sums: each item is multiplied in whole.
#[differentiable]
fn shifted_product(x: &[f64]) -> f64 {
    x.iter().map(|&v| v + 1.0).product()
}

#[test]
fn product_takes_each_item_whole() {
    let mut r = super::oracle::rng(31);
    for n in 1..7 {
        let x: Vec<f64> = (0..n)
            .map(|_| super::oracle::uniform(&mut r, 0.2, 2.0))
            .collect();
        let (value, g) = shifted_product_grad(&x);
        assert_eq!(value, shifted_product(&x));
        let p: f64 = x.iter().map(|v| v + 1.0).product();
        for (i, gi) in g.iter().enumerate() {
            super::oracle::assert_close("∂/∂x_i", *gi, p / (x[i] + 1.0), 1e-12, 1e-12);
        }
    }
}

/// A loop that only sums, followed by code that reads the sum and another active value:
/// the loop's backward steps run in the forward sweep with a unit seed and are scaled by the
/// sum's real adjoint, which here depends on the branch taken and on the seed.
#[differentiable]
fn weighted_energy(x: &[f64], k: f64) -> f64 {
    let mut e = 0.0;
    for i in 0..x.len() {
        e += x[i] * x[i] * (i as f64 + 1.0) - x[i];
    }
    if e > 1.0 {
        (k * e).ln()
    } else {
        k * e * e
    }
}

#[test]
fn summing_loop_against_finite_differences_and_forward_mode() {
    let mut r = super::oracle::rng(32);
    for _ in 0..40 {
        let n = r.gen_range(1..6);
        let x: Vec<f64> = (0..n)
            .map(|_| super::oracle::uniform(&mut r, -1.5, 1.5))
            .collect();
        let k = super::oracle::uniform(&mut r, 0.5, 2.0);
        let seed = super::oracle::uniform(&mut r, -2.0, 2.0);
        let (value, (gx, gk)) = weighted_energy_vjp(&x, k, seed);
        assert_eq!(value, weighted_energy(&x, k));
        let h = 1e-6;
        for i in 0..n {
            let (mut up, mut down) = (x.clone(), x.clone());
            up[i] += h;
            down[i] -= h;
            let fd = (weighted_energy(&up, k) - weighted_energy(&down, k)) / (2.0 * h);
            super::oracle::assert_close("x̄", gx[i], seed * fd, 1e-5, 1e-6);
        }
        let fd = super::oracle::fd1(|k| weighted_energy(&x, k), k);
        super::oracle::assert_close("k̄", gk, seed * fd, 1e-5, 1e-6);
        // Forward mode along a direction gives the same directional derivative.
        let dir: Vec<f64> = (0..n).map(|i| (i as f64 * 0.9 + 0.3).sin()).collect();
        let (_, t) = weighted_energy_jvp(&x, k, &dir, 0.7);
        let want: f64 = gx.iter().zip(&dir).map(|(g, d)| g * d).sum::<f64>() + gk * 0.7;
        super::oracle::assert_close("tangent", t * seed, want, 1e-10, 1e-10);
    }
}

/// Chains whose `map` and `fold` take functions by path, and a `fold` whose item is a
/// zipped pair.
#[differentiable]
fn by_path(x: &[f64]) -> f64 {
    let mx = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mn = x.iter().copied().fold(f64::INFINITY, f64::min);
    let e: f64 = x.iter().copied().map(f64::exp).sum();
    let pairs = x
        .iter()
        .zip(x[1..].iter())
        .fold(0.0, |acc, (p, q)| acc + p * q);
    mx * mn + e.ln() + pairs
}
case!(case_by_path, by_path, by_path_grad, by_path_jvp, 4);

#[differentiable]
fn by_path_generic<T: Float>(x: &[T]) -> T {
    x.iter().copied().map(T::sin).fold(T::zero(), T::max)
}
case!(
    case_by_path_generic,
    by_path_generic,
    by_path_generic_grad,
    by_path_generic_jvp,
    3
);

/// A `fold` whose accumulator has the name of the item of the `map` before it.
#[differentiable]
fn fold_reuses_a_name(x: &[f64]) -> f64 {
    x.iter()
        .map(|v| v.sin())
        .fold(10.0, |v, w| v * 0.5 + w * 2.0)
}
case!(
    case_fold_reuses_a_name,
    fold_reuses_a_name,
    fold_reuses_a_name_grad,
    fold_reuses_a_name_jvp,
    4
);

/// A product typed by its turbofish, used in a larger expression.
#[differentiable]
fn typed_products(x: &[f64]) -> f64 {
    x.iter().product::<f64>() * x[0] + x[1] * x.iter().map(|v| v.sin()).product::<f64>()
}
case!(
    case_typed_products,
    typed_products,
    typed_products_grad,
    typed_products_jvp,
    3
);

/// A chain by path collected into a buffer; an array written out, destructured.
#[differentiable]
fn collected_by_path(x: &[f64]) -> f64 {
    let v: Vec<f64> = x.iter().copied().map(f64::sqrt).collect();
    let [a, b] = [x[0] * 2.0, x[1]];
    v[0] * v[1] + a * b
}
#[test]
fn collected_by_path_against_finite_differences() {
    // Square roots: at points away from zero.
    for seed in 0..4 {
        let x: Vec<f64> = super::cases::random(seed, 2)
            .iter()
            .map(|v| v.abs() + 0.5)
            .collect();
        let (v, g) = collected_by_path_grad(&x);
        assert_eq!(v, collected_by_path(&x));
        let fd = super::oracle::fd_slice(collected_by_path, &x);
        super::oracle::assert_all_close("collected_by_path", &g, &fd, 1e-6, 1e-7);
        let (_, t) = collected_by_path_jvp(&x, &[0.3, -0.7]);
        super::oracle::assert_close("jvp", t, 0.3 * g[0] - 0.7 * g[1], 1e-12, 1e-12);
    }
}

/// A differentiable method named like a collection's (`insert`) on `self`.
pub struct Bag {
    k: f64,
}

#[differentiable]
impl Bag {
    #[differentiable]
    fn insert(&self, v: f64) -> f64 {
        v * self.k
    }

    #[differentiable]
    fn total(&self, x: f64) -> f64 {
        self.insert(x) * x
    }
}

#[test]
fn a_method_named_insert_is_a_method() {
    let bag = Bag { k: 2.0 };
    for x in [3.0, -0.5] {
        let (v, g) = bag.total_grad(x);
        assert_eq!(v, 2.0 * x * x);
        assert_eq!(g, 4.0 * x);
    }
}

/// Closures without parameter types, called on active values only, on constants too, and
/// from another closure.
#[differentiable]
fn untyped_closures<T: Float>(x: &[T], y: T) -> T {
    let sq = |v| v * v;
    let f = |a, b| a * b + y;
    let g = |t| f(t, t);
    let mut s = T::zero();
    for &a in x {
        s = s + sq(a) + sq(T::one());
    }
    s * g(y) + f(y, s)
}

#[test]
fn closures_without_parameter_types() {
    let x = [0.5, -1.5, 2.0];
    for y in [0.3, -1.2] {
        let (v, (gx, gy)) = untyped_closures_grad(&x, y);
        let s: f64 = x.iter().map(|a| a * a + 1.0).sum();
        let g = y * y + y;
        assert!((v - (s * g + y * s + y)).abs() < 1e-12);
        for (gi, a) in gx.iter().zip(x) {
            assert!((gi - 2.0 * a * (g + y)).abs() < 1e-12);
        }
        assert!((gy - (s * (2.0 * y + 1.0) + s + 1.0)).abs() < 1e-12);
    }
}

/// Folds with a tuple of accumulators, destructured: a weighted sum and a sum of squares in
/// one pass, and the range.
#[differentiable(wrt(x))]
fn one_pass_statistics(x: &[f64], w: &[f64]) -> f64 {
    let (s1, s2) = x
        .iter()
        .zip(w)
        .fold((0.0, 0.0), |(s1, s2), (a, c)| (s1 + a * c, s2 + a * a));
    let n = x.len() as f64;
    let (lo, hi) = x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    s1 / n + (s2 / n).sqrt() + hi - lo
}

#[test]
fn folds_with_a_tuple_of_accumulators() {
    let w = super::oracle::random_vec(30, 6, -1.0, 1.0);
    for seed in 0..3 {
        let x = super::oracle::random_vec(31 + seed, 6, -2.0, 2.0);
        let (v, g) = one_pass_statistics_grad(&x, &w);
        assert!((v - one_pass_statistics(&x, &w)).abs() < 1e-12);
        let expect = super::oracle::fd_slice(|p| one_pass_statistics(p, &w), &x);
        for (a, b) in g.iter().zip(&expect) {
            assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} vs {b}");
        }
        let dir = super::oracle::random_vec(40 + seed, 6, -1.0, 1.0);
        let (_, t) = one_pass_statistics_jvp(&x, &w, &dir);
        let dot: f64 = g.iter().zip(&dir).map(|(a, b)| a * b).sum();
        assert!((t - dot).abs() < 1e-10 * dot.abs().max(1.0));
    }
}

/// A parameter's name bound again while its first value is still read, by a `let` and by a
/// closure's parameters; a closure called with its own parameters' names swapped; a closure
/// reading a variable that a later `let` hides.
#[differentiable]
fn parameter_names_bound_again(x: f64, y: f64) -> f64 {
    let t = x;
    let x = y * 1.0;
    let x = x + y;
    let g = |x, y| x - 2.0 * y;
    let h = |v| v * y;
    let y = y * 10.0;
    t * x + g(y, t) + h(t) + y
}

/// A scalar parameter taken by reference.
#[differentiable]
fn scalar_by_reference(x: &f64, y: f64) -> f64 {
    x * y + x.sin()
}

#[test]
fn parameter_names_bound_again_keep_the_parameters_values() {
    for [x, y] in [[2.0, 5.0], [-0.7, 0.3]] {
        let (v, (gx, gy)) = parameter_names_bound_again_grad(x, y);
        // t * 2y + (10y - 2t) + t y + 10y with t = x.
        let value = x * 2.0 * y + (10.0 * y - 2.0 * x) + x * y + 10.0 * y;
        assert!((v - value).abs() < 1e-12, "{v} vs {value}");
        assert!((gx - (3.0 * y - 2.0)).abs() < 1e-12 && (gy - (3.0 * x + 20.0)).abs() < 1e-12);
        let (_, t) = parameter_names_bound_again_jvp(x, y, 1.0, -1.0);
        assert!((t - (gx - gy)).abs() < 1e-12);
        let (_, (rx, ry)) = scalar_by_reference_grad(&x, y);
        assert!((rx - (y + x.cos())).abs() < 1e-12 && (ry - x).abs() < 1e-12);
    }
}

/// Collected `Vec`s whose elements' type only the annotation or the turbofish gives.
#[differentiable]
fn collected_then_indexed(x: &[f64]) -> f64 {
    let v: Vec<f64> = x.iter().step_by(2).map(|a| a * a).collect();
    let w = x.iter().map(|a| a.sin()).collect::<Vec<f64>>();
    v[0] * v[1] + x[0] + w[1]
}

#[test]
fn collected_vecs_typed_by_their_annotation() {
    let x = [0.5, 2.0, 3.0];
    let (v, g) = collected_then_indexed_grad(&x);
    assert!((v - (0.25 * 9.0 + 0.5 + 2.0_f64.sin())).abs() < 1e-12);
    let expect = [2.0 * 0.5 * 9.0 + 1.0, 2.0_f64.cos(), 0.25 * 6.0];
    for (a, b) in g.iter().zip(expect) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
}

/// A closure called by a second name (`let g = f;`), typed and untyped.
#[differentiable]
fn closure_aliases(x: &[f64]) -> f64 {
    let sq = |v| v * v;
    let square = sq;
    let scale = |v: f64| v * x[2];
    let by_third = scale;
    square(x[0]) + sq(x[1]) + by_third(x[0])
}

#[test]
fn closures_called_by_another_name() {
    let x = [0.5, 2.0, 3.0];
    let (v, g) = closure_aliases_grad(&x);
    assert!((v - (0.25 + 4.0 + 1.5)).abs() < 1e-12);
    let expect = [2.0 * 0.5 + 3.0, 4.0, 0.5];
    for (a, b) in g.iter().zip(expect) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
    let (_, t) = closure_aliases_jvp(&x, &[1.0, -1.0, 2.0]);
    assert!((t - (expect[0] - expect[1] + 2.0 * expect[2])).abs() < 1e-12);
}

/// A closure whose parameter has the name of an active local buffer: inside the closure the
/// name is the parameter, outside it the buffer.
#[differentiable]
fn closure_parameter_named_like_a_buffer(x: &[f64]) -> f64 {
    let mut y = x.to_vec();
    let f = |y| y * 2.0 + 1.0;
    y[0] = f(y[1]);
    y[1] = f(y[0]) * 0.5;
    y[0] * y[1]
}

#[test]
fn a_closure_parameter_hides_a_buffer_of_its_name() {
    let x = [0.5, 2.0];
    let (v, g) = closure_parameter_named_like_a_buffer_grad(&x);
    // a = 2 x1 + 1, then a (a + 0.5) = 4 x1^2 + 5 x1 + 1.5.
    assert!((v - (16.0 + 10.0 + 1.5)).abs() < 1e-12);
    assert!(g[0].abs() < 1e-12 && (g[1] - (8.0 * 2.0 + 5.0)).abs() < 1e-12);
}

/// Closures whose parameters take the items by reference, as `iter()` yields them: typed
/// `&f64`, with a `&v` pattern, inline, bound with `let` and passed to `map` by name, and
/// called directly on a reference.
#[differentiable]
fn closures_taking_references(x: &[f64]) -> f64 {
    let twice = |v: &f64| v * 2.0;
    let square = |&v: &f64| v * v;
    let a = x.iter().map(|v: &f64| v * 2.0 + *v).sum::<f64>();
    let b = x.iter().map(twice).sum::<f64>() + x.iter().map(square).sum::<f64>();
    let c = x.iter().fold(0.0, |acc: f64, v: &f64| acc + v * v * v);
    a * b + c + square(&x[1]) * twice(&x[0])
}

case!(
    closures_taking_items_by_reference,
    closures_taking_references,
    closures_taking_references_grad,
    closures_taking_references_jvp,
    3
);

/// Items read through references: the extremum of `iter()` and the first and last items,
/// dereferenced.
#[differentiable]
fn items_dereferenced(x: &[f64]) -> f64 {
    let m = *x.iter().max_by(|a, b| a.partial_cmp(b).unwrap()).unwrap();
    let n = *x
        .iter()
        .skip(1)
        .min_by(|a, b| a.partial_cmp(b).unwrap())
        .unwrap();
    let a = *x.first().unwrap();
    let z = *x.last().unwrap();
    m * 2.0 + n * 3.0 + a * z
}

#[test]
fn items_read_through_references() {
    let x = [0.5, 3.0, -1.0, 2.0];
    let (v, g) = items_dereferenced_grad(&x);
    assert_eq!(v, items_dereferenced(&x));
    assert_eq!(g, [2.0, 2.0, 3.0, 0.5]);
    let (_, t) = items_dereferenced_jvp(&x, &[1.0, -1.0, 0.5, 2.0]);
    assert_eq!(t, 2.0 - 2.0 + 1.5 + 1.0);
}

/// The first and last items read by value, `copied` and `cloned`.
#[differentiable]
fn items_by_value(x: &[f64]) -> f64 {
    let a = x.first().copied().unwrap();
    let z = x.last().cloned().unwrap();
    a * z + x.first().cloned().unwrap() * x.last().copied().unwrap().sin()
}

#[test]
fn first_and_last_items_by_value() {
    let x = [0.5, 3.0, -1.0, 2.0];
    let (v, g) = items_by_value_grad(&x);
    assert_eq!(v, items_by_value(&x));
    assert_eq!(g, [2.0 + 2.0f64.sin(), 0.0, 0.0, 0.5 + 0.5 * 2.0f64.cos()]);
    // On an empty slice the derivatives panic as the function does.
    let message = |f: &dyn Fn()| {
        let e = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_err();
        e.downcast_ref::<&str>()
            .map(|m| m.to_string())
            .unwrap_or_default()
    };
    let plain = message(&|| {
        items_by_value(&[]);
    });
    assert!(
        plain.contains("`Option::unwrap()` on a `None` value"),
        "{plain}"
    );
    assert_eq!(message(&|| drop(items_by_value_grad(&[]))), plain);
    assert_eq!(
        message(&|| {
            items_by_value_jvp(&[], &[]);
        }),
        plain
    );
}

/// Positions, counts and tests over active items: integers and `bool`s, constants.
#[differentiable]
fn counted_and_found(x: &[f64], thr: f64) -> f64 {
    let n = x.len();
    let k = x.iter().position(|&v| v > thr).unwrap_or(n);
    let c = x.iter().filter(|&&v| v > 0.0).count();
    let any_negative = x.iter().any(|&v| v < 0.0);
    let mut s = 0.0;
    for i in 0..k {
        s += x[i] * x[i] * thr;
    }
    if any_negative && !x[0].is_nan() {
        s += c as f64 * x[0];
    }
    s
}

#[test]
fn positions_counts_and_tests_are_constants() {
    for (x, thr) in [([0.5, -1.0, 3.0, 2.0], 2.5), ([0.5, 1.0, 3.0, 2.0], 10.0)] {
        let (v, (g, gt)) = counted_and_found_grad(&x, thr);
        assert_eq!(v, counted_and_found(&x, thr));
        let f = |p: &[f64]| counted_and_found(&p[..4], p[4]);
        let mut p = x.to_vec();
        p.push(thr);
        let fd = super::oracle::fd_slice(f, &p);
        let mut all = g.clone();
        all.push(gt);
        super::oracle::assert_all_close("counted_and_found", &all, &fd, 1e-6, 1e-8);
    }
}

/// `Vec`s collected from chains over constant data, whose closures read active values: a
/// range of indices and constant items.
#[differentiable]
fn collected_over_constants(x: &[f64], w: f64) -> f64 {
    let n = x.len();
    let v = (0..n).map(|i| x[i] * w).collect::<Vec<f64>>();
    let ys = [1.0, 2.0, 3.0];
    let u: Vec<f64> = ys.iter().map(|y| y * w).collect();
    v[1] * v[0] + u[2] * x[0]
}

/// The same called in a loop (its split form).
#[differentiable]
fn collects_in_a_loop(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        s += collected_over_constants(x, w + k as f64) * x[1];
    }
    s
}

#[test]
fn vecs_collected_from_ranges_and_constant_items() {
    for (x, w) in [([0.5, 2.0], 1.5), ([-1.0, 0.25], -0.5)] {
        let (v, (g, gw)) = collected_over_constants_grad(&x, w);
        assert_eq!(v, collected_over_constants(&x, w));
        // w^2 x0 x1 + 3 w x0.
        let want = [w * w * x[1] + 3.0 * w, w * w * x[0]];
        assert!((g[0] - want[0]).abs() < 1e-12 && (g[1] - want[1]).abs() < 1e-12);
        assert!((gw - (2.0 * w * x[0] * x[1] + 3.0 * x[0])).abs() < 1e-12);
        let (v, (g, gw)) = collects_in_a_loop_grad(&x, w);
        assert_eq!(v, collects_in_a_loop(&x, w));
        let f = |p: &[f64]| collects_in_a_loop(&p[..2], p[2]);
        let fd = super::oracle::fd_slice(f, &[x[0], x[1], w]);
        super::oracle::assert_all_close("collects_in_a_loop", &[g[0], g[1], gw], &fd, 1e-6, 1e-8);
    }
}

/// A collected chain whose map the backward sweep steps through record by record: the
/// buffer's slot counter changes, so it is kept, not computed again after the loop.
#[differentiable]
fn collected_recorded(x: &[f64]) -> f64 {
    let d: Vec<f64> = x.iter().map(|v| 2.0 * v.sin()).collect();
    d[0] * d[2] + d[1]
}
case!(
    case_collected_recorded,
    collected_recorded,
    collected_recorded_grad,
    collected_recorded_jvp,
    3
);

/// The argmax and argmin idioms: the position an `enumerate()` chain picks is an integer,
/// computed as written; the gradient flows through the elements it indexes.
#[differentiable]
fn picked_positions(x: &[f64]) -> f64 {
    let k = x
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.partial_cmp(b.1).unwrap())
        .map(|(i, _)| i)
        .unwrap();
    let j = x
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .unwrap()
        .0;
    let m = x
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|p| p.0)
        .unwrap_or(0);
    x[k] * x[j].sin() + x[m] * x[0]
}
case!(
    case_picked_positions,
    picked_positions,
    picked_positions_grad,
    picked_positions_jvp,
    5
);

#[test]
fn picked_positions_closed_form() {
    let x = [0.5, 1.5, -0.3, 0.2];
    let (v, g) = picked_positions_grad(&x);
    // k = m = 1 (1.5), j = 2 (-0.3).
    assert_eq!(v, 1.5 * (-0.3f64).sin() + 1.5 * 0.5);
    let want = [1.5, (-0.3f64).sin() + 0.5, 1.5 * (-0.3f64).cos(), 0.0];
    super::oracle::assert_all_close("picked", &g, &want, 1e-15, 1e-15);
}

/// `reduce` by path and by closure, unwrapped or expected: the first item starts the
/// accumulator.
#[differentiable]
fn reduced_chains(x: &[f64]) -> f64 {
    let m = x.iter().copied().reduce(f64::max).unwrap();
    let p = x.iter().map(|v| v.sin()).reduce(|a, b| a * b).unwrap();
    let q = x[1..]
        .iter()
        .cloned()
        .reduce(|acc, v| acc * 0.5 + v)
        .expect("two items at least");
    m * x[1] + p + q
}
case!(
    case_reduced_chains,
    reduced_chains,
    reduced_chains_grad,
    reduced_chains_jvp,
    4
);

#[differentiable]
fn reduced_min<T: Float>(x: &[T]) -> T {
    x.iter().copied().reduce(|a, b| a.min(b)).unwrap() * x[0]
}
case!(
    case_reduced_min,
    reduced_min,
    reduced_min_grad,
    reduced_min_jvp,
    3
);

#[test]
#[should_panic(expected = "two items at least")]
fn reduce_of_nothing_panics_as_written() {
    let _ = reduced_chains_grad(&[0.5]);
}

/// Collected `Vec`s whose element type is left to inference (`Vec<_>`): the function's float.
#[differentiable]
fn collected_inferred(x: &[f64]) -> f64 {
    let e = x.iter().map(|v| v.exp()).collect::<Vec<_>>();
    let d: Vec<_> = x.iter().map(|v| v * 2.0).collect();
    e[0] * d[1] + e[2]
}
case!(
    case_collected_inferred,
    collected_inferred,
    collected_inferred_grad,
    collected_inferred_jvp,
    3
);
