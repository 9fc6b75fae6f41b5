//! History (LANGUAGE.md §9.4): the score and status of the scorecard, each perspective
//! and each objective as of each period of the scorecard's `period` (at the grain of its
//! start bound) up to the as-of period. Each period is one pass of the scorer
//! ([`score::score_at`], without link evidence), so an entry is exactly what
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

/// The history of `model` up to `as_of`.
pub fn history(model: &Model, as_of: Option<Period>) -> History {
    let periods = periods(model, as_of);
    let mut h = History {
        scorecard: Vec::with_capacity(periods.len()),
        perspectives: vec![Vec::with_capacity(periods.len()); model.perspectives.len()],
        objectives: vec![Vec::with_capacity(periods.len()); model.objectives.len()],
    };
    for period in periods {
        let s = score::score_at(model, Some(period), false);
        let point = |r: &score::Rollup| Point {
            period,
            score: r.score,
            status: r.status,
        };
        h.scorecard.push(point(&s.scorecard));
        for (i, r) in s.perspectives.iter().enumerate() {
            h.perspectives[i].push(point(r));
        }
        for (i, r) in s.objectives.iter().enumerate() {
            h.objectives[i].push(point(r));
        }
    }
    h
}
