//! `no-target`: a measure with no target (its own or its template's).

use crate::codes::Code;
use crate::diag::Diagnostic;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for m in &cx.model.measures {
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
    }
}
