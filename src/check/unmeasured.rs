//! `unmeasured`: an objective with no measure.

use crate::codes::Code;
use crate::diag::Diagnostic;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (i, o) in cx.model.objectives.iter().enumerate() {
        // An objective scored by aligned department objectives is measured by them.
        let aligned = cx.model.alignments.iter().any(|a| a.objective == i);
        if o.measures_written == 0 && !aligned {
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
    }
}
