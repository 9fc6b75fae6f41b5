//! The bodies of the fuzz targets (`fuzz/`), here so that the regression test
//! (`tests/fuzz_regressions.rs`) runs exactly what the fuzzer ran, on stable Rust.

use std::path::Path;

use crate::files::{FileSystem, MemFs};
use crate::span::FileId;
use crate::{Build, Options};

/// Decodes and parses.
pub fn parse(data: &[u8]) {
    let (text, bad) = crate::syntax::decode(FileId(0), data.to_vec());
    if bad.is_none() {
        let _ = crate::syntax::parse(FileId(0), &text);
    }
}

/// Decodes and parses with both parsers: the direct parser on its own (recovery
/// included) and the grammar's parse must give the same verdict on every text; on a
/// text the grammar accepts, the same tree and diagnostics; on one it rejects, the
/// direct parser finds its first error no later than the grammar, `syntax::parse`
/// reports the grammar's error first, and never more than `MAX_ERRORS` and one more.
/// Returns whether it parsed; `None` when the bytes are not text (neither parser sees
/// them).
pub fn agree(data: &[u8]) -> Option<bool> {
    let (text, bad) = crate::syntax::decode(FileId(0), data.to_vec());
    if bad.is_some() {
        return None;
    }
    let (direct, grammar, (tree, diags)) = crate::syntax::parse_three_ways(FileId(0), &text);
    match (direct, grammar) {
        (Some(d), (Some(g_ast), g_diags)) => {
            assert!(
                d.errors.is_empty(),
                "only the grammar reads {text:?}: {:?}",
                d.errors[0]
            );
            assert!(
                !d.file.has_errors(),
                "error nodes in a valid file: {text:?}"
            );
            assert_eq!(
                (d.file, d.diags),
                (g_ast, g_diags),
                "the parsers disagree on {text:?}"
            );
            Some(true)
        }
        (Some(d), (None, g_diags)) => {
            let first = &g_diags[0];
            assert!(
                !d.errors.is_empty(),
                "only the direct parser reads {text:?} (the grammar says {first:?})"
            );
            assert!(d.file.has_errors(), "no error node in {text:?}");
            assert!(
                d.errors.len() <= crate::syntax::MAX_ERRORS + 1,
                "{} errors in {text:?}",
                d.errors.len()
            );
            assert!(
                d.errors[0].span.start <= first.span.start,
                "the direct parser's first error {:?} comes after the grammar's {first:?} in {text:?}",
                d.errors[0]
            );
            assert_eq!(
                diags.first(),
                Some(first),
                "the first error is not the grammar's in {text:?}"
            );
            // Only the limits leave no tree; foreign formats never get here.
            if tree.is_none() {
                assert_eq!(diags.len(), 1, "{text:?}");
            }
            Some(false)
        }
        (None, (None, _)) => Some(false),
        (None, (Some(_), _)) => panic!("only the grammar reads {text:?}"),
    }
}

/// Runs the whole pipeline on `data` as the root file (no disk access).
pub fn check(data: &[u8]) {
    let fs = MemFs::new();
    let c = crate::compile_bytes(
        &fs,
        "fuzz.bsc",
        Path::new("/fuzz/fuzz.bsc"),
        data,
        &Options::default(),
    );
    let built = Build::new(c);
    let out = std::path::Path::new("fuzz.html");
    let _ = crate::emit::render(&built, crate::emit::OutFormat::Json, out);
    let _ = crate::emit::render(&built, crate::emit::OutFormat::Html, out);
    let report = crate::emit::Report::new([&built.compilation]);
    let _ = crate::emit::human::render(&report, false);
    let _ = crate::emit::sarif::render(&report);
}

/// What a text means: its scored model as JSON without source positions, and the doc
/// of every declaration of the user's files (`docs`: the model shows those of what it
/// scores, not of `kpi` templates, `use` or `map`), compiled as the file at `path`
/// (imports resolve from there, through `fs`).
pub fn meaning_at(text: &str, path: &Path, fs: &dyn FileSystem) -> serde_json::Value {
    let c = crate::compile_bytes(fs, "f.bsc", path, text.as_bytes(), &Options::default());
    let docs: Vec<String> = c
        .files
        .iter()
        .filter(|f| !f.is_std)
        .filter_map(|f| f.ast.as_ref())
        .flat_map(docs)
        .collect();
    let built = Build::new(c);
    let mut v: serde_json::Value = serde_json::from_str(&crate::emit::model_json::render(
        &built.compilation,
        &built.scores,
        &built.departments,
    ))
    .unwrap_or_default();
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for k in [
                    "location",
                    "line",
                    "column",
                    "end_line",
                    "end_column",
                    "labels",
                ] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    if let serde_json::Value::Object(m) = &mut v {
        m.insert("docs".into(), docs.into());
    }
    v
}

/// `KIND NAME: DOC` for every declaration of a syntax tree, in source order.
fn docs(ast: &crate::syntax::ast::File) -> Vec<String> {
    use crate::syntax::ast::{Decl, Item, ObjectiveItem, PerspectiveItem};
    fn one<T>(out: &mut Vec<String>, kind: &str, name: &str, d: &Decl<T>) {
        out.push(format!("{kind} {name}: {:?}", d.doc));
    }
    let mut out = Vec::new();
    for item in &ast.items {
        match item {
            Item::Use(d) => one(&mut out, "use", &d.node.path.value, d),
            Item::Cascade(d) => one(&mut out, "cascade", &d.node.id.name, d),
            Item::Align(d) => one(&mut out, "align", &d.node.source.name, d),
            Item::Scorecard(d) => one(&mut out, "scorecard", &d.node.title.value, d),
            Item::Kpi(d) => one(&mut out, "kpi", &d.node.id.name, d),
            Item::Initiative(d) => one(&mut out, "initiative", &d.node.id.name, d),
            Item::Map(d) => one(&mut out, "map", "", d),
            Item::Error(_) => {}
            Item::Perspective(d) => {
                one(&mut out, "perspective", &d.node.id.name, d);
                for it in &d.node.items {
                    if let PerspectiveItem::Objective(o) = it {
                        one(&mut out, "objective", &o.node.id.name, o);
                        for m in &o.node.items {
                            if let ObjectiveItem::Measure(m) = m {
                                one(&mut out, "measure", &m.node.id.name, m);
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// Formatting a file that parses gives a file that parses to the same model and
/// formats to itself.
pub fn fmt(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(once) = crate::fmt::format(text) else {
        return;
    };
    let twice = match crate::fmt::format(&once) {
        Ok(t) => t,
        Err(d) => panic!("formatted text does not parse: {}\n{once}", d[0].message),
    };
    assert_eq!(once, twice, "fmt is not idempotent");
    let (path, fs) = (Path::new("/fuzz/fuzz.bsc"), MemFs::new());
    assert_eq!(
        meaning_at(text, path, &fs),
        meaning_at(&once, path, &fs),
        "fmt changed the meaning"
    );
}

/// Any bytes as a data file: read as CSV, as each kind of workbook in both layouts, and
/// as a SQLite database; every reader ends with values or problems, never a panic.
/// Workbooks are read the way bsc reads them: in a worker when one is registered
/// (`data::worker::use_worker`), else in-process.
pub fn data(data: &[u8]) {
    use crate::data::worker::{SheetRequest, read_sheet};
    use crate::data::{Layout, Source, csv, sql};
    use crate::period::Grain;
    let _ = csv::read("f.csv", data.to_vec(), None);
    let _ = csv::read("f.csv", data.to_vec(), Some("value"));
    let layouts = [
        Layout::Long { column: None },
        Layout::Wide {
            row: "Revenue".into(),
            key: None,
        },
        Layout::Wide {
            row: "Revenue".into(),
            key: Some("KPI".into()),
        },
    ];
    for name in ["f.xlsx", "f.xls", "f.ods"] {
        for layout in &layouts {
            let _ = read_sheet(SheetRequest {
                name: name.into(),
                sheet: None,
                layout: layout.clone(),
                grain: Grain::Month,
                bytes: data.to_vec(),
            });
        }
    }
    let _ = sql::read("f.sqlite", data.to_vec(), "SELECT 1, 2");
    let _ = Source::for_file("f.csv", None, None, None, None);
}
