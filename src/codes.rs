//! The registry of diagnostic codes: each code declared once, with its default level,
//! its one-line summary and its explain text (`src/codes/explain/CODE.md`).
//!
//! Checks, `bsc explain`, the SARIF rules, the JSON `code` field and the language
//! server all read from here.

use std::fmt;

use serde::{Serialize, Serializer};

/// How serious a diagnostic is, after attributes and flags have been applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Not reported.
    Allow,
    Warning,
    Error,
}

impl Level {
    /// `error`, `warning` or `allow`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl Serialize for Level {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $level:ident, $summary:literal;)*) => {
        /// A diagnostic code. The name (`unknown-ref`) is stable: tools match on it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in the order of the table in LANGUAGE.md §6.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable name, e.g. `unknown-ref`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The level when no attribute or flag says otherwise.
            pub fn default_level(self) -> Level {
                match self { $(Code::$variant => Level::$level,)* }
            }

            /// One line saying when the code fires.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }

            /// The long explanation printed by `bsc explain`.
            pub fn explain(self) -> &'static str {
                match self {
                    $(Code::$variant => include_str!(concat!("codes/explain/", $name, ".md")),)*
                }
            }
        }
    };
}

codes! {
    Syntax = "syntax", Error, "the text does not parse";
    DuplicateId = "duplicate-id", Error, "an id is declared twice";
    UnknownRef = "unknown-ref", Error, "a reference names no declaration";
    WrongKind = "wrong-kind", Error, "a reference names a declaration of the wrong kind";
    Cycle = "cycle", Error, "the strategy map has a circular cause-and-effect chain";
    InvalidPeriod = "invalid-period", Error, "a calendar value that does not exist";
    UnitMismatch = "unit-mismatch", Error, "a `%` value on a measure whose unit is not \"%\"";
    ThresholdOrder = "threshold-order", Error, "the threshold is on the wrong side of the target";
    Direction = "direction", Error, "a measure's direction is absent and cannot be inferred";
    DuplicatePeriod = "duplicate-period", Error, "two actuals for the same period";
    Import = "import", Error, "a `use` that cannot be read, or an import cycle";
    Data = "data", Error, "an unreadable data source (CSV, spreadsheet, SQLite) or a bad value in it";
    Compute = "compute", Error, "a computed measure that cannot be computed as written";
    PerspectiveLevel = "perspective-level", Error, "a new perspective without `level`, or `level` set twice";
    DuplicateProperty = "duplicate-property", Error, "a property given twice in one block";
    DateOrder = "date-order", Error, "dates in the wrong order (targets, an initiative, the scorecard period)";
    ValueRange = "value-range", Error, "a value outside its range (progress, weights, bands)";
    Orphan = "orphan", Warning, "an objective with no link in or out";
    Unmeasured = "unmeasured", Warning, "an objective with no measure";
    NoTarget = "no-target", Warning, "a measure with no target";
    NoOwner = "no-owner", Warning, "an objective with no owner";
    BackwardLink = "backward-link", Warning, "a link from a higher perspective to a lower one";
    DeadEnd = "dead-end", Warning, "an objective with no path to any top-level objective";
    LaggingOnly = "lagging-only", Warning, "a root of the strategy map whose measures are all lagging";
    MissingPerspective = "missing-perspective", Warning, "a predeclared perspective has no objective";
    Focus = "focus", Warning, "more than 15 objectives in the scorecard";
    UnalignedInitiative = "unaligned-initiative", Warning, "an initiative that supports nothing";
    StaleData = "stale-data", Warning, "a measure's latest actual is older than its frequency allows";
    UnknownLint = "unknown-lint", Warning, "an attribute or flag names no check";
    SuspiciousValue = "suspicious-value", Warning, "an actual ten times (or a tenth of) its measure's usual value";
    Alignment = "alignment", Warning, "a company objective no department serves, or a department objective aligned to nothing";
    UnexplainedRed = "unexplained-red", Warning, "a red measure with no note saying why";
    OverdueInitiative = "overdue-initiative", Warning, "an initiative not done whose end has passed";
    LateStart = "late-start", Warning, "a planned initiative whose start has passed";
    BehindSchedule = "behind-schedule", Warning, "an active initiative whose progress trails the time elapsed by more than 25 points";
    OverBudget = "over-budget", Warning, "an initiative that spent more than its budget, or far more than its progress";
}

impl Code {
    /// The code with this name.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// Whether attributes and flags may change this code's level. A file that does not
    /// parse has no model to check, so `syntax` is always an error.
    pub fn is_adjustable(self) -> bool {
        self != Code::Syntax
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_an_explain_text_with_an_example() {
        for code in Code::ALL {
            let text = code.explain();
            assert!(
                text.starts_with(&format!("# `{}`", code.name())),
                "{code}: explain text must start with its heading"
            );
            assert!(
                text.contains("```bsc"),
                "{code}: explain text needs an example"
            );
        }
    }

    #[test]
    fn names_round_trip() {
        for code in Code::ALL {
            assert_eq!(Code::from_name(code.name()), Some(*code));
        }
        assert_eq!(Code::from_name("nope"), None);
    }
}
