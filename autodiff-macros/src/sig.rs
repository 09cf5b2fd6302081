//! Reading the signature: which parameters are active, of what shape, and which generic
//! parameters are floats.

use crate::attr::Options;
use crate::errors::Errors;
use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::spanned::Spanned;
use syn::{FnArg, GenericParam, Generics, Ident, Pat, ReturnType, Signature, Type, TypeParamBound};

/// How an active parameter holds its floats.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Shape {
    /// `T`.
    Scalar,
    /// `&T`.
    ScalarRef,
    /// `[T; N]`, or `&[T; N]` when `by_ref`.
    Array { by_ref: bool },
    /// `&[T]`.
    Slice,
    /// `Vec<T>`, or `&Vec<T>` when `by_ref`.
    Vec { by_ref: bool },
    /// A nalgebra vector or matrix (`DVector<T>`, `Matrix3<T>`, ...), or a reference to one.
    Matrix { by_ref: bool },
}

impl Shape {
    /// Whether the parameter holds several floats read by index.
    pub fn is_container(self) -> bool {
        !matches!(self, Shape::Scalar | Shape::ScalarRef)
    }

    /// Whether the parameter is passed by reference.
    pub fn by_ref(self) -> bool {
        matches!(
            self,
            Shape::ScalarRef
                | Shape::Slice
                | Shape::Array { by_ref: true }
                | Shape::Vec { by_ref: true }
                | Shape::Matrix { by_ref: true }
        )
    }
}

/// One parameter of the function.
pub struct Param {
    /// The name the body uses.
    pub ident: Ident,
    /// The pattern as written (`x`, `mut x`).
    pub pat: Pat,
    /// The type as written.
    pub ty: Type,
    /// `Some` when the parameter is active.
    pub shape: Option<Shape>,
    /// The element type of an active parameter (`T` for `&[T; N]`).
    pub elem: Option<Type>,
}

impl Param {
    /// The owned type of this parameter's gradient.
    pub fn gradient_type(&self) -> TokenStream {
        let elem = &self.elem;
        match (self.shape, &self.ty) {
            (Some(Shape::Scalar), ty) => ty.to_token_stream(),
            (Some(Shape::ScalarRef), _) => quote!(#elem),
            (Some(Shape::Array { .. } | Shape::Matrix { .. }), Type::Reference(r)) => {
                r.elem.to_token_stream()
            }
            (Some(Shape::Array { .. } | Shape::Matrix { .. }), ty) => ty.to_token_stream(),
            (Some(Shape::Slice | Shape::Vec { .. }), _) => quote!(::std::vec::Vec<#elem>),
            (None, _) => quote!(::autodiff::__private::NoAdjoint),
        }
    }
}

/// The signature as the generators need it.
pub struct FnSig {
    /// The function's name.
    pub ident: Ident,
    /// `&self` and the like: always a constant.
    pub receiver: Option<FnArg>,
    /// Typed parameters in order.
    pub params: Vec<Param>,
    /// Generic type parameters bounded as floats.
    pub float_params: Vec<Ident>,
    /// The output type.
    pub output: Type,
}

impl FnSig {
    /// The float type of the active parameters (`T`, `f64`), if they share one: the type of
    /// the function's float values.
    pub fn float_type(&self) -> Option<&Type> {
        let mut elems = self
            .params
            .iter()
            .filter(|p| p.shape.is_some())
            .filter_map(|p| p.elem.as_ref());
        let first = elems.next()?;
        let text = first.to_token_stream().to_string();
        elems
            .all(|e| e.to_token_stream().to_string() == text)
            .then_some(first)
    }
}

/// The integer types.
pub const INTEGERS: &[&str] = &[
    "usize", "isize", "u8", "u16", "u32", "u64", "u128", "i8", "i16", "i32", "i64", "i128",
];

const FLOAT_BOUNDS: &[&str] = &["Float", "FloatCore", "Real", "RealField", "ComplexField"];

fn float_params(generics: &Generics) -> Vec<Ident> {
    let is_float_bound = |b: &TypeParamBound| match b {
        TypeParamBound::Trait(t) => t
            .path
            .segments
            .last()
            .is_some_and(|s| FLOAT_BOUNDS.contains(&s.ident.to_string().as_str())),
        _ => false,
    };
    let mut out = Vec::new();
    for param in &generics.params {
        if let GenericParam::Type(t) = param {
            let mut float = t.bounds.iter().any(is_float_bound);
            if let Some(wc) = &generics.where_clause {
                for pred in &wc.predicates {
                    if let syn::WherePredicate::Type(p) = pred {
                        if matches!(&p.bounded_ty, Type::Path(tp) if tp.path.is_ident(&t.ident)) {
                            float |= p.bounds.iter().any(is_float_bound);
                        }
                    }
                }
            }
            if float {
                out.push(t.ident.clone());
            }
        }
    }
    out
}

fn is_scalar(ty: &Type, floats: &[Ident]) -> bool {
    match ty {
        Type::Path(p) if p.qself.is_none() => {
            p.path.is_ident("f32")
                || p.path.is_ident("f64")
                || floats.iter().any(|f| p.path.is_ident(f))
        }
        Type::Paren(p) => is_scalar(&p.elem, floats),
        Type::Group(g) => is_scalar(&g.elem, floats),
        _ => false,
    }
}

fn vec_elem(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => match &a.args[0] {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// The element type of a nalgebra vector or matrix type (`DVector<T>`, `SMatrix<T, 2, 3>`,
/// `Matrix3<T>`, `Vector4<T>`, ...).
fn matrix_elem(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let name = last.ident.to_string();
    let stem = name
        .trim_start_matches(['D', 'S', 'O'])
        .trim_start_matches("Row");
    if !(stem.starts_with("Vector") || stem.starts_with("Matrix")) {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// The shape and element type of a parameter type that holds floats, if it does.
fn shape_of(ty: &Type, floats: &[Ident]) -> Option<(Shape, Type)> {
    if is_scalar(ty, floats) {
        return Some((Shape::Scalar, ty.clone()));
    }
    match ty {
        Type::Reference(r) if r.mutability.is_none() => match &*r.elem {
            t if is_scalar(t, floats) => Some((Shape::ScalarRef, t.clone())),
            Type::Array(a) if is_scalar(&a.elem, floats) => {
                Some((Shape::Array { by_ref: true }, (*a.elem).clone()))
            }
            Type::Slice(s) if is_scalar(&s.elem, floats) => Some((Shape::Slice, (*s.elem).clone())),
            t => vec_elem(t)
                .filter(|e| is_scalar(e, floats))
                .map(|e| (Shape::Vec { by_ref: true }, e.clone()))
                .or_else(|| {
                    matrix_elem(t)
                        .filter(|e| is_scalar(e, floats))
                        .map(|e| (Shape::Matrix { by_ref: true }, e.clone()))
                }),
        },
        Type::Array(a) if is_scalar(&a.elem, floats) => {
            Some((Shape::Array { by_ref: false }, (*a.elem).clone()))
        }
        t => vec_elem(t)
            .filter(|e| is_scalar(e, floats))
            .map(|e| (Shape::Vec { by_ref: false }, e.clone()))
            .or_else(|| {
                matrix_elem(t)
                    .filter(|e| is_scalar(e, floats))
                    .map(|e| (Shape::Matrix { by_ref: false }, e.clone()))
            }),
    }
}

/// Reads the signature, checking `wrt(...)` against it (mode rule 4).
///
/// `outer` is the enclosing `impl` block's generics, whose float parameters count too.
pub fn read(
    sig: &Signature,
    outer: Option<&Generics>,
    options: &Options,
    errors: &mut Errors,
) -> Option<FnSig> {
    if let Some(asyncness) = &sig.asyncness {
        errors.push(
            asyncness.span(),
            "`async fn` cannot be differentiated: its body runs later, outside the derivative; \
             differentiate the synchronous function it awaits, or use the tape",
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.push(
            unsafety.span(),
            "`unsafe fn` cannot be differentiated: the macro cannot follow raw memory; \
             keep the unsafe part in an inactive helper, or use the tape",
        );
    }
    let output = match &sig.output {
        ReturnType::Type(_, ty) => (**ty).clone(),
        ReturnType::Default => {
            errors.push(
                sig.ident.span(),
                format!(
                    "`{}` returns nothing, so it has no derivative: a differentiable function \
                     returns its result",
                    sig.ident
                ),
            );
            return None;
        }
    };
    let mut floats = float_params(&sig.generics);
    if let Some(outer) = outer {
        floats.extend(float_params(outer));
    }
    // A result with no derivative: nothing, a test, a count, text, a reference or an option.
    let no_derivative = match &output {
        Type::Tuple(t) => t.elems.is_empty(),
        Type::Reference(_) | Type::Never(_) => true,
        Type::Path(p) => {
            p.qself.is_none()
                && p.path.segments.last().is_some_and(|s| {
                    let name = s.ident.to_string();
                    INTEGERS.contains(&name.as_str())
                        || ["bool", "char", "String", "Option", "Result"].contains(&name.as_str())
                })
        }
        _ => false,
    };
    if no_derivative {
        errors.push(
            output.span(),
            format!(
                "`{}` returns `{}`, which has no derivative: a differentiable function returns a \
                 float, a tuple or array of floats, a `Vec` of them or a nalgebra value; compute \
                 the rest in an inactive function",
                sig.ident,
                output
                    .to_token_stream()
                    .to_string()
                    .replace(" < ", "<")
                    .replace(" >", ">")
                    .replace("& ", "&")
            ),
        );
        return None;
    }
    // A tuple result is seeded part by part: each part must be a float.
    if let Type::Tuple(t) = &output {
        for part in &t.elems {
            let integer = matches!(part, Type::Path(p) if p.path.get_ident().is_some_and(|i| {
                INTEGERS.contains(&i.to_string().as_str()) || i == "bool"
            }));
            if integer {
                errors.push(
                    part.span(),
                    "a part of a tuple result that is not a float has no derivative: return the \
                     floats from the differentiable function, and compute this part in an \
                     inactive one",
                );
                return None;
            }
        }
    }
    let mut receiver = None;
    let mut params = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(_) => receiver = Some(input.clone()),
            FnArg::Typed(pt) => {
                let ident = match &*pt.pat {
                    Pat::Ident(pi) if pi.subpat.is_none() && pi.by_ref.is_none() => {
                        pi.ident.clone()
                    }
                    other => {
                        // Without `wrt(..)`, a pattern holding floats would silently be a
                        // constant.
                        let ty = &pt.ty;
                        let holds_floats = crate::codegen::idents(quote::quote!(#ty))
                            .iter()
                            .any(|i| i == "f64" || i == "f32" || floats.iter().any(|f| f == i));
                        if shape_of(&pt.ty, &floats).is_some()
                            || (options.wrt.is_none() && holds_floats)
                        {
                            errors.push(
                                other.span(),
                                "a float parameter must be a plain name (`x: f64`), so that its \
                                 derivative has a name; destructure it in the body instead, or \
                                 name the differentiated parameters with `wrt(..)`",
                            );
                        }
                        // An inactive parameter bound by a pattern: the generated wrappers
                        // pass it on under a name of their own.
                        quote::format_ident!(
                            "arg_{}",
                            params.len(),
                            span = proc_macro2::Span::mixed_site()
                        )
                    }
                };
                let (shape, elem) = match shape_of(&pt.ty, &floats) {
                    Some((s, e)) => (Some(s), Some(e)),
                    None => (None, None),
                };
                params.push(Param {
                    ident,
                    pat: (*pt.pat).clone(),
                    ty: (*pt.ty).clone(),
                    shape,
                    elem,
                });
            }
        }
    }
    if let Some(wrt) = &options.wrt {
        for name in wrt {
            match params.iter().find(|p| p.ident == *name) {
                None => errors.push(
                    name.span(),
                    format!("`wrt({name})` names no parameter of `{}`", sig.ident),
                ),
                Some(p) if p.shape.is_none() => {
                    let ty = p.ty.to_token_stream();
                    errors.push(
                        name.span(),
                        format!(
                            "`{name}` cannot be differentiated: its type `{ty}` is not a float; \
                             only `f32`, `f64`, a generic float `T`, arrays, slices and `Vec`s \
                             of them, and nalgebra vectors and matrices have derivatives (write \
                             the nalgebra type itself: the macro cannot see through an alias)"
                        ),
                    )
                }
                Some(_) => {}
            }
        }
        for p in &mut params {
            if !wrt.contains(&p.ident) {
                p.shape = None;
            }
        }
    }
    if params.iter().all(|p| p.shape.is_none()) && errors.is_empty() {
        errors.push(
            sig.ident.span(),
            format!(
                "`{}` has no float parameter to differentiate with respect to; active \
                 parameters are `f32`, `f64`, a generic float `T` (bounded by `Float` or \
                 `RealField`), and arrays, slices and `Vec`s of them",
                sig.ident
            ),
        );
    }
    Some(FnSig {
        ident: sig.ident.clone(),
        receiver,
        params,
        float_params: floats,
        output,
    })
}
