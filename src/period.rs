//! Calendar periods (`2025`, `2025-H1`, `2025-Q3`, `2025-07`, `2025-W14`, `2025-07-31`)
//! and the date arithmetic scoring and `stale-data` need.
//!
//! Periods of different lengths compare by their last day (LANGUAGE.md §5).

use std::cmp::Ordering;
use std::fmt;

use chrono::{Datelike, Months, NaiveDate, Weekday};

/// How long a period is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Grain {
    Day,
    Week,
    Month,
    Quarter,
    Half,
    Year,
}

/// A valid calendar period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub grain: Grain,
    pub year: i32,
    /// Half 1–2, quarter 1–4, month 1–12, ISO week 1–53; the month for a day.
    pub n: u32,
    /// The day of the month (days only).
    pub day: u32,
}

/// Why a period literal names no calendar period: the byte range of the bad part
/// within the literal, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodError {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub help: String,
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 9 {
        return None;
    }
    s.parse().ok()
}

/// Number of ISO weeks in a year (52 or 53).
pub fn iso_weeks_in_year(year: i32) -> u32 {
    if NaiveDate::from_isoywd_opt(year, 53, Weekday::Mon).is_some() {
        53
    } else {
        52
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Period {
    /// Parses a period literal that already has the grammar's shape.
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let err = |start: usize, end: usize, message: String, help: &str| PeriodError {
            start,
            end,
            message,
            help: help.to_string(),
        };
        let shape = || {
            err(
                0,
                text.len(),
                format!("`{text}` is not a period"),
                "periods look like 2025, 2025-H1, 2025-Q3, 2025-07, 2025-W14 or 2025-07-31",
            )
        };
        let year = text.get(..4).and_then(num).ok_or_else(shape)? as i32;
        let year_ok = (1..=9999).contains(&year);
        if !year_ok {
            return Err(err(
                0,
                4,
                format!("year {year} is out of range"),
                "years run from 0001 to 9999",
            ));
        }
        let Some(rest) = text.get(4..).filter(|r| !r.is_empty()) else {
            return Ok(Period {
                grain: Grain::Year,
                year,
                n: 1,
                day: 1,
            });
        };
        let rest = rest.strip_prefix('-').ok_or_else(shape)?;
        let part = |g: Grain, n: u32| {
            Ok(Period {
                grain: g,
                year,
                n,
                day: 1,
            })
        };
        let tail = &rest[1.min(rest.len())..];
        match rest.as_bytes().first() {
            Some(b'H') => match num(tail) {
                Some(n @ 1..=2) => part(Grain::Half, n),
                _ => Err(err(
                    5,
                    text.len(),
                    format!("half `{rest}` does not exist"),
                    "a year has two halves: H1 and H2",
                )),
            },
            Some(b'Q') => match num(tail) {
                Some(n @ 1..=4) => part(Grain::Quarter, n),
                _ => Err(err(
                    5,
                    text.len(),
                    format!("quarter `{rest}` does not exist"),
                    "quarters run from Q1 to Q4",
                )),
            },
            Some(b'W') => {
                let weeks = iso_weeks_in_year(year);
                match num(tail) {
                    Some(n) if (1..=weeks).contains(&n) && tail.len() == 2 => part(Grain::Week, n),
                    _ => Err(err(
                        5,
                        text.len(),
                        format!("week `{rest}` does not exist: {year} has {weeks} ISO weeks"),
                        &format!("weeks of {year} run from W01 to W{weeks}"),
                    )),
                }
            }
            _ => {
                let (m, d) = match rest.split_once('-') {
                    Some((m, d)) => (m, Some(d)),
                    None => (rest, None),
                };
                let month = match num(m) {
                    Some(n @ 1..=12) if m.len() == 2 => n,
                    _ => {
                        return Err(err(
                            5,
                            5 + m.len(),
                            format!("month `{m}` does not exist"),
                            "months run from 01 to 12",
                        ));
                    }
                };
                let Some(d) = d else {
                    return part(Grain::Month, month);
                };
                let max = days_in_month(year, month);
                match num(d) {
                    Some(day) if (1..=max).contains(&day) && d.len() == 2 => Ok(Period {
                        grain: Grain::Day,
                        year,
                        n: month,
                        day,
                    }),
                    _ => Err(err(
                        8,
                        text.len(),
                        format!(
                            "day `{d}` does not exist: {} {year} has {max} days",
                            MONTHS[month as usize - 1]
                        ),
                        &format!("days of this month run from 01 to {max:02}"),
                    )),
                }
            }
        }
    }

    /// The first day of the period.
    pub fn start(&self) -> NaiveDate {
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
        match self.grain {
            Grain::Year => ymd(self.year, 1, 1),
            Grain::Half => ymd(self.year, self.n * 6 - 5, 1),
            Grain::Quarter => ymd(self.year, self.n * 3 - 2, 1),
            Grain::Month => ymd(self.year, self.n, 1),
            Grain::Week => NaiveDate::from_isoywd_opt(self.year, self.n, Weekday::Mon)
                .unwrap_or(NaiveDate::MIN),
            Grain::Day => ymd(self.year, self.n, self.day),
        }
    }

    /// The last day of the period: what periods of different lengths compare by.
    pub fn end(&self) -> NaiveDate {
        let last_of = |y: i32, m: u32| {
            NaiveDate::from_ymd_opt(y, m, days_in_month(y, m)).unwrap_or(NaiveDate::MAX)
        };
        match self.grain {
            Grain::Year => last_of(self.year, 12),
            Grain::Half => last_of(self.year, self.n * 6),
            Grain::Quarter => last_of(self.year, self.n * 3),
            Grain::Month => last_of(self.year, self.n),
            Grain::Week => NaiveDate::from_isoywd_opt(self.year, self.n, Weekday::Sun)
                .unwrap_or(NaiveDate::MAX),
            Grain::Day => self.start(),
        }
    }

    /// The last day as (year, month, day), which orders as the dates do: what [`end`]
    /// gives, without making a date (scoring compares periods a great many times).
    ///
    /// [`end`]: Period::end
    pub fn end_ymd(&self) -> (i32, u32, u32) {
        let last_of = |y: i32, m: u32| (y, m, days_in_month(y, m));
        match self.grain {
            Grain::Year => last_of(self.year, 12),
            Grain::Half => last_of(self.year, self.n * 6),
            Grain::Quarter => last_of(self.year, self.n * 3),
            Grain::Month => last_of(self.year, self.n),
            Grain::Week => {
                let d = self.end();
                (d.year(), d.month(), d.day())
            }
            Grain::Day => (self.year, self.n, self.day),
        }
    }

    /// Whether this period ends on or before `other` ends (by their last days).
    pub fn ends_by(&self, other: &Period) -> bool {
        self.end_ymd() <= other.end_ymd()
    }

    /// The period `n` periods of the same grain later (earlier when `n` is negative):
    /// 2025-03 shifted by −12 is 2024-03. `None` outside the years 1–9999.
    pub fn shift(self, n: i64) -> Option<Period> {
        let per_year = match self.grain {
            Grain::Year => 1,
            Grain::Half => 2,
            Grain::Quarter => 4,
            Grain::Month => 12,
            Grain::Week | Grain::Day => {
                let days = if self.grain == Grain::Week { 7 * n } else { n };
                let date = self
                    .start()
                    .checked_add_signed(chrono::Duration::try_days(days)?)?;
                let p = Period::containing(date, self.grain);
                return (1..=9999).contains(&p.year).then_some(p);
            }
        };
        let index = i64::from(self.year) * per_year + i64::from(self.n) - 1 + n;
        let year = index.div_euclid(per_year);
        if !(1..=9999).contains(&year) {
            return None;
        }
        Some(Period {
            grain: self.grain,
            year: year as i32,
            n: (index.rem_euclid(per_year) + 1) as u32,
            day: 1,
        })
    }

    /// The first period of the same grain in this period's calendar year (for a week, its
    /// ISO year).
    pub fn year_start(self) -> Period {
        // A day's `n` is its month: January the 1st.
        Period {
            n: 1,
            day: 1,
            ..self
        }
    }

    /// The period of `grain` that contains `date` (used to step through a series).
    pub fn containing(date: NaiveDate, grain: Grain) -> Period {
        let (year, month) = (date.year(), date.month());
        let p = |grain, year, n, day| Period {
            grain,
            year,
            n,
            day,
        };
        match grain {
            Grain::Year => p(grain, year, 1, 1),
            Grain::Half => p(grain, year, month.div_ceil(6), 1),
            Grain::Quarter => p(grain, year, month.div_ceil(3), 1),
            Grain::Month => p(grain, year, month, 1),
            Grain::Week => {
                let w = date.iso_week();
                p(grain, w.year(), w.week(), 1)
            }
            Grain::Day => p(grain, year, month, date.day()),
        }
    }
}

/// Periods order by their last day, then the longer one first.
impl Ord for Period {
    fn cmp(&self, other: &Self) -> Ordering {
        // Periods of one grain end in the order of their fields (the common case, and
        // much cheaper than two calendar computations).
        if self.grain == other.grain {
            return (self.year, self.n, self.day).cmp(&(other.year, other.n, other.day));
        }
        self.end()
            .cmp(&other.end())
            .then(other.grain.cmp(&self.grain))
            .then(self.start().cmp(&other.start()))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let y = self.year;
        match self.grain {
            Grain::Year => write!(f, "{y:04}"),
            Grain::Half => write!(f, "{y:04}-H{}", self.n),
            Grain::Quarter => write!(f, "{y:04}-Q{}", self.n),
            Grain::Month => write!(f, "{y:04}-{:02}", self.n),
            Grain::Week => write!(f, "{y:04}-W{:02}", self.n),
            Grain::Day => write!(f, "{y:04}-{:02}-{:02}", self.n, self.day),
        }
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        let s = String::deserialize(d)?;
        Period::parse(&s).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// How often a measure is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
}

impl Frequency {
    /// From the keyword.
    pub fn from_word(word: &str) -> Option<Frequency> {
        Some(match word {
            "daily" => Frequency::Daily,
            "weekly" => Frequency::Weekly,
            "monthly" => Frequency::Monthly,
            "quarterly" => Frequency::Quarterly,
            "yearly" => Frequency::Yearly,
            _ => return None,
        })
    }

    /// The grain of the periods measured this often.
    pub fn grain(self) -> Grain {
        match self {
            Frequency::Daily => Grain::Day,
            Frequency::Weekly => Grain::Week,
            Frequency::Monthly => Grain::Month,
            Frequency::Quarterly => Grain::Quarter,
            Frequency::Yearly => Grain::Year,
        }
    }

    /// `date` minus one step of this frequency, in calendar arithmetic: 2025-06-30 minus
    /// a month is 2025-05-30, minus a quarter 2025-03-30.
    pub fn step_back(self, date: NaiveDate) -> NaiveDate {
        let months = |n| {
            date.checked_sub_months(Months::new(n))
                .unwrap_or(NaiveDate::MIN)
        };
        match self {
            Frequency::Daily => date.pred_opt().unwrap_or(NaiveDate::MIN),
            Frequency::Weekly => date - chrono::Days::new(7),
            Frequency::Monthly => months(1),
            Frequency::Quarterly => months(3),
            Frequency::Yearly => months(12),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_order_by_their_last_day_then_the_longer_first() {
        let all: Vec<Period> = [
            "2024",
            "2025",
            "2025-H1",
            "2025-H2",
            "2025-Q1",
            "2025-Q2",
            "2025-Q4",
            "2025-01",
            "2025-06",
            "2025-12",
            "2024-12",
            "2025-W01",
            "2025-W26",
            "2025-W27",
            "2026-W01",
            "2020-W53",
            "2025-06-29",
            "2025-06-30",
            "2025-12-31",
            "2024-02-29",
            "2025-01-05",
        ]
        .map(p)
        .to_vec();
        for a in &all {
            for b in &all {
                let calendar = a
                    .end()
                    .cmp(&b.end())
                    .then(b.grain.cmp(&a.grain))
                    .then(a.start().cmp(&b.start()));
                assert_eq!(a.cmp(b), calendar, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn parses_all_six_forms_and_prints_them_back() {
        for s in [
            "2025",
            "2025-H1",
            "2025-Q3",
            "2025-07",
            "2025-W14",
            "2025-07-31",
            "2024-02-29",
            "2026-W53",
        ] {
            assert_eq!(p(s).to_string(), s);
        }
    }

    #[test]
    fn rejects_calendar_values_that_do_not_exist() {
        let bad = |s: &str| Period::parse(s).unwrap_err();
        assert_eq!(bad("2025-13").message, "month `13` does not exist");
        assert_eq!((bad("2025-13").start, bad("2025-13").end), (5, 7));
        assert_eq!(
            bad("2025-02-30").message,
            "day `30` does not exist: February 2025 has 28 days"
        );
        assert_eq!((bad("2025-02-30").start, bad("2025-02-30").end), (8, 10));
        assert!(bad("2025-H3").message.contains("half"));
        assert!(bad("2025-Q5").message.contains("quarter"));
        assert!(bad("2025-W54").message.contains("52 ISO weeks"));
        assert!(bad("2025-W53").message.contains("52 ISO weeks"));
        assert!(bad("2025-00").message.contains("month"));
        assert!(bad("2025-W00").message.contains("week"));
    }

    #[test]
    fn end_ymd_is_the_last_day() {
        // Every grain, around leap years and ISO years with 53 weeks.
        for year in [1999, 2000, 2004, 2015, 2020, 2024, 2025, 2100] {
            let mut ps = vec![Period {
                grain: Grain::Year,
                year,
                n: 1,
                day: 1,
            }];
            ps.extend((1..=2).map(|n| Period {
                grain: Grain::Half,
                year,
                n,
                day: 1,
            }));
            ps.extend((1..=4).map(|n| Period {
                grain: Grain::Quarter,
                year,
                n,
                day: 1,
            }));
            ps.extend((1..=12).map(|n| Period {
                grain: Grain::Month,
                year,
                n,
                day: 1,
            }));
            ps.extend((1..=iso_weeks_in_year(year)).map(|n| Period {
                grain: Grain::Week,
                year,
                n,
                day: 1,
            }));
            ps.extend(
                [(2, 28), (2, 29), (12, 31)]
                    .into_iter()
                    .filter(|&(m, d)| d <= days_in_month(year, m))
                    .map(|(n, day)| Period {
                        grain: Grain::Day,
                        year,
                        n,
                        day,
                    }),
            );
            for a in &ps {
                let d = a.end();
                assert_eq!(a.end_ymd(), (d.year(), d.month(), d.day()), "{a:?}");
                for b in &ps {
                    assert_eq!(a.ends_by(b), a.end() <= b.end(), "{a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn periods_end_on_their_last_day() {
        assert_eq!(p("2025-Q2").end(), d("2025-06-30"));
        assert_eq!(p("2025").end(), d("2025-12-31"));
        assert_eq!(p("2025-H1").end(), d("2025-06-30"));
        assert_eq!(p("2024-02").end(), d("2024-02-29"));
        assert_eq!(p("2025-W01").end(), d("2025-01-05"));
        assert!(p("2025-Q2") > p("2025-05"));
        assert_eq!(p("2025-Q2").end(), p("2025-06").end());
    }

    #[test]
    fn shifts_by_periods_of_the_same_grain() {
        let s = |p: &str, n| p_(p).shift(n).map(|x| x.to_string());
        assert_eq!(s("2025-03", -12).as_deref(), Some("2024-03"));
        assert_eq!(s("2025-01", -1).as_deref(), Some("2024-12"));
        assert_eq!(s("2025-Q1", -1).as_deref(), Some("2024-Q4"));
        assert_eq!(s("2025-H2", 1).as_deref(), Some("2026-H1"));
        assert_eq!(s("2025", -3).as_deref(), Some("2022"));
        assert_eq!(s("2025-W01", -1).as_deref(), Some("2024-W52"));
        assert_eq!(s("2025-03-01", -1).as_deref(), Some("2025-02-28"));
        assert_eq!(s("0001-01", -1), None);
        assert_eq!(p_("2025-07").year_start().to_string(), "2025-01");
        assert_eq!(p_("2025-07-19").year_start().to_string(), "2025-01-01");
        assert_eq!(p_("2025-Q3").year_start().to_string(), "2025-Q1");
    }

    fn p_(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn steps_back_in_calendar_arithmetic() {
        assert_eq!(
            Frequency::Monthly.step_back(d("2025-06-30")),
            d("2025-05-30")
        );
        assert_eq!(
            Frequency::Quarterly.step_back(d("2025-06-30")),
            d("2025-03-30")
        );
        assert_eq!(
            Frequency::Monthly.step_back(d("2025-03-31")),
            d("2025-02-28")
        );
        assert_eq!(
            Frequency::Weekly.step_back(d("2025-06-30")),
            d("2025-06-23")
        );
        assert_eq!(
            Frequency::Yearly.step_back(d("2024-02-29")),
            d("2023-02-28")
        );
    }
}
