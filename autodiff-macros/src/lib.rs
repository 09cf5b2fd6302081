//! The `#[differentiable]` attribute.
use proc_macro::TokenStream;

/// Placeholder.
#[proc_macro_attribute]
pub fn differentiable(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}
