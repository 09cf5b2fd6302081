//! Named ranges of active containers: `let row = &x[a..b];` binds no value. Its bounds are
//! kept in two locals, and the statements after it that name `row` are rewritten to read `x`
//! there: `row[i]` is `x[view_at(lo, hi, i)]`, `row.iter()` is `x[lo..hi].iter()`, `row` is
//! `&x[lo..hi]`, `row.len()` is `hi - lo`. What the lowering then sees are reads, ranges and
//! sub-slices of an active container, which both modes already differentiate.

use super::{Binding, Lower};
use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{parse_quote, Expr, Ident, Pat, Stmt as SynStmt};

/// A name bound to a range of an active container, and where its bounds are kept.
pub(super) struct View {
    name: String,
    base: Expr,
    lo: Ident,
    hi: Ident,
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
        if r.mutability.is_some()
            || !matches!(&*ix.index, Expr::Range(_))
            || self.mentions_active(&ix.index)
            || !self
                .container_of(&ix.expr)
                .is_some_and(|(_, pre)| pre.is_empty())
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
        self.declare(&lo, Binding::Inactive);
        self.declare(&hi, Binding::Inactive);
        self.declare(name, Binding::Inactive);
        Some(View {
            name: name.to_string(),
            base: base.clone(),
            lo,
            hi,
        })
    }
}

impl View {
    /// Rewrites a block's statements up to one that binds the name again.
    pub(super) fn rewrite_stmts(&mut self, stmts: &mut [SynStmt]) {
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
                        return;
                    }
                }
                SynStmt::Macro(m) => m.mac.tokens = self.rewrite_tokens(m.mac.tokens.clone()),
                SynStmt::Expr(e, _) => self.visit_expr_mut(e),
                SynStmt::Item(_) => {}
            }
        }
    }

    /// Whether a pattern binds the name.
    fn binds(&self, pat: &Pat) -> bool {
        struct Finds<'a>(&'a str, bool);
        impl<'ast> Visit<'ast> for Finds<'_> {
            fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
                self.1 |= p.ident == self.0;
                syn::visit::visit_pat_ident(self, p);
            }
        }
        let mut f = Finds(&self.name, false);
        f.visit_pat(pat);
        f.1
    }

    /// Whether an expression is the name (in parentheses or not).
    fn is_name(&self, e: &Expr) -> bool {
        match e {
            Expr::Paren(p) => self.is_name(&p.expr),
            Expr::Path(p) => p.qself.is_none() && p.path.is_ident(&self.name),
            _ => false,
        }
    }

    /// The view as a sub-slice of its container: `x[lo..hi]`.
    fn range_of_base(&self) -> Expr {
        let View { base, lo, hi, .. } = self;
        parse_quote!(#base[#lo..#hi])
    }

    /// The name in a macro's tokens, outside field accesses, becomes `(&x[lo..hi])`.
    fn rewrite_tokens(&self, tokens: TokenStream) -> TokenStream {
        let mut out = TokenStream::new();
        let mut after_dot = false;
        for tt in tokens {
            let next = match tt {
                TokenTree::Ident(i) if i == self.name && !after_dot => {
                    let slice = self.range_of_base();
                    TokenTree::Group(Group::new(Delimiter::Parenthesis, quote!(&#slice)))
                }
                TokenTree::Group(g) => {
                    let mut inner = Group::new(g.delimiter(), self.rewrite_tokens(g.stream()));
                    inner.set_span(g.span());
                    TokenTree::Group(inner)
                }
                other => other,
            };
            after_dot = matches!(&next, TokenTree::Punct(p) if p.as_char() == '.');
            out.extend([next]);
        }
        out
    }
}

impl VisitMut for View {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        match e {
            Expr::Index(ix) if self.is_name(&ix.expr) => {
                self.visit_expr_mut(&mut ix.index);
                let (base, lo, hi) = (&self.base, &self.lo, &self.hi);
                *e = match &*ix.index {
                    Expr::Range(r) => {
                        let start = r.start.as_ref().map_or(quote!(0), |s| quote!((#s)));
                        let end = match (&r.end, &r.limits) {
                            (Some(e), syn::RangeLimits::HalfOpen(_)) => quote!((#e)),
                            (Some(e), syn::RangeLimits::Closed(_)) => quote!((#e + 1)),
                            (None, _) => quote!((#hi - #lo)),
                        };
                        parse_quote!(#base[::autodiff::__private::view_start(#lo, #hi, #start, #end)..#lo + #end])
                    }
                    index => parse_quote!(#base[::autodiff::__private::view_at(#lo, #hi, #index)]),
                };
            }
            Expr::MethodCall(m) if self.is_name(&m.receiver) => {
                let (lo, hi) = (&self.lo, &self.hi);
                match m.method.to_string().as_str() {
                    "len" if m.args.is_empty() => *e = parse_quote!((#hi - #lo)),
                    "is_empty" if m.args.is_empty() => *e = parse_quote!((#hi == #lo)),
                    _ => {
                        for a in &mut m.args {
                            self.visit_expr_mut(a);
                        }
                        *m.receiver = self.range_of_base();
                    }
                }
            }
            Expr::Reference(r) if r.mutability.is_none() && self.is_name(&r.expr) => {
                let slice = self.range_of_base();
                *e = parse_quote!(&#slice);
            }
            Expr::Path(_) if self.is_name(e) => {
                let slice = self.range_of_base();
                *e = parse_quote!(&#slice);
            }
            Expr::Closure(c) => {
                if !c.inputs.iter().any(|p| self.binds(p)) {
                    self.visit_expr_mut(&mut c.body);
                }
            }
            Expr::ForLoop(f) => {
                self.visit_expr_mut(&mut f.expr);
                if !self.binds(&f.pat) {
                    self.visit_block_mut(&mut f.body);
                }
            }
            Expr::If(i) if matches!(&*i.cond, Expr::Let(l) if self.binds(&l.pat)) => {
                self.visit_expr_mut(&mut i.cond);
                if let Some((_, other)) = &mut i.else_branch {
                    self.visit_expr_mut(other);
                }
            }
            Expr::While(w) if matches!(&*w.cond, Expr::Let(l) if self.binds(&l.pat)) => {
                self.visit_expr_mut(&mut w.cond);
            }
            Expr::Macro(m) => m.mac.tokens = self.rewrite_tokens(m.mac.tokens.clone()),
            _ => syn::visit_mut::visit_expr_mut(self, e),
        }
    }

    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        if !self.binds(&arm.pat) {
            syn::visit_mut::visit_arm_mut(self, arm);
        }
    }

    fn visit_expr_let_mut(&mut self, l: &mut syn::ExprLet) {
        // `if let` binds for its arm, which a rebinding there hides; its scrutinee is read.
        self.visit_expr_mut(&mut l.expr);
    }

    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        self.rewrite_stmts(&mut b.stmts);
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `x[a..b]` where an element is read: the clear error for a range of an active container
/// used as a value.
pub(super) fn range_as_value(name: &str, range: &Expr) -> String {
    let range = range
        .to_token_stream()
        .to_string()
        .replace(" ..= ", "..=")
        .replace(" .. ", "..")
        .replace(" ..", "..")
        .replace(".. ", "..");
    format!(
        "`{name}[{range}]` is a range of the active container `{name}`: pass it to a \
         `#[differentiable]` function (`f(&{name}[{range}])`), iterate it \
         (`{name}[{range}].iter()`), bind it to a name that is not `mut` (`let v = &{name}[{range}];`) or \
         read `{name}` by index"
    )
}
