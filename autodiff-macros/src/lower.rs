//! Lowering: the function body (syn) becomes the IR, with activity decided on the way.
//!
//! A value is active when it depends on an active parameter. Expressions that mention no
//! active variable are copied verbatim; the rest must be built from the rule table, reads
//! of active containers, calls to differentiable functions and structured control flow, or
//! they are reported as errors at their span.

use crate::errors::Errors;
use crate::ir::*;
use crate::sig::{FnSig, Shape};
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use std::collections::{BTreeSet, HashMap};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{BinOp, Expr, Ident, Pat, Stmt as SynStmt, UnOp};

mod chains;
mod labels;
mod views;

/// Iterator methods the chains over active values follow.
const CHAIN_ADAPTERS: &[&str] = &[
    "iter",
    "into_iter",
    "copied",
    "cloned",
    "zip",
    "enumerate",
    "skip",
    "take",
    "step_by",
    "rev",
    "map",
    "windows",
    "chunks",
    "chunks_exact",
];

/// Float methods with one float operand (the receiver).
const UNARY: &[&str] = &[
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "exp",
    "exp2",
    "exp_m1",
    "ln",
    "log2",
    "log10",
    "ln_1p",
    "sqrt",
    "cbrt",
    "abs",
    "signum",
    "recip",
    "to_degrees",
    "to_radians",
];
/// Float methods with two float operands.
pub const BINARY: &[&str] = &["atan2", "hypot", "powf", "log", "min", "max", "rem"];
/// Float methods with three float operands.
pub const TERNARY: &[&str] = &["clamp", "mul_add"];
/// Methods that read an active float and return something inactive.
const READERS: &[&str] = &[
    "is_nan",
    "is_finite",
    "is_infinite",
    "is_normal",
    "is_subnormal",
    "is_sign_positive",
    "is_sign_negative",
    "partial_cmp",
    "total_cmp",
    "classify",
    "to_string",
    "to_bits",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
];
/// Methods that grow a standard collection.
const GROWING: &[&str] = &[
    "push",
    "push_back",
    "push_front",
    "insert",
    "extend",
    "extend_from_slice",
    "append",
    "resize",
];
/// Methods whose derivative is zero almost everywhere.
const PIECEWISE_CONSTANT: &[&str] = &["floor", "ceil", "round", "trunc", "round_ties_even"];
/// Whether `f` is a `num_traits::ToPrimitive` conversion: a plain number out of an active
/// value.
fn is_conversion(f: &Ident) -> bool {
    TO_PRIMITIVE.contains(&f.to_string().as_str())
}

/// The conversion `e` is, by method or by path: `x.to_f64()`, `ToPrimitive::to_f64(&x)`,
/// `T::to_f64(&x)`, `num_traits::cast(x)`.
fn conversion(e: &Expr) -> Option<&Ident> {
    match e {
        Expr::MethodCall(m) if is_conversion(&m.method) => Some(&m.method),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => {
                let segments = &p.path.segments;
                let last = &segments.last()?.ident;
                let cast = last == "cast" && segments.iter().any(|s| s.ident == "num_traits");
                (is_conversion(last) || cast).then_some(last)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The `num_traits::ToPrimitive` conversions.
const TO_PRIMITIVE: &[&str] = &[
    "to_f64", "to_f32", "to_i8", "to_i16", "to_i32", "to_i64", "to_i128", "to_isize", "to_u8",
    "to_u16", "to_u32", "to_u64", "to_u128", "to_usize",
];
/// Macros that only read their arguments.
const READING_MACROS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "println",
    "print",
    "eprintln",
    "eprint",
    "format",
    "write",
    "writeln",
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
];

/// Paths whose functions are float math: `f64::floor`, `Float::floor`.
const FLOAT_TYPES: &[&str] = &[
    "f32",
    "f64",
    "Float",
    "FloatCore",
    "Real",
    "RealField",
    "ComplexField",
];

const USE_THE_TAPE: &str = "or compute this part on the eager tape (`autodiff::tape`)";

/// What a user variable holds at a point of the body.
#[derive(Clone, PartialEq)]
enum Binding {
    /// An active scalar.
    Active(ValueId),
    /// An active container.
    Container(ContainerId),
    /// Anything inactive: read verbatim.
    Inactive,
    /// A name declared without a value (`let z;`), inactive.
    Deferred,
    /// A closure bound by `let`; calls to it are inlined. `active` when its body reads an
    /// active variable.
    Closure {
        /// The closure as written.
        closure: Box<syn::ExprClosure>,
        /// Whether its body reads an active variable.
        active: bool,
        /// The active values its body captured where it was made: a call reads these, not
        /// what the names hold at the call.
        captures: Vec<(String, ValueId)>,
    },
}

type Scope = HashMap<String, Binding>;

/// Lowers a function body. Local buffers that the body writes active values into are found
/// by lowering again until no new one turns up.
pub fn lower(sig: &FnSig, body: &syn::Block, errors: &mut Errors) -> Function {
    let mut buffers = BTreeSet::new();
    // Each round adds a buffer or ends; a body has fewer buffers than identifiers.
    let bound = crate::codegen::idents(body.to_token_stream()).len();
    for _ in 0..=bound {
        let (_, wanted) = lower_with(sig, body, &buffers, &mut Errors::default());
        if wanted.is_subset(&buffers) {
            break;
        }
        buffers.extend(wanted);
    }
    lower_with(sig, body, &buffers, errors).0
}

/// One lowering, with the named local buffers active; also returns the buffers it found
/// written with active values.
fn lower_with(
    sig: &FnSig,
    body: &syn::Block,
    buffers: &BTreeSet<String>,
    errors: &mut Errors,
) -> (Function, BTreeSet<String>) {
    let changing = changing_names(body, sig);
    let matrix_locals = matrix_locals(body);
    let rebound = bound_in(body);
    // The names the top-level `let`s bind, each at its first binding.
    let mut top_lets: HashMap<String, Ident> = HashMap::new();
    for s in &body.stmts {
        if let SynStmt::Local(l) = s {
            for i in bound_names(&l.pat) {
                top_lets.entry(i.to_string()).or_insert(i);
            }
        }
    }
    let mut cx = Lower {
        values: Vec::new(),
        containers: Vec::new(),
        scopes: vec![Scope::new()],
        stmts: Vec::new(),
        errors,
        locals: 0,
        floats: sig.float_params.iter().map(|f| f.to_string()).collect(),
        buffers,
        wanted: BTreeSet::new(),
        idents: HashMap::new(),
        built: 0,
        views: HashMap::new(),
        params: sig.params.iter().map(|p| p.ident.to_string()).collect(),
        array_lens: sig
            .params
            .iter()
            .filter_map(|p| {
                let ty = match &p.ty {
                    syn::Type::Reference(r) => &*r.elem,
                    t => t,
                };
                match (p.shape, ty) {
                    (Some(Shape::Array { .. }), syn::Type::Array(a)) => {
                        Some((p.ident.to_string(), a.len.clone()))
                    }
                    _ => None,
                }
            })
            .collect(),
        vec_params: sig
            .params
            .iter()
            .filter(|p| matches!(p.shape, Some(Shape::Vec { .. })))
            .map(|p| p.ident.to_string())
            .collect(),
        matrices: sig
            .params
            .iter()
            .filter(|p| names_nalgebra(&p.ty.to_token_stream()))
            .map(|p| p.ident.to_string())
            .chain(matrix_locals.iter().cloned())
            .collect(),
        binding_params: false,
        float: sig.float_type().cloned(),
    };
    for (i, p) in sig.params.iter().enumerate() {
        let binding = match p.shape {
            Some(s) if s.is_container() => {
                // A parameter by reference whose name the body binds again is read by a name
                // of its own. One by value cannot be borrowed under it; a `let` in a nested
                // block ends before the backward sweep names the parameter.
                let name = p.ident.to_string();
                if let Some(again) = top_lets.get(&name).filter(|_| !s.by_ref()) {
                    cx.errors.push(
                        again.span(),
                        format!(
                            "the parameter `{name}` is taken by value and a `let` of the body \
                             binds its name again; take it by reference, or give the new \
                             binding another name"
                        ),
                    );
                }
                let alias = (s.by_ref() && rebound.contains(&name))
                    .then(|| format_ident!("{}_param", p.ident, span = Span::mixed_site()));
                cx.containers.push(Container {
                    name: p.ident.clone(),
                    param: Some(i),
                    whole: matches!(s, Shape::Matrix { .. }),
                    vec: false,
                    alias,
                });
                Binding::Container(cx.containers.len() - 1)
            }
            Some(s) => {
                let id = cx.values.len();
                // A parameter whose name the body binds again (`let x = y;`, `|x| ..`) gets a
                // primal of its own, which the new binding cannot hide.
                let name = if s == Shape::ScalarRef || rebound.contains(&p.ident.to_string()) {
                    Lower::value_name(&p.ident.to_string(), id)
                } else {
                    p.ident.clone()
                };
                // Then the body starts by binding it (`let x_0 = x;`, `let x_0 = *x;`).
                if name != p.ident {
                    cx.stmts.push(Stmt::Def(id));
                }
                cx.values.push(Value {
                    name,
                    op: Op::Param(i),
                    span: p.ident.span(),
                });
                Binding::Active(id)
            }
            None => Binding::Inactive,
        };
        cx.scopes[0].insert(p.ident.to_string(), binding);
        cx.idents.insert(p.ident.to_string(), p.ident.clone());
    }
    let parts = tuple_parts(&sig.output);
    let mut stmts = desugar_tuple_tail(
        desugar_exits(
            desugar_loop_returns(body.stmts.clone(), &parts),
            &function_exit,
        ),
        &parts,
    );
    // `x.map(f)` at the end is the buffer it fills.
    if let Some(SynStmt::Expr(tail @ Expr::MethodCall(m), None)) = stmts.last() {
        if m.method == "map" && cx.container_of(&m.receiver).is_some() {
            let mapped = format_ident!("mapped", span = Span::mixed_site());
            let tail = tail.clone();
            stmts.pop();
            stmts.push(syn::parse_quote!(let #mapped = #tail;));
            stmts.push(SynStmt::Expr(syn::parse_quote!(#mapped), None));
        }
    }
    // A `Vec` built at the end (`.collect()`, `.to_vec()`, `vec![..]`) is a buffer of the
    // result's type, filled there.
    let vec_result = matches!(&sig.output, syn::Type::Path(p)
        if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Vec"));
    if let Some(SynStmt::Expr(tail, None)) = stmts.last().filter(|_| vec_result) {
        let built = match tail {
            Expr::MethodCall(m) => {
                m.method == "collect" || m.method == "to_vec" || m.method == "clone"
            }
            Expr::Macro(m) => m.mac.path.is_ident("vec"),
            _ => false,
        };
        // (Whether it is active is known only once the body before it is lowered.)
        if built {
            let (filled, ty) = (
                format_ident!("filled", span = Span::mixed_site()),
                &sig.output,
            );
            let tail = tail.clone();
            stmts.pop();
            stmts.push(syn::parse_quote!(let #filled: #ty = #tail;));
            stmts.push(SynStmt::Expr(syn::parse_quote!(#filled), None));
        }
    }
    let result = match stmts.split_last() {
        // Whether the parts are active is known once the body before them is lowered (a
        // variable may become active in a loop).
        Some((SynStmt::Expr(tail @ (Expr::Tuple(_) | Expr::Array(_)), None), init)) => {
            cx.lower_stmts(init);
            match tail {
                Expr::Tuple(t) if cx.mentions_active(tail) => {
                    Output::Tuple(t.elems.iter().map(|e| cx.lower_expr(e)).collect())
                }
                Expr::Array(a) if cx.mentions_active(tail) => {
                    Output::Array(a.elems.iter().map(|e| cx.lower_expr(e)).collect())
                }
                _ => Output::Scalar(cx.lower_expr(tail)),
            }
        }
        Some((SynStmt::Expr(Expr::Path(p), None), init))
            if p.path
                .get_ident()
                .is_some_and(|i| buffers.contains(&i.to_string())) =>
        {
            cx.lower_stmts(init);
            match cx.lookup(&p.path.get_ident().unwrap().to_string()) {
                Some(Binding::Container(c)) if cx.containers[*c].param.is_none() => {
                    Output::Container(*c)
                }
                _ => Output::Scalar(cx.lower_expr(&Expr::Path(p.clone()))),
            }
        }
        _ => Output::Scalar(cx.lower_stmts(&stmts)),
    };
    let body = std::mem::take(&mut cx.stmts);
    let mut changing = changing;
    lowered_changes(&body, sig, &mut changing);
    (
        Function {
            values: cx.values,
            containers: cx.containers,
            body,
            result,
            changing,
            matrix_locals,
        },
        cx.wanted,
    )
}

/// A closure parameter and its argument with the reference taken off both where the
/// parameter takes a float by reference: `|&v: &f64|` and `|v: &f64|` (also `|&v|`) bind `v`,
/// untyped, to the argument, or to `e` for an argument `&e`. Other types are left as written.
fn by_value_param(p: &Pat, a: &Expr) -> (Pat, Expr) {
    // A reference to a type named by one plain name (`&f64`, `&T`): a float.
    let scalar = |ty: &syn::Type| {
        matches!(ty, syn::Type::Reference(r) if matches!(&*r.elem, syn::Type::Path(p)
            if p.qself.is_none() && p.path.get_ident().is_some()))
    };
    let (pat, by_ref_type) = match p {
        Pat::Type(t) if !scalar(&t.ty) => return (p.clone(), a.clone()),
        Pat::Type(t) => (&*t.pat, true),
        p => (p, false),
    };
    match (pat, a) {
        (Pat::Reference(r), Expr::Reference(e)) => ((*r.pat).clone(), (*e.expr).clone()),
        (Pat::Reference(r), a) => ((*r.pat).clone(), a.clone()),
        (pat, Expr::Reference(e)) if by_ref_type => (pat.clone(), (*e.expr).clone()),
        (pat, a) if by_ref_type => (pat.clone(), a.clone()),
        _ => (p.clone(), a.clone()),
    }
}

/// An item read through a reference, as a value: `*x.first().unwrap()` (or
/// `x.first().copied().unwrap()`) of a container `x` is its first element, read at
/// `first_index(x.len())`, which panics as the `unwrap` would; `last` likewise; and
/// `*x.iter()...max_by(..).unwrap()` is the same chain over `x.iter().copied()`.
fn item_by_value(e: &Expr) -> Option<Expr> {
    let Expr::MethodCall(unwrap) = e else {
        return None;
    };
    if unwrap.method != "unwrap" || !unwrap.args.is_empty() {
        return None;
    }
    let Expr::MethodCall(m) = &*unwrap.receiver else {
        return None;
    };
    // `x.first().copied().unwrap()`: the item itself, as `*x.first().unwrap()`.
    let m = match &*m.receiver {
        Expr::MethodCall(inner)
            if matches!(m.method.to_string().as_str(), "copied" | "cloned")
                && m.args.is_empty() =>
        {
            inner
        }
        _ => m,
    };
    // Of a container named: its first or last element, with `unwrap`'s panic if it is empty.
    let base = &m.receiver;
    let named = matches!(&**base, Expr::Path(p) if p.path.get_ident().is_some());
    let at = match m.method.to_string().as_str() {
        _ if !m.args.is_empty() => None,
        "first" => Some(quote!(first_index)),
        "last" => Some(quote!(last_index)),
        _ => None,
    };
    // Of a range of one (`x[1..]`, a window): the same, of the range bound to a name.
    let ranged = matches!(&**base, Expr::Index(i) if matches!(&*i.index, Expr::Range(_)));
    if let Some(at) = at {
        if ranged {
            let view = format_ident!("view", span = Span::mixed_site());
            return Some(syn::parse_quote!({
                let #view = &#base;
                #view[::autodiff::__private::#at(#view.len())]
            }));
        }
        return named.then(|| syn::parse_quote!(#base[::autodiff::__private::#at(#base.len())]));
    }
    // The chain down to its `iter()`, which yields the items by value instead.
    fn copied(e: &Expr) -> Option<Expr> {
        let Expr::MethodCall(m) = e else {
            return None;
        };
        if m.method == "iter" && m.args.is_empty() {
            return Some(syn::parse_quote!(#m.copied()));
        }
        let mut m = m.clone();
        *m.receiver = copied(&m.receiver)?;
        Some(Expr::MethodCall(m))
    }
    // Unwrapped where it was picked: a `.copied()` after the pick goes.
    let mut picked = unwrap.clone();
    *picked.receiver = Expr::MethodCall(m.clone());
    copied(&Expr::MethodCall(picked))
}

/// Whether `m` is `x.first().copied().unwrap()` or the same with `last`, `cloned`, or a
/// `max_by`/`min_by` before the copy, or `x.first().unwrap()` (a reference, which arithmetic
/// reads as its value): an item read by value, which [`item_by_value`] turns into an element
/// read or a chain over copies.
fn copied_first_or_last(m: &syn::ExprMethodCall) -> bool {
    let Expr::MethodCall(copied) = &*m.receiver else {
        return false;
    };
    let ends =
        |e: &syn::ExprMethodCall, picks: &[&str]| picks.contains(&e.method.to_string().as_str());
    if ends(copied, &["first", "last"]) && copied.args.is_empty() {
        return true;
    }
    let Expr::MethodCall(end) = &*copied.receiver else {
        return false;
    };
    matches!(copied.method.to_string().as_str(), "copied" | "cloned")
        && ((ends(end, &["first", "last"]) && end.args.is_empty())
            || ends(end, &["max_by", "min_by", "max_by_key", "min_by_key"]))
}

/// Whether a method chain ends in, or goes through, a method whose result is no float: an
/// index (`position`), a count, or a test (`any`, `is_nan`), unwrapped or defaulted after.
fn counts(m: &syn::ExprMethodCall) -> bool {
    const NO_FLOAT: &[&str] = &[
        "position",
        "rposition",
        "count",
        "any",
        "all",
        "is_nan",
        "is_finite",
        "is_infinite",
        "is_sign_negative",
        "is_sign_positive",
    ];
    const PASS: &[&str] = &[
        "unwrap",
        "unwrap_or",
        "unwrap_or_default",
        "expect",
        "is_some",
        "is_none",
    ];
    let method = m.method.to_string();
    NO_FLOAT.contains(&method.as_str())
        || enumerate_index(&Expr::MethodCall(m.clone()))
        || (PASS.contains(&method.as_str())
            && matches!(&*m.receiver, Expr::MethodCall(inner) if counts(inner)))
}

/// Whether `e` is the position an `enumerate()` chain picks, an integer: the argmax idiom
/// `x.iter().enumerate().max_by(..).map(|(i, _)| i)` (unwrapped after, see [`counts`]), or
/// `x.iter().enumerate().max_by(..).unwrap().0`; also with `min_by`, `*_by_key`, `find`.
fn enumerate_index(e: &Expr) -> bool {
    fn picked(e: &Expr) -> bool {
        const PICK: &[&str] = &[
            "max_by",
            "min_by",
            "max_by_key",
            "min_by_key",
            "find",
            "last",
            "next",
            "nth",
        ];
        fn enumerated(e: &Expr) -> bool {
            matches!(e, Expr::MethodCall(m) if m.method == "enumerate" || enumerated(&m.receiver))
        }
        matches!(e, Expr::MethodCall(m)
            if PICK.contains(&m.method.to_string().as_str()) && enumerated(&m.receiver))
    }
    // `.0` of an item: `|(i, _)| i` or `|p| p.0`.
    fn first_of(c: &syn::ExprClosure) -> bool {
        let [input] = c.inputs.iter().collect::<Vec<_>>()[..] else {
            return false;
        };
        let named = |p: &Pat| match p {
            Pat::Ident(i) if i.subpat.is_none() => Some(i.ident.clone()),
            _ => None,
        };
        match (input, &*c.body) {
            (Pat::Tuple(t), Expr::Path(p)) => t
                .elems
                .first()
                .and_then(named)
                .is_some_and(|i| t.elems.len() == 2 && p.path.is_ident(&i)),
            (p, Expr::Field(f)) => {
                matches!(&f.member, syn::Member::Unnamed(k) if k.index == 0)
                    && matches!((&*f.base, named(p)), (Expr::Path(b), Some(i)) if b.path.is_ident(&i))
            }
            _ => false,
        }
    }
    match e {
        Expr::MethodCall(m) if m.method == "map" => {
            matches!(&m.args.first(), Some(Expr::Closure(c)) if m.args.len() == 1 && first_of(c))
                && picked(&m.receiver)
        }
        Expr::Field(f) => {
            matches!(&f.member, syn::Member::Unnamed(k) if k.index == 0)
                && matches!(&*f.base, Expr::MethodCall(u)
                    if (u.method == "unwrap" || u.method == "expect") && picked(&u.receiver))
        }
        _ => false,
    }
}

/// Whether a block only reports and stops: messages, then `panic!`, `unreachable!`, `todo!`
/// or `unimplemented!`.
fn stops(block: &syn::Block) -> bool {
    let name = |s: &SynStmt| match s {
        SynStmt::Macro(m) => m.mac.path.get_ident().map(|i| i.to_string()),
        SynStmt::Expr(Expr::Macro(m), _) => m.mac.path.get_ident().map(|i| i.to_string()),
        _ => None,
    };
    let stopping = ["panic", "unreachable", "todo", "unimplemented"];
    let reporting = ["eprintln", "println", "eprint", "print"];
    block.stmts.split_last().is_some_and(|(last, before)| {
        name(last).is_some_and(|n| stopping.contains(&n.as_str()))
            && before
                .iter()
                .all(|s| name(s).is_some_and(|n| reporting.contains(&n.as_str())))
    })
}

/// The span of a `#[cfg(..)]` on a statement, if it has one.
fn configured(stmt: &SynStmt) -> Option<Span> {
    use proc_macro2::TokenTree;
    let mut tokens = stmt.to_token_stream().into_iter();
    while let (Some(TokenTree::Punct(p)), Some(TokenTree::Group(g))) =
        (tokens.next(), tokens.next())
    {
        if p.as_char() != '#' {
            return None;
        }
        if matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "cfg") {
            return Some(g.span());
        }
    }
    None
}

/// The argument of `x.sin_cos()` or `T::sin_cos(x)`, if the expression is one.
fn sin_cos_of(e: &Expr) -> Option<&Expr> {
    match e {
        Expr::MethodCall(m) if m.method == "sin_cos" && m.args.is_empty() => Some(&m.receiver),
        Expr::Call(c) if c.args.len() == 1 => match &*c.func {
            Expr::Path(p)
                if p.path.segments.len() == 2
                    && p.path.segments.last().is_some_and(|s| s.ident == "sin_cos") =>
            {
                c.args.first()
            }
            _ => None,
        },
        _ => None,
    }
}

/// `let v = vec![x; n];` as `let v = filled(x, n);`, which allocates without `calloc` (see
/// `autodiff_runtime::space::filled`), if the `let` is one.
fn zeroed_buffer(local: &syn::Local) -> Option<TokenStream> {
    let init = local.init.as_ref()?;
    let syn::Expr::Macro(m) = &*init.expr else {
        return None;
    };
    if !m.mac.path.is_ident("vec") {
        return None;
    }
    let tokens = &m.mac.tokens;
    let repeat = syn::parse2::<syn::ExprRepeat>(quote!([#tokens])).ok()?;
    let (pat, x, n) = (&local.pat, &repeat.expr, &repeat.len);
    let attrs = &local.attrs;
    Some(
        quote_spanned!(init.expr.span()=> #(#attrs)* let #pat = ::autodiff::__private::filled(#x, #n);),
    )
}

/// Every name a pattern in the body binds (`let`, `for`, closure parameters, `match` arms).
fn bound_in(body: &syn::Block) -> BTreeSet<String> {
    struct Bound(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Bound {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.0.insert(p.ident.to_string());
            syn::visit::visit_pat_ident(self, p);
        }
    }
    let mut b = Bound(BTreeSet::new());
    b.visit_block(body);
    b.0
}

/// Adds the names the lowered statements' own code changes: desugared chains bind counters
/// the user did not write (`let mut slot = 0;` .. `slot += 1;`).
fn lowered_changes(stmts: &[Stmt], sig: &FnSig, out: &mut BTreeSet<String>) {
    for s in stmts {
        match s {
            Stmt::Verbatim(t) => {
                if let Ok(block) = syn::parse2::<syn::Block>(quote!({ #t })) {
                    out.extend(changing_names(&block, sig));
                }
            }
            Stmt::Loop(l) => lowered_changes(&l.body.stmts, sig, out),
            Stmt::Branch(b) => b
                .arms
                .iter()
                .for_each(|a| lowered_changes(&a.stmts, sig, out)),
            _ => {}
        }
    }
}

/// The locals bound to a nalgebra vector or matrix (see [`Function::matrix_locals`]): by a
/// type annotation naming one, or by an expression that builds one (see [`builds_matrix`]).
fn matrix_locals(body: &syn::Block) -> BTreeSet<String> {
    struct Lets(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Lets {
        fn visit_local(&mut self, l: &'ast syn::Local) {
            let (name, ty) = match &l.pat {
                Pat::Ident(i) => (Some(&i.ident), None),
                Pat::Type(t) => match &*t.pat {
                    Pat::Ident(i) => (Some(&i.ident), Some(&*t.ty)),
                    _ => (None, None),
                },
                _ => (None, None),
            };
            let built = match (ty, &l.init) {
                (Some(ty), _) => names_nalgebra(&ty.to_token_stream()),
                (None, Some(init)) => builds_matrix(&init.expr, &self.0),
                _ => false,
            };
            if let (Some(name), true) = (name, built) {
                self.0.insert(name.to_string());
            }
            syn::visit::visit_local(self, l);
        }
    }
    let mut lets = Lets(BTreeSet::new());
    lets.visit_block(body);
    lets.0
}

/// Whether `e` builds a nalgebra vector or matrix: a constructor (`Vector3::new(..)`,
/// `DMatrix::zeros(..)`), a `vector![..]`-like macro, a local known to hold one (`known`), and
/// sums, products, negations and element-wise methods of those. A method that reduces
/// (`norm`, `dot`) or anything else is not.
fn builds_matrix(e: &Expr, known: &BTreeSet<String>) -> bool {
    match e {
        // A constructor: `Vector3::dot(&a, &b)` names the type too but gives a float.
        Expr::Call(c) => {
            let constructor = matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| {
                let name = s.ident.to_string();
                name.starts_with("from") || matches!(name.as_str(), "new" | "zeros" | "identity" | "repeat" | "x" | "y" | "z" | "w")
            }));
            constructor && names_nalgebra(&c.func.to_token_stream())
        }
        Expr::Macro(m) => m.mac.path.segments.last().is_some_and(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "vector" | "matrix" | "dvector" | "dmatrix" | "point"
            )
        }),
        Expr::Path(p) => p
            .path
            .get_ident()
            .is_some_and(|i| known.contains(&i.to_string())),
        Expr::Paren(p) => builds_matrix(&p.expr, known),
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => builds_matrix(&u.expr, known),
        Expr::Binary(b)
            if matches!(
                b.op,
                BinOp::Add(_) | BinOp::Sub(_) | BinOp::Mul(_) | BinOp::Div(_)
            ) =>
        {
            builds_matrix(&b.left, known) || builds_matrix(&b.right, known)
        }
        Expr::MethodCall(m) => {
            matches!(
                m.method.to_string().as_str(),
                "clone"
                    | "transpose"
                    | "normalize"
                    | "component_mul"
                    | "component_div"
                    | "cross"
                    | "map"
                    | "scale"
                    | "abs"
                    | "add_scalar"
                    | "into_owned"
            ) && builds_matrix(&m.receiver, known)
        }
        _ => false,
    }
}

/// The variables that change while the body runs: declared `mut` (parameters included),
/// assigned, or bound by a `for` loop.
fn changing_names(body: &syn::Block, sig: &FnSig) -> BTreeSet<String> {
    struct Changing(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Changing {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            if p.mutability.is_some() {
                self.0.insert(p.ident.to_string());
            }
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            self.assigned(&a.left);
            syn::visit::visit_expr_assign(self, a);
        }
        fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
            if compound_rule(&b.op).is_some()
                || matches!(
                    b.op,
                    BinOp::RemAssign(_)
                        | BinOp::BitAndAssign(_)
                        | BinOp::BitOrAssign(_)
                        | BinOp::BitXorAssign(_)
                        | BinOp::ShlAssign(_)
                        | BinOp::ShrAssign(_)
                )
            {
                self.assigned(&b.left);
            }
            syn::visit::visit_expr_binary(self, b);
        }
        fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
            let mut names = Vec::new();
            struct Idents<'a>(&'a mut Vec<String>);
            impl<'ast> Visit<'ast> for Idents<'_> {
                fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
                    self.0.push(p.ident.to_string());
                }
            }
            Idents(&mut names).visit_pat(&f.pat);
            self.0.extend(names);
            syn::visit::visit_expr_for_loop(self, f);
        }
    }
    impl Changing {
        /// The place an assignment changes: of `v[i] = ..` or `s.f = ..`, `v` or `s`, not
        /// the index (whose own side effects the visit finds).
        fn assigned(&mut self, e: &Expr) {
            match e {
                Expr::Index(i) => return self.assigned(&i.expr),
                Expr::Field(f) => return self.assigned(&f.base),
                Expr::Paren(p) => return self.assigned(&p.expr),
                _ => {}
            }
            let mut names = Vec::new();
            Mentions { names: &mut names }.visit_expr(e);
            self.0.extend(names.into_iter().map(|(n, _)| n));
        }
    }
    let mut c = Changing(BTreeSet::new());
    c.visit_block(body);
    for p in &sig.params {
        c.visit_pat(&p.pat);
    }
    c.0
}

/// Decides which expressions leave the block being desugared (`return` from a function,
/// `continue` or `break` from a loop body) and what each becomes at the end of its arm.
type Exit<'a> = &'a dyn Fn(&Expr) -> Option<Expr>;

/// Whether a block holds a `return` of the function (not of a closure or item inside).
fn returns_inside(b: &syn::Block) -> bool {
    struct Returns(bool);
    impl<'ast> Visit<'ast> for Returns {
        fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
            self.0 = true;
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut r = Returns(false);
    r.visit_block(b);
    r.0
}

/// `return e` ends a function body with `e`.
fn function_exit(e: &Expr) -> Option<Expr> {
    match e {
        Expr::Return(r) => Some(
            r.expr
                .as_deref()
                .cloned()
                .unwrap_or_else(|| syn::parse_quote!(())),
        ),
        _ => None,
    }
}

/// A `return` inside a loop of the function body stores its value, sets a flag and breaks;
/// after the loop the rest of the body runs only when the flag is unset:
/// `for .. { if c { return e; } .. } rest` is
/// `for .. { if c { ret = e; returned = true; break; } .. } if returned { ret } else { rest }`.
///
/// A function returning a tuple of floats (of types `parts`) keeps one variable per part.
fn desugar_loop_returns(mut stmts: Vec<SynStmt>, parts: &[syn::Type]) -> Vec<SynStmt> {
    let returned = format_ident!("returned", span = Span::mixed_site());
    let value = format_ident!("returned_value", span = Span::mixed_site());
    let values = part_locals("returned_value", parts.len());
    for i in 0..stmts.len() {
        let SynStmt::Expr(e @ (Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_)), _) = &stmts[i]
        else {
            continue;
        };
        let mut looped = e.clone();
        let mut rewrite = LoopReturns {
            returned: &returned,
            value: &value,
            values: &values,
            found: false,
            depth: 0,
        };
        syn::visit_mut::VisitMut::visit_expr_mut(&mut rewrite, &mut looped);
        if !rewrite.found {
            continue;
        }
        let rest = desugar_loop_returns(stmts.split_off(i + 1), parts);
        stmts.truncate(i);
        stmts.push(syn::parse_quote!(let mut #returned = false;));
        let returned_value: Expr = if values.is_empty() {
            stmts.push(syn::parse_quote!(let mut #value = ::autodiff::__private::zero();));
            syn::parse_quote!(#value)
        } else {
            stmts.extend(zeroed_parts(&values, parts));
            syn::parse_quote!((#(#values),*))
        };
        stmts.push(SynStmt::Expr(looped, Some(Default::default())));
        stmts.push(SynStmt::Expr(
            syn::parse_quote!(if #returned { #returned_value } else { #(#rest)* }),
            None,
        ));
        return stmts;
    }
    stmts
}

/// Rewrites the `return`s of one loop's body and of the loops nested in it (not of closures).
struct LoopReturns<'a> {
    returned: &'a Ident,
    value: &'a Ident,
    /// One variable per part of a tuple result (none for one value).
    values: &'a [Ident],
    found: bool,
    /// Loops entered, the rewritten one included.
    depth: usize,
}

impl syn::visit_mut::VisitMut for LoopReturns<'_> {
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        let mut out = Vec::with_capacity(b.stmts.len());
        for mut stmt in std::mem::take(&mut b.stmts) {
            match &stmt {
                SynStmt::Expr(Expr::Return(r), _) if self.depth >= 1 => {
                    self.found = true;
                    let e = r
                        .expr
                        .as_deref()
                        .cloned()
                        .unwrap_or_else(|| syn::parse_quote!(()));
                    let (returned, value) = (self.returned, self.value);
                    if self.values.is_empty() {
                        out.push(syn::parse_quote!(#value = #e;));
                    } else {
                        out.push(SynStmt::Expr(assign_parts(e, self.values), None));
                    }
                    out.push(syn::parse_quote!(#returned = true;));
                    out.push(syn::parse_quote!(break;));
                }
                // A loop nested in the rewritten one: a `return` in it breaks out of it, and
                // then out of each loop around it.
                SynStmt::Expr(Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_), _)
                    if self.depth >= 1 =>
                {
                    let before = self.found;
                    self.found = false;
                    self.visit_stmt_mut(&mut stmt);
                    out.push(stmt);
                    if self.found {
                        let returned = self.returned;
                        out.push(syn::parse_quote!(if #returned { break; }));
                    }
                    self.found |= before;
                }
                _ => {
                    self.visit_stmt_mut(&mut stmt);
                    out.push(stmt);
                }
            }
        }
        b.stmts = out;
    }
    fn visit_expr_for_loop_mut(&mut self, l: &mut syn::ExprForLoop) {
        self.enter(|v| syn::visit_mut::visit_expr_for_loop_mut(v, l));
    }
    fn visit_expr_while_mut(&mut self, l: &mut syn::ExprWhile) {
        self.enter(|v| syn::visit_mut::visit_expr_while_mut(v, l));
    }
    fn visit_expr_loop_mut(&mut self, l: &mut syn::ExprLoop) {
        self.enter(|v| syn::visit_mut::visit_expr_loop_mut(v, l));
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        if self.depth >= 1 {
            braced(arm);
        }
        syn::visit_mut::visit_arm_mut(self, arm);
    }
}

/// An arm written without braces (`0 => for .. { .. }`, `0 => return x,`, `2 => break 'a,`)
/// made a block, so that its loop or exit is a statement, where the rewrites of exits place
/// their tests after it.
fn braced(arm: &mut syn::Arm) {
    if !matches!(&*arm.body, Expr::Block(b) if b.label.is_none()) {
        let body = &arm.body;
        *arm.body = syn::parse_quote!({ #body });
    }
}

impl LoopReturns<'_> {
    /// The loop being rewritten is the outermost one visited.
    fn enter(&mut self, f: impl FnOnce(&mut Self)) {
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }
}

/// The types of the parts of a tuple result type, if it is a tuple of two or more.
fn tuple_parts(output: &syn::Type) -> Vec<syn::Type> {
    match output {
        syn::Type::Tuple(t) if t.elems.len() >= 2 => t.elems.iter().cloned().collect(),
        syn::Type::Paren(p) => tuple_parts(&p.elem),
        _ => Vec::new(),
    }
}

/// One local per part of a tuple result.
fn part_locals(base: &str, parts: usize) -> Vec<Ident> {
    (0..parts)
        .map(|k| format_ident!("{}_{}", base, k, span = Span::mixed_site()))
        .collect()
}

/// `let mut part: T = zero();` for each part, of its type in the result.
fn zeroed_parts(parts: &[Ident], types: &[syn::Type]) -> Vec<SynStmt> {
    parts
        .iter()
        .zip(types)
        .map(|(p, t)| syn::parse_quote!(let mut #p: #t = ::autodiff::__private::zero();))
        .collect()
}

/// An expression of a tuple of floats, as statements assigning its parts to `parts`: a tuple
/// written out part by part, the arms of an `if`, a `match` or a block each in turn, and any
/// other tuple destructured first.
fn assign_parts(e: Expr, parts: &[Ident]) -> Expr {
    match e {
        Expr::Tuple(t) if t.elems.len() == parts.len() => {
            let elems = t.elems.iter();
            syn::parse_quote!({ #(#parts = #elems;)* })
        }
        Expr::Paren(p) => assign_parts(*p.expr, parts),
        Expr::Block(mut b) if b.label.is_none() => {
            assign_block_tail(&mut b.block, parts);
            Expr::Block(b)
        }
        Expr::If(mut i) => {
            assign_block_tail(&mut i.then_branch, parts);
            if let Some((_, other)) = i.else_branch.take() {
                let other = assign_parts(*other, parts);
                i.else_branch = Some((Default::default(), Box::new(other)));
            }
            Expr::If(i)
        }
        Expr::Match(mut m) => {
            for arm in &mut m.arms {
                let body = std::mem::replace(&mut *arm.body, syn::parse_quote!(()));
                *arm.body = assign_parts(body, parts);
                arm.comma.get_or_insert_with(Default::default);
            }
            Expr::Match(m)
        }
        other => {
            let taken = part_locals("part", parts.len());
            syn::parse_quote!({ let (#(#taken),*) = #other; #(#parts = #taken;)* })
        }
    }
}

/// [`assign_parts`] for the value a block ends with; a block that ends otherwise (a `return`,
/// a `panic!`) is left as it is.
fn assign_block_tail(b: &mut syn::Block, parts: &[Ident]) {
    if let Some(SynStmt::Expr(tail, None)) = b.stmts.pop() {
        b.stmts.push(SynStmt::Expr(assign_parts(tail, parts), None));
    } else if let Some(last) = b.stmts.pop() {
        b.stmts.push(last);
    }
}

/// A body that ends with a tuple of floats computed in arms (`if c { (a, b) } else { .. }`)
/// ends with a tuple of variables instead, which each arm assigns: results of one float each
/// are what branches merge.
fn desugar_tuple_tail(mut stmts: Vec<SynStmt>, parts: &[syn::Type]) -> Vec<SynStmt> {
    let tail = match stmts.pop() {
        Some(SynStmt::Expr(tail @ (Expr::If(_) | Expr::Match(_) | Expr::Block(_)), None))
            if !parts.is_empty() =>
        {
            tail
        }
        last => {
            stmts.extend(last);
            return stmts;
        }
    };
    let results = part_locals("result_part", parts.len());
    stmts.extend(zeroed_parts(&results, parts));
    stmts.push(SynStmt::Expr(assign_parts(tail, &results), None));
    stmts.push(SynStmt::Expr(syn::parse_quote!((#(#results),*)), None));
    stmts
}

/// The statement macro that marks a block whose early exits could not be placed.
const UNPLACED_EXIT: &str = "__unplaced_exit";

/// Early exits become if/else: `if c { ..; return a; } rest` is `if c { ..; a } else { rest }`.
fn desugar_exits(mut stmts: Vec<SynStmt>, exit: Exit) -> Vec<SynStmt> {
    for i in 0..stmts.len() {
        let rest: Vec<SynStmt> = stmts[i + 1..].to_vec();
        match &stmts[i] {
            SynStmt::Expr(e, _) if exit(e).is_some() => {
                let value = exit(e).unwrap();
                stmts.truncate(i);
                stmts.push(SynStmt::Expr(value, None));
                return stmts;
            }
            SynStmt::Expr(Expr::If(e), _) if if_exits(e, exit) => {
                let rewritten = rewrite_if(e.clone(), &rest, exit);
                stmts.truncate(i);
                stmts.push(SynStmt::Expr(Expr::If(rewritten), None));
                return stmts;
            }
            SynStmt::Expr(Expr::Match(m), _) if match_exits(m, exit) => {
                let rewritten = rewrite_match(m.clone(), &rest, exit);
                stmts.truncate(i);
                stmts.push(SynStmt::Expr(Expr::Match(rewritten), None));
                return stmts;
            }
            _ => {}
        }
    }
    stmts
}

/// Whether some path through a block ends in an exit.
fn block_exits(b: &syn::Block, exit: Exit) -> bool {
    match b.stmts.last() {
        Some(SynStmt::Expr(e, _)) => expr_exits(e, exit),
        _ => false,
    }
}

/// Whether some path through an expression ends in an exit.
fn expr_exits(e: &Expr, exit: Exit) -> bool {
    match e {
        Expr::If(i) => if_exits(i, exit),
        Expr::Match(m) => match_exits(m, exit),
        Expr::Block(b) if b.label.is_none() => block_exits(&b.block, exit),
        e => exit(e).is_some(),
    }
}

fn if_exits(e: &syn::ExprIf, exit: Exit) -> bool {
    block_exits(&e.then_branch, exit)
        || e.else_branch
            .as_ref()
            .is_some_and(|(_, e)| expr_exits(e, exit))
}

fn match_exits(m: &syn::ExprMatch, exit: Exit) -> bool {
    m.arms.iter().any(|a| expr_exits(&a.body, exit))
}

/// Whether every path through an expression ends in an exit.
fn always_exits(e: &Expr, exit: Exit) -> bool {
    match e {
        Expr::If(i) => {
            i.then_branch
                .stmts
                .last()
                .is_some_and(|s| matches!(s, SynStmt::Expr(e, _) if always_exits(e, exit)))
                && i.else_branch
                    .as_ref()
                    .is_some_and(|(_, e)| always_exits(e, exit))
        }
        Expr::Match(m) => m.arms.iter().all(|a| always_exits(&a.body, exit)),
        Expr::Block(b) if b.label.is_none() => b
            .block
            .stmts
            .last()
            .is_some_and(|s| matches!(s, SynStmt::Expr(e, _) if always_exits(e, exit))),
        e => exit(e).is_some(),
    }
}

/// A `match` some of whose arms exit: each arm as an arm of an `if` (see [`rewrite_arm`]).
fn rewrite_match(mut m: syn::ExprMatch, rest: &[SynStmt], exit: Exit) -> syn::ExprMatch {
    for arm in &mut m.arms {
        let body = std::mem::replace(&mut *arm.body, syn::parse_quote!(()));
        *arm.body = match exit(&body) {
            Some(value) => value,
            None => {
                let block = match body {
                    Expr::Block(b) if b.label.is_none() && b.attrs.is_empty() => b.block,
                    other => syn::parse_quote!({ #other }),
                };
                Expr::Block(syn::ExprBlock {
                    attrs: vec![],
                    label: None,
                    block: rewrite_arm(block, &bound_names(&arm.pat), rest, exit),
                })
            }
        };
        arm.comma.get_or_insert_with(Default::default);
    }
    m
}

/// One arm of an `if` whose other arms exit: an exiting arm keeps its statements, an arm
/// that falls through runs the rest of the enclosing block after its own scope.
/// `pattern` is what the arm's pattern binds (`Some(t) =>`, `if let Some(t) = ..`): like
/// the block's own `let`s, it must not hide a name the rest reads.
fn rewrite_arm(block: syn::Block, pattern: &[Ident], rest: &[SynStmt], exit: Exit) -> syn::Block {
    let ends_in_exit = || {
        block
            .stmts
            .last()
            .is_some_and(|s| matches!(s, SynStmt::Expr(e, _) if always_exits(e, exit)))
    };
    // A block some of whose paths exit: the rest follows its statements, so that its paths
    // that fall through reach it, unless a name the block binds would hide one the rest reads.
    let rest_names: BTreeSet<String> = rest
        .iter()
        .flat_map(|s| crate::codegen::idents(s.to_token_stream()))
        .collect();
    // The pattern's bindings are in scope for the whole arm, the rest included.
    let hidden_by_pattern = pattern.iter().any(|n| rest_names.contains(&n.to_string()));
    let own_names = hidden_by_pattern
        || block.stmts.iter().any(|s| match s {
            SynStmt::Local(l) => bound_names(&l.pat)
                .iter()
                .any(|n| rest_names.contains(&n.to_string())),
            SynStmt::Item(_) => true,
            SynStmt::Expr(..) | SynStmt::Macro(_) => false,
        });
    let stmts = if rest.is_empty() || ends_in_exit() {
        desugar_exits(block.stmts, exit)
    } else if block_exits(&block, exit) && !own_names {
        let mut stmts = block.stmts;
        if let Some(SynStmt::Expr(e, semi @ None)) = stmts.last_mut() {
            if !matches!(e, Expr::If(_) | Expr::Match(_) | Expr::Block(_)) {
                *semi = Some(Default::default());
            }
        }
        stmts.extend_from_slice(rest);
        desugar_exits(stmts, exit)
    } else {
        let mut stmts = Vec::new();
        if block_exits(&block, exit) || hidden_by_pattern {
            // Its exits cannot reach past its scope, or the rest would read the pattern's
            // names: lowering reports it at the block.
            let (marker, at) = (Ident::new(UNPLACED_EXIT, Span::call_site()), &block);
            stmts.push(syn::parse_quote!(#marker!(#at);));
        }
        stmts.push(SynStmt::Expr(
            Expr::Block(syn::ExprBlock {
                attrs: vec![],
                label: None,
                block,
            }),
            Some(Default::default()),
        ));
        stmts.extend_from_slice(rest);
        desugar_exits(stmts, exit)
    };
    syn::Block {
        brace_token: Default::default(),
        stmts,
    }
}

fn rewrite_if(mut e: syn::ExprIf, rest: &[SynStmt], exit: Exit) -> syn::ExprIf {
    // What `if let` binds, through `&&` chains.
    fn let_names(cond: &Expr, out: &mut Vec<Ident>) {
        match cond {
            Expr::Let(l) => out.extend(bound_names(&l.pat)),
            Expr::Binary(b) if matches!(b.op, BinOp::And(_)) => {
                let_names(&b.left, out);
                let_names(&b.right, out);
            }
            Expr::Paren(p) => let_names(&p.expr, out),
            _ => {}
        }
    }
    let mut pattern = Vec::new();
    let_names(&e.cond, &mut pattern);
    e.then_branch = rewrite_arm(e.then_branch, &pattern, rest, exit);
    let else_expr = match e.else_branch.take().map(|(_, e)| *e) {
        Some(Expr::If(inner)) => Expr::If(rewrite_if(inner, rest, exit)),
        Some(Expr::Block(b)) => Expr::Block(syn::ExprBlock {
            attrs: b.attrs,
            label: b.label,
            block: rewrite_arm(b.block, &[], rest, exit),
        }),
        Some(other) => other,
        None => Expr::Block(syn::ExprBlock {
            attrs: vec![],
            label: None,
            block: rewrite_arm(syn::parse_quote!({}), &[], rest, exit),
        }),
    };
    e.else_branch = Some((Default::default(), Box::new(else_expr)));
    e
}

struct Lower<'e> {
    values: Vec<Value>,
    scopes: Vec<Scope>,
    stmts: Vec<Stmt>,
    errors: &'e mut Errors,
    /// Counter for locals that are not values (records, indices).
    locals: usize,
    /// The function's generic float parameters.
    floats: Vec<String>,
    /// Every active container so far.
    containers: Vec<Container>,
    /// The local buffers to treat as active from their `let`.
    buffers: &'e BTreeSet<String>,
    /// Local buffers found written with active values.
    wanted: BTreeSet<String>,
    /// The identifier each name was declared with, hygiene included.
    idents: HashMap<String, Ident>,
    /// Counter for the buffers `from_fn` and call arguments build (see `call_args`).
    built: usize,
    /// The names of the ranges bound to names so far, by the local holding a range's start.
    views: HashMap<String, String>,
    /// The function's parameters' names.
    params: BTreeSet<String>,
    /// The parameters that are `Vec`s (or references to them).
    vec_params: BTreeSet<String>,
    /// The lengths of the parameters that are arrays (or references to them), as written.
    array_lens: HashMap<String, Expr>,
    /// The parameters whose types name nalgebra types, and the locals bound to nalgebra
    /// vectors and matrices (see [`Function::matrix_locals`]).
    matrices: BTreeSet<String>,
    /// Whether the `let`s lowered bind an inlined closure's parameters: a parameter named like
    /// a buffer hides it in the closure's body, and declares no buffer.
    binding_params: bool,
    /// The float type of the active parameters (see [`FnSig::float_type`]), for zeros of it.
    float: Option<syn::Type>,
}

/// Collects the names an expression mentions (paths of one segment, idents in macros).
struct Mentions<'a> {
    names: &'a mut Vec<(String, Span)>,
}

impl<'ast> Visit<'ast> for Mentions<'_> {
    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        // `stop_gradient(x)` is inactive whatever `x` is, and so are zeros of `x`'s shape.
        let stopped = matches!(&*c.func, Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "stop_gradient" || s.ident == "zero_vec_like"));
        if !stopped {
            syn::visit::visit_expr_call(self, c);
        }
    }
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        // The length of a container is inactive.
        let length = matches!(
            m.method.to_string().as_str(),
            "len" | "is_empty" | "nrows" | "ncols" | "shape"
        ) && match &*m.receiver {
            Expr::Path(_) => true,
            // `x[a..b].len()`: the range's bounds are read.
            Expr::Index(ix) if matches!(&*ix.expr, Expr::Path(_)) => {
                if let Expr::Range(r) = &*ix.index {
                    self.visit_expr_range(r);
                    true
                } else {
                    false
                }
            }
            _ => false,
        };
        if !length {
            self.visit_expr(&m.receiver);
        }
        for a in &m.args {
            self.visit_expr(a);
        }
    }
    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        // A closure's parameters hide the variables of their names in its body.
        let params: BTreeSet<String> = c
            .inputs
            .iter()
            .flat_map(bound_names)
            .map(|i| i.to_string())
            .collect();
        let mut inner = Vec::new();
        Mentions { names: &mut inner }.visit_expr(&c.body);
        self.names
            .extend(inner.into_iter().filter(|(n, _)| !params.contains(n)));
    }
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.qself.is_none() && p.path.segments.len() == 1 {
            let ident = &p.path.segments[0].ident;
            self.names.push((ident.to_string(), ident.span()));
        }
    }
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        fn walk(ts: TokenStream, names: &mut Vec<(String, Span)>) {
            let tokens: Vec<TokenTree> = ts.into_iter().collect();
            for (k, tt) in tokens.iter().enumerate() {
                match tt {
                    TokenTree::Ident(i) => {
                        // `x.len()` reads no active value.
                        let length = matches!(tokens.get(k + 1), Some(TokenTree::Punct(p)) if p.as_char() == '.')
                            && matches!(tokens.get(k + 2), Some(TokenTree::Ident(m)) if m == "len" || m == "is_empty" || m == "nrows" || m == "ncols");
                        if !length {
                            names.push((i.to_string(), i.span()));
                        }
                    }
                    TokenTree::Group(g) => walk(g.stream(), names),
                    _ => {}
                }
            }
        }
        walk(m.tokens.clone(), self.names);
    }
}

/// The names a pattern binds (with the unit variants and constants it names, `None`: a
/// caller testing for hidden names errs on the safe side).
fn bound_names(pat: &Pat) -> Vec<Ident> {
    struct Names(Vec<Ident>);
    impl<'ast> Visit<'ast> for Names {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.0.push(p.ident.clone());
            syn::visit::visit_pat_ident(self, p);
        }
    }
    let mut names = Names(Vec::new());
    names.visit_pat(pat);
    names.0
}

fn dummy() -> Operand {
    Operand::Inactive(quote!(::core::unreachable!()))
}

impl Lower<'_> {
    /// The primal local of value `id`, named after the user's variable where there is one.
    fn value_name(hint: &str, id: ValueId) -> Ident {
        let hint = hint.trim_start_matches("r#");
        format_ident!("{}_{}", hint, id, span = Span::mixed_site())
    }

    fn fresh_local(&mut self, hint: &str) -> Ident {
        self.locals += 1;
        format_ident!("{}_{}", hint, self.locals, span = Span::mixed_site())
    }

    fn define(&mut self, hint: &str, op: Op, span: Span) -> ValueId {
        let id = self.values.len();
        let name = Self::value_name(hint, id);
        self.values.push(Value { name, op, span });
        self.stmts.push(Stmt::Def(id));
        id
    }

    fn lookup(&self, name: &str) -> Option<&Binding> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    /// Rebinds a variable where it was declared.
    fn assign(&mut self, name: &str, binding: Binding) {
        if let Some(scope) = self.scopes.iter_mut().rev().find(|s| s.contains_key(name)) {
            scope.insert(name.to_owned(), binding);
        }
    }

    /// The identifier `name` was declared with.
    fn ident_of(&self, name: &str) -> Ident {
        self.idents
            .get(name)
            .cloned()
            .unwrap_or_else(|| Ident::new(name, Span::call_site()))
    }

    fn declare(&mut self, name: &Ident, binding: Binding) {
        self.idents.insert(name.to_string(), name.clone());
        self.scopes
            .last_mut()
            .unwrap()
            .insert(name.to_string(), binding);
    }

    /// The first active variable an expression mentions, if any.
    fn active_mention(&self, e: &Expr) -> Option<(String, Span)> {
        let mut names = Vec::new();
        Mentions { names: &mut names }.visit_expr(e);
        names.into_iter().find(|(n, _)| self.is_active(n))
    }

    /// Whether a name is bound to an active value, container or closure.
    fn is_active(&self, name: &str) -> bool {
        matches!(
            self.lookup(name),
            Some(
                Binding::Active(_) | Binding::Container(_) | Binding::Closure { active: true, .. }
            )
        )
    }

    fn mentions_active(&self, e: &Expr) -> bool {
        self.active_mention(e).is_some()
    }

    /// Whether a statement names an active variable anywhere.
    fn mentions_active_tokens(&self, stmt: &SynStmt) -> bool {
        crate::codegen::idents(stmt.to_token_stream())
            .iter()
            .any(|n| self.is_active(n))
    }

    fn verbatim(&mut self, tokens: TokenStream) {
        self.stmts.push(Stmt::Verbatim(tokens));
    }

    /// Declares the names a verbatim `let` pattern binds as inactive.
    fn declare_pattern_inactive(&mut self, pat: &Pat) {
        for i in bound_names(pat) {
            self.declare(&i, Binding::Inactive);
        }
    }

    /// Lowers statements; returns the block's value.
    fn lower_stmts(&mut self, stmts: &[SynStmt]) -> Operand {
        self.lower_block_stmts(stmts, true)
    }

    /// Statements whose value is not used: a loop's body (its value is `()`), or the
    /// statements a `let` or an assignment is rewritten into. An expression at their end is a
    /// statement too (`k += 1` without a `;`, a loop filling a buffer).
    fn lower_statements(&mut self, stmts: &[SynStmt]) {
        self.lower_block_stmts(stmts, false);
    }

    fn lower_block_stmts(&mut self, stmts: &[SynStmt], valued: bool) -> Operand {
        let mut result = Operand::Inactive(quote!(()));
        // Statements after a named range of an active container are rewritten (see `views`).
        let mut stmts = std::borrow::Cow::Borrowed(stmts);
        for i in 0..stmts.len() {
            let last = valued && i + 1 == stmts.len();
            if let Some(mut view) = self.bind_view(&stmts[i]) {
                view.rewrite_stmts(&mut stmts.to_mut()[i + 1..]);
                for (span, message) in view.misuse {
                    self.errors.push(span, message);
                }
                continue;
            }
            let stmt = &stmts[i];
            // Whether configured code is compiled in is not known here: with active values,
            // the derivatives would run it either way.
            if let Some(span) = configured(stmt).filter(|_| self.mentions_active_tokens(stmt)) {
                self.errors.push(
                    span,
                    "`#[cfg(..)]` on a statement with active values: `#[differentiable]` \
                     cannot tell whether it is compiled in; choose at run time with \
                     `if cfg!(..) { .. }`, or move the configured code into a function of its own",
                );
                continue;
            }
            match stmt {
                SynStmt::Local(local) => self.lower_local(local),
                SynStmt::Item(item) => self.verbatim(item.to_token_stream()),
                SynStmt::Macro(m) => self.lower_macro_stmt(&m.mac, stmt.to_token_stream()),
                SynStmt::Expr(e, semi) => {
                    if last && semi.is_none() {
                        result = self.lower_expr(e);
                    } else if semi.is_none() && i + 1 == stmts.len() {
                        // The end of a loop's body, a statement now: it needs its `;`.
                        self.lower_expr_stmt(e, quote!(#e;));
                    } else {
                        self.lower_expr_stmt(e, stmt.to_token_stream());
                    }
                }
            }
        }
        result
    }

    fn lower_macro_stmt(&mut self, mac: &syn::Macro, tokens: TokenStream) {
        // An exit the desugaring of early returns could not place (see `rewrite_arm`).
        if mac.path.is_ident(UNPLACED_EXIT) {
            let message = "an early exit in a block that binds a name the code after the block \
                           reads again cannot be differentiated: rename the block's binding, or \
                           end each arm with its value";
            self.errors.push(mac.tokens.span(), message);
            return;
        }
        let expr = Expr::Macro(syn::ExprMacro {
            attrs: vec![],
            mac: mac.clone(),
        });
        if self.mentions_active(&expr) && !is_reading_macro(mac) {
            self.unsupported_macro(mac);
        }
        self.verbatim(tokens);
    }

    fn unsupported_macro(&mut self, mac: &syn::Macro) {
        let name = mac.path.to_token_stream().to_string().replace(' ', "");
        self.errors.push(
            mac.path.span(),
            format!(
                "cannot differentiate through the macro `{name}!`: its expansion is hidden from \
                 `#[differentiable]`; write the computation out as code, {USE_THE_TAPE}"
            ),
        );
    }

    fn lower_local(&mut self, local: &syn::Local) {
        let Some(init) = &local.init else {
            for i in bound_names(&local.pat) {
                self.declare(&i, Binding::Deferred);
            }
            self.verbatim(local.to_token_stream());
            return;
        };
        let bound = match &local.pat {
            Pat::Ident(pi) => Some(&pi.ident),
            Pat::Type(pt) => match &*pt.pat {
                Pat::Ident(pi) => Some(&pi.ident),
                _ => None,
            },
            _ => None,
        };
        let annotated = match &local.pat {
            Pat::Type(pt) => Some(&*pt.ty),
            _ => None,
        };
        if let Some(stmts) = bound.and_then(|name| self.collect_into(name, annotated, &init.expr)) {
            // The copy is written into a new buffer of that name, which hides the old one
            // while it is read: it is made under a name of its own, then copied.
            let name = bound.map(|n| n.to_string()).unwrap_or_default();
            let listed = matches!(&*init.expr, Expr::Macro(_));
            if !listed && crate::codegen::idents(init.expr.to_token_stream()).contains(&name) {
                // An array copied whole would become a `Vec` through the copy below.
                let whole = match &*init.expr {
                    Expr::Unary(_) | Expr::Path(_) => true,
                    Expr::MethodCall(m) => m.method == "clone",
                    _ => false,
                };
                if whole && self.array_lens.contains_key(&name) {
                    self.errors.push(
                        local.pat.span(),
                        format!(
                            "`{name}` is bound again to a copy of the array it hides; give the \
                             copy another name"
                        ),
                    );
                    // Bound all the same, so the statements after it see a buffer.
                    self.lower_statements(&stmts);
                    return;
                }
                let built = format_ident!("__built_{}", self.built, span = Span::mixed_site());
                self.built += 1;
                let ty = annotated.map(|t| quote!(: #t));
                let (pat, expr) = (&local.pat, &init.expr);
                self.lower_statements(&[
                    syn::parse_quote!(let #built #ty = #expr;),
                    syn::parse_quote!(let #pat = #built.to_vec();),
                ]);
                return;
            }
            self.lower_statements(&stmts);
            return;
        }
        if let (Pat::Ident(pi), Expr::Closure(c)) = (&local.pat, &*init.expr) {
            let active = self.mentions_active(&c.body);
            // The names the closure reads, its parameters left out: a parameter hides the
            // variable of its name.
            let mut names = Vec::new();
            Mentions { names: &mut names }.visit_expr(&init.expr);
            let mut captures: Vec<(String, ValueId)> = Vec::new();
            for (name, _) in names {
                if let Some(Binding::Active(v)) = self.lookup(&name) {
                    if !captures.iter().any(|(n, _)| *n == name) {
                        captures.push((name, *v));
                    }
                }
            }
            self.verbatim(local.to_token_stream());
            self.declare(
                &pi.ident,
                Binding::Closure {
                    closure: c.clone().into(),
                    active,
                    captures,
                },
            );
            return;
        }
        // Another name for a closure (`let g = f;`): the same closure.
        if let (Pat::Ident(pi), Expr::Path(p)) = (&local.pat, &*init.expr) {
            let named = p.path.get_ident().and_then(|i| self.lookup(&i.to_string()));
            if let Some(closure @ Binding::Closure { .. }) = named.cloned() {
                self.verbatim(local.to_token_stream());
                self.declare(&pi.ident, closure);
                return;
            }
        }
        let buffer = match &local.pat {
            Pat::Ident(pi) if self.buffers.contains(&pi.ident.to_string()) => {
                Some(pi.ident.clone())
            }
            Pat::Type(pt) => match &*pt.pat {
                Pat::Ident(pi) if self.buffers.contains(&pi.ident.to_string()) => {
                    Some(pi.ident.clone())
                }
                _ => None,
            },
            _ => None,
        };
        if let Some(name) = buffer.filter(|_| !self.binding_params) {
            let zeros = chains::is_zero_map(&init.expr);
            if let Some((n, span)) = self.active_mention(&init.expr).filter(|_| !zeros) {
                self.errors.push(
                    span,
                    format!(
                        "the buffer `{name}` is written with active values, so it must start \
                         from constants (`vec![0.0; n]`, `[T::zero(); N]`); `{n}` is active here: \
                         write it in after the `let`"
                    ),
                );
                return;
            }
            self.verbatim(zeroed_buffer(local).unwrap_or_else(|| local.to_token_stream()));
            // A nalgebra buffer, built by name or mapped from a nalgebra container.
            let mapped_whole = matches!(&*init.expr, Expr::MethodCall(m) if m.method == "map"
                && self.container_of(&m.receiver).is_some_and(|(c, _)| self.containers[c].whole));
            let whole = names_nalgebra(&init.expr.to_token_stream()) || mapped_whole;
            let vec = match &*init.expr {
                syn::Expr::Macro(m) => m.mac.path.is_ident("vec"),
                syn::Expr::Call(c) => {
                    matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "zero_vec_like"))
                }
                _ => false,
            } && matches!(&local.pat, Pat::Ident(_));
            self.containers.push(Container {
                name: name.clone(),
                param: None,
                whole,
                vec,
                alias: None,
            });
            let c = self.containers.len() - 1;
            self.declare(&name, Binding::Container(c));
            self.stmts.push(Stmt::Buffer(c));
            return;
        }
        if !self.mentions_active(&init.expr) {
            self.verbatim(local.to_token_stream());
            self.declare_pattern_inactive(&local.pat);
            return;
        }
        if let Some((_, diverge)) = &init.diverge {
            self.errors.push(
                diverge.span(),
                "`let ... else` on an active value cannot be differentiated; use `match` or \
                 `if let` on an inactive value",
            );
            return;
        }
        let (pat, ty) = match &local.pat {
            Pat::Type(pt) => (&*pt.pat, Some((*pt.ty).clone())),
            p => (p, None),
        };
        match pat {
            Pat::Ident(pi) if pi.subpat.is_none() => {
                let operand = self.lower_expr(&init.expr);
                self.bind_operand(&pi.ident, ty, operand, local.to_token_stream());
            }
            Pat::Wild(_) => {
                self.lower_expr(&init.expr);
            }
            Pat::Slice(ps) => self.lower_destructure(&ps.elems, &init.expr, false),
            Pat::Tuple(pt) => match &*init.expr {
                Expr::Tuple(t) if t.elems.len() == pt.elems.len() => {
                    let operands: Vec<Operand> =
                        t.elems.iter().map(|e| self.lower_expr(e)).collect();
                    for (p, operand) in pt.elems.iter().zip(operands) {
                        match p {
                            Pat::Ident(pi) if pi.subpat.is_none() => {
                                self.bind_operand(&pi.ident, None, operand, TokenStream::new());
                            }
                            Pat::Wild(_) => {}
                            other => self.errors.push(
                                other.span(),
                                "only names can bind parts of an active tuple here",
                            ),
                        }
                    }
                }
                Expr::Call(_) | Expr::MethodCall(_) => match &*init.expr {
                    // `x.sin_cos()` and `f64::sin_cos(x)`: the two rules, written out.
                    e if let Some(x) = sin_cos_of(e) => {
                        let pat = &local.pat;
                        let x_local = format_ident!("sin_cos_of", span = Span::mixed_site());
                        self.lower_statements(&[
                            syn::parse_quote!(let #x_local = #x;),
                            syn::parse_quote!(let #pat = (#x_local.sin(), #x_local.cos());),
                        ]);
                    }
                    // A `fold` with a tuple of accumulators: its loop, then the tuple written
                    // out.
                    Expr::MethodCall(m) => match self.tuple_fold(m) {
                        Some((mut stmts, tuple)) => {
                            let pat = &local.pat;
                            stmts.push(syn::parse_quote!(let #pat = #tuple;));
                            self.lower_statements(&stmts);
                        }
                        None => self.lower_destructure(&pt.elems, &init.expr, true),
                    },
                    _ => self.lower_destructure(&pt.elems, &init.expr, true),
                },
                // A tuple a variable holds (`let t = f(x); let (a, b) = t;`).
                Expr::Path(p) if p.path.get_ident().is_some() => {
                    self.lower_destructure(&pt.elems, &init.expr, true)
                }
                other => self.errors.push(
                    other.span(),
                    "an active tuple must be written out (`let (a, b) = (x, y);`), be a \
                     call's result or be held by a variable to be destructured",
                ),
            },
            other => self.errors.push(
                other.span(),
                format!("this pattern cannot bind an active value; bind a name, {USE_THE_TAPE}"),
            ),
        }
    }

    /// `let name = operand;`: binds an active value, or copies an inactive `let`.
    fn bind_operand(
        &mut self,
        name: &Ident,
        ty: Option<syn::Type>,
        operand: Operand,
        stmt: TokenStream,
    ) {
        match operand {
            Operand::Value(v) => {
                if !matches!(self.values[v].op, Op::Param(_)) {
                    self.values[v].name = Self::value_name(&name.to_string(), v);
                }
                self.declare(name, Binding::Active(v));
                self.stmts.push(Stmt::Bind {
                    name: name.clone(),
                    ty,
                    value: v,
                });
            }
            Operand::Inactive(tokens) => {
                if stmt.is_empty() {
                    let ty = ty.map(|t| quote!(: #t));
                    self.verbatim(quote!(let #name #ty = #tokens;));
                } else {
                    self.verbatim(stmt);
                }
                self.declare(name, Binding::Inactive);
            }
        }
    }

    /// `let [a, b] = *x;` on an active array parameter, or on an array computed from active
    /// values (a call's result); `let (a, b) = f(x);` on a tuple of floats a call returns.
    fn lower_destructure(
        &mut self,
        elems: &syn::punctuated::Punctuated<Pat, syn::Token![,]>,
        init: &Expr,
        tuple: bool,
    ) {
        let param = self.container_of(init).map(|(c, _)| c).filter(|_| !tuple);
        let held = tuple && matches!(init, Expr::Path(_));
        let computed = param.is_none()
            && (held || matches!(init, Expr::Call(_) | Expr::MethodCall(_) | Expr::Array(_)));
        if param.is_none() && !computed {
            self.errors.push(
                init.span(),
                "only an active array parameter, an array written out or an array a \
                 `#[differentiable]` function returns can be destructured here \
                 (`let [a, b] = *x;`)",
            );
            return;
        }
        let array = if computed {
            self.lower_expr(init)
        } else {
            dummy()
        };
        for (i, p) in elems.iter().enumerate() {
            match p {
                Pat::Ident(pi) if pi.subpat.is_none() => {
                    let element = match param {
                        Some(c) => {
                            let idx = syn::Index::from(i);
                            Operand::Value(self.index_value(c, quote!(#idx), pi.ident.span()))
                        }
                        None => {
                            let at = quote!(#i);
                            self.rule("index", vec![array.clone()], vec![at], p.span())
                        }
                    };
                    self.bind_operand(&pi.ident, None, element, TokenStream::new());
                }
                Pat::Wild(_) => {}
                other => {
                    self.errors.push(
                        other.span(),
                        if tuple {
                            "only names and `_` can destructure an active tuple"
                        } else {
                            "only names and `_` can destructure an active array"
                        },
                    );
                    return;
                }
            }
        }
    }

    fn index_value(&mut self, container: ContainerId, expr: TokenStream, span: Span) -> ValueId {
        // The same element read again with only computations between (`z[j] * z[j]`): one
        // value, whose adjoint adds up in a local before it reaches the container's. Only
        // if nothing between, nor the index, can have an effect.
        let pure = |t: &TokenStream| {
            syn::parse2::<Expr>(t.clone()).is_ok_and(|e| crate::reverse::pure(&e))
        };
        let text = expr.to_string();
        let stmts = if pure(&expr) { &self.stmts[..] } else { &[] };
        for s in stmts.iter().rev() {
            let Stmt::Def(v) = s else { break };
            match &self.values[*v].op {
                Op::Index {
                    container: c,
                    expr: e,
                    ..
                } if *c == container && e.to_string() == text => return *v,
                Op::Index { expr: e, .. } | Op::Const(e) if pure(e) => {}
                Op::Rule { args, extra, .. }
                    if args.iter().all(|a| match a {
                        Operand::Inactive(t) => pure(t),
                        Operand::Value(_) => true,
                    }) && extra.iter().all(pure) => {}
                _ => break,
            }
        }
        let index = self.fresh_local("index");
        self.define(
            "elem",
            Op::Index {
                container,
                index,
                expr,
            },
            span,
        )
    }

    /// The container parameter an expression names, through `&`, `*` and parentheses,
    /// with the prefix operators written before it.
    fn container_of(&self, e: &Expr) -> Option<(ContainerId, TokenStream)> {
        match e {
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                match self.lookup(&p.path.segments[0].ident.to_string()) {
                    Some(Binding::Container(c)) => Some((*c, TokenStream::new())),
                    _ => None,
                }
            }
            Expr::Paren(p) => self.container_of(&p.expr),
            Expr::Group(g) => self.container_of(&g.expr),
            Expr::Reference(r) if r.mutability.is_none() => self
                .container_of(&r.expr)
                .map(|(c, pre)| (c, quote!(& #pre))),
            Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => self
                .container_of(&u.expr)
                .map(|(c, pre)| (c, quote!(* #pre))),
            _ => None,
        }
    }

    /// `&x[a..b]` on an active container: the container and the range.
    fn container_range(&self, e: &Expr) -> Option<(ContainerId, TokenStream)> {
        let Expr::Reference(r) = e else { return None };
        let Expr::Index(ix) = &*r.expr else {
            return None;
        };
        if r.mutability.is_some()
            || !matches!(&*ix.index, Expr::Range(_))
            || self.mentions_active(&ix.index)
        {
            return None;
        }
        let (container, prefix) = self.container_of(&ix.expr)?;
        let range = &ix.index;
        prefix.is_empty().then(|| (container, quote!(#range)))
    }

    fn lower_expr_stmt(&mut self, e: &Expr, tokens: TokenStream) {
        match e {
            Expr::Assign(a) => self.lower_assign(&a.left, None, &a.right, tokens),
            Expr::Binary(b) if compound_rule(&b.op).is_some() => {
                self.lower_assign(&b.left, compound_rule(&b.op), &b.right, tokens)
            }
            // A check that stops the program (`if x > 1e6 { panic!(..) }`) only reads.
            Expr::If(i) if i.else_branch.is_none() && stops(&i.then_branch) => {
                self.verbatim(tokens)
            }
            Expr::If(_) | Expr::Match(_) | Expr::Block(_) => {
                if self.mentions_active(e) {
                    self.lower_expr(e);
                } else {
                    self.verbatim(tokens);
                }
            }
            Expr::Macro(m) => self.lower_macro_stmt(&m.mac, tokens),
            _ => {
                if self.mentions_active(e) {
                    let operand = self.lower_expr(e);
                    // A loop lowered already gives `()`: nothing is left to run.
                    if let Operand::Inactive(t) = operand {
                        if t.to_string() != "()" {
                            self.verbatim(quote!(#t;));
                        }
                    }
                } else {
                    self.verbatim(tokens);
                }
            }
        }
    }

    /// `x` as the float type `to`, rounded as `as` rounds (the identity within one type).
    fn cast(&mut self, x: &Expr, to: TokenStream, span: Span) -> Operand {
        let x = self.lower_expr(x);
        self.rule(
            "cast",
            vec![x],
            vec![quote!(::core::marker::PhantomData::<#to>)],
            span,
        )
    }

    /// `F::from(x)` with `F` a float type, as the type and `x`: `f32` or `f64`, or if
    /// `generic` also a generic float parameter (whose `from` is `NumCast`'s, an `Option`).
    fn float_from<'a>(&self, c: &'a syn::ExprCall, generic: bool) -> Option<(&'a Ident, &'a Expr)> {
        let Expr::Path(p) = &*c.func else { return None };
        let segments: Vec<&Ident> = p.path.segments.iter().map(|s| &s.ident).collect();
        let ([to, from], [x]) = (&segments[..], &c.args.iter().collect::<Vec<_>>()[..]) else {
            return None;
        };
        let float =
            *to == "f32" || *to == "f64" || (generic && self.floats.contains(&to.to_string()));
        (float && *from == "from" && p.qself.is_none()).then_some((*to, *x))
    }

    /// The error for a conversion of an active value to a plain number (`x.to_f64()`).
    fn conversion_error(&mut self, c: &Ident) {
        self.errors.push(
            c.span(),
            format!(
                "`{c}` turns an active value into a plain number, which has no derivative; keep \
                 the value in its float type (constants by `T::from(c).unwrap()`), or convert \
                 `autodiff::stop_gradient(x)` to drop the derivative on purpose"
            ),
        );
    }

    /// `lhs = rhs` or `lhs op= rhs`.
    fn lower_assign(
        &mut self,
        lhs: &Expr,
        rule: Option<&'static str>,
        rhs: &Expr,
        tokens: TokenStream,
    ) {
        // `(a, b) = rhs;` into locals: `let (t0, t1) = rhs; a = t0; b = t1;`.
        if let (Expr::Tuple(t), None) = (lhs, rule) {
            let local = |e: &Expr| {
                matches!(e, Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some())
                    || matches!(e, Expr::Infer(_))
            };
            // `(u, v) = (v, u);` is a swap, of buffers too.
            if let Expr::Tuple(r) = rhs {
                let name = |e: &Expr| e.to_token_stream().to_string();
                if let ([a, b], [c, d]) = (
                    &t.elems.iter().collect::<Vec<_>>()[..],
                    &r.elems.iter().collect::<Vec<_>>()[..],
                ) {
                    if name(a) == name(d)
                        && name(b) == name(c)
                        && name(a) != name(b)
                        && local(a)
                        && local(b)
                    {
                        self.lower_statements(&[
                            syn::parse_quote!(std::mem::swap(&mut #a, &mut #b);),
                        ]);
                        return;
                    }
                }
            }
            if t.elems.iter().all(local) && (self.mentions_active(lhs) || self.mentions_active(rhs))
            {
                let parts: Vec<Ident> = (0..t.elems.len())
                    .map(|k| format_ident!("__assigned_{}", k, span = Span::mixed_site()))
                    .collect();
                let mut stmts: Vec<SynStmt> = vec![syn::parse_quote!(let (#(#parts,)*) = #rhs;)];
                for (e, part) in t.elems.iter().zip(&parts) {
                    if !matches!(e, Expr::Infer(_)) {
                        stmts.push(syn::parse_quote!(#e = #part;));
                    }
                }
                self.lower_statements(&stmts);
                return;
            }
        }
        let name = match lhs {
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                p.path.segments[0].ident.clone()
            }
            Expr::Index(ix) => return self.lower_store(ix, rule, rhs, tokens),
            _ => {
                if self.mentions_active(lhs) || self.mentions_active(rhs) {
                    self.errors.push(
                        lhs.span(),
                        format!(
                            "assigning an active value through `{}` cannot be differentiated: \
                             the macro tracks only local variables; assign to a local, {USE_THE_TAPE}",
                            lhs.to_token_stream()
                        ),
                    );
                } else {
                    self.verbatim(tokens);
                }
                return;
            }
        };
        let current = self.lookup(&name.to_string()).cloned();
        // A local buffer replaced by a helper's result of its length (`y = step(&y);`), or by
        // another buffer (`y = z;` of arrays): the values are written in element by element.
        if let Some(Binding::Container(c)) = current {
            let call = matches!(rhs, Expr::Call(_) | Expr::MethodCall(_));
            let buffer = matches!(rhs, Expr::Path(_)) && self.container_of(rhs).is_some();
            if rule.is_none() && self.containers[c].param.is_none() && (call || buffer) {
                let target: Expr = syn::parse_quote!(#name);
                let message = "a buffer replaced as a whole keeps its length";
                if call {
                    let replacement = format_ident!("replacement", span = Span::mixed_site());
                    let prelude = vec![syn::parse_quote!(let #replacement = #rhs;)];
                    self.copy_into(prelude, &target, &syn::parse_quote!(#replacement), message);
                } else {
                    self.copy_into(Vec::new(), &target, rhs, message);
                }
                return;
            }
        }
        if matches!(current, Some(Binding::Container(_))) {
            self.errors.push(
                lhs.span(),
                format!(
                    "the active container `{name}` cannot be reassigned as a whole; write its \
                     elements (`{name}[i] = ..`), or make a new buffer"
                ),
            );
            return;
        }
        let was_active = matches!(current, Some(Binding::Active(_)));
        if !was_active && !self.mentions_active(rhs) {
            self.verbatim(tokens);
            return;
        }
        if matches!(current, Some(Binding::Deferred)) {
            self.errors.push(
                lhs.span(),
                format!(
                    "`{name}` is declared without a value (`let {name};`), so it cannot take an \
                     active value later; declare it with its value (`let {name} = if c {{ a }} \
                     else {{ b }};`)"
                ),
            );
            return;
        }
        let rhs = self.lower_expr(rhs);
        let value = match rule {
            None => match rhs {
                Operand::Value(v) => v,
                Operand::Inactive(t) => self.define(&name.to_string(), Op::Const(t), lhs.span()),
            },
            Some(rule) => {
                let old = match current {
                    Some(Binding::Active(v)) => Operand::Value(v),
                    _ => Operand::Inactive(name.to_token_stream()),
                };
                self.define(
                    &name.to_string(),
                    Op::Rule {
                        rule,
                        args: vec![old, rhs],
                        extra: vec![],
                    },
                    lhs.span(),
                )
            }
        };
        if !matches!(self.values[value].op, Op::Param(_)) {
            self.values[value].name = Self::value_name(&name.to_string(), value);
        }
        self.assign(&name.to_string(), Binding::Active(value));
        self.stmts.push(Stmt::Bind {
            name,
            ty: None,
            value,
        });
    }

    /// `v[i] = rhs` or `v[i] op= rhs` on an active container; a write of an active value into
    /// an inactive local marks it as a buffer to track.
    fn lower_store(
        &mut self,
        ix: &syn::ExprIndex,
        rule: Option<&'static str>,
        rhs: &Expr,
        tokens: TokenStream,
    ) {
        let Some((container, prefix)) = self.container_of(&ix.expr) else {
            if self.mentions_active(rhs) || self.mentions_active(&ix.index) {
                match &*ix.expr {
                    Expr::Path(p) if p.path.get_ident().is_some() => {
                        let name = p.path.get_ident().unwrap().to_string();
                        self.wanted.insert(name.clone());
                        self.errors.push(
                            ix.expr.span(),
                            format!(
                                "`{name}` is written with active values, so it must be a local \
                                 buffer made by `let mut {name} = vec![..]` or `[..; N]` in this body"
                            ),
                        );
                    }
                    other => self.errors.push(
                        other.span(),
                        format!(
                            "only a local buffer can be written with active values; {USE_THE_TAPE}"
                        ),
                    ),
                }
            } else {
                self.verbatim(tokens);
            }
            return;
        };
        if self.containers[container].param.is_some() || !prefix.is_empty() {
            self.errors.push(
                ix.expr.span(),
                "an active parameter cannot be written to; copy it into a local buffer first",
            );
            return;
        }
        if let Some((name, span)) = self.active_mention(&ix.index) {
            self.errors.push(
                span,
                format!("the index uses the active value `{name}`; an index must be inactive"),
            );
            return;
        }
        let index_expr = &ix.index;
        let value = match (self.lower_expr(rhs), rule) {
            // `v[i] op= e` evaluates `e` before the place: an inactive `e` with side effects
            // (on `i`, say) runs before the element is read.
            (Operand::Inactive(t), Some(_)) => {
                let local = self.fresh_local("rhs");
                self.verbatim(quote!(let #local = #t;));
                Operand::Inactive(quote!(#local))
            }
            (value, _) => value,
        };
        let value = match rule {
            None => value,
            Some(rule) => {
                let old =
                    Operand::Value(self.index_value(container, quote!(#index_expr), ix.span()));
                self.rule(rule, vec![old, value], vec![], ix.span())
            }
        };
        let index = self.fresh_local("index");
        self.stmts.push(Stmt::Store {
            container,
            index,
            expr: quote!(#index_expr),
            value,
        });
    }

    fn lower_expr(&mut self, e: &Expr) -> Operand {
        if !self.mentions_active(e) {
            return Operand::Inactive(e.to_token_stream());
        }
        match e {
            Expr::Paren(p) => self.lower_expr(&p.expr),
            Expr::Group(g) => self.lower_expr(&g.expr),
            Expr::Path(p) => {
                let name = p.path.segments[0].ident.to_string();
                match self.lookup(&name) {
                    Some(Binding::Active(v)) => Operand::Value(*v),
                    Some(Binding::Container(c)) if self.containers[*c].whole => {
                        let c = *c;
                        Operand::Value(self.define(&name, Op::Whole(c), p.span()))
                    }
                    _ => {
                        self.errors.push(
                            p.span(),
                            format!(
                                "the active container `{name}` cannot be used as a value here; \
                                 read its elements by index, or pass it to a `#[differentiable]` \
                                 function"
                            ),
                        );
                        dummy()
                    }
                }
            }
            Expr::Unary(u) => match u.op {
                UnOp::Neg(_) => {
                    let a = self.lower_expr(&u.expr);
                    self.rule("neg", vec![a], vec![], e.span())
                }
                UnOp::Deref(_) => match (&*u.expr, item_by_value(&u.expr)) {
                    (Expr::Path(_), _) => self.lower_expr(&u.expr),
                    (_, Some(item)) => self.lower_expr(&item),
                    (inner, None) => {
                        self.errors
                            .push(inner.span(), "only a parameter can be dereferenced here");
                        dummy()
                    }
                },
                _ => Operand::Inactive(e.to_token_stream()),
            },
            Expr::Binary(b) => match arith_rule(&b.op) {
                // A remainder of constants (`i % 2`, `x.len() % 2`) is theirs, whatever type.
                Some("rem")
                    if !self.mentions_active(&b.left) && !self.mentions_active(&b.right) =>
                {
                    Operand::Inactive(e.to_token_stream())
                }
                Some(rule) => {
                    let l = self.lower_expr(&b.left);
                    let r = self.lower_expr(&b.right);
                    self.rule(rule, vec![l, r], vec![], b.op.span())
                }
                None if compound_rule(&b.op).is_some() => {
                    self.lower_assign(&b.left, compound_rule(&b.op), &b.right, e.to_token_stream());
                    Operand::Inactive(quote!(()))
                }
                None if is_comparison(&b.op) => Operand::Inactive(e.to_token_stream()),
                None => {
                    self.errors.push(
                        b.op.span(),
                        format!(
                            "the operator `{}` has no derivative rule: write it with other \
                             operations, {USE_THE_TAPE}",
                            b.op.to_token_stream()
                        ),
                    );
                    dummy()
                }
            },
            Expr::Assign(a) => {
                self.lower_assign(&a.left, None, &a.right, e.to_token_stream());
                Operand::Inactive(quote!(()))
            }
            // A count, a position or a test of active values is an integer or a `bool`.
            Expr::MethodCall(m) if counts(m) => Operand::Inactive(e.to_token_stream()),
            Expr::Field(_) if enumerate_index(e) => Operand::Inactive(e.to_token_stream()),
            Expr::MethodCall(m) => {
                let closures = chains::with_closures(m);
                let m = closures.as_ref().unwrap_or(m);
                let item = || item_by_value(e).filter(|_| copied_first_or_last(m));
                match self.reduction(m).or_else(|| self.extremum(m)).or_else(item) {
                    Some(looped) => self.lower_expr(&looped),
                    None => self.lower_method_call(m),
                }
            }
            Expr::Call(c) => self.lower_call(c),
            Expr::Index(ix) => {
                if let Some((name, span)) = self.active_mention(&ix.index) {
                    self.errors.push(
                        span,
                        format!(
                            "the index uses the active value `{name}`; an index must be inactive"
                        ),
                    );
                    return dummy();
                }
                let index = &ix.index;
                match self.container_of(&ix.expr) {
                    Some(_) if matches!(&**index, Expr::Range(_)) => {
                        let name = ix.expr.to_token_stream().to_string();
                        let view = match &**index {
                            Expr::Range(r) => r
                                .start
                                .as_ref()
                                .and_then(|s| self.views.get(&s.to_token_stream().to_string())),
                            _ => None,
                        };
                        let message = views::range_as_value(&name, index, view.map(|v| &**v));
                        self.errors.push(ix.span(), message);
                        dummy()
                    }
                    Some((param, _)) => {
                        Operand::Value(self.index_value(param, quote!(#index), ix.span()))
                    }
                    // An element of a vector or matrix the body computed.
                    None => {
                        let m = self.lower_expr(&ix.expr);
                        self.rule("index", vec![m], vec![quote!(#index)], ix.span())
                    }
                }
            }
            Expr::Cast(c) => self.lower_cast(c),
            Expr::If(i) => self.lower_if(i),
            Expr::Match(m) => self.lower_match(m),
            // A `return` the desugaring of early exits did not reach would become the block's
            // value, and the code after the block would run on.
            Expr::Block(b) if b.label.is_none() && returns_inside(&b.block) => {
                self.errors.push(
                    b.block.brace_token.span.join(),
                    "a `return` inside a block used as a value or statement cannot be \
                     differentiated: the code after the block would still run; move the \
                     `return` out to an `if`/`else` or `match` at the function's level (`if c { \
                     return a; } let y = ..;`)",
                );
                dummy()
            }
            Expr::Block(b) if b.label.is_none() => self.lower_block_expr(&b.block),
            Expr::Macro(m) if is_reading_macro(&m.mac) => Operand::Inactive(e.to_token_stream()),
            Expr::Macro(m) => {
                self.unsupported_macro(&m.mac);
                dummy()
            }
            Expr::Unsafe(u) => {
                self.errors.push(
                    u.unsafe_token.span(),
                    format!(
                        "an `unsafe` block on active values cannot be differentiated: the macro \
                         cannot follow raw memory; move it into an inactive helper, {USE_THE_TAPE}"
                    ),
                );
                dummy()
            }
            Expr::Reference(r) => {
                if r.mutability.is_some() {
                    self.errors.push(
                        r.span(),
                        format!(
                            "a `&mut` borrow of an active value cannot be differentiated: \
                             mutation through it is hidden from the macro; return the new \
                             value instead, {USE_THE_TAPE}"
                        ),
                    );
                    dummy()
                } else {
                    self.lower_expr(&r.expr)
                }
            }
            Expr::Async(_) | Expr::Await(_) => {
                self.errors.push(
                    e.span(),
                    format!("`async` code cannot be differentiated; {USE_THE_TAPE}"),
                );
                dummy()
            }
            Expr::Return(r) => {
                self.errors.push(
                    r.return_token.span(),
                    "`return` is differentiated only at the end of the body or of an `if`/`else` \
                     arm; restructure this as an `if`/`else` expression",
                );
                dummy()
            }
            Expr::ForLoop(f) => self.lower_for(f),
            Expr::While(w) => {
                if let Expr::Let(l) = &*w.cond {
                    self.errors.push(
                        l.span(),
                        "`while let` over active values cannot be differentiated; use `while` \
                         with a condition, or `for`",
                    );
                    return dummy();
                }
                // The condition may read values the body carries: it is tested at the top of
                // each iteration, where the iteration's values are in scope.
                let cond = &w.cond;
                let mut body = w.body.stmts.clone();
                body.insert(0, syn::parse_quote!(if !(#cond) { break; }));
                self.lower_loop(
                    w.label.as_ref(),
                    LoopHead::Loop,
                    body,
                    vec![],
                    w.while_token.span(),
                )
            }
            Expr::Loop(l) => self.lower_loop(
                l.label.as_ref(),
                LoopHead::Loop,
                l.body.stmts.clone(),
                vec![],
                l.loop_token.span(),
            ),
            Expr::Break(_) | Expr::Continue(_) => {
                self.errors.push(
                    e.span(),
                    "`break` and `continue` are differentiated at the end of the loop body or of \
                     an `if`/`else` arm in it; restructure the loop body this way",
                );
                dummy()
            }
            // An array written out is one value (a call's argument, a local).
            Expr::Array(a)
                if a.elems
                    .iter()
                    .any(|e| matches!(e, Expr::Array(_) | Expr::Repeat(_))) =>
            {
                self.errors.push(
                    a.span(),
                    "an array of arrays of active values cannot be differentiated: write the \
                     rows as separate arrays, or use a buffer (`vec![0.0; rows * cols]`) written \
                     by index",
                );
                dummy()
            }
            Expr::Repeat(r) => {
                self.errors.push(
                    r.span(),
                    "an array repeating an active value (`[x; n]`) cannot be differentiated: \
                     write the elements out (`[x, x]`), or fill a buffer of zeros by index",
                );
                dummy()
            }
            Expr::Array(a) => {
                let elements = a.elems.iter().map(|e| self.lower_expr(e)).collect();
                self.rule("array", elements, vec![], a.span())
            }
            // A field of a tuple a call returned (`let p = polar(x, y); p.0`).
            Expr::Field(f) if matches!(f.member, syn::Member::Unnamed(_)) => {
                let tuple = self.lower_expr(&f.base);
                let syn::Member::Unnamed(k) = &f.member else {
                    unreachable!()
                };
                let at = k.index as usize;
                self.rule("index", vec![tuple], vec![quote!(#at)], f.member.span())
            }
            // A tuple of floats as a value, its fields read by `.0` or destructured: every
            // field active or a float literal (a constant field may be of another type).
            Expr::Tuple(t)
                if (2..=4).contains(&t.elems.len())
                    && t.elems.iter().all(|f| {
                        self.mentions_active(f)
                            || matches!(f, Expr::Lit(l) if matches!(l.lit, syn::Lit::Float(_)))
                    }) =>
            {
                let fields = t.elems.iter().map(|e| self.lower_expr(e)).collect();
                self.rule("construct", fields, vec![TokenStream::new()], t.span())
            }
            Expr::Tuple(_) => {
                self.errors.push(
                    e.span(),
                    "a tuple of active values can be the function's result (at the end of the \
                     body) or be destructured at once (`let (a, b) = (x, y);`); use separate \
                     variables here",
                );
                dummy()
            }
            Expr::Closure(_) => {
                self.errors.push(
                    e.span(),
                    format!("closures over active values are not differentiated by the static path yet; {USE_THE_TAPE}"),
                );
                dummy()
            }
            other => {
                let (what, way_out) = match other {
                    Expr::Block(b) if b.label.is_some() => (
                        "a labelled block with a value (`'a: { .. break 'a v; .. }`)",
                        "give a variable its value before the block (`let mut v = 0.0;`) and \
                         assign it inside, or write an `if`/`else` whose arms end with it",
                    ),
                    Expr::Struct(_) => (
                        "a struct built from active values",
                        "keep the fields in local variables (or a tuple), or make the struct's \
                         computation a `#[differentiable]` function of the fields",
                    ),
                    Expr::Let(_) => (
                        "a `let` pattern test (`if let`/`while let`) on an active value",
                        "test an inactive value, or use `match` on one",
                    ),
                    Expr::Async(_) | Expr::Await(_) => {
                        ("`async` code", "compute the value outside it")
                    }
                    Expr::Try(_) => (
                        "the `?` operator on an active value",
                        "handle the `Option`/`Result` with `match` on an inactive value",
                    ),
                    _ => (
                        "this expression",
                        "write it with arithmetic, calls and control flow",
                    ),
                };
                self.errors.push(
                    other.span(),
                    format!("{what} cannot be differentiated: {way_out}; {USE_THE_TAPE}"),
                );
                dummy()
            }
        }
    }

    fn rule(
        &mut self,
        rule: &'static str,
        args: Vec<Operand>,
        extra: Vec<TokenStream>,
        span: Span,
    ) -> Operand {
        if args.iter().all(|a| matches!(a, Operand::Inactive(_))) {
            // Cannot happen for an expression that mentions an active value, except through
            // an inactive reader; keep it inactive.
            let by_ref = crate::codegen::by_ref_rule(rule);
            let args = args.iter().map(|a| match a {
                Operand::Inactive(t) if by_ref => quote!(&(#t)),
                Operand::Inactive(t) => t.clone(),
                Operand::Value(_) => unreachable!(),
            });
            let rule = Ident::new(rule, span);
            return Operand::Inactive(
                quote!(::autodiff::__private::rules::#rule(#(#args,)* #(#extra),*).0),
            );
        }
        Operand::Value(self.define("t", Op::Rule { rule, args, extra }, span))
    }

    /// After `prelude` (which may bind `source`), `target[i] = source[i]` for every element,
    /// once the lengths are checked to agree (with `message` if not): a buffer given new
    /// values as a whole.
    fn copy_into(
        &mut self,
        mut prelude: Vec<SynStmt>,
        target: &Expr,
        source: &Expr,
        message: &str,
    ) {
        let index = format_ident!("index", span = Span::mixed_site());
        prelude.extend::<Vec<SynStmt>>(syn::parse_quote! {
            ::core::assert_eq!(#target.len(), #source.len(), #message);
            for #index in 0..#target.len() {
                #target[#index] = #source[#index];
            }
        });
        self.lower_statements(&prelude);
    }

    fn lower_method_call(&mut self, m: &syn::ExprMethodCall) -> Operand {
        let method = m.method.to_string();
        // `u.copy_from_slice(&v)` into a local buffer: the elements written in one by one.
        let copied_into = matches!(&*m.receiver, Expr::Path(p) if p.path.get_ident().is_some());
        if matches!(method.as_str(), "copy_from_slice" | "clone_from_slice")
            && m.args.len() == 1
            && copied_into
            && self.mentions_active(&m.args[0])
        {
            let source = match &m.args[0] {
                Expr::Reference(r) if r.mutability.is_none() => &*r.expr,
                a => a,
            };
            let view = format_ident!("source", span = Span::mixed_site());
            let u = &m.receiver;
            let mut stmts: Vec<SynStmt> = Vec::new();
            let source: Expr = match source {
                Expr::Path(_) => source.clone(),
                _ => {
                    stmts.push(syn::parse_quote!(let #view = &#source;));
                    syn::parse_quote!(#view)
                }
            };
            self.copy_into(stmts, u, &source, "source slice length mismatch");
            return Operand::Inactive(quote!(()));
        }
        // `u.fill(v)` of a local buffer with an active `v`: every element written.
        if method == "fill" && m.args.len() == 1 && copied_into && self.mentions_active(&m.args[0])
        {
            let [item, index] =
                ["item", "index"].map(|n| format_ident!("{}", n, span = Span::mixed_site()));
            let (u, v) = (&m.receiver, &m.args[0]);
            let stmts: Vec<SynStmt> = syn::parse_quote! {
                let #item = #v;
                for #index in 0..#u.len() {
                    #u[#index] = #item;
                }
            };
            self.lower_statements(&stmts);
            return Operand::Inactive(quote!(()));
        }
        let receiver_active = self.mentions_active(&m.receiver);
        if receiver_active {
            if let Some(rule) = self.matrix_method(m) {
                return rule;
            }
            if let Some((c, _)) = self.container_of(&m.receiver) {
                if matches!(
                    method.as_str(),
                    "len" | "is_empty" | "nrows" | "ncols" | "shape"
                ) {
                    return Operand::Inactive(m.to_token_stream());
                }
                // `v.swap(i, j)` on a local buffer: the two elements read, then written back
                // crosswise.
                if method == "swap" && m.args.len() == 2 && self.containers[c].param.is_none() {
                    let v = &m.receiver;
                    let (i, j) = (&m.args[0], &m.args[1]);
                    let [a, b, held] = ["swap_i", "swap_j", "held"]
                        .map(|n| format_ident!("{}", n, span = Span::mixed_site()));
                    let stmts: Vec<SynStmt> = syn::parse_quote! {
                        let #a: usize = #i;
                        let #b: usize = #j;
                        let #held = #v[#a];
                        #v[#a] = #v[#b];
                        #v[#b] = #held;
                    };
                    self.lower_statements(&stmts);
                    return Operand::Inactive(quote!(()));
                }
                let name = self.containers[c].name.to_string();
                let message = if method == "swap" {
                    format!(
                        "`swap` is differentiated on local buffers, and `{name}` is a parameter; \
                         swap in a copy (`let mut v = {name}.to_vec();`)"
                    )
                } else {
                    format!(
                        "the method `{method}` on an active container is not differentiated by \
                         the static path yet; read elements by index, {USE_THE_TAPE}"
                    )
                };
                self.errors.push(m.method.span(), message);
                return dummy();
            }
            if READERS.contains(&method.as_str()) {
                return Operand::Inactive(m.to_token_stream());
            }
            if PIECEWISE_CONSTANT.contains(&method.as_str()) {
                self.errors.push(
                    m.method.span(),
                    format!(
                        "`{method}` of an active value has derivative zero almost everywhere; \
                         write `autodiff::stop_gradient(x).{method}()` to say the derivative is \
                         dropped on purpose"
                    ),
                );
                return dummy();
            }
            if let Some(rule) = math_rule(&method, m.args.len() + 1) {
                let mut operands = vec![&*m.receiver];
                operands.extend(m.args.iter());
                return self.math(rule, &operands, m.method.span());
            }
            // `T::from(x).unwrap()` of an active `x`: a cast to the float type `T`.
            let cast_from = match &*m.receiver {
                Expr::Call(c) if matches!(method.as_str(), "unwrap" | "expect") => {
                    self.float_from(c, true)
                }
                _ => None,
            };
            if let Some((to, x)) = cast_from {
                return self.cast(x, to.to_token_stream(), m.span());
            }
            // `x.to_f64()`, `x.to_f64().unwrap_or(..)`: named at the conversion.
            let conversion =
                conversion(&m.receiver).or(Some(&m.method).filter(|c| is_conversion(c)));
            if let Some(c) = conversion {
                self.conversion_error(c);
                return dummy();
            }
            self.errors.push(
                m.method.span(),
                format!(
                    "cannot differentiate through the method `{method}`: it is not in the rule \
                     table and not a `#[differentiable]` function; use the float math set \
                     (`sin`, `exp`, `powi`, `hypot`, ...), {USE_THE_TAPE}"
                ),
            );
            return dummy();
        }
        // Growing a local collection with active values hides them from the macro (a method
        // of `self` or of a parameter may be a differentiable one of that name).
        let local = match &*m.receiver {
            Expr::Path(p) => p
                .path
                .get_ident()
                .is_some_and(|i| i != "self" && !self.params.contains(&i.to_string())),
            _ => false,
        };
        if local && GROWING.contains(&method.as_str()) {
            self.errors.push(
                m.method.span(),
                format!(
                    "`{method}` of active values onto a collection cannot be differentiated: \
                     the macro follows buffers written by index; allocate one with \
                     `vec![0.0; n]` and write its elements (`v[i] = ..`), or collect an iterator \
                     chain (`let v: Vec<f64> = x.iter().map(..).collect();`)"
                ),
            );
            return dummy();
        }
        // An inactive receiver with active arguments: float math on a constant
        // (`2.0.powf(x)`), a product of a constant vector or matrix (`w.dot(x)`), or a
        // differentiable method.
        let on_self = matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self"));
        let receiver_tokens = m.receiver.to_token_stream();
        let constant_matrix = names_nalgebra(&receiver_tokens)
            || matches!(&*m.receiver, Expr::Path(p) if p.path.get_ident().is_some_and(|i| self.matrices.contains(&i.to_string())))
            || m.args.iter().any(|a| {
                self.container_of(a)
                    .is_some_and(|(c, _)| self.containers[c].whole)
            });
        if !on_self
            && constant_matrix
            && matches!(
                method.as_str(),
                "dot" | "component_mul" | "component_div" | "cross"
            )
        {
            if let Some(rule) = self.matrix_method(m) {
                return rule;
            }
        }
        if !on_self {
            if let Some(rule) = math_rule(&method, m.args.len() + 1) {
                let mut operands = vec![&*m.receiver];
                operands.extend(m.args.iter());
                return self.math(rule, &operands, m.method.span());
            }
        }
        let receiver = &m.receiver;
        let turbofish = m.turbofish.to_token_stream();
        let args = self.call_args(m.args.iter());
        let arg_spans = m.args.iter().map(|a| a.span()).collect();
        let callee = Callee::Assoc {
            prefix: quote!(#receiver.),
            name: m.method.clone(),
            turbofish,
        };
        Operand::Value(self.define(
            &method,
            Op::Call {
                callee,
                args,
                arg_spans,
            },
            m.span(),
        ))
    }

    /// A method of nalgebra vectors and matrices on an active receiver, if it is one.
    fn matrix_method(&mut self, m: &syn::ExprMethodCall) -> Option<Operand> {
        let method = m.method.to_string();
        let span = m.method.span();
        let unwrapped = matches!(method.as_str(), "unwrap" | "expect");
        match &*m.receiver {
            // `a.try_inverse().unwrap()`, `a.lu().solve(&b).unwrap()`
            Expr::MethodCall(inner) if unwrapped && inner.method == "try_inverse" => {
                let a = self.lower_expr(&inner.receiver);
                return Some(self.rule("inverse", vec![a], vec![], inner.method.span()));
            }
            Expr::MethodCall(inner)
                if unwrapped && inner.method == "solve" && inner.args.len() == 1 =>
            {
                if let Expr::MethodCall(lu) = &*inner.receiver {
                    if lu.method == "lu" && lu.args.is_empty() {
                        let a = self.lower_expr(&lu.receiver);
                        let b = self.lower_expr(&inner.args[0]);
                        return Some(self.rule(
                            "lu_solve",
                            vec![a, b],
                            vec![],
                            inner.method.span(),
                        ));
                    }
                }
            }
            _ => {}
        }
        if matches!(
            method.as_str(),
            "clone" | "clone_owned" | "into_owned" | "to_owned"
        ) && m.args.is_empty()
        {
            // Values are never moved by the derivative code: a copy is the value itself.
            return Some(self.lower_expr(&m.receiver));
        }
        if method == "map" && m.args.len() == 1 {
            return Some(self.elementwise_map(m));
        }
        if matches!(method.as_str(), "column" | "row") && m.args.len() == 1 {
            if let Some((name, s)) = self.active_mention(&m.args[0]) {
                self.errors.push(
                    s,
                    format!("the index uses the active value `{name}`; an index must be inactive"),
                );
                return Some(dummy());
            }
            let receiver = self.lower_expr(&m.receiver);
            let k = &m.args[0];
            let rule = if method == "column" { "column" } else { "row" };
            return Some(self.rule(rule, vec![receiver], vec![quote!(#k)], span));
        }
        let (rule, _) = crate::codegen::MATRIX_METHODS
            .iter()
            .find(|(name, n)| *name == method && *n == m.args.len() + 1)?;
        // A float's `abs`, `sum` over an iterator and the like are handled elsewhere; these
        // names are nalgebra's only.
        let mut operands = vec![self.lower_expr(&m.receiver)];
        operands.extend(m.args.iter().map(|a| self.lower_expr(a)));
        Some(self.rule(rule, operands, vec![], span))
    }

    /// `m.map(|x| ..)` on an active vector or matrix: the closure is differentiated as a
    /// function of one float, and the map's partial is element-wise.
    fn elementwise_map(&mut self, m: &syn::ExprMethodCall) -> Operand {
        let span = m.method.span();
        // An iterator chain with an adapter the chains do not follow is no matrix `map`.
        let mut stage = &*m.receiver;
        while let Expr::MethodCall(inner) = stage {
            let adapter = inner.method.to_string();
            if !CHAIN_ADAPTERS.contains(&adapter.as_str()) {
                if [
                    "filter",
                    "filter_map",
                    "skip_while",
                    "take_while",
                    "flat_map",
                    "chain",
                    "scan",
                    "peekable",
                    "inspect",
                ]
                .contains(&adapter.as_str())
                {
                    self.errors.push(
                        inner.method.span(),
                        format!(
                            "`{adapter}` in an iterator chain over active values is not \
                             differentiated; write the loop out (`for .. in .. {{ if .. {{ .. }} }}`), \
                             {USE_THE_TAPE}"
                        ),
                    );
                    return dummy();
                }
                break;
            }
            stage = &inner.receiver;
        }
        // A chain whose items the chains do not follow (windows zipped with another
        // iterator, say) is no matrix `map` either.
        if let Expr::MethodCall(inner) = &*m.receiver {
            if CHAIN_ADAPTERS.contains(&inner.method.to_string().as_str()) {
                let name = self.active_mention(&m.receiver).map(|(n, _)| n);
                self.errors.push(
                    inner.method.span(),
                    format!(
                        "cannot differentiate a chain over this iterator of the active value \
                         `{}`; loop over indices, `x.iter()`, `x.iter().enumerate()` or \
                         `x.iter().zip(y.iter())`, {USE_THE_TAPE}",
                        name.unwrap_or_default()
                    ),
                );
                return dummy();
            }
        }
        let Expr::Closure(c) = &m.args[0] else {
            self.errors.push(
                m.args[0].span(),
                "`map` on an active vector or matrix is differentiated for a closure written \
                 in place (`m.map(|x| x.tanh())`)",
            );
            return dummy();
        };
        let param = match c.inputs.first() {
            Some(Pat::Ident(pi)) if c.inputs.len() == 1 => pi.ident.clone(),
            Some(Pat::Type(pt)) if c.inputs.len() == 1 => match &*pt.pat {
                Pat::Ident(pi) => pi.ident.clone(),
                _ => {
                    self.errors
                        .push(pt.pat.span(), "name the closure's parameter");
                    return dummy();
                }
            },
            _ => {
                self.errors
                    .push(c.inputs.span(), "`map`'s closure takes one float");
                return dummy();
            }
        };
        // The closure may read constants, not other active values: their derivative would
        // be lost.
        let mut names = Vec::new();
        Mentions { names: &mut names }.visit_expr(&c.body);
        for (name, s) in names {
            if param != name
                && matches!(
                    self.lookup(&name),
                    Some(Binding::Active(_) | Binding::Container(_))
                )
            {
                self.errors.push(
                    s,
                    format!(
                        "the closure of `map` reads the active value `{name}`; an element-wise \
                         map may read only its argument and constants: write the \
                         computation with vector operations (`component_mul`, `*`), or a loop"
                    ),
                );
                return dummy();
            }
        }
        let sig = FnSig {
            ident: format_ident!("element"),
            receiver: None,
            params: vec![crate::sig::Param {
                ident: param.clone(),
                pat: syn::parse_quote!(#param),
                ty: syn::parse_quote!(f64),
                shape: Some(Shape::Scalar),
                elem: None,
            }],
            float_params: vec![],
            output: syn::parse_quote!(f64),
        };
        let body = &c.body;
        let block: syn::Block = syn::parse_quote!({ #body });
        let func = lower(&sig, &block, self.errors);
        let closure = crate::forward::elementwise(&crate::codegen::Cx::new(&sig, &func));
        let receiver = self.lower_expr(&m.receiver);
        self.rule("map", vec![receiver], vec![closure], span)
    }

    /// `Vector3::new(a, b, c)`, `DVector::from_element(n, x)`: a vector or matrix built from
    /// active floats, linear in them.
    fn matrix_constructor(&mut self, fp: &syn::ExprPath, c: &syn::ExprCall) -> Option<Operand> {
        let segments = &fp.path.segments;
        if segments.len() < 2
            || !names_nalgebra(&segments[segments.len() - 2].ident.to_token_stream())
        {
            return None;
        }
        let ctor = fp.to_token_stream();
        let span = c.span();
        match segments.last()?.ident.to_string().as_str() {
            "new" => {
                let args = c.args.iter().map(|a| self.lower_expr(a)).collect();
                Some(self.rule("construct", args, vec![ctor], span))
            }
            "from_element" | "repeat" if !c.args.is_empty() => {
                let n = c.args.len();
                let leading: Vec<TokenStream> = c.args.iter().take(n - 1).map(|a| {
                    if let Some((name, s)) = self.active_mention(a) {
                        self.errors.push(s, format!("the shape uses the active value `{name}`; a shape must be inactive"));
                    }
                    a.to_token_stream()
                }).collect();
                let x = self.lower_expr(&c.args[n - 1]);
                let mut extra = vec![ctor];
                extra.extend(leading);
                Some(self.rule("fill", vec![x], extra, span))
            }
            "from_fn" if matches!(c.args.last(), Some(Expr::Closure(f)) if f.inputs.len() == 2) => {
                let Some(Expr::Closure(f)) = c.args.last() else {
                    return None;
                };
                Some(self.built_from_fn(fp, c, f))
            }
            other => {
                self.errors.push(
                    segments.last()?.ident.span(),
                    format!(
                        "`{other}` building a vector or matrix from active values is not \
                         differentiated; build it with `new`, `from_element` or `from_fn`, \
                         or fill a `zeros` buffer by index in a loop"
                    ),
                );
                Some(dummy())
            }
        }
    }

    /// `M::from_fn(dims.., |i, j| body)` with an active body: a buffer of zeros of that
    /// shape, filled element by element in a loop, then read whole.
    fn built_from_fn(
        &mut self,
        fp: &syn::ExprPath,
        c: &syn::ExprCall,
        f: &syn::ExprClosure,
    ) -> Operand {
        let buf = format_ident!("__built_{}", self.built, span = Span::mixed_site());
        self.built += 1;
        let (row, col) = (
            format_ident!("row", span = Span::mixed_site()),
            format_ident!("col", span = Span::mixed_site()),
        );
        let dims = c.args.iter().take(c.args.len() - 1);
        let lets = f
            .inputs
            .iter()
            .zip([&row, &col])
            .filter_map(|(p, at)| match p {
                Pat::Wild(_) => None,
                p => Some(quote!(let #p = #at;)),
            });
        let body = &f.body;
        let block: syn::Block = syn::parse_quote!({
            let mut #buf = #fp(#(#dims,)* |_, _| ::autodiff::__private::zero());
            for #col in 0..#buf.ncols() {
                for #row in 0..#buf.nrows() {
                    #(#lets)*
                    #buf[(#row, #col)] = #body;
                }
            }
            #buf
        });
        self.lower_block_expr(&block)
    }

    /// A rule-table primitive with float operands (and the integer exponent of `powi`).
    fn math(&mut self, rule: &'static str, operands: &[&Expr], span: Span) -> Operand {
        if rule == "powi" {
            let x = self.lower_expr(operands[0]);
            if let Some((name, s)) = self.active_mention(operands[1]) {
                self.errors.push(
                    s,
                    format!("the exponent of `powi` uses the active value `{name}`; use `powf`"),
                );
            }
            let n = operands[1];
            return self.rule(rule, vec![x], vec![quote!(#n)], span);
        }
        let args = operands.iter().map(|o| self.lower_expr(o)).collect();
        self.rule(rule, args, vec![], span)
    }

    /// Whether `e` builds a `Vec` of active values: a copy (`x.to_vec()`, `v.clone()` of a
    /// buffer), a collected chain or a `vec![..]`.
    fn builds_vec(&self, e: &Expr) -> bool {
        match e {
            Expr::MethodCall(m) if m.args.is_empty() => match m.method.to_string().as_str() {
                "to_vec" | "collect" => self.mentions_active(e),
                "clone" => self.container_of(&m.receiver).is_some(),
                _ => false,
            },
            Expr::Macro(m) => m.mac.path.is_ident("vec") && self.mentions_active(e),
            _ => false,
        }
    }

    fn call_args<'a>(&mut self, args: impl Iterator<Item = &'a Expr>) -> Vec<CallArg> {
        args.map(|a| {
            // A `Vec` built in the argument is a buffer of its own, bound just before.
            let (inner, borrowed) = match a {
                Expr::Reference(r) if r.mutability.is_none() => (&*r.expr, true),
                a => (a, false),
            };
            let hoisted: Expr;
            let a = if self.builds_vec(inner) {
                let built = format_ident!("__built_{}", self.built, span = Span::mixed_site());
                self.built += 1;
                self.lower_statements(&[syn::parse_quote!(let #built = #inner;)]);
                hoisted = if borrowed {
                    syn::parse_quote!(&#built)
                } else {
                    syn::parse_quote!(#built)
                };
                &hoisted
            } else {
                a
            };
            if let Some((container, prefix)) = self.container_of(a) {
                CallArg::Container {
                    container,
                    prefix,
                    range: None,
                }
            } else if let Some((container, range)) = self.container_range(a) {
                let local = self.fresh_local("range");
                CallArg::Container {
                    container,
                    prefix: quote!(&),
                    range: Some((local, range)),
                }
            } else if let Some(r) = match a {
                Expr::Reference(r) if r.mutability.is_none() && self.mentions_active(&r.expr) => {
                    Some(r)
                }
                _ => None,
            } {
                CallArg::Borrowed(self.lower_expr(&r.expr))
            } else if self.mentions_active(a) {
                CallArg::Scalar(self.lower_expr(a))
            } else {
                CallArg::Inactive(a.to_token_stream())
            }
        })
        .collect()
    }

    fn lower_call(&mut self, c: &syn::ExprCall) -> Operand {
        let Expr::Path(fp) = &*c.func else {
            self.errors.push(
                c.func.span(),
                format!(
                    "cannot differentiate a call through this expression: only named \
                     `#[differentiable]` functions have derivatives; {USE_THE_TAPE}"
                ),
            );
            return dummy();
        };
        // `mem::swap(&mut a, &mut b)` of two local buffers of one length, or of two variables:
        // the values are exchanged.
        let swapped: Vec<&syn::Ident> = c
            .args
            .iter()
            .filter_map(|a| match a {
                Expr::Reference(r) if r.mutability.is_some() => match &*r.expr {
                    Expr::Path(p) => p.path.get_ident(),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let is_swap = fp.path.segments.last().is_some_and(|s| s.ident == "swap")
            && fp.path.segments.iter().any(|s| s.ident == "mem");
        if let (true, [a, b]) = (is_swap, &swapped[..]) {
            let local_buffer = |x: &syn::Ident| {
                matches!(self.lookup(&x.to_string()), Some(Binding::Container(k))
                    if self.containers[*k].param.is_none())
            };
            let [held, index] =
                ["held", "index"].map(|n| format_ident!("{}", n, span = Span::mixed_site()));
            let stmts: Vec<SynStmt> = if local_buffer(a) && local_buffer(b) {
                syn::parse_quote! {
                    ::core::assert_eq!(#a.len(), #b.len(), "buffers swapped keep their lengths");
                    for #index in 0..#a.len() {
                        let #held = #a[#index];
                        #a[#index] = #b[#index];
                        #b[#index] = #held;
                    }
                }
            } else {
                syn::parse_quote! {
                    let #held = #a;
                    #a = #b;
                    #b = #held;
                }
            };
            self.lower_statements(&stmts);
            return Operand::Inactive(quote!(()));
        }
        // `Self::m(self, ..)` (or `&self`, or the type's own name) is the call `self.m(..)`.
        let segments: Vec<_> = fp.path.segments.iter().collect();
        let receiver = match c.args.first() {
            Some(Expr::Reference(r)) if r.mutability.is_none() => Some(&*r.expr),
            a => a,
        };
        if let ([ty, m], Some(Expr::Path(receiver))) = (&segments[..], receiver) {
            let type_named = ty.ident == "Self"
                || ty
                    .ident
                    .to_string()
                    .starts_with(|c: char| c.is_ascii_uppercase());
            if type_named && receiver.path.is_ident("self") && m.arguments.is_none() {
                let (m, rest) = (&m.ident, c.args.iter().skip(1));
                return self.lower_expr(&syn::parse_quote!(self.#m(#(#rest),*)));
            }
        }
        if let Some(Binding::Closure {
            closure, captures, ..
        }) = fp
            .path
            .get_ident()
            .and_then(|i| self.lookup(&i.to_string()))
            .cloned()
        {
            // A call of a let-bound closure is its body, with the arguments bound to its
            // parameters and the captured names to what they held where it was made.
            if closure.inputs.len() != c.args.len() {
                return Operand::Inactive(c.to_token_stream());
            }
            // The closure as written stays for calls on constants; a parameter without a
            // type takes it from this call, as if the closure were called here.
            if closure.inputs.iter().any(|p| !matches!(p, Pat::Type(_))) {
                let f = &fp.path;
                let args = c.args.iter();
                self.verbatim(quote!(let _ = || #f(#(#args),*);));
            }
            // The arguments first, then the parameters: an argument may name a parameter
            // (`g(y, x)` for `|x, y|`).
            // A parameter taking a float by reference (`|&v: &f64|`, `|v: &f64|`) takes it by
            // value: active items are values here, as in `for &v in x.iter()`.
            let (params, args): (Vec<Pat>, Vec<Expr>) = closure
                .inputs
                .iter()
                .zip(c.args.iter())
                .map(|(p, a)| by_value_param(p, a))
                .unzip();
            let (params, args) = (params.iter(), args.iter());
            let taken: Vec<Ident> = (0..c.args.len())
                .map(|k| format_ident!("argument_{}", k, span = Span::mixed_site()))
                .collect();
            let lets: Vec<SynStmt> =
                syn::parse_quote!(#(let #taken = #args;)* #(let #params = #taken;)*);
            let arm = ArmSource {
                pattern_bindings: vec![],
                body: ArmBody::Inlined {
                    params: lets,
                    captures,
                    body: &closure.body,
                },
            };
            return self.lower_branch(Head::Block, vec![arm], c.span());
        }
        let last = fp.path.segments.last().unwrap();
        let name = last.ident.to_string();
        if name == "stop_gradient" {
            return Operand::Inactive(c.to_token_stream());
        }
        let qualified = fp.qself.is_some() || fp.path.segments.len() >= 2;
        if qualified {
            if let Some(rule) = math_rule(&name, c.args.len()) {
                let operands: Vec<&Expr> = c.args.iter().collect();
                return self.math(rule, &operands, last.ident.span());
            }
        }
        if c.args.iter().all(|a| !self.mentions_active(a)) {
            return Operand::Inactive(c.to_token_stream());
        }
        if let Some(built) = self.matrix_constructor(fp, c) {
            return built;
        }
        let segments = &fp.path.segments;
        if let Some(c) = conversion(&Expr::Call(c.clone())) {
            self.conversion_error(c);
            return dummy();
        }
        // `f64::from(x)`: a widening, as `x as f64`.
        if let Some((to, x)) = self.float_from(c, false) {
            return self.cast(x, to.to_token_stream(), c.span());
        }
        let on_float_type = segments.len() >= 2 && {
            let owner = segments[segments.len() - 2].ident.to_string();
            FLOAT_TYPES.contains(&owner.as_str()) || self.floats.contains(&owner)
        };
        if on_float_type {
            let path = fp.path.to_token_stream().to_string().replace(' ', "");
            self.errors.push(
                fp.span(),
                format!(
                    "cannot differentiate through `{path}`: it has no rule in the rule table; use \
                     the float math set (`sin`, `exp`, `powi`, `hypot`, ...), {USE_THE_TAPE}"
                ),
            );
            return dummy();
        }
        let turbofish = match &last.arguments {
            syn::PathArguments::AngleBracketed(a) => {
                let mut a = a.clone();
                a.colon2_token = Some(Default::default());
                quote!(#a)
            }
            _ => TokenStream::new(),
        };
        let mut path = fp.path.clone();
        path.segments.last_mut().unwrap().arguments = syn::PathArguments::None;
        let associated = fp.qself.is_some()
            || (path.segments.len() >= 2
                && path.segments[path.segments.len() - 2]
                    .ident
                    .to_string()
                    .starts_with(|ch: char| ch.is_ascii_uppercase()));
        let callee = if associated {
            let ident = path.segments.pop().unwrap().into_value().ident;
            let qself = fp.qself.as_ref().map(|q| {
                let ty = &q.ty;
                quote!(<#ty>)
            });
            let prefix = if path.segments.is_empty() {
                quote!(#qself ::)
            } else {
                let mut segments = path.segments.clone();
                segments.pop_punct();
                let path = syn::Path {
                    leading_colon: path.leading_colon,
                    segments,
                };
                quote!(#qself #path ::)
            };
            Callee::Assoc {
                prefix,
                name: ident,
                turbofish,
            }
        } else {
            Callee::Free { path, turbofish }
        };
        let args = self.call_args(c.args.iter());
        let arg_spans = c.args.iter().map(|a| a.span()).collect();
        Operand::Value(self.define(
            &name,
            Op::Call {
                callee,
                args,
                arg_spans,
            },
            c.span(),
        ))
    }

    fn lower_cast(&mut self, c: &syn::ExprCast) -> Operand {
        // A comparison is a `bool` whatever it compares: converted, it is a constant.
        fn boolean(e: &Expr) -> bool {
            match e {
                Expr::Paren(p) => boolean(&p.expr),
                Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => boolean(&u.expr),
                Expr::Binary(b) => matches!(
                    b.op,
                    syn::BinOp::Lt(_)
                        | syn::BinOp::Le(_)
                        | syn::BinOp::Gt(_)
                        | syn::BinOp::Ge(_)
                        | syn::BinOp::Eq(_)
                        | syn::BinOp::Ne(_)
                        | syn::BinOp::And(_)
                        | syn::BinOp::Or(_)
                ),
                Expr::Lit(l) => matches!(l.lit, syn::Lit::Bool(_)),
                _ => false,
            }
        }
        if boolean(&c.expr) {
            return Operand::Inactive(c.to_token_stream());
        }
        let is_float = matches!(&*c.ty, syn::Type::Path(p) if p.path.is_ident("f32") || p.path.is_ident("f64"));
        if is_float {
            return self.cast(&c.expr, c.ty.to_token_stream(), c.span());
        }
        if let syn::Type::Ptr(_) = &*c.ty {
            self.errors.push(
                c.span(),
                format!(
                    "a raw pointer to an active value cannot be differentiated: the macro cannot \
                     follow raw memory; {USE_THE_TAPE}"
                ),
            );
            return dummy();
        }
        let ty = c.ty.to_token_stream();
        let inner = c.expr.to_token_stream();
        self.errors.push(
            c.span(),
            format!(
                "an active float converted to `{ty}` loses its derivative; if that is what you \
                 mean, write `autodiff::stop_gradient({inner}) as {ty}`"
            ),
        );
        dummy()
    }

    /// Lowers the arms of a branch, merging the variables they change into phis.
    fn lower_branch(&mut self, head: Head, arms: Vec<ArmSource<'_>>, span: Span) -> Operand {
        let saved_scopes = self.scopes.clone();
        let saved_stmts = std::mem::take(&mut self.stmts);
        let mut lowered = Vec::new();
        for arm in &arms {
            self.scopes = saved_scopes.clone();
            self.scopes.push(Scope::new());
            for p in &arm.pattern_bindings {
                self.declare_pattern_inactive(p);
            }
            let result = match &arm.body {
                ArmBody::Block(b) => self.lower_stmts(&b.stmts),
                ArmBody::Expr(e) => self.lower_expr(e),
                ArmBody::Inlined {
                    params,
                    captures,
                    body,
                } => {
                    // A parameter given a range of active data is a named range in the body.
                    let (mut params, mut body) = (params.clone(), (*body).clone());
                    for i in 0..params.len() {
                        match self.bind_view(&params[i]) {
                            Some(mut view) => {
                                view.rewrite_stmts(&mut params[i + 1..]);
                                syn::visit_mut::VisitMut::visit_expr_mut(&mut view, &mut body);
                                for (span, message) in view.misuse {
                                    self.errors.push(span, message);
                                }
                            }
                            None => {
                                self.binding_params = true;
                                self.lower_stmts(std::slice::from_ref(&params[i]));
                                self.binding_params = false;
                            }
                        }
                    }
                    for (name, v) in captures {
                        let ident = self.ident_of(name);
                        self.declare(&ident, Binding::Active(*v));
                        self.stmts.push(Stmt::Bind {
                            name: ident,
                            ty: None,
                            value: *v,
                        });
                    }
                    self.lower_expr(&body)
                }
            };
            self.scopes.pop();
            let scopes = std::mem::replace(&mut self.scopes, saved_scopes.clone());
            lowered.push((std::mem::take(&mut self.stmts), result, scopes));
        }
        self.stmts = saved_stmts;
        // Outer variables some arm rebound to an active value.
        let mut changed: Vec<(usize, String)> = Vec::new();
        for (level, scope) in saved_scopes.iter().enumerate() {
            let mut names: Vec<&String> = scope.keys().collect();
            names.sort();
            for name in names {
                let before = &scope[name];
                let differs = lowered.iter().any(|(_, _, s)| &s[level][name] != before);
                let any_active = lowered
                    .iter()
                    .any(|(_, _, s)| matches!(s[level][name], Binding::Active(_)));
                if differs && any_active {
                    changed.push((level, name.clone()));
                }
            }
        }
        let result_active = lowered
            .iter()
            .any(|(_, r, _)| matches!(r, Operand::Value(_)));
        let mut arms_ir = Vec::new();
        for (mut stmts, result, scopes) in lowered {
            let mut yields = Vec::new();
            let materialize =
                |stmts: &mut Vec<Stmt>, values: &mut Vec<Value>, operand: Operand| match operand {
                    Operand::Value(v) => v,
                    Operand::Inactive(t) => {
                        let id = values.len();
                        let name = format_ident!("const_{}", id, span = Span::mixed_site());
                        values.push(Value {
                            name,
                            op: Op::Const(t),
                            span,
                        });
                        stmts.push(Stmt::Def(id));
                        id
                    }
                };
            for (level, name) in &changed {
                let operand = match &scopes[*level][name] {
                    Binding::Active(v) => Operand::Value(*v),
                    _ => Operand::Inactive(self.ident_of(name).to_token_stream()),
                };
                yields.push(materialize(&mut stmts, &mut self.values, operand));
            }
            let mut tail = None;
            if result_active {
                yields.push(materialize(&mut stmts, &mut self.values, result));
            } else if let Operand::Inactive(t) = result {
                tail = Some(t);
            }
            arms_ir.push(Block {
                stmts,
                yields,
                tail,
            });
        }
        let mut phis = Vec::new();
        for (level, name) in &changed {
            let id = self.values.len();
            self.values.push(Value {
                name: Self::value_name(name, id),
                op: Op::Phi,
                span,
            });
            phis.push(id);
            self.scopes[*level].insert(name.clone(), Binding::Active(id));
        }
        let result_phi = if result_active {
            let id = self.values.len();
            self.values.push(Value {
                name: Self::value_name("branch", id),
                op: Op::Phi,
                span,
            });
            phis.push(id);
            Some(id)
        } else {
            None
        };
        let inactive_result = if result_active {
            None
        } else {
            Some(self.fresh_local("branch"))
        };
        let record = self.fresh_local("record");
        self.stmts.push(Stmt::Branch(Branch {
            head,
            arms: arms_ir,
            phis: phis.clone(),
            inactive_result: inactive_result.clone(),
            record,
        }));
        for ((_, name), &phi) in changed.iter().zip(&phis) {
            self.stmts.push(Stmt::Bind {
                name: self.ident_of(name),
                ty: None,
                value: phi,
            });
        }
        match (result_phi, inactive_result) {
            (Some(v), _) => Operand::Value(v),
            (None, Some(t)) => Operand::Inactive(quote!(#t)),
            (None, None) => Operand::Inactive(quote!(())),
        }
    }

    fn lower_if(&mut self, e: &syn::ExprIf) -> Operand {
        if let Expr::Let(l) = &*e.cond {
            if self.mentions_active(&l.expr) {
                self.errors.push(
                    l.span(),
                    "`if let` on an active value cannot be differentiated; match on an inactive value",
                );
                return dummy();
            }
        }
        let cond = &e.cond;
        let else_expr;
        let else_arm = match e.else_branch.as_ref().map(|(_, e)| &**e) {
            Some(Expr::Block(b)) => ArmBody::Block(&b.block),
            Some(other) => ArmBody::Expr(other),
            None => {
                else_expr = syn::parse_quote!({});
                ArmBody::Block(&else_expr)
            }
        };
        let pattern_bindings = match &*e.cond {
            Expr::Let(l) => vec![(*l.pat).clone()],
            _ => vec![],
        };
        let arms = vec![
            ArmSource {
                pattern_bindings,
                body: ArmBody::Block(&e.then_branch),
            },
            ArmSource {
                pattern_bindings: vec![],
                body: else_arm,
            },
        ];
        self.lower_branch(Head::If(quote!(#cond)), arms, e.if_token.span())
    }

    fn lower_match(&mut self, m: &syn::ExprMatch) -> Operand {
        if let Some((_, span)) = self.active_mention(&m.expr) {
            self.errors.push(
                span,
                "`match` on an active value cannot be differentiated; compare it in an `if` \
                 condition, or match on an inactive value",
            );
            return dummy();
        }
        let scrutinee = m.expr.to_token_stream();
        let heads = m
            .arms
            .iter()
            .map(|a| {
                let pat = &a.pat;
                let guard = a.guard.as_ref().map(|(i, g)| quote!(#i #g));
                quote!(#pat #guard)
            })
            .collect();
        let arms = m
            .arms
            .iter()
            .map(|a| ArmSource {
                pattern_bindings: vec![a.pat.clone()],
                body: ArmBody::Expr(&a.body),
            })
            .collect();
        self.lower_branch(
            Head::Match {
                scrutinee,
                arms: heads,
            },
            arms,
            m.match_token.span(),
        )
    }

    fn lower_block_expr(&mut self, b: &syn::Block) -> Operand {
        let stmts = desugar_exits(b.stmts.clone(), &function_exit);
        let block = syn::Block {
            brace_token: b.brace_token,
            stmts,
        };
        let arms = vec![ArmSource {
            pattern_bindings: vec![],
            body: ArmBody::Block(&block),
        }];
        self.lower_branch(Head::Block, arms, b.brace_token.span.join())
    }
}

impl Lower<'_> {
    /// `for pat in iter { body }`: over an active container's elements, rewritten as a loop
    /// over indices; otherwise the pattern and iterator are inactive.
    fn lower_for(&mut self, f: &syn::ExprForLoop) -> Operand {
        let span = f.for_token.span();
        let mut body = f.body.stmts.clone();
        if let Some(s) = self.slices_source(&f.expr) {
            if let Some((index, slice)) = s.patterns(&f.pat) {
                // `for w in x.windows(k)`: `w` is a named range of `x` (see `views`), the
                // window's size and the count taken once, as the iterator would.
                let size = self.fresh_local("size");
                let count = self.fresh_local("count");
                let (lo, hi) = (self.fresh_local("lo"), self.fresh_local("hi"));
                let (base, k, kind) = (&s.base, &s.size, s.kind);
                let cut = s.range.as_ref().map_or(quote!(..), |r| quote!(#r));
                // One statement each: the analyses of reverse mode read `let`s one by one.
                self.verbatim(
                    quote!(let (#lo, #hi) = ::autodiff::__private::view_bounds(#cut, #base.len());),
                );
                self.verbatim(quote!(let #size: usize = #k;));
                self.verbatim(
                    quote!(let #count = ::autodiff::__private::slices_count(#kind, #hi - #lo, #size);),
                );
                let index = index.unwrap_or_else(|| self.fresh_local("index"));
                let start = quote!(#lo + #index * #size);
                let range = match kind {
                    "windows" => quote!(#lo + #index..#lo + #index + #size),
                    "chunks" => quote!(#start..::core::cmp::min(#start + #size, #hi)),
                    _ => quote!(#start..#start + #size),
                };
                body.insert(0, syn::parse_quote!(let #slice = &#base[#range];));
                let head = LoopHead::For {
                    pat: quote!(#index),
                    iter: quote!(0..#count),
                };
                return self.lower_loop(f.label.as_ref(), head, body, vec![], span);
            }
        }
        // Over active containers the elements are read by index and the pattern binds them;
        // otherwise the pattern binds inactive items.
        let mut pats = vec![];
        let index = self.fresh_local("index");
        let head = match self.elements(&f.pat, &f.expr, &index) {
            Some(e) => {
                for t in e.prelude {
                    self.verbatim(t);
                }
                for (name, base, at) in e.places {
                    let mut view = views::View::element(&name, &base, at);
                    view.rewrite_stmts(&mut body);
                    for (span, message) in view.misuse {
                        self.errors.push(span, message);
                    }
                }
                for name in e.copied {
                    views::View::copied(&name).rewrite_stmts(&mut body);
                }
                body.splice(0..0, e.lets);
                let len = e.len;
                LoopHead::For {
                    pat: quote!(#index),
                    iter: quote!(0..#len),
                }
            }
            None => {
                if let Some((name, s)) = self.active_mention(&f.expr) {
                    self.errors.push(
                        s,
                        format!(
                            "cannot differentiate a loop over this iterator of the active value \
                             `{name}`; loop over indices, `x.iter()`, `x.iter().enumerate()` or \
                             `x.iter().zip(y.iter())`, {USE_THE_TAPE}"
                        ),
                    );
                    return dummy();
                }
                let (pat, iter) = (&f.pat, &f.expr);
                pats.push((*f.pat).clone());
                LoopHead::For {
                    pat: quote!(#pat),
                    iter: quote!(#iter),
                }
            }
        };
        self.lower_loop(f.label.as_ref(), head, body, pats, span)
    }

    /// For a loop over the elements of active containers: see [`Elements`]; `index` is the
    /// loop's position.
    fn elements(&self, pat: &Pat, iter: &Expr, index: &Ident) -> Option<Elements> {
        let (count, mut srcs) = iter_sources(self, iter)?;
        // Constant containers alone leave the loop as written.
        if !srcs.iter().any(|s| s.active) {
            return None;
        }
        let mut prelude = Vec::new();
        // A start, step or count that names variables is taken once: the body may change or
        // hide them.
        fn take_once(prelude: &mut Vec<TokenStream>, t: &mut TokenStream, name: Ident) {
            fn names(t: TokenStream) -> bool {
                t.into_iter().any(|t| match t {
                    TokenTree::Ident(i) => i != "as" && i != "usize",
                    TokenTree::Group(g) => names(g.stream()),
                    _ => false,
                })
            }
            if names(t.clone()) {
                prelude.push(quote!(let #name: usize = #t;));
                *t = quote!(#name);
            }
        }
        for (k, s) in srcs.iter_mut().enumerate() {
            if let Some(r) = &s.range {
                let base = &s.base;
                prelude.push(quote!(let _ = ::autodiff::__private::view_bounds(#r, #base.len());));
            }
            take_once(
                &mut prelude,
                &mut s.first,
                format_ident!("{}_first_{}", index, k),
            );
            if let Some(step) = &mut s.step {
                take_once(&mut prelude, step, format_ident!("{}_step_{}", index, k));
            }
        }
        let count = count.map(|mut c| {
            take_once(&mut prelude, &mut c.start, format_ident!("{}_count", index));
            if let Some(step) = &mut c.step {
                take_once(&mut prelude, step, format_ident!("{}_count_step", index));
            }
            c
        });
        let enumerated = count.is_some();
        fn strip(p: &Pat) -> Option<Pat> {
            match p {
                Pat::Reference(r) => strip(&r.pat),
                Pat::Type(t) => strip(&t.pat),
                Pat::Ident(_) | Pat::Wild(_) => Some(p.clone()),
                _ => None,
            }
        }
        // Split the pattern into the index pattern (if enumerated) and one per source.
        let mut parts: Vec<Pat> = match pat {
            Pat::Tuple(t) => t.elems.iter().cloned().collect(),
            p => vec![p.clone()],
        };
        let index_pat = if enumerated {
            if parts.len() != 2 {
                return None;
            }
            let i = parts.remove(0);
            let inner = parts.remove(0);
            parts = match inner {
                Pat::Tuple(t) => t.elems.iter().cloned().collect(),
                p => vec![p],
            };
            Some(i)
        } else {
            None
        };
        // Zips of zips give nested tuples: `((a, b), c)`, `(a, (b, c))`.
        fn flat(p: Pat, out: &mut Vec<Pat>) {
            match p {
                Pat::Tuple(t) => t.elems.into_iter().for_each(|p| flat(p, out)),
                Pat::Paren(p) => flat(*p.pat, out),
                p => out.push(p),
            }
        }
        if parts.len() != srcs.len() && srcs.len() > 2 {
            let mut flattened = Vec::new();
            parts.into_iter().for_each(|p| flat(p, &mut flattened));
            parts = flattened;
        }
        if parts.len() != srcs.len() {
            return None;
        }
        let mut lets: Vec<SynStmt> = Vec::new();
        let (mut places, mut copied) = (Vec::new(), Vec::new());
        let lens: Vec<&TokenStream> = srcs.iter().map(|s| &s.len).collect();
        let len = lens
            .iter()
            .skip(1)
            .fold(lens[0].clone(), |acc, l| quote!(::core::cmp::min(#acc, #l)));
        if let (Some(i), Some(c)) = (index_pat, &count) {
            let start = &c.start;
            let at = match (&c.step, c.reversed) {
                (_, true) => quote!(#start + (#len - 1 - #index)),
                (Some(step), false) => quote!(#start + #index * #step),
                (None, false) => quote!(#start + #index),
            };
            lets.push(syn::parse_quote!(let #i: usize = #at;));
        }
        // A pattern that binds a name a later source reads (`for (y, b) in x.iter().zip(y)`)
        // would hide it: then every element is read into a name of its own first.
        let elements: Vec<TokenStream> = srcs.iter().map(|s| s.element(index)).collect();
        let hides = parts.iter().enumerate().any(|(k, p)| {
            let later: BTreeSet<String> = elements[k + 1..]
                .iter()
                .flat_map(|e| crate::codegen::idents(e.clone()))
                .collect();
            bound_names(p)
                .iter()
                .any(|i| later.contains(&i.to_string()))
        }) || lets.iter().any(|l| {
            let SynStmt::Local(l) = l else { return false };
            let names = bound_names(&l.pat);
            elements.iter().any(|e| {
                crate::codegen::idents(e.clone())
                    .iter()
                    .any(|i| names.iter().any(|n| n == i))
            })
        });
        let mut held_lets = Vec::new();
        for (k, (p, s)) in parts.iter().zip(&srcs).enumerate() {
            let mut element = elements[k].clone();
            if hides && !s.mutable {
                let held = format_ident!("{}_item_{}", index, k, span = Span::mixed_site());
                held_lets.push(syn::parse_quote!(let #held = #element;));
                element = quote!(#held);
            }
            match p {
                Pat::Ident(i) if s.mutable && i.by_ref.is_none() && i.subpat.is_none() => {
                    let at: Expr = syn::parse2(element).ok()?;
                    let Expr::Index(ix) = &at else { return None };
                    let base = ix.expr.to_token_stream().to_string();
                    places.push((i.ident.clone(), base, at));
                }
                _ if s.mutable => return None,
                _ => {
                    if let Pat::Ident(i) = p {
                        copied.push(i.ident.clone());
                    }
                    let p = strip(p)?;
                    lets.push(syn::parse_quote!(let #p = #element;));
                }
            }
        }
        held_lets.extend(lets);
        let lets = held_lets;
        Some(Elements {
            len,
            prelude,
            lets,
            places,
            copied,
        })
    }

    /// Lowers a loop: finds the variables it carries (those its body rebinds to active
    /// values, to a fixed point), then lowers the body once more with them as phis.
    fn lower_loop(
        &mut self,
        label: Option<&syn::Label>,
        head: LoopHead,
        body: Vec<SynStmt>,
        pattern_bindings: Vec<Pat>,
        span: Span,
    ) -> Operand {
        let k = self.built;
        self.built += usize::from(label.is_some());
        let body = match label.map(|l| labels::unlabel(&l.name, k, body.clone())) {
            Some(Ok((flags, body))) => {
                self.lower_statements(&flags);
                body
            }
            Some(Err(span)) => {
                self.errors.push(
                    span,
                    "a loop that leaves a labelled loop around it (`break 'outer`, `continue \
                     'outer`) is differentiated as a statement of a block; put it in one, \
                     `{ for .. { .. } }`",
                );
                return dummy();
            }
            None => body,
        };
        let body_expr = Expr::Block(syn::ExprBlock {
            attrs: vec![],
            label: None,
            block: syn::Block {
                brace_token: Default::default(),
                stmts: body.clone(),
            },
        });
        if !self.mentions_active(&body_expr) {
            let tokens = match &head {
                LoopHead::For { pat, iter } => quote!(for #pat in #iter #body_expr),
                LoopHead::Loop => quote!(loop #body_expr),
            };
            self.verbatim(tokens);
            return Operand::Inactive(quote!(()));
        }
        let has_break = body.iter().any(stmt_breaks);
        let broke = has_break.then(|| self.fresh_local("broke"));
        let exit = |e: &Expr| -> Option<Expr> {
            match e {
                Expr::Continue(c) if c.label.is_none() => Some(syn::parse_quote!(())),
                Expr::Break(b) if b.label.is_none() && b.expr.is_none() => {
                    let flag = broke.as_ref()?;
                    Some(syn::parse_quote!({ #flag = true; }))
                }
                _ => None,
            }
        };
        let body = desugar_exits(body, &exit);
        // An exit the rewrite did not reach would skip the iteration's bookkeeping.
        if let Some((span, valued)) = body.iter().find_map(stray_exit) {
            self.errors.push(
                span,
                if valued {
                    "a `break` with a value cannot be differentiated: assign the value to a \
                     variable declared before the loop, then `break`"
                } else {
                    "`break` and `continue` are differentiated at the end of the loop body or of \
                     an `if`/`else` or `match` arm in it, not inside a nested block; restructure \
                     this part of the loop as `if`/`else`"
                },
            );
            return dummy();
        }
        if matches!(head, LoopHead::Loop) && broke.is_none() {
            self.errors
                .push(span, "a `loop` over active values needs a `break`");
            return dummy();
        }
        // Find the carried variables: rebinding to an active value in the body, to a fixed point.
        let mut carried_names: Vec<(usize, String)> = Vec::new();
        // Each round adds a variable or ends, so there are at most as many rounds as names.
        let names_in_scope: usize = self.scopes.iter().map(|s| s.len()).sum();
        for _ in 0..=names_in_scope {
            let saved = (
                self.scopes.clone(),
                self.values.len(),
                std::mem::take(&mut self.stmts),
            );
            let mut scratch = Errors::default();
            let real_errors = std::mem::replace(self.errors, scratch);
            self.enter_loop(&carried_names, span);
            let before = self.scopes.clone();
            self.scopes.push(Scope::new());
            for p in &pattern_bindings {
                self.declare_pattern_inactive(p);
            }
            self.lower_statements(&body);
            self.scopes.pop();
            let mut grew = false;
            for (level, scope) in before.iter().enumerate() {
                let mut names: Vec<&String> = scope.keys().collect();
                names.sort();
                for name in names {
                    let now = &self.scopes[level][name];
                    if now != &scope[name]
                        && matches!(now, Binding::Active(_))
                        && !carried_names.iter().any(|(l, n)| *l == level && n == name)
                    {
                        carried_names.push((level, name.clone()));
                        grew = true;
                    }
                }
            }
            scratch = std::mem::replace(self.errors, real_errors);
            drop(scratch);
            self.scopes = saved.0;
            self.values.truncate(saved.1);
            self.stmts = saved.2;
            if !grew {
                break;
            }
        }
        let phis = self.enter_loop(&carried_names, span);
        let outer_stmts = std::mem::take(&mut self.stmts);
        for ((_, name), (_, phi)) in carried_names.iter().zip(&phis) {
            self.stmts.push(Stmt::Bind {
                name: self.ident_of(name),
                ty: None,
                value: *phi,
            });
        }
        self.scopes.push(Scope::new());
        for p in &pattern_bindings {
            self.declare_pattern_inactive(p);
        }
        self.lower_statements(&body);
        self.scopes.pop();
        let body_stmts = std::mem::replace(&mut self.stmts, outer_stmts);
        let yields: Vec<ValueId> = carried_names
            .iter()
            .zip(&phis)
            .map(
                |((level, name), (_, phi))| match &self.scopes[*level][name] {
                    Binding::Active(v) => *v,
                    // Bound to its phi at the start, a carried variable only gets active values.
                    _ => *phi,
                },
            )
            .collect();
        let mut carried = Vec::new();
        for ((level, name), (init, phi)) in carried_names.iter().zip(phis) {
            let exit = self.values.len();
            self.values.push(Value {
                name: Self::value_name(name, exit),
                op: Op::Phi,
                span,
            });
            self.scopes[*level].insert(name.clone(), Binding::Active(exit));
            carried.push(Carried { init, phi, exit });
        }
        let stack = self.fresh_local("stack");
        let exits: Vec<(Ident, ValueId)> = carried_names
            .iter()
            .zip(&carried)
            .map(|((_, n), c)| (self.ident_of(n), c.exit))
            .collect();
        self.stmts.push(Stmt::Loop(Loop {
            head,
            body: Block {
                stmts: body_stmts,
                yields,
                tail: None,
            },
            carried,
            broke,
            stack,
        }));
        for (name, value) in exits {
            self.stmts.push(Stmt::Bind {
                name,
                ty: None,
                value,
            });
        }
        Operand::Inactive(quote!(()))
    }

    /// Binds each carried variable to a fresh phi for the body; returns `(init, phi)` pairs.
    /// The initial values are materialised in the current statements.
    fn enter_loop(&mut self, carried: &[(usize, String)], span: Span) -> Vec<(ValueId, ValueId)> {
        let mut out = Vec::new();
        for (level, name) in carried {
            let init = match &self.scopes[*level][name] {
                Binding::Active(v) => *v,
                _ => self.define(name, Op::Const(self.ident_of(name).to_token_stream()), span),
            };
            let phi = self.values.len();
            self.values.push(Value {
                name: Self::value_name(name, phi),
                op: Op::Phi,
                span,
            });
            self.scopes[*level].insert(name.clone(), Binding::Active(phi));
            out.push((init, phi));
        }
        out
    }
}

/// `x.windows(k)`, `x.chunks(k)` or `x.chunks_exact(k)` on an active container, with an
/// inactive `k`, perhaps enumerated: each item is a range of `x`.
pub(crate) struct Slices {
    base: Expr,
    /// The range of `base` cut into items, if not all of it.
    range: Option<Expr>,
    size: Expr,
    kind: &'static str,
    enumerated: bool,
}

impl Slices {
    /// The names a loop's pattern gives the position (if enumerated and named) and the
    /// range; `None` for a pattern that binds anything else.
    fn patterns(&self, pat: &Pat) -> Option<(Option<Ident>, Ident)> {
        let name = |p: &Pat| match p {
            Pat::Ident(i) if i.by_ref.is_none() && i.mutability.is_none() && i.subpat.is_none() => {
                Some(i.ident.clone())
            }
            _ => None,
        };
        match (self.enumerated, pat) {
            (false, p) => Some((None, name(p)?)),
            (true, Pat::Tuple(t)) if t.elems.len() == 2 => {
                let index = match &t.elems[0] {
                    Pat::Wild(_) => None,
                    p => Some(name(p)?),
                };
                Some((index, name(&t.elems[1])?))
            }
            _ => None,
        }
    }
}

impl Lower<'_> {
    /// See [`Slices`].
    fn slices_source(&self, e: &Expr) -> Option<Slices> {
        let Expr::MethodCall(m) = e else { return None };
        if m.method == "enumerate" && m.args.is_empty() {
            let inner = self.slices_source(&m.receiver)?;
            return (!inner.enumerated).then_some(Slices {
                enumerated: true,
                ..inner
            });
        }
        let kind = ["windows", "chunks", "chunks_exact"]
            .into_iter()
            .find(|k| m.method == k)?;
        if m.args.len() != 1 || self.mentions_active(&m.args[0]) {
            return None;
        }
        // The container, or a range of one (`x[1..]`, a named range, a chunk of a chunk).
        let (base, range) = match &*m.receiver {
            Expr::Index(ix) if matches!(&*ix.index, Expr::Range(_)) => {
                (&*ix.expr, Some((*ix.index).clone()))
            }
            other => (other, None),
        };
        if range.as_ref().is_some_and(|r| self.mentions_active(r)) {
            return None;
        }
        let (_, prefix) = self.container_of(base)?;
        prefix.is_empty().then(|| Slices {
            base: base.clone(),
            range,
            size: m.args[0].clone(),
            kind,
            enumerated: false,
        })
    }
}

/// What [`Lower::elements`] gives a loop over the elements of containers.
struct Elements {
    /// Its trip count.
    len: TokenStream,
    /// Statements to run before it: each source's start, taken once, and the bounds check
    /// of a range.
    prelude: Vec<TokenStream>,
    /// The reads of the elements the pattern binds, at the start of the body.
    lets: Vec<SynStmt>,
    /// The names of elements to write (`iter_mut`), their container's name and their place.
    places: Vec<(Ident, String, Expr)>,
    /// The names bound to elements read by value, which the body may write `*v`.
    copied: Vec<Ident>,
}

/// One container read element by element: position `p` of the iterator reads
/// `base[first + p]`, or `base[first - p]` when reversed, for `len` positions.
struct Source {
    base: TokenStream,
    first: TokenStream,
    reversed: bool,
    len: TokenStream,
    /// Whether the items are places to write (`iter_mut`).
    mutable: bool,
    /// For a range of a container, the range, checked against the container's length before
    /// the loop as slicing would.
    range: Option<TokenStream>,
    /// Whether the container is active; a constant one is read alongside (`w.iter().zip(y)`
    /// with `y` data).
    active: bool,
    /// The distance between positions read (`step_by`), if not 1.
    step: Option<TokenStream>,
}

impl Source {
    /// `k` positions' distance in the container.
    fn stride(&self, k: TokenStream) -> TokenStream {
        match &self.step {
            Some(s) => quote!(#k * #s),
            None => k,
        }
    }

    fn element(&self, p: &Ident) -> TokenStream {
        let (base, first) = (&self.base, &self.first);
        let offset = self.stride(quote!(#p));
        if self.reversed {
            quote!(#base[#first - #offset])
        } else {
            quote!(#base[#first + #offset])
        }
    }

    fn skip(&mut self, k: &Expr) {
        let len = &self.len;
        let (first, delta) = (&self.first, self.stride(quote!((#k))));
        // Taken before the loop, also when the iterator turns out empty.
        self.first = if self.reversed {
            quote!(#first.wrapping_sub(#delta))
        } else {
            quote!(#first.wrapping_add(#delta))
        };
        self.len = quote!((#len).saturating_sub(#k));
    }

    fn take(&mut self, k: &Expr) {
        let len = &self.len;
        self.len = quote!(::core::cmp::min(#len, #k));
    }

    fn rev(&mut self) {
        let (first, span) = (&self.first, self.stride(self.len.clone()));
        let one = self.stride(quote!(1usize));
        self.first = if self.reversed {
            quote!((#first + #one).wrapping_sub(#span))
        } else {
            quote!((#first + #span).wrapping_sub(#one))
        };
        self.reversed = !self.reversed;
    }

    /// `step_by(k)`: every `k`-th position.
    fn step_by(&mut self, k: &Expr) {
        let len = &self.len;
        self.len = quote!((#len + (#k) - 1) / (#k));
        self.step = Some(self.stride(quote!((#k))));
    }
}

/// What an `enumerate` counts for the loop's `index`-th item: `start + index * step`, or,
/// reversed, `start + (len - 1 - index)` for a loop of `len` items.
struct Count {
    start: TokenStream,
    step: Option<TokenStream>,
    reversed: bool,
}

/// The containers an iterator reads element-wise (`x.iter()`, `&x[a..]`, with `copied`,
/// `skip`, `take`, `step_by`, `rev`, `zip`, and an outermost `enumerate`, perhaps skipped
/// or taken from), and if it enumerates, the count of its first item.
fn iter_sources(cx: &Lower, e: &Expr) -> Option<(Option<Count>, Vec<Source>)> {
    match e {
        Expr::MethodCall(m) => {
            let inactive_arg = m.args.len() == 1 && !cx.mentions_active(&m.args[0]);
            match m.method.to_string().as_str() {
                "iter" | "into_iter" if m.args.is_empty() => {
                    source(cx, &m.receiver, false).map(|s| (None, vec![s]))
                }
                "iter_mut" if m.args.is_empty() => {
                    source(cx, &m.receiver, true).map(|s| (None, vec![s]))
                }
                "copied" | "cloned" if m.args.is_empty() => iter_sources(cx, &m.receiver),
                "enumerate" if m.args.is_empty() => {
                    let (None, src) = iter_sources(cx, &m.receiver)? else {
                        return None;
                    };
                    let count = Count {
                        start: quote!(0usize),
                        step: None,
                        reversed: false,
                    };
                    Some((Some(count), src))
                }
                "skip" | "take" | "step_by" if inactive_arg => {
                    let (count, mut src) = iter_sources(cx, &m.receiver)?;
                    let k = &m.args[0];
                    for s in &mut src {
                        match m.method.to_string().as_str() {
                            "skip" => s.skip(k),
                            "take" => s.take(k),
                            _ => s.step_by(k),
                        }
                    }
                    // An enumeration skipped from counts on from where it was, one stepped
                    // through counts in steps; reversed, it counts down to its start (see
                    // `Count`), which a `take` or `step_by` after `rev` would move.
                    let count = match (count, m.method.to_string().as_str()) {
                        (Some(Count { reversed: true, .. }), "take" | "step_by") => return None,
                        (Some(c @ Count { reversed: true, .. }), _) => Some(c),
                        (Some(mut c), "skip") => {
                            let (start, step) = (&c.start, &c.step);
                            c.start = match step {
                                Some(step) => quote!(#start + (#k) * #step),
                                None => quote!(#start + (#k)),
                            };
                            Some(c)
                        }
                        (Some(mut c), "step_by") => {
                            c.step = Some(match &c.step {
                                Some(step) => quote!(#step * (#k)),
                                None => quote!((#k)),
                            });
                            Some(c)
                        }
                        (c, _) => c,
                    };
                    Some((count, src))
                }
                "rev" if m.args.is_empty() => {
                    let (count, mut src) = iter_sources(cx, &m.receiver)?;
                    if src.len() != 1 {
                        return None;
                    }
                    src[0].rev();
                    let count = match count {
                        Some(c) if c.step.is_some() || c.reversed => return None,
                        Some(c) => Some(Count {
                            reversed: true,
                            ..c
                        }),
                        None => None,
                    };
                    Some((count, src))
                }
                "zip" if m.args.len() == 1 => {
                    let (None, mut a) = iter_sources(cx, &m.receiver)? else {
                        return None;
                    };
                    let (None, b) = iter_sources(cx, &m.args[0])? else {
                        return None;
                    };
                    a.extend(b);
                    Some((None, a))
                }
                _ => None,
            }
        }
        Expr::Reference(r) if r.mutability.is_none() => {
            source(cx, &r.expr, false).map(|s| (None, vec![s]))
        }
        // A slice or `Vec` iterated as itself (`for v in x`, `zip(y)`).
        Expr::Path(_) => source(cx, e, false).map(|s| (None, vec![s])),
        Expr::Paren(p) => iter_sources(cx, &p.expr),
        _ => None,
    }
}

/// A container, or a range of one (`x[1..]`); to write (`mutable`), any local named alone,
/// which becomes a buffer if the loop writes active values into it.
fn source(cx: &Lower, e: &Expr, mutable: bool) -> Option<Source> {
    let named = |b: &Expr| matches!(b, Expr::Path(p) if p.path.get_ident().is_some());
    // A vector a call returned (`let h = layer(..);`), its elements read through its rule.
    let value = |b: &Expr| {
        matches!(b, Expr::Path(p) if p.path.get_ident().is_some_and(|i| {
            matches!(cx.lookup(&i.to_string()), Some(Binding::Active(_)))
        }))
    };
    let base = |b: &Expr| {
        if mutable {
            named(b)
        } else {
            cx.container_of(b).is_some() || value(b) || (named(b) && !cx.mentions_active(b))
        }
    };
    let active = |b: &Expr| mutable || cx.container_of(b).is_some() || value(b);
    if base(e) {
        return Some(Source {
            base: quote!(#e),
            first: quote!(0usize),
            reversed: false,
            len: quote!(#e.len()),
            mutable,
            range: None,
            active: active(e),
            step: None,
        });
    }
    let Expr::Index(ix) = e else { return None };
    let Expr::Range(r) = &*ix.index else {
        return None;
    };
    if !base(&ix.expr) || cx.mentions_active(&ix.index) {
        return None;
    }
    let base = &ix.expr;
    // Typed: a literal bound alone would leave the arithmetic below ambiguous.
    let start = r
        .start
        .as_ref()
        .map_or(quote!(0usize), |s| quote!(((#s) as usize)));
    let end = match (&r.end, &r.limits) {
        (Some(e), syn::RangeLimits::HalfOpen(_)) => quote!(((#e) as usize)),
        (Some(e), syn::RangeLimits::Closed(_)) => quote!(((#e) as usize + 1)),
        (None, _) => quote!(#base.len()),
    };
    Some(Source {
        base: quote!(#base),
        first: start.clone(),
        reversed: false,
        len: quote!((#end - #start)),
        mutable,
        range: Some(quote!(#r)),
        active: active(base),
        step: None,
    })
}

/// Where a statement of a loop body still holds a `break` or `continue` of that loop.
fn stray_exit(s: &SynStmt) -> Option<(Span, bool)> {
    /// The first exit, and whether it is a `break` with a value.
    struct Exits(Option<(Span, bool)>);
    impl<'ast> Visit<'ast> for Exits {
        fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
            self.0.get_or_insert((b.span(), b.expr.is_some()));
        }
        fn visit_expr_continue(&mut self, c: &'ast syn::ExprContinue) {
            self.0.get_or_insert((c.span(), false));
        }
        fn visit_expr_for_loop(&mut self, _: &'ast syn::ExprForLoop) {}
        fn visit_expr_while(&mut self, _: &'ast syn::ExprWhile) {}
        fn visit_expr_loop(&mut self, _: &'ast syn::ExprLoop) {}
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    }
    let mut e = Exits(None);
    e.visit_stmt(s);
    e.0
}

/// Whether a statement of a loop body contains a `break` of that loop (not of a nested one).
fn stmt_breaks(s: &SynStmt) -> bool {
    struct Breaks(bool);
    impl<'ast> Visit<'ast> for Breaks {
        fn visit_expr_break(&mut self, _: &'ast syn::ExprBreak) {
            self.0 = true;
        }
        fn visit_expr_for_loop(&mut self, _: &'ast syn::ExprForLoop) {}
        fn visit_expr_while(&mut self, _: &'ast syn::ExprWhile) {}
        fn visit_expr_loop(&mut self, _: &'ast syn::ExprLoop) {}
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    }
    let mut b = Breaks(false);
    b.visit_stmt(s);
    b.0
}

struct ArmSource<'a> {
    pattern_bindings: Vec<Pat>,
    body: ArmBody<'a>,
}

enum ArmBody<'a> {
    Block(&'a syn::Block),
    Expr(&'a Expr),
    /// An inlined closure call: the parameters' `let`s, then the captured values, then the body.
    Inlined {
        params: Vec<SynStmt>,
        captures: Vec<(String, ValueId)>,
        body: &'a Expr,
    },
}

/// Whether a macro only reads its arguments (see [`READING_MACROS`]); such a macro declares
/// no item either.
pub(crate) fn is_reading_macro(mac: &syn::Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| READING_MACROS.contains(&s.ident.to_string().as_str()))
}

/// Whether tokens name a nalgebra vector or matrix type.
pub fn names_nalgebra(tokens: &TokenStream) -> bool {
    crate::codegen::idents(tokens.clone())
        .iter()
        .any(|name| is_nalgebra_type(name))
}

/// Whether a type name is one of nalgebra's vectors or matrices (`DVector`, `Matrix3x2`, ...).
pub fn is_nalgebra_type(name: &str) -> bool {
    [
        "Matrix",
        "Vector",
        "DMatrix",
        "DVector",
        "SMatrix",
        "SVector",
        "RowVector",
        "RowDVector",
        "OMatrix",
    ]
    .iter()
    .any(|t| name.starts_with(t))
}

fn math_rule(name: &str, operands: usize) -> Option<&'static str> {
    let find = |table: &[&'static str]| table.iter().copied().find(|r| *r == name);
    match operands {
        1 => find(UNARY),
        2 => find(BINARY).or(if name == "powi" { Some("powi") } else { None }),
        3 => find(TERNARY),
        _ => None,
    }
}

fn arith_rule(op: &BinOp) -> Option<&'static str> {
    match op {
        BinOp::Add(_) => Some("add"),
        BinOp::Sub(_) => Some("sub"),
        BinOp::Mul(_) => Some("mul"),
        BinOp::Div(_) => Some("div"),
        BinOp::Rem(_) => Some("rem"),
        _ => None,
    }
}

fn compound_rule(op: &BinOp) -> Option<&'static str> {
    match op {
        BinOp::AddAssign(_) => Some("add"),
        BinOp::SubAssign(_) => Some("sub"),
        BinOp::MulAssign(_) => Some("mul"),
        BinOp::DivAssign(_) => Some("div"),
        BinOp::RemAssign(_) => Some("rem"),
        _ => None,
    }
}

fn is_comparison(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq(_)
            | BinOp::Ne(_)
            | BinOp::Lt(_)
            | BinOp::Le(_)
            | BinOp::Gt(_)
            | BinOp::Ge(_)
            | BinOp::And(_)
            | BinOp::Or(_)
    )
}
