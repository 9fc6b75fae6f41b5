//! CSV files: a header naming a `period` column and a value column (`value`, or the one
//! `column` names), then one row per period. Two dialects, decided by the header line
//! and never guessed per row: `,` between fields with `.` as the decimal point (values in
//! bsc's number syntax: `7.1`, `1_200`, `12%`, `150k`), or `;` between fields with `,` as
//! the decimal separator (`12,5`; `.` only as a thousands separator in groups of three:
//! `1.234,5`), as European tools write them. A byte-order mark, quoted fields and CRLF
//! line ends are fine; an empty value is no actual.

use crate::period::Grain;
use crate::syntax::number_value;

use super::periods::period_cell;
use super::{Place, Point, Problem, Series};

/// The two dialects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `,` between fields, `.` decimal point.
    Comma,
    /// `;` between fields, `,` decimal separator.
    Semicolon,
}

/// Reads a CSV file named `name`.
pub fn read(name: &str, bytes: Vec<u8>, column: Option<&str>) -> Series {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            return Series {
                problems: vec![
                    Problem::new(
                        Place::Whole,
                        format!("`{name}` is not UTF-8 text"),
                        "actuals file named here",
                    )
                    .help("save the CSV file as UTF-8"),
                ],
                ..Series::default()
            };
        }
    };
    let mut series = Series::default();
    read_text(name, &text, column, &mut series);
    series.text = Some(text);
    series
}

/// The byte range of the line that starts at `start`. After a CRLF the csv reader's
/// position is the LF's (it ends a record at the CR): the line starts after the line
/// break.
fn line_at(text: &str, start: usize) -> Place {
    let start = start.min(text.len());
    let rest = &text[start..];
    let start = start + (rest.len() - rest.trim_start_matches(['\r', '\n']).len());
    let end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| start + i);
    Place::Text { start, end }
}

impl Dialect {
    /// The dialect of a text: its header line's (the first line that is not blank).
    pub fn of(text: &str) -> Dialect {
        let header_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        if header_line.contains(';') {
            Dialect::Semicolon
        } else {
            Dialect::Comma
        }
    }

    /// A reader of `text` in this dialect: no header row, rows of any length.
    pub fn reader(self, text: &str) -> ::csv::Reader<&[u8]> {
        ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(match self {
                Dialect::Comma => b',',
                Dialect::Semicolon => b';',
            })
            .from_reader(text.as_bytes())
    }
}

fn read_text(name: &str, text: &str, column: Option<&str>, out: &mut Series) {
    let dialect = Dialect::of(text);
    let mut reader = dialect.reader(text);
    // (period column, value column, number of fields) once the header is read.
    let mut header: Option<(usize, usize, usize)> = None;
    for rec in reader.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                out.problems.push(Problem::new(
                    line_at(text, at),
                    format!("`{name}` is not valid CSV"),
                    e.to_string(),
                ));
                return;
            }
        };
        let start = rec.position().map_or(0, |p| p.byte() as usize);
        let fields: Vec<&str> = rec.iter().map(str::trim).collect();
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        let Some((pi, vi, width)) = header else {
            match columns(name, &fields, column) {
                Ok(h) => header = Some(h),
                Err(p) => {
                    out.problems.push(Problem {
                        place: line_at(text, start),
                        ..p
                    });
                    return;
                }
            }
            continue;
        };
        if fields.len() != width {
            let expected = if width == 2 {
                "expected two fields: period,value".to_string()
            } else {
                format!("expected {width} fields, as in the header")
            };
            out.problems.push(Problem::new(
                line_at(text, start),
                format!("a row of `{name}` has {} fields", fields.len()),
                expected,
            ));
            continue;
        }
        let (period_text, value_text) = (fields[pi], fields[vi]);
        let period = match crate::period::Period::parse(period_text) {
            Ok(p) => p,
            Err(e) => match period_cell(period_text, Grain::Month) {
                Some(p) => p,
                None => {
                    out.problems.push(Problem::new(
                        line_at(text, start),
                        format!("bad period in `{name}`: {}", e.message),
                        e.help,
                    ));
                    continue;
                }
            },
        };
        if value_text.is_empty() {
            continue;
        }
        match value(value_text, dialect) {
            Ok(value) => out.points.push(Point {
                period,
                value,
                place: line_at(text, start),
            }),
            Err(why) => out.problems.push(Problem::new(
                line_at(text, start),
                format!("bad value in `{name}`: `{value_text}` is not a number"),
                why,
            )),
        }
    }
    if header.is_none() {
        out.problems.push(
            Problem::new(Place::Whole, format!("`{name}` is empty"), "no header")
                .help("the file needs a `period,value` header"),
        );
    }
}

/// The period column, the value column and the number of fields, from the header row.
fn columns(
    name: &str,
    fields: &[&str],
    column: Option<&str>,
) -> Result<(usize, usize, usize), Problem> {
    let find = |h: &str| fields.iter().position(|f| f.eq_ignore_ascii_case(h));
    let wanted = column.unwrap_or("value");
    match (find("period"), find(wanted)) {
        (Some(p), Some(v)) if p != v => Ok((p, v, fields.len())),
        _ if column.is_none() => Err(Problem::new(
            Place::Whole,
            format!("`{name}` needs the header `period,value`"),
            "this first row is not `period,value`",
        )),
        (None, _) => Err(Problem::new(
            Place::Whole,
            format!("`{name}` has no `period` column"),
            "the header names no `period` column",
        )
        .help("the first row names the columns: one `period` column and the value columns")),
        (Some(_), _) => {
            let suggestion = crate::diag::did_you_mean(wanted, fields.iter().copied())
                .map(|s| format!("did you mean `column \"{s}\"`?"))
                .unwrap_or_else(|| format!("the columns are: {}", fields.join(", ")));
            Err(Problem::new(
                Place::Whole,
                format!("`{name}` has no column headed `{wanted}`"),
                "the header row",
            )
            .help(suggestion))
        }
    }
}

/// A value in the file's dialect.
pub fn value(text: &str, dialect: Dialect) -> Result<f64, String> {
    let plain = match dialect {
        Dialect::Comma => text.to_string(),
        Dialect::Semicolon => decimal_comma(text)?,
    };
    number_value(&plain)
        .map(|(v, _)| v)
        .ok_or_else(|| match dialect {
            Dialect::Comma => "write the value as a number like 7.1, 1_200 or 12%".to_string(),
            Dialect::Semicolon => {
                "this file separates fields with `;`, so write the value like 12,5 or 1.234,5"
                    .to_string()
            }
        })
}

/// `1.234,5` → `1234.5`: `.` only between groups of three digits, `,` the decimal
/// separator.
fn decimal_comma(text: &str) -> Result<String, String> {
    let (sign, body) = match text.strip_prefix('-') {
        Some(b) => ("-", b),
        None => ("", text),
    };
    let (int, frac) = match body.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if frac.is_some_and(|f| f.contains([',', '.'])) {
        return Err(format!(
            "`{text}` has more than one decimal separator: in this file `,` is the decimal separator"
        ));
    }
    let int = if int.contains('.') {
        let groups: Vec<&str> = int.split('.').collect();
        let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && digits(groups[0])
            && groups[1..].iter().all(|g| g.len() == 3 && digits(g));
        if !ok {
            return Err(format!(
                "this file separates fields with `;`, so `,` is its decimal separator and `.` may only separate thousands (`1.234,5`); `{text}` is neither"
            ));
        }
        groups.concat()
    } else {
        int.to_string()
    };
    Ok(match frac {
        Some(f) => format!("{sign}{int}.{f}"),
        None => format!("{sign}{int}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_value_is_placed_on_its_line_whatever_the_line_ends() {
        for nl in ["\n", "\r\n", "\r"] {
            let text = format!("period,value{nl}2025-01,1{nl}2025-02,abc{nl}");
            let mut s = Series::default();
            read_text("a.csv", &text, None, &mut s);
            let Place::Text { start, end } = s.problems[0].place else {
                panic!("{:?}", s.problems);
            };
            assert_eq!(&text[start..end], "2025-02,abc", "{nl:?}");
        }
    }

    fn values(text: &str) -> (Vec<(String, f64)>, Vec<String>) {
        let s = read("x.csv", text.as_bytes().to_vec(), None);
        (
            s.points
                .iter()
                .map(|p| (p.period.to_string(), p.value))
                .collect(),
            s.problems.iter().map(|p| p.message.clone()).collect(),
        )
    }

    #[test]
    fn the_comma_dialect() {
        let (v, p) = values("period,value\n2025-01,7.1\n2025-02,1_200\n2025-03,12%\n2025-04,\n");
        assert_eq!(
            v,
            [
                ("2025-01".into(), 7.1),
                ("2025-02".into(), 1200.0),
                ("2025-03".into(), 12.0)
            ]
        );
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn the_semicolon_dialect_with_decimal_commas_bom_quotes_and_crlf() {
        let (v, p) = values(
            "\u{feff}Period;Value\r\n2025-01;12,5\r\n\"2025-02\";\"1.234,5\"\r\n2025-03;-3\r\n2025-04;1.234.567\r\n",
        );
        assert_eq!(
            v,
            [
                ("2025-01".into(), 12.5),
                ("2025-02".into(), 1234.5),
                ("2025-03".into(), -3.0),
                ("2025-04".into(), 1234567.0)
            ]
        );
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn a_point_is_no_decimal_in_the_semicolon_dialect() {
        let (v, p) = values("period;value\n2025-01;12.5\n2025-02;1.23,4\n2025-03;7\n");
        assert_eq!(v, [("2025-03".into(), 7.0)]);
        assert_eq!(p.len(), 2, "{p:?}");
    }

    #[test]
    fn the_dialect_is_the_headers_never_a_rows() {
        // A comma file whose row happens to hold a `;` is not re-read as the other dialect.
        let (v, p) = values("period,value\n2025-01,12;5\n");
        assert!(v.is_empty());
        assert_eq!(p, ["bad value in `x.csv`: `12;5` is not a number"]);
    }

    #[test]
    fn a_named_column() {
        let s = read(
            "x.csv",
            b"period;sales;costs\n2025-01;10;4\n".to_vec(),
            Some("costs"),
        );
        assert_eq!(s.points[0].value, 4.0);
        let s = read("x.csv", b"period;sales;costs\n".to_vec(), Some("cost"));
        assert_eq!(s.problems[0].message, "`x.csv` has no column headed `cost`");
        assert_eq!(
            s.problems[0].help.as_deref(),
            Some("did you mean `column \"costs\"`?")
        );
    }
}
