//! Well-known optimisation test functions, written generically over `T: Float` as a user
//! would, instantiated at f32 and f64 and checked against hand-derived gradients.

use super::oracle::{self, assert_all_close, check_directional, run, scaled, Prec, F32, F64};
use autodiff::{differentiable, Real};
use num_traits::Float;

fn c<T>(x: f64) -> T
where
    T: Float,
{
    T::from(x).unwrap()
}

#[differentiable]
fn rosenbrock<T>(x: T, y: T) -> T
where
    T: Float,
{
    let a = T::from(1.0).unwrap() - x;
    let b = y - x * x;
    a * a + T::from(100.0).unwrap() * b * b
}

fn rosenbrock_d([x, y]: [f64; 2]) -> [f64; 2] {
    [
        -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
        200.0 * (y - x * x),
    ]
}

#[differentiable]
fn rosenbrock4<T>(x: &[T; 4]) -> T
where
    T: Float,
{
    let [a, b, c, d] = *x;
    let hundred = T::from(100.0).unwrap();
    let one = T::from(1.0).unwrap();
    hundred * (b - a * a).powi(2)
        + (one - a).powi(2)
        + hundred * (c - b * b).powi(2)
        + (one - b).powi(2)
        + hundred * (d - c * c).powi(2)
        + (one - c).powi(2)
}

fn rosenbrock4_d(x: [f64; 4]) -> [f64; 4] {
    let mut g = [0.0; 4];
    for i in 0..3 {
        let t = x[i + 1] - x[i] * x[i];
        g[i] += -400.0 * x[i] * t - 2.0 * (1.0 - x[i]);
        g[i + 1] += 200.0 * t;
    }
    g
}

#[differentiable]
fn beale<T>(x: T, y: T) -> T
where
    T: Float,
{
    let t1 = c::<T>(1.5) - x + x * y;
    let t2 = c::<T>(2.25) - x + x * y * y;
    let t3 = c::<T>(2.625) - x + x * y.powi(3);
    t1 * t1 + t2 * t2 + t3 * t3
}

fn beale_d([x, y]: [f64; 2]) -> [f64; 2] {
    let t1 = 1.5 - x + x * y;
    let t2 = 2.25 - x + x * y * y;
    let t3 = 2.625 - x + x * y * y * y;
    [
        2.0 * t1 * (y - 1.0) + 2.0 * t2 * (y * y - 1.0) + 2.0 * t3 * (y * y * y - 1.0),
        2.0 * t1 * x + 2.0 * t2 * 2.0 * x * y + 2.0 * t3 * 3.0 * x * y * y,
    ]
}

#[differentiable]
fn himmelblau<T>(x: T, y: T) -> T
where
    T: Float,
{
    (x * x + y - T::from(11.0).unwrap()).powi(2) + (x + y * y - T::from(7.0).unwrap()).powi(2)
}

fn himmelblau_d([x, y]: [f64; 2]) -> [f64; 2] {
    let (a, b) = (x * x + y - 11.0, x + y * y - 7.0);
    [4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b]
}

#[differentiable]
fn booth<T>(x: T, y: T) -> T
where
    T: Float,
{
    let two = T::from(2.0).unwrap();
    (x + two * y - T::from(7.0).unwrap()).powi(2) + (two * x + y - T::from(5.0).unwrap()).powi(2)
}

fn booth_d([x, y]: [f64; 2]) -> [f64; 2] {
    let (a, b) = (x + 2.0 * y - 7.0, 2.0 * x + y - 5.0);
    [2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b]
}

#[differentiable]
fn matyas<T>(x: T, y: T) -> T
where
    T: Float,
{
    T::from(0.26).unwrap() * (x * x + y * y) - T::from(0.48).unwrap() * x * y
}

fn matyas_d([x, y]: [f64; 2]) -> [f64; 2] {
    [0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x]
}

#[differentiable]
fn three_hump_camel<T>(x: T, y: T) -> T
where
    T: Float,
{
    let x2 = x * x;
    T::from(2.0).unwrap() * x2 - T::from(1.05).unwrap() * x2 * x2
        + x2 * x2 * x2 / T::from(6.0).unwrap()
        + x * y
        + y * y
}

fn three_hump_camel_d([x, y]: [f64; 2]) -> [f64; 2] {
    [4.0 * x - 4.2 * x.powi(3) + x.powi(5) + y, x + 2.0 * y]
}

#[differentiable]
fn styblinski_tang<T>(x: &[T; 4]) -> T
where
    T: Float,
{
    let term0 = x[0].powi(4) - c::<T>(16.0) * x[0].powi(2) + c::<T>(5.0) * x[0];
    let term1 = x[1].powi(4) - c::<T>(16.0) * x[1].powi(2) + c::<T>(5.0) * x[1];
    let term2 = x[2].powi(4) - c::<T>(16.0) * x[2].powi(2) + c::<T>(5.0) * x[2];
    let term3 = x[3].powi(4) - c::<T>(16.0) * x[3].powi(2) + c::<T>(5.0) * x[3];
    (term0 + term1 + term2 + term3) / c::<T>(2.0)
}

fn styblinski_tang_d(x: [f64; 4]) -> [f64; 4] {
    x.map(|v| 2.0 * v * v * v - 16.0 * v + 2.5)
}

#[differentiable]
fn styblinski_tang_slice<T>(x: &[T]) -> T
where
    T: Float,
{
    let half = T::from(0.5).unwrap();
    half * (x[0].powi(4) - T::from(16.0).unwrap() * x[0] * x[0] + T::from(5.0).unwrap() * x[0])
        + half
            * (x[1].powi(4) - T::from(16.0).unwrap() * x[1] * x[1] + T::from(5.0).unwrap() * x[1])
}

#[differentiable]
fn ackley<T>(x: T, y: T) -> T
where
    T: Float,
{
    let two_pi = T::from(2.0 * std::f64::consts::PI).unwrap();
    let half = T::from(0.5).unwrap();
    let r = (half * (x * x + y * y)).sqrt();
    let twenty = T::from(20.0).unwrap();
    -twenty * (T::from(-0.2).unwrap() * r).exp()
        - (half * ((two_pi * x).cos() + (two_pi * y).cos())).exp()
        + T::from(std::f64::consts::E).unwrap()
        + twenty
}

fn ackley_d([x, y]: [f64; 2]) -> [f64; 2] {
    use std::f64::consts::PI;
    let r = (0.5 * (x * x + y * y)).sqrt();
    let e1 = (-0.2 * r).exp();
    let e2 = (0.5 * ((2.0 * PI * x).cos() + (2.0 * PI * y).cos())).exp();
    [
        2.0 * x * e1 / r + PI * (2.0 * PI * x).sin() * e2,
        2.0 * y * e1 / r + PI * (2.0 * PI * y).sin() * e2,
    ]
}

fn box2(lo: f64, hi: f64) -> impl FnMut(&mut rand::rngs::StdRng) -> [f64; 2] {
    move |r| oracle::point(r, lo, hi)
}

/// Runs one two-variable generic function at both precisions.
macro_rules! two_d {
    ($test:ident, $f:ident, $g:ident, $j:ident, $v:ident, $d:expr, $lo:expr, $hi:expr, $scale:expr) => {
        #[test]
        fn $test() {
            let c = crate::case!(
                stringify!($f),
                $f::<f64>,
                $g::<f64>,
                $j::<f64>,
                $v::<f64>,
                [x, y],
                [dx, dy]
            );
            run(&c, line!() as u64, box2($lo, $hi), $d, scaled(F64, $scale));
            let c = crate::case!(
                stringify!($f),
                $f::<f32>,
                $g::<f32>,
                $j::<f32>,
                $v::<f32>,
                [x, y],
                [dx, dy]
            );
            run(
                &c,
                line!() as u64 + 1,
                box2($lo, $hi),
                $d,
                scaled(F32, $scale),
            );
        }
    };
}

two_d!(
    rosenbrock_2d,
    rosenbrock,
    rosenbrock_grad,
    rosenbrock_jvp,
    rosenbrock_vjp,
    rosenbrock_d,
    -2.0,
    2.0,
    1e3
);
two_d!(beale_2d, beale, beale_grad, beale_jvp, beale_vjp, beale_d, -4.5, 4.5, 1e4);
two_d!(
    himmelblau_2d,
    himmelblau,
    himmelblau_grad,
    himmelblau_jvp,
    himmelblau_vjp,
    himmelblau_d,
    -5.0,
    5.0,
    1e2
);
two_d!(booth_2d, booth, booth_grad, booth_jvp, booth_vjp, booth_d, -10.0, 10.0, 1e1);
two_d!(
    matyas_2d,
    matyas,
    matyas_grad,
    matyas_jvp,
    matyas_vjp,
    matyas_d,
    -10.0,
    10.0,
    1.0
);
two_d!(
    camel_2d,
    three_hump_camel,
    three_hump_camel_grad,
    three_hump_camel_jvp,
    three_hump_camel_vjp,
    three_hump_camel_d,
    -2.5,
    2.5,
    1e2
);
two_d!(
    ackley_2d,
    ackley,
    ackley_grad,
    ackley_jvp,
    ackley_vjp,
    ackley_d,
    -3.0,
    3.0,
    1e1
);

/// The property checks of [`run`] for a function of one `&[T; 4]`.
#[allow(clippy::too_many_arguments)]
fn check_array4<S: Prec + Float + Real>(
    name: &str,
    seed: u64,
    lo: f64,
    hi: f64,
    f: fn(&[S; 4]) -> S,
    grad: fn(&[S; 4]) -> (S, [S; 4]),
    jvp: fn(&[S; 4], &[S; 4]) -> (S, S),
    vjp: fn(&[S; 4], S) -> (S, [S; 4]),
    closed: fn([f64; 4]) -> [f64; 4],
    tol: oracle::Tol,
) {
    let mut r = oracle::rng(seed);
    for _ in 0..oracle::POINTS {
        let p: [S; 4] = oracle::point::<4>(&mut r, lo, hi).map(S::narrow);
        let pw = p.map(S::wide);
        let what = format!("{name} ({}) at {pw:?}", S::NAME);
        let (v, g) = grad(&p);
        assert_eq!(v.wide(), f(&p).wide(), "{what}: value");
        let g = g.map(S::wide);
        oracle::check_gradient(&what, &g, &closed(pw), &S::fd(|q| f(&q), p), tol);
        let dir = oracle::point::<4>(&mut r, -1.0, 1.0).map(S::narrow);
        let (_, t) = jvp(&p, &dir);
        check_directional(&what, t.wide(), &g, &dir.map(S::wide), tol);
        let (_, gs) = vjp(&p, S::narrow(-0.5));
        let want = g.map(|v| -0.5 * v);
        assert_all_close(
            &what,
            &gs.map(S::wide),
            &want,
            tol.exact_rtol,
            tol.exact_atol,
        );
    }
}

#[test]
fn rosenbrock_array() {
    check_array4::<f64>(
        "rosenbrock4",
        1,
        -2.0,
        2.0,
        rosenbrock4,
        rosenbrock4_grad,
        rosenbrock4_jvp,
        rosenbrock4_vjp,
        rosenbrock4_d,
        scaled(F64, 1e3),
    );
    check_array4::<f32>(
        "rosenbrock4",
        2,
        -2.0,
        2.0,
        rosenbrock4,
        rosenbrock4_grad,
        rosenbrock4_jvp,
        rosenbrock4_vjp,
        rosenbrock4_d,
        scaled(F32, 1e3),
    );
}

#[test]
fn rosenbrock_array_agrees_with_2d() {
    // The first coordinate appears only in the first pair's terms, which are the 2-D
    // function: its partial is the same.
    let p = [0.3, -0.7, 0.49, 0.2401];
    let (_, g4) = rosenbrock4_grad(&p);
    let (_, (gx, _)) = rosenbrock_grad(0.3, -0.7);
    assert!((g4[0] - gx).abs() < 1e-12, "{g4:?} {gx}");
}

#[test]
fn styblinski_tang_array() {
    check_array4::<f64>(
        "styblinski_tang",
        3,
        -5.0,
        5.0,
        styblinski_tang,
        styblinski_tang_grad,
        styblinski_tang_jvp,
        styblinski_tang_vjp,
        styblinski_tang_d,
        scaled(F64, 1e2),
    );
    check_array4::<f32>(
        "styblinski_tang",
        4,
        -5.0,
        5.0,
        styblinski_tang,
        styblinski_tang_grad,
        styblinski_tang_jvp,
        styblinski_tang_vjp,
        styblinski_tang_d,
        scaled(F32, 1e2),
    );
}

#[test]
fn styblinski_tang_slice_gradient_is_a_vec() {
    let mut r = oracle::rng(5);
    for _ in 0..oracle::POINTS {
        let x: [f64; 3] = oracle::point(&mut r, -5.0, 5.0);
        let (v, g): (f64, Vec<f64>) = styblinski_tang_slice_grad(&x[..]);
        assert_eq!(v, styblinski_tang_slice(&x[..]));
        let full = styblinski_tang_d([x[0], x[1], 0.0, 0.0]);
        // The third element is never read: its gradient is zero.
        let want = [full[0], full[1], 0.0];
        let fd = oracle::fd(|q: [f64; 3]| styblinski_tang_slice(&q[..]), x);
        oracle::check_gradient("styblinski_tang_slice", &g, &want, &fd, scaled(F64, 1e2));
        let dir: [f64; 3] = oracle::point(&mut r, -1.0, 1.0);
        let (_, t) = styblinski_tang_slice_jvp(&x[..], &dir[..]);
        check_directional("styblinski_tang_slice", t, &g, &dir, scaled(F64, 1e2));
        let x32 = oracle::narrow(x);
        let (_, g32) = styblinski_tang_slice_grad(&x32[..]);
        let want32 = styblinski_tang_d([x32[0] as f64, x32[1] as f64, 0.0, 0.0]);
        assert_all_close(
            "f32",
            &g32.iter().map(|v| *v as f64).collect::<Vec<_>>(),
            &[want32[0], want32[1], 0.0],
            1e-4,
            1e-3,
        );
    }
}

/// Inactive parameters bound by patterns: ignored, and destructured (floats among them are
/// constants only when `wrt(..)` says so).
#[differentiable(wrt(x))]
fn scaled_by_pair(x: f64, _: usize, (a, b): (f64, f64)) -> f64 {
    x * x * a + b
}

#[test]
fn inactive_parameters_bound_by_patterns() {
    let (value, g) = scaled_by_pair_grad(1.5, 7, (2.0, 0.5));
    assert_eq!((value, g), (1.5 * 1.5 * 2.0 + 0.5, 2.0 * 1.5 * 2.0));
    let (_, pullback) = scaled_by_pair_pullback(1.5, 7, (2.0, 0.5));
    assert_eq!(pullback(3.0), 3.0 * 2.0 * 1.5 * 2.0);
    assert_eq!(scaled_by_pair_jvp(1.5, 7, (2.0, 0.5), 1.0).1, 6.0);
}

/// Explicit lifetimes on slice and array parameters, and a call between two such functions.
#[allow(clippy::needless_lifetimes)]
#[differentiable]
fn weighted_squares<'a>(x: &'a [f64], k: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i] * k;
    }
    s
}

#[allow(clippy::needless_lifetimes)]
#[differentiable]
fn weighted_product<'a, 'b>(x: &'a [f64], y: &'b [f64; 2]) -> f64 {
    weighted_squares(x, y[0]) * y[1]
}

#[test]
fn explicit_lifetimes() {
    let (x, y) = ([1.0, 2.0], [3.0, 2.0]);
    // f = y₁ y₀ Σ xᵢ².
    let (value, (gx, gy)) = weighted_product_grad(&x, &y);
    assert_eq!(value, 30.0);
    assert_eq!((gx, gy), (vec![12.0, 24.0], [10.0, 15.0]));
    assert_eq!(
        weighted_product_jvp(&x, &y, &[1.0, 0.0], &[0.5, 0.0]).1,
        12.0 + 5.0
    );
    let (_, pullback) = weighted_squares_pullback(&x, 3.0);
    assert_eq!(pullback(2.0), (vec![12.0, 24.0], 10.0));
}
