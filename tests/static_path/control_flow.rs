//! Control flow, bindings and calls between differentiable functions: each against a
//! closed form, finite differences, and forward mode against reverse mode.

use super::oracle::{self, assert_all_close, assert_close, run, F32, F64};
use autodiff::{differentiable, stop_gradient};
use num_traits::Float;
use rand::rngs::StdRng;

/// Two samples from `[lo, hi)` with `|a - b| > gap`, away from a switch at `a == b`.
fn apart(r: &mut StdRng, lo: f64, hi: f64, gap: f64) -> [f64; 2] {
    loop {
        let p: [f64; 2] = oracle::point(r, lo, hi);
        if (p[0] - p[1]).abs() > gap {
            return p;
        }
    }
}

/// A sample from `[lo, hi)` farther than `gap` from every point of `cuts`.
fn away(r: &mut StdRng, lo: f64, hi: f64, cuts: &[f64], gap: f64) -> f64 {
    loop {
        let x = oracle::uniform(r, lo, hi);
        if cuts.iter().all(|c| (x - c).abs() > gap) {
            return x;
        }
    }
}

#[differentiable]
fn branch<T>(x: T, y: T) -> T
where
    T: Float,
{
    if x > y {
        x * y
    } else {
        x + y.sin()
    }
}

fn branch_d([x, y]: [f64; 2]) -> [f64; 2] {
    if x > y {
        [y, x]
    } else {
        [1.0, y.cos()]
    }
}

#[test]
fn if_else_on_an_active_condition_takes_each_branch() {
    let c = crate::case!(
        "branch",
        branch::<f64>,
        branch_grad,
        branch_jvp,
        branch_vjp,
        [x, y],
        [dx, dy]
    );
    run(&c, 1, |r| apart(r, -3.0, 3.0, 0.05), branch_d, F64);
    let c = crate::case!(
        "branch",
        branch::<f32>,
        branch_grad,
        branch_jvp,
        branch_vjp,
        [x, y],
        [dx, dy]
    );
    run(&c, 2, |r| apart(r, -3.0, 3.0, 0.05), branch_d, F32);
    // Both branches, at fixed points.
    assert_eq!(branch_grad(2.0, 1.0).1, (1.0, 2.0));
    assert_eq!(branch_grad(1.0, 2.0).1, (1.0, 2f64.cos()));
    // On the switch itself the else branch is taken.
    assert_eq!(branch_grad(1.0, 1.0).1, (1.0, 1f64.cos()));
}

#[differentiable]
fn pieces(x: f64) -> f64 {
    if x < -1.0 {
        -x * x
    } else if x < 1.0 {
        x.sin()
    } else if x < 2.0 {
        x.exp()
    } else {
        3.0 * x
    }
}

fn pieces_d([x]: [f64; 1]) -> [f64; 1] {
    [if x < -1.0 {
        -2.0 * x
    } else if x < 1.0 {
        x.cos()
    } else if x < 2.0 {
        x.exp()
    } else {
        3.0
    }]
}

#[test]
fn else_if_chain() {
    let c = crate::case!(
        "pieces",
        pieces,
        pieces_grad,
        pieces_jvp,
        pieces_vjp,
        [x],
        [dx]
    );
    run(
        &c,
        3,
        |r| [away(r, -3.0, 3.0, &[-1.0, 1.0, 2.0], 0.01)],
        pieces_d,
        F64,
    );
    for (x, d) in [(-2.0, 4.0), (0.0, 1.0), (1.5, 1.5f64.exp()), (2.5, 3.0)] {
        assert_close("pieces at a fixed point", pieces_grad(x).1, d, 1e-14, 0.0);
    }
}

#[differentiable]
fn if_expression(x: f64, y: f64) -> f64 {
    let s = if x > 0.0 { x.sqrt() } else { (-x).sqrt() };
    s * y + if y < 1.0 { y * y } else { 2.0 * y - 1.0 }
}

fn if_expression_d([x, y]: [f64; 2]) -> [f64; 2] {
    let (s, ds) = if x > 0.0 {
        (x.sqrt(), 0.5 / x.sqrt())
    } else {
        ((-x).sqrt(), -0.5 / (-x).sqrt())
    };
    [ds * y, s + if y < 1.0 { 2.0 * y } else { 2.0 }]
}

#[test]
fn if_as_an_expression() {
    let c = crate::case!(
        "if_expression",
        if_expression,
        if_expression_grad,
        if_expression_jvp,
        if_expression_vjp,
        [x, y],
        [dx, dy]
    );
    run(
        &c,
        4,
        |r| {
            [
                away(r, -3.0, 3.0, &[0.0], 0.1),
                away(r, -3.0, 3.0, &[1.0], 0.01),
            ]
        },
        if_expression_d,
        F64,
    );
}

#[differentiable]
fn by_kind(x: f64, y: f64, kind: u8) -> f64 {
    match kind {
        0 => x * x,
        1 | 2 => x.sin() * y,
        _ => {
            let t = x + y;
            t * t * t
        }
    }
}

fn by_kind_d(x: f64, y: f64, kind: u8) -> [f64; 2] {
    match kind {
        0 => [2.0 * x, 0.0],
        1 | 2 => [x.cos() * y, x.sin()],
        _ => [3.0 * (x + y).powi(2), 3.0 * (x + y).powi(2)],
    }
}

#[test]
fn match_on_an_inactive_integer() {
    for kind in 0..5u8 {
        let c = crate::case!(
            "by_kind",
            |x, y| by_kind(x, y, kind),
            |x, y| by_kind_grad(x, y, kind),
            |x, y, dx, dy| by_kind_jvp(x, y, kind, dx, dy),
            |x, y, s| by_kind_vjp(x, y, kind, s),
            [x, y],
            [dx, dy]
        );
        run(
            &c,
            5 + kind as u64,
            |r| oracle::point(r, -2.0, 2.0),
            |[x, y]| by_kind_d(x, y, kind),
            F64,
        );
    }
}

#[differentiable]
fn guard(x: f64, y: f64) -> f64 {
    if x < 0.0 {
        return -x * y;
    }
    let t = x * x;
    t * y + x
}

#[test]
fn early_return_in_a_guard_clause() {
    let d = |[x, y]: [f64; 2]| {
        if x < 0.0 {
            [-y, -x]
        } else {
            [2.0 * x * y + 1.0, x * x]
        }
    };
    let c = crate::case!(
        "guard",
        guard,
        guard_grad,
        guard_jvp,
        guard_vjp,
        [x, y],
        [dx, dy]
    );
    run(
        &c,
        10,
        |r| {
            [
                away(r, -3.0, 3.0, &[0.0], 0.01),
                oracle::uniform(r, -3.0, 3.0),
            ]
        },
        d,
        F64,
    );
}

#[differentiable]
fn reassigned<T>(x: T, y: T) -> T
where
    T: Float,
{
    let mut s = x;
    if y > T::zero() {
        s = s * y;
    } else {
        s = s - y;
        s = s * T::from(2.0).unwrap();
    }
    s.exp()
}

fn reassigned_d([x, y]: [f64; 2]) -> [f64; 2] {
    if y > 0.0 {
        let e = (x * y).exp();
        [y * e, x * e]
    } else {
        let e = (2.0 * (x - y)).exp();
        [2.0 * e, -2.0 * e]
    }
}

#[test]
fn let_mut_reassigned_in_branches() {
    let sample = |r: &mut StdRng| {
        [
            oracle::uniform(r, -1.0, 1.0),
            away(r, -1.0, 1.0, &[0.0], 0.02),
        ]
    };
    let c = crate::case!(
        "reassigned",
        reassigned::<f64>,
        reassigned_grad,
        reassigned_jvp,
        reassigned_vjp,
        [x, y],
        [dx, dy]
    );
    run(&c, 12, sample, reassigned_d, F64);
    let c = crate::case!(
        "reassigned",
        reassigned::<f32>,
        reassigned_grad,
        reassigned_jvp,
        reassigned_vjp,
        [x, y],
        [dx, dy]
    );
    run(&c, 13, sample, reassigned_d, F32);
}

#[differentiable]
fn one_branch(x: f64, y: f64) -> f64 {
    let mut t = 1.0;
    if x > 0.5 {
        t = x * x;
    }
    let mut u = y;
    if x < 0.0 {
        u += x;
    }
    t * y + u
}

fn one_branch_d([x, y]: [f64; 2]) -> [f64; 2] {
    let (t, dt) = if x > 0.5 {
        (x * x, 2.0 * x)
    } else {
        (1.0, 0.0)
    };
    let du_dx = if x < 0.0 { 1.0 } else { 0.0 };
    [dt * y + du_dx, t + 1.0]
}

#[test]
fn variable_assigned_in_only_one_branch() {
    let c = crate::case!(
        "one_branch",
        one_branch,
        one_branch_grad,
        one_branch_jvp,
        one_branch_vjp,
        [x, y],
        [dx, dy]
    );
    run(
        &c,
        14,
        |r| {
            [
                away(r, -2.0, 2.0, &[0.0, 0.5], 0.01),
                oracle::uniform(r, -2.0, 2.0),
            ]
        },
        one_branch_d,
        F64,
    );
}

#[differentiable]
fn blocks_and_shadowing(x: f64, y: f64) -> f64 {
    let z = {
        let a = x * y;
        a + a.sin()
    };
    let x = x * 2.0;
    let x = x.sin() + y;
    let y: f64 = { z } * x;
    y + x * x
}

fn blocks_and_shadowing_d([x, y]: [f64; 2]) -> [f64; 2] {
    let a = x * y;
    let z = a + a.sin();
    let (dz_dx, dz_dy) = ((1.0 + a.cos()) * y, (1.0 + a.cos()) * x);
    let w = (2.0 * x).sin() + y;
    let (dw_dx, dw_dy) = (2.0 * (2.0 * x).cos(), 1.0);
    // z * w + w * w
    [
        dz_dx * w + z * dw_dx + 2.0 * w * dw_dx,
        dz_dy * w + z * dw_dy + 2.0 * w * dw_dy,
    ]
}

#[test]
fn block_expressions_and_shadowing() {
    let c = crate::case!(
        "blocks",
        blocks_and_shadowing,
        blocks_and_shadowing_grad,
        blocks_and_shadowing_jvp,
        blocks_and_shadowing_vjp,
        [x, y],
        [dx, dy]
    );
    run(
        &c,
        15,
        |r| oracle::point(r, -2.0, 2.0),
        blocks_and_shadowing_d,
        F64,
    );
}

#[differentiable]
fn inner<T>(a: T, b: T) -> T
where
    T: Float,
{
    a * b.sin() + b
}

#[differentiable(wrt(a))]
fn scale(a: f64, s: f64) -> f64 {
    a * s.exp()
}

#[differentiable]
fn middle(x: f64, y: f64, n: i32) -> f64 {
    inner(x, 2.0) * y + inner(y, x).powi(n) + scale(x, 0.3)
}

#[differentiable]
fn outer(x: f64, y: f64) -> f64 {
    let m = middle(x, y, 2);
    m * x + middle(0.5, y, 1) + scale(y, 1.5)
}

fn middle_d(x: f64, y: f64, n: i32) -> (f64, [f64; 2]) {
    let i = y * x.sin() + x;
    let v = x * 2f64.sin() + 2.0 + i.powi(n) * 1.0 * 0.0 + i.powi(n) + x * 0.3f64.exp() - 0.0;
    let di = n as f64 * i.powi(n - 1);
    (
        v - 0.0,
        [
            2f64.sin() * y + di * (y * x.cos() + 1.0) + 0.3f64.exp(),
            (x * 2f64.sin() + 2.0) + di * x.sin(),
        ],
    )
}

fn outer_d([x, y]: [f64; 2]) -> [f64; 2] {
    let inner_v = |a: f64, b: f64| a * b.sin() + b;
    let m = inner_v(x, 2.0) * y + inner_v(y, x).powi(2) + x * 0.3f64.exp();
    let (_, dm) = middle_d(x, y, 2);
    let (_, dm2) = middle_d(0.5, y, 1);
    [dm[0] * x + m, dm[1] * x + dm2[1] + 1.5f64.exp()]
}

#[test]
fn calls_three_deep_with_constant_arguments() {
    let c = crate::case!(
        "outer",
        outer,
        outer_grad,
        outer_jvp,
        outer_vjp,
        [x, y],
        [dx, dy]
    );
    run(&c, 16, |r| oracle::point(r, -1.5, 1.5), outer_d, F64);
    // The closed form of `middle` itself.
    let mut r = oracle::rng(17);
    for _ in 0..oracle::POINTS {
        let [x, y] = oracle::point(&mut r, -1.5, 1.5);
        let (_, (gx, gy)) = middle_grad(x, y, 3);
        assert_all_close("middle", &[gx, gy], &middle_d(x, y, 3).1, 1e-10, 1e-12);
    }
}

#[test]
fn wrt_narrowed_callee_differentiates_only_its_active_parameter() {
    let mut r = oracle::rng(18);
    for _ in 0..oracle::POINTS {
        let [a, s] = oracle::point(&mut r, -2.0, 2.0);
        let (v, g) = scale_grad(a, s);
        assert_eq!(v, scale(a, s));
        assert_close("d scale / d a", g, s.exp(), 1e-14, 0.0);
        let (_, t) = scale_jvp(a, s, 1.0);
        assert_close("scale jvp", t, s.exp(), 1e-14, 0.0);
    }
}

#[differentiable]
fn unused_parameter(x: f64, _y: f64, _z: f32) -> f64 {
    x * x + 1.0
}

#[differentiable]
fn constant_output(x: f64) -> f64 {
    let _t = x * 2.0;
    3.5
}

#[test]
fn parameters_without_influence_get_zero_gradients() {
    let mut r = oracle::rng(19);
    for _ in 0..oracle::POINTS {
        let [x, y, z] = oracle::point(&mut r, -2.0, 2.0);
        let (v, (gx, gy, gz)) = unused_parameter_grad(x, y, z as f32);
        assert_eq!(v, x * x + 1.0);
        assert_close("used", gx, 2.0 * x, 1e-14, 0.0);
        assert_eq!((gy, gz), (0.0, 0.0f32));
        let (_, t) = unused_parameter_jvp(x, y, z as f32, 0.0, 1.0, 1.0);
        assert_eq!(t, 0.0);
        let (v, g) = constant_output_grad(x);
        assert_eq!((v, g), (3.5, 0.0));
        assert_eq!(constant_output_jvp(x, 1.0), (3.5, 0.0));
        assert_eq!(oracle::fd1(constant_output, x), 0.0);
    }
}

#[differentiable]
fn seeded(x: f64, y: f64) -> f64 {
    x.sin() * y
}

#[test]
fn vjp_seed_scales_the_gradient() {
    let mut r = oracle::rng(20);
    for _ in 0..oracle::POINTS {
        let [x, y] = oracle::point(&mut r, -2.0, 2.0);
        let seed = oracle::uniform(&mut r, -5.0, 5.0);
        let (v, (gx, gy)) = seeded_vjp(x, y, seed);
        assert_eq!(v, seeded(x, y));
        assert_all_close(
            "vjp",
            &[gx, gy],
            &[seed * x.cos() * y, seed * x.sin()],
            1e-12,
            1e-14,
        );
        assert_eq!(seeded_vjp(x, y, 0.0).1, (0.0, 0.0));
    }
}

#[differentiable]
fn stopped(x: f64, y: f64) -> f64 {
    x * stop_gradient(y) + stop_gradient(x * x) + autodiff::stop_gradient(x.sin()) * y
}

#[test]
fn stop_gradient_drops_the_derivative_through_its_argument() {
    let mut r = oracle::rng(21);
    for _ in 0..oracle::POINTS {
        let [x, y] = oracle::point(&mut r, -2.0, 2.0);
        let (v, (gx, gy)) = stopped_grad(x, y);
        assert_eq!(v, stopped(x, y));
        // Only the unstopped factors carry derivatives: d/dx = y, d/dy = sin(x).
        assert_all_close("stopped", &[gx, gy], &[y, x.sin()], 1e-14, 0.0);
        let (_, t) = stopped_jvp(x, y, 1.0, 0.0);
        assert_close("stopped jvp x", t, y, 1e-14, 0.0);
        let (_, t) = stopped_jvp(x, y, 0.0, 1.0);
        assert_close("stopped jvp y", t, x.sin(), 1e-14, 0.0);
        // And it really differs from the true derivative.
        let fd = oracle::fd(|[x, y]| stopped(x, y), [x, y]);
        assert!(
            (fd[0] - gx - (2.0 * x + x.cos() * y)).abs() < 1e-5,
            "{fd:?}"
        );
        assert!((fd[1] - gy - x).abs() < 1e-5, "{fd:?}");
    }
}

/// An active value made an integer through `stop_gradient`: an index and a loop bound.
#[differentiable]
fn stopped_index(x: &[f64; 4], q: f64) -> f64 {
    let k = (stop_gradient(q * 2.0) as usize).min(3);
    let mut s = x[k] * q;
    for j in 0..stop_gradient(q) as usize {
        s += x[j] * x[j];
    }
    s
}

#[test]
fn stop_gradient_makes_an_active_value_an_index() {
    for (x, q) in [([0.5, -1.0, 2.0, 1.5], 1.3), ([1.0, 2.0, -0.5, 0.25], 2.7)] {
        let (v, (gx, gq)) = stopped_index_grad(&x, q);
        assert_eq!(v, stopped_index(&x, q));
        let (k, n) = (((q * 2.0) as usize).min(3), q as usize);
        let mut want = [0.0; 4];
        want[k] += q;
        for j in 0..n {
            want[j] += 2.0 * x[j];
        }
        assert_all_close("stopped_index x", &gx, &want, 1e-14, 0.0);
        assert_close("stopped_index q", gq, x[k], 1e-14, 0.0);
    }
}

/// A branch on a stopped active value, and a stopped value passed to a plain function.
#[differentiable]
fn stopped_branch(x: f64, y: f64) -> f64 {
    let shift = plain_shift(stop_gradient(y));
    if stop_gradient(x) > 0.0 {
        x * y + shift
    } else {
        x + y * shift
    }
}

fn plain_shift(v: f64) -> f64 {
    v * v + 1.0
}

#[test]
fn stop_gradient_in_a_condition_and_a_plain_call() {
    for (x, y) in [(0.7, -1.3), (-0.4, 2.1)] {
        let (v, (gx, gy)) = stopped_branch_grad(x, y);
        assert_eq!(v, stopped_branch(x, y));
        let shift = y * y + 1.0;
        let want = if x > 0.0 { (y, x) } else { (1.0, shift) };
        assert_all_close("stopped_branch", &[gx, gy], &[want.0, want.1], 1e-14, 0.0);
        let (_, t) = stopped_branch_jvp(x, y, 0.3, -0.7);
        assert_close(
            "stopped_branch jvp",
            t,
            0.3 * want.0 - 0.7 * want.1,
            1e-14,
            1e-15,
        );
    }
}

#[differentiable]
fn pick(x: &[f64; 3], i: usize) -> f64 {
    x[i] * x[(i + 1) % 3] + x[2]
}

#[differentiable]
fn from_vec(v: Vec<f64>) -> f64 {
    v[0] * v[1] + v[2].sin()
}

#[test]
fn indexing_by_an_inactive_index_and_vec_parameters() {
    let mut r = oracle::rng(22);
    for _ in 0..oracle::POINTS {
        let x: [f64; 3] = oracle::point(&mut r, -2.0, 2.0);
        for i in 0..3 {
            let (_, g) = pick_grad(&x, i);
            let mut want = [0.0, 0.0, 1.0];
            want[i] += x[(i + 1) % 3];
            want[(i + 1) % 3] += x[i];
            let fd = oracle::fd(|q| pick(&q, i), x);
            oracle::check_gradient("pick", &g, &want, &fd, F64);
            let (_, t) = pick_jvp(&x, i, &[1.0, 2.0, 3.0]);
            oracle::check_directional("pick", t, &g, &[1.0, 2.0, 3.0], F64);
        }
        let (v, g) = from_vec_grad(x.to_vec());
        assert_eq!(v, from_vec(x.to_vec()));
        let fd = oracle::fd(|q| from_vec(q.to_vec()), x);
        oracle::check_gradient("from_vec", &g, &[x[1], x[0], x[2].cos()], &fd, F64);
        let (_, t) = from_vec_jvp(x.to_vec(), vec![0.5, -1.0, 2.0]);
        oracle::check_directional("from_vec", t, &g, &[0.5, -1.0, 2.0], F64);
    }
}

/// Minimal reproductions of constructs that once failed to compile.
mod regressions {
    mod return_in_if_arm_with_else_tail {
        use autodiff::differentiable;

        // `return` at the end of one arm while the other arm is the tail value.
        #[differentiable]
        #[allow(clippy::needless_return)]
        fn f(x: f64) -> f64 {
            if x < 0.0 {
                return -x;
            } else {
                x * x
            }
        }

        #[test]
        fn return_in_if_arm() {
            assert_eq!(f_grad(-2.0), (2.0, -1.0));
            assert_eq!(f_grad(3.0), (9.0, 6.0));
        }
    }
}

/// Early returns from an `if` nested in another, with and without a binding of the outer arm.
#[differentiable]
fn nested_returns(x: f64, y: f64) -> f64 {
    if x > 0.0 {
        let t = x * 2.0;
        if y > 0.0 {
            return t * y;
        }
        if y < -1.0 {
            return t + y;
        }
    }
    x * y + y
}

fn nested_returns_d(x: f64, y: f64) -> [f64; 2] {
    match (x > 0.0, y) {
        (true, y) if y > 0.0 => [2.0 * y, 2.0 * x],
        (true, y) if y < -1.0 => [2.0, 1.0],
        _ => [y, x + 1.0],
    }
}

/// Early returns and `continue` in the arms of a `match` on an inactive value, braced or not.
#[differentiable]
#[allow(clippy::collapsible_match)]
fn match_exits(x: f64, kind: u8, n: usize) -> f64 {
    let z = x * 3.0;
    match kind {
        0 => return x.tanh(),
        1 => {
            if x > 0.5 {
                return z;
            }
        }
        _ => {}
    }
    let mut y = z * x;
    for i in 0..n {
        y *= x;
        match i % 3 {
            0 => continue,
            1 => {
                y += 1.0;
                continue;
            }
            _ => {}
        }
        y -= x;
    }
    y
}

#[test]
fn early_exits_in_nested_ifs_and_match_arms() {
    for (x, y) in [(1.0, 2.0), (1.0, -2.0), (1.0, -0.5), (-1.0, 2.0)] {
        let (v, (gx, gy)) = nested_returns_grad(x, y);
        assert_eq!(v, nested_returns(x, y));
        let [ex, ey] = nested_returns_d(x, y);
        assert!(
            (gx - ex).abs() < 1e-12 && (gy - ey).abs() < 1e-12,
            "({x}, {y})"
        );
        let (_, t) = nested_returns_jvp(x, y, 1.0, -0.5);
        assert!((t - (ex - 0.5 * ey)).abs() < 1e-12);
    }
    for kind in 0..3 {
        for x in [0.3, 0.7, 1.1] {
            let f = |p: [f64; 1]| match_exits(p[0], kind, 7);
            let (v, g) = match_exits_grad(x, kind, 7);
            assert_eq!(v, f([x]));
            let [e] = oracle::fd(f, [x]);
            assert_close(&format!("match_exits({x}, {kind})"), g, e, 1e-6, 1e-8);
            let (_, t) = match_exits_jvp(x, kind, 7, 1.0);
            assert_close("match_exits jvp", t, g, 1e-12, 1e-12);
        }
    }
}

/// Comparisons of active values converted to integers and floats: constants.
#[differentiable]
fn counted_comparisons(x: f64, y: f64) -> f64 {
    let k = (x > 0.0) as u8 + (y > x && x > -1.0) as u8;
    let w = (x < y) as i32 as f64;
    if k == 1 {
        x * y + w
    } else {
        x + y * w
    }
}

#[test]
fn comparisons_converted_to_numbers_are_constants() {
    for (x, y, want) in [
        (0.5, 2.0, [1.0, 1.0]),
        (-0.5, 2.0, [2.0, -0.5]),
        (0.5, -2.0, [-2.0, 0.5]),
    ] {
        let (v, (gx, gy)) = counted_comparisons_grad(x, y);
        assert_eq!(v, counted_comparisons(x, y));
        assert_eq!([gx, gy], want, "at ({x}, {y})");
    }
}
