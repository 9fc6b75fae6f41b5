//! `cycle`: the strategy map has a circular cause-and-effect chain. One diagnostic per
//! strongly connected component, showing the shortest circle through its first-declared
//! objective, every edge labelled.

use crate::codes::Code;
use crate::diag::Diagnostic;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let (model, graph) = (cx.model, &cx.graph);
    let id = |o: usize| model.objectives[o].id.as_str();
    for cycle in graph.cycles() {
        // `cycle` holds link indices, in order around the circle.
        let mut names: Vec<&str> = cycle.iter().map(|&l| id(model.links[l].from)).collect();
        names.push(id(model.links[cycle[0]].from));
        let first = &model.links[cycle[0]];
        let mut d = Diagnostic::new(
            Code::Cycle,
            first.span,
            format!("circular cause-and-effect chain: {}", names.join(" -> ")),
        )
        .label(format!("{} drives {}", id(first.from), id(first.to)))
        .help("remove one of these links, or split the objective");
        for &l in &cycle[1..] {
            let link = &model.links[l];
            d = d.with_label(
                link.span,
                format!("{} drives {}", id(link.from), id(link.to)),
            );
        }
        out.push(d);
    }
}
