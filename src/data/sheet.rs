//! Spreadsheets (xlsx, xlsm, xls, ods, read with calamine): the long layout, a `period`
//! column and a value column; and the wide layout of accounting exports, periods across
//! a header row and the series in the row a label names.
//!
//! Cells are taken as the spreadsheet stores them: a number is a number (a formula cell
//! gives its cached value), a date is a date. A number stored as text (`"1 234,5"`,
//! `"12%"`) is a problem naming the cell, never a silent zero; an empty cell is no actual.

use std::io::Cursor;

use calamine::{Data, Range, Reader, Sheets};

use crate::files::MAX_DATA_BYTES;
use crate::period::{Grain, Period};

use super::periods::{iso_date, period_cell};
use super::{Layout, Place, Point, Problem, Series};

/// Reads the sheet `sheet` (default: the first) of the workbook `name`.
pub fn read(
    name: &str,
    bytes: Vec<u8>,
    sheet: Option<&str>,
    layout: &Layout,
    grain: Grain,
) -> Series {
    let mut out = Series::default();
    let (sheet_name, range) = match open_sheet(name, bytes, sheet) {
        Ok(found) => found,
        Err(problem) => {
            out.problems.push(problem);
            return out;
        }
    };
    let grid = Grid {
        name,
        sheet: &sheet_name,
        range: &range,
    };
    match layout {
        Layout::Long { column } => grid.long(column.as_deref(), grain, &mut out),
        Layout::Wide { row, key } => grid.wide(row, key.as_deref(), &mut out),
    }
    out
}

/// The cells of the sheet `sheet` (default: the first) of the workbook `name`, with
/// the sheet's name; or why they cannot be read.
pub fn open_sheet(
    name: &str,
    bytes: Vec<u8>,
    sheet: Option<&str>,
) -> Result<(String, Range<Data>), Problem> {
    let whole = |message: String| Problem::new(Place::Whole, message, "workbook named here");
    if let Some(problem) = unpacked_too_large(name, &bytes) {
        return Err(problem);
    }
    let mut book = open(name, bytes).map_err(|why| {
        whole(format!("cannot read the workbook `{name}`: {why}"))
            .help("save it as .xlsx, .xlsm, .xls or .ods from the spreadsheet program")
    })?;
    let names = book.sheet_names();
    let sheet_name = match sheet {
        Some(s) => match names.iter().find(|n| n.as_str() == s) {
            Some(n) => n.clone(),
            None => {
                let help = crate::diag::did_you_mean(s, names.iter().map(String::as_str))
                    .map(|n| format!("did you mean `sheet \"{n}\"`?"))
                    .unwrap_or_else(|| format!("its sheets are: {}", quoted(&names)));
                return Err(whole(format!("the workbook `{name}` has no sheet `{s}`")).help(help));
            }
        },
        None => names
            .first()
            .cloned()
            .ok_or_else(|| whole(format!("the workbook `{name}` has no sheet")))?,
    };
    let range = book
        .worksheet_range(&sheet_name)
        .map_err(|e| whole(format!("cannot read sheet `{sheet_name}` of `{name}`: {e}")))?;
    Ok((sheet_name, range))
}

/// The cells of a sheet as a table (rows from the sheet's first row, columns from its
/// first column, so that row and column numbers are the spreadsheet's), with the sheet's
/// name.
pub fn table(
    name: &str,
    bytes: Vec<u8>,
    sheet: Option<&str>,
) -> Result<(String, Vec<Vec<super::worker::TableCell>>), Problem> {
    use super::worker::TableCell;
    let (sheet, range) = open_sheet(name, bytes, sheet)?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows = vec![Vec::new(); r0 as usize];
    for row in range.rows() {
        let mut cells = vec![TableCell::Empty; c0 as usize];
        cells.extend(row.iter().map(|c| {
            match c {
                Data::Empty => TableCell::Empty,
                Data::Int(i) => TableCell::Number(*i as f64),
                Data::Float(f) => TableCell::Number(*f),
                Data::String(s) => TableCell::Text(s.clone()),
                Data::DateTime(d) => d
                    .as_datetime()
                    .map_or(TableCell::Empty, |d| TableCell::Date(d.date().to_string())),
                Data::DateTimeIso(s) => {
                    iso_date(s).map_or(TableCell::Empty, |d| TableCell::Date(d.to_string()))
                }
                Data::Bool(b) => TableCell::Text(b.to_string()),
                Data::DurationIso(s) => TableCell::Text(s.clone()),
                Data::Error(e) => TableCell::Text(e.to_string()),
            }
        }));
        rows.push(cells);
    }
    Ok((sheet, rows))
}

/// A zipped workbook (xlsx, xlsm, ods) whose entries unpack to more than the limit: a
/// small file can expand to gigabytes. The sizes are those the archive declares; the
/// unzipping reader stops at a declared size, so a lying archive cannot exceed it.
fn unpacked_too_large(name: &str, bytes: &[u8]) -> Option<Problem> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).ok()?;
        total = total.saturating_add(entry.size());
    }
    (total > MAX_DATA_BYTES).then(|| {
        Problem::new(
            Place::Whole,
            format!("the workbook `{name}` unpacks to more than 256 MiB"),
            "workbook named here",
        )
        .help("bsc reads workbooks up to 256 MiB unpacked; export the sheet you need on its own")
    })
}

fn open(name: &str, bytes: Vec<u8>) -> Result<Sheets<Cursor<Vec<u8>>>, String> {
    let ext = std::path::Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let cursor = Cursor::new(bytes);
    let result = match ext.as_str() {
        "xls" => calamine::open_workbook_from_rs(cursor)
            .map(Sheets::Xls)
            .map_err(|e| e.to_string()),
        "ods" => calamine::open_workbook_from_rs(cursor)
            .map(Sheets::Ods)
            .map_err(|e| e.to_string()),
        _ => calamine::open_workbook_from_rs(cursor)
            .map(Sheets::Xlsx)
            .map_err(|e| e.to_string()),
    };
    result.map_err(|e| e.to_lowercase())
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `A`, `Z`, `AA`, … for a 0-based column.
fn column_letters(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// One sheet's cells.
struct Grid<'a> {
    name: &'a str,
    sheet: &'a str,
    range: &'a Range<Data>,
}

impl Grid<'_> {
    /// The cell at an absolute (row, column), 0-based.
    fn cell(&self, row: u32, col: u32) -> &Data {
        self.range.get_value((row, col)).unwrap_or(&Data::Empty)
    }

    /// `Sales!C7` for an absolute (row, column).
    fn place(&self, row: u32, col: u32) -> Place {
        Place::Cell(format!("{}!{}{}", self.sheet, column_letters(col), row + 1))
    }

    fn rows(&self) -> std::ops::Range<u32> {
        match (self.range.start(), self.range.end()) {
            (Some((r0, _)), Some((r1, _))) => r0..r1 + 1,
            _ => 0..0,
        }
    }

    fn cols(&self) -> std::ops::Range<u32> {
        match (self.range.start(), self.range.end()) {
            (Some((_, c0)), Some((_, c1))) => c0..c1 + 1,
            _ => 0..0,
        }
    }

    /// The text of a cell, trimmed, if it holds text.
    fn text(&self, row: u32, col: u32) -> Option<&str> {
        match self.cell(row, col) {
            Data::String(s) => Some(s.trim()),
            _ => None,
        }
    }

    /// A cell as a period: period text, a month name, or a date (read as the period of
    /// `grain` that holds it).
    fn period(&self, row: u32, col: u32, grain: Grain) -> Option<Period> {
        match self.cell(row, col) {
            Data::String(s) => period_cell(s, grain),
            Data::DateTime(d) => d.as_datetime().map(|d| Period::containing(d.date(), grain)),
            Data::DateTimeIso(s) => iso_date(s).map(|d| Period::containing(d, grain)),
            _ => None,
        }
    }

    /// A cell as a value: `Ok(None)` when it is empty.
    fn value(&self, row: u32, col: u32) -> Result<Option<f64>, Problem> {
        let place = self.place(row, col);
        let at = place.words();
        let bad = |what: String| {
            Problem::new(
                place.clone(),
                format!("`{at}` in `{}` holds {what}, not a number", self.name),
                format!("cell {at}"),
            )
        };
        match self.cell(row, col) {
            Data::Empty => Ok(None),
            Data::Int(i) => Ok(Some(*i as f64)),
            Data::Float(f) if f.is_finite() => Ok(Some(*f)),
            Data::Float(_) => Err(bad("a number out of range".into())),
            Data::String(s) if s.trim().is_empty() => Ok(None),
            Data::String(s) => Err(bad(format!("the text \"{}\"", s.trim()))
                .help("format the cell as a number in the spreadsheet (a number stored as text is not read, never taken as 0)")),
            Data::Bool(b) => Err(bad(format!("the truth value {b}"))),
            Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
                Err(bad("a date".into()).help("format the cell as a number"))
            }
            Data::Error(e) => Err(bad(format!("the error {e}"))
                .help("fix the formula in the spreadsheet; bsc reads the value it last computed")),
        }
    }

    /// The long layout: a header row with a `period` column and the value column.
    fn long(&self, column: Option<&str>, grain: Grain, out: &mut Series) {
        let wanted = column.unwrap_or("value");
        let is = |r, c, h: &str| self.text(r, c).is_some_and(|t| t.eq_ignore_ascii_case(h));
        let header = self
            .rows()
            .find(|&r| self.cols().any(|c| is(r, c, "period")));
        let Some(hr) = header else {
            out.problems.push(
                Problem::new(
                    Place::Whole,
                    format!("sheet `{}` of `{}` has no column headed `period`", self.sheet, self.name),
                    "workbook named here",
                )
                .help("the long layout needs a header row with a `period` and a value column; for periods across a row, add `row \"LABEL\"`"),
            );
            return;
        };
        let pc = self.cols().find(|&c| is(hr, c, "period")).unwrap_or(0);
        let Some(vc) = self.cols().find(|&c| c != pc && is(hr, c, wanted)) else {
            let headers: Vec<&str> = self.cols().filter_map(|c| self.text(hr, c)).collect();
            let help = crate::diag::did_you_mean(wanted, headers.iter().copied())
                .map(|h| format!("did you mean `column \"{h}\"`?"))
                .unwrap_or_else(|| {
                    format!("the headers of row {} are: {}", hr + 1, headers.join(", "))
                });
            out.problems.push(
                Problem::new(
                    Place::Whole,
                    format!(
                        "sheet `{}` of `{}` has no column headed `{wanted}`",
                        self.sheet, self.name
                    ),
                    "workbook named here",
                )
                .help(help),
            );
            return;
        };
        for r in hr + 1..self.rows().end {
            let empty = matches!(self.cell(r, pc), Data::Empty);
            if empty {
                continue;
            }
            let Some(period) = self.period(r, pc, grain) else {
                let place = self.place(r, pc);
                out.problems.push(
                    Problem::new(
                        place.clone(),
                        format!("`{}` in `{}` is not a period", place.words(), self.name),
                        format!("cell {}", place.words()),
                    )
                    .help("write a period like 2025-07 or Jan 2025, or a date"),
                );
                continue;
            };
            match self.value(r, vc) {
                Ok(Some(value)) => out.points.push(Point {
                    period,
                    value,
                    place: self.place(r, vc),
                }),
                Ok(None) => {}
                Err(p) => out.problems.push(p),
            }
        }
    }

    /// The wide layout: the header row is the first with at least two period cells
    /// (title rows above it are skipped; header cells that are not periods, such as
    /// `Total`, and their columns are skipped); the series is the row labelled `label`.
    fn wide(&self, label: &str, key: Option<&str>, out: &mut Series) {
        let period_cols = |r: u32| -> Vec<(u32, Period)> {
            self.cols()
                .filter_map(|c| self.period(r, c, Grain::Month).map(|p| (c, p)))
                .collect()
        };
        let Some((hr, periods)) = self
            .rows()
            .map(|r| (r, period_cols(r)))
            .find(|(_, p)| p.len() >= 2)
        else {
            out.problems.push(
                Problem::new(
                    Place::Whole,
                    format!("sheet `{}` of `{}` has no header row of periods", self.sheet, self.name),
                    "workbook named here",
                )
                .help("the wide layout needs a row with periods across it (2025-01, Jan 2025, or dates)"),
            );
            return;
        };
        // Months with a quarter or year column among them (`Q1 2025`, a bare `2025`)
        // are subtotals, skipped like `Total`: the periods are those of the length most
        // of the row's period cells have (the first one's, on a tie).
        let periods = of_main_grain(periods);
        let key_col = match key {
            None => None,
            Some(k) => match self
                .cols()
                .find(|&c| self.text(hr, c).is_some_and(|t| t.eq_ignore_ascii_case(k)))
            {
                Some(c) => Some(c),
                None => {
                    let headers: Vec<&str> = self.cols().filter_map(|c| self.text(hr, c)).collect();
                    let help = crate::diag::did_you_mean(k, headers.iter().copied())
                        .map(|h| format!("did you mean `key \"{h}\"`?"))
                        .unwrap_or_else(|| {
                            format!(
                                "the text headers of row {} are: {}",
                                hr + 1,
                                headers.join(", ")
                            )
                        });
                    out.problems.push(
                        Problem::new(
                            Place::Whole,
                            format!(
                                "sheet `{}` of `{}` has no column headed `{k}`",
                                self.sheet, self.name
                            ),
                            "workbook named here",
                        )
                        .help(help),
                    );
                    return;
                }
            },
        };
        // The label of a row: its cell in the key column, or its first non-empty cell.
        let row_label = |r: u32| -> Option<&str> {
            match key_col {
                Some(c) => self.text(r, c),
                None => self
                    .cols()
                    .find(|&c| !matches!(self.cell(r, c), Data::Empty))
                    .and_then(|c| self.text(r, c)),
            }
        };
        let matching: Vec<u32> = (hr + 1..self.rows().end)
            .filter(|&r| row_label(r).is_some_and(|t| t.eq_ignore_ascii_case(label.trim())))
            .collect();
        let r = match matching.as_slice() {
            [r] => *r,
            [] => {
                let labels: Vec<&str> = (hr + 1..self.rows().end).filter_map(row_label).collect();
                let help = crate::diag::did_you_mean(label, labels.iter().copied())
                    .map(|l| format!("did you mean `row \"{l}\"`?"))
                    .unwrap_or_else(|| "the label is the row's first non-empty cell (or its cell in the `key` column)".into());
                out.problems.push(
                    Problem::new(
                        Place::Whole,
                        format!(
                            "sheet `{}` of `{}` has no row labelled `{label}`",
                            self.sheet, self.name
                        ),
                        "workbook named here",
                    )
                    .help(help),
                );
                return;
            }
            [a, b, ..] => {
                out.problems.push(
                    Problem::new(
                        Place::Whole,
                        format!(
                            "sheet `{}` of `{}` has more than one row labelled `{label}` (rows {} and {})",
                            self.sheet,
                            self.name,
                            a + 1,
                            b + 1
                        ),
                        "workbook named here",
                    )
                    .help("give each row its own label, or pick the row with `key`"),
                );
                return;
            }
        };
        for (c, period) in periods {
            match self.value(r, c) {
                Ok(Some(value)) => out.points.push(Point {
                    period,
                    value,
                    place: self.place(r, c),
                }),
                Ok(None) => {}
                Err(p) => out.problems.push(p),
            }
        }
    }
}

/// The period cells of the grain most of them have (the first cell's, on a tie).
fn of_main_grain(periods: Vec<(u32, Period)>) -> Vec<(u32, Period)> {
    let count = |g: Grain| periods.iter().filter(|(_, p)| p.grain == g).count();
    let Some(main) = periods
        .iter()
        .map(|(_, p)| p.grain)
        .fold(None, |best: Option<Grain>, g| match best {
            Some(b) if count(b) >= count(g) => Some(b),
            _ => Some(g),
        })
    else {
        return periods;
    };
    periods
        .into_iter()
        .filter(|(_, p)| p.grain == main)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_and_year_columns_among_months_are_subtotals() {
        let p = |s: &str| Period::parse(s).unwrap();
        let row = vec![
            (1, p("2025-01")),
            (2, p("2025-02")),
            (3, p("2025-Q1")),
            (4, p("2025-03")),
            (5, p("2025")),
        ];
        let kept: Vec<u32> = of_main_grain(row).into_iter().map(|(c, _)| c).collect();
        assert_eq!(kept, [1, 2, 4]);
        // A sheet of quarters keeps its quarters.
        let quarters = vec![(1, p("2025-Q1")), (2, p("2025-Q2")), (3, p("2025"))];
        assert_eq!(of_main_grain(quarters).len(), 2);
    }

    fn workbook(name: &str, sheet: Option<&str>, layout: Layout, grain: Grain) -> Series {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/data")
            .join(name);
        read(name, std::fs::read(path).unwrap(), sheet, &layout, grain)
    }

    fn points(s: &Series) -> Vec<(String, f64, String)> {
        s.points
            .iter()
            .map(|p| (p.period.to_string(), p.value, p.place.words()))
            .collect()
    }

    fn problems(s: &Series) -> Vec<String> {
        s.problems.iter().map(|p| p.message.clone()).collect()
    }

    fn long(column: Option<&str>) -> Layout {
        Layout::Long {
            column: column.map(str::to_string),
        }
    }

    fn wide(row: &str, key: Option<&str>) -> Layout {
        Layout::Wide {
            row: row.into(),
            key: key.map(str::to_string),
        }
    }

    #[test]
    fn the_long_layout_with_dates_month_names_and_a_formula() {
        for file in ["long.xlsx", "long.xlsm"] {
            let s = workbook(file, None, long(None), Grain::Month);
            assert_eq!(
                points(&s),
                [
                    ("2025-01".into(), 118.0, "Downtime!B4".into()),
                    ("2025-02".into(), 112.5, "Downtime!B5".into()),
                    ("2025-03".into(), 108.0, "Downtime!B6".into()),
                    ("2025-05".into(), 101.0, "Downtime!B8".into()),
                ],
                "{file}"
            );
            assert!(s.problems.is_empty(), "{:?}", s.problems);
        }
        // A date is read as the period of the measure's frequency that holds it.
        let q = workbook("long.xlsx", None, long(None), Grain::Quarter);
        assert_eq!(points(&q)[1].0, "2025-Q1");
    }

    #[test]
    fn numbers_stored_as_text_and_error_cells_name_their_cell() {
        let s = workbook("long_bad.xlsx", None, long(None), Grain::Month);
        assert_eq!(points(&s), [("2025-06".into(), 99.0, "Downtime!B6".into())]);
        assert_eq!(
            problems(&s),
            [
                "`Downtime!B2` in `long_bad.xlsx` holds the text \"1 234,5\", not a number",
                "`Downtime!B3` in `long_bad.xlsx` holds the text \"12%\", not a number",
                "`Downtime!B4` in `long_bad.xlsx` holds the error #DIV/0!, not a number",
                "`Downtime!A5` in `long_bad.xlsx` is not a period",
            ]
        );
    }

    #[test]
    fn the_wide_layout_of_an_accounting_export() {
        let s = workbook("pnl.xlsx", None, wide("Revenue", None), Grain::Month);
        let p = points(&s);
        assert_eq!(p.len(), 6, "the Total column is skipped: {p:?}");
        assert_eq!(p[0], ("2025-01".into(), 412000.0, "P&L!B5".into()));
        assert_eq!(
            p[2],
            ("2025-03".into(), 431000.0, "P&L!D5".into()),
            "a date cell"
        );
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        let gaps = workbook("pnl.xlsx", None, wide("marketing", None), Grain::Month);
        assert_eq!(points(&gaps).len(), 2, "empty cells are no actual");
        for file in ["pnl.xls", "pnl.ods"] {
            let s = workbook(file, None, wide("Cost of goods sold", None), Grain::Month);
            let p = points(&s);
            assert_eq!(p.len(), 6, "{file}: {:?} {:?}", p, s.problems);
            assert_eq!(p[5].1, 266000.0, "{file}");
        }
    }

    #[test]
    fn a_kpi_sheet_with_a_key_column() {
        let s = workbook(
            "pnl.xlsx",
            Some("KPIs"),
            wide("Jobs on time", Some("KPI")),
            Grain::Month,
        );
        let p = points(&s);
        assert_eq!(p.len(), 6, "{p:?} {:?}", s.problems);
        assert_eq!(p[5], ("2025-06".into(), 92.0, "KPIs!J3".into()));
    }

    #[test]
    fn what_cannot_be_found_is_said_with_a_suggestion() {
        let s = workbook("pnl.xlsx", Some("PnL"), wide("Revenue", None), Grain::Month);
        assert_eq!(problems(&s), ["the workbook `pnl.xlsx` has no sheet `PnL`"]);
        assert_eq!(
            s.problems[0].help.as_deref(),
            Some("its sheets are: `P&L`, `KPIs`")
        );
        let s = workbook("pnl.xlsx", Some("KPI"), wide("Revenue", None), Grain::Month);
        assert_eq!(
            s.problems[0].help.as_deref(),
            Some("did you mean `sheet \"KPIs\"`?")
        );
        let s = workbook("pnl.xlsx", None, wide("Revenu", None), Grain::Month);
        assert_eq!(
            s.problems[0].help.as_deref(),
            Some("did you mean `row \"Revenue\"`?")
        );
        let s = workbook("pnl.xlsx", None, wide("Gross profit", None), Grain::Month);
        assert_eq!(
            problems(&s),
            [
                "sheet `P&L` of `pnl.xlsx` has more than one row labelled `Gross profit` (rows 7 and 8)"
            ]
        );
        let s = workbook(
            "pnl.xlsx",
            Some("KPIs"),
            wide("Jobs on time", Some("Kpi name")),
            Grain::Month,
        );
        assert_eq!(
            problems(&s),
            ["sheet `KPIs` of `pnl.xlsx` has no column headed `Kpi name`"]
        );
        let s = workbook("long.xlsx", None, long(Some("hours")), Grain::Month);
        assert_eq!(
            problems(&s),
            ["sheet `Downtime` of `long.xlsx` has no column headed `hours`"]
        );
        let s = workbook("long.xlsx", Some("Empty"), long(None), Grain::Month);
        assert_eq!(
            problems(&s),
            ["sheet `Empty` of `long.xlsx` has no column headed `period`"]
        );
    }

    #[test]
    fn a_workbook_that_unpacks_beyond_the_limit_is_refused_unread() {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        w.write_all(b"<").unwrap();
        let mut bytes = w.finish().unwrap().into_inner();
        // Declare 257 MiB unpacked in the central directory, as a zip bomb would.
        let cd = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        bytes[cd + 24..cd + 28].copy_from_slice(&(257u32 << 20).to_le_bytes());
        let s = read("bomb.xlsx", bytes, None, &long(None), Grain::Month);
        assert_eq!(
            problems(&s),
            ["the workbook `bomb.xlsx` unpacks to more than 256 MiB"]
        );
    }

    #[test]
    fn a_file_that_is_not_a_workbook() {
        let s = read(
            "x.xlsx",
            b"period,value\n".to_vec(),
            None,
            &long(None),
            Grain::Month,
        );
        assert!(
            problems(&s)[0].starts_with("cannot read the workbook `x.xlsx`"),
            "{:?}",
            s.problems
        );
    }

    #[test]
    fn columns_are_lettered_like_spreadsheets() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
