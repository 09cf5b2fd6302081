//! Reverse mode: the body of a function's reverse function (`vjp_all`), which runs the
//! forward sweep and then the reverse sweep in one body.
//!
//! The forward sweep computes primals and the local partials the reverse sweep needs, in
//! locals; an arm of a branch hands what it computed out in a record that says which arm
//! ran. The reverse sweep then runs the statements backwards. An adjoint is declared at
//! its first contribution, so a value nothing reads back costs nothing.

use crate::codegen::{branch_head, idents, loop_head, Cx};
use crate::ir::*;
use crate::sig::Shape;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use std::collections::{BTreeMap, BTreeSet};
use syn::parse::Parser;

/// The seed parameter of a reverse function.
pub fn seed() -> Ident {
    format_ident!("seed", span = Span::mixed_site())
}

/// The parameter of the hidden reverse function that lends the adjoint of parameter `i`
/// (see `autodiff_runtime::__private::SliceSink`).
pub fn sink(i: usize) -> Ident {
    format_ident!("sink_{}", i, span = Span::mixed_site())
}

/// Whether container `c`'s adjoint is lent by the caller: a slice parameter, outside a
/// pullback (whose closure returns its adjoints).
fn lent(cx: &Cx, c: ContainerId) -> bool {
    !cx.split && slice_param(cx, c)
}

/// Whether container `c` is a slice parameter.
fn slice_param(cx: &Cx, c: ContainerId) -> bool {
    cx.func.containers[c]
        .param
        .is_some_and(|i| cx.sig.params[i].shape == Some(Shape::Slice))
}

/// Generates the forward sweep and the reverse sweep; returns the body of the hidden
/// `vjp_all` function, which evaluates to `(primal, (adjoint of each parameter,))`.
pub fn vjp_body(cx: &Cx) -> TokenStream {
    let (forward, result, backward) = sweeps(cx, true);
    let value = format_ident!("value", span = Span::mixed_site());
    quote! {
        #forward
        let #value = #result;
        (#value, { #backward })
    }
}

/// The body of the hidden `pullback` function: the forward sweep, then the value and the
/// backward sweep as a closure that owns what it reads (JAX's split of a reverse function
/// into a forward pass and a pullback). A caller keeps the closure instead of running the
/// callee again in its own backward sweep. `cx` must be made with [`Cx::split`].
pub fn pullback_body(cx: &Cx) -> TokenStream {
    let (forward, result, backward) = sweeps(cx, true);
    let (value, seed) = (format_ident!("value", span = Span::mixed_site()), seed());
    // The closure may run once per seed: what its backward sweep consumes (record stacks,
    // branch records, adjoints gathered in the forward sweep) it takes from a copy.
    // The adjoints of slice parameters gathered apart are copied onto pooled vectors, which
    // a caller gathering the result gives back (see `Gather`).
    let pooled: BTreeSet<String> = summed(cx)
        .into_iter()
        .filter(|c| slice_param(cx, *c))
        .map(|c| cx.container_adjoint(c).to_string())
        .collect();
    let copies = consumed_records(cx).into_iter().map(|r| {
        if pooled.contains(&r.to_string()) {
            quote!(let mut #r = ::autodiff::__private::pooled_copy(&#r);)
        } else {
            quote!(let mut #r = ::core::clone::Clone::clone(&#r);)
        }
    });
    quote! {
        #forward
        let #value = #result;
        (#value, move |#seed| { #(#copies)* #backward })
    }
}

/// Split mode, for a caller that runs this function in a loop (not in a pullback): the body of the hidden
/// `record`, which runs the forward sweep on stacks its caller owns and leaves there what
/// the backward sweep needs, and of the hidden `backward`, which takes that back and runs
/// the backward sweep. The forward sweep then runs once, where a replay (`vjp_all`) runs it
/// a second time in the caller's backward sweep (Tapenade's split mode). What is kept: the
/// floats and indices of the top level the backward sweep reads, the final contents of
/// local buffers, and the loops' counters; the inactive code of the top level runs again,
/// with the loops' bounds. Local buffers come from the call site's float stack, except the
/// first, which is held in an array on the sweeps' own frames when it is short (see
/// [`Held`]): from its `let` on, both sweeps come twice, one copy for each. `None` where that
/// does not suffice: a branch or a call at the top level, a record that is neither a float
/// nor an index, calls split in turn, or inactive code after a loop that reads what a loop
/// changes. Then `record` runs the plain function and `backward` the replay.
pub fn split_bodies(cx: &Cx) -> Option<(TokenStream, TokenStream)> {
    let mut tuple_stacks = Vec::new();
    stacks(cx, &cx.func.body, &mut tuple_stacks, &mut (false, false));
    let elem = |i: &usize| cx.sig.params[*i].elem.to_token_stream().to_string();
    let mut active = (0..cx.sig.params.len()).filter(|i| cx.sig.params[*i].shape.is_some());
    let first = active.next().map(|i| elem(&i));
    if cx.split
        || aliasing(cx)
        || !cx.sums.is_empty()
        || !cx.split_calls.is_empty()
        || !tuple_stacks.is_empty()
        || matches!(cx.func.result, Output::Container(_))
        || active.any(|i| Some(elem(&i)) != first)
    {
        return None;
    }
    let reused = reused_buffers(cx);
    let held = held_buffer(cx, &reused);
    let ((forward, forward_after), result, backward) =
        sweeps_cut(cx, false, held.as_ref().map(|h| h.at));
    let mentioned: BTreeSet<String> = idents(backward.clone()).into_iter().collect();
    let mut prologue = Prologue::default();
    let mut kept: Vec<(Ident, Kind)> = Vec::new();
    let mut buffers: Vec<Ident> = Vec::new();
    let mut whole: Vec<ContainerId> = Vec::new();
    let (floats, indices) = flat_stacks();
    // What inactive code run again must not read: names a loop before may have changed
    // (bound `mut` at the top and named in the loop, or changed there: assigned, borrowed
    // `&mut`, a method's receiver), the buffers so far, and the active locals of the top
    // (the backward sweep does not bind them).
    let (mut mutable, mut changed, mut buffer_names) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let active_params: BTreeSet<String> = cx
        .sig
        .params
        .iter()
        .filter(|p| p.shape.is_some())
        .map(|p| p.ident.to_string())
        .collect();
    let mut active_names = BTreeSet::new();
    let (mut unpack, mut repack, mut packed) =
        (TokenStream::new(), TokenStream::new(), BTreeSet::new());
    let mut binds = Vec::new();
    let reads_changed =
        |t: &TokenStream, changed: &BTreeSet<String>, buffers: &BTreeSet<String>| {
            idents(t.clone())
                .iter()
                .any(|n| changed.contains(n) || buffers.contains(n))
        };
    for (at, stmt) in cx.func.body.iter().enumerate() {
        match stmt {
            Stmt::Verbatim(t) => {
                if reads_changed(t, &changed, &buffer_names)
                    || idents(t.clone()).iter().any(|n| active_names.contains(n))
                {
                    return None;
                }
                if let Ok(syn::Stmt::Local(local)) = syn::parse2::<syn::Stmt>(t.clone()) {
                    pattern_names(&local.pat, true, &mut mutable);
                }
                // A buffer the backward sweep reads, written after its `let`: the record
                // keeps it (whole, or copied if held), and the backward sweep takes it back
                // here.
                let kept_let = filled(cx, stmt).filter(|(c, ..)| {
                    let x = cx.container(*c).to_string();
                    reused.contains_key(c) && mutable.contains(&x) && mentioned.contains(&x)
                });
                if let Some((c, ..)) = &kept_let {
                    whole.push(*c);
                }
                match held.as_ref().filter(|h| h.at == at) {
                    Some(h) => {
                        let kept = kept_let.is_some();
                        prologue.start_held();
                        prologue.extend_each(h.let_lent(cx, kept), Some(h.let_held(cx, kept)));
                    }
                    None => prologue.extend(match kept_let {
                        Some((_, local, _)) => {
                            let (attrs, pat) = (&local.attrs, &local.pat);
                            quote!(#(#attrs)* let #pat = #floats.take_kept();)
                        }
                        None => reused_let(cx, &reused, stmt).unwrap_or_else(|| t.clone()),
                    }),
                }
            }
            Stmt::Bind { name, value, .. } => {
                active_names.insert(name.to_string());
                binds.push((name.to_string(), *value, stmt));
            }
            Stmt::Buffer(c) => {
                let (x, xbar) = (cx.container(*c), cx.container_adjoint(*c));
                if mutable.contains(&x.to_string()) && !whole.contains(c) {
                    buffers.push(x.clone());
                }
                buffer_names.insert(x.to_string());
                let t = if reused.contains_key(c) {
                    quote!(let mut #xbar = #floats.zero_buffer_like(&#x);)
                } else {
                    forward_sweep(cx, std::slice::from_ref(stmt))
                };
                let adjoint_held = held.as_ref().filter(|h| h.c == *c);
                prologue.extend_each(t, adjoint_held.map(|h| h.adjoint_held(cx)));
            }
            Stmt::Def(v) => {
                if let Op::Call { .. } = &cx.func.values[*v].op {
                    return None;
                }
                kept.push((cx.primal(*v).clone(), value_kind(cx, *v)));
                kept.extend(saved_locals(cx, std::slice::from_ref(stmt)));
            }
            Stmt::Store { .. } => kept.extend(saved_locals(cx, std::slice::from_ref(stmt))),
            Stmt::Loop(_) | Stmt::Branch(_) => {
                let mut code = TokenStream::new();
                region_code(cx, std::slice::from_ref(stmt), &mut code);
                changed.extend(
                    idents(code.clone())
                        .into_iter()
                        .filter(|n| mutable.contains(n)),
                );
                changed.extend(
                    changed_names(code)
                        .into_iter()
                        .filter(|n| !active_params.contains(n)),
                );
            }
        }
        match stmt {
            Stmt::Branch(b) => {
                // A block (one arm, always run, with no inactive value): its record is
                // taken apart into floats and indices, and put together again.
                if !matches!(b.head, Head::Block) || b.inactive_result.is_some() {
                    return None;
                }
                kept.extend(
                    b.phis
                        .iter()
                        .map(|p| (cx.primal(*p).clone(), value_kind(cx, *p))),
                );
                let mut items = saved_locals(cx, &b.arms[0].stmts);
                let names: Vec<Ident> = items.iter().map(|(x, _)| x.clone()).collect();
                // The bounds of loops run again inside, integers of any type, are computed
                // again where the block stood, as those of the top level are; not if the
                // block declares items (`const`, `fn`, `use`, macros) they might name.
                let items_inside = b.arms[0].stmts.iter().any(declares_item);
                let bounds: BTreeMap<String, &TokenStream> = cx
                    .recomputed
                    .values()
                    .flat_map(|r| [(r.lo.to_string(), &r.start), (r.hi.to_string(), &r.end)])
                    .collect();
                let mut again = true;
                items.retain(|(x, kind)| match bounds.get(&x.to_string()) {
                    Some(e) if *kind == Kind::Other => {
                        again &= !items_inside && !reads_changed(e, &changed, &buffer_names);
                        prologue.extend(quote!(let #x = #e;));
                        false
                    }
                    _ => true,
                });
                if !again {
                    return None;
                }
                let record = &b.record;
                unpack.extend(quote!(
                    let (::core::option::Option::Some((#(#names,)*)),) = #record else {
                        ::core::unreachable!()
                    };
                ));
                repack
                    .extend(quote!(let #record = (::core::option::Option::Some((#(#names,)*)),);));
                packed.extend(items.iter().map(|(x, _)| x.to_string()));
                kept.extend(items);
            }
            Stmt::Loop(l) => {
                kept.extend(
                    l.carried
                        .iter()
                        .map(|c| (cx.primal(c.exit).clone(), value_kind(cx, c.exit))),
                );
                match recompute(cx, l) {
                    Some(r) => {
                        let (lo, hi, start, end) = (&r.lo, &r.hi, &r.start, &r.end);
                        let bounds = quote!(let #lo = #start; let #hi = #end;);
                        if reads_changed(&quote!(#start #end), &changed, &buffer_names) {
                            return None;
                        }
                        prologue.extend(bounds);
                    }
                    None => kept.push((trips(l), Kind::Index)),
                }
            }
            _ => {}
        }
    }
    // The user's names of the top level's active values, each bound once, are bound again
    // to the values kept (the backward sweep may name them where a block bound its own).
    let lets = top_lets(cx);
    let top_lets = |n: &str| {
        let params = cx.sig.params.iter().filter(|p| p.ident == n).count();
        params + lets.get(n).map_or(0, Vec::len)
    };
    let mut forced = BTreeSet::new();
    for (name, value, stmt) in &binds {
        if mentioned.contains(name) && top_lets(name) == 1 && !cx.tainted.contains(value) {
            kept.push((cx.primal(*value).clone(), Kind::Float));
            forced.insert(cx.primal(*value).to_string());
            repack.extend(cx.primal_stmt(stmt));
        }
    }
    kept.retain(|(x, _)| mentioned.contains(&x.to_string()) || forced.contains(&x.to_string()));
    // A name bound again is kept at its last binding, the one the backward sweep sees.
    let mut seen = BTreeSet::new();
    kept.reverse();
    kept.retain(|(x, _)| seen.insert(x.to_string()));
    kept.reverse();
    buffers.retain(|x| mentioned.contains(&x.to_string()));
    // A block's record is put together again from all its parts.
    let kept_names: BTreeSet<String> = kept.iter().map(|(x, _)| x.to_string()).collect();
    if !packed.is_subset(&kept_names) {
        return None;
    }
    let counters: Vec<Ident> = cx
        .recomputed
        .values()
        .flat_map(|r| r.counters.iter().cloned())
        .collect();
    if kept
        .iter()
        .any(|(_, k)| !matches!(k, Kind::Float | Kind::Index))
    {
        return None;
    }
    // Every local of the forward sweep the backward sweep reads is bound again.
    let mut bound = let_bound(&prologue.lent())?;
    bound.extend(kept.iter().map(|(x, _)| x.to_string()));
    bound.extend(let_bound(&repack)?);
    if let_bound(&forward)?
        .iter()
        .any(|n| mentioned.contains(n) && !bound.contains(n))
    {
        return None;
    }
    let value = format_ident!("value", span = Span::mixed_site());
    let (f, mut i) = split_items(kept);
    let saved: Vec<Ident> = (0..counters.len())
        .map(|k| format_ident!("counter_{}", k, span = Span::mixed_site()))
        .collect();
    let mut record = quote!(let #value = #result; #unpack);
    let mut restore = TokenStream::new();
    if !f.is_empty() {
        record.extend(quote!(#floats.push_all([#(#f),*]);));
        restore.extend(quote!(let [#(#f),*] = #floats.pop_all();));
    }
    i.extend(saved.iter().cloned());
    if !i.is_empty() {
        let pushed = i.iter().map(|x| match saved.iter().position(|s| s == x) {
            Some(k) => {
                let c = &counters[k];
                quote!(#c as usize)
            }
            None => quote!(#x),
        });
        record.extend(quote!(#indices.push_all([#(#pushed),*]);));
        let mut popped = quote!(let [#(#i),*] = #indices.pop_all(););
        for (c, s) in counters.iter().zip(&saved) {
            popped.extend(quote!(#c = #s as _;));
        }
        restore = quote!(#popped #restore);
    }
    for x in &buffers {
        record.extend(quote!(#floats.push_slice(#x.as_slice());));
        restore = quote!(#floats.pop_to_slice(#x.as_mut_slice()); #restore);
    }
    let grads = format_ident!("grads", span = Span::mixed_site());
    // The ends of the record and of the backward sweep, with buffer `held` held.
    let ends = |held: Option<&Held>| {
        let held_c = held.map(|h| h.c);
        // Kept last first, so that the prologue takes them back in the order of their
        // `let`s; a held one is copied onto the float stack, its whole array.
        let mut keep = TokenStream::new();
        let kept_whole = format_ident!("kept_whole", span = Span::mixed_site());
        if whole.iter().any(|c| Some(*c) != held_c) {
            keep.extend(quote!(let #kept_whole = #floats.keeps_whole();));
        }
        for c in whole.iter().rev() {
            let x = cx.container(*c);
            keep.extend(match held.filter(|h| h.c == *c) {
                Some(h) => {
                    let array = h.name(cx, "held");
                    quote!(#floats.push_held(&#array);)
                }
                None => quote!(#floats.keep(#x, #kept_whole);),
            });
        }
        // The lent buffers go back to the call site's stack.
        let (mut gone, mut gone_back) = (TokenStream::new(), TokenStream::new());
        for c in reused.keys().filter(|c| Some(**c) != held_c) {
            let (x, xbar) = (cx.container(*c), cx.container_adjoint(*c));
            if !whole.contains(c) {
                gone.extend(quote!(#floats.give_back(#x);));
            }
            gone_back.extend(quote!(#floats.give_back(#x); #floats.give_back(#xbar);));
        }
        (
            quote!(#record #keep #gone #value),
            quote!(#restore #repack let #grads = { #backward }; #gone_back #grads),
        )
    };
    let Prologue { before, after } = prologue;
    match (held, after) {
        (None, None) => {
            let (record, backward) = ends(None);
            Some((quote!(#forward #record), quote!(#before #backward)))
        }
        (Some(h), Some((lent, held_prologue))) => {
            let (record_held, backward_held) = ends(Some(&h));
            let (record_lent, backward_lent) = ends(None);
            let (let_held, let_lent) = (h.let_held(cx, false), h.let_lent(cx, false));
            Some((
                h.choose(
                    cx,
                    forward,
                    quote!(#let_held #forward_after #record_held),
                    quote!(#let_lent #forward_after #record_lent),
                ),
                h.choose(
                    cx,
                    before,
                    quote!(#held_prologue #backward_held),
                    quote!(#lent #backward_lent),
                ),
            ))
        }
        // The held buffer's `let` was not met at the top level.
        _ => None,
    }
}

/// The prologue of a split backward sweep: `before` the held buffer's `let` (see [`Held`]),
/// then, from that `let` on, `after`: the prologue with the buffer lent and the one with it
/// held. Without a held buffer, all of it is `before`.
#[derive(Default)]
struct Prologue {
    before: TokenStream,
    after: Option<(TokenStream, TokenStream)>,
}

impl Prologue {
    /// Starts the two prologues that follow the held buffer's `let`.
    fn start_held(&mut self) {
        self.after = Some(Default::default());
    }

    /// Adds `t` to both.
    fn extend(&mut self, t: TokenStream) {
        self.extend_each(t, None);
    }

    /// Adds `lent` to the prologue with the buffer lent, and `held` (else `lent`) to the one
    /// with it held.
    fn extend_each(&mut self, lent: TokenStream, held: Option<TokenStream>) {
        match &mut self.after {
            Some((l, h)) => {
                h.extend(held.unwrap_or_else(|| lent.clone()));
                l.extend(lent);
            }
            None => self.before.extend(lent),
        }
    }

    /// All of the prologue with the buffer lent.
    fn lent(&self) -> TokenStream {
        let before = &self.before;
        let after = self.after.as_ref().map(|(l, _)| l);
        quote!(#before #after)
    }
}

/// The first buffer a split function takes from its call site (see [`reused_buffers`]),
/// held instead in an array of `HELD_LEN` elements on the frame of its record and of its
/// backward sweep when it is no longer. Held, the optimiser knows it aliases nothing and
/// that its loops are short (it leaves them scalar: a vector load waits on the scalar stores
/// just before it). The code from its `let` on comes twice, for the buffer held and lent,
/// and its length picks the copy in each sweep alike. In the held copy the buffer is a
/// `&mut [T]` rather than a `Vec<T>`: a split function names a reused buffer only by
/// element, range and length, which a slice serves.
struct Held {
    /// The buffer.
    c: ContainerId,
    /// Its `let`'s place at the top level.
    at: usize,
    /// Its `let`.
    local: syn::Local,
    /// The value it is filled with and its length: `vec![fill; len]`.
    fill: syn::Expr,
    len: syn::Expr,
}

impl Held {
    /// A name of the buffer's code: `{x}_{what}`.
    fn name(&self, cx: &Cx, what: &str) -> Ident {
        format_ident!(
            "{}_{}",
            cx.container(self.c),
            what,
            span = Span::mixed_site()
        )
    }

    /// `before`, the length bound once, and the copy it picks: `held` or `lent`.
    fn choose(
        &self,
        cx: &Cx,
        before: TokenStream,
        held: TokenStream,
        lent: TokenStream,
    ) -> TokenStream {
        let (len, n) = (self.name(cx, "len"), &self.len);
        quote! {
            #before
            let #len = #n;
            if #len <= ::autodiff::__private::HELD_LEN { #held } else { #lent }
        }
    }

    /// The `let` of the buffer lent by the call site; if `kept`, taken back from the record.
    fn let_lent(&self, cx: &Cx, kept: bool) -> TokenStream {
        let (floats, _) = flat_stacks();
        let (attrs, pat, fill) = (&self.local.attrs, &self.local.pat, &self.fill);
        let len = self.name(cx, "len");
        if kept {
            quote!(#(#attrs)* let #pat = #floats.take_kept();)
        } else {
            quote!(#(#attrs)* let #pat = #floats.buffer(#fill, #len);)
        }
    }

    /// The `let` of the buffer held; if `kept`, its array popped from the record (see
    /// `Stack::push_held`).
    fn let_held(&self, cx: &Cx, kept: bool) -> TokenStream {
        let (floats, _) = flat_stacks();
        let (attrs, pat, fill) = (&self.local.attrs, &self.local.pat, &self.fill);
        let [len, value, array] = ["len", "fill", "held"].map(|w| self.name(cx, w));
        let popped = kept.then(|| quote!(#floats.pop_held(&mut #array);));
        quote! {
            let #value = #fill;
            let mut #array = ::autodiff::__private::held_buffer(&#value);
            #popped
            #(#attrs)* let #pat = &mut #array[..#len];
        }
    }

    /// The `let` of the held buffer's adjoint, after the buffer's.
    fn adjoint_held(&self, cx: &Cx) -> TokenStream {
        let [len, value, array] = ["len", "fill", "bar_held"].map(|w| self.name(cx, w));
        let xbar = cx.container_adjoint(self.c);
        quote! {
            let mut #array =
                ::autodiff::__private::held_buffer(&::autodiff::__private::zero_like(&#value));
            let mut #xbar = &mut #array[..#len];
        }
    }
}

/// The buffer held (see [`Held`]): the first of `reused` in the order of the top level.
/// None if an item or a statement macro that may declare one (see [`declares_item`])
/// follows its `let` at the top level: the code from the `let` on goes into the two arms of
/// the choice, where the code before it could no longer name the item.
fn held_buffer(cx: &Cx, reused: &BTreeMap<ContainerId, TokenStream>) -> Option<Held> {
    let body = &cx.func.body;
    let (at, (c, local, call)) = body.iter().enumerate().find_map(|(i, s)| {
        filled(cx, s)
            .filter(|(c, ..)| reused.contains_key(c))
            .map(|f| (i, f))
    })?;
    if body[at + 1..].iter().any(declares_item) {
        return None;
    }
    let mut args = call.args.into_iter();
    let (fill, len) = (args.next()?, args.next()?);
    Some(Held {
        c,
        at,
        local,
        fill,
        len,
    })
}

/// Whether a statement of the top level may declare an item: one that is neither a `let`
/// nor an expression (an item, or a statement macro other than those that only read their
/// arguments, such as assertions and prints, which declare none).
fn declares_item(s: &Stmt) -> bool {
    let Stmt::Verbatim(t) = s else { return false };
    match syn::parse2::<syn::Stmt>(t.clone()) {
        Ok(syn::Stmt::Local(_) | syn::Stmt::Expr(..)) => false,
        Ok(syn::Stmt::Macro(m)) => !crate::lower::is_reading_macro(&m.mac),
        _ => true,
    }
}

/// The buffers a split function takes from its call site's float stack and gives back
/// (see [`split_bodies`], `Stack::buffer`), each with its `let` on such a buffer:
/// `vec![x; n]` of floats, named by no other statement of the top level than their `let`
/// (which could move them). The first is held instead when short (see [`Held`]).
fn reused_buffers(cx: &Cx) -> BTreeMap<ContainerId, TokenStream> {
    let body = &cx.func.body;
    body.iter()
        .filter_map(|s| filled_let(cx, s))
        .filter(|(c, _)| {
            let k = &cx.func.containers[*c];
            let name = cx.container(*c).to_string();
            let naming = body
                .iter()
                .filter(|s| matches!(s, Stmt::Verbatim(t) if idents(t.clone()).contains(&name)))
                .count();
            k.vec && !k.whole && naming == 1
        })
        .collect()
}

/// The buffer a top-level `let v = filled(x, n);` declares, if `s` is one, with the `let`
/// and the call.
fn filled(cx: &Cx, s: &Stmt) -> Option<(ContainerId, syn::Local, syn::ExprCall)> {
    let Stmt::Verbatim(t) = s else { return None };
    let syn::Stmt::Local(local) = syn::parse2::<syn::Stmt>(t.clone()).ok()? else {
        return None;
    };
    let syn::Pat::Ident(p) = &local.pat else {
        return None;
    };
    let syn::Expr::Call(call) = &*local.init.as_ref()?.expr else {
        return None;
    };
    let syn::Expr::Path(f) = &*call.func else {
        return None;
    };
    let path: Vec<String> = f
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    if path != ["autodiff", "__private", "filled"] || call.args.len() != 2 {
        return None;
    }
    let c = (0..cx.func.containers.len())
        .find(|c| cx.func.containers[*c].param.is_none() && *cx.container(*c) == p.ident)?;
    let call = call.clone();
    Some((c, local, call))
}

/// The buffer a top-level `let v = filled(x, n);` declares, if `s` is one, and that `let`
/// on a buffer lent by the call site.
fn filled_let(cx: &Cx, s: &Stmt) -> Option<(ContainerId, TokenStream)> {
    let (c, local, call) = filled(cx, s)?;
    let (pat, args, attrs) = (&local.pat, &call.args, &local.attrs);
    let (floats, _) = flat_stacks();
    Some((c, quote!(#(#attrs)* let #pat = #floats.buffer(#args);)))
}

/// A reused buffer's `let` (see [`reused_buffers`]), if `s` is one.
fn reused_let(
    cx: &Cx,
    reused: &BTreeMap<ContainerId, TokenStream>,
    s: &Stmt,
) -> Option<TokenStream> {
    let (c, _) = filled_let(cx, s)?;
    reused.get(&c).cloned()
}

/// The names a pattern binds (only those bound `mut` if `only_mut`).
fn pattern_names(pat: &syn::Pat, only_mut: bool, out: &mut BTreeSet<String>) {
    match pat {
        syn::Pat::Ident(p) if !only_mut || p.mutability.is_some() => {
            out.insert(p.ident.to_string());
        }
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|p| pattern_names(p, only_mut, out)),
        syn::Pat::TupleStruct(t) => t.elems.iter().for_each(|p| pattern_names(p, only_mut, out)),
        syn::Pat::Slice(t) => t.elems.iter().for_each(|p| pattern_names(p, only_mut, out)),
        syn::Pat::Type(t) => pattern_names(&t.pat, only_mut, out),
        syn::Pat::Reference(r) => pattern_names(&r.pat, only_mut, out),
        syn::Pat::Paren(p) => pattern_names(&p.pat, only_mut, out),
        syn::Pat::Struct(s) => s
            .fields
            .iter()
            .for_each(|f| pattern_names(&f.pat, only_mut, out)),
        _ => {}
    }
}

/// The names the `let`s of a block of generated statements bind at its top, or `None` if
/// it does not parse.
fn let_bound(stmts: &TokenStream) -> Option<BTreeSet<String>> {
    let block: syn::Block = syn::parse2(quote!({ #stmts })).ok()?;
    let mut out = BTreeSet::new();
    for s in &block.stmts {
        if let syn::Stmt::Local(local) = s {
            pattern_names(&local.pat, false, &mut out);
        }
    }
    Some(out)
}

/// The inactive code a block runs, nested regions, loop heads and branch heads included.
fn region_code(cx: &Cx, stmts: &[Stmt], out: &mut TokenStream) {
    for s in stmts {
        out.extend(inactive_reads(cx, s));
        match s {
            Stmt::Loop(l) => {
                if let LoopHead::For { pat, iter } = &l.head {
                    out.extend(quote!(#pat #iter));
                }
                region_code(cx, &l.body.stmts, out);
            }
            Stmt::Branch(b) => {
                match &b.head {
                    Head::If(c) => out.extend(c.clone()),
                    Head::Match { scrutinee, arms } => {
                        out.extend(scrutinee.clone());
                        arms.iter().for_each(|a| out.extend(a.clone()));
                    }
                    Head::Block => {}
                }
                b.arms.iter().for_each(|a| region_code(cx, &a.stmts, out));
            }
            _ => {}
        }
    }
}

/// Whether the inactive code of a body may change a name through another: a `&mut`
/// borrow, a closure, or a type with interior mutability (`Cell`, `RefCell`, a mutex, an
/// atomic). Code run again, or run once and read again, cannot be trusted then to compute
/// what it computed the first time: such a body runs no loop again and is not split.
pub fn aliasing(cx: &Cx) -> bool {
    use proc_macro2::TokenTree;
    struct Closures(bool);
    impl<'ast> syn::visit::Visit<'ast> for Closures {
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {
            self.0 = true;
        }
    }
    fn walk(ts: TokenStream) -> bool {
        const INTERIOR: &[&str] = &[
            "Cell",
            "RefCell",
            "UnsafeCell",
            "OnceCell",
            "Mutex",
            "RwLock",
        ];
        let tokens: Vec<TokenTree> = ts.into_iter().collect();
        tokens.iter().enumerate().any(|(i, t)| match t {
            TokenTree::Group(g) => walk(g.stream()),
            TokenTree::Ident(name) => {
                let n = name.to_string();
                INTERIOR.contains(&n.as_str())
                    || n.starts_with("Atomic")
                    || (n == "mut"
                        && matches!(tokens.get(i.wrapping_sub(1)), Some(TokenTree::Punct(p)) if p.as_char() == '&'))
            }
            _ => false,
        })
    }
    let mut code = TokenStream::new();
    region_code(cx, &cx.func.body, &mut code);
    let mut closures = Closures(false);
    let mut visit = |t: &TokenStream| {
        if let Ok(s) = syn::parse2::<syn::Stmt>(t.clone()) {
            syn::visit::Visit::visit_stmt(&mut closures, &s);
        } else if let Ok(e) = syn::parse2::<syn::Expr>(t.clone()) {
            syn::visit::Visit::visit_expr(&mut closures, &e);
        }
    };
    fn verbatims(stmts: &[Stmt], f: &mut impl FnMut(&TokenStream)) {
        for s in stmts {
            match s {
                Stmt::Verbatim(t) => f(t),
                Stmt::Loop(l) => verbatims(&l.body.stmts, f),
                Stmt::Branch(b) => b.arms.iter().for_each(|a| verbatims(&a.stmts, f)),
                _ => {}
            }
        }
    }
    verbatims(&cx.func.body, &mut visit);
    closures.0 || walk(code)
}

/// The names code may change: assigned (`x = ..`, `x += ..`), borrowed `&mut`, or the
/// receiver of a method or field (which may change it through `&mut self` or a `Cell`).
fn changed_names(code: TokenStream) -> BTreeSet<String> {
    use proc_macro2::TokenTree;
    fn walk(ts: TokenStream, out: &mut BTreeSet<String>) {
        let tokens: Vec<TokenTree> = ts.into_iter().collect();
        for (i, t) in tokens.iter().enumerate() {
            let punct = |k: usize| match tokens.get(k) {
                Some(TokenTree::Punct(p)) => Some((p.as_char(), p.spacing())),
                _ => None,
            };
            match t {
                TokenTree::Group(g) => walk(g.stream(), out),
                TokenTree::Ident(name) => {
                    let borrowed = matches!(tokens.get(i.wrapping_sub(1)), Some(TokenTree::Ident(m)) if m == "mut")
                        && matches!(punct(i.wrapping_sub(2)), Some(('&', _)));
                    let assigned = match (punct(i + 1), punct(i + 2)) {
                        (Some(('=', proc_macro2::Spacing::Alone)), _) => true,
                        (Some((op, proc_macro2::Spacing::Joint)), Some(('=', _))) => {
                            "+-*/%^&|".contains(op)
                        }
                        _ => false,
                    };
                    let receiver = matches!(punct(i + 1), Some(('.', proc_macro2::Spacing::Alone)));
                    if borrowed || assigned || receiver {
                        out.insert(name.to_string());
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(code, &mut out);
    out
}

/// The calls in loops the backward sweep runs again (see [`split_bodies`]), found by
/// generating it; none in a pullback, whose backward sweep may run once per seed and would
/// copy the records of every call for each.
pub fn replayed_calls(cx: &Cx) -> BTreeSet<ValueId> {
    if cx.split {
        return BTreeSet::new();
    }
    fn in_loops(stmts: &[Stmt], out: &mut BTreeSet<ValueId>) {
        for s in stmts {
            match s {
                Stmt::Loop(l) => Cx::each_defined(&l.body.stmts, &mut |v| {
                    out.insert(v);
                }),
                Stmt::Branch(b) => b.arms.iter().for_each(|a| in_loops(&a.stmts, out)),
                _ => {}
            }
        }
    }
    let mut looped = BTreeSet::new();
    in_loops(&cx.func.body, &mut looped);
    cx.replays.borrow_mut().clear();
    let _ = sweeps(cx, true);
    cx.replays.take().intersection(&looped).copied().collect()
}

/// The stacks a call split in a loop keeps its callee's records on (see [`split_bodies`]).
fn split_stacks(cx: &Cx, v: ValueId) -> (Ident, Ident) {
    let y = cx.primal(v);
    (
        format_ident!("{}_floats", y, span = Span::mixed_site()),
        format_ident!("{}_indices", y, span = Span::mixed_site()),
    )
}

/// The forward sweep's records that its backward sweep consumes: the loops' stacks, the
/// top-level branches' records, and the adjoints it declared (local buffers') or summing
/// loops gathered.
fn consumed_records(cx: &Cx) -> Vec<Ident> {
    let (_, mut out) = declare_stacks(cx);
    for s in &cx.func.body {
        match s {
            Stmt::Branch(b) => out.push(b.record.clone()),
            Stmt::Buffer(c) => out.push(cx.container_adjoint(*c)),
            _ => {}
        }
    }
    out.extend(summed(cx).into_iter().map(|c| cx.container_adjoint(c)));
    // Loops run again backwards change their counters back (each counter is one loop's).
    out.extend(
        cx.recomputed
            .values()
            .flat_map(|r| r.counters.iter().cloned()),
    );
    out
}

/// The parameter containers whose adjoints summing loops gather in the forward sweep.
fn summed(cx: &Cx) -> BTreeSet<ContainerId> {
    cx.sums
        .values()
        .flat_map(|s| s.only.iter().copied())
        .collect()
}

/// The forward sweep, the result's expression, and the backward sweep reading `seed` and
/// ending with the tuple of adjoints. The forward sweep declares the stacks it keeps its
/// records on if `own_stacks`; else they are the caller's (see [`split_bodies`]).
fn sweeps(cx: &Cx, own_stacks: bool) -> (TokenStream, TokenStream, TokenStream) {
    let ((before, after), result, backward) = sweeps_cut(cx, own_stacks, None);
    (quote!(#before #after), result, backward)
}

/// [`sweeps`], the forward sweep cut around the top-level statement `cut`, which is left out
/// (the `let` of a held buffer, see [`Held`]).
fn sweeps_cut(
    cx: &Cx,
    own_stacks: bool,
    cut: Option<usize>,
) -> ((TokenStream, TokenStream), TokenStream, TokenStream) {
    let seed = seed();
    let mut before = None;
    let mut forward = if own_stacks {
        declare_stacks(cx).0
    } else {
        TokenStream::new()
    };
    let reused = if own_stacks {
        BTreeMap::new()
    } else {
        reused_buffers(cx)
    };
    for (i, stmt) in cx.func.body.iter().enumerate() {
        // A split forward sweep leaves the adjoints of buffers to its backward sweep, and
        // takes its buffers from the call site.
        if !own_stacks && matches!(stmt, Stmt::Buffer(_)) {
            continue;
        }
        if cut == Some(i) {
            before = Some(std::mem::take(&mut forward));
            continue;
        }
        if let Some(t) = reused_let(cx, &reused, stmt) {
            forward.extend(t);
            continue;
        }
        forward.extend(forward_sweep(cx, std::slice::from_ref(stmt)));
        for v in &cx.drops[i] {
            let p = cx.primal(*v);
            forward.extend(quote!(::core::mem::drop(#p);));
        }
    }
    let mut rev = Reverse::new(cx);
    let mut adjoint_inits = TokenStream::new();
    let mut early_inits = TokenStream::new();
    let summed = summed(cx);
    for (c, container) in cx.func.containers.iter().enumerate() {
        let Some(i) = container.param else { continue };
        let bar = cx.container_adjoint(c);
        let x = cx.container(c);
        // A summing loop gathers into it while the forward sweep runs.
        let inits = if summed.contains(&c) {
            &mut early_inits
        } else {
            &mut adjoint_inits
        };
        if lent(cx, c) {
            if summed.contains(&c) {
                // A summing loop gathers apart, scaled at the end, then handed to the sink.
                // Opened as a lent slice, whose length check tells the optimiser its length.
                let (apart, sink) = (apart(&bar), sink(i));
                inits.extend(quote!(
                    let mut #apart = ::autodiff::__private::SliceSink::apart(&#sink, #x);
                    let mut #bar = ::autodiff::__private::SliceSink::open(&mut #apart[..], #x.len());
                ));
            } else {
                // Added in place into the caller's adjoint.
                let sink = sink(i);
                inits.extend(quote!(
                    let mut #bar = ::autodiff::__private::SliceSink::open(#sink, #x.len());
                ));
            }
            continue;
        }
        let init = if cx.split && summed.contains(&c) && slice_param(cx, c) {
            // Kept by the pullback, which hands out pooled copies of it: back to the pool
            // when the pullback is dropped.
            quote!(::autodiff::__private::Scratch::zeros_like(#x))
        } else {
            param_adjoint(cx, i, x)
        };
        inits.extend(quote!(let mut #bar = #init;));
    }
    let forward = quote!(#early_inits #forward);
    // The output's adjoint is the seed.
    let (result, seed_code) = match &cx.func.result {
        Output::Container(c) => {
            let (x, xbar) = (cx.container(*c), cx.container_adjoint(*c));
            (
                quote!(#x),
                quote!(::autodiff::__private::accumulate(&mut #xbar, #seed);),
            )
        }
        output => {
            let parts = output.parts();
            let seeds: Vec<TokenStream> = if parts.len() == 1 {
                vec![quote!(#seed)]
            } else {
                (0..parts.len())
                    .map(|k| {
                        format_ident!("seed_{}", k, span = Span::mixed_site()).to_token_stream()
                    })
                    .collect()
            };
            let mut seed_code = match output {
                Output::Tuple(_) => quote!(let (#(#seeds,)*) = #seed;),
                Output::Array(_) => quote!(let [#(#seeds),*] = #seed;),
                _ => TokenStream::new(),
            };
            let mut ys = Vec::new();
            for (part, s) in parts.iter().zip(&seeds) {
                match part {
                    Operand::Value(r) => {
                        ys.push(cx.owned(*r));
                        seed_code.extend(rev.contribute(*r, s.clone()));
                    }
                    Operand::Inactive(t) => ys.push(quote!(#t)),
                }
            }
            (output.assemble(ys), seed_code)
        }
    };
    let sweep = rev.reverse_sweep(&cx.func.body);
    let grads = cx
        .sig
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| match p.shape {
            None => quote!(::autodiff::__private::NoAdjoint),
            Some(s) if s.is_container() => {
                let c = cx
                    .func
                    .containers
                    .iter()
                    .position(|c| c.param == Some(i))
                    .unwrap();
                let bar = cx.container_adjoint(c);
                if !lent(cx, c) {
                    quote!(#bar)
                } else if summed.contains(&c) {
                    // Gathered apart while the forward sweep ran: handed to the caller's sink.
                    let (sink, apart) = (sink(i), apart(&bar));
                    quote!({
                        ::autodiff::__private::SliceSink::take(#sink, #apart);
                        ::autodiff::__private::Accumulated
                    })
                } else {
                    quote!(::autodiff::__private::Accumulated)
                }
            }
            // A slot cleared to -0.0 (see `Space::cleared`) may have become this adjoint.
            Some(_) if stores(&cx.func.body) => {
                let bar = rev.adjoint_or_zero(param_value(cx.func, i));
                quote!(::autodiff::__private::settled(#bar))
            }
            Some(_) => rev.adjoint_or_zero(param_value(cx.func, i)),
        });
    let forward = match before {
        Some(before) => (before, forward),
        None => (forward, TokenStream::new()),
    };
    (
        forward,
        result,
        quote! {
            #adjoint_inits
            #seed_code
            #sweep
            (#(#grads,)*)
        },
    )
}

/// The adjoint a summing loop gathers apart for a lent slice parameter whose adjoint is
/// `bar`: `bar` borrows it.
fn apart(bar: &Ident) -> Ident {
    format_ident!("{}_apart", bar, span = Span::mixed_site())
}

/// A zero adjoint of parameter `i`, named `x` in the body, owned.
fn param_adjoint(cx: &Cx, i: ParamId, x: &Ident) -> TokenStream {
    match cx.sig.params[i].shape {
        // From the pool: a caller gathering it gives it back (see `Gather`).
        Some(Shape::Slice) => quote!(::autodiff::__private::pooled_zeros_like(#x)),
        Some(s) if s.by_ref() => quote!(::autodiff::__private::zero_like(#x)),
        _ => quote!(::autodiff::__private::zero_like(&#x)),
    }
}

/// Whether a block stores into a buffer anywhere, nested regions included.
fn stores(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Store { .. } => true,
        Stmt::Loop(l) => stores(&l.body.stmts),
        Stmt::Branch(b) => b.arms.iter().any(|a| stores(&a.stmts)),
        _ => false,
    })
}

/// The value of scalar parameter `i`.
pub fn param_value(func: &Function, i: ParamId) -> ValueId {
    func.values
        .iter()
        .position(|v| matches!(v.op, Op::Param(p) if p == i))
        .unwrap()
}

/// The locals an arm hands to the reverse sweep through its record.
fn saved(cx: &Cx, stmts: &[Stmt]) -> Vec<TokenStream> {
    saved_locals(cx, stmts)
        .into_iter()
        .map(|(local, _)| quote!(#local))
        .collect()
}

/// The patterns that take the saved locals back in the reverse sweep (adjoint buffers are
/// written there, so they are bound mutably).
fn saved_patterns(cx: &Cx, stmts: &[Stmt]) -> Vec<TokenStream> {
    saved_locals(cx, stmts)
        .into_iter()
        .map(|(local, kind)| {
            if kind == Kind::Written {
                quote!(mut #local)
            } else {
                quote!(#local)
            }
        })
        .collect()
}

/// What a saved local is, which decides where a loop keeps it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A scalar of the function's float type: on the flat float stack.
    Float,
    /// An index or count: on the flat index stack.
    Index,
    /// Anything else, read back as is.
    Other,
    /// Anything else, written in the reverse sweep.
    Written,
}

fn saved_locals(cx: &Cx, stmts: &[Stmt]) -> Vec<(Ident, Kind)> {
    let mut out = Vec::new();
    for s in stmts {
        match s {
            Stmt::Def(v) => {
                if cx.primal_needed.contains(v) {
                    out.push((cx.primal(*v).clone(), value_kind(cx, *v)));
                }
                match &cx.func.values[*v].op {
                    Op::Rule { rule, args, .. } => {
                        if !unit_partials(rule) {
                            let kind = if cx.float_partials(*v) {
                                Kind::Float
                            } else {
                                Kind::Other
                            };
                            out.extend(
                                args.iter()
                                    .enumerate()
                                    .filter(|(_, a)| matches!(a, Operand::Value(_)))
                                    .map(|(k, _)| (cx.partial(*v, k), kind)),
                            );
                        }
                    }
                    Op::Index { index, expr, .. } => out.push((index.clone(), index_kind(expr))),
                    Op::Call { args, .. } => out.extend(call_saves(cx, *v, args)),
                    Op::Const(_) | Op::Param(_) | Op::Phi | Op::Whole(_) => {}
                }
            }
            Stmt::Branch(b) => {
                out.extend(
                    b.phis
                        .iter()
                        .filter(|v| cx.primal_needed.contains(v))
                        .map(|v| (cx.primal(*v).clone(), value_kind(cx, *v))),
                );
                out.push((b.record.clone(), Kind::Other));
            }
            Stmt::Loop(l) => {
                out.extend(
                    l.carried
                        .iter()
                        .filter(|c| cx.primal_needed.contains(&c.exit))
                        .map(|c| (cx.primal(c.exit).clone(), value_kind(cx, c.exit))),
                );
                match recompute(cx, l) {
                    Some(r) => {
                        out.extend([(r.lo.clone(), Kind::Other), (r.hi.clone(), Kind::Other)])
                    }
                    None if ranged(cx, l).is_some() => {}
                    None => out.push((trips(l), Kind::Index)),
                }
            }
            Stmt::Buffer(c) => out.push((cx.container_adjoint(*c), Kind::Written)),
            Stmt::Store { index, expr, .. } => out.push((index.clone(), index_kind(expr))),
            Stmt::Verbatim(_) | Stmt::Bind { .. } => {}
        }
    }
    out
}

/// A value goes on the float stack unless it may be a vector or a matrix.
fn value_kind(cx: &Cx, v: ValueId) -> Kind {
    if cx.tainted.contains(&v) {
        Kind::Other
    } else {
        Kind::Float
    }
}

/// A `usize` index goes on the index stack; a matrix's `(row, column)` is kept as it is.
fn index_kind(expr: &TokenStream) -> Kind {
    match syn::parse2::<syn::Expr>(expr.clone()) {
        Ok(syn::Expr::Tuple(_)) => Kind::Other,
        _ => Kind::Index,
    }
}

/// Whether a loop keeps its records on the flat float and index stacks: when all it saves
/// per iteration are floats and indices.
fn flat(cx: &Cx, l: &Loop) -> bool {
    // A kept pattern is an integer of any type: kept as it is.
    kept_pattern(cx, l).is_empty()
        && loop_items(cx, l)
            .iter()
            .all(|(_, k)| matches!(k, Kind::Float | Kind::Index))
}

/// A loop the backward sweep can run again instead of reading records: a `for` over a
/// range with no `break`, whose body computes (rules, element reads, stores into buffers,
/// `let`s, assignments to counters) and may hold such loops itself. The backward sweep
/// runs each iteration's computation again, backwards, before its backward step; per
/// iteration it keeps only what it cannot compute again: the carried values where a partial
/// reads them, and the indices that read a variable the loop changes in a way the backward
/// sweep cannot undo (an integer counter stepped by fixed amounts is undone instead).
/// Stores are not run again: what the backward step needs of a buffer is either never
/// overwritten after the loop's read or not needed at all (the operand of a sum).
#[derive(Clone)]
pub struct Recompute {
    /// The loop pattern.
    pat: TokenStream,
    /// Locals holding the range's bounds.
    lo: Ident,
    hi: Ident,
    /// The range's bounds as written.
    start: TokenStream,
    end: TokenStream,
    /// Whether a partial reads a carried value, which must then be kept per iteration.
    needs_phis: bool,
    /// Index locals of the body (not of nested loops) kept per iteration on the index stack.
    pushed: Vec<Ident>,
    /// Element reads of buffers written again later: run again they would read another
    /// value, and only sums read them, so they read as zero.
    stale: BTreeSet<ValueId>,
    /// Element reads at an index the loop does not change, of a container it does not store
    /// into: the backward sweep adds their adjoints up in a local and into the container's
    /// adjoint once, after the loop, so that the sum is not a chain through memory.
    invariant: BTreeSet<ValueId>,
    /// Counters of the body (see [`Facts::counters`]) and the statements that undo the
    /// body's changes to them, run first when an iteration runs backwards.
    counters: Vec<Ident>,
    undo: TokenStream,
}

fn recompute<'c>(cx: &'c Cx, l: &Loop) -> Option<&'c Recompute> {
    cx.recomputed.get(&l.stack.to_string())
}

/// What a loop run again in the backward sweep may read of the code around it.
#[derive(Clone, Default)]
struct Around {
    /// Patterns of the enclosing loops that are run again too (bound again there).
    pats: BTreeSet<String>,
    /// Their bodies' `let`s that nothing assigns (bound again there).
    lets: BTreeSet<String>,
}

/// Where the `let`s of the top level, of inactive values and of active ones, bind each name.
fn top_lets(cx: &Cx) -> BTreeMap<String, Vec<usize>> {
    let mut out: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, s) in cx.func.body.iter().enumerate() {
        match s {
            Stmt::Verbatim(t) => {
                if let Ok(syn::Stmt::Local(local)) = syn::parse2::<syn::Stmt>(t.clone()) {
                    let p = &local.pat;
                    for name in idents(quote!(#p)) {
                        out.entry(name).or_default().push(i);
                    }
                }
            }
            Stmt::Bind { name, .. } => out.entry(name.to_string()).or_default().push(i),
            _ => {}
        }
    }
    out
}

/// Whether `stmts` declare buffer `c`, at any depth.
fn declares(stmts: &[Stmt], c: ContainerId) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Buffer(b) => *b == c,
        Stmt::Loop(l) => declares(&l.body.stmts, c),
        Stmt::Branch(b) => b.arms.iter().any(|a| declares(&a.stmts, c)),
        _ => false,
    })
}

/// The loops the backward sweep runs again (see [`Recompute`]), by record stack.
pub fn recomputable(cx: &Cx) -> (BTreeMap<String, Recompute>, BTreeSet<String>) {
    if aliasing(cx) {
        return Default::default();
    }
    let unbound = unbound_names(cx);
    // The names an integer `let` of the top level binds (`let mut k = 0;`,
    // `let mut k: usize = ..`): only those count.
    let top_lets = top_lets(cx);
    let mut integers = BTreeSet::new();
    for s in &cx.func.body {
        if let Stmt::Verbatim(t) = s {
            if let Ok(syn::Stmt::Local(local)) = syn::parse2::<syn::Stmt>(t.clone()) {
                integers.extend(integer_let(&local));
            }
        }
    }
    let mut mentions = BTreeMap::new();
    count_mentions(&cx.func.body, &mut mentions);
    let (mut out, mut kept) = (BTreeMap::new(), BTreeSet::new());
    let body = &cx.func.body;
    for i in 0..body.len() {
        // What this statement or a later one writes.
        let mut written = BTreeSet::new();
        buffer_writes(cx, &body[i..], &mut written);
        let facts = Facts {
            cx,
            unbound: &unbound,
            written: &written,
            top_lets: &top_lets,
            integers: &integers,
            mentions: &mentions,
            at: i,
        };
        facts.assign(
            std::slice::from_ref(&body[i]),
            &Around::default(),
            &mut out,
            &mut kept,
        );
    }
    (out, kept)
}

/// Names that do not hold one value for the whole body: bound inside a region, or bound
/// again at the top (the backward sweep, emitted after the whole forward sweep, would read
/// the last binding).
fn unbound_names(cx: &Cx) -> BTreeSet<String> {
    let mut unbound = BTreeSet::new();
    nested_lets(&cx.func.body, false, &mut unbound);
    for (name, at) in top_lets(cx) {
        let param = cx.sig.params.iter().any(|p| p.ident == name);
        if at.len() + usize::from(param) > 1 {
            unbound.insert(name);
        }
    }
    unbound
}

/// The pattern of a `for` loop over a range, if it is one name the body's top level does not
/// bind again: an integer, which its records may keep at the end of an iteration (see
/// `Facts::assign`).
fn range_pattern(l: &Loop) -> Option<String> {
    let LoopHead::For { pat, iter } = &l.head else {
        return None;
    };
    let p = syn::parse2::<syn::Ident>(pat.clone()).ok()?.to_string();
    let range = matches!(
        syn::parse2::<syn::Expr>(iter.clone()),
        Ok(syn::Expr::Range(_))
    );
    // A statement macro naming the pattern may bind it again too.
    let rebound = l.body.stmts.iter().any(|s| match s {
        Stmt::Verbatim(_) | Stmt::Bind { .. } => {
            bindings(std::slice::from_ref(s), &p) > 0
                || names_in_statement_macros(std::slice::from_ref(s), &p)
        }
        _ => false,
    });
    (range && !rebound).then_some(p)
}

/// The locals of a recorded loop's iterations that its backward sweep computes again
/// instead of reading them from the records, each with its expression:
/// * indices, ranges of call arguments and bounds of loops run again that [`same_again`]
///   allows, with the loop's pattern if the backward sweep knows it (kept, see
///   [`Cx::kept_patterns`], or run over again, see [`ranged`]); a bound that is an integer
///   literal without a type suffix takes its type from the other bound;
/// * the partial of a float product in its active factor, the other factor being such a
///   constant;
/// * the lengths of call arguments kept on the float stack: of a buffer, whose length does
///   not change, or of a range of it.
fn computed_again(cx: &Cx, l: &Loop) -> Vec<(Ident, TokenStream)> {
    let known = range_pattern(l)
        .filter(|_| cx.kept_patterns.contains(&l.stack.to_string()) || ranged(cx, l).is_some());
    let again = |e: &TokenStream| same_again(cx, l, known.as_deref(), e);
    let literal = |e: &TokenStream| int_literal(e) == Some(false);
    let elem = cx.sig.float_type();
    let mut out = Vec::new();
    for s in &l.body.stmts {
        match s {
            Stmt::Def(v) => match &cx.func.values[*v].op {
                Op::Index { index, expr, .. } if again(expr) => {
                    out.push((index.clone(), expr.clone()))
                }
                // A product of a float with a constant: its partial is the constant.
                Op::Rule {
                    rule: "mul", args, ..
                } if cx.float_partials(*v) && !cx.tainted.contains(v) => {
                    let (Some(elem), [a, b]) = (elem, args.as_slice()) else {
                        continue;
                    };
                    let (k, c) = match (a, b) {
                        (Operand::Inactive(c), Operand::Value(_)) => (1, c),
                        (Operand::Value(_), Operand::Inactive(c)) => (0, c),
                        _ => continue,
                    };
                    if again(c) {
                        out.push((
                            cx.partial(*v, k),
                            quote!(::autodiff::__private::constant_as::<#elem, _>(&(#c))),
                        ));
                    }
                }
                Op::Call { args, .. } => {
                    for (k, a) in args.iter().enumerate() {
                        let CallArg::Container {
                            container, range, ..
                        } = a
                        else {
                            continue;
                        };
                        if let Some((local, range)) = range.as_ref().filter(|(_, r)| again(r)) {
                            out.push((local.clone(), range.clone()));
                        }
                        // Not a buffer the function returns: moved into the result by then;
                        // nor one the loop's body declares, out of scope after it.
                        let returned =
                            matches!(cx.func.result, Output::Container(r) if r == *container);
                        if stacked(cx, *v, a) && !returned && !declares(&l.body.stmts, *container) {
                            let x = cx.container(*container);
                            let len = match range {
                                Some((r, _)) => quote!(#x[#r.clone()].len()),
                                None => quote!(#x.len()),
                            };
                            out.push((stacked_len(cx, *v, k), len));
                        }
                    }
                }
                _ => {}
            },
            Stmt::Store { index, expr, .. } if again(expr) => {
                out.push((index.clone(), expr.clone()))
            }
            Stmt::Loop(inner) => {
                if let Some(r) = recompute(cx, inner) {
                    let bounds = [(&r.lo, &r.start, &r.end), (&r.hi, &r.end, &r.start)];
                    for (x, e, other) in bounds {
                        if again(e) || (literal(e) && !literal(other)) {
                            out.push((x.clone(), e.clone()));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether `e` is an integer literal, and then whether it has a type suffix.
fn int_literal(e: &TokenStream) -> Option<bool> {
    match syn::parse2::<syn::Expr>(e.clone()) {
        Ok(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        })) => Some(!i.suffix().is_empty()),
        _ => None,
    }
}

/// Whether the backward sweep of loop `l` computes `e` again with the value it had in the
/// forward sweep: code with no effects that reads only names holding one value for the whole
/// body (not local buffers nor active values) and `pattern`, the loop's pattern if the
/// backward sweep knows it (used only if no other binding in the function has its name and
/// no statement macro names it); or an integer literal with a type suffix (without one, its
/// type may come from code the backward sweep does not run).
pub fn same_again(cx: &Cx, l: &Loop, pattern: Option<&str>, e: &TokenStream) -> bool {
    if int_literal(e) == Some(true) {
        return true;
    }
    let alone = |p: &str| {
        bindings(&cx.func.body, p) == loop_patterns(&cx.func.body, p, None)
            && loop_patterns(&cx.func.body, p, Some(&l.stack.to_string())) == 1
            && cx.sig.params.iter().all(|q| q.ident != p)
            && !names_in_statement_macros(&cx.func.body, p)
    };
    let Ok(expr) = syn::parse2::<syn::Expr>(e.clone()) else {
        return false;
    };
    let names = idents(e.clone());
    let Some(unstable) = cx.unstable.get_or_init(|| unstable_names(cx)) else {
        return false;
    };
    if names.is_empty() || !pure(&expr) {
        return false;
    }
    // Other names only as numbers: a name read through (`v[i]`, `v.len()`, `*k`, `&v`) may
    // be moved or borrowed, unless it is a parameter passed by shared reference.
    let mut through = BTreeSet::new();
    syn::visit::Visit::visit_expr(&mut Through(&mut through), &expr);
    let by_ref = |n: &String| {
        cx.sig.params.iter().any(|q| {
            q.ident == n && matches!(&q.ty, syn::Type::Reference(r) if r.mutability.is_none())
        })
    };
    names.iter().all(|n| {
        if Some(n.as_str()) == pattern {
            alone(n)
        } else {
            !unstable.contains(n) && (!through.contains(n) || by_ref(n))
        }
    })
}

/// The names [`same_again`] may not compute again from: changed, bound in a region or
/// twice, bound by loops, active values, local buffers, `&mut` parameters, and names statement
/// macros and items in the body may bind again; `None` if the body aliases (see [`aliasing`]).
fn unstable_names(cx: &Cx) -> Option<BTreeSet<String>> {
    if aliasing(cx) {
        return None;
    }
    let mut unstable = unbound_names(cx);
    unstable.extend(cx.func.changing.iter().cloned());
    loop_and_active_names(&cx.func.body, &mut unstable);
    // A local buffer or an active value may be moved by then (into a pullback).
    unstable.extend(
        (0..cx.func.containers.len())
            .filter(|c| cx.func.containers[*c].param.is_none())
            .map(|c| cx.container(c).to_string()),
    );
    // A parameter that is a `&mut` may change through calls; a statement macro or an item
    // in the body may bind a name again.
    for q in &cx.sig.params {
        let ty = &q.ty;
        if idents(quote!(#ty)).iter().any(|i| i == "mut") {
            unstable.insert(q.ident.to_string());
        }
    }
    let mut items = TokenStream::new();
    declared_again(&cx.func.body, &mut items);
    unstable.extend(idents(items));
    Some(unstable)
}

/// The names loop patterns and active values bind among `stmts`, at any depth.
fn loop_and_active_names(stmts: &[Stmt], out: &mut BTreeSet<String>) {
    for s in stmts {
        match s {
            Stmt::Loop(l) => {
                if let LoopHead::For { pat, .. } = &l.head {
                    out.extend(idents(pat.clone()));
                }
                loop_and_active_names(&l.body.stmts, out);
            }
            Stmt::Branch(b) => b
                .arms
                .iter()
                .for_each(|a| loop_and_active_names(&a.stmts, out)),
            Stmt::Bind { name, .. } => {
                out.insert(name.to_string());
            }
            _ => {}
        }
    }
}

/// The names an expression reads through: indexed, a method's or field's receiver,
/// dereferenced or borrowed.
struct Through<'a>(&'a mut BTreeSet<String>);

impl Through<'_> {
    fn name(&mut self, e: &syn::Expr) {
        match e {
            syn::Expr::Path(p) => self.0.extend(p.path.get_ident().map(|i| i.to_string())),
            syn::Expr::Paren(p) => self.name(&p.expr),
            _ => {}
        }
    }
}

impl<'ast> syn::visit::Visit<'ast> for Through<'_> {
    fn visit_expr_index(&mut self, e: &'ast syn::ExprIndex) {
        self.name(&e.expr);
        syn::visit::visit_expr_index(self, e);
    }
    fn visit_expr_method_call(&mut self, e: &'ast syn::ExprMethodCall) {
        self.name(&e.receiver);
        syn::visit::visit_expr_method_call(self, e);
    }
    fn visit_expr_field(&mut self, e: &'ast syn::ExprField) {
        self.name(&e.base);
        syn::visit::visit_expr_field(self, e);
    }
    fn visit_expr_unary(&mut self, e: &'ast syn::ExprUnary) {
        if matches!(e.op, syn::UnOp::Deref(_)) {
            self.name(&e.expr);
        }
        syn::visit::visit_expr_unary(self, e);
    }
    fn visit_expr_reference(&mut self, e: &'ast syn::ExprReference) {
        self.name(&e.expr);
        syn::visit::visit_expr_reference(self, e);
    }
}

/// The tokens of statement macros and items anywhere in a body: the names they may bind.
fn declared_again(stmts: &[Stmt], out: &mut TokenStream) {
    for s in stmts {
        match s {
            Stmt::Verbatim(t) => {
                if matches!(
                    syn::parse2::<syn::Stmt>(t.clone()),
                    Ok(syn::Stmt::Macro(_) | syn::Stmt::Item(_))
                ) {
                    out.extend(t.clone());
                }
            }
            Stmt::Loop(l) => declared_again(&l.body.stmts, out),
            Stmt::Branch(b) => b.arms.iter().for_each(|a| declared_again(&a.stmts, out)),
            _ => {}
        }
    }
}

/// The range a recorded loop runs over, if its backward sweep runs over the same range
/// backwards instead of keeping the pattern and counting the iterations: a `for` over
/// `a..b` or `a..=b` with no `break` (an early `return` is one), whose bounds it computes
/// again (see [`same_again`]; a literal without a type suffix takes its type from the other
/// bound).
fn ranged(cx: &Cx, l: &Loop) -> Option<TokenStream> {
    let LoopHead::For { iter, .. } = &l.head else {
        return None;
    };
    range_pattern(l)?;
    if l.broke.is_some() {
        return None;
    }
    let syn::Expr::Range(r) = syn::parse2::<syn::Expr>(iter.clone()).ok()? else {
        return None;
    };
    let (start, end) = (r.start.as_ref()?, r.end.as_ref()?);
    let (start, end) = (quote!(#start), quote!(#end));
    let again = |e: &TokenStream, other: &TokenStream| {
        same_again(cx, l, None, e)
            || (int_literal(e) == Some(false) && int_literal(other) != Some(false))
    };
    (again(&start, &end) && again(&end, &start)).then(|| iter.clone())
}

/// How many `for` loops among `stmts`, at any depth, have the pattern `name`; with `on`,
/// only those around or inside the loop whose stack is `on`, and that loop.
fn loop_patterns(stmts: &[Stmt], name: &str, on: Option<&str>) -> usize {
    let named = |l: &Loop| {
        usize::from(matches!(&l.head, LoopHead::For { pat, .. } if pat.to_string() == name))
    };
    let contains = |l: &Loop, stack: &str| {
        fn find(stmts: &[Stmt], stack: &str) -> bool {
            stmts.iter().any(|s| match s {
                Stmt::Loop(l) => l.stack == stack || find(&l.body.stmts, stack),
                Stmt::Branch(b) => b.arms.iter().any(|a| find(&a.stmts, stack)),
                _ => false,
            })
        }
        l.stack == stack || find(&l.body.stmts, stack)
    };
    stmts
        .iter()
        .map(|s| match s {
            Stmt::Loop(l) => match on {
                None => named(l) + loop_patterns(&l.body.stmts, name, None),
                Some(stack) if l.stack == stack => {
                    named(l) + loop_patterns(&l.body.stmts, name, None)
                }
                Some(stack) if contains(l, stack) => {
                    named(l) + loop_patterns(&l.body.stmts, name, on)
                }
                Some(_) => 0,
            },
            Stmt::Branch(b) => b
                .arms
                .iter()
                .map(|a| loop_patterns(&a.stmts, name, on))
                .sum(),
            _ => 0,
        })
        .sum()
}

/// Whether a statement macro among `stmts`, at any depth, names `name` (and so may bind it).
fn names_in_statement_macros(stmts: &[Stmt], name: &str) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Verbatim(t) => {
            matches!(syn::parse2::<syn::Stmt>(t.clone()), Ok(syn::Stmt::Macro(_)))
                && idents(t.clone()).iter().any(|i| i == name)
        }
        Stmt::Loop(l) => names_in_statement_macros(&l.body.stmts, name),
        Stmt::Branch(b) => b
            .arms
            .iter()
            .any(|a| names_in_statement_macros(&a.stmts, name)),
        _ => false,
    })
}

/// Names bound inside a loop or a branch, by a `let` or by the branch's patterns (`if let`,
/// `match`): a loop run again may read one only where it binds it again itself.
fn nested_lets(stmts: &[Stmt], inside: bool, out: &mut BTreeSet<String>) {
    for s in stmts {
        match s {
            Stmt::Verbatim(t) if inside => {
                if let Ok(syn::Stmt::Local(local)) = syn::parse2::<syn::Stmt>(t.clone()) {
                    let p = &local.pat;
                    out.extend(idents(quote!(#p)));
                }
            }
            Stmt::Bind { name, .. } if inside => {
                out.insert(name.to_string());
            }
            Stmt::Loop(l) => nested_lets(&l.body.stmts, true, out),
            Stmt::Branch(b) => {
                match &b.head {
                    Head::If(c) if idents(c.clone()).iter().any(|i| i == "let") => {
                        out.extend(idents(c.clone()))
                    }
                    Head::Match { arms, .. } => {
                        arms.iter().for_each(|a| out.extend(idents(a.clone())))
                    }
                    _ => {}
                }
                b.arms.iter().for_each(|a| nested_lets(&a.stmts, true, out))
            }
            _ => {}
        }
    }
}

/// The local buffers some statement stores into, passes to a call, or names in inactive
/// code (which may change it).
fn buffer_writes(cx: &Cx, stmts: &[Stmt], out: &mut BTreeSet<ContainerId>) {
    let buffers =
        || (0..cx.func.containers.len()).filter(|c| cx.func.containers[*c].param.is_none());
    for s in stmts {
        match s {
            Stmt::Store { container, .. } => {
                out.insert(*container);
            }
            Stmt::Verbatim(t) => {
                let names = idents(t.clone());
                out.extend(buffers().filter(|c| names.contains(&cx.container(*c).to_string())));
            }
            Stmt::Def(v) => {
                if let Op::Call { args, .. } = &cx.func.values[*v].op {
                    for a in args {
                        if let CallArg::Container {
                            container, prefix, ..
                        } = a
                        {
                            if prefix.to_string().contains("mut") {
                                out.insert(*container);
                            }
                        }
                    }
                }
            }
            Stmt::Loop(l) => buffer_writes(cx, &l.body.stmts, out),
            Stmt::Branch(b) => b.arms.iter().for_each(|a| buffer_writes(cx, &a.stmts, out)),
            Stmt::Bind { .. } | Stmt::Buffer(_) => {}
        }
    }
}

/// An assignment `name = e` or `name op= e` to a plain variable, with a pure right side.
fn counter_assignment(t: &TokenStream) -> Option<String> {
    let syn::Stmt::Expr(e, Some(_)) = syn::parse2::<syn::Stmt>(t.clone()).ok()? else {
        return None;
    };
    let (left, right) = match e {
        syn::Expr::Assign(a) => (*a.left, *a.right),
        syn::Expr::Binary(b) if binary_assign(&b.op) => (*b.left, *b.right),
        _ => return None,
    };
    let syn::Expr::Path(p) = left else {
        return None;
    };
    pure(&right).then(|| p.path.get_ident().map(|i| i.to_string()))?
}

fn binary_assign(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | BitXorAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

/// Counts, for each name, the statements of inactive code that name it (loop and branch
/// heads included), nested blocks included: a name in one of them may be read, assigned,
/// borrowed mutably or bound again there.
fn count_mentions(stmts: &[Stmt], out: &mut BTreeMap<String, usize>) {
    fn count(t: &TokenStream, out: &mut BTreeMap<String, usize>) {
        let names: BTreeSet<String> = idents(t.clone()).into_iter().collect();
        for name in names {
            *out.entry(name).or_insert(0) += 1;
        }
    }
    for s in stmts {
        match s {
            Stmt::Verbatim(t) => count(t, out),
            Stmt::Loop(l) => {
                if let LoopHead::For { pat, iter } = &l.head {
                    count(&quote!(#pat #iter), out);
                }
                count_mentions(&l.body.stmts, out);
            }
            Stmt::Branch(b) => {
                match &b.head {
                    Head::If(c) => count(c, out),
                    Head::Match { scrutinee, arms } => {
                        count(scrutinee, out);
                        arms.iter().for_each(|a| count(a, out));
                    }
                    Head::Block => {}
                }
                b.arms.iter().for_each(|a| count_mentions(&a.stmts, out));
            }
            _ => {}
        }
    }
}

/// The inactive code a statement runs: its tokens, its index, a constant, or a rule's
/// inactive operands.
fn inactive_reads(cx: &Cx, s: &Stmt) -> TokenStream {
    match s {
        Stmt::Verbatim(t) => t.clone(),
        Stmt::Store { expr, .. } => expr.clone(),
        Stmt::Def(v) => match &cx.func.values[*v].op {
            Op::Index { expr, .. } => expr.clone(),
            Op::Const(t) => t.clone(),
            Op::Rule { args, extra, .. } => {
                let inactive = args.iter().filter_map(|a| match a {
                    Operand::Inactive(t) => Some(t.clone()),
                    Operand::Value(_) => None,
                });
                extra.iter().cloned().chain(inactive).collect()
            }
            _ => TokenStream::new(),
        },
        _ => TokenStream::new(),
    }
}

/// The name an integer `let` binds: `let mut k = 0;` (an integer literal) or
/// `let mut k: usize = ..` (an integer type).
fn integer_let(local: &syn::Local) -> Option<String> {
    use crate::sig::INTEGERS;
    let (pat, ty) = match &local.pat {
        syn::Pat::Type(t) => (&*t.pat, Some(&*t.ty)),
        p => (p, None),
    };
    let syn::Pat::Ident(p) = pat else {
        return None;
    };
    let typed = ty.is_some_and(|t| INTEGERS.iter().any(|i| quote!(#t).to_string() == *i));
    let literal = local.init.as_ref().is_some_and(|i| {
        matches!(
            &*i.expr,
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(_),
                ..
            })
        )
    });
    (typed || literal).then(|| p.ident.to_string())
}

/// `name += e` or `name -= e`: the variable, and the statement that undoes it.
fn step(t: &TokenStream) -> Option<(Ident, TokenStream, syn::Expr)> {
    let syn::Stmt::Expr(syn::Expr::Binary(b), Some(_)) =
        syn::parse2::<syn::Stmt>(t.clone()).ok()?
    else {
        return None;
    };
    let syn::Expr::Path(p) = &*b.left else {
        return None;
    };
    let name = p.path.get_ident()?.clone();
    let amount = &*b.right;
    let undo = match b.op {
        syn::BinOp::AddAssign(_) => quote!(#name -= #amount;),
        syn::BinOp::SubAssign(_) => quote!(#name += #amount;),
        _ => return None,
    };
    pure(amount).then(|| (name, undo, amount.clone()))
}

/// Names assigned by counter assignments anywhere in a loop body.
fn assigned_names(stmts: &[Stmt], out: &mut BTreeSet<String>) {
    for s in stmts {
        match s {
            Stmt::Verbatim(t) => out.extend(counter_assignment(t)),
            Stmt::Loop(l) => assigned_names(&l.body.stmts, out),
            Stmt::Branch(b) => b.arms.iter().for_each(|a| assigned_names(&a.stmts, out)),
            _ => {}
        }
    }
}

/// What the analysis of one top-level statement knows.
struct Facts<'a> {
    cx: &'a Cx<'a>,
    /// Names that do not hold one value for the whole body (see [`recomputable`]).
    unbound: &'a BTreeSet<String>,
    /// Buffers written by the top-level statement the loops are in, or after it.
    written: &'a BTreeSet<ContainerId>,
    /// Where the `let`s of the top level that bind each name stand.
    top_lets: &'a BTreeMap<String, Vec<usize>>,
    /// Names an integer `let` of the top level binds (see [`integer_let`]).
    integers: &'a BTreeSet<String>,
    /// How many statements of inactive code name each variable (see [`count_mentions`]).
    mentions: &'a BTreeMap<String, usize>,
    /// The top-level statement the loops are in.
    at: usize,
}

impl Facts<'_> {
    /// Decides every loop of a block, outermost first: a loop that cannot be run again is
    /// recorded, and the loops in it are decided with only the patterns of recorded loops
    /// around them bound again (`around`). A recorded loop over an integer range keeps its
    /// pattern in its records (`kept`, by record stack) if a loop in it runs again.
    fn assign(
        &self,
        stmts: &[Stmt],
        around: &Around,
        out: &mut BTreeMap<String, Recompute>,
        kept: &mut BTreeSet<String>,
    ) {
        for s in stmts {
            match s {
                Stmt::Loop(l) => {
                    let mut found = BTreeMap::new();
                    if self.analyse(l, around, &mut found).is_some() {
                        out.extend(found);
                        continue;
                    }
                    let pattern = range_pattern(l);
                    let mut inner = around.clone();
                    inner.pats.extend(pattern.clone());
                    let before = out.len();
                    self.assign(&l.body.stmts, &inner, out, kept);
                    if out.len() > before && pattern.is_some() {
                        kept.insert(l.stack.to_string());
                    }
                }
                Stmt::Branch(b) => b
                    .arms
                    .iter()
                    .for_each(|a| self.assign(&a.stmts, around, out, kept)),
                _ => {}
            }
        }
    }

    /// Whether `l` can be run again, with the loops in it; each that can goes in `out`.
    fn analyse(
        &self,
        l: &Loop,
        around: &Around,
        out: &mut BTreeMap<String, Recompute>,
    ) -> Option<()> {
        let cx = self.cx;
        if l.broke.is_some() {
            return None;
        }
        // Only float loops: the carried values would go on the float stack.
        let mut matrices = l.carried.iter().any(|c| cx.tainted.contains(&c.phi));
        Cx::each_defined(&l.body.stmts, &mut |v| {
            matrices |= !cx.float_partials(v) || cx.tainted.contains(&v)
        });
        // A library call (`exp`, `sin`, ...) costs more than the record of its partial.
        let mut costly = false;
        Cx::each_defined(
            &l.body.stmts,
            &mut |v| {
                costly |=
                    matches!(&cx.func.values[v].op, Op::Rule { rule, .. } if library_call(rule))
            },
        );
        if matrices || costly {
            return None;
        }
        let LoopHead::For { pat, iter } = &l.head else {
            return None;
        };
        let own = syn::parse2::<syn::Ident>(pat.clone()).ok()?.to_string();
        let syn::Expr::Range(r) = syn::parse2::<syn::Expr>(iter.clone()).ok()? else {
            return None;
        };
        let (Some(start), Some(end), syn::RangeLimits::HalfOpen(_)) = (&r.start, &r.end, &r.limits)
        else {
            return None;
        };
        // What the body binds, and what it counts.
        let mut lets = BTreeSet::new();
        let mut assigned = BTreeSet::new();
        assigned_names(&l.body.stmts, &mut assigned);
        let mut reads: Vec<TokenStream> = Vec::new();
        for s in &l.body.stmts {
            if let Stmt::Verbatim(t) = s {
                match syn::parse2::<syn::Stmt>(t.clone()) {
                    Ok(syn::Stmt::Local(local)) => {
                        let init = local.init.as_ref()?;
                        if init.diverge.is_some() || !pure(&init.expr) {
                            return None;
                        }
                        let p = &local.pat;
                        lets.extend(idents(quote!(#p)));
                        let e = &init.expr;
                        reads.push(quote!(#e));
                    }
                    _ => {
                        counter_assignment(t)?;
                    }
                }
            }
        }
        let stable = |name: &String| {
            !assigned.contains(name)
                && (*name == own
                    || around.pats.contains(name)
                    || lets.contains(name)
                    || around.lets.contains(name)
                    || (!cx.func.changing.contains(name) && !self.unbound.contains(name)))
        };
        // The bounds are evaluated again where the loop runs backwards.
        if !idents(quote!(#start #end)).iter().all(stable) {
            return None;
        }
        let (counters, undo) = self.counters(l, &lets, &stable);
        let all_stable = |t: &TokenStream| {
            idents(t.clone())
                .iter()
                .all(|n| stable(n) || counters.keys().any(|c| c == n))
        };
        let mut inner = Around {
            pats: around.pats.clone(),
            lets: around.lets.clone(),
        };
        inner.pats.insert(own.clone());
        inner
            .lets
            .extend(lets.iter().filter(|n| !assigned.contains(*n)).cloned());
        let mut pushed = Vec::new();
        let mut stale = BTreeSet::new();
        // Element reads at an index the loop does not change, of a container it does not
        // store into: their adjoints add up in a local, added to the container once after.
        let stored: BTreeSet<ContainerId> = l
            .body
            .stmts
            .iter()
            .filter_map(|s| match s {
                Stmt::Store { container, .. } => Some(*container),
                _ => None,
            })
            .collect();
        let flat_body = !l.body.stmts.iter().any(|s| matches!(s, Stmt::Loop(_)));
        let invariant_index = |t: &TokenStream| {
            idents(t.clone())
                .iter()
                .all(|n| *n != own && !lets.contains(n) && stable(n))
        };
        let mut invariant = BTreeSet::new();
        for s in &l.body.stmts {
            match s {
                Stmt::Def(v) => match &cx.func.values[*v].op {
                    Op::Index {
                        container,
                        index,
                        expr,
                    } => {
                        if !all_stable(expr) {
                            (index_kind(expr) == Kind::Index).then_some(())?;
                            pushed.push(index.clone());
                        }
                        if cx.func.containers[*container].param.is_none()
                            && self.written.contains(container)
                        {
                            stale.insert(*v);
                        }
                        if flat_body
                            && !stored.contains(container)
                            && index_kind(expr) == Kind::Index
                            && invariant_index(expr)
                        {
                            invariant.insert(*v);
                        }
                    }
                    Op::Const(_) | Op::Rule { .. } => reads.push(inactive_reads(cx, s)),
                    Op::Param(_) | Op::Phi => {}
                    Op::Call { .. } | Op::Whole(_) => return None,
                },
                Stmt::Store { index, expr, .. } => {
                    if !all_stable(expr) {
                        (index_kind(expr) == Kind::Index).then_some(())?;
                        pushed.push(index.clone());
                    }
                }
                Stmt::Loop(n) => {
                    // Nested loops carry nothing: their exits would have to be kept.
                    if !n.carried.is_empty() {
                        return None;
                    }
                    self.analyse(n, &inner, out)?;
                }
                Stmt::Bind { .. } | Stmt::Verbatim(_) => {}
                Stmt::Branch(_) | Stmt::Buffer(_) => return None,
            }
        }
        if !reads.iter().all(all_stable) {
            return None;
        }
        // Values that come out differently when run again: from stale reads (a partial may
        // not read them) and from carried values (a partial reading one keeps them).
        let mut wrong: BTreeSet<ValueId> = stale.clone();
        let mut carried: BTreeSet<ValueId> = l.carried.iter().map(|c| c.phi).collect();
        let mut needs_phis = false;
        let mut binds = Vec::new();
        self.taint(
            &l.body.stmts,
            &mut wrong,
            &mut carried,
            &mut needs_phis,
            &mut binds,
        )?;
        // No inactive code may read a user variable holding a value that comes out wrong.
        let bad: BTreeSet<String> = binds
            .into_iter()
            .filter(|(_, v)| wrong.contains(v) || (!needs_phis && carried.contains(v)))
            .map(|(n, _)| n)
            .collect();
        if reads
            .iter()
            .flat_map(|t| idents(t.clone()))
            .any(|n| bad.contains(&n))
        {
            return None;
        }
        let base = l.stack.to_string();
        out.insert(
            base.clone(),
            Recompute {
                pat: pat.clone(),
                lo: format_ident!("{}_lo", base, span = Span::mixed_site()),
                hi: format_ident!("{}_hi", base, span = Span::mixed_site()),
                start: quote!(#start),
                end: quote!(#end),
                needs_phis,
                pushed,
                stale,
                invariant,
                counters: counters.into_values().collect(),
                undo,
            },
        );
        Some(())
    }

    /// The counters of a loop body: variables of the top level, bound by one `let`, that
    /// only this body changes, each by `+=` or `-=` of amounts that do not change, and that
    /// the body reads only before it changes them; the body holds no loop. Run backwards, an
    /// iteration first undoes its changes (returned, last first) and then reads what the
    /// forward iteration read, so nothing is kept per iteration.
    fn counters(
        &self,
        l: &Loop,
        lets: &BTreeSet<String>,
        stable: &dyn Fn(&String) -> bool,
    ) -> (BTreeMap<String, Ident>, TokenStream) {
        let none = (BTreeMap::new(), TokenStream::new());
        let stmts = &l.body.stmts;
        if stmts.iter().any(|s| matches!(s, Stmt::Loop(_))) {
            return none;
        }
        // Each counter's steps, by position.
        let mut steps: BTreeMap<String, Vec<(usize, Ident, TokenStream)>> = BTreeMap::new();
        for (pos, s) in stmts.iter().enumerate() {
            if let Stmt::Verbatim(t) = s {
                if let Some((name, undo, amount)) = step(t) {
                    let key = name.to_string();
                    // The undo runs before the body's `let`s are bound again.
                    let amount_stable = idents(amount.to_token_stream())
                        .iter()
                        .all(|n| *n != key && stable(n) && !lets.contains(n));
                    if amount_stable {
                        steps.entry(key).or_default().push((pos, name, undo));
                    }
                }
            }
        }
        let reads = |s: &Stmt| idents(inactive_reads(self.cx, s));
        let mut counters = BTreeMap::new();
        let mut undo = Vec::new();
        for (key, found) in steps {
            // Named nowhere but in its `let`, before the loop, and in this body, where every
            // statement naming it is one of its steps or a `let` reading it.
            let mut here = 0;
            let mut only_steps = true;
            for (pos, s) in stmts.iter().enumerate() {
                if let Stmt::Verbatim(t) = s {
                    if idents(t.clone()).contains(&key) {
                        here += 1;
                        let read = matches!(syn::parse2(t.clone()), Ok(syn::Stmt::Local(_)));
                        only_steps &= read || found.iter().any(|(p, ..)| *p == pos);
                    }
                }
            }
            let all_here = only_steps && self.mentions.get(&key) == Some(&(1 + here));
            // Integers only: a float stepped back down does not retrace its values.
            let one_let = !self.unbound.contains(&key)
                && self.integers.contains(&key)
                && self
                    .top_lets
                    .get(&key)
                    .is_some_and(|at| at.len() == 1 && at[0] < self.at);
            let first = found[0].0;
            let read_late = stmts.iter().enumerate().any(|(pos, s)| {
                pos >= first && !found.iter().any(|(p, ..)| *p == pos) && reads(s).contains(&key)
            });
            if all_here && one_let && !read_late {
                counters.insert(key, found[0].1.clone());
                undo.extend(found.into_iter().map(|(pos, _, u)| (pos, u)));
            }
        }
        undo.sort_by_key(|(pos, _)| std::cmp::Reverse(*pos));
        (counters, undo.into_iter().map(|(_, u)| u).collect())
    }

    /// Follows values that come out wrong when run again through a loop nest; fails where a
    /// partial would read one of `wrong`, and sets `needs_phis` where one reads `carried`.
    fn taint(
        &self,
        stmts: &[Stmt],
        wrong: &mut BTreeSet<ValueId>,
        carried: &mut BTreeSet<ValueId>,
        needs_phis: &mut bool,
        binds: &mut Vec<(String, ValueId)>,
    ) -> Option<()> {
        for s in stmts {
            match s {
                Stmt::Def(v) => {
                    if let Op::Rule { rule, args, .. } = &self.cx.func.values[*v].op {
                        let reads = |set: &BTreeSet<ValueId>| {
                            args.iter()
                                .any(|a| matches!(a, Operand::Value(u) if set.contains(u)))
                        };
                        let (w, c) = (reads(wrong), reads(carried));
                        if !unit_partials(rule) {
                            if w {
                                return None;
                            }
                            *needs_phis |= c;
                        }
                        if w {
                            wrong.insert(*v);
                        }
                        if c {
                            carried.insert(*v);
                        }
                    }
                }
                Stmt::Loop(n) => self.taint(&n.body.stmts, wrong, carried, needs_phis, binds)?,
                Stmt::Bind { name, value, .. } => binds.push((name.to_string(), *value)),
                _ => {}
            }
        }
        Some(())
    }
}

/// A loop that only sums (see [`summing_loops`]), with the containers whose adjoints its
/// backward steps reach.
pub struct Sums {
    /// Parameter containers no other code reads: the steps add into their adjoints, which
    /// the backward sweep scales by the real adjoint of the sum.
    pub only: Vec<ContainerId>,
    /// The other containers it reads: the steps add into a unit adjoint of their own
    /// (see `unit_adjoint`), which the backward sweep adds, scaled, into the container's.
    pub apart: Vec<ContainerId>,
}

/// The loops of a body that only sum, by their record stack's name. Such a loop is not
/// nested in another loop, carries one float that each iteration adds to once, and reads no
/// other active value from outside. The carried value's adjoint is then the same in every
/// iteration: each iteration's backward step runs right after it, in the forward sweep,
/// with a unit seed, and the backward sweep scales what it gathered by the real adjoint.
/// One pass over the data instead of two, and an iteration's records are read back while
/// they are still in cache.
///
/// A loop of the top level may also store into local buffers declared before it, if every
/// iteration writes all of such a buffer before reading it and no code after the loop reads
/// it: then no adjoint crosses from one iteration to another through the buffer.
pub fn summing_loops(cx: &Cx) -> BTreeMap<String, Sums> {
    let mut refs = BTreeMap::new();
    container_refs(cx, &cx.func.body, &mut refs);
    let mut out = BTreeMap::new();
    fn in_arms(cx: &Cx, stmts: &[Stmt], refs: &Refs, out: &mut BTreeMap<String, Sums>) {
        for s in stmts {
            match s {
                Stmt::Loop(l) => {
                    if let Some(sums) = sums(cx, l, refs, None) {
                        out.insert(l.stack.to_string(), sums);
                    }
                }
                Stmt::Branch(b) => b.arms.iter().for_each(|a| in_arms(cx, &a.stmts, refs, out)),
                _ => {}
            }
        }
    }
    let body = &cx.func.body;
    for (i, s) in body.iter().enumerate() {
        match s {
            Stmt::Loop(l) => {
                if let Some(sums) = sums(cx, l, &refs, Some((&body[..i], &body[i + 1..]))) {
                    out.insert(l.stack.to_string(), sums);
                }
            }
            Stmt::Branch(b) => b
                .arms
                .iter()
                .for_each(|a| in_arms(cx, &a.stmts, &refs, &mut out)),
            _ => {}
        }
    }
    out
}

type Refs = BTreeMap<ContainerId, usize>;

/// The name of the unit adjoint summing loop `l` gathers container `c`'s share in.
fn unit_adjoint(cx: &Cx, l: &Loop, c: ContainerId) -> Ident {
    let xbar = cx.container_adjoint(c);
    format_ident!("{}_{}_unit", xbar, l.stack, span = Span::mixed_site())
}

/// Whether some statement of a block, nested ones included, satisfies `f`.
fn any_nested(stmts: &[Stmt], f: &impl Fn(&Stmt) -> bool) -> bool {
    stmts.iter().any(|s| {
        f(s) || match s {
            Stmt::Loop(l) => any_nested(&l.body.stmts, f),
            Stmt::Branch(b) => b.arms.iter().any(|a| any_nested(&a.stmts, f)),
            _ => false,
        }
    })
}

/// Whether a value reads container `c`: an element, the whole, or an argument.
fn reads(cx: &Cx, v: ValueId, c: ContainerId) -> bool {
    match &cx.func.values[v].op {
        Op::Index { container, .. } | Op::Whole(container) => *container == c,
        Op::Call { args, .. } => args
            .iter()
            .any(|a| matches!(a, CallArg::Container { container, .. } if *container == c)),
        _ => false,
    }
}

/// How many statements of a block, nested ones included, name each container.
fn container_refs(cx: &Cx, stmts: &[Stmt], refs: &mut BTreeMap<ContainerId, usize>) {
    fn count(refs: &mut BTreeMap<ContainerId, usize>, c: ContainerId) {
        *refs.entry(c).or_insert(0) += 1;
    }
    for s in stmts {
        match s {
            Stmt::Def(v) => match &cx.func.values[*v].op {
                Op::Index { container, .. } | Op::Whole(container) => count(refs, *container),
                Op::Call { args, .. } => args.iter().for_each(|a| {
                    if let CallArg::Container { container, .. } = a {
                        count(refs, *container)
                    }
                }),
                _ => {}
            },
            Stmt::Store { container, .. } | Stmt::Buffer(container) => count(refs, *container),
            Stmt::Branch(b) => b
                .arms
                .iter()
                .for_each(|a| container_refs(cx, &a.stmts, refs)),
            Stmt::Loop(l) => container_refs(cx, &l.body.stmts, refs),
            _ => {}
        }
    }
}

/// The containers a summing loop reads, if `l` is one (see [`summing_loops`]); `around` is
/// the code before and after it, for a loop of the top level.
fn sums(cx: &Cx, l: &Loop, refs: &Refs, around: Option<(&[Stmt], &[Stmt])>) -> Option<Sums> {
    if l.broke.is_some() {
        return None;
    }
    let recomputed = recompute(cx, l);
    match recomputed {
        // Its backward step runs in the forward sweep: only reads of parameters, kept nothing.
        Some(r) => {
            let flat_body = l
                .body
                .stmts
                .iter()
                .all(|s| matches!(s, Stmt::Def(_) | Stmt::Bind { .. } | Stmt::Verbatim(_)));
            if r.needs_phis || !r.pushed.is_empty() || !flat_body {
                return None;
            }
        }
        // A loop run again inside would undo its counters' changes in the step.
        None => {
            let counted = |s: &Stmt| matches!(s, Stmt::Loop(n) if recompute(cx, n).is_some_and(|r| !r.counters.is_empty()));
            if around.is_none() || any_nested(&l.body.stmts, &counted) {
                return None;
            }
        }
    }
    let ([c], [next]) = (l.carried.as_slice(), l.body.yields.as_slice()) else {
        return None;
    };
    // A float: a vector or matrix summed has no unit seed to scale by.
    if cx.tainted.contains(&c.phi) || cx.tainted.contains(next) {
        return None;
    }
    let mut defined = BTreeSet::new();
    Cx::each_defined(&l.body.stmts, &mut |v| {
        defined.insert(v);
    });
    let mut uses = BTreeMap::new();
    let mut outside = false;
    cx.each_used(&l.body.stmts, &mut |u| {
        *uses.entry(u).or_insert(0) += 1;
        outside |= u != c.phi && !defined.contains(&u);
    });
    *uses.entry(*next).or_insert(0) += 1;
    if outside {
        return None;
    }
    // From the carried value to the next one through sums only, each step read once.
    let mut at = c.phi;
    while at != *next {
        if uses.get(&at) != Some(&1) {
            return None;
        }
        at = l.body.stmts.iter().find_map(|s| match s {
            Stmt::Def(v) => match &cx.func.values[*v].op {
                Op::Rule { rule, args, .. } => {
                    let k = args
                        .iter()
                        .position(|a| matches!(a, Operand::Value(u) if *u == at))?;
                    matches!((*rule, k), ("add", _) | ("sub", 0)).then_some(*v)
                }
                _ => None,
            },
            _ => None,
        })?;
    }
    if uses.get(next) != Some(&1) {
        return None;
    }
    let mut here = BTreeMap::new();
    container_refs(cx, &l.body.stmts, &mut here);
    let mut sums = Sums {
        only: Vec::new(),
        apart: Vec::new(),
    };
    for (&k, n) in &here {
        let declared = |s: &Stmt| matches!(s, Stmt::Buffer(b) if *b == k);
        let stored = |s: &Stmt| matches!(s, Stmt::Store { container, .. } if *container == k);
        let container = &cx.func.containers[k];
        if any_nested(&l.body.stmts, &declared) {
            // A buffer of the body, new in every iteration.
        } else if any_nested(&l.body.stmts, &stored) {
            private(cx, l, k, around?).then_some(())?;
        } else if container.param.is_some() && refs.get(&k) == Some(n) {
            sums.only.push(k);
        } else {
            // Run again, the loop costs less than a unit adjoint and a pass to add it.
            let slices = recomputed.is_none()
                && (container.vec
                    || container.param.is_some_and(|i| {
                        matches!(
                            cx.sig.params[i].shape,
                            Some(Shape::Slice | Shape::Vec { .. } | Shape::Array { .. })
                        )
                    }));
            slices.then_some(())?;
            sums.apart.push(k);
        }
    }
    Some(sums)
}

/// Whether local buffer `c`, stored into by loop `l` of the top level, holds nothing one
/// iteration of `l` leaves for another or for the code after it (`around`): declared before
/// the loop, read by no code after it, and in every iteration written whole before it is
/// read, by a loop over its length. (Inactive code cannot change an active buffer: the
/// lowering rejects methods that would, whole assignments and `&mut` borrows.)
fn private(cx: &Cx, l: &Loop, c: ContainerId, (before, after): (&[Stmt], &[Stmt])) -> bool {
    let name = cx.container(c).to_string();
    let Some(len) = before.iter().find_map(|s| match filled(cx, s) {
        Some((b, _, call)) if b == c => call.args.get(1).cloned(),
        _ => None,
    }) else {
        return false;
    };
    let mut later = BTreeMap::new();
    container_refs(cx, after, &mut later);
    // The length names the same value wherever it is read: arithmetic on literals and
    // names bound once, not `mut` (a name of a reference or a `Cell` would be read through
    // `*` or a method).
    fn arithmetic(e: &syn::Expr) -> bool {
        match e {
            syn::Expr::Lit(_) => true,
            syn::Expr::Path(p) => p.qself.is_none() && p.path.get_ident().is_some(),
            syn::Expr::Paren(p) => arithmetic(&p.expr),
            syn::Expr::Binary(b) => {
                matches!(
                    b.op,
                    syn::BinOp::Add(_)
                        | syn::BinOp::Sub(_)
                        | syn::BinOp::Mul(_)
                        | syn::BinOp::Div(_)
                ) && arithmetic(&b.left)
                    && arithmetic(&b.right)
            }
            _ => false,
        }
    }
    let fixed = arithmetic(&len)
        && idents(len.to_token_stream()).iter().all(|n| {
            let params: usize = cx
                .sig
                .params
                .iter()
                .filter(|p| p.ident == n)
                .map(|p| match &p.pat {
                    syn::Pat::Ident(i) if i.mutability.is_none() => 1,
                    _ => 2,
                })
                .sum();
            params + bindings(&cx.func.body, n) <= 1
        });
    let len = len.to_token_stream().to_string();
    let by_len = |e: &syn::Expr| {
        let e = e.to_token_stream().to_string();
        (fixed && e == len) || e == format!("{name} . len ()")
    };
    before
        .iter()
        .any(|s| matches!(s, Stmt::Buffer(b) if *b == c))
        && !matches!(cx.func.result, Output::Container(r) if r == c)
        && !later.contains_key(&c)
        && written_first(cx, c, &by_len, &l.body.stmts, false)
}

/// How many times a block, nested ones included, binds a name: by `let` (twice for a
/// `let mut`, whose value may change), as a loop's pattern, or in a branch's patterns.
fn bindings(stmts: &[Stmt], name: &str) -> usize {
    let count = |t: &TokenStream| idents(t.clone()).iter().filter(|i| *i == name).count();
    stmts
        .iter()
        .map(|s| match s {
            Stmt::Verbatim(t) => match syn::parse2::<syn::Stmt>(t.clone()) {
                Ok(syn::Stmt::Local(local)) => {
                    let p = &local.pat;
                    let mut muts = BTreeSet::new();
                    pattern_names(p, true, &mut muts);
                    count(&quote!(#p)) + usize::from(muts.contains(name))
                }
                _ => 0,
            },
            Stmt::Bind { name: n, .. } => usize::from(n == name),
            Stmt::Loop(l) => {
                let pat = match &l.head {
                    LoopHead::For { pat, .. } => count(pat),
                    LoopHead::Loop => 0,
                };
                pat + bindings(&l.body.stmts, name)
            }
            Stmt::Branch(b) => {
                let head = match &b.head {
                    Head::If(c) if idents(c.clone()).iter().any(|i| i == "let") => count(c),
                    Head::Match { arms, .. } => arms.iter().map(count).sum(),
                    _ => 0,
                };
                head + b
                    .arms
                    .iter()
                    .map(|a| bindings(&a.stmts, name))
                    .sum::<usize>()
            }
            _ => 0,
        })
        .sum()
}

/// Whether every run of a block writes all of buffer `c` before reading any of it (or it was
/// written whole already, `written`). A loop writes it whole if it runs over `0..n` for an
/// `n` that `by_len` takes for the buffer's length, without `break`, stores `c[i]` at its
/// top for its pattern `i` (not bound again inside), and reads nothing of `c`.
fn written_first(
    cx: &Cx,
    c: ContainerId,
    by_len: &impl Fn(&syn::Expr) -> bool,
    stmts: &[Stmt],
    mut written: bool,
) -> bool {
    let reading = |s: &Stmt| matches!(s, Stmt::Def(v) if reads(cx, *v, c));
    for s in stmts {
        match s {
            Stmt::Def(v) if reads(cx, *v, c) && !written => return false,
            Stmt::Loop(l) if !written => {
                let whole = || {
                    let LoopHead::For { pat, iter } = &l.head else {
                        return false;
                    };
                    let Ok(syn::Pat::Ident(p)) = syn::Pat::parse_single.parse2(pat.clone()) else {
                        return false;
                    };
                    let Ok(syn::Expr::Range(r)) = syn::parse2::<syn::Expr>(iter.clone()) else {
                        return false;
                    };
                    let from_zero = r
                        .start
                        .as_deref()
                        .is_some_and(|s| s.to_token_stream().to_string() == "0");
                    let mut rebound = BTreeSet::new();
                    nested_lets(&l.body.stmts, true, &mut rebound);
                    let i = p.ident.to_string();
                    let stores_at_i = l.body.stmts.iter().any(|s| {
                        matches!(s, Stmt::Store { container, expr, .. }
                            if *container == c && expr.to_string() == i)
                    });
                    l.broke.is_none()
                        && p.by_ref.is_none()
                        && p.mutability.is_none()
                        && p.subpat.is_none()
                        && matches!(r.limits, syn::RangeLimits::HalfOpen(_))
                        && from_zero
                        && r.end.as_deref().is_some_and(by_len)
                        && !rebound.contains(&i)
                        && stores_at_i
                        && !any_nested(&l.body.stmts, &reading)
                };
                if whole() {
                    written = true;
                } else if !written_first(cx, c, by_len, &l.body.stmts, false) {
                    return false;
                }
            }
            Stmt::Branch(b)
                if !b
                    .arms
                    .iter()
                    .all(|a| written_first(cx, c, by_len, &a.stmts, written)) =>
            {
                return false
            }
            _ => {}
        }
    }
    true
}

/// Whether running an inactive expression again gives the same value: no macros, and only
/// conversions and reads among the calls.
pub fn pure(e: &syn::Expr) -> bool {
    struct Pure(bool);
    impl<'ast> syn::visit::Visit<'ast> for Pure {
        fn visit_macro(&mut self, _: &'ast syn::Macro) {
            self.0 = false;
        }
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            let known = matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| {
                matches!(s.ident.to_string().as_str(), "from" | "from_f64" | "zero" | "one" | "convert")
            }));
            self.0 &= known;
            syn::visit::visit_expr_call(self, c);
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            self.0 &= matches!(
                m.method.to_string().as_str(),
                "unwrap" | "len" | "min" | "max" | "abs"
            );
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_assign(&mut self, _: &'ast syn::ExprAssign) {
            self.0 = false;
        }
        fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
            // `k += 1` is a binary expression in syn.
            self.0 &= !binary_assign(&b.op);
            syn::visit::visit_expr_binary(self, b);
        }
        fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
            self.0 &= r.mutability.is_none();
            syn::visit::visit_expr_reference(self, r);
        }
    }
    let mut p = Pure(true);
    syn::visit::Visit::visit_expr(&mut p, e);
    p.0
}

/// The per-iteration locals of a loop, its needed phis first.
fn loop_items(cx: &Cx, l: &Loop) -> Vec<(Ident, Kind)> {
    let mut items: Vec<(Ident, Kind)> = l
        .carried
        .iter()
        .filter(|c| cx.primal_needed.contains(&c.phi))
        .map(|c| (cx.primal(c.phi).clone(), value_kind(cx, c.phi)))
        .collect();
    let again = computed_again(cx, l);
    items.extend(
        saved_locals(cx, &l.body.stmts)
            .into_iter()
            .filter(|(x, _)| again.iter().all(|(a, _)| a != x)),
    );
    items
}

/// A flat loop's items split into floats and indices, each in push order.
fn split_items(items: Vec<(Ident, Kind)>) -> (Vec<Ident>, Vec<Ident>) {
    let (f, i): (Vec<_>, Vec<_>) = items.into_iter().partition(|(_, k)| *k == Kind::Float);
    (
        f.into_iter().map(|(x, _)| x).collect(),
        i.into_iter().map(|(x, _)| x).collect(),
    )
}

/// The flat stacks a function's loops push on.
pub fn flat_stacks() -> (Ident, Ident) {
    (
        format_ident!("float_stack", span = Span::mixed_site()),
        format_ident!("index_stack", span = Span::mixed_site()),
    )
}

/// The local a loop run backwards adds a hoisted element read's adjoint up in (see
/// [`Recompute::invariant`]).
fn hoisted_adjoint(cx: &Cx, v: ValueId) -> Ident {
    format_ident!("{}_sum", cx.adjoint(v), span = Span::mixed_site())
}

/// The local holding the pullback a call returned.
fn pullback_local(cx: &Cx, v: ValueId) -> Ident {
    format_ident!("{}_pullback", cx.primal(v), span = Span::mixed_site())
}

/// The local holding argument `k` of call `v` for its replay.
fn call_arg_local(cx: &Cx, v: ValueId, k: usize) -> Ident {
    format_ident!("{}_arg{}", cx.primal(v), k, span = Span::mixed_site())
}

/// Whether a container argument of call `v` is a local buffer that later code may
/// overwrite: the replay then reads a copy.
fn copied(cx: &Cx, v: ValueId, a: &CallArg) -> bool {
    matches!(a, CallArg::Container { container, .. }
        if cx.func.containers[*container].param.is_none() && !settled(cx, *container, v))
}

/// Whether a copied argument is kept on the float stack instead of in a copy of its own: a
/// range of a buffer, or a whole `Vec` buffer passed by reference. The replay reads it where
/// it lies, so neither sweep allocates or copies per call beyond the push.
fn stacked(cx: &Cx, v: ValueId, a: &CallArg) -> bool {
    copied(cx, v, a)
        && match a {
            CallArg::Container { range: Some(_), .. } => true,
            CallArg::Container {
                container, prefix, ..
            } => prefix.to_string() == "&" && cx.func.containers[*container].vec,
            _ => false,
        }
}

/// The local holding the length of a stacked argument (see [`stacked`]).
fn stacked_len(cx: &Cx, v: ValueId, k: usize) -> Ident {
    format_ident!(
        "{}_len",
        call_arg_local(cx, v, k),
        span = Span::mixed_site()
    )
}

/// Whether a call keeps a buffer it reads on the float stack (see [`stacked`]).
fn stacks_arguments(cx: &Cx) -> bool {
    let mut any = false;
    Cx::each_defined(&cx.func.body, &mut |v| {
        if let Op::Call { args, .. } = &cx.func.values[v].op {
            any |= args.iter().any(|a| stacked(cx, v, a));
        }
    });
    any
}

/// Whether nothing writes buffer `c` once value `v` is computed: no statement of the top
/// level after the one holding `v` writes it, nor does that statement itself (a loop around
/// `v` would write it again in its next iteration). Inactive code naming the buffer counts
/// as a write.
fn settled(cx: &Cx, c: ContainerId, v: ValueId) -> bool {
    fn writes(c: ContainerId, name: &str, stmts: &[Stmt]) -> bool {
        stmts.iter().any(|s| match s {
            Stmt::Store { container, .. } | Stmt::Buffer(container) => *container == c,
            Stmt::Verbatim(t) => idents(t.clone()).iter().any(|i| i == name),
            Stmt::Branch(b) => b.arms.iter().any(|a| writes(c, name, &a.stmts)),
            Stmt::Loop(l) => writes(c, name, &l.body.stmts),
            Stmt::Def(_) | Stmt::Bind { .. } => false,
        })
    }
    let (body, name) = (&cx.func.body, cx.container(c).to_string());
    holding(body, v).is_some_and(|at| !writes(c, &name, &body[at..]))
}

/// The position in `stmts` of the statement that defines `v`, nested regions included.
fn holding(stmts: &[Stmt], v: ValueId) -> Option<usize> {
    stmts.iter().position(|s| {
        let mut found = false;
        Cx::each_defined(std::slice::from_ref(s), &mut |d| found |= d == v);
        found
    })
}

/// Whether call `v` sits in a loop that only sums (see [`summing_loops`]) and no code of
/// the iteration after it names the local `name` (inactive code may write it, as a call's
/// `&mut name` argument inside an active expression may): its backward step, which runs at
/// the end of the same iteration, reads `name` as the call did.
fn read_before_rewritten(cx: &Cx, v: ValueId, name: &str) -> bool {
    fn in_stmts(cx: &Cx, stmts: &[Stmt], v: ValueId, name: &str) -> bool {
        stmts.iter().any(|s| match s {
            Stmt::Loop(l) if cx.sums.contains_key(&l.stack.to_string()) => {
                let body = &l.body.stmts;
                holding(body, v).is_some_and(|at| !names(cx, &body[at..], v, name))
            }
            Stmt::Loop(l) => in_stmts(cx, &l.body.stmts, v, name),
            Stmt::Branch(b) => b.arms.iter().any(|a| in_stmts(cx, &a.stmts, v, name)),
            _ => false,
        })
    }
    in_stmts(cx, &cx.func.body, v, name)
}

/// Whether any code of `stmts` names `name`, call `v`'s own arguments aside: statements
/// copied as written, branch and loop heads, the indices of stores and reads, and the
/// constant operands of active computations.
fn names(cx: &Cx, stmts: &[Stmt], v: ValueId, name: &str) -> bool {
    let has = |t: &TokenStream| idents(t.clone()).iter().any(|i| i == name);
    let operand = |o: &Operand| matches!(o, Operand::Inactive(t) if has(t));
    stmts.iter().any(|s| match s {
        Stmt::Verbatim(t) => has(t),
        Stmt::Store { expr, value, .. } => has(expr) || operand(value),
        Stmt::Branch(b) => {
            let head = match &b.head {
                Head::If(c) => has(c),
                Head::Match { scrutinee, arms } => has(scrutinee) || arms.iter().any(has),
                Head::Block => false,
            };
            head || b.arms.iter().any(|a| names(cx, &a.stmts, v, name))
        }
        Stmt::Loop(l) => {
            let head = match &l.head {
                LoopHead::For { pat, iter } => has(pat) || has(iter),
                LoopHead::Loop => false,
            };
            head || names(cx, &l.body.stmts, v, name)
        }
        Stmt::Def(d) if *d == v => false,
        Stmt::Def(d) => match &cx.func.values[*d].op {
            Op::Const(t) => has(t),
            Op::Rule { args, extra, .. } => args.iter().any(operand) || extra.iter().any(has),
            Op::Index { expr, .. } => has(expr),
            Op::Call { args, .. } => args.iter().any(|a| match a {
                CallArg::Scalar(o) | CallArg::Borrowed(o) => operand(o),
                CallArg::Inactive(t) => has(t),
                CallArg::Container { prefix, range, .. } => {
                    has(prefix) || range.as_ref().is_some_and(|(_, r)| has(r))
                }
            }),
            Op::Param(_) | Op::Phi | Op::Whole(_) => false,
        },
        // A later `let` of the name hides the buffer the backward step would read.
        Stmt::Bind { name: n, .. } => n == name,
        Stmt::Buffer(_) => false,
    })
}

/// What a call keeps for its replay: argument values, copies of buffers, ranges.
fn call_saves(cx: &Cx, v: ValueId, args: &[CallArg]) -> Vec<(Ident, Kind)> {
    let mut out = Vec::new();
    for (k, a) in args.iter().enumerate() {
        match a {
            CallArg::Scalar(o) | CallArg::Borrowed(o) => out.push((
                call_arg_local(cx, v, k),
                if cx.operand_tainted(o) {
                    Kind::Other
                } else {
                    Kind::Float
                },
            )),
            CallArg::Inactive(_) => out.push((call_arg_local(cx, v, k), Kind::Other)),
            CallArg::Container { .. } if stacked(cx, v, a) => {
                out.push((stacked_len(cx, v, k), Kind::Index))
            }
            CallArg::Container { .. } if copied(cx, v, a) => {
                out.push((call_arg_local(cx, v, k), Kind::Other))
            }
            CallArg::Container { .. } => {}
        }
        if let CallArg::Container {
            range: Some((local, _)),
            ..
        } = a
        {
            out.push((local.clone(), Kind::Other));
        }
    }
    out
}

/// The forward sweep of a call: the arguments into locals, then the plain function.
fn call_forward(cx: &Cx, v: ValueId, callee: &Callee, args: &[CallArg]) -> TokenStream {
    let mut out = cx.call_ranges(args);
    // Copies of buffers the call only reads, made after it: the elements were stored just
    // before, and a copy right away would load them wider than they were stored, which
    // waits for the stores to reach memory.
    let mut after = TokenStream::new();
    let mut primal_args = Vec::new();
    for (k, a) in args.iter().enumerate() {
        let local = call_arg_local(cx, v, k);
        match a {
            CallArg::Scalar(o) => {
                let p = cx.operand_owned(o);
                out.extend(quote!(let #local = #p;));
                primal_args.push(quote!(::autodiff::__private::owned(&#local)));
            }
            CallArg::Borrowed(o) => {
                let p = cx.operand_owned(o);
                out.extend(quote!(let #local = #p;));
                primal_args.push(quote!(&#local));
            }
            CallArg::Inactive(t) => match borrowed_local(cx, v, t) {
                // A pullback outlives the locals it would borrow: it keeps a copy.
                Some(place) => {
                    out.extend(quote!(let #local = ::std::borrow::ToOwned::to_owned(&#place);));
                    primal_args.push(quote!(&#local));
                }
                None => {
                    out.extend(quote!(let #local = #t;));
                    primal_args.push(copy_of(&local));
                }
            },
            CallArg::Container {
                container,
                prefix,
                range,
            } => {
                if stacked(cx, v, a) {
                    let (floats, _) = flat_stacks();
                    let x = cx.container(*container);
                    let len = stacked_len(cx, v, k);
                    let read = match range {
                        Some((r, _)) => quote!(&#x[#r.clone()]),
                        None => quote!(&#x[..]),
                    };
                    let push = quote!(let #len = #floats.push_slice(#read););
                    if idents(prefix.clone()).iter().any(|i| i == "mut") {
                        out.extend(push);
                    } else {
                        after.extend(push);
                    }
                } else if copied(cx, v, a) {
                    // Only what the call reads: the range, or the whole buffer.
                    let x = cx.container(*container);
                    out.extend(match range {
                        Some((r, _)) => quote!(let #local = #x[#r.clone()].to_vec();),
                        None => quote!(let #local = ::core::clone::Clone::clone(&#x);),
                    });
                }
                primal_args.push(cx.container_arg(*container, prefix, range, false));
            }
        }
    }
    let y = cx.primal(v);
    if cx.keeps_pullback(v) {
        // The pullback instead of the plain function: nothing runs again later.
        let (f, pb) = (cx.callee_fn(callee, "pullback"), pullback_local(cx, v));
        out.extend(quote!(let (#y, #pb) = #f(#(#primal_args),*);));
    } else if cx.split_calls.contains(&v) {
        // The callee's forward sweep, recorded for its backward sweep.
        let (f, (fs, is)) = (cx.callee_fn(callee, "record"), split_stacks(cx, v));
        out.extend(quote!(let #y = #f(#(#primal_args,)* &mut #fs, &mut #is);));
    } else {
        let f = cx.callee_primal(callee);
        out.extend(quote!(let #y = #f(#(#primal_args),*);));
    }
    out.extend(after);
    out
}

/// The sinks a call's replay lends its callee, one per argument: the adjoint of a container
/// argument (its range), added into in place; the runtime's `Discard` for the rest. A
/// container passed twice lends a zeroed copy for each, added in after the call; returns
/// that code too.
fn call_sinks(
    cx: &Cx,
    v: ValueId,
    args: &[CallArg],
) -> (TokenStream, Vec<TokenStream>, TokenStream) {
    let (mut lend, mut after) = (TokenStream::new(), TokenStream::new());
    let passes = |c: ContainerId| {
        args.iter()
            .filter(|a| matches!(a, CallArg::Container { container, .. } if *container == c))
            .count()
    };
    let sinks = args
        .iter()
        .enumerate()
        .map(|(k, a)| {
            let CallArg::Container {
                container, range, ..
            } = a
            else {
                if let CallArg::Borrowed(Operand::Value(_)) = a {
                    // A value passed by reference lends a zeroed copy of its shape.
                    let (copy, arg) = (lent_copy(cx, v, k), call_arg_local(cx, v, k));
                    lend.extend(quote!(let mut #copy = ::autodiff::__private::zero_like(&#arg);));
                    return quote!(::autodiff::__private::Lend::lend(&mut #copy));
                }
                return quote!(::autodiff::__private::Discard);
            };
            // The elements of the argument's adjoint, as a slice.
            let xbar = cx.container_adjoint(*container);
            let target = match range {
                Some((local, _)) => quote!(#xbar[#local.clone()]),
                None if cx.func.containers[*container].whole => quote!(*#xbar.as_mut_slice()),
                None => quote!(#xbar[..]),
            };
            if passes(*container) == 1 {
                return quote!(&mut #target);
            }
            let copy = format_ident!("{}_lent{}", cx.primal(v), k, span = Span::mixed_site());
            lend.extend(
                quote!(let mut #copy = ::autodiff::__private::pooled_zeros_like(&#target);),
            );
            after.extend(quote!(::autodiff::__private::gather_lent(&mut #target, #copy);));
            quote!(&mut #copy[..])
        })
        .collect();
    (lend, sinks, after)
}

/// The zeroed copy a call's argument `k`, an active value passed by reference (`helper(&h)`
/// with `h` a `Vec` a call returned), lends its callee: the sink of a slice parameter.
fn lent_copy(cx: &Cx, v: ValueId, k: usize) -> Ident {
    format_ident!("{}_lent{}", cx.primal(v), k, span = Span::mixed_site())
}

/// The place behind a constant argument `&place` of call `v` that the reverse sweep must not
/// borrow: a local the pullback would outlive, or one the body changes after the call (a
/// buffer rewritten in a loop) while the call's record still reads it. A buffer rewritten
/// only after the backward step of a loop that only sums has read it is borrowed.
fn borrowed_local(cx: &Cx, v: ValueId, t: &TokenStream) -> Option<syn::Expr> {
    let syn::Expr::Reference(r) = syn::parse2::<syn::Expr>(t.clone()).ok()? else {
        return None;
    };
    if r.mutability.is_some() {
        return None;
    }
    let mut root = &*r.expr;
    loop {
        root = match root {
            syn::Expr::Index(i) => &i.expr,
            syn::Expr::Field(f) => &f.base,
            syn::Expr::Paren(p) => &p.expr,
            syn::Expr::MethodCall(m) => &m.receiver,
            _ => break,
        };
    }
    let named = |f: &dyn Fn(&Ident) -> bool| matches!(root, syn::Expr::Path(p) if p.path.get_ident().is_some_and(f));
    let parameter = named(&|i| i == "self" || cx.sig.params.iter().any(|q| q.ident == *i));
    let changing = named(&|i| {
        cx.func.changing.contains(&i.to_string()) && !read_before_rewritten(cx, v, &i.to_string())
    });
    (!parameter && (cx.split || changing)).then(|| (*r.expr).clone())
}

/// A copy of a call's argument kept in `local`, of the local's own type: the parameter's
/// type does not reach into the copy, so `&v` of a `Vec` still coerces to a `&[f64]`
/// parameter.
fn copy_of(local: &Ident) -> TokenStream {
    quote!({
        let again = ::core::clone::Clone::clone(&#local);
        again
    })
}

/// The arguments of a call's replay in the reverse sweep. Stacked arguments are read where
/// they lie on the float stack, the last pushed on top; the call's replay drops them after.
fn call_replay_args(cx: &Cx, v: ValueId, args: &[CallArg]) -> Vec<TokenStream> {
    let (floats, _) = flat_stacks();
    args.iter()
        .enumerate()
        .map(|(k, a)| {
            let local = call_arg_local(cx, v, k);
            match a {
                _ if stacked(cx, v, a) => {
                    let above = args.iter().enumerate().skip(k + 1);
                    let above: Vec<Ident> = above
                        .filter(|(_, a)| stacked(cx, v, a))
                        .map(|(j, _)| stacked_len(cx, v, j))
                        .collect();
                    let len = stacked_len(cx, v, k);
                    quote!(#floats.peek(0 #(+ #above)*, #len))
                }
                CallArg::Container { prefix, range, .. } if copied(cx, v, a) => match range {
                    Some(_) => quote!(&#local[..]),
                    None if cx.split && prefix.is_empty() => {
                        quote!(::core::clone::Clone::clone(&#local))
                    }
                    None => quote!(#prefix #local),
                },
                CallArg::Container {
                    container,
                    prefix,
                    range,
                } => cx.container_arg(*container, prefix, range, false),
                CallArg::Borrowed(_) => quote!(&#local),
                CallArg::Inactive(t) if borrowed_local(cx, v, t).is_some() => quote!(&#local),
                // A pullback may replay the call once per seed; a vector or matrix passed by
                // value is read again afterwards, for the type of its adjoint.
                _ if cx.split || matches!(a, CallArg::Scalar(o) if cx.operand_tainted(o)) => {
                    copy_of(&local)
                }
                _ => quote!(#local),
            }
        })
        .collect()
}

/// Rules computed by a call into the maths library: running them again costs more than
/// keeping their partials.
fn library_call(rule: &str) -> bool {
    !matches!(
        rule,
        "add"
            | "sub"
            | "neg"
            | "mul"
            | "div"
            | "sqrt"
            | "abs"
            | "signum"
            | "recip"
            | "to_degrees"
            | "to_radians"
            | "min"
            | "max"
            | "clamp"
            | "mul_add"
            | "powi"
            | "stop_gradient"
    ) && !crate::codegen::by_ref_rule(rule)
}

/// Rules whose partials are the constants ±1: the reverse sweep needs none of them saved.
fn unit_partials(rule: &str) -> bool {
    matches!(rule, "add" | "sub" | "neg")
}

/// The local counting one run of a loop's iterations.
fn trips(l: &Loop) -> Ident {
    format_ident!("{}_trips", l.stack, span = Span::mixed_site())
}

/// Every loop's record stack, declared once for the whole function: each run of a loop
/// pushes its iterations and the reverse sweep pops exactly those, in reverse order, so the
/// runs of one loop share one stack and nothing is allocated per run.
fn stacks(cx: &Cx, stmts: &[Stmt], out: &mut Vec<Ident>, uses: &mut (bool, bool)) {
    for s in stmts {
        match s {
            Stmt::Branch(b) => b.arms.iter().for_each(|a| stacks(cx, &a.stmts, out, uses)),
            Stmt::Loop(l) => {
                if let Some(r) = recompute(cx, l) {
                    uses.0 |= r.needs_phis && !l.carried.is_empty();
                    uses.1 |= !r.pushed.is_empty();
                } else if cx.sums.contains_key(&l.stack.to_string()) {
                    // Its steps read its records back at once, from the locals.
                } else if flat(cx, l) {
                    for (_, k) in loop_items(cx, l) {
                        uses.0 |= k == Kind::Float;
                        uses.1 |= k == Kind::Index;
                    }
                } else {
                    out.push(l.stack.clone());
                }
                stacks(cx, &l.body.stmts, out, uses);
            }
            _ => {}
        }
    }
}

/// Declares every stack the function's loops use; returns the declarations and the stacks'
/// names.
fn declare_stacks(cx: &Cx) -> (TokenStream, Vec<Ident>) {
    let mut names = Vec::new();
    let mut uses = (false, false);
    stacks(cx, &cx.func.body, &mut names, &mut uses);
    // Calls keep the buffers they read on the float stack.
    uses.0 |= stacks_arguments(cx);
    let mut out: TokenStream = names
        .iter()
        .map(|stack| quote!(let mut #stack = ::std::vec::Vec::new();))
        .collect();
    for v in &cx.split_calls {
        let (fs, is) = split_stacks(cx, *v);
        out.extend(quote!(
            let mut #fs = ::autodiff::__private::Stack::new();
            let mut #is = ::autodiff::__private::Stack::<usize>::new();
        ));
        names.extend([fs, is]);
    }
    let (floats, indices) = flat_stacks();
    if uses.0 {
        out.extend(quote!(let mut #floats = ::autodiff::__private::Stack::new();));
        names.push(floats);
    }
    if uses.1 {
        out.extend(quote!(let mut #indices = ::autodiff::__private::Stack::<usize>::new();));
        names.push(indices);
    }
    (out, names)
}

/// The body of a loop run again in the backward sweep (see [`Recompute`]): what its
/// backward step reads, without the stores, the counters and the nested loops (which run
/// again backwards themselves; only their bounds are bound here).
///
/// The containers in `cut` are cut to what the loop indexes, from the local given (see
/// [`indexed_by`]).
fn recompute_sweep(
    cx: &Cx,
    r: &Recompute,
    stmts: &[Stmt],
    cut: &BTreeMap<ContainerId, Ident>,
) -> TokenStream {
    let mut out = TokenStream::new();
    let index_of = |c: ContainerId, index: &Ident, expr: &TokenStream| {
        if r.pushed.contains(index) {
            TokenStream::new()
        } else if let Some(base) = cut.get(&c) {
            quote!(let #index = #expr - #base;)
        } else {
            quote!(let #index = #expr;)
        }
    };
    for stmt in stmts {
        match stmt {
            Stmt::Def(v) => match &cx.func.values[*v].op {
                Op::Rule { .. } => out.extend(cx.rule_call(*v)),
                Op::Index {
                    container,
                    index: i,
                    expr,
                } => {
                    out.extend(index_of(*container, i, expr));
                    let y = cx.primal(*v);
                    out.extend(if r.stale.contains(v) {
                        let xbar = cx.container_adjoint(*container);
                        quote!(let #y = ::autodiff::__private::zero_like(&#xbar[#i]);)
                    } else {
                        let x = cx.container(*container);
                        quote!(let #y = #x[#i];)
                    });
                }
                _ => out.extend(cx.primal_stmt(stmt)),
            },
            Stmt::Verbatim(t) => {
                if let Ok(syn::Stmt::Local(_)) = syn::parse2::<syn::Stmt>(t.clone()) {
                    out.extend(t.clone());
                }
            }
            Stmt::Bind { .. } => out.extend(cx.primal_stmt(stmt)),
            Stmt::Store {
                container,
                index: i,
                expr,
                ..
            } => out.extend(index_of(*container, i, expr)),
            Stmt::Loop(l) => {
                // A loop in a loop run again is run again too.
                if let Some(inner) = recompute(cx, l) {
                    let (lo, hi, start, end) = (&inner.lo, &inner.hi, &inner.start, &inner.end);
                    out.extend(quote!(let #lo = #start; let #hi = #end;));
                }
            }
            Stmt::Branch(_) | Stmt::Buffer(_) => {}
        }
    }
    out
}

/// The containers (not nalgebra ones) a loop run again indexes by `name` and in no other
/// way, and not at all in nested regions, each with whether its backward step reads the
/// primal's elements (not only the adjoint's).
fn indexed_by(cx: &Cx, r: &Recompute, l: &Loop, name: &str) -> Vec<(ContainerId, bool)> {
    /// For each container: whether every use is an index by `name`, whether one is a read
    /// run again.
    type Uses = BTreeMap<ContainerId, (bool, bool)>;
    fn visit(cx: &Cx, r: &Recompute, stmts: &[Stmt], name: &str, out: &mut Uses) {
        let by_name = |expr: &TokenStream| expr.to_string() == name;
        for s in stmts {
            let (c, only, read) = match s {
                Stmt::Def(v) => match &cx.func.values[*v].op {
                    Op::Index {
                        container, expr, ..
                    } => (*container, by_name(expr), !r.stale.contains(v)),
                    Op::Whole(c) => (*c, false, false),
                    _ => continue,
                },
                Stmt::Store {
                    container, expr, ..
                } => (*container, by_name(expr), false),
                Stmt::Loop(_) | Stmt::Branch(_) => {
                    // Indexed there by index locals of the region's own.
                    let mut nested = Uses::new();
                    match s {
                        Stmt::Loop(inner) => visit(cx, r, &inner.body.stmts, name, &mut nested),
                        Stmt::Branch(b) => b
                            .arms
                            .iter()
                            .for_each(|a| visit(cx, r, &a.stmts, name, &mut nested)),
                        _ => {}
                    }
                    for c in nested.into_keys() {
                        out.entry(c).or_insert((false, false)).0 = false;
                    }
                    continue;
                }
                _ => continue,
            };
            let e = out.entry(c).or_insert((true, false));
            e.0 &= only;
            e.1 |= read;
        }
    }
    // A name bound again in the body indexes something else there.
    let mut rebound = BTreeSet::new();
    nested_lets(&l.body.stmts, true, &mut rebound);
    let mut code = TokenStream::new();
    region_code(cx, &l.body.stmts, &mut code);
    loop_and_active_names(&l.body.stmts, &mut rebound);
    if rebound.contains(name) {
        return Vec::new();
    }
    // Inactive code naming a container (its `len()`, say) would see the cut.
    let named: BTreeSet<String> = idents(code).into_iter().collect();
    let mut uses = Uses::new();
    visit(cx, r, &l.body.stmts, name, &mut uses);
    uses.into_iter()
        .filter(|(c, (only, _))| {
            *only && !cx.func.containers[*c].whole && !named.contains(&cx.container(*c).to_string())
        })
        .map(|(c, (_, read))| (c, read))
        .collect()
}

/// The counters of a loop run again that step up by one once per iteration, in a statement
/// of the body itself, and that nothing else in the body names: in the iterations of one run
/// they index, going backwards, the `hi - lo` places just below their value at its start.
fn unit_counters(r: &Recompute, l: &Loop) -> Vec<Ident> {
    let mut mentions = BTreeMap::new();
    count_mentions(&l.body.stmts, &mut mentions);
    r.counters
        .iter()
        .filter(|c| {
            let steps = l
                .body
                .stmts
                .iter()
                .filter(|s| {
                    let Stmt::Verbatim(t) = s else { return false };
                    let Ok(syn::Stmt::Expr(syn::Expr::Binary(b), Some(_))) =
                        syn::parse2::<syn::Stmt>(t.clone())
                    else {
                        return false;
                    };
                    let one = matches!(&*b.right, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }) if i.base10_digits() == "1");
                    matches!(b.op, syn::BinOp::AddAssign(_))
                        && one
                        && matches!(&*b.left, syn::Expr::Path(p) if p.path.is_ident(*c))
                })
                .count();
            steps == 1 && mentions.get(&c.to_string()) == Some(&1)
        })
        .cloned()
        .collect()
}

/// The unit adjoints a summing loop gathers apart (see [`Sums::apart`]), declared before it.
fn unit_adjoints(cx: &Cx, l: &Loop, sums: &Sums) -> TokenStream {
    let mut out = TokenStream::new();
    for k in &sums.apart {
        let unit = unit_adjoint(cx, l, *k);
        let x = cx.container(*k);
        let init = match cx.func.containers[*k].param {
            Some(i) => param_adjoint(cx, i, x),
            None => quote!(::autodiff::__private::zero_like(&#x)),
        };
        out.extend(quote!(let mut #unit = #init;));
    }
    out
}

/// A summing loop's backward step for the iteration that just ran, for a unit adjoint of
/// the sum (see [`summing_loops`]). The containers it reads apart lend it their unit
/// adjoints under their adjoints' names.
fn unit_step(cx: &Cx, l: &Loop, sums: &Sums) -> TokenStream {
    let (c, next) = (&l.carried[0], l.body.yields[0]);
    let (bar, phi) = (carry(cx, c.phi, "carry_bar"), cx.primal(c.phi));
    let (mut lend, mut give_back) = (TokenStream::new(), TokenStream::new());
    for k in &sums.apart {
        let (xbar, unit) = (cx.container_adjoint(*k), unit_adjoint(cx, l, *k));
        if lent(cx, *k) {
            lend.extend(quote!(let mut #xbar = &mut #unit[..];));
        } else {
            lend.extend(quote!(let mut #xbar = #unit;));
            give_back.extend(quote!(#unit = #xbar;));
        }
    }
    let mut rev = Reverse::new(cx);
    let mut step = quote!(let #bar = ::autodiff::__private::one_like(&#phi););
    step.extend(rev.contribute(next, quote!(#bar)));
    step.extend(rev.reverse_sweep(&l.body.stmts));
    if lend.is_empty() {
        return quote!({ #step });
    }
    quote!({ #lend { #step } #give_back })
}

/// `, pattern` if loop `l` keeps its pattern in its records (see [`Cx::kept_patterns`]).
fn kept_pattern(cx: &Cx, l: &Loop) -> TokenStream {
    match &l.head {
        LoopHead::For { pat, .. }
            if cx.kept_patterns.contains(&l.stack.to_string()) && ranged(cx, l).is_none() =>
        {
            quote!(, #pat)
        }
        _ => TokenStream::new(),
    }
}

fn carry(cx: &Cx, v: ValueId, suffix: &str) -> Ident {
    format_ident!("{}_{}", cx.primal(v), suffix, span = Span::mixed_site())
}

fn forward_sweep(cx: &Cx, stmts: &[Stmt]) -> TokenStream {
    let mut out = TokenStream::new();
    for stmt in stmts {
        if let Some(t) = cx.primal_stmt(stmt) {
            out.extend(t);
            continue;
        }
        match stmt {
            Stmt::Def(v) => match &cx.func.values[*v].op {
                Op::Rule { .. } => out.extend(cx.rule_call(*v)),
                Op::Whole(_) => out.extend(cx.whole_read(*v)),
                Op::Index { .. } => out.extend(cx.index_read(*v)),
                Op::Call { callee, args, .. } => out.extend(call_forward(cx, *v, callee, args)),
                _ => unreachable!("handled as a primal statement"),
            },
            Stmt::Branch(b) => {
                let n = b.arms.len();
                let arms = b.arms.iter().enumerate().map(|(k, arm)| {
                    let body = forward_sweep(cx, &arm.stmts);
                    let yields = arm.yields.iter().map(|y| cx.owned(*y));
                    let tail = arm.tail.as_ref().filter(|_| b.inactive_result.is_some());
                    let tail = tail.map(|t| quote!(#t,));
                    let saved = saved(cx, &arm.stmts);
                    let record = (0..n).map(|j| {
                        if j == k {
                            quote!(::core::option::Option::Some((#(#saved,)*)))
                        } else {
                            quote!(::core::option::Option::None)
                        }
                    });
                    quote!(#body (#(#yields,)* #tail (#(#record,)*)))
                });
                let head = branch_head(&b.head, arms.collect());
                let phis = b.phis.iter().map(|p| cx.primal(*p));
                let result = b.inactive_result.as_ref().map(|r| quote!(#r,));
                let record = &b.record;
                out.extend(quote!(let (#(#phis,)* #result #record) = #head;));
            }
            Stmt::Loop(l) => {
                let stack = &l.stack;
                let count = trips(l);
                let mut before = quote!(let mut #count: usize = 0;);
                let mut enter = TokenStream::new();
                let mut leave = TokenStream::new();
                let mut after = TokenStream::new();
                for (c, next) in l.carried.iter().zip(&l.body.yields) {
                    let x = carry(cx, c.phi, "carry");
                    let (init, phi, next, exit) = (
                        cx.owned(c.init),
                        cx.primal(c.phi),
                        cx.owned(*next),
                        cx.primal(c.exit),
                    );
                    before.extend(quote!(let mut #x = #init;));
                    enter.extend(quote!(let #phi = #x;));
                    leave.extend(quote!(#x = #next;));
                    after.extend(quote!(let #exit = #x;));
                }
                let body = forward_sweep(cx, &l.body.stmts);
                if let Some(r) = recompute(cx, l) {
                    // Nothing kept per iteration but the carried values a partial reads and
                    // the indices that read a counter.
                    let phis: Vec<_> = l.carried.iter().map(|c| cx.primal(c.phi)).collect();
                    let (floats, indices) = flat_stacks();
                    let mut push = TokenStream::new();
                    if r.needs_phis && !phis.is_empty() {
                        push.extend(quote!(#floats.push_all([#(#phis),*]);));
                    }
                    if !r.pushed.is_empty() {
                        let pushed = &r.pushed;
                        push.extend(quote!(#indices.push_all([#(#pushed),*]);));
                    }
                    if let Some(sums) = cx.sums.get(&stack.to_string()) {
                        out.extend(unit_adjoints(cx, l, sums));
                        push = unit_step(cx, l, sums);
                    }
                    let (pat, lo, hi, start, end) = (&r.pat, &r.lo, &r.hi, &r.start, &r.end);
                    before = quote!(let #lo = #start; let #hi = #end;);
                    for (c, _) in l.carried.iter().zip(&l.body.yields) {
                        let (x, init) = (carry(cx, c.phi, "carry"), cx.owned(c.init));
                        before.extend(quote!(let mut #x = #init;));
                    }
                    out.extend(
                        quote!(#before for #pat in #lo..#hi { #enter #body #leave #push } #after),
                    );
                    continue;
                }
                if let Some(sums) = cx.sums.get(&stack.to_string()) {
                    // Each iteration's records are read back at once, by its backward step.
                    let units = unit_adjoints(cx, l, sums);
                    let step = unit_step(cx, l, sums);
                    let looped = loop_head(l, quote!(#enter #body #leave #step), &[]);
                    out.extend(quote!(#units #before #looped #after));
                    continue;
                }
                let looped = if flat(cx, l) {
                    let (floats, indices) = flat_stacks();
                    let (f, i) = split_items(loop_items(cx, l));
                    let reserve: Vec<(Ident, usize)> =
                        [(floats.clone(), f.len()), (indices.clone(), i.len())]
                            .into_iter()
                            .filter(|(_, n)| *n > 0)
                            .collect();
                    let mut pushes = TokenStream::new();
                    if !f.is_empty() {
                        pushes.extend(quote!(#floats.push_all([#(#f),*]);));
                    }
                    if !i.is_empty() {
                        pushes.extend(quote!(#indices.push_all([#(#i),*]);));
                    }
                    loop_head(
                        l,
                        quote!(#enter #body #leave #pushes #count += 1;),
                        &reserve,
                    )
                } else {
                    let again: Vec<String> = computed_again(cx, l)
                        .iter()
                        .map(|(x, _)| x.to_string())
                        .collect();
                    let mut saved = saved(cx, &l.body.stmts);
                    saved.retain(|x| !again.contains(&x.to_string()));
                    // A phi is saved only where a nested region needs a zero of its type.
                    let phis: Vec<_> = l
                        .carried
                        .iter()
                        .filter(|c| cx.primal_needed.contains(&c.phi))
                        .map(|c| cx.primal(c.phi))
                        .collect();
                    let pat = kept_pattern(cx, l);
                    loop_head(
                        l,
                        quote!(#enter #body #leave #stack.push(((#(#phis,)*), (#(#saved,)*) #pat)); #count += 1;),
                        &[(stack.clone(), 1)],
                    )
                };
                out.extend(quote!(#before #looped #after));
            }
            Stmt::Buffer(c) => {
                let (x, xbar) = (cx.container(*c), cx.container_adjoint(*c));
                out.extend(quote!(let mut #xbar = ::autodiff::__private::zero_like(&#x);));
            }
            Stmt::Store {
                container,
                index,
                expr,
                value,
            } => {
                out.extend(cx.store(*container, index, expr, value));
            }
            _ => unreachable!("handled as a primal statement"),
        }
    }
    out
}

struct Reverse<'a> {
    cx: &'a Cx<'a>,
    /// Values whose adjoint local is declared in the current scope.
    live: BTreeSet<ValueId>,
    /// Values whose adjoint local is a reference to the adjoint of the sum they are a term
    /// of: the same vector or matrix, read in place rather than copied.
    shared: BTreeSet<ValueId>,
    /// How many times each value is read as an operand, an argument or an output.
    uses: BTreeMap<ValueId, usize>,
    /// Element reads whose adjoints the loop being generated adds up in a local (see
    /// [`Recompute::invariant`]).
    hoisted: BTreeSet<ValueId>,
    /// Element reads a store adds to in place (`v[i] = v[i] + e`): the slot keeps its
    /// adjoint, which the read would otherwise take and give back.
    in_place: BTreeSet<ValueId>,
}

/// How many times each value is read as an operand, an argument or an output.
fn use_counts(cx: &Cx) -> BTreeMap<ValueId, usize> {
    let mut uses = BTreeMap::new();
    cx.each_used(&cx.func.body, &mut |u| *uses.entry(u).or_insert(0) += 1);
    for part in cx.func.result.parts() {
        if let Operand::Value(u) = part {
            *uses.entry(*u).or_insert(0) += 1;
        }
    }
    uses
}

impl<'a> Reverse<'a> {
    fn new(cx: &'a Cx<'a>) -> Self {
        Reverse {
            cx,
            live: BTreeSet::new(),
            shared: BTreeSet::new(),
            uses: use_counts(cx),
            hoisted: BTreeSet::new(),
            in_place: BTreeSet::new(),
        }
    }

    /// If the store at `stmts[at]` adds to the element it read (`v[i] = v[i] + e`, or
    /// `- e`): that read. The read is of the same container at the same index, written the
    /// same and pure, with only rules and reads between it and the store, and the read and
    /// the sum are used once each: the slot's adjoint is then the read's, and stays put.
    fn added_in_place(&self, stmts: &[Stmt], at: usize) -> Option<ValueId> {
        let cx = self.cx;
        let Stmt::Store {
            container,
            expr,
            value: Operand::Value(sum),
            ..
        } = &stmts[at]
        else {
            return None;
        };
        let Op::Rule { rule, args, .. } = &cx.func.values[*sum].op else {
            return None;
        };
        let once = |v: &ValueId| self.uses.get(v) == Some(&1);
        let same_read = |a: &Operand| match a {
            Operand::Value(r) => match &cx.func.values[*r].op {
                Op::Index {
                    container: c,
                    expr: e,
                    ..
                } if c == container && e.to_string() == expr.to_string() && once(r) => Some(*r),
                _ => None,
            },
            Operand::Inactive(_) => None,
        };
        let read = match (*rule, args.as_slice()) {
            ("add", [a, b]) => same_read(a).or_else(|| same_read(b))?,
            ("sub", [a, _]) => same_read(a)?,
            _ => return None,
        };
        let pure_code = |t: &TokenStream| {
            t.is_empty() || syn::parse2::<syn::Expr>(t.clone()).is_ok_and(|e| pure(&e))
        };
        let from = stmts[..at]
            .iter()
            .rposition(|s| matches!(s, Stmt::Def(v) if *v == read))?;
        // Nothing between the two index evaluations may move the index: only rules and reads
        // whose inactive code is pure.
        let between_rules = stmts[from + 1..at].iter().all(|s| match s {
            Stmt::Def(v) => match &cx.func.values[*v].op {
                Op::Rule { args, extra, .. } => {
                    extra.iter().all(pure_code)
                        && args.iter().all(|a| match a {
                            Operand::Inactive(t) => pure_code(t),
                            Operand::Value(_) => true,
                        })
                }
                Op::Index { expr, .. } => pure_code(expr),
                _ => false,
            },
            _ => false,
        });
        let pure_index = pure_code(expr);
        (once(sum) && pure_index && between_rules && !self.hoisted.contains(&read)).then_some(read)
    }

    /// The adjoint of `v` if anything contributed to it, or a zero of its type.
    fn adjoint_or_zero(&self, v: ValueId) -> TokenStream {
        if self.live.contains(&v) {
            let b = self.cx.adjoint(v);
            quote!(#b)
        } else {
            self.cx.zero_of(v)
        }
    }

    /// Whether term `a` of sum `v` may read `v`'s adjoint in place: both of the top level,
    /// `a` a vector or matrix made by a rule or a call and read nowhere else, so its adjoint
    /// is exactly `v`'s.
    fn shares(&self, a: ValueId, v: ValueId) -> bool {
        let cx = self.cx;
        cx.top_level(a)
            && cx.top_level(v)
            && cx.tainted.contains(&a)
            && matches!(cx.func.values[a].op, Op::Rule { .. } | Op::Call { .. })
            && self.uses.get(&a) == Some(&1)
    }

    /// The adjoint of `v` as a reference.
    fn adjoint_ref(&self, v: ValueId) -> TokenStream {
        let bar = self.cx.adjoint(v);
        if self.shared.contains(&v) {
            quote!(#bar)
        } else {
            quote!(&#bar)
        }
    }

    /// `v_bar += amount`, declaring `v_bar` at the first contribution.
    fn contribute(&mut self, v: ValueId, amount: TokenStream) -> TokenStream {
        let bar = self.cx.adjoint(v);
        if self.live.insert(v) {
            if self.cx.tainted.contains(&v) {
                // Perhaps one element's share of a `Vec`'s adjoint.
                quote!(let mut #bar = ::autodiff::__private::adjoint_from(#amount);)
            } else {
                quote!(let mut #bar = #amount;)
            }
        } else if self.cx.tainted.contains(&v) {
            // Perhaps a vector, matrix or array, which `+=` may not add.
            quote!(::autodiff::__private::accumulate(&mut #bar, #amount);)
        } else {
            quote!(#bar += #amount;)
        }
    }

    fn reverse_sweep(&mut self, stmts: &[Stmt]) -> TokenStream {
        let cx = self.cx;
        let mut out = TokenStream::new();
        for (at, stmt) in stmts.iter().enumerate().rev() {
            match stmt {
                Stmt::Def(v) if self.live.contains(v) => {
                    let bar = cx.adjoint(*v);
                    match &cx.func.values[*v].op {
                        Op::Rule { rule, args, .. } => {
                            let unit = |k: usize| matches!((*rule, k), ("add", _) | ("sub", 0));
                            let shares: Vec<bool> = args
                                .iter()
                                .enumerate()
                                .map(|(k, a)| {
                                    matches!(a, Operand::Value(a) if unit(k) && self.shares(*a, *v))
                                })
                                .collect();
                            // A term reading the sum's adjoint in place keeps it alive: nothing
                            // takes its memory then.
                            let last = if shares.contains(&true) || self.shared.contains(v) {
                                None
                            } else {
                                args.iter().rposition(|a| matches!(a, Operand::Value(_)))
                            };
                            let bar_ref = self.adjoint_ref(*v);
                            for (k, a) in args.iter().enumerate() {
                                if let (true, Operand::Value(a)) = (shares[k], a) {
                                    let abar = cx.adjoint(*a);
                                    out.extend(quote!(let #abar = #bar_ref;));
                                    self.live.insert(*a);
                                    self.shared.insert(*a);
                                    continue;
                                }
                                if let Operand::Value(a) = a {
                                    if self.in_place.contains(a) {
                                        continue;
                                    }
                                    let d = match (*rule, k) {
                                        _ if unit(k) => quote!(::autodiff::__private::One),
                                        ("sub", _) | ("neg", _) => {
                                            quote!(::autodiff::__private::MinusOne)
                                        }
                                        _ => {
                                            let d = cx.partial(*v, k);
                                            quote!(#d)
                                        }
                                    };
                                    // The adjoint's last use lends its memory.
                                    let amount = if Some(k) == last {
                                        quote!(::autodiff::__private::pull_owned(&#d, #bar))
                                    } else {
                                        quote!(::autodiff::__private::pull(&#d, #bar_ref))
                                    };
                                    out.extend(self.contribute(*a, amount));
                                }
                            }
                            // A vector or matrix partial of the top level is freed once used.
                            // (A pullback keeps them: it may run again.)
                            if cx.top_level(*v)
                                && !cx.split
                                && !unit_partials(rule)
                                && !cx.float_partials(*v)
                            {
                                for (k, a) in args.iter().enumerate() {
                                    if let Operand::Value(_) = a {
                                        let d = cx.partial(*v, k);
                                        out.extend(quote!(::core::mem::drop(#d);));
                                    }
                                }
                            }
                        }
                        Op::Index {
                            container, index, ..
                        } => {
                            let xbar = cx.container_adjoint(*container);
                            out.extend(if self.hoisted.contains(v) {
                                let acc = hoisted_adjoint(cx, *v);
                                quote!(::autodiff::__private::Lanes::add(&mut #acc, #bar);)
                            } else if cx.neighbours.contains(v) {
                                // Kept scalar: a vectorised pair of neighbouring elements would
                                // overlap the next iteration's pair, which defeats the
                                // processor's store-to-load forwarding.
                                quote!(#xbar[::autodiff::__private::opaque_index(#index)] += #bar;)
                            } else {
                                quote!(#xbar[#index] += #bar;)
                            });
                        }
                        Op::Call {
                            callee,
                            args,
                            arg_spans,
                        } => {
                            let grads: Vec<_> = (0..args.len())
                                .map(|k| {
                                    format_ident!(
                                        "{}_grad{}",
                                        cx.primal(*v),
                                        k,
                                        span = Span::mixed_site()
                                    )
                                })
                                .collect();
                            let bar = if self.shared.contains(v) {
                                quote!(::autodiff::__private::owned(#bar))
                            } else {
                                quote!(#bar)
                            };
                            if cx.keeps_pullback(*v) {
                                let pb = pullback_local(cx, *v);
                                out.extend(quote!(let (#(#grads,)*) = #pb(#bar);));
                            } else {
                                // Tapenade's way: the call runs again, forward and backward, on
                                // the arguments it had.
                                let f = cx.callee_fn(callee, "vjp_all");
                                let replay = call_replay_args(cx, *v, args);
                                let (floats, _) = flat_stacks();
                                let stacked_lens: Vec<Ident> = args
                                    .iter()
                                    .enumerate()
                                    .filter(|(_, a)| stacked(cx, *v, a))
                                    .map(|(k, _)| stacked_len(cx, *v, k))
                                    .collect();
                                let (lend, sinks, after) = call_sinks(cx, *v, args);
                                out.extend(lend);
                                cx.replays.borrow_mut().insert(*v);
                                if cx.split_calls.contains(v) {
                                    // What its forward sweep recorded, not a replay.
                                    let f = cx.callee_fn(callee, "backward");
                                    let (fs, is) = split_stacks(cx, *v);
                                    out.extend(quote!(let (#(#grads,)*) = #f(#(#replay,)* #bar, #(#sinks,)* &mut #fs, &mut #is);));
                                } else {
                                    out.extend(quote!(let (_, (#(#grads,)*)) = #f(#(#replay,)* #bar, #(#sinks),*);));
                                }
                                out.extend(after);
                                if !stacked_lens.is_empty() {
                                    out.extend(quote!(#floats.discard(#(#stacked_lens)+*);));
                                }
                            }
                            for (k, ((a, g), span)) in
                                args.iter().zip(&grads).zip(arg_spans).enumerate()
                            {
                                // Every token at the argument, so that a type error points there.
                                let at = |i: &Ident| {
                                    Ident::new(&i.to_string(), i.span().located_at(*span))
                                };
                                let g = at(g);
                                let adjoint = |like: &Ident| {
                                    let like = at(like);
                                    quote_spanned!(*span=> ::autodiff::__private::adjoint_like(&#like, #g))
                                };
                                match a {
                                    CallArg::Borrowed(Operand::Value(u)) => {
                                        // What the callee added into the copy it was lent, or
                                        // what it returned (a pullback was lent nothing).
                                        let arg = at(&call_arg_local(cx, *v, k));
                                        let copy = if cx.keeps_pullback(*v) {
                                            quote!(::autodiff::__private::zero_like(&#arg))
                                        } else {
                                            let c = lent_copy(cx, *v, k);
                                            quote!(#c)
                                        };
                                        let g = quote_spanned!(*span=> ::autodiff::__private::lent_adjoint(&#arg, #copy, #g));
                                        out.extend(self.contribute(*u, g))
                                    }
                                    CallArg::Scalar(Operand::Value(u)) => {
                                        let arg = call_arg_local(cx, *v, k);
                                        out.extend(self.contribute(*u, adjoint(&arg)))
                                    }
                                    CallArg::Container {
                                        container, range, ..
                                    } => {
                                        // What the callee did not add in place already.
                                        let xbar = at(&cx.container_adjoint(*container));
                                        let target = match range {
                                            Some((local, _)) => quote!(#xbar[#local.clone()]),
                                            None if lent(cx, *container) => quote!(#xbar[..]),
                                            None => quote!(#xbar),
                                        };
                                        out.extend(quote_spanned!(*span=>
                                            ::autodiff::__private::gather(&mut #target, #g);
                                        ));
                                    }
                                    _ => out.extend(quote!(let _ = #g;)),
                                }
                            }
                        }
                        Op::Whole(c) => {
                            let xbar = cx.container_adjoint(*c);
                            out.extend(
                                quote!(::autodiff::__private::accumulate(&mut #xbar, #bar);),
                            );
                        }
                        Op::Const(_) | Op::Param(_) | Op::Phi => {}
                    }
                }
                Stmt::Def(v) => {
                    // A call nothing reads the adjoint of is not replayed: what it kept on
                    // the float stack is dropped.
                    if let Op::Call { args, .. } = &cx.func.values[*v].op {
                        let (floats, _) = flat_stacks();
                        for (k, a) in args.iter().enumerate().rev() {
                            if stacked(cx, *v, a) {
                                let len = stacked_len(cx, *v, k);
                                out.extend(quote!(#floats.discard(#len);));
                            }
                        }
                    }
                }
                Stmt::Branch(b) => out.extend(self.reverse_branch(b)),
                Stmt::Loop(l) => out.extend(self.reverse_loop(l)),
                Stmt::Store {
                    container,
                    index,
                    value,
                    ..
                } => {
                    // The slot's adjoint moves to the stored value; the old content's starts at
                    // zero, unless the value adds to it in place.
                    let xbar = cx.container_adjoint(*container);
                    let slot = format_ident!("{}_bar", index, span = Span::mixed_site());
                    out.extend(quote!(let #slot = #xbar[#index];));
                    match self.added_in_place(stmts, at) {
                        Some(read) => {
                            self.in_place.insert(read);
                        }
                        None => out.extend(
                            quote!(#xbar[#index] = ::autodiff::__private::cleared(&#slot);),
                        ),
                    }
                    if let Operand::Value(u) = value {
                        out.extend(self.contribute(*u, quote!(#slot)));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Declares, before a region runs backwards, the adjoints of outer values it contributes
    /// to.
    fn declare_outer(
        &mut self,
        stmts: &[Stmt],
        extra_used: &[ValueId],
        extra_defined: &[ValueId],
    ) -> TokenStream {
        let cx = self.cx;
        let mut defined: BTreeSet<ValueId> = extra_defined.iter().copied().collect();
        Cx::each_defined(stmts, &mut |v| {
            defined.insert(v);
        });
        let mut used: BTreeSet<ValueId> = extra_used.iter().copied().collect();
        cx.each_used(stmts, &mut |v| {
            used.insert(v);
        });
        let mut out = TokenStream::new();
        for v in used.difference(&defined) {
            if self.live.insert(*v) {
                let (bar, zero) = (cx.adjoint(*v), cx.zero_of(*v));
                out.extend(quote!(let mut #bar = #zero;));
            }
        }
        out
    }

    /// Runs a loop's iterations backwards from its stack of records.
    fn reverse_loop(&mut self, l: &Loop) -> TokenStream {
        let cx = self.cx;
        if let Some(sums) = cx.sums.get(&l.stack.to_string()) {
            // The forward sweep gathered each iteration's share for a unit adjoint.
            let c = &l.carried[0];
            let bar = carry(cx, c.phi, "carry_bar");
            let exit_bar = self.adjoint_or_zero(c.exit);
            let mut out = quote!(let #bar = #exit_bar;);
            for k in &sums.only {
                let xbar = cx.container_adjoint(*k);
                // A lent parameter's adjoint is a `&mut [S]` already.
                let acc = if lent(cx, *k) {
                    quote!(#xbar)
                } else {
                    quote!(&mut #xbar)
                };
                out.extend(quote!(::autodiff::__private::scale_adjoint(#acc, #bar);));
            }
            for k in &sums.apart {
                let (xbar, unit) = (cx.container_adjoint(*k), unit_adjoint(cx, l, *k));
                out.extend(
                    quote!(::autodiff::__private::add_scaled(&mut #xbar[..], &#unit[..], #bar);),
                );
            }
            out.extend(self.contribute(c.init, quote!(#bar)));
            return out;
        }
        let phis: Vec<ValueId> = l.carried.iter().map(|c| c.phi).collect();
        let mut out = self.declare_outer(&l.body.stmts, &l.body.yields, &phis);
        for c in &l.carried {
            let xbar = carry(cx, c.phi, "carry_bar");
            let exit_bar = self.adjoint_or_zero(c.exit);
            out.extend(quote!(let mut #xbar = #exit_bar;));
        }
        let outer = self.live.clone();
        let hoisted = recompute(cx, l)
            .map(|r| r.invariant.clone())
            .unwrap_or_default();
        let outer_hoisted = std::mem::replace(&mut self.hoisted, hoisted.clone());
        let mut body = TokenStream::new();
        for (c, next) in l.carried.iter().zip(&l.body.yields) {
            let xbar = carry(cx, c.phi, "carry_bar");
            body.extend(self.contribute(*next, quote!(#xbar)));
        }
        body.extend(self.reverse_sweep(&l.body.stmts));
        for c in &l.carried {
            let xbar = carry(cx, c.phi, "carry_bar");
            let phi_bar = if self.live.contains(&c.phi) {
                let b = cx.adjoint(c.phi);
                quote!(#b)
            } else {
                quote!(::autodiff::__private::zero_like(&#xbar))
            };
            body.extend(quote!(#xbar = #phi_bar;));
        }
        self.live = outer;
        self.hoisted = outer_hoisted;
        if let Some(r) = recompute(cx, l) {
            // Run each iteration again, backwards, then its backward step.
            let (floats, indices) = flat_stacks();
            let phi_names: Vec<_> = phis.iter().map(|p| cx.primal(*p)).collect();
            // The iteration's changes to its counters are undone first.
            let mut restore = r.undo.clone();
            if !r.pushed.is_empty() {
                let pushed = &r.pushed;
                restore.extend(quote!(let [#(#pushed),*] = #indices.pop_all();));
            }
            restore.extend(if r.needs_phis && !phi_names.is_empty() {
                quote!(let [#(#phi_names),*] = #floats.pop_all();)
            } else {
                // No partial reads them: any value of their type serves.
                let zeros = l.carried.iter().map(|c| {
                    let (p, xbar) = (cx.primal(c.phi), carry(cx, c.phi, "carry_bar"));
                    quote!(let #p = ::autodiff::__private::zero_like(&#xbar);)
                });
                quote!(#(#zeros)*)
            });
            // Containers indexed by the pattern alone, cut to the range and indexed from its
            // start, so that the optimiser drops the bounds checks (the forward sweep read
            // the same elements).
            // Counters stepping by one are cut likewise, from their value less the count.
            let (pat, lo, hi) = (&r.pat, &r.lo, &r.hi);
            let mut bases = TokenStream::new();
            let mut cut: Vec<(ContainerId, bool, TokenStream, Ident)> =
                indexed_by(cx, r, l, &pat.to_string())
                    .into_iter()
                    .map(|(c, primal)| (c, primal, quote!(#lo..#hi), lo.clone()))
                    .collect();
            for counter in unit_counters(r, l) {
                let base = format_ident!("{}_base", counter, span = Span::mixed_site());
                let indexed = indexed_by(cx, r, l, &counter.to_string());
                if !indexed.is_empty() {
                    // The count as a `usize`, whatever the range's type.
                    bases.extend(quote!(
                        let #base = #counter
                            - ::core::iter::Iterator::size_hint(&(#lo..#hi)).0;
                    ));
                }
                cut.extend(
                    indexed
                        .into_iter()
                        .map(|(c, primal)| (c, primal, quote!(#base..#counter), base.clone())),
                );
            }
            let cut_set = cut
                .iter()
                .map(|(c, _, _, base)| (*c, base.clone()))
                .collect();
            let again = recompute_sweep(cx, r, &l.body.stmts, &cut_set);
            // Hoisted adjoints: declared before, added once after, if the loop ran.
            let mut flush = TokenStream::new();
            for v in &hoisted {
                let acc = hoisted_adjoint(cx, *v);
                out.extend(quote!(let mut #acc = ::autodiff::__private::Lanes::new();));
                if let Op::Index {
                    container,
                    index,
                    expr,
                } = &cx.func.values[*v].op
                {
                    let xbar = cx.container_adjoint(*container);
                    flush.extend(quote! {
                        let #index = #expr;
                        #xbar[#index] += ::autodiff::__private::Lanes::total(#acc);
                    });
                }
            }
            out.extend(if cut.is_empty() {
                quote! {
                    for #pat in (#lo..#hi).rev() {
                        #restore
                        #again
                        #body
                    }
                }
            } else {
                let mut cuts = bases;
                for (c, primal, range, _) in cut {
                    let (x, xbar) = (cx.container(c), cx.container_adjoint(c));
                    if primal {
                        cuts.extend(quote!(let #x = &#x[#range];));
                    }
                    cuts.extend(quote!(let #xbar = &mut #xbar[#range];));
                }
                let k = format_ident!("{}_k", lo, span = Span::mixed_site());
                quote! {
                    if #lo < #hi {
                        #cuts
                        for #k in (0..#hi - #lo).rev() {
                            let #pat = #lo + #k;
                            #restore
                            #again
                            #body
                        }
                    }
                }
            });
            if !flush.is_empty() {
                out.extend(quote!(if #lo < #hi { #flush }));
            }
            for c in &l.carried {
                let xbar = carry(cx, c.phi, "carry_bar");
                out.extend(self.contribute(c.init, quote!(#xbar)));
            }
            return out;
        }
        let stack = &l.stack;
        let count = trips(l);
        let replay = if flat(cx, l) {
            let (floats, indices) = flat_stacks();
            let (f, i) = split_items(loop_items(cx, l));
            let mut pops = TokenStream::new();
            if !i.is_empty() {
                pops.extend(quote!(let [#(#i),*] = #indices.pop_all();));
            }
            if !f.is_empty() {
                pops.extend(quote!(let [#(#f),*] = #floats.pop_all();));
            }
            let (again_locals, again_exprs): (Vec<_>, Vec<_>) =
                computed_again(cx, l).into_iter().unzip();
            pops.extend(quote!(#(let #again_locals = #again_exprs;)*));
            pops
        } else {
            let again = computed_again(cx, l);
            let mut saved = saved_patterns(cx, &l.body.stmts);
            saved.retain(|x| !again.iter().any(|(a, _)| *a == x.to_string()));
            let (again_locals, again_exprs): (Vec<_>, Vec<_>) = again.into_iter().unzip();
            let phi_names = phis
                .iter()
                .filter(|p| cx.primal_needed.contains(p))
                .map(|p| cx.primal(*p));
            let pat = kept_pattern(cx, l);
            quote! {
                let ::core::option::Option::Some(((#(#phi_names,)*), (#(#saved,)*) #pat)) = #stack.pop() else {
                    ::core::unreachable!()
                };
                #(let #again_locals = #again_exprs;)*
            }
        };
        let head = match (&l.head, ranged(cx, l)) {
            (LoopHead::For { pat, .. }, Some(range)) => quote!(for #pat in (#range).rev()),
            _ => quote!(for _ in 0..#count),
        };
        out.extend(quote! {
            #head {
                #replay
                #body
            }
        });
        for c in &l.carried {
            let xbar = carry(cx, c.phi, "carry_bar");
            out.extend(self.contribute(c.init, quote!(#xbar)));
        }
        out
    }

    fn reverse_branch(&mut self, b: &Branch) -> TokenStream {
        let cx = self.cx;
        // Adjoints of outer values that some arm contributes to are declared before the arms.
        let mut out = TokenStream::new();
        for arm in &b.arms {
            out.extend(self.declare_outer(&arm.stmts, &arm.yields, &[]));
        }
        let record = &b.record;
        let mut chain = Vec::new();
        for (k, arm) in b.arms.iter().enumerate() {
            let outer = self.live.clone();
            let mut body = TokenStream::new();
            for (p, y) in b.phis.iter().zip(&arm.yields) {
                if self.live.contains(p) {
                    let pbar = cx.adjoint(*p);
                    body.extend(self.contribute(*y, quote!(#pbar)));
                }
            }
            body.extend(self.reverse_sweep(&arm.stmts));
            self.live = outer;
            let saved = saved_patterns(cx, &arm.stmts);
            let k = syn::Index::from(k);
            chain.push(
                quote!(if let ::core::option::Option::Some((#(#saved,)*)) = #record.#k { #body }),
            );
        }
        out.extend(quote!(#(#chain)else*));
        out
    }
}
