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

/// Prefix sums into a local buffer, returned as the output.
#[differentiable]
fn cumulative(x: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
        out[i] = s;
    }
    out
}

/// A buffer overwritten in every iteration, and read back.
#[differentiable]
fn smoothed(x: &[f64]) -> f64 {
    let mut buf = [0.0; 2];
    let mut total = 0.0;
    for i in 0..x.len() {
        buf[i % 2] = x[i].sin();
        buf[(i + 1) % 2] *= 0.5;
        total += buf[0] * buf[1];
    }
    total
}

#[differentiable]
fn segment_norm(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s.sqrt()
}

/// Helpers called on sub-slices: their adjoints land in the right range.
#[differentiable]
fn two_segments(x: &[f64]) -> f64 {
    let n = x.len() / 2;
    segment_norm(&x[..n]) * segment_norm(&x[n..])
}

#[test]
fn buffer_output_vjp_and_jvp() {
    let x = vec![1.0, 2.0, -0.5];
    let (v, g) = cumulative_vjp(&x, vec![1.0, 0.0, 1.0]);
    assert_eq!(v, vec![1.0, 5.0, 5.25]);
    // d/dx of out[0] + out[2] = 2 x0 + (2 x0 + 2 x1 + 2 x2)
    assert_eq!(g, vec![4.0, 4.0, -1.0]);
    let (_, t) = cumulative_jvp(&x, &[0.0, 1.0, 0.0]);
    assert_eq!(t, vec![0.0, 4.0, 4.0]);
}

#[test]
fn buffer_overwritten_in_every_iteration() {
    let x = vec![0.3, -0.7, 1.1, 0.2, -1.4];
    let (_, g) = smoothed_grad(&x);
    for k in 0..x.len() {
        let mut xp = x.clone();
        xp[k] += 1e-6;
        let mut xm = x.clone();
        xm[k] -= 1e-6;
        let fd = (smoothed(&xp) - smoothed(&xm)) / 2e-6;
        assert!((g[k] - fd).abs() < 1e-8, "{k}: {} vs {fd}", g[k]);
        let mut e = vec![0.0; x.len()];
        e[k] = 1.0;
        assert!((smoothed_jvp(&x, &e).1 - g[k]).abs() < 1e-12);
    }
}

#[test]
fn sub_slices_passed_to_a_helper() {
    let x = vec![3.0, 4.0, 1.0, 2.0, 2.0];
    let (v, g) = two_segments_grad(&x);
    let (a, b) = (5.0, 3.0);
    assert!((v - a * b).abs() < 1e-12);
    let expected = [
        3.0 / a * b,
        4.0 / a * b,
        1.0 / b * a,
        2.0 / b * a,
        2.0 / b * a,
    ];
    for (g, e) in g.iter().zip(expected) {
        assert!((g - e).abs() < 1e-12);
    }
    let (_, t) = two_segments_jvp(&x, &[1.0, 0.0, 0.0, 0.0, 1.0]);
    assert!((t - expected[0] - expected[4]).abs() < 1e-12);
}

/// Early return from inside a loop: the first element above a threshold, scaled.
#[differentiable]
fn first_above(x: &[f64], t: f64) -> f64 {
    for i in 0..x.len() {
        if x[i] > t {
            return x[i] * x[i];
        }
    }
    t * 2.0
}

#[test]
fn early_return_from_inside_a_loop() {
    let x = vec![0.1, 0.5, 0.9, 2.0];
    let (v, (g, gt)) = first_above_grad(&x, 0.4);
    assert_eq!(v, 0.25);
    assert_eq!(g, vec![0.0, 1.0, 0.0, 0.0]);
    assert_eq!(gt, 0.0);
    let (v, (g, gt)) = first_above_grad(&x, 5.0);
    assert_eq!(v, 10.0);
    assert_eq!(g, vec![0.0; 4]);
    assert_eq!(gt, 2.0);
    assert_eq!(first_above_jvp(&x, 0.4, &[0.0, 1.0, 0.0, 0.0], 0.0).1, 1.0);
}

/// A loop reading a variable changed after it: its backward sweep must not run it again
/// with the new value.
#[differentiable]
fn scaled_then_changed(x: &[f64]) -> f64 {
    let mut k = 2.0;
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * k;
    }
    k = 5.0;
    s + k
}

/// A carried value whose partials matter: the product.
#[differentiable]
fn running_product(x: &[f64]) -> f64 {
    let mut p = 1.0;
    for i in 0..x.len() {
        p *= x[i].exp();
        p = p.powf(0.9);
    }
    p
}

#[test]
fn loops_run_again_only_when_that_is_safe() {
    let x = vec![0.5, -1.0, 2.0];
    let (v, g) = scaled_then_changed_grad(&x);
    assert_eq!(v, 2.0 * 1.5 + 5.0);
    assert_eq!(g, vec![2.0; 3]);
    let (_, g) = running_product_grad(&x);
    for k in 0..x.len() {
        let mut xp = x.clone();
        xp[k] += 1e-6;
        let mut xm = x.clone();
        xm[k] -= 1e-6;
        let fd = (running_product(&xp) - running_product(&xm)) / 2e-6;
        assert!((g[k] - fd).abs() < 1e-7, "{k}: {} vs {fd}", g[k]);
        let mut e = vec![0.0; 3];
        e[k] = 1.0;
        assert!((running_product_jvp(&x, &e).1 - g[k]).abs() < 1e-12);
    }
}

/// Two coupled carried values (a rotation per element): every partial reads them.
#[differentiable]
fn rotations(x: &[f64], r: f64) -> f64 {
    let mut a = r;
    let mut b = 0.0;
    for i in 0..x.len() {
        let (c, s) = (x[i].cos(), x[i].sin());
        let a_next = a * c - b * s;
        b = a * s + b * c;
        a = a_next * 1.01;
    }
    a * a + 3.0 * b
}

#[test]
fn coupled_carried_values_against_finite_differences() {
    let mut rng = super::oracle::rng(77);
    for _ in 0..20 {
        let n = rand::Rng::gen_range(&mut rng, 1..8);
        let x: Vec<f64> = (0..n)
            .map(|_| rand::Rng::gen_range(&mut rng, -2.0..2.0))
            .collect();
        let r = rand::Rng::gen_range(&mut rng, 0.5..2.0);
        let (_, (g, gr)) = rotations_grad(&x, r);
        for k in 0..n {
            let mut xp = x.clone();
            xp[k] += 1e-6;
            let mut xm = x.clone();
            xm[k] -= 1e-6;
            let fd = (rotations(&xp, r) - rotations(&xm, r)) / 2e-6;
            assert!(
                (g[k] - fd).abs() < 1e-6 * fd.abs().max(1.0),
                "{k}: {} vs {fd}",
                g[k]
            );
        }
        let fd = (rotations(&x, r + 1e-6) - rotations(&x, r - 1e-6)) / 2e-6;
        assert!((gr - fd).abs() < 1e-6 * fd.abs().max(1.0));
        let t: Vec<f64> = (0..n).map(|i| (i as f64 * 0.3).sin()).collect();
        let (_, jv) = rotations_jvp(&x, r, &t, 0.5);
        let expected: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum::<f64>() + 0.5 * gr;
        assert!((jv - expected).abs() < 1e-10 * expected.abs().max(1.0));
    }
}

/// A `while` whose condition reads the value the loop accumulates, and an inactive counter.
#[differentiable]
fn grow_until(x: &[f64], k: f64) -> f64 {
    let mut t = 0.0;
    let mut j = 0;
    while t < 2.0 && j < x.len() {
        t += x[j] * x[j] * k + 0.1;
        j += 1;
    }
    t
}

#[test]
fn while_condition_reading_a_carried_value() {
    let mut r = super::oracle::rng(51);
    for _ in 0..40 {
        let n = 1 + (super::oracle::uniform(&mut r, 0.0, 7.0) as usize);
        let x: Vec<f64> = (0..n)
            .map(|_| super::oracle::uniform(&mut r, -1.5, 1.5))
            .collect();
        let k = super::oracle::uniform(&mut r, 0.2, 2.0);
        // The trip count, found by running the loop by hand.
        let (mut t, mut trips) = (0.0, 0);
        while t < 2.0 && trips < n {
            t += x[trips] * x[trips] * k + 0.1;
            trips += 1;
        }
        let (value, (gx, gk)) = grow_until_grad(&x, k);
        assert_eq!(value, t);
        assert_eq!(value, grow_until(&x, k));
        for (j, g) in gx.iter().enumerate() {
            let want = if j < trips { 2.0 * x[j] * k } else { 0.0 };
            super::oracle::assert_close("x̄", *g, want, 1e-12, 1e-14);
        }
        let want: f64 = x[..trips].iter().map(|v| v * v).sum();
        super::oracle::assert_close("k̄", gk, want, 1e-12, 1e-14);
    }
}

#[differentiable]
fn squared_sum(v: &[f64]) -> f64 {
    v.iter().map(|&a| a * a).sum()
}

/// A buffer passed to a helper and overwritten afterwards, then passed again: the first
/// call's replay must read the values that call saw, the second may read the buffer itself.
#[differentiable]
fn overwritten_after_a_call(x: &[f64]) -> f64 {
    let n = x.len();
    let mut b = vec![0.0; n];
    for i in 0..n {
        b[i] = x[i].sin();
    }
    let first = squared_sum(&b);
    for i in 0..n {
        b[i] = x[i] * first;
    }
    first * squared_sum(&b)
}

#[test]
fn buffer_overwritten_after_a_call() {
    let mut r = super::oracle::rng(52);
    for n in 1..6 {
        let x: Vec<f64> = (0..n)
            .map(|_| super::oracle::uniform(&mut r, -1.5, 1.5))
            .collect();
        let (value, g) = overwritten_after_a_call_grad(&x);
        assert_eq!(value, overwritten_after_a_call(&x));
        // Closed form: s = Σ sin²x, f = s · Σ (x s)² = s³ Σ x².
        let s: f64 = x.iter().map(|v| v.sin() * v.sin()).sum();
        let q: f64 = x.iter().map(|v| v * v).sum();
        for (i, gi) in g.iter().enumerate() {
            let ds = 2.0 * x[i].sin() * x[i].cos();
            let want = 3.0 * s * s * ds * q + s * s * s * 2.0 * x[i];
            super::oracle::assert_close("x̄", *gi, want, 1e-12, 1e-12);
        }
    }
}

/// A buffer passed to a helper, then shadowed by a new buffer of the same name: each keeps
/// its own adjoint.
#[differentiable]
fn shadowed_buffer(x: &[f64]) -> f64 {
    let n = x.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        z[i] = x[i].sin();
    }
    let a = squared_sum(&z);
    let z = vec![3.0; n];
    a * z[0] * x[0]
}

#[test]
fn shadowed_buffer_keeps_its_own_adjoint() {
    let x = [0.3, -0.7, 1.1, 0.4];
    let (value, g) = shadowed_buffer_grad(&x);
    assert_eq!(value, shadowed_buffer(&x));
    // f = 3 x₀ Σ sin²xᵢ.
    let a: f64 = x.iter().map(|v| v.sin() * v.sin()).sum();
    for (i, gi) in g.iter().enumerate() {
        let mut want = 3.0 * x[0] * 2.0 * x[i].sin() * x[i].cos();
        if i == 0 {
            want += 3.0 * a;
        }
        super::oracle::assert_close("x̄", *gi, want, 1e-12, 1e-12);
    }
}

/// One element read twice in an expression (`x[i] * x[i]`) is one value; reads of another
/// container at the same index, reads after a store to the element and reads after the index
/// changed are not.
#[differentiable]
fn repeated_reads(x: &[f64]) -> f64 {
    let n = x.len();
    let mut b = vec![0.0; n];
    let mut s = 0.0;
    let mut k = 0;
    for i in 0..n {
        b[i] = x[i] * x[i] + x[i];
        s += b[i] * b[i] * x[k];
        k = (k + 1) % n;
        s += x[k] * x[k] * b[i] + b[i] * x[i];
        b[i] *= x[i];
        s += (b[i] * b[i]).sin();
    }
    s
}

#[test]
fn repeated_reads_of_one_element() {
    super::cases::check("repeated_reads", 5, repeated_reads, repeated_reads_grad);
    super::cases::check_jvp("repeated_reads", 5, repeated_reads_grad, |x, d| {
        repeated_reads_jvp(x, d)
    });
}

// Labelled loops: `continue 'outer` and `break 'outer` from a nested loop, on conditions that
// read active values.
#[differentiable]
fn first_pass_over(x: &[f64], t: f64) -> f64 {
    let mut s = 0.0;
    'outer: for i in 0..x.len() {
        for j in 0..x.len() {
            if j == i + 1 {
                continue 'outer;
            }
            s += x[i] * x[j];
            if s > t {
                break 'outer;
            }
        }
        s *= 0.9;
    }
    s
}

// Three loops deep: exits of both labels from the innermost loop, a `while` among them.
#[differentiable]
fn three_deep(x: &[f64]) -> f64 {
    let mut s = 1.0;
    'points: for i in 0..3 {
        let mut k = 0;
        'steps: while k < 3 {
            k += 1;
            for j in 0..2 {
                s *= 1.0 + x[(i + j + k) % x.len()] * 0.1;
                if s > 1.3 {
                    break 'points;
                }
                if j == 1 && k == 2 {
                    continue 'steps;
                }
                if s < 0.8 {
                    continue 'points;
                }
            }
            s += x[0] * 0.01;
        }
    }
    s
}
case!(
    case_three_deep,
    three_deep,
    three_deep_grad,
    three_deep_jvp,
    4
);

#[test]
fn labelled_exits_from_nested_loops() {
    for t in [0.2, 0.6, 3.0] {
        super::cases::check(
            "first_pass_over",
            4,
            |x| first_pass_over(x, t),
            |x| {
                let (v, (g, _)) = first_pass_over_grad(x, t);
                (v, g)
            },
        );
    }
    // Each row up to its diagonal; only the last row runs to its end and is scaled.
    let x = [1.0, 2.0, 3.0, 4.0];
    assert_eq!(first_pass_over(&x, 100.0), (1.0 + 6.0 + 18.0 + 40.0) * 0.9);
    // Stopped in the last row, once past 30.
    assert_eq!(first_pass_over(&x, 30.0), 25.0 + 4.0 + 8.0);
}

// Labelled exits from a loop written as a `match` arm without braces, and as an arm itself.
#[differentiable]
fn labelled_arms(x: &[f64]) -> f64 {
    let mut s = 0.0;
    'rows: for i in 0..x.len() {
        match i % 2 {
            0 => {
                for j in 0..x.len() {
                    s += x[i] * x[j];
                    if j == 2 {
                        break 'rows;
                    }
                }
            }
            _ => s += x[i],
        }
        s = s * 3.0 + 1.0;
    }
    'scan: for j in 0..x.len() {
        match j % 5 {
            2 => break 'scan,
            0 => s += x[j],
            _ => s += x[j] * x[j],
        }
    }
    s
}
case!(
    case_labelled_arms,
    labelled_arms,
    labelled_arms_grad,
    labelled_arms_jvp,
    4
);

#[test]
fn labelled_exits_take_the_loops_they_name() {
    let x = [1.0, 2.0, 3.0, 4.0];
    // Row 0 stops the outer loop at its third column: 1 * (1 + 2 + 3), then the scan adds
    // x[0] and x[1]^2 and stops at j = 2.
    assert_eq!(labelled_arms(&x), 6.0 + 1.0 + 4.0);
    assert_eq!(labelled_arms_grad(&x).0, labelled_arms(&x));
}

// A `return` from a loop written as a `match` arm without braces, and a raw label.
#[differentiable]
fn returns_from_an_arm(x: &[f64]) -> f64 {
    let mut s = 0.1;
    for i in 0..x.len() {
        match i % 2 {
            0 => {
                for j in 0..x.len() {
                    s += x[j] * x[i];
                    if s > 0.6 {
                        return s * 3.0;
                    }
                }
            }
            _ => s *= 1.1,
        }
        s += x[i];
    }
    'r#loop: for _ in 0..3 {
        for j in 0..x.len() {
            s *= 1.0 + 0.1 * x[j];
            if s > 5.0 {
                break 'r#loop;
            }
        }
    }
    s
}
case!(
    case_returns_from_an_arm,
    returns_from_an_arm,
    returns_from_an_arm_grad,
    returns_from_an_arm_jvp,
    3
);

#[test]
fn returns_from_arms_leave_the_function() {
    for x in [[0.3, 0.9, -0.4], [0.1, 0.2, 0.1], [1.0, -1.0, 0.5]] {
        assert_eq!(returns_from_an_arm_grad(&x).0, returns_from_an_arm(&x));
    }
    // The first row passes 0.6: 3 * (0.1 + 1.0 * 1.0).
    assert_eq!(returns_from_an_arm(&[1.0, 0.0, 0.0]), 3.0 * 1.1);
}
