//! Data sources for actuals (LANGUAGE.md §9.2): CSV files in two dialects, spreadsheets
//! (xlsx, xlsm, xls, ods) in the long and the wide layout, and SQLite queries. One reader
//! per format stands behind [`read`], which returns a period series and the problems
//! found; the resolver turns those into actuals and `data` diagnostics.
//!
//! Every source is read through the file layer ([`Files`]): only regular files inside the
//! project root, at most [`MAX_DATA_BYTES`] (for a zipped workbook: unpacked), never a
//! wait. Nothing here knows about spans: a problem says *where* in the source it is
//! ([`Place`]), and the caller decides how to show it.

pub mod csv;
mod periods;
pub mod sheet;
pub mod sql;
pub mod worker;

use std::path::Path;

use crate::files::{Files, MAX_DATA_BYTES, ReadError};
use crate::period::{Frequency, Grain, Period};

pub use periods::{iso_date, month_name_period, period_cell};

/// Where the actuals of a measure come from, beside its `actuals { … }` table.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// `actuals "file.csv" [column "HEADER"]`.
    Csv { column: Option<String> },
    /// `actuals "file.xlsx" [sheet "NAME"] …`.
    Sheet {
        sheet: Option<String>,
        layout: Layout,
    },
    /// `actuals sql "file.sqlite" "SELECT …"`.
    Sql { query: String },
}

/// How a sheet holds a series.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Layout {
    /// A `period` column and a value column (`column "HEADER"`, default `value`).
    Long { column: Option<String> },
    /// Periods across a header row; the series is the row whose first non-empty cell is
    /// `row` (with `key`: whose cell in the column headed `key` is `row`).
    Wide { row: String, key: Option<String> },
}

/// The file extensions read as spreadsheets.
pub const SHEET_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "ods"];

impl Source {
    /// The source a file names by its extension, with its options.
    pub fn for_file(
        path: &str,
        sheet: Option<String>,
        column: Option<String>,
        row: Option<String>,
        key: Option<String>,
    ) -> Source {
        let ext = Path::new(path)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        if ext.is_some_and(|e| SHEET_EXTENSIONS.contains(&e.as_str())) {
            let layout = match row {
                Some(row) => Layout::Wide { row, key },
                None => Layout::Long { column },
            };
            Source::Sheet { sheet, layout }
        } else {
            Source::Csv { column }
        }
    }
}

/// Where in a source a value or a problem is.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Place {
    /// The source as a whole.
    Whole,
    /// A byte range of the source's text (a CSV line).
    Text { start: usize, end: usize },
    /// A spreadsheet cell, e.g. `Sales!C7`.
    Cell(String),
    /// A row of a query's result (1-based).
    Row(usize),
}

impl Place {
    /// The place in words, for a message: `Sales!C7`, `row 3 of the query`, or "".
    pub fn words(&self) -> String {
        match self {
            Place::Whole | Place::Text { .. } => String::new(),
            Place::Cell(c) => c.clone(),
            Place::Row(n) => format!("row {n} of the query"),
        }
    }
}

/// One value of a series.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Point {
    pub period: Period,
    pub value: f64,
    pub place: Place,
}

/// Something wrong with a source: a `data` diagnostic to be.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    pub place: Place,
}

impl Problem {
    fn new(place: Place, message: impl Into<String>, label: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            label: label.into(),
            help: None,
            place,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

/// What reading a source gave.
#[derive(Debug, Default)]
pub struct Series {
    pub points: Vec<Point>,
    pub problems: Vec<Problem>,
    /// The text of a text source (CSV), so that problems can be shown in it.
    pub text: Option<String>,
    /// The file could not be read at all.
    pub unreadable: Option<ReadError>,
}

/// One request: a source at `path`, shown as `name` (the path as written, joined to the
/// folder of the `.bsc` file), for a measure of `frequency`.
pub struct Request<'a> {
    pub path: &'a Path,
    pub name: &'a str,
    pub source: &'a Source,
    pub frequency: Option<Frequency>,
}

/// Reads the series a request names.
pub fn read(files: Files<'_>, req: &Request<'_>) -> Series {
    let bytes = match files.read(req.path, MAX_DATA_BYTES) {
        Ok(b) => b,
        Err(e) => {
            return Series {
                unreadable: Some(e),
                ..Series::default()
            };
        }
    };
    match req.source {
        Source::Csv { column } => csv::read(req.name, bytes, column.as_deref()),
        Source::Sheet { sheet, layout } => worker::read_sheet(worker::SheetRequest {
            name: req.name.to_string(),
            sheet: sheet.clone(),
            layout: layout.clone(),
            grain: grain(req.frequency),
            bytes,
        }),
        Source::Sql { query } => sql::read(req.name, bytes, query),
    }
}

/// The grain of a measure's periods: a date in a long layout is read as the period of
/// the measure's frequency that holds it (the month when it has none).
fn grain(frequency: Option<Frequency>) -> Grain {
    frequency.map_or(Grain::Month, Frequency::grain)
}
