//! The loader reads imported files ahead, on several threads, under the file id each
//! is expected to get. These projects make that guess wrong in every way — an import
//! that imports more files, the library, a repeated and a missing import — and check
//! that every file keeps its own id: each diagnostic points into the file and at the
//! text it names, whether the guess was right or the file's spans were moved.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use bsc::files::MemFs;
use bsc::span::FileId;
use bsc::syntax::parse;

/// A file declaring objective `name` that links to `missing_NAME`, which does not exist.
fn part(name: &str, uses: &[&str]) -> String {
    let mut s: String = uses.iter().map(|u| format!("use \"{u}\"\n")).collect();
    s.push_str(&format!(
        "perspective p_{name} {{\n  objective {name} \"Objective {name}\" {{ owner \"o\" }}\n}}\nmap {{ {name} -> missing_{name} }}\n"
    ));
    s
}

#[test]
fn files_read_ahead_keep_their_own_ids() {
    let files: BTreeMap<&str, String> = BTreeMap::from([
        (
            "main",
            part("root", &["a", "std/kpis", "b", "a", "nowhere", "c", "h"]),
        ),
        ("a", part("a", &["a1", "a2"])),
        ("a1", part("a1", &[])),
        ("a2", part("a2", &["b"])),
        ("b", part("b", &[])),
        ("c", part("c", &["d", "e", "f"])),
        ("d", part("d", &[])),
        ("e", part("e", &[])),
        ("f", part("f", &[])),
        // The parser reports its impossible month: that diagnostic must point into it too.
        ("h", part("h", &[]).replace("owner \"o\"", "due 2026-13")),
    ]);
    let mut fs = MemFs::new();
    for (name, text) in &files {
        fs.insert(format!("/p/{name}.bsc"), text.clone());
    }
    let root = files["main"].clone();
    let c = bsc::compile_bytes(
        &fs,
        "main.bsc",
        Path::new("/p/main.bsc"),
        root.as_bytes(),
        &bsc::Options::default(),
    );

    let mut unknown = BTreeMap::new();
    for d in &c.diagnostics {
        let f = c.sources.get(d.span.file);
        let text = &f.text[d.span.range()];
        if let Some(name) = text.strip_prefix("missing_") {
            unknown.insert(f.name.clone(), name.to_string());
        }
    }
    let expected: BTreeMap<String, String> = files
        .keys()
        .map(|n| {
            (
                format!("{n}.bsc"),
                if *n == "main" {
                    "root".into()
                } else {
                    n.to_string()
                },
            )
        })
        .collect();
    assert_eq!(
        unknown, expected,
        "every file's unknown link, found in that file"
    );
    // Depth-first load order, the library where `main` names it, each file once.
    let order: Vec<&str> = c
        .files
        .iter()
        .map(|f| c.sources.get(f.id).name.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "main.bsc",
            "a.bsc",
            "a1.bsc",
            "a2.bsc",
            "b.bsc",
            "std/kpis.bsc",
            "c.bsc",
            "d.bsc",
            "e.bsc",
            "f.bsc",
            "h.bsc"
        ]
    );
    let parser: Vec<(&str, &str)> = c
        .diagnostics
        .iter()
        .filter(|d| d.code.name() == "invalid-period")
        .map(|d| {
            let f = c.sources.get(d.span.file);
            (f.name.as_str(), &f.text[d.span.range()])
        })
        .collect();
    assert_eq!(parser, [("h.bsc", "13")]);
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.message.contains("cannot read `nowhere.bsc`"))
    );
}

/// What the loader does to a file whose id was guessed wrong: every span of its tree and
/// diagnostics moves, so the result equals a parse under the right id.
#[test]
fn a_moved_tree_equals_the_tree_parsed_under_the_new_id() {
    let mut moved = 0;
    for path in common::inputs(&["examples", "std", "tests/fixtures"]) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let (Some(mut a), diags_a) = parse(FileId(3), &text) else {
            continue;
        };
        let (b, diags_b) = parse(FileId(9), &text);
        a.move_to(FileId(9));
        assert_eq!(Some(a), b, "{}", path.display());
        let diags_a: Vec<_> = diags_a
            .into_iter()
            .map(|mut d| {
                d.move_file(FileId(3), FileId(9));
                d
            })
            .collect();
        assert_eq!(diags_a, diags_b, "{}", path.display());
        moved += 1;
    }
    assert!(moved > 50, "only {moved} files parsed");
}
