//! `missing-perspective`: a predeclared perspective has no objective (span: the
//! scorecard declaration, else the start of the file named on the command line).

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::load::file_start;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.is_library() {
        return;
    }
    let whole = cx
        .model
        .scorecard
        .as_ref()
        .and_then(|s| s.span)
        .unwrap_or(file_start(cx.root));
    for p in cx
        .model
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
}
