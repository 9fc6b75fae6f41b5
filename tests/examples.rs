//! The bundled examples: each checks clean, its scored JSON is snapshotted, and every
//! output is byte-identical from one run to the next.

use std::path::{Path, PathBuf};
use std::process::Command;

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bsc"))
        .collect();
    // The project of several files, through its entry file.
    v.push(dir.join("project/plan.bsc"));
    v.sort();
    assert!(v.len() >= 5, "five examples at least");
    v
}

fn bsc(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bsc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn rel(p: &Path) -> String {
    p.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The warnings an example carries on purpose (the story it tells), by file name.
const ON_PURPOSE: &[(&str, &str)] = &[("logistics.bsc", "behind-schedule")];

#[test]
fn every_example_checks_clean() {
    for ex in examples() {
        let name = ex.file_name().unwrap().to_string_lossy().to_string();
        let expected: Vec<&str> = ON_PURPOSE
            .iter()
            .filter(|(f, _)| *f == name)
            .map(|(_, c)| *c)
            .collect();
        if expected.is_empty() {
            let (status, _, stderr) = bsc(&["check", &rel(&ex)]);
            assert_eq!(
                (status, stderr.as_str()),
                (0, "no problems found\n"),
                "{}",
                ex.display()
            );
            continue;
        }
        // Only the warnings it carries on purpose, and no error.
        let (status, stdout, _) = bsc(&["check", &rel(&ex), "--format", "json"]);
        assert_eq!(status, 0, "{}", ex.display());
        let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let codes: Vec<&str> = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, expected, "{}", ex.display());
    }
}

#[test]
fn the_library_checks_clean_on_its_own() {
    let (status, _, stderr) = bsc(&["check", "std/kpis.bsc"]);
    assert_eq!((status, stderr.as_str()), (0, "no problems found\n"));
}

#[test]
fn scored_json_of_every_example() {
    for ex in examples() {
        let name = ex.file_stem().unwrap().to_string_lossy().to_string();
        let (status, json, stderr) = bsc(&["build", &rel(&ex), "--format", "json", "-o", "-"]);
        assert_eq!(status, 0, "{stderr}");
        insta::assert_snapshot!(format!("build_json_{name}"), json);
        let (_, again, _) = bsc(&["build", &rel(&ex), "--format", "json", "-o", "-"]);
        assert_eq!(json, again, "byte-identical JSON");
    }
}

#[test]
fn html_is_byte_identical_and_written_atomically_beside_the_input() {
    let dir = tempfile::tempdir().unwrap();
    for ex in examples() {
        let a = dir.path().join("a.html");
        let b = dir.path().join("b.html");
        assert_eq!(bsc(&["build", &rel(&ex), "-o", a.to_str().unwrap()]).0, 0);
        assert_eq!(bsc(&["build", &rel(&ex), "-o", b.to_str().unwrap()]).0, 0);
        let (ta, tb) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        assert!(ta == tb, "{}: HTML differs between two runs", ex.display());
        let text = String::from_utf8(ta).unwrap();
        assert!(text.starts_with("<!DOCTYPE html>"));
        // Self-contained: the only URL is the SVG namespace; nothing is linked or loaded.
        assert_eq!(
            text.matches("http").count(),
            text.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
        );
        assert!(
            !text.contains("<link") && !text.contains(" src="),
            "self-contained"
        );
    }
    // Without -o: STEM.html beside the input; no temporary file left behind.
    let plan = dir.path().join("plan.bsc");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bakery.bsc"),
        &plan,
    )
    .unwrap();
    let (status, _, stderr) = bsc(&["build", plan.to_str().unwrap()]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.starts_with(&format!("wrote {}", dir.path().join("plan.html").display())),
        "{stderr}"
    );
    let (status, _, _) = bsc(&["build", plan.to_str().unwrap(), "--format", "json"]);
    assert_eq!(status, 0);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["a.html", "b.html", "plan.bsc", "plan.html", "plan.json"]
    );
}

#[test]
fn an_error_writes_nothing_and_keeps_the_last_good_output() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.bsc");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bakery.bsc"),
        &plan,
    )
    .unwrap();
    let out = dir.path().join("plan.json");
    assert_eq!(
        bsc(&["build", plan.to_str().unwrap(), "--format", "json"]).0,
        0
    );
    let good = std::fs::read(&out).unwrap();
    let text = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(&plan, format!("{text}\nmap {{ nowhere -> nobody }}\n")).unwrap();
    let (status, stdout, stderr) = bsc(&["build", plan.to_str().unwrap(), "--format", "json"]);
    assert_eq!(status, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("unknown objective `nowhere`"), "{stderr}");
    assert!(stderr.contains("not written"), "{stderr}");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        good,
        "the last good output stays"
    );
}

#[test]
fn as_of_moves_the_numbers() {
    let json = |args: &[&str]| -> serde_json::Value {
        let mut a = vec![
            "build",
            "examples/manufacturer.bsc",
            "--format",
            "json",
            "-o",
            "-",
        ];
        a.extend_from_slice(args);
        let (status, out, err) = bsc(&a);
        assert_eq!(status, 0, "{err}");
        serde_json::from_str(&out).unwrap()
    };
    let latest = json(&[]);
    let early = json(&["--as-of", "2025-03"]);
    assert_eq!(latest["as_of"], "2025-06");
    assert_eq!(early["as_of"], "2025-03");
    let dt = |doc: &serde_json::Value| {
        doc["measures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == "downtime")
            .unwrap()
            .clone()
    };
    assert_eq!(dt(&early)["actual"]["period"], "2025-03");
    assert_eq!(dt(&latest)["actual"]["period"], "2025-06");
    assert_ne!(early["scorecard"]["score"], latest["scorecard"]["score"]);
    let (status, _, err) = bsc(&[
        "build",
        "examples/manufacturer.bsc",
        "--format",
        "json",
        "-o",
        "-",
        "--as-of",
        "2025-13",
    ]);
    assert_eq!(status, 2);
    assert!(err.contains("month `13` does not exist"), "{err}");
}

#[test]
fn a_report_of_a_scorecard_with_errors_shows_what_it_can_and_says_so() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bakery.bsc"))
            .unwrap();
    let broken = format!(
        "{text}\nmap {{ nowhere -> nobody }}\nkpi broken \"<b>Broken</b>\" {{ unit \"u\" target 5% }}\n"
    );
    let fs = bsc::files::Disk;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bakery.bsc");
    let c = bsc::compile_bytes(
        &fs,
        "examples/bakery.bsc",
        &path,
        broken.as_bytes(),
        &bsc::Options::default(),
    );
    assert!(c.errors() >= 3, "{:?}", c.diagnostics);
    let scores = bsc::score::score(&c.model, c.as_of);
    let html = bsc::emit::html::render(&c, &scores, &bsc::emit::Links::default()).unwrap();
    assert!(
        html.contains("id=\"has-errors\""),
        "a banner says the scorecard has errors"
    );
    assert!(html.contains(&format!("This scorecard has {} errors", c.errors())));
    // Everything else is still there: every objective in the map and the tables.
    for o in &c.model.objectives {
        assert!(
            html.contains(&format!("id=\"obj-{}\"", o.id)),
            "{} is in the tables",
            o.id
        );
        assert!(
            html.contains(&format!("<a href=\"#obj-{}\" class=\"node", o.id)),
            "{} is on the map",
            o.id
        );
    }
    assert!(
        html.contains("unknown objective `nowhere`"),
        "the diagnostics section lists the errors"
    );
    assert!(!html.contains("<b>Broken</b>"), "source text is escaped");
}

/// The report keeps each perspective's table while its view is unchanged (a `watch`
/// rebuild): a changed actual must show, and going back must give the first page again,
/// byte for byte, as a fresh process writes it.
#[test]
fn kept_tables_never_show_a_stale_value() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bakery.bsc");
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = text.replacen("2025-05: 85%", "2025-05: 86.25%", 1);
    assert_ne!(text, changed);
    let render = |source: &str| {
        let c = bsc::compile_bytes(
            &bsc::files::Disk,
            "examples/bakery.bsc",
            &path,
            source.as_bytes(),
            &bsc::Options::default(),
        );
        let scores = bsc::score::score(&c.model, c.as_of);
        bsc::emit::html::render(&c, &scores, &bsc::emit::Links::default()).unwrap()
    };
    let first = render(&text);
    let second = render(&changed);
    assert!(second.contains("86.25%"), "the changed actual is shown");
    assert!(!first.contains("86.25%"));
    assert_eq!(
        render(&text),
        first,
        "back to the first text, the first page"
    );
    assert_eq!(render(&changed), second);
    // As a new process writes it (nothing kept).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bakery.html");
    let (status, _, err) = bsc(&["build", "examples/bakery.bsc", "-o", out.to_str().unwrap()]);
    assert_eq!(status, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first);
}

/// `score::status_at` (the status alone, for the checks) is the status `score::measure`
/// finds, for every measure of every example at every month of 2024 and 2025.
#[test]
fn the_status_alone_is_the_scored_status() {
    let mut compared = 0;
    for path in examples() {
        let c = bsc::compile(&bsc::files::Disk, &path, &bsc::Options::default()).unwrap();
        for month in 1..=24 {
            let as_of = bsc::period::Period {
                grain: bsc::period::Grain::Month,
                year: 2024 + (month - 1) / 12,
                n: (month as u32 - 1) % 12 + 1,
                day: 1,
            };
            for m in &c.model.measures {
                let scored = bsc::score::measure(&c.model, m, Some(as_of)).status;
                assert_eq!(
                    bsc::score::status_at(&c.model, m, as_of),
                    scored,
                    "{} {as_of}",
                    m.id
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 1000, "{compared}");
}
