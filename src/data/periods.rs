//! Periods as data sources write them: bsc periods (`2025-07`), month names as
//! accounting exports write them (`Jan 2025`, `January 2025`, `Jan-25`), and dates.

use chrono::NaiveDate;

use crate::period::{Grain, Period};

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `Jan 2025`, `January 2025`, `Jan-25`, `jan.2025` → the month; `None` otherwise.
pub fn month_name_period(text: &str) -> Option<Period> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_alphabetic())?;
    let (name, rest) = t.split_at(split);
    let name = name.to_ascii_lowercase();
    let month = MONTHS.iter().position(|m| {
        name.len() >= 3 && (*m == name || (name.len() == 3 && m.starts_with(&name)))
    })?;
    let year_text = rest.trim_start_matches([' ', '-', '.', '/', '\'']);
    if year_text.is_empty() || !year_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = match year_text.len() {
        2 => 2000 + year_text.parse::<i32>().ok()?,
        4 => year_text.parse().ok()?,
        _ => return None,
    };
    Some(Period {
        grain: Grain::Month,
        year,
        n: month as u32 + 1,
        day: 1,
    })
}

/// A period written as text: a bsc period, a month name, or an ISO date (read as the
/// period of `grain` that holds it).
pub fn period_cell(text: &str, grain: Grain) -> Option<Period> {
    let t = text.trim();
    if let Ok(p) = Period::parse(t) {
        return Some(p);
    }
    if let Some(p) = month_name_period(t) {
        return Some(p);
    }
    iso_date(t).map(|d| Period::containing(d, grain))
}

/// `2025-07-31` or `2025-07-31T00:00:00` → the date.
pub fn iso_date(text: &str) -> Option<NaiveDate> {
    let day = text.split(['T', ' ']).next()?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_names_as_exports_write_them() {
        let m = |s| month_name_period(s).map(|p| p.to_string());
        assert_eq!(m("Jan 2025").as_deref(), Some("2025-01"));
        assert_eq!(m("January 2025").as_deref(), Some("2025-01"));
        assert_eq!(m("Jan-25").as_deref(), Some("2025-01"));
        assert_eq!(m("sep.2024").as_deref(), Some("2024-09"));
        assert_eq!(m("Sept 2024"), None);
        assert_eq!(m("Total"), None);
        assert_eq!(m("YTD 2025"), None);
        assert_eq!(m("May"), None);
        assert_eq!(m("Jan 202"), None);
    }

    #[test]
    fn cells_as_periods() {
        let p = |s| period_cell(s, Grain::Quarter).map(|p| p.to_string());
        assert_eq!(p("2025-07").as_deref(), Some("2025-07"));
        assert_eq!(p("2025-Q3").as_deref(), Some("2025-Q3"));
        assert_eq!(p("2025-08-14").as_deref(), Some("2025-08-14"));
        assert_eq!(p("2025-08-14T00:00:00").as_deref(), Some("2025-Q3"));
        assert_eq!(p("Feb 2025").as_deref(), Some("2025-02"));
        assert_eq!(p("Total"), None);
    }
}
