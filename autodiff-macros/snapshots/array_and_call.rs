fn energy(q: &[f64; 2], k: f64) -> f64 {
    let [a, b] = *q;
    k * spring(a - b) + q[1].exp()
}
#[doc(hidden)]
#[allow(non_camel_case_types, dead_code)]
struct energy {}
#[automatically_derived]
impl energy {
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
    fn tangent<'__t, __D0, __D1>(
        q: &[f64; 2],
        k: f64,
        q_dot: __D0,
        k_dot: __D1,
    ) -> (f64, f64)
    where
        __D0: ::autodiff::__private::RefTangentArg<'__t, [f64; 2]>,
        __D1: ::autodiff::__private::TangentArg<f64>,
    {
        let zero_storage;
        let q_dot: &[f64; 2] = match ::autodiff::__private::RefTangentArg::tangent(
            q_dot,
        ) {
            ::core::option::Option::Some(t) => t,
            ::core::option::Option::None => {
                zero_storage = ::autodiff::__private::zero_like(q);
                &zero_storage
            }
        };
        let k_dot: f64 = ::autodiff::__private::tangent_or_zero(k_dot, &k);
        let index_1 = 0;
        let a_1 = q[index_1];
        let a_1_dot = q_dot[index_1];
        let a = ::autodiff::__private::owned(&a_1);
        let index_2 = 1;
        let b_2 = q[index_2];
        let b_2_dot = q_dot[index_2];
        let b = ::autodiff::__private::owned(&b_2);
        let (t_3, t_3_d0, t_3_d1) = ::autodiff::__private::rules::sub(&a_1, &b_2);
        let t_3_dot = ::autodiff::__private::push(&t_3_d0, &a_1_dot)
            + ::autodiff::__private::push(&t_3_d1, &b_2_dot);
        let (spring_4, spring_4_dot) = spring::tangent(
            ::autodiff::__private::owned(&t_3),
            ::autodiff::__private::owned(&t_3_dot),
        );
        let (t_5, t_5_d0, t_5_d1) = ::autodiff::__private::rules::mul_ref(&k, &spring_4);
        let t_5_dot = ::autodiff::__private::push(&t_5_d0, &k_dot)
            + ::autodiff::__private::push(&t_5_d1, &spring_4_dot);
        let index_3 = 1;
        let elem_6 = q[index_3];
        let elem_6_dot = q_dot[index_3];
        let (t_7, t_7_d0) = ::autodiff::__private::rules::exp(elem_6);
        let t_7_dot = ::autodiff::__private::push(&t_7_d0, &elem_6_dot);
        let (t_8, t_8_d0, t_8_d1) = ::autodiff::__private::rules::add(&t_5, &t_7);
        let t_8_dot = ::autodiff::__private::push(&t_8_d0, &t_5_dot)
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
    fn vjp_all(
        q: &[f64; 2],
        k: f64,
        seed: f64,
        sink_0: impl ::core::marker::Sized,
        sink_1: impl ::core::marker::Sized,
    ) -> (f64, ([f64; 2], f64)) {
        let _ = energy;
        let index_1 = 0;
        let a_1 = q[index_1];
        let a = ::autodiff::__private::owned(&a_1);
        let index_2 = 1;
        let b_2 = q[index_2];
        let b = ::autodiff::__private::owned(&b_2);
        let (t_3, t_3_d0, t_3_d1) = ::autodiff::__private::rules::sub(&a_1, &b_2);
        let spring_4_arg0 = ::autodiff::__private::owned(&t_3);
        let (spring_4, spring_4_pullback) = spring::pullback(
            ::autodiff::__private::owned(&spring_4_arg0),
        );
        let (t_5, t_5_d0, t_5_d1) = ::autodiff::__private::rules::mul_ref(&k, &spring_4);
        let index_3 = 1;
        let elem_6 = q[index_3];
        let (t_7, t_7_d0) = ::autodiff::__private::rules::exp(elem_6);
        let (t_8, t_8_d0, t_8_d1) = ::autodiff::__private::rules::add(&t_5, &t_7);
        let value = ::autodiff::__private::owned(&t_8);
        (
            value,
            {
                let mut q_bar = ::autodiff::__private::zero_like(q);
                let mut t_8_bar = seed;
                let mut t_5_bar = ::autodiff::__private::pull(
                    &::autodiff::__private::One,
                    &t_8_bar,
                );
                let mut t_7_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::One,
                    t_8_bar,
                );
                let mut elem_6_bar = ::autodiff::__private::pull_owned(&t_7_d0, t_7_bar);
                q_bar[index_3] += elem_6_bar;
                let mut k_bar = ::autodiff::__private::pull(&t_5_d0, &t_5_bar);
                let mut spring_4_bar = ::autodiff::__private::pull_owned(
                    &t_5_d1,
                    t_5_bar,
                );
                let (spring_4_grad0,) = spring_4_pullback(spring_4_bar);
                let mut t_3_bar = ::autodiff::__private::adjoint_like(
                    &spring_4_arg0,
                    spring_4_grad0,
                );
                let mut a_1_bar = ::autodiff::__private::pull(
                    &::autodiff::__private::One,
                    &t_3_bar,
                );
                let mut b_2_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::MinusOne,
                    t_3_bar,
                );
                q_bar[index_2] += b_2_bar;
                q_bar[index_1] += a_1_bar;
                (q_bar, k_bar)
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
        q: &'__pb [f64; 2],
        k: f64,
    ) -> (f64, impl ::core::ops::Fn(f64) -> ([f64; 2], f64) + '__pb) {
        let index_1 = 0;
        let a_1 = q[index_1];
        let a = ::autodiff::__private::owned(&a_1);
        let index_2 = 1;
        let b_2 = q[index_2];
        let b = ::autodiff::__private::owned(&b_2);
        let (t_3, t_3_d0, t_3_d1) = ::autodiff::__private::rules::sub(&a_1, &b_2);
        let spring_4_arg0 = ::autodiff::__private::owned(&t_3);
        let spring_4 = spring(::autodiff::__private::owned(&spring_4_arg0));
        let (t_5, t_5_d0, t_5_d1) = ::autodiff::__private::rules::mul(&k, &spring_4);
        let index_3 = 1;
        let elem_6 = q[index_3];
        let (t_7, t_7_d0) = ::autodiff::__private::rules::exp(elem_6);
        let (t_8, t_8_d0, t_8_d1) = ::autodiff::__private::rules::add(&t_5, &t_7);
        let value = ::autodiff::__private::owned(&t_8);
        (
            value,
            move |seed| {
                let mut q_bar = ::autodiff::__private::zero_like(q);
                let mut t_8_bar = seed;
                let mut t_5_bar = ::autodiff::__private::pull(
                    &::autodiff::__private::One,
                    &t_8_bar,
                );
                let mut t_7_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::One,
                    t_8_bar,
                );
                let mut elem_6_bar = ::autodiff::__private::pull_owned(&t_7_d0, t_7_bar);
                q_bar[index_3] += elem_6_bar;
                let mut k_bar = ::autodiff::__private::pull(&t_5_d0, &t_5_bar);
                let mut spring_4_bar = ::autodiff::__private::pull_owned(
                    &t_5_d1,
                    t_5_bar,
                );
                let (_, (spring_4_grad0,)) = spring::vjp_all(
                    {
                        let again = ::core::clone::Clone::clone(&spring_4_arg0);
                        again
                    },
                    spring_4_bar,
                    ::autodiff::__private::Discard,
                );
                let mut t_3_bar = ::autodiff::__private::adjoint_like(
                    &spring_4_arg0,
                    spring_4_grad0,
                );
                let mut a_1_bar = ::autodiff::__private::pull(
                    &::autodiff::__private::One,
                    &t_3_bar,
                );
                let mut b_2_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::MinusOne,
                    t_3_bar,
                );
                q_bar[index_2] += b_2_bar;
                q_bar[index_1] += a_1_bar;
                (q_bar, k_bar)
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
        q: &[f64; 2],
        k: f64,
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> f64 {
        energy(q, k)
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
        q: &[f64; 2],
        k: f64,
        seed: f64,
        sink_0: impl ::core::marker::Sized,
        sink_1: impl ::core::marker::Sized,
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> ([f64; 2], f64) {
        energy::vjp_all(q, k, seed, sink_0, sink_1).1
    }
}
///Forward mode of [`energy`](fn@energy): its value and its directional derivative along the tangents of `q`, `k`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn energy_jvp(q: &[f64; 2], k: f64, q_dot: &[f64; 2], k_dot: f64) -> (f64, f64) {
    energy::tangent::<_, _>(q, k, q_dot, k_dot)
}
///Reverse mode of [`energy`](fn@energy): its value and the vector-Jacobian product of `seed` with respect to `q`, `k`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn energy_vjp(q: &[f64; 2], k: f64, seed: f64) -> (f64, ([f64; 2], f64)) {
    let (value, (grad_0, grad_1)) = energy::vjp_all(
        q,
        k,
        seed,
        ::autodiff::__private::Discard,
        ::autodiff::__private::Discard,
    );
    (value, (grad_0, grad_1))
}
///Reverse mode of [`energy`](fn@energy), split: its value, and its pullback, which maps a seed to the vector-Jacobian product with respect to `q`, `k`. The forward sweep runs once; the pullback may be called once per seed (a Jacobian row by row).
#[inline]
#[allow(
    dead_code,
    clippy::multiple_bound_locations,
    clippy::too_many_arguments,
    clippy::ptr_arg
)]
fn energy_pullback<'__pb>(
    q: &'__pb [f64; 2],
    k: f64,
) -> (f64, impl ::core::ops::Fn(f64) -> ([f64; 2], f64) + '__pb) {
    let (value, pullback) = energy::pullback(q, k);
    (
        value,
        move |seed| {
            let (grad_0, grad_1) = pullback(seed);
            (grad_0, grad_1)
        },
    )
}
///Reverse mode of [`energy`](fn@energy): its value and its gradient with respect to `q`, `k`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn energy_grad(q: &[f64; 2], k: f64) -> (f64, ([f64; 2], f64))
where
    for<'__g> f64: ::autodiff::__private::ScalarOutput,
{
    energy_vjp(q, k, <f64 as ::autodiff::__private::ScalarOutput>::unit_seed())
}
