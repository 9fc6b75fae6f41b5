//! Projects of several files (LANGUAGE.md §9.1) through the real binary: entry files,
//! files checked through their importers, the project root, and the one as-of period.

mod common;

use common::{bsc, repo, write};
use serde_json::Value;

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// `(code, file, line)` of every diagnostic of a `--format json` run.
fn diagnostics(stdout: &str) -> Vec<(String, String, u64)> {
    json(stdout)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_split_example_checks_clean_three_ways() {
    let project = repo().join("examples/project");
    for (dir, args) in [
        (repo(), vec!["check", "examples/project"]),
        (project.as_path(), vec!["check"]),
        (repo(), vec!["check", "examples/project/plan.bsc"]),
        (
            repo(),
            vec![
                "check",
                "examples/project/lib/people.bsc",
                "examples/project/lib/operations.bsc",
                "examples/project/lib/customers.bsc",
            ],
        ),
    ] {
        let r = bsc(dir, &args);
        assert_eq!(r.status, 0, "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr.trim(), "no problems found", "{args:?}");
    }
}

#[test]
fn a_folder_outside_any_git_work_tree_is_one_project_from_any_folder() {
    // A copy of the split example, not in a git work tree, checked by its absolute path
    // from an unrelated folder: its libraries are still checked through plan.bsc.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("project");
    for rel in [
        "plan.bsc",
        "lib/people.bsc",
        "lib/operations.bsc",
        "lib/customers.bsc",
        "data/jobs.csv",
        "data/pnl.xlsx",
    ] {
        let to = copy.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(repo().join("examples/project").join(rel), &to).unwrap();
    }
    let elsewhere = tempfile::tempdir().unwrap();
    let r = bsc(elsewhere.path(), &["check", copy.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(r.stderr.trim(), "no problems found");
}

/// A project that is not a git work tree: `plan.bsc` imports two libraries, and both
/// libraries use what the other declares through it.
fn split_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "plan.bsc",
        r#"use "std/kpis"
use "lib/a"
use "lib/b"
scorecard "Split" { owner "CEO" period 2025-01 .. 2025-12 }
map { a_goal -> b_goal }
"#,
    );
    write(
        d,
        "lib/a.bsc",
        r#"perspective learning {
  objective a_goal "A" { owner "A"
    measure a_m "A" from training_hours { baseline 1 target 5 actuals { 2025-01: 2 } note 2025-01 "Started late" } }
}
"#,
    );
    write(
        d,
        "lib/b.bsc",
        r#"perspective financial {
  objective b_goal "B" { owner "B"
    measure b_m "B" from revenu { baseline 1 target 5 actuals { 2025-01: 2 } } }
}
"#,
    );
    dir
}

#[test]
fn a_library_is_checked_through_its_entry_file_and_each_diagnostic_is_printed_once() {
    let dir = split_project();
    // `lib/a.bsc` alone would not know `training_hours` (std/kpis comes from plan.bsc).
    let one = bsc(dir.path(), &["check", "lib/a.bsc", "--format", "json"]);
    let both = bsc(
        dir.path(),
        &["check", "lib/a.bsc", "lib/b.bsc", "--format", "json"],
    );
    let all = bsc(dir.path(), &["check", "--format", "json"]);
    for r in [&one, &both, &all] {
        assert_eq!(r.status, 1, "{}", r.stderr);
        let d = diagnostics(&r.stdout);
        assert!(
            d.contains(&("unknown-ref".into(), "lib/b.bsc".into(), 3)),
            "{d:?}"
        );
        assert_eq!(
            d.iter().filter(|x| x.0 == "unknown-ref").count(),
            1,
            "{d:?}"
        );
        assert!(!d.iter().any(|x| x.1 == "lib/a.bsc"), "{d:?}");
    }
    assert_eq!(json(&both.stdout), json(&all.stdout));
}

#[test]
fn a_bsc_designer_project_found_while_scanning_is_skipped_with_a_note() {
    let dir = split_project();
    write(
        dir.path(),
        "old/designer.bsc",
        b"PK\x03\x04\x14\x00rest of a zip",
    );
    let r = bsc(dir.path(), &["check"]);
    assert!(
        r.stderr
            .contains("note: skipped `old/designer.bsc`: a zip archive"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("not bsc text\n  ×"), "{}", r.stderr);
    // Named on the command line, it is an error.
    let named = bsc(dir.path(), &["check", "old/designer.bsc"]);
    assert_eq!(named.status, 1);
    assert!(
        named.stderr.contains("this file is a zip archive"),
        "{}",
        named.stderr
    );
}

#[test]
fn a_folder_without_scorecards_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let r = bsc(dir.path(), &["check"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("no .bsc files under `.`"), "{}", r.stderr);
}

#[test]
fn reads_outside_the_project_root_are_refused_without_showing_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let secret = write(
        dir.path(),
        "secret.csv",
        "root:x:0:0:root:/root:/bin/bash\nperiod,value\n",
    );
    let project = dir.path().join("project");
    write(
        &project,
        "plan.bsc",
        format!(
            r#"use "../lib"
perspective learning {{ objective o "O" {{ owner "x"
  measure m "M" {{ unit "u" target 5 actuals "{}" }}
  measure n "N" {{ unit "u" target 5 actuals "../secret.csv" }} }} }}
"#,
            secret.display()
        ),
    );
    write(dir.path(), "lib.bsc", "");
    let r = bsc(&project, &["check", "plan.bsc", "--format", "json"]);
    assert_eq!(r.status, 1);
    let v = json(&r.stdout);
    let messages: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "data" || d["code"] == "import")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages
            .iter()
            .all(|m| m.contains("lies outside the project root")),
        "{messages:?}"
    );
    assert!(!r.stdout.contains("root:x"), "{}", r.stdout);
    // `--root` widens the project.
    let wide = bsc(
        &project,
        &["check", "plan.bsc", "--root", "..", "--format", "json"],
    );
    assert!(
        !wide.stdout.contains("outside the project root"),
        "{}",
        wide.stdout
    );
}

#[test]
fn the_git_work_tree_is_the_root() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "data/x.csv", "period,value\n2025-01,3\n");
    write(
        dir.path(),
        "plans/plan.bsc",
        r#"perspective learning { objective o "O" { owner "x"
  measure m "M" { unit "u" target 5 actuals "../data/x.csv" } } }
"#,
    );
    let r = bsc(dir.path(), &["check", "plans/plan.bsc", "--format", "json"]);
    assert!(
        !r.stdout.contains("outside the project root"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("\"data\""), "{}", r.stdout);
}

/// Monthly data through 2025-02 (LANGUAGE.md §6 `stale-data`).
const STALE: &str = r#"
perspective learning { objective o "O" { owner "x"
  measure m "M" { unit "u" direction up target 5 frequency monthly actuals { 2025-01: 1, 2025-02: 2 } } } }
"#;

#[test]
fn stale_data_is_judged_at_the_as_of_period_of_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    // `as_of 2025-06` in the file, `--as-of 2025-03` given: data through 2025-02 is current.
    write(
        dir.path(),
        "with.bsc",
        format!("scorecard \"S\" {{ as_of 2025-06 }}\n{STALE}"),
    );
    write(dir.path(), "without.bsc", STALE);
    let stale = |args: &[&str]| {
        let r = bsc(dir.path(), args);
        diagnostics(&r.stdout).iter().any(|d| d.0 == "stale-data")
    };
    assert!(stale(&["check", "with.bsc", "--format", "json"]));
    assert!(!stale(&[
        "check", "with.bsc", "--format", "json", "--as-of", "2025-03"
    ]));
    assert!(!stale(&["check", "without.bsc", "--format", "json"]));
    assert!(stale(&[
        "check",
        "without.bsc",
        "--format",
        "json",
        "--as-of",
        "2025-06"
    ]));
    // `build` judges at the same period it scores at.
    let r = bsc(
        dir.path(),
        &[
            "build", "with.bsc", "--as-of", "2025-03", "--format", "json", "-o", "-",
        ],
    );
    assert!(!r.stderr.contains("stale"), "{}", r.stderr);
    let v = json(&r.stdout);
    assert_eq!(v["scorecard"]["as_of"], "2025-06");
    assert_eq!(v["as_of"], "2025-03");
    let r = bsc(
        dir.path(),
        &[
            "build",
            "without.bsc",
            "--as-of",
            "2025-06",
            "--format",
            "json",
            "-o",
            "-",
        ],
    );
    assert!(r.stderr.contains("stale-data"), "{}", r.stderr);
}

#[test]
fn fmt_formats_every_file_under_a_folder() {
    let dir = split_project();
    write(
        dir.path(),
        "lib/messy.bsc",
        "perspective   learning{level 1}\n",
    );
    write(
        dir.path(),
        ".hidden/messy.bsc",
        "perspective   learning{level 1}\n",
    );
    let check = bsc(dir.path(), &["fmt", "--check"]);
    assert_eq!(check.status, 1);
    assert!(
        check.stdout.lines().any(|l| l == "lib/messy.bsc"),
        "{}",
        check.stdout
    );
    assert!(!check.stdout.contains("hidden"), "{}", check.stdout);
    let r = bsc(dir.path(), &["fmt", "lib"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stderr.contains("formatted lib/messy.bsc"), "{}", r.stderr);
    assert_eq!(bsc(dir.path(), &["fmt", "--check", "lib"]).status, 0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".hidden/messy.bsc")).unwrap(),
        "perspective   learning{level 1}\n",
        "hidden folders are left alone"
    );
}
