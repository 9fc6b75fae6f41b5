//! `bsc build --format json`: the scored model as the `bsc/1` document (LANGUAGE.md §8).
//! Arrays are in declaration order (perspectives in level order); numbers are rounded
//! to 9 decimals, which removes float noise and keeps every meaningful digit.

use serde::Serialize;

use super::Report;
use super::json::{JsonDiagnostic, diagnostic};
use crate::Compilation;
use crate::model::Supported;
use crate::num::Num;
use crate::period::{Frequency, Period};
use crate::score::{Evidence, MeasureTrace, RollupTrace, Scores, Status, Trend};
use crate::span::Span;
use crate::syntax::ast::{Direction, Indicator, InitiativeStatus, Rating};

fn num(v: Option<f64>) -> Option<Num> {
    v.map(Num)
}

/// Where an item is declared.
#[derive(Serialize)]
pub struct Loc {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Serialize)]
struct PeriodRange {
    start: Period,
    end: Period,
}

#[derive(Serialize)]
struct Bands {
    green: Num,
    amber: Num,
}

#[derive(Serialize)]
struct ScorecardJ {
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc: Option<String>,
    vision: Option<String>,
    mission: Option<String>,
    owner: Option<String>,
    period: Option<PeriodRange>,
    as_of: Option<Period>,
    currency: Option<String>,
    /// Budget and spent summed over every initiative.
    money: Money,
    bands: Bands,
    score: Option<Num>,
    status: Status,
    trace: RollupTrace,
    history: Vec<PointJ>,
    location: Option<Loc>,
}

#[derive(Serialize)]
struct PerspectiveJ {
    id: String,
    title: String,
    level: i64,
    question: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc: Option<String>,
    objectives: Vec<String>,
    score: Option<Num>,
    status: Status,
    trace: RollupTrace,
    history: Vec<PointJ>,
    location: Option<Loc>,
}

#[derive(Serialize)]
struct ObjectiveJ {
    id: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc: Option<String>,
    perspective: String,
    owner: Option<String>,
    due: Option<Period>,
    weight: Num,
    measures: Vec<String>,
    initiatives: Vec<String>,
    /// Department objectives aligned to it (`align D.OBJ -> this`).
    aligned: Vec<AlignedJ>,
    /// Budget and spent summed over the initiatives that support it.
    money: Money,
    score: Option<Num>,
    status: Status,
    trace: RollupTrace,
    history: Vec<PointJ>,
    location: Loc,
}

/// A department objective aligned to a company objective.
#[derive(Serialize)]
struct AlignedJ {
    department: String,
    objective: String,
    title: String,
    weight: Num,
    rationale: Option<String>,
    score: Option<Num>,
    status: Status,
}

/// A department scorecard (`cascade ID "path"`), scored at this scorecard's as-of.
#[derive(Serialize)]
struct CascadeJ {
    id: String,
    title: Option<String>,
    path: String,
    score: Option<Num>,
    status: Status,
}

#[derive(Serialize)]
struct TargetJ {
    value: Num,
    by: Option<Period>,
}

#[derive(Serialize)]
struct ActualJ {
    period: Period,
    value: Num,
}

#[derive(Serialize)]
struct MeasureJ {
    id: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc: Option<String>,
    objective: String,
    from: Option<String>,
    unit: Option<String>,
    direction: Option<Direction>,
    direction_inferred: bool,
    baseline: Option<Num>,
    baseline_at: Option<Period>,
    targets: Vec<TargetJ>,
    threshold: Option<Num>,
    frequency: Option<Frequency>,
    indicator: Option<Indicator>,
    owner: Option<String>,
    source: Option<String>,
    formula: Option<String>,
    /// `compute EXPR`, as written.
    compute: Option<String>,
    weight: Num,
    actuals: Vec<ActualJ>,
    notes: Vec<NoteJ>,
    /// The note of the as-of period, or the latest before it.
    note: Option<NoteJ>,
    actual: Option<ActualJ>,
    target: Option<TargetJ>,
    status: Status,
    progress: Option<Num>,
    trend: Option<Trend>,
    projection: Option<crate::projection::Projection>,
    trace: MeasureTrace,
    location: Loc,
}

/// The score and status as of one period of the history.
#[derive(Serialize)]
struct PointJ {
    period: Period,
    score: Option<Num>,
    status: Status,
}

fn points(h: &[crate::history::Point]) -> Vec<PointJ> {
    h.iter()
        .map(|p| PointJ {
            period: p.period,
            score: num(p.score),
            status: p.status,
        })
        .collect()
}

#[derive(Serialize)]
struct NoteJ {
    period: Period,
    text: String,
}

impl From<&crate::model::Note> for NoteJ {
    fn from(n: &crate::model::Note) -> Self {
        NoteJ {
            period: n.period,
            text: n.text.clone(),
        }
    }
}

/// Budget and spent summed over a set of initiatives: each sum is `null` when no
/// initiative of the set gives one.
#[derive(Serialize)]
struct Money {
    budget: Option<Num>,
    spent: Option<Num>,
}

impl Money {
    fn of<'a>(inits: impl Iterator<Item = &'a crate::model::Initiative>) -> Money {
        let (mut budget, mut spent) = (None::<f64>, None::<f64>);
        for i in inits {
            if let Some(b) = i.budget {
                budget = Some(budget.unwrap_or(0.0) + b);
            }
            if let Some(s) = i.spent {
                spent = Some(spent.unwrap_or(0.0) + s);
            }
        }
        Money {
            budget: num(budget),
            spent: num(spent),
        }
    }
}

#[derive(Serialize)]
struct SupportJ {
    kind: &'static str,
    id: String,
}

#[derive(Serialize)]
struct InitiativeJ {
    id: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc: Option<String>,
    owner: Option<String>,
    budget: Option<Num>,
    start: Option<Period>,
    end: Option<Period>,
    impact: Option<Rating>,
    feasibility: Option<Rating>,
    status: Option<InitiativeStatus>,
    progress: Option<Num>,
    spent: Option<Num>,
    /// `budget − spent`, when both are given (negative when over budget).
    remaining: Option<Num>,
    supports: Vec<SupportJ>,
    location: Loc,
}

#[derive(Serialize)]
struct EvidenceJ {
    verdict: &'static str,
    lag: Option<usize>,
    r: Option<Num>,
    p: Option<Num>,
    pairs: usize,
    by_lag: Vec<Option<Num>>,
    text: String,
}

impl From<&Evidence> for EvidenceJ {
    fn from(e: &Evidence) -> Self {
        EvidenceJ {
            verdict: e.verdict,
            lag: e.lag,
            r: num(e.r),
            p: num(e.p),
            pairs: e.pairs,
            by_lag: e.by_lag.iter().map(|r| num(*r)).collect(),
            text: e.text.clone(),
        }
    }
}

#[derive(Serialize)]
struct LinkJ {
    from: String,
    to: String,
    rationale: Option<String>,
    backward: bool,
    evidence: EvidenceJ,
    location: Loc,
}

#[derive(Serialize)]
struct Doc {
    schema: &'static str,
    as_of: Option<Period>,
    scorecard: ScorecardJ,
    perspectives: Vec<PerspectiveJ>,
    objectives: Vec<ObjectiveJ>,
    measures: Vec<MeasureJ>,
    initiatives: Vec<InitiativeJ>,
    links: Vec<LinkJ>,
    cascades: Vec<CascadeJ>,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic>,
}

/// Whether initiative `init` supports objective `o` (directly or through one of its
/// measures).
fn supports(m: &crate::model::Model, init: &crate::model::Initiative, o: usize) -> bool {
    init.supports.iter().any(|(s, _)| match *s {
        Supported::Objective(x) => x == o,
        Supported::Measure(x) => m.measures[x].objective == o,
    })
}

/// The `bsc/1` document of a compilation and its scores, pretty-printed.
pub fn render(c: &Compilation, scores: &Scores, departments: &[crate::Build]) -> String {
    let m = &c.model;
    let loc = |s: Span| {
        let l = c.sources.location(s);
        Loc {
            file: l.file,
            line: l.line,
            column: l.column,
        }
    };
    let sc = m.scorecard.clone().unwrap_or_default();
    let bands = Bands {
        green: Num(if m.scorecard.is_some() { sc.green } else { 0.9 }),
        amber: Num(if m.scorecard.is_some() { sc.amber } else { 0.6 }),
    };
    let scorecard = ScorecardJ {
        title: m.scorecard.as_ref().map(|s| s.title.clone()),
        doc: sc.doc,
        vision: sc.vision,
        mission: sc.mission,
        owner: sc.owner,
        period: sc.period.map(|(start, end)| PeriodRange { start, end }),
        as_of: sc.as_of,
        currency: sc.currency,
        money: Money::of(m.initiatives.iter()),
        bands,
        score: num(scores.scorecard.score),
        status: scores.scorecard.status,
        trace: scores.scorecard.trace.clone(),
        history: points(&scores.history.scorecard),
        location: sc.span.map(loc),
    };
    let perspectives = m
        .perspectives_by_level()
        .into_iter()
        .map(|i| {
            let p = &m.perspectives[i];
            PerspectiveJ {
                id: p.id.clone(),
                title: p.title.clone(),
                level: p.level,
                question: p.question.clone(),
                doc: p.doc.clone(),
                objectives: p
                    .objectives
                    .iter()
                    .map(|&o| m.objectives[o].id.clone())
                    .collect(),
                score: num(scores.perspectives[i].score),
                status: scores.perspectives[i].status,
                trace: scores.perspectives[i].trace.clone(),
                history: points(scores.history.perspectives.get(i).map_or(&[], |v| v)),
                location: p.span.map(loc),
            }
        })
        .collect();
    let objectives = m
        .objectives
        .iter()
        .enumerate()
        .map(|(i, o)| ObjectiveJ {
            id: o.id.clone(),
            title: o.title.clone(),
            doc: o.doc.clone(),
            perspective: m.perspectives[o.perspective].id.clone(),
            owner: o.owner.clone(),
            due: o.due,
            weight: Num(o.weight),
            measures: o
                .measures
                .iter()
                .map(|&x| m.measures[x].id.clone())
                .collect(),
            initiatives: m
                .initiatives
                .iter()
                .filter(|init| supports(m, init, i))
                .map(|init| init.id.clone())
                .collect(),
            aligned: m
                .alignments
                .iter()
                .filter(|a| a.objective == i)
                .filter_map(|a| {
                    let d = departments.get(a.department)?;
                    let r = &d.scores.objectives[a.source];
                    Some(AlignedJ {
                        department: m.cascades[a.cascade].id.clone(),
                        objective: d.compilation.model.objectives[a.source].id.clone(),
                        title: d.compilation.model.objectives[a.source].title.clone(),
                        weight: Num(a.weight),
                        rationale: a.rationale.clone(),
                        score: num(r.score),
                        status: r.status,
                    })
                })
                .collect(),
            money: Money::of(m.initiatives.iter().filter(|init| supports(m, init, i))),
            score: num(scores.objectives[i].score),
            status: scores.objectives[i].status,
            trace: scores.objectives[i].trace.clone(),
            history: points(scores.history.objectives.get(i).map_or(&[], |v| v)),
            location: loc(o.id_span),
        })
        .collect();
    let measures = m
        .measures
        .iter()
        .enumerate()
        .map(|(i, ms)| {
            let p = &ms.props;
            let s = &scores.measures[i];
            MeasureJ {
                id: ms.id.clone(),
                title: ms.title.clone(),
                doc: ms
                    .doc
                    .clone()
                    .or_else(|| ms.from.and_then(|k| m.kpis[k].doc.clone())),
                objective: m.objectives[ms.objective].id.clone(),
                from: ms.from.map(|k| m.kpis[k].id.clone()),
                unit: p.unit.clone(),
                direction: p.direction,
                direction_inferred: ms.direction_inferred,
                baseline: p.baseline.map(|b| Num(b.value)),
                baseline_at: p.baseline_at,
                targets: p
                    .targets
                    .iter()
                    .map(|t| TargetJ {
                        value: Num(t.value),
                        by: t.by,
                    })
                    .collect(),
                threshold: p.threshold.map(|t| Num(t.value)),
                frequency: p.frequency,
                indicator: p.indicator,
                owner: p.owner.clone(),
                source: p.source.clone(),
                formula: p.formula.clone(),
                compute: ms.compute.as_ref().map(|c| c.text.clone()),
                weight: Num(ms.weight()),
                actuals: p
                    .actuals
                    .iter()
                    .map(|a| ActualJ {
                        period: a.period,
                        value: Num(a.value),
                    })
                    .collect(),
                notes: p.notes.iter().map(NoteJ::from).collect(),
                note: ms.note_at(scores.as_of).map(NoteJ::from),
                actual: s.actual.map(|(period, value)| ActualJ {
                    period,
                    value: Num(value),
                }),
                target: s.target.map(|t| TargetJ {
                    value: Num(t.value),
                    by: t.by,
                }),
                status: s.status,
                progress: num(s.progress),
                trend: s.trend,
                projection: s.projection,
                trace: s.trace.clone(),
                location: loc(ms.id_span),
            }
        })
        .collect();
    let initiatives = m
        .initiatives
        .iter()
        .map(|i| InitiativeJ {
            id: i.id.clone(),
            title: i.title.clone(),
            doc: i.doc.clone(),
            owner: i.owner.clone(),
            budget: num(i.budget),
            start: i.start,
            end: i.end,
            impact: i.impact,
            feasibility: i.feasibility,
            status: i.status,
            progress: num(i.progress),
            spent: num(i.spent),
            remaining: match (i.budget, i.spent) {
                (Some(b), Some(s)) => Some(Num(b - s)),
                _ => None,
            },
            supports: i
                .supports
                .iter()
                .map(|(s, _)| match *s {
                    Supported::Objective(x) => SupportJ {
                        kind: "objective",
                        id: m.objectives[x].id.clone(),
                    },
                    Supported::Measure(x) => SupportJ {
                        kind: "measure",
                        id: m.measures[x].id.clone(),
                    },
                })
                .collect(),
            location: loc(i.id_span),
        })
        .collect();
    let links = m
        .links
        .iter()
        .zip(&scores.links)
        .map(|(l, e)| LinkJ {
            from: m.objectives[l.from].id.clone(),
            to: m.objectives[l.to].id.clone(),
            rationale: l.rationale.clone(),
            backward: m.level_of(l.from) > m.level_of(l.to),
            evidence: e.into(),
            location: loc(l.span),
        })
        .collect();
    let cascades = m
        .cascades
        .iter()
        .map(|cas| {
            let d = cas.department.and_then(|i| departments.get(i));
            CascadeJ {
                id: cas.id.clone(),
                title: cas.title.clone(),
                path: cas.path.clone(),
                score: d.and_then(|d| num(d.scores.scorecard.score)),
                status: d.map_or(Status::None, |d| d.scores.scorecard.status),
            }
        })
        .collect();
    let all = std::slice::from_ref(c);
    let report = Report::new(all);
    let doc = Doc {
        schema: "bsc/1",
        as_of: scores.as_of,
        scorecard,
        perspectives,
        objectives,
        measures,
        initiatives,
        links,
        cascades,
        errors: report.errors(),
        warnings: report.warnings(),
        diagnostics: report.items.iter().map(diagnostic).collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
