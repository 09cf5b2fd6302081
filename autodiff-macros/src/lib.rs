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
    expand::differentiable(attr.into(), item.into()).into()
}
