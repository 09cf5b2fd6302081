//! The intermediate representation both generators read: active values in single-assignment
//! form, with the user's inactive code kept verbatim, and structured control flow.
//!
//! Only active values (floats that depend on an active parameter) become IR values. Every
//! other statement is copied through as tokens, and every user variable that holds an active
//! value is re-bound to it ([`Stmt::Bind`]) so that the copied code still reads it by name.

use proc_macro2::{Span, TokenStream};
use syn::{Ident, Type};

/// Index of a value in [`Function::values`].
pub type ValueId = usize;
/// Index of a parameter in the signature.
pub type ParamId = usize;
/// Index of a container in [`Function::containers`].
pub type ContainerId = usize;

/// A collection of active floats read and written by index: an active array, slice or `Vec`
/// parameter, or a local buffer the body writes active values into.
pub struct Container {
    /// The primal's name (the parameter's or the local's).
    pub name: Ident,
    /// The parameter it is, if it is one.
    pub param: Option<ParamId>,
    /// Whether it may be read as one value: a nalgebra parameter, or a local buffer.
    pub whole: bool,
    /// Whether it is a local buffer made by `vec![..]`, so a `Vec`.
    pub vec: bool,
    /// For a parameter whose name the body binds again, the name the generated code reads it
    /// by (`let v_param = &*v;` starts every generated body), which the new binding cannot hide.
    pub alias: Option<Ident>,
}

/// A function body, lowered.
pub struct Function {
    /// Every active value, in definition order.
    pub values: Vec<Value>,
    /// Every active container.
    pub containers: Vec<Container>,
    /// The body's statements.
    pub body: Vec<Stmt>,
    /// The function's result.
    pub result: Output,
    /// Names of variables that change while the body runs (`let mut`, assigned, or bound by
    /// a `for`): inactive code that reads one cannot be run again later with the same result.
    pub changing: std::collections::BTreeSet<String>,
    /// Names of inactive locals bound to a nalgebra vector or matrix (`let v =
    /// Vector3::new(..);`, `let m: DMatrix<f64> = ..;`): in active arithmetic they make
    /// vectors, not floats.
    pub matrix_locals: std::collections::BTreeSet<String>,
}

/// The result of a function: a scalar, or a tuple or array of scalars written out at the end
/// of the body.
pub enum Output {
    /// One value.
    Scalar(Operand),
    /// `(a, b, ..)`.
    Tuple(Vec<Operand>),
    /// `[a, b, ..]`.
    Array(Vec<Operand>),
    /// A whole active container (a buffer the body filled).
    Container(ContainerId),
}

impl Output {
    /// The components, in order.
    pub fn parts(&self) -> &[Operand] {
        match self {
            Output::Scalar(o) => std::slice::from_ref(o),
            Output::Tuple(v) | Output::Array(v) => v,
            Output::Container(_) => &[],
        }
    }

    /// Builds the output from one token stream per component.
    pub fn assemble(&self, parts: Vec<proc_macro2::TokenStream>) -> proc_macro2::TokenStream {
        match self {
            Output::Scalar(_) | Output::Container(_) => parts.into_iter().next().unwrap(),
            Output::Tuple(_) => quote::quote!((#(#parts,)*)),
            Output::Array(_) => quote::quote!([#(#parts),*]),
        }
    }
}

/// An active value.
pub struct Value {
    /// The local that holds the primal.
    pub name: Ident,
    /// How it is computed.
    pub op: Op,
    /// The user's code it came from.
    pub span: Span,
}

/// How an active value is computed.
pub enum Op {
    /// A scalar parameter.
    Param(ParamId),
    /// An inactive expression standing where an active value is needed: derivative zero.
    Const(TokenStream),
    /// A primitive of the rule table: `rule(args.., extra..)` returns the value and one
    /// partial per arg.
    Rule {
        /// The rule's name in `autodiff::__private::rules`.
        rule: &'static str,
        /// Float operands, one partial each.
        args: Vec<Operand>,
        /// Inactive non-float operands (the exponent of `powi`).
        extra: Vec<TokenStream>,
    },
    /// `container[index]`, a read of an active container.
    Index {
        /// The container.
        container: ContainerId,
        /// The local holding the index.
        index: Ident,
        /// The index expression as written.
        expr: TokenStream,
    },
    /// A call to another `#[differentiable]` function.
    Call {
        /// What is called.
        callee: Callee,
        /// One per argument.
        args: Vec<CallArg>,
        /// Where each argument is written.
        arg_spans: Vec<Span>,
    },
    /// The merge of a branch's arms.
    Phi,
    /// A whole active container read as one value (a nalgebra parameter in `w * x`, or a
    /// buffer after the loop that filled it). The primal of a parameter's is a reference.
    Whole(ContainerId),
}

/// An operand of an active computation.
#[derive(Clone)]
pub enum Operand {
    /// An active value.
    Value(ValueId),
    /// An inactive expression, evaluated where it stands.
    Inactive(TokenStream),
}

/// An argument of a call to a differentiable function.
pub enum CallArg {
    /// A float expression.
    Scalar(Operand),
    /// `&value` for an active value that is not a container (a vector or matrix the body
    /// computed): passed by reference.
    Borrowed(Operand),
    /// An active container, possibly behind `&` or `*`, or a range of it (`&x[a..b]`).
    Container {
        /// The container.
        container: ContainerId,
        /// The `&` / `*` written before it.
        prefix: TokenStream,
        /// For a range: the local holding it, and the range as written.
        range: Option<(Ident, TokenStream)>,
    },
    /// Anything else: a constant.
    Inactive(TokenStream),
}

/// The function a differentiable call names.
pub enum Callee {
    /// A free function: `path::to::g::<T>`; its derivatives are associated functions of the
    /// type of the same name.
    Free {
        /// The path without its last segment's generic arguments.
        path: syn::Path,
        /// The last segment's generic arguments, if any.
        turbofish: TokenStream,
    },
    /// An associated function `Type::g` or a method `receiver.g`, whose derivatives are
    /// hidden associated functions beside it.
    Assoc {
        /// `Type::` or `receiver.`.
        prefix: TokenStream,
        /// The function's name.
        name: Ident,
        /// Generic arguments, if any.
        turbofish: TokenStream,
    },
}

/// A statement of a lowered block.
pub enum Stmt {
    /// Computes an active value.
    Def(ValueId),
    /// Inactive user code, copied as written.
    Verbatim(TokenStream),
    /// `let name: ty = value;`: the user's variable now holds this active value.
    Bind {
        /// The user's variable.
        name: Ident,
        /// Its annotated type, kept for inference.
        ty: Option<Type>,
        /// The value.
        value: ValueId,
    },
    /// Structured control flow.
    Branch(Branch),
    /// A loop.
    Loop(Loop),
    /// A local buffer became active just after its `let`: declares its tangent or adjoint.
    Buffer(ContainerId),
    /// `container[index] = value`.
    Store {
        /// The container.
        container: ContainerId,
        /// The local holding the index.
        index: Ident,
        /// The index expression as written.
        expr: TokenStream,
        /// The value stored.
        value: Operand,
    },
}

/// A loop and the active variables it carries from one iteration to the next.
pub struct Loop {
    /// `for` or `loop`.
    pub head: LoopHead,
    /// The body; it yields the next value of each carried variable, in order.
    pub body: Block,
    /// The carried variables.
    pub carried: Vec<Carried>,
    /// The flag a `break` in the body sets; the loop stops before the next iteration.
    pub broke: Option<Ident>,
    /// The local that holds, in reverse mode, one record per iteration.
    pub stack: Ident,
}

/// What drives a loop.
pub enum LoopHead {
    /// `for pat in iter`: both inactive.
    For {
        /// The pattern as written.
        pat: TokenStream,
        /// The iterator as written.
        iter: TokenStream,
    },
    /// `loop` (a `while` is a `loop` whose body starts with `if !cond { break; }`).
    Loop,
}

/// An active variable a loop carries.
pub struct Carried {
    /// Its value before the loop.
    pub init: ValueId,
    /// Its value at the start of an iteration (a phi).
    pub phi: ValueId,
    /// Its value after the loop (a phi).
    pub exit: ValueId,
}

/// A branch: an `if`, a `match`, or a block with its own scope.
pub struct Branch {
    /// What chooses the arm.
    pub head: Head,
    /// One block per arm; each yields one active value per phi, in order.
    pub arms: Vec<Block>,
    /// The values the branch defines, merged from the arms.
    pub phis: Vec<ValueId>,
    /// When the branch's value is inactive but used, the local that receives it; each arm
    /// then ends with that value in `Block::tail`.
    pub inactive_result: Option<Ident>,
    /// The local that records, in reverse mode, which arm ran and what it saved.
    pub record: Ident,
}

/// What chooses the arm of a branch.
pub enum Head {
    /// `if cond { arm 0 } else { arm 1 }`.
    If(TokenStream),
    /// `match scrutinee { pat if guard => arm, ... }`.
    Match {
        /// The scrutinee as written.
        scrutinee: TokenStream,
        /// Each arm's pattern and guard, as written.
        arms: Vec<TokenStream>,
    },
    /// A block: one arm, always taken.
    Block,
}

/// A sequence of statements.
pub struct Block {
    /// The statements.
    pub stmts: Vec<Stmt>,
    /// The active values flowing out of the block, one per phi of the enclosing branch.
    pub yields: Vec<ValueId>,
    /// The block's inactive value, for a branch with an inactive result.
    pub tail: Option<TokenStream>,
}
