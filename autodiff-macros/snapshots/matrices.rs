fn mlp_loss(
    w1: &DMatrix<f64>,
    b1: &DVector<f64>,
    w2: &DMatrix<f64>,
    x: &DMatrix<f64>,
    y: &DMatrix<f64>,
) -> f64 {
    let ones = RowDVector::from_element(x.ncols(), 1.0);
    let hidden = (w1 * x + b1 * &ones).map(|v| v.tanh());
    (w2 * hidden - y).norm_squared()
}
#[doc(hidden)]
#[allow(non_camel_case_types, dead_code)]
struct mlp_loss {}
#[automatically_derived]
impl mlp_loss {
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
    fn tangent<'__t, __D0, __D1, __D2, __D3, __D4>(
        w1: &DMatrix<f64>,
        b1: &DVector<f64>,
        w2: &DMatrix<f64>,
        x: &DMatrix<f64>,
        y: &DMatrix<f64>,
        w1_dot: __D0,
        b1_dot: __D1,
        w2_dot: __D2,
        x_dot: __D3,
        y_dot: __D4,
    ) -> (f64, f64)
    where
        __D0: ::autodiff::__private::RefTangentArg<'__t, DMatrix<f64>>,
        __D1: ::autodiff::__private::RefTangentArg<'__t, DVector<f64>>,
        __D2: ::autodiff::__private::RefTangentArg<'__t, DMatrix<f64>>,
    {
        let zero_storage;
        let w1_dot: &DMatrix<f64> = match ::autodiff::__private::RefTangentArg::tangent(
            w1_dot,
        ) {
            ::core::option::Option::Some(t) => t,
            ::core::option::Option::None => {
                zero_storage = ::autodiff::__private::zero_like(w1);
                &zero_storage
            }
        };
        let zero_storage;
        let b1_dot: &DVector<f64> = match ::autodiff::__private::RefTangentArg::tangent(
            b1_dot,
        ) {
            ::core::option::Option::Some(t) => t,
            ::core::option::Option::None => {
                zero_storage = ::autodiff::__private::zero_like(b1);
                &zero_storage
            }
        };
        let zero_storage;
        let w2_dot: &DMatrix<f64> = match ::autodiff::__private::RefTangentArg::tangent(
            w2_dot,
        ) {
            ::core::option::Option::Some(t) => t,
            ::core::option::Option::None => {
                zero_storage = ::autodiff::__private::zero_like(w2);
                &zero_storage
            }
        };
        let _ = x_dot;
        let _ = y_dot;
        let ones = RowDVector::from_element(x.ncols(), 1.0);
        let w1_0 = w1;
        let w1_0_dot = ::autodiff::__private::owned(w1_dot);
        let (t_1, t_1_d0) = ::autodiff::__private::rules::mul_a_ref(w1_0, x);
        let t_1_dot = ::autodiff::__private::push(&t_1_d0, &w1_0_dot);
        let b1_2 = b1;
        let b1_2_dot = ::autodiff::__private::owned(b1_dot);
        let (t_3, t_3_d0) = ::autodiff::__private::rules::mul_a_ref(b1_2, &(ones));
        let t_3_dot = ::autodiff::__private::push(&t_3_d0, &b1_2_dot);
        let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::add_owned(t_1, &t_3);
        let mut t_4_dot = ::autodiff::__private::push(&t_4_d0, &t_1_dot);
        ::autodiff::__private::accumulate(
            &mut t_4_dot,
            ::autodiff::__private::push(&t_4_d1, &t_3_dot),
        );
        let (hidden_5, hidden_5_d0) = ::autodiff::__private::rules::map_owned(
            t_4,
            |v| {
                let v_dot = ::autodiff::__private::one_like(&v);
                let (t_1, t_1_d0) = ::autodiff::__private::rules::tanh(v);
                let t_1_dot = ::autodiff::__private::push(&t_1_d0, &v_dot);
                (
                    ::autodiff::__private::owned(&t_1),
                    ::autodiff::__private::owned(&t_1_dot),
                )
            },
        );
        let hidden_5_dot = ::autodiff::__private::push(&hidden_5_d0, &t_4_dot);
        let hidden = &hidden_5;
        let w2_6 = w2;
        let w2_6_dot = ::autodiff::__private::owned(w2_dot);
        let (t_7, t_7_d0, t_7_d1) = ::autodiff::__private::rules::mul_ref(
            w2_6,
            &hidden_5,
        );
        let mut t_7_dot = ::autodiff::__private::push(&t_7_d0, &w2_6_dot);
        ::autodiff::__private::accumulate(
            &mut t_7_dot,
            ::autodiff::__private::push(&t_7_d1, &hidden_5_dot),
        );
        let (t_8, t_8_d0, t_8_d1) = ::autodiff::__private::rules::sub_owned(t_7, y);
        let t_8_dot = ::autodiff::__private::push(&t_8_d0, &t_7_dot);
        let (t_9, t_9_d0) = ::autodiff::__private::rules::norm_squared(&t_8);
        let t_9_dot = ::autodiff::__private::push(&t_9_d0, &t_8_dot);
        (::autodiff::__private::owned(&t_9), ::autodiff::__private::owned(&t_9_dot))
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
        w1: &DMatrix<f64>,
        b1: &DVector<f64>,
        w2: &DMatrix<f64>,
        x: &DMatrix<f64>,
        y: &DMatrix<f64>,
        seed: f64,
        sink_0: impl ::core::marker::Sized,
        sink_1: impl ::core::marker::Sized,
        sink_2: impl ::core::marker::Sized,
        sink_3: impl ::core::marker::Sized,
        sink_4: impl ::core::marker::Sized,
    ) -> (
        f64,
        (
            DMatrix<f64>,
            DVector<f64>,
            DMatrix<f64>,
            ::autodiff::__private::NoAdjoint,
            ::autodiff::__private::NoAdjoint,
        ),
    ) {
        let _ = mlp_loss;
        let ones = RowDVector::from_element(x.ncols(), 1.0);
        let w1_0 = w1;
        let (t_1, t_1_d0) = ::autodiff::__private::rules::mul_a_ref(w1_0, x);
        let b1_2 = b1;
        let (t_3, t_3_d0) = ::autodiff::__private::rules::mul_a_ref(b1_2, &(ones));
        let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::add_owned(t_1, &t_3);
        ::core::mem::drop(t_3);
        let (hidden_5, hidden_5_d0) = ::autodiff::__private::rules::map_owned(
            t_4,
            |v| {
                let v_dot = ::autodiff::__private::one_like(&v);
                let (t_1, t_1_d0) = ::autodiff::__private::rules::tanh(v);
                let t_1_dot = ::autodiff::__private::push(&t_1_d0, &v_dot);
                (
                    ::autodiff::__private::owned(&t_1),
                    ::autodiff::__private::owned(&t_1_dot),
                )
            },
        );
        let hidden = &hidden_5;
        let w2_6 = w2;
        let (t_7, t_7_d0, t_7_d1) = ::autodiff::__private::rules::mul_ref(
            w2_6,
            &hidden_5,
        );
        let (t_8, t_8_d0, t_8_d1) = ::autodiff::__private::rules::sub_owned(t_7, y);
        let (t_9, t_9_d0) = ::autodiff::__private::rules::norm_squared(&t_8);
        ::core::mem::drop(t_8);
        let value = ::autodiff::__private::owned(&t_9);
        (
            value,
            {
                let mut w1_bar = ::autodiff::__private::zero_like(w1);
                let mut b1_bar = ::autodiff::__private::zero_like(b1);
                let mut w2_bar = ::autodiff::__private::zero_like(w2);
                let mut t_9_bar = seed;
                let mut t_8_bar = ::autodiff::__private::adjoint_from(
                    ::autodiff::__private::pull_owned(&t_9_d0, t_9_bar),
                );
                ::core::mem::drop(t_9_d0);
                let t_7_bar = &t_8_bar;
                let mut w2_6_bar = ::autodiff::__private::adjoint_from(
                    ::autodiff::__private::pull(&t_7_d0, t_7_bar),
                );
                let mut hidden_5_bar = ::autodiff::__private::adjoint_from(
                    ::autodiff::__private::pull(&t_7_d1, t_7_bar),
                );
                ::core::mem::drop(t_7_d0);
                ::core::mem::drop(t_7_d1);
                ::autodiff::__private::accumulate(&mut w2_bar, w2_6_bar);
                let mut t_4_bar = ::autodiff::__private::adjoint_from(
                    ::autodiff::__private::pull_owned(&hidden_5_d0, hidden_5_bar),
                );
                ::core::mem::drop(hidden_5_d0);
                let t_1_bar = &t_4_bar;
                let t_3_bar = &t_4_bar;
                let mut b1_2_bar = ::autodiff::__private::adjoint_from(
                    ::autodiff::__private::pull(&t_3_d0, t_3_bar),
                );
                ::core::mem::drop(t_3_d0);
                ::autodiff::__private::accumulate(&mut b1_bar, b1_2_bar);
                let mut w1_0_bar = ::autodiff::__private::adjoint_from(
                    ::autodiff::__private::pull(&t_1_d0, t_1_bar),
                );
                ::core::mem::drop(t_1_d0);
                ::autodiff::__private::accumulate(&mut w1_bar, w1_0_bar);
                (
                    w1_bar,
                    b1_bar,
                    w2_bar,
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
    fn pullback<'__pb>(
        w1: &'__pb DMatrix<f64>,
        b1: &'__pb DVector<f64>,
        w2: &'__pb DMatrix<f64>,
        x: &'__pb DMatrix<f64>,
        y: &'__pb DMatrix<f64>,
    ) -> (
        f64,
        impl ::core::ops::Fn(
            f64,
        ) -> (
                DMatrix<f64>,
                DVector<f64>,
                DMatrix<f64>,
                ::autodiff::__private::NoAdjoint,
                ::autodiff::__private::NoAdjoint,
            ) + '__pb,
    ) {
        let ones = RowDVector::from_element(x.ncols(), 1.0);
        let w1_0 = w1;
        let (t_1, t_1_d0) = ::autodiff::__private::rules::mul_a(w1_0, x);
        let b1_2 = b1;
        let (t_3, t_3_d0) = ::autodiff::__private::rules::mul_a(b1_2, &(ones));
        let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::add_owned(t_1, &t_3);
        ::core::mem::drop(t_3);
        let (hidden_5, hidden_5_d0) = ::autodiff::__private::rules::map_owned(
            t_4,
            |v| {
                let v_dot = ::autodiff::__private::one_like(&v);
                let (t_1, t_1_d0) = ::autodiff::__private::rules::tanh(v);
                let t_1_dot = ::autodiff::__private::push(&t_1_d0, &v_dot);
                (
                    ::autodiff::__private::owned(&t_1),
                    ::autodiff::__private::owned(&t_1_dot),
                )
            },
        );
        let hidden = &hidden_5;
        let w2_6 = w2;
        let (t_7, t_7_d0, t_7_d1) = ::autodiff::__private::rules::mul(w2_6, &hidden_5);
        let (t_8, t_8_d0, t_8_d1) = ::autodiff::__private::rules::sub_owned(t_7, y);
        let (t_9, t_9_d0) = ::autodiff::__private::rules::norm_squared(&t_8);
        ::core::mem::drop(t_8);
        let value = ::autodiff::__private::owned(&t_9);
        (
            value,
            move |seed| {
                let mut w1_bar = ::autodiff::__private::zero_like(w1);
                let mut b1_bar = ::autodiff::__private::zero_like(b1);
                let mut w2_bar = ::autodiff::__private::zero_like(w2);
                let mut t_9_bar = seed;
                let mut t_8_bar = ::autodiff::__private::adjoint_from(
                    ::autodiff::__private::pull_owned(&t_9_d0, t_9_bar),
                );
                let t_7_bar = &t_8_bar;
                let mut w2_6_bar = ::autodiff::__private::adjoint_from(
                    ::autodiff::__private::pull(&t_7_d0, t_7_bar),
                );
                let mut hidden_5_bar = ::autodiff::__private::adjoint_from(
                    ::autodiff::__private::pull(&t_7_d1, t_7_bar),
                );
                ::autodiff::__private::accumulate(&mut w2_bar, w2_6_bar);
                let mut t_4_bar = ::autodiff::__private::adjoint_from(
                    ::autodiff::__private::pull_owned(&hidden_5_d0, hidden_5_bar),
                );
                let t_1_bar = &t_4_bar;
                let t_3_bar = &t_4_bar;
                let mut b1_2_bar = ::autodiff::__private::adjoint_from(
                    ::autodiff::__private::pull(&t_3_d0, t_3_bar),
                );
                ::autodiff::__private::accumulate(&mut b1_bar, b1_2_bar);
                let mut w1_0_bar = ::autodiff::__private::adjoint_from(
                    ::autodiff::__private::pull(&t_1_d0, t_1_bar),
                );
                ::autodiff::__private::accumulate(&mut w1_bar, w1_0_bar);
                (
                    w1_bar,
                    b1_bar,
                    w2_bar,
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
    fn record(
        w1: &DMatrix<f64>,
        b1: &DVector<f64>,
        w2: &DMatrix<f64>,
        x: &DMatrix<f64>,
        y: &DMatrix<f64>,
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> f64 {
        mlp_loss(w1, b1, w2, x, y)
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
        w1: &DMatrix<f64>,
        b1: &DVector<f64>,
        w2: &DMatrix<f64>,
        x: &DMatrix<f64>,
        y: &DMatrix<f64>,
        seed: f64,
        sink_0: impl ::core::marker::Sized,
        sink_1: impl ::core::marker::Sized,
        sink_2: impl ::core::marker::Sized,
        sink_3: impl ::core::marker::Sized,
        sink_4: impl ::core::marker::Sized,
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> (
        DMatrix<f64>,
        DVector<f64>,
        DMatrix<f64>,
        ::autodiff::__private::NoAdjoint,
        ::autodiff::__private::NoAdjoint,
    ) {
        mlp_loss::vjp_all(w1, b1, w2, x, y, seed, sink_0, sink_1, sink_2, sink_3, sink_4)
            .1
    }
}
///Forward mode of [`mlp_loss`](fn@mlp_loss): its value and its directional derivative along the tangents of `w1`, `b1`, `w2`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn mlp_loss_jvp(
    w1: &DMatrix<f64>,
    b1: &DVector<f64>,
    w2: &DMatrix<f64>,
    x: &DMatrix<f64>,
    y: &DMatrix<f64>,
    w1_dot: &DMatrix<f64>,
    b1_dot: &DVector<f64>,
    w2_dot: &DMatrix<f64>,
) -> (f64, f64) {
    mlp_loss::tangent::<
        _,
        _,
        _,
        _,
        _,
    >(
        w1,
        b1,
        w2,
        x,
        y,
        w1_dot,
        b1_dot,
        w2_dot,
        ::autodiff::__private::ZeroTangent,
        ::autodiff::__private::ZeroTangent,
    )
}
///Reverse mode of [`mlp_loss`](fn@mlp_loss): its value and the vector-Jacobian product of `seed` with respect to `w1`, `b1`, `w2`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn mlp_loss_vjp(
    w1: &DMatrix<f64>,
    b1: &DVector<f64>,
    w2: &DMatrix<f64>,
    x: &DMatrix<f64>,
    y: &DMatrix<f64>,
    seed: f64,
) -> (f64, (DMatrix<f64>, DVector<f64>, DMatrix<f64>)) {
    let (value, (grad_0, grad_1, grad_2, grad_3, grad_4)) = mlp_loss::vjp_all(
        w1,
        b1,
        w2,
        x,
        y,
        seed,
        ::autodiff::__private::Discard,
        ::autodiff::__private::Discard,
        ::autodiff::__private::Discard,
        ::autodiff::__private::Discard,
        ::autodiff::__private::Discard,
    );
    (value, (grad_0, grad_1, grad_2))
}
///Reverse mode of [`mlp_loss`](fn@mlp_loss), split: its value, and its pullback, which maps a seed to the vector-Jacobian product with respect to `w1`, `b1`, `w2`. The forward sweep runs once; the pullback may be called once per seed (a Jacobian row by row).
#[inline]
#[allow(
    dead_code,
    clippy::multiple_bound_locations,
    clippy::too_many_arguments,
    clippy::ptr_arg
)]
fn mlp_loss_pullback<'__pb>(
    w1: &'__pb DMatrix<f64>,
    b1: &'__pb DVector<f64>,
    w2: &'__pb DMatrix<f64>,
    x: &'__pb DMatrix<f64>,
    y: &'__pb DMatrix<f64>,
) -> (
    f64,
    impl ::core::ops::Fn(f64) -> (DMatrix<f64>, DVector<f64>, DMatrix<f64>) + '__pb,
) {
    let (value, pullback) = mlp_loss::pullback(w1, b1, w2, x, y);
    (
        value,
        move |seed| {
            let (grad_0, grad_1, grad_2, grad_3, grad_4) = pullback(seed);
            (grad_0, grad_1, grad_2)
        },
    )
}
///Reverse mode of [`mlp_loss`](fn@mlp_loss): its value and its gradient with respect to `w1`, `b1`, `w2`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn mlp_loss_grad(
    w1: &DMatrix<f64>,
    b1: &DVector<f64>,
    w2: &DMatrix<f64>,
    x: &DMatrix<f64>,
    y: &DMatrix<f64>,
) -> (f64, (DMatrix<f64>, DVector<f64>, DMatrix<f64>))
where
    for<'__g> f64: ::autodiff::__private::ScalarOutput,
{
    mlp_loss_vjp(
        w1,
        b1,
        w2,
        x,
        y,
        <f64 as ::autodiff::__private::ScalarOutput>::unit_seed(),
    )
}
