//! `unexplained-red` (LANGUAGE.md §9.4): a measure that is red at the as-of period has
//! no `note` whose period is at or after its actual's period and at or before the as-of
//! period (periods compared by their last day).

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::score::Status;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(as_of) = cx.as_of else {
        return; // no actual anywhere: nothing is red
    };
    for m in &cx.model.measures {
        // The status alone first (this runs at every keystroke in the editor); the
        // whole score, for its words, only of a red measure.
        if crate::score::status_at(cx.model, m, as_of) != Status::Red {
            continue;
        }
        let s = crate::score::measure(cx.model, m, Some(as_of));
        let Some((period, _)) = s.actual else {
            continue;
        };
        let explained = m
            .props
            .notes
            .iter()
            .any(|n| period.ends_by(&n.period) && n.period.ends_by(&as_of));
        if explained {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::UnexplainedRed,
            m.id_span,
            format!("`{}` is red at {as_of} and no note says why", m.id),
        )
        .label(s.trace.status.replace("status: ", ""));
        // A note that is too old to count: say so, it is the likely cause.
        if let Some(old) = m
            .props
            .notes
            .iter()
            .rev()
            .find(|n| n.period.end() < period.end())
        {
            d = d.with_label(
                old.span,
                format!(
                    "this note is for {}, before the actual of {period}",
                    old.period
                ),
            );
        }
        out.push(d.help(format!(
            "add `note {as_of} \"…\"` to `{}` saying why it is red and what is being done",
            m.id
        )));
    }
}
