//! Scoring (LANGUAGE.md §5): each measure's actual, target, status, progress and trend;
//! weighted rollups to objectives, perspectives and the scorecard; a trace of how every
//! number was obtained; and the evidence the actuals give for each map link.
//!
//! Deterministic: no hash maps, inputs walked in declaration order.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Measure, Model, Target};
use crate::num::{Num, fmt_num};
use crate::period::Period;
use crate::syntax::ast::Direction;
use chrono::NaiveDate;

/// Green, amber, red, or none (not enough to judge).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Green,
    Amber,
    Red,
    None,
}

impl Status {
    /// The word, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Green => "green",
            Status::Amber => "amber",
            Status::Red => "red",
            Status::None => "none",
        }
    }
}

/// The direction of the last two actuals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    Improving,
    Worsening,
    Flat,
}

/// How a measure's numbers were obtained.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MeasureTrace {
    /// e.g. `actual: 8.5 (2025-03)`.
    pub actual: String,
    /// e.g. `target: 10 (by 2025-06)`.
    pub target: String,
    /// e.g. `progress: (8.5 - 7) / (10 - 7) = 0.5`.
    pub progress: String,
    /// e.g. `status: red because 8.5 < threshold 9`.
    pub status: String,
    /// e.g. `trend: improving (8.0 → 8.5, up is better)`.
    pub trend: String,
}

/// A measure's score.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasureScore {
    /// The latest actual at or before the as-of period.
    pub actual: Option<(Period, f64)>,
    /// The selected target.
    pub target: Option<Target>,
    pub status: Status,
    /// In [0, 1]; `None` when status is `none`.
    pub progress: Option<f64>,
    pub trend: Option<Trend>,
    pub trace: MeasureTrace,
    /// Where the actuals' trend line meets the selected target (LANGUAGE.md §9.4).
    pub projection: Option<crate::projection::Projection>,
}

/// One weighted term of a rollup.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Term {
    pub id: String,
    pub weight: Num,
    pub value: Num,
}

/// How a rollup was computed.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RollupTrace {
    pub terms: Vec<Term>,
    /// Children left out because their status is `none`.
    pub excluded: Vec<String>,
    /// e.g. `(1 × 0.5 + 2 × 0.8) / 3 = 0.7`.
    pub text: String,
}

/// The score of an objective, a perspective or the scorecard.
#[derive(Clone, Debug, PartialEq)]
pub struct Rollup {
    /// In [0, 1]; `None` when every child is `none`.
    pub score: Option<f64>,
    pub status: Status,
    pub trace: RollupTrace,
}

/// What the actuals say about a link of the strategy map: the correlation of the
/// period-to-period changes (first differences) of the two objectives' progress, so that
/// two series that merely share a trend do not count (docs/evidence.md).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// `consistent`, `no evidence`, `contradicts` or `not enough data`.
    pub verdict: &'static str,
    /// The lag (in periods of the shared timeline) with the smallest p-value.
    pub lag: Option<usize>,
    /// Pearson's r of the changes at that lag.
    pub r: Option<f64>,
    /// The two-sided p-value of r at that lag, multiplied by the number of lags tried
    /// (Bonferroni), at most 1.
    pub p: Option<f64>,
    /// Number of pairs of changes at that lag.
    pub pairs: usize,
    /// r of the changes at each lag 0..=3 (null where fewer than 8 pairs overlap).
    pub by_lag: Vec<Option<f64>>,
    /// The verdict in plain words.
    pub text: String,
}

impl Evidence {
    /// When the outcome follows, in words: "in the same period", "1 period later".
    fn when(&self) -> String {
        match self.lag {
            None | Some(0) => "in the same period".to_string(),
            Some(1) => "1 period later".to_string(),
            Some(k) => format!("{k} periods later"),
        }
    }

    /// The statistics behind the verdict, in one parenthesis-ready phrase.
    fn stats(&self) -> String {
        format!(
            "r = {} between changes {}, {} pairs, {}",
            fmt_num((self.r.unwrap_or(0.0) * 100.0).round() / 100.0),
            self.when(),
            self.pairs,
            p_text(self.p.unwrap_or(1.0))
        )
    }

    /// The verdict in plain words without ids, for a list that names both ends already
    /// and explains the method once above it (the report's numbered list of links).
    pub fn words(&self) -> String {
        match self.verdict {
            "consistent" => format!(
                "Consistent with the data: in periods when the driver improved more, the outcome improved more {} ({}). Not a proof of cause.",
                self.when(),
                self.stats()
            ),
            "contradicts" => format!(
                "Contradicted by the data: when the driver improved, the outcome fell back {} ({}).",
                self.when(),
                self.stats()
            ),
            "no evidence" => format!("No evidence either way ({}).", self.stats()),
            _ => "Not enough data to test.".to_string(),
        }
    }
}

/// Everything scoring computes, indexed like the model's vectors.
#[derive(Clone, Debug)]
pub struct Scores {
    pub as_of: Option<Period>,
    pub measures: Vec<MeasureScore>,
    pub objectives: Vec<Rollup>,
    pub perspectives: Vec<Rollup>,
    pub scorecard: Rollup,
    pub links: Vec<Evidence>,
    /// The scores at each period of the scorecard's `period` up to the as-of period.
    pub history: crate::history::History,
}

/// Fewest pairs of period-to-period changes for a correlation.
pub const MIN_PAIRS: usize = 8;
/// The significance level of a link's evidence (after the Bonferroni correction).
pub const ALPHA: f64 = 0.05;
/// Lags tried, in periods.
pub const MAX_LAG: usize = 3;

/// Scores the model as of `as_of`, the compilation's as-of period (decided once, by
/// [`Model::as_of`]; `None` when there is none at all).
pub fn score(model: &Model, as_of: Option<Period>) -> Scores {
    let mut scores = score_aligned(model, as_of, &[]);
    scores.history = crate::history::history(model, as_of, &[]);
    scores
}

/// The scores at `as_of` without history (history scores each period on its own:
/// LANGUAGE.md §9.4); `evidence` is kept for callers that compare with history.
pub fn score_at(model: &Model, as_of: Option<Period>, evidence: bool) -> Scores {
    score_at_aligned(model, as_of, evidence, &[])
}

/// [`score`] without history (`Build::new` adds it, with the departments), with the
/// scores of the department objectives aligned to this scorecard's (`aligned[k]` for
/// `model.alignments[k]`): each is one more child of its objective.
pub fn score_aligned(model: &Model, as_of: Option<Period>, aligned: &[Option<f64>]) -> Scores {
    score_at_aligned(model, as_of, true, aligned)
}

fn score_at_aligned(
    model: &Model,
    as_of: Option<Period>,
    evidence: bool,
    aligned: &[Option<f64>],
) -> Scores {
    let bounds = model.scorecard.as_ref().and_then(|s| s.period);
    let period_end = bounds.map(|(_, e)| e);
    let (green, amber) = model
        .scorecard
        .as_ref()
        .map_or((0.9, 0.6), |s| (s.green, s.amber));
    let measures: Vec<MeasureScore> = model
        .measures
        .iter()
        .map(|m| {
            let mut s = score_measure(m, as_of, bounds);
            if let (Some(c), Some((period, _))) = (&m.compute, s.actual) {
                s.trace.actual = computed_trace(&s.trace.actual, model, &c.expr, period);
            }
            s
        })
        .collect();
    let objectives: Vec<Rollup> = model
        .objectives
        .iter()
        .enumerate()
        .map(|(oi, o)| {
            let children = o.measures.iter().map(|&i| {
                (
                    model.measures[i].id.as_str(),
                    model.measures[i].weight(),
                    measures[i].progress,
                )
            });
            let departments = model
                .alignments
                .iter()
                .zip(aligned)
                .filter(|(a, _)| a.objective == oi)
                .map(|(a, score)| (a.label.as_str(), a.weight, *score));
            rollup(children.chain(departments), green, amber)
        })
        .collect();
    let perspectives: Vec<Rollup> = model
        .perspectives
        .iter()
        .map(|p| {
            let children = p.objectives.iter().map(|&i| {
                (
                    model.objectives[i].id.as_str(),
                    model.objectives[i].weight,
                    objectives[i].score,
                )
            });
            rollup(children, green, amber)
        })
        .collect();
    // Every perspective counts; one without a score (no objective, or none scored) is
    // left out and listed as such.
    let order = model.perspectives_by_level();
    let scorecard = rollup(
        order.iter().map(|&i| {
            (
                model.perspectives[i].id.as_str(),
                1.0,
                perspectives[i].score,
            )
        }),
        green,
        amber,
    );
    // Each linked objective's progress series, computed once however many links it has
    // (history scores each period without link evidence).
    let links_scored: &[crate::model::Link] = if evidence { &model.links } else { &[] };
    let mut series: Vec<Option<Vec<(NaiveDate, f64)>>> = vec![None; model.objectives.len()];
    for l in links_scored {
        for o in [l.from, l.to] {
            if series[o].is_none() {
                series[o] = Some(progress_series(model, o, as_of, period_end));
            }
        }
    }
    let links = links_scored
        .iter()
        .map(|l| {
            self::evidence(
                model,
                (l.from, series[l.from].as_deref().unwrap_or(&[])),
                (l.to, series[l.to].as_deref().unwrap_or(&[])),
            )
        })
        .collect();
    Scores {
        as_of,
        measures,
        objectives,
        perspectives,
        scorecard,
        links,
        history: crate::history::History::default(),
    }
}

/// Whether `actual` meets `target` in `dir`.
fn meets(dir: Direction, actual: f64, target: f64) -> bool {
    match dir {
        Direction::Up => actual >= target,
        Direction::Down => actual <= target,
    }
}

/// A measure's status from its actual, its target and its threshold (§5): green when
/// the target is met, amber when only the threshold is, else red.
fn status_of(dir: Direction, actual: f64, target: f64, threshold: Option<f64>) -> Status {
    if meets(dir, actual, target) {
        Status::Green
    } else if threshold.is_some_and(|th| meets(dir, actual, th)) {
        Status::Amber
    } else {
        Status::Red
    }
}

/// What measure `m` is judged on at `as_of`: its latest actual up to it, the target in
/// force and its direction; `None` when one is missing (its status is then `none`).
pub fn judged_at(
    m: &Measure,
    as_of: Period,
    period_end: Option<Period>,
) -> Option<(f64, Target, Direction)> {
    let p = &m.props;
    // Actuals are sorted by period, which orders by last day.
    let upto = p.actuals.partition_point(|a| a.period.ends_by(&as_of));
    let actual = p.actuals[..upto].last()?.value;
    let target = select_target(&p.targets, Some(as_of), period_end)?;
    Some((actual, target, p.direction?))
}

/// Measure `m`'s status at `as_of`, as [`measure`] finds it, without its trace or
/// projection (for the checks that only need the status).
pub fn status_at(model: &Model, m: &Measure, as_of: Period) -> Status {
    let period_end = model
        .scorecard
        .as_ref()
        .and_then(|s| s.period)
        .map(|(_, e)| e);
    judged_at(m, as_of, period_end).map_or(Status::None, |(a, t, dir)| {
        status_of(dir, a, t.value, m.props.threshold.map(|th| th.value))
    })
}

/// The target in force at `as_of`: the first due at or after it, else the last one;
/// with no as-of period, the last one. A target without `by` is due at the end of the
/// scorecard's period (never, without one).
pub fn select_target(
    targets: &[Target],
    as_of: Option<Period>,
    period_end: Option<Period>,
) -> Option<Target> {
    let as_of = match as_of {
        Some(a) => a,
        None => return targets.last().copied(),
    };
    targets
        .iter()
        .find(|t| match t.by.or(period_end) {
            Some(due) => as_of.ends_by(&due),
            None => true,
        })
        .or(targets.last())
        .copied()
}

/// Progress toward the target: `(actual − baseline) / (target − baseline)` clamped to
/// [0, 1]; without a baseline, 1 when met, else 0 without a threshold, else linear
/// from the threshold (0) to the target (1). Returns the value and how it was found.
///
/// A baseline that already meets the target (beyond it in the direction: a later
/// time-phased target set below the baseline of an `up` measure, or a `direction` error)
/// cannot measure the way toward it: the rules without a baseline apply, and the trace
/// says which baseline was set aside and why.
pub fn progress(
    dir: Direction,
    actual: f64,
    target: f64,
    baseline: Option<f64>,
    threshold: Option<f64>,
) -> (f64, String) {
    progress_with(dir, actual, target, baseline, threshold, true)
}

/// [`progress`]'s value alone, without putting how into words (history scores every
/// measure at every period: LANGUAGE.md §9.4).
pub fn progress_value(
    dir: Direction,
    actual: f64,
    target: f64,
    baseline: Option<f64>,
    threshold: Option<f64>,
) -> f64 {
    progress_with(dir, actual, target, baseline, threshold, false).0
}

fn progress_with(
    dir: Direction,
    actual: f64,
    target: f64,
    baseline: Option<f64>,
    threshold: Option<f64>,
    words: bool,
) -> (f64, String) {
    // The trace's words, only when asked for.
    macro_rules! text {
        ($($a:tt)*) => {
            if words { format!($($a)*) } else { String::new() }
        };
    }
    let n = fmt_num;
    let clamp = |v: f64| {
        if v.is_finite() {
            v.clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    let met = meets(dir, actual, target);
    let (better, beyond) = match dir {
        Direction::Up => ("up", "above"),
        Direction::Down => ("down", "below"),
    };
    // A baseline already at the target's far side is set aside, and the trace says so.
    let set_aside = baseline.filter(|&b| b != target && meets(dir, b, target));
    let without = match set_aside {
        Some(b) => text!(
            "baseline {} is {beyond} the target {} ({better} is better), so it is not used",
            n(b),
            n(target)
        ),
        None => text!("no baseline"),
    };
    let baseline = baseline.filter(|_| set_aside.is_none());
    match (baseline, threshold) {
        (Some(b), _) if target != b => {
            let v = clamp((actual - b) / (target - b));
            (
                v,
                text!(
                    "({} − {}) / ({} − {}) = {}",
                    n(actual),
                    n(b),
                    n(target),
                    n(b),
                    n(v)
                ),
            )
        }
        (Some(b), _) => {
            let v = if met { 1.0 } else { 0.0 };
            (
                v,
                text!(
                    "baseline {} equals the target: {}",
                    n(b),
                    if met { "met, 1" } else { "not met, 0" }
                ),
            )
        }
        (None, _) if met => (
            1.0,
            text!(
                "{without}; target met: 1 ({} {} {})",
                n(actual),
                if dir == Direction::Up { "≥" } else { "≤" },
                n(target)
            ),
        ),
        (None, None) => (
            0.0,
            match set_aside {
                None => text!("no baseline or threshold; target not met: 0"),
                Some(_) => text!("{without}, and there is no threshold; target not met: 0"),
            },
        ),
        (None, Some(th)) if th != target => {
            let v = clamp((actual - th) / (target - th));
            let from = if set_aside.is_some() {
                "; from the threshold"
            } else {
                ""
            };
            (
                v,
                text!(
                    "{without}{from}: ({} − {}) / ({} − {}) = {}",
                    n(actual),
                    n(th),
                    n(target),
                    n(th),
                    n(v)
                ),
            )
        }
        (None, Some(_)) => (
            0.0,
            text!("{without}; threshold equals the target and it is not met: 0"),
        ),
    }
}

/// One measure's score at `as_of`, as [`score`] computes it (for the checks that judge
/// a measure's status: `unexplained-red`).
pub fn measure(model: &Model, m: &Measure, as_of: Option<Period>) -> MeasureScore {
    score_measure(m, as_of, model.scorecard.as_ref().and_then(|s| s.period))
}

/// A computed measure's actual with the expression and the values put in: `actual:
/// 39.1 (2025-03) = (412k − 251k) / 412k × 100`.
fn computed_trace(
    actual: &str,
    model: &Model,
    expr: &crate::syntax::expr::Expr,
    period: Period,
) -> String {
    let series: BTreeMap<&str, crate::compute::Series> = expr
        .refs()
        .into_iter()
        .filter_map(|id| {
            let i = model.measure_index(&id.name)?;
            let s = model.measures[i]
                .props
                .actuals
                .iter()
                .map(|a| (a.period, a.value))
                .collect();
            Some((model.measures[i].id.as_str(), s))
        })
        .collect();
    match crate::compute::explain_at(expr, &|id: &str| series.get(id), period) {
        Some(text) => {
            // `explain_at` ends with `= result`, which the actual already says.
            let shown = text.rsplit_once(" = ").map_or(text.as_str(), |(e, _)| e);
            format!("{actual} = {shown}")
        }
        None => actual.to_string(),
    }
}

/// `bounds` is the scorecard's `period`, first and last.
fn score_measure(
    m: &Measure,
    as_of: Option<Period>,
    bounds: Option<(Period, Period)>,
) -> MeasureScore {
    let period_end = bounds.map(|(_, e)| e);
    let p = &m.props;
    let n = fmt_num;
    let upto: Vec<_> = p
        .actuals
        .iter()
        .filter(|a| as_of.is_none_or(|ao| a.period.ends_by(&ao)))
        .collect();
    let actual = upto.last().map(|a| (a.period, a.value));
    let target = select_target(&p.targets, as_of, period_end);
    let mut trace = MeasureTrace {
        actual: match actual {
            Some((per, v)) => format!("actual: {} ({per})", n(v)),
            None if p.actuals.is_empty() => "actual: none (no actuals)".into(),
            None => "actual: none at or before the as-of period".into(),
        },
        target: match target {
            Some(t) => match t.by {
                Some(by) => format!("target: {} (by {by})", n(t.value)),
                None => format!("target: {}", n(t.value)),
            },
            None => "target: none".into(),
        },
        ..MeasureTrace::default()
    };
    let trend = match (p.direction, upto.len()) {
        (Some(dir), len) if len >= 2 => {
            let (a, b) = (upto[len - 2].value, upto[len - 1].value);
            let t = if a == b {
                Trend::Flat
            } else if meets(dir, b, a) {
                Trend::Improving
            } else {
                Trend::Worsening
            };
            let word = serde_json::to_value(t)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            trace.trend = format!(
                "trend: {word} ({} → {}, {} is better)",
                n(a),
                n(b),
                if dir == Direction::Up { "up" } else { "down" }
            );
            Some(t)
        }
        _ => {
            trace.trend = "trend: none (fewer than two actuals)".into();
            None
        }
    };
    let (Some((_, a)), Some(t), Some(dir)) = (actual, target, p.direction) else {
        let why = if actual.is_none() {
            "no actual"
        } else if target.is_none() {
            "no target"
        } else {
            "no direction"
        };
        trace.status = format!("status: none ({why})");
        trace.progress = format!("progress: none ({why})");
        return MeasureScore {
            actual,
            target,
            status: Status::None,
            progress: None,
            trend,
            trace,
            projection: None,
        };
    };
    let (cmp, rel) = if dir == Direction::Up {
        ("≥", "<")
    } else {
        ("≤", ">")
    };
    let status = status_of(dir, a, t.value, p.threshold.map(|th| th.value));
    trace.status = match (status, p.threshold) {
        (Status::Green, _) => {
            format!("status: green because {} {cmp} target {}", n(a), n(t.value))
        }
        (Status::Amber, Some(th)) => format!(
            "status: amber because {} {rel} target {} but {} {cmp} threshold {}",
            n(a),
            n(t.value),
            n(a),
            n(th.value)
        ),
        (_, Some(th)) => format!(
            "status: red because {} {rel} threshold {}",
            n(a),
            n(th.value)
        ),
        (_, None) => format!(
            "status: red because {} {rel} target {} (no threshold, so no amber)",
            n(a),
            n(t.value)
        ),
    };
    let (prog, how) = progress(
        dir,
        a,
        t.value,
        p.baseline.map(|b| b.value),
        p.threshold.map(|t| t.value),
    );
    trace.progress = format!("progress: {how}");
    // The pace of the plan: the actuals from the start of the scorecard's period (a
    // history from before the plan, e.g. a decline it sets out to reverse, is not it).
    let in_plan = match bounds {
        Some((start, _)) => {
            let first = start.start();
            upto.iter()
                .position(|a| a.period.end() >= first)
                .unwrap_or(upto.len())
        }
        None => 0,
    };
    let projection = crate::projection::project(m, &upto[in_plan..], dir, t, period_end);
    MeasureScore {
        actual,
        target,
        status,
        progress: Some(prog),
        trend,
        trace,
        projection,
    }
}

/// The status of a score in [0, 1] against the bands.
pub fn band(score: f64, green: f64, amber: f64) -> Status {
    if score >= green - 1e-12 {
        Status::Green
    } else if score >= amber - 1e-12 {
        Status::Amber
    } else {
        Status::Red
    }
}

/// The weighted mean of the children that have a value.
pub fn rollup<'a>(
    children: impl Iterator<Item = (&'a str, f64, Option<f64>)>,
    green: f64,
    amber: f64,
) -> Rollup {
    let mut trace = RollupTrace::default();
    for (id, weight, value) in children {
        match value {
            Some(v) => trace.terms.push(Term {
                id: id.to_string(),
                weight: Num(weight),
                value: Num(v),
            }),
            None => trace.excluded.push(id.to_string()),
        }
    }
    let total: f64 = trace.terms.iter().map(|t| t.weight.0).sum();
    if trace.terms.is_empty() || total <= 0.0 {
        trace.text = if trace.terms.is_empty() {
            "no child has a score".into()
        } else {
            "the weights add up to 0".into()
        };
        return Rollup {
            score: None,
            status: Status::None,
            trace,
        };
    }
    let sum: f64 = trace.terms.iter().map(|t| t.weight.0 * t.value.0).sum();
    let score = (sum / total).clamp(0.0, 1.0);
    let terms: Vec<String> = trace
        .terms
        .iter()
        .map(|t| format!("{} × {}", fmt_num(t.weight.0), fmt_num(t.value.0)))
        .collect();
    trace.text = format!(
        "({}) / {} = {}",
        terms.join(" + "),
        fmt_num(total),
        fmt_num(score)
    );
    Rollup {
        score: Some(score),
        status: band(score, green, amber),
        trace,
    }
}

/// An objective's progress at each period where one of its measures has an actual.
fn progress_series(
    model: &Model,
    objective: usize,
    as_of: Option<Period>,
    period_end: Option<Period>,
) -> Vec<(NaiveDate, f64)> {
    let o = &model.objectives[objective];
    let as_of_end = as_of.map(|a| a.end());
    // Each measure's actuals with their last days, computed once (a period's last day
    // is a calendar computation, and the series compares them many times).
    let ends: Vec<Vec<(NaiveDate, f64)>> = o
        .measures
        .iter()
        .map(|&m| {
            model.measures[m]
                .props
                .actuals
                .iter()
                .map(|a| (a.period.end(), a.value))
                .collect()
        })
        .collect();
    let mut periods: Vec<(Period, NaiveDate)> = o
        .measures
        .iter()
        .flat_map(|&m| model.measures[m].props.actuals.iter().map(|a| a.period))
        .map(|p| (p, p.end()))
        .filter(|(_, e)| as_of_end.is_none_or(|a| *e <= a))
        .collect();
    periods.sort_by_key(|p| p.0);
    periods.dedup_by(|a, b| a.1 == b.1);
    periods
        .into_iter()
        .filter_map(|(at, at_end)| {
            let mut sum = 0.0;
            let mut total = 0.0;
            for (k, &mi) in o.measures.iter().enumerate() {
                let m = &model.measures[mi];
                let Some(&(_, value)) = ends[k].iter().find(|(e, _)| *e == at_end) else {
                    continue;
                };
                let (Some(dir), Some(t)) = (
                    m.props.direction,
                    select_target(&m.props.targets, Some(at), period_end),
                ) else {
                    continue;
                };
                let p = progress_value(
                    dir,
                    value,
                    t.value,
                    m.props.baseline.map(|b| b.value),
                    m.props.threshold.map(|t| t.value),
                );
                sum += m.weight() * p;
                total += m.weight();
            }
            (total > 0.0).then(|| (at_end, sum / total))
        })
        .collect()
}

/// Pearson's correlation coefficient, `None` if either series is constant.
pub fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    let n = pairs.len() as f64;
    if pairs.len() < 2 {
        return None;
    }
    let (mx, my) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for &(x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    if sxx <= 1e-12 || syy <= 1e-12 {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// The two-sided p-value of Pearson's r over `n` pairs (Student's t with n − 2 degrees
/// of freedom): `I_{1−r²}((n−2)/2, 1/2)`, the regularized incomplete beta function.
pub fn p_value(r: f64, n: usize) -> f64 {
    if n < 3 {
        return 1.0;
    }
    let x = (1.0 - r * r).clamp(0.0, 1.0);
    if x <= 0.0 {
        return 0.0;
    }
    inc_beta((n as f64 - 2.0) / 2.0, 0.5, x).clamp(0.0, 1.0)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularized incomplete beta function I_x(a, b), by its continued fraction
/// (Numerical Recipes, `betai`/`betacf`).
fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-14 {
            break;
        }
    }
    h
}

/// A p-value for people: two significant digits, `< 0.001` below that.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else if p > 0.99 {
        // Corrected for the lags tried, p is capped at 1: "p = 1" would read as a bug.
        "p > 0.99".into()
    } else {
        format!("p = {}", fmt_num((p * 1000.0).round() / 1000.0))
    }
}

/// Correlates the period-to-period changes of the driver's progress with those of the
/// outcome, the outcome shifted by 0..=3 periods of their shared timeline; keeps the lag
/// with the smallest p-value and corrects it for the lags tried (docs/evidence.md).
fn evidence(
    model: &Model,
    (from, d): (usize, &[(NaiveDate, f64)]),
    (to, o): (usize, &[(NaiveDate, f64)]),
) -> Evidence {
    let (dn, on) = (&model.objectives[from].id, &model.objectives[to].id);
    // The shared timeline: every period either side has a value for.
    // The shared timeline: the last days of the periods either side has a value for.
    let mut timeline: Vec<NaiveDate> = d.iter().chain(o.iter()).map(|(e, _)| *e).collect();
    timeline.sort();
    timeline.dedup();
    let values = |series: &[(NaiveDate, f64)]| -> Vec<Option<f64>> {
        timeline
            .iter()
            .map(|e| series.iter().find(|(q, _)| q == e).map(|(_, v)| *v))
            .collect()
    };
    // The change into timeline position i from position i − 1 (when both have a value).
    let changes = |v: Vec<Option<f64>>| -> Vec<Option<f64>> {
        (0..v.len())
            .map(|i| match (i.checked_sub(1).and_then(|j| v[j]), v[i]) {
                (Some(a), Some(b)) => Some(b - a),
                _ => None,
            })
            .collect()
    };
    let (dd, od) = (changes(values(d)), changes(values(o)));
    let mut by_lag = Vec::new();
    let mut tried = 0usize;
    let mut best: Option<(usize, f64, usize, f64)> = None;
    for lag in 0..=MAX_LAG {
        let pairs: Vec<(f64, f64)> = (0..dd.len().saturating_sub(lag))
            .filter_map(|i| Some((dd[i]?, od[i + lag]?)))
            .collect();
        let r = if pairs.len() >= MIN_PAIRS {
            pearson(&pairs)
        } else {
            None
        };
        by_lag.push(r.map(|r| (r * 1e6).round() / 1e6));
        if let Some(r) = r {
            tried += 1;
            let p = p_value(r, pairs.len());
            if best.is_none_or(|(_, _, _, bp)| p < bp - 1e-15) {
                best = Some((lag, r, pairs.len(), p));
            }
        }
    }
    let Some((lag, r, pairs, p)) = best else {
        return Evidence {
            verdict: "not enough data",
            lag: None,
            r: None,
            p: None,
            pairs: 0,
            by_lag,
            text: format!(
                "not enough data: `{dn}` and `{on}` need at least {} periods in a row with actuals on both ends ({MIN_PAIRS} period-to-period changes, with some variation) to be compared",
                MIN_PAIRS + 1
            ),
        };
    };
    let p = (p * tried as f64).min(1.0);
    let (r6, p6) = ((r * 1e6).round() / 1e6, (p * 1e6).round() / 1e6);
    let verdict = if p >= ALPHA {
        "no evidence"
    } else if r > 0.0 {
        "consistent"
    } else {
        "contradicts"
    };
    let mut e = Evidence {
        verdict,
        lag: Some(lag),
        r: Some(r6),
        p: Some(p6),
        pairs,
        by_lag,
        text: String::new(),
    };
    let (when, stats) = (e.when(), e.stats());
    e.text = match verdict {
        "consistent" => format!(
            "the data is consistent with this link: when `{dn}` improves from one period to the next, `{on}` tends to improve {when} ({stats}); this does not prove that one causes the other"
        ),
        "contradicts" => format!(
            "the data contradicts this link: when `{dn}` improves from one period to the next, `{on}` tends to fall back {when} ({stats})"
        ),
        _ => format!(
            "no evidence either way: the period-to-period changes of `{dn}` and `{on}` do not move together clearly enough ({stats})"
        ),
    };
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::MemFs;
    use std::path::Path;

    /// Scores `body` (perspectives, measures…) under a scorecard with period 2025.
    fn scored(body: &str, as_of: Option<&str>) -> (crate::Compilation, Scores) {
        let src = format!("scorecard \"T\" {{ period 2025-01 .. 2025-12 }}\n{body}");
        let opts = crate::Options {
            as_of: as_of.map(|a| Period::parse(a).unwrap()),
            ..Default::default()
        };
        let c = crate::compile_bytes(
            &MemFs::new(),
            "t.bsc",
            Path::new("t.bsc"),
            src.as_bytes(),
            &opts,
        );
        let s = score(&c.model, c.as_of);
        (c, s)
    }

    /// One measure in one objective.
    fn measure(props: &str, as_of: Option<&str>) -> MeasureScore {
        let (c, s) = scored(
            &format!(
                "perspective financial {{ objective o \"O\" {{ measure m \"M\" {{ unit \"u\" {props} }} }} }}"
            ),
            as_of,
        );
        assert!(c.errors() == 0, "{:?}", c.diagnostics);
        s.measures[0].clone()
    }

    #[test]
    fn progress_from_the_baseline_with_the_trace() {
        // (8.5 − 7) / (10 − 7) = 0.5; 8.5 is below the threshold 9: red.
        let m = measure(
            "baseline 7 target 10 by 2025-06 threshold 9 actuals { 2025-01: 7.1, 2025-03: 8.5 }",
            None,
        );
        assert_eq!(m.actual, Some((Period::parse("2025-03").unwrap(), 8.5)));
        assert_eq!(m.progress, Some(0.5));
        assert_eq!(m.status, Status::Red);
        assert_eq!(m.trace.actual, "actual: 8.5 (2025-03)");
        assert_eq!(m.trace.target, "target: 10 (by 2025-06)");
        assert_eq!(m.trace.progress, "progress: (8.5 − 7) / (10 − 7) = 0.5");
        assert_eq!(m.trace.status, "status: red because 8.5 < threshold 9");
    }

    #[test]
    fn amber_between_threshold_and_target_and_no_amber_without_threshold() {
        let m = measure(
            "baseline 7 target 10 threshold 9 actuals { 2025-03: 9.4 }",
            None,
        );
        assert_eq!(m.status, Status::Amber);
        assert!((m.progress.unwrap() - 0.8).abs() < 1e-12); // (9.4 − 7) / 3
        let m = measure("baseline 7 target 10 actuals { 2025-03: 9.4 }", None);
        assert_eq!(m.status, Status::Red);
    }

    #[test]
    fn target_met_exactly_is_green_and_complete() {
        let m = measure(
            "baseline 7 target 10 threshold 9 actuals { 2025-03: 10 }",
            None,
        );
        assert_eq!((m.status, m.progress), (Status::Green, Some(1.0)));
        // Beyond the target progress is clamped to 1; below the baseline to 0.
        assert_eq!(
            measure("baseline 7 target 10 actuals { 2025-03: 14 }", None).progress,
            Some(1.0)
        );
        assert_eq!(
            measure("baseline 7 target 10 actuals { 2025-03: 5 }", None).progress,
            Some(0.0)
        );
    }

    #[test]
    fn without_baseline() {
        // Met: 1. Not met and no threshold: 0. With a threshold: linear from it (0) to the target (1).
        assert_eq!(
            measure("direction up target 10 actuals { 2025-03: 11 }", None).progress,
            Some(1.0)
        );
        assert_eq!(
            measure("direction up target 10 actuals { 2025-03: 9 }", None).progress,
            Some(0.0)
        );
        let m = measure(
            "direction up target 10 threshold 8 actuals { 2025-03: 9.5 }",
            None,
        );
        assert_eq!((m.progress, m.status), (Some(0.75), Status::Amber)); // (9.5 − 8) / (10 − 8)
    }

    /// A later time-phased target beyond the baseline (below it, direction up): the
    /// baseline cannot measure the way to that target, so the rules without a baseline
    /// apply, and the trace names the baseline and says why it is not used.
    #[test]
    fn a_baseline_beyond_the_selected_target_is_set_aside_with_the_reason() {
        let up = "direction up baseline 100 target 120 by 2025-06 target 95 by 2025-12";
        let m = measure(&format!("{up} actuals {{ 2025-09: 98 }}"), None);
        assert_eq!((m.target.unwrap().value, m.progress), (95.0, Some(1.0)));
        assert_eq!(
            m.trace.progress,
            "progress: baseline 100 is above the target 95 (up is better), so it is not used; target met: 1 (98 ≥ 95)"
        );
        let m = measure(
            &format!("{up} threshold 85 actuals {{ 2025-09: 90 }}"),
            None,
        );
        assert_eq!((m.progress, m.status), (Some(0.5), Status::Amber));
        assert_eq!(
            m.trace.progress,
            "progress: baseline 100 is above the target 95 (up is better), so it is not used; from the threshold: (90 − 85) / (95 − 85) = 0.5"
        );
        let m = measure(&format!("{up} actuals {{ 2025-09: 90 }}"), None);
        assert_eq!(m.progress, Some(0.0));
        assert_eq!(
            m.trace.progress,
            "progress: baseline 100 is above the target 95 (up is better), so it is not used, and there is no threshold; target not met: 0"
        );
        // Down: a later target above the baseline.
        let m = measure(
            "direction down baseline 50 target 40 by 2025-06 target 55 by 2025-12 threshold 60 actuals { 2025-09: 57 }",
            None,
        );
        assert_eq!(m.progress, Some(0.6)); // (57 − 60) / (55 − 60)
        assert_eq!(
            m.trace.progress,
            "progress: baseline 50 is below the target 55 (down is better), so it is not used; from the threshold: (57 − 60) / (55 − 60) = 0.6"
        );
        // While the first target is in force the baseline counts: (110 − 100) / (120 − 100).
        let m = measure(&format!("{up} actuals {{ 2025-03: 110 }}"), None);
        assert_eq!(m.progress, Some(0.5));
        assert_eq!(
            m.trace.progress,
            "progress: (110 − 100) / (120 − 100) = 0.5"
        );
        // Without a baseline the words are as before.
        let m = measure("direction up target 10 actuals { 2025-03: 11 }", None);
        assert_eq!(
            m.trace.progress,
            "progress: no baseline; target met: 1 (11 ≥ 10)"
        );
    }

    #[test]
    fn direction_down() {
        // (110 − 120) / (100 − 120) = 0.5; 110 ≤ threshold 112: amber.
        let m = measure(
            "baseline 120 target 100 threshold 112 actuals { 2025-02: 115, 2025-03: 110 }",
            None,
        );
        assert_eq!(
            (m.progress, m.status, m.trend),
            (Some(0.5), Status::Amber, Some(Trend::Improving))
        );
        assert_eq!(
            m.trace.status,
            "status: amber because 110 > target 100 but 110 ≤ threshold 112"
        );
    }

    #[test]
    fn no_target_or_no_actual_is_none() {
        let m = measure("direction up baseline 3 actuals { 2025-03: 4 }", None);
        assert_eq!((m.status, m.progress), (Status::None, None));
        assert_eq!(m.trace.status, "status: none (no target)");
        let m = measure("baseline 3 target 5", None);
        assert_eq!((m.status, m.progress, m.trend), (Status::None, None, None));
    }

    #[test]
    fn time_phased_targets_follow_the_as_of_period() {
        let props = "baseline 0 target 10 by 2025-06 target 12 by 2025-12 actuals { 2025-03: 6, 2025-07: 9 }";
        // As of 2025-03 the first target is in force; the actual is the 2025-03 one.
        let m = measure(props, Some("2025-03"));
        assert_eq!(
            (m.target.unwrap().value, m.actual.unwrap().1, m.progress),
            (10.0, 6.0, Some(0.6))
        );
        // As of 2025-07 (the latest actual) the second: 9 / 12 = 0.75.
        let m = measure(props, None);
        assert_eq!((m.target.unwrap().value, m.progress), (12.0, Some(0.75)));
        // After the last date: the last target.
        assert_eq!(measure(props, Some("2026-03")).target.unwrap().value, 12.0);
        // A quarter ends on its last day: as of 2025-Q2 the June target is still due.
        assert_eq!(measure(props, Some("2025-Q2")).target.unwrap().value, 10.0);
    }

    #[test]
    fn a_target_without_by_is_due_at_the_end_of_the_period() {
        let t = |by: Option<&str>, v| Target {
            value: v,
            by: by.map(|b| Period::parse(b).unwrap()),
            span: Default::default(),
        };
        let targets = [t(None, 5.0), t(Some("2026-06"), 7.0)];
        let end = Period::parse("2025-12").ok();
        let at = |p: &str| Period::parse(p).ok();
        assert_eq!(
            select_target(&targets, at("2025-12"), end).unwrap().value,
            5.0
        );
        assert_eq!(
            select_target(&targets, at("2026-01"), end).unwrap().value,
            7.0
        );
        // Without a scorecard period it never falls due, so it stays in force.
        assert_eq!(
            select_target(&targets, at("2026-01"), None).unwrap().value,
            5.0
        );
        // Without an as-of period: the last target.
        assert_eq!(select_target(&targets, None, end).unwrap().value, 7.0);
    }

    #[test]
    fn weighted_rollups_leave_out_none_and_count_it() {
        let (c, s) = scored(
            "perspective financial {
               objective o \"O\" {
                 measure a \"A\" { unit \"u\" baseline 0 target 10 actuals { 2025-03: 5 } }
                 measure b \"B\" { unit \"u\" baseline 0 target 10 weight 3 actuals { 2025-03: 10 } }
                 measure z \"Z\" { unit \"u\" baseline 0 target 10 }
               }
               objective p \"P\" { weight 2 measure q \"Q\" { unit \"u\" baseline 0 target 4 actuals { 2025-03: 1 } } }
               objective n \"N\" { measure r \"R\" { unit \"u\" baseline 0 target 4 } }
             }",
            None,
        );
        assert_eq!(c.errors(), 0);
        // o: (1 × 0.5 + 3 × 1) / 4 = 0.875, z left out.
        assert_eq!(s.objectives[0].score, Some(0.875));
        assert_eq!(s.objectives[0].trace.excluded, ["z"]);
        assert_eq!(s.objectives[0].trace.text, "(1 × 0.5 + 3 × 1) / 4 = 0.875");
        assert_eq!(s.objectives[0].status, Status::Amber);
        // n has no scored measure: none, and left out of the perspective.
        assert_eq!(
            (s.objectives[2].score, s.objectives[2].status),
            (None, Status::None)
        );
        // financial: (1 × 0.875 + 2 × 0.25) / 3 = 0.458333…
        let fin = &s.perspectives[3];
        assert!((fin.score.unwrap() - 1.375 / 3.0).abs() < 1e-12);
        assert_eq!(fin.trace.excluded, ["n"]);
        assert_eq!(fin.status, Status::Red);
        // The scorecard averages the perspectives that have objectives.
        assert_eq!(s.scorecard.score, fin.score);
    }

    #[test]
    fn all_children_none_gives_none() {
        let r = rollup([("a", 1.0, None), ("b", 2.0, None)].into_iter(), 0.9, 0.6);
        assert_eq!((r.score, r.status), (None, Status::None));
        assert_eq!(r.trace.excluded, ["a", "b"]);
    }

    #[test]
    fn bands_decide_the_status_of_a_score() {
        assert_eq!(band(0.9, 0.9, 0.6), Status::Green);
        assert_eq!(band(0.899, 0.9, 0.6), Status::Amber);
        assert_eq!(band(0.6, 0.9, 0.6), Status::Amber);
        assert_eq!(band(0.59, 0.9, 0.6), Status::Red);
        let (_, s) = scored(
            "perspective financial { objective o \"O\" { measure a \"A\" { unit \"u\" baseline 0 target 10 actuals { 2025-03: 8.5 } } } }",
            None,
        );
        assert_eq!(s.objectives[0].status, Status::Amber);
        let (_, s) = scored(
            "perspective financial { objective o \"O\" { measure a \"A\" { unit \"u\" baseline 0 target 10 actuals { 2025-03: 8.5 } } } }",
            None,
        );
        assert_eq!(
            band(s.objectives[0].score.unwrap(), 0.8, 0.5),
            Status::Green
        );
    }

    #[test]
    fn trend_reads_the_last_two_actuals_in_the_direction() {
        let t = |props: &str| measure(props, None).trend;
        assert_eq!(
            t("direction up target 9 actuals { 2025-01: 7.4, 2025-02: 8 }"),
            Some(Trend::Improving)
        );
        assert_eq!(
            t("direction down target 9 actuals { 2025-01: 7.4, 2025-02: 8 }"),
            Some(Trend::Worsening)
        );
        assert_eq!(
            t("direction down target 9 actuals { 2025-01: 8, 2025-02: 8 }"),
            Some(Trend::Flat)
        );
        assert_eq!(t("direction down target 9 actuals { 2025-02: 8 }"), None);
        // As of an earlier period, later actuals do not count.
        assert_eq!(
            measure(
                "direction up target 9 actuals { 2025-01: 7, 2025-02: 8, 2025-03: 6 }",
                Some("2025-02")
            )
            .trend,
            Some(Trend::Improving)
        );
    }

    #[test]
    fn pearson_by_hand() {
        assert_eq!(pearson(&[(1.0, 2.0), (2.0, 4.0), (3.0, 6.0)]), Some(1.0));
        assert_eq!(pearson(&[(1.0, 3.0), (2.0, 2.0), (3.0, 1.0)]), Some(-1.0));
        assert_eq!(pearson(&[(1.0, 1.0), (2.0, 1.0)]), None);
        // x = 1,2,3,4; y = 1,3,2,4: sxy = 4, sxx = syy = 5, so r = 0.8.
        assert!(
            (pearson(&[(1.0, 1.0), (2.0, 3.0), (3.0, 2.0), (4.0, 4.0)]).unwrap() - 0.8).abs()
                < 1e-12
        );
    }

    fn series(vals: &[f64]) -> String {
        vals.iter()
            .enumerate()
            .map(|(i, v)| format!("{}-{:02}: {v}", 2024 + i / 12, i % 12 + 1))
            .collect::<Vec<_>>()
            .join(", ")
    }

    #[test]
    fn progress_value_is_progress() {
        let vals = [-5.0, 0.0, 3.0, 5.0, 7.0, 10.0, 12.0];
        let opt = [None, Some(0.0), Some(5.0), Some(10.0), Some(12.0)];
        for dir in [Direction::Up, Direction::Down] {
            for &a in &vals {
                for &t in &vals {
                    for &b in &opt {
                        for &th in &opt {
                            assert_eq!(
                                progress_value(dir, a, t, b, th),
                                progress(dir, a, t, b, th).0,
                                "{dir:?} a={a} t={t} b={b:?} th={th:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn p_value_by_hand() {
        // r = 0.5 over 10 pairs: t = 0.5·√(8/0.75) = 1.633 with 8 degrees of freedom,
        // two-sided p = 0.1411 (tables of Student's t).
        assert!(
            (p_value(0.5, 10) - 0.1411).abs() < 5e-4,
            "{}",
            p_value(0.5, 10)
        );
        // The textbook critical r at 5% for 10 pairs is 0.632.
        assert!(
            (p_value(0.632, 10) - 0.05).abs() < 1e-3,
            "{}",
            p_value(0.632, 10)
        );
        assert_eq!(p_value(1.0, 10), 0.0);
        assert!((p_value(0.0, 10) - 1.0).abs() < 1e-12);
        assert_eq!(p_value(0.9, 2), 1.0);
    }

    #[test]
    fn a_shared_trend_is_no_evidence() {
        // Both rise all year (levels correlate near 1), but their month-to-month changes
        // are unrelated wiggles.
        let wiggle_a = [
            3.0, -2.0, 1.0, 4.0, -3.0, 0.0, 2.0, -1.0, 3.0, -4.0, 1.0, 0.0,
        ];
        let wiggle_b = [
            1.0, 2.0, -3.0, -1.0, 0.0, 3.0, -2.0, 2.0, -2.0, 1.0, 3.0, -1.0,
        ];
        let d: Vec<f64> = (0..12)
            .map(|i| 10.0 + 6.0 * i as f64 + wiggle_a[i])
            .collect();
        let o: Vec<f64> = (0..12)
            .map(|i| 8.0 + 5.0 * i as f64 + wiggle_b[i])
            .collect();
        let levels: Vec<(f64, f64)> = d.iter().copied().zip(o.iter().copied()).collect();
        assert!(pearson(&levels).unwrap() > 0.98);
        let e = linked100(&series(&d), &series(&o));
        assert_eq!(e.verdict, "no evidence", "{e:?}");
        assert!(e.text.starts_with("no evidence either way"), "{}", e.text);
        assert!(e.p.unwrap() >= ALPHA);
        assert!(!e.text.contains("supports") && !e.text.contains("proves"));
    }

    #[test]
    fn a_lagged_driver_is_found_and_a_mirror_contradicts() {
        // The outcome repeats the driver's moves one month later, on a rising trend.
        let d = [
            20.0, 26.0, 23.0, 31.0, 29.0, 38.0, 33.0, 41.0, 45.0, 40.0, 52.0, 50.0, 58.0,
        ];
        let mut o = vec![15.0];
        o.extend(d[..12].iter().map(|v| v - 5.0));
        let e = linked100(&series(&d), &series(&o));
        assert_eq!(
            (e.verdict, e.lag, e.r),
            ("consistent", Some(1), Some(1.0)),
            "{e:?}"
        );
        assert_eq!(e.pairs, 11);
        assert!(e.text.starts_with("the data is consistent with this link"));
        assert!(e.text.contains("1 period later"), "{}", e.text);
        assert!(e.text.contains("does not prove"));
        // The outcome moves against the driver in the same month.
        let o: Vec<f64> = d.iter().map(|v| 80.0 - v).collect();
        let e = linked100(&series(&d), &series(&o));
        assert_eq!((e.verdict, e.lag), ("contradicts", Some(0)), "{e:?}");
        assert!(e.text.starts_with("the data contradicts this link"));
        // Eight periods give seven changes: too few.
        let e = linked100(&series(&d[..8]), &series(&d[..8]));
        assert_eq!((e.verdict, e.r, e.p), ("not enough data", None, None));
        // Nine periods give eight: enough.
        let e = linked100(&series(&d[..9]), &series(&d[..9]));
        assert_eq!((e.verdict, e.lag, e.pairs), ("consistent", Some(0), 8));
    }

    fn linked100(driver: &str, outcome: &str) -> Evidence {
        let (c, s) = scored(
            &format!(
                "perspective internal {{ objective a \"A\" {{ measure ma \"MA\" {{ unit \"u\" baseline 0 target 100 actuals {{ {driver} }} }} }} }}
                 perspective financial {{ objective b \"B\" {{ measure mb \"MB\" {{ unit \"u\" baseline 0 target 100 actuals {{ {outcome} }} }} }} }}
                 map {{ a -> b }}"
            ),
            None,
        );
        assert_eq!(c.errors(), 0, "{:?}", c.diagnostics);
        s.links[0].clone()
    }
}
