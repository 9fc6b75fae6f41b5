//! `bsc check --format sarif`: SARIF 2.1.0, one rule per code, columns in Unicode code
//! points (declared with `columnKind`).

use serde_json::{Value, json};

use super::Report;
use crate::codes::{Code, Level};
use crate::source::Location;

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Allow => "none",
    }
}

fn region(l: &Location) -> Value {
    json!({
        "startLine": l.line,
        "startColumn": l.column,
        "endLine": l.end_line,
        "endColumn": l.end_column,
    })
}

fn physical(l: &Location) -> Value {
    json!({
        "artifactLocation": { "uri": l.file },
        "region": region(l),
    })
}

/// The SARIF log.
///
/// Rules have no `name`: SARIF wants it to be a readable name that differs from the
/// opaque `id`, and bsc's codes are readable already. A `name` equal to the `id` is what
/// Microsoft's validator warns about (SARIF1001), and it compares them ignoring case, so
/// the code in PascalCase would still be the same name for `cycle` or `orphan`.
pub fn document(report: &Report<'_>) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.name(),
                "shortDescription": { "text": c.summary() },
                "fullDescription": { "text": c.summary() },
                "help": { "text": c.explain(), "markdown": c.explain() },
                "defaultConfiguration": { "level": level(c.default_level()) },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .items
        .iter()
        .map(|item| {
            let d = item.diag;
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let related: Vec<Value> = item
                .labels
                .iter()
                .enumerate()
                .map(|(i, (loc, msg))| {
                    json!({
                        "id": i,
                        "message": { "text": if msg.is_empty() { d.message.clone() } else { msg.clone() } },
                        "physicalLocation": physical(loc),
                    })
                })
                .collect();
            json!({
                "ruleId": d.code.name(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": level(d.level),
                "message": { "text": text },
                "locations": [ { "physicalLocation": physical(&item.location) } ],
                "relatedLocations": related,
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [ {
            "tool": { "driver": {
                "name": "bsc",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/bsc-lang/bsc",
                "rules": rules,
            } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        } ],
    })
}

/// The SARIF log as pretty-printed JSON.
pub fn render(report: &Report<'_>) -> String {
    let mut s = serde_json::to_string_pretty(&document(report)).unwrap_or_default();
    s.push('\n');
    s
}
