//! `direction`: a measure whose direction is neither written, inherited, nor inferable
//! from its baseline and first target; or a written direction that contradicts them
//! (scoring then sets that baseline aside). A measure without a direction whose template
//! did not resolve is not judged: its template may have said.

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::num::fmt_num;
use crate::syntax::ast::Direction;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for m in &cx.model.measures {
        let p = &m.props;
        let (baseline, first) = (p.baseline, p.targets.first());
        let Some(dir) = p.direction else {
            if m.template_failed {
                continue;
            }
            let why = match (baseline, first) {
                (Some(_), Some(_)) => "the baseline equals the first target",
                (None, _) => "there is no baseline to compare the target with",
                (_, None) => "there is no target to compare the baseline with",
            };
            out.push(
                Diagnostic::new(
                    Code::Direction,
                    m.id_span,
                    format!("cannot tell whether more or less is better for `{}`", m.id),
                )
                .label(format!("no `direction`, and {why}"))
                .help("add `direction up` (more is better) or `direction down` (less is better)"),
            );
            continue;
        };
        let (Some(b), Some(t), false) = (baseline, first, m.direction_inferred) else {
            continue;
        };
        let (word, side, wrong) = match dir {
            Direction::Up => ("up", "below", t.value < b.value),
            Direction::Down => ("down", "above", t.value > b.value),
        };
        if wrong {
            out.push(
                Diagnostic::new(
                    Code::Direction,
                    t.span,
                    format!(
                        "`{}` has direction {word}, but its target {} is {side} its baseline {}",
                        m.id,
                        fmt_num(t.value),
                        fmt_num(b.value)
                    ),
                )
                .label(format!("{side} the baseline"))
                .with_label(b.span, "the baseline")
                .help("the target is where the measure should go from its baseline: correct the direction, the baseline or the target"),
            );
        }
    }
}
