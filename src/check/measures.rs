//! Checks of measures: `threshold-order`, `no-target`, `stale-data`.

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::model::Model;
use crate::num::fmt_num;
use crate::period::Period;
use crate::syntax::ast::Direction;

pub fn check(model: &Model, as_of: Option<Period>, out: &mut Vec<Diagnostic>) {
    for m in &model.measures {
        let p = &m.props;
        // A template that did not resolve may have had the target.
        if p.targets.is_empty() && !m.template_failed {
            out.push(
                Diagnostic::new(
                    Code::NoTarget,
                    m.id_span,
                    format!("measure `{}` has no target", m.id),
                )
                .label("no `target`")
                .help("add `target N by PERIOD`: without a target the measure cannot be scored"),
            );
        }
        if let (Some(dir), Some(th)) = (p.direction, p.threshold) {
            let wrong = p.targets.iter().find(|t| match dir {
                Direction::Up => th.value > t.value,
                Direction::Down => th.value < t.value,
            });
            if let Some(t) = wrong {
                let (side, more) = match dir {
                    Direction::Up => (
                        "above",
                        "more is better (direction up), so the threshold lies below the target",
                    ),
                    Direction::Down => (
                        "below",
                        "less is better (direction down), so the threshold lies above the target",
                    ),
                };
                out.push(
                    Diagnostic::new(
                        Code::ThresholdOrder,
                        th.span,
                        format!("the threshold of `{}` is {side} its target", m.id),
                    )
                    .label(format!(
                        "threshold {} is {side} the target",
                        fmt_num(th.value)
                    ))
                    .with_label(t.span, format!("target {}", fmt_num(t.value)))
                    .help(format!("the threshold is the amber/red boundary: {more}")),
                );
            }
        }
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
                    .label(format!(
                        "{freq_word} data should reach {due} at the as-of period {as_of}"
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
