//! `date-order`: dates in the wrong order. Time-phased targets whose due dates do not
//! increase (a target without `by` is due at the end of the scorecard's period), an
//! initiative that ends before it starts, a scorecard period that ends before it starts.

use chrono::NaiveDate;

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::span::Span;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    if let Some(((pa, sa), (pb, sb))) = model.scorecard.as_ref().and_then(|s| s.period_written) {
        if pb.end() < pa.start() {
            out.push(
                Diagnostic::new(
                    Code::DateOrder,
                    sb,
                    format!("the period ends ({pb}) before it starts ({pa})"),
                )
                .label("ends here")
                .with_label(sa, "starts here")
                .help("write the period as `START .. END`"),
            );
        }
    }
    let period_end = model
        .scorecard
        .as_ref()
        .and_then(|s| s.period)
        .map(|(_, e)| e.end());
    for m in &model.measures {
        let mut prev: Option<(NaiveDate, Span)> = None;
        for t in &m.props.targets {
            let due =
                t.by.map(|p| p.end())
                    .or(period_end)
                    .unwrap_or(NaiveDate::MAX);
            if let Some((pd, ps)) = prev {
                if due <= pd {
                    out.push(
                        Diagnostic::new(
                            Code::DateOrder,
                            t.span,
                            "time-phased targets must have increasing dates",
                        )
                        .label("due no later than the target before it")
                        .with_label(ps, "the earlier target")
                        .help(
                            "order the targets by their `by` dates, each later than the one before",
                        ),
                    );
                }
            }
            prev = Some((due, t.span));
        }
    }
    for init in &model.initiatives {
        if let (Some(st), Some(en), Some(ss), Some(es)) =
            (init.start, init.end, init.start_span, init.end_span)
        {
            if en.end() < st.start() {
                out.push(
                    Diagnostic::new(
                        Code::DateOrder,
                        es,
                        format!(
                            "initiative `{}` ends ({en}) before it starts ({st})",
                            init.id
                        ),
                    )
                    .label("ends here")
                    .with_label(ss, "starts here")
                    .help("swap `start` and `end`, or correct one of them"),
                );
            }
        }
    }
}
