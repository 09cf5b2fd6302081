//! Iterator chains over active containers become loops: `x.iter().map(f).sum()` is
//! `{ let mut acc = 0; for a in x.iter() { acc = acc + f(a); } acc }`, which the loop
//! lowering then differentiates like any loop the user wrote.

use super::Lower;
use quote::format_ident;
use syn::{Expr, ExprClosure, Pat, Stmt as SynStmt};

/// A chain: the source iterator, then `map` closures in order.
struct Chain<'a> {
    source: &'a Expr,
    maps: Vec<&'a ExprClosure>,
}

fn split(mut e: &Expr) -> Chain<'_> {
    let mut maps = Vec::new();
    while let Expr::MethodCall(m) = e {
        match (m.method.to_string().as_str(), m.args.first()) {
            ("map", Some(Expr::Closure(c))) if m.args.len() == 1 && c.inputs.len() == 1 => {
                maps.push(c);
                e = &m.receiver;
            }
            _ => break,
        }
    }
    maps.reverse();
    Chain { source: e, maps }
}

impl Lower<'_> {
    /// The loop for the elements of a chain: its `for` pattern, its source, and the
    /// statements and expression that give each mapped item. `last` is the pattern that
    /// receives the item after the maps, if any.
    fn chain_loop(
        &self,
        chain: &Chain,
        last: Option<&Pat>,
    ) -> Option<(Pat, Expr, Vec<SynStmt>, Expr)> {
        let element = format_ident!("element", span = proc_macro2::Span::mixed_site());
        let mut stages: Vec<(&Pat, Option<&Expr>)> = chain
            .maps
            .iter()
            .map(|c| (&c.inputs[0], Some(&*c.body)))
            .collect();
        let fresh: Pat = syn::parse_quote!(#element);
        if let Some(p) = last {
            stages.push((p, None));
        }
        // A typed closure parameter (`|v: &f64|`) binds what the loop yields, untyped.
        let for_pat = match stages.first() {
            Some((Pat::Type(t), _)) => (*t.pat).clone(),
            Some((p, _)) => (*p).clone(),
            None => fresh.clone(),
        };
        // The source is a loop over active containers, windows or chunks of one, or inactive data
        // (then the closures make the items active).
        let slices = self
            .slices_source(chain.source)
            .is_some_and(|s| s.patterns(&for_pat).is_some());
        if !slices && self.mentions_active(chain.source) {
            // Items to write (`iter_mut`) have no place in a chain.
            self.elements(&for_pat, chain.source, &element)
                .filter(|e| e.places.is_empty())?;
        }
        let mut stmts = Vec::new();
        let mut item: Expr = match stages.first() {
            Some((_, Some(body))) => (*body).clone(),
            // A pattern that is no single name (`(p, q)`) binds what `fold`'s body reads;
            // its value as one item is not needed.
            Some((p, None)) => pat_expr(p).unwrap_or(syn::parse_quote!(())),
            None => syn::parse_quote!(#element),
        };
        for (p, body) in stages.iter().skip(1) {
            stmts.push(syn::parse_quote!(let #p = #item;));
            item = match body {
                Some(b) => (*b).clone(),
                None => pat_expr(p).unwrap_or(syn::parse_quote!(())),
            };
        }
        Some((for_pat, chain.source.clone(), stmts, item))
    }

    /// `chain.sum()`, `chain.product()`, `chain.fold(init, |acc, x| ..)` over active
    /// containers, as a block with a loop.
    pub(super) fn reduction(&self, m: &syn::ExprMethodCall) -> Option<Expr> {
        if let Some(reduced) = self.reduced(m) {
            return Some(reduced);
        }
        let acc = format_ident!("accumulator", span = proc_macro2::Span::mixed_site());
        let chain = split(&m.receiver);
        // `sum::<f64>()` gives the accumulator its type, which a product needs to pick its rule.
        let ty = &m.turbofish;
        let (init, acc_pat, last, combine): (Expr, Option<&Pat>, Option<&Pat>, Option<&Expr>) =
            match (m.method.to_string().as_str(), m.args.len()) {
                ("sum", 0) => (
                    syn::parse_quote!(::autodiff::__private::zero #ty ()),
                    None,
                    None,
                    None,
                ),
                ("product", 0) => (
                    syn::parse_quote!(::autodiff::__private::one #ty ()),
                    None,
                    None,
                    None,
                ),
                ("fold", 2) => match &m.args[1] {
                    Expr::Closure(c) if c.inputs.len() == 2 => (
                        m.args[0].clone(),
                        Some(&c.inputs[0]),
                        Some(&c.inputs[1]),
                        Some(&*c.body),
                    ),
                    _ => return None,
                },
                _ => return None,
            };
        let (for_pat, source, mut stmts, item) = self.chain_loop(&chain, last)?;
        // A tuple of accumulators written out (`fold((0.0, 0.0), |(s, q), v| (s + v, q + v * v))`)
        // is one accumulator per part; the block's value is the tuple written out, for a `let`
        // that destructures it.
        // A closure body `{ (a, b) }` is its tuple.
        let tuple_body = match combine {
            Some(Expr::Block(b)) if b.label.is_none() && b.block.stmts.len() == 1 => {
                match &b.block.stmts[0] {
                    SynStmt::Expr(e, None) => Some(e),
                    _ => None,
                }
            }
            c => c,
        };
        if let (Some(Pat::Tuple(pats)), Expr::Tuple(inits), Some(Expr::Tuple(bodies))) =
            (acc_pat, &init, tuple_body)
        {
            let n = pats.elems.len();
            if inits.elems.len() == n && bodies.elems.len() == n {
                let accs: Vec<syn::Ident> = (0..n)
                    .map(|k| {
                        format_ident!("accumulator_{}", k, span = proc_macro2::Span::mixed_site())
                    })
                    .collect();
                let nexts: Vec<syn::Ident> = (0..n)
                    .map(|k| format_ident!("next_{}", k, span = proc_macro2::Span::mixed_site()))
                    .collect();
                let (pats, inits, bodies) =
                    (pats.elems.iter(), inits.elems.iter(), bodies.elems.iter());
                return Some(syn::parse_quote!({
                    #(let mut #accs = #inits;)*
                    for #for_pat in #source {
                        #(#stmts)*
                        #(let #pats = #accs;)*
                        #(let #nexts = #bodies;)*
                        #(#accs = #nexts;)*
                    }
                    (#(#accs),*)
                }));
            }
        }
        let update: Expr = match (m.method.to_string().as_str(), combine) {
            // Parenthesised: the item is one value, as the iterator yields it.
            ("sum", _) => syn::parse_quote!(#acc + (#item)),
            ("product", _) => syn::parse_quote!(#acc * (#item)),
            (_, Some(body)) => {
                let p = acc_pat?;
                // Last: the maps before may bind the accumulator's name too.
                stmts.push(syn::parse_quote!(let #p = #acc;));
                body.clone()
            }
            _ => return None,
        };
        Some(syn::parse_quote!({
            let mut #acc = #init;
            for #for_pat in #source {
                #(#stmts)*
                #acc = #update;
            }
            #acc
        }))
    }

    /// `chain.reduce(|a, b| ..).unwrap()` (or `.expect(..)`) as a loop whose first item starts
    /// the accumulator; empty, it panics as the `unwrap` would.
    fn reduced(&self, m: &syn::ExprMethodCall) -> Option<Expr> {
        let Expr::MethodCall(r) = &*m.receiver else {
            return None;
        };
        let unwraps = (m.method == "unwrap" && m.args.is_empty())
            || (m.method == "expect" && m.args.len() == 1);
        if !unwraps || r.method != "reduce" || r.args.len() != 1 {
            return None;
        }
        let Expr::Closure(c) = &r.args[0] else {
            return None;
        };
        let [a, b] = [c.inputs.first()?, c.inputs.get(1)?];
        if c.inputs.len() != 2 {
            return None;
        }
        let (for_pat, source, stmts, item) = self.chain_loop(&split(&r.receiver), Some(b))?;
        let [acc, started] = ["accumulator", "started"]
            .map(|n| format_ident!("{}", n, span = proc_macro2::Span::mixed_site()));
        let body = &c.body;
        let (method, args) = (&m.method, &m.args);
        Some(syn::parse_quote!({
            let mut #acc = ::autodiff::__private::zero();
            let mut #started = false;
            for #for_pat in #source {
                #(#stmts)*
                if #started {
                    let #a = #acc;
                    #acc = #body;
                } else {
                    #acc = #item;
                }
                #started = true;
            }
            if !#started {
                ::core::option::Option::<()>::None.#method(#args);
            }
            #acc
        }))
    }

    /// A `fold` with a tuple of accumulators, as its statements and the tuple they leave.
    pub(super) fn tuple_fold(&self, m: &syn::ExprMethodCall) -> Option<(Vec<SynStmt>, Expr)> {
        if m.method != "fold" {
            return None;
        }
        let Expr::Block(mut b) = self.reduction(m)? else {
            return None;
        };
        match b.block.stmts.pop() {
            Some(SynStmt::Expr(tuple @ Expr::Tuple(_), None)) => Some((b.block.stmts, tuple)),
            _ => None,
        }
    }

    /// `chain.max_by(cmp).unwrap()` / `min_by`: the element the comparison picks, as Rust
    /// picks it (the last of equal maxima, the first of equal minima).
    pub(super) fn extremum(&self, m: &syn::ExprMethodCall) -> Option<Expr> {
        if m.method != "unwrap" || !m.args.is_empty() {
            return None;
        }
        let Expr::MethodCall(inner) = &*m.receiver else {
            return None;
        };
        let is_max = match inner.method.to_string().as_str() {
            "max_by" => true,
            "min_by" => false,
            _ => return None,
        };
        let [cmp] = &inner.args.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let chain = split(&inner.receiver);
        let (for_pat, source, stmts, item) = self.chain_loop(&chain, None)?;
        let span = proc_macro2::Span::mixed_site();
        let (best, started, candidate) = (
            format_ident!("best", span = span),
            format_ident!("started", span = span),
            format_ident!("candidate", span = span),
        );
        let replace: Expr = if is_max {
            syn::parse_quote!(::autodiff::__private::compare(&#candidate, &#best, #cmp) != ::core::cmp::Ordering::Less)
        } else {
            syn::parse_quote!(::autodiff::__private::compare(&#candidate, &#best, #cmp) == ::core::cmp::Ordering::Less)
        };
        Some(syn::parse_quote!({
            let mut #best = ::autodiff::__private::zero();
            let mut #started = false;
            for #for_pat in #source {
                #(#stmts)*
                let #candidate = #item;
                if !#started || #replace {
                    #best = #candidate;
                }
                #started = true;
            }
            ::core::assert!(#started, "max_by/min_by over no elements");
            #best
        }))
    }

    /// `let y = x.map(|v| ..);` on an active array: a buffer of the same length filled in a
    /// loop.
    fn array_map(&self, name: &syn::Ident, m: &syn::ExprMethodCall) -> Option<Vec<SynStmt>> {
        let [Expr::Closure(c)] = &m.args.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        // The zero fill this writes first is left as it is, which also ends the recursion.
        if c.inputs.len() != 1 || self.container_of(&m.receiver).is_none() || is_zero_fill(&c.body)
        {
            return None;
        }
        let (x, pat, body) = (&m.receiver, &c.inputs[0], &c.body);
        let index = format_ident!("index", span = proc_macro2::Span::mixed_site());
        Some(vec![
            syn::parse_quote!(let mut #name = #x.map(|_| ::autodiff::__private::zero());),
            syn::parse_quote!(for #index in 0..#name.len() {
                let #pat = #x[#index];
                #name[#index] = #body;
            }),
        ])
    }

    /// `let v: Vec<T> = chain.collect();` over active containers: a buffer filled in a loop;
    /// `let y = x.map(f);` on an active array likewise.
    pub(super) fn collect_into(
        &self,
        name: &syn::Ident,
        ty: Option<&syn::Type>,
        init: &Expr,
    ) -> Option<Vec<SynStmt>> {
        // `vec![a, b, c]` with active items: a buffer of as many zeros, the items written in.
        if let Expr::Macro(mac) = init {
            let tokens = &mac.mac.tokens;
            // `vec![x; n]` with `x` active: the items are `n` copies of it.
            let (items, repeat) = match syn::parse2::<syn::ExprRepeat>(quote::quote!([#tokens])) {
                Ok(r) if !self.mentions_active(&r.len) => {
                    let item = &r.expr;
                    (syn::parse_quote!([#item]), Some(r.len))
                }
                _ => (
                    syn::parse2::<syn::ExprArray>(quote::quote!([#tokens])).ok()?,
                    None,
                ),
            };
            if !mac.mac.path.is_ident("vec") || !items.elems.iter().any(|e| self.mentions_active(e))
            {
                return None;
            }
            // Floats only: items that are vectors or matrices keep the refusal of `vec!`.
            let matrix = |e: &Expr| {
                super::names_nalgebra(&quote::quote!(#e))
                    || matches!(e, Expr::Path(p) if p.path.get_ident().is_some_and(|i| {
                        matches!(self.lookup(&i.to_string()), Some(super::Binding::Active(v))
                            if matches!(&self.values[*v].op, crate::ir::Op::Rule { rule, .. }
                                if crate::codegen::MATRIX_RULES.contains(rule)
                                    || matches!(*rule, "construct" | "fill")))
                    }))
            };
            if ty.is_some_and(|t| super::names_nalgebra(&quote::quote!(#t)))
                || items.elems.iter().any(matrix)
            {
                return None;
            }
            let n = items.elems.len();
            // A zero of the annotated type, or of the function's float type.
            let ty =
                ty.filter(|t| !crate::codegen::idents(quote::quote!(#t)).contains(&"_".into()));
            let (ty, zero) = match (ty, &self.float) {
                (Some(t), _) => (
                    quote::quote!(: #t),
                    quote::quote!(::autodiff::__private::zero()),
                ),
                (None, Some(f)) => (
                    proc_macro2::TokenStream::new(),
                    quote::quote!(<#f as ::autodiff::__private::Real>::real_from_f64(0.0)),
                ),
                (None, None) => return None,
            };
            // The items first, into names of their own: they may read a binding the new
            // buffer hides.
            let held: Vec<syn::Ident> = (0..n)
                .map(|k| format_ident!("item_{}", k, span = proc_macro2::Span::mixed_site()))
                .collect();
            let mut out: Vec<SynStmt> = items
                .elems
                .iter()
                .zip(&held)
                .map(|(e, h)| syn::parse_quote!(let #h = #e;))
                .collect();
            if let Some(len) = repeat {
                let (item, slot) = (
                    &held[0],
                    format_ident!("slot", span = proc_macro2::Span::mixed_site()),
                );
                out.push(syn::parse_quote!(let mut #name #ty = ::std::vec![#zero; #len];));
                out.push(syn::parse_quote!(for #slot in 0..#name.len() {
                    #name[#slot] = #item;
                }));
                return Some(out);
            }
            out.push(syn::parse_quote!(let mut #name #ty = ::std::vec![#zero; #n];));
            for (k, h) in held.iter().enumerate() {
                out.push(syn::parse_quote!(#name[#k] = #h;));
            }
            return Some(out);
        }
        // A copy of an array parameter (`*y0`, `y0`, `y0.clone()`): an array of zeros of its
        // length, the values copied in.
        let copied_array = match init {
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => Some(&*u.expr),
            Expr::MethodCall(m) if m.method == "clone" && m.args.is_empty() => Some(&*m.receiver),
            e @ Expr::Path(_) => Some(e),
            _ => None,
        };
        let array = copied_array.and_then(|e| match e {
            Expr::Path(p) => {
                let name = p.path.get_ident()?.to_string();
                let (c, _) = self.container_of(e)?;
                let c = &self.containers[c];
                (c.param.is_some() && c.name == name).then_some(())?;
                Some((e, self.array_lens.get(&name)?))
            }
            _ => None,
        });
        if let (Some((source, len)), Some(f)) = (array, &self.float) {
            let slot = format_ident!("slot", span = proc_macro2::Span::mixed_site());
            let ty = ty.map(|t| quote::quote!(: #t));
            return Some(vec![
                syn::parse_quote!(let mut #name #ty =
                    [<#f as ::autodiff::__private::Real>::real_from_f64(0.0); #len];),
                syn::parse_quote!(for #slot in 0..#len {
                    #name[#slot] = #source[#slot];
                }),
            ]);
        }
        let Expr::MethodCall(m) = init else {
            return None;
        };
        let closures = with_closures(m);
        let m = closures.as_ref().unwrap_or(m);
        if m.method == "map" {
            return self.array_map(name, m);
        }
        // A copy of active data (`x.to_vec()`, `v.clone()` of a `Vec`) is a new buffer
        // holding the same values.
        let copy = match m.method.to_string().as_str() {
            "to_vec" => true,
            "clone" => self.container_of(&m.receiver).is_some_and(|(c, _)| {
                let c = &self.containers[c];
                c.vec || (c.param.is_some() && self.vec_params.contains(&c.name.to_string()))
            }),
            _ => false,
        };
        // A copy of constant data is constant: as written.
        if copy && m.args.is_empty() && self.mentions_active(&m.receiver) {
            // Zeros of the source's type and length (which reads no active value), then the
            // values copied in.
            let receiver = &m.receiver;
            let [slot, item] = ["slot", "item"]
                .map(|n| format_ident!("{}", n, span = proc_macro2::Span::mixed_site()));
            return Some(vec![
                syn::parse_quote!(let mut #name = ::autodiff::__private::zero_vec_like(&#receiver[..]);),
                syn::parse_quote!(for (#slot, &#item) in #receiver.iter().enumerate() {
                    #name[#slot] = #item;
                }),
            ]);
        }
        if m.method != "collect" || !m.args.is_empty() {
            return None;
        }
        let chain = split(&m.receiver);
        let (for_pat, source, stmts, item) = self.chain_loop(&chain, None)?;
        let index = format_ident!("index", span = proc_macro2::Span::mixed_site());
        // Over constant data (a range, `ys.iter()`), closures reading active values make the
        // items active: as many as the iterator yields. A chain of constants stays as written.
        let len = match self.elements(&for_pat, &source, &index) {
            Some(e) => e.len,
            None if !self.mentions_active(&source) && self.mentions_active(init) => {
                quote::quote!(::core::iter::ExactSizeIterator::len(&(#source)))
            }
            None => return None,
        };
        let slot = format_ident!("slot", span = proc_macro2::Span::mixed_site());
        // The `Vec`'s type, as annotated or turbofished, types the zeros.
        let ty = ty.cloned().or_else(|| {
            let t = m.turbofish.as_ref()?;
            match t.args.first()? {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            }
        });
        // `Vec<_>` leaves the zeros' type open: they take the function's float type.
        let open = |t: &syn::Type| crate::codegen::idents(quote::quote!(#t)).contains(&"_".into());
        let ty = match (ty, &self.float) {
            (Some(t), Some(f)) if open(&t) => Some(syn::parse_quote!(::std::vec::Vec<#f>)),
            (ty, _) => ty,
        };
        let ty = ty.map(|t| quote::quote!(: #t));
        Some(vec![
            syn::parse_quote!(let mut #name #ty = ::std::vec![::autodiff::__private::zero(); #len];),
            syn::parse_quote!(let mut #slot: usize = 0;),
            syn::parse_quote!(for #for_pat in #source {
                #(#stmts)*
                #name[#slot] = #item;
                #slot += 1;
            }),
        ])
    }
}

/// A chain whose `map` and `fold` take functions by path (`.map(f64::exp)`,
/// `.fold(f64::NEG_INFINITY, f64::max)`) written with closures that call them; `None` if it
/// has none.
pub(super) fn with_closures(m: &syn::ExprMethodCall) -> Option<syn::ExprMethodCall> {
    let mut out = m.clone();
    let mut changed = false;
    let mut at = &mut out;
    for k in 0usize.. {
        // Names of their own at each stage: a `fold`'s accumulator is bound where the item
        // of the `map` before it is still read.
        let [a, b] = ["item", "accumulator"]
            .map(|n| format_ident!("{}_{}", n, k, span = proc_macro2::Span::mixed_site()));
        let method = at.method.to_string();
        let last = at.args.len().checked_sub(1);
        match (method.as_str(), at.args.len(), last.map(|i| &at.args[i])) {
            ("map", 1, Some(Expr::Path(f))) => {
                at.args[0] = syn::parse_quote!(|#a| #f(#a));
                changed = true;
            }
            ("fold", 2, Some(Expr::Path(f))) | ("reduce", 1, Some(Expr::Path(f))) => {
                let k = at.args.len() - 1;
                at.args[k] = syn::parse_quote!(|#b, #a| #f(#b, #a));
                changed = true;
            }
            _ => {}
        }
        match &mut *at.receiver {
            Expr::MethodCall(inner) => at = inner,
            _ => break,
        }
    }
    changed.then_some(out)
}

/// Whether `e` is `x.map(|_| zero())`, the zero fill `array_map` starts from.
pub(super) fn is_zero_map(e: &Expr) -> bool {
    matches!(e, Expr::MethodCall(m) if m.method == "map"
        && matches!(m.args.first(), Some(Expr::Closure(c)) if is_zero_fill(&c.body)))
}

/// Whether a closure body is the zero fill `array_map` writes.
fn is_zero_fill(e: &Expr) -> bool {
    matches!(e, Expr::Call(c) if matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "zero")))
}

/// The expression that reads back what a simple pattern bound (`x`, `&x`, `x: T`).
fn pat_expr(p: &Pat) -> Option<Expr> {
    match p {
        Pat::Ident(i) => {
            let i = &i.ident;
            Some(syn::parse_quote!(#i))
        }
        Pat::Reference(r) => pat_expr(&r.pat),
        Pat::Type(t) => pat_expr(&t.pat),
        _ => None,
    }
}
