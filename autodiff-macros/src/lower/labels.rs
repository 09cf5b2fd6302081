//! Labelled loops: `break 'outer` and `continue 'outer` from loops nested in `'outer` become
//! flags. The nested loop sets the flag and ends with a plain `break`; after each nested
//! loop that may have set it, a test of the flag leaves the next loop out, until `'outer`
//! itself breaks or goes on to its next iteration. The exits that remain are plain ones,
//! which the lowering places as it places any `break` or `continue`.

use proc_macro2::Span;
use quote::format_ident;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, Lifetime, Stmt};

/// The flags `'label`'s nested exits set, declared before the loop (the statements to lower
/// first), and the loop body without the label's exits; `Err` with the span of a nested loop
/// whose exits of the label could not be tested after it (a loop inside an expression).
///
/// `k` numbers the labelled loop among the function's, so that a loop nested in another that
/// declares its label again (`'a: for .. { 'a: for .. }`) has flags of its own.
pub fn unlabel(
    label: &Lifetime,
    k: usize,
    body: Vec<Stmt>,
) -> Result<(Vec<Stmt>, Vec<Stmt>), Span> {
    let name = label.ident.unraw().to_string();
    let mut flags = Flags {
        label: label.ident.to_string(),
        broke: format_ident!("__broke_{}_{}", name, k, span = Span::mixed_site()),
        skipped: format_ident!("__skipped_{}_{}", name, k, span = Span::mixed_site()),
        depth: 0,
        nested_exits: 0,
        untested: None,
    };
    let mut body = flags.stmts(body);
    if let Some(span) = flags.untested {
        return Err(span);
    }
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
    Ok((declared, body))
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
    /// A nested loop with exits of the label that is not a statement of a block, where no
    /// test of the flags can follow it.
    untested: Option<Span>,
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
            // What replaces an exit, or follows a loop, is spanned at it: an error about it
            // points there.
            let at = s.span();
            if let Some(breaks) = exit_of(&s, &self.label) {
                let flag = if breaks { &self.broke } else { &self.skipped };
                match (self.depth, breaks) {
                    (0, true) => out.push(syn::parse_quote_spanned!(at=> break;)),
                    (0, false) => out.push(syn::parse_quote_spanned!(at=> continue;)),
                    _ => {
                        self.nested_exits += 1;
                        out.push(syn::parse_quote_spanned!(at=> #flag = true;));
                        out.push(syn::parse_quote_spanned!(at=> break;));
                    }
                }
                continue;
            }
            let before = self.nested_exits;
            let is_loop = matches!(
                &s,
                Stmt::Expr(Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_), _)
            );
            if let (true, Stmt::Expr(e, _)) = (is_loop, &mut s) {
                // Its test of the flags follows it here.
                self.loop_body(e);
            } else {
                self.visit_stmt_mut(&mut s);
            }
            out.push(s);
            if is_loop && self.nested_exits > before {
                let (broke, skipped) = (&self.broke, &self.skipped);
                if self.depth == 0 {
                    out.push(syn::parse_quote_spanned!(at=> if #broke { break; }));
                    out.push(syn::parse_quote_spanned!(at=> if #skipped { continue; }));
                } else {
                    out.push(syn::parse_quote_spanned!(at=> if #broke || #skipped { break; }));
                }
            }
        }
        out
    }

    /// Rewrites a nested loop's header and body, unless the loop declares the label again:
    /// then the exits inside it are its own.
    fn loop_body(&mut self, e: &mut Expr) {
        let (label, body) = match e {
            Expr::ForLoop(f) => {
                self.visit_expr_mut(&mut f.expr);
                (&f.label, &mut f.body)
            }
            Expr::While(w) => {
                self.visit_expr_mut(&mut w.cond);
                (&w.label, &mut w.body)
            }
            Expr::Loop(l) => (&l.label, &mut l.body),
            _ => return,
        };
        if label.as_ref().is_some_and(|l| l.name.ident == self.label) {
            return;
        }
        self.depth += 1;
        self.visit_block_mut(body);
        self.depth -= 1;
    }

    /// A nested loop somewhere other than a statement of a block: rewritten, but its exits of
    /// the label cannot be tested after it.
    fn loop_in_expression(&mut self, e: &mut Expr) {
        let before = self.nested_exits;
        self.loop_body(e);
        if self.nested_exits > before && self.untested.is_none() {
            self.untested = Some(e.span());
        }
    }
}

impl VisitMut for Flags {
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        b.stmts = self.stmts(std::mem::take(&mut b.stmts));
    }

    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if matches!(e, Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_)) {
            self.loop_in_expression(e);
        } else {
            syn::visit_mut::visit_expr_mut(self, e);
        }
    }

    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        super::braced(arm);
        syn::visit_mut::visit_arm_mut(self, arm);
    }

    // A block that declares the label again keeps the exits inside it.
    fn visit_expr_block_mut(&mut self, b: &mut syn::ExprBlock) {
        if b.label.as_ref().is_none_or(|l| l.name.ident != self.label) {
            syn::visit_mut::visit_expr_block_mut(self, b);
        }
    }

    // A closure's body cannot leave the loops around it.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
