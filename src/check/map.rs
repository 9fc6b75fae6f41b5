//! Checks of the strategy map: `cycle`, `orphan`, `backward-link`, `dead-end`,
//! `lagging-only`. Every graph walk is iterative: a 100,000-link chain is fine.

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::graph::Graph;
use crate::model::Model;
use crate::syntax::ast::Indicator;

pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let n = model.objectives.len();
    let graph = Graph::new(n, model.links.iter().map(|l| (l.from, l.to)));
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

    for link in &model.links {
        let (lf, lt) = (model.level_of(link.from), model.level_of(link.to));
        if lf > lt {
            let pf = &model.perspectives[model.objectives[link.from].perspective];
            let pt = &model.perspectives[model.objectives[link.to].perspective];
            out.push(
                Diagnostic::new(Code::BackwardLink, link.span, format!("backward link: `{}` ({}) drives `{}` ({})", id(link.from), pf.id, id(link.to), pt.id))
                    .label(format!("from level {lf} down to level {lt}"))
                    .help("causality flows upward, from learning to financial: reverse the link if the outcome is really the driver"),
            );
        }
    }

    let top = model
        .objectives
        .iter()
        .map(|o| model.perspectives[o.perspective].level)
        .max();
    let reaches_top = match top {
        Some(top) => graph.reaching(|o| model.level_of(o) == top),
        None => vec![false; n],
    };
    let top_names: Vec<String> = {
        let mut v: Vec<String> = model
            .perspectives
            .iter()
            .filter(|p| Some(p.level) == top && !p.objectives.is_empty())
            .map(|p| format!("`{}`", p.id))
            .collect();
        v.dedup();
        v
    };
    // Objectives whose links are incomplete (an arrow to an id that did not resolve),
    // and those that reach one: the map's shape around them is unknown.
    let broken = &model.broken_link_ends;
    let reaches_broken = graph.reaching(|o| broken.contains(&o));
    for (o, obj) in model.objectives.iter().enumerate() {
        if broken.contains(&o) {
            continue;
        }
        let linked = graph.has_in(o) || graph.has_out(o);
        if !linked {
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
            continue;
        }
        if Some(model.level_of(o)) != top && !reaches_top[o] && !reaches_broken[o] {
            out.push(
                Diagnostic::new(Code::DeadEnd, obj.id_span, format!("objective `{}` leads to no top-level objective", obj.id))
                    .label(format!("no path from here to an objective in {}", top_names.join(" or ")))
                    .help("link it, directly or through other objectives, to an objective at the top of the map"),
            );
        }
        if !graph.has_in(o) && graph.has_out(o) && !obj.measures.is_empty() {
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
}
