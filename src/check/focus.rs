//! `focus`: more than 15 objectives in the scorecard.

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::load::file_start;

use super::Context;

/// Kaplan & Norton: 10–15 objectives keep a scorecard focused.
pub const MAX_OBJECTIVES: usize = 15;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let n = cx.model.objectives.len();
    if cx.is_library() || n <= MAX_OBJECTIVES {
        return;
    }
    let whole = cx
        .model
        .scorecard
        .as_ref()
        .and_then(|s| s.span)
        .unwrap_or(file_start(cx.root));
    out.push(
        Diagnostic::new(Code::Focus, whole, format!("the scorecard has {n} objectives"))
            .label(format!("more than {MAX_OBJECTIVES} objectives"))
            .help("a scorecard stays focused with 10 to 15 objectives: merge or drop the least strategic ones"),
    );
}
