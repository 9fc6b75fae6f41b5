//! The HTML report: one self-contained page (inline CSS, SVG and a little script; no
//! network request of any kind). Rust computes a view — numbers, coordinates, texts —
//! and the minijinja template draws it with HTML autoescaping on for every value, so
//! no text from the source can become markup.

use std::sync::{Arc, Mutex, OnceLock};

use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use super::Report;
use crate::Compilation;
use crate::codes::Level;
use crate::layout::{self, LayoutInput};
use crate::model::{Model, Supported};
use crate::num::{compact, grouped, with_unit};
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
    /// From the top of its node.
    y: i64,
    /// A department objective's line under the title.
    department: bool,
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
    /// Where its text starts and its size, in whole pixels as the SVG writes them.
    x: String,
    y: String,
    w: String,
    h: String,
    /// The baseline of the status line.
    st_y: String,
    lines: Vec<Line>,
    status: &'static str,
    symbol: &'static str,
    score: String,
    title: String,
    /// Its lines do not hold the whole title (a word or the text was cut with "…"):
    /// the node carries the title whole as its `<title>`.
    cut: bool,
}

#[derive(Serialize)]
struct EdgeView {
    d: String,
    backward: bool,
    /// The link's number in the list under the map, and where the number is drawn.
    n: usize,
    lx: String,
    ly: String,
}

/// A link in the numbered list under the map: the why of the strategy, readable on
/// paper and on a phone.
#[derive(Serialize)]
struct WhyLink {
    n: usize,
    from_id: String,
    from_title: String,
    to_id: String,
    to_title: String,
    rationale: Option<String>,
    evidence: String,
    verdict: &'static str,
    backward: bool,
}

/// A measure that pulls a red or amber objective down, with its gap to target.
#[derive(Serialize)]
struct Pull {
    id: String,
    title: String,
    status: &'static str,
    symbol: &'static str,
    actual: String,
    target: String,
    gap: String,
}

/// A red or amber objective in the summary "what is red and why".
#[derive(Serialize)]
struct Attention {
    id: String,
    title: String,
    owner: String,
    status: &'static str,
    symbol: &'static str,
    score: String,
    note: Option<String>,
    pulls: Vec<Pull>,
}

#[derive(Serialize)]
struct MapView {
    width: f64,
    height: f64,
    bands: Vec<BandView>,
    nodes: Vec<NodeView>,
    edges: Vec<EdgeView>,
    crossings: usize,
    why: Vec<WhyLink>,
    /// The narrowest the map may be drawn on screen with its smallest text at 9 px.
    fit_min: f64,
    /// The parts of the map printed one below the other, each narrow enough that its
    /// text stays at 9 px or more on a portrait A4 or Letter page.
    slices: Vec<Slice>,
}

#[derive(Serialize)]
struct Slice {
    x: f64,
    w: f64,
}

/// The smallest text of the map (the status line and the link numbers), in px.
const MAP_MIN_FONT: f64 = 11.0;
/// The smallest text size the map may be drawn at, in px.
const MIN_DRAWN_FONT: f64 = 9.0;
/// The widest map part printed on one page: a portrait A4 page with 12 mm margins is
/// 703 CSS px wide, and 703 × 11 / 9 = 859.
const PRINT_SLICE: f64 = 840.0;
/// How much consecutive printed parts overlap, so a node cut at one edge is whole in
/// the next part.
const PRINT_OVERLAP: f64 = 200.0;

#[derive(Serialize)]
struct Spark {
    /// The line through the values, as an SVG path.
    points: String,
    /// The target's line, in whole pixels.
    target_y: Option<i64>,
    /// One value: drawn as a dot (a line of one point has no end to mark).
    single: bool,
    last_x: i64,
    last_y: i64,
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
    /// The bar's length in %, one decimal at most.
    progress_pct: String,
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
    /// The bar's length in %, one decimal at most.
    progress_pct: String,
    trace: Vec<String>,
    excluded: usize,
    /// Says how the objective's colour differs from its measures' colours, if it does.
    note: Option<String>,
    initiatives: Vec<SupportRef>,
    measures: Vec<MeasureRow>,
    /// The score over the periods of the history (LANGUAGE.md §9.4).
    history: Option<Spark>,
    /// Budget and spent of the initiatives that support it: `budget 12k · spent 9.5k`.
    money: String,
    /// Department objectives aligned to it (LANGUAGE.md §9.6).
    aligned: Vec<AlignedView>,
}

/// A department objective aligned to a company objective, with a link to it in the
/// department's report.
#[derive(Clone, Serialize)]
struct AlignedView {
    department: String,
    title: String,
    status: &'static str,
    symbol: &'static str,
    score: String,
    href: String,
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
    title: String,
    href: String,
}

#[derive(Serialize)]
struct InitiativeRow {
    id: String,
    title: String,
    doc: Option<String>,
    owner: String,
    status: &'static str,
    dates: String,
    budget: String,
    /// `spent N` and what is left of the budget (negative when over).
    spent: String,
    remaining: String,
    budget_short: String,
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
    attention: Vec<Attention>,
    budget_total: Option<String>,
    budget_missing: usize,
    /// The printed page footer (title and as-of), escaped for a CSS string.
    footer_css: String,
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

fn rank(s: Status) -> u8 {
    match s {
        Status::Green => 0,
        Status::Amber => 1,
        Status::Red => 2,
        Status::None => 3,
    }
}

/// Where an objective's colour differs from its measures' colours, says how: the
/// measures on target, the score against the band, the measures it hides or the
/// colour no measure has ("1 of 2 measures on target; score 92% ≥ 90% green band, so
/// green although Staff trained is amber").
fn status_note(
    status: Status,
    score: Option<f64>,
    measures: &[(&str, Status)],
    green: f64,
    amber: f64,
) -> Option<String> {
    let score = score?;
    let judged: Vec<&(&str, Status)> = measures.iter().filter(|m| m.1 != Status::None).collect();
    if status == Status::None || judged.is_empty() {
        return None;
    }
    let on = judged.iter().filter(|m| m.1 == Status::Green).count();
    let band = match status {
        Status::Green => format!(
            "score {} ≥ {} green band",
            pct(Some(score)),
            pct(Some(green))
        ),
        Status::Amber => format!(
            "score {} < {} green band",
            pct(Some(score)),
            pct(Some(green))
        ),
        _ => format!(
            "score {} < {} amber band",
            pct(Some(score)),
            pct(Some(amber))
        ),
    };
    let head = format!(
        "{on} of {} measure{} on target; {band}",
        judged.len(),
        if judged.len() == 1 { "" } else { "s" }
    );
    let worse: Vec<String> = judged
        .iter()
        .filter(|m| rank(m.1) > rank(status))
        .map(|m| format!("{} is {}", m.0, m.1.as_str()))
        .collect();
    if !worse.is_empty() {
        return Some(format!(
            "{head}, so {} although {}",
            status.as_str(),
            worse.join(", ")
        ));
    }
    if judged.iter().all(|m| rank(m.1) < rank(status)) {
        return Some(format!(
            "{head}, so {} although no measure is {} (measures are judged against their own threshold and target)",
            status.as_str(),
            status.as_str()
        ));
    }
    None
}

/// The point halfway along a link's drawing, where its number goes.
fn midpoint(points: &[(f64, f64)], same_band: bool) -> (f64, f64) {
    if same_band && points.len() == 3 {
        let [(x0, y0), (cx, cy), (x1, y1)] = [points[0], points[1], points[2]];
        return (
            0.25 * x0 + 0.5 * cx + 0.25 * x1,
            0.25 * y0 + 0.5 * cy + 0.25 * y1,
        );
    }
    let seg = |a: (f64, f64), b: (f64, f64)| ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    let total: f64 = points.windows(2).map(|w| seg(w[0], w[1])).sum();
    let mut left = total / 2.0;
    for w in points.windows(2) {
        let l = seg(w[0], w[1]);
        if l >= left && l > 0.0 {
            let t = left / l;
            return (
                w[0].0 + t * (w[1].0 - w[0].0),
                w[0].1 + t * (w[1].1 - w[0].1),
            );
        }
        left -= l;
    }
    points.first().copied().unwrap_or((0.0, 0.0))
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
    // The size of `.spark` in the style sheet, in CSS pixels.
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
    // A path in whole pixels, each point relative to the one before: `M3 25l8-2 8 4`.
    let whole: Vec<(i64, i64)> = pts
        .iter()
        .map(|&(x, y)| (x.round() as i64, y.round() as i64))
        .collect();
    let mut points = format!("M{} {}", whole[0].0, whole[0].1);
    for (k, w) in whole.windows(2).enumerate() {
        let (dx, dy) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
        points.push_str(if k == 0 { "l" } else { " " });
        points.push_str(&dx.to_string());
        if dy >= 0 {
            points.push(' ');
        }
        points.push_str(&dy.to_string());
    }
    let (last_x, last_y) = *pts.last()?;
    Some(Spark {
        points,
        target_y: target.map(|t| y(t).round() as i64),
        single: pts.len() == 1,
        last_x: last_x.round() as i64,
        last_y: last_y.round() as i64,
    })
}

fn map_view(
    model: &Model,
    scores: &Scores,
    levels_top_down: &[usize],
    aligned: &[Vec<AlignedView>],
) -> MapView {
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
        .enumerate()
        .map(|(i, o)| layout::NodeIn {
            band: band_of[o.perspective],
            title: o.title.clone(),
            // Under the title, each department objective aligned to it.
            extra: aligned.get(i).map_or_else(Vec::new, |a| {
                a.iter()
                    .map(|v| format!("{} {}: {}", v.symbol, v.department, v.title))
                    .collect()
            }),
        })
        .collect();
    let edges: Vec<(usize, usize)> = model.links.iter().map(|l| (l.from, l.to)).collect();
    let input = LayoutInput {
        bands,
        nodes,
        edges,
    };
    let lay = layout_cached(&input);
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
            let title_lines = nb.title_lines;
            let lines = nb
                .lines
                .iter()
                .enumerate()
                .map(|(k, t)| Line {
                    text: t.clone(),
                    y: 20 + 16 * k as i64,
                    department: k >= title_lines,
                })
                .collect();
            NodeView {
                id: o.id.clone(),
                // The node's origin is where its text starts, 10 px into its box.
                x: coord(nb.x + 10.0),
                y: coord(nb.y),
                w: coord(nb.w),
                h: coord(nb.h),
                st_y: coord(nb.h - 8.0),
                lines,
                status: r.status.as_str(),
                symbol: symbol(r.status),
                score: pct(r.score),
                cut: nb.lines[..title_lines.min(nb.lines.len())].join(" ") != o.title,
                title: o.title.clone(),
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
            let d = path_of(&e.points, e.same_band);
            let (lx, ly) = midpoint(&e.points, e.same_band);
            // The tooltip of a link is its item in the numbered list under the map.
            Some(EdgeView {
                d,
                backward: e.backward,
                n: link + 1,
                lx: coord(lx),
                ly: coord(ly),
            })
        })
        .collect();
    let why = model
        .links
        .iter()
        .zip(&scores.links)
        .enumerate()
        .map(|(i, (l, ev))| WhyLink {
            n: i + 1,
            from_id: model.objectives[l.from].id.clone(),
            from_title: model.objectives[l.from].title.clone(),
            to_id: model.objectives[l.to].id.clone(),
            to_title: model.objectives[l.to].title.clone(),
            rationale: l.rationale.clone(),
            evidence: ev.words(),
            verdict: ev.verdict,
            backward: model.perspectives[model.objectives[l.from].perspective].level
                > model.perspectives[model.objectives[l.to].perspective].level,
        })
        .collect();
    let mut slices = Vec::new();
    let mut x = 0.0;
    loop {
        let w = (lay.width - x).min(PRINT_SLICE);
        slices.push(Slice { x, w });
        if x + w >= lay.width - 1e-9 {
            break;
        }
        x += PRINT_SLICE - PRINT_OVERLAP;
    }
    MapView {
        fit_min: lay.width * MIN_DRAWN_FONT / MAP_MIN_FONT,
        slices,
        width: lay.width,
        height: lay.height,
        bands: band_views,
        nodes: node_views,
        edges: edge_views,
        crossings: lay.crossings,
        why,
    }
}

/// The last layout computed and what it was computed from. The layout is a pure
/// function of its input (bands, titles, links), and most saves under `bsc watch` change
/// neither (an actual, a target, a note): those reuse it, which saves the most expensive
/// step of a rebuild at scale (docs/performance.md).
static LAYOUT_CACHE: Mutex<Option<(LayoutInput, Arc<layout::Layout>)>> = Mutex::new(None);

fn layout_cached(input: &LayoutInput) -> Arc<layout::Layout> {
    // A poisoned lock only means another thread panicked while holding it: the cache is
    // then simply not used.
    if let Ok(cache) = LAYOUT_CACHE.lock() {
        if let Some((cached, lay)) = cache.as_ref() {
            if cached == input {
                return Arc::clone(lay);
            }
        }
    }
    let lay = Arc::new(layout::layout(input));
    if let Ok(mut cache) = LAYOUT_CACHE.lock() {
        *cache = Some((input.clone(), Arc::clone(&lay)));
    }
    lay
}

/// An SVG path through the layout's points: a quadratic curve for a link inside one
/// band (the middle point is the control point), else a polyline.
/// A progress bar's length in %: `97.2`, `100`.
fn bar_pct(v: Option<f64>) -> String {
    crate::num::fmt_num((v.unwrap_or(0.0) * 1000.0).round() / 10.0)
}

/// A map coordinate as the SVG writes it: in whole pixels.
fn coord(v: f64) -> String {
    crate::num::fmt_num(v.round())
}

fn path_of(points: &[(f64, f64)], same_band: bool) -> String {
    let mut d = String::new();
    if same_band && points.len() == 3 {
        let [(x0, y0), (cx, cy), (x1, y1)] = [points[0], points[1], points[2]];
        return format!("M{x0:.0} {y0:.0}Q{cx:.0} {cy:.0} {x1:.0} {y1:.0}");
    }
    // Whole pixels; a vertical step (a long link crossing a band) as `V`.
    let mut last: Option<(i64, i64)> = None;
    for &(x, y) in points {
        let (x, y) = (x.round() as i64, y.round() as i64);
        match last {
            None => d.push_str(&format!("M{x} {y}")),
            Some((lx, _)) if lx == x => d.push_str(&format!("V{y}")),
            Some(_) => d.push_str(&format!("L{x} {y}")),
        }
        last = Some((x, y));
    }
    d
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

    let perspectives = top_down
        .iter()
        .filter(|&&p| !m.perspectives[p].objectives.is_empty())
        .map(|&p| {
            let pv = &m.perspectives[p];
            let r = &scores.perspectives[p];
            let objectives = pv
                .objectives
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
                    let measures = o
                        .measures
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
                                doc: ms
                                    .doc
                                    .clone()
                                    .or_else(|| ms.from.and_then(|k| m.kpis[k].doc.clone())),
                                unit: format!(
                                    "{}{dir}",
                                    unit.map(|u| format!("{u}, ")).unwrap_or_default()
                                ),
                                actual: s
                                    .actual
                                    .map_or("–".into(), |(_, v)| value_with_unit(v, unit)),
                                // Only an actual older than the as-of period
                                // says its period (the column says the as-of).
                                actual_period: s
                                    .actual
                                    .filter(|&(p, _)| Some(p) != scores.as_of)
                                    .map_or(String::new(), |(p, _)| p.to_string()),
                                target: s
                                    .target
                                    .map_or("–".into(), |t| value_with_unit(t.value, unit)),
                                target_by: s
                                    .target
                                    .and_then(|t| t.by)
                                    .map_or(String::new(), |p| format!("by {p}")),
                                status: s.status.as_str(),
                                symbol: symbol(s.status),
                                progress_pct: bar_pct(s.progress),
                                progress: pct(s.progress),
                                trend,
                                trend_symbol,
                                spark: sparkline(&values, s.target.map(|t| t.value)),
                                // How the score came about: the actual and the
                                // target are in the row's cells (a computed
                                // actual's sum is not), the trend is its cell.
                                trace: ms
                                    .compute
                                    .is_some()
                                    .then(|| s.trace.actual.clone())
                                    .into_iter()
                                    .chain([s.trace.progress.clone(), s.trace.status.clone()])
                                    .collect(),
                                note: ms
                                    .note_at(scores.as_of)
                                    .map(|n| format!("{} ({})", n.text, n.period)),
                                projection: s.projection.map(|p| p.text()),
                            }
                        })
                        .collect();
                    let judged: Vec<(&str, Status)> = o
                        .measures
                        .iter()
                        .map(|&mi| (m.measures[mi].title.as_str(), scores.measures[mi].status))
                        .collect();
                    ObjectiveRow {
                        aligned: aligned.get(oi).cloned().unwrap_or_default(),
                        note: status_note(orr.status, orr.score, &judged, green, amber),
                        money: money_text(
                            initiatives_of[oi].iter().map(|&ii| &m.initiatives[ii]),
                            sc.currency.as_deref(),
                        ),
                        initiatives: initiatives_of[oi]
                            .iter()
                            .map(|&ii| SupportRef {
                                title: m.initiatives[ii].title.clone(),
                                href: format!("#i-{}", m.initiatives[ii].id),
                            })
                            .collect(),
                        id: o.id.clone(),
                        title: o.title.clone(),
                        doc: o.doc.clone(),
                        owner: o.owner.clone().unwrap_or_default(),
                        status: orr.status.as_str(),
                        symbol: symbol(orr.status),
                        score: pct(orr.score),
                        progress_pct: bar_pct(orr.score),
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
                doc: i.doc.clone(),
                budget_short: i.budget.map_or(String::new(), |b| {
                    with_unit_compact(b, sc.currency.as_deref())
                }),
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
                budget: i
                    .budget
                    .map_or(String::new(), |b| with_unit(b, sc.currency.as_deref())),
                spent: i
                    .spent
                    .map_or(String::new(), |b| with_unit(b, sc.currency.as_deref())),
                remaining: match (i.budget, i.spent) {
                    (Some(b), Some(sp)) if sp > b => {
                        format!("{} over", with_unit(sp - b, sc.currency.as_deref()))
                    }
                    (Some(b), Some(sp)) => {
                        format!("{} left", with_unit(b - sp, sc.currency.as_deref()))
                    }
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
                            title: m.objectives[o].title.clone(),
                            href: format!("#obj-{}", m.objectives[o].id),
                        },
                        Supported::Measure(x) => SupportRef {
                            title: m.measures[x].title.clone(),
                            href: format!("#m-{}", m.measures[x].id),
                        },
                    })
                    .collect(),
            }
        })
        .collect::<Vec<_>>();
    let budgets: Vec<f64> = m.initiatives.iter().filter_map(|i| i.budget).collect();
    let budget_total =
        (!budgets.is_empty()).then(|| with_unit(budgets.iter().sum(), sc.currency.as_deref()));
    let budget_missing = m.initiatives.len() - budgets.len();
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
            // (labels are thinned below)
            let next = q.end().succ_opt().unwrap_or(chrono::NaiveDate::MAX);
            q = Period::containing(next, crate::period::Grain::Quarter);
            guard += 1;
        }
    }
    // At most six labelled ticks, so that labels never overlap; the others keep their line.
    let every = ticks.len().div_ceil(6).max(1);
    for (k, t) in ticks.iter_mut().enumerate() {
        if k % every != 0 {
            t.label.clear();
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

    // What is red and why, then what is amber: objectives in map order (top band first).
    let mut attention = Vec::new();
    for want in [Status::Red, Status::Amber] {
        for &p in &top_down {
            for &oi in &m.perspectives[p].objectives {
                let (o, orr) = (&m.objectives[oi], &scores.objectives[oi]);
                if orr.status != want {
                    continue;
                }
                let judged: Vec<(&str, Status)> = o
                    .measures
                    .iter()
                    .map(|&mi| (m.measures[mi].title.as_str(), scores.measures[mi].status))
                    .collect();
                let pulls = o
                    .measures
                    .iter()
                    .filter(|&&mi| {
                        matches!(scores.measures[mi].status, Status::Red | Status::Amber)
                    })
                    .map(|&mi| {
                        let (ms, s) = (&m.measures[mi], &scores.measures[mi]);
                        let unit = ms.props.unit.as_deref();
                        Pull {
                            id: ms.id.clone(),
                            title: ms.title.clone(),
                            status: s.status.as_str(),
                            symbol: symbol(s.status),
                            actual: s.actual.map_or("–".into(), |(_, v)| with_unit(v, unit)),
                            target: s.target.map_or("–".into(), |t| with_unit(t.value, unit)),
                            gap: match (s.actual, s.target) {
                                (Some((_, a)), Some(t)) => gap_text(a, t.value, unit),
                                _ => String::new(),
                            },
                        }
                    })
                    .collect();
                attention.push(Attention {
                    id: o.id.clone(),
                    title: o.title.clone(),
                    owner: o.owner.clone().unwrap_or_default(),
                    status: orr.status.as_str(),
                    symbol: symbol(orr.status),
                    score: pct(orr.score),
                    note: status_note(orr.status, orr.score, &judged, green, amber),
                    pulls,
                });
            }
        }
    }

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
        footer_css: css_string(&format!(
            "{} · as of {}",
            m.scorecard.as_ref().map_or("", |s| s.title.as_str()),
            scores.as_of.map_or("–".to_string(), |p| p.to_string())
        )),
        attention,
        budget_total,
        budget_missing,
        map: map_view(m, scores, &top_down, &aligned),
        perspectives,
        initiatives,
        ticks,
        as_of_left,
        matrix,
        diagnostics,
        history: history_spark(&scores.history.scorecard, green),
        spent_total: {
            let spent: Vec<f64> = m.initiatives.iter().filter_map(|i| i.spent).collect();
            let budget: f64 = m.initiatives.iter().filter_map(|i| i.budget).sum();
            let total: f64 = spent.iter().sum();
            match (spent.is_empty(), budget > 0.0) {
                (true, _) => String::new(),
                (false, true) => format!(
                    "spent {} ({:.0}%)",
                    with_unit(total, sc.currency.as_deref()),
                    total / budget * 100.0
                ),
                (false, false) => format!("spent {}", with_unit(total, sc.currency.as_deref())),
            }
        },
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
    let env = environment()?;
    let tmpl = env.get_template("report.html").map_err(template_error)?;
    tmpl.render(&view).map_err(template_error)
}

/// `budget 12k · spent 9.5k (79%)` summed over `inits`; empty when none gives either.
fn money_text<'a>(
    inits: impl Iterator<Item = &'a crate::model::Initiative>,
    currency: Option<&str>,
) -> String {
    let (mut budget, mut spent) = (None::<f64>, None::<f64>);
    for i in inits {
        if let Some(b) = i.budget {
            budget = Some(budget.unwrap_or(0.0) + b);
        }
        if let Some(x) = i.spent {
            spent = Some(spent.unwrap_or(0.0) + x);
        }
    }
    match (budget, spent) {
        (Some(b), Some(x)) if b > 0.0 => format!(
            "budget {} · spent {} ({:.0}%)",
            with_unit(b, currency),
            with_unit(x, currency),
            x / b * 100.0
        ),
        (Some(b), Some(x)) => format!(
            "budget {} · spent {}",
            with_unit(b, currency),
            with_unit(x, currency)
        ),
        (Some(b), None) => format!("budget {}", with_unit(b, currency)),
        (None, Some(x)) => format!("spent {}", with_unit(x, currency)),
        (None, None) => String::new(),
    }
}

/// A sparkline of history scores, with the green band as its line; `None` with fewer
/// than two points.
/// The department objectives aligned to each objective (indexed like the objectives).
fn aligned_views(c: &Compilation, links: &super::Links) -> Vec<Vec<AlignedView>> {
    let m = &c.model;
    let mut out: Vec<Vec<AlignedView>> = m.objectives.iter().map(|_| Vec::new()).collect();
    for a in &m.alignments {
        let Some(Some((d, href))) = links.departments.get(a.cascade) else {
            continue;
        };
        let o = &d.compilation.model.objectives[a.source];
        let r = &d.scores.objectives[a.source];
        out[a.objective].push(AlignedView {
            department: m.cascades[a.cascade].id.clone(),
            title: o.title.clone(),
            status: r.status.as_str(),
            symbol: symbol(r.status),
            score: pct(r.score),
            href: format!("{href}#obj-{}", o.id),
        });
    }
    out
}

fn history_spark(points: &[crate::history::Point], green: f64) -> Option<Spark> {
    let values: Vec<f64> = points.iter().filter_map(|p| p.score).collect();
    if values.len() < 2 {
        return None;
    }
    sparkline(&values, Some(green))
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
        Ok(env)
    })
    .as_ref()
    .map_err(|e| crate::Error::Write {
        path: "report template".into(),
        reason: e.clone(),
    })
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

/// A budget where space is short (the timeline): `214k EUR`, `$1.2M`.
fn with_unit_compact(v: f64, unit: Option<&str>) -> String {
    match unit.map(str::trim) {
        Some(u @ ("$" | "€" | "£" | "¥")) => format!("{u}{}", compact(v)),
        Some(u) if !u.is_empty() => format!("{} {u}", compact(v)),
        _ => compact(v),
    }
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
    fn the_row_says_when_its_colour_hides_a_measure() {
        let g = Status::Green;
        let a = Status::Amber;
        let r = Status::Red;
        // A green objective over an amber measure.
        assert_eq!(
            status_note(
                g,
                Some(0.92),
                &[("Sales", g), ("Staff trained", a)],
                0.9,
                0.6
            )
            .as_deref(),
            Some(
                "1 of 2 measures on target; score 92% ≥ 90% green band, so green although Staff trained is amber"
            )
        );
        // A red objective although no measure is red.
        assert_eq!(
            status_note(r, Some(0.5), &[("A", a), ("B", a)], 0.9, 0.6).as_deref(),
            Some(
                "0 of 2 measures on target; score 50% < 60% amber band, so red although no measure is red (measures are judged against their own threshold and target)"
            )
        );
        // Same colours: nothing to say.
        assert_eq!(status_note(a, Some(0.7), &[("A", a)], 0.9, 0.6), None);
        assert_eq!(status_note(Status::None, None, &[("A", a)], 0.9, 0.6), None);
    }

    #[test]
    fn the_number_of_a_link_sits_halfway() {
        assert_eq!(
            midpoint(&[(0.0, 0.0), (0.0, 10.0), (30.0, 10.0)], false),
            (10.0, 10.0)
        );
        assert_eq!(
            midpoint(&[(0.0, 0.0), (10.0, -8.0), (20.0, 0.0)], true),
            (10.0, -4.0)
        );
    }
}
