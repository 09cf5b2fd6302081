//! Named ranges of active containers: `let row = &x[a..b];` binds no value. Its bounds are
//! kept in two locals, and the statements after it that name `row` are rewritten to read `x`
//! there: `row[i]` is `x[view_at(lo, hi, i)]`, `row.iter()` is `x[lo..hi].iter()`, `row` is
//! `&x[lo..hi]`, `row.len()` is `hi - lo`. What the lowering then sees are reads, ranges and
//! sub-slices of an active container, which both modes already differentiate.
//!
//! The items of `z.iter_mut()` in a `for` loop are places of `z` the same way: `*v` in the
//! body is `z[index]`, read or written.
//!
//! The rewriting follows Rust's scopes: it ends where the name is bound again, and where the
//! container's name is bound again (a closure parameter `x`, `let x = ..`) a use of the name
//! is an error, as the rewritten read would name the new binding.

use super::{Binding, Lower};
use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, Pat, Stmt as SynStmt};

/// A name bound to a range or an element of a container, rewritten in the code after it.
pub(super) struct View {
    name: String,
    /// The container's name.
    base_name: String,
    place: Place,
    /// Whether the container's name is bound again where the rewriting is.
    hidden: bool,
    /// Uses that cannot be rewritten, with what to say (reported by the caller).
    pub(super) misuse: Vec<(Span, String)>,
}

/// What a [`View`]'s name stands for.
enum Place {
    /// The range `lo..hi` of `base`, with its bounds in these locals.
    Range { base: Expr, lo: Ident, hi: Ident },
    /// One element: `*v` is this place (`z[index]`).
    Element(Expr),
    /// An element read by value where the iterator gave a reference: `*v` is `v`.
    Copied,
}

impl View {
    fn new(name: &Ident, base_name: &str, place: Place) -> View {
        View {
            name: name.to_string(),
            base_name: base_name.to_owned(),
            place,
            hidden: false,
            misuse: Vec::new(),
        }
    }

    /// The items of `z.iter_mut()`: `*name` is `place`, an element of `base`.
    pub(super) fn element(name: &Ident, base: &str, place: Expr) -> View {
        View::new(name, base, Place::Element(place))
    }

    /// An element of `x.iter()` bound by value: `*name` is `name`.
    pub(super) fn copied(name: &Ident) -> View {
        View::new(name, "", Place::Copied)
    }
}

impl Lower<'_> {
    /// If `stmt` is `let name = &x[range];` on an active container `x`: keeps the range's
    /// bounds, and returns the view that rewrites the statements after it.
    pub(super) fn bind_view(&mut self, stmt: &SynStmt) -> Option<View> {
        let SynStmt::Local(local) = stmt else {
            return None;
        };
        let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
        let pat = match &local.pat {
            Pat::Type(pt) => &*pt.pat,
            p => p,
        };
        let Pat::Ident(pi) = pat else { return None };
        if pi.by_ref.is_some() || pi.mutability.is_some() || pi.subpat.is_some() {
            return None;
        }
        let mut init_expr = &*init.expr;
        while let Expr::Paren(p) = init_expr {
            init_expr = &p.expr;
        }
        let Expr::Reference(r) = init_expr else {
            return None;
        };
        let Expr::Index(ix) = &*r.expr else {
            return None;
        };
        let Expr::Path(base_path) = &*ix.expr else {
            return None;
        };
        let base_name = base_path.path.get_ident()?.to_string();
        if r.mutability.is_some()
            || !matches!(&*ix.index, Expr::Range(_))
            || self.mentions_active(&ix.index)
            || self.container_of(&ix.expr).is_none()
        {
            return None;
        }
        let name = &pi.ident;
        let (base, range) = (&*ix.expr, &*ix.index);
        let lo = self.fresh_local(&format!("{name}_lo"));
        let hi = self.fresh_local(&format!("{name}_hi"));
        self.verbatim(quote! {
            let (#lo, #hi) = ::autodiff::__private::view_bounds(#range, #base.len());
        });
        self.views.insert(lo.to_string(), name.to_string());
        // A view named like its container (`let x = &x[1..];`) reads the container by that
        // name: the container's binding stays.
        if *name != base_name {
            self.declare(name, Binding::Inactive);
        }
        let base = base.clone();
        Some(View::new(name, &base_name, Place::Range { base, lo, hi }))
    }
}

impl View {
    /// Rewrites a block's statements up to one that binds the name again.
    pub(super) fn rewrite_stmts(&mut self, stmts: &mut [SynStmt]) {
        let hidden = self.hidden;
        for s in stmts {
            match s {
                SynStmt::Local(local) => {
                    if let Some(init) = &mut local.init {
                        self.visit_expr_mut(&mut init.expr);
                        if let Some((_, diverge)) = &mut init.diverge {
                            self.visit_expr_mut(diverge);
                        }
                    }
                    if self.binds(&local.pat) {
                        break;
                    }
                    self.hidden |= self.binds_base(&local.pat);
                }
                SynStmt::Macro(m) => self.rewrite_macro(&mut m.mac),
                SynStmt::Expr(e, _) => self.visit_expr_mut(e),
                SynStmt::Item(_) => {}
            }
        }
        self.hidden = hidden;
    }

    /// Whether a pattern binds the name.
    fn binds(&self, pat: &Pat) -> bool {
        super::bound_names(pat).iter().any(|i| *i == self.name)
    }

    /// Whether a pattern binds the container's name.
    fn binds_base(&self, pat: &Pat) -> bool {
        super::bound_names(pat).iter().any(|i| *i == self.base_name)
    }

    /// Visits `f` with the container's name bound again if `again`.
    fn hiding(&mut self, again: bool, f: impl FnOnce(&mut Self)) {
        let hidden = self.hidden;
        self.hidden |= again;
        f(self);
        self.hidden = hidden;
    }

    /// Whether an expression is the name (in parentheses or not).
    fn is_name(&self, e: &Expr) -> bool {
        match e {
            Expr::Paren(p) => self.is_name(&p.expr),
            Expr::Path(p) => p.qself.is_none() && p.path.is_ident(&self.name),
            _ => false,
        }
    }

    /// What the name reads as a value, written at `span`: the sub-slice `x[lo..hi]` of a
    /// range, the place `z[index]` of an element.
    fn value(&self, span: Span) -> Expr {
        let tokens = match &self.place {
            Place::Range { base, lo, hi } => {
                let base = located_at(base.to_token_stream(), span);
                quote_spanned!(span=> #base[#lo..#hi])
            }
            Place::Element(at) => located_at(at.to_token_stream(), span),
            Place::Copied => {
                let name = Ident::new(&self.name, span);
                quote!(#name)
            }
        };
        syn::parse2(tokens).expect("a place parses")
    }

    /// A use of the name where the container's name means another binding.
    fn hidden_use(&mut self, e: &Expr) -> bool {
        let names = |x: &Expr| match x {
            Expr::Index(ix) => self.is_name(&ix.expr),
            Expr::MethodCall(m) => self.is_name(&m.receiver),
            Expr::Unary(u) => self.is_name(&u.expr),
            Expr::Reference(r) => self.is_name(&r.expr),
            other => self.is_name(other),
        };
        if !self.hidden || !names(e) {
            return false;
        }
        let (name, base) = (&self.name, &self.base_name);
        self.misuse.push((
            e.span(),
            format!(
                "`{name}` stands for a part of `{base}`, and `{base}` is bound again before this \
                 use; give the new binding of `{base}` another name"
            ),
        ));
        true
    }

    /// Rewrites an expression that names a range; `false` if it does not.
    fn rewrite_range(&mut self, e: &mut Expr) -> bool {
        let Place::Range { base, lo, hi } = &self.place else {
            return false;
        };
        let (base, lo, hi) = (base.clone(), lo.clone(), hi.clone());
        let span = e.span();
        let tokens = match e {
            Expr::Index(ix) if self.is_name(&ix.expr) => {
                self.visit_expr_mut(&mut ix.index);
                match &*ix.index {
                    Expr::Range(r) => {
                        let start = r.start.as_ref().map_or(quote!(0), |s| quote!((#s)));
                        let end = match (&r.end, &r.limits) {
                            (Some(e), syn::RangeLimits::HalfOpen(_)) => quote!((#e)),
                            (Some(e), syn::RangeLimits::Closed(_)) => quote!(((#e) + 1)),
                            (None, _) => quote!((#hi - #lo)),
                        };
                        let base = located_at(base.to_token_stream(), span);
                        quote_spanned!(span=> #base[::autodiff::__private::view_start(#lo, #hi, #start, #end)..#lo + #end])
                    }
                    index => {
                        let base = located_at(base.to_token_stream(), span);
                        quote_spanned!(span=> #base[::autodiff::__private::view_at(#lo, #hi, #index)])
                    }
                }
            }
            Expr::MethodCall(m) if self.is_name(&m.receiver) => {
                match m.method.to_string().as_str() {
                    "len" if m.args.is_empty() => quote_spanned!(span=> (#hi - #lo)),
                    "is_empty" if m.args.is_empty() => quote_spanned!(span=> (#hi == #lo)),
                    _ => {
                        for a in &mut m.args {
                            self.visit_expr_mut(a);
                        }
                        *m.receiver = self.value(span);
                        return true;
                    }
                }
            }
            Expr::Reference(r) if r.mutability.is_none() && self.is_name(&r.expr) => {
                let slice = self.value(span);
                quote_spanned!(span=> &#slice)
            }
            _ if self.is_name(e) => {
                let slice = self.value(span);
                quote_spanned!(span=> &#slice)
            }
            _ => return false,
        };
        *e = syn::parse2(tokens).expect("a rewritten read parses");
        true
    }

    /// Rewrites an expression that names an element; `false` if it does not.
    fn rewrite_element(&mut self, e: &mut Expr) -> bool {
        let span = e.span();
        if let Place::Copied = self.place {
            if let Expr::Unary(u) = e {
                if matches!(u.op, syn::UnOp::Deref(_)) && self.is_name(&u.expr) {
                    *e = (*u.expr).clone();
                    return true;
                }
            }
            return false;
        }
        if !matches!(self.place, Place::Element(_)) {
            return false;
        }
        match e {
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) && self.is_name(&u.expr) => {
                *e = self.value(span);
            }
            Expr::MethodCall(m) if self.is_name(&m.receiver) => {
                for a in &mut m.args {
                    self.visit_expr_mut(a);
                }
                *m.receiver = self.value(span);
            }
            _ if self.is_name(e) => {
                let name = &self.name;
                self.misuse.push((
                    span,
                    format!(
                        "`{name}` is an element of a container iterated with `iter_mut`: read \
                         and write it as `*{name}`, or call its methods (`{name}.abs()`)"
                    ),
                ));
                *e = self.value(span);
            }
            _ => return false,
        }
        true
    }

    /// A macro's arguments, rewritten as the expressions they are (`assert!`, `println!`).
    /// A format string that names the name inline (`"{row:?}"`) cannot be followed, nor
    /// arguments that are not expressions.
    fn rewrite_macro(&mut self, mac: &mut syn::Macro) {
        let parser = Punctuated::<Expr, syn::Token![,]>::parse_terminated;
        let parsed = syn::parse::Parser::parse2(parser, mac.tokens.clone());
        let name = &self.name;
        let inline = [format!("{{{name}}}"), format!("{{{name}:")];
        let strings = mac.tokens.clone().into_iter().any(|t| {
            matches!(&t, TokenTree::Literal(l) if inline.iter().any(|i| l.to_string().contains(i.as_str())))
        });
        // `name = value` among the arguments is what the format string names.
        let named = parsed.as_ref().is_ok_and(|args| {
            args.iter()
                .any(|a| matches!(a, Expr::Assign(a) if self.is_name(&a.left)))
        });
        // A copied element is a local of its name: a format string reads it.
        let local = matches!(self.place, Place::Copied);
        if strings && !named && !local {
            self.misuse.push((
                mac.span(),
                match self.place {
                    Place::Element(_) => format!(
                        "a format string names `{name}` inline, which stands for an element of \
                         an active container here; pass it as an argument (`\"{{}}\", *{name}`)"
                    ),
                    _ => format!(
                        "a format string names `{name}` inline, which stands for a part of an \
                         active container here; pass it as an argument (`\"{{:?}}\", {name}`)"
                    ),
                },
            ));
            return;
        }
        match parsed {
            Ok(mut args) => {
                for a in args.iter_mut() {
                    self.visit_expr_mut(a);
                }
                mac.tokens = args.into_token_stream();
            }
            Err(_) if names_ident(mac.tokens.clone(), name) => self.misuse.push((
                mac.span(),
                format!(
                    "the arguments of this macro are not expressions, so the macro cannot follow \
                     `{name}` into them; bind what it needs to a local first"
                ),
            )),
            Err(_) => {}
        }
    }
}

impl VisitMut for View {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if self.hidden_use(e) || self.rewrite_range(e) || self.rewrite_element(e) {
            return;
        }
        match e {
            Expr::Closure(c) => {
                if !c.inputs.iter().any(|p| self.binds(p)) {
                    let again = c.inputs.iter().any(|p| self.binds_base(p));
                    self.hiding(again, |v| v.visit_expr_mut(&mut c.body));
                }
            }
            Expr::ForLoop(f) => {
                self.visit_expr_mut(&mut f.expr);
                if !self.binds(&f.pat) {
                    let again = self.binds_base(&f.pat);
                    self.hiding(again, |v| v.visit_block_mut(&mut f.body));
                }
            }
            Expr::If(i) => match &mut *i.cond {
                Expr::Let(l) => {
                    self.visit_expr_mut(&mut l.expr);
                    if !self.binds(&l.pat) {
                        let again = self.binds_base(&l.pat);
                        self.hiding(again, |v| v.visit_block_mut(&mut i.then_branch));
                    }
                    if let Some((_, other)) = &mut i.else_branch {
                        self.visit_expr_mut(other);
                    }
                }
                _ => syn::visit_mut::visit_expr_if_mut(self, i),
            },
            Expr::While(w) => match &mut *w.cond {
                Expr::Let(l) => {
                    self.visit_expr_mut(&mut l.expr);
                    if !self.binds(&l.pat) {
                        let again = self.binds_base(&l.pat);
                        self.hiding(again, |v| v.visit_block_mut(&mut w.body));
                    }
                }
                _ => syn::visit_mut::visit_expr_while_mut(self, w),
            },
            // `name = value` in a macro's arguments names a format argument.
            Expr::Assign(a) if self.is_name(&a.left) => self.visit_expr_mut(&mut a.right),
            Expr::Macro(m) => self.rewrite_macro(&mut m.mac),
            _ => syn::visit_mut::visit_expr_mut(self, e),
        }
    }

    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        if !self.binds(&arm.pat) {
            let again = self.binds_base(&arm.pat);
            self.hiding(again, |v| syn::visit_mut::visit_arm_mut(v, arm));
        }
    }

    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        self.rewrite_stmts(&mut b.stmts);
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Whether tokens hold the identifier `name`.
fn names_ident(tokens: TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == name,
        TokenTree::Group(g) => names_ident(g.stream(), name),
        _ => false,
    })
}

/// Tokens moved to `span` for messages, each keeping what its names resolve to.
fn located_at(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|t| match t {
            TokenTree::Group(g) => {
                let mut moved = Group::new(g.delimiter(), located_at(g.stream(), span));
                moved.set_span(g.span().located_at(span));
                TokenTree::Group(moved)
            }
            mut t => {
                t.set_span(t.span().located_at(span));
                t
            }
        })
        .collect()
}

/// `x[a..b]` where an element is read: the clear error for a range of an active container
/// used as a value. `view` is the name the user gave the range, if they did.
pub(super) fn range_as_value(name: &str, range: &Expr, view: Option<&str>) -> String {
    let range = range
        .to_token_stream()
        .to_string()
        .replace(" ..= ", "..=")
        .replace(" .. ", "..")
        .replace(" ..", "..")
        .replace(".. ", "..");
    let what = match view {
        Some(v) => format!("`{v}` is a range of the active container `{name}` and"),
        None => format!("`{name}[{range}]` is a range of the active container `{name}` and"),
    };
    let r = view.map_or(format!("{name}[{range}]"), str::to_owned);
    format!(
        "{what} cannot be used as a value here: pass it to a `#[differentiable]` function \
         (`f(&{r})`), iterate it (`{r}.iter()`), bind it to a name that is not `mut` \
         (`let v = &{r};`) or read `{name}` by index"
    )
}
