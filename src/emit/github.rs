//! `bsc check --format github`: GitHub Actions workflow commands, one per diagnostic.

use super::Report;
use crate::codes::Level;

/// Escapes the message part of a workflow command.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One line per diagnostic: `::error file=…,line=…,col=…,title=CODE::message`.
pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    for item in &report.items {
        let d = item.diag;
        let l = &item.location;
        let kind = if d.level == Level::Error {
            "error"
        } else {
            "warning"
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            property(&l.file),
            l.line,
            l.column,
            l.end_line,
            l.end_column,
            property(d.code.name()),
            data(&message)
        ));
    }
    out
}
