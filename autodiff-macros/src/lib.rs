//! The `#[differentiable]` attribute: reads a function body at compile time and writes its
//! forward-mode and reverse-mode derivatives beside it. Use it through the `autodiff` crate.
//!
//! Stages: [`attr`] (options) and [`sig`] (active parameters) read the input, [`lower`]
//! builds the [`ir`], [`forward`] and [`reverse`] generate code from the IR only, and
//! [`expand`] assembles the items.

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

/// Generates `f_jvp`, `f_vjp` and `f_grad` beside `f`. See the `autodiff` crate.
#[proc_macro_attribute]
pub fn differentiable(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::differentiable(attr.into(), item.into()).into()
}
