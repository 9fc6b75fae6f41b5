//! The summary that answers "what is red and why" first.

use serde::Serialize;

use super::tables::status_note;
use super::{gap_text, pct, symbol};
use crate::model::Model;
use crate::num::with_unit;
use crate::score::{Scores, Status};

/// What is red and why, then what is amber: objectives in map order (top band first),
/// each with the measures that pull it down and their gap to target.
pub(super) fn attention(
    m: &Model,
    scores: &Scores,
    top_down: &[usize],
    green: f64,
    amber: f64,
) -> Vec<Attention> {
    let mut attention = Vec::new();
    for want in [Status::Red, Status::Amber] {
        for &p in top_down {
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
    attention
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
