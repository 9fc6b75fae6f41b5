//! The summary that answers "what is red and why" first.

use serde::Serialize;

use super::tables::{AlignedView, judged, status_note};
use super::{gap_text, pct, symbol};
use crate::model::Model;
use crate::num::with_unit;
use crate::score::{Scores, Status};

/// What is red and why, then what is amber: within each, the lowest score first (map
/// order on a tie), each objective with what pulls it down: its red and amber measures
/// with their gap to target, and the red and amber department objectives aligned to it.
pub(super) fn attention(
    m: &Model,
    scores: &Scores,
    top_down: &[usize],
    aligned: &[Vec<AlignedView>],
    green: f64,
    amber: f64,
) -> Vec<Attention> {
    let mut attention = Vec::new();
    for want in [Status::Red, Status::Amber] {
        let mut these: Vec<usize> = top_down
            .iter()
            .flat_map(|&p| m.perspectives[p].objectives.iter().copied())
            .filter(|&oi| scores.objectives[oi].status == want)
            .collect();
        // A stable sort: map order among equal scores.
        these.sort_by(|&a, &b| {
            let score = |oi: usize| scores.objectives[oi].score.unwrap_or(0.0);
            score(a).total_cmp(&score(b))
        });
        for oi in these {
            let (o, orr) = (&m.objectives[oi], &scores.objectives[oi]);
            let aligned = aligned.get(oi).map_or(&[][..], |a| a.as_slice());
            let measures = o
                .measures
                .iter()
                .filter(|&&mi| matches!(scores.measures[mi].status, Status::Red | Status::Amber))
                .map(|&mi| {
                    let (ms, s) = (&m.measures[mi], &scores.measures[mi]);
                    let unit = ms.props.unit.as_deref();
                    let actual = s.actual.map_or("–".into(), |(_, v)| with_unit(v, unit));
                    let target = s.target.map_or("–".into(), |t| with_unit(t.value, unit));
                    let gap = match (s.actual, s.target) {
                        (Some((_, a)), Some(t)) => format!(" ({})", gap_text(a, t.value, unit)),
                        _ => String::new(),
                    };
                    Pull {
                        href: format!("#m-{}", ms.id),
                        title: ms.title.clone(),
                        status: s.status.as_str(),
                        symbol: symbol(s.status),
                        detail: format!("{actual} against a target of {target}{gap}"),
                    }
                });
            let departments = aligned
                .iter()
                .filter(|a| matches!(a.judged, Status::Red | Status::Amber))
                .map(|a| Pull {
                    href: a.href.clone(),
                    title: format!("{}: {}", a.department, a.title),
                    status: a.status,
                    symbol: a.symbol,
                    detail: format!("department objective, score {}", a.score),
                });
            attention.push(Attention {
                id: o.id.clone(),
                title: o.title.clone(),
                owner: o.owner.clone().unwrap_or_default(),
                status: orr.status.as_str(),
                symbol: symbol(orr.status),
                score: pct(orr.score),
                note: status_note(
                    orr.status,
                    orr.score,
                    &judged(m, scores, oi, aligned),
                    !aligned.is_empty(),
                    green,
                    amber,
                ),
                pulls: measures.chain(departments).collect(),
            });
        }
    }
    attention
}

/// A measure or a department objective that pulls a red or amber objective down.
#[derive(Serialize)]
struct Pull {
    href: String,
    title: String,
    status: &'static str,
    symbol: &'static str,
    /// `126 pts against a target of 129 pts (2.66 pts from target)`.
    detail: String,
}

/// A red or amber objective in the summary "what is red and why".
#[derive(Serialize)]
pub(super) struct Attention {
    id: String,
    title: String,
    owner: String,
    status: &'static str,
    symbol: &'static str,
    score: String,
    note: Option<String>,
    pulls: Vec<Pull>,
}
