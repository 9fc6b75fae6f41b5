//! Cascading scorecards through the real binary (LANGUAGE.md §9.6): the score an aligned
//! department objective adds, the reports written beside each department, and a project
//! checked through its company.

mod common;

use common::{bsc, repo, write};
use serde_json::Value;

const COMPANY: &str = r#"@allow(missing-perspective)
scorecard "Company" { as_of 2025-03 }

cascade sales "depts/sales.bsc"

align sales.win_accounts -> grow weight 2 : "Key accounts"

perspective financial {
  objective grow "Grow" {
    owner "CEO"
    measure revenue "Revenue" { unit "EUR" direction up baseline 100 target 200 by 2025-12 actuals { 2025-01: 150 } }
  }
}
"#;

// The department's as-of would be 2025-02 (its latest actual); the company's, 2025-03,
// is used, and the target of 2025-03 is in force: 60 → (60 − 20) / (70 − 20) = 0.8.
const SALES: &str = r#"@allow(missing-perspective)
scorecard "Sales" {}

perspective customer {
  objective win_accounts "Win accounts" {
    owner "Head of sales"
    measure accounts "Key accounts" {
      unit "%"
      direction up
      baseline 20
      target 50 by 2025-02
      target 70 by 2025-06
      actuals { 2025-01: 40, 2025-02: 60 }
    }
  }
}
"#;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "company.bsc", COMPANY);
    write(dir.path(), "depts/sales.bsc", SALES);
    // The project root is the folder (no git work tree around a temp folder).
    dir
}

fn objective<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .unwrap()
}

#[test]
fn an_aligned_department_objective_is_one_more_child_of_the_company_objective() {
    let dir = project();
    let r = bsc(
        dir.path(),
        &["build", "company.bsc", "--format", "json", "-o", "-"],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    // Revenue: (150 − 100) / (200 − 100) = 0.5. The department's objective, scored at
    // the company's as-of (2025-03, where `target 70 by 2025-06` is in force):
    // (60 − 20) / (70 − 20) = 0.8. Weighted 1 and 2: (1 × 0.5 + 2 × 0.8) / 3 = 0.7.
    let grow = objective(&doc, "grow");
    assert_eq!(grow["score"], 0.7);
    assert_eq!(grow["trace"]["text"], "(1 × 0.5 + 2 × 0.8) / 3 = 0.7");
    assert_eq!(grow["trace"]["terms"][1]["id"], "sales.win_accounts");
    assert_eq!(grow["aligned"][0]["department"], "sales");
    assert_eq!(grow["aligned"][0]["title"], "Win accounts");
    assert_eq!(grow["aligned"][0]["rationale"], "Key accounts");
    assert_eq!(doc["cascades"][0]["id"], "sales");
    assert_eq!(doc["cascades"][0]["title"], "Sales");
    assert_eq!(doc["cascades"][0]["score"], 0.8);
    // Only the company's output went to stdout; the department's is beside its file.
    let dept: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("depts/sales.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(dept["as_of"], "2025-03");
    assert_eq!(objective(&dept, "win_accounts")["score"], 0.8);
}

#[test]
fn build_writes_each_department_report_beside_its_file() {
    let dir = project();
    let r = bsc(dir.path(), &["build", "company.bsc", "-o", "report2.html"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(dir.path().join("report2.html").is_file());
    assert!(dir.path().join("depts/sales.html").is_file());
    assert!(r.stderr.contains("wrote depts/sales.html"), "{}", r.stderr);
}

/// The `href`s of `html` that end in `.html` (before any `#`), as written, each once.
fn report_links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .filter(|h| h.ends_with(".html"))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[test]
fn the_links_between_company_and_department_reports_lead_to_them_wherever_the_output_goes() {
    // A bare name in the company's folder, a folder elsewhere, a path from another folder.
    let dir = project();
    let elsewhere = tempfile::tempdir().unwrap();
    let company = dir.path().join("company.bsc");
    let out_elsewhere = elsewhere.path().join("out/company.html");
    std::fs::create_dir_all(out_elsewhere.parent().unwrap()).unwrap();
    let runs: [(&std::path::Path, Vec<&str>, std::path::PathBuf); 3] = [
        (
            dir.path(),
            vec!["build", "company.bsc", "-o", "c.html"],
            dir.path().join("c.html"),
        ),
        (
            dir.path(),
            vec![
                "build",
                "company.bsc",
                "-o",
                out_elsewhere.to_str().unwrap(),
            ],
            out_elsewhere.clone(),
        ),
        (
            elsewhere.path(),
            vec!["build", company.to_str().unwrap(), "-o", "plain.html"],
            elsewhere.path().join("plain.html"),
        ),
    ];
    for (cwd, args, out) in runs {
        let r = bsc(cwd, &args);
        assert_eq!(r.status, 0, "{}", r.stderr);
        let html = std::fs::read_to_string(&out).unwrap();
        let links = report_links(&html);
        assert_eq!(links.len(), 1, "{args:?}: {links:?}");
        let dept = out.parent().unwrap().join(&links[0]);
        assert!(
            dept.is_file(),
            "{args:?}: {} does not exist",
            dept.display()
        );
        // And back up: the department's link leads to this company report.
        let back = report_links(&std::fs::read_to_string(&dept).unwrap());
        assert_eq!(back.len(), 1, "{back:?}");
        let up = dept.parent().unwrap().join(&back[0]);
        assert_eq!(
            std::fs::canonicalize(&up).unwrap(),
            std::fs::canonicalize(&out).unwrap(),
            "{args:?}"
        );
    }
}

#[test]
fn a_project_is_checked_through_its_company_and_each_department_once() {
    let dir = project();
    // A warning in the department, reported once whichever way the project is checked.
    let sales = SALES.replace("    owner \"Head of sales\"\n", "");
    write(dir.path(), "depts/sales.bsc", &sales);
    for args in [
        vec!["check"],
        vec!["check", "."],
        vec!["check", "depts/sales.bsc"],
        vec!["check", "company.bsc", "depts/sales.bsc"],
    ] {
        let r = bsc(dir.path(), &args);
        assert_eq!(r.status, 0, "{args:?}: {}", r.stderr);
        assert_eq!(
            r.stderr.matches("has no owner").count(),
            1,
            "{args:?}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("depts/sales.bsc:5:13"),
            "{args:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn the_example_company_checks_clean_with_its_departments() {
    let r = bsc(repo(), &["check", "examples/cascade"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stderr.contains("no problems found"), "{}", r.stderr);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("company.json");
    let r = bsc(
        repo(),
        &[
            "build",
            "examples/cascade/company.bsc",
            "--format",
            "json",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let ids: Vec<&str> = doc["cascades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["sales", "operations"]);
    for d in ["sales", "operations"] {
        let p = repo().join(format!("examples/cascade/depts/{d}.json"));
        assert!(p.is_file(), "{}", p.display());
        std::fs::remove_file(p).unwrap();
    }
}
