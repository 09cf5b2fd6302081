//! What the forward and the reverse generator share: names of tangents, adjoints and
//! partials, operands, callee paths, and the primal statements both copy.

use crate::ir::*;
use crate::sig::{FnSig, Shape};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use std::collections::{BTreeMap, BTreeSet};
use syn::Ident;

/// The generator's view of a lowered function.
pub struct Cx<'a> {
    /// The signature.
    pub sig: &'a FnSig,
    /// The lowered body.
    pub func: &'a Function,
    /// Values whose primal the reverse sweep reads (to make a zero of its type) inside a
    /// nested region; only these are saved beside the partials.
    pub primal_needed: BTreeSet<ValueId>,
    /// Values that may be vectors or matrices rather than floats: a loop keeps them, and
    /// the partials of the rules that make them, in its tuple records, not on the float
    /// stack.
    pub tainted: BTreeSet<ValueId>,
    /// For each top-level statement, the vectors and matrices the forward sweep of reverse
    /// mode frees after it.
    pub drops: Vec<Vec<ValueId>>,
    /// Sums, differences, negations and element-wise maps of the top level that take their
    /// first operand's memory, it being free after them.
    pub consuming: BTreeSet<ValueId>,
    /// Whether this is the body of a pullback: its backward sweep is a closure returned to
    /// the caller, so nothing in it may borrow the forward sweep's locals.
    pub split: bool,
    /// Loops that only sum, by record stack, with the parameter containers they read: their
    /// backward steps run in the forward sweep (see [`crate::reverse::summing_loops`]).
    pub sums: BTreeMap<String, crate::reverse::Sums>,
    /// Element reads in a loop body that reads the same container elsewhere too: their
    /// adjoints are added one element at a time.
    pub neighbours: BTreeSet<ValueId>,
    /// Loops the backward sweep runs again instead of reading records, by record stack
    /// (see [`crate::reverse::Recompute`]).
    pub recomputed: BTreeMap<String, crate::reverse::Recompute>,
    /// Recorded loops that keep their pattern in their records, for the loops in them that
    /// run again and read it, by record stack.
    pub kept_patterns: BTreeSet<String>,
    /// Calls the backward sweep runs again whose callee's forward sweep is recorded instead,
    /// on stacks of the call's own (see [`crate::reverse::split_bodies`]).
    pub split_calls: BTreeSet<ValueId>,
    /// The calls a generation of the backward sweep ran again.
    pub replays: std::cell::RefCell<BTreeSet<ValueId>>,
    /// The names the backward sweep may not compute again from (see
    /// [`crate::reverse::same_again`]), found once; `None` if the body aliases.
    pub unstable: std::cell::OnceCell<Option<BTreeSet<String>>>,
}

impl<'a> Cx<'a> {
    /// The generator's view of `func`.
    pub fn new(sig: &'a FnSig, func: &'a Function) -> Self {
        Self::build(sig, func, false)
    }

    /// The generator's view of `func` for its pullback function.
    pub fn split(sig: &'a FnSig, func: &'a Function) -> Self {
        Self::build(sig, func, true)
    }

    fn build(sig: &'a FnSig, func: &'a Function, split: bool) -> Self {
        let mut cx = Cx {
            sig,
            func,
            primal_needed: BTreeSet::new(),
            tainted: BTreeSet::new(),
            drops: Vec::new(),
            consuming: BTreeSet::new(),
            split,
            sums: Default::default(),
            neighbours: BTreeSet::new(),
            recomputed: BTreeMap::new(),
            kept_patterns: BTreeSet::new(),
            split_calls: BTreeSet::new(),
            replays: Default::default(),
            unstable: Default::default(),
        };
        let mut needed = BTreeSet::new();
        cx.collect_needed(&func.body, &mut needed);
        cx.primal_needed = needed;
        loop {
            let before = cx.tainted.len();
            let mut tainted = std::mem::take(&mut cx.tainted);
            cx.taint(&func.body, &mut tainted);
            cx.tainted = tainted;
            if cx.tainted.len() == before {
                break;
            }
        }
        cx.drops = early_drops(&cx);
        for (i, stmt) in func.body.iter().enumerate() {
            let Stmt::Def(v) = stmt else { continue };
            if let Op::Rule {
                rule: "add" | "sub" | "neg" | "map",
                args,
                ..
            } = &func.values[*v].op
            {
                if let Some(Operand::Value(first)) = args.first() {
                    let second_differs = args
                        .get(1)
                        .is_none_or(|b| !matches!(b, Operand::Value(u) if u == first));
                    if second_differs && cx.drops[i].contains(first) {
                        cx.drops[i].retain(|d| d != first);
                        cx.consuming.insert(*v);
                    }
                }
            }
        }
        (cx.recomputed, cx.kept_patterns) = crate::reverse::recomputable(&cx);
        cx.sums = crate::reverse::summing_loops(&cx);
        cx.neighbours = neighbour_reads(&cx, &func.body, false);
        cx
    }

    /// The same view, with only the summing loops that run again: the others are reversed
    /// whole, as other loops are (see [`crate::reverse::summing_loops`]).
    pub fn without_local_sums(mut self) -> Self {
        let recomputed = &self.recomputed;
        self.sums.retain(|l, _| recomputed.contains_key(l));
        self
    }

    /// The same view, with the calls its backward sweep runs again split (see
    /// [`crate::reverse::split_bodies`]).
    pub fn splitting_calls(mut self) -> Self {
        self.split_calls = crate::reverse::replayed_calls(&self);
        self
    }

    /// Whether a value is defined at the top of the body, outside every loop and branch.
    pub fn top_level(&self, v: ValueId) -> bool {
        self.func
            .body
            .iter()
            .any(|s| matches!(s, Stmt::Def(d) if *d == v))
    }

    /// Whether a call keeps the pullback its callee returns rather than running the callee
    /// again in the backward sweep: a call of the top level (kept once, not per iteration)
    /// whose arguments the pullback may hold until then (copies of values, parameters,
    /// literals).
    pub fn keeps_pullback(&self, v: ValueId) -> bool {
        let Op::Call { args, .. } = &self.func.values[v].op else {
            return false;
        };
        let held = |t: &TokenStream| {
            idents(t.clone())
                .iter()
                .all(|n| self.sig.params.iter().any(|p| p.ident == n))
        };
        !self.split
            && self.top_level(v)
            && args.iter().all(|a| match a {
                CallArg::Scalar(_) | CallArg::Borrowed(_) => true,
                CallArg::Container {
                    container, range, ..
                } => range.is_none() && self.func.containers[*container].param.is_some(),
                CallArg::Inactive(t) => held(t),
            })
    }

    /// Whether inactive tokens may stand for a vector or a matrix: they name a nalgebra type
    /// or an inactive parameter of one.
    pub fn looks_matrix(&self, tokens: &TokenStream) -> bool {
        idents(tokens.clone()).iter().any(|name| {
            crate::lower::is_nalgebra_type(name)
                || self.func.matrix_locals.contains(name)
                || self.sig.params.iter().any(|p| {
                    p.shape.is_none_or(|s| matches!(s, Shape::Matrix { .. }))
                        && p.ident == name
                        && crate::lower::names_nalgebra(&p.ty.to_token_stream())
                })
        })
    }

    /// Whether an operand may be a vector or a matrix.
    pub fn operand_tainted(&self, o: &Operand) -> bool {
        match o {
            Operand::Value(v) => self.tainted.contains(v),
            Operand::Inactive(t) => self.looks_matrix(t),
        }
    }

    /// Whether a rule value's partials are plain floats.
    pub fn float_partials(&self, v: ValueId) -> bool {
        match &self.func.values[v].op {
            Op::Rule { rule, args, .. } => {
                !MATRIX_RULES.contains(rule)
                    && !matches!(*rule, "construct" | "fill" | "cast" | "array")
                    && !args.iter().any(|a| self.operand_tainted(a))
            }
            _ => true,
        }
    }

    fn taint(&self, stmts: &[Stmt], t: &mut BTreeSet<ValueId>) {
        for s in stmts {
            match s {
                Stmt::Def(v) => {
                    let yes = match &self.func.values[*v].op {
                        Op::Whole(_) => true,
                        Op::Const(tokens) => self.looks_matrix(tokens),
                        Op::Rule { rule, args, extra } => match *rule {
                            // Built vectors, matrices and arrays; a cast, perhaps to another
                            // float type than the stacks'.
                            "construct" | "fill" | "cast" | "array" => true,
                            "dot" | "norm" | "norm_squared" | "sum" | "trace" | "determinant" => {
                                false
                            }
                            // A range of a vector is one too.
                            "index" => extra.first().is_some_and(|t| {
                                matches!(
                                    syn::parse2::<syn::Expr>(t.clone()),
                                    Ok(syn::Expr::Range(_))
                                )
                            }),
                            r if MATRIX_RULES.contains(&r) => true,
                            _ => args.iter().any(|a| match a {
                                Operand::Value(u) => t.contains(u),
                                Operand::Inactive(tokens) => self.looks_matrix(tokens),
                            }),
                        },
                        Op::Call { args, .. } => args.iter().any(|a| match a {
                            CallArg::Scalar(Operand::Value(u))
                            | CallArg::Borrowed(Operand::Value(u)) => t.contains(u),
                            CallArg::Scalar(Operand::Inactive(tokens))
                            | CallArg::Borrowed(Operand::Inactive(tokens))
                            | CallArg::Inactive(tokens) => self.looks_matrix(tokens),
                            CallArg::Container { container, .. } => {
                                self.func.containers[*container].param.is_some_and(|i| {
                                    matches!(self.sig.params[i].shape, Some(Shape::Matrix { .. }))
                                })
                            }
                        }),
                        Op::Param(_) | Op::Index { .. } | Op::Phi => false,
                    };
                    if yes {
                        t.insert(*v);
                    }
                    // What is read by index is a vector, matrix or array (a call's result).
                    if let Op::Rule {
                        rule: "index",
                        args,
                        ..
                    } = &self.func.values[*v].op
                    {
                        if let Some(Operand::Value(u)) = args.first() {
                            t.insert(*u);
                        }
                    }
                    // A call's result passed on by reference is perhaps a `Vec` or an array.
                    if let Op::Call { args, .. } = &self.func.values[*v].op {
                        for a in args {
                            if let CallArg::Borrowed(Operand::Value(u)) = a {
                                if matches!(self.func.values[*u].op, Op::Call { .. }) {
                                    t.insert(*u);
                                }
                            }
                        }
                    }
                }
                // The values one variable takes through a branch or loop are all vectors or
                // all floats: what is known of one holds for the others.
                Stmt::Branch(b) => {
                    for arm in &b.arms {
                        self.taint(&arm.stmts, t);
                        for (p, y) in b.phis.iter().zip(&arm.yields) {
                            if t.contains(y) {
                                t.insert(*p);
                            }
                        }
                    }
                    for arm in &b.arms {
                        for (p, y) in b.phis.iter().zip(&arm.yields) {
                            if t.contains(p) {
                                t.insert(*y);
                            }
                        }
                    }
                }
                Stmt::Loop(l) => {
                    for (c, y) in l.carried.iter().zip(&l.body.yields) {
                        let all = [c.init, c.phi, c.exit, *y];
                        if all.iter().any(|v| t.contains(v)) {
                            t.extend(all);
                        }
                    }
                    self.taint(&l.body.stmts, t);
                }
                _ => {}
            }
        }
    }

    fn collect_needed(&self, stmts: &[Stmt], needed: &mut BTreeSet<ValueId>) {
        for s in stmts {
            let (blocks, extra_defined): (Vec<&Block>, Vec<ValueId>) = match s {
                Stmt::Branch(b) => (b.arms.iter().collect(), vec![]),
                Stmt::Loop(l) => {
                    needed.extend(l.carried.iter().map(|c| c.exit));
                    (vec![&l.body], l.carried.iter().map(|c| c.phi).collect())
                }
                _ => continue,
            };
            for block in blocks {
                let mut defined: BTreeSet<ValueId> = extra_defined.iter().copied().collect();
                Self::each_defined(&block.stmts, &mut |v| {
                    defined.insert(v);
                });
                let mut used: BTreeSet<ValueId> = block.yields.iter().copied().collect();
                self.each_used(&block.stmts, &mut |v| {
                    used.insert(v);
                });
                needed.extend(used.difference(&defined));
                self.collect_needed(&block.stmts, needed);
            }
        }
    }
}

/// `let v_param = &*v;` for each container parameter whose name the body binds again (see
/// [`Container::alias`]): every generated body starts with these.
pub fn param_aliases(func: &Function) -> TokenStream {
    func.containers
        .iter()
        .filter_map(|k| {
            let (alias, x) = (k.alias.as_ref()?, &k.name);
            Some(quote!(let #alias = &*#x;))
        })
        .collect()
}

fn suffixed(name: &Ident, suffix: &str) -> Ident {
    let base = name.to_string();
    format_ident!(
        "{}_{}",
        base.trim_start_matches("r#"),
        suffix,
        span = Span::mixed_site()
    )
}

impl Cx<'_> {
    /// The local holding a value's primal.
    pub fn primal(&self, v: ValueId) -> &Ident {
        &self.func.values[v].name
    }

    /// The local holding a value's tangent.
    pub fn tangent(&self, v: ValueId) -> Ident {
        suffixed(self.primal(v), "dot")
    }

    /// The local holding a value's adjoint.
    pub fn adjoint(&self, v: ValueId) -> Ident {
        suffixed(self.primal(v), "bar")
    }

    /// The local holding the `k`-th local partial of a rule value.
    pub fn partial(&self, v: ValueId, k: usize) -> Ident {
        suffixed(self.primal(v), &format!("d{k}"))
    }

    /// The tangent argument of a parameter.
    pub fn param_tangent(&self, p: ParamId) -> Ident {
        suffixed(&self.sig.params[p].ident, "dot")
    }

    /// A container's primal.
    pub fn container(&self, c: ContainerId) -> &Ident {
        let k = &self.func.containers[c];
        k.alias.as_ref().unwrap_or(&k.name)
    }

    /// A container's tangent.
    pub fn container_tangent(&self, c: ContainerId) -> Ident {
        suffixed(&self.container_key(c), "dot")
    }

    /// The container's name, with its number when a later `let` shadows the name, so that
    /// its tangent and adjoint stay apart from the shadowing buffer's.
    fn container_key(&self, c: ContainerId) -> Ident {
        let name = &self.func.containers[c].name;
        let shared = self
            .func
            .containers
            .iter()
            .filter(|k| k.name == *name)
            .count()
            > 1;
        // Parameters keep their names: the signature names its tangent.
        // Numbered apart from the values' names (`t_3`, `s_1`), which end in their number.
        if shared && self.func.containers[c].param.is_none() {
            suffixed(name, &format!("{c}_buffer"))
        } else {
            name.clone()
        }
    }

    /// A container's adjoint.
    pub fn container_adjoint(&self, c: ContainerId) -> Ident {
        suffixed(&self.container_key(c), "bar")
    }

    /// `let range = a..b;` for each argument that is a range of a container.
    pub fn call_ranges(&self, args: &[CallArg]) -> TokenStream {
        args.iter()
            .filter_map(|a| match a {
                CallArg::Container {
                    range: Some((local, range)),
                    ..
                } => Some(quote!(let #local = #range;)),
                _ => None,
            })
            .collect()
    }

    /// A container argument as written, or (with `tangent`) the same for its tangent.
    pub fn container_arg(
        &self,
        container: ContainerId,
        prefix: &TokenStream,
        range: &Option<(Ident, TokenStream)>,
        tangent: bool,
    ) -> TokenStream {
        let x = if tangent {
            self.container_tangent(container)
        } else {
            self.container(container).clone()
        };
        match range {
            Some((local, _)) => quote!(&#x[#local.clone()]),
            // Passed by value: a copy, for the sweeps that pass it again. Bound first, so that
            // a `&Vec` copied coerces to the slice a callee's hidden function takes.
            None if prefix.is_empty() => quote!({
                let again = ::core::clone::Clone::clone(&#x);
                again
            }),
            None => quote!(#prefix #x),
        }
    }

    /// Whether a value's primal local holds a reference (a whole parameter).
    pub fn by_ref(&self, v: ValueId) -> bool {
        matches!(self.func.values[v].op, Op::Whole(c) if self.func.containers[c].param.is_some())
    }

    /// A reference to a value's primal.
    pub fn primal_ref(&self, v: ValueId) -> TokenStream {
        let p = self.primal(v);
        if self.by_ref(v) {
            quote!(#p)
        } else {
            quote!(&#p)
        }
    }

    /// An owned copy of a value's primal, for a use that moves it.
    pub fn owned(&self, v: ValueId) -> TokenStream {
        let r = self.primal_ref(v);
        quote!(::autodiff::__private::owned(#r))
    }

    /// Zero of the shape of a value's primal.
    pub fn zero_of(&self, v: ValueId) -> TokenStream {
        let r = self.primal_ref(v);
        quote!(::autodiff::__private::zero_like(#r))
    }

    /// An operand passed by reference. An inactive one written `&x`, or naming a parameter
    /// passed by reference, is a reference already.
    pub fn operand_ref(&self, o: &Operand) -> TokenStream {
        match o {
            Operand::Value(v) => self.primal_ref(*v),
            Operand::Inactive(t) => {
                let mut e = match syn::parse2::<syn::Expr>(t.clone()) {
                    Ok(e) => e,
                    Err(_) => return quote!(&(#t)),
                };
                loop {
                    e = match e {
                        syn::Expr::Paren(p) => *p.expr,
                        syn::Expr::Reference(r) if r.mutability.is_none() => *r.expr,
                        _ => break,
                    };
                }
                let by_ref_param = matches!(&e, syn::Expr::Path(p) if self.sig.params.iter().any(|q| {
                    p.path.is_ident(&q.ident) && matches!(q.ty, syn::Type::Reference(_))
                }));
                if by_ref_param {
                    quote!(#e)
                } else {
                    quote!(&(#e))
                }
            }
        }
    }

    /// An operand passed by value (moved, or copied if it is a float).
    pub fn operand_owned(&self, o: &Operand) -> TokenStream {
        match o {
            Operand::Value(v) => self.owned(*v),
            Operand::Inactive(t) => quote!((#t)),
        }
    }

    /// An operand's primal.
    pub fn operand(&self, o: &Operand) -> TokenStream {
        match o {
            Operand::Value(v) => {
                let p = self.primal(*v);
                quote!(#p)
            }
            Operand::Inactive(t) => quote!((#t)),
        }
    }

    /// A call argument's primal.
    pub fn call_arg(&self, a: &CallArg) -> TokenStream {
        match a {
            CallArg::Scalar(o) => self.operand_owned(o),
            CallArg::Borrowed(o) => self.operand_ref(o),
            CallArg::Container {
                container,
                prefix,
                range,
            } => self.container_arg(*container, prefix, range, false),
            CallArg::Inactive(t) => t.clone(),
        }
    }

    /// Code shared by both modes for a statement that only concerns primals, if it is one.
    pub fn primal_stmt(&self, stmt: &Stmt) -> Option<TokenStream> {
        match stmt {
            Stmt::Verbatim(t) => Some(t.clone()),
            Stmt::Bind { name, ty, value } => {
                // A vector or matrix is lent to the user's name, not copied.
                let v = if ty.is_none() && self.tainted.contains(value) {
                    self.primal_ref(*value)
                } else {
                    self.owned(*value)
                };
                // `let b: &f64 = &x[1];` names the element read by value: lent to the name.
                let v = match ty {
                    Some(syn::Type::Reference(_)) => quote!(&#v),
                    _ => v,
                };
                let ty = ty.as_ref().map(|t| quote!(: #t));
                Some(quote!(let #name #ty = #v;))
            }
            Stmt::Def(v) => match &self.func.values[*v].op {
                Op::Const(t) => {
                    let p = self.primal(*v);
                    Some(quote!(let #p = #t;))
                }
                Op::Phi => Some(TokenStream::new()),

                Op::Param(i) => {
                    let p = self.primal(*v);
                    let ident = &self.sig.params[*i].ident;
                    Some(if self.sig.params[*i].shape == Some(Shape::ScalarRef) {
                        quote!(let #p = *#ident;)
                    } else if p != ident {
                        quote!(let #p = #ident;)
                    } else {
                        TokenStream::new()
                    })
                }
                _ => None,
            },
            Stmt::Branch(_) | Stmt::Loop(_) | Stmt::Buffer(_) | Stmt::Store { .. } => None,
        }
    }

    /// `let (y, y_d0, ..) = rules::name(args..);`, or for a matrix built from scalars,
    /// `let y = Ctor(args..); let y_dk = rules::place(&y, k, n);`.
    pub fn rule_call(&self, v: ValueId) -> TokenStream {
        let Op::Rule { rule, args, extra } = &self.func.values[v].op else {
            unreachable!()
        };
        let span = self.func.values[v].span;
        let y = self.primal(v);
        let partials: Vec<Ident> = (0..args.len()).map(|k| self.partial(v, k)).collect();
        if matches!(*rule, "construct" | "fill" | "array") {
            let kind = *rule;
            let values = args.iter().map(|a| self.operand(a));
            let mut out = match extra.split_first() {
                Some((ctor, leading)) => {
                    quote_spanned!(span=> let #y = #ctor(#(#leading,)* #(#values),*);)
                }
                None => quote_spanned!(span=> let #y = [#(#values),*];),
            };
            let n = args.len();
            for (k, a) in args.iter().enumerate() {
                if let Operand::Value(_) = a {
                    let d = &partials[k];
                    out.extend(if kind == "fill" {
                        quote!(let #d = ::autodiff::__private::rules::fill(&#y);)
                    } else {
                        quote!(let #d = ::autodiff::__private::rules::place(&#y, #k, #n);)
                    });
                }
            }
            return out;
        }
        if self.consuming.contains(&v) {
            // `a + b` with `a` free afterwards: the sum takes `a`'s memory (and `a.map(f)`
            // writes its derivative there).
            let owned = Ident::new(&format!("{rule}_owned"), span);
            let first = self.operand(&args[0]);
            let rest = args[1..].iter().map(|a| self.operand_ref(a));
            return quote_spanned! {span=>
                let (#y, #(#partials),*) = ::autodiff::__private::rules::#owned(#first, #(#rest,)* #(#extra),*);
            };
        }
        let by_ref = by_ref_rule(rule);
        // A product or quotient with one constant operand computes the other partial only.
        let active: Vec<bool> = args
            .iter()
            .map(|a| matches!(a, Operand::Value(_)))
            .collect();
        // At the top of the body, where nothing is saved for later, a product's partials
        // borrow its operands.
        let top = !self.split && self.top_level(v);
        let (rule, partials) = match (*rule, active.as_slice(), top) {
            ("mul", [true, false], false) => ("mul_a", vec![partials[0].clone()]),
            ("mul", [false, true], false) => ("mul_b", vec![partials[1].clone()]),
            ("mul", [true, false], true) => ("mul_a_ref", vec![partials[0].clone()]),
            ("mul", [false, true], true) => ("mul_b_ref", vec![partials[1].clone()]),
            ("mul", _, true) => ("mul_ref", partials),
            ("div", [true, false], _) => ("div_a", vec![partials[0].clone()]),
            _ => (*rule, partials),
        };
        let name = Ident::new(rule, span);
        let pin = self.pinned_constant(v);
        // A partial that borrows a constant computed in place (`w * data.clone()`) needs
        // the constant in a local.
        let mut held = TokenStream::new();
        let args: Vec<TokenStream> = args
            .iter()
            .enumerate()
            .map(|(k, a)| {
                let a = match a {
                    Operand::Inactive(t) if rule.ends_with("_ref") && !is_place(t) => {
                        let local = format_ident!("{}_c{}", y, k);
                        held.extend(quote!(let #local = #t;));
                        &Operand::Inactive(quote!(#local))
                    }
                    a => a,
                };
                match (a, &pin) {
                    // A constant view (`m.column(0)`) in a sum, difference or product: an owned
                    // matrix, of the active operand's type.
                    (Operand::Inactive(t), _) if by_ref && matrix_view(t, self) => {
                        quote!(&::autodiff::__private::owned_matrix(&(#t)))
                    }
                    (Operand::Inactive(t), Some(active)) if by_ref && self.pinnable(t) => {
                        quote!(::autodiff::__private::like(#active, &(#t)))
                    }
                    (Operand::Inactive(t), Some(active)) if self.pinnable(t) => {
                        quote!(*::autodiff::__private::like(#active, &(#t)))
                    }
                    _ if by_ref => self.operand_ref(a),
                    _ => self.operand(a),
                }
            })
            .collect();
        quote_spanned! {span=>
            #held
            let (#y, #(#partials),*) = ::autodiff::__private::rules::#name(#(#args,)* #(#extra),*);
        }
    }

    /// For a scalar operator (`+`, `-`, `*`, `/`) or float method of several operands
    /// (`powf`, `max`, `mul_add`, ...) with constant operands beside an active one, a
    /// reference to the active one: the constants are then passed through `like`, which
    /// takes them as `x` or `&x` alike, as Rust's operators and method receivers do.
    fn pinned_constant(&self, v: ValueId) -> Option<TokenStream> {
        let Op::Rule { rule, args, .. } = &self.func.values[v].op else {
            return None;
        };
        let operator = matches!(*rule, "add" | "sub" | "mul" | "div") && args.len() == 2;
        let method = crate::lower::BINARY.contains(rule) || crate::lower::TERNARY.contains(rule);
        if !operator && !method {
            return None;
        }
        let active = args.iter().find_map(|a| match a {
            Operand::Value(u) => Some(*u),
            Operand::Inactive(_) => None,
        })?;
        let pinnable = args
            .iter()
            .any(|a| matches!(a, Operand::Inactive(t) if self.pinnable(t)));
        (pinnable && !self.tainted.contains(&active)).then(|| self.primal_ref(active))
    }

    /// Whether a constant operand goes through `like`: not a literal, whose type the other
    /// operands fix anyway, nor a vector or matrix.
    fn pinnable(&self, t: &TokenStream) -> bool {
        let literal = matches!(
            syn::parse2::<syn::Expr>(t.clone()),
            Ok(syn::Expr::Lit(_)) | Err(_)
        );
        !literal && !self.looks_matrix(t)
    }

    /// Whether a container is a parameter passed by reference.
    pub fn container_by_ref(&self, c: ContainerId) -> bool {
        self.func.containers[c]
            .param
            .is_some_and(|i| self.sig.params[i].shape.is_some_and(|s| s.by_ref()))
    }

    /// `let y = &x;` for a whole parameter, a copy of a buffer.
    pub fn whole_read(&self, v: ValueId) -> TokenStream {
        let Op::Whole(c) = &self.func.values[v].op else {
            unreachable!()
        };
        let (p, x) = (self.primal(v), self.container(*c));
        match self.func.containers[*c].param {
            Some(_) if self.container_by_ref(*c) => quote!(let #p = #x;),
            Some(_) => quote!(let #p = &#x;),
            None => quote!(let #p = ::core::clone::Clone::clone(&#x);),
        }
    }

    /// `let index = expr; let y = x[index];`
    pub fn index_read(&self, v: ValueId) -> TokenStream {
        let Op::Index {
            container,
            index,
            expr,
        } = &self.func.values[v].op
        else {
            unreachable!()
        };
        let y = self.primal(v);
        let x = self.container(*container);
        quote!(let #index = #expr; let #y = #x[#index];)
    }

    /// `let index = expr; container[index] = value;`
    pub fn store(
        &self,
        container: ContainerId,
        index: &Ident,
        expr: &TokenStream,
        value: &Operand,
    ) -> TokenStream {
        let x = self.container(container);
        let p = self.operand(value);
        quote!(let #index = #expr; #x[#index] = #p;)
    }

    /// The callee itself.
    pub fn callee_primal(&self, callee: &Callee) -> TokenStream {
        match callee {
            Callee::Free { path, turbofish } => quote!(#path #turbofish),
            Callee::Assoc {
                prefix,
                name,
                turbofish,
            } => quote!(#prefix #name #turbofish),
        }
    }

    /// The path of a callee's hidden derivative `kind` (`tangent` or `vjp_all`).
    pub fn callee_fn(&self, callee: &Callee, kind: &str) -> TokenStream {
        match callee {
            Callee::Free { path, turbofish } => {
                let kind = Ident::new(kind, Span::call_site());
                quote!(#path::#kind #turbofish)
            }
            Callee::Assoc {
                prefix,
                name,
                turbofish,
            } => {
                let hidden = hidden_assoc_name(name, kind);
                quote!(#prefix #hidden #turbofish)
            }
        }
    }

    /// The path of a callee's hidden `tangent`, which takes a type parameter per argument for
    /// its tangent after the callee's own: a turbofish written at the call gets a `_` for each.
    pub fn callee_tangent(&self, callee: &Callee, args: usize) -> TokenStream {
        let written = match callee {
            Callee::Free { turbofish, .. } | Callee::Assoc { turbofish, .. } => turbofish,
        };
        let Ok(mut generics) = syn::parse2::<syn::AngleBracketedGenericArguments>(written.clone())
        else {
            return self.callee_fn(callee, "tangent");
        };
        for _ in 0..args {
            generics.args.push(syn::parse_quote!(_));
        }
        let generics = generics.to_token_stream();
        match callee {
            Callee::Free { path, .. } => quote!(#path::tangent #generics),
            Callee::Assoc { prefix, name, .. } => {
                let hidden = hidden_assoc_name(name, "tangent");
                quote!(#prefix #hidden #generics)
            }
        }
    }

    /// Walks a block's statements and nested arms, calling `f` on each value it defines.
    pub fn each_defined(stmts: &[Stmt], f: &mut impl FnMut(ValueId)) {
        for s in stmts {
            match s {
                Stmt::Def(v) => f(*v),
                Stmt::Branch(b) => {
                    for arm in &b.arms {
                        Self::each_defined(&arm.stmts, f);
                    }
                    b.phis.iter().for_each(|p| f(*p));
                }
                Stmt::Loop(l) => {
                    Self::each_defined(&l.body.stmts, f);
                    l.carried.iter().for_each(|c| {
                        f(c.phi);
                        f(c.exit);
                    });
                }
                _ => {}
            }
        }
    }

    /// Every value a block reads as an operand or yields, including in nested arms.
    pub fn each_used(&self, stmts: &[Stmt], f: &mut impl FnMut(ValueId)) {
        for s in stmts {
            match s {
                Stmt::Def(v) => match &self.func.values[*v].op {
                    Op::Rule { args, .. } => args.iter().for_each(|a| {
                        if let Operand::Value(u) = a {
                            f(*u)
                        }
                    }),
                    Op::Call { args, .. } => args.iter().for_each(|a| {
                        if let CallArg::Scalar(Operand::Value(u))
                        | CallArg::Borrowed(Operand::Value(u)) = a
                        {
                            f(*u)
                        }
                    }),
                    _ => {}
                },
                Stmt::Branch(b) => {
                    for arm in &b.arms {
                        self.each_used(&arm.stmts, f);
                        arm.yields.iter().for_each(|y| f(*y));
                    }
                }
                Stmt::Store {
                    value: Operand::Value(u),
                    ..
                } => f(*u),
                Stmt::Loop(l) => {
                    self.each_used(&l.body.stmts, f);
                    l.body.yields.iter().for_each(|y| f(*y));
                    l.carried.iter().for_each(|c| f(c.init));
                }
                _ => {}
            }
        }
    }
}

/// For each top-level statement, the vectors and matrices to free after it: values of the
/// top level that the backward sweep does not read (rules keep what they need in their
/// partials) and that no borrow, user name, nested region or output still holds. Rust would
/// free them only at the end of the function, all of them alive at once.
fn early_drops(cx: &Cx) -> Vec<Vec<ValueId>> {
    let body = &cx.func.body;
    let mut keep: BTreeSet<ValueId> = cx.primal_needed.clone();
    keep.extend(cx.func.result.parts().iter().filter_map(|o| match o {
        Operand::Value(v) => Some(*v),
        Operand::Inactive(_) => None,
    }));
    let mut last_use: BTreeMap<ValueId, usize> = Default::default();
    for (i, stmt) in body.iter().enumerate() {
        match stmt {
            Stmt::Def(v) => match &cx.func.values[*v].op {
                Op::Rule { rule, args, .. } => {
                    for a in args {
                        if let Operand::Value(u) = a {
                            // A product's partials borrow its operands.
                            if *rule == "mul" {
                                keep.insert(*u);
                            }
                            last_use.insert(*u, i);
                        }
                    }
                }
                Op::Call { args, .. } => {
                    for a in args {
                        if let CallArg::Scalar(Operand::Value(u))
                        | CallArg::Borrowed(Operand::Value(u)) = a
                        {
                            last_use.insert(*u, i);
                        }
                    }
                }
                _ => {}
            },
            Stmt::Bind { value, .. } => {
                keep.insert(*value);
            }
            Stmt::Store {
                value: Operand::Value(u),
                ..
            } => {
                keep.insert(*u);
            }
            nested => cx.each_used(std::slice::from_ref(nested), &mut |u| {
                keep.insert(u);
            }),
        }
    }
    let mut drops = vec![Vec::new(); body.len()];
    for (v, i) in last_use {
        let top_rule = cx.top_level(v) && matches!(cx.func.values[v].op, Op::Rule { .. });
        if top_rule && cx.tainted.contains(&v) && !keep.contains(&v) {
            drops[i].push(v);
        }
    }
    drops
}

/// Element reads of a block, nested blocks included, that share their container with a read
/// at another index in the same loop body (`x[i]` and `x[i + 1]`). Reads at one index (`z[j] *
/// z[j]`) add into one slot, which no vector update can overlap.
fn neighbour_reads(cx: &Cx, stmts: &[Stmt], in_loop: bool) -> BTreeSet<ValueId> {
    let mut out = BTreeSet::new();
    let mut by_container: BTreeMap<ContainerId, Vec<(ValueId, String)>> = Default::default();
    for s in stmts {
        match s {
            Stmt::Def(v) => {
                if let Op::Index {
                    container, expr, ..
                } = &cx.func.values[*v].op
                {
                    let at = (*v, expr.to_string());
                    by_container.entry(*container).or_default().push(at);
                }
            }
            Stmt::Branch(b) => {
                for arm in &b.arms {
                    out.extend(neighbour_reads(cx, &arm.stmts, in_loop));
                }
            }
            Stmt::Loop(l) => out.extend(neighbour_reads(cx, &l.body.stmts, true)),
            _ => {}
        }
    }
    if in_loop {
        for reads in by_container.into_values() {
            if reads.iter().any(|(_, e)| *e != reads[0].1) {
                out.extend(reads.into_iter().map(|(v, _)| v));
            }
        }
    }
    out
}

/// Whether a constant operand is a method call on a vector or matrix that may give a view
/// (`m.column(j)`, `m.rows(i, n)`).
fn matrix_view(t: &TokenStream, cx: &Cx) -> bool {
    const VIEWS: &[&str] = &[
        "column",
        "row",
        "columns",
        "rows",
        "view",
        "fixed_view",
        "fixed_rows",
        "fixed_columns",
    ];
    matches!(syn::parse2::<syn::Expr>(t.clone()), Ok(syn::Expr::MethodCall(m))
        if VIEWS.contains(&m.method.to_string().as_str()) && cx.looks_matrix(&m.receiver.to_token_stream()))
}

/// Every identifier in some tokens.
pub fn idents(ts: TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    for tt in ts {
        match tt {
            proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
            proc_macro2::TokenTree::Group(g) => out.extend(idents(g.stream())),
            _ => {}
        }
    }
    out
}

/// Rules that take their operands by reference: arithmetic, which also serves vectors and
/// matrices, and the nalgebra methods.
pub fn by_ref_rule(rule: &str) -> bool {
    matches!(rule, "add" | "sub" | "mul" | "div" | "neg") || MATRIX_RULES.contains(&rule)
}

/// Rules of nalgebra methods: `(method, operands including the receiver)`.
pub const MATRIX_METHODS: &[(&str, usize)] = &[
    ("transpose", 1),
    ("dot", 2),
    ("norm", 1),
    ("norm_squared", 1),
    ("normalize", 1),
    ("sum", 1),
    ("component_mul", 2),
    ("component_div", 2),
    ("cross", 2),
    ("trace", 1),
    ("determinant", 1),
];

/// Every rule on vectors and matrices (besides arithmetic).
pub const MATRIX_RULES: &[&str] = &[
    "transpose",
    "dot",
    "norm",
    "norm_squared",
    "normalize",
    "sum",
    "component_mul",
    "component_div",
    "cross",
    "trace",
    "determinant",
    "inverse",
    "lu_solve",
    "index",
    "column",
    "row",
    "map",
];

/// The name of a method's hidden derivative: `__vjp_all_g`, `__tangent_g`.
pub fn hidden_assoc_name(name: &Ident, kind: &str) -> Ident {
    format_ident!("__{}_{}", kind, name)
}

/// A loop's head and body: `body` is the code of one iteration; a `break` in the user's
/// body has set the flag, and the loop stops before the next iteration.
/// A `for` loop first reserves room on each `(stack, items per iteration)` of `reserve` for
/// the iterations its iterator announces.
pub fn loop_head(l: &Loop, body: TokenStream, reserve: &[(Ident, usize)]) -> TokenStream {
    let mut flag = l
        .broke
        .as_ref()
        .map(|b| quote!(let mut #b = false;))
        .unwrap_or_default();
    let (head, stop) = match (&l.head, &l.broke) {
        (LoopHead::For { pat, iter }, b) => {
            let head = if reserve.is_empty() {
                quote!(for #pat in #iter)
            } else {
                let it = format_ident!("iterations", span = Span::mixed_site());
                let reserves = reserve.iter().map(|(stack, per)| {
                    quote!(#stack.reserve(#per * ::core::iter::Iterator::size_hint(&#it).0);)
                });
                flag.extend(quote! {
                    let #it = ::core::iter::IntoIterator::into_iter(#iter);
                    #(#reserves)*
                });
                quote!(for #pat in #it)
            };
            (head, b.as_ref().map(|b| quote!(if #b { break; })))
        }
        (LoopHead::Loop, b) => (quote!(loop), b.as_ref().map(|b| quote!(if #b { break; }))),
    };
    quote!(#flag #head { #stop #body })
}

/// The `if` / `match` / block around a branch's arms.
pub fn branch_head(head: &Head, arms: Vec<TokenStream>) -> TokenStream {
    match head {
        Head::If(cond) => {
            let (a, b) = (&arms[0], &arms[1]);
            quote!(if #cond { #a } else { #b })
        }
        Head::Match {
            scrutinee,
            arms: pats,
        } => {
            quote!(match #scrutinee { #(#pats => { #arms })* })
        }
        Head::Block => {
            let a = &arms[0];
            quote!({ #a })
        }
    }
}

/// Whether constant tokens name a place or a literal, which outlives the statement reading it,
/// rather than compute a temporary.
fn is_place(t: &TokenStream) -> bool {
    fn place(e: &syn::Expr) -> bool {
        match e {
            syn::Expr::Path(_) | syn::Expr::Lit(_) => true,
            syn::Expr::Paren(p) => place(&p.expr),
            syn::Expr::Reference(r) => place(&r.expr),
            syn::Expr::Field(f) => place(&f.base),
            syn::Expr::Index(i) => place(&i.expr),
            _ => false,
        }
    }
    syn::parse2::<syn::Expr>(t.clone()).is_ok_and(|e| place(&e))
}
