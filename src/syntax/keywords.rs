//! The keywords each kind of block accepts, for error messages and completion.

/// Properties of the scorecard.
pub const SCORECARD: &[&str] = &["vision", "mission", "owner", "period", "as_of", "bands"];
/// What a perspective block holds.
pub const PERSPECTIVE: &[&str] = &["objective", "level", "question"];
/// What an objective block holds.
pub const OBJECTIVE: &[&str] = &["measure", "owner", "due", "weight"];
/// Properties of a measure or kpi template.
pub const MEASURE: &[&str] = &[
    "unit",
    "direction",
    "baseline",
    "target",
    "threshold",
    "frequency",
    "leading",
    "lagging",
    "owner",
    "source",
    "formula",
    "weight",
    "actuals",
];
/// Properties of an initiative.
pub const INITIATIVE: &[&str] = &[
    "owner",
    "budget",
    "start",
    "end",
    "impact",
    "feasibility",
    "status",
    "progress",
    "supports",
];
/// Top-level declarations.
pub const TOP: &[&str] = &[
    "scorecard",
    "perspective",
    "kpi",
    "initiative",
    "map",
    "use",
];
