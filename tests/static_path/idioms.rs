//! Idiomatic numeric code a review found the static path mishandled: buffers declared in a
//! loop body and passed to a helper, patterns named like the slices they zip, a `return` in
//! nested loops, copies passed straight to a helper, methods called by path. Each against
//! central differences and the JVP.

use super::cases::{check, check_jvp};
use autodiff::differentiable;
use num_traits::Float;

#[differentiable]
fn pair_product(x: &[f64]) -> f64 {
    x[0] * x[1]
}

/// A buffer declared in the body of a recorded loop, filled, and passed to a helper.
#[differentiable]
fn buffer_per_iteration(a: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..a.len() - 1 {
        let mut t = vec![0.0; 2];
        t[0] = a[k];
        t[1] = a[k + 1].sin();
        s = s * 0.5 + pair_product(&t);
    }
    s
}
case!(
    case_buffer_per_iteration,
    buffer_per_iteration,
    buffer_per_iteration_grad,
    buffer_per_iteration_jvp,
    4
);

/// The same in a summing loop, from a value computed before the loop.
#[differentiable]
fn buffer_per_term(a: &[f64]) -> f64 {
    let c = a[0];
    let mut s = 0.0;
    for k in 1..a.len() {
        let mut t = vec![0.0; 2];
        t[0] = c;
        t[1] = a[k];
        s += pair_product(&t);
    }
    s
}
case!(
    case_buffer_per_term,
    buffer_per_term,
    buffer_per_term_grad,
    buffer_per_term_jvp,
    4
);

/// A recurrent step: the carried state is part of the helper's input.
#[differentiable]
fn recurrent_pairs(a: &[f64]) -> f64 {
    let mut s = 1.0;
    for k in 0..a.len() {
        let mut t = vec![0.0; 2];
        t[0] = s;
        t[1] = a[k].cos();
        s = pair_product(&t) + a[k];
    }
    s
}
case!(
    case_recurrent_pairs,
    recurrent_pairs,
    recurrent_pairs_grad,
    recurrent_pairs_jvp,
    4
);

/// Patterns that take the name of a slice zipped in after them, in a chain and a loop.
#[differentiable]
fn zipped_names_hidden(x: &[f64], y: &[f64]) -> f64 {
    let d: f64 = x.iter().zip(y).map(|(y, b)| y * b.sin()).sum();
    let mut s = 0.0;
    for (y, b) in x.iter().zip(y) {
        s += y.exp() * b;
    }
    d * s
}

#[test]
fn case_zipped_names_hidden() {
    let split = |x: &[f64]| (x[..3].to_vec(), x[3..].to_vec());
    check(
        "zipped_names_hidden",
        6,
        |x| {
            let (a, b) = split(x);
            zipped_names_hidden(&a, &b)
        },
        |x| {
            let (a, b) = split(x);
            let (v, (ga, gb)) = zipped_names_hidden_grad(&a, &b);
            (v, [ga, gb].concat())
        },
    );
    check_jvp(
        "zipped_names_hidden",
        6,
        |x| {
            let (a, b) = split(x);
            let (v, (ga, gb)) = zipped_names_hidden_grad(&a, &b);
            (v, [ga, gb].concat())
        },
        |x, d| {
            let (a, b) = split(x);
            zipped_names_hidden_jvp(&a, &b, &d[..3], &d[3..])
        },
    );
}

/// A `return` from two loops deep, and one from a loop in a loop's branch.
#[differentiable]
fn first_big_pair(x: &[f64]) -> f64 {
    for i in 0..x.len() {
        for j in 0..x.len() {
            if x[i] * x[j] > 0.6 {
                return x[i] * x[j].sin();
            }
        }
    }
    x[0] * 2.0
}
case!(
    case_first_big_pair,
    first_big_pair,
    first_big_pair_grad,
    first_big_pair_jvp,
    4
);

#[differentiable]
fn returns_from_inner_while(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i];
        if s > 0.0 {
            let mut k = 0;
            while k < 3 {
                s = s * 0.9 + x[k];
                if s > 1.5 {
                    return s * s;
                }
                k += 1;
            }
        }
    }
    s.exp()
}
case!(
    case_returns_from_inner_while,
    returns_from_inner_while,
    returns_from_inner_while_grad,
    returns_from_inner_while_jvp,
    4
);

#[test]
fn first_big_pair_closed_form() {
    // The first pair over 0.6 is (0, 2): 0.5 * 3.
    let (v, g) = first_big_pair_grad(&[0.5, 1.0, 3.0]);
    assert_eq!(v, 0.5 * 3.0f64.sin());
    assert_eq!(g, vec![3.0f64.sin(), 0.0, 0.5 * 3.0f64.cos()]);
}

#[differentiable]
fn sum_of_squares(v: Vec<f64>) -> f64 {
    v.iter().map(|a| a * a).sum::<f64>()
}

#[differentiable]
fn three_terms(v: &[f64]) -> f64 {
    v[0] * v[1] + v[2].sin()
}

/// `Vec`s built in a call's arguments: a copy, a list, a collected chain, in a loop.
#[allow(clippy::useless_vec)]
#[differentiable]
fn built_arguments(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..2 {
        s = s * 0.5 + sum_of_squares(x.to_vec()) * three_terms(&vec![x[0] * x[1], x[k], 2.0]);
    }
    s + three_terms(&x.iter().map(|v| v.exp()).collect::<Vec<f64>>())
}
case!(
    case_built_arguments,
    built_arguments,
    built_arguments_grad,
    built_arguments_jvp,
    3
);

/// A clone of a `Vec` parameter passed by value.
#[differentiable]
fn cloned_argument(x: Vec<f64>) -> f64 {
    sum_of_squares(x.clone()) * x[0]
}
#[test]
fn case_cloned_argument() {
    check(
        "cloned_argument",
        3,
        |x| cloned_argument(x.to_vec()),
        |x| cloned_argument_grad(x.to_vec()),
    );
}

struct Pendulum {
    g: f64,
}

#[differentiable]
impl Pendulum {
    #[differentiable]
    fn accel(&self, th: f64) -> f64 {
        -self.g * th.sin()
    }

    /// A method called by its path, `Self::accel(self, ..)`.
    #[differentiable]
    fn kick(&self, th: f64, w: f64) -> f64 {
        let w = w + 0.1 * Self::accel(self, th);
        th + 0.1 * w + Self::accel(self, th * w) * 0.01
    }
}

#[test]
fn case_method_by_path() {
    let p = Pendulum { g: 9.81 };
    check(
        "kick",
        2,
        |x| p.kick(x[0], x[1]),
        |x| {
            let (v, (a, b)) = p.kick_grad(x[0], x[1]);
            (v, vec![a, b])
        },
    );
}

/// A state array copied from an array parameter (`let mut y = *y0;`), then stepped.
#[differentiable]
fn stepped<T: Float, const N: usize>(y0: &[T; N], h: T, steps: usize) -> T {
    let mut y = *y0;
    for _ in 0..steps {
        let mut k = [T::zero(); N];
        for i in 0..N {
            k[i] = -y[(i + 1) % N] * h;
        }
        for i in 0..N {
            y[i] = y[i] + k[i] + (y[i] * h).sin() * T::from(0.1).unwrap();
        }
    }
    y[0] * y[N - 1]
}

/// Copies of an array taken by value: by name and by `clone`.
#[allow(clippy::clone_on_copy)]
#[differentiable]
fn array_copies(y0: [f64; 3]) -> f64 {
    let mut y = y0;
    y[0] *= y[1];
    let z = y0.clone();
    y[0] + z[2].exp() * y[2]
}

#[test]
fn case_array_copies() {
    check(
        "stepped",
        4,
        |x| stepped(&[x[0], x[1], x[2]], x[3], 3),
        |x| {
            let (v, (g, gh)) = stepped_grad(&[x[0], x[1], x[2]], x[3], 3);
            (v, vec![g[0], g[1], g[2], gh])
        },
    );
    check(
        "array_copies",
        3,
        |x| array_copies([x[0], x[1], x[2]]),
        |x| {
            let (v, g) = array_copies_grad([x[0], x[1], x[2]]);
            (v, g.to_vec())
        },
    );
}

/// A helper taking `&Vec`, called in loops with local buffers: its reverse halves get the
/// buffer's copy from the caller's float stack.
#[differentiable]
#[allow(clippy::ptr_arg)]
fn vec_quad(v: &Vec<f64>) -> f64 {
    v[0] * v[1] + v[1].sin()
}

#[differentiable]
fn vec_helper_in_loops(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for _ in 0..2 {
        let b = x.to_vec();
        s += vec_quad(&b);
    }
    let mut c = vec![0.0; 2];
    for _ in 0..2 {
        c[0] = x[0];
        c[1] = x[1] + s;
        s = s * 0.5 + vec_quad(&c);
    }
    s
}
case!(
    case_vec_helper_in_loops,
    vec_helper_in_loops,
    vec_helper_in_loops_grad,
    vec_helper_in_loops_jvp,
    2
);

struct Spring {
    k: f64,
}

#[differentiable]
impl Spring {
    #[differentiable]
    fn force(&self, x: f64) -> f64 {
        -self.k * x.sinh()
    }

    /// The method called by path with `&self` and by the type's name.
    #[differentiable]
    #[allow(clippy::needless_borrow)]
    fn nudge(&self, x: f64) -> f64 {
        x + 0.1 * Self::force(&self, x) + 0.01 * Spring::force(self, x * x)
    }
}

#[test]
fn case_method_by_type_name() {
    let p = Spring { k: 2.5 };
    check(
        "nudge",
        1,
        |x| p.nudge(x[0]),
        |x| {
            let (v, g) = p.nudge_grad(x[0]);
            (v, vec![g])
        },
    );
}

/// Items read through references in arithmetic (`x.first().unwrap() * 2.0`), a pick copied
/// after it is made (`.max_by(..).copied().unwrap()`).
#[differentiable]
fn items_by_reference(x: &[f64]) -> f64 {
    let k = 2;
    let a = x.first().unwrap() * 2.0 + x[1];
    let b = x[..k].last().unwrap() * x[k];
    let m = x.iter().max_by(|a, b| a.total_cmp(b)).copied().unwrap();
    a * b + m.sin()
}
case!(
    case_items_by_reference,
    items_by_reference,
    items_by_reference_grad,
    items_by_reference_jvp,
    4
);

/// A `Vec` result returned as a clone, of a `&Vec` parameter and of a local buffer.
#[differentiable]
#[allow(clippy::ptr_arg)]
fn cloned_tail(x: &Vec<f64>) -> Vec<f64> {
    x.clone()
}

#[differentiable]
fn cloned_buffer_tail(x: &[f64]) -> Vec<f64> {
    let mut v = x.to_vec();
    v[0] *= v[1].sin();
    v.clone()
}

#[differentiable]
fn reads_cloned_tails(x: &[f64]) -> f64 {
    let a = cloned_tail(&x.to_vec());
    let b = cloned_buffer_tail(x);
    a[0] * b[0] + b[1] * a[2]
}
case!(
    case_reads_cloned_tails,
    reads_cloned_tails,
    reads_cloned_tails_grad,
    reads_cloned_tails_jvp,
    3
);

/// Time stepping: the state replaced whole by the next one, a cloned `Vec` and an array.
#[differentiable]
fn heat_steps(u0: &[f64], k: f64, steps: usize) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut next = vec![0.0; n];
    for _ in 0..steps {
        for i in 1..n - 1 {
            next[i] = u[i] + k * (u[i - 1] - 2.0 * u[i] + u[i + 1]) + 0.1 * u[i].sin();
        }
        next[0] = u[0];
        next[n - 1] = u[n - 1];
        u = next.clone();
    }
    u.iter().map(|v| v * v).sum()
}

#[differentiable]
fn array_steps(y0: &[f64; 2], h: f64) -> f64 {
    let mut y = *y0;
    let mut z = [0.0; 2];
    for _ in 0..3 {
        z[0] = y[0] + h * y[1];
        z[1] = y[1] - h * y[0].sin();
        y = z;
    }
    y[0] * y[1]
}

#[test]
fn case_state_replaced_whole() {
    check(
        "heat_steps",
        5,
        |x| heat_steps(&x[..4], x[4], 3),
        |x| {
            let (v, (g, gk)) = heat_steps_grad(&x[..4], x[4], 3);
            (v, [g, vec![gk]].concat())
        },
    );
    check(
        "array_steps",
        3,
        |x| array_steps(&[x[0], x[1]], x[2]),
        |x| {
            let (v, (g, gh)) = array_steps_grad(&[x[0], x[1]], x[2]);
            (v, vec![g[0], g[1], gh])
        },
    );
}

/// `mem::swap` of two state buffers and of two floats.
#[differentiable]
fn swapped_states(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut next = vec![0.0; n];
    for _ in 0..3 {
        for i in 1..n - 1 {
            next[i] = u[i] + k * (u[i - 1] - 2.0 * u[i] + u[i + 1]) + 0.1 * u[i].cos();
        }
        next[0] = u[0];
        next[n - 1] = u[n - 1];
        std::mem::swap(&mut u, &mut next);
    }
    let mut a = u[0];
    let mut b = u[1] * k;
    core::mem::swap(&mut a, &mut b);
    a * u[2] + b.sin()
}

#[test]
fn case_swapped_states() {
    check(
        "swapped_states",
        5,
        |x| swapped_states(&x[..4], x[4]),
        |x| {
            let (v, (g, gk)) = swapped_states_grad(&x[..4], x[4]);
            (v, [g, vec![gk]].concat())
        },
    );
}

/// `copy_from_slice` and `clone_from_slice` into local buffers, from a parameter, a range of
/// one and another buffer.
#[differentiable]
fn copied_from_slices(x: &[f64]) -> f64 {
    let mut u = vec![0.0; x.len()];
    u.copy_from_slice(x);
    let mut w = vec![0.0; x.len() - 1];
    w.copy_from_slice(&x[1..]);
    let mut z = [0.0; 2];
    z.clone_from_slice(&w);
    for i in 0..2 {
        u[i] *= z[1 - i].cos();
    }
    u[0] * u[1] + w[0].sin() * z[1]
}
case!(
    case_copied_from_slices,
    copied_from_slices,
    copied_from_slices_grad,
    copied_from_slices_jvp,
    3
);

/// `fill` of a local buffer with an active value, then written over in part.
#[differentiable]
fn filled_then_written(x: &[f64]) -> f64 {
    let mut u = vec![0.0; x.len()];
    u.fill(x[0].exp());
    u[1] *= x[1];
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i] * x[i];
    }
    s
}
case!(
    case_filled_then_written,
    filled_then_written,
    filled_then_written_grad,
    filled_then_written_jvp,
    3
);

/// Configuration chosen at run time with `cfg!`, which the derivatives follow.
#[differentiable]
fn configured_scale(x: &[f64]) -> f64 {
    let mut y = x[0] * x[1];
    if cfg!(debug_assertions) {
        y *= 3.0;
    } else {
        y *= 5.0;
    }
    y.sin()
}
case!(
    case_configured_scale,
    configured_scale,
    configured_scale_grad,
    configured_scale_jvp,
    2
);

/// An `impl Trait` parameter beside the active one.
#[differentiable]
fn scaled_by_any(x: f64, k: impl Copy + Into<f64>) -> f64 {
    x * x.sin() * k.into()
}

#[test]
fn case_impl_trait_parameter() {
    check(
        "scaled_by_any",
        1,
        |x| scaled_by_any(x[0], 2.5f32),
        |x| {
            let (v, g) = scaled_by_any_grad(x[0], 2.5f32);
            (v, vec![g])
        },
    );
}

mod models {
    pub trait Model {
        fn eval(&self, x: f64) -> f64;
        fn twice(&self, x: f64) -> f64;
    }
}

struct Damped {
    a: f64,
}

/// A trait's methods differentiated: their derivatives are inherent methods of the type, and
/// one method calls the other.
#[differentiable]
impl models::Model for Damped {
    #[differentiable]
    fn eval(&self, x: f64) -> f64 {
        self.a * x * (-x * x).exp()
    }

    #[differentiable]
    fn twice(&self, x: f64) -> f64 {
        self.eval(x) * 2.0 + x.sin()
    }
}

#[test]
fn case_trait_methods() {
    use models::Model;
    let m = Damped { a: 1.5 };
    check(
        "twice",
        1,
        |x| m.twice(x[0]),
        |x| {
            let (v, g) = m.twice_grad(x[0]);
            (v, vec![g])
        },
    );
    assert_eq!(m.eval_jvp(0.3, 1.0).1, m.eval_grad(0.3).1);
}

/// Checks that stop the program on active values, with and without a message.
#[differentiable]
fn checked_growth(x: &[f64]) -> f64 {
    let mut s = x[0];
    for i in 1..x.len() {
        s = s * 1.5 + x[i].sin();
        if s > 1e6 {
            eprintln!("diverged at {i}");
            panic!("s = {s}");
        }
    }
    if s.is_nan() {
        unreachable!()
    }
    s * s
}
case!(
    case_checked_growth,
    checked_growth,
    checked_growth_grad,
    checked_growth_jvp,
    4
);

#[test]
#[should_panic(expected = "s = ")]
fn checked_growth_stops_in_the_gradient_too() {
    let _ = checked_growth_grad(&[1e7, 0.0]);
}

// Elements named through annotated references, read through `*` and by method.
#[differentiable]
fn annotated_refs(x: &[f64]) -> f64 {
    let b: &f64 = &x[1];
    let c: &f64 = &x[0];
    let d = *b * *c;
    let mut s = b.sin() + d + c.cos() * (*b);
    for i in 0..x.len() {
        let e: &f64 = &x[i];
        s += e * e;
    }
    s
}
case!(
    case_annotated_refs,
    annotated_refs,
    annotated_refs_grad,
    annotated_refs_jvp,
    3
);

#[differentiable]
fn sum_and_product(a: f64, b: f64) -> (f64, f64) {
    (a * b, a + b)
}

// Destructuring assignment into locals: from a tuple that reads them (a recurrence), from
// a helper's tuple, and with `_`.
#[differentiable]
fn assigned_in_pairs(x: &[f64]) -> f64 {
    let mut a = x[0];
    let mut b = x[1];
    for _ in 0..4 {
        (a, b) = (b, a * b + 0.5);
    }
    (a, b) = sum_and_product(a, b);
    (b, _) = (a.sin() + b, a);
    a * b + x[2]
}
case!(
    case_assigned_in_pairs,
    assigned_in_pairs,
    assigned_in_pairs_grad,
    assigned_in_pairs_jvp,
    3
);

// A plain number out of an active value, the derivative dropped on purpose.
#[differentiable]
fn floored_scale<T: Float>(x: T) -> T {
    let plain = autodiff::stop_gradient(x).to_f64().unwrap();
    x * T::from(plain.floor() + 2.0).unwrap()
}

#[test]
fn conversion_after_stop_gradient() {
    for (x, slope) in [(1.3, 3.0), (-0.5, 1.0), (2.9f64, 4.0)] {
        assert_eq!(floored_scale_grad(x), (x * slope, slope));
        assert_eq!(floored_scale_jvp(x, 1.0), (x * slope, slope));
    }
}

// The remainder of active values, `%=` on one, and a remainder of constants beside them.
#[differentiable]
fn wrapped(x: &[f64]) -> f64 {
    let mut a = (x[0] * 3.0) % 1.0;
    let mut s = x[1];
    s %= x[2] + 2.0;
    let n = x.len() % 2;
    a += n as f64 * x[0];
    a * s + (x[0] % (x[1] + 2.5)) * 2.0
}

// `f64::from` of an `f32`, as `as f64`.
#[differentiable]
fn widened_square(x: f32) -> f64 {
    let y = x * x;
    f64::from(y) * 2.0
}

#[test]
fn remainders_and_widening() {
    let mut grid = 0;
    for x0 in [-1.13, 0.27, 1.61] {
        for x1 in [-0.83, 0.41] {
            for x2 in [-0.7, 0.55] {
                grid += 1;
                let x = [x0, x1, x2];
                let (value, g) = wrapped_grad(&x);
                assert_eq!(value, wrapped(&x));
                let fd = super::oracle::fd_slice(wrapped, &x);
                super::oracle::assert_all_close("wrapped", &g, &fd, 1e-6, 1e-6);
                let (_, t) = wrapped_jvp(&x, &[0.3, -0.2, 0.5]);
                let dot = 0.3 * g[0] - 0.2 * g[1] + 0.5 * g[2];
                super::oracle::assert_close("wrapped: jvp", t, dot, 1e-12, 1e-12);
            }
        }
    }
    assert_eq!(grid, 12);
    for x in [-1.5f32, 0.25, 3.0] {
        assert_eq!(widened_square_grad(x), (2.0 * f64::from(x * x), 4.0 * x));
        assert_eq!(
            widened_square_jvp(x, 1.0),
            (2.0 * f64::from(x * x), 4.0 * f64::from(x))
        );
    }
}

// Two buffers swapped by destructuring assignment, as `std::mem::swap` swaps them.
#[differentiable]
fn swapped_by_assignment(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut v = vec![0.0; n];
    for _ in 0..3 {
        for i in 0..n {
            v[i] = u[i] * u[(i + 1) % n] + x[i];
        }
        (u, v) = (v, u);
    }
    let mut a = u[0];
    let mut b = u[1];
    (a, b) = (b, a);
    a * 2.0 + b
}
case!(
    case_swapped_by_assignment,
    swapped_by_assignment,
    swapped_by_assignment_grad,
    swapped_by_assignment_jvp,
    3
);

// Closures returning tuples of active values: destructured, read by field, in a loop.
#[differentiable]
fn closure_pairs(x: &[f64]) -> f64 {
    let y = x[1];
    let f = |a: f64| (a * y, a + y);
    let (p, q) = f(x[0]);
    let r = f(p);
    let stats = |v: f64, w: f64| (v * w, v - w);
    let mut s = p * q + r.0 - r.1 * 0.5;
    for i in 1..x.len() {
        let (m, d) = stats(x[i], x[i - 1]);
        s += m * d.sin();
    }
    s
}
case!(
    case_closure_pairs,
    closure_pairs,
    closure_pairs_grad,
    closure_pairs_jvp,
    4
);

// A tuple held by a variable, destructured by `let` and by assignment.
#[differentiable]
fn held_tuples(x: &[f64]) -> f64 {
    let t = (x[0] * x[1], x[0] - x[1]);
    let (p, q) = t;
    let mut a = x[0];
    let mut b = x[1];
    let u = sum_and_product(a, b);
    (a, b) = u;
    p * q + a * b.sin()
}
case!(
    case_held_tuples,
    held_tuples,
    held_tuples_grad,
    held_tuples_jvp,
    2
);

// `T::from(x).unwrap()` of active values: a cast to `T` (from `f64`, and from `T` itself).
#[differentiable]
fn converted<T: Float>(x: T, y: f64) -> T {
    T::from(y * y).unwrap() * x + T::from(x * x).expect("a float").sin()
}

#[test]
fn conversions_to_the_float_type() {
    for (x, y) in [(0.3f64, -1.2), (1.7, 0.4)] {
        let (value, (gx, gy)) = converted_grad(x, y);
        assert_eq!(value, converted(x, y));
        // y^2 x + sin(x^2)
        super::oracle::assert_close(
            "converted: x",
            gx,
            y * y + 2.0 * x * (x * x).cos(),
            1e-12,
            1e-12,
        );
        super::oracle::assert_close("converted: y", gy, 2.0 * y * x, 1e-12, 1e-12);
        let (v32, (gx32, gy32)) = converted_grad(x as f32, y);
        assert!((f64::from(v32) - value).abs() < 1e-5 && (f64::from(gx32) - gx).abs() < 1e-5);
        assert!((gy32 - gy).abs() < 1e-5);
        let (_, t) = converted_jvp(x, y, 0.5, -0.25);
        super::oracle::assert_close("converted: jvp", t, 0.5 * gx - 0.25 * gy, 1e-12, 1e-12);
    }
}
