//! `duplicate-period`: two actuals for one period, or for two periods that end on the same
//! day (`2025-Q2` and `2025-06`: "the latest actual" would be ambiguous). Inline and file
//! actuals are merged first.

use crate::codes::Code;
use crate::diag::Diagnostic;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for m in &cx.model.measures {
        for (first, again) in &m.duplicate_actuals {
            let msg = if first.period == again.period {
                format!("two actuals for `{}` in measure `{}`", first.period, m.id)
            } else {
                format!(
                    "`{}` and `{}` both end on {} in measure `{}`",
                    first.period,
                    again.period,
                    first.period.end(),
                    m.id
                )
            };
            out.push(
                Diagnostic::new(Code::DuplicatePeriod, again.span, msg)
                    .label("given again here")
                    .with_label(first.span, "first given here")
                    .help("keep one value per period")
                    .scope(m.id_span),
            );
        }
    }
}
