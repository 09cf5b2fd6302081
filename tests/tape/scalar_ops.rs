//! Every scalar operation against central finite differences at random points, in `f64`, and
//! the `f32` tape against the `f64` one; values against the plain float functions.

use super::common::{check_f32, check_fd, close, rng, uniform, value, TapeFn, TapeFn32, POINTS};
use autodiff::tape::Tape;

/// `op!(name, [(lo, hi), ...], |v| tape expression, |p| plain f64 expression)`.
macro_rules! op {
    ($name:ident, [$(($lo:expr, $hi:expr)),+ $(,)?], |$v:ident| $body:expr, |$p:ident| $plain:expr) => {
        #[test]
        fn $name() {
            let f: TapeFn = |$v| $body;
            let f32f: TapeFn32 = |$v| $body;
            let dom = [$(($lo as f64, $hi as f64)),+];
            let seed = u64::from(line!());
            check_fd(f, &dom, seed, 1e-6).unwrap();
            check_f32(f, f32f, &dom, seed + 1).unwrap();
            let plain = |$p: &[f64]| -> f64 { $plain };
            let mut r = rng(seed + 2);
            for _ in 0..POINTS {
                let x: Vec<f64> = dom.iter().map(|&(lo, hi)| uniform(&mut r, lo, hi)).collect();
                let (a, b) = (value(f, &x), plain(&x));
                assert!(close(a, b, 1e-14), "value at {x:?}: tape {a} vs plain {b}");
            }
        }
    };
}

op!(add, [(-3, 3), (-3, 3)], |v| v[0] + v[1], |p| p[0] + p[1]);
op!(sub, [(-3, 3), (-3, 3)], |v| v[0] - v[1], |p| p[0] - p[1]);
op!(mul, [(-3, 3), (-3, 3)], |v| v[0] * v[1], |p| p[0] * p[1]);
op!(div, [(-3, 3), (0.5, 3)], |v| v[0] / v[1], |p| p[0] / p[1]);
op!(div_negative, [(-3, 3), (-3, -0.5)], |v| v[0] / v[1], |p| p
    [0]
    / p[1]);
op!(neg, [(-3, 3)], |v| -v[0], |p| -p[0]);
op!(
    same_var_twice,
    [(-3, 3)],
    |v| v[0] * v[0] - v[0] / (v[0] * v[0] + 1.0),
    |p| p[0] * p[0] - p[0] / (p[0] * p[0] + 1.0)
);
op!(add_const, [(-3, 3)], |v| v[0] + 2.5, |p| p[0] + 2.5);
op!(const_add, [(-3, 3)], |v| 2.5 + v[0], |p| 2.5 + p[0]);
op!(sub_const, [(-3, 3)], |v| v[0] - 1.5, |p| p[0] - 1.5);
op!(const_sub, [(-3, 3)], |v| 1.5 - v[0], |p| 1.5 - p[0]);
op!(mul_const, [(-3, 3)], |v| v[0] * 3.0, |p| p[0] * 3.0);
op!(const_mul, [(-3, 3)], |v| 3.0 * v[0], |p| 3.0 * p[0]);
op!(div_const, [(-3, 3)], |v| v[0] / 3.0, |p| p[0] / 3.0);
op!(const_div, [(0.5, 3)], |v| 3.0 / v[0], |p| 3.0 / p[0]);
op!(
    assign_ops,
    [(-2, 2), (0.5, 2)],
    |v| {
        let mut a = v[0];
        a += v[1];
        a *= v[0];
        a -= v[1];
        a /= v[1];
        a += 1.0;
        a *= 2.0;
        a -= 0.5;
        a /= 3.0;
        a
    },
    |p| ((((p[0] + p[1]) * p[0] - p[1]) / p[1] + 1.0) * 2.0 - 0.5) / 3.0
);
op!(sin, [(-4, 4)], |v| v[0].sin(), |p| p[0].sin());
op!(cos, [(-4, 4)], |v| v[0].cos(), |p| p[0].cos());
op!(tan, [(-1.2, 1.2)], |v| v[0].tan(), |p| p[0].tan());
op!(asin, [(-0.9, 0.9)], |v| v[0].asin(), |p| p[0].asin());
op!(acos, [(-0.9, 0.9)], |v| v[0].acos(), |p| p[0].acos());
op!(atan, [(-4, 4)], |v| v[0].atan(), |p| p[0].atan());
op!(atan2, [(-2, 2), (0.3, 2)], |v| v[0].atan2(v[1]), |p| p[0]
    .atan2(p[1]));
op!(
    atan2_left_half,
    [(0.3, 2), (-2, 2)],
    |v| v[0].atan2(v[1]),
    |p| p[0].atan2(p[1])
);
op!(
    atan2_const,
    [(-2, 2)],
    |v| v[0].atan2(1.5) + v[0].constant(0.5).atan2(v[0] + 3.0).exp(),
    |p| p[0].atan2(1.5) + 0.5f64.atan2(p[0] + 3.0).exp()
);
op!(sinh, [(-2, 2)], |v| v[0].sinh(), |p| p[0].sinh());
op!(cosh, [(-2, 2)], |v| v[0].cosh(), |p| p[0].cosh());
op!(tanh, [(-2, 2)], |v| v[0].tanh(), |p| p[0].tanh());
op!(asinh, [(-3, 3)], |v| v[0].asinh(), |p| p[0].asinh());
op!(acosh, [(1.1, 4)], |v| v[0].acosh(), |p| p[0].acosh());
op!(atanh, [(-0.9, 0.9)], |v| v[0].atanh(), |p| p[0].atanh());
op!(exp, [(-2, 2)], |v| v[0].exp(), |p| p[0].exp());
op!(exp2, [(-2, 2)], |v| v[0].exp2(), |p| p[0].exp2());
op!(exp_m1, [(-2, 2)], |v| v[0].exp_m1(), |p| p[0].exp_m1());
op!(ln, [(0.1, 5)], |v| v[0].ln(), |p| p[0].ln());
op!(
    log_var_base,
    [(0.5, 5), (1.5, 4)],
    |v| v[0].log(v[1]),
    |p| p[0].log(p[1])
);
op!(log_const_base, [(0.5, 5)], |v| v[0].log(3.0), |p| p[0]
    .log(3.0));
op!(log2, [(0.1, 5)], |v| v[0].log2(), |p| p[0].log2());
op!(log10, [(0.1, 5)], |v| v[0].log10(), |p| p[0].log10());
op!(ln_1p, [(-0.5, 3)], |v| v[0].ln_1p(), |p| p[0].ln_1p());
op!(sqrt, [(0.1, 5)], |v| v[0].sqrt(), |p| p[0].sqrt());
op!(cbrt, [(0.1, 5)], |v| v[0].cbrt(), |p| p[0].cbrt());
op!(cbrt_negative, [(-5, -0.1)], |v| v[0].cbrt(), |p| p[0]
    .cbrt());
op!(powi_3, [(-2, 2)], |v| v[0].powi(3), |p| p[0].powi(3));
op!(powi_2, [(-2, 2)], |v| v[0].powi(2), |p| p[0].powi(2));
op!(powi_1, [(-2, 2)], |v| v[0].powi(1) * 2.0, |p| p[0].powi(1)
    * 2.0);
op!(powi_0, [(-2, 2)], |v| v[0].powi(0) + v[0], |p| p[0].powi(0)
    + p[0]);
op!(powi_negative, [(0.5, 2)], |v| v[0].powi(-2), |p| p[0]
    .powi(-2));
op!(powf_var, [(0.2, 3), (-2, 2)], |v| v[0].powf(v[1]), |p| p[0]
    .powf(p[1]));
op!(powf_const_exponent, [(0.2, 3)], |v| v[0].powf(2.5), |p| p
    [0]
.powf(2.5));
op!(
    powf_const_base,
    [(-2, 2)],
    |v| v[0].constant(1.7).powf(v[0]),
    |p| 1.7f64.powf(p[0])
);
op!(hypot, [(0.5, 3), (-3, -0.5)], |v| v[0].hypot(v[1]), |p| p
    [0]
.hypot(p[1]));
op!(hypot_const, [(0.5, 3)], |v| v[0].hypot(2.0), |p| p[0]
    .hypot(2.0));
op!(abs_positive, [(0.1, 2)], |v| v[0].abs(), |p| p[0].abs());
op!(abs_negative, [(-2, -0.1)], |v| v[0].abs(), |p| p[0].abs());
op!(signum, [(-2, 2)], |v| v[0].signum() * v[0], |p| p[0]
    .signum()
    * p[0]);
op!(min, [(-2, 2), (-2, 2)], |v| v[0].min(v[1]), |p| p[0]
    .min(p[1]));
op!(max, [(-2, 2), (-2, 2)], |v| v[0].max(v[1]), |p| p[0]
    .max(p[1]));
op!(min_const, [(-2, 2)], |v| v[0].min(0.3) * v[0], |p| p[0]
    .min(0.3)
    * p[0]);
op!(max_const, [(-2, 2)], |v| v[0].max(0.3) * v[0], |p| p[0]
    .max(0.3)
    * p[0]);
op!(clamp, [(-1, 1)], |v| v[0].clamp(-0.5, 0.5) * v[0], |p| p[0]
    .clamp(-0.5, 0.5)
    * p[0]);
op!(
    mul_add,
    [(-2, 2), (-2, 2), (-2, 2)],
    |v| v[0].mul_add(v[1], v[2]),
    |p| p[0].mul_add(p[1], p[2])
);
op!(
    mul_add_const_factor,
    [(-2, 2), (-2, 2)],
    |v| v[0].mul_add(1.5, v[1]),
    |p| p[0].mul_add(1.5, p[1])
);
op!(
    mul_add_const_addend,
    [(-2, 2), (-2, 2)],
    |v| v[0].mul_add(v[1], 0.5),
    |p| p[0].mul_add(p[1], 0.5)
);
op!(
    mul_add_var_factor_only,
    [(-2, 2), (-2, 2)],
    |v| v[0].constant(0.7).mul_add(v[0], v[1]),
    |p| 0.7f64.mul_add(p[0], p[1])
);
op!(recip, [(0.5, 2)], |v| v[0].recip(), |p| p[0].recip());
op!(
    composite,
    [(0.2, 1.5), (0.2, 1.5), (-1, 1)],
    |v| {
        let a = (v[0] * v[1]).sin().exp() + v[2].atan2(v[0]).powi(2);
        let b = (v[0].ln() - v[1].sqrt()).tanh() * v[2].cosh() / (1.0 + v[1].hypot(v[2]));
        a * b + (v[0] + v[1]).powf(v[2]).log10() - 2.0 * v[2].exp_m1()
    },
    |p| {
        let a = (p[0] * p[1]).sin().exp() + p[2].atan2(p[0]).powi(2);
        let b = (p[0].ln() - p[1].sqrt()).tanh() * p[2].cosh() / (1.0 + p[1].hypot(p[2]));
        a * b + (p[0] + p[1]).powf(p[2]).log10() - 2.0 * p[2].exp_m1()
    }
);
op!(
    control_flow,
    [(-2, 2), (-2, 2)],
    |v| {
        // Ordinary Rust control flow on values decides what is recorded.
        let mut acc = v[0];
        let mut i = 0;
        while acc.value().abs() < 10.0 && i < 6 {
            acc = if acc.value() > 0.0 {
                acc * 1.5 + v[1]
            } else {
                acc * acc * 0.5 + 0.7
            };
            i += 1;
        }
        acc
    },
    |p| {
        let mut acc = p[0];
        let mut i = 0;
        while acc.abs() < 10.0 && i < 6 {
            acc = if acc > 0.0 {
                acc * 1.5 + p[1]
            } else {
                acc * acc * 0.5 + 0.7
            };
            i += 1;
        }
        acc
    }
);

/// The comparison used above rejects a derivative that is off by 0.1 % (so those checks can
/// fail): a custom operation with a deliberately wrong backward rule.
#[test]
fn finite_difference_check_detects_a_wrong_derivative() {
    use super::common::fd;
    use autodiff::tape::CustomOp;
    struct WrongSin;
    impl CustomOp<f64> for WrongSin {
        fn value(&self, x: &[f64]) -> f64 {
            x[0].sin()
        }
        fn backward(&self, x: &[f64], _y: f64, ybar: f64, xbar: &mut [f64]) {
            xbar[0] += ybar * x[0].cos() * 1.001;
        }
    }
    let mut r = rng(7);
    let mut caught = 0;
    for _ in 0..POINTS {
        let x = uniform(&mut r, -1.0, 1.0);
        let g = Tape::<f64>::scope(|t| {
            let v = t.var(x);
            let y = t.custom(&[v], WrongSin);
            t.gradient(y, v)
        });
        let d = fd(&|p| p[0].sin(), &[x], 0);
        if !close(g, d, 1e-6) {
            caught += 1;
        }
    }
    assert_eq!(caught, POINTS);
}

#[test]
fn stop_gradient_and_constants() {
    let (g, gc, c) = Tape::<f64>::scope_persistent(|t| {
        let x = t.var(3.0);
        let k = t.constant(2.0);
        let y = x * x.stop_gradient() + k * x;
        let z = k * k;
        (t.gradient(y, x), t.gradient(y, k), z.is_constant())
    });
    assert_eq!(g, 3.0 + 2.0);
    assert_eq!(gc, 0.0, "a constant's gradient is zero");
    assert!(c, "operations on constants record nothing");
}

#[test]
fn unused_variable_gets_zero() {
    let g = Tape::<f64>::scope(|t| {
        let [x, y] = t.vars([1.0, 2.0]);
        t.gradient(x.sin(), [x, y])
    });
    assert_eq!(g, [1f64.cos(), 0.0]);
}

#[test]
fn gradient_with_respect_to_an_intermediate() {
    let g = Tape::<f64>::scope(|t| {
        let x = t.var(2.0);
        let u = x * x; // u = 4
        let y = u.sin() + x;
        t.gradient(y, (u, x))
    });
    assert_eq!(g.0, 4f64.cos());
    assert_eq!(g.1, 4f64.cos() * 4.0 + 1.0);
}

#[test]
fn gradient_of_a_leaf_is_one() {
    let g = Tape::<f64>::scope(|t| {
        let [x, y] = t.vars([1.0, 2.0]);
        t.gradient(x, [x, y])
    });
    assert_eq!(g, [1.0, 0.0]);
}
