//! `bsc review FILE` (LANGUAGE.md §9.4): the agenda of the monthly review meeting, made
//! from one scored compilation: the measures that are red, then amber, then worsening
//! (each with its note, projection and owner), stale data, the initiatives in trouble
//! (overdue, late, behind schedule, over budget, as the checks report them) and, with
//! `--since REV`, what changed since that revision (a [`Diff`]). A company that cascades
//! to departments (LANGUAGE.md §9.6) gets each department's agenda after its own.
//!
//! The checks decide what is in trouble: an `@allow`ed code leaves its item off the
//! agenda, as it leaves it out of `bsc check`.

use std::fmt::Write as _;

use serde::Serialize;

use crate::Build;
use crate::codes::{Code, Level};
use crate::diff::Diff;
use crate::num::{Num, fmt_num, percent};
use crate::period::Period;
use crate::projection::Projection;
use crate::score::{Status, Trend};

/// A measure on the agenda.
#[derive(Clone, Debug, Serialize)]
pub struct MeasureItem {
    pub id: String,
    pub title: String,
    pub objective: String,
    pub objective_title: String,
    /// The measure's owner, else its objective's.
    pub owner: Option<String>,
    pub status: Status,
    pub trend: Option<Trend>,
    pub actual: Option<(Period, Num)>,
    pub target: Option<Num>,
    pub target_by: Option<Period>,
    pub unit: Option<String>,
    pub progress: Option<Num>,
    /// The note of the as-of period, or the latest before it.
    pub note: Option<(Period, String)>,
    pub projection: Option<Projection>,
    /// The projection in words (`on track for 2025-05`).
    pub projection_text: Option<String>,
}

/// A problem the checks found, on the agenda.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    pub code: Code,
    pub id: String,
    pub title: String,
    pub owner: Option<String>,
    pub message: String,
}

/// The agenda.
#[derive(Clone, Debug, Serialize)]
pub struct Agenda {
    pub schema: &'static str,
    pub title: String,
    pub as_of: Option<Period>,
    pub score: Option<Num>,
    pub status: Status,
    pub red: Vec<MeasureItem>,
    pub amber: Vec<MeasureItem>,
    /// Green (or unscored) measures whose last two actuals went the wrong way.
    pub worsening: Vec<MeasureItem>,
    pub stale: Vec<Problem>,
    pub initiatives: Vec<Problem>,
    /// With `--since`: what changed since that revision (the company's diff holds its
    /// departments'; a department's agenda has none).
    pub since: Option<Diff>,
    /// The cascade id of a department's agenda; null for the company.
    pub department: Option<String>,
    /// The agendas of the departments it cascades to (LANGUAGE.md §9.6), in cascade
    /// order.
    pub departments: Vec<Agenda>,
}

impl Agenda {
    /// The agenda's sections of problems after the measures, with their headings.
    fn problem_sections(&self) -> [(&'static str, &Vec<Problem>); 2] {
        [
            ("Stale data", &self.stale),
            (
                "Initiatives overdue, late, behind schedule or over budget",
                &self.initiatives,
            ),
        ]
    }
}

const INITIATIVE_CODES: [Code; 4] = [
    Code::OverdueInitiative,
    Code::LateStart,
    Code::BehindSchedule,
    Code::OverBudget,
];

/// The agenda of `b`, with the changes `since`, and its departments' agendas.
pub fn agenda(b: &Build, since: Option<Diff>) -> Agenda {
    agenda_of(b, since, None)
}

fn agenda_of(b: &Build, since: Option<Diff>, department: Option<String>) -> Agenda {
    let m = &b.compilation.model;
    let s = &b.scores;
    let item = |i: usize| {
        let ms = &m.measures[i];
        let sc = &s.measures[i];
        let o = &m.objectives[ms.objective];
        MeasureItem {
            id: ms.id.clone(),
            title: ms.title.clone(),
            objective: o.id.clone(),
            objective_title: o.title.clone(),
            owner: ms.props.owner.clone().or_else(|| o.owner.clone()),
            status: sc.status,
            trend: sc.trend,
            actual: sc.actual.map(|(p, v)| (p, Num(v))),
            target: sc.target.map(|t| Num(t.value)),
            target_by: sc.target.and_then(|t| t.by),
            unit: ms.props.unit.clone(),
            progress: sc.progress.map(Num),
            note: ms.note_at(s.as_of).map(|n| (n.period, n.text.clone())),
            projection: sc.projection,
            projection_text: sc.projection.map(|p| p.text()),
        }
    };
    let pick = |f: &dyn Fn(usize) -> bool| -> Vec<MeasureItem> {
        (0..m.measures.len()).filter(|&i| f(i)).map(item).collect()
    };
    let red = pick(&|i| s.measures[i].status == Status::Red);
    let amber = pick(&|i| s.measures[i].status == Status::Amber);
    let worsening = pick(&|i| {
        matches!(s.measures[i].status, Status::Green | Status::None)
            && s.measures[i].trend == Some(Trend::Worsening)
    });
    let reported = |code: Code, span: crate::span::Span| {
        b.compilation
            .diagnostics
            .iter()
            .filter(move |d| d.code == code && d.span == span && d.level != Level::Allow)
    };
    let mut stale = Vec::new();
    for ms in &m.measures {
        for d in reported(Code::StaleData, ms.id_span) {
            stale.push(Problem {
                code: d.code,
                id: ms.id.clone(),
                title: ms.title.clone(),
                owner: ms
                    .props
                    .owner
                    .clone()
                    .or_else(|| m.objectives[ms.objective].owner.clone()),
                message: d.message.clone(),
            });
        }
    }
    let mut initiatives = Vec::new();
    for init in &m.initiatives {
        for code in INITIATIVE_CODES {
            for d in reported(code, init.id_span) {
                initiatives.push(Problem {
                    code,
                    id: init.id.clone(),
                    title: init.title.clone(),
                    owner: init.owner.clone(),
                    message: d.message.clone(),
                });
            }
        }
    }
    Agenda {
        schema: "bsc-review/1",
        title: m
            .scorecard
            .as_ref()
            .map_or_else(String::new, |s| s.title.clone()),
        as_of: s.as_of,
        score: s.scorecard.score.map(Num),
        status: s.scorecard.status,
        red,
        amber,
        worsening,
        stale,
        initiatives,
        since,
        department,
        departments: m
            .cascades
            .iter()
            .filter_map(|c| {
                let d = b.departments.get(c.department?)?;
                Some(agenda_of(d, None, Some(c.id.clone())))
            })
            .collect(),
    }
}

/// `8.5 %` or `8.5`.
fn value(v: Num, unit: &Option<String>) -> String {
    match unit.as_deref() {
        Some("%") => format!("{}%", fmt_num(v.0)),
        Some(u) => format!("{} {u}", fmt_num(v.0)),
        None => fmt_num(v.0),
    }
}

/// One measure in a line of words: actual, target, trend, projection, owner, note.
fn measure_line(m: &MeasureItem) -> (String, String) {
    let mut facts = Vec::new();
    if let Some((p, v)) = m.actual {
        facts.push(format!("{} in {p}", value(v, &m.unit)));
    }
    if let Some(t) = m.target {
        let by = m.target_by.map_or(String::new(), |p| format!(" by {p}"));
        facts.push(format!("target {}{by}", value(t, &m.unit)));
    }
    if let Some(t) = m.trend {
        facts.push(
            match t {
                Trend::Improving => "improving",
                Trend::Worsening => "worsening",
                Trend::Flat => "flat",
            }
            .to_string(),
        );
    }
    if let Some(p) = &m.projection_text {
        facts.push(p.clone());
    }
    facts.push(format!(
        "owner: {}",
        m.owner.as_deref().unwrap_or("nobody named")
    ));
    let note = match &m.note {
        Some((p, text)) => format!("{text} ({p})"),
        None => "no note: why, and what is being done?".to_string(),
    };
    (facts.join(" · "), note)
}

/// The agenda in markdown, to paste into the meeting notes: the company's sections,
/// each department's under its own heading, then the changes.
pub fn markdown(a: &Agenda) -> String {
    let mut s = String::new();
    let as_of = a.as_of.map_or("–".to_string(), |p| p.to_string());
    let _ = writeln!(s, "# Monthly review: {} (as of {as_of})\n", a.title);
    let _ = writeln!(
        s,
        "Scorecard: **{}** ({}).\n",
        percent(a.score.map(|n| n.0)),
        a.status.as_str()
    );
    let mut n = md_sections(&mut s, a, "##", 0);
    if n == 0 {
        s.push_str("Nothing is red, amber, worsening, stale or late.\n\n");
    }
    for (path, d) in departments(a, "") {
        n += 1;
        let _ = writeln!(
            s,
            "## {n}. Department `{path}`: {} ({}, {})\n",
            d.title,
            percent(d.score.map(|n| n.0)),
            d.status.as_str()
        );
        if md_sections(&mut s, d, "###", 0) == 0 {
            s.push_str("Nothing is red, amber, worsening, stale or late.\n\n");
        }
    }
    if let Some(d) = &a.since {
        n += 1;
        let _ = writeln!(s, "## {n}. Changes since {}\n", d.old.file);
        let md = crate::diff::markdown(d);
        // The diff's own heading is replaced by this section's.
        let body = md.split_once('\n').map_or(md.as_str(), |(_, rest)| rest);
        s.push_str(body.replace("#### ", "### ").trim_start());
        s.push('\n');
    }
    s
}

/// Every department's agenda, depth first, with its path of cascade ids (`sales`,
/// `sales/north`).
fn departments<'a>(a: &'a Agenda, parent: &str) -> Vec<(String, &'a Agenda)> {
    let mut out = Vec::new();
    for d in &a.departments {
        let id = d.department.as_deref().unwrap_or("");
        let path = if parent.is_empty() {
            id.to_string()
        } else {
            format!("{parent}/{id}")
        };
        out.push((path.clone(), d));
        out.extend(departments(d, &path));
    }
    out
}

/// The sections of one agenda (without its departments) under `level` headings,
/// numbered from `n + 1`; how many there were.
fn md_sections(s: &mut String, a: &Agenda, level: &str, mut n: usize) -> usize {
    let first = n;
    for (heading, items) in [
        ("Red measures", &a.red),
        ("Amber measures", &a.amber),
        ("Worsening measures", &a.worsening),
    ] {
        if items.is_empty() {
            continue;
        }
        n += 1;
        let _ = writeln!(s, "{level} {n}. {heading}\n");
        for m in items {
            let (facts, note) = measure_line(m);
            let _ = writeln!(
                s,
                "- **{}** (`{}`, {}): {facts}",
                m.title, m.id, m.objective_title
            );
            let _ = writeln!(s, "  - Note: {note}");
        }
        s.push('\n');
    }
    for (heading, items) in a.problem_sections() {
        if items.is_empty() {
            continue;
        }
        n += 1;
        let _ = writeln!(s, "{level} {n}. {heading}\n");
        for p in items {
            let owner = p.owner.as_deref().unwrap_or("nobody named");
            let _ = writeln!(
                s,
                "- **{}** (`{}`, owner: {owner}): {}",
                p.title, p.id, p.message
            );
        }
        s.push('\n');
    }
    n - first
}

/// Escapes text for HTML.
fn esc(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The agenda as one printable HTML page (no script, no external file).
pub fn html(a: &Agenda) -> String {
    let as_of = a.as_of.map_or("–".to_string(), |p| p.to_string());
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Monthly review: {title} ({as_of})</title>\n<style>\n\
body{{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#111}}\n\
h1{{font-size:1.5rem;margin:0 0 .25rem}}h2{{font-size:1.15rem;margin:1.5rem 0 .5rem;break-after:avoid}}\n\
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.35rem .4rem;text-align:left;vertical-align:top}}\n\
tr{{break-inside:avoid}}.red{{color:#b00020}}.amber{{color:#8a5a00}}.green{{color:#1b5e20}}.none{{color:#555}}\n\
.note{{color:#333}}.missing{{color:#b00020;font-style:italic}}\n\
@media print{{body{{margin:0;max-width:none}}a{{color:inherit;text-decoration:none}}}}\n\
</style>\n</head>\n<body>\n<main class=\"review\">\n<h1>Monthly review: {title}</h1>\n<p>As of <strong>{as_of}</strong>. Scorecard <strong class=\"{st}\">{score} ({st})</strong>.</p>\n",
        title = esc(&a.title),
        score = percent(a.score.map(|n| n.0)),
        st = a.status.as_str(),
    );
    let mut n = html_sections(&mut s, a, "h2", 0);
    if n == 0 {
        s.push_str("<p>Nothing is red, amber, worsening, stale or late.</p>\n");
    }
    for (path, d) in departments(a, "") {
        n += 1;
        let _ = writeln!(
            s,
            "<section class=\"department\">\n<h2>{n}. Department <code>{}</code>: {} <span class=\"{st}\">({}, {st})</span></h2>",
            esc(&path),
            esc(&d.title),
            percent(d.score.map(|n| n.0)),
            st = d.status.as_str()
        );
        if html_sections(&mut s, d, "h3", 0) == 0 {
            s.push_str("<p>Nothing is red, amber, worsening, stale or late.</p>\n");
        }
        s.push_str("</section>\n");
    }
    if let Some(d) = &a.since {
        n += 1;
        let _ = write!(
            s,
            "<section>\n<h2>{n}. Changes since {}</h2>\n<table>\n<thead><tr><th>Item</th><th>Id</th><th>Change</th></tr></thead>\n<tbody>\n",
            esc(&d.old.file)
        );
        for (path, dept) in d.all_departments() {
            if let Some(kind) = dept.kind {
                let what = if kind == crate::diff::Kind::Added {
                    "added"
                } else {
                    "removed"
                };
                let _ = writeln!(
                    s,
                    "<tr><td>department</td><td>{}</td><td>{what}</td></tr>",
                    esc(&path)
                );
            }
        }
        for (path, c) in d.all_changes() {
            let item = if path.is_empty() {
                c.item.to_string()
            } else {
                format!("{} ({})", c.item, esc(&path))
            };
            let _ = writeln!(
                s,
                "<tr><td>{item}</td><td>{}</td><td>{}</td></tr>",
                esc(&c.id),
                esc(&crate::diff::words(c))
            );
        }
        if d.is_empty() {
            s.push_str("<tr><td colspan=\"3\">No changes.</td></tr>\n");
        }
        s.push_str("</tbody>\n</table>\n</section>\n");
    }
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

/// The sections of one agenda (without its departments) under `level` headings,
/// numbered from `n + 1`; how many there were.
fn html_sections(s: &mut String, a: &Agenda, level: &str, mut n: usize) -> usize {
    let first = n;
    for (heading, items) in [
        ("Red measures", &a.red),
        ("Amber measures", &a.amber),
        ("Worsening measures", &a.worsening),
    ] {
        if items.is_empty() {
            continue;
        }
        n += 1;
        let _ = write!(
            s,
            "<section>\n<{level}>{n}. {heading}</{level}>\n<table>\n<thead><tr><th>Measure</th><th>Facts</th><th>Note</th></tr></thead>\n<tbody>\n"
        );
        for m in items {
            let (facts, note) = measure_line(m);
            let class = if m.note.is_some() { "note" } else { "missing" };
            let _ = writeln!(
                s,
                "<tr><td><strong class=\"{}\">{}</strong><br><small>{} · {}</small></td><td>{}</td><td class=\"{class}\">{}</td></tr>",
                m.status.as_str(),
                esc(&m.title),
                esc(&m.id),
                esc(&m.objective_title),
                esc(&facts),
                esc(&note)
            );
        }
        s.push_str("</tbody>\n</table>\n</section>\n");
    }
    for (heading, items) in a.problem_sections() {
        if items.is_empty() {
            continue;
        }
        n += 1;
        let _ = write!(
            s,
            "<section>\n<{level}>{n}. {heading}</{level}>\n<table>\n<thead><tr><th>Item</th><th>Owner</th><th>What</th></tr></thead>\n<tbody>\n"
        );
        for p in items {
            let _ = writeln!(
                s,
                "<tr><td><strong>{}</strong><br><small>{}</small></td><td>{}</td><td>{}</td></tr>",
                esc(&p.title),
                esc(&p.id),
                esc(p.owner.as_deref().unwrap_or("nobody named")),
                esc(&p.message)
            );
        }
        s.push_str("</tbody>\n</table>\n</section>\n");
    }
    n - first
}

/// The agenda as JSON (`bsc-review/1`).
pub fn json(a: &Agenda) -> String {
    let mut s = serde_json::to_string_pretty(a).unwrap_or_default();
    s.push('\n');
    s
}
