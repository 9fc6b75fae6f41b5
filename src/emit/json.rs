//! `bsc check --format json`: the `bsc-diagnostics/1` document of LANGUAGE.md §7.

use serde::Serialize;

use super::{Located, Report};
use crate::codes::{Code, Level};
use crate::source::Location;

/// A place in a file: 1-based, columns in Unicode characters, end exclusive.
#[derive(Serialize)]
pub struct JsonLabel {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
}

/// One diagnostic.
#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub code: Code,
    pub level: Level,
    pub message: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub labels: Vec<JsonLabel>,
    pub help: Option<String>,
}

/// The whole document.
#[derive(Serialize)]
pub struct JsonDiagnostics {
    pub schema: &'static str,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: Vec<JsonDiagnostic>,
}

fn label((loc, message): &(Location, String)) -> JsonLabel {
    JsonLabel {
        file: loc.file.clone(),
        line: loc.line,
        column: loc.column,
        end_line: loc.end_line,
        end_column: loc.end_column,
        message: message.clone(),
    }
}

/// One diagnostic as JSON.
pub fn diagnostic(item: &Located<'_>) -> JsonDiagnostic {
    let d = item.diag;
    let l = &item.location;
    JsonDiagnostic {
        code: d.code,
        level: d.level,
        message: d.message.clone(),
        file: l.file.clone(),
        line: l.line,
        column: l.column,
        end_line: l.end_line,
        end_column: l.end_column,
        labels: item.labels.iter().map(label).collect(),
        help: d.help.clone(),
    }
}

/// The `bsc-diagnostics/1` document.
pub fn document(report: &Report<'_>) -> JsonDiagnostics {
    JsonDiagnostics {
        schema: "bsc-diagnostics/1",
        errors: report.errors(),
        warnings: report.warnings(),
        diagnostics: report.items.iter().map(diagnostic).collect(),
    }
}

/// The document as pretty-printed JSON with a final newline.
pub fn render(report: &Report<'_>) -> String {
    let mut s = serde_json::to_string_pretty(&document(report)).unwrap_or_default();
    s.push('\n');
    s
}
