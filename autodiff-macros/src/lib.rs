//! The `#[differentiable]` attribute: reads a function body at compile time and writes its
//! forward-mode and reverse-mode derivatives beside it. Use it through the `autodiff` crate.
//!
//! Stages: `attr` (options) and `sig` (active parameters) read the input, `lower` builds the
//! `ir`, `forward` and `reverse` generate code from the IR only, and `expand` assembles the
//! items.

mod attr;
mod codegen;
mod errors;
mod expand;
mod forward;
mod ir;
mod lower;
mod reverse;
mod sig;
#[cfg(test)]
mod snapshots;

use proc_macro::TokenStream;

/// Differentiates a function at compile time: writes `f_jvp` (forward mode), `f_vjp`,
/// `f_grad` and `f_pullback` (reverse mode) beside `f`, with its visibility and generics.
///
/// Options: `wrt(a, b)` narrows the parameters differentiated with respect to (by default
/// every float, float array, slice or `Vec` parameter); `grad = name`, `vjp = name`,
/// `jvp = name`, `pullback = name` rename the generated functions. On an `impl` block, it differentiates each
/// method that carries `#[differentiable]` too. The `autodiff` crate's documentation lists
/// what a body may contain, the contract of each generated function, and runnable examples.
#[proc_macro_attribute]
pub fn differentiable(attr: TokenStream, item: TokenStream) -> TokenStream {
    let (attr, item) = (attr.into(), proc_macro2::TokenStream::from(item));
    let original = item.clone();
    // A fault of the macro's own is an error at the function, which is kept as written.
    std::panic::catch_unwind(|| expand::differentiable(attr, item))
        .unwrap_or_else(|panic| {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let message = format!(
                "#[differentiable] failed on this function ({why}); it is kept as written, \
                 without derivatives: differentiate this part on the tape (`autodiff::tape`)"
            );
            quote::quote!(#original ::core::compile_error!(#message);)
        })
        .into()
}
