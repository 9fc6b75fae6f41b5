//! `bsc import`: turns a KPI spreadsheet (one row per KPI) into a `.bsc` skeleton, so
//! that a team that keeps its scorecard in Excel today gets in without retyping it.
//!
//! The header row is the first row with a KPI column. Columns are recognised by their
//! header (case and spacing ignored; [`COLUMNS`] lists every header read); month columns
//! are those whose header is a period (`2025-01`, `Jan 2025`, a date). Every other column
//! is named in a comment at the top of the output and otherwise ignored. A blank
//! perspective or objective cell repeats the one above (merged cells read that way).
//! The actuals of a workbook are read back from the same workbook with the wide layout
//! (`actuals "kpis.xlsx" sheet "KPIs" row "On-time delivery" key "KPI"`), so the
//! spreadsheet stays where the numbers are typed; those of a CSV file are copied inline.
//!
//! The skeleton checks with warnings at most: a direction the sheet does not give and
//! baseline and target cannot tell is written as `direction up` with a comment to check
//! it, and the output is printed by `bsc fmt`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use crate::data::worker::{self, TableCell};
use crate::data::{self, csv::Dialect};
use crate::files::{self, MAX_DATA_BYTES};
use crate::period::{Grain, Period};
use crate::syntax::number_value;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Col {
    Perspective,
    Objective,
    Kpi,
    Unit,
    Baseline,
    Target,
    TargetDate,
    Threshold,
    Owner,
    Direction,
    Frequency,
    Kind,
    Description,
}

/// The headers `bsc import` reads, by what they hold (compared without case, spaces,
/// `_`, `-` and `&`).
pub const COLUMNS: &[(&str, &[&str])] = &[
    ("perspective", &["perspective", "bsc perspective"]),
    ("objective", &["objective", "strategic objective", "goal"]),
    (
        "KPI (the measure's title)",
        &["kpi", "kpi name", "measure", "indicator", "metric"],
    ),
    ("unit", &["unit", "units", "uom", "unit of measure"]),
    ("baseline", &["baseline", "base", "starting value"]),
    ("target", &["target", "target value", "goal value"]),
    (
        "target date",
        &["target date", "due", "due date", "by", "deadline"],
    ),
    (
        "threshold (the amber/red boundary)",
        &["threshold", "warning", "amber", "tolerance"],
    ),
    (
        "owner",
        &["owner", "kpi owner", "responsible", "accountable"],
    ),
    (
        "direction (up/down, higher/lower is better)",
        &["direction", "polarity", "better"],
    ),
    ("frequency", &["frequency", "reporting frequency", "period"]),
    (
        "leading/lagging",
        &["type", "kind", "indicator type", "leading lagging"],
    ),
    (
        "description (the doc comment)",
        &["description", "definition", "notes"],
    ),
];

const COL_ORDER: [Col; 13] = [
    Col::Perspective,
    Col::Objective,
    Col::Kpi,
    Col::Unit,
    Col::Baseline,
    Col::Target,
    Col::TargetDate,
    Col::Threshold,
    Col::Owner,
    Col::Direction,
    Col::Frequency,
    Col::Kind,
    Col::Description,
];

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '&' | '/' | '.' | ':'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn column_of(header: &str) -> Option<Col> {
    let h = squash(header);
    COLUMNS
        .iter()
        .zip(COL_ORDER)
        .find(|((_, names), _)| names.iter().any(|n| squash(n) == h))
        .map(|(_, c)| c)
}

/// A cell, whatever the source.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Empty,
    Number(f64),
    Text(String),
    Date(Period),
}

impl Cell {
    fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(t) if !t.trim().is_empty() => Some(t.trim()),
            _ => None,
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// Why an import could not be made.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ImportError(pub String);

/// The table of a source: a workbook's sheet (with its name) or a CSV file.
struct Table {
    rows: Vec<Vec<Cell>>,
    /// The sheet, for a workbook.
    sheet: Option<String>,
    dialect: Option<Dialect>,
}

fn read_table(path: &Path, sheet_name: Option<&str>) -> Result<Table, ImportError> {
    let name = path.display().to_string();
    let bytes = files::read_regular(path, MAX_DATA_BYTES)
        .map_err(|e| ImportError(format!("cannot read `{name}`: {}", e.reason())))?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if data::SHEET_EXTENSIONS.contains(&ext.as_str()) {
        let (sheet, rows) = worker::read_table(&name, bytes, sheet_name).map_err(|p| {
            ImportError(match p.help {
                Some(h) => format!("{} ({h})", p.message),
                None => p.message,
            })
        })?;
        let rows = rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|c| match c {
                        TableCell::Empty => Cell::Empty,
                        TableCell::Number(n) => Cell::Number(n),
                        TableCell::Text(t) => Cell::Text(t),
                        TableCell::Date(d) => data::iso_date(&d).map_or(Cell::Empty, |d| {
                            Cell::Date(Period::containing(d, Grain::Month))
                        }),
                    })
                    .collect()
            })
            .collect();
        return Ok(Table {
            rows,
            sheet: Some(sheet),
            dialect: None,
        });
    }
    if sheet_name.is_some() {
        return Err(ImportError(format!(
            "`{name}` is not a workbook: `--sheet` reads .xlsx, .xlsm, .xls and .ods files"
        )));
    }
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .map(<[u8]>::to_vec)
        .unwrap_or(bytes);
    let text = String::from_utf8(bytes)
        .map_err(|_| ImportError(format!("`{name}` is not UTF-8 text: save it as UTF-8 CSV")))?;
    let dialect = Dialect::of(&text);
    let mut rows = Vec::new();
    for rec in dialect.reader(&text).records() {
        let rec = rec.map_err(|e| ImportError(format!("`{name}` is not valid CSV: {e}")))?;
        rows.push(rec.iter().map(|f| Cell::Text(f.to_string())).collect());
    }
    Ok(Table {
        rows,
        sheet: None,
        dialect: Some(dialect),
    })
}

/// One KPI row.
#[derive(Debug, Default)]
struct Kpi {
    row: usize,
    perspective: String,
    objective: String,
    title: String,
    cells: BTreeMap<Col, Cell>,
    actuals: Vec<(Period, f64)>,
}

/// Imports `path` (a workbook's sheet `sheet`, default the first, or a CSV file) as the
/// text of a `.bsc` file that lies in `out_dir` (for the path of the workbook it reads
/// back from).
pub fn import(path: &Path, sheet: Option<&str>, out_dir: &Path) -> Result<String, ImportError> {
    let table = read_table(path, sheet)?;
    let name = path.display().to_string();
    let Some((hr, kpi_col)) = table.rows.iter().enumerate().find_map(|(i, r)| {
        r.iter()
            .position(|c| c.text().and_then(column_of) == Some(Col::Kpi))
            .map(|k| (i, k))
    }) else {
        return Err(ImportError(format!(
            "`{name}` has no KPI column: bsc import reads a header row with a column headed `KPI` (or `Measure`, `Indicator`, `Metric`); `bsc import --help` lists every header it reads"
        )));
    };
    let header = &table.rows[hr];
    let mut cols: BTreeMap<Col, usize> = BTreeMap::new();
    let mut months: Vec<(usize, Period)> = Vec::new();
    let mut ignored: Vec<String> = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        let period = match cell {
            Cell::Date(p) => Some(*p),
            Cell::Text(t) => data::period_cell(t, Grain::Month),
            Cell::Number(n) if n.fract() == 0.0 && (1900.0..=2200.0).contains(n) => {
                Period::parse(&format!("{n}")).ok()
            }
            _ => None,
        };
        if let Some(p) = period {
            months.push((i, p));
            continue;
        }
        match cell.text().and_then(column_of) {
            Some(c) if !cols.contains_key(&c) => {
                cols.insert(c, i);
            }
            _ => {
                if let Some(t) = cell.text() {
                    ignored.push(t.to_string());
                }
            }
        }
    }
    cols.insert(Col::Kpi, kpi_col);

    // The KPI rows; blank perspective and objective cells repeat the one above.
    let mut kpis: Vec<Kpi> = Vec::new();
    let (mut perspective, mut objective) = (String::new(), String::new());
    for (ri, row) in table.rows.iter().enumerate().skip(hr + 1) {
        let cell = |c: Col| {
            cols.get(&c)
                .and_then(|&i| row.get(i))
                .cloned()
                .unwrap_or(Cell::Empty)
        };
        let text = |c: Col| match cell(c) {
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) => crate::num::fmt_num(n),
            Cell::Date(p) => p.to_string(),
            Cell::Empty => String::new(),
        };
        if !text(Col::Perspective).is_empty() {
            perspective = text(Col::Perspective);
        }
        if !text(Col::Objective).is_empty() {
            objective = text(Col::Objective);
        }
        let title = text(Col::Kpi);
        if title.is_empty() {
            continue;
        }
        let mut kpi = Kpi {
            row: ri,
            perspective: perspective.clone(),
            objective: if objective.is_empty() {
                title.clone()
            } else {
                objective.clone()
            },
            title,
            ..Kpi::default()
        };
        for c in COL_ORDER {
            let v = cell(c);
            if !v.is_empty() {
                kpi.cells.insert(c, v);
            }
        }
        for &(i, p) in &months {
            let value = match row.get(i) {
                Some(Cell::Number(n)) => Some(*n),
                Some(Cell::Text(t)) if !t.trim().is_empty() => number(t, table.dialect),
                _ => None,
            };
            if let Some(v) = value {
                kpi.actuals.push((p, v));
            }
        }
        kpis.push(kpi);
    }
    if kpis.is_empty() {
        return Err(ImportError(format!(
            "`{name}` has a header row (row {}) but no KPI below it",
            hr + 1
        )));
    }
    Ok(write(
        &Source {
            name: &name,
            path,
            out_dir,
            sheet: table.sheet.as_deref(),
            kpi_header: header[kpi_col].text().unwrap_or("KPI"),
            dialect: table.dialect,
            months: &months,
            ignored: &ignored,
            has_perspective: cols.contains_key(&Col::Perspective),
        },
        &kpis,
    ))
}

/// A number written in a cell as text: bsc's syntax, the file's dialect, or with
/// thousands separators and a `%`.
fn number(text: &str, dialect: Option<Dialect>) -> Option<f64> {
    let t = text.trim();
    // A file's own dialect first: `412.000` is 412000 where `,` is the decimal separator.
    if let Some(d) = dialect {
        if let Ok(v) = data::csv::value(t, d) {
            return Some(v);
        }
    }
    if let Some((v, _)) = number_value(t) {
        return Some(v);
    }
    let plain: String = t
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '%' | '$' | '€' | '£'))
        .collect();
    plain.parse().ok().filter(|v: &f64| v.is_finite())
}

struct Source<'a> {
    name: &'a str,
    path: &'a Path,
    out_dir: &'a Path,
    sheet: Option<&'a str>,
    kpi_header: &'a str,
    dialect: Option<Dialect>,
    months: &'a [(usize, Period)],
    ignored: &'a [String],
    has_perspective: bool,
}

/// A perspective's id and title from the text of its cell.
fn perspective_id(text: &str) -> (String, Option<String>) {
    let s = squash(text);
    let known = match s.as_str() {
        "financial" | "finance" | "financials" | "stakeholder" | "shareholder" => "financial",
        "customer" | "customers" | "client" | "clients" | "market" => "customer",
        "internal"
        | "internalprocess"
        | "internalprocesses"
        | "internalbusinessprocess"
        | "internalbusinessprocesses"
        | "process"
        | "processes"
        | "operations" => "internal",
        "learning"
        | "learninggrowth"
        | "learningandgrowth"
        | "people"
        | "growth"
        | "organisationalcapacity"
        | "organizationalcapacity" => "learning",
        "" => "internal",
        _ => return (ident(text, "perspective"), Some(text.trim().to_string())),
    };
    (known.to_string(), None)
}

/// An id from a title: lower case ASCII words joined by `_`.
fn ident(title: &str, fallback: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in title.chars() {
        let c = match c {
            'ä' | 'Ä' => "ae".to_string(),
            'ö' | 'Ö' => "oe".to_string(),
            'ü' | 'Ü' => "ue".to_string(),
            'ß' => "ss".to_string(),
            'é' | 'è' | 'ê' | 'É' => "e".to_string(),
            'á' | 'à' | 'â' => "a".to_string(),
            '%' => "pct".to_string(),
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase().to_string(),
            _ => {
                gap = true;
                continue;
            }
        };
        if gap && !out.is_empty() {
            out.push('_');
        }
        gap = false;
        out.push_str(&c);
    }
    if out.is_empty() {
        out = fallback.to_string();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out = format!("{fallback}_{out}");
    }
    out.truncate(48);
    out.trim_end_matches('_').to_string()
}

/// A string literal.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number as bsc writes it (no exponent).
fn num(v: f64) -> String {
    crate::num::fmt_num(v)
}

fn write(src: &Source<'_>, kpis: &[Kpi]) -> String {
    // Perspectives in level order, then objectives and KPIs in row order.
    let mut new_levels: Vec<String> = Vec::new();
    let mut by_perspective: BTreeMap<String, (Option<String>, Vec<&Kpi>)> = BTreeMap::new();
    for k in kpis {
        let (id, title) = perspective_id(&k.perspective);
        if title.is_some() && !new_levels.contains(&id) {
            new_levels.push(id.clone());
        }
        by_perspective
            .entry(id)
            .or_insert((title, Vec::new()))
            .1
            .push(k);
    }
    let mut taken: BTreeSet<String> = ["learning", "internal", "customer", "financial"]
        .iter()
        .map(|s| s.to_string())
        .chain(new_levels.iter().cloned())
        .collect();
    let mut unique = |base: String| {
        let mut id = base.clone();
        let mut n = 2;
        while !taken.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        id
    };
    let titles: BTreeMap<&str, usize> = kpis.iter().fold(BTreeMap::new(), |mut m, k| {
        *m.entry(k.title.as_str()).or_insert(0) += 1;
        m
    });
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Imported from {} by `bsc import`: a skeleton to complete. `bsc check` says what",
        src.name
    );
    out.push_str("// is missing: the strategy map (`map { a -> b }`), owners, targets.\n");
    if !src.ignored.is_empty() {
        let _ = writeln!(out, "// Columns not read: {}.", src.ignored.join(", "));
    }
    if !src.has_perspective {
        out.push_str("// The sheet has no perspective column: every objective is under `internal`;\n// move each to its perspective.\n");
    }
    out.push_str("\nuse \"std/kpis\"\n\n");
    let stem = src
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().replace(['_', '-'], " "))
        .unwrap_or_else(|| "Scorecard".into());
    let _ = writeln!(out, "scorecard {} {{", quote(&stem));
    let mut years: Vec<i32> = src.months.iter().map(|(_, p)| p.year).collect();
    years.extend(
        kpis.iter()
            .flat_map(|k| match k.cells.get(&Col::TargetDate) {
                Some(Cell::Date(p)) => Some(p.year),
                Some(Cell::Text(t)) => data::period_cell(t, Grain::Month).map(|p| p.year),
                _ => None,
            }),
    );
    if let (Some(first), Some(last)) = (years.iter().min(), years.iter().max()) {
        let _ = writeln!(out, "  period {first}-01 .. {last}-12");
    }
    out.push_str("}\n");

    let order = ["learning", "internal", "customer", "financial"]
        .iter()
        .map(|s| s.to_string())
        .chain(new_levels.iter().cloned());
    for (level_index, pid) in order.enumerate() {
        let Some((title, ks)) = by_perspective.get(&pid) else {
            continue;
        };
        out.push('\n');
        match title {
            Some(t) => {
                let _ = writeln!(out, "perspective {pid} {} {{", quote(t));
                let _ = writeln!(out, "  level {}", level_index + 1);
            }
            None => {
                let _ = writeln!(out, "perspective {pid} {{");
            }
        }
        let mut objectives: Vec<(&str, Vec<&Kpi>)> = Vec::new();
        for k in ks {
            match objectives.iter_mut().find(|(o, _)| *o == k.objective) {
                Some((_, v)) => v.push(k),
                None => objectives.push((&k.objective, vec![k])),
            }
        }
        for (oi, (otitle, measures)) in objectives.iter().enumerate() {
            if oi > 0 {
                out.push('\n');
            }
            let oid = unique(ident(otitle, "objective"));
            let _ = writeln!(out, "  objective {oid} {} {{", quote(otitle));
            if let Some(owner) = measures
                .iter()
                .find_map(|k| k.cells.get(&Col::Owner).and_then(Cell::text))
            {
                let _ = writeln!(out, "    owner {}", quote(owner));
            }
            for k in measures {
                let mid = unique(ident(&k.title, "measure"));
                write_measure(&mut out, src, k, &mid, titles[k.title.as_str()] > 1);
            }
            out.push_str("  }\n");
        }
        out.push_str("}\n");
    }
    match crate::fmt::format(&out) {
        Ok(formatted) => formatted,
        Err(_) => out,
    }
}

fn write_measure(out: &mut String, src: &Source<'_>, k: &Kpi, id: &str, duplicate_title: bool) {
    let text = |c: Col| k.cells.get(&c).and_then(Cell::text);
    let value = |c: Col| match k.cells.get(&c) {
        Some(Cell::Number(n)) => Some(*n),
        Some(Cell::Text(t)) => number(t, src.dialect),
        _ => None,
    };
    out.push('\n');
    if let Some(d) = text(Col::Description) {
        for line in d.lines() {
            let _ = writeln!(out, "    /// {}", line.trim());
        }
    }
    let _ = writeln!(out, "    measure {id} {} {{", quote(&k.title));
    if let Some(u) = text(Col::Unit) {
        let _ = writeln!(out, "      unit {}", quote(u));
    }
    let (baseline, target, threshold) = (
        value(Col::Baseline),
        value(Col::Target),
        value(Col::Threshold),
    );
    let direction = text(Col::Direction).and_then(|d| {
        let d = squash(d);
        if [
            "up",
            "higher",
            "higherisbetter",
            "increase",
            "max",
            "maximise",
            "maximize",
            "more",
            "↑",
        ]
        .iter()
        .any(|w| d == *w || d.starts_with("higher") || d.starts_with("more"))
        {
            Some("up")
        } else if [
            "down",
            "lower",
            "lowerisbetter",
            "decrease",
            "min",
            "minimise",
            "minimize",
            "less",
            "↓",
        ]
        .iter()
        .any(|w| d == *w || d.starts_with("lower") || d.starts_with("less"))
        {
            Some("down")
        } else {
            None
        }
    });
    match (direction, baseline, target) {
        (Some(d), _, _) => {
            let _ = writeln!(out, "      direction {d}");
        }
        (None, Some(b), Some(t)) if b != t => {}
        _ => {
            out.push_str("      direction up // not in the spreadsheet: check it\n");
        }
    }
    if let Some(b) = baseline {
        let _ = writeln!(out, "      baseline {}", num(b));
    }
    if let Some(t) = target {
        let by = match k.cells.get(&Col::TargetDate) {
            Some(Cell::Date(p)) => Some(*p),
            Some(Cell::Text(t)) => data::period_cell(t, Grain::Month),
            _ => None,
        };
        match by {
            Some(p) => {
                let _ = writeln!(out, "      target {} by {p}", num(t));
            }
            None => {
                let _ = writeln!(out, "      target {}", num(t));
            }
        }
    }
    if let (Some(th), Some(t)) = (threshold, target) {
        // A threshold on the wrong side of the target would be an error: leave it to the user.
        let wrong = match (direction, baseline) {
            (Some("down"), _) => th < t,
            (Some(_), _) => th > t,
            (None, Some(b)) if t > b => th > t,
            (None, Some(_)) => th < t,
            (None, None) => th > t,
        };
        if wrong {
            let _ = writeln!(
                out,
                "      // threshold {}: on the wrong side of the target; check it",
                num(th)
            );
        } else {
            let _ = writeln!(out, "      threshold {}", num(th));
        }
    }
    if let Some(f) = text(Col::Frequency) {
        let f = squash(f);
        let word = match f.as_str() {
            "daily" | "day" | "d" => Some("daily"),
            "weekly" | "week" | "w" => Some("weekly"),
            "monthly" | "month" | "m" => Some("monthly"),
            "quarterly" | "quarter" | "q" => Some("quarterly"),
            "yearly" | "year" | "annual" | "annually" | "y" => Some("yearly"),
            _ => None,
        };
        if let Some(w) = word {
            let _ = writeln!(out, "      frequency {w}");
        }
    } else if !k.actuals.is_empty() {
        out.push_str("      frequency monthly\n");
    }
    if let Some(kind) = text(Col::Kind) {
        match squash(kind).as_str() {
            "leading" | "lead" | "driver" => out.push_str("      leading\n"),
            "lagging" | "lag" | "outcome" | "result" => out.push_str("      lagging\n"),
            _ => {}
        }
    }
    if k.actuals.is_empty() {
        // nothing to read back
    } else if let (Some(sheet), false) = (src.sheet, duplicate_title) {
        let rel = relative_path(src.path, src.out_dir);
        let _ = writeln!(
            out,
            "      actuals {} sheet {} row {} key {}",
            quote(&rel),
            quote(sheet),
            quote(&k.title),
            quote(src.kpi_header)
        );
    } else {
        if src.sheet.is_some() {
            let _ = writeln!(
                out,
                "      // row {}: its title is not unique, so the actuals are copied",
                k.row + 1
            );
        }
        out.push_str("      actuals {\n");
        for (p, v) in &k.actuals {
            let _ = writeln!(out, "        {p}: {}", num(*v));
        }
        out.push_str("      }\n");
    }
    out.push_str("    }\n");
}

/// `path` relative to `dir` (both made absolute), with `/` separators.
fn relative_path(path: &Path, dir: &Path) -> String {
    let path = files::lexical_absolute(path);
    let dir = files::lexical_absolute(dir);
    let common = path
        .components()
        .zip(dir.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = dir.components().count() - common;
    let mut parts: Vec<String> = vec!["..".to_string(); ups];
    parts.extend(
        path.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_titles() {
        assert_eq!(ident("On-time delivery (%)", "m"), "on_time_delivery_pct");
        assert_eq!(
            ident("Kundenzufriedenheit Größe", "m"),
            "kundenzufriedenheit_groesse"
        );
        assert_eq!(ident("12-month churn", "measure"), "measure_12_month_churn");
        assert_eq!(ident("!!!", "measure"), "measure");
    }

    #[test]
    fn headers_are_recognised_loosely() {
        assert_eq!(column_of("KPI Name"), Some(Col::Kpi));
        assert_eq!(column_of("Learning & Growth"), None);
        assert_eq!(column_of("target_date"), Some(Col::TargetDate));
        assert_eq!(column_of("UoM"), Some(Col::Unit));
        assert_eq!(column_of("Comments"), None);
    }

    #[test]
    fn perspectives_by_their_common_names() {
        assert_eq!(perspective_id("Learning & Growth").0, "learning");
        assert_eq!(perspective_id("Internal Business Processes").0, "internal");
        assert_eq!(
            perspective_id("Mission"),
            ("mission".into(), Some("Mission".into()))
        );
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/a/b/k.xlsx"), Path::new("/a/b")),
            "k.xlsx"
        );
        assert_eq!(
            relative_path(Path::new("/a/d/k.xlsx"), Path::new("/a/b")),
            "../d/k.xlsx"
        );
    }
}
