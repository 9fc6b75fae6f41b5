//! `bsc diff` and `bsc review` (LANGUAGE.md §9.4) through the real binary: a test
//! repository made with `git init` in a temporary folder, two commits, and
//! `bsc diff HEAD~1:plan.bsc plan.bsc`, where the imported file and the CSV changed too;
//! one pair of files for every kind of change; the JSON checked against
//! `schema/bsc-diff.schema.json`; and the review agenda.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The real binary's status, stdout and stderr (`common::bsc`, which fails a hang).
fn bsc(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let r = common::bsc(dir, args);
    (r.status, r.stdout, r.stderr)
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/bsc-diff.schema.json");
    let s: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::meta::validate(&s).unwrap();
    jsonschema::validator_for(&s).unwrap()
}

fn diff_json(dir: &Path, old: &str, new: &str) -> Value {
    let (status, out, err) = bsc(dir, &["diff", old, new, "--format", "json"]);
    assert_eq!(status, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let v = schema();
    let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}\n{out}");
    doc
}

/// `(kind, item, id, field)` of every change.
fn kinds(doc: &Value) -> Vec<(String, String, String, String)> {
    doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or("").to_string();
            (s("kind"), s("item"), s("id"), s("field"))
        })
        .collect()
}

fn has(doc: &Value, kind: &str, item: &str, id: &str, field: &str) -> bool {
    kinds(doc)
        .iter()
        .any(|c| c.0 == kind && c.1 == item && c.2 == id && c.3 == field)
}

const PLAN: &str = r#"@allow(missing-perspective, orphan, unexplained-red)
use "lib/people"
scorecard "Plan" { period 2025-01 .. 2025-12 }
perspective financial {
  objective margin "Lift the margin" { owner "CFO"
    measure op_margin "Operating margin" { unit "%" direction up baseline 5% target 8% by 2025-12 threshold 6% actuals "margin.csv" }
  }
}
map { skills -> margin : "Skilled people waste less" }
"#;

const PEOPLE: &str = r#"perspective learning {
  objective skills "Build skills" { owner "HR"
    measure training "Training hours" { unit "h" direction up baseline 10 target 20 by 2025-12 threshold 15 actuals { 2025-05: 16, 2025-06: 18 } }
  }
}
initiative academy "Academy" { owner "HR" budget 10k spent 2k status active progress 30% start 2025-01 end 2025-12 supports skills }
"#;

#[test]
fn diff_of_a_committed_revision_reads_its_imports_and_data_files_through_git() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "plan.bsc", PLAN);
    write(d, "lib/people.bsc", PEOPLE);
    write(d, "margin.csv", "period,value\n2025-05,6.5\n2025-06,7\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "one"]);
    // The second commit: a target in the entry file, an actual in the imported file, a
    // row of the CSV, and a retitled objective.
    write(
        d,
        "plan.bsc",
        &PLAN
            .replace("target 8% by 2025-12", "target 9% by 2025-12")
            .replace("Lift the margin", "Lift the operating margin"),
    );
    write(
        d,
        "lib/people.bsc",
        &PEOPLE.replace("2025-06: 18", "2025-06: 12"),
    );
    write(d, "margin.csv", "period,value\n2025-05,6.5\n2025-06,5.5\n");
    git(d, &["commit", "-q", "-am", "two"]);
    // Uncommitted work in the tree: never read for HEAD~1 or HEAD, never touched.
    write(d, "margin.csv", "period,value\n2025-05,6.5\n2025-06,9\n");

    let doc = diff_json(d, "HEAD~1:plan.bsc", "HEAD:plan.bsc");
    assert_eq!(doc["schema"], "bsc-diff/1");
    assert!(
        has(&doc, "changed", "measure", "op_margin", "targets"),
        "{doc}"
    );
    assert!(
        has(&doc, "changed", "measure", "op_margin", "actual"),
        "{doc}"
    );
    assert!(
        has(&doc, "changed", "measure", "training", "actual"),
        "{doc}"
    );
    assert!(
        has(&doc, "status", "measure", "training", "status"),
        "{doc}"
    );
    // Retitled: changed, not removed and added.
    assert!(
        has(&doc, "changed", "objective", "margin", "title"),
        "{doc}"
    );
    assert!(
        !kinds(&doc)
            .iter()
            .any(|c| c.0 == "added" || c.0 == "removed")
    );
    let actual = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "op_margin" && c["field"] == "actual")
        .unwrap();
    assert_eq!(actual["from"], serde_json::json!(["2025-06", 7]));
    assert_eq!(actual["to"], serde_json::json!(["2025-06", 5.5]));
    // The work tree against HEAD: only the CSV's uncommitted row.
    let doc = diff_json(d, "HEAD:plan.bsc", "plan.bsc");
    let measures: Vec<_> = kinds(&doc)
        .into_iter()
        .filter(|c| c.1 == "measure")
        .collect();
    assert!(measures.iter().all(|c| c.2 == "op_margin"), "{measures:?}");
    assert_eq!(
        std::fs::read_to_string(d.join("margin.csv")).unwrap(),
        "period,value\n2025-05,6.5\n2025-06,9\n",
        "the work tree is untouched"
    );
    // The human and markdown forms.
    let (status, human, _) = bsc(d, &["diff", "HEAD~1:plan.bsc", "HEAD:plan.bsc"]);
    assert_eq!(status, 0);
    assert!(
        human.starts_with("--- HEAD~1:plan.bsc (as of 2025-06"),
        "{human}"
    );
    assert!(human.contains("\nMeasures\n"), "{human}");
    assert!(human.contains(" ~ op_margin"), "{human}");
    assert!(
        human.contains("title Lift the margin → Lift the operating margin"),
        "{human}"
    );
    let (_, md, _) = bsc(
        d,
        &[
            "diff",
            "HEAD~1:plan.bsc",
            "HEAD:plan.bsc",
            "--format",
            "markdown",
        ],
    );
    assert!(md.starts_with("### Scorecard changes"), "{md}");
    assert!(md.contains("| | id | title | change |"), "{md}");
    // A revision that does not exist, a file it lacks.
    let (status, _, err) = bsc(d, &["diff", "nope:plan.bsc", "plan.bsc"]);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("`nope` names no commit"), "{err}");
    let (status, _, err) = bsc(d, &["diff", "HEAD~1:other.bsc", "plan.bsc"]);
    assert_eq!(status, 2, "{err}");
    // The review with --since.
    let (status, agenda, err) = bsc(d, &["review", "plan.bsc", "--since", "HEAD~1"]);
    assert_eq!(status, 0, "{err}");
    assert!(
        agenda.starts_with("# Monthly review: Plan (as of 2025-06)"),
        "{agenda}"
    );
    assert!(agenda.contains("Changes since HEAD~1:plan.bsc"), "{agenda}");
}

/// Old and new in one scorecard: every kind of change at once.
#[test]
fn every_kind_of_change() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let old = r#"@allow(missing-perspective, unexplained-red, orphan)
scorecard "Plan" { period 2025-01 .. 2025-12 as_of 2025-06 }
perspective customer {
  objective happy "Happy customers" { owner "CMO"
    measure nps "NPS" { unit "pts" direction up baseline 20 target 40 by 2025-12 threshold 30 weight 1 actuals { 2025-06: 35 } }
    measure churn "Churn" { unit "%" direction down baseline 10% target 5% actuals { 2025-06: 6% } }
  }
  objective gone "An objective that goes" { owner "CMO"
    measure visits "Visits" { unit "n" direction up baseline 0 target 10 actuals { 2025-06: 4 } }
  }
}
perspective financial {
  objective margin "Margin" { owner "CFO"
    measure op "Operating margin" { unit "%" direction up baseline 5% target 8% actuals { 2025-06: 7% } }
  }
}
initiative crm "CRM" { owner "CMO" budget 10k status planned supports happy }
map { happy -> margin : "Happy customers pay" gone -> margin }
"#;
    let new = r#"@allow(missing-perspective, unexplained-red, orphan)
scorecard "Plan" { period 2025-01 .. 2025-12 as_of 2025-06 }
perspective customer {
  objective happy "Delighted customers" { owner "CMO"
    measure nps "NPS" { unit "pts" direction up baseline 20 target 45 by 2025-12 threshold 25 weight 2 actuals { 2025-06: 35 } }
    measure churn "Churn" { unit "%" direction down baseline 10% target 5% actuals { 2025-06: 4% } }
  }
  objective fresh "A new objective" { owner "CMO"
    measure leads "Leads" { unit "n" direction up baseline 0 target 10 actuals { 2025-06: 4 } }
  }
}
perspective financial {
  objective margin "Margin" { owner "CFO"
    measure op "Operating margin" { unit "%" direction up baseline 5% target 8% actuals { 2025-06: 7% } }
  }
}
initiative crm "CRM" { owner "CMO" budget 10k spent 4k status active supports happy }
initiative app "App" { owner "CTO" supports fresh }
map { happy -> margin : "Delighted customers pay more" fresh -> margin }
"#;
    write(d, "old.bsc", old);
    write(d, "new.bsc", new);
    let doc = diff_json(d, "old.bsc", "new.bsc");
    for (kind, item, id, field) in [
        ("added", "objective", "fresh", ""),
        ("removed", "objective", "gone", ""),
        ("added", "measure", "leads", ""),
        ("removed", "measure", "visits", ""),
        ("added", "initiative", "app", ""),
        ("added", "link", "fresh -> margin", ""),
        ("removed", "link", "gone -> margin", ""),
        ("changed", "link", "happy -> margin", "rationale"),
        ("changed", "objective", "happy", "title"),
        ("changed", "measure", "nps", "targets"),
        ("changed", "measure", "nps", "threshold"),
        ("changed", "measure", "nps", "weight"),
        ("changed", "measure", "churn", "actual"),
        ("status", "measure", "churn", "status"),
        ("changed", "initiative", "crm", "status"),
        ("changed", "initiative", "crm", "spent"),
    ] {
        assert!(
            has(&doc, kind, item, id, field),
            "{kind} {item} {id} {field}\n{doc:#}"
        );
    }
    // Unchanged items say nothing.
    assert!(!kinds(&doc).iter().any(|c| c.2 == "op"), "{doc:#}");
    // The same file twice: no changes.
    let same = diff_json(d, "old.bsc", "old.bsc");
    assert_eq!(same["changes"], serde_json::json!([]));
    let (_, human, _) = bsc(d, &["diff", "old.bsc", "old.bsc"]);
    assert!(human.ends_with("\nno changes\n"), "{human}");
    // `--as-of` scores both sides at that period.
    let (status, out, _) = bsc(
        d,
        &[
            "diff", "old.bsc", "new.bsc", "--format", "json", "--as-of", "2025-05",
        ],
    );
    assert_eq!(status, 0);
    let at: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&at["old"]["as_of"], &at["new"]["as_of"]),
        (&Value::from("2025-05"), &Value::from("2025-05"))
    );
    // A side that does not compile: exit 1.
    write(d, "bad.bsc", "scorecard \"Bad\" { }\nmap { a -> b }\n");
    let (status, _, err) = bsc(d, &["diff", "old.bsc", "bad.bsc"]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("does not compile"), "{err}");
}

#[test]
fn review_agenda_in_three_forms() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (status, md, err) = bsc(root, &["review", "examples/logistics.bsc"]);
    assert_eq!(status, 0, "{err}");
    assert!(md.starts_with("# Monthly review: "), "{md}");
    // Red first, with its note, projection and owner; the initiative behind schedule.
    let red = md.find("Red measures").unwrap();
    let amber = md.find("Amber measures").unwrap();
    assert!(red < amber, "{md}");
    assert!(md.contains("tracking portal is behind schedule"), "{md}");
    assert!(md.contains("owner: Sales director"), "{md}");
    assert!(md.contains("at this pace: "), "{md}");
    assert!(md.contains("`tracking_portal`"), "{md}");
    let (status, html, _) = bsc(
        root,
        &["review", "examples/logistics.bsc", "--format", "html"],
    );
    assert_eq!(status, 0);
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<main class=\"review\">"), "{html}");
    assert!(!html.contains("<script"), "one page, no script");
    let (status, json, _) = bsc(
        root,
        &["review", "examples/logistics.bsc", "--format", "json"],
    );
    assert_eq!(status, 0);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["schema"], "bsc-review/1");
    let path = root.join("schema/bsc-review.schema.json");
    let s: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::meta::validate(&s).unwrap();
    let v = jsonschema::validator_for(&s).unwrap();
    let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let red: Vec<&str> = doc["red"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(red, ["road_incidents", "shipper_nps"]);
    assert_eq!(doc["initiatives"][0]["code"], "behind-schedule");
}

/// Copies `examples/cascade` (company, two departments, a CSV) into `to`.
fn copy_cascade(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cascade");
    for name in [
        "company.bsc",
        "depts/sales.bsc",
        "depts/operations.bsc",
        "data/finance.csv",
    ] {
        write(to, name, &std::fs::read_to_string(from.join(name)).unwrap());
    }
}

#[test]
fn diff_and_review_follow_cascades_at_a_revision() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    copy_cascade(d);
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "one"]);
    // The second commit: only a department's file and an `align` line change.
    let sales = std::fs::read_to_string(d.join("depts/sales.bsc")).unwrap();
    assert!(sales.contains("2025-Q2: 4"), "the example changed");
    write(
        d,
        "depts/sales.bsc",
        &sales
            .replace("2025-Q2: 4", "2025-Q2: 6")
            .replace("Win five key accounts", "Win seven key accounts"),
    );
    let company = std::fs::read_to_string(d.join("company.bsc")).unwrap();
    write(
        d,
        "company.bsc",
        &company.replace(
            "align sales.trained_sellers -> skilled_team\n",
            "align sales.trained_sellers -> skilled_team weight 2\n",
        ),
    );
    git(d, &["commit", "-q", "-am", "two"]);
    // Uncommitted: never read for HEAD~1 or HEAD.
    write(d, "depts/sales.bsc", "this does not parse {{{");

    let doc = diff_json(d, "HEAD~1:company.bsc", "HEAD:company.bsc");
    assert!(
        has(
            &doc,
            "changed",
            "alignment",
            "sales.trained_sellers -> skilled_team",
            "weight"
        ),
        "{doc}"
    );
    let depts = doc["departments"].as_array().unwrap();
    let ids: Vec<&str> = depts.iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["sales", "operations"]);
    let s = &depts[0];
    assert_eq!(s["old"]["file"], "HEAD~1:depts/sales.bsc", "{s}");
    assert_eq!(s["new"]["file"], "HEAD:depts/sales.bsc", "{s}");
    assert!(s.get("kind").is_none(), "{s}");
    let changed = |field: &str, id: &str| {
        s["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == id && c["field"] == field)
    };
    assert!(changed("actual", "key_accounts"), "{s}");
    assert!(changed("title", "win_key_accounts"), "{s}");
    assert_eq!(
        s["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "key_accounts" && c["field"] == "actual")
            .unwrap()["to"],
        serde_json::json!(["2025-Q2", 6])
    );
    // Operations did not change.
    assert_eq!(depts[1]["changes"].as_array().unwrap().len(), 0, "{doc}");

    // Human and markdown: the department under its own heading.
    let (status, human, err) = bsc(d, &["diff", "HEAD~1:company.bsc", "HEAD:company.bsc"]);
    assert_eq!(status, 0, "{err}");
    let at = human
        .find("department `sales`: Lindqvist Sales")
        .expect(&human);
    assert!(
        human[at..].contains("--- HEAD~1:depts/sales.bsc"),
        "{human}"
    );
    assert!(human[at..].contains("key_accounts"), "{human}");
    assert!(!human.contains("department `operations`"), "{human}");
    assert!(human.contains("Alignments"), "{human}");
    let (status, md, _) = bsc(
        d,
        &[
            "diff",
            "HEAD~1:company.bsc",
            "HEAD:company.bsc",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(status, 0);
    assert!(md.contains("#### Department `sales`"), "{md}");
    assert!(md.contains("##### Measures"), "{md}");

    // A department added between the revisions.
    write(d, "depts/sales.bsc", &sales);
    write(
        d,
        "depts/service.bsc",
        &std::fs::read_to_string(d.join("depts/operations.bsc"))
            .unwrap()
            .replace("Lindqvist Operations", "Lindqvist Service"),
    );
    write(
        d,
        "company.bsc",
        &format!("{company}\ncascade service \"depts/service.bsc\"\n"),
    );
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "three"]);
    let doc = diff_json(d, "HEAD~1:company.bsc", "company.bsc");
    let depts = doc["departments"].as_array().unwrap();
    assert_eq!(depts[2]["id"], "service", "{doc}");
    assert_eq!(depts[2]["kind"], "added", "{doc}");
    assert!(depts[2]["old"].is_null(), "{doc}");
    assert_eq!(depts[2]["new"]["file"], "depts/service.bsc", "{doc}");

    // The review agenda: each department's items under its own heading, and the changes
    // since a revision with the departments'.
    let (status, md, err) = bsc(d, &["review", "company.bsc", "--since", "HEAD~2"]);
    assert_eq!(status, 0, "{err}");
    let sales_at = md.find("Department `sales`: Lindqvist Sales").expect(&md);
    let ops_at = md.find("Department `operations`").expect(&md);
    let since_at = md.find("Changes since").expect(&md);
    assert!(sales_at < ops_at && ops_at < since_at, "{md}");
    assert!(md[sales_at..ops_at].contains("`sellers_trained`"), "{md}");
    assert!(md[since_at..].contains("Department `service`"), "{md}");
    let (status, html, _) = bsc(d, &["review", "company.bsc", "--format", "html"]);
    assert_eq!(status, 0);
    assert!(html.contains("Department <code>sales</code>"), "{html}");
    let (status, json, _) = bsc(
        d,
        &[
            "review",
            "company.bsc",
            "--since",
            "HEAD~2",
            "--format",
            "json",
        ],
    );
    assert_eq!(status, 0);
    let doc: Value = serde_json::from_str(&json).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/bsc-review.schema.json");
    let s: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::meta::validate(&s).unwrap();
    let v = jsonschema::validator_for(&s).unwrap();
    let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let errors: Vec<String> = schema()
        .iter_errors(&doc["since"])
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(doc["department"].is_null());
    let ids: Vec<&str> = doc["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["department"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["sales", "operations", "service"]);
    assert!(
        doc["departments"][0]["red"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == "key_accounts"),
        "{doc}"
    );
    // `-o` never overwrites a file the build read, a department's included.
    let before = std::fs::read_to_string(d.join("depts/sales.bsc")).unwrap();
    let (status, _, err) = bsc(d, &["review", "company.bsc", "-o", "depts/sales.bsc"]);
    assert_ne!(status, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("depts/sales.bsc")).unwrap(),
        before
    );
}

#[test]
fn a_restated_past_actual_is_a_change_and_a_new_month_is_not_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plan = |jan: u32, months: &str| {
        format!(
            "@allow(missing-perspective, orphan, unexplained-red)\nscorecard \"R\" {{}}\nperspective financial {{ objective o \"O\" {{ owner \"x\"\n  measure m \"M\" {{ unit \"u\" direction up baseline 0 target 10 actuals {{ 2025-01: {jan}, 2025-02: 2{months} }} }}\n}} }}\n"
        )
    };
    write(d, "old.bsc", &plan(1, ""));
    // January restated from 1 to 5, and March arrives.
    write(d, "new.bsc", &plan(5, ", 2025-03: 3"));
    let doc = diff_json(d, "old.bsc", "new.bsc");
    assert!(has(&doc, "changed", "measure", "m", "restated"), "{doc}");
    let c = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "restated")
        .unwrap();
    assert_eq!(c["from"], serde_json::json!([["2025-01", 1]]));
    assert_eq!(c["to"], serde_json::json!([["2025-01", 5]]));
    // Only March arriving: the current actual changes, nothing is restated.
    write(d, "new.bsc", &plan(1, ", 2025-03: 3"));
    let doc = diff_json(d, "old.bsc", "new.bsc");
    assert!(has(&doc, "changed", "measure", "m", "actual"), "{doc}");
    assert!(!has(&doc, "changed", "measure", "m", "restated"), "{doc}");
}
