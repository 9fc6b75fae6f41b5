//! Numbers for people and for JSON: no float noise, no needless fraction.

use serde::{Serialize, Serializer};

/// A number as JSON: whole numbers without a fraction, others rounded to 9 decimals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = round(self.0);
        if v.fract() == 0.0 && v.abs() < 9e15 {
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }
}

/// Rounds away float noise: 0.30000000000000004 → 0.3; 0.625 stays 0.625.
pub fn round(v: f64) -> f64 {
    if !v.is_finite() || v.abs() >= 1e6 {
        return v;
    }
    let r = (v * 1e9).round() / 1e9;
    if r == 0.0 { 0.0 } else { r }
}

/// A number as a person writes it: no trailing zeros, no float noise.
pub fn fmt_num(v: f64) -> String {
    let r = (v * 1e6).round() / 1e6;
    let s = format!("{r}");
    if s == "-0" { "0".into() } else { s }
}

/// An amount of money as bsc writes numbers: `1.2M`, `120k`, `4.5k`, else in full
/// (`1234.5`), with the scorecard's currency after it when there is one.
pub fn fmt_money(v: f64, currency: Option<&str>) -> String {
    let a = v.abs();
    let short = if a >= 1e6 && ((a / 1e4).round() - a / 1e4).abs() < 1e-9 {
        format!("{}M", fmt_num(v / 1e6))
    } else if a >= 1e3 && ((a / 1e2).round() - a / 1e2).abs() < 1e-9 {
        format!("{}k", fmt_num(v / 1e3))
    } else {
        fmt_num(v)
    };
    match currency {
        Some(c) => format!("{short} {c}"),
        None => short,
    }
}

/// A fraction as a whole percentage for people, rounded down so that a score just
/// under a band (0.8998 of a 90% green band) never reads as the band (it shows 89%).
pub fn percent(v: Option<f64>) -> String {
    v.map_or("–".to_string(), |v| {
        format!("{}%", (round(v) * 100.0 + 1e-9).floor())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_away_float_noise_only() {
        assert_eq!(round(0.1 + 0.2), 0.3);
        assert_eq!(round(0.625), 0.625);
        assert_eq!(round(1.0 / 3.0), 0.333333333);
        assert_eq!(serde_json::to_string(&Num(150_000.0)).unwrap(), "150000");
        assert_eq!(serde_json::to_string(&Num(0.1 + 0.2)).unwrap(), "0.3");
        assert_eq!(fmt_num(8.5), "8.5");
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(percent(Some(0.8998)), "89%");
        assert_eq!(percent(Some(0.9)), "90%");
        assert_eq!(percent(Some(0.625)), "62%");
        assert_eq!(percent(Some(1.0)), "100%");
        assert_eq!(percent(None), "–");
    }
}
