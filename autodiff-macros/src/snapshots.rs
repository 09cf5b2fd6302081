//! Expansion snapshots: what the macro writes for a few functions, kept in `snapshots/` so a
//! reviewer can read it. `UPDATE_SNAPSHOTS=1 cargo test -p autodiff-macros` rewrites them.

use quote::quote;
use std::path::Path;

fn check(name: &str, attr: proc_macro2::TokenStream, item: proc_macro2::TokenStream) {
    let out = crate::expand::differentiable(attr, item);
    let file: syn::File = syn::parse2(out).expect("the expansion parses as items");
    let text = prettyplease::unparse(&file);
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(format!("{name}.rs"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == text,
        "expansion of `{name}` changed; rerun with UPDATE_SNAPSHOTS=1 and review the diff:\n{text}"
    );
}

#[test]
fn straight_line() {
    check(
        "straight_line",
        quote!(),
        quote! {
            pub fn rosenbrock(x: f64, y: f64) -> f64 {
                (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
            }
        },
    );
}

#[test]
fn generic_with_branch() {
    check(
        "generic_with_branch",
        quote!(wrt(x)),
        quote! {
            fn softclip<T: Float>(x: T, limit: T, n: usize) -> T {
                let mut y = x * T::from(n).unwrap();
                if y > limit {
                    y = limit + (y - limit).ln_1p();
                }
                y
            }
        },
    );
}

#[test]
fn array_and_call() {
    check(
        "array_and_call",
        quote!(),
        quote! {
            fn energy(q: &[f64; 2], k: f64) -> f64 {
                let [a, b] = *q;
                k * spring(a - b) + q[1].exp()
            }
        },
    );
}

#[test]
fn guard_clause() {
    check(
        "guard_clause",
        quote!(),
        quote! {
            fn guard(x: f64, y: f64) -> f64 {
                if x < 0.0 {
                    return -x * y;
                }
                let t = x * x;
                t * y + x
            }
        },
    );
}

#[test]
fn iterator_chain() {
    check(
        "iterator_chain",
        quote!(),
        quote! {
            fn rosenbrock(x: &[f64]) -> f64 {
                x.iter()
                    .zip(x[1..].iter())
                    .map(|(&a, &b)| 100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2))
                    .sum()
            }
        },
    );
}

#[test]
fn loops_run_again() {
    check(
        "loops_run_again",
        quote!(),
        quote! {
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
        },
    );
}

#[test]
fn matrices() {
    check(
        "matrices",
        quote!(wrt(w1, b1, w2)),
        quote! {
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
        },
    );
}

/// The macro never panics: unusual and unsupported code gives errors, not a crash.
#[test]
fn never_panics() {
    let inputs: Vec<proc_macro2::TokenStream> = vec![
        quote!(
            fn f(x: f64) -> f64 {
                let g = |y: f64| y * x;
                g(2.0) + g(x)
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                'outer: for i in 0..3 {
                    if x > 1.0 {
                        break 'outer;
                    }
                }
                x
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                let Some(y) = Some(x) else { return 0.0 };
                y
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                let v = async { x };
                x
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                struct S;
                impl S {
                    fn g(&self) -> f64 {
                        1.0
                    }
                }
                S.g() * x
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                let (a, (b, c)) = (x, (x, x));
                a * b * c
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                let t = (x, 1.0);
                t.0 * t.1
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                let v = vec![x; 3];
                v[0]
            }
        ),
        quote!(
            fn f(x: &mut f64) -> f64 {
                *x += 1.0;
                *x
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                match x {
                    y if y > 0.0 => y,
                    _ => -x,
                }
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                loop {
                    return x;
                }
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                while x > 0.0 {
                    continue;
                }
                x
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                for _ in 0.. {
                    break;
                }
                x
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                x.max
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                (x)()
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                [x, x][0]
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                let y;
                if x > 0.0 {
                    y = x
                } else {
                    y = -x
                }
                y
            }
        ),
        quote!(
            fn f(x: [f64; 2]) -> f64 {
                let [a, ..] = x;
                a
            }
        ),
        quote!(
            fn f<const N: usize>(x: [f64; N]) -> [f64; N] {
                x
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                unsafe { x }
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                x as usize as f64
            }
        ),
        quote!(
            fn f(x: f64) -> f64 {
                return;
            }
        ),
        quote!(
            fn f(x: f64) {}
        ),
        quote!(
            fn f() -> f64 {
                1.0
            }
        ),
        quote!(
            struct S;
        ),
        quote!(
            fn f(x: f64) -> f64 {
                let m = x.iter().map(|a| a).sum();
                m
            }
        ),
        quote!(
            fn f(x: &[f64]) -> f64 {
                x.iter().filter(|a| **a > 0.0).sum()
            }
        ),
        quote!(
            fn f(x: &[f64]) -> f64 {
                x.windows(2).map(|w| w.iter().sum::<f64>()).sum()
            }
        ),
        quote!(
            fn f(x: &[f64]) -> Vec<f64> {
                x.to_vec()
            }
        ),
        quote!(
            fn f(x: &[f64]) -> f64 {
                let mut v = x.to_vec();
                v[0] = x[1];
                v[0]
            }
        ),
        quote!(
            fn f(x: f64, x: f64) -> f64 {
                x
            }
        ),
    ];
    for input in inputs {
        let text = input.to_string();
        let result = std::panic::catch_unwind(|| crate::expand::differentiable(quote!(), input));
        assert!(result.is_ok(), "the macro panicked on: {text}");
    }
}
