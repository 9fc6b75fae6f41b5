//! `suspicious-value`: the typo guard. An actual more than ten times, or less than a
//! tenth of, the median of its measure's other actuals (at least 4, all of one sign).

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::num::fmt_num;

/// How far from the usual value an actual may lie: ten times, or a tenth.
const FACTOR: f64 = 10.0;
/// The fewest actuals for a usual value to mean something.
const MIN_ACTUALS: usize = 4;

pub fn check(cx: &super::Context, out: &mut Vec<Diagnostic>) {
    for m in &cx.model.measures {
        let actuals = &m.props.actuals;
        if actuals.len() < MIN_ACTUALS {
            continue;
        }
        let positive = actuals.iter().all(|a| a.value > 0.0);
        let negative = actuals.iter().all(|a| a.value < 0.0);
        if !positive && !negative {
            continue;
        }
        let magnitudes: Vec<f64> = actuals.iter().map(|a| a.value.abs()).collect();
        for (i, a) in actuals.iter().enumerate() {
            let others: Vec<f64> = magnitudes
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, &v)| v)
                .collect();
            let usual = median(others);
            let v = magnitudes[i];
            let words = if v > usual * FACTOR {
                "more than ten times"
            } else if v * FACTOR < usual {
                "less than a tenth of"
            } else {
                continue;
            };
            let usual_signed = if negative { -usual } else { usual };
            out.push(
                Diagnostic::new(
                    Code::SuspiciousValue,
                    a.span,
                    format!(
                        "the actual {} of `{}` for {} is {words} its usual value",
                        fmt_num(a.value),
                        m.id,
                        a.period
                    ),
                )
                .label(format!(
                    "the median of its other {} actuals is {}",
                    actuals.len() - 1,
                    fmt_num(usual_signed)
                ))
                .help("check it for a typo (a digit or a scale suffix too many or too few); if it is right, say so with `@allow(suspicious-value)` before the measure")
                .scope(m.id_span),
            );
        }
    }
}

/// The median of values (not empty).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
    }
}
