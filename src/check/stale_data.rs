//! `stale-data`: a measure's latest actual at or before the as-of period ends before the
//! as-of period's last day minus one step of its frequency, in calendar arithmetic.

use crate::codes::Code;
use crate::diag::Diagnostic;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let as_of = cx.as_of;
    for m in &cx.model.measures {
        let p = &m.props;
        if let (Some(freq), Some(as_of)) = (p.frequency, as_of) {
            let Some(latest) = p
                .actuals
                .iter()
                .rev()
                .find(|a| a.period.end() <= as_of.end())
            else {
                continue;
            };
            let due = freq.step_back(as_of.end());
            if latest.period.end() < due {
                let freq_word = serde_json::to_value(freq)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                out.push(
                    Diagnostic::new(
                        Code::StaleData,
                        m.id_span,
                        format!(
                            "the data of `{}` is stale: the latest actual is for {}",
                            m.id, latest.period
                        ),
                    )
                    // The period of its frequency that the day falls in: what the
                    // author writes an actual for.
                    .label(format!(
                        "{freq_word} data should reach {} at the as-of period {as_of}",
                        crate::period::Period::containing(due, freq.grain())
                    ))
                    .with_label(latest.span, "the latest actual")
                    .help(format!(
                        "add the actuals after {}, or correct `frequency`",
                        latest.period
                    )),
                );
            }
        }
    }
}
