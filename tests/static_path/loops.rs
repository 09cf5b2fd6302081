//! Loops on the static path: carried variables, early exits, loops over containers, each
//! checked against closed forms, finite differences and the other mode.

use autodiff::differentiable;
use num_traits::Float;

#[differentiable]
fn sum_sq(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    s
}

#[differentiable]
fn dot_iter(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (a, b) in x.iter().zip(y.iter()) {
        s += a * b;
    }
    s
}

#[differentiable]
fn weighted<T: Float>(x: &[T; 4]) -> T {
    let mut s = T::zero();
    for (i, &v) in x.iter().enumerate() {
        if i % 2 == 0 {
            continue;
        }
        s = s + v.sin() * T::from(i).unwrap();
    }
    s
}

#[differentiable]
fn newton_sqrt(a: f64) -> f64 {
    let mut x = a;
    let mut k = 0;
    while k < 30 {
        let next = 0.5 * (x + a / x);
        if (next - x).abs() < 1e-15 {
            break;
        }
        x = next;
        k += 1;
    }
    x
}

#[differentiable]
fn power_loop(x: f64, n: usize) -> f64 {
    let mut p = 1.0;
    let mut i = 0;
    loop {
        if i == n {
            break;
        }
        p *= x;
        i += 1;
    }
    p
}

#[differentiable]
fn swap_rotate(x: f64, y: f64) -> f64 {
    let (mut a, mut b) = (x, y);
    for _ in 0..3 {
        let t = a;
        a = b * 0.5;
        b = t + a;
    }
    a * b
}

fn fd(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let h = 1e-6;
    (f(x + h) - f(x - h)) / (2.0 * h)
}

#[test]
fn sum_of_squares_over_a_slice() {
    let x = vec![0.5, -1.5, 2.0];
    let (v, g) = sum_sq_grad(&x);
    assert_eq!(v, 0.25 + 2.25 + 4.0);
    assert_eq!(g, vec![1.0, -3.0, 4.0]);
    let (_, t) = sum_sq_jvp(&x, &[1.0, 1.0, 1.0]);
    assert_eq!(t, 1.0 - 3.0 + 4.0);
}

#[test]
fn zip_of_two_slices() {
    let (x, y) = (vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0]);
    let (v, (gx, gy)) = dot_iter_grad(&x, &y);
    assert_eq!(v, 32.0);
    assert_eq!(gx, y);
    assert_eq!(gy, x);
}

#[test]
fn enumerate_with_continue() {
    let x = [0.1_f64, 0.2, 0.3, 0.4];
    let (_, g) = weighted_grad(&x);
    assert_eq!(g[0], 0.0);
    assert_eq!(g[2], 0.0);
    assert!((g[1] - 0.2f64.cos()).abs() < 1e-15);
    assert!((g[3] - 3.0 * 0.4f64.cos()).abs() < 1e-15);
    let (_, t) = weighted_jvp(&x, &[1.0, 1.0, 1.0, 1.0]);
    assert!((t - g.iter().sum::<f64>()).abs() < 1e-15);
}

#[test]
fn while_with_break_whose_trip_count_depends_on_the_input() {
    for a in [0.3, 2.0, 9.0, 150.0] {
        let (v, g) = newton_sqrt_grad(a);
        assert!((v - a.sqrt()).abs() < 1e-12);
        assert!((g - 0.5 / a.sqrt()).abs() < 1e-9, "{a}: {g}");
        let (_, t) = newton_sqrt_jvp(a, 1.0);
        assert!((t - g).abs() < 1e-12);
    }
}

#[test]
fn loop_with_break() {
    let (v, g) = power_loop_grad(1.3, 5);
    assert!((v - 1.3f64.powi(5)).abs() < 1e-12);
    assert!((g - 5.0 * 1.3f64.powi(4)).abs() < 1e-12);
    assert_eq!(power_loop_grad(1.3, 0), (1.0, 0.0));
}

#[test]
fn carried_variables_swap() {
    let (x, y) = (0.7, -0.4);
    let (_, (gx, gy)) = swap_rotate_grad(x, y);
    assert!((gx - fd(|x| swap_rotate(x, y), x)).abs() < 1e-7);
    assert!((gy - fd(|y| swap_rotate(x, y), y)).abs() < 1e-7);
    let (_, t) = swap_rotate_jvp(x, y, 1.0, 0.0);
    assert!((t - gx).abs() < 1e-12);
}
