//! The syntax tree of one `.bsc` file: every node keeps its span, properties keep
//! their source order, and the file keeps its comments, so that the formatter can print
//! it back and the language server can point into it.
//!
//! A file with syntax errors still has a tree: the parser recovers (docs/syntax.md) and
//! keeps what it read. Where it could not read, it leaves an [`ErrorNode`] (the
//! `Error` variants of [`Item`], [`ScorecardProp`], [`PerspectiveItem`],
//! [`ObjectiveItem`], [`MeasureProp`], [`InitiativeProp`], and [`MapBlock::errors`]):
//! the text it skipped, with the identifier-shaped words in it. A declaration whose
//! head was read (its keyword and id; the keyword alone for `scorecard` and `map`) but
//! whose title or body broke is kept with its id and marked [`Decl::partial`]; a title
//! it could not read is an empty string with an empty span where the title was
//! expected. For consumers:
//!
//! - [`File::has_errors`]: whether the parser recovered anywhere in the file;
//! - [`Decl::partial`]: whether this declaration holds an error node or was not closed
//!   (set on every enclosing declaration too);
//! - [`File::error_nodes`] and [`File::error_words`]: what was skipped, and the words in
//!   it (an id there may be one whose declaration failed to parse: a reference to it is
//!   no news).
//!
//! The grammar's parse (`syntax::parse_with_grammar`) never makes error nodes.

use serde::Serialize;

use crate::codes::Level;
use crate::period::{Frequency, Period};
use crate::span::{FileId, Span, Spanned};

/// One parsed file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
    /// Every comment, in source order (doc comments included).
    pub comments: Vec<Comment>,
}

/// What kind of comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// `// …`
    Line,
    /// `/// …`
    Doc,
    /// `/* … */`
    Block,
}

/// A comment and where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    pub kind: CommentKind,
    pub span: Span,
}

/// A name as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal with its escapes resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

/// A number literal: scale suffixes applied, `%` remembered (it does not scale).
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    pub value: f64,
    pub percent: bool,
    pub span: Span,
}

/// A period literal; `period` is `None` when it names no calendar period (an
/// `invalid-period` diagnostic was reported).
#[derive(Clone, Debug, PartialEq)]
pub struct PeriodLit {
    pub period: Option<Period>,
    pub span: Span,
}

/// `@allow(code, …)`, `@warn(…)` or `@deny(…)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub level: Level,
    pub codes: Vec<Ident>,
    pub span: Span,
}

/// A declaration with its doc comment and attributes. `span` covers the attributes
/// and the whole declaration (of one that was not closed: up to the last token read);
/// `head` covers the keyword and the id (or title).
#[derive(Clone, Debug, PartialEq)]
pub struct Decl<T> {
    pub doc: Option<String>,
    pub attrs: Vec<Attribute>,
    pub span: Span,
    pub head: Span,
    pub node: T,
    /// The parser recovered from a syntax error inside this declaration (in its head,
    /// its block or a declaration nested in it), or its block was not closed: what it
    /// holds is what could be read.
    pub partial: bool,
}

/// Text the parser could not read: from where the broken item started to where
/// reading resumed (a keyword, a `}` or the end of the file). The raw text is
/// `span`'s range of the file.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorNode {
    pub span: Span,
    /// The identifier-shaped words in the skipped text (outside strings and comments),
    /// in source order.
    pub words: Vec<Ident>,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Use(Decl<Use>),
    /// `cascade ID "path"` (LANGUAGE.md §9.6).
    Cascade(Decl<Cascade>),
    /// `align D.OBJ -> OBJ [weight N] [: "rationale"]`.
    Align(Decl<Align>),
    Scorecard(Decl<Scorecard>),
    Perspective(Decl<Perspective>),
    Kpi(Decl<Measure>),
    Initiative(Decl<Initiative>),
    Map(Decl<MapBlock>),
    /// Text at the top level that could not be read as a declaration.
    Error(ErrorNode),
}

impl Item {
    /// Where the item is written, attributes and doc comment included.
    pub fn span(&self) -> Span {
        match self {
            Item::Use(d) => d.span,
            Item::Cascade(d) => d.span,
            Item::Align(d) => d.span,
            Item::Scorecard(d) => d.span,
            Item::Perspective(d) => d.span,
            Item::Kpi(d) => d.span,
            Item::Initiative(d) => d.span,
            Item::Map(d) => d.span,
            Item::Error(e) => e.span,
        }
    }

    /// Whether this item is, or holds, something the parser could not read.
    pub fn has_errors(&self) -> bool {
        match self {
            Item::Use(d) => d.partial,
            Item::Cascade(d) => d.partial,
            Item::Align(d) => d.partial,
            Item::Scorecard(d) => d.partial,
            Item::Perspective(d) => d.partial,
            Item::Kpi(d) => d.partial,
            Item::Initiative(d) => d.partial,
            Item::Map(d) => d.partial,
            Item::Error(_) => true,
        }
    }
}

/// `use "path"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Use {
    pub path: Str,
}

/// `cascade ID "path"`: a department scorecard, compiled on its own.
#[derive(Clone, Debug, PartialEq)]
pub struct Cascade {
    pub id: Ident,
    pub path: Str,
}

/// `align D.OBJ -> OBJ [weight N] [: "rationale"]`: department `department`'s objective
/// `source` drives this scorecard's `objective`.
#[derive(Clone, Debug, PartialEq)]
pub struct Align {
    pub department: Ident,
    pub source: Ident,
    pub objective: Ident,
    pub weight: Option<Number>,
    pub rationale: Option<Str>,
}

/// `scorecard "Title" { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Scorecard {
    pub title: Str,
    pub props: Vec<Spanned<ScorecardProp>>,
}

/// A property of the scorecard.
#[derive(Clone, Debug, PartialEq)]
pub enum ScorecardProp {
    Vision(Str),
    Mission(Str),
    Owner(Str),
    Period(PeriodLit, PeriodLit),
    AsOf(PeriodLit),
    Bands(Vec<Band>),
    /// `currency "EUR"`: the unit of budgets.
    Currency(Str),
    Error(ErrorNode),
}

/// `green 90%` or `amber 60%` inside `bands`.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    pub name: Ident,
    pub value: Number,
}

/// `perspective ID ["Title"] { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Perspective {
    pub id: Ident,
    pub title: Option<Str>,
    pub items: Vec<PerspectiveItem>,
}

/// What a perspective block holds.
#[derive(Clone, Debug, PartialEq)]
pub enum PerspectiveItem {
    Objective(Decl<Objective>),
    Level(Spanned<Number>),
    Question(Spanned<Str>),
    Error(ErrorNode),
}

/// `objective ID "Title" { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Objective {
    pub id: Ident,
    pub title: Str,
    pub items: Vec<ObjectiveItem>,
}

/// What an objective block holds.
#[derive(Clone, Debug, PartialEq)]
pub enum ObjectiveItem {
    Measure(Decl<Measure>),
    Owner(Spanned<Str>),
    Due(Spanned<PeriodLit>),
    Weight(Spanned<Number>),
    Error(ErrorNode),
}

/// `measure ID "Title" [from KPI] { … }`, or `kpi ID "Title" { … }` (no `from`).
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    pub id: Ident,
    pub title: Str,
    pub from: Option<Ident>,
    pub props: Vec<Spanned<MeasureProp>>,
}

/// Whether more is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
}

/// A leading (early signal) or lagging (outcome) indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Indicator {
    Leading,
    Lagging,
}

/// A property of a measure or kpi template.
#[derive(Clone, Debug, PartialEq)]
pub enum MeasureProp {
    Unit(Str),
    Direction(Spanned<Direction>),
    Baseline(Number, Option<PeriodLit>),
    Target(Number, Option<PeriodLit>),
    Threshold(Number),
    Frequency(Spanned<Frequency>),
    Indicator(Spanned<Indicator>),
    Owner(Str),
    Source(Str),
    Formula(Str),
    Weight(Number),
    ActualsTable(Vec<ActualEntry>),
    /// `actuals "file" [sheet "S"] [column "H"] [row "L" [key "H"]]`.
    ActualsFile(DataFile),
    /// `actuals sql "file.sqlite" "SELECT …"`.
    ActualsSql {
        db: Str,
        query: Str,
    },
    /// `compute EXPR`.
    Compute(super::expr::Expr),
    /// `note P "text"`: commentary for period P (may repeat).
    Note(PeriodLit, Str),
    Error(ErrorNode),
}

/// `actuals "file" [sheet "S"] [column "H"] [row "L" [key "H"]]` (LANGUAGE.md §9.2).
#[derive(Clone, Debug, PartialEq)]
pub struct DataFile {
    pub path: Str,
    pub sheet: Option<Str>,
    pub column: Option<Str>,
    pub row: Option<Str>,
    pub key: Option<Str>,
}

impl DataFile {
    /// The options as written, with their keywords, in the grammar's order.
    pub fn options(&self) -> impl Iterator<Item = (&'static str, &Str)> {
        [
            ("sheet", &self.sheet),
            ("column", &self.column),
            ("row", &self.row),
            ("key", &self.key),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
    }
}

impl MeasureProp {
    /// The property's keyword, for `duplicate-property` (`leading`/`lagging` share one).
    pub fn key(&self) -> &'static str {
        match self {
            MeasureProp::Unit(_) => "unit",
            MeasureProp::Direction(_) => "direction",
            MeasureProp::Baseline(..) => "baseline",
            MeasureProp::Target(..) => "target",
            MeasureProp::Threshold(_) => "threshold",
            MeasureProp::Frequency(_) => "frequency",
            MeasureProp::Indicator(_) => "leading/lagging",
            MeasureProp::Owner(_) => "owner",
            MeasureProp::Source(_) => "source",
            MeasureProp::Formula(_) => "formula",
            MeasureProp::Weight(_) => "weight",
            MeasureProp::ActualsTable(_) => "actuals { … }",
            MeasureProp::ActualsFile(_) | MeasureProp::ActualsSql { .. } => "actuals \"…\"",
            MeasureProp::Compute(_) => "compute",
            MeasureProp::Note(..) => "note",
            MeasureProp::Error(_) => "(unreadable)",
        }
    }
}

/// `PERIOD: VALUE` in an `actuals { … }` table.
#[derive(Clone, Debug, PartialEq)]
pub struct ActualEntry {
    pub period: PeriodLit,
    pub value: Number,
    pub span: Span,
}

/// `initiative ID "Title" { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Initiative {
    pub id: Ident,
    pub title: Str,
    pub props: Vec<Spanned<InitiativeProp>>,
}

/// `low`, `medium` or `high`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    Low,
    Medium,
    High,
}

/// Where an initiative stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InitiativeStatus {
    Planned,
    Active,
    Done,
    Stalled,
}

/// A property of an initiative.
#[derive(Clone, Debug, PartialEq)]
pub enum InitiativeProp {
    Owner(Str),
    Budget(Number),
    Start(PeriodLit),
    End(PeriodLit),
    Impact(Spanned<Rating>),
    Feasibility(Spanned<Rating>),
    Status(Spanned<InitiativeStatus>),
    Progress(Number),
    /// `spent N`: money spent so far.
    Spent(Number),
    Supports(Vec<Ident>),
    Error(ErrorNode),
}

impl InitiativeProp {
    /// The property's keyword.
    pub fn key(&self) -> &'static str {
        match self {
            InitiativeProp::Owner(_) => "owner",
            InitiativeProp::Budget(_) => "budget",
            InitiativeProp::Start(_) => "start",
            InitiativeProp::End(_) => "end",
            InitiativeProp::Impact(_) => "impact",
            InitiativeProp::Feasibility(_) => "feasibility",
            InitiativeProp::Status(_) => "status",
            InitiativeProp::Progress(_) => "progress",
            InitiativeProp::Spent(_) => "spent",
            InitiativeProp::Supports(_) => "supports",
            InitiativeProp::Error(_) => "(unreadable)",
        }
    }
}

/// `map { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct MapBlock {
    pub chains: Vec<Chain>,
    /// What could not be read as a chain, in source order (chains are kept apart from
    /// these so that every chain is whole).
    pub errors: Vec<ErrorNode>,
}

/// `a -> b -> c : "rationale"`: one edge per arrow.
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub nodes: Vec<Ident>,
    pub rationale: Option<Str>,
    pub span: Span,
}

impl File {
    /// Whether the parser recovered from a syntax error anywhere in the file (the tree
    /// then has an error node or a partial declaration).
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Item::has_errors)
    }

    /// Every error node of the file, in source order.
    pub fn error_nodes(&self) -> Vec<&ErrorNode> {
        let mut out = Vec::new();
        for item in &self.items {
            if !item.has_errors() {
                continue;
            }
            match item {
                Item::Error(e) => out.push(e),
                Item::Use(_) | Item::Cascade(_) | Item::Align(_) => {}
                Item::Scorecard(d) => {
                    out.extend(d.node.props.iter().filter_map(|p| match &p.node {
                        ScorecardProp::Error(e) => Some(e),
                        _ => None,
                    }))
                }
                Item::Perspective(d) => {
                    for it in &d.node.items {
                        match it {
                            PerspectiveItem::Error(e) => out.push(e),
                            PerspectiveItem::Objective(o) => {
                                for oi in &o.node.items {
                                    match oi {
                                        ObjectiveItem::Error(e) => out.push(e),
                                        ObjectiveItem::Measure(m) => measure_errors(m, &mut out),
                                        _ => {}
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Item::Kpi(d) => measure_errors(d, &mut out),
                Item::Initiative(d) => {
                    out.extend(d.node.props.iter().filter_map(|p| match &p.node {
                        InitiativeProp::Error(e) => Some(e),
                        _ => None,
                    }))
                }
                Item::Map(d) => out.extend(d.node.errors.iter()),
            }
        }
        out
    }

    /// The identifier-shaped words of every error node, in source order: ids that may
    /// have been declared or used in text the parser could not read.
    pub fn error_words(&self) -> impl Iterator<Item = &Ident> {
        self.error_nodes().into_iter().flat_map(|e| e.words.iter())
    }

    /// Moves every span of the tree to file `id`: a file read ahead under one id and
    /// taken under another keeps its tree.
    pub fn move_to(&mut self, id: FileId) {
        let mut f = |s: &mut Span| s.file = id;
        for c in &mut self.comments {
            f(&mut c.span);
        }
        for item in &mut self.items {
            match item {
                Item::Use(d) => {
                    decl_spans(d, &mut f);
                    f(&mut d.node.path.span);
                }
                Item::Cascade(d) => {
                    decl_spans(d, &mut f);
                    f(&mut d.node.id.span);
                    f(&mut d.node.path.span);
                }
                Item::Align(d) => {
                    decl_spans(d, &mut f);
                    let a = &mut d.node;
                    f(&mut a.department.span);
                    f(&mut a.source.span);
                    f(&mut a.objective.span);
                    if let Some(w) = &mut a.weight {
                        f(&mut w.span);
                    }
                    if let Some(r) = &mut a.rationale {
                        f(&mut r.span);
                    }
                }
                Item::Scorecard(d) => {
                    decl_spans(d, &mut f);
                    let s = &mut d.node;
                    f(&mut s.title.span);
                    for p in &mut s.props {
                        f(&mut p.span);
                        match &mut p.node {
                            ScorecardProp::Vision(x)
                            | ScorecardProp::Mission(x)
                            | ScorecardProp::Owner(x)
                            | ScorecardProp::Currency(x) => f(&mut x.span),
                            ScorecardProp::Period(a, b) => {
                                f(&mut a.span);
                                f(&mut b.span);
                            }
                            ScorecardProp::AsOf(a) => f(&mut a.span),
                            ScorecardProp::Bands(bands) => {
                                for b in bands {
                                    f(&mut b.name.span);
                                    f(&mut b.value.span);
                                }
                            }
                            ScorecardProp::Error(e) => error_spans(e, &mut f),
                        }
                    }
                }
                Item::Perspective(d) => {
                    decl_spans(d, &mut f);
                    let p = &mut d.node;
                    f(&mut p.id.span);
                    if let Some(t) = &mut p.title {
                        f(&mut t.span);
                    }
                    for it in &mut p.items {
                        match it {
                            PerspectiveItem::Objective(o) => objective_spans(o, &mut f),
                            PerspectiveItem::Level(n) => {
                                f(&mut n.span);
                                f(&mut n.node.span);
                            }
                            PerspectiveItem::Question(q) => {
                                f(&mut q.span);
                                f(&mut q.node.span);
                            }
                            PerspectiveItem::Error(e) => error_spans(e, &mut f),
                        }
                    }
                }
                Item::Kpi(d) => measure_spans(d, &mut f),
                Item::Initiative(d) => {
                    decl_spans(d, &mut f);
                    let i = &mut d.node;
                    f(&mut i.id.span);
                    f(&mut i.title.span);
                    for p in &mut i.props {
                        f(&mut p.span);
                        match &mut p.node {
                            InitiativeProp::Owner(s) => f(&mut s.span),
                            InitiativeProp::Budget(n) | InitiativeProp::Progress(n) => {
                                f(&mut n.span)
                            }
                            InitiativeProp::Start(x) | InitiativeProp::End(x) => f(&mut x.span),
                            InitiativeProp::Impact(r) | InitiativeProp::Feasibility(r) => {
                                f(&mut r.span)
                            }
                            InitiativeProp::Status(s) => f(&mut s.span),
                            InitiativeProp::Supports(ids) => {
                                ids.iter_mut().for_each(|i| f(&mut i.span))
                            }
                            InitiativeProp::Spent(n) => f(&mut n.span),
                            InitiativeProp::Error(e) => error_spans(e, &mut f),
                        }
                    }
                }
                Item::Map(d) => {
                    decl_spans(d, &mut f);
                    for c in &mut d.node.chains {
                        f(&mut c.span);
                        c.nodes.iter_mut().for_each(|i| f(&mut i.span));
                        if let Some(r) = &mut c.rationale {
                            f(&mut r.span);
                        }
                    }
                    for e in &mut d.node.errors {
                        error_spans(e, &mut f);
                    }
                }
                Item::Error(e) => error_spans(e, &mut f),
            }
        }
    }
}

/// The error nodes of a measure's properties.
fn measure_errors<'a>(d: &'a Decl<Measure>, out: &mut Vec<&'a ErrorNode>) {
    out.extend(d.node.props.iter().filter_map(|p| match &p.node {
        MeasureProp::Error(e) => Some(e),
        _ => None,
    }));
}

/// An error node's spans.
fn error_spans(e: &mut ErrorNode, f: &mut impl FnMut(&mut Span)) {
    f(&mut e.span);
    e.words.iter_mut().for_each(|w| f(&mut w.span));
}

/// A declaration's own spans and its attributes'.
fn decl_spans<T>(d: &mut Decl<T>, f: &mut impl FnMut(&mut Span)) {
    f(&mut d.span);
    f(&mut d.head);
    for a in &mut d.attrs {
        f(&mut a.span);
        a.codes.iter_mut().for_each(|c| f(&mut c.span));
    }
}

/// An objective's spans, its measures' included.
fn objective_spans(d: &mut Decl<Objective>, f: &mut impl FnMut(&mut Span)) {
    decl_spans(d, f);
    let o = &mut d.node;
    f(&mut o.id.span);
    f(&mut o.title.span);
    for it in &mut o.items {
        match it {
            ObjectiveItem::Measure(m) => measure_spans(m, f),
            ObjectiveItem::Owner(s) => {
                f(&mut s.span);
                f(&mut s.node.span);
            }
            ObjectiveItem::Due(p) => {
                f(&mut p.span);
                f(&mut p.node.span);
            }
            ObjectiveItem::Weight(n) => {
                f(&mut n.span);
                f(&mut n.node.span);
            }
            ObjectiveItem::Error(e) => error_spans(e, f),
        }
    }
}

/// A measure's (or kpi template's) spans.
fn measure_spans(d: &mut Decl<Measure>, f: &mut impl FnMut(&mut Span)) {
    decl_spans(d, f);
    let m = &mut d.node;
    f(&mut m.id.span);
    f(&mut m.title.span);
    if let Some(k) = &mut m.from {
        f(&mut k.span);
    }
    for p in &mut m.props {
        f(&mut p.span);
        match &mut p.node {
            MeasureProp::Unit(s)
            | MeasureProp::Owner(s)
            | MeasureProp::Source(s)
            | MeasureProp::Formula(s) => f(&mut s.span),
            MeasureProp::ActualsFile(d) => {
                f(&mut d.path.span);
                for s in [&mut d.sheet, &mut d.column, &mut d.row, &mut d.key]
                    .into_iter()
                    .flatten()
                {
                    f(&mut s.span);
                }
            }
            MeasureProp::ActualsSql { db, query } => {
                f(&mut db.span);
                f(&mut query.span);
            }
            MeasureProp::Compute(e) => e.spans_mut(f),
            MeasureProp::Direction(x) => f(&mut x.span),
            MeasureProp::Baseline(n, at) | MeasureProp::Target(n, at) => {
                f(&mut n.span);
                if let Some(at) = at {
                    f(&mut at.span);
                }
            }
            MeasureProp::Threshold(n) | MeasureProp::Weight(n) => f(&mut n.span),
            MeasureProp::Frequency(x) => f(&mut x.span),
            MeasureProp::Indicator(x) => f(&mut x.span),
            MeasureProp::Note(p, s) => {
                f(&mut p.span);
                f(&mut s.span);
            }
            MeasureProp::ActualsTable(rows) => {
                for r in rows {
                    f(&mut r.span);
                    f(&mut r.period.span);
                    f(&mut r.value.span);
                }
            }
            MeasureProp::Error(e) => error_spans(e, f),
        }
    }
}
