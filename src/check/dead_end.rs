//! `dead-end`: an objective below the top level with no path to any top-level
//! objective. Not reported for an `orphan` (no link at all), nor for an objective that
//! reaches one whose links are incomplete (an arrow to an id that did not resolve).

use crate::codes::Code;
use crate::diag::Diagnostic;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let (model, graph) = (cx.model, &cx.graph);
    let Some(top) = model
        .objectives
        .iter()
        .map(|o| model.perspectives[o.perspective].level)
        .max()
    else {
        return;
    };
    let reaches_top = graph.reaching(|o| model.level_of(o) == top);
    let broken = &model.broken_link_ends;
    let reaches_broken = graph.reaching(|o| broken.contains(&o));
    let mut top_names: Vec<String> = model
        .perspectives
        .iter()
        .filter(|p| p.level == top && !p.objectives.is_empty())
        .map(|p| format!("`{}`", p.id))
        .collect();
    top_names.dedup();
    for (o, obj) in model.objectives.iter().enumerate() {
        let linked = graph.has_in(o) || graph.has_out(o);
        let skip = broken.contains(&o) || reaches_broken[o];
        if !linked || model.level_of(o) == top || reaches_top[o] || skip {
            continue;
        }
        out.push(
            Diagnostic::new(Code::DeadEnd, obj.id_span, format!("objective `{}` leads to no top-level objective", obj.id))
                .label(format!("no path from here to an objective in {}", top_names.join(" or ")))
                .help("link it, directly or through other objectives, to an objective at the top of the map"),
        );
    }
}
