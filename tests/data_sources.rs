//! Data sources and computed measures through the real binary (LANGUAGE.md §9.2, §9.3):
//! the numbers each layout, dialect and query reads, the values computed from them and
//! the trace that shows them, and a workbook imported and read back.

mod common;

use common::{bsc, repo, write};
use serde_json::Value;

/// `bsc build FILE --format json` in `dir`, parsed.
fn build_json(dir: &std::path::Path, file: &str) -> Value {
    let r = bsc(dir, &["build", file, "--format", "json", "-o", "-"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("bsc/1 JSON")
}

fn measure<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no measure {id}"))
}

/// A measure's actuals as `(period, value)`, values rounded to 6 decimals.
fn actuals(doc: &Value, id: &str) -> Vec<(String, f64)> {
    measure(doc, id)["actuals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let v = a["value"].as_f64().unwrap();
            (
                a["period"].as_str().unwrap().to_string(),
                (v * 1e6).round() / 1e6,
            )
        })
        .collect()
}

fn months(values: &[f64]) -> Vec<(String, f64)> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("2025-{:02}", i + 1), *v))
        .collect()
}

const REVENUE: [f64; 6] = [412000.0, 398000.0, 431000.0, 445000.0, 460000.0, 452000.0];
const COGS: [f64; 6] = [251000.0, 245000.0, 262000.0, 268000.0, 271000.0, 266000.0];

fn fixtures() -> std::path::PathBuf {
    repo().join("tests/fixtures/check")
}

#[test]
fn every_spreadsheet_layout_reads_the_numbers_of_its_cells() {
    let doc = build_json(&fixtures(), "data/pass_sheets.bsc");
    // The long layout: a text period, a date cell (its month), a month name, a formula's
    // cached value, an empty value skipped.
    let downtime = [
        ("2025-01".to_string(), 118.0),
        ("2025-02".to_string(), 112.5),
        ("2025-03".to_string(), 108.0),
        ("2025-05".to_string(), 101.0),
    ];
    assert_eq!(actuals(&doc, "downtime"), downtime);
    assert_eq!(actuals(&doc, "downtime_m"), downtime);
    // The wide layout in three formats: text and date month headers, `Total` skipped.
    assert_eq!(actuals(&doc, "revenue"), months(&REVENUE));
    assert_eq!(actuals(&doc, "revenue_xls"), months(&REVENUE));
    assert_eq!(actuals(&doc, "revenue_ods"), months(&COGS));
    // A KPI sheet: the row whose `KPI` cell is the label.
    assert_eq!(
        actuals(&doc, "on_time"),
        months(&[85.0, 86.0, 88.0, 89.0, 91.0, 92.0])
    );
}

#[test]
fn a_sqlite_query_and_a_semicolon_csv_read_their_numbers() {
    let doc = build_json(&fixtures(), "data/pass_sql.bsc");
    assert_eq!(actuals(&doc, "revenue"), months(&REVENUE));
    let doc = build_json(&fixtures(), "data/pass_csv_semicolon.bsc");
    assert_eq!(
        actuals(&doc, "revenue"),
        months(&[412000.5, 398000.0, 12.5])
    );
}

#[test]
fn computed_measures_have_values_and_a_trace_with_the_values_put_in() {
    let doc = build_json(&fixtures(), "compute/pass.bsc");
    let margin = |r: f64, c: f64| ((r - c) / r * 100.0 * 1e6).round() / 1e6;
    assert_eq!(
        actuals(&doc, "margin"),
        months(&[
            margin(412000.0, 251000.0),
            margin(398000.0, 245000.0),
            margin(431000.0, 262000.0)
        ])
    );
    assert_eq!(
        actuals(&doc, "ytd_revenue"),
        months(&[412000.0, 810000.0, 1241000.0])
    );
    // Growth over one month exists from the second month on.
    assert_eq!(
        actuals(&doc, "growth_3")
            .iter()
            .map(|(p, _)| p.as_str())
            .collect::<Vec<_>>(),
        ["2025-02", "2025-03"]
    );
    let m = measure(&doc, "margin");
    assert_eq!(m["compute"], "(revenue - cost) / revenue * 100");
    assert_eq!(
        m["trace"]["actual"],
        "actual: 39.211137 (2025-03) = (431k − 262k) / 431k × 100"
    );
    // A measure with given actuals has no expression.
    assert_eq!(measure(&doc, "revenue")["compute"], Value::Null);
}

#[test]
fn a_workbook_imported_checks_and_builds_with_its_numbers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/data/pnl.xlsx"),
        dir.path().join("pnl.xlsx"),
    )
    .unwrap();
    let r = bsc(dir.path(), &["import", "pnl.xlsx", "--sheet", "KPIs"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.path().join("pnl.bsc")).unwrap();
    assert!(
        text.contains(r#"actuals "pnl.xlsx" sheet "KPIs" row "Jobs on time" key "KPI""#),
        "{text}"
    );
    let check = bsc(dir.path(), &["check", "pnl.bsc"]);
    assert_eq!(check.status, 0, "warnings at most: {}", check.stderr);
    assert_eq!(bsc(dir.path(), &["fmt", "--check", "pnl.bsc"]).status, 0);
    let doc = build_json(dir.path(), "pnl.bsc");
    assert_eq!(
        actuals(&doc, "reorder_share"),
        months(&[38.0, 39.0, 41.0, 42.0, 44.0, 45.0])
    );
}

#[test]
fn a_computed_measure_follows_its_workbook_when_the_workbook_changes() {
    // The P&L of one month, then of two: the margin is computed from whatever the
    // workbook holds at each build.
    let dir = tempfile::tempdir().unwrap();
    let plan = r#"@allow(missing-perspective, orphan)
scorecard "P" {}
perspective financial {
  objective o "Margin" {
    owner "CFO"
    measure revenue "Revenue" { unit "EUR" direction up target 1M actuals "pl.csv" column "revenue" }
    measure cost "Cost" { unit "EUR" direction down target 1 actuals "pl.csv" column "cost" }
    measure margin "Margin" { unit "%" direction up target 40 compute (revenue - cost) / revenue * 100 }
  }
}
"#;
    write(dir.path(), "plan.bsc", plan);
    write(
        dir.path(),
        "pl.csv",
        "period,revenue,cost\n2025-01,100,60\n",
    );
    let doc = build_json(dir.path(), "plan.bsc");
    assert_eq!(actuals(&doc, "margin"), months(&[40.0]));
    write(
        dir.path(),
        "pl.csv",
        "period,revenue,cost\n2025-01,100,60\n2025-02,200,100\n",
    );
    let doc = build_json(dir.path(), "plan.bsc");
    assert_eq!(actuals(&doc, "margin"), months(&[40.0, 50.0]));
}

#[test]
fn the_report_shows_a_computed_measure_with_its_values_put_in() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let r = bsc(
        &fixtures(),
        &["build", "compute/pass.bsc", "-o", out.to_str().unwrap()],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.contains("actual: 39.211137 (2025-03) = (431k − 262k) / 431k × 100"),
        "the trace of the margin"
    );
}
