//! `unit-mismatch`: a `%` value where none is valid. On a measure, in its baseline,
//! targets, threshold or actuals, when its unit (its own or its template's) is not "%"
//! (not judged when its template did not resolve); on a kpi template by its own unit;
//! never on a `weight` or a `budget`.

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::model::Role;

use super::Context;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for w in model.written.iter().filter(|w| w.percent) {
        let (kind, id, unit) = match w.role {
            Role::MeasureValue(i) => {
                let m = &model.measures[i];
                if m.template_failed {
                    continue;
                }
                ("measure", &m.id, m.props.unit.as_deref())
            }
            Role::KpiValue(i) => {
                let k = &model.kpis[i];
                ("kpi", &k.id, k.props.unit.as_deref())
            }
            Role::ObjectiveWeight | Role::MeasureWeight | Role::Budget | Role::Spent => {
                let what = match w.role {
                    Role::ObjectiveWeight => "an objective's `weight`",
                    Role::MeasureWeight => "a measure's `weight`",
                    Role::Spent => "an initiative's `spent`",
                    _ => "a `budget`",
                };
                out.push(
                    Diagnostic::new(Code::UnitMismatch, w.span, format!("a `%` value is not valid for {what}"))
                        .label("remove the `%`")
                        .help("`%` is valid on a measure whose unit is \"%\", in `bands` and in an initiative's `progress`"),
                );
                continue;
            }
            Role::Band | Role::Progress => continue,
        };
        if unit == Some("%") {
            continue;
        }
        let has = unit.map_or("no unit".to_string(), |u| format!("unit \"{u}\""));
        let help = if unit.is_none() {
            format!("add `unit \"%\"` to the {kind}, or drop the `%`")
        } else {
            "drop the `%`, or change the unit to \"%\"".to_string()
        };
        out.push(
            Diagnostic::new(
                Code::UnitMismatch,
                w.span,
                format!("a `%` value on {kind} `{id}`, which has {has}"),
            )
            .label("a percentage")
            .help(help),
        );
    }
}
