//! The syntax tree of one `.bsc` file: every node keeps its span, properties keep
//! their source order, and the file keeps its comments, so that the formatter can print
//! it back and the language server can point into it.

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
/// and the whole declaration; `head` covers the keyword and the id (or title).
#[derive(Clone, Debug, PartialEq)]
pub struct Decl<T> {
    pub doc: Option<String>,
    pub attrs: Vec<Attribute>,
    pub span: Span,
    pub head: Span,
    pub node: T,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Use(Decl<Use>),
    Scorecard(Decl<Scorecard>),
    Perspective(Decl<Perspective>),
    Kpi(Decl<Measure>),
    Initiative(Decl<Initiative>),
    Map(Decl<MapBlock>),
}

/// `use "path"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Use {
    pub path: Str,
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
    ActualsFile(Str),
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
            MeasureProp::ActualsFile(_) => "actuals \"file\"",
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
    Supports(Vec<Ident>),
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
            InitiativeProp::Supports(_) => "supports",
        }
    }
}

/// `map { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct MapBlock {
    pub chains: Vec<Chain>,
}

/// `a -> b -> c : "rationale"`: one edge per arrow.
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub nodes: Vec<Ident>,
    pub rationale: Option<Str>,
    pub span: Span,
}

impl File {
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
                Item::Scorecard(d) => {
                    decl_spans(d, &mut f);
                    let s = &mut d.node;
                    f(&mut s.title.span);
                    for p in &mut s.props {
                        f(&mut p.span);
                        match &mut p.node {
                            ScorecardProp::Vision(x)
                            | ScorecardProp::Mission(x)
                            | ScorecardProp::Owner(x) => f(&mut x.span),
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
                }
            }
        }
    }
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
            | MeasureProp::Formula(s)
            | MeasureProp::ActualsFile(s) => f(&mut s.span),
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
            MeasureProp::ActualsTable(rows) => {
                for r in rows {
                    f(&mut r.span);
                    f(&mut r.period.span);
                    f(&mut r.value.span);
                }
            }
        }
    }
}
