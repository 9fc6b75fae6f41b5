//! `unaligned-initiative`: an initiative whose `supports` names nothing (one whose ids do
//! not resolve gets `unknown-ref` or `wrong-kind` instead).

use crate::codes::Code;
use crate::diag::Diagnostic;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for i in &cx.model.initiatives {
        if i.supports_written == 0 {
            out.push(
                Diagnostic::new(Code::UnalignedInitiative, i.id_span, format!("initiative `{}` supports nothing", i.id))
                    .label("not aligned with any objective")
                    .help("add `supports OBJECTIVE` naming what it moves, or stop it: automation for its own sake serves no strategy"),
            );
        }
    }
}
