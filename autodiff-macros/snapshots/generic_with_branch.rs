fn softclip<T: Float>(x: T, limit: T, n: usize) -> T {
    let mut y = x * T::from(n).unwrap();
    if y > limit {
        y = limit + (y - limit).ln_1p();
    }
    y
}
#[doc(hidden)]
#[allow(non_camel_case_types, dead_code)]
struct softclip {}
#[automatically_derived]
impl softclip {
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
    fn tangent<'__t, T: Float, __D0, __D1, __D2>(
        x: T,
        limit: T,
        n: usize,
        x_dot: __D0,
        limit_dot: __D1,
        n_dot: __D2,
    ) -> (T, T)
    where
        T: ::autodiff::__private::Real,
        __D0: ::autodiff::__private::TangentArg<T>,
    {
        let x_dot: T = ::autodiff::__private::tangent_or_zero(x_dot, &x);
        let _ = limit_dot;
        let _ = n_dot;
        let y_1_c1 = T::from(n).unwrap();
        let (y_1, y_1_d0) = ::autodiff::__private::rules::mul_a_ref(
            &x,
            ::autodiff::__private::like(&x, &(y_1_c1)),
        );
        let y_1_dot = ::autodiff::__private::push(&y_1_d0, &x_dot);
        let y = ::autodiff::__private::owned(&y_1);
        let (y_5, y_5_dot, branch_1) = if y > limit {
            let (t_2, t_2_d0, t_2_d1) = ::autodiff::__private::rules::sub(
                &y_1,
                ::autodiff::__private::like(&y_1, &(limit)),
            );
            let t_2_dot = ::autodiff::__private::push(&t_2_d0, &y_1_dot);
            let (t_3, t_3_d0) = ::autodiff::__private::rules::ln_1p(t_2);
            let t_3_dot = ::autodiff::__private::push(&t_3_d0, &t_2_dot);
            let (y_4, y_4_d0, y_4_d1) = ::autodiff::__private::rules::add(
                ::autodiff::__private::like(&t_3, &(limit)),
                &t_3,
            );
            let y_4_dot = ::autodiff::__private::push(&y_4_d1, &t_3_dot);
            let y = ::autodiff::__private::owned(&y_4);
            (
                ::autodiff::__private::owned(&y_4),
                ::autodiff::__private::owned(&y_4_dot),
                (),
            )
        } else {
            (
                ::autodiff::__private::owned(&y_1),
                ::autodiff::__private::owned(&y_1_dot),
                (),
            )
        };
        let y = ::autodiff::__private::owned(&y_5);
        (::autodiff::__private::owned(&y_5), ::autodiff::__private::owned(&y_5_dot))
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
    fn vjp_all<T: Float>(
        x: T,
        limit: T,
        n: usize,
        seed: T,
        sink_0: impl ::core::marker::Sized,
        sink_1: impl ::core::marker::Sized,
        sink_2: impl ::core::marker::Sized,
    ) -> (T, (T, ::autodiff::__private::NoAdjoint, ::autodiff::__private::NoAdjoint))
    where
        T: ::autodiff::__private::Real,
    {
        let _ = softclip::<T>;
        let y_1_c1 = T::from(n).unwrap();
        let (y_1, y_1_d0) = ::autodiff::__private::rules::mul_a_ref(
            &x,
            ::autodiff::__private::like(&x, &(y_1_c1)),
        );
        let y = ::autodiff::__private::owned(&y_1);
        let (y_5, branch_1, record_2) = if y > limit {
            let (t_2, t_2_d0, t_2_d1) = ::autodiff::__private::rules::sub(
                &y_1,
                ::autodiff::__private::like(&y_1, &(limit)),
            );
            let (t_3, t_3_d0) = ::autodiff::__private::rules::ln_1p(t_2);
            let (y_4, y_4_d0, y_4_d1) = ::autodiff::__private::rules::add(
                ::autodiff::__private::like(&t_3, &(limit)),
                &t_3,
            );
            let y = ::autodiff::__private::owned(&y_4);
            (
                ::autodiff::__private::owned(&y_4),
                (),
                (::core::option::Option::Some((t_3_d0,)), ::core::option::Option::None),
            )
        } else {
            (
                ::autodiff::__private::owned(&y_1),
                (),
                (::core::option::Option::None, ::core::option::Option::Some(())),
            )
        };
        let y = ::autodiff::__private::owned(&y_5);
        let value = ::autodiff::__private::owned(&y_5);
        (
            value,
            {
                let mut y_5_bar = seed;
                let mut y_1_bar = ::autodiff::__private::zero_like(&y_1);
                if let ::core::option::Option::Some((t_3_d0,)) = record_2.0 {
                    let mut y_4_bar = y_5_bar;
                    let mut t_3_bar = ::autodiff::__private::pull_owned(
                        &::autodiff::__private::One,
                        y_4_bar,
                    );
                    let mut t_2_bar = ::autodiff::__private::pull_owned(
                        &t_3_d0,
                        t_3_bar,
                    );
                    y_1_bar
                        += ::autodiff::__private::pull_owned(
                            &::autodiff::__private::One,
                            t_2_bar,
                        );
                } else if let ::core::option::Option::Some(()) = record_2.1 {
                    y_1_bar += y_5_bar;
                }
                let mut x_bar = ::autodiff::__private::pull_owned(&y_1_d0, y_1_bar);
                (
                    x_bar,
                    ::autodiff::__private::NoAdjoint,
                    ::autodiff::__private::NoAdjoint,
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
    fn pullback<'__pb, T: Float>(
        x: T,
        limit: T,
        n: usize,
    ) -> (
        T,
        impl ::core::ops::Fn(
            T,
        ) -> (
                T,
                ::autodiff::__private::NoAdjoint,
                ::autodiff::__private::NoAdjoint,
            ) + '__pb,
    )
    where
        T: ::autodiff::__private::Real,
        T: '__pb,
    {
        let (y_1, y_1_d0) = ::autodiff::__private::rules::mul_a(
            &x,
            ::autodiff::__private::like(&x, &(T::from(n).unwrap())),
        );
        let y = ::autodiff::__private::owned(&y_1);
        let (y_5, branch_1, record_2) = if y > limit {
            let (t_2, t_2_d0, t_2_d1) = ::autodiff::__private::rules::sub(
                &y_1,
                ::autodiff::__private::like(&y_1, &(limit)),
            );
            let (t_3, t_3_d0) = ::autodiff::__private::rules::ln_1p(t_2);
            let (y_4, y_4_d0, y_4_d1) = ::autodiff::__private::rules::add(
                ::autodiff::__private::like(&t_3, &(limit)),
                &t_3,
            );
            let y = ::autodiff::__private::owned(&y_4);
            (
                ::autodiff::__private::owned(&y_4),
                (),
                (::core::option::Option::Some((t_3_d0,)), ::core::option::Option::None),
            )
        } else {
            (
                ::autodiff::__private::owned(&y_1),
                (),
                (::core::option::Option::None, ::core::option::Option::Some(())),
            )
        };
        let y = ::autodiff::__private::owned(&y_5);
        let value = ::autodiff::__private::owned(&y_5);
        (
            value,
            move |seed| {
                let mut record_2 = ::core::clone::Clone::clone(&record_2);
                let mut y_5_bar = seed;
                let mut y_1_bar = ::autodiff::__private::zero_like(&y_1);
                if let ::core::option::Option::Some((t_3_d0,)) = record_2.0 {
                    let mut y_4_bar = y_5_bar;
                    let mut t_3_bar = ::autodiff::__private::pull_owned(
                        &::autodiff::__private::One,
                        y_4_bar,
                    );
                    let mut t_2_bar = ::autodiff::__private::pull_owned(
                        &t_3_d0,
                        t_3_bar,
                    );
                    y_1_bar
                        += ::autodiff::__private::pull_owned(
                            &::autodiff::__private::One,
                            t_2_bar,
                        );
                } else if let ::core::option::Option::Some(()) = record_2.1 {
                    y_1_bar += y_5_bar;
                }
                let mut x_bar = ::autodiff::__private::pull_owned(&y_1_d0, y_1_bar);
                (
                    x_bar,
                    ::autodiff::__private::NoAdjoint,
                    ::autodiff::__private::NoAdjoint,
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
    fn record<T: Float>(
        x: T,
        limit: T,
        n: usize,
        float_stack: &mut ::autodiff::__private::Stack<T>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> T
    where
        T: ::autodiff::__private::Real,
    {
        softclip::<T>(x, limit, n)
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
    fn backward<T: Float>(
        x: T,
        limit: T,
        n: usize,
        seed: T,
        sink_0: impl ::core::marker::Sized,
        sink_1: impl ::core::marker::Sized,
        sink_2: impl ::core::marker::Sized,
        float_stack: &mut ::autodiff::__private::Stack<T>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> (T, ::autodiff::__private::NoAdjoint, ::autodiff::__private::NoAdjoint)
    where
        T: ::autodiff::__private::Real,
    {
        softclip::vjp_all::<T>(x, limit, n, seed, sink_0, sink_1, sink_2).1
    }
}
///Forward mode of [`softclip`](fn@softclip): its value and its directional derivative along the tangents of `x`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn softclip_jvp<T: Float>(x: T, limit: T, n: usize, x_dot: T) -> (T, T)
where
    T: ::autodiff::__private::Real,
{
    softclip::tangent::<
        T,
        _,
        _,
        _,
    >(
        x,
        limit,
        n,
        x_dot,
        ::autodiff::__private::ZeroTangent,
        ::autodiff::__private::ZeroTangent,
    )
}
///Reverse mode of [`softclip`](fn@softclip): its value and the vector-Jacobian product of `seed` with respect to `x`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn softclip_vjp<T: Float>(x: T, limit: T, n: usize, seed: T) -> (T, T)
where
    T: ::autodiff::__private::Real,
{
    let (value, (grad_0, grad_1, grad_2)) = softclip::vjp_all::<
        T,
    >(
        x,
        limit,
        n,
        seed,
        ::autodiff::__private::Discard,
        ::autodiff::__private::Discard,
        ::autodiff::__private::Discard,
    );
    (value, grad_0)
}
///Reverse mode of [`softclip`](fn@softclip), split: its value, and its pullback, which maps a seed to the vector-Jacobian product with respect to `x`. The forward sweep runs once; the pullback may be called once per seed (a Jacobian row by row).
#[inline]
#[allow(
    dead_code,
    clippy::multiple_bound_locations,
    clippy::too_many_arguments,
    clippy::ptr_arg
)]
fn softclip_pullback<'__pb, T: Float>(
    x: T,
    limit: T,
    n: usize,
) -> (T, impl ::core::ops::Fn(T) -> T + '__pb)
where
    T: ::autodiff::__private::Real,
    T: '__pb,
{
    let (value, pullback) = softclip::pullback::<T>(x, limit, n);
    (
        value,
        move |seed| {
            let (grad_0, grad_1, grad_2) = pullback(seed);
            grad_0
        },
    )
}
///Reverse mode of [`softclip`](fn@softclip): its value and its gradient with respect to `x`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn softclip_grad<T: Float>(x: T, limit: T, n: usize) -> (T, T)
where
    T: ::autodiff::__private::Real,
    for<'__g> T: ::autodiff::__private::ScalarOutput,
{
    softclip_vjp::<
        T,
    >(x, limit, n, <T as ::autodiff::__private::ScalarOutput>::unit_seed())
}
