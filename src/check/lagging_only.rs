//! `lagging-only`: a root of the strategy map (it drives others, nothing drives it) whose
//! measures are all lagging: the chain starts without an early signal.

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::syntax::ast::Indicator;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let (model, graph) = (cx.model, &cx.graph);
    for (o, obj) in model.objectives.iter().enumerate() {
        // An arrow into it may have named an id that did not resolve.
        if model.broken_link_ends.contains(&o) {
            continue;
        }
        if graph.has_in(o) || !graph.has_out(o) || obj.measures.is_empty() {
            continue;
        }
        let all_lagging = obj
            .measures
            .iter()
            .all(|&m| model.measures[m].props.indicator == Some(Indicator::Lagging));
        if all_lagging {
            out.push(
                Diagnostic::new(Code::LaggingOnly, obj.id_span, format!("the chain starting at `{}` has no early signal", obj.id))
                    .label("a root of the map whose measures are all lagging")
                    .help("add a leading measure (an input you can steer, such as training hours) to this objective"),
            );
        }
    }
}
