//! `overdue-initiative` (LANGUAGE.md §9.4): an initiative that is not `done` and whose
//! `end` is before the as-of period (by last day: `end 2025-06-15` is overdue at as-of
//! 2025-06).

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::syntax::ast::InitiativeStatus;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(as_of) = cx.as_of else { return };
    for init in &cx.model.initiatives {
        if init.status == Some(InitiativeStatus::Done) {
            continue;
        }
        let (Some(end), Some(end_span)) = (init.end, init.end_span) else {
            continue;
        };
        if end.end() >= as_of.end() {
            continue;
        }
        let status = init.status.map_or("no status".to_string(), |s| {
            format!("status {}", status_word(s))
        });
        out.push(
            Diagnostic::new(
                Code::OverdueInitiative,
                init.id_span,
                format!(
                    "initiative `{}` should have ended by {end} and is not done ({status})",
                    init.id
                ),
            )
            .label(format!("overdue at the as-of period {as_of}"))
            .with_label(end_span, "the end date that has passed")
            .help(
                "set `status done` if it is finished; else agree a new `end` and say why in the review",
            ),
        );
    }
}

/// The status as written.
pub(super) fn status_word(s: InitiativeStatus) -> &'static str {
    match s {
        InitiativeStatus::Planned => "planned",
        InitiativeStatus::Active => "active",
        InitiativeStatus::Done => "done",
        InitiativeStatus::Stalled => "stalled",
    }
}
