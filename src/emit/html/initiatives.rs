//! The initiatives: a timeline against the scorecard's period with the as-of marker,
//! a table with budgets and what each supports, and the impact by feasibility matrix.

use serde::Serialize;

use super::SupportRef;
use crate::model::{Model, Supported};
use crate::num::{compact, with_unit};
use crate::period::Period;
use crate::score::Scores;
use crate::syntax::ast::{InitiativeStatus, Rating};

/// The initiatives: their rows, the timeline's ticks and as-of marker, the impact by
/// feasibility matrix and the budget totals.
pub(super) struct Timeline {
    pub initiatives: Vec<InitiativeRow>,
    pub ticks: Vec<Tick>,
    pub as_of_left: Option<f64>,
    pub matrix: Vec<MatrixRow>,
    pub budget_total: Option<String>,
    pub budget_missing: usize,
    pub spent_total: String,
}

pub(super) fn timeline(
    m: &Model,
    scores: &Scores,
    currency: Option<&str>,
    period: Option<(Period, Period)>,
) -> Timeline {
    // The initiatives' timeline spans the scorecard period and every initiative.
    let mut span: Option<(i64, i64)> =
        period.map(|(a, b)| (days(a), days(b) + (b.end() - b.start()).num_days() + 1));
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
                doc: i.doc.as_deref().map(super::reflow),
                budget_short: i
                    .budget
                    .map_or(String::new(), |b| with_unit_compact(b, currency)),
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
                budget: i.budget.map_or(String::new(), |b| with_unit(b, currency)),
                spent: i.spent.map_or(String::new(), |b| with_unit(b, currency)),
                remaining: match (i.budget, i.spent) {
                    (Some(b), Some(sp)) if sp > b => {
                        format!("{} over", with_unit(sp - b, currency))
                    }
                    (Some(b), Some(sp)) => {
                        format!("{} left", with_unit(b - sp, currency))
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
    let budget_total = (!budgets.is_empty()).then(|| with_unit(budgets.iter().sum(), currency));
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
    let spent: Vec<f64> = m.initiatives.iter().filter_map(|i| i.spent).collect();
    let budget: f64 = budgets.iter().sum();
    let total: f64 = spent.iter().sum();
    let spent_total = match (spent.is_empty(), budget > 0.0) {
        (true, _) => String::new(),
        (false, true) => format!(
            "spent {} ({:.0}%)",
            with_unit(total, currency),
            total / budget * 100.0
        ),
        (false, false) => format!("spent {}", with_unit(total, currency)),
    };
    Timeline {
        initiatives,
        ticks,
        as_of_left,
        matrix,
        budget_total,
        budget_missing,
        spent_total,
    }
}

#[derive(Serialize)]
pub(super) struct InitiativeRow {
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
pub(super) struct Tick {
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
pub(super) struct MatrixRow {
    impact: &'static str,
    cells: Vec<Cell>,
}

fn rating(r: Option<Rating>) -> &'static str {
    match r {
        Some(Rating::Low) => "low",
        Some(Rating::Medium) => "medium",
        Some(Rating::High) => "high",
        None => "",
    }
}

fn days(p: Period) -> i64 {
    p.start()
        .signed_duration_since(chrono::NaiveDate::MIN)
        .num_days()
}

/// `budget 12k · spent 9.5k (79%)` summed over `inits`; empty when none gives either.
pub(super) fn money_text<'a>(
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

/// A budget where space is short (the timeline): `214k EUR`, `$1.2M`.
fn with_unit_compact(v: f64, unit: Option<&str>) -> String {
    match unit.map(str::trim) {
        Some(u @ ("$" | "€" | "£" | "¥")) => format!("{u}{}", compact(v)),
        Some(u) if !u.is_empty() => format!("{} {u}", compact(v)),
        _ => compact(v),
    }
}
