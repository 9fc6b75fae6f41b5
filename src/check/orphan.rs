//! `orphan`: an objective with no link in or out.

use crate::codes::Code;
use crate::diag::Diagnostic;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (o, obj) in cx.model.objectives.iter().enumerate() {
        // Its links may have been to an id that did not resolve.
        if cx.model.broken_link_ends.contains(&o) {
            continue;
        }
        if !cx.graph.has_in(o) && !cx.graph.has_out(o) {
            out.push(
                Diagnostic::new(
                    Code::Orphan,
                    obj.id_span,
                    format!("objective `{}` has no link in or out", obj.id),
                )
                .label("not on the strategy map")
                .help(format!(
                    "add it to a `map` block, e.g. `{} -> …`, or remove it if no strategy needs it",
                    obj.id
                )),
            );
        }
    }
}
