//! Projection (LANGUAGE.md §9.4): for a measure with at least 3 actuals at or before the
//! as-of period and a selected target it does not meet yet, the least-squares line
//! through its actuals gives the first period in which it would meet the target.
//!
//! x is the index of each actual's period in the measure's frequency (months since year
//! 0 for a monthly measure; without `frequency`, the grain of its latest actual), each
//! actual placed in the period of that grain which holds its last day. The projected
//! period is the first whole period x at which the line meets the target, and never one
//! at or before the latest actual (the line may cross the target earlier while the
//! actuals have not: then the next period is the first that can). A line that is flat or
//! moves away from the target never meets it: "not at this pace".

use serde::Serialize;

use crate::model::{Actual, Measure, Target};
use crate::period::{Frequency, Grain, Period};
use crate::syntax::ast::Direction;

/// Fewest actuals a projection is drawn through.
pub const MIN_ACTUALS: usize = 3;

/// Where a measure is heading.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Projection {
    /// The first period in which the trend line meets the target; `None`: not at this
    /// pace.
    pub period: Option<Period>,
    /// Whether that period ends at or before the target's date (`by`, else the end of
    /// the scorecard's period); `None` when the target has no date.
    pub on_track: Option<bool>,
}

impl Projection {
    /// The projection in words, as the report shows it.
    pub fn text(&self) -> String {
        match (self.period, self.on_track) {
            (None, _) => "not at this pace".to_string(),
            (Some(p), Some(true)) => format!("on track for {p}"),
            (Some(p), Some(false)) => format!("at this pace: {p}, after its target date"),
            (Some(p), None) => format!("at this pace: {p}"),
        }
    }
}

/// The index of `p` among the periods of its grain: consecutive periods have
/// consecutive indexes.
fn index(p: Period) -> i64 {
    let y = i64::from(p.year);
    let n = i64::from(p.n);
    match p.grain {
        Grain::Year => y,
        Grain::Half => y * 2 + n - 1,
        Grain::Quarter => y * 4 + n - 1,
        Grain::Month => y * 12 + n - 1,
        // Days since the common era; weeks counted from their Monday.
        Grain::Week => i64::from(chrono::Datelike::num_days_from_ce(&p.start())).div_euclid(7),
        Grain::Day => i64::from(chrono::Datelike::num_days_from_ce(&p.start())),
    }
}

/// The least-squares line `y = a + b·x` through `points`; `None` when every x is the same.
pub fn least_squares(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    if points.is_empty() {
        return None;
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let b = sxy / sxx;
    Some((my - b * mx, b))
}

/// The projection of measure `m` whose actuals up to the as-of period are `upto`
/// (sorted), toward the selected target `t` in direction `dir`. `None` when there are
/// fewer than 3 actuals or the latest meets the target.
pub fn project(
    m: &Measure,
    upto: &[&Actual],
    dir: Direction,
    t: Target,
    period_end: Option<Period>,
) -> Option<Projection> {
    let latest = upto.last()?;
    if upto.len() < MIN_ACTUALS {
        return None;
    }
    let meets = |v: f64| match dir {
        Direction::Up => v >= t.value,
        Direction::Down => v <= t.value,
    };
    if meets(latest.value) {
        return None;
    }
    let g = m
        .props
        .frequency
        .map(Frequency::grain)
        .unwrap_or(latest.period.grain);
    let at = |a: &Actual| Period::containing(a.period.end(), g);
    let last = at(latest);
    let x0 = index(last);
    // x relative to the latest actual keeps the sums small and exact.
    let points: Vec<(f64, f64)> = upto
        .iter()
        .map(|a| ((index(at(a)) - x0) as f64, a.value))
        .collect();
    let due = t.by.or(period_end);
    let on = |p: Option<Period>| Projection {
        period: p,
        on_track: match (p, due) {
            (Some(p), Some(d)) => Some(p.end() <= d.end()),
            (None, Some(_)) => Some(false),
            (_, None) => None,
        },
    };
    let Some((a, b)) = least_squares(&points) else {
        return Some(on(None));
    };
    // Moving toward the target?
    let toward = match dir {
        Direction::Up => b > 1e-12,
        Direction::Down => b < -1e-12,
    };
    if !toward {
        return Some(on(None));
    }
    // a + b·x = target: the first whole x at or past it, after the latest actual.
    let x = ((t.value - a) / b - 1e-9).ceil().max(1.0);
    if !x.is_finite() || x > 1e6 {
        return Some(on(None));
    }
    Some(on(last.shift(x as i64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_squares_by_hand() {
        // (0, 10), (1, 13), (2, 14): x̄ = 1, ȳ = 37/3, Sxy = 4, Sxx = 2, b = 2,
        // a = 37/3 − 2 = 31/3.
        let (a, b) = least_squares(&[(0.0, 10.0), (1.0, 13.0), (2.0, 14.0)]).unwrap();
        assert!((b - 2.0).abs() < 1e-12);
        assert!((a - 31.0 / 3.0).abs() < 1e-12);
        assert_eq!(least_squares(&[(1.0, 1.0), (1.0, 2.0)]), None);
    }
}
