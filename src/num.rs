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
    let micros = (v * 1e6).round();
    // Below 10^9 the number of millionths is exact, and the shortest text of
    // `micros / 10^6` is its decimal digits: written without the float formatter, which a
    // large report calls a hundred thousand times.
    if micros.abs() < 1e15 {
        let m = micros as i64;
        let (whole, mut frac) = (m.unsigned_abs() / 1_000_000, m.unsigned_abs() % 1_000_000);
        let mut out = String::with_capacity(24);
        if m < 0 {
            out.push('-');
        }
        push_digits(&mut out, whole);
        if frac > 0 {
            out.push('.');
            let mut width = 6;
            while frac % 10 == 0 {
                frac /= 10;
                width -= 1;
            }
            let at = out.len();
            push_digits(&mut out, frac);
            // Leading zeros of the fraction: 0.05 is 5 millionths × 10^4, two places.
            let zeros = width - (out.len() - at);
            out.insert_str(at, &"00000"[..zeros]);
        }
        return out;
    }
    let s = format!("{}", micros / 1e6);
    if s == "-0" { "0".into() } else { s }
}

/// The decimal digits of `n`.
fn push_digits(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| b as char));
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

/// A number for people: [`fmt_num`] with a comma between groups of three digits of its
/// whole part (`214000` → `214,000`, `1234.5` → `1,234.5`).
pub fn grouped(v: f64) -> String {
    let s = fmt_num(v);
    let (sign, rest) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    let (whole, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(w, f)| (w, Some(f)));
    if whole.len() <= 3 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return s;
    }
    let mut out = String::from(sign);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A value with its unit as people read it: currency symbols before the number
/// (`$214,000`), `%` right after it (`45%`), any other unit after a space
/// (`214,000 EUR`, `12 h`).
pub fn with_unit(v: f64, unit: Option<&str>) -> String {
    match unit.map(str::trim) {
        Some("%") => format!("{}%", grouped(v)),
        Some(u @ ("$" | "€" | "£" | "¥")) => {
            if v < 0.0 {
                format!("-{u}{}", grouped(-v))
            } else {
                format!("{u}{}", grouped(v))
            }
        }
        Some(u) if !u.is_empty() => format!("{} {u}", grouped(v)),
        _ => grouped(v),
    }
}

/// A compact figure where space is short: `214k`, `1.2M`, `3.5B` (at most one decimal).
pub fn compact(v: f64) -> String {
    let a = v.abs();
    let (d, suffix) = if a >= 1e9 {
        (1e9, "B")
    } else if a >= 1e6 {
        (1e6, "M")
    } else if a >= 1e3 {
        (1e3, "k")
    } else {
        return grouped(v);
    };
    let x = v / d;
    let x = if x.abs() >= 100.0 {
        x.round()
    } else {
        (x * 10.0).round() / 10.0
    };
    format!("{}{suffix}", fmt_num(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmt_num_writes_what_the_float_formatter_writes() {
        // The shortcut for numbers below 10^9 against the formatter it replaces.
        let slow = |v: f64| {
            let s = format!("{}", (v * 1e6).round() / 1e6);
            if s == "-0" { "0".to_string() } else { s }
        };
        let mut v = -1234.5678_f64;
        let mut seen = 0;
        for k in 0..20_000 {
            for x in [
                v,
                v / 1e3,
                v * 1e5,
                -v / 7.0,
                0.1 + 0.2,
                1e9 - 0.5,
                123_456.000_000_4,
            ] {
                assert_eq!(fmt_num(x), slow(x), "{x:?}");
                seen += 1;
            }
            v += 0.123_456_7 * (k % 13) as f64 - 0.7;
        }
        assert_eq!(seen, 140_000);
        for x in [
            -0.0,
            0.0,
            -0.000_000_4,
            999_999_999.999_999,
            1e15,
            -3e20,
            0.000_001,
            0.05,
            1.000_5,
            -0.0102,
        ] {
            assert_eq!(fmt_num(x), slow(x), "{x:?}");
        }
    }

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

    #[test]
    fn numbers_for_people() {
        assert_eq!(grouped(214_000.0), "214,000");
        assert_eq!(grouped(1_234.5), "1,234.5");
        assert_eq!(grouped(-1_234_567.0), "-1,234,567");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(0.25), "0.25");
        assert_eq!(with_unit(214_000.0, Some("EUR")), "214,000 EUR");
        assert_eq!(with_unit(214_000.0, Some("$")), "$214,000");
        assert_eq!(with_unit(-5.0, Some("$")), "-$5");
        assert_eq!(with_unit(45.5, Some("%")), "45.5%");
        assert_eq!(with_unit(12.0, None), "12");
        assert_eq!(compact(214_000.0), "214k");
        assert_eq!(compact(4_500.0), "4.5k");
        assert_eq!(compact(1_250_000.0), "1.3M");
        assert_eq!(compact(950.0), "950");
    }
}
