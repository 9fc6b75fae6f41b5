//! `bsc import` through the real binary: a KPI spreadsheet becomes a scorecard that
//! checks without errors and scores the spreadsheet's numbers.

mod common;

use common::{bsc, write};
use serde_json::Value;

const KPIS_CSV: &str = "Perspective;Objective;KPI;Unit;Baseline;Target;Target date;Owner;Direction;Frequency;Type;Comments;2025-01;2025-02;2025-03
Financial;Grow margin;Gross margin;%;31;34;2025-12;CFO;higher is better;monthly;lagging;from the P&L;31,2;31,6;32,1
;;Revenue;EUR;4.200.000;4.800.000;Dec 2025;CFO;;monthly;;;\"412.000\";398000;431000
Customer;Win reorders;Reorder share;%;38;50;;Sales lead;;;;;38;39;41
Internal Business Processes;Print right first time;Jobs reprinted;%;6;2;2025-12;Production;lower is better;monthly;leading;;5,8;5,1;4,6
Learning & Growth;Train operators;Operators certified;%;20;100;2025-12;HR;;;;;24;31;40
Mission;Serve the region;\"Customers \"\"within\"\" 50 km\";%;60;70;;MD;;;;;;;
";

/// The `actuals` of measure `id` in a `bsc/1` document, as (period, value).
fn actuals(doc: &Value, id: &str) -> Vec<(String, f64)> {
    let m = doc["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no measure {id}"));
    m["actuals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["period"].as_str().unwrap().to_string(),
                a["value"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_csv_kpi_list_becomes_a_scorecard_with_its_numbers() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "kpis.csv", KPIS_CSV);
    let r = bsc(dir.path(), &["import", "kpis.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stderr.contains("wrote kpis.bsc"), "{}", r.stderr);
    let text = std::fs::read_to_string(dir.path().join("kpis.bsc")).unwrap();
    assert!(text.contains("// Columns not read: Comments."), "{text}");
    assert!(text.contains("perspective mission \"Mission\" {"), "{text}");
    assert!(
        text.contains("measure customers_within_50_km \"Customers \\\"within\\\" 50 km\""),
        "{text}"
    );
    // Warnings at most, and already in fmt's layout.
    let check = bsc(dir.path(), &["check", "kpis.bsc", "--format", "json"]);
    assert_eq!(check.status, 0, "{}", check.stdout);
    assert_eq!(bsc(dir.path(), &["fmt", "--check", "kpis.bsc"]).status, 0);
    let build = bsc(
        dir.path(),
        &["build", "kpis.bsc", "--format", "json", "-o", "-"],
    );
    let doc: Value = serde_json::from_str(&build.stdout).unwrap();
    assert_eq!(
        actuals(&doc, "revenue"),
        [
            ("2025-01".into(), 412000.0),
            ("2025-02".into(), 398000.0),
            ("2025-03".into(), 431000.0)
        ]
    );
    assert_eq!(actuals(&doc, "gross_margin")[2], ("2025-03".into(), 32.1));
    let jobs = doc["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "jobs_reprinted")
        .unwrap();
    assert_eq!(jobs["direction"], "down");
    // An existing file is never overwritten.
    let again = bsc(dir.path(), &["import", "kpis.csv"]);
    assert_eq!(again.status, 2);
    assert!(
        again.stderr.contains("does not overwrite"),
        "{}",
        again.stderr
    );
}

#[test]
fn a_sheet_without_a_kpi_column_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "x.csv", "period,value\n2025-01,3\n");
    let r = bsc(dir.path(), &["import", "x.csv", "-o", "-"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("has no KPI column"), "{}", r.stderr);
}
