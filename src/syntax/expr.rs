//! The expressions of computed measures (`compute EXPR`, LANGUAGE.md §9.3): numbers,
//! measure ids, `+ - * /`, parentheses, unary minus, and the functions `lag`, `sum`,
//! `avg`, `ytd` and `growth`. Every node keeps its span, so that ids inside an expression
//! are reported, completed, renamed and followed like any other reference.

use crate::span::Span;

use super::ast::{Ident, Number};

/// An expression and where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// What an expression is.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number literal (a `%` means the same as in §3: `12%` is 12).
    Number(Number),
    /// A measure's series.
    Ref(Ident),
    /// `-e`
    Neg(Box<Expr>),
    /// `(e)`, kept so that the trace prints the expression as written.
    Paren(Box<Expr>),
    /// `a + b - c` or `a * b / c`: operators of one precedence, applied left to right.
    /// A chain, not nested pairs, so that no expression nests deeper than its
    /// parentheses (which the pre-pass bounds).
    Chain(Box<Expr>, Vec<(BinOp, Expr)>),
    /// `lag(e, n)`, `sum(e, n)`, `avg(e, n)`, `growth(e, n)`, `ytd(e)`.
    Call(Call),
}

/// A function call.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub func: Func,
    /// The function's name as written.
    pub name: Span,
    pub arg: Box<Expr>,
    /// The number of periods (every function but `ytd` has one).
    pub window: Option<Number>,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    /// The operator as written in a `.bsc` file.
    pub fn ascii(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    /// The operator as the trace prints it (`−` and `×` read better than `-` and `*`).
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "−",
            BinOp::Mul => "×",
            BinOp::Div => "/",
        }
    }
}

/// A function of a computed measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// The value n periods earlier.
    Lag,
    /// The sum of the trailing n periods, the current one included.
    Sum,
    /// The mean of the trailing n periods, the current one included.
    Avg,
    /// The sum since the start of the calendar year.
    Ytd,
    /// `(e − lag(e, n)) / lag(e, n) × 100`.
    Growth,
}

impl Func {
    /// Every function, with its name.
    pub const ALL: &'static [(Func, &'static str)] = &[
        (Func::Lag, "lag"),
        (Func::Sum, "sum"),
        (Func::Avg, "avg"),
        (Func::Ytd, "ytd"),
        (Func::Growth, "growth"),
    ];

    /// The function of a name.
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.iter().find(|(_, n)| *n == name).map(|(f, _)| *f)
    }

    /// The function's name.
    pub fn name(self) -> &'static str {
        Func::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("", |(_, n)| n)
    }

    /// Whether it takes a number of periods.
    pub fn has_window(self) -> bool {
        self != Func::Ytd
    }
}

impl Expr {
    /// Every measure id the expression names, in source order.
    pub fn refs(&self) -> Vec<&Ident> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let ExprKind::Ref(id) = &e.kind {
                out.push(id);
            }
        });
        out
    }

    /// Visits every node, parents first.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Number(_) | ExprKind::Ref(_) => {}
            ExprKind::Neg(e) | ExprKind::Paren(e) => e.walk(f),
            ExprKind::Chain(first, rest) => {
                first.walk(f);
                for (_, e) in rest {
                    e.walk(f);
                }
            }
            ExprKind::Call(c) => c.arg.walk(f),
        }
    }

    /// Visits every span of the expression, for moving a tree to another file.
    pub fn spans_mut(&mut self, f: &mut impl FnMut(&mut Span)) {
        f(&mut self.span);
        match &mut self.kind {
            ExprKind::Number(n) => f(&mut n.span),
            ExprKind::Ref(id) => f(&mut id.span),
            ExprKind::Neg(e) | ExprKind::Paren(e) => e.spans_mut(f),
            ExprKind::Chain(first, rest) => {
                first.spans_mut(f);
                for (_, e) in rest {
                    e.spans_mut(f);
                }
            }
            ExprKind::Call(c) => {
                f(&mut c.name);
                c.arg.spans_mut(f);
                if let Some(w) = &mut c.window {
                    f(&mut w.span);
                }
            }
        }
    }
}
