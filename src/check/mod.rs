//! The checks of the resolved model: one file per code, named after it (`unknown-ref`
//! and the other codes of resolution itself are reported by `resolve`, `syntax` and
//! `import` by the loader). Each check reads the model through a [`Context`] and pushes
//! its diagnostics; none of them reads the syntax tree.

mod alignment;
mod backward_link;
mod behind_schedule;
mod cycle;
mod date_order;
mod dead_end;
mod direction;
mod duplicate_period;
mod focus;
mod lagging_only;
mod late_start;
mod missing_perspective;
mod no_owner;
mod no_target;
mod orphan;
mod over_budget;
mod overdue_initiative;
mod perspective_level;
mod stale_data;
mod suspicious_value;
mod threshold_order;
mod unaligned_initiative;
mod unexplained_red;
mod unit_mismatch;
mod unmeasured;
mod value_range;

use crate::diag::Diagnostic;
use crate::graph::Graph;
use crate::model::Model;
use crate::period::Period;
use crate::source::Sources;
use crate::span::FileId;

/// What every check may read.
pub struct Context<'a> {
    pub model: &'a Model,
    /// The file named on the command line (for diagnostics about the scorecard as a
    /// whole when it declares no `scorecard`).
    pub root: FileId,
    /// The compilation's as-of period, decided once.
    pub as_of: Option<Period>,
    /// The strategy map, objectives as nodes.
    pub graph: Graph,
}

impl Context<'_> {
    /// Whether the compilation is a library of kpi templates (no scorecard, no
    /// objective), which is not judged as a scorecard.
    pub fn is_library(&self) -> bool {
        self.model.scorecard.is_none() && self.model.objectives.is_empty()
    }
}

/// Whether a diagnostic may follow from text the parser could not read, and is
/// therefore not reported (LANGUAGE.md §9.1). A reference to an id written in the skipped
/// text; what a declaration whose own text broke lacks (an owner, a measure, a target, a
/// unit…); the map's shape when a map block or a top-level declaration was lost; and a
/// perspective that seems empty when top-level text was lost. What stands on its own (a
/// duplicate id, a cycle among the links that were read, a bad period, a data error) is
/// always reported.
pub fn follows_from_syntax(d: &Diagnostic, model: &Model, sources: &Sources) -> bool {
    use crate::codes::Code::*;
    let b = &model.broken;
    if !b.any {
        return false;
    }
    match d.code {
        Syntax | DuplicateId | WrongKind | Cycle | InvalidPeriod | DuplicatePeriod | Import
        | Data | DuplicateProperty | ValueRange | UnknownLint | SuspiciousValue | BackwardLink => {
            false
        }
        UnknownRef => b.names(sources.slice(d.span)),
        Orphan | DeadEnd | LaggingOnly => b.map || b.top_level || b.in_partial(d.span),
        MissingPerspective | Focus => b.top_level,
        _ => b.in_partial(d.span),
    }
}

/// Runs every check.
pub fn check(model: &Model, root: FileId, as_of: Option<Period>) -> Vec<Diagnostic> {
    let cx = Context {
        model,
        root,
        as_of,
        graph: Graph::new(
            model.objectives.len(),
            model.links.iter().map(|l| (l.from, l.to)),
        ),
    };
    let mut out = Vec::new();
    for check in [
        cycle::check,
        backward_link::check,
        orphan::check,
        dead_end::check,
        lagging_only::check,
        duplicate_period::check,
        direction::check,
        date_order::check,
        unit_mismatch::check,
        value_range::check,
        perspective_level::check,
        no_target::check,
        threshold_order::check,
        stale_data::check,
        unmeasured::check,
        no_owner::check,
        missing_perspective::check,
        focus::check,
        unaligned_initiative::check,
        suspicious_value::check,
        alignment::check,
        unexplained_red::check,
        overdue_initiative::check,
        late_start::check,
        behind_schedule::check,
        over_budget::check,
    ] {
        check(&cx, &mut out);
    }
    out
}
