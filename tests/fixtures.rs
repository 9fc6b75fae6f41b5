//! Snapshot tests of the fixture corpus: every entry file under `tests/fixtures/`
//! (files under a `lib/` folder are imported by others, not entry points) is checked,
//! and its human (no colour) and JSON diagnostics are snapshotted.

use std::path::Path;

use bsc::emit::{Report, human, json};
use bsc::files::Disk;

fn check(path: &Path) -> (String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let name = path
        .strip_prefix(&root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let bytes = std::fs::read(path).unwrap();
    let c = bsc::compile_bytes(&Disk, &name, path, &bytes, &bsc::Options::default());
    let all = [c];
    let report = Report::new(&all);
    (human::render(&report, false), json::render(&report))
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/**/*.bsc", |path| {
        if path.components().any(|c| c.as_os_str() == "lib") {
            return;
        }
        let (human, json) = check(path);
        insta::assert_snapshot!("human", human);
        insta::assert_snapshot!("json", json);
    });
}

/// A note in another file (the CSV row a `duplicate-period` repeats, the first
/// declaration of a `duplicate-id` in an import) is drawn under its diagnostic without an
/// empty heading line (miette's related diagnostics print "Advice:" and a code there).
#[test]
fn notes_in_other_files_have_no_empty_heading() {
    let mut notes = 0;
    insta::glob!("fixtures/**/*.bsc", |path| {
        if path.components().any(|c| c.as_os_str() == "lib") {
            return;
        }
        let (human, _) = check(path);
        for line in human.lines() {
            assert!(
                !["Advice:", "Warning:", "Error:"].contains(&line.trim()),
                "an empty heading in the human output of {}:\n{human}",
                path.display()
            );
        }
        notes += human.matches("\n  ☞ ").count();
    });
    assert!(notes >= 3, "the corpus has notes in other files");
}

/// The conventions of the corpus hold: a `fail` file reports its folder's code, a
/// `pass` file does not.
#[test]
fn fail_files_report_their_code_and_pass_files_do_not() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    let mut seen = 0;
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        let code = dir.file_name().unwrap().to_string_lossy().to_string();
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            let stem = file.file_name().unwrap().to_string_lossy().to_string();
            if !stem.ends_with(".bsc") {
                continue;
            }
            let (_, json) = check(&file);
            let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
            let codes: Vec<&str> = doc["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["code"].as_str().unwrap())
                .collect();
            if stem.starts_with("fail") {
                assert!(
                    codes.contains(&code.as_str()),
                    "{} should report `{code}`, got {codes:?}",
                    file.display()
                );
            } else if stem.starts_with("pass") {
                assert!(
                    !codes.contains(&code.as_str()),
                    "{} should not report `{code}`, got {codes:?}",
                    file.display()
                );
            }
            seen += 1;
        }
    }
    assert!(seen > 0);
}

/// Every code has a failing fixture and a passing one.
#[test]
fn every_code_has_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for code in bsc::codes::Code::ALL {
        if *code == bsc::codes::Code::Syntax {
            let dir = root.join("syntax");
            let names: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .collect();
            assert!(
                names.iter().any(|n| n.starts_with("pass")),
                "syntax needs a passing fixture"
            );
            assert!(
                names.iter().any(|n| !n.starts_with("pass")),
                "syntax needs failing fixtures"
            );
            continue;
        }
        let dir = root.join("check").join(code.name());
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("no fixtures for `{code}`"))
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("fail")),
            "`{code}` needs a failing fixture"
        );
        assert!(
            names.iter().any(|n| n.starts_with("pass")),
            "`{code}` needs a passing fixture"
        );
    }
}
