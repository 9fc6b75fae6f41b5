//! Diagnostics as data: what is wrong, where, and how to fix it.
//!
//! Every stage pushes [`Diagnostic`]s into a `Vec` and goes on; `lint.rs` then decides
//! each one's final level, and `emit/` draws them (terminal, JSON, GitHub, SARIF, LSP).

use crate::codes::{Code, Level};
use crate::span::{FileId, Span};

/// A secondary place in the source, with what to say about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A replacement that fixes the problem, for editors' code actions.
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
    pub title: String,
}

/// One problem found in the user's files.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    /// The default level until `lint::apply_levels` runs.
    pub level: Level,
    pub message: String,
    /// The primary place and its label.
    pub span: Span,
    pub label: String,
    /// Further places (possibly in other files).
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// Where lint attributes are looked up; the primary span unless the problem lies
    /// outside the declaration it belongs to (a bad row of a CSV file).
    pub scope: Span,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// Moves the spans that point into file `from` to file `to`: a file read ahead
    /// under one id and taken under another keeps its diagnostics.
    pub fn move_file(&mut self, from: FileId, to: FileId) {
        let spans = [&mut self.span, &mut self.scope]
            .into_iter()
            .chain(self.labels.iter_mut().map(|l| &mut l.span))
            .chain(self.fix.iter_mut().map(|f| &mut f.span));
        for s in spans.filter(|s| s.file == from) {
            s.file = to;
        }
    }

    /// A diagnostic of `code` at `span`, at the code's default level.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            level: code.default_level(),
            message: message.into(),
            span,
            label: String::new(),
            labels: Vec::new(),
            help: None,
            scope: span,
            fix: None,
        }
    }

    /// Sets the label of the primary span.
    pub fn label(mut self, message: impl Into<String>) -> Self {
        self.label = message.into();
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the help line if there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Looks up lint attributes at `scope` instead of the primary span.
    pub fn scope(mut self, scope: Span) -> Self {
        self.scope = scope;
        self
    }

    /// Attaches a machine-applicable fix.
    pub fn fix(
        mut self,
        span: Span,
        replacement: impl Into<String>,
        title: impl Into<String>,
    ) -> Self {
        self.fix = Some(Fix {
            span,
            replacement: replacement.into(),
            title: title.into(),
        });
        self
    }

    /// Every label, the primary one first.
    pub fn all_labels(&self) -> impl Iterator<Item = Label> + '_ {
        std::iter::once(Label {
            span: self.span,
            message: self.label.clone(),
        })
        .chain(self.labels.iter().cloned())
    }
}

/// The closest candidate to `name` by edit distance, if it is close enough to be a
/// plausible typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    let len = name.chars().count();
    for cand in candidates {
        if cand.len().abs_diff(len) > len / 2 + 2 {
            continue;
        }
        let score = strsim::jaro_winkler(&name.to_lowercase(), &cand.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(b, c)| score > b || (score == b && cand < c)) {
            best = Some((score, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Joins words as `a`, `b` or `c`.
pub fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {}", rest.join(", "), last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let ids = ["customer_loyalty", "restore_margin", "less_downtime"];
        assert_eq!(
            did_you_mean("customer_loyality", ids),
            Some("customer_loyalty")
        );
        assert_eq!(did_you_mean("xyz", ids), None);
    }

    #[test]
    fn joins_with_or() {
        let w = |v: &[&str]| join_or(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(w(&["a"]), "a");
        assert_eq!(w(&["a", "b", "c"]), "a, b or c");
    }
}
