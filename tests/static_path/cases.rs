//! Checks shared by the edge-case suites of split calls and in-place stores: value, gradient
//! against central differences and JVP against the gradient, at random points, for functions
//! of one slice; `case!` makes a test of them, `caller!` a function that calls another in a
//! loop (so that the call is split).

use super::oracle::{assert_all_close, assert_close, fd_slice, random_vec};

pub fn random(seed: u64, n: usize) -> Vec<f64> {
    random_vec(seed, n, -1.2, 1.2)
}

/// The value against the plain function and the gradient against central differences.
pub fn check(
    what: &str,
    n: usize,
    f: impl Fn(&[f64]) -> f64,
    grad: impl Fn(&[f64]) -> (f64, Vec<f64>),
) {
    for seed in 0..4 {
        let x = random(seed, n);
        let (value, g) = grad(&x);
        assert!(
            (value - f(&x)).abs() <= 1e-12 * value.abs().max(1.0),
            "{what}: value {value} vs {}",
            f(&x)
        );
        assert_all_close(what, &g, &fd_slice(&f, &x), 1e-5, 1e-6);
    }
}

/// The JVP against the gradient's dot product with a random direction.
pub fn check_jvp(
    what: &str,
    n: usize,
    grad: impl Fn(&[f64]) -> (f64, Vec<f64>),
    jvp: impl Fn(&[f64], &[f64]) -> (f64, f64),
) {
    for seed in 0..4 {
        let x = random(seed, n);
        let (_, g) = grad(&x);
        let dir = random(seed + 40, n);
        let (_, t) = jvp(&x, &dir);
        let dot: f64 = g.iter().zip(&dir).map(|(a, b)| a * b).sum();
        assert_close(&format!("{what}: jvp"), t, dot, 1e-9, 1e-10);
    }
}

/// A test of `$f` (with `$g` its gradient and `$j` its JVP) at random points of length `$n`.
macro_rules! case {
    ($test:ident, $f:ident, $g:ident, $j:ident, $n:expr) => {
        #[test]
        fn $test() {
            super::cases::check(stringify!($f), $n, |x| $f(x), |x| $g(x));
            super::cases::check_jvp(stringify!($f), $n, |x| $g(x), |x, d| $j(x, d));
        }
    };
}

/// `$name(x)` calls `$callee(x)` in a loop: split mode.
macro_rules! caller {
    ($name:ident, $callee:ident) => {
        #[differentiable]
        fn $name(x: &[f64]) -> f64 {
            let mut t = 0.0;
            for c in 0..2 {
                let q = $callee(x);
                t = t * 0.5 + q * q;
            }
            t
        }
    };
}
