//! Forward mode: the body of a function's hidden `tangent` function, which carries a
//! tangent beside every active value. A tangent known to be zero is never materialised
//! unless an arm of a branch must hand one out.

use crate::codegen::{branch_head, loop_head, Cx};
use crate::ir::*;
use crate::reverse::param_value;
use crate::sig::Shape;
use proc_macro2::Span;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// The body of the hidden `tangent` function: converts the tangent arguments, then
/// evaluates to `(primal, tangent)`.
pub fn tangent_body(cx: &Cx) -> TokenStream {
    let mut out = TokenStream::new();
    let mut fwd = Forward {
        cx,
        live: BTreeSet::new(),
    };
    for (i, p) in cx.sig.params.iter().enumerate() {
        let x = &p.ident;
        let dot = cx.param_tangent(i);
        let ty = &p.ty;
        out.extend(match p.shape {
            None => quote!(let _ = #dot;),
            Some(Shape::Scalar) => {
                let v = param_value(cx.func, i);
                fwd.live.insert(v);
                let vdot = cx.tangent(v);
                quote!(let #vdot: #ty = ::autodiff::__private::tangent_or_zero(#dot, &#x);)
            }
            Some(Shape::ScalarRef) => {
                let v = param_value(cx.func, i);
                fwd.live.insert(v);
                let vdot = cx.tangent(v);
                quote!(let #vdot = ::autodiff::__private::ref_tangent_or_zero(#dot, #x);)
            }
            Some(
                Shape::Array { by_ref: false }
                | Shape::Vec { by_ref: false }
                | Shape::Matrix { by_ref: false },
            ) => {
                quote!(let #dot: #ty = ::autodiff::__private::tangent_or_zero(#dot, &#x);)
            }
            Some(shape) => {
                let zero = match shape {
                    Shape::Slice => quote!(::autodiff::__private::zero_vec_like(#x)),
                    _ => quote!(::autodiff::__private::zero_like(#x)),
                };
                // The local may borrow a zero made here: its lifetime is inferred, not the
                // parameter's.
                let ty = elided(ty);
                quote! {
                    let zero_storage;
                    let #dot: #ty = match ::autodiff::__private::RefTangentArg::tangent(#dot) {
                        ::core::option::Option::Some(t) => t,
                        ::core::option::Option::None => {
                            zero_storage = #zero;
                            &zero_storage
                        }
                    };
                }
            }
        });
    }
    out.extend(fwd.sweep(&cx.func.body));
    if let Output::Container(c) = &cx.func.result {
        let (x, dx) = (cx.container(*c), cx.container_tangent(*c));
        return quote!(#out (#x, #dx));
    }
    let mut ys = Vec::new();
    let mut dys = Vec::new();
    for (k, part) in cx.func.result.parts().iter().enumerate() {
        match part {
            Operand::Value(r) => {
                ys.push(cx.owned(*r));
                dys.push(fwd.tangent_or_zero(*r));
            }
            Operand::Inactive(t) => {
                // Its zero tangent is taken before the result moves out.
                let local = format_ident!("result_{}", k, span = Span::mixed_site());
                let dot = format_ident!("result_{}_dot", k, span = Span::mixed_site());
                out.extend(quote!(
                    let #local = #t;
                    let #dot = ::autodiff::__private::zero_like(&#local);
                ));
                ys.push(quote!(#local));
                dys.push(quote!(#dot));
            }
        }
    }
    let (y, dy) = (cx.func.result.assemble(ys), cx.func.result.assemble(dys));
    quote!(#out (#y, #dy))
}

/// A closure computing a scalar function of one float and its derivative, `|x| (y, dy/dx)`,
/// from a function lowered with one scalar parameter: the body of an element-wise `map`.
pub fn elementwise(cx: &Cx) -> TokenStream {
    let mut fwd = Forward {
        cx,
        live: BTreeSet::new(),
    };
    let x = &cx.sig.params[0].ident;
    let v = param_value(cx.func, 0);
    fwd.live.insert(v);
    let dot = cx.tangent(v);
    let body = fwd.sweep(&cx.func.body);
    let Some(Operand::Value(r)) = cx.func.result.parts().first().cloned() else {
        return quote!(|#x| (#x, ::autodiff::__private::zero_like(&#x)));
    };
    let (y, dy) = (cx.owned(r), fwd.tangent_or_zero(r));
    quote!(|#x| {
        let #dot = ::autodiff::__private::one_like(&#x);
        #body
        (#y, #dy)
    })
}

struct Forward<'a> {
    cx: &'a Cx<'a>,
    /// Values whose tangent local is declared; all others have a zero tangent.
    live: BTreeSet<ValueId>,
}

impl Forward<'_> {
    fn tangent_or_zero(&self, v: ValueId) -> TokenStream {
        if self.live.contains(&v) {
            let d = self.cx.tangent(v);
            quote!(::autodiff::__private::owned(&#d))
        } else {
            self.cx.zero_of(v)
        }
    }

    fn sweep(&mut self, stmts: &[Stmt]) -> TokenStream {
        let cx = self.cx;
        let mut out = TokenStream::new();
        for stmt in stmts {
            if let Some(t) = cx.primal_stmt(stmt) {
                out.extend(t);
                continue;
            }
            match stmt {
                Stmt::Def(v) => {
                    let dot = cx.tangent(*v);
                    match &cx.func.values[*v].op {
                        Op::Rule { args, .. } => {
                            out.extend(cx.rule_call(*v));
                            let terms: Vec<_> = args
                                .iter()
                                .enumerate()
                                .filter_map(|(k, a)| match a {
                                    Operand::Value(a) if self.live.contains(a) => {
                                        let (d, adot) = (cx.partial(*v, k), cx.tangent(*a));
                                        Some(quote!(::autodiff::__private::push(&#d, &#adot)))
                                    }
                                    _ => None,
                                })
                                .collect();
                            if let Some((first, rest)) = terms.split_first() {
                                out.extend(if cx.tainted.contains(v) && !rest.is_empty() {
                                    // Perhaps arrays, which `+` does not add.
                                    quote!(let mut #dot = #first; #(::autodiff::__private::accumulate(&mut #dot, #rest);)*)
                                } else {
                                    quote!(let #dot = #(#terms)+*;)
                                });
                                self.live.insert(*v);
                            }
                        }
                        Op::Index {
                            container, index, ..
                        } => {
                            out.extend(cx.index_read(*v));
                            let xdot = cx.container_tangent(*container);
                            out.extend(quote!(let #dot = #xdot[#index];));
                            self.live.insert(*v);
                        }
                        Op::Call { callee, args, .. } => {
                            let f = cx.callee_tangent(callee, args.len());
                            let primals = args.iter().map(|a| cx.call_arg(a));
                            let tangents = args.iter().map(|a| match a {
                                CallArg::Scalar(Operand::Value(u)) if self.live.contains(u) => {
                                    let d = cx.tangent(*u);
                                    quote!(::autodiff::__private::owned(&#d))
                                }
                                CallArg::Borrowed(Operand::Value(u)) if self.live.contains(u) => {
                                    let d = cx.tangent(*u);
                                    quote!(&#d)
                                }
                                CallArg::Container {
                                    container,
                                    prefix,
                                    range,
                                } => cx.container_arg(*container, prefix, range, true),
                                _ => quote!(::autodiff::__private::ZeroTangent),
                            });
                            let y = cx.primal(*v);
                            out.extend(cx.call_ranges(args));
                            out.extend(quote!(let (#y, #dot) = #f(#(#primals,)* #(#tangents),*);));
                            self.live.insert(*v);
                        }
                        Op::Whole(c) => {
                            out.extend(cx.whole_read(*v));
                            let xdot = cx.container_tangent(*c);
                            let r = if cx.container_by_ref(*c) {
                                quote!(#xdot)
                            } else {
                                quote!(&#xdot)
                            };
                            out.extend(quote!(let #dot = ::autodiff::__private::owned(#r);));
                            self.live.insert(*v);
                        }
                        _ => unreachable!("handled as a primal statement"),
                    }
                }
                Stmt::Branch(b) => out.extend(self.branch(b)),
                Stmt::Loop(l) => out.extend(self.looped(l)),
                Stmt::Buffer(c) => {
                    let (x, dx) = (cx.container(*c), cx.container_tangent(*c));
                    out.extend(quote!(let mut #dx = ::autodiff::__private::zero_like(&#x);));
                }
                Stmt::Store {
                    container,
                    index,
                    expr,
                    value,
                } => {
                    let (x, dx) = (cx.container(*container), cx.container_tangent(*container));
                    let d = match value {
                        Operand::Value(u) => self.tangent_or_zero(*u),
                        Operand::Inactive(_) => {
                            quote!(::autodiff::__private::zero_like(&#x[#index]))
                        }
                    };
                    out.extend(cx.store(*container, index, expr, value));
                    out.extend(quote!(#dx[#index] = #d;));
                }
                _ => unreachable!("handled as a primal statement"),
            }
        }
        out
    }

    /// A loop carries each active variable, and its tangent, in a mutable local.
    fn looped(&mut self, l: &Loop) -> TokenStream {
        let cx = self.cx;
        let carry = |v: ValueId, suffix: &str| {
            format_ident!("{}_{}", cx.primal(v), suffix, span = Span::mixed_site())
        };
        let mut before = TokenStream::new();
        let mut enter = TokenStream::new();
        for c in &l.carried {
            let (x, dx) = (carry(c.phi, "carry"), carry(c.phi, "carry_dot"));
            let init = cx.owned(c.init);
            let init_dot = self.tangent_or_zero(c.init);
            before.extend(quote!(let mut #x = #init; let mut #dx = #init_dot;));
            let (p, pd) = (cx.primal(c.phi), cx.tangent(c.phi));
            enter.extend(quote!(let #p = #x; let #pd = #dx;));
        }
        let outer = self.live.clone();
        self.live.extend(l.carried.iter().map(|c| c.phi));
        let body = self.sweep(&l.body.stmts);
        let mut leave = TokenStream::new();
        for (c, next) in l.carried.iter().zip(&l.body.yields) {
            let (x, dx) = (carry(c.phi, "carry"), carry(c.phi, "carry_dot"));
            let (n, nd) = (cx.owned(*next), self.tangent_or_zero(*next));
            leave.extend(quote!(#x = #n; #dx = #nd;));
        }
        self.live = outer;
        let mut after = TokenStream::new();
        for c in &l.carried {
            let (x, dx) = (carry(c.phi, "carry"), carry(c.phi, "carry_dot"));
            let (e, ed) = (cx.primal(c.exit), cx.tangent(c.exit));
            after.extend(quote!(let #e = #x; let #ed = #dx;));
            self.live.insert(c.exit);
        }
        let looped = loop_head(l, quote!(#enter #body #leave), &[]);
        quote!(#before #looped #after)
    }

    fn branch(&mut self, b: &Branch) -> TokenStream {
        let cx = self.cx;
        let outer = self.live.clone();
        let mut arms = Vec::new();
        let mut phi_live = vec![false; b.phis.len()];
        for arm in &b.arms {
            let body = self.sweep(&arm.stmts);
            for (i, y) in arm.yields.iter().enumerate() {
                phi_live[i] |= self.live.contains(y);
            }
            arms.push((body, self.live.clone()));
            self.live = outer.clone();
        }
        let arms = b.arms.iter().zip(arms).map(|(arm, (body, live))| {
            let inner = Forward { cx, live };
            let yields = arm.yields.iter().zip(&phi_live).map(|(y, &is_live)| {
                let p = cx.owned(*y);
                if is_live {
                    let d = inner.tangent_or_zero(*y);
                    quote!(#p, #d,)
                } else {
                    quote!(#p,)
                }
            });
            let tail = arm.tail.as_ref().filter(|_| b.inactive_result.is_some());
            let tail = tail.map(|t| quote!(#t,));
            quote!(#body (#(#yields)* #tail))
        });
        let head = branch_head(&b.head, arms.collect());
        let phis = b.phis.iter().zip(&phi_live).map(|(p, &is_live)| {
            let primal = cx.primal(*p);
            if is_live {
                self.live.insert(*p);
                let d = cx.tangent(*p);
                quote!(#primal, #d,)
            } else {
                quote!(#primal,)
            }
        });
        let phis: Vec<_> = phis.collect();
        let result = b.inactive_result.as_ref().map(|r| quote!(#r,));
        quote!(let (#(#phis)* #result) = #head;)
    }
}

/// A type with the lifetimes of its references left to inference.
fn elided(ty: &syn::Type) -> syn::Type {
    struct Elide;
    impl syn::visit_mut::VisitMut for Elide {
        fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
            r.lifetime = None;
            syn::visit_mut::visit_type_reference_mut(self, r);
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Elide, &mut ty);
    ty
}
