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
        let mut sorted: Vec<f64> = actuals.iter().map(|a| a.value.abs()).collect();
        sorted.sort_by(f64::total_cmp);
        for a in actuals {
            let v = a.value.abs();
            let usual = median_without(&sorted, v);
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

/// The median of the sorted values `sorted` with one value equal to `v` left out (the
/// others of an actual), without a copy: in the remaining values, the k-th is `sorted[k]`
/// before the left-out place and `sorted[k + 1]` from it on.
fn median_without(sorted: &[f64], v: f64) -> f64 {
    let out = sorted.partition_point(|&x| x.total_cmp(&v).is_lt());
    let at = |k: usize| if k < out { sorted[k] } else { sorted[k + 1] };
    let n = sorted.len() - 1;
    if n % 2 == 1 {
        at(n / 2)
    } else {
        (at(n / 2 - 1) + at(n / 2)) / 2.0
    }
}

/// The median of values (not empty).
#[cfg(test)]
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

    #[test]
    fn the_median_of_the_others_is_the_median_without_the_value() {
        // Against leaving the value out by hand, on series with repeats, of odd and even
        // lengths.
        let mut seed = 7u64;
        for len in 2..14 {
            for _ in 0..200 {
                let v: Vec<f64> = (0..len)
                    .map(|_| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        ((seed >> 33) % 9) as f64
                    })
                    .collect();
                let mut sorted = v.clone();
                sorted.sort_by(f64::total_cmp);
                for i in 0..len {
                    let others: Vec<f64> = (0..len).filter(|&j| j != i).map(|j| v[j]).collect();
                    assert_eq!(
                        median_without(&sorted, v[i]),
                        median(others),
                        "{v:?} without {i}"
                    );
                }
            }
        }
    }
}
