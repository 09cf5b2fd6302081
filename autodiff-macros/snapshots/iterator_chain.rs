fn rosenbrock(x: &[f64]) -> f64 {
    x.iter()
        .zip(x[1..].iter())
        .map(|(&a, &b)| 100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2))
        .sum()
}
#[doc(hidden)]
#[allow(non_camel_case_types, dead_code)]
struct rosenbrock {}
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
    fn tangent<'__t, __D0>(x: &[f64], x_dot: __D0) -> (f64, f64)
    where
        __D0: ::autodiff::__private::RefTangentArg<'__t, [f64]>,
    {
        let zero_storage;
        let x_dot: &[f64] = match ::autodiff::__private::RefTangentArg::tangent(x_dot) {
            ::core::option::Option::Some(t) => t,
            ::core::option::Option::None => {
                zero_storage = ::autodiff::__private::zero_vec_like(x);
                &zero_storage
            }
        };
        let (branch_13, branch_13_dot) = {
            let mut accumulator = ::autodiff::__private::zero();
            let _ = ::autodiff::__private::view_bounds(1.., x.len());
            let accumulator_0 = accumulator;
            let mut accumulator_1_carry = ::autodiff::__private::owned(&accumulator_0);
            let mut accumulator_1_carry_dot = ::autodiff::__private::zero_like(
                &accumulator_0,
            );
            for index_1 in 0..::core::cmp::min(x.len(), (x.len() - ((1) as usize))) {
                let accumulator_1 = accumulator_1_carry;
                let accumulator_1_dot = accumulator_1_carry_dot;
                let accumulator = ::autodiff::__private::owned(&accumulator_1);
                let index_6 = 0usize + index_1;
                let a_2 = x[index_6];
                let a_2_dot = x_dot[index_6];
                let a = ::autodiff::__private::owned(&a_2);
                let index_7 = ((1) as usize) + index_1;
                let b_3 = x[index_7];
                let b_3_dot = x_dot[index_7];
                let b = ::autodiff::__private::owned(&b_3);
                let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(
                    &a_2,
                    &a_2,
                );
                let t_4_dot = ::autodiff::__private::push(&t_4_d0, &a_2_dot)
                    + ::autodiff::__private::push(&t_4_d1, &a_2_dot);
                let (t_5, t_5_d0, t_5_d1) = ::autodiff::__private::rules::sub(
                    &b_3,
                    &t_4,
                );
                let t_5_dot = ::autodiff::__private::push(&t_5_d0, &b_3_dot)
                    + ::autodiff::__private::push(&t_5_d1, &t_4_dot);
                let (t_6, t_6_d0) = ::autodiff::__private::rules::powi(t_5, 2);
                let t_6_dot = ::autodiff::__private::push(&t_6_d0, &t_5_dot);
                let (t_7, t_7_d1) = ::autodiff::__private::rules::mul_b(&(100.0), &t_6);
                let t_7_dot = ::autodiff::__private::push(&t_7_d1, &t_6_dot);
                let (t_8, t_8_d0, t_8_d1) = ::autodiff::__private::rules::sub(
                    &(1.0),
                    &a_2,
                );
                let t_8_dot = ::autodiff::__private::push(&t_8_d1, &a_2_dot);
                let (t_9, t_9_d0) = ::autodiff::__private::rules::powi(t_8, 2);
                let t_9_dot = ::autodiff::__private::push(&t_9_d0, &t_8_dot);
                let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::add(
                    &t_7,
                    &t_9,
                );
                let t_10_dot = ::autodiff::__private::push(&t_10_d0, &t_7_dot)
                    + ::autodiff::__private::push(&t_10_d1, &t_9_dot);
                let (accumulator_11, accumulator_11_d0, accumulator_11_d1) = ::autodiff::__private::rules::add(
                    &accumulator_1,
                    &t_10,
                );
                let accumulator_11_dot = ::autodiff::__private::push(
                    &accumulator_11_d0,
                    &accumulator_1_dot,
                ) + ::autodiff::__private::push(&accumulator_11_d1, &t_10_dot);
                let accumulator = ::autodiff::__private::owned(&accumulator_11);
                accumulator_1_carry = ::autodiff::__private::owned(&accumulator_11);
                accumulator_1_carry_dot = ::autodiff::__private::owned(
                    &accumulator_11_dot,
                );
            }
            let accumulator_12 = accumulator_1_carry;
            let accumulator_12_dot = accumulator_1_carry_dot;
            let accumulator = ::autodiff::__private::owned(&accumulator_12);
            (
                ::autodiff::__private::owned(&accumulator_12),
                ::autodiff::__private::owned(&accumulator_12_dot),
            )
        };
        (
            ::autodiff::__private::owned(&branch_13),
            ::autodiff::__private::owned(&branch_13_dot),
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
        x: &[f64],
        seed: f64,
        sink_0: impl ::autodiff::__private::SliceSink<f64>,
    ) -> (f64, (::autodiff::__private::Accumulated,)) {
        let _ = rosenbrock;
        let mut x_bar_apart = ::autodiff::__private::SliceSink::apart(&sink_0, x);
        let mut x_bar = ::autodiff::__private::SliceSink::open(
            &mut x_bar_apart[..],
            x.len(),
        );
        let (branch_13, record_9) = {
            let mut accumulator = ::autodiff::__private::zero();
            let _ = ::autodiff::__private::view_bounds(1.., x.len());
            let accumulator_0 = accumulator;
            let stack_8_lo = 0;
            let stack_8_hi = ::core::cmp::min(x.len(), (x.len() - ((1) as usize)));
            let mut accumulator_1_carry = ::autodiff::__private::owned(&accumulator_0);
            for index_1 in stack_8_lo..stack_8_hi {
                let accumulator_1 = accumulator_1_carry;
                let accumulator = ::autodiff::__private::owned(&accumulator_1);
                let index_6 = 0usize + index_1;
                let a_2 = x[index_6];
                let a = ::autodiff::__private::owned(&a_2);
                let index_7 = ((1) as usize) + index_1;
                let b_3 = x[index_7];
                let b = ::autodiff::__private::owned(&b_3);
                let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(
                    &a_2,
                    &a_2,
                );
                let (t_5, t_5_d0, t_5_d1) = ::autodiff::__private::rules::sub(
                    &b_3,
                    &t_4,
                );
                let (t_6, t_6_d0) = ::autodiff::__private::rules::powi(t_5, 2);
                let (t_7, t_7_d1) = ::autodiff::__private::rules::mul_b(&(100.0), &t_6);
                let (t_8, t_8_d0, t_8_d1) = ::autodiff::__private::rules::sub(
                    &(1.0),
                    &a_2,
                );
                let (t_9, t_9_d0) = ::autodiff::__private::rules::powi(t_8, 2);
                let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::add(
                    &t_7,
                    &t_9,
                );
                let (accumulator_11, accumulator_11_d0, accumulator_11_d1) = ::autodiff::__private::rules::add(
                    &accumulator_1,
                    &t_10,
                );
                let accumulator = ::autodiff::__private::owned(&accumulator_11);
                accumulator_1_carry = ::autodiff::__private::owned(&accumulator_11);
                {
                    let accumulator_1_carry_bar = ::autodiff::__private::one_like(
                        &accumulator_1,
                    );
                    let mut accumulator_11_bar = accumulator_1_carry_bar;
                    let mut accumulator_1_bar = ::autodiff::__private::pull(
                        &::autodiff::__private::One,
                        &accumulator_11_bar,
                    );
                    let mut t_10_bar = ::autodiff::__private::pull_owned(
                        &::autodiff::__private::One,
                        accumulator_11_bar,
                    );
                    let mut t_7_bar = ::autodiff::__private::pull(
                        &::autodiff::__private::One,
                        &t_10_bar,
                    );
                    let mut t_9_bar = ::autodiff::__private::pull_owned(
                        &::autodiff::__private::One,
                        t_10_bar,
                    );
                    let mut t_8_bar = ::autodiff::__private::pull_owned(
                        &t_9_d0,
                        t_9_bar,
                    );
                    let mut a_2_bar = ::autodiff::__private::pull_owned(
                        &::autodiff::__private::MinusOne,
                        t_8_bar,
                    );
                    let mut t_6_bar = ::autodiff::__private::pull_owned(
                        &t_7_d1,
                        t_7_bar,
                    );
                    let mut t_5_bar = ::autodiff::__private::pull_owned(
                        &t_6_d0,
                        t_6_bar,
                    );
                    let mut b_3_bar = ::autodiff::__private::pull(
                        &::autodiff::__private::One,
                        &t_5_bar,
                    );
                    let mut t_4_bar = ::autodiff::__private::pull_owned(
                        &::autodiff::__private::MinusOne,
                        t_5_bar,
                    );
                    a_2_bar += ::autodiff::__private::pull(&t_4_d0, &t_4_bar);
                    a_2_bar += ::autodiff::__private::pull_owned(&t_4_d1, t_4_bar);
                    x_bar[::autodiff::__private::opaque_index(index_7)] += b_3_bar;
                    x_bar[::autodiff::__private::opaque_index(index_6)] += a_2_bar;
                }
            }
            let accumulator_12 = accumulator_1_carry;
            let accumulator = ::autodiff::__private::owned(&accumulator_12);
            (
                ::autodiff::__private::owned(&accumulator_12),
                (::core::option::Option::Some((accumulator_12, stack_8_lo, stack_8_hi)),),
            )
        };
        let value = ::autodiff::__private::owned(&branch_13);
        (
            value,
            {
                let mut branch_13_bar = seed;
                if let ::core::option::Option::Some(
                    (accumulator_12, stack_8_lo, stack_8_hi),
                ) = record_9.0
                {
                    let mut accumulator_12_bar = branch_13_bar;
                    let accumulator_1_carry_bar = accumulator_12_bar;
                    ::autodiff::__private::scale_adjoint(x_bar, accumulator_1_carry_bar);
                    let mut accumulator_0_bar = accumulator_1_carry_bar;
                }
                (
                    {
                        ::autodiff::__private::SliceSink::take(sink_0, x_bar_apart);
                        ::autodiff::__private::Accumulated
                    },
                )
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
        x: &'__pb [f64],
    ) -> (f64, impl ::core::ops::Fn(f64) -> (::std::vec::Vec<f64>,) + '__pb) {
        let mut x_bar = ::autodiff::__private::Scratch::zeros_like(x);
        let (branch_13, record_9) = {
            let mut accumulator = ::autodiff::__private::zero();
            let _ = ::autodiff::__private::view_bounds(1.., x.len());
            let accumulator_0 = accumulator;
            let stack_8_lo = 0;
            let stack_8_hi = ::core::cmp::min(x.len(), (x.len() - ((1) as usize)));
            let mut accumulator_1_carry = ::autodiff::__private::owned(&accumulator_0);
            for index_1 in stack_8_lo..stack_8_hi {
                let accumulator_1 = accumulator_1_carry;
                let accumulator = ::autodiff::__private::owned(&accumulator_1);
                let index_6 = 0usize + index_1;
                let a_2 = x[index_6];
                let a = ::autodiff::__private::owned(&a_2);
                let index_7 = ((1) as usize) + index_1;
                let b_3 = x[index_7];
                let b = ::autodiff::__private::owned(&b_3);
                let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(
                    &a_2,
                    &a_2,
                );
                let (t_5, t_5_d0, t_5_d1) = ::autodiff::__private::rules::sub(
                    &b_3,
                    &t_4,
                );
                let (t_6, t_6_d0) = ::autodiff::__private::rules::powi(t_5, 2);
                let (t_7, t_7_d1) = ::autodiff::__private::rules::mul_b(&(100.0), &t_6);
                let (t_8, t_8_d0, t_8_d1) = ::autodiff::__private::rules::sub(
                    &(1.0),
                    &a_2,
                );
                let (t_9, t_9_d0) = ::autodiff::__private::rules::powi(t_8, 2);
                let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::add(
                    &t_7,
                    &t_9,
                );
                let (accumulator_11, accumulator_11_d0, accumulator_11_d1) = ::autodiff::__private::rules::add(
                    &accumulator_1,
                    &t_10,
                );
                let accumulator = ::autodiff::__private::owned(&accumulator_11);
                accumulator_1_carry = ::autodiff::__private::owned(&accumulator_11);
                {
                    let accumulator_1_carry_bar = ::autodiff::__private::one_like(
                        &accumulator_1,
                    );
                    let mut accumulator_11_bar = accumulator_1_carry_bar;
                    let mut accumulator_1_bar = ::autodiff::__private::pull(
                        &::autodiff::__private::One,
                        &accumulator_11_bar,
                    );
                    let mut t_10_bar = ::autodiff::__private::pull_owned(
                        &::autodiff::__private::One,
                        accumulator_11_bar,
                    );
                    let mut t_7_bar = ::autodiff::__private::pull(
                        &::autodiff::__private::One,
                        &t_10_bar,
                    );
                    let mut t_9_bar = ::autodiff::__private::pull_owned(
                        &::autodiff::__private::One,
                        t_10_bar,
                    );
                    let mut t_8_bar = ::autodiff::__private::pull_owned(
                        &t_9_d0,
                        t_9_bar,
                    );
                    let mut a_2_bar = ::autodiff::__private::pull_owned(
                        &::autodiff::__private::MinusOne,
                        t_8_bar,
                    );
                    let mut t_6_bar = ::autodiff::__private::pull_owned(
                        &t_7_d1,
                        t_7_bar,
                    );
                    let mut t_5_bar = ::autodiff::__private::pull_owned(
                        &t_6_d0,
                        t_6_bar,
                    );
                    let mut b_3_bar = ::autodiff::__private::pull(
                        &::autodiff::__private::One,
                        &t_5_bar,
                    );
                    let mut t_4_bar = ::autodiff::__private::pull_owned(
                        &::autodiff::__private::MinusOne,
                        t_5_bar,
                    );
                    a_2_bar += ::autodiff::__private::pull(&t_4_d0, &t_4_bar);
                    a_2_bar += ::autodiff::__private::pull_owned(&t_4_d1, t_4_bar);
                    x_bar[::autodiff::__private::opaque_index(index_7)] += b_3_bar;
                    x_bar[::autodiff::__private::opaque_index(index_6)] += a_2_bar;
                }
            }
            let accumulator_12 = accumulator_1_carry;
            let accumulator = ::autodiff::__private::owned(&accumulator_12);
            (
                ::autodiff::__private::owned(&accumulator_12),
                (::core::option::Option::Some((accumulator_12, stack_8_lo, stack_8_hi)),),
            )
        };
        let value = ::autodiff::__private::owned(&branch_13);
        (
            value,
            move |seed| {
                let mut record_9 = ::core::clone::Clone::clone(&record_9);
                let mut x_bar = ::autodiff::__private::pooled_copy(&x_bar);
                let mut branch_13_bar = seed;
                if let ::core::option::Option::Some(
                    (accumulator_12, stack_8_lo, stack_8_hi),
                ) = record_9.0
                {
                    let mut accumulator_12_bar = branch_13_bar;
                    let accumulator_1_carry_bar = accumulator_12_bar;
                    ::autodiff::__private::scale_adjoint(
                        &mut x_bar,
                        accumulator_1_carry_bar,
                    );
                    let mut accumulator_0_bar = accumulator_1_carry_bar;
                }
                (x_bar,)
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
        x: &[f64],
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> f64 {
        rosenbrock(x)
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
        x: &[f64],
        seed: f64,
        sink_0: impl ::autodiff::__private::SliceSink<f64>,
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> (::autodiff::__private::Accumulated,) {
        rosenbrock::vjp_all(x, seed, sink_0).1
    }
}
///Forward mode of [`rosenbrock`](fn@rosenbrock): its value and its directional derivative along the tangents of `x`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn rosenbrock_jvp(x: &[f64], x_dot: &[f64]) -> (f64, f64) {
    rosenbrock::tangent::<_>(x, x_dot)
}
///Reverse mode of [`rosenbrock`](fn@rosenbrock): its value and the vector-Jacobian product of `seed` with respect to `x`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn rosenbrock_vjp(x: &[f64], seed: f64) -> (f64, ::std::vec::Vec<f64>) {
    let mut sink_0 = ::std::vec::Vec::new();
    let (value, (grad_0,)) = rosenbrock::vjp_all(
        x,
        seed,
        ::autodiff::__private::Fresh(&mut sink_0),
    );
    let grad_0 = sink_0;
    (value, grad_0)
}
///Reverse mode of [`rosenbrock`](fn@rosenbrock), split: its value, and its pullback, which maps a seed to the vector-Jacobian product with respect to `x`. The forward sweep runs once; the pullback may be called once per seed (a Jacobian row by row).
#[inline]
#[allow(
    dead_code,
    clippy::multiple_bound_locations,
    clippy::too_many_arguments,
    clippy::ptr_arg
)]
fn rosenbrock_pullback<'__pb>(
    x: &'__pb [f64],
) -> (f64, impl ::core::ops::Fn(f64) -> ::std::vec::Vec<f64> + '__pb) {
    let (value, pullback) = rosenbrock::pullback(x);
    (
        value,
        move |seed| {
            let (grad_0,) = pullback(seed);
            grad_0
        },
    )
}
///Reverse mode of [`rosenbrock`](fn@rosenbrock): its value and its gradient with respect to `x`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn rosenbrock_grad(x: &[f64]) -> (f64, ::std::vec::Vec<f64>)
where
    for<'__g> f64: ::autodiff::__private::ScalarOutput,
{
    rosenbrock_vjp(x, <f64 as ::autodiff::__private::ScalarOutput>::unit_seed())
}
