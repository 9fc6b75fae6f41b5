//! `no-owner`: an objective with no owner.

use crate::codes::Code;
use crate::diag::Diagnostic;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for o in &cx.model.objectives {
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
}
