//! The HTML report: one self-contained page (inline CSS, SVG and a little script; no
//! network request of any kind). Rust computes a view — numbers, coordinates, texts —
//! and the minijinja template draws it with HTML autoescaping on for every value, so
//! no text from the source can become markup.

use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use super::Report;
use crate::Compilation;
use crate::codes::Level;
use crate::layout::{self, LayoutInput};
use crate::model::{Model, Supported};
use crate::num::fmt_num;
use crate::period::Period;
use crate::score::{Scores, Status, Trend};
use crate::syntax::ast::{Direction, InitiativeStatus, Rating};

const TEMPLATE: &str = include_str!("templates/report.html");

#[derive(Serialize)]
struct Counts {
    green: usize,
    amber: usize,
    red: usize,
    none: usize,
}

#[derive(Serialize)]
struct Line {
    text: String,
    y: f64,
}

#[derive(Serialize)]
struct BandView {
    id: String,
    title: String,
    y: f64,
    height: f64,
    label_y: f64,
}

#[derive(Serialize)]
struct NodeView {
    id: String,
    band: String,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    lines: Vec<Line>,
    status: &'static str,
    symbol: &'static str,
    score: String,
    tip: String,
}

#[derive(Serialize)]
struct EdgeView {
    d: String,
    backward: bool,
    tip: String,
}

#[derive(Serialize)]
struct MapView {
    width: f64,
    height: f64,
    bands: Vec<BandView>,
    nodes: Vec<NodeView>,
    edges: Vec<EdgeView>,
    crossings: usize,
}

#[derive(Serialize)]
struct Spark {
    w: f64,
    h: f64,
    points: String,
    target_y: Option<f64>,
    last_x: f64,
    last_y: f64,
}

#[derive(Serialize)]
struct MeasureRow {
    id: String,
    title: String,
    doc: Option<String>,
    unit: String,
    actual: String,
    actual_period: String,
    target: String,
    target_by: String,
    status: &'static str,
    symbol: &'static str,
    progress_pct: f64,
    progress: String,
    trend: &'static str,
    trend_symbol: &'static str,
    spark: Option<Spark>,
    trace: Vec<String>,
    /// The note of the as-of period (or the latest before it), with its period.
    note: Option<String>,
    /// "on track for 2025-05", "at this pace: 2026-02, after its target date".
    projection: Option<String>,
}

#[derive(Serialize)]
struct ObjectiveRow {
    id: String,
    title: String,
    doc: Option<String>,
    owner: String,
    status: &'static str,
    symbol: &'static str,
    score: String,
    progress_pct: f64,
    trace: Vec<String>,
    excluded: usize,
    measures: Vec<MeasureRow>,
    /// The score over the periods of the history (LANGUAGE.md §9.4).
    history: Option<Spark>,
}

#[derive(Serialize)]
struct PerspectiveView {
    id: String,
    title: String,
    question: Option<String>,
    status: &'static str,
    symbol: &'static str,
    score: String,
    trace: String,
    objectives: Vec<ObjectiveRow>,
}

#[derive(Serialize)]
struct SupportRef {
    id: String,
    href: String,
}

#[derive(Serialize)]
struct InitiativeRow {
    id: String,
    title: String,
    owner: String,
    status: &'static str,
    dates: String,
    budget: String,
    /// `spent N` and what is left of the budget (negative when over).
    spent: String,
    remaining: String,
    progress: String,
    left: f64,
    width: f64,
    has_dates: bool,
    impact: &'static str,
    feasibility: &'static str,
    unaligned: bool,
    supports: Vec<SupportRef>,
}

#[derive(Serialize)]
struct Tick {
    label: String,
    left: f64,
}

#[derive(Serialize)]
struct Cell {
    label: &'static str,
    items: Vec<String>,
    highlight: bool,
}

#[derive(Serialize)]
struct MatrixRow {
    impact: &'static str,
    cells: Vec<Cell>,
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
    map: MapView,
    perspectives: Vec<PerspectiveView>,
    initiatives: Vec<InitiativeRow>,
    ticks: Vec<Tick>,
    as_of_left: Option<f64>,
    matrix: Vec<MatrixRow>,
    diagnostics: Vec<DiagView>,
    /// The scorecard's score over the periods of its history, the green band drawn as
    /// the line, and the first and last period.
    history: Option<Spark>,
    history_range: String,
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
    match unit {
        Some("%") => format!("{}%", fmt_num(v)),
        Some(u) if !u.is_empty() => format!("{} {u}", fmt_num(v)),
        _ => fmt_num(v),
    }
}

fn rating(r: Option<Rating>) -> &'static str {
    match r {
        Some(Rating::Low) => "low",
        Some(Rating::Medium) => "medium",
        Some(Rating::High) => "high",
        None => "",
    }
}

fn sparkline(values: &[f64], target: Option<f64>) -> Option<Spark> {
    if values.is_empty() {
        return None;
    }
    let (w, h, pad) = (96.0, 28.0, 3.0);
    let mut lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let mut hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if let Some(t) = target {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let y = |v: f64| pad + (hi - v) / (hi - lo) * (h - 2.0 * pad);
    let step = if values.len() > 1 {
        (w - 2.0 * pad) / (values.len() - 1) as f64
    } else {
        0.0
    };
    let pts: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| (pad + step * i as f64, y(v)))
        .collect();
    let points = pts
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let (last_x, last_y) = *pts.last()?;
    Some(Spark {
        w,
        h,
        points,
        target_y: target.map(y),
        last_x,
        last_y,
    })
}

fn map_view(model: &Model, scores: &Scores, levels_top_down: &[usize]) -> MapView {
    let mut bands = Vec::new();
    let mut band_of = vec![usize::MAX; model.perspectives.len()];
    for &p in levels_top_down {
        if model.perspectives[p].objectives.is_empty() {
            continue;
        }
        band_of[p] = bands.len();
        bands.push(layout::Band {
            id: model.perspectives[p].id.clone(),
            title: model.perspectives[p].title.clone(),
        });
    }
    let nodes: Vec<layout::NodeIn> = model
        .objectives
        .iter()
        .map(|o| layout::NodeIn {
            band: band_of[o.perspective],
            title: o.title.clone(),
        })
        .collect();
    let edges: Vec<(usize, usize)> = model.links.iter().map(|l| (l.from, l.to)).collect();
    let input = LayoutInput {
        bands,
        nodes,
        edges,
    };
    let lay = layout::layout(&input);
    let band_views = input
        .bands
        .iter()
        .zip(&lay.bands)
        .map(|(b, bb)| BandView {
            id: b.id.clone(),
            title: b.title.clone(),
            y: bb.y,
            height: bb.height,
            label_y: bb.y + bb.height / 2.0,
        })
        .collect();
    let node_views = model
        .objectives
        .iter()
        .zip(&lay.nodes)
        .enumerate()
        .map(|(i, (o, nb))| {
            let r = &scores.objectives[i];
            let lines = nb
                .lines
                .iter()
                .enumerate()
                .map(|(k, t)| Line {
                    text: t.clone(),
                    y: nb.y + 20.0 + 16.0 * k as f64,
                })
                .collect();
            NodeView {
                id: o.id.clone(),
                band: model.perspectives[o.perspective].id.clone(),
                x: nb.x,
                y: nb.y,
                w: nb.w,
                h: nb.h,
                lines,
                status: r.status.as_str(),
                symbol: symbol(r.status),
                score: pct(r.score),
                tip: format!(
                    "{}\n{} {} · score {}\n{}",
                    o.title,
                    symbol(r.status),
                    r.status.as_str(),
                    pct(r.score),
                    r.trace.text
                ),
            }
        })
        .collect();
    // Links are unique per (driver, outcome); the layout drops self-loops.
    let link_of: std::collections::BTreeMap<(usize, usize), usize> = model
        .links
        .iter()
        .enumerate()
        .map(|(i, l)| ((l.from, l.to), i))
        .collect();
    let edge_views = lay
        .edges
        .iter()
        .filter_map(|e| {
            let link = *link_of.get(&(e.from, e.to))?;
            let l = &model.links[link];
            let d = path_of(&e.points, e.same_band);
            let mut tip = format!(
                "{} → {}",
                model.objectives[l.from].title, model.objectives[l.to].title
            );
            if let Some(r) = &l.rationale {
                tip.push_str(&format!("\n{r}"));
            }
            if e.backward {
                tip.push_str("\nbackward link: from a higher perspective to a lower one");
            }
            tip.push_str(&format!("\nevidence: {}", scores.links[link].text));
            Some(EdgeView {
                d,
                backward: e.backward,
                tip,
            })
        })
        .collect();
    MapView {
        width: lay.width,
        height: lay.height,
        bands: band_views,
        nodes: node_views,
        edges: edge_views,
        crossings: lay.crossings,
    }
}

/// An SVG path through the layout's points: a quadratic curve for a link inside one
/// band (the middle point is the control point), else a polyline.
fn path_of(points: &[(f64, f64)], same_band: bool) -> String {
    let mut d = String::new();
    if same_band && points.len() == 3 {
        let [(x0, y0), (cx, cy), (x1, y1)] = [points[0], points[1], points[2]];
        return format!("M{x0:.1},{y0:.1} Q{cx:.1},{cy:.1} {x1:.1},{y1:.1}");
    }
    for (i, (x, y)) in points.iter().enumerate() {
        d.push_str(&format!("{}{x:.1},{y:.1} ", if i == 0 { "M" } else { "L" }));
    }
    d.trim_end().to_string()
}

fn trend_of(t: Option<Trend>) -> (&'static str, &'static str) {
    match t {
        Some(Trend::Improving) => ("improving", "▲"),
        Some(Trend::Worsening) => ("worsening", "▼"),
        Some(Trend::Flat) => ("flat", "▬"),
        None => ("", ""),
    }
}

fn days(p: Period) -> i64 {
    p.start()
        .signed_duration_since(chrono::NaiveDate::MIN)
        .num_days()
}

/// Renders the report page.
pub fn render(c: &Compilation, scores: &Scores) -> Result<String, crate::Error> {
    let m = &c.model;
    // Highest level on top; perspectives of equal level in declaration order.
    let mut top_down: Vec<usize> = (0..m.perspectives.len()).collect();
    top_down.sort_by_key(|&i| std::cmp::Reverse(m.perspectives[i].level));
    let sc = m.scorecard.clone().unwrap_or_default();
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

    let perspectives = top_down
        .iter()
        .filter(|&&p| !m.perspectives[p].objectives.is_empty())
        .map(|&p| {
            let pv = &m.perspectives[p];
            let r = &scores.perspectives[p];
            let objectives =
                pv.objectives
                    .iter()
                    .map(|&oi| {
                        let o = &m.objectives[oi];
                        let orr = &scores.objectives[oi];
                        let mut trace = vec![format!("score: {}", orr.trace.text)];
                        if !orr.trace.excluded.is_empty() {
                            trace.push(format!(
                                "left out (status none): {}",
                                orr.trace.excluded.join(", ")
                            ));
                        }
                        let measures =
                            o.measures
                                .iter()
                                .map(|&mi| {
                                    let ms = &m.measures[mi];
                                    let s = &scores.measures[mi];
                                    let unit = ms.props.unit.as_deref();
                                    let (trend, trend_symbol) = trend_of(s.trend);
                                    let values: Vec<f64> = ms
                                        .props
                                        .actuals
                                        .iter()
                                        .filter(|a| {
                                            scores.as_of.is_none_or(|ao| a.period.end() <= ao.end())
                                        })
                                        .map(|a| a.value)
                                        .collect();
                                    let dir = match ms.props.direction {
                                        Some(Direction::Up) => "higher is better",
                                        Some(Direction::Down) => "lower is better",
                                        None => "direction unknown",
                                    };
                                    MeasureRow {
                                        id: ms.id.clone(),
                                        title: ms.title.clone(),
                                        doc: ms.doc.clone().or_else(|| {
                                            ms.from.and_then(|k| m.kpis[k].doc.clone())
                                        }),
                                        unit: format!(
                                            "{}{dir}",
                                            unit.map(|u| format!("unit {u}, ")).unwrap_or_default()
                                        ),
                                        actual: s.actual.map_or("–".into(), |(_, v)| {
                                            value_with_unit(v, unit)
                                        }),
                                        actual_period: s
                                            .actual
                                            .map_or(String::new(), |(p, _)| p.to_string()),
                                        target: s.target.map_or("–".into(), |t| {
                                            value_with_unit(t.value, unit)
                                        }),
                                        target_by: s
                                            .target
                                            .and_then(|t| t.by)
                                            .map_or(String::new(), |p| format!("by {p}")),
                                        status: s.status.as_str(),
                                        symbol: symbol(s.status),
                                        progress_pct: s.progress.unwrap_or(0.0) * 100.0,
                                        progress: pct(s.progress),
                                        trend,
                                        trend_symbol,
                                        spark: sparkline(&values, s.target.map(|t| t.value)),
                                        trace: vec![
                                            s.trace.actual.clone(),
                                            s.trace.target.clone(),
                                            s.trace.progress.clone(),
                                            s.trace.status.clone(),
                                            s.trace.trend.clone(),
                                        ],
                                        note: ms
                                            .note_at(scores.as_of)
                                            .map(|n| format!("{} ({})", n.text, n.period)),
                                        projection: s.projection.map(|p| p.text()),
                                    }
                                })
                                .collect();
                        ObjectiveRow {
                            id: o.id.clone(),
                            title: o.title.clone(),
                            doc: o.doc.clone(),
                            owner: o.owner.clone().unwrap_or_default(),
                            status: orr.status.as_str(),
                            symbol: symbol(orr.status),
                            score: pct(orr.score),
                            progress_pct: orr.score.unwrap_or(0.0) * 100.0,
                            trace,
                            excluded: orr.trace.excluded.len(),
                            measures,
                            history: history_spark(
                                scores.history.objectives.get(oi).map_or(&[], |v| v),
                                m.scorecard.as_ref().map_or(0.9, |s| s.green),
                            ),
                        }
                    })
                    .collect();
            PerspectiveView {
                id: pv.id.clone(),
                title: pv.title.clone(),
                question: pv.question.clone(),
                status: r.status.as_str(),
                symbol: symbol(r.status),
                score: pct(r.score),
                trace: r.trace.text.clone(),
                objectives,
            }
        })
        .collect();

    // The initiatives' timeline spans the scorecard period and every initiative.
    let mut span: Option<(i64, i64)> = sc
        .period
        .map(|(a, b)| (days(a), days(b) + (b.end() - b.start()).num_days() + 1));
    for i in &m.initiatives {
        if let (Some(a), Some(b)) = (i.start, i.end) {
            let (s, e) = (days(a), days(b) + (b.end() - b.start()).num_days() + 1);
            span = Some(span.map_or((s, e), |(x, y)| (x.min(s), y.max(e))));
        }
    }
    let frac = |d: i64| {
        span.map_or(0.0, |(s, e)| {
            ((d - s) as f64 / (e - s).max(1) as f64 * 100.0).clamp(0.0, 100.0)
        })
    };
    let initiatives = m
        .initiatives
        .iter()
        .map(|i| {
            let (left, width, has_dates) = match (i.start, i.end) {
                (Some(a), Some(b)) => {
                    let l = frac(days(a));
                    let r = frac(days(b) + (b.end() - b.start()).num_days() + 1);
                    (l, (r - l).max(0.5), true)
                }
                _ => (0.0, 0.0, false),
            };
            InitiativeRow {
                id: i.id.clone(),
                title: i.title.clone(),
                owner: i.owner.clone().unwrap_or_default(),
                status: match i.status {
                    Some(InitiativeStatus::Planned) => "planned",
                    Some(InitiativeStatus::Active) => "active",
                    Some(InitiativeStatus::Done) => "done",
                    Some(InitiativeStatus::Stalled) => "stalled",
                    None => "",
                },
                dates: match (i.start, i.end) {
                    (Some(a), Some(b)) => format!("{a} → {b}"),
                    (Some(a), None) => format!("from {a}"),
                    (None, Some(b)) => format!("until {b}"),
                    _ => String::new(),
                },
                budget: i.budget.map_or(String::new(), budget_text),
                spent: i.spent.map_or(String::new(), budget_text),
                remaining: match (i.budget, i.spent) {
                    (Some(b), Some(sp)) if sp > b => format!("{} over", budget_text(sp - b)),
                    (Some(b), Some(sp)) => format!("{} left", budget_text(b - sp)),
                    _ => String::new(),
                },
                progress: i
                    .progress
                    .map_or(String::new(), |p| format!("{:.0}%", p * 100.0)),
                left,
                width,
                has_dates,
                impact: rating(i.impact),
                feasibility: rating(i.feasibility),
                unaligned: i.supports_written == 0,
                supports: i
                    .supports
                    .iter()
                    .map(|(s, _)| match *s {
                        Supported::Objective(o) => SupportRef {
                            id: m.objectives[o].id.clone(),
                            href: format!("#obj-{}", m.objectives[o].id),
                        },
                        Supported::Measure(x) => SupportRef {
                            id: m.measures[x].id.clone(),
                            href: format!("#m-{}", m.measures[x].id),
                        },
                    })
                    .collect(),
            }
        })
        .collect::<Vec<_>>();
    let mut ticks = Vec::new();
    if let Some((s, e)) = span {
        // One tick per quarter start within the span.
        let start = chrono::NaiveDate::MIN + chrono::Days::new(s.max(0) as u64);
        let end = chrono::NaiveDate::MIN + chrono::Days::new(e.max(0) as u64);
        let mut q = Period::containing(start, crate::period::Grain::Quarter);
        let mut guard = 0;
        while q.start() < end && guard < 200 {
            ticks.push(Tick {
                label: q.to_string(),
                left: frac(days(q)),
            });
            let next = q.end().succ_opt().unwrap_or(chrono::NaiveDate::MAX);
            q = Period::containing(next, crate::period::Grain::Quarter);
            guard += 1;
        }
    }
    let as_of_left = scores
        .as_of
        .filter(|_| span.is_some())
        .map(|a| frac(days(a) + (a.end() - a.start()).num_days() + 1));
    let levels = [
        ("high", Rating::High),
        ("medium", Rating::Medium),
        ("low", Rating::Low),
    ];
    let matrix = levels
        .iter()
        .map(|&(iname, ir)| MatrixRow {
            impact: iname,
            cells: [Rating::Low, Rating::Medium, Rating::High]
                .iter()
                .map(|&fr| Cell {
                    label: match (ir, fr) {
                        (Rating::High, Rating::High) => "quick wins: strategic priorities",
                        (Rating::High, _) => "major projects",
                        (_, Rating::High) => "fill-ins",
                        (Rating::Low, Rating::Low) => "reconsider",
                        _ => "",
                    },
                    items: m
                        .initiatives
                        .iter()
                        .filter(|i| i.impact == Some(ir) && i.feasibility == Some(fr))
                        .map(|i| i.title.clone())
                        .collect(),
                    highlight: ir == Rating::High && fr == Rating::High,
                })
                .collect(),
        })
        .collect();

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
        doc: sc.doc.clone(),
        vision: sc.vision.clone(),
        mission: sc.mission.clone(),
        owner: sc.owner.clone(),
        period: sc.period.map(|(a, b)| format!("{a} – {b}")),
        as_of: scores.as_of.map(|p| p.to_string()),
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
        map: map_view(m, scores, &top_down),
        perspectives,
        initiatives,
        ticks,
        as_of_left,
        matrix,
        diagnostics,
        history: history_spark(&scores.history.scorecard, green),
        history_range: match (
            scores.history.scorecard.first(),
            scores.history.scorecard.last(),
        ) {
            (Some(a), Some(b)) => format!("{} – {}", a.period, b.period),
            _ => String::new(),
        },
    };
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_template("report.html", TEMPLATE)
        .map_err(template_error)?;
    let tmpl = env.get_template("report.html").map_err(template_error)?;
    tmpl.render(&view).map_err(template_error)
}

/// A sparkline of history scores, with the green band as its line; `None` with fewer
/// than two points.
fn history_spark(points: &[crate::history::Point], green: f64) -> Option<Spark> {
    let values: Vec<f64> = points.iter().filter_map(|p| p.score).collect();
    if values.len() < 2 {
        return None;
    }
    sparkline(&values, Some(green))
}

fn budget_text(b: f64) -> String {
    if b >= 1e9 {
        format!("{}B", fmt_num((b / 1e7).round() / 100.0))
    } else if b >= 1e6 {
        format!("{}M", fmt_num((b / 1e4).round() / 100.0))
    } else if b >= 1e3 {
        format!("{}k", fmt_num((b / 10.0).round() / 100.0))
    } else {
        fmt_num(b)
    }
}

fn template_error(e: minijinja::Error) -> crate::Error {
    crate::Error::Write {
        path: "report template".into(),
        reason: e.to_string(),
    }
}
