//! `value-range`: a value outside its range. A band outside 0–100% or `amber` above
//! `green`; an initiative's `progress` outside 0–100%; a negative `weight`.

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::model::Role;
use crate::num::fmt_num;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for w in &model.written {
        let (lo, hi, what, help) = match w.role {
            Role::Band => (
                0.0,
                100.0,
                "a band",
                "bands are percentages from 0% to 100%",
            ),
            Role::Progress => (
                0.0,
                100.0,
                "an initiative's `progress`",
                "progress runs from 0% to 100%",
            ),
            Role::ObjectiveWeight => (
                0.0,
                f64::INFINITY,
                "a `weight`",
                "weights are zero or more: 0 leaves the objective out of its perspective's score",
            ),
            Role::MeasureWeight => (
                0.0,
                f64::INFINITY,
                "a `weight`",
                "weights are zero or more: 0 leaves the measure out of its objective's score",
            ),
            Role::Budget | Role::Spent | Role::MeasureValue(_) | Role::KpiValue(_) => continue,
        };
        if w.value < lo || w.value > hi {
            out.push(
                Diagnostic::new(
                    Code::ValueRange,
                    w.span,
                    format!("{} is out of range for {what}", fmt_num(w.value)),
                )
                .label("out of range")
                .help(help),
            );
        }
    }
    if let Some(sc) = &model.scorecard {
        if let (true, Some(span)) = (sc.amber > sc.green, sc.bands_span) {
            out.push(
                Diagnostic::new(Code::ValueRange, span, "the amber band lies above the green band")
                    .label(format!("amber {}% is above green {}%", fmt_num(sc.amber * 100.0), fmt_num(sc.green * 100.0)))
                    .help("a score is green at or above `green` and amber at or above `amber`, so `amber` must not exceed `green`"),
            );
        }
    }
}
