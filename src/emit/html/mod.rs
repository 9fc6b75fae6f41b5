//! The HTML report: one self-contained page (inline CSS, SVG and a little script; no
//! network request of any kind). Rust computes a view — numbers, coordinates, texts —
//! and the minijinja template draws it with HTML autoescaping on for every value, so
//! no text from the source can become markup.
//!
//! The view is built in parts: the summary of what is red and why (`attention`), the
//! strategy map and its numbered links (`map`), the tables of objectives and measures
//! (`tables`) and the initiatives (`initiatives`); this module puts them together with
//! the scorecard's header and the diagnostics, and renders the template.

mod attention;
mod initiatives;
mod map;
mod tables;

use std::sync::{Mutex, OnceLock};

use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use super::Report;
use crate::Compilation;
use crate::codes::Level;
use crate::model::Supported;
use crate::num::{grouped, with_unit};
use crate::score::{Scores, Status};

use attention::Attention;
use initiatives::{InitiativeRow, MatrixRow, Tick};
use map::{MapView, map_view};
use tables::{PerspectiveView, Spark, aligned_views, history_spark};

const TEMPLATE: &str = include_str!("../templates/report.html");
/// One perspective's table, rendered apart so that it can be kept (see [`tables_html`]).
const PERSPECTIVE: &str = include_str!("../templates/perspective.html");

/// The perspectives' tables of the last report and what each was rendered from. A
/// table is a pure function of its view and the as-of period, and a save changes the
/// views of one or two perspectives at most (an actual, a note, a target): the others
/// reuse their HTML, which saves most of a rebuild's template work at scale
/// (docs/performance.md). As the map's layout is kept (`map.rs`).
type Tables = Vec<(PerspectiveView, Option<String>, String)>;
static TABLES: Mutex<Tables> = Mutex::new(Vec::new());

/// The HTML of each perspective's table, from the last report's where its view is equal.
/// Also the tables it no longer needs, to be freed off the way to the page.
fn tables_html(
    env: &Environment<'static>,
    views: Vec<PerspectiveView>,
    as_of: &Option<String>,
) -> Result<(Vec<String>, Tables), crate::Error> {
    let tmpl = env
        .get_template("perspective.html")
        .map_err(template_error)?;
    // A poisoned lock only means another thread panicked while holding it: every
    // table is then rendered.
    let mut cache = TABLES.lock().ok();
    let mut html = Vec::with_capacity(views.len());
    let mut fresh: Tables = Vec::with_capacity(views.len());
    for view in views {
        let kept = cache.as_ref().and_then(|c| {
            c.iter()
                .find(|(v, a, _)| *v == view && a == as_of)
                .map(|(_, _, h)| h.clone())
        });
        let text = match kept {
            Some(text) => text,
            None => tmpl
                .render(minijinja::context! { p => &view, as_of => as_of })
                .map_err(template_error)?,
        };
        html.push(text.clone());
        fresh.push((view, as_of.clone(), text));
    }
    let old = match cache.as_mut() {
        Some(c) => std::mem::replace(&mut **c, fresh),
        None => Vec::new(),
    };
    Ok((html, old))
}

#[derive(Serialize)]
struct Counts {
    green: usize,
    amber: usize,
    red: usize,
    none: usize,
}

/// A department scorecard this one cascades to.
#[derive(Serialize)]
struct DepartmentView {
    id: String,
    title: String,
    status: &'static str,
    symbol: &'static str,
    score: String,
    href: String,
}

/// The company's report, from a department's.
#[derive(Serialize)]
struct UpView {
    title: String,
    href: String,
}

/// A link to an objective, a measure or an initiative, by its title.
#[derive(Clone, PartialEq, Serialize)]
struct SupportRef {
    title: String,
    href: String,
}

#[derive(Serialize)]
struct DiagView {
    level: &'static str,
    code: &'static str,
    message: String,
    help: Option<String>,
    location: String,
}

#[derive(Serialize)]
struct View {
    title: String,
    doc: Option<String>,
    vision: Option<String>,
    mission: Option<String>,
    owner: Option<String>,
    period: Option<String>,
    as_of: Option<String>,
    score: String,
    score_pct: f64,
    status: &'static str,
    symbol: &'static str,
    score_trace: String,
    counts: Counts,
    objectives: usize,
    errors: usize,
    warnings: usize,
    attention: Vec<Attention>,
    budget_total: Option<String>,
    budget_missing: usize,
    /// The printed page footer (title and as-of), escaped for a CSS string.
    footer_css: String,
    map: MapView,
    /// Each perspective's table, as HTML (rendered by [`tables_html`]).
    perspectives: Vec<String>,
    initiatives: Vec<InitiativeRow>,
    ticks: Vec<Tick>,
    as_of_left: Option<f64>,
    matrix: Vec<MatrixRow>,
    diagnostics: Vec<DiagView>,
    /// The scorecard's score over the periods of its history, the green band drawn as
    /// the line, and the first and last period.
    history: Option<Spark>,
    history_range: String,
    /// Spent by every initiative, and its share of their budget: `spent 292,000 (74%)`.
    spent_total: String,
    /// The department scorecards it cascades to, and for a department the company's.
    departments: Vec<DepartmentView>,
    up: Option<UpView>,
    /// The link evidence's method, said once above the numbered list.
    max_lag: usize,
    min_periods: usize,
}

/// A status symbol, so that status is never told by colour alone.
fn symbol(s: Status) -> &'static str {
    match s {
        Status::Green => "✓",
        Status::Amber => "!",
        Status::Red => "✕",
        Status::None => "–",
    }
}

fn pct(v: Option<f64>) -> String {
    crate::num::percent(v)
}

fn value_with_unit(v: f64, unit: Option<&str>) -> String {
    with_unit(v, unit)
}

/// How far an actual is from its target, with the unit (`%` targets in points).
fn gap_text(actual: f64, target: f64, unit: Option<&str>) -> String {
    let gap = (target - actual).abs();
    match unit {
        Some("%") => format!(
            "{} point{} from target",
            grouped(gap),
            if gap == 1.0 { "" } else { "s" }
        ),
        _ => format!("{} from target", with_unit(gap, unit)),
    }
}

/// Renders the report page.
pub fn render(
    c: &Compilation,
    scores: &Scores,
    links: &super::Links,
) -> Result<String, crate::Error> {
    let m = &c.model;
    let aligned = aligned_views(c, links);
    // Highest level on top; perspectives of equal level in declaration order.
    let mut top_down: Vec<usize> = (0..m.perspectives.len()).collect();
    top_down.sort_by_key(|&i| std::cmp::Reverse(m.perspectives[i].level));
    let sc = m.scorecard.clone().unwrap_or_default();
    let (green, amber) = m
        .scorecard
        .as_ref()
        .map_or((0.9, 0.6), |s| (s.green, s.amber));
    // The initiatives that support each objective (directly or through a measure).
    let mut initiatives_of: Vec<Vec<usize>> = vec![Vec::new(); m.objectives.len()];
    for (ii, i) in m.initiatives.iter().enumerate() {
        for (s, _) in &i.supports {
            let o = match *s {
                Supported::Objective(o) => o,
                Supported::Measure(x) => m.measures[x].objective,
            };
            if o < initiatives_of.len() && !initiatives_of[o].contains(&ii) {
                initiatives_of[o].push(ii);
            }
        }
    }
    let root_name = c
        .sources
        .iter()
        .next()
        .map(|(_, f)| f.name.clone())
        .unwrap_or_default();

    let mut counts = Counts {
        green: 0,
        amber: 0,
        red: 0,
        none: 0,
    };
    for r in &scores.objectives {
        match r.status {
            Status::Green => counts.green += 1,
            Status::Amber => counts.amber += 1,
            Status::Red => counts.red += 1,
            Status::None => counts.none += 1,
        }
    }

    let env = environment()?;
    let as_of = scores.as_of.map(|p| p.to_string());
    let (perspectives, old_tables) = tables_html(
        env,
        tables::perspectives(m, scores, &top_down, &aligned, &initiatives_of),
        &as_of,
    )?;
    let timeline = initiatives::timeline(m, scores, sc.currency.as_deref(), sc.period);
    let attention = attention::attention(m, scores, &top_down, &aligned, green, amber);

    let report = Report::new(std::slice::from_ref(c));
    let diagnostics = report
        .items
        .iter()
        .map(|it| DiagView {
            level: it.diag.level.as_str(),
            code: it.diag.code.name(),
            message: it.diag.message.clone(),
            help: it.diag.help.clone(),
            location: format!(
                "{}:{}:{}",
                it.location.file, it.location.line, it.location.column
            ),
        })
        .collect();

    let green = m.scorecard.as_ref().map_or(0.9, |s| s.green);
    let view = View {
        title: m.scorecard.as_ref().map_or(root_name, |s| s.title.clone()),
        doc: sc.doc.as_deref().map(reflow),
        vision: sc.vision.clone(),
        mission: sc.mission.clone(),
        owner: sc.owner.clone(),
        period: sc.period.map(|(a, b)| format!("{a} – {b}")),
        as_of,
        score: pct(scores.scorecard.score),
        score_pct: scores.scorecard.score.unwrap_or(0.0) * 100.0,
        status: scores.scorecard.status.as_str(),
        symbol: symbol(scores.scorecard.status),
        score_trace: scores.scorecard.trace.text.clone(),
        counts,
        objectives: m.objectives.len(),
        errors: report
            .items
            .iter()
            .filter(|i| i.diag.level == Level::Error)
            .count(),
        warnings: report
            .items
            .iter()
            .filter(|i| i.diag.level == Level::Warning)
            .count(),
        footer_css: css_string(&format!(
            "{} · as of {}",
            m.scorecard.as_ref().map_or("", |s| s.title.as_str()),
            scores.as_of.map_or("–".to_string(), |p| p.to_string())
        )),
        attention,
        budget_total: timeline.budget_total,
        budget_missing: timeline.budget_missing,
        map: map_view(m, scores, &top_down, &aligned),
        perspectives,
        initiatives: timeline.initiatives,
        ticks: timeline.ticks,
        as_of_left: timeline.as_of_left,
        matrix: timeline.matrix,
        diagnostics,
        history: history_spark(&scores.history.scorecard, green),
        spent_total: timeline.spent_total,
        max_lag: crate::score::MAX_LAG,
        min_periods: crate::score::MIN_PAIRS + 1,
        history_range: match (
            scores.history.scorecard.first(),
            scores.history.scorecard.last(),
        ) {
            (Some(a), Some(b)) => format!("{} – {}", a.period, b.period),
            _ => String::new(),
        },
        departments: m
            .cascades
            .iter()
            .zip(&links.departments)
            .filter_map(|(cas, d)| {
                let (d, href) = d.as_ref()?;
                let r = &d.scores.scorecard;
                Some(DepartmentView {
                    id: cas.id.clone(),
                    title: cas.title.clone().unwrap_or_else(|| cas.id.clone()),
                    status: r.status.as_str(),
                    symbol: symbol(r.status),
                    score: pct(r.score),
                    href: href.clone(),
                })
            })
            .collect(),
        up: links.up.as_ref().map(|(title, href)| UpView {
            title: title.clone(),
            href: href.clone(),
        }),
    };
    let tmpl = env.get_template("report.html").map_err(template_error)?;
    let html = tmpl.render(&view).map_err(template_error);
    drop((view, old_tables));
    html
}

/// The template environment, its template parsed once per process (a `watch` rebuilds
/// many times).
fn environment() -> Result<&'static Environment<'static>, crate::Error> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        // minijinja's HTML escaping also writes `/` as `&#x2f;`, which text and quoted
        // attributes do not need (thousands of them in a large report): strings are
        // escaped here, everything else as minijinja does.
        env.set_formatter(|out, state, value| match value.as_str() {
            Some(text) if state.auto_escape() == AutoEscape::Html && !value.is_safe() => {
                write_html(out, text).map_err(|_| {
                    minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write")
                })
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        // Block tags leave no blank lines or indentation behind (a smaller page).
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.add_template("report.html", TEMPLATE)
            .map_err(|e| e.to_string())?;
        env.add_template("perspective.html", PERSPECTIVE)
            .map_err(|e| e.to_string())?;
        Ok(env)
    })
    .as_ref()
    .map_err(|e| crate::Error::Write {
        path: "report template".into(),
        reason: e.clone(),
    })
}

/// A doc comment as a paragraph of the page: the source's line breaks inside a sentence
/// (where it was wrapped to fit the editor) joined by a space, those after a sentence or
/// a label (`.`, `:`, `!`, `?`) and blank lines kept (a `Formula:` line stays its own).
fn reflow(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    let mut lines = doc.lines().map(str::trim_end).peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        let Some(next) = lines.peek() else { break };
        let ends = line.is_empty()
            || next.trim().is_empty()
            || line.ends_with(['.', ':', '!', '?'])
            || next.trim_start().starts_with(['-', '*', '•']);
        out.push(if ends { '\n' } else { ' ' });
    }
    out
}

/// Text as HTML text or a quoted attribute's value: `&`, `<`, `>`, `"` and `'` escaped.
fn write_html(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
        out.write_str(&rest[..i])?;
        out.write_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        })?;
        rest = &rest[i + 1..];
    }
    out.write_str(rest)
}

/// Text for a CSS string literal: every character but letters, digits and spaces as a
/// CSS escape, so that no source text can end the string or the style sheet.
fn css_string(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars().filter(|c| !c.is_control()) {
        if ch.is_ascii_alphanumeric() || ch == ' ' {
            out.push(ch);
        } else {
            out.push_str(&format!("\\{:06x} ", ch as u32));
        }
    }
    out
}

fn template_error(e: minijinja::Error) -> crate::Error {
    crate::Error::Write {
        path: "report template".into(),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_doc_comment_is_reflowed_into_paragraphs() {
        // Wrapped mid-sentence: joined.
        assert_eq!(
            reflow("A bakery sets out to turn\ncatering into a quarter of revenue."),
            "A bakery sets out to turn catering into a quarter of revenue."
        );
        // After a sentence or a label, before a list item, around a blank line: kept.
        assert_eq!(
            reflow("Revenue growth.\nFormula: this year / last year\n\nSecond paragraph\n- item"),
            "Revenue growth.\nFormula: this year / last year\n\nSecond paragraph\n- item"
        );
        assert_eq!(reflow("one line"), "one line");
        assert_eq!(reflow(""), "");
    }

    #[test]
    fn html_text_escapes_markup_and_quotes_only() {
        let mut out = String::new();
        write_html(&mut out, "a < b & \"c\" 'd' > e / f").unwrap();
        assert_eq!(out, "a &lt; b &amp; &quot;c&quot; &#39;d&#39; &gt; e / f");
    }
}
