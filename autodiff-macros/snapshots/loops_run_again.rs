fn q_sq_norm(l: &[f64], v: &[f64]) -> f64 {
    let d = v.len();
    let mut z = vec![0.0; d];
    for j in 0..d {
        z[j] = 2.0 * v[j];
    }
    let mut idx = 0;
    for col in 0..d {
        for row in col + 1..d {
            z[row] += l[idx] * v[col];
            idx += 1;
        }
    }
    let mut s = 0.0;
    for j in 0..d {
        s += z[j] * z[j];
    }
    s
}
#[doc(hidden)]
#[allow(non_camel_case_types, dead_code)]
struct q_sq_norm {}
#[automatically_derived]
impl q_sq_norm {
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
        l: &[f64],
        v: &[f64],
        l_dot: __D0,
        v_dot: __D1,
    ) -> (f64, f64)
    where
        __D0: ::autodiff::__private::RefTangentArg<'__t, [f64]>,
        __D1: ::autodiff::__private::RefTangentArg<'__t, [f64]>,
    {
        let zero_storage;
        let l_dot: &[f64] = match ::autodiff::__private::RefTangentArg::tangent(l_dot) {
            ::core::option::Option::Some(t) => t,
            ::core::option::Option::None => {
                zero_storage = ::autodiff::__private::zero_vec_like(l);
                &zero_storage
            }
        };
        let zero_storage;
        let v_dot: &[f64] = match ::autodiff::__private::RefTangentArg::tangent(v_dot) {
            ::core::option::Option::Some(t) => t,
            ::core::option::Option::None => {
                zero_storage = ::autodiff::__private::zero_vec_like(v);
                &zero_storage
            }
        };
        let d = v.len();
        let mut z = ::autodiff::__private::filled(0.0, d);
        let mut z_dot = ::autodiff::__private::zero_like(&z);
        for j in 0..d {
            let index_4 = j;
            let elem_0 = v[index_4];
            let elem_0_dot = v_dot[index_4];
            let (t_1, t_1_d1) = ::autodiff::__private::rules::mul_b(&(2.0), &elem_0);
            let t_1_dot = ::autodiff::__private::push(&t_1_d1, &elem_0_dot);
            let index_5 = j;
            z[index_5] = t_1;
            z_dot[index_5] = ::autodiff::__private::owned(&t_1_dot);
        }
        let mut idx = 0;
        for col in 0..d {
            for row in col + 1..d {
                let index_23 = idx;
                let elem_2 = l[index_23];
                let elem_2_dot = l_dot[index_23];
                let index_24 = col;
                let elem_3 = v[index_24];
                let elem_3_dot = v_dot[index_24];
                let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(
                    &elem_2,
                    &elem_3,
                );
                let t_4_dot = ::autodiff::__private::push(&t_4_d0, &elem_2_dot)
                    + ::autodiff::__private::push(&t_4_d1, &elem_3_dot);
                let index_25 = row;
                let elem_5 = z[index_25];
                let elem_5_dot = z_dot[index_25];
                let (t_6, t_6_d0, t_6_d1) = ::autodiff::__private::rules::add(
                    &elem_5,
                    &t_4,
                );
                let t_6_dot = ::autodiff::__private::push(&t_6_d0, &elem_5_dot)
                    + ::autodiff::__private::push(&t_6_d1, &t_4_dot);
                let index_26 = row;
                z[index_26] = t_6;
                z_dot[index_26] = ::autodiff::__private::owned(&t_6_dot);
                idx += 1;
            }
        }
        let mut s = 0.0;
        let s_7 = s;
        let mut s_8_carry = ::autodiff::__private::owned(&s_7);
        let mut s_8_carry_dot = ::autodiff::__private::zero_like(&s_7);
        for j in 0..d {
            let s_8 = s_8_carry;
            let s_8_dot = s_8_carry_dot;
            let s = ::autodiff::__private::owned(&s_8);
            let index_32 = j;
            let elem_9 = z[index_32];
            let elem_9_dot = z_dot[index_32];
            let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::mul(
                &elem_9,
                &elem_9,
            );
            let t_10_dot = ::autodiff::__private::push(&t_10_d0, &elem_9_dot)
                + ::autodiff::__private::push(&t_10_d1, &elem_9_dot);
            let (s_11, s_11_d0, s_11_d1) = ::autodiff::__private::rules::add(
                &s_8,
                &t_10,
            );
            let s_11_dot = ::autodiff::__private::push(&s_11_d0, &s_8_dot)
                + ::autodiff::__private::push(&s_11_d1, &t_10_dot);
            let s = ::autodiff::__private::owned(&s_11);
            s_8_carry = ::autodiff::__private::owned(&s_11);
            s_8_carry_dot = ::autodiff::__private::owned(&s_11_dot);
        }
        let s_12 = s_8_carry;
        let s_12_dot = s_8_carry_dot;
        let s = ::autodiff::__private::owned(&s_12);
        (::autodiff::__private::owned(&s_12), ::autodiff::__private::owned(&s_12_dot))
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
        l: &[f64],
        v: &[f64],
        seed: f64,
        sink_0: impl ::autodiff::__private::SliceSink<f64>,
        sink_1: impl ::autodiff::__private::SliceSink<f64>,
    ) -> (
        f64,
        (::autodiff::__private::Accumulated, ::autodiff::__private::Accumulated),
    ) {
        let _ = q_sq_norm;
        let d = v.len();
        let mut z = ::autodiff::__private::filled(0.0, d);
        let mut z_bar = ::autodiff::__private::zero_like(&z);
        let stack_6_lo = 0;
        let stack_6_hi = d;
        for j in stack_6_lo..stack_6_hi {
            let index_4 = j;
            let elem_0 = v[index_4];
            let (t_1, t_1_d1) = ::autodiff::__private::rules::mul_b(&(2.0), &elem_0);
            let index_5 = j;
            z[index_5] = t_1;
        }
        let mut idx = 0;
        let stack_28_lo = 0;
        let stack_28_hi = d;
        for col in stack_28_lo..stack_28_hi {
            let stack_27_lo = col + 1;
            let stack_27_hi = d;
            for row in stack_27_lo..stack_27_hi {
                let index_23 = idx;
                let elem_2 = l[index_23];
                let index_24 = col;
                let elem_3 = v[index_24];
                let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(
                    &elem_2,
                    &elem_3,
                );
                let index_25 = row;
                let elem_5 = z[index_25];
                let (t_6, t_6_d0, t_6_d1) = ::autodiff::__private::rules::add(
                    &elem_5,
                    &t_4,
                );
                let index_26 = row;
                z[index_26] = t_6;
                idx += 1;
            }
        }
        let mut s = 0.0;
        let s_7 = s;
        let stack_33_lo = 0;
        let stack_33_hi = d;
        let mut s_8_carry = ::autodiff::__private::owned(&s_7);
        for j in stack_33_lo..stack_33_hi {
            let s_8 = s_8_carry;
            let s = ::autodiff::__private::owned(&s_8);
            let index_32 = j;
            let elem_9 = z[index_32];
            let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::mul(
                &elem_9,
                &elem_9,
            );
            let (s_11, s_11_d0, s_11_d1) = ::autodiff::__private::rules::add(
                &s_8,
                &t_10,
            );
            let s = ::autodiff::__private::owned(&s_11);
            s_8_carry = ::autodiff::__private::owned(&s_11);
        }
        let s_12 = s_8_carry;
        let s = ::autodiff::__private::owned(&s_12);
        let value = ::autodiff::__private::owned(&s_12);
        (
            value,
            {
                let mut l_bar = ::autodiff::__private::SliceSink::open(sink_0, l.len());
                let mut v_bar = ::autodiff::__private::SliceSink::open(sink_1, v.len());
                let mut s_12_bar = seed;
                let mut s_8_carry_bar = s_12_bar;
                if stack_33_lo < stack_33_hi {
                    let z = &z[stack_33_lo..stack_33_hi];
                    let z_bar = &mut z_bar[stack_33_lo..stack_33_hi];
                    for stack_33_lo_k in (0..stack_33_hi - stack_33_lo).rev() {
                        let j = stack_33_lo + stack_33_lo_k;
                        let s_8 = ::autodiff::__private::zero_like(&s_8_carry_bar);
                        let s = ::autodiff::__private::owned(&s_8);
                        let index_32 = j - stack_33_lo;
                        let elem_9 = z[index_32];
                        let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::mul(
                            &elem_9,
                            &elem_9,
                        );
                        let (s_11, s_11_d0, s_11_d1) = ::autodiff::__private::rules::add(
                            &s_8,
                            &t_10,
                        );
                        let s = ::autodiff::__private::owned(&s_11);
                        let mut s_11_bar = s_8_carry_bar;
                        let mut s_8_bar = ::autodiff::__private::pull(
                            &::autodiff::__private::One,
                            &s_11_bar,
                        );
                        let mut t_10_bar = ::autodiff::__private::pull_owned(
                            &::autodiff::__private::One,
                            s_11_bar,
                        );
                        let mut elem_9_bar = ::autodiff::__private::pull(
                            &t_10_d0,
                            &t_10_bar,
                        );
                        elem_9_bar
                            += ::autodiff::__private::pull_owned(&t_10_d1, t_10_bar);
                        z_bar[index_32] += elem_9_bar;
                        s_8_carry_bar = s_8_bar;
                    }
                }
                let mut s_7_bar = s_8_carry_bar;
                for col in (stack_28_lo..stack_28_hi).rev() {
                    let stack_27_lo = col + 1;
                    let stack_27_hi = d;
                    let mut elem_3_bar_sum = ::autodiff::__private::Lanes::new();
                    if stack_27_lo < stack_27_hi {
                        let idx_base = idx
                            - ::core::iter::Iterator::size_hint(
                                    &(stack_27_lo..stack_27_hi),
                                )
                                .0;
                        let z_bar = &mut z_bar[stack_27_lo..stack_27_hi];
                        let l = &l[idx_base..idx];
                        let l_bar = &mut l_bar[idx_base..idx];
                        for stack_27_lo_k in (0..stack_27_hi - stack_27_lo).rev() {
                            let row = stack_27_lo + stack_27_lo_k;
                            idx -= 1;
                            let index_23 = idx - idx_base;
                            let elem_2 = l[index_23];
                            let index_24 = col;
                            let elem_3 = v[index_24];
                            let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(
                                &elem_2,
                                &elem_3,
                            );
                            let index_25 = row - stack_27_lo;
                            let elem_5 = ::autodiff::__private::zero_like(
                                &z_bar[index_25],
                            );
                            let (t_6, t_6_d0, t_6_d1) = ::autodiff::__private::rules::add(
                                &elem_5,
                                &t_4,
                            );
                            let index_26 = row - stack_27_lo;
                            let index_26_bar = z_bar[index_26];
                            let mut t_6_bar = index_26_bar;
                            let mut t_4_bar = ::autodiff::__private::pull_owned(
                                &::autodiff::__private::One,
                                t_6_bar,
                            );
                            let mut elem_2_bar = ::autodiff::__private::pull(
                                &t_4_d0,
                                &t_4_bar,
                            );
                            let mut elem_3_bar = ::autodiff::__private::pull_owned(
                                &t_4_d1,
                                t_4_bar,
                            );
                            ::autodiff::__private::Lanes::add(
                                &mut elem_3_bar_sum,
                                elem_3_bar,
                            );
                            l_bar[index_23] += elem_2_bar;
                        }
                    }
                    if stack_27_lo < stack_27_hi {
                        let index_24 = col;
                        v_bar[index_24]
                            += ::autodiff::__private::Lanes::total(elem_3_bar_sum);
                    }
                }
                if stack_6_lo < stack_6_hi {
                    let v = &v[stack_6_lo..stack_6_hi];
                    let v_bar = &mut v_bar[stack_6_lo..stack_6_hi];
                    let z_bar = &mut z_bar[stack_6_lo..stack_6_hi];
                    for stack_6_lo_k in (0..stack_6_hi - stack_6_lo).rev() {
                        let j = stack_6_lo + stack_6_lo_k;
                        let index_4 = j - stack_6_lo;
                        let elem_0 = v[index_4];
                        let (t_1, t_1_d1) = ::autodiff::__private::rules::mul_b(
                            &(2.0),
                            &elem_0,
                        );
                        let index_5 = j - stack_6_lo;
                        let index_5_bar = z_bar[index_5];
                        z_bar[index_5] = ::autodiff::__private::cleared(&index_5_bar);
                        let mut t_1_bar = index_5_bar;
                        let mut elem_0_bar = ::autodiff::__private::pull_owned(
                            &t_1_d1,
                            t_1_bar,
                        );
                        v_bar[index_4] += elem_0_bar;
                    }
                }
                (::autodiff::__private::Accumulated, ::autodiff::__private::Accumulated)
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
        l: &'__pb [f64],
        v: &'__pb [f64],
    ) -> (
        f64,
        impl ::core::ops::Fn(f64) -> (::std::vec::Vec<f64>, ::std::vec::Vec<f64>) + '__pb,
    ) {
        let d = v.len();
        let mut z = ::autodiff::__private::filled(0.0, d);
        let mut z_bar = ::autodiff::__private::zero_like(&z);
        let stack_6_lo = 0;
        let stack_6_hi = d;
        for j in stack_6_lo..stack_6_hi {
            let index_4 = j;
            let elem_0 = v[index_4];
            let (t_1, t_1_d1) = ::autodiff::__private::rules::mul_b(&(2.0), &elem_0);
            let index_5 = j;
            z[index_5] = t_1;
        }
        let mut idx = 0;
        let stack_28_lo = 0;
        let stack_28_hi = d;
        for col in stack_28_lo..stack_28_hi {
            let stack_27_lo = col + 1;
            let stack_27_hi = d;
            for row in stack_27_lo..stack_27_hi {
                let index_23 = idx;
                let elem_2 = l[index_23];
                let index_24 = col;
                let elem_3 = v[index_24];
                let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(
                    &elem_2,
                    &elem_3,
                );
                let index_25 = row;
                let elem_5 = z[index_25];
                let (t_6, t_6_d0, t_6_d1) = ::autodiff::__private::rules::add(
                    &elem_5,
                    &t_4,
                );
                let index_26 = row;
                z[index_26] = t_6;
                idx += 1;
            }
        }
        let mut s = 0.0;
        let s_7 = s;
        let stack_33_lo = 0;
        let stack_33_hi = d;
        let mut s_8_carry = ::autodiff::__private::owned(&s_7);
        for j in stack_33_lo..stack_33_hi {
            let s_8 = s_8_carry;
            let s = ::autodiff::__private::owned(&s_8);
            let index_32 = j;
            let elem_9 = z[index_32];
            let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::mul(
                &elem_9,
                &elem_9,
            );
            let (s_11, s_11_d0, s_11_d1) = ::autodiff::__private::rules::add(
                &s_8,
                &t_10,
            );
            let s = ::autodiff::__private::owned(&s_11);
            s_8_carry = ::autodiff::__private::owned(&s_11);
        }
        let s_12 = s_8_carry;
        let s = ::autodiff::__private::owned(&s_12);
        let value = ::autodiff::__private::owned(&s_12);
        (
            value,
            move |seed| {
                let mut z_bar = ::core::clone::Clone::clone(&z_bar);
                let mut idx = ::core::clone::Clone::clone(&idx);
                let mut l_bar = ::autodiff::__private::pooled_zeros_like(l);
                let mut v_bar = ::autodiff::__private::pooled_zeros_like(v);
                let mut s_12_bar = seed;
                let mut s_8_carry_bar = s_12_bar;
                if stack_33_lo < stack_33_hi {
                    let z = &z[stack_33_lo..stack_33_hi];
                    let z_bar = &mut z_bar[stack_33_lo..stack_33_hi];
                    for stack_33_lo_k in (0..stack_33_hi - stack_33_lo).rev() {
                        let j = stack_33_lo + stack_33_lo_k;
                        let s_8 = ::autodiff::__private::zero_like(&s_8_carry_bar);
                        let s = ::autodiff::__private::owned(&s_8);
                        let index_32 = j - stack_33_lo;
                        let elem_9 = z[index_32];
                        let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::mul(
                            &elem_9,
                            &elem_9,
                        );
                        let (s_11, s_11_d0, s_11_d1) = ::autodiff::__private::rules::add(
                            &s_8,
                            &t_10,
                        );
                        let s = ::autodiff::__private::owned(&s_11);
                        let mut s_11_bar = s_8_carry_bar;
                        let mut s_8_bar = ::autodiff::__private::pull(
                            &::autodiff::__private::One,
                            &s_11_bar,
                        );
                        let mut t_10_bar = ::autodiff::__private::pull_owned(
                            &::autodiff::__private::One,
                            s_11_bar,
                        );
                        let mut elem_9_bar = ::autodiff::__private::pull(
                            &t_10_d0,
                            &t_10_bar,
                        );
                        elem_9_bar
                            += ::autodiff::__private::pull_owned(&t_10_d1, t_10_bar);
                        z_bar[index_32] += elem_9_bar;
                        s_8_carry_bar = s_8_bar;
                    }
                }
                let mut s_7_bar = s_8_carry_bar;
                for col in (stack_28_lo..stack_28_hi).rev() {
                    let stack_27_lo = col + 1;
                    let stack_27_hi = d;
                    let mut elem_3_bar_sum = ::autodiff::__private::Lanes::new();
                    if stack_27_lo < stack_27_hi {
                        let idx_base = idx
                            - ::core::iter::Iterator::size_hint(
                                    &(stack_27_lo..stack_27_hi),
                                )
                                .0;
                        let z_bar = &mut z_bar[stack_27_lo..stack_27_hi];
                        let l = &l[idx_base..idx];
                        let l_bar = &mut l_bar[idx_base..idx];
                        for stack_27_lo_k in (0..stack_27_hi - stack_27_lo).rev() {
                            let row = stack_27_lo + stack_27_lo_k;
                            idx -= 1;
                            let index_23 = idx - idx_base;
                            let elem_2 = l[index_23];
                            let index_24 = col;
                            let elem_3 = v[index_24];
                            let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(
                                &elem_2,
                                &elem_3,
                            );
                            let index_25 = row - stack_27_lo;
                            let elem_5 = ::autodiff::__private::zero_like(
                                &z_bar[index_25],
                            );
                            let (t_6, t_6_d0, t_6_d1) = ::autodiff::__private::rules::add(
                                &elem_5,
                                &t_4,
                            );
                            let index_26 = row - stack_27_lo;
                            let index_26_bar = z_bar[index_26];
                            let mut t_6_bar = index_26_bar;
                            let mut t_4_bar = ::autodiff::__private::pull_owned(
                                &::autodiff::__private::One,
                                t_6_bar,
                            );
                            let mut elem_2_bar = ::autodiff::__private::pull(
                                &t_4_d0,
                                &t_4_bar,
                            );
                            let mut elem_3_bar = ::autodiff::__private::pull_owned(
                                &t_4_d1,
                                t_4_bar,
                            );
                            ::autodiff::__private::Lanes::add(
                                &mut elem_3_bar_sum,
                                elem_3_bar,
                            );
                            l_bar[index_23] += elem_2_bar;
                        }
                    }
                    if stack_27_lo < stack_27_hi {
                        let index_24 = col;
                        v_bar[index_24]
                            += ::autodiff::__private::Lanes::total(elem_3_bar_sum);
                    }
                }
                if stack_6_lo < stack_6_hi {
                    let v = &v[stack_6_lo..stack_6_hi];
                    let v_bar = &mut v_bar[stack_6_lo..stack_6_hi];
                    let z_bar = &mut z_bar[stack_6_lo..stack_6_hi];
                    for stack_6_lo_k in (0..stack_6_hi - stack_6_lo).rev() {
                        let j = stack_6_lo + stack_6_lo_k;
                        let index_4 = j - stack_6_lo;
                        let elem_0 = v[index_4];
                        let (t_1, t_1_d1) = ::autodiff::__private::rules::mul_b(
                            &(2.0),
                            &elem_0,
                        );
                        let index_5 = j - stack_6_lo;
                        let index_5_bar = z_bar[index_5];
                        z_bar[index_5] = ::autodiff::__private::cleared(&index_5_bar);
                        let mut t_1_bar = index_5_bar;
                        let mut elem_0_bar = ::autodiff::__private::pull_owned(
                            &t_1_d1,
                            t_1_bar,
                        );
                        v_bar[index_4] += elem_0_bar;
                    }
                }
                (l_bar, v_bar)
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
        l: &[f64],
        v: &[f64],
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> f64 {
        let d = v.len();
        let z_len = d;
        if z_len <= ::autodiff::__private::HELD_LEN {
            let z_fill = 0.0;
            let mut z_held = ::autodiff::__private::held_buffer(&z_fill);
            let mut z = &mut z_held[..z_len];
            let stack_6_lo = 0;
            let stack_6_hi = d;
            for j in stack_6_lo..stack_6_hi {
                let index_4 = j;
                let elem_0 = v[index_4];
                let (t_1, t_1_d1) = ::autodiff::__private::rules::mul_b(&(2.0), &elem_0);
                let index_5 = j;
                z[index_5] = t_1;
            }
            let mut idx = 0;
            let stack_28_lo = 0;
            let stack_28_hi = d;
            for col in stack_28_lo..stack_28_hi {
                let stack_27_lo = col + 1;
                let stack_27_hi = d;
                for row in stack_27_lo..stack_27_hi {
                    let index_23 = idx;
                    let elem_2 = l[index_23];
                    let index_24 = col;
                    let elem_3 = v[index_24];
                    let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(
                        &elem_2,
                        &elem_3,
                    );
                    let index_25 = row;
                    let elem_5 = z[index_25];
                    let (t_6, t_6_d0, t_6_d1) = ::autodiff::__private::rules::add(
                        &elem_5,
                        &t_4,
                    );
                    let index_26 = row;
                    z[index_26] = t_6;
                    idx += 1;
                }
            }
            let mut s = 0.0;
            let s_7 = s;
            let stack_33_lo = 0;
            let stack_33_hi = d;
            let mut s_8_carry = ::autodiff::__private::owned(&s_7);
            for j in stack_33_lo..stack_33_hi {
                let s_8 = s_8_carry;
                let s = ::autodiff::__private::owned(&s_8);
                let index_32 = j;
                let elem_9 = z[index_32];
                let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::mul(
                    &elem_9,
                    &elem_9,
                );
                let (s_11, s_11_d0, s_11_d1) = ::autodiff::__private::rules::add(
                    &s_8,
                    &t_10,
                );
                let s = ::autodiff::__private::owned(&s_11);
                s_8_carry = ::autodiff::__private::owned(&s_11);
            }
            let s_12 = s_8_carry;
            let s = ::autodiff::__private::owned(&s_12);
            let value = ::autodiff::__private::owned(&s_12);
            index_stack.push_all([idx as usize]);
            float_stack.push_held(&z_held);
            value
        } else {
            let mut z = float_stack.buffer(0.0, z_len);
            let stack_6_lo = 0;
            let stack_6_hi = d;
            for j in stack_6_lo..stack_6_hi {
                let index_4 = j;
                let elem_0 = v[index_4];
                let (t_1, t_1_d1) = ::autodiff::__private::rules::mul_b(&(2.0), &elem_0);
                let index_5 = j;
                z[index_5] = t_1;
            }
            let mut idx = 0;
            let stack_28_lo = 0;
            let stack_28_hi = d;
            for col in stack_28_lo..stack_28_hi {
                let stack_27_lo = col + 1;
                let stack_27_hi = d;
                for row in stack_27_lo..stack_27_hi {
                    let index_23 = idx;
                    let elem_2 = l[index_23];
                    let index_24 = col;
                    let elem_3 = v[index_24];
                    let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(
                        &elem_2,
                        &elem_3,
                    );
                    let index_25 = row;
                    let elem_5 = z[index_25];
                    let (t_6, t_6_d0, t_6_d1) = ::autodiff::__private::rules::add(
                        &elem_5,
                        &t_4,
                    );
                    let index_26 = row;
                    z[index_26] = t_6;
                    idx += 1;
                }
            }
            let mut s = 0.0;
            let s_7 = s;
            let stack_33_lo = 0;
            let stack_33_hi = d;
            let mut s_8_carry = ::autodiff::__private::owned(&s_7);
            for j in stack_33_lo..stack_33_hi {
                let s_8 = s_8_carry;
                let s = ::autodiff::__private::owned(&s_8);
                let index_32 = j;
                let elem_9 = z[index_32];
                let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::mul(
                    &elem_9,
                    &elem_9,
                );
                let (s_11, s_11_d0, s_11_d1) = ::autodiff::__private::rules::add(
                    &s_8,
                    &t_10,
                );
                let s = ::autodiff::__private::owned(&s_11);
                s_8_carry = ::autodiff::__private::owned(&s_11);
            }
            let s_12 = s_8_carry;
            let s = ::autodiff::__private::owned(&s_12);
            let value = ::autodiff::__private::owned(&s_12);
            index_stack.push_all([idx as usize]);
            let kept_whole = float_stack.keeps_whole();
            float_stack.keep(z, kept_whole);
            value
        }
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
        l: &[f64],
        v: &[f64],
        seed: f64,
        sink_0: impl ::autodiff::__private::SliceSink<f64>,
        sink_1: impl ::autodiff::__private::SliceSink<f64>,
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> (::autodiff::__private::Accumulated, ::autodiff::__private::Accumulated) {
        let d = v.len();
        let z_len = d;
        if z_len <= ::autodiff::__private::HELD_LEN {
            let z_fill = 0.0;
            let mut z_held = ::autodiff::__private::held_buffer(&z_fill);
            float_stack.pop_held(&mut z_held);
            let mut z = &mut z_held[..z_len];
            let mut z_bar_held = ::autodiff::__private::held_buffer(
                &::autodiff::__private::zero_like(&z_fill),
            );
            let mut z_bar = &mut z_bar_held[..z_len];
            let stack_6_lo = 0;
            let stack_6_hi = d;
            let mut idx = 0;
            let stack_28_lo = 0;
            let stack_28_hi = d;
            let mut s = 0.0;
            let stack_33_lo = 0;
            let stack_33_hi = d;
            let [counter_0] = index_stack.pop_all();
            idx = counter_0 as _;
            let grads = {
                let mut l_bar = ::autodiff::__private::SliceSink::open(sink_0, l.len());
                let mut v_bar = ::autodiff::__private::SliceSink::open(sink_1, v.len());
                let mut s_12_bar = seed;
                let mut s_8_carry_bar = s_12_bar;
                if stack_33_lo < stack_33_hi {
                    let z = &z[stack_33_lo..stack_33_hi];
                    let z_bar = &mut z_bar[stack_33_lo..stack_33_hi];
                    for stack_33_lo_k in (0..stack_33_hi - stack_33_lo).rev() {
                        let j = stack_33_lo + stack_33_lo_k;
                        let s_8 = ::autodiff::__private::zero_like(&s_8_carry_bar);
                        let s = ::autodiff::__private::owned(&s_8);
                        let index_32 = j - stack_33_lo;
                        let elem_9 = z[index_32];
                        let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::mul(
                            &elem_9,
                            &elem_9,
                        );
                        let (s_11, s_11_d0, s_11_d1) = ::autodiff::__private::rules::add(
                            &s_8,
                            &t_10,
                        );
                        let s = ::autodiff::__private::owned(&s_11);
                        let mut s_11_bar = s_8_carry_bar;
                        let mut s_8_bar = ::autodiff::__private::pull(
                            &::autodiff::__private::One,
                            &s_11_bar,
                        );
                        let mut t_10_bar = ::autodiff::__private::pull_owned(
                            &::autodiff::__private::One,
                            s_11_bar,
                        );
                        let mut elem_9_bar = ::autodiff::__private::pull(
                            &t_10_d0,
                            &t_10_bar,
                        );
                        elem_9_bar
                            += ::autodiff::__private::pull_owned(&t_10_d1, t_10_bar);
                        z_bar[index_32] += elem_9_bar;
                        s_8_carry_bar = s_8_bar;
                    }
                }
                let mut s_7_bar = s_8_carry_bar;
                for col in (stack_28_lo..stack_28_hi).rev() {
                    let stack_27_lo = col + 1;
                    let stack_27_hi = d;
                    let mut elem_3_bar_sum = ::autodiff::__private::Lanes::new();
                    if stack_27_lo < stack_27_hi {
                        let idx_base = idx
                            - ::core::iter::Iterator::size_hint(
                                    &(stack_27_lo..stack_27_hi),
                                )
                                .0;
                        let z_bar = &mut z_bar[stack_27_lo..stack_27_hi];
                        let l = &l[idx_base..idx];
                        let l_bar = &mut l_bar[idx_base..idx];
                        for stack_27_lo_k in (0..stack_27_hi - stack_27_lo).rev() {
                            let row = stack_27_lo + stack_27_lo_k;
                            idx -= 1;
                            let index_23 = idx - idx_base;
                            let elem_2 = l[index_23];
                            let index_24 = col;
                            let elem_3 = v[index_24];
                            let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(
                                &elem_2,
                                &elem_3,
                            );
                            let index_25 = row - stack_27_lo;
                            let elem_5 = ::autodiff::__private::zero_like(
                                &z_bar[index_25],
                            );
                            let (t_6, t_6_d0, t_6_d1) = ::autodiff::__private::rules::add(
                                &elem_5,
                                &t_4,
                            );
                            let index_26 = row - stack_27_lo;
                            let index_26_bar = z_bar[index_26];
                            let mut t_6_bar = index_26_bar;
                            let mut t_4_bar = ::autodiff::__private::pull_owned(
                                &::autodiff::__private::One,
                                t_6_bar,
                            );
                            let mut elem_2_bar = ::autodiff::__private::pull(
                                &t_4_d0,
                                &t_4_bar,
                            );
                            let mut elem_3_bar = ::autodiff::__private::pull_owned(
                                &t_4_d1,
                                t_4_bar,
                            );
                            ::autodiff::__private::Lanes::add(
                                &mut elem_3_bar_sum,
                                elem_3_bar,
                            );
                            l_bar[index_23] += elem_2_bar;
                        }
                    }
                    if stack_27_lo < stack_27_hi {
                        let index_24 = col;
                        v_bar[index_24]
                            += ::autodiff::__private::Lanes::total(elem_3_bar_sum);
                    }
                }
                if stack_6_lo < stack_6_hi {
                    let v = &v[stack_6_lo..stack_6_hi];
                    let v_bar = &mut v_bar[stack_6_lo..stack_6_hi];
                    let z_bar = &mut z_bar[stack_6_lo..stack_6_hi];
                    for stack_6_lo_k in (0..stack_6_hi - stack_6_lo).rev() {
                        let j = stack_6_lo + stack_6_lo_k;
                        let index_4 = j - stack_6_lo;
                        let elem_0 = v[index_4];
                        let (t_1, t_1_d1) = ::autodiff::__private::rules::mul_b(
                            &(2.0),
                            &elem_0,
                        );
                        let index_5 = j - stack_6_lo;
                        let index_5_bar = z_bar[index_5];
                        z_bar[index_5] = ::autodiff::__private::cleared(&index_5_bar);
                        let mut t_1_bar = index_5_bar;
                        let mut elem_0_bar = ::autodiff::__private::pull_owned(
                            &t_1_d1,
                            t_1_bar,
                        );
                        v_bar[index_4] += elem_0_bar;
                    }
                }
                (::autodiff::__private::Accumulated, ::autodiff::__private::Accumulated)
            };
            grads
        } else {
            let mut z = float_stack.take_kept();
            let mut z_bar = float_stack.zero_buffer_like(&z);
            let stack_6_lo = 0;
            let stack_6_hi = d;
            let mut idx = 0;
            let stack_28_lo = 0;
            let stack_28_hi = d;
            let mut s = 0.0;
            let stack_33_lo = 0;
            let stack_33_hi = d;
            let [counter_0] = index_stack.pop_all();
            idx = counter_0 as _;
            let grads = {
                let mut l_bar = ::autodiff::__private::SliceSink::open(sink_0, l.len());
                let mut v_bar = ::autodiff::__private::SliceSink::open(sink_1, v.len());
                let mut s_12_bar = seed;
                let mut s_8_carry_bar = s_12_bar;
                if stack_33_lo < stack_33_hi {
                    let z = &z[stack_33_lo..stack_33_hi];
                    let z_bar = &mut z_bar[stack_33_lo..stack_33_hi];
                    for stack_33_lo_k in (0..stack_33_hi - stack_33_lo).rev() {
                        let j = stack_33_lo + stack_33_lo_k;
                        let s_8 = ::autodiff::__private::zero_like(&s_8_carry_bar);
                        let s = ::autodiff::__private::owned(&s_8);
                        let index_32 = j - stack_33_lo;
                        let elem_9 = z[index_32];
                        let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::mul(
                            &elem_9,
                            &elem_9,
                        );
                        let (s_11, s_11_d0, s_11_d1) = ::autodiff::__private::rules::add(
                            &s_8,
                            &t_10,
                        );
                        let s = ::autodiff::__private::owned(&s_11);
                        let mut s_11_bar = s_8_carry_bar;
                        let mut s_8_bar = ::autodiff::__private::pull(
                            &::autodiff::__private::One,
                            &s_11_bar,
                        );
                        let mut t_10_bar = ::autodiff::__private::pull_owned(
                            &::autodiff::__private::One,
                            s_11_bar,
                        );
                        let mut elem_9_bar = ::autodiff::__private::pull(
                            &t_10_d0,
                            &t_10_bar,
                        );
                        elem_9_bar
                            += ::autodiff::__private::pull_owned(&t_10_d1, t_10_bar);
                        z_bar[index_32] += elem_9_bar;
                        s_8_carry_bar = s_8_bar;
                    }
                }
                let mut s_7_bar = s_8_carry_bar;
                for col in (stack_28_lo..stack_28_hi).rev() {
                    let stack_27_lo = col + 1;
                    let stack_27_hi = d;
                    let mut elem_3_bar_sum = ::autodiff::__private::Lanes::new();
                    if stack_27_lo < stack_27_hi {
                        let idx_base = idx
                            - ::core::iter::Iterator::size_hint(
                                    &(stack_27_lo..stack_27_hi),
                                )
                                .0;
                        let z_bar = &mut z_bar[stack_27_lo..stack_27_hi];
                        let l = &l[idx_base..idx];
                        let l_bar = &mut l_bar[idx_base..idx];
                        for stack_27_lo_k in (0..stack_27_hi - stack_27_lo).rev() {
                            let row = stack_27_lo + stack_27_lo_k;
                            idx -= 1;
                            let index_23 = idx - idx_base;
                            let elem_2 = l[index_23];
                            let index_24 = col;
                            let elem_3 = v[index_24];
                            let (t_4, t_4_d0, t_4_d1) = ::autodiff::__private::rules::mul(
                                &elem_2,
                                &elem_3,
                            );
                            let index_25 = row - stack_27_lo;
                            let elem_5 = ::autodiff::__private::zero_like(
                                &z_bar[index_25],
                            );
                            let (t_6, t_6_d0, t_6_d1) = ::autodiff::__private::rules::add(
                                &elem_5,
                                &t_4,
                            );
                            let index_26 = row - stack_27_lo;
                            let index_26_bar = z_bar[index_26];
                            let mut t_6_bar = index_26_bar;
                            let mut t_4_bar = ::autodiff::__private::pull_owned(
                                &::autodiff::__private::One,
                                t_6_bar,
                            );
                            let mut elem_2_bar = ::autodiff::__private::pull(
                                &t_4_d0,
                                &t_4_bar,
                            );
                            let mut elem_3_bar = ::autodiff::__private::pull_owned(
                                &t_4_d1,
                                t_4_bar,
                            );
                            ::autodiff::__private::Lanes::add(
                                &mut elem_3_bar_sum,
                                elem_3_bar,
                            );
                            l_bar[index_23] += elem_2_bar;
                        }
                    }
                    if stack_27_lo < stack_27_hi {
                        let index_24 = col;
                        v_bar[index_24]
                            += ::autodiff::__private::Lanes::total(elem_3_bar_sum);
                    }
                }
                if stack_6_lo < stack_6_hi {
                    let v = &v[stack_6_lo..stack_6_hi];
                    let v_bar = &mut v_bar[stack_6_lo..stack_6_hi];
                    let z_bar = &mut z_bar[stack_6_lo..stack_6_hi];
                    for stack_6_lo_k in (0..stack_6_hi - stack_6_lo).rev() {
                        let j = stack_6_lo + stack_6_lo_k;
                        let index_4 = j - stack_6_lo;
                        let elem_0 = v[index_4];
                        let (t_1, t_1_d1) = ::autodiff::__private::rules::mul_b(
                            &(2.0),
                            &elem_0,
                        );
                        let index_5 = j - stack_6_lo;
                        let index_5_bar = z_bar[index_5];
                        z_bar[index_5] = ::autodiff::__private::cleared(&index_5_bar);
                        let mut t_1_bar = index_5_bar;
                        let mut elem_0_bar = ::autodiff::__private::pull_owned(
                            &t_1_d1,
                            t_1_bar,
                        );
                        v_bar[index_4] += elem_0_bar;
                    }
                }
                (::autodiff::__private::Accumulated, ::autodiff::__private::Accumulated)
            };
            float_stack.give_back(z);
            float_stack.give_back(z_bar);
            grads
        }
    }
}
///Forward mode of [`q_sq_norm`](fn@q_sq_norm): its value and its directional derivative along the tangents of `l`, `v`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn q_sq_norm_jvp(l: &[f64], v: &[f64], l_dot: &[f64], v_dot: &[f64]) -> (f64, f64) {
    q_sq_norm::tangent::<_, _>(l, v, l_dot, v_dot)
}
///Reverse mode of [`q_sq_norm`](fn@q_sq_norm): its value and the vector-Jacobian product of `seed` with respect to `l`, `v`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn q_sq_norm_vjp(
    l: &[f64],
    v: &[f64],
    seed: f64,
) -> (f64, (::std::vec::Vec<f64>, ::std::vec::Vec<f64>)) {
    let mut sink_0 = ::std::vec::Vec::new();
    let mut sink_1 = ::std::vec::Vec::new();
    let (value, (grad_0, grad_1)) = q_sq_norm::vjp_all(
        l,
        v,
        seed,
        ::autodiff::__private::Fresh(&mut sink_0),
        ::autodiff::__private::Fresh(&mut sink_1),
    );
    let grad_0 = sink_0;
    let grad_1 = sink_1;
    (value, (grad_0, grad_1))
}
///Reverse mode of [`q_sq_norm`](fn@q_sq_norm), split: its value, and its pullback, which maps a seed to the vector-Jacobian product with respect to `l`, `v`. The forward sweep runs once; the pullback may be called once per seed (a Jacobian row by row).
#[inline]
#[allow(
    dead_code,
    clippy::multiple_bound_locations,
    clippy::too_many_arguments,
    clippy::ptr_arg
)]
fn q_sq_norm_pullback<'__pb>(
    l: &'__pb [f64],
    v: &'__pb [f64],
) -> (
    f64,
    impl ::core::ops::Fn(f64) -> (::std::vec::Vec<f64>, ::std::vec::Vec<f64>) + '__pb,
) {
    let (value, pullback) = q_sq_norm::pullback(l, v);
    (
        value,
        move |seed| {
            let (grad_0, grad_1) = pullback(seed);
            (grad_0, grad_1)
        },
    )
}
///Reverse mode of [`q_sq_norm`](fn@q_sq_norm): its value and its gradient with respect to `l`, `v`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
fn q_sq_norm_grad(
    l: &[f64],
    v: &[f64],
) -> (f64, (::std::vec::Vec<f64>, ::std::vec::Vec<f64>))
where
    for<'__g> f64: ::autodiff::__private::ScalarOutput,
{
    q_sq_norm_vjp(l, v, <f64 as ::autodiff::__private::ScalarOutput>::unit_seed())
}
