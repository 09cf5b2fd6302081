//! Tokens out: the original function, its public derivatives (`_jvp`, `_vjp`, `_grad`) and
//! the hidden `tangent` / `pullback` functions that other differentiable functions call.

use crate::attr::Options;
use crate::codegen::Cx;
use crate::errors::Errors;
use crate::ir::Function;
use crate::sig::{FnSig, Shape};
use crate::{forward, lower, reverse, sig};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};
use syn::{GenericParam, Generics, Ident, ItemFn, Lifetime, LifetimeParam};

/// Expands `#[differentiable(attr)] item`.
pub fn differentiable(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item_fn: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let error = syn::Error::new_spanned(
                &item,
                "#[differentiable] applies to a function: `fn f(x: f64) -> f64 { .. }`",
            );
            let error = error.to_compile_error();
            return quote!(#item #error);
        }
    };
    let options = match syn::parse2::<Options>(attr) {
        Ok(o) => o,
        Err(e) => {
            let e = e.to_compile_error();
            return quote!(#item_fn #e);
        }
    };
    let mut errors = Errors::default();
    let Some(sig) = sig::read(&item_fn.sig, &options, &mut errors) else {
        let errors = errors.to_compile_errors();
        return quote!(#item_fn #errors);
    };
    if let Some(receiver) = &sig.receiver {
        errors.push_error(syn::Error::new_spanned(
            receiver,
            "#[differentiable] on a method is not supported yet: make it a free function that \
             takes the receiver's data as parameters",
        ));
    }
    let func = lower::lower(&sig, &item_fn.block, &mut errors);
    let generated = if errors.is_empty() {
        generate(&options, &item_fn, &sig, Some(&func))
    } else {
        generate(&options, &item_fn, &sig, None)
    };
    let errors = errors.to_compile_errors();
    quote!(#item_fn #generated #errors)
}

/// Generic parameters of the generated functions: the user's, with `T: Real` added for each
/// float parameter.
fn real_generics(generics: &Generics, sig: &FnSig) -> Generics {
    let mut g = generics.clone();
    let wc = g.make_where_clause();
    for t in &sig.float_params {
        wc.predicates.push(syn::parse_quote!(#t: ::autodiff::__private::Real));
    }
    g
}

fn gradient_type(sig: &FnSig) -> TokenStream {
    let grads: Vec<_> = sig.params.iter().filter(|p| p.shape.is_some()).map(|p| p.gradient_type()).collect();
    match grads.as_slice() {
        [one] => one.clone(),
        many => quote!((#(#many),*)),
    }
}

fn generate(options: &Options, item: &ItemFn, sig: &FnSig, func: Option<&Function>) -> TokenStream {
    let name = &sig.ident;
    let vis = &item.vis;
    let out = &sig.output;
    let generics = real_generics(&item.sig.generics, sig);
    let (_, type_args, where_clause) = generics.split_for_impl();
    let turbofish = type_args.as_turbofish();
    let params = &generics.params;
    let idents: Vec<&Ident> = sig.params.iter().map(|p| &p.ident).collect();
    let plain: Vec<TokenStream> = sig
        .params
        .iter()
        .map(|p| {
            let (i, t) = (&p.ident, &p.ty);
            quote!(#i: #t)
        })
        .collect();
    let original: Vec<TokenStream> = sig
        .params
        .iter()
        .map(|p| {
            let (pat, t) = (&p.pat, &p.ty);
            quote!(#pat: #t)
        })
        .collect();
    let active: Vec<usize> = (0..sig.params.len()).filter(|&i| sig.params[i].shape.is_some()).collect();
    let active_names: Vec<String> = active.iter().map(|&i| format!("`{}`", sig.params[i].ident)).collect();
    let active_list = active_names.join(", ");
    let allow = quote!(#[allow(unused_variables, unused_mut, unused_assignments, unused_parens, unused_braces, unreachable_code, clippy::all)]);

    // Hidden tangent function: one tangent argument per parameter.
    let tangent_params: Vec<Ident> = (0..sig.params.len())
        .map(|i| format_ident!("{}_dot", sig.params[i].ident.to_string().trim_start_matches("r#"), span = Span::mixed_site()))
        .collect();
    let tangent_tys: Vec<Ident> = (0..sig.params.len()).map(|i| format_ident!("__D{}", i)).collect();
    let lt = Lifetime::new("'__t", Span::call_site());
    let mut tangent_generics = generics.clone();
    tangent_generics.params.insert(0, GenericParam::Lifetime(LifetimeParam::new(lt.clone())));
    {
        let wc = tangent_generics.make_where_clause();
        for (p, d) in sig.params.iter().zip(&tangent_tys) {
            let ty = &p.ty;
            let elem = &p.elem;
            wc.predicates.push(match p.shape {
                None => syn::parse_quote!(#d: ::autodiff::__private::InactiveArg),
                Some(Shape::Scalar | Shape::Array { by_ref: false } | Shape::Vec { by_ref: false }) => {
                    syn::parse_quote!(#d: ::autodiff::__private::TangentArg<#ty>)
                }
                Some(Shape::ScalarRef) => syn::parse_quote!(#d: ::autodiff::__private::RefTangentArg<#lt, #elem>),
                Some(Shape::Slice) => syn::parse_quote!(#d: ::autodiff::__private::RefTangentArg<#lt, [#elem]>),
                Some(_) => {
                    let syn::Type::Reference(r) = ty else { unreachable!() };
                    let inner = &r.elem;
                    syn::parse_quote!(#d: ::autodiff::__private::RefTangentArg<#lt, #inner>)
                }
            });
        }
    }
    for d in &tangent_tys {
        tangent_generics.params.push(syn::parse_quote!(#d));
    }
    let (_, _, tangent_where) = tangent_generics.split_for_impl();
    let tangent_gparams = &tangent_generics.params;

    // Hidden pullback function: one adjoint per parameter.
    let adjoint_tys: Vec<TokenStream> = sig.params.iter().map(|p| p.gradient_type()).collect();
    let captured = item.sig.generics.params.iter().filter_map(|p| match p {
        GenericParam::Type(t) => Some(t.ident.to_token_stream()),
        GenericParam::Const(c) => Some(c.ident.to_token_stream()),
        GenericParam::Lifetime(_) => None,
    });

    let (tangent_body, pullback_body) = match func {
        Some(func) => {
            let cx = Cx { sig, func };
            (forward::tangent_body(&cx), reverse::pullback_body(&cx))
        }
        None => (
            quote!(::core::unreachable!()),
            quote!((::core::unreachable!(), move |_| ::core::unreachable!())),
        ),
    };

    let jvp = options.jvp.clone().unwrap_or_else(|| format_ident!("{}_jvp", name));
    let vjp = options.vjp.clone().unwrap_or_else(|| format_ident!("{}_vjp", name));
    let grad = options.grad.clone().unwrap_or_else(|| format_ident!("{}_grad", name));
    let active_tangents: Vec<TokenStream> = active
        .iter()
        .map(|&i| {
            let (d, t) = (&tangent_params[i], &sig.params[i].ty);
            quote!(#d: #t)
        })
        .collect();
    let call_tangents = (0..sig.params.len()).map(|i| {
        if sig.params[i].shape.is_some() {
            let d = &tangent_params[i];
            quote!(#d)
        } else {
            quote!(::autodiff::__private::ZeroTangent)
        }
    });
    let grad_ty = gradient_type(sig);
    let user_args = generics.params.iter().filter_map(|p| match p {
        GenericParam::Type(t) => Some(t.ident.to_token_stream()),
        GenericParam::Const(c) => Some(c.ident.to_token_stream()),
        GenericParam::Lifetime(_) => None,
    });
    let placeholders = tangent_tys.iter().map(|_| quote!(_));
    let tangent_turbofish = quote!(::<#(#user_args,)* #(#placeholders),*>);
    let grad_names: Vec<Ident> = (0..sig.params.len()).map(|i| format_ident!("grad_{}", i, span = Span::mixed_site())).collect();
    let picked: Vec<&Ident> = active.iter().map(|&i| &grad_names[i]).collect();
    let picked = if picked.len() == 1 { quote!(#(#picked)*) } else { quote!((#(#picked),*)) };
    let seed = Ident::new("seed", Span::mixed_site());

    let jvp_doc = format!(
        "Forward mode of [`{name}`]: its value and its directional derivative along the \
         tangents of {active_list}."
    );
    let vjp_doc = format!(
        "Reverse mode of [`{name}`]: its value and the vector-Jacobian product of `seed` \
         with respect to {active_list}."
    );
    let mut grad_generics = generics.clone();
    grad_generics
        .make_where_clause()
        .predicates
        .push(syn::parse_quote!(#out: ::autodiff::__private::ScalarOutput));
    let grad_where = grad_generics.where_clause.as_ref();
    let grad_doc = format!("Reverse mode of [`{name}`]: its value and its gradient with respect to {active_list}.");
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #name {}

        #[automatically_derived]
        impl #name {
            #[doc(hidden)]
            #[inline]
            #allow
            pub fn tangent<#tangent_gparams>(#(#original,)* #(#tangent_params: #tangent_tys),*) -> (#out, #out) #tangent_where {
                #tangent_body
            }

            #[doc(hidden)]
            #[inline]
            #allow
            pub fn pullback<#params>(#(#original),*)
                -> (#out, impl ::core::ops::FnOnce(#out) -> (#(#adjoint_tys,)*) + use<#(#captured),*>)
                #where_clause
            {
                #pullback_body
            }
        }

        #[doc = #jvp_doc]
        #[inline]
        #vis fn #jvp<#params>(#(#plain,)* #(#active_tangents),*) -> (#out, #out) #where_clause {
            #name::tangent #tangent_turbofish(#(#idents,)* #(#call_tangents),*)
        }

        #[doc = #vjp_doc]
        #[inline]
        #vis fn #vjp<#params>(#(#plain,)* #seed: #out) -> (#out, #grad_ty) #where_clause {
            let (value, pullback) = #name::pullback #turbofish(#(#idents),*);
            let (#(#grad_names,)*) = pullback(#seed);
            (value, #picked)
        }

        #[doc = #grad_doc]
        #[inline]
        #vis fn #grad<#params>(#(#plain),*) -> (#out, #grad_ty) #grad_where {
            #vjp #turbofish(#(#idents,)* <#out as ::autodiff::__private::ScalarOutput>::one())
        }
    }
}
