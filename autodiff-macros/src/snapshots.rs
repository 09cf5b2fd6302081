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
