//! The attribute's options: `wrt(a, b)` and the names of the generated functions.

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, Token};

/// What `#[differentiable(...)]` was given.
#[derive(Default)]
pub struct Options {
    /// `wrt(a, b)`: the parameters to differentiate with respect to; all float ones if absent.
    pub wrt: Option<Vec<Ident>>,
    /// `grad = name`: the reverse-mode gradient function.
    pub grad: Option<Ident>,
    /// `vjp = name`: the reverse-mode vector-Jacobian product.
    pub vjp: Option<Ident>,
    /// `jvp = name`: the forward-mode Jacobian-vector product.
    pub jvp: Option<Ident>,
    /// `pullback = name`: the value and a reusable reverse-mode pullback.
    pub pullback: Option<Ident>,
}

impl Parse for Options {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut options = Options::default();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            match key.to_string().as_str() {
                "wrt" => {
                    if options.wrt.is_some() {
                        return Err(syn::Error::new(key.span(), "`wrt` is given twice"));
                    }
                    let content;
                    syn::parenthesized!(content in input);
                    let names = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
                    options.wrt = Some(names.into_iter().collect());
                }
                "grad" | "vjp" | "jvp" | "pullback" => {
                    input.parse::<Token![=]>()?;
                    let name: Ident = input.parse()?;
                    let slot = match key.to_string().as_str() {
                        "grad" => &mut options.grad,
                        "vjp" => &mut options.vjp,
                        "pullback" => &mut options.pullback,
                        _ => &mut options.jvp,
                    };
                    if slot.is_some() {
                        return Err(syn::Error::new(
                            key.span(),
                            format!("`{key}` is given twice"),
                        ));
                    }
                    *slot = Some(name);
                }
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown option `{key}`; expected `wrt(..)`, `grad = name`, \
                             `vjp = name`, `jvp = name` or `pullback = name`"
                        ),
                    ))
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(options)
    }
}
