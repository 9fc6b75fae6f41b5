//! Checks of the scorecard's shape: `unmeasured`, `no-owner`, `missing-perspective`,
//! `focus`, `unaligned-initiative`.

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::load::file_start;
use crate::model::Model;
use crate::span::FileId;

/// Kaplan & Norton: 10–15 objectives keep a scorecard focused.
pub const MAX_OBJECTIVES: usize = 15;

pub fn check(model: &Model, root: FileId, out: &mut Vec<Diagnostic>) {
    for o in &model.objectives {
        if o.measures_written == 0 {
            out.push(
                Diagnostic::new(
                    Code::Unmeasured,
                    o.id_span,
                    format!("objective `{}` has no measure", o.id),
                )
                .label("nothing says whether it is achieved")
                .help("add a `measure` with a baseline and a target"),
            );
        }
        if o.owner.is_none() {
            out.push(
                Diagnostic::new(
                    Code::NoOwner,
                    o.id_span,
                    format!("objective `{}` has no owner", o.id),
                )
                .label("nobody is accountable")
                .help("add `owner \"…\"` naming the person or role accountable for it"),
            );
        }
    }
    let whole = model
        .scorecard
        .as_ref()
        .and_then(|s| s.span)
        .unwrap_or(file_start(root));
    // A library of kpi templates (no scorecard, no objective) is not a scorecard.
    if model.scorecard.is_none() && model.objectives.is_empty() {
        return check_initiatives(model, out);
    }
    for p in model
        .perspectives
        .iter()
        .filter(|p| p.predeclared && p.objectives.is_empty())
    {
        out.push(
            Diagnostic::new(Code::MissingPerspective, whole, format!("the `{}` perspective has no objective", p.id))
                .label(format!("no objective in {}", p.title))
                .help(format!("a balanced scorecard covers all four perspectives: add an objective to `perspective {}`", p.id)),
        );
    }
    let n = model.objectives.len();
    if n > MAX_OBJECTIVES {
        out.push(
            Diagnostic::new(Code::Focus, whole, format!("the scorecard has {n} objectives"))
                .label(format!("more than {MAX_OBJECTIVES} objectives"))
                .help("a scorecard stays focused with 10 to 15 objectives: merge or drop the least strategic ones"),
        );
    }
    check_initiatives(model, out);
}

fn check_initiatives(model: &Model, out: &mut Vec<Diagnostic>) {
    for i in &model.initiatives {
        if i.supports_written == 0 {
            out.push(
                Diagnostic::new(Code::UnalignedInitiative, i.id_span, format!("initiative `{}` supports nothing", i.id))
                    .label("not aligned with any objective")
                    .help("add `supports OBJECTIVE` naming what it moves, or stop it: automation for its own sake serves no strategy"),
            );
        }
    }
}
