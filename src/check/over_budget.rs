//! `over-budget` (LANGUAGE.md §9.4): an initiative whose `spent` is above its `budget`,
//! or whose spent share of the budget is above its `progress` by more than 25 points.

use crate::codes::Code;
use crate::diag::Diagnostic;

use super::Context;
use super::behind_schedule::SLACK;

fn pct(v: f64) -> String {
    format!("{}%", crate::num::fmt_num((v * 100.0).round()))
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let currency = cx
        .model
        .scorecard
        .as_ref()
        .and_then(|s| s.currency.as_deref());
    let n = |v: f64| crate::num::fmt_money(v, currency);
    for init in &cx.model.initiatives {
        let (Some(budget), Some(spent)) = (init.budget, init.spent) else {
            continue;
        };
        let (message, label) = if spent > budget {
            (
                format!(
                    "initiative `{}` is over budget: spent {} of {}",
                    init.id,
                    n(spent),
                    n(budget)
                ),
                format!("{} over", n(spent - budget)),
            )
        } else {
            let Some(progress) = init.progress else {
                continue;
            };
            if budget <= 0.0 {
                continue;
            }
            let share = spent / budget;
            if share - progress <= SLACK + 1e-9 {
                continue;
            }
            (
                format!(
                    "initiative `{}` is spending ahead of its progress: {} of the budget spent, {} done",
                    init.id,
                    pct(share),
                    pct(progress)
                ),
                format!(
                    "spent {} of {}, progress {}",
                    n(spent),
                    n(budget),
                    pct(progress)
                ),
            )
        };
        out.push(
            Diagnostic::new(Code::OverBudget, init.id_span, message)
                .label(label)
                .help(
                    "update `spent` and `progress` if they are out of date; else decide in the review: more budget, or less scope",
                ),
        );
    }
}
