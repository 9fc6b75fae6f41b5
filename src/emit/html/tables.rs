//! The tables of objectives and measures: a row per objective and per measure, with
//! what the scorer computed (status, progress, trace, trend, projection, note) in words,
//! and sparklines of the actuals and of the score's history.

use serde::Serialize;

use super::initiatives::money_text;
use super::{SupportRef, pct, symbol, value_with_unit};
use crate::Compilation;
use crate::model::Model;
use crate::score::{Scores, Status, Trend};
use crate::syntax::ast::Direction;

/// The tables of objectives and measures, one per perspective with objectives, highest
/// level first.
pub(super) fn perspectives(
    m: &Model,
    scores: &Scores,
    top_down: &[usize],
    aligned: &[Vec<AlignedView>],
    initiatives_of: &[Vec<usize>],
) -> Vec<PerspectiveView> {
    let (green, amber) = m
        .scorecard
        .as_ref()
        .map_or((0.9, 0.6), |s| (s.green, s.amber));
    let currency = m.scorecard.as_ref().and_then(|s| s.currency.as_deref());
    top_down
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
                                .filter(|a| scores.as_of.is_none_or(|ao| a.period.ends_by(&ao)))
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
                                    .as_deref()
                                    .or_else(|| ms.from.and_then(|k| m.kpis[k].doc.as_deref()))
                                    .map(super::reflow),
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
                    let aligned = aligned.get(oi).map_or(&[][..], |a| a.as_slice());
                    let judged = judged(m, scores, oi, aligned);
                    ObjectiveRow {
                        aligned: aligned.to_vec(),
                        note: status_note(
                            orr.status,
                            orr.score,
                            &judged,
                            !aligned.is_empty(),
                            green,
                            amber,
                        ),
                        money: money_text(
                            initiatives_of[oi].iter().map(|&ii| &m.initiatives[ii]),
                            currency,
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
                        doc: o.doc.as_deref().map(super::reflow),
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
        .collect()
}

#[derive(Clone, PartialEq, Serialize)]
pub(super) struct Spark {
    /// The line through the values, as an SVG path.
    points: String,
    /// The target's line, in whole pixels.
    target_y: Option<i64>,
    /// One value: drawn as a dot (a line of one point has no end to mark).
    single: bool,
    last_x: i64,
    last_y: i64,
}

#[derive(Clone, PartialEq, Serialize)]
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

#[derive(Clone, PartialEq, Serialize)]
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
#[derive(Clone, PartialEq, Serialize)]
pub(super) struct AlignedView {
    pub(super) department: String,
    pub(super) title: String,
    pub(super) status: &'static str,
    /// The same status, for judging.
    #[serde(skip)]
    pub(super) judged: Status,
    pub(super) symbol: &'static str,
    pub(super) score: String,
    pub(super) href: String,
}

/// What an objective's score is made of, each with its status: its measures, then the
/// department objectives aligned to it (LANGUAGE.md §9.6), as "department: title".
pub(super) fn judged(
    m: &Model,
    scores: &Scores,
    oi: usize,
    aligned: &[AlignedView],
) -> Vec<(String, Status)> {
    m.objectives[oi]
        .measures
        .iter()
        .map(|&mi| (m.measures[mi].title.clone(), scores.measures[mi].status))
        .chain(
            aligned
                .iter()
                .map(|a| (format!("{}: {}", a.department, a.title), a.judged)),
        )
        .collect()
}

#[derive(Clone, PartialEq, Serialize)]
pub(super) struct PerspectiveView {
    id: String,
    title: String,
    question: Option<String>,
    status: &'static str,
    symbol: &'static str,
    score: String,
    trace: String,
    objectives: Vec<ObjectiveRow>,
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
pub(super) fn status_note(
    status: Status,
    score: Option<f64>,
    children: &[(String, Status)],
    departments: bool,
    green: f64,
    amber: f64,
) -> Option<String> {
    let score = score?;
    let judged: Vec<&(String, Status)> = children.iter().filter(|m| m.1 != Status::None).collect();
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
    let (many, none) = match departments {
        true => (
            "measures and department objectives",
            "no measure or department objective",
        ),
        false if judged.len() == 1 => ("measure", "no measure"),
        false => ("measures", "no measure"),
    };
    let head = format!("{on} of {} {many} on target; {band}", judged.len());
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
            "{head}, so {} although {none} is {} (each is judged against its own threshold and target)",
            status.as_str(),
            status.as_str()
        ));
    }
    None
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

/// A progress bar's length in %: `97.2`, `100`.
fn bar_pct(v: Option<f64>) -> String {
    crate::num::fmt_num((v.unwrap_or(0.0) * 1000.0).round() / 10.0)
}

fn trend_of(t: Option<Trend>) -> (&'static str, &'static str) {
    match t {
        Some(Trend::Improving) => ("improving", "▲"),
        Some(Trend::Worsening) => ("worsening", "▼"),
        Some(Trend::Flat) => ("flat", "▬"),
        None => ("", ""),
    }
}

/// The department objectives aligned to each objective (indexed like the objectives).
pub(super) fn aligned_views(c: &Compilation, links: &crate::emit::Links) -> Vec<Vec<AlignedView>> {
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
            judged: r.status,
            symbol: symbol(r.status),
            score: pct(r.score),
            href: format!("{href}#obj-{}", o.id),
        });
    }
    out
}

/// A sparkline of history scores, with the green band as its line; `None` with fewer
/// than two points.
pub(super) fn history_spark(points: &[crate::history::Point], green: f64) -> Option<Spark> {
    let values: Vec<f64> = points.iter().filter_map(|p| p.score).collect();
    if values.len() < 2 {
        return None;
    }
    sparkline(&values, Some(green))
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
                &[("Sales".into(), g), ("Staff trained".into(), a)],
                false,
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
            status_note(
                r,
                Some(0.5),
                &[("A".into(), a), ("B".into(), a)],
                false,
                0.9,
                0.6
            )
            .as_deref(),
            Some(
                "0 of 2 measures on target; score 50% < 60% amber band, so red although no measure is red (each is judged against its own threshold and target)"
            )
        );
        // Same colours: nothing to say.
        let one = [("A".to_string(), a)];
        assert_eq!(status_note(a, Some(0.7), &one, false, 0.9, 0.6), None);
        assert_eq!(status_note(Status::None, None, &one, false, 0.9, 0.6), None);
        // A department objective aligned to it is one more thing its score is made of.
        assert_eq!(
            status_note(
                r,
                Some(0.56),
                &[("Revenue".into(), a), ("sales: Win accounts".into(), r)],
                true,
                0.9,
                0.6
            ),
            None,
            "the red department objective is why"
        );
        assert_eq!(
            status_note(
                r,
                Some(0.5),
                &[("Revenue".into(), a), ("sales: Win accounts".into(), a)],
                true,
                0.9,
                0.6
            )
            .as_deref(),
            Some(
                "0 of 2 measures and department objectives on target; score 50% < 60% amber band, so red although no measure or department objective is red (each is judged against its own threshold and target)"
            )
        );
    }
}
