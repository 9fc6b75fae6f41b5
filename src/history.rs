//! History (LANGUAGE.md §9.4): the score and status of the scorecard, each perspective
//! and each objective as of each period of the scorecard's `period` (at the grain of its
//! start bound) up to the as-of period. Each period is one pass over the measures and
//! the rollups with the scorer's own functions (`score::progress_value`, `score::select_target`,
//! `score::band`) but without its traces and link evidence, so an entry is exactly what
//! `bsc build --as-of PERIOD` reports. Only whole periods are listed: one that ends after
//! the as-of period is not. Without `period` (or without an as-of period) there is no
//! history.

use crate::model::Model;
use crate::period::Period;
use crate::score::{self, Status};

/// One point of a history.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub period: Period,
    pub score: Option<f64>,
    pub status: Status,
}

/// The history of a compilation, indexed like the model's vectors.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    pub scorecard: Vec<Point>,
    pub perspectives: Vec<Vec<Point>>,
    pub objectives: Vec<Vec<Point>>,
}

/// Longest history kept, in periods (a daily period over years would be a pass a day).
pub const MAX_PERIODS: usize = 120;

/// The periods of the scorecard's `period` up to `as_of`, at the grain of its start,
/// the latest `MAX_PERIODS` of them.
pub fn periods(model: &Model, as_of: Option<Period>) -> Vec<Period> {
    let (Some((start, end)), Some(as_of)) =
        (model.scorecard.as_ref().and_then(|s| s.period), as_of)
    else {
        return Vec::new();
    };
    let last = if end.end() < as_of.end() {
        end.end()
    } else {
        as_of.end()
    };
    let mut out = Vec::new();
    let mut p = Some(start);
    while let Some(cur) = p {
        if cur.end() > last {
            break;
        }
        out.push(cur);
        p = cur.shift(1);
    }
    if out.len() > MAX_PERIODS {
        out.drain(..out.len() - MAX_PERIODS);
    }
    out
}

/// The history of `model` up to `as_of`; `departments` are the builds of its cascades
/// (indexed like `Alignment::department`), whose aligned objectives count in their
/// company objective's score at each period as they do in [`score::score_aligned`].
pub fn history(model: &Model, as_of: Option<Period>, departments: &[crate::Build]) -> History {
    let periods = periods(model, as_of);
    let mut h = History {
        scorecard: Vec::with_capacity(periods.len()),
        perspectives: vec![Vec::with_capacity(periods.len()); model.perspectives.len()],
        objectives: vec![Vec::with_capacity(periods.len()); model.objectives.len()],
    };
    for period in periods {
        let pass = pass(model, departments, period);
        let point = |(score, status): (Option<f64>, Status)| Point {
            period,
            score,
            status,
        };
        for (i, r) in pass.objectives.into_iter().enumerate() {
            h.objectives[i].push(point(r));
        }
        for (i, r) in pass.perspectives.into_iter().enumerate() {
            h.perspectives[i].push(point(r));
        }
        h.scorecard.push(point(pass.scorecard));
    }
    h
}

/// Scores and statuses at one period.
struct Pass {
    objectives: Vec<(Option<f64>, Status)>,
    perspectives: Vec<(Option<f64>, Status)>,
    scorecard: (Option<f64>, Status),
}

/// What `score::score_aligned` computes at `period`, without the traces: the same
/// functions decide, in the same order (`tests/history.rs` holds them to each other).
fn pass(model: &Model, departments: &[crate::Build], period: Period) -> Pass {
    let period_end = model
        .scorecard
        .as_ref()
        .and_then(|s| s.period)
        .map(|(_, e)| e);
    let (green, amber) = model
        .scorecard
        .as_ref()
        .map_or((0.9, 0.6), |s| (s.green, s.amber));
    let measures: Vec<Option<f64>> = model
        .measures
        .iter()
        .map(|m| progress_at(m, period, period_end))
        .collect();
    // Each department scored once at this period, if an objective is aligned from it.
    let mut dept: Vec<Option<Pass>> = (0..departments.len()).map(|_| None).collect();
    let aligned: Vec<Option<f64>> = model
        .alignments
        .iter()
        .map(|a| {
            let d = departments.get(a.department)?;
            let p = dept[a.department]
                .get_or_insert_with(|| pass(&d.compilation.model, &d.departments, period));
            p.objectives.get(a.source)?.0
        })
        .collect();
    let objectives: Vec<(Option<f64>, Status)> = model
        .objectives
        .iter()
        .enumerate()
        .map(|(oi, o)| {
            let children = o
                .measures
                .iter()
                .map(|&m| (model.measures[m].weight(), measures[m]));
            let depts = model
                .alignments
                .iter()
                .zip(&aligned)
                .filter(|(a, _)| a.objective == oi)
                .map(|(a, s)| (a.weight, *s));
            mean(children.chain(depts), green, amber)
        })
        .collect();
    let perspectives: Vec<(Option<f64>, Status)> = model
        .perspectives
        .iter()
        .map(|p| {
            mean(
                p.objectives
                    .iter()
                    .map(|&o| (model.objectives[o].weight, objectives[o].0)),
                green,
                amber,
            )
        })
        .collect();
    let scorecard = mean(
        model
            .perspectives_by_level()
            .iter()
            .map(|&p| (1.0, perspectives[p].0)),
        green,
        amber,
    );
    Pass {
        objectives,
        perspectives,
        scorecard,
    }
}

/// A measure's progress at `as_of` (`None` when its status is `none`), as
/// `score::score_at` finds it.
fn progress_at(
    m: &crate::model::Measure,
    as_of: Period,
    period_end: Option<Period>,
) -> Option<f64> {
    let p = &m.props;
    let (actual, t, dir) = score::judged_at(m, as_of, period_end)?;
    Some(score::progress_value(
        dir,
        actual,
        t.value,
        p.baseline.map(|b| b.value),
        p.threshold.map(|t| t.value),
    ))
}

/// The weighted mean of the children that have a score, and its status, as
/// `score::rollup` computes them.
fn mean(
    children: impl Iterator<Item = (f64, Option<f64>)>,
    green: f64,
    amber: f64,
) -> (Option<f64>, Status) {
    let (mut sum, mut total, mut any) = (0.0, 0.0, false);
    for (w, v) in children {
        if let Some(v) = v {
            sum += w * v;
            total += w;
            any = true;
        }
    }
    if !any || total <= 0.0 {
        return (None, Status::None);
    }
    let score = (sum / total).clamp(0.0, 1.0);
    (Some(score), score::band(score, green, amber))
}
