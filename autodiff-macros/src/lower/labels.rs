//! Labelled loops: `break 'outer` and `continue 'outer` from loops nested in `'outer` become
//! flags. The nested loop sets the flag and ends with a plain `break`; after each nested
//! loop that may have set it, a test of the flag leaves the next loop out, until `'outer`
//! itself breaks or goes on to its next iteration. The exits that remain are plain ones,
//! which the lowering places as it places any `break` or `continue`.

use proc_macro2::Span;
use quote::format_ident;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, Lifetime, Stmt};

/// The flags `'label`'s nested exits set, declared before the loop (the statements to lower
/// first), and the loop body without the label's exits.
pub fn unlabel(label: &Lifetime, body: Vec<Stmt>) -> (Vec<Stmt>, Vec<Stmt>) {
    let name = label.ident.to_string();
    let mut flags = Flags {
        label: name.clone(),
        broke: format_ident!("broke_{}", name, span = Span::mixed_site()),
        skipped: format_ident!("skipped_{}", name, span = Span::mixed_site()),
        depth: 0,
        nested_exits: 0,
    };
    let mut body = flags.stmts(body);
    let (broke, skipped) = (&flags.broke, &flags.skipped);
    let declared: Vec<Stmt> = if flags.nested_exits == 0 {
        Vec::new()
    } else {
        body.insert(0, syn::parse_quote!(#skipped = false;));
        syn::parse_quote! {
            let mut #broke = false;
            let mut #skipped = false;
        }
    };
    (declared, body)
}

struct Flags {
    label: String,
    /// Set by `break 'label` in a nested loop.
    broke: Ident,
    /// Set by `continue 'label` in a nested loop.
    skipped: Ident,
    /// How many loops deep inside the labelled one.
    depth: usize,
    /// Exits of the label from nested loops rewritten so far.
    nested_exits: usize,
}

/// Whether `s` is `break 'label` (`Some(true)`) or `continue 'label` (`Some(false)`).
fn exit_of(s: &Stmt, label: &str) -> Option<bool> {
    let Stmt::Expr(e, _) = s else { return None };
    match e {
        Expr::Break(b) if b.expr.is_none() => {
            b.label.as_ref().filter(|l| l.ident == label).map(|_| true)
        }
        Expr::Continue(c) => c.label.as_ref().filter(|l| l.ident == label).map(|_| false),
        _ => None,
    }
}

impl Flags {
    fn stmts(&mut self, stmts: Vec<Stmt>) -> Vec<Stmt> {
        let mut out = Vec::with_capacity(stmts.len());
        for mut s in stmts {
            if let Some(breaks) = exit_of(&s, &self.label) {
                let flag = if breaks { &self.broke } else { &self.skipped };
                match (self.depth, breaks) {
                    (0, true) => out.push(syn::parse_quote!(break;)),
                    (0, false) => out.push(syn::parse_quote!(continue;)),
                    _ => {
                        self.nested_exits += 1;
                        out.push(syn::parse_quote!(#flag = true;));
                        out.push(syn::parse_quote!(break;));
                    }
                }
                continue;
            }
            let before = self.nested_exits;
            self.visit_stmt_mut(&mut s);
            let is_loop = matches!(
                &s,
                Stmt::Expr(Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_), _)
            );
            out.push(s);
            if is_loop && self.nested_exits > before {
                let (broke, skipped) = (&self.broke, &self.skipped);
                if self.depth == 0 {
                    out.push(syn::parse_quote!(if #broke { break; }));
                    out.push(syn::parse_quote!(if #skipped { continue; }));
                } else {
                    out.push(syn::parse_quote!(if #broke || #skipped { break; }));
                }
            }
        }
        out
    }

    fn nested(&mut self, body: &mut syn::Block) {
        self.depth += 1;
        self.visit_block_mut(body);
        self.depth -= 1;
    }
}

impl VisitMut for Flags {
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        b.stmts = self.stmts(std::mem::take(&mut b.stmts));
    }

    fn visit_expr_for_loop_mut(&mut self, f: &mut syn::ExprForLoop) {
        self.visit_expr_mut(&mut f.expr);
        self.nested(&mut f.body);
    }

    fn visit_expr_while_mut(&mut self, w: &mut syn::ExprWhile) {
        self.visit_expr_mut(&mut w.cond);
        self.nested(&mut w.body);
    }

    fn visit_expr_loop_mut(&mut self, l: &mut syn::ExprLoop) {
        self.nested(&mut l.body);
    }

    // A closure's body cannot leave the loops around it.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
