//! The resolved model of one compilation: every file merged, ids resolved, kpi
//! templates inherited, actuals read. Scoring, the report and the language server read
//! this; they never look at pest or the AST.

use std::collections::{BTreeSet, HashMap};

use crate::codes::{Code, Level};
use crate::period::{Frequency, Period};
use crate::span::Span;
use crate::syntax::ast::{Direction, Indicator, InitiativeStatus, Rating};

/// What kind of thing an id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Perspective,
    Objective,
    Measure,
    Kpi,
    Initiative,
}

impl Kind {
    /// The keyword that declares it.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Perspective => "perspective",
            Kind::Objective => "objective",
            Kind::Measure => "measure",
            Kind::Kpi => "kpi",
            Kind::Initiative => "initiative",
        }
    }

    /// `an objective`, `a measure`, …
    pub fn with_article(self) -> String {
        let w = self.word();
        if matches!(w.as_bytes()[0], b'a' | b'e' | b'i' | b'o' | b'u') {
            format!("an {w}")
        } else {
            format!("a {w}")
        }
    }
}

/// An entry of the symbol table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub kind: Kind,
    pub index: usize,
    /// Where the id is declared (`None` for the predeclared perspectives).
    pub span: Option<Span>,
}

/// The scorecard header.
#[derive(Clone, Debug, Default)]
pub struct Scorecard {
    pub title: String,
    pub doc: Option<String>,
    pub vision: Option<String>,
    pub mission: Option<String>,
    pub owner: Option<String>,
    pub period: Option<(Period, Period)>,
    pub as_of: Option<Period>,
    /// The unit of budgets (`currency "EUR"`), as written.
    pub currency: Option<String>,
    /// Score bands as fractions.
    pub green: f64,
    pub amber: f64,
    pub span: Option<Span>,
    /// `period A .. B` as written, with the spans of A and B (also when B is before A:
    /// `period` is then `None`).
    pub period_written: Option<((Period, Span), (Period, Span))>,
    /// The `bands { … }` property.
    pub bands_span: Option<Span>,
}

/// A perspective: every block with its id merged.
#[derive(Clone, Debug)]
pub struct Perspective {
    pub id: String,
    pub title: String,
    pub level: i64,
    pub question: Option<String>,
    pub doc: Option<String>,
    pub predeclared: bool,
    pub objectives: Vec<usize>,
    /// Every `level` written in its blocks, in order, with its span.
    pub levels_written: Vec<(Span, f64)>,
    /// The head of the first block, if any block was written.
    pub span: Option<Span>,
}

/// An objective.
#[derive(Clone, Debug)]
pub struct Objective {
    pub id: String,
    pub title: String,
    pub doc: Option<String>,
    pub perspective: usize,
    pub owner: Option<String>,
    pub due: Option<Period>,
    pub weight: f64,
    pub measures: Vec<usize>,
    /// How many measures its block declares, including any whose id was taken.
    pub measures_written: usize,
    pub span: Span,
    pub head: Span,
    pub id_span: Span,
}

/// A number with where it was written (possibly in a kpi template).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Value {
    pub value: f64,
    pub span: Span,
}

/// One target of a (possibly time-phased) series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    pub value: f64,
    pub by: Option<Period>,
    pub span: Span,
}

/// One actual value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Actual {
    pub period: Period,
    pub value: f64,
    /// The entry in the `actuals` table, or the row of the CSV file.
    pub span: Span,
}

/// `note P "text"`: commentary on a measure for period P.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub period: Period,
    pub text: String,
    pub span: Span,
}

/// The properties a measure and a kpi template share.
#[derive(Clone, Debug, Default)]
pub struct Props {
    pub unit: Option<String>,
    pub direction: Option<Direction>,
    pub baseline: Option<Value>,
    pub baseline_at: Option<Period>,
    pub targets: Vec<Target>,
    pub threshold: Option<Value>,
    pub frequency: Option<Frequency>,
    pub indicator: Option<Indicator>,
    pub owner: Option<String>,
    pub source: Option<String>,
    pub formula: Option<String>,
    pub weight: Option<f64>,
    /// `note P "text"`, sorted by period (written order within one period).
    pub notes: Vec<Note>,
    /// Sorted by period; inline and CSV merged.
    pub actuals: Vec<Actual>,
    /// The data source named by `actuals "…"` or `actuals sql "…"`: the path as written.
    pub actuals_file: Option<String>,
}

/// A kpi template.
#[derive(Clone, Debug)]
pub struct Kpi {
    pub id: String,
    pub title: String,
    pub doc: Option<String>,
    pub props: Props,
    pub span: Span,
    pub head: Span,
    pub id_span: Span,
    /// Declared by the bundled library.
    pub is_std: bool,
}

/// A measure, with what it inherits from its template already filled in.
#[derive(Clone, Debug)]
pub struct Measure {
    pub id: String,
    pub title: String,
    pub doc: Option<String>,
    pub objective: usize,
    pub from: Option<usize>,
    pub props: Props,
    /// Whether the direction was inferred from baseline → first target.
    pub direction_inferred: bool,
    /// Actuals given twice for one period (or two periods that end on the same day):
    /// `(first, again)`; the second is dropped from `props.actuals`.
    pub duplicate_actuals: Vec<(Actual, Actual)>,
    /// `from` names no kpi template (an `unknown-ref` or `wrong-kind` was reported):
    /// what it would have inherited is unknown, so the checks that depend on it (unit,
    /// direction, target, threshold, frequency) say nothing more about the measure.
    pub template_failed: bool,
    /// `compute EXPR`: the expression its actuals were computed from (when it could be
    /// evaluated; `compute` errors were reported otherwise).
    pub compute: Option<Computed>,
    pub span: Span,
    pub head: Span,
    pub id_span: Span,
}

/// A computed measure's expression.
#[derive(Clone, Debug)]
pub struct Computed {
    pub expr: crate::syntax::expr::Expr,
    /// The expression as written (whitespace runs made one space).
    pub text: String,
}

impl Measure {
    /// The weight in its objective's score (default 1).
    pub fn weight(&self) -> f64 {
        self.props.weight.unwrap_or(1.0)
    }

    /// The note shown at `as_of`: the latest whose period ends at or before the as-of
    /// period's last day (of several for one period, the last written); with no as-of,
    /// the latest note.
    pub fn note_at(&self, as_of: Option<Period>) -> Option<&Note> {
        self.props
            .notes
            .iter()
            .rev()
            .find(|n| as_of.is_none_or(|a| n.period.ends_by(&a)))
    }
}

/// What an initiative supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Supported {
    Objective(usize),
    Measure(usize),
}

/// An initiative.
#[derive(Clone, Debug)]
pub struct Initiative {
    pub id: String,
    pub title: String,
    pub doc: Option<String>,
    pub owner: Option<String>,
    pub budget: Option<f64>,
    pub start: Option<Period>,
    pub end: Option<Period>,
    pub impact: Option<Rating>,
    pub feasibility: Option<Rating>,
    pub status: Option<InitiativeStatus>,
    /// A fraction in [0, 1].
    pub progress: Option<f64>,
    /// `spent N`: money spent so far.
    pub spent: Option<f64>,
    pub supports: Vec<(Supported, Span)>,
    /// Where `start` and `end` are written.
    pub start_span: Option<Span>,
    pub end_span: Option<Span>,
    /// How many ids `supports` names, resolved or not.
    pub supports_written: usize,
    pub span: Span,
    pub head: Span,
    pub id_span: Span,
}

/// A cause-and-effect link between two objectives.
#[derive(Clone, Debug)]
pub struct Link {
    pub from: usize,
    pub to: usize,
    pub rationale: Option<String>,
    /// From the driver's id to the outcome's id in the chain.
    pub span: Span,
}

/// What the parser could not read (LANGUAGE.md §9.1: what parsed is still resolved and
/// checked, but not what may follow from the broken part).
#[derive(Clone, Debug, Default)]
pub struct Broken {
    /// A file of the compilation has a syntax error.
    pub any: bool,
    /// The identifier-shaped words of the text the parser skipped: ids that may have
    /// been declared there.
    pub words: BTreeSet<String>,
    /// Declarations whose own text broke.
    pub partial: Vec<Span>,
    /// A map block lost text: links may be missing.
    pub map: bool,
    /// Text at the top level was lost: whole declarations may be missing.
    pub top_level: bool,
}

/// A number as written, with what it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Written {
    pub value: f64,
    pub percent: bool,
    pub span: Span,
    pub role: Role,
}

/// What a written number is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `green N%` or `amber N%` in `bands`.
    Band,
    /// An initiative's `progress`.
    Progress,
    /// An objective's `weight`.
    ObjectiveWeight,
    /// A measure's `weight`.
    MeasureWeight,
    /// An initiative's `budget`.
    Budget,
    /// An initiative's `spent`.
    Spent,
    /// A baseline, target, threshold or inline actual of a measure (by index).
    MeasureValue(usize),
    /// A baseline, target, threshold or inline actual of a kpi template (by index).
    KpiValue(usize),
}

/// Lint attributes of one declaration.
#[derive(Clone, Debug)]
pub struct LintScope {
    pub span: Span,
    pub levels: Vec<(Code, Level)>,
}

/// Everything one compilation declares.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub scorecard: Option<Scorecard>,
    pub perspectives: Vec<Perspective>,
    pub objectives: Vec<Objective>,
    pub measures: Vec<Measure>,
    pub kpis: Vec<Kpi>,
    pub initiatives: Vec<Initiative>,
    pub links: Vec<Link>,
    /// Every id. Looked up, never walked in its own order: code that lists ids sorts
    /// them (a hash map, because a compilation of 100k objectives looks ids up a million
    /// times).
    pub symbols: HashMap<String, Symbol>,
    /// Attributes of declarations other than the scorecard, outermost first.
    pub scopes: Vec<LintScope>,
    /// The scorecard's attributes: they apply to the whole compilation.
    pub global_levels: Vec<(Code, Level)>,
    /// What the parser could not read.
    pub broken: Broken,
    /// Numbers whose range or `%` depends on where they are written, for `value-range`
    /// and `unit-mismatch`.
    pub written: Vec<Written>,
    /// Objectives at one end of an arrow whose other end did not resolve (an
    /// `unknown-ref` or `wrong-kind` was reported): their links are incomplete, so the
    /// checks of the map's shape say nothing about them.
    pub broken_link_ends: BTreeSet<usize>,
    /// `cascade ID "path"`: the department scorecards, in source order.
    pub cascades: Vec<CascadeRef>,
    /// `align D.OBJ -> OBJ` lines that resolved.
    pub alignments: Vec<Alignment>,
    /// Some `align` line did not resolve (an error was reported): which company
    /// objectives are served is not known, so `alignment` says nothing about them.
    pub align_failed: bool,
}

/// A department scorecard the company names (`cascade ID "path"`).
#[derive(Clone, Debug)]
pub struct CascadeRef {
    pub id: String,
    /// The path as shown (relative to the current folder, like every file name).
    pub path: String,
    /// Where it is on disk (its report is written beside it).
    pub file: std::path::PathBuf,
    /// The department scorecard's title.
    pub title: Option<String>,
    /// Its compilation (an index into `Compilation::departments`), when it could be read.
    pub department: Option<usize>,
    /// An `align` line naming it did not resolve: which of its objectives are aligned is
    /// not known, so `alignment` says nothing about them.
    pub align_failed: bool,
    pub span: Span,
    pub id_span: Span,
}

/// `align D.OBJ -> OBJ [weight N] [: "rationale"]`, resolved.
#[derive(Clone, Debug)]
pub struct Alignment {
    /// The cascade (an index into `Model::cascades`).
    pub cascade: usize,
    /// The department's compilation (an index into `Compilation::departments`).
    pub department: usize,
    /// The department's objective, in the department's model.
    pub source: usize,
    /// `sales.win_accounts`.
    pub label: String,
    /// This scorecard's objective.
    pub objective: usize,
    pub weight: f64,
    pub rationale: Option<String>,
    pub span: Span,
}

impl Model {
    /// The perspectives in level order, lowest first (declaration order breaks ties).
    pub fn perspectives_by_level(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.perspectives.len()).collect();
        order.sort_by_key(|&i| self.perspectives[i].level);
        order
    }

    /// The level of an objective's perspective.
    pub fn level_of(&self, objective: usize) -> i64 {
        self.perspectives[self.objectives[objective].perspective].level
    }

    /// The ids of a kind, in no particular order, for did-you-mean (which breaks ties by
    /// name).
    pub fn ids_of(&self, kinds: &[Kind]) -> impl Iterator<Item = &str> {
        self.symbols
            .iter()
            .filter(move |(_, s)| kinds.contains(&s.kind))
            .map(|(k, _)| k.as_str())
    }

    /// The index of the measure with this id.
    pub fn measure_index(&self, id: &str) -> Option<usize> {
        match self.symbols.get(id) {
            Some(Symbol {
                kind: Kind::Measure,
                index,
                ..
            }) => Some(*index),
            _ => None,
        }
    }
}

impl Model {
    /// The as-of period: the one given (`--as-of`), else the scorecard's `as_of`, else
    /// the latest period that has any actual.
    pub fn as_of(&self, given: Option<Period>) -> Option<Period> {
        given
            .or_else(|| self.scorecard.as_ref().and_then(|s| s.as_of))
            .or_else(|| {
                self.measures
                    .iter()
                    .filter_map(|m| m.props.actuals.last().map(|a| a.period))
                    .max()
            })
    }
}
