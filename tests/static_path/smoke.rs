use autodiff::differentiable;
use num_traits::Float;

#[differentiable]
fn rosen(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

#[differentiable]
fn generic<T: Float>(x: T, n: usize) -> T {
    let mut s = T::zero();
    s = s + x.sin() * T::from(n).unwrap();
    if s > T::zero() {
        s = s * x;
    } else {
        s = -s;
    }
    s
}

#[differentiable]
fn arr(x: &[f64; 3]) -> f64 {
    let [a, b, c] = *x;
    a * b + c.exp() + rosen(a, x[1])
}

#[test]
fn smoke() {
    let (v, (dx, dy)) = rosen_grad(1.5, 2.0);
    assert_eq!(v, rosen(1.5, 2.0));
    assert!((dx - (-2.0 * (1.0 - 1.5) - 400.0 * 1.5 * (2.0 - 1.5 * 1.5))).abs() < 1e-9);
    assert!((dy - 200.0 * (2.0 - 1.5 * 1.5)).abs() < 1e-9);
    let (_, t) = rosen_jvp(1.5, 2.0, 1.0, 0.0);
    assert!((t - dx).abs() < 1e-9);
    let (_, g) = generic_grad(0.7f32, 3);
    let (_, t) = generic_jvp(0.7f32, 3, 1.0);
    assert!((g - t).abs() < 1e-5);
    let (_, g) = arr_grad(&[0.1, 0.2, 0.3]);
    let (_, t) = arr_jvp(&[0.1, 0.2, 0.3], &[0.0, 0.0, 1.0]);
    assert!((g[2] - t).abs() < 1e-12);
}

struct Spring<T> {
    k: T,
    rest: f64,
}

#[differentiable]
impl<T: Float> Spring<T> {
    #[differentiable]
    fn energy(&self, x: T) -> T {
        let d = x - T::from(self.rest).unwrap();
        self.k * d * d / (T::one() + T::one()) + self.damp(x)
    }

    #[differentiable(wrt(x))]
    fn damp(&self, x: T) -> T {
        x.sin() * self.k
    }

    #[differentiable]
    fn both(x: T, y: T) -> T {
        Self::scaled(x, y) * y
    }

    #[differentiable]
    fn scaled(x: T, y: T) -> T {
        x * y.exp()
    }
}

#[test]
fn methods() {
    let s = Spring {
        k: 2.0_f64,
        rest: 1.0,
    };
    let (v, g) = s.energy_grad(1.5);
    assert_eq!(v, s.energy(1.5));
    assert!((g - (2.0 * 0.5 + 1.5f64.cos() * 2.0)).abs() < 1e-12);
    let (_, t) = s.energy_jvp(1.5, 1.0);
    assert!((t - g).abs() < 1e-12);
    let (_, (gx, gy)) = Spring::<f64>::both_grad(0.3, 0.4);
    assert!((gx - 0.4 * 0.4f64.exp()).abs() < 1e-12);
    assert!((gy - (0.3 * 0.4f64.exp() * 0.4 + 0.3 * 0.4f64.exp())).abs() < 1e-12);
    // Pullbacks of a method with a receiver and of one without.
    let (v, pullback) = s.energy_pullback(1.5);
    assert_eq!(v, s.energy(1.5));
    assert!((pullback(2.0) - 2.0 * g).abs() < 1e-12);
    let (_, pullback) = Spring::<f64>::both_pullback(0.3, 0.4);
    assert_eq!(pullback(1.0), (gx, gy));
}

#[differentiable]
fn polar(r: f64, theta: f64) -> (f64, f64) {
    (r * theta.cos(), r * theta.sin())
}

#[differentiable]
fn pair(x: &[f64; 2]) -> [f64; 2] {
    [x[0] * x[1], 3.0]
}

#[test]
fn vector_outputs() {
    let (v, (dr, dtheta)) = polar_vjp(2.0, 0.5, (1.0, 0.0));
    assert_eq!(v, polar(2.0, 0.5));
    assert!((dr - 0.5f64.cos()).abs() < 1e-15);
    assert!((dtheta + 2.0 * 0.5f64.sin()).abs() < 1e-15);
    let (_, t) = polar_jvp(2.0, 0.5, 0.0, 1.0);
    assert!((t.0 + 2.0 * 0.5f64.sin()).abs() < 1e-15);
    assert!((t.1 - 2.0 * 0.5f64.cos()).abs() < 1e-15);
    let (_, g) = pair_vjp(&[2.0, 5.0], [1.0, 7.0]);
    assert_eq!(g, [5.0, 2.0]);
    let (_, t) = pair_jvp(&[2.0, 5.0], &[1.0, 0.0]);
    assert_eq!(t, [5.0, 0.0]);
}

/// Generic over nalgebra's `RealField`, the other family of float bounds.
#[differentiable]
fn real_field<T: nalgebra::RealField + Copy>(x: T, y: T) -> T {
    let two: T = nalgebra::convert(2.0);
    (x * y).sin() + x.powi(2) / two + T::hypot(x, y)
}

#[test]
fn real_field_generic() {
    let (x, y) = (0.7_f64, -1.1);
    let (v, (dx, dy)) = real_field_grad(x, y);
    assert_eq!(v, (x * y).sin() + x.powi(2) / 2.0 + x.hypot(y));
    let h = x.hypot(y);
    assert!((dx - ((x * y).cos() * y + x + x / h)).abs() < 1e-12);
    assert!((dy - ((x * y).cos() * x + y / h)).abs() < 1e-12);
    let (_, t) = real_field_jvp(0.7_f32, -1.1, 1.0, 0.0);
    assert!((t as f64 - dx).abs() < 1e-5);
}
