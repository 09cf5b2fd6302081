pub fn reprojection_error(
    cam: &SVector<f64, 11>,
    point: &Vector3<f64>,
    w: f64,
    observed: &Vector2<f64>,
) -> Vector2<f64> {
    let rot = Vector3::new(cam[0], cam[1], cam[2]);
    let centre = Vector3::new(cam[3], cam[4], cam[5]);
    let seen = rodrigues(&rot, &(point - centre));
    let p = Vector2::new(seen[0] / seen[2], seen[1] / seen[2]);
    let r2 = p.norm_squared();
    let distortion = 1.0 + cam[9] * r2 + cam[10] * r2 * r2;
    let projected = p * (distortion * cam[6]) + Vector2::new(cam[7], cam[8]);
    (projected - observed) * w
}
#[doc(hidden)]
#[allow(non_camel_case_types, dead_code)]
pub struct reprojection_error {}
#[automatically_derived]
impl reprojection_error {
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
    pub fn tangent<'__t, __D0, __D1, __D2, __D3>(
        cam: &SVector<f64, 11>,
        point: &Vector3<f64>,
        w: f64,
        observed: &Vector2<f64>,
        cam_dot: __D0,
        point_dot: __D1,
        w_dot: __D2,
        observed_dot: __D3,
    ) -> (Vector2<f64>, Vector2<f64>)
    where
        __D0: ::autodiff::__private::RefTangentArg<'__t, SVector<f64, 11>>,
        __D1: ::autodiff::__private::RefTangentArg<'__t, Vector3<f64>>,
        __D2: ::autodiff::__private::TangentArg<f64>,
    {
        let zero_storage;
        let cam_dot: &SVector<f64, 11> = match ::autodiff::__private::RefTangentArg::tangent(
            cam_dot,
        ) {
            ::core::option::Option::Some(t) => t,
            ::core::option::Option::None => {
                zero_storage = ::autodiff::__private::zero_like(cam);
                &zero_storage
            }
        };
        let zero_storage;
        let point_dot: &Vector3<f64> = match ::autodiff::__private::RefTangentArg::tangent(
            point_dot,
        ) {
            ::core::option::Option::Some(t) => t,
            ::core::option::Option::None => {
                zero_storage = ::autodiff::__private::zero_like(point);
                &zero_storage
            }
        };
        let w_dot: f64 = ::autodiff::__private::tangent_or_zero(w_dot, &w);
        let _ = observed_dot;
        let index_1 = 0;
        let elem_1 = cam[index_1];
        let elem_1_dot = cam_dot[index_1];
        let index_2 = 1;
        let elem_2 = cam[index_2];
        let elem_2_dot = cam_dot[index_2];
        let index_3 = 2;
        let elem_3 = cam[index_3];
        let elem_3_dot = cam_dot[index_3];
        let rot_4 = Vector3::new(elem_1, elem_2, elem_3);
        let rot_4_d0 = ::autodiff::__private::rules::place(&rot_4, 0usize, 3usize);
        let rot_4_d1 = ::autodiff::__private::rules::place(&rot_4, 1usize, 3usize);
        let rot_4_d2 = ::autodiff::__private::rules::place(&rot_4, 2usize, 3usize);
        let rot_4_dot = ::autodiff::__private::push(&rot_4_d0, &elem_1_dot)
            + ::autodiff::__private::push(&rot_4_d1, &elem_2_dot)
            + ::autodiff::__private::push(&rot_4_d2, &elem_3_dot);
        let rot = &rot_4;
        let index_4 = 3;
        let elem_5 = cam[index_4];
        let elem_5_dot = cam_dot[index_4];
        let index_5 = 4;
        let elem_6 = cam[index_5];
        let elem_6_dot = cam_dot[index_5];
        let index_6 = 5;
        let elem_7 = cam[index_6];
        let elem_7_dot = cam_dot[index_6];
        let centre_8 = Vector3::new(elem_5, elem_6, elem_7);
        let centre_8_d0 = ::autodiff::__private::rules::place(&centre_8, 0usize, 3usize);
        let centre_8_d1 = ::autodiff::__private::rules::place(&centre_8, 1usize, 3usize);
        let centre_8_d2 = ::autodiff::__private::rules::place(&centre_8, 2usize, 3usize);
        let centre_8_dot = ::autodiff::__private::push(&centre_8_d0, &elem_5_dot)
            + ::autodiff::__private::push(&centre_8_d1, &elem_6_dot)
            + ::autodiff::__private::push(&centre_8_d2, &elem_7_dot);
        let centre = &centre_8;
        let point_9 = point;
        let point_9_dot = ::autodiff::__private::owned(point_dot);
        let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::sub(
            point_9,
            &centre_8,
        );
        let t_10_dot = ::autodiff::__private::push(&t_10_d0, &point_9_dot)
            + ::autodiff::__private::push(&t_10_d1, &centre_8_dot);
        let (seen_11, seen_11_dot) = rodrigues::tangent(
            &rot_4,
            &t_10,
            &rot_4_dot,
            &t_10_dot,
        );
        let seen = &seen_11;
        let (t_12, t_12_d0) = ::autodiff::__private::rules::index(&seen_11, 0);
        let t_12_dot = ::autodiff::__private::push(&t_12_d0, &seen_11_dot);
        let (t_13, t_13_d0) = ::autodiff::__private::rules::index(&seen_11, 2);
        let t_13_dot = ::autodiff::__private::push(&t_13_d0, &seen_11_dot);
        let (t_14, t_14_d0, t_14_d1) = ::autodiff::__private::rules::div(&t_12, &t_13);
        let t_14_dot = ::autodiff::__private::push(&t_14_d0, &t_12_dot)
            + ::autodiff::__private::push(&t_14_d1, &t_13_dot);
        let (t_15, t_15_d0) = ::autodiff::__private::rules::index(&seen_11, 1);
        let t_15_dot = ::autodiff::__private::push(&t_15_d0, &seen_11_dot);
        let (t_16, t_16_d0) = ::autodiff::__private::rules::index(&seen_11, 2);
        let t_16_dot = ::autodiff::__private::push(&t_16_d0, &seen_11_dot);
        let (t_17, t_17_d0, t_17_d1) = ::autodiff::__private::rules::div(&t_15, &t_16);
        let t_17_dot = ::autodiff::__private::push(&t_17_d0, &t_15_dot)
            + ::autodiff::__private::push(&t_17_d1, &t_16_dot);
        let p_18 = Vector2::new(t_14, t_17);
        let p_18_d0 = ::autodiff::__private::rules::place(&p_18, 0usize, 2usize);
        let p_18_d1 = ::autodiff::__private::rules::place(&p_18, 1usize, 2usize);
        let p_18_dot = ::autodiff::__private::push(&p_18_d0, &t_14_dot)
            + ::autodiff::__private::push(&p_18_d1, &t_17_dot);
        let p = &p_18;
        let (r2_19, r2_19_d0) = ::autodiff::__private::rules::norm_squared(&p_18);
        let r2_19_dot = ::autodiff::__private::push(&r2_19_d0, &p_18_dot);
        let r2 = ::autodiff::__private::owned(&r2_19);
        let index_7 = 9;
        let elem_20 = cam[index_7];
        let elem_20_dot = cam_dot[index_7];
        let (t_21, t_21_d0, t_21_d1) = ::autodiff::__private::rules::mul_ref(
            &elem_20,
            &r2_19,
        );
        let t_21_dot = ::autodiff::__private::push(&t_21_d0, &elem_20_dot)
            + ::autodiff::__private::push(&t_21_d1, &r2_19_dot);
        let (t_22, t_22_d0, t_22_d1) = ::autodiff::__private::rules::add(&(1.0), &t_21);
        let t_22_dot = ::autodiff::__private::push(&t_22_d1, &t_21_dot);
        let index_8 = 10;
        let elem_23 = cam[index_8];
        let elem_23_dot = cam_dot[index_8];
        let (t_24, t_24_d0, t_24_d1) = ::autodiff::__private::rules::mul_ref(
            &elem_23,
            &r2_19,
        );
        let t_24_dot = ::autodiff::__private::push(&t_24_d0, &elem_23_dot)
            + ::autodiff::__private::push(&t_24_d1, &r2_19_dot);
        let (t_25, t_25_d0, t_25_d1) = ::autodiff::__private::rules::mul_ref(
            &t_24,
            &r2_19,
        );
        let t_25_dot = ::autodiff::__private::push(&t_25_d0, &t_24_dot)
            + ::autodiff::__private::push(&t_25_d1, &r2_19_dot);
        let (distortion_26, distortion_26_d0, distortion_26_d1) = ::autodiff::__private::rules::add(
            &t_22,
            &t_25,
        );
        let distortion_26_dot = ::autodiff::__private::push(&distortion_26_d0, &t_22_dot)
            + ::autodiff::__private::push(&distortion_26_d1, &t_25_dot);
        let distortion = ::autodiff::__private::owned(&distortion_26);
        let index_9 = 6;
        let elem_27 = cam[index_9];
        let elem_27_dot = cam_dot[index_9];
        let (t_28, t_28_d0, t_28_d1) = ::autodiff::__private::rules::mul_ref(
            &distortion_26,
            &elem_27,
        );
        let t_28_dot = ::autodiff::__private::push(&t_28_d0, &distortion_26_dot)
            + ::autodiff::__private::push(&t_28_d1, &elem_27_dot);
        let (t_29, t_29_d0, t_29_d1) = ::autodiff::__private::rules::mul_ref(
            &p_18,
            &t_28,
        );
        let t_29_dot = ::autodiff::__private::push(&t_29_d0, &p_18_dot)
            + ::autodiff::__private::push(&t_29_d1, &t_28_dot);
        let index_10 = 7;
        let elem_30 = cam[index_10];
        let elem_30_dot = cam_dot[index_10];
        let index_11 = 8;
        let elem_31 = cam[index_11];
        let elem_31_dot = cam_dot[index_11];
        let t_32 = Vector2::new(elem_30, elem_31);
        let t_32_d0 = ::autodiff::__private::rules::place(&t_32, 0usize, 2usize);
        let t_32_d1 = ::autodiff::__private::rules::place(&t_32, 1usize, 2usize);
        let t_32_dot = ::autodiff::__private::push(&t_32_d0, &elem_30_dot)
            + ::autodiff::__private::push(&t_32_d1, &elem_31_dot);
        let (projected_33, projected_33_d0, projected_33_d1) = ::autodiff::__private::rules::add_owned(
            t_29,
            &t_32,
        );
        let projected_33_dot = ::autodiff::__private::push(&projected_33_d0, &t_29_dot)
            + ::autodiff::__private::push(&projected_33_d1, &t_32_dot);
        let projected = &projected_33;
        let (t_34, t_34_d0, t_34_d1) = ::autodiff::__private::rules::sub(
            &projected_33,
            observed,
        );
        let t_34_dot = ::autodiff::__private::push(&t_34_d0, &projected_33_dot);
        let (t_35, t_35_d0, t_35_d1) = ::autodiff::__private::rules::mul_ref(&t_34, &w);
        let t_35_dot = ::autodiff::__private::push(&t_35_d0, &t_34_dot)
            + ::autodiff::__private::push(&t_35_d1, &w_dot);
        (::autodiff::__private::owned(&t_35), ::autodiff::__private::owned(&t_35_dot))
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
        cam: &SVector<f64, 11>,
        point: &Vector3<f64>,
        w: f64,
        observed: &Vector2<f64>,
        seed: Vector2<f64>,
        sink_0: impl ::core::marker::Sized,
        sink_1: impl ::core::marker::Sized,
        sink_2: impl ::core::marker::Sized,
        sink_3: impl ::core::marker::Sized,
    ) -> (
        Vector2<f64>,
        (SVector<f64, 11>, Vector3<f64>, f64, ::autodiff::__private::NoAdjoint),
    ) {
        let _ = reprojection_error;
        let index_1 = 0;
        let elem_1 = cam[index_1];
        let index_2 = 1;
        let elem_2 = cam[index_2];
        let index_3 = 2;
        let elem_3 = cam[index_3];
        let rot_4 = Vector3::new(elem_1, elem_2, elem_3);
        let rot_4_d0 = ::autodiff::__private::rules::place(&rot_4, 0usize, 3usize);
        let rot_4_d1 = ::autodiff::__private::rules::place(&rot_4, 1usize, 3usize);
        let rot_4_d2 = ::autodiff::__private::rules::place(&rot_4, 2usize, 3usize);
        let rot = &rot_4;
        let index_4 = 3;
        let elem_5 = cam[index_4];
        let index_5 = 4;
        let elem_6 = cam[index_5];
        let index_6 = 5;
        let elem_7 = cam[index_6];
        let centre_8 = Vector3::new(elem_5, elem_6, elem_7);
        let centre_8_d0 = ::autodiff::__private::rules::place(&centre_8, 0usize, 3usize);
        let centre_8_d1 = ::autodiff::__private::rules::place(&centre_8, 1usize, 3usize);
        let centre_8_d2 = ::autodiff::__private::rules::place(&centre_8, 2usize, 3usize);
        let centre = &centre_8;
        let point_9 = point;
        let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::sub(
            point_9,
            &centre_8,
        );
        let seen_11_arg0 = ::autodiff::__private::owned(&rot_4);
        let seen_11_arg1 = ::autodiff::__private::owned(&t_10);
        let (seen_11, seen_11_pullback) = rodrigues::pullback(
            &seen_11_arg0,
            &seen_11_arg1,
        );
        ::core::mem::drop(t_10);
        let seen = &seen_11;
        let (t_12, t_12_d0) = ::autodiff::__private::rules::index(&seen_11, 0);
        let (t_13, t_13_d0) = ::autodiff::__private::rules::index(&seen_11, 2);
        let (t_14, t_14_d0, t_14_d1) = ::autodiff::__private::rules::div(&t_12, &t_13);
        let (t_15, t_15_d0) = ::autodiff::__private::rules::index(&seen_11, 1);
        let (t_16, t_16_d0) = ::autodiff::__private::rules::index(&seen_11, 2);
        let (t_17, t_17_d0, t_17_d1) = ::autodiff::__private::rules::div(&t_15, &t_16);
        let p_18 = Vector2::new(t_14, t_17);
        let p_18_d0 = ::autodiff::__private::rules::place(&p_18, 0usize, 2usize);
        let p_18_d1 = ::autodiff::__private::rules::place(&p_18, 1usize, 2usize);
        let p = &p_18;
        let (r2_19, r2_19_d0) = ::autodiff::__private::rules::norm_squared(&p_18);
        let r2 = ::autodiff::__private::owned(&r2_19);
        let index_7 = 9;
        let elem_20 = cam[index_7];
        let (t_21, t_21_d0, t_21_d1) = ::autodiff::__private::rules::mul_ref(
            &elem_20,
            &r2_19,
        );
        let (t_22, t_22_d0, t_22_d1) = ::autodiff::__private::rules::add(&(1.0), &t_21);
        let index_8 = 10;
        let elem_23 = cam[index_8];
        let (t_24, t_24_d0, t_24_d1) = ::autodiff::__private::rules::mul_ref(
            &elem_23,
            &r2_19,
        );
        let (t_25, t_25_d0, t_25_d1) = ::autodiff::__private::rules::mul_ref(
            &t_24,
            &r2_19,
        );
        let (distortion_26, distortion_26_d0, distortion_26_d1) = ::autodiff::__private::rules::add(
            &t_22,
            &t_25,
        );
        let distortion = ::autodiff::__private::owned(&distortion_26);
        let index_9 = 6;
        let elem_27 = cam[index_9];
        let (t_28, t_28_d0, t_28_d1) = ::autodiff::__private::rules::mul_ref(
            &distortion_26,
            &elem_27,
        );
        let (t_29, t_29_d0, t_29_d1) = ::autodiff::__private::rules::mul_ref(
            &p_18,
            &t_28,
        );
        let index_10 = 7;
        let elem_30 = cam[index_10];
        let index_11 = 8;
        let elem_31 = cam[index_11];
        let t_32 = Vector2::new(elem_30, elem_31);
        let t_32_d0 = ::autodiff::__private::rules::place(&t_32, 0usize, 2usize);
        let t_32_d1 = ::autodiff::__private::rules::place(&t_32, 1usize, 2usize);
        let (projected_33, projected_33_d0, projected_33_d1) = ::autodiff::__private::rules::add_owned(
            t_29,
            &t_32,
        );
        ::core::mem::drop(t_32);
        let projected = &projected_33;
        let (t_34, t_34_d0, t_34_d1) = ::autodiff::__private::rules::sub(
            &projected_33,
            observed,
        );
        let (t_35, t_35_d0, t_35_d1) = ::autodiff::__private::rules::mul_ref(&t_34, &w);
        let value = ::autodiff::__private::owned(&t_35);
        (
            value,
            {
                let mut cam_bar = ::autodiff::__private::zero_like(cam);
                let mut point_bar = ::autodiff::__private::zero_like(point);
                let mut t_35_bar = seed;
                let mut t_34_bar = ::autodiff::__private::pull(&t_35_d0, &t_35_bar);
                let mut w_bar = ::autodiff::__private::pull_owned(&t_35_d1, t_35_bar);
                ::core::mem::drop(t_35_d0);
                ::core::mem::drop(t_35_d1);
                let projected_33_bar = &t_34_bar;
                let t_29_bar = projected_33_bar;
                let t_32_bar = projected_33_bar;
                let mut elem_30_bar = ::autodiff::__private::pull(&t_32_d0, t_32_bar);
                let mut elem_31_bar = ::autodiff::__private::pull(&t_32_d1, t_32_bar);
                ::core::mem::drop(t_32_d0);
                ::core::mem::drop(t_32_d1);
                cam_bar[index_11] += elem_31_bar;
                cam_bar[index_10] += elem_30_bar;
                let mut p_18_bar = ::autodiff::__private::pull(&t_29_d0, t_29_bar);
                let mut t_28_bar = ::autodiff::__private::pull(&t_29_d1, t_29_bar);
                ::core::mem::drop(t_29_d0);
                ::core::mem::drop(t_29_d1);
                let mut distortion_26_bar = ::autodiff::__private::pull(
                    &t_28_d0,
                    &t_28_bar,
                );
                let mut elem_27_bar = ::autodiff::__private::pull_owned(
                    &t_28_d1,
                    t_28_bar,
                );
                cam_bar[index_9] += elem_27_bar;
                let mut t_22_bar = ::autodiff::__private::pull(
                    &::autodiff::__private::One,
                    &distortion_26_bar,
                );
                let mut t_25_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::One,
                    distortion_26_bar,
                );
                let mut t_24_bar = ::autodiff::__private::pull(&t_25_d0, &t_25_bar);
                let mut r2_19_bar = ::autodiff::__private::pull_owned(
                    &t_25_d1,
                    t_25_bar,
                );
                let mut elem_23_bar = ::autodiff::__private::pull(&t_24_d0, &t_24_bar);
                r2_19_bar += ::autodiff::__private::pull_owned(&t_24_d1, t_24_bar);
                cam_bar[index_8] += elem_23_bar;
                let mut t_21_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::One,
                    t_22_bar,
                );
                let mut elem_20_bar = ::autodiff::__private::pull(&t_21_d0, &t_21_bar);
                r2_19_bar += ::autodiff::__private::pull_owned(&t_21_d1, t_21_bar);
                cam_bar[index_7] += elem_20_bar;
                p_18_bar += ::autodiff::__private::pull_owned(&r2_19_d0, r2_19_bar);
                ::core::mem::drop(r2_19_d0);
                let mut t_14_bar = ::autodiff::__private::pull(&p_18_d0, &p_18_bar);
                let mut t_17_bar = ::autodiff::__private::pull_owned(&p_18_d1, p_18_bar);
                ::core::mem::drop(p_18_d0);
                ::core::mem::drop(p_18_d1);
                let mut t_15_bar = ::autodiff::__private::pull(&t_17_d0, &t_17_bar);
                let mut t_16_bar = ::autodiff::__private::pull_owned(&t_17_d1, t_17_bar);
                let mut seen_11_bar = ::autodiff::__private::pull_owned(
                    &t_16_d0,
                    t_16_bar,
                );
                ::core::mem::drop(t_16_d0);
                seen_11_bar += ::autodiff::__private::pull_owned(&t_15_d0, t_15_bar);
                ::core::mem::drop(t_15_d0);
                let mut t_12_bar = ::autodiff::__private::pull(&t_14_d0, &t_14_bar);
                let mut t_13_bar = ::autodiff::__private::pull_owned(&t_14_d1, t_14_bar);
                seen_11_bar += ::autodiff::__private::pull_owned(&t_13_d0, t_13_bar);
                ::core::mem::drop(t_13_d0);
                seen_11_bar += ::autodiff::__private::pull_owned(&t_12_d0, t_12_bar);
                ::core::mem::drop(t_12_d0);
                let (seen_11_grad0, seen_11_grad1) = seen_11_pullback(seen_11_bar);
                let mut rot_4_bar = ::autodiff::__private::adjoint_like(
                    &seen_11_arg0,
                    seen_11_grad0,
                );
                let mut t_10_bar = ::autodiff::__private::adjoint_like(
                    &seen_11_arg1,
                    seen_11_grad1,
                );
                let mut point_9_bar = ::autodiff::__private::pull(
                    &::autodiff::__private::One,
                    &t_10_bar,
                );
                let mut centre_8_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::MinusOne,
                    t_10_bar,
                );
                ::autodiff::__private::accumulate(&mut point_bar, point_9_bar);
                let mut elem_5_bar = ::autodiff::__private::pull(
                    &centre_8_d0,
                    &centre_8_bar,
                );
                let mut elem_6_bar = ::autodiff::__private::pull(
                    &centre_8_d1,
                    &centre_8_bar,
                );
                let mut elem_7_bar = ::autodiff::__private::pull_owned(
                    &centre_8_d2,
                    centre_8_bar,
                );
                ::core::mem::drop(centre_8_d0);
                ::core::mem::drop(centre_8_d1);
                ::core::mem::drop(centre_8_d2);
                cam_bar[index_6] += elem_7_bar;
                cam_bar[index_5] += elem_6_bar;
                cam_bar[index_4] += elem_5_bar;
                let mut elem_1_bar = ::autodiff::__private::pull(&rot_4_d0, &rot_4_bar);
                let mut elem_2_bar = ::autodiff::__private::pull(&rot_4_d1, &rot_4_bar);
                let mut elem_3_bar = ::autodiff::__private::pull_owned(
                    &rot_4_d2,
                    rot_4_bar,
                );
                ::core::mem::drop(rot_4_d0);
                ::core::mem::drop(rot_4_d1);
                ::core::mem::drop(rot_4_d2);
                cam_bar[index_3] += elem_3_bar;
                cam_bar[index_2] += elem_2_bar;
                cam_bar[index_1] += elem_1_bar;
                (cam_bar, point_bar, w_bar, ::autodiff::__private::NoAdjoint)
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
        cam: &'__pb SVector<f64, 11>,
        point: &'__pb Vector3<f64>,
        w: f64,
        observed: &'__pb Vector2<f64>,
    ) -> (
        Vector2<f64>,
        impl ::core::ops::Fn(
            Vector2<f64>,
        ) -> (
                SVector<f64, 11>,
                Vector3<f64>,
                f64,
                ::autodiff::__private::NoAdjoint,
            ) + '__pb,
    ) {
        let mut seen_11_floats = ::autodiff::__private::Stack::new();
        let mut seen_11_indices = ::autodiff::__private::Stack::<usize>::new();
        let index_1 = 0;
        let elem_1 = cam[index_1];
        let index_2 = 1;
        let elem_2 = cam[index_2];
        let index_3 = 2;
        let elem_3 = cam[index_3];
        let rot_4 = Vector3::new(elem_1, elem_2, elem_3);
        let rot_4_d0 = ::autodiff::__private::rules::place(&rot_4, 0usize, 3usize);
        let rot_4_d1 = ::autodiff::__private::rules::place(&rot_4, 1usize, 3usize);
        let rot_4_d2 = ::autodiff::__private::rules::place(&rot_4, 2usize, 3usize);
        let rot = &rot_4;
        let index_4 = 3;
        let elem_5 = cam[index_4];
        let index_5 = 4;
        let elem_6 = cam[index_5];
        let index_6 = 5;
        let elem_7 = cam[index_6];
        let centre_8 = Vector3::new(elem_5, elem_6, elem_7);
        let centre_8_d0 = ::autodiff::__private::rules::place(&centre_8, 0usize, 3usize);
        let centre_8_d1 = ::autodiff::__private::rules::place(&centre_8, 1usize, 3usize);
        let centre_8_d2 = ::autodiff::__private::rules::place(&centre_8, 2usize, 3usize);
        let centre = &centre_8;
        let point_9 = point;
        let (t_10, t_10_d0, t_10_d1) = ::autodiff::__private::rules::sub(
            point_9,
            &centre_8,
        );
        let seen_11_arg0 = ::autodiff::__private::owned(&rot_4);
        let seen_11_arg1 = ::autodiff::__private::owned(&t_10);
        let seen_11 = rodrigues::record(
            &seen_11_arg0,
            &seen_11_arg1,
            &mut seen_11_floats,
            &mut seen_11_indices,
        );
        ::core::mem::drop(t_10);
        let seen = &seen_11;
        let (t_12, t_12_d0) = ::autodiff::__private::rules::index(&seen_11, 0);
        let (t_13, t_13_d0) = ::autodiff::__private::rules::index(&seen_11, 2);
        let (t_14, t_14_d0, t_14_d1) = ::autodiff::__private::rules::div(&t_12, &t_13);
        let (t_15, t_15_d0) = ::autodiff::__private::rules::index(&seen_11, 1);
        let (t_16, t_16_d0) = ::autodiff::__private::rules::index(&seen_11, 2);
        let (t_17, t_17_d0, t_17_d1) = ::autodiff::__private::rules::div(&t_15, &t_16);
        let p_18 = Vector2::new(t_14, t_17);
        let p_18_d0 = ::autodiff::__private::rules::place(&p_18, 0usize, 2usize);
        let p_18_d1 = ::autodiff::__private::rules::place(&p_18, 1usize, 2usize);
        let p = &p_18;
        let (r2_19, r2_19_d0) = ::autodiff::__private::rules::norm_squared(&p_18);
        let r2 = ::autodiff::__private::owned(&r2_19);
        let index_7 = 9;
        let elem_20 = cam[index_7];
        let (t_21, t_21_d0, t_21_d1) = ::autodiff::__private::rules::mul(
            &elem_20,
            &r2_19,
        );
        let (t_22, t_22_d0, t_22_d1) = ::autodiff::__private::rules::add(&(1.0), &t_21);
        let index_8 = 10;
        let elem_23 = cam[index_8];
        let (t_24, t_24_d0, t_24_d1) = ::autodiff::__private::rules::mul(
            &elem_23,
            &r2_19,
        );
        let (t_25, t_25_d0, t_25_d1) = ::autodiff::__private::rules::mul(&t_24, &r2_19);
        let (distortion_26, distortion_26_d0, distortion_26_d1) = ::autodiff::__private::rules::add(
            &t_22,
            &t_25,
        );
        let distortion = ::autodiff::__private::owned(&distortion_26);
        let index_9 = 6;
        let elem_27 = cam[index_9];
        let (t_28, t_28_d0, t_28_d1) = ::autodiff::__private::rules::mul(
            &distortion_26,
            &elem_27,
        );
        let (t_29, t_29_d0, t_29_d1) = ::autodiff::__private::rules::mul(&p_18, &t_28);
        let index_10 = 7;
        let elem_30 = cam[index_10];
        let index_11 = 8;
        let elem_31 = cam[index_11];
        let t_32 = Vector2::new(elem_30, elem_31);
        let t_32_d0 = ::autodiff::__private::rules::place(&t_32, 0usize, 2usize);
        let t_32_d1 = ::autodiff::__private::rules::place(&t_32, 1usize, 2usize);
        let (projected_33, projected_33_d0, projected_33_d1) = ::autodiff::__private::rules::add_owned(
            t_29,
            &t_32,
        );
        ::core::mem::drop(t_32);
        let projected = &projected_33;
        let (t_34, t_34_d0, t_34_d1) = ::autodiff::__private::rules::sub(
            &projected_33,
            observed,
        );
        let (t_35, t_35_d0, t_35_d1) = ::autodiff::__private::rules::mul(&t_34, &w);
        let value = ::autodiff::__private::owned(&t_35);
        (
            value,
            move |seed| {
                let mut seen_11_floats = ::core::clone::Clone::clone(&seen_11_floats);
                let mut seen_11_indices = ::core::clone::Clone::clone(&seen_11_indices);
                let mut cam_bar = ::autodiff::__private::zero_like(cam);
                let mut point_bar = ::autodiff::__private::zero_like(point);
                let mut t_35_bar = seed;
                let mut t_34_bar = ::autodiff::__private::pull(&t_35_d0, &t_35_bar);
                let mut w_bar = ::autodiff::__private::pull_owned(&t_35_d1, t_35_bar);
                let projected_33_bar = &t_34_bar;
                let t_29_bar = projected_33_bar;
                let t_32_bar = projected_33_bar;
                let mut elem_30_bar = ::autodiff::__private::pull(&t_32_d0, t_32_bar);
                let mut elem_31_bar = ::autodiff::__private::pull(&t_32_d1, t_32_bar);
                cam_bar[index_11] += elem_31_bar;
                cam_bar[index_10] += elem_30_bar;
                let mut p_18_bar = ::autodiff::__private::pull(&t_29_d0, t_29_bar);
                let mut t_28_bar = ::autodiff::__private::pull(&t_29_d1, t_29_bar);
                let mut distortion_26_bar = ::autodiff::__private::pull(
                    &t_28_d0,
                    &t_28_bar,
                );
                let mut elem_27_bar = ::autodiff::__private::pull_owned(
                    &t_28_d1,
                    t_28_bar,
                );
                cam_bar[index_9] += elem_27_bar;
                let mut t_22_bar = ::autodiff::__private::pull(
                    &::autodiff::__private::One,
                    &distortion_26_bar,
                );
                let mut t_25_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::One,
                    distortion_26_bar,
                );
                let mut t_24_bar = ::autodiff::__private::pull(&t_25_d0, &t_25_bar);
                let mut r2_19_bar = ::autodiff::__private::pull_owned(
                    &t_25_d1,
                    t_25_bar,
                );
                let mut elem_23_bar = ::autodiff::__private::pull(&t_24_d0, &t_24_bar);
                r2_19_bar += ::autodiff::__private::pull_owned(&t_24_d1, t_24_bar);
                cam_bar[index_8] += elem_23_bar;
                let mut t_21_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::One,
                    t_22_bar,
                );
                let mut elem_20_bar = ::autodiff::__private::pull(&t_21_d0, &t_21_bar);
                r2_19_bar += ::autodiff::__private::pull_owned(&t_21_d1, t_21_bar);
                cam_bar[index_7] += elem_20_bar;
                p_18_bar += ::autodiff::__private::pull_owned(&r2_19_d0, r2_19_bar);
                let mut t_14_bar = ::autodiff::__private::pull(&p_18_d0, &p_18_bar);
                let mut t_17_bar = ::autodiff::__private::pull_owned(&p_18_d1, p_18_bar);
                let mut t_15_bar = ::autodiff::__private::pull(&t_17_d0, &t_17_bar);
                let mut t_16_bar = ::autodiff::__private::pull_owned(&t_17_d1, t_17_bar);
                let mut seen_11_bar = ::autodiff::__private::pull_owned(
                    &t_16_d0,
                    t_16_bar,
                );
                seen_11_bar += ::autodiff::__private::pull_owned(&t_15_d0, t_15_bar);
                let mut t_12_bar = ::autodiff::__private::pull(&t_14_d0, &t_14_bar);
                let mut t_13_bar = ::autodiff::__private::pull_owned(&t_14_d1, t_14_bar);
                seen_11_bar += ::autodiff::__private::pull_owned(&t_13_d0, t_13_bar);
                seen_11_bar += ::autodiff::__private::pull_owned(&t_12_d0, t_12_bar);
                let (seen_11_grad0, seen_11_grad1) = rodrigues::backward(
                    &seen_11_arg0,
                    &seen_11_arg1,
                    seen_11_bar,
                    ::autodiff::__private::Discard,
                    ::autodiff::__private::Discard,
                    &mut seen_11_floats,
                    &mut seen_11_indices,
                );
                let mut rot_4_bar = ::autodiff::__private::adjoint_like(
                    &seen_11_arg0,
                    seen_11_grad0,
                );
                let mut t_10_bar = ::autodiff::__private::adjoint_like(
                    &seen_11_arg1,
                    seen_11_grad1,
                );
                let mut point_9_bar = ::autodiff::__private::pull(
                    &::autodiff::__private::One,
                    &t_10_bar,
                );
                let mut centre_8_bar = ::autodiff::__private::pull_owned(
                    &::autodiff::__private::MinusOne,
                    t_10_bar,
                );
                ::autodiff::__private::accumulate(&mut point_bar, point_9_bar);
                let mut elem_5_bar = ::autodiff::__private::pull(
                    &centre_8_d0,
                    &centre_8_bar,
                );
                let mut elem_6_bar = ::autodiff::__private::pull(
                    &centre_8_d1,
                    &centre_8_bar,
                );
                let mut elem_7_bar = ::autodiff::__private::pull_owned(
                    &centre_8_d2,
                    centre_8_bar,
                );
                cam_bar[index_6] += elem_7_bar;
                cam_bar[index_5] += elem_6_bar;
                cam_bar[index_4] += elem_5_bar;
                let mut elem_1_bar = ::autodiff::__private::pull(&rot_4_d0, &rot_4_bar);
                let mut elem_2_bar = ::autodiff::__private::pull(&rot_4_d1, &rot_4_bar);
                let mut elem_3_bar = ::autodiff::__private::pull_owned(
                    &rot_4_d2,
                    rot_4_bar,
                );
                cam_bar[index_3] += elem_3_bar;
                cam_bar[index_2] += elem_2_bar;
                cam_bar[index_1] += elem_1_bar;
                (cam_bar, point_bar, w_bar, ::autodiff::__private::NoAdjoint)
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
        cam: &SVector<f64, 11>,
        point: &Vector3<f64>,
        w: f64,
        observed: &Vector2<f64>,
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> Vector2<f64> {
        reprojection_error(cam, point, w, observed)
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
        cam: &SVector<f64, 11>,
        point: &Vector3<f64>,
        w: f64,
        observed: &Vector2<f64>,
        seed: Vector2<f64>,
        sink_0: impl ::core::marker::Sized,
        sink_1: impl ::core::marker::Sized,
        sink_2: impl ::core::marker::Sized,
        sink_3: impl ::core::marker::Sized,
        float_stack: &mut ::autodiff::__private::Stack<f64>,
        index_stack: &mut ::autodiff::__private::Stack<usize>,
    ) -> (SVector<f64, 11>, Vector3<f64>, f64, ::autodiff::__private::NoAdjoint) {
        reprojection_error::vjp_all(
                cam,
                point,
                w,
                observed,
                seed,
                sink_0,
                sink_1,
                sink_2,
                sink_3,
            )
            .1
    }
}
///Forward mode of [`reprojection_error`](fn@reprojection_error): its value and its directional derivative along the tangents of `cam`, `point`, `w`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments)]
pub fn reprojection_error_jvp(
    cam: &SVector<f64, 11>,
    point: &Vector3<f64>,
    w: f64,
    observed: &Vector2<f64>,
    cam_dot: &SVector<f64, 11>,
    point_dot: &Vector3<f64>,
    w_dot: f64,
) -> (Vector2<f64>, Vector2<f64>) {
    reprojection_error::tangent::<
        _,
        _,
        _,
        _,
    >(
        cam,
        point,
        w,
        observed,
        cam_dot,
        point_dot,
        w_dot,
        ::autodiff::__private::ZeroTangent,
    )
}
///Reverse mode of [`reprojection_error`](fn@reprojection_error): its value and the vector-Jacobian product of `seed` with respect to `cam`, `point`, `w`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments)]
pub fn reprojection_error_vjp(
    cam: &SVector<f64, 11>,
    point: &Vector3<f64>,
    w: f64,
    observed: &Vector2<f64>,
    seed: Vector2<f64>,
) -> (Vector2<f64>, (SVector<f64, 11>, Vector3<f64>, f64)) {
    let (value, (grad_0, grad_1, grad_2, grad_3)) = reprojection_error::vjp_all(
        cam,
        point,
        w,
        observed,
        seed,
        ::autodiff::__private::Discard,
        ::autodiff::__private::Discard,
        ::autodiff::__private::Discard,
        ::autodiff::__private::Discard,
    );
    (value, (grad_0, grad_1, grad_2))
}
///Reverse mode of [`reprojection_error`](fn@reprojection_error), split: its value, and its pullback, which maps a seed to the vector-Jacobian product with respect to `cam`, `point`, `w`. The forward sweep runs once; the pullback may be called once per seed (a Jacobian row by row).
#[inline]
#[allow(dead_code, clippy::multiple_bound_locations, clippy::too_many_arguments)]
pub fn reprojection_error_pullback<'__pb>(
    cam: &'__pb SVector<f64, 11>,
    point: &'__pb Vector3<f64>,
    w: f64,
    observed: &'__pb Vector2<f64>,
) -> (
    Vector2<f64>,
    impl ::core::ops::Fn(Vector2<f64>) -> (SVector<f64, 11>, Vector3<f64>, f64) + '__pb,
) {
    let (value, pullback) = reprojection_error::pullback(cam, point, w, observed);
    (
        value,
        move |seed| {
            let (grad_0, grad_1, grad_2, grad_3) = pullback(seed);
            (grad_0, grad_1, grad_2)
        },
    )
}
///Reverse mode of [`reprojection_error`](fn@reprojection_error): its value and its gradient with respect to `cam`, `point`, `w`.
#[inline]
#[allow(clippy::multiple_bound_locations, clippy::too_many_arguments)]
pub fn reprojection_error_grad(
    cam: &SVector<f64, 11>,
    point: &Vector3<f64>,
    w: f64,
    observed: &Vector2<f64>,
) -> (Vector2<f64>, (SVector<f64, 11>, Vector3<f64>, f64))
where
    for<'__g> Vector2<f64>: ::autodiff::__private::ScalarOutput,
{
    reprojection_error_vjp(
        cam,
        point,
        w,
        observed,
        <Vector2<f64> as ::autodiff::__private::ScalarOutput>::unit_seed(),
    )
}
