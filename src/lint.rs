//! Lint levels: decides each diagnostic's final level as rustc does — the innermost
//! attribute naming its code (the declaration's own, then enclosing ones, then the
//! scorecard's), else the command line (`-D/-W/-A`, a later flag beating an earlier
//! one), else the default; `--deny warnings` then turns every remaining warning into an
//! error. Allowed diagnostics are dropped.

use crate::codes::{Code, Level};
use crate::diag::Diagnostic;
use crate::model::Model;
use crate::resolve::level_in;
use crate::source::Sources;

/// Levels given on the command line.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// `-D/-W/-A CODE` in command-line order.
    pub levels: Vec<(Code, Level)>,
    /// `--deny warnings` (or `-D warnings`).
    pub deny_warnings: bool,
}

/// Sets every diagnostic's level, drops the allowed ones, and sorts them by file,
/// line and column (duplicates removed).
pub fn apply_levels(
    diags: Vec<Diagnostic>,
    model: &Model,
    opts: &LintOptions,
    sources: &Sources,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diags
        .into_iter()
        .filter_map(|mut d| {
            d.level = level_of(&d, model, opts);
            (d.level != Level::Allow).then_some(d)
        })
        .collect();
    sort_diagnostics(&mut out, sources);
    out
}

/// Sorts by file name, line, column, then code and message; removes exact duplicates.
pub fn sort_diagnostics(diags: &mut Vec<Diagnostic>, sources: &Sources) {
    diags.sort_by_cached_key(|d| {
        let loc = sources.location(d.span);
        (
            loc.file,
            loc.line,
            loc.column,
            d.code,
            d.message.clone(),
            loc.end_line,
            loc.end_column,
        )
    });
    diags.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
}

fn level_of(d: &Diagnostic, model: &Model, opts: &LintOptions) -> Level {
    if !d.code.is_adjustable() {
        return d.code.default_level();
    }
    let mut scopes: Vec<_> = model
        .scopes
        .iter()
        .filter(|s| s.span.contains(d.scope))
        .collect();
    scopes.sort_by_key(|s| s.span.len());
    let level = scopes
        .iter()
        .find_map(|s| level_in(&s.levels, d.code))
        .or_else(|| level_in(&model.global_levels, d.code))
        .or_else(|| level_in(&opts.levels, d.code))
        .unwrap_or(d.code.default_level());
    if level == Level::Warning && opts.deny_warnings {
        Level::Error
    } else {
        level
    }
}
