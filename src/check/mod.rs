//! The checks of LANGUAGE.md §6 that run on the resolved model. Resolution already
//! reported what does not resolve (`duplicate-id`, `unknown-ref`, `wrong-kind`, …);
//! these look at the model as a whole. One file per family.

mod map;
mod measures;
mod structure;
mod values;

use crate::diag::Diagnostic;
use crate::model::Model;
use crate::period::Period;
use crate::span::FileId;

/// Runs every check. `root` is the file named on the command line (for diagnostics
/// about the scorecard as a whole when it declares no `scorecard`); `as_of` is the
/// compilation's as-of period, decided once.
pub fn check(model: &Model, root: FileId, as_of: Option<Period>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    map::check(model, &mut out);
    measures::check(model, as_of, &mut out);
    structure::check(model, root, &mut out);
    values::check(model, &mut out);
    out
}
