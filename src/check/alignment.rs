//! `alignment` (LANGUAGE.md §9.6), the company's side: while a scorecard cascades to
//! departments, an objective that no department objective serves. An objective is
//! served when a department objective is aligned to it, or to an objective with a path
//! to it on the strategy map (the department's work reaches it through the map). The
//! departments' side (a department objective aligned to nothing) is in `cascade.rs`,
//! since it is reported in the department's files.

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::graph::Graph;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if m.cascades.is_empty() || m.align_failed {
        return;
    }
    // Following links backwards: an objective is served when it can be reached from
    // an aligned one.
    let backwards = Graph::new(m.objectives.len(), m.links.iter().map(|l| (l.to, l.from)));
    let served = backwards.reaching(|o| m.alignments.iter().any(|a| a.objective == o));
    let departments: Vec<&str> = m.cascades.iter().map(|c| c.id.as_str()).collect();
    for (o, objective) in m.objectives.iter().enumerate() {
        if served[o] || m.broken_link_ends.contains(&o) {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::Alignment,
                objective.id_span,
                format!("no department objective serves `{}`", objective.id),
            )
            .label("nothing is aligned to it, or to an objective that leads to it")
            .help(format!(
                "align a department objective to it, e.g. `align {}.OBJECTIVE -> {}`",
                departments[0], objective.id
            )),
        );
    }
}
