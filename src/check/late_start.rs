//! `late-start` (LANGUAGE.md §9.4): a `planned` initiative whose `start` is before the
//! as-of period (by last day).

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::syntax::ast::InitiativeStatus;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(as_of) = cx.as_of else { return };
    for init in &cx.model.initiatives {
        if init.status != Some(InitiativeStatus::Planned) {
            continue;
        }
        let (Some(start), Some(start_span)) = (init.start, init.start_span) else {
            continue;
        };
        if start.end() >= as_of.end() {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::LateStart,
                init.id_span,
                format!(
                    "initiative `{}` was to start in {start} and is still planned at {as_of}",
                    init.id
                ),
            )
            .label("still `status planned`")
            .with_label(start_span, "the start date that has passed")
            .help("set `status active` if it has started; else move `start` and say why in the review"),
        );
    }
}
