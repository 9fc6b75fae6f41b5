//! The three forms of a diff: human (grouped and coloured like `git diff --stat`),
//! markdown (for a pull request or the meeting notes) and JSON (`bsc-diff/1`).

use std::fmt::Write as _;

use super::{Change, Diff, Kind};
use crate::num::percent;

const ITEMS: [(&str, &str); 7] = [
    ("scorecard", "Scorecard"),
    ("perspective", "Perspectives"),
    ("objective", "Objectives"),
    ("measure", "Measures"),
    ("initiative", "Initiatives"),
    ("link", "Links"),
    ("alignment", "Alignments"),
];

/// A JSON value as a person reads it: targets `[[10, "2025-06"], [12, null]]` read
/// `10 by 2025-06, 12`; an actual `["2025-06", 8.5]` reads `8.5 (2025-06)`.
fn show(v: &Option<serde_json::Value>) -> String {
    use serde_json::Value as V;
    match v {
        None | Some(V::Null) => "none".into(),
        Some(V::String(s)) => s.clone(),
        Some(V::Array(a)) => match a.as_slice() {
            [V::String(period), value] => format!("{value} ({period})"),
            [value, V::String(by)] if value.is_number() => format!("{value} by {by}"),
            [value, V::Null] if value.is_number() => value.to_string(),
            [] => "none".into(),
            items => items
                .iter()
                .map(|x| show(&Some(x.clone())))
                .collect::<Vec<_>>()
                .join(", "),
        },
        Some(other) => other.to_string(),
    }
}

fn score(v: Option<crate::num::Num>) -> String {
    percent(v.map(|n| n.0))
}

fn score_of(v: &Option<serde_json::Value>) -> String {
    match v.as_ref().and_then(serde_json::Value::as_f64) {
        Some(x) => percent(Some(x)),
        None => "–".into(),
    }
}

/// One change in words, without its id: `title "A" → "B"`, `status amber → red (72% → 55%)`.
pub fn words(c: &Change) -> String {
    match c.kind {
        Kind::Added => "added".into(),
        Kind::Removed => "removed".into(),
        Kind::Status => {
            let moved = c
                .score
                .map(|(a, b)| format!(" ({} → {})", score(a), score(b)))
                .unwrap_or_default();
            format!("status {} → {}{moved}", show(&c.from), show(&c.to))
        }
        Kind::Changed if c.field == Some("score") => {
            format!("score {} → {}", score_of(&c.from), score_of(&c.to))
        }
        Kind::Changed => format!(
            "{} {} → {}",
            c.field.unwrap_or(""),
            show(&c.from),
            show(&c.to)
        ),
    }
}

fn status_rank(s: &Option<serde_json::Value>) -> i32 {
    match s.as_ref().and_then(|v| v.as_str()) {
        Some("green") => 3,
        Some("amber") => 2,
        Some("red") => 1,
        _ => 0,
    }
}

/// Whether the change is good news (`Some(true)`), bad news or neither.
fn news(c: &Change) -> Option<bool> {
    match c.kind {
        Kind::Added => Some(true),
        Kind::Removed => Some(false),
        Kind::Status => Some(status_rank(&c.to) > status_rank(&c.from)),
        Kind::Changed if c.field == Some("score") => {
            let f = |v: &Option<serde_json::Value>| v.as_ref().and_then(|x| x.as_f64());
            Some(f(&c.to) > f(&c.from))
        }
        Kind::Changed => None,
    }
}

fn counts(d: &Diff) -> String {
    let all = d.all_changes();
    let n = |k: Kind| all.iter().filter(|c| c.1.kind == k).count();
    let total = all.len();
    format!(
        "{total} change{}: {} added, {} removed, {} changed, {} status",
        if total == 1 { "" } else { "s" },
        n(Kind::Added),
        n(Kind::Removed),
        n(Kind::Changed),
        n(Kind::Status)
    )
}

fn side(s: &super::Summary) -> String {
    let as_of = s
        .as_of
        .map_or("no as-of".to_string(), |p| format!("as of {p}"));
    format!(
        "{} ({as_of}, {} {})",
        s.file,
        score(s.score),
        s.status.as_str()
    )
}

/// The human form: a header, then the changes grouped by item, each line marked `+`,
/// `-`, `~` or `●` (status), coloured green for good news and red for bad when `color`;
/// then each department under its own heading, the same way.
pub fn human(d: &Diff, color: bool) -> String {
    let paint = |text: &str, code: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut s = String::new();
    let _ = writeln!(s, "--- {}", side(&d.old));
    let _ = writeln!(s, "+++ {}", side(&d.new));
    if d.is_empty() {
        s.push_str("\nno changes\n");
        return s;
    }
    human_changes(&mut s, &d.changes, &paint);
    for (path, dept) in d.all_departments() {
        if dept.is_empty() {
            continue;
        }
        let what = added_or_removed(dept.kind);
        let heading = format!("department `{path}`: {}{what}", dept.title);
        let _ = writeln!(s, "\n{}", paint(&heading, "1;4"));
        if let Some(old) = &dept.old {
            let _ = writeln!(s, "--- {}", side(old));
        }
        if let Some(new) = &dept.new {
            let _ = writeln!(s, "+++ {}", side(new));
        }
        human_changes(&mut s, &dept.changes, &paint);
    }
    let _ = writeln!(s, "\n{}", counts(d));
    s
}

/// One scorecard's changes, grouped by item.
fn human_changes(s: &mut String, changes: &[Change], paint: &dyn Fn(&str, &str) -> String) {
    for (item, heading) in ITEMS {
        let group: Vec<&Change> = changes.iter().filter(|c| c.item == item).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{}", paint(heading, "1"));
        let width = group
            .iter()
            .map(|c| c.id.chars().count())
            .max()
            .unwrap_or(0);
        for c in group {
            let mark = match c.kind {
                Kind::Added => "+",
                Kind::Removed => "-",
                Kind::Changed => "~",
                Kind::Status => "●",
            };
            let line = format!(" {mark} {:width$}  {}", c.id, words(c));
            let line = match news(c) {
                Some(true) => paint(&line, "32"),
                Some(false) => paint(&line, "31"),
                None => paint(&line, "33"),
            };
            let title = if c.title.is_empty() || c.item == "scorecard" {
                String::new()
            } else {
                format!("  {}", paint(&format!("\"{}\"", c.title), "2"))
            };
            let _ = writeln!(s, "{line}{title}");
        }
    }
}

/// Escapes text for a markdown table cell.
fn cell(t: &str) -> String {
    t.replace('|', "\\|").replace('\n', " ")
}

/// The markdown form, to paste into a pull request: a summary line, then a table per
/// item kind; then each department under its own heading, the same way.
pub fn markdown(d: &Diff) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "### Scorecard changes\n");
    let _ = writeln!(s, "{}\n", md_sides(&d.old, &d.new));
    if d.is_empty() {
        s.push_str("No changes.\n");
        return s;
    }
    md_changes(&mut s, &d.changes, "####");
    for (path, dept) in d.all_departments() {
        if dept.is_empty() {
            continue;
        }
        let what = added_or_removed(dept.kind);
        let _ = writeln!(
            s,
            "#### Department `{}`: {}{what}\n",
            cell(&path),
            cell(&dept.title)
        );
        match (&dept.old, &dept.new) {
            (Some(old), Some(new)) => {
                let _ = writeln!(s, "{}\n", md_sides(old, new));
            }
            (Some(one), None) | (None, Some(one)) => {
                let _ = writeln!(
                    s,
                    "`{}`: score **{}** ({})\n",
                    cell(&one.file),
                    score(one.score),
                    one.status.as_str()
                );
            }
            (None, None) => {}
        }
        md_changes(&mut s, &dept.changes, "#####");
    }
    let _ = writeln!(s, "{}", counts(d));
    s
}

/// `OLD` → `NEW`: score **a → b** (status → status), as of … → ….
fn md_sides(old: &super::Summary, new: &super::Summary) -> String {
    format!(
        "`{}` → `{}`: score **{} → {}** ({} → {}), as of {} → {}",
        cell(&old.file),
        cell(&new.file),
        score(old.score),
        score(new.score),
        old.status.as_str(),
        new.status.as_str(),
        old.as_of.map_or("–".into(), |p| p.to_string()),
        new.as_of.map_or("–".into(), |p| p.to_string()),
    )
}

/// One scorecard's changes, a table per item kind under `level` headings.
fn md_changes(s: &mut String, changes: &[Change], level: &str) {
    for (item, heading) in ITEMS {
        let group: Vec<&Change> = changes.iter().filter(|c| c.item == item).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(s, "{level} {heading}\n");
        s.push_str("| | id | title | change |\n|---|---|---|---|\n");
        for c in group {
            let mark = match (c.kind, news(c)) {
                (Kind::Added, _) => "➕",
                (Kind::Removed, _) => "➖",
                (_, Some(true)) => "🟢",
                (_, Some(false)) => "🔴",
                _ => "✏️",
            };
            let id = if c.id.is_empty() {
                String::new()
            } else {
                format!("`{}`", cell(&c.id))
            };
            let _ = writeln!(
                s,
                "| {mark} | {id} | {} | {} |",
                cell(&c.title),
                cell(&words(c))
            );
        }
        s.push('\n');
    }
}

/// The JSON form: `bsc-diff/1`.
pub fn json(d: &Diff) -> String {
    let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
    s.push('\n');
    s
}

/// What became of a department between the two revisions, after its heading.
fn added_or_removed(kind: Option<Kind>) -> &'static str {
    match kind {
        Some(Kind::Added) => " (added)",
        Some(Kind::Removed) => " (removed)",
        _ => "",
    }
}
