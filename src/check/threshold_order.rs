//! `threshold-order`: the threshold is on the wrong side of a target for the direction
//! (every target of a time-phased series is compared; equal is allowed: no amber zone).

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::num::fmt_num;
use crate::syntax::ast::Direction;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for m in &cx.model.measures {
        let p = &m.props;
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
    }
}
