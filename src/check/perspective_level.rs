//! `perspective-level`: `level` set in two blocks of one perspective, a level that is not
//! a whole number, or a new perspective without one.

use crate::codes::Code;
use crate::diag::Diagnostic;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for p in &cx.model.perspectives {
        let levels = &p.levels_written;
        let Some(&(first, value)) = levels.first() else {
            if let (false, Some(span)) = (p.predeclared, p.span) {
                out.push(
                    Diagnostic::new(Code::PerspectiveLevel, span, format!("perspective `{}` has no `level`", p.id))
                        .label("a new perspective needs a level")
                        .help("add `level N` to one of its blocks; higher is closer to outcomes (learning 1, internal 2, customer 3, financial 4)"),
                );
            }
            continue;
        };
        for &(again, _) in &levels[1..] {
            out.push(
                Diagnostic::new(
                    Code::PerspectiveLevel,
                    again,
                    format!("`level` of perspective `{}` is set twice", p.id),
                )
                .label("set again here")
                .with_label(first, "first set here")
                .help("give `level` in one block of the perspective only"),
            );
        }
        if value.fract() != 0.0 {
            out.push(
                Diagnostic::new(Code::PerspectiveLevel, first, "`level` must be a whole number")
                    .label("not a whole number")
                    .help("levels order the perspectives: learning is 1, internal 2, customer 3, financial 4"),
            );
        }
    }
}
