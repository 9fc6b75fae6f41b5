//! `behind-schedule` (LANGUAGE.md §9.4): an `active` initiative whose `progress` trails
//! the elapsed share of start → end by more than 25 points. The elapsed share counts
//! days: from the first day of `start` to the last day of the as-of period, over the
//! first day of `start` to the last day of `end`, both inclusive, clamped to [0, 1]. An
//! initiative without `progress`, `start` or `end` is not judged.

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::model::Initiative;
use crate::period::Period;
use crate::syntax::ast::InitiativeStatus;

use super::Context;

/// How many points progress may trail the time elapsed.
pub const SLACK: f64 = 0.25;

/// The share of `init`'s start → end elapsed at the end of `as_of`, in [0, 1].
pub fn elapsed(init: &Initiative, as_of: Period) -> Option<f64> {
    let (start, end) = (init.start?.start(), init.end?.end());
    let total = (end - start).num_days() + 1;
    if total <= 0 {
        return None; // `date-order` reports it
    }
    let done = (as_of.end() - start).num_days() + 1;
    Some((done as f64 / total as f64).clamp(0.0, 1.0))
}

fn pct(v: f64) -> String {
    format!("{}%", crate::num::fmt_num((v * 100.0).round()))
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(as_of) = cx.as_of else { return };
    for init in &cx.model.initiatives {
        if init.status != Some(InitiativeStatus::Active) {
            continue;
        }
        let (Some(progress), Some(share)) = (init.progress, elapsed(init, as_of)) else {
            continue;
        };
        if share - progress <= SLACK + 1e-9 {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::BehindSchedule,
                init.id_span,
                format!(
                    "initiative `{}` is behind schedule: {} done with {} of its time gone",
                    init.id,
                    pct(progress),
                    pct(share)
                ),
            )
            .label(format!(
                "{} of {} → {} elapsed at {as_of}, progress {}",
                pct(share),
                init.start.map_or(String::new(), |p| p.to_string()),
                init.end.map_or(String::new(), |p| p.to_string()),
                pct(progress)
            ))
            .help(
                "update `progress` if it is out of date; else decide in the review: more resources, a later `end`, or less scope",
            ),
        );
    }
}
