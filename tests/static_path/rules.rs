//! Every primitive rule, in f64 and f32, method form and path form, on random points inside
//! its domain: against a closed-form derivative, finite differences, and forward mode
//! against reverse mode.

use super::oracle::{self, assert_all_close, assert_close, run, F32, F64};
use autodiff::differentiable;
use num_traits::Float;

/// One unary rule: `x.m()`, `f64::m(x)`, `f32::m(x)` and a generic `T::m(x)`, checked on
/// `[lo, hi)` against the closed form `d`.
macro_rules! unary {
    ($name:ident, $m:ident, |$x:ident| $d:expr, $lo:expr, $hi:expr) => {
        mod $name {
            use super::*;

            #[differentiable]
            pub fn m64(x: f64) -> f64 {
                x.$m()
            }
            #[differentiable]
            pub fn m32(x: f32) -> f32 {
                x.$m()
            }
            #[differentiable]
            pub fn p64(x: f64) -> f64 {
                f64::$m(x)
            }
            #[differentiable]
            pub fn g<T>(x: T) -> T
            where
                T: Float,
            {
                T::$m(x)
            }

            fn closed([$x]: [f64; 1]) -> [f64; 1] {
                [$d]
            }

            fn sample(r: &mut rand::rngs::StdRng) -> [f64; 1] {
                [oracle::uniform(r, $lo, $hi)]
            }

            #[test]
            fn method_f64() {
                let c = crate::case!(
                    stringify!($name),
                    m64,
                    m64_grad,
                    m64_jvp,
                    m64_vjp,
                    [x],
                    [dx]
                );
                run(&c, line!() as u64, sample, closed, F64);
            }

            #[test]
            fn method_f32() {
                let c = crate::case!(
                    stringify!($name),
                    m32,
                    m32_grad,
                    m32_jvp,
                    m32_vjp,
                    [x],
                    [dx]
                );
                run(&c, line!() as u64, sample, closed, F32);
            }

            #[test]
            fn path_f64() {
                let c = crate::case!(
                    stringify!($name),
                    p64,
                    p64_grad,
                    p64_jvp,
                    p64_vjp,
                    [x],
                    [dx]
                );
                run(&c, line!() as u64, sample, closed, F64);
            }

            #[test]
            fn generic_f64() {
                let c = crate::case!(
                    stringify!($name),
                    g::<f64>,
                    g_grad::<f64>,
                    g_jvp::<f64>,
                    g_vjp::<f64>,
                    [x],
                    [dx]
                );
                run(&c, line!() as u64, sample, closed, F64);
            }

            #[test]
            fn generic_f32() {
                let c = crate::case!(
                    stringify!($name),
                    g::<f32>,
                    g_grad::<f32>,
                    g_jvp::<f32>,
                    g_vjp::<f32>,
                    [x],
                    [dx]
                );
                run(&c, line!() as u64, sample, closed, F32);
            }
        }
    };
}

const LN2: f64 = std::f64::consts::LN_2;
const LN10: f64 = std::f64::consts::LN_10;

unary!(sin, sin, |x| x.cos(), -3.0, 3.0);
unary!(cos, cos, |x| -x.sin(), -3.0, 3.0);
unary!(tan, tan, |x| 1.0 / (x.cos() * x.cos()), -1.2, 1.2);
unary!(asin, asin, |x| 1.0 / (1.0 - x * x).sqrt(), -0.9, 0.9);
unary!(acos, acos, |x| -1.0 / (1.0 - x * x).sqrt(), -0.9, 0.9);
unary!(atan, atan, |x| 1.0 / (1.0 + x * x), -5.0, 5.0);
unary!(sinh, sinh, |x| (x.exp() + (-x).exp()) / 2.0, -3.0, 3.0);
unary!(cosh, cosh, |x| (x.exp() - (-x).exp()) / 2.0, -3.0, 3.0);
unary!(tanh, tanh, |x| 1.0 / (x.cosh() * x.cosh()), -3.0, 3.0);
unary!(asinh, asinh, |x| 1.0 / (x * x + 1.0).sqrt(), -5.0, 5.0);
unary!(acosh, acosh, |x| 1.0 / (x * x - 1.0).sqrt(), 1.1, 5.0);
unary!(atanh, atanh, |x| 1.0 / (1.0 - x * x), -0.9, 0.9);
unary!(exp, exp, |x| x.exp(), -3.0, 3.0);
unary!(exp2, exp2, |x| x.exp2() * LN2, -3.0, 3.0);
unary!(exp_m1, exp_m1, |x| x.exp(), -3.0, 3.0);
unary!(ln, ln, |x| 1.0 / x, 0.1, 5.0);
unary!(log2, log2, |x| 1.0 / (x * LN2), 0.1, 5.0);
unary!(log10, log10, |x| 1.0 / (x * LN10), 0.1, 5.0);
unary!(ln_1p, ln_1p, |x| 1.0 / (1.0 + x), -0.9, 5.0);
unary!(sqrt, sqrt, |x| 0.5 / x.sqrt(), 0.05, 5.0);
unary!(
    cbrt_pos,
    cbrt,
    |x| 1.0 / (3.0 * x.powf(2.0 / 3.0)),
    0.05,
    5.0
);
unary!(
    cbrt_neg,
    cbrt,
    |x| 1.0 / (3.0 * (-x).powf(2.0 / 3.0)),
    -5.0,
    -0.05
);
unary!(abs_pos, abs, |_x| 1.0, 0.1, 3.0);
unary!(abs_neg, abs, |_x| -1.0, -3.0, -0.1);
unary!(signum_pos, signum, |_x| 0.0, 0.1, 3.0);
unary!(signum_neg, signum, |_x| 0.0, -3.0, -0.1);
unary!(recip_pos, recip, |x| -1.0 / (x * x), 0.2, 5.0);
unary!(recip_neg, recip, |x| -1.0 / (x * x), -5.0, -0.2);

/// One binary rule with both operands active: `a.m(b)`, `f64::m(a, b)` and a generic
/// `T::m(a, b)`, against the closed-form partials `d`.
macro_rules! binary {
    ($name:ident, $m:ident, |$a:ident, $b:ident| $d:expr, |$r:ident| $sample:expr) => {
        mod $name {
            use super::*;

            #[differentiable]
            pub fn m64(a: f64, b: f64) -> f64 {
                a.$m(b)
            }
            #[differentiable]
            pub fn m32(a: f32, b: f32) -> f32 {
                a.$m(b)
            }
            #[differentiable]
            pub fn p64(a: f64, b: f64) -> f64 {
                f64::$m(a, b)
            }
            #[differentiable]
            pub fn g<T>(a: T, b: T) -> T
            where
                T: Float,
            {
                T::$m(a, b)
            }

            fn closed([$a, $b]: [f64; 2]) -> [f64; 2] {
                $d
            }

            fn sample($r: &mut rand::rngs::StdRng) -> [f64; 2] {
                $sample
            }

            #[test]
            fn method_f64() {
                let c = crate::case!(
                    stringify!($name),
                    m64,
                    m64_grad,
                    m64_jvp,
                    m64_vjp,
                    [a, b],
                    [da, db]
                );
                run(&c, line!() as u64, sample, closed, F64);
            }

            #[test]
            fn method_f32() {
                let c = crate::case!(
                    stringify!($name),
                    m32,
                    m32_grad,
                    m32_jvp,
                    m32_vjp,
                    [a, b],
                    [da, db]
                );
                run(&c, line!() as u64, sample, closed, F32);
            }

            #[test]
            fn path_f64() {
                let c = crate::case!(
                    stringify!($name),
                    p64,
                    p64_grad,
                    p64_jvp,
                    p64_vjp,
                    [a, b],
                    [da, db]
                );
                run(&c, line!() as u64, sample, closed, F64);
            }

            #[test]
            fn generic_f64() {
                let c = crate::case!(
                    stringify!($name),
                    g::<f64>,
                    g_grad::<f64>,
                    g_jvp::<f64>,
                    g_vjp::<f64>,
                    [a, b],
                    [da, db]
                );
                run(&c, line!() as u64, sample, closed, F64);
            }

            #[test]
            fn generic_f32() {
                let c = crate::case!(
                    stringify!($name),
                    g::<f32>,
                    g_grad::<f32>,
                    g_jvp::<f32>,
                    g_vjp::<f32>,
                    [a, b],
                    [da, db]
                );
                run(&c, line!() as u64, sample, closed, F32);
            }
        }
    };
}

/// A sample from `[lo, hi)` with a random sign.
fn signed(r: &mut rand::rngs::StdRng, lo: f64, hi: f64) -> f64 {
    let v = oracle::uniform(r, lo, hi);
    if oracle::uniform(r, 0.0, 1.0) < 0.5 {
        -v
    } else {
        v
    }
}

/// Two samples from `[lo, hi)` at least `gap` apart, so that no finite-difference step
/// crosses the switch of `min`/`max`.
fn apart(r: &mut rand::rngs::StdRng, lo: f64, hi: f64, gap: f64) -> [f64; 2] {
    loop {
        let p = oracle::point(r, lo, hi);
        if (p[0] - p[1]).abs() > gap {
            return p;
        }
    }
}

// atan2(y, x): away from the origin and from the cut on the negative x axis.
binary!(
    atan2,
    atan2,
    |y, x| [x / (x * x + y * y), -y / (x * x + y * y)],
    |r| [signed(r, 0.2, 3.0), oracle::uniform(r, -3.0, 3.0)]
);
binary!(
    hypot,
    hypot,
    |a, b| [a / (a * a + b * b).sqrt(), b / (a * a + b * b).sqrt()],
    |r| [signed(r, 0.2, 3.0), oracle::uniform(r, -3.0, 3.0)]
);
binary!(
    powf,
    powf,
    |x, y| [y * x.powf(y - 1.0), x.powf(y) * x.ln()],
    |r| [oracle::uniform(r, 0.2, 3.0), oracle::uniform(r, -2.0, 2.0)]
);
binary!(
    log,
    log,
    |x, b| [1.0 / (x * b.ln()), -x.ln() / (b * b.ln() * b.ln())],
    |r| [oracle::uniform(r, 0.2, 5.0), oracle::uniform(r, 1.5, 10.0)]
);
binary!(
    min,
    min,
    |a, b| if a < b { [1.0, 0.0] } else { [0.0, 1.0] },
    |r| apart(r, -3.0, 3.0, 0.1)
);
binary!(
    max,
    max,
    |a, b| if a > b { [1.0, 0.0] } else { [0.0, 1.0] },
    |r| apart(r, -3.0, 3.0, 0.1)
);

mod ternary {
    use super::*;

    #[differentiable]
    fn clamp64(x: f64, lo: f64, hi: f64) -> f64 {
        x.clamp(lo, hi)
    }
    #[differentiable]
    fn clamp32(x: f32, lo: f32, hi: f32) -> f32 {
        x.clamp(lo, hi)
    }
    #[differentiable]
    fn clamp_g<T>(x: T, lo: T, hi: T) -> T
    where
        T: Float,
    {
        x.max(lo).min(hi)
    }
    #[differentiable]
    fn mul_add64(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
    #[differentiable]
    fn mul_add32(a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }
    #[differentiable]
    fn mul_add_g<T>(a: T, b: T, c: T) -> T
    where
        T: Float,
    {
        T::mul_add(a, b, c)
    }

    fn clamp_sample(r: &mut rand::rngs::StdRng) -> [f64; 3] {
        loop {
            let p = oracle::point_in(r, [(-3.0, 3.0), (-2.0, -0.5), (0.5, 2.0)]);
            if (p[0] - p[1]).abs() > 0.1 && (p[0] - p[2]).abs() > 0.1 {
                return p;
            }
        }
    }

    fn clamp_closed([x, lo, hi]: [f64; 3]) -> [f64; 3] {
        if x < lo {
            [0.0, 1.0, 0.0]
        } else if x > hi {
            [0.0, 0.0, 1.0]
        } else {
            [1.0, 0.0, 0.0]
        }
    }

    #[test]
    fn clamp_all_arguments() {
        let c = crate::case!(
            "clamp",
            clamp64,
            clamp64_grad,
            clamp64_jvp,
            clamp64_vjp,
            [x, l, h],
            [dx, dl, dh]
        );
        run(&c, 1, clamp_sample, clamp_closed, F64);
        let c = crate::case!(
            "clamp",
            clamp32,
            clamp32_grad,
            clamp32_jvp,
            clamp32_vjp,
            [x, l, h],
            [dx, dl, dh]
        );
        run(&c, 2, clamp_sample, clamp_closed, F32);
        let c = crate::case!(
            "clamp via max/min",
            clamp_g::<f64>,
            clamp_g_grad,
            clamp_g_jvp,
            clamp_g_vjp,
            [x, l, h],
            [dx, dl, dh]
        );
        run(&c, 3, clamp_sample, clamp_closed, F64);
    }

    #[test]
    fn clamp_every_region_is_sampled() {
        let mut r = oracle::rng(4);
        let mut seen = [0; 3];
        for _ in 0..oracle::POINTS {
            let g = clamp_closed(clamp_sample(&mut r));
            seen[g.iter().position(|&v| v == 1.0).unwrap()] += 1;
        }
        assert!(seen.iter().all(|&n| n > 10), "{seen:?}");
    }

    fn mul_add_closed([a, b, _c]: [f64; 3]) -> [f64; 3] {
        [b, a, 1.0]
    }

    #[test]
    fn mul_add_all_arguments() {
        let s = |r: &mut rand::rngs::StdRng| oracle::point(r, -3.0, 3.0);
        let c = crate::case!(
            "mul_add",
            mul_add64,
            mul_add64_grad,
            mul_add64_jvp,
            mul_add64_vjp,
            [a, b, cc],
            [da, db, dc]
        );
        run(&c, 5, s, mul_add_closed, F64);
        let c = crate::case!(
            "mul_add",
            mul_add32,
            mul_add32_grad,
            mul_add32_jvp,
            mul_add32_vjp,
            [a, b, cc],
            [da, db, dc]
        );
        run(&c, 6, s, mul_add_closed, F32);
        let c = crate::case!(
            "T::mul_add",
            mul_add_g::<f32>,
            mul_add_g_grad,
            mul_add_g_jvp,
            mul_add_g_vjp,
            [a, b, cc],
            [da, db, dc]
        );
        run(&c, 7, s, mul_add_closed, F32);
    }
}

/// One expression in one variable, instantiated at each listed float type (`module: type`),
/// against the closed form `d` on `[lo, hi)`.
macro_rules! expr1 {
    ($name:ident, [$($module:ident: $ty:ident),+], |$x:ident| $body:tt, |$dx:ident| $d:expr, $lo:expr, $hi:expr) => {
        mod $name {
            use super::*;
            $(
                mod $module {
                    use super::*;

                    #[differentiable]
                    pub fn f($x: $ty) -> $ty $body

                    #[test]
                    fn property() {
                        let c = crate::case!(stringify!($name), f, f_grad, f_jvp, f_vjp, [x], [dx]);
                        let tol = <$ty as oracle::Prec>::TOL;
                        run(&c, line!() as u64, |r| [oracle::uniform(r, $lo, $hi)], |[$dx]| [$d], tol);
                    }
                }
            )+
        }
    };
}

/// Like [`expr1`] for two variables.
macro_rules! expr2 {
    ($name:ident, [$($module:ident: $ty:ident),+], |$x:ident, $y:ident| $body:tt, |$a:ident, $b:ident| $d:expr, $range:expr) => {
        mod $name {
            use super::*;
            $(
                mod $module {
                    use super::*;

                    #[differentiable]
                    pub fn f($x: $ty, $y: $ty) -> $ty $body

                    #[test]
                    fn property() {
                        let c = crate::case!(stringify!($name), f, f_grad, f_jvp, f_vjp, [x, y], [dx, dy]);
                        let tol = <$ty as oracle::Prec>::TOL;
                        run(&c, line!() as u64, |r| oracle::point_in(r, $range), |[$a, $b]| $d, tol);
                    }
                }
            )+
        }
    };
}

// Arithmetic with a constant on either side.
expr1!(add_const, [m64: f64, m32: f32], |x| { x + 2.0 }, |_x| 1.0, -3.0, 3.0);
expr1!(const_add, [m64: f64, m32: f32], |x| { 2.0 + x }, |_x| 1.0, -3.0, 3.0);
expr1!(sub_const, [m64: f64, m32: f32], |x| { x - 2.0 }, |_x| 1.0, -3.0, 3.0);
expr1!(const_sub, [m64: f64, m32: f32], |x| { 2.0 - x }, |_x| -1.0, -3.0, 3.0);
expr1!(mul_const, [m64: f64, m32: f32], |x| { x * 3.0 }, |_x| 3.0, -3.0, 3.0);
expr1!(const_mul, [m64: f64, m32: f32], |x| { 3.0 * x }, |_x| 3.0, -3.0, 3.0);
expr1!(div_const, [m64: f64, m32: f32], |x| { x / 4.0 }, |_x| 0.25, -3.0, 3.0);
expr1!(const_div, [m64: f64, m32: f32], |x| { 3.0 / x }, |x| -3.0 / (x * x), 0.3, 3.0);
expr1!(neg, [m64: f64, m32: f32], |x| { -x }, |_x| -1.0, -3.0, 3.0);
expr1!(neg_of_expr, [m64: f64, m32: f32], |x| { -(x * x) + 1.0 }, |x| -2.0 * x, -3.0, 3.0);
expr1!(square, [m64: f64, m32: f32], |x| { x * x }, |x| 2.0 * x, -3.0, 3.0);
expr1!(self_div, [m64: f64, m32: f32], |x| { (x + 1.0) / x }, |x| -1.0 / (x * x), 0.3, 3.0);
expr1!(nested, [m64: f64, m32: f32], |x| { (2.0 - x) * (x + 0.5) / (1.0 + x * x) }, |x| {
    let (u, v) = ((2.0 - x) * (x + 0.5), 1.0 + x * x);
    ((1.5 - 2.0 * x) * v - u * 2.0 * x) / (v * v)
}, -3.0, 3.0);
expr1!(pi_const, [m64: f64], |x| { x * std::f64::consts::PI }, |_x| std::f64::consts::PI, -3.0, 3.0);
expr1!(pi_const_32, [m32: f32], |x| { std::f32::consts::PI * x.sin() }, |x| std::f64::consts::PI * x.cos(), -3.0, 3.0);

// powi for several exponents, and powf / log / atan2 / hypot / min / max / clamp /
// mul_add with one constant operand, in each position.
expr1!(powi_0, [m64: f64, m32: f32], |x| { x.powi(0) }, |_x| 0.0, -3.0, 3.0);
expr1!(powi_1, [m64: f64, m32: f32], |x| { x.powi(1) }, |_x| 1.0, -3.0, 3.0);
expr1!(powi_2, [m64: f64, m32: f32], |x| { x.powi(2) }, |x| 2.0 * x, -3.0, 3.0);
expr1!(powi_3, [m64: f64, m32: f32], |x| { x.powi(3) }, |x| 3.0 * x * x, -3.0, 3.0);
expr1!(powi_neg_1, [m64: f64, m32: f32], |x| { x.powi(-1) }, |x| -1.0 / (x * x), 0.3, 3.0);
expr1!(powi_neg_3, [m64: f64], |x| { f64::powi(x, -3) }, |x| -3.0 / x.powi(4), 0.3, 3.0);
expr1!(powf_const_exp, [m64: f64, m32: f32], |x| { x.powf(2.5) }, |x| 2.5 * x.powf(1.5), 0.1, 3.0);
expr1!(powf_neg_exp, [m64: f64, m32: f32], |x| { x.powf(-0.5) }, |x| -0.5 * x.powf(-1.5), 0.2, 3.0);
expr1!(powf_const_base, [m64: f64], |x| { f64::powf(2.0, x) }, |x| 2.0f64.powf(x) * LN2, -3.0, 3.0);
expr1!(powf_const_base_let, [m64: f64], |x| { let b = 3.0; f64::powf(b, x) }, |x| 3.0f64.powf(x) * 3.0f64.ln(), -2.0, 2.0);
expr1!(log_const_base, [m64: f64, m32: f32], |x| { x.log(3.0) }, |x| 1.0 / (x * 3.0f64.ln()), 0.2, 5.0);
expr1!(log_const_arg, [m64: f64], |b| { f64::log(8.0, b) }, |b| -(8.0f64.ln()) / (b * b.ln() * b.ln()), 1.5, 10.0);
expr1!(atan2_const_x, [m64: f64, m32: f32], |y| { y.atan2(1.5) }, |y| 1.5 / (1.5 * 1.5 + y * y), -3.0, 3.0);
expr1!(atan2_const_y, [m64: f64], |x| { f64::atan2(1.5, x) }, |x| -1.5 / (1.5 * 1.5 + x * x), -3.0, 3.0);
expr1!(atan2_path_const, [m64: f64], |x| { f64::atan2(-0.5, x) }, |x| 0.5 / (0.25 + x * x), 0.1, 3.0);
expr1!(hypot_const, [m64: f64, m32: f32], |x| { x.hypot(1.5) }, |x| x / (x * x + 2.25).sqrt(), -3.0, 3.0);
expr1!(hypot_const_first, [m64: f64], |x| { f64::hypot(1.5, x) }, |x| x / (x * x + 2.25).sqrt(), -3.0, 3.0);
expr1!(max_const_active, [m64: f64, m32: f32], |x| { x.max(0.5) }, |_x| 1.0, 0.7, 3.0);
expr1!(max_const_chosen, [m64: f64, m32: f32], |x| { x.max(0.5) }, |_x| 0.0, -3.0, 0.3);
expr1!(min_const_first, [m64: f64], |x| { f64::min(0.5, x) }, |_x| 1.0, -3.0, 0.3);
expr1!(clamp_const_inside, [m64: f64, m32: f32], |x| { x.clamp(-1.0, 1.0) }, |_x| 1.0, -0.9, 0.9);
expr1!(clamp_const_outside, [m64: f64, m32: f32], |x| { x.clamp(-1.0, 1.0) * x }, |x| x.clamp(-1.0, 1.0), 1.1, 3.0);
expr1!(clamp_active_bound, [m64: f64], |x| { f64::clamp(5.0, -1.0, x) }, |_x| 1.0, 0.5, 4.5);
expr1!(mul_add_a, [m64: f64, m32: f32], |x| { x.mul_add(2.0, 1.0) }, |_x| 2.0, -3.0, 3.0);
expr1!(mul_add_b, [m64: f64], |x| { f64::mul_add(2.0, x, 1.0) }, |_x| 2.0, -3.0, 3.0);
expr1!(mul_add_c, [m64: f64], |x| { f64::mul_add(2.0, 3.0, x * x) }, |x| 2.0 * x, -3.0, 3.0);

// Both operands active.
expr2!(add, [m64: f64, m32: f32], |x, y| { x + y }, |_x, _y| [1.0, 1.0], [(-3.0, 3.0), (-3.0, 3.0)]);
expr2!(sub, [m64: f64, m32: f32], |x, y| { x - y }, |_x, _y| [1.0, -1.0], [(-3.0, 3.0), (-3.0, 3.0)]);
expr2!(mul, [m64: f64, m32: f32], |x, y| { x * y }, |x, y| [y, x], [(-3.0, 3.0), (-3.0, 3.0)]);
expr2!(div, [m64: f64, m32: f32], |x, y| { x / y }, |x, y| [1.0 / y, -x / (y * y)], [(-3.0, 3.0), (0.3, 3.0)]);
expr2!(compound_assign, [m64: f64, m32: f32], |x, y| {
    let mut s = x;
    s += y;
    s *= x;
    s -= 2.0 * y;
    s /= y;
    s
}, |x, y| [(2.0 * x + y) / y, (x - 2.0) / y - (x * x + x * y - 2.0 * y) / (y * y) + 0.0], [(-3.0, 3.0), (0.3, 3.0)]);

mod casts_and_consts {
    use super::*;

    #[differentiable]
    fn scaled(x: f64, n: i32, k: usize) -> f64 {
        x * (n as f64) + (k as f64) / x
    }

    #[differentiable]
    fn generic_consts<T>(x: T, n: u8) -> T
    where
        T: Float,
    {
        T::from(2.5).unwrap() * x * x + T::from(n).unwrap() * x - T::from(1.0).unwrap()
    }

    #[test]
    fn casts_of_integers_are_constants() {
        let mut r = oracle::rng(11);
        for _ in 0..oracle::POINTS {
            let x = oracle::uniform(&mut r, 0.3, 3.0);
            let n = (oracle::uniform(&mut r, -5.0, 5.0)) as i32;
            let (v, g) = scaled_grad(x, n, 7);
            assert_close("value", v, scaled(x, n, 7), 1e-14, 0.0);
            let want = n as f64 - 7.0 / (x * x);
            assert_close("scaled grad", g, want, 1e-10, 1e-12);
            assert_close(
                "scaled fd",
                g,
                oracle::fd1(|x| scaled(x, n, 7), x),
                1e-6,
                1e-7,
            );
            let (_, t) = scaled_jvp(x, n, 7, 1.0);
            assert_close("scaled jvp", t, want, 1e-10, 1e-12);
        }
    }

    #[test]
    fn generic_constants_from_inactive_code() {
        let mut r = oracle::rng(12);
        for _ in 0..oracle::POINTS {
            let x = oracle::uniform(&mut r, -3.0, 3.0);
            let n = (oracle::uniform(&mut r, 0.0, 9.0)) as u8;
            let want = 5.0 * x + n as f64;
            let (_, g) = generic_consts_grad(x, n);
            assert_close("f64 grad", g, want, 1e-10, 1e-12);
            let (_, t) = generic_consts_jvp(x, n, 1.0);
            assert_close("f64 jvp", t, want, 1e-10, 1e-12);
            let (_, g) = generic_consts_grad(x as f32, n);
            assert_close("f32 grad", g as f64, want, 1e-4, 1e-4);
            let (_, s) = generic_consts_vjp(x as f32, n, -2.0);
            assert_close("f32 vjp", s as f64, -2.0 * want, 1e-4, 1e-4);
        }
    }
}

/// The documented one-sided choices at kinks (see the runtime's rule table).
mod kinks {
    use super::*;

    #[differentiable]
    fn abs64(x: f64) -> f64 {
        x.abs()
    }
    #[differentiable]
    fn abs32(x: f32) -> f32 {
        x.abs()
    }
    #[differentiable]
    fn signum64(x: f64) -> f64 {
        x.signum()
    }
    #[differentiable]
    fn min64(a: f64, b: f64) -> f64 {
        a.min(b)
    }
    #[differentiable]
    fn max32(a: f32, b: f32) -> f32 {
        a.max(b)
    }
    #[differentiable]
    fn clamp64(x: f64, lo: f64, hi: f64) -> f64 {
        x.clamp(lo, hi)
    }
    #[differentiable]
    fn hypot64(a: f64, b: f64) -> f64 {
        a.hypot(b)
    }
    #[differentiable]
    fn powf64(x: f64, y: f64) -> f64 {
        x.powf(y)
    }

    #[test]
    fn abs_at_zero_is_zero() {
        assert_eq!(abs64_grad(0.0), (0.0, 0.0));
        assert_eq!(abs64_grad(-0.0).1, 0.0);
        assert_eq!(abs64_jvp(0.0, 1.0).1, 0.0);
        assert_eq!(abs32_grad(0.0), (0.0, 0.0));
        assert_eq!(abs64_grad(1e-300).1, 1.0);
        assert_eq!(abs64_grad(-1e-300).1, -1.0);
    }

    #[test]
    fn signum_is_flat() {
        for x in [-2.0, -0.0, 0.0, 3.0] {
            assert_eq!(signum64_grad(x).1, 0.0);
            assert_eq!(signum64_jvp(x, 1.0).1, 0.0);
        }
    }

    #[test]
    fn min_max_pick_the_first_operand_on_ties() {
        for a in [-1.5, 0.0, 2.0] {
            assert_eq!(min64_grad(a, a), (a, (1.0, 0.0)));
            assert_eq!(min64_jvp(a, a, 1.0, 0.0).1, 1.0);
            assert_eq!(min64_jvp(a, a, 0.0, 1.0).1, 0.0);
            assert_eq!(max32_grad(a as f32, a as f32), (a as f32, (1.0, 0.0)));
            assert_eq!(max32_jvp(a as f32, a as f32, 0.0, 1.0).1, 0.0);
        }
    }

    #[test]
    fn clamp_at_its_bounds_follows_x() {
        assert_eq!(clamp64_grad(-1.0, -1.0, 1.0).1, (1.0, 0.0, 0.0));
        assert_eq!(clamp64_grad(1.0, -1.0, 1.0).1, (1.0, 0.0, 0.0));
        assert_eq!(clamp64_grad(-1.5, -1.0, 1.0).1, (0.0, 1.0, 0.0));
        assert_eq!(clamp64_grad(1.5, -1.0, 1.0).1, (0.0, 0.0, 1.0));
        assert_eq!(clamp64_jvp(1.5, -1.0, 1.0, 1.0, 2.0, 3.0).1, 3.0);
    }

    #[test]
    fn hypot_at_the_origin_is_zero() {
        assert_eq!(hypot64_grad(0.0, 0.0), (0.0, (0.0, 0.0)));
        assert_eq!(hypot64_jvp(0.0, 0.0, 1.0, 1.0).1, 0.0);
    }

    #[test]
    fn powf_exponent_partial_at_zero_base_is_zero() {
        let (v, (dx, dy)) = powf64_grad(0.0, 2.0);
        assert_eq!((v, dx, dy), (0.0, 0.0, 0.0));
        let (_, (dx, dy)) = powf64_grad(2.0, 3.0);
        assert_all_close("powf", &[dx, dy], &[12.0, 8.0 * 2f64.ln()], 1e-12, 0.0);
    }
}

/// Minimal reproductions of constructs that once failed to compile.
mod regressions {
    mod constant_receiver {
        use autodiff::differentiable;

        // A float method on a constant receiver with an active argument.
        #[differentiable]
        fn const_base(x: f64) -> f64 {
            2.0f64.powf(x)
        }

        #[differentiable]
        fn const_let_base(x: f64) -> f64 {
            let b = 3.0f64;
            b.atan2(x)
        }

        #[test]
        fn float_method_on_constant_receiver() {
            let (_, g) = const_base_grad(1.5);
            assert!((g - 2f64.powf(1.5) * std::f64::consts::LN_2).abs() < 1e-12);
            let (_, g) = const_let_base_grad(0.5);
            assert!((g + 3.0 / (9.0 + 0.25)).abs() < 1e-12);
        }
    }

    // `T::one()` beside the added `T: Real` bound (a past ambiguity with `ScalarOutput::one`).
    mod generic_one {
        use autodiff::differentiable;
        use num_traits::Float;

        #[differentiable]
        fn plus_one<T>(x: T) -> T
        where
            T: Float,
        {
            x * x + T::one()
        }

        #[test]
        fn t_one_in_generic_body() {
            assert_eq!(plus_one_grad(3.0f64), (10.0, 6.0));
            assert_eq!(plus_one_jvp(3.0f32, 1.0), (10.0, 6.0));
        }
    }
}

/// Casts between float types: the value rounds as `as` rounds, the partial is 1.
#[differentiable]
fn quantized(x: f64) -> f64 {
    ((x as f32) as f64 - x) * 1e8 + x
}

#[differentiable]
fn through_f32(x: f64) -> f64 {
    let y = x as f32;
    let z = y * y.sin();
    z as f64 + x
}

#[differentiable]
fn widened(x: &[f32], scale: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += (x[i] as f64).powi(2) * scale;
    }
    s
}

#[test]
fn float_casts_round_as_the_plain_function_does() {
    for x in [1.0 / 3.0, -2.7, 0.1] {
        let (v, g) = quantized_grad(x);
        assert_eq!(v, quantized(x), "value at {x}");
        assert_eq!(g, 1.0);
        assert_eq!(quantized_jvp(x, 1.0), (v, 1.0));
        let (v, g) = through_f32_grad(x);
        assert_eq!(v, through_f32(x));
        let y = x as f32;
        let want = (y.sin() + y * y.cos()) as f64 + 1.0;
        assert_close("through_f32", g, want, 1e-6, 1e-7);
        assert_close(
            "through_f32 jvp",
            through_f32_jvp(x, 1.0).1,
            g,
            1e-12,
            1e-12,
        );
    }
    let x = [0.5f32, -1.25, 2.0];
    let (v, (gx, gs)) = widened_grad(&x, 0.75);
    assert_eq!(v, widened(&x, 0.75));
    for (g, xi) in gx.iter().zip(&x) {
        assert_close("widened", *g as f64, 1.5 * *xi as f64, 1e-6, 1e-7);
    }
    let sq: f64 = x.iter().map(|&v| (v as f64).powi(2)).sum();
    assert_close("widened scale", gs, sq, 1e-12, 1e-12);
}

#[differentiable]
fn log_of(x: f64) -> f64 {
    x.ln()
}

#[differentiable]
fn arcsine(x: f64) -> f64 {
    x.asin()
}

#[test]
fn outside_the_domain_the_derivative_is_the_formulas_value() {
    // ln(-1) is NaN; its formula 1/x has the value -1 there.
    let (v, g) = log_of_grad(-1.0);
    assert!(v.is_nan());
    assert_eq!(g, -1.0);
    // asin(2) is NaN, and so is its formula 1/sqrt(1 - x^2).
    let (v, g) = arcsine_grad(2.0);
    assert!(v.is_nan() && g.is_nan());
    assert!(arcsine_jvp(2.0, 1.0).1.is_nan());
}
unary!(
    to_degrees,
    to_degrees,
    |_x| 180.0 / std::f64::consts::PI,
    -3.0,
    3.0
);
unary!(
    to_radians,
    to_radians,
    |_x| std::f64::consts::PI / 180.0,
    -300.0,
    300.0
);
