//! Tokens out: the original function, its public derivatives (`_jvp`, `_vjp`, `_grad`) and
//! the hidden `tangent` / `vjp_all` / `pullback` / `record` / `backward` functions that other
//! differentiable functions call.

use crate::attr::Options;
use crate::codegen::{hidden_assoc_name, Cx};
use crate::errors::Errors;
use crate::ir::Function;
use crate::sig::{FnSig, Shape};
use crate::{forward, lower, reverse, sig};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::{GenericParam, Generics, Ident, ImplItem, ItemFn, ItemImpl, Lifetime, LifetimeParam};

/// Expands `#[differentiable(attr)] item`.
pub fn differentiable(attr: TokenStream, item: TokenStream) -> TokenStream {
    if let Ok(item_impl) = syn::parse2::<ItemImpl>(item.clone()) {
        return expand_impl(attr, item_impl);
    }
    let item_fn: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let message = match syn::parse2::<syn::TraitItemFn>(item.clone()) {
                Ok(f) if f.default.is_none() => {
                    "#[differentiable] needs the body it differentiates, and a trait method \
                     without a body has none: put #[differentiable] on the implementations \
                     (in a `#[differentiable] impl` block), or record calls through trait \
                     objects on the eager tape (`autodiff::tape`)"
                }
                _ => "#[differentiable] applies to a function or an `impl` block",
            };
            let error = syn::Error::new_spanned(&item, message);
            let error = error.to_compile_error();
            return quote!(#item #error);
        }
    };
    if let Some(receiver) = item_fn.sig.receiver() {
        let error = syn::Error::new_spanned(
            receiver,
            "#[differentiable] on a method needs `#[differentiable]` on its `impl` block too, \
             so that the derivatives can be placed beside the method",
        )
        .to_compile_error();
        return quote!(#item_fn #error);
    }
    let options = match syn::parse2::<Options>(attr) {
        Ok(o) => o,
        Err(e) => {
            let e = e.to_compile_error();
            return quote!(#item_fn #e);
        }
    };
    let ItemFn {
        vis, sig, block, ..
    } = &item_fn;
    let f = FnParts {
        vis,
        sig,
        block,
        place: Place::Free,
        outer: None,
    };
    let (hidden, public) = expand_fn(&options, &f);
    let name = &sig.ident;
    quote! {
        #item_fn
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #name {}
        #[automatically_derived]
        impl #name {
            #hidden
        }
        #public
    }
}

/// `#[differentiable] impl Type { #[differentiable] fn f(&self, ..) .. }`: the marked
/// methods get their derivatives as methods beside them.
fn expand_impl(attr: TokenStream, mut item: ItemImpl) -> TokenStream {
    let mut errors = TokenStream::new();
    if !attr.is_empty() {
        errors.extend(
            syn::Error::new_spanned(
                &attr,
                "options go on the methods: `#[differentiable(wrt(x))] fn f(..)`",
            )
            .to_compile_error(),
        );
    }
    let impl_generics = item.generics.clone();
    // A trait's methods have no visibility of their own: their derivatives are the crate's.
    let crate_vis: syn::Visibility = syn::parse_quote!(pub(crate));
    let in_trait = item.trait_.is_some();
    let mut generated = Vec::new();
    let mut marked = 0;
    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else {
            continue;
        };
        let Some(pos) = method
            .attrs
            .iter()
            .position(|a| a.path().is_ident("differentiable"))
        else {
            continue;
        };
        marked += 1;
        let attr = method.attrs.remove(pos);
        let options = match &attr.meta {
            syn::Meta::Path(_) => Ok(Options::default()),
            _ => attr.parse_args::<Options>(),
        };
        let options = match options {
            Ok(o) => o,
            Err(e) => {
                errors.extend(e.to_compile_error());
                continue;
            }
        };
        let f = FnParts {
            vis: if in_trait { &crate_vis } else { &method.vis },
            sig: &method.sig,
            block: &method.block,
            place: Place::Method,
            outer: Some(&impl_generics),
        };
        let (hidden, public) = expand_fn(&options, &f);
        generated.push(hidden);
        generated.push(public);
    }
    if marked == 0 {
        errors.extend(
            syn::Error::new_spanned(
                &item.self_ty,
                "mark the methods to differentiate with `#[differentiable]`",
            )
            .to_compile_error(),
        );
    }
    let ItemImpl {
        attrs,
        defaultness,
        unsafety,
        impl_token,
        generics,
        trait_,
        self_ty,
        items,
        ..
    } = &item;
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    // The derivatives of a trait's methods are no members of the trait: they go in an
    // inherent impl of the same type.
    // They call the trait's methods, so the trait is brought into scope for them.
    if let Some((bang, path, for_)) = trait_ {
        let mut named = path.clone();
        for segment in &mut named.segments {
            segment.arguments = syn::PathArguments::None;
        }
        return quote! {
            #(#attrs)*
            #defaultness #unsafety #impl_token #impl_generics #bang #path #for_ #self_ty #where_clause {
                #(#items)*
            }
            const _: () = {
                #[allow(unused_imports)]
                use #named as _;
                #impl_token #impl_generics #self_ty #where_clause {
                    #(#generated)*
                }
            };
            #errors
        };
    }
    quote! {
        #(#attrs)*
        #defaultness #unsafety #impl_token #impl_generics #self_ty #where_clause {
            #(#items)*
            #(#generated)*
        }
        #errors
    }
}

/// Where the function lives, which decides where its hidden derivatives go.
enum Place {
    /// A free function: the hidden derivatives are associated functions of a type of the
    /// same name, so that `use path::f;` brings them along.
    Free,
    /// A method: the hidden derivatives are methods `__tangent_f` / `__vjp_all_f` beside it.
    Method,
}

/// The parts of a function item, free or method.
struct FnParts<'a> {
    vis: &'a syn::Visibility,
    sig: &'a syn::Signature,
    block: &'a syn::Block,
    place: Place,
    /// The enclosing impl block's generics.
    outer: Option<&'a Generics>,
}

/// Type and const parameters, which a turbofish names.
fn captured_params(generics: &Generics) -> impl Iterator<Item = TokenStream> + '_ {
    generics.params.iter().filter_map(|p| match p {
        GenericParam::Type(t) => Some(t.ident.to_token_stream()),
        GenericParam::Const(c) => Some(c.ident.to_token_stream()),
        GenericParam::Lifetime(_) => None,
    })
}

/// Reads and lowers one function; returns its hidden derivatives and its public ones.
fn expand_fn(options: &Options, f: &FnParts) -> (TokenStream, TokenStream) {
    let mut errors = Errors::default();
    let Some(sig) = sig::read(f.sig, f.outer, options, &mut errors) else {
        return (TokenStream::new(), errors.to_compile_errors());
    };
    let func = lower::lower(&sig, f.block, &mut errors);
    let func = errors.is_empty().then_some(&func);
    let (hidden, public) = generate(options, f, &sig, func);
    let errors = errors.to_compile_errors();
    (hidden, quote!(#public #errors))
}

/// Gives every elided lifetime it visits (`&T`, `&self`, `'_`) one name.
struct Named<'l>(&'l Lifetime);

impl syn::visit_mut::VisitMut for Named<'_> {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.as_ref().is_none_or(|l| l.ident == "_") {
            r.lifetime = Some(self.0.clone());
        }
        syn::visit_mut::visit_type_reference_mut(self, r);
    }
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if l.ident == "_" {
            *l = self.0.clone();
        }
    }
    fn visit_receiver_mut(&mut self, r: &mut syn::Receiver) {
        if let Some((_, lt)) = &mut r.reference {
            if lt.as_ref().is_none_or(|l| l.ident == "_") {
                *lt = Some(self.0.clone());
            }
        }
        syn::visit_mut::visit_receiver_mut(self, r);
    }
}

/// Generic parameters of the generated functions: the user's, with `T: Real` added for each
/// float parameter.
fn real_generics(generics: &Generics, sig: &FnSig) -> Generics {
    let mut g = generics.clone();
    let wc = g.make_where_clause();
    for t in &sig.float_params {
        wc.predicates
            .push(syn::parse_quote!(#t: ::autodiff::__private::Real));
    }
    g
}

fn gradient_type(sig: &FnSig) -> TokenStream {
    let grads: Vec<_> = sig
        .params
        .iter()
        .filter(|p| p.shape.is_some())
        .map(|p| p.gradient_type())
        .collect();
    match grads.as_slice() {
        [one] => one.clone(),
        many => quote!((#(#many),*)),
    }
}

fn generate(
    options: &Options,
    f: &FnParts,
    sig: &FnSig,
    func: Option<&Function>,
) -> (TokenStream, TokenStream) {
    let name = &sig.ident;
    let vis = f.vis;
    let out = &sig.output;
    let generics = real_generics(&f.sig.generics, sig);
    let (_, _, where_clause) = generics.split_for_impl();
    let params = &generics.params;
    let receiver = sig.receiver.as_ref().map(|r| quote!(#r,));
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
    // Reverse mode's hidden functions take a `&Vec` parameter as a slice: a caller's backward
    // sweep hands them a copy from its float stack. They make it a `Vec` again first.
    let vec_by_ref = |p: &&sig::Param| {
        matches!(p.shape, Some(Shape::Vec { by_ref: true }))
            && p.elem.is_some()
            && matches!(p.ty, syn::Type::Reference(_))
    };
    let vecs_again: TokenStream = sig
        .params
        .iter()
        .filter(vec_by_ref)
        .map(|p| {
            let x = &p.ident;
            quote!(let #x = &::std::vec::Vec::from(#x);)
        })
        .collect();
    let split_original: Vec<TokenStream> = sig
        .params
        .iter()
        .map(|p| {
            let pat = &p.pat;
            match &p.ty {
                syn::Type::Reference(r) if vec_by_ref(&p) => {
                    let (elem, lt) = (&p.elem, &r.lifetime);
                    quote!(#pat: &#lt [#elem])
                }
                t => quote!(#pat: #t),
            }
        })
        .collect();
    let active: Vec<usize> = (0..sig.params.len())
        .filter(|&i| sig.params[i].shape.is_some())
        .collect();
    let active_list = active
        .iter()
        .map(|&i| format!("`{}`", sig.params[i].ident))
        .collect::<Vec<_>>()
        .join(", ");
    let allow = quote!(#[allow(unused_variables, unused_mut, unused_assignments, unused_parens, unused_braces, unreachable_code, clippy::all)]);

    // Hidden tangent function: one tangent argument per parameter.
    let tangent_params: Vec<Ident> = sig
        .params
        .iter()
        .map(|p| {
            format_ident!(
                "{}_dot",
                p.ident.to_string().trim_start_matches("r#"),
                span = Span::mixed_site()
            )
        })
        .collect();
    let tangent_tys: Vec<Ident> = (0..sig.params.len())
        .map(|i| format_ident!("__D{}", i))
        .collect();
    let lt = Lifetime::new("'__t", Span::call_site());
    let mut tangent_generics = generics.clone();
    tangent_generics
        .params
        .insert(0, GenericParam::Lifetime(LifetimeParam::new(lt.clone())));
    {
        let wc = tangent_generics.make_where_clause();
        for (p, d) in sig.params.iter().zip(&tangent_tys) {
            let ty = &p.ty;
            let elem = &p.elem;
            wc.predicates.push(match p.shape {
                None => continue,
                Some(
                    Shape::Scalar
                    | Shape::Array { by_ref: false }
                    | Shape::Vec { by_ref: false }
                    | Shape::Matrix { by_ref: false },
                ) => {
                    syn::parse_quote!(#d: ::autodiff::__private::TangentArg<#ty>)
                }
                Some(Shape::ScalarRef) => {
                    syn::parse_quote!(#d: ::autodiff::__private::RefTangentArg<#lt, #elem>)
                }
                Some(Shape::Slice) => {
                    syn::parse_quote!(#d: ::autodiff::__private::RefTangentArg<#lt, [#elem]>)
                }
                Some(_) => {
                    let syn::Type::Reference(r) = ty else {
                        unreachable!()
                    };
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

    // Hidden reverse function: the value and one adjoint per parameter.
    let adjoint_tys: Vec<TokenStream> = sig.params.iter().map(|p| p.gradient_type()).collect();
    // One sink per parameter: a slice parameter's adjoint is added in place into the one its
    // caller lends, and `Accumulated` stands in its place among the returned adjoints.
    let slice = |p: &crate::sig::Param| p.shape == Some(Shape::Slice);
    let sinks: Vec<Ident> = (0..sig.params.len()).map(reverse::sink).collect();
    let sink_tys: Vec<TokenStream> = sig
        .params
        .iter()
        .map(|p| {
            let elem = &p.elem;
            if slice(p) {
                quote!(impl ::autodiff::__private::SliceSink<#elem>)
            } else {
                quote!(impl ::core::marker::Sized)
            }
        })
        .collect();
    let vjp_adjoint_tys: Vec<TokenStream> = sig
        .params
        .iter()
        .zip(&adjoint_tys)
        .map(|(p, t)| {
            if slice(p) {
                quote!(::autodiff::__private::Accumulated)
            } else {
                t.clone()
            }
        })
        .collect();
    let lent_sinks: TokenStream = sig
        .params
        .iter()
        .zip(&sinks)
        .filter(|(p, _)| slice(p))
        .map(|(_, s)| quote!(let mut #s = ::std::vec::Vec::new();))
        .collect();
    let sink_args = sig.params.iter().zip(&sinks).map(|(p, s)| {
        if slice(p) {
            quote!(::autodiff::__private::Fresh(&mut #s))
        } else {
            quote!(::autodiff::__private::Discard)
        }
    });
    let hidden_seed = reverse::seed();
    // Without `wrt(..)`, a parameter taken as a constant must not hold floats (see the
    // runtime's `constants`): an alias such as `x: Real` would otherwise get no gradient.
    let constants: TokenStream = sig
        .params
        .iter()
        .filter(|p| options.wrt.is_none() && p.shape.is_none())
        .filter(|p| matches!(&p.pat, syn::Pat::Ident(_)))
        .map(|p| {
            let (x, span) = (&p.ident, syn::spanned::Spanned::span(&p.ty));
            quote_spanned!(span=> {
                #[allow(unused_imports)]
                use ::autodiff::__private::ConstantFallback as _;
                ::autodiff::__private::constant_parameter(::autodiff::__private::Probe(&#x).kind());
            })
        })
        .collect();
    let (tangent_body, vjp_body, pullback_body, split) = match func {
        Some(func) => {
            let cx = Cx::new(sig, func).splitting_calls();
            // A summing loop that steps back at once keeps unit adjoints a split
            // function's two halves would have to hand over: they reverse it whole.
            let split = if cx.sums.keys().all(|l| cx.recomputed.contains_key(l)) {
                reverse::split_bodies(&cx)
            } else {
                reverse::split_bodies(&Cx::new(sig, func).without_local_sums().splitting_calls())
            };
            (
                forward::tangent_body(&cx),
                reverse::vjp_body(&cx),
                reverse::pullback_body(&Cx::split(sig, func).splitting_calls()),
                split,
            )
        }
        None => (
            quote!(::core::unreachable!()),
            quote!(::core::unreachable!()),
            quote!(
                #[allow(unreachable_code)]
                (::core::unreachable!(), |_| ::core::unreachable!())
            ),
            None,
        ),
    };
    // The pullback holds the borrows it was given: every reference in the signature gets one
    // lifetime, which the returned closure outlives no longer than.
    let pb_lt = Lifetime::new("'__pb", Span::call_site());
    let mut pb_generics = generics.clone();
    pb_generics
        .params
        .insert(0, GenericParam::Lifetime(LifetimeParam::new(pb_lt.clone())));
    {
        let bounds: Vec<syn::WherePredicate> = generics
            .params
            .iter()
            .filter_map(|g| match g {
                GenericParam::Lifetime(l) => {
                    let l = &l.lifetime;
                    Some(syn::parse_quote!(#l: #pb_lt))
                }
                GenericParam::Type(t) => {
                    let t = &t.ident;
                    Some(syn::parse_quote!(#t: #pb_lt))
                }
                GenericParam::Const(_) => None,
            })
            .collect();
        pb_generics.make_where_clause().predicates.extend(bounds);
    }
    let (_, _, pb_where) = pb_generics.split_for_impl();
    let pb_gparams = &pb_generics.params;
    let pb_receiver = sig.receiver.as_ref().map(|r| {
        let mut r = r.clone();
        syn::visit_mut::VisitMut::visit_fn_arg_mut(&mut Named(&pb_lt), &mut r);
        quote!(#r,)
    });
    // The parameters with their references given the pullback's lifetime, bound as written
    // (`pattern`) or by name.
    let pb_params = |pattern: bool| -> Vec<TokenStream> {
        sig.params
            .iter()
            .map(|p| {
                let mut ty = p.ty.clone();
                syn::visit_mut::VisitMut::visit_type_mut(&mut Named(&pb_lt), &mut ty);
                let (pat, i) = (&p.pat, &p.ident);
                if pattern {
                    quote!(#pat: #ty)
                } else {
                    quote!(#i: #ty)
                }
            })
            .collect()
    };
    let pb_original = pb_params(true);

    let user_args: Vec<TokenStream> = captured_params(&f.sig.generics).collect();
    let placeholders = tangent_tys.iter().map(|_| quote!(_));
    let tangent_turbofish = quote!(::<#(#user_args,)* #(#placeholders),*>);
    let turbofish = quote!(::<#(#user_args),*>);
    let pullback_fn = match f.place {
        Place::Free => format_ident!("pullback"),
        Place::Method => hidden_assoc_name(name, "pullback"),
    };
    let (tangent_fn, vjp_all_fn, tangent_call, vjp_all_call, self_call) =
        match (&f.place, &sig.receiver) {
            (Place::Free, _) => {
                let (t, p) = (format_ident!("tangent"), format_ident!("vjp_all"));
                (
                    t.clone(),
                    p.clone(),
                    quote!(#name::#t #tangent_turbofish),
                    quote!(#name::#p #turbofish),
                    TokenStream::new(),
                )
            }
            (Place::Method, receiver) => {
                let (t, p) = (
                    hidden_assoc_name(name, "tangent"),
                    hidden_assoc_name(name, "vjp_all"),
                );
                let via = if receiver.is_some() {
                    quote!(self.)
                } else {
                    quote!(Self::)
                };
                (
                    t.clone(),
                    p.clone(),
                    quote!(#via #t #tangent_turbofish),
                    quote!(#via #p #turbofish),
                    via,
                )
            }
        };

    // Split mode for callers in loops; without it, the plain function and the replay.
    let (record_fn, backward_fn) = match f.place {
        Place::Free => (format_ident!("record"), format_ident!("backward")),
        Place::Method => (
            hidden_assoc_name(name, "record"),
            hidden_assoc_name(name, "backward"),
        ),
    };
    let (floats, indices) = reverse::flat_stacks();
    let stack = quote!(::autodiff::__private::Stack);
    let elem = sig
        .params
        .iter()
        .find(|p| p.shape.is_some())
        .map_or(quote!(f64), |p| p.elem.to_token_stream());
    let (record_body, backward_body) = match (split, func) {
        (Some(bodies), _) => bodies,
        (None, Some(_)) => (
            quote!(#self_call #name #turbofish(#(#idents),*)),
            quote!(#vjp_all_call(#(#idents,)* #hidden_seed, #(#sinks),*).1),
        ),
        (None, None) => (
            quote!(::core::unreachable!()),
            quote!(::core::unreachable!()),
        ),
    };

    // Every generated body first names the parameters the body binds again.
    let aliases = func.map(crate::codegen::param_aliases);
    // The derivatives stand in for the function: using them uses it.
    let original_fn = match f.place {
        Place::Free => quote!(#name #turbofish),
        Place::Method => quote!(Self::#name #turbofish),
    };
    // An `impl Trait` parameter's type has no name to give: the function is not named then.
    let impl_trait = sig.params.iter().any(|p| {
        let ty = &p.ty;
        crate::codegen::idents(quote!(#ty))
            .iter()
            .any(|i| i == "impl")
    });
    let uses_original = (!impl_trait).then(|| quote!(let _ = #original_fn;));
    let jvp = options
        .jvp
        .clone()
        .unwrap_or_else(|| format_ident!("{}_jvp", name));
    let vjp = options
        .vjp
        .clone()
        .unwrap_or_else(|| format_ident!("{}_vjp", name));
    let grad = options
        .grad
        .clone()
        .unwrap_or_else(|| format_ident!("{}_grad", name));
    let pullback = options
        .pullback
        .clone()
        .unwrap_or_else(|| format_ident!("{}_pullback", name));
    let active_tangents: Vec<TokenStream> = active
        .iter()
        .map(|&i| {
            let (d, t) = (&tangent_params[i], &sig.params[i].ty);
            quote!(#d: #t)
        })
        .collect();
    let call_tangents = sig.params.iter().zip(&tangent_params).map(|(p, d)| {
        if p.shape.is_some() {
            quote!(#d)
        } else {
            quote!(::autodiff::__private::ZeroTangent)
        }
    });
    let grad_ty = gradient_type(sig);
    let grad_names: Vec<Ident> = (0..sig.params.len())
        .map(|i| format_ident!("grad_{}", i, span = Span::mixed_site()))
        .collect();
    let lent_grads = sig
        .params
        .iter()
        .zip(grad_names.iter().zip(&sinks))
        .filter(|(p, _)| slice(p))
        .map(|(_, (g, s))| quote!(let #g = #s;));
    let picked: Vec<&Ident> = active.iter().map(|&i| &grad_names[i]).collect();
    let picked = if picked.len() == 1 {
        quote!(#(#picked)*)
    } else {
        quote!((#(#picked),*))
    };
    let seed = Ident::new("seed", Span::mixed_site());
    let mut grad_generics = generics.clone();
    grad_generics
        .make_where_clause()
        .predicates
        .push(syn::parse_quote!(for<'__g> #out: ::autodiff::__private::ScalarOutput));
    let grad_where = grad_generics.where_clause.as_ref();

    let link = match f.place {
        Place::Free => format!("fn@{name}"),
        Place::Method => format!("Self::{name}"),
    };
    let jvp_doc = format!(
        "Forward mode of [`{name}`]({link}): its value and its directional derivative along the \
         tangents of {active_list}."
    );
    let vjp_doc = format!(
        "Reverse mode of [`{name}`]({link}): its value and the vector-Jacobian product of `seed` \
         with respect to {active_list}."
    );
    let pullback_doc = format!(
        "Reverse mode of [`{name}`]({link}), split: its value, and its pullback, which maps a \
         seed to the vector-Jacobian product with respect to {active_list}. The forward sweep \
         runs once; the pullback may be called once per seed (a Jacobian row by row)."
    );
    let pb_plain = pb_params(false);
    let pullback_call = match f.place {
        Place::Free => quote!(#name::#pullback_fn #turbofish),
        Place::Method => quote!(#self_call #pullback_fn #turbofish),
    };
    let grad_doc = format!(
        "Reverse mode of [`{name}`]({link}): its value and its gradient with respect to {active_list}."
    );
    let hidden = quote! {
        #[doc(hidden)]
        #[inline]
        #allow
        #vis fn #tangent_fn<#tangent_gparams>(#receiver #(#original,)* #(#tangent_params: #tangent_tys),*) -> (#out, #out) #tangent_where {
            #aliases
            #tangent_body
        }

        #[doc(hidden)]
        #[inline]
        #allow
        #vis fn #vjp_all_fn<#params>(#receiver #(#split_original,)* #hidden_seed: #out, #(#sinks: #sink_tys),*) -> (#out, (#(#vjp_adjoint_tys,)*))
            #where_clause
        {
            #uses_original
            #vecs_again
            #constants
            #aliases
            #vjp_body
        }

        #[doc(hidden)]
        #[inline]
        #[allow(dead_code)]
        #allow
        #vis fn #pullback_fn<#pb_gparams>(#pb_receiver #(#pb_original,)*)
            -> (#out, impl ::core::ops::Fn(#out) -> (#(#adjoint_tys,)*) + #pb_lt)
            #pb_where
        {
            #aliases
            #pullback_body
        }

        #[doc(hidden)]
        #[inline]
        #[allow(dead_code)]
        #allow
        #vis fn #record_fn<#params>(#receiver #(#split_original,)* #floats: &mut #stack<#elem>, #indices: &mut #stack<usize>) -> #out
            #where_clause
        {
            #vecs_again
            #aliases
            #record_body
        }

        #[doc(hidden)]
        #[inline]
        #[allow(dead_code)]
        #allow
        #vis fn #backward_fn<#params>(#receiver #(#split_original,)* #hidden_seed: #out, #(#sinks: #sink_tys,)* #floats: &mut #stack<#elem>, #indices: &mut #stack<usize>) -> (#(#vjp_adjoint_tys,)*)
            #where_clause
        {
            #vecs_again
            #aliases
            #backward_body
        }
    };
    let public = quote! {
        #[doc = #jvp_doc]
        #[inline]
        #[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
        #vis fn #jvp<#params>(#receiver #(#plain,)* #(#active_tangents),*) -> (#out, #out) #where_clause {
            #tangent_call(#(#idents,)* #(#call_tangents),*)
        }

        #[doc = #vjp_doc]
        #[inline]
        #[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
        #vis fn #vjp<#params>(#receiver #(#plain,)* #seed: #out) -> (#out, #grad_ty) #where_clause {
            #lent_sinks
            let (value, (#(#grad_names,)*)) = #vjp_all_call(#(#idents,)* #seed, #(#sink_args),*);
            #(#lent_grads)*
            (value, #picked)
        }

        #[doc = #pullback_doc]
        #[inline]
        #[allow(dead_code, clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
        #vis fn #pullback<#pb_gparams>(#pb_receiver #(#pb_plain,)*)
            -> (#out, impl ::core::ops::Fn(#out) -> #grad_ty + #pb_lt)
            #pb_where
        {
            let (value, pullback) = #pullback_call(#(#idents,)*);
            (value, move |#seed| {
                let (#(#grad_names,)*) = pullback(#seed);
                #picked
            })
        }

        #[doc = #grad_doc]
        #[inline]
        #[allow(clippy::multiple_bound_locations, clippy::too_many_arguments, clippy::ptr_arg)]
        #vis fn #grad<#params>(#receiver #(#plain),*) -> (#out, #grad_ty) #grad_where {
            #self_call #vjp #turbofish(#(#idents,)* <#out as ::autodiff::__private::ScalarOutput>::unit_seed())
        }
    };
    (hidden, public)
}
