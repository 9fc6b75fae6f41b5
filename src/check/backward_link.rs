//! `backward-link`: a link from a higher perspective level to a lower one.

use crate::codes::Code;
use crate::diag::Diagnostic;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let id = |o: usize| model.objectives[o].id.as_str();
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
}
