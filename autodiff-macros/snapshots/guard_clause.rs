fn guard(x: f64, y: f64) -> f64 {
    if x < 0.0 {
        return -x * y;
    }
    let t = x * x;
    t * y + x
}
#[doc(hidden)]
#[allow(non_camel_case_types, dead_code)]
struct guard {}
#[automatically_derived]
impl guard {
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
    fn tangent<'__t, __D0, __D1>(x: f64, y: f64, x_dot: __D0, y_dot: __D1) -> (f64, f64)
    where
        __D0: ::autodiff::__private::TangentArg<f64>,
        __D1: ::autodiff::__private::TangentArg<f64>,
    {
        let x_dot: f64 = ::autodiff::__private::tangent_or_zero(x_dot, &x);
        let y_dot: f64 = ::autodiff::__private::tangent_or_zero(y_dot, &y);
        let (branch_7, branch_7_dot) = if x < 0.0 {
            let (t_2, t_2_d0) = ::autodiff::__private::rules::neg(&x);
            let t_2_dot = ::autodiff::__private::push(&t_2_d0, &x_dot);
            let (t_3, t_3_d0, t_3_d1) = ::autodiff::__private::rules::mul(&t_2, &y);
            let t_3_dot = ::autodiff::__private::push(&t_3_d0, &t_2_dot)
                + ::autodiff::__private::push(&t_3_d1, &y_dot);
            (::autodiff::__private::owned(&t_3), ::autodiff::__private::owned(&t_3_dot))
        } else {
            {};
            let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(&x, &x);
            let t_4_dot = ::autodiff::__private::push(&t_4_d0, &x_dot)
                + ::autodiff::__private::push(&t_4_d1, &x_dot);
            let t = ::autodiff::__private::owned(&t_4);
            let (t_5, t_5_d0, t_5_d1) = ::autodiff::__private::rules::mul(&t_4, &y);
            let t_5_dot = ::autodiff::__private::push(&t_5_d0, &t_4_dot)
                + ::autodiff::__private::push(&t_5_d1, &y_dot);
            let (t_6, t_6_d0, t_6_d1) = ::autodiff::__private::rules::add(&t_5, &x);
            let t_6_dot = ::autodiff::__private::push(&t_6_d0, &t_5_dot)
                + ::autodiff::__private::push(&t_6_d1, &x_dot);
            (::autodiff::__private::owned(&t_6), ::autodiff::__private::owned(&t_6_dot))
        };
        (
            ::autodiff::__private::owned(&branch_7),
            ::autodiff::__private::owned(&branch_7_dot),
        )
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
    fn vjp_all(
        x: f64,
        y: f64,
        seed: f64,
        sink_0: impl ::core::marker::Sized,
        sink_1: impl ::core::marker::Sized,
    ) -> (f64, (f64, f64)) {
        let _ = guard;
        let (branch_7, record_1) = if x < 0.0 {
            let (t_2, t_2_d0) = ::autodiff::__private::rules::neg(&x);
            let (t_3, t_3_d0, t_3_d1) = ::autodiff::__private::rules::mul(&t_2, &y);
            (
                ::autodiff::__private::owned(&t_3),
                (
                    ::core::option::Option::Some((t_3_d0, t_3_d1)),
                    ::core::option::Option::None,
                ),
            )
        } else {
            {};
            let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(&x, &x);
            let t = ::autodiff::__private::owned(&t_4);
            let (t_5, t_5_d0, t_5_d1) = ::autodiff::__private::rules::mul(&t_4, &y);
            let (t_6, t_6_d0, t_6_d1) = ::autodiff::__private::rules::add(&t_5, &x);
            (
                ::autodiff::__private::owned(&t_6),
                (
                    ::core::option::Option::None,
                    ::core::option::Option::Some((t_4_d0, t_4_d1, t_5_d0, t_5_d1)),
                ),
            )
        };
        let value = ::autodiff::__private::owned(&branch_7);
        (
            value,
            {
                let mut branch_7_bar = seed;
                let mut x_bar = ::autodiff::__private::zero_like(&x);
                let mut y_bar = ::autodiff::__private::zero_like(&y);
                if let ::core::option::Option::Some((t_3_d0, t_3_d1)) = record_1.0 {
                    let mut t_3_bar = branch_7_bar;
                    let mut t_2_bar = ::autodiff::__private::pull(&t_3_d0, &t_3_bar);
                    y_bar += ::autodiff::__private::pull_owned(&t_3_d1, t_3_bar);
                    x_bar
                        += ::autodiff::__private::pull_owned(
                            &::autodiff::__private::MinusOne,
                            t_2_bar,
                        );
                } else if let ::core::option::Option::Some(
                    (t_4_d0, t_4_d1, t_5_d0, t_5_d1),
                ) = record_1.1
                {
                    let mut t_6_bar = branch_7_bar;
                    let mut t_5_bar = ::autodiff::__private::pull(
                        &::autodiff::__private::One,
                        &t_6_bar,
                    );
                    x_bar
                        += ::autodiff::__private::pull_owned(
                            &::autodiff::__private::One,
                            t_6_bar,
                        );
                    let mut t_4_bar = ::autodiff::__private::pull(&t_5_d0, &t_5_bar);
                    y_bar += ::autodiff::__private::pull_owned(&t_5_d1, t_5_bar);
                    x_bar += ::autodiff::__private::pull(&t_4_d0, &t_4_bar);
                    x_bar += ::autodiff::__private::pull_owned(&t_4_d1, t_4_bar);
                }
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
    fn pullback<'__pb>(
        x: f64,
        y: f64,
    ) -> (f64, impl ::core::ops::Fn(f64) -> (f64, f64) + '__pb) {
        let (branch_7, record_1) = if x < 0.0 {
            let (t_2, t_2_d0) = ::autodiff::__private::rules::neg(&x);
            let (t_3, t_3_d0, t_3_d1) = ::autodiff::__private::rules::mul(&t_2, &y);
            (
                ::autodiff::__private::owned(&t_3),
                (
                    ::core::option::Option::Some((t_3_d0, t_3_d1)),
                    ::core::option::Option::None,
                ),
            )
        } else {
            {};
            let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(&x, &x);
            let t = ::autodiff::__private::owned(&t_4);
            let (t_5, t_5_d0, t_5_d1) = ::autodiff::__private::rules::mul(&t_4, &y);
            let (t_6, t_6_d0, t_6_d1) = ::autodiff::__private::rules::add(&t_5, &x);
            (
                ::autodiff::__private::owned(&t_6),
                (
                    ::core::option::Option::None,
                    ::core::option::Option::Some((t_4_d0, t_4_d1, t_5_d0, t_5_d1)),
                ),
            )
        };
        let value = ::autodiff::__private::owned(&branch_7);
        (
            value,
            move |seed| {
                let mut record_1 = ::core::clone::Clone::clone(&record_1);
                let mut branch_7_bar = seed;
                let mut x_bar = ::autodiff::__private::zero_like(&x);
                let mut y_bar = ::autodiff::__private::zero_like(&y);
                if let ::core::option::Option::Some((t_3_d0, t_3_d1)) = record_1.0 {
                    let mut t_3_bar = branch_7_bar;
                    let mut t_2_bar = ::autodiff::__private::pull(&t_3_d0, &t_3_bar);
                    y_bar += ::autodiff::__private::pull_owned(&t_3_d1, t_3_bar);
                    x_bar
                        += ::autodiff::__private::pull_owned(
                            &::autodiff::__private::MinusOne,
                            t_2_bar,
                        );
                } else if let ::core::option::Option::Some(
                    (t_4_d0, t_4_d1, t_5_d0, t_5_d1),
                ) = record_1.1
                {
                    let mut t_6_bar = branch_7_bar;
                    let mut t_5_bar = ::autodiff::__private::pull(
                        &::autodiff::__private::One,
                        &t_6_bar,
                    );
                    x_bar
                        += ::autodiff::__private::pull_owned(
                            &::autodiff::__private::One,
                            t_6_bar,
                        );
                    let mut t_4_bar = ::autodiff::__private::pull(&t_5_d0, &t_5_bar);
                    y_bar += ::autodiff::__private::pull_owned(&t_5_d1, t_5_bar);
                    x_bar += ::autodiff::__private::pull(&t_4_d0, &t_4_bar);
                    x_bar += ::autodiff::__private::pull_owned(&t_4_d1, t_4_bar);
                }
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
    fn record(
        x: f64,
        y: f64,
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> f64 {
        guard(x, y)
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
    fn backward(
        x: f64,
        y: f64,
        seed: f64,
        sink_0: impl ::core::marker::Sized,
        sink_1: impl ::core::marker::Sized,
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> (f64, f64) {
        guard::vjp_all(x, y, seed, sink_0, sink_1).1
    }
}
///Forward mode of [`guard`](fn@guard): its value and its directional derivative along the tangents of `x`, `y`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn guard_jvp(x: f64, y: f64, x_dot: f64, y_dot: f64) -> (f64, f64) {
    guard::tangent::<_, _>(x, y, x_dot, y_dot)
}
///Reverse mode of [`guard`](fn@guard): its value and the vector-Jacobian product of `seed` with respect to `x`, `y`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn guard_vjp(x: f64, y: f64, seed: f64) -> (f64, (f64, f64)) {
    let (value, (grad_0, grad_1)) = guard::vjp_all(
        x,
        y,
        seed,
        ::autodiff::__private::Discard,
        ::autodiff::__private::Discard,
    );
    (value, (grad_0, grad_1))
}
///Reverse mode of [`guard`](fn@guard), split: its value, and its pullback, which maps a seed to the vector-Jacobian product with respect to `x`, `y`. The forward sweep runs once; the pullback may be called once per seed (a Jacobian row by row).
#[inline]
#[allow(
    dead_code,
    clippy::multiple_bound_locations,
    clippy::too_many_arguments,
    clippy::ptr_arg
)]
fn guard_pullback<'__pb>(
    x: f64,
    y: f64,
) -> (f64, impl ::core::ops::Fn(f64) -> (f64, f64) + '__pb) {
    let (value, pullback) = guard::pullback(x, y);
    (
        value,
        move |seed| {
            let (grad_0, grad_1) = pullback(seed);
            (grad_0, grad_1)
        },
    )
}
///Reverse mode of [`guard`](fn@guard): its value and its gradient with respect to `x`, `y`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn guard_grad(x: f64, y: f64) -> (f64, (f64, f64))
where
    for<'__g> f64: ::autodiff::__private::ScalarOutput,
{
    guard_vjp(x, y, <f64 as ::autodiff::__private::ScalarOutput>::unit_seed())
}
