//! `bsc fmt` and `bsc init`: the formatter is idempotent, keeps every comment and never
//! changes what a file means — on every fixture, every example and on generated
//! scorecards — and the commands behave as documented.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use bsc::files::Disk;
use bsc::fmt::format;
use proptest::prelude::*;

/// The comments of a text, trimmed, in order; `///` read as `//` (the formatter prints a
/// `///` line that documents nothing as `//`; docs are compared with the model).
fn comments(text: &str) -> Vec<String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    bsc::syntax::scan::scan(bsc::span::FileId(0), body)
        .comments
        .iter()
        .map(|c| {
            let t = body[c.span.range()].trim_end();
            match t.strip_prefix("///") {
                Some(rest) if !rest.starts_with('/') => format!("//{rest}"),
                _ => t.to_string(),
            }
        })
        .collect()
}

/// The scored model as JSON, without source locations (which formatting moves).
fn model(text: &str, path: &Path) -> serde_json::Value {
    bsc::fuzzing::meaning_at(text, path, &Disk)
}

/// The three promises of the formatter, for one text.
fn assert_formats_faithfully(text: &str, path: &Path) {
    let Ok(once) = format(text) else { return };
    let twice = format(&once).expect("formatted text parses");
    assert_eq!(once, twice, "{}: not idempotent", path.display());
    assert_eq!(
        comments(text),
        comments(&once),
        "{}: comments changed",
        path.display()
    );
    assert_eq!(
        model(text, path),
        model(&once, path),
        "{}: the model changed",
        path.display()
    );
}

#[test]
fn every_fixture_and_example_formats_faithfully() {
    let files = common::inputs(&["tests/fixtures", "examples", "std"]);
    assert!(files.len() >= 6);
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        assert_formats_faithfully(&text, &f);
    }
}

#[test]
fn formatted_fixtures() {
    insta::glob!("fixtures/fmt/*.bsc", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(format(&text).expect("fmt fixtures parse"));
    });
}

fn bsc(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_bsc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn fmt_check_write_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("messy.bsc"), "map{a->b   // why\n}").unwrap();
    std::fs::write(d.join("tidy.bsc"), "map {\n  a -> b // why\n}\n").unwrap();
    let (status, out, _) = bsc(d, &["fmt", "--check", "messy.bsc", "tidy.bsc"], "");
    assert_eq!(
        (status, out.as_str()),
        (1, "messy.bsc\n"),
        "--check names the files that would change"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("messy.bsc")).unwrap(),
        "map{a->b   // why\n}",
        "--check writes nothing"
    );
    let (status, _, err) = bsc(d, &["fmt", "messy.bsc"], "");
    assert_eq!((status, err.as_str()), (0, "formatted messy.bsc\n"));
    assert_eq!(
        std::fs::read_to_string(d.join("messy.bsc")).unwrap(),
        "map {\n  a -> b // why\n}\n"
    );
    assert_eq!(
        bsc(d, &["fmt", "--check", "messy.bsc", "tidy.bsc"], "").0,
        0
    );
    let (status, out, _) = bsc(d, &["fmt", "-"], "kpi k \"K\" {unit \"%\" lagging}");
    assert_eq!(
        (status, out.as_str()),
        (0, "kpi k \"K\" {\n  unit \"%\"\n  lagging\n}\n")
    );
}

#[test]
fn a_file_that_does_not_parse_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.bsc"), "perspective financial {\n").unwrap();
    let (status, _, err) = bsc(dir.path(), &["fmt", "bad.bsc"], "");
    assert_eq!(status, 1);
    assert!(
        err.contains("expected `}` to close `perspective financial`"),
        "{err}"
    );
    assert!(err.contains("`bad.bsc` does not parse; left as it is"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bad.bsc")).unwrap(),
        "perspective financial {\n"
    );
}

#[test]
fn init_writes_a_starter_that_checks_clean_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (status, _, err) = bsc(d, &["init", "q3-plan"], "");
    assert_eq!(status, 0, "{err}");
    let text = std::fs::read_to_string(d.join("q3-plan.bsc")).unwrap();
    assert!(text.contains("scorecard \"q3 plan\""));
    for p in [
        "perspective learning",
        "perspective internal",
        "perspective customer",
        "perspective financial",
        "initiative",
        "map {",
        "threshold",
    ] {
        assert!(text.contains(p), "the starter has {p}");
    }
    let (status, _, err) = bsc(d, &["check", "q3-plan.bsc"], "");
    assert_eq!((status, err.as_str()), (0, "no problems found\n"));
    assert_eq!(
        bsc(d, &["fmt", "--check", "q3-plan.bsc"], "").0,
        0,
        "the starter is formatted"
    );
    std::fs::write(d.join("q3-plan.bsc"), "mine").unwrap();
    let (status, _, err) = bsc(d, &["init", "q3-plan"], "");
    assert_eq!(status, 2);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("q3-plan.bsc")).unwrap(),
        "mine"
    );
    assert_eq!(bsc(d, &["init"], "").0, 0);
    assert!(d.join("scorecard.bsc").exists());
}

// Generated scorecards: random declarations with comments and whitespace anywhere an
// item may start.

fn ident() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9_]{0,8}",
        Just("target".to_string()),
        Just("owner".to_string()),
        Just("measure".to_string())
    ]
}

fn title() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z ]{1,20}",
        Just("Ünïcödé \\\"quoted\\\" \\u{1F600}".to_string())
    ]
}

fn comment() -> impl Strategy<Value = String> {
    prop_oneof![
        "// [a-z ]{0,12}\n",
        "/// [a-z ]{0,12}\n",
        "/\\* [a-z ]{0,8} \\*/ ",
        Just("/* outer /* inner */ */\n".to_string())
    ]
}

fn gap() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        comment().prop_map(|c| format!("\n{c}"))
    ]
}

/// What may stand between a declaration's head and its `{`: a `///` line there
/// documents nothing.
fn head_gap() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" ".to_string()),
        Just("\n/// stray in the head\n".to_string()),
        Just(" /* head */ ".to_string()),
    ]
}

fn measure_props() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop_oneof![
            Just("unit \"%\"".to_string()),
            (0u32..100).prop_map(|n| format!("baseline {n}%")),
            (0u32..100, 1u32..=12).prop_map(|(n, m)| format!("target {n}% by 2025-{m:02}")),
            Just("direction up".to_string()),
            Just("frequency monthly".to_string()),
            Just("leading".to_string()),
            prop::collection::vec((1u32..=12, 0u32..1000), 0..4).prop_map(|v| {
                let cells: Vec<String> = v
                    .iter()
                    .map(|(m, x)| format!("2025-{m:02}: {x}_0"))
                    .collect();
                format!("actuals {{ {} }}", cells.join(", "))
            }),
        ],
        0..5,
    )
}

fn scorecard() -> impl Strategy<Value = String> {
    let objective = (
        ident(),
        title(),
        prop::collection::vec((ident(), title(), measure_props(), gap(), head_gap()), 0..3),
        gap(),
        head_gap(),
    );
    let perspective = (
        prop_oneof![
            Just("learning"),
            Just("internal"),
            Just("customer"),
            Just("financial")
        ],
        prop::collection::vec(objective, 0..3),
        gap(),
        head_gap(),
        gap(),
    );
    let uses = prop::collection::vec(gap(), 0..4);
    (title(), prop::collection::vec(perspective, 0..4), prop::collection::vec((ident(), ident()), 0..4), gap(), uses).prop_map(|(t, ps, links, g, uses)| {
        // A run of `use` lines (the formatter keeps it together), each after a gap.
        let mut s: String = uses.iter().map(|g| format!("{g}use \"std/kpis\"\n")).collect();
        s.push_str(&format!("{g}@allow(focus)\nscorecard \"{t}\" {{ owner \"CEO\"{g}period 2025-01 .. 2025-12 }}\n"));
        for (pid, objs, g, hg, end) in ps {
            s.push_str(&format!("{g}perspective {pid}{hg}{{"));
            for (oid, ot, ms, g, hg) in objs {
                s.push_str(&format!("{g}objective {oid} \"{ot}\"{hg}{{ owner \"x\""));
                for (mid, mt, props, g, hg) in ms {
                    s.push_str(&format!("{g}measure {mid} \"{mt}\"{hg}{{ {} }}", props.join(&g)));
                }
                s.push_str("}\n");
            }
            // What stands before `}` documents nothing either.
            s.push_str(&format!("{end}}}\n"));
        }
        if !links.is_empty() {
            let chains: Vec<String> = links.iter().map(|(a, b)| format!("{a} -> {b}")).collect();
            s.push_str(&format!("map {{ {} }}\n", chains.join(&g)));
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn generated_scorecards_format_faithfully(text in scorecard()) {
        let path = Path::new("/nonexistent/gen.bsc");
        let once = format(&text).unwrap_or_else(|e| panic!("generated text parses: {:?}\n{text}", e[0].message));
        prop_assert_eq!(format(&once).unwrap(), once.clone());
        prop_assert_eq!(comments(&text), comments(&once));
        prop_assert_eq!(model(&text, path), model(&once, path));
    }
}

#[test]
fn a_folder_without_scorecards_is_an_error_as_for_check() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a scorecard").unwrap();
    for args in [&["fmt"][..], &["fmt", "--check"], &["fmt", "."], &["check"]] {
        let (status, _, err) = bsc(dir.path(), args, "");
        assert_eq!(status, 2, "{args:?}: {err}");
        assert!(err.contains("no .bsc files under `.`"), "{args:?}: {err}");
    }
}
