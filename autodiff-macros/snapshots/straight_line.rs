pub fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}
#[doc(hidden)]
#[allow(non_camel_case_types, dead_code)]
pub struct rosenbrock {}
#[automatically_derived]
impl rosenbrock {
    #[doc(hidden)]
    #[inline]
    #[allow(
        unused_variables,
        unused_mut,
        unused_assignments,
        unused_parens,
        unused_braces,
        unreachable_code,
        clippy::all
    )]
    pub fn tangent<'__t, __D0, __D1>(
        x: f64,
        y: f64,
        x_dot: __D0,
        y_dot: __D1,
    ) -> (f64, f64)
    where
        __D0: ::autodiff::__private::TangentArg<f64>,
        __D1: ::autodiff::__private::TangentArg<f64>,
    {
        let x_dot: f64 = ::autodiff::__private::tangent_or_zero(x_dot, &x);
        let y_dot: f64 = ::autodiff::__private::tangent_or_zero(y_dot, &y);
        let (t_2, t_2_d0, t_2_d1) = ::autodiff::__private::rules::sub(&(1.0), &x);
        let t_2_dot = ::autodiff::__private::push(&t_2_d1, &x_dot);
        let (t_3, t_3_d0) = ::autodiff::__private::rules::powi(t_2, 2);
        let t_3_dot = ::autodiff::__private::push(&t_3_d0, &t_2_dot);
        let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul_ref(&x, &x);
        let t_4_dot = ::autodiff::__private::push(&t_4_d0, &x_dot)
            + ::autodiff::__private::push(&t_4_d1, &x_dot);
        let (t_5, t_5_d0, t_5_d1) = ::autodiff::__private::rules::sub(&y, &t_4);
        let t_5_dot = ::autodiff::__private::push(&t_5_d0, &y_dot)
            + ::autodiff::__private::push(&t_5_d1, &t_4_dot);
        let (t_6, t_6_d0) = ::autodiff::__private::rules::powi(t_5, 2);
        let t_6_dot = ::autodiff::__private::push(&t_6_d0, &t_5_dot);
        let (t_7, t_7_d1) = ::autodiff::__private::rules::mul_b_ref(&(100.0), &t_6);
        let t_7_dot = ::autodiff::__private::push(&t_7_d1, &t_6_dot);
        let (t_8, t_8_d0, t_8_d1) = ::autodiff::__private::rules::add(&t_3, &t_7);
        let t_8_dot = ::autodiff::__private::push(&t_8_d0, &t_3_dot)
            + ::autodiff::__private::push(&t_8_d1, &t_7_dot);
        (::autodiff::__private::owned(&t_8), ::autodiff::__private::owned(&t_8_dot))
    }
    #[doc(hidden)]
    #[inline]
    #[allow(
        unused_variables,
        unused_mut,
        unused_assignments,
        unused_parens,
        unused_braces,
        unreachable_code,
        clippy::all
    )]
    pub fn vjp_all(
        x: f64,
        y: f64,
        seed: f64,
        sink_0: impl ::core::marker::Sized,
        sink_1: impl ::core::marker::Sized,
    ) -> (f64, (f64, f64)) {
        let _ = rosenbrock;
        let (t_2, t_2_d0, t_2_d1) = ::autodiff::__private::rules::sub(&(1.0), &x);
        let (t_3, t_3_d0) = ::autodiff::__private::rules::powi(t_2, 2);
        let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul_ref(&x, &x);
        let (t_5, t_5_d0, t_5_d1) = ::autodiff::__private::rules::sub(&y, &t_4);
        let (t_6, t_6_d0) = ::autodiff::__private::rules::powi(t_5, 2);
        let (t_7, t_7_d1) = ::autodiff::__private::rules::mul_b_ref(&(100.0), &t_6);
        let (t_8, t_8_d0, t_8_d1) = ::autodiff::__private::rules::add(&t_3, &t_7);
        let value = ::autodiff::__private::owned(&t_8);
        (
            value,
            {
                let mut t_8_bar = seed;
                let mut t_3_bar = ::autodiff::__private::pull(
                    &::autodiff::__private::One,
                    &t_8_bar,
                );
                let mut t_7_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::One,
                    t_8_bar,
                );
                let mut t_6_bar = ::autodiff::__private::pull_owned(&t_7_d1, t_7_bar);
                let mut t_5_bar = ::autodiff::__private::pull_owned(&t_6_d0, t_6_bar);
                let mut y_bar = ::autodiff::__private::pull(
                    &::autodiff::__private::One,
                    &t_5_bar,
                );
                let mut t_4_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::MinusOne,
                    t_5_bar,
                );
                let mut x_bar = ::autodiff::__private::pull(&t_4_d0, &t_4_bar);
                x_bar += ::autodiff::__private::pull_owned(&t_4_d1, t_4_bar);
                let mut t_2_bar = ::autodiff::__private::pull_owned(&t_3_d0, t_3_bar);
                x_bar
                    += ::autodiff::__private::pull_owned(
                        &::autodiff::__private::MinusOne,
                        t_2_bar,
                    );
                (x_bar, y_bar)
            },
        )
    }
    #[doc(hidden)]
    #[inline]
    #[allow(dead_code)]
    #[allow(
        unused_variables,
        unused_mut,
        unused_assignments,
        unused_parens,
        unused_braces,
        unreachable_code,
        clippy::all
    )]
    pub fn pullback<'__pb>(
        x: f64,
        y: f64,
    ) -> (f64, impl ::core::ops::Fn(f64) -> (f64, f64) + '__pb) {
        let (t_2, t_2_d0, t_2_d1) = ::autodiff::__private::rules::sub(&(1.0), &x);
        let (t_3, t_3_d0) = ::autodiff::__private::rules::powi(t_2, 2);
        let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(&x, &x);
        let (t_5, t_5_d0, t_5_d1) = ::autodiff::__private::rules::sub(&y, &t_4);
        let (t_6, t_6_d0) = ::autodiff::__private::rules::powi(t_5, 2);
        let (t_7, t_7_d1) = ::autodiff::__private::rules::mul_b(&(100.0), &t_6);
        let (t_8, t_8_d0, t_8_d1) = ::autodiff::__private::rules::add(&t_3, &t_7);
        let value = ::autodiff::__private::owned(&t_8);
        (
            value,
            move |seed| {
                let mut t_8_bar = seed;
                let mut t_3_bar = ::autodiff::__private::pull(
                    &::autodiff::__private::One,
                    &t_8_bar,
                );
                let mut t_7_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::One,
                    t_8_bar,
                );
                let mut t_6_bar = ::autodiff::__private::pull_owned(&t_7_d1, t_7_bar);
                let mut t_5_bar = ::autodiff::__private::pull_owned(&t_6_d0, t_6_bar);
                let mut y_bar = ::autodiff::__private::pull(
                    &::autodiff::__private::One,
                    &t_5_bar,
                );
                let mut t_4_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::MinusOne,
                    t_5_bar,
                );
                let mut x_bar = ::autodiff::__private::pull(&t_4_d0, &t_4_bar);
                x_bar += ::autodiff::__private::pull_owned(&t_4_d1, t_4_bar);
                let mut t_2_bar = ::autodiff::__private::pull_owned(&t_3_d0, t_3_bar);
                x_bar
                    += ::autodiff::__private::pull_owned(
                        &::autodiff::__private::MinusOne,
                        t_2_bar,
                    );
                (x_bar, y_bar)
            },
        )
    }
    #[doc(hidden)]
    #[inline]
    #[allow(dead_code)]
    #[allow(
        unused_variables,
        unused_mut,
        unused_assignments,
        unused_parens,
        unused_braces,
        unreachable_code,
        clippy::all
    )]
    pub fn record(
        x: f64,
        y: f64,
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> f64 {
        let (t_2, t_2_d0, t_2_d1) = ::autodiff::__private::rules::sub(&(1.0), &x);
        let (t_3, t_3_d0) = ::autodiff::__private::rules::powi(t_2, 2);
        let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul_ref(&x, &x);
        let (t_5, t_5_d0, t_5_d1) = ::autodiff::__private::rules::sub(&y, &t_4);
        let (t_6, t_6_d0) = ::autodiff::__private::rules::powi(t_5, 2);
        let (t_7, t_7_d1) = ::autodiff::__private::rules::mul_b_ref(&(100.0), &t_6);
        let (t_8, t_8_d0, t_8_d1) = ::autodiff::__private::rules::add(&t_3, &t_7);
        let value = ::autodiff::__private::owned(&t_8);
        float_stack.push_all([t_3_d0, t_4_d0, t_4_d1, t_6_d0, t_7_d1]);
        value
    }
    #[doc(hidden)]
    #[inline]
    #[allow(dead_code)]
    #[allow(
        unused_variables,
        unused_mut,
        unused_assignments,
        unused_parens,
        unused_braces,
        unreachable_code,
        clippy::all
    )]
    pub fn backward(
        x: f64,
        y: f64,
        seed: f64,
        sink_0: impl ::core::marker::Sized,
        sink_1: impl ::core::marker::Sized,
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> (f64, f64) {
        let [t_3_d0, t_4_d0, t_4_d1, t_6_d0, t_7_d1] = float_stack.pop_all();
        let grads = {
            let mut t_8_bar = seed;
            let mut t_3_bar = ::autodiff::__private::pull(
                &::autodiff::__private::One,
                &t_8_bar,
            );
            let mut t_7_bar = ::autodiff::__private::pull_owned(
                &::autodiff::__private::One,
                t_8_bar,
            );
            let mut t_6_bar = ::autodiff::__private::pull_owned(&t_7_d1, t_7_bar);
            let mut t_5_bar = ::autodiff::__private::pull_owned(&t_6_d0, t_6_bar);
            let mut y_bar = ::autodiff::__private::pull(
                &::autodiff::__private::One,
                &t_5_bar,
            );
            let mut t_4_bar = ::autodiff::__private::pull_owned(
                &::autodiff::__private::MinusOne,
                t_5_bar,
            );
            let mut x_bar = ::autodiff::__private::pull(&t_4_d0, &t_4_bar);
            x_bar += ::autodiff::__private::pull_owned(&t_4_d1, t_4_bar);
            let mut t_2_bar = ::autodiff::__private::pull_owned(&t_3_d0, t_3_bar);
            x_bar
                += ::autodiff::__private::pull_owned(
                    &::autodiff::__private::MinusOne,
                    t_2_bar,
                );
            (x_bar, y_bar)
        };
        grads
    }
}
///Forward mode of [`rosenbrock`](fn@rosenbrock): its value and its directional derivative along the tangents of `x`, `y`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
pub fn rosenbrock_jvp(x: f64, y: f64, x_dot: f64, y_dot: f64) -> (f64, f64) {
    rosenbrock::tangent::<_, _>(x, y, x_dot, y_dot)
}
///Reverse mode of [`rosenbrock`](fn@rosenbrock): its value and the vector-Jacobian product of `seed` with respect to `x`, `y`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
pub fn rosenbrock_vjp(x: f64, y: f64, seed: f64) -> (f64, (f64, f64)) {
    let (value, (grad_0, grad_1)) = rosenbrock::vjp_all(
        x,
        y,
        seed,
        ::autodiff::__private::Discard,
        ::autodiff::__private::Discard,
    );
    (value, (grad_0, grad_1))
}
///Reverse mode of [`rosenbrock`](fn@rosenbrock), split: its value, and its pullback, which maps a seed to the vector-Jacobian product with respect to `x`, `y`. The forward sweep runs once; the pullback may be called once per seed (a Jacobian row by row).
#[inline]
#[allow(
    dead_code,
    clippy::multiple_bound_locations,
    clippy::too_many_arguments,
    clippy::ptr_arg
)]
pub fn rosenbrock_pullback<'__pb>(
    x: f64,
    y: f64,
) -> (f64, impl ::core::ops::Fn(f64) -> (f64, f64) + '__pb) {
    let (value, pullback) = rosenbrock::pullback(x, y);
    (
        value,
        move |seed| {
            let (grad_0, grad_1) = pullback(seed);
            (grad_0, grad_1)
        },
    )
}
///Reverse mode of [`rosenbrock`](fn@rosenbrock): its value and its gradient with respect to `x`, `y`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
pub fn rosenbrock_grad(x: f64, y: f64) -> (f64, (f64, f64))
where
    for<'__g> f64: ::autodiff::__private::ScalarOutput,
{
    rosenbrock_vjp(x, y, <f64 as ::autodiff::__private::ScalarOutput>::unit_seed())
}
