//! The JSON documents `bsc` prints are checked against the schemas that ship with it:
//! `schema/bsc.schema.json` (`bsc build --format json`, `bsc/1`) and
//! `schema/bsc-diagnostics.schema.json` (`bsc check --format json`, `bsc-diagnostics/1`).
//! Every example is run through the real binary; negative tests make sure the schemas
//! really reject what they must.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use jsonschema::Validator;
use serde_json::{Value, json};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load(name: &str) -> Value {
    let path = root().join("schema").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

fn validator(name: &str) -> Validator {
    let schema = load(name);
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("{name} is not a valid draft 2020-12 schema: {e}");
    }
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn model_schema() -> Validator {
    validator("bsc.schema.json")
}

fn diagnostics_schema() -> Validator {
    validator("bsc-diagnostics.schema.json")
}

/// The schema violations of `doc`, one line each (empty when it is valid).
fn violations(v: &Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(v: &Validator, doc: &Value, what: &str) {
    let errors = violations(v, doc);
    assert!(
        errors.is_empty(),
        "{what} does not match its schema:\n{}",
        errors.join("\n")
    );
}

fn assert_invalid(v: &Validator, doc: &Value, what: &str) {
    assert!(
        !v.is_valid(doc),
        "the schema accepts a document with {what}"
    );
}

fn bsc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bsc"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("bsc runs")
}

fn json_of(out: &Output, what: &str) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: stdout is not JSON ({e})\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `examples/*.bsc`, relative to the crate root, sorted.
fn examples() -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "bsc"))
        .map(|p: PathBuf| format!("examples/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    found.sort();
    assert!(
        found.len() >= 5,
        "expected the five examples, found {found:?}"
    );
    found
}

fn build(dir: &Path, file: &str, extra: &[&str]) -> (Output, Value) {
    let mut args = vec!["build", file, "--format", "json", "-o", "-"];
    args.extend_from_slice(extra);
    let out = bsc(dir, &args);
    assert!(
        out.status.success(),
        "bsc build {file} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_of(&out, file);
    (out, doc)
}

fn check(dir: &Path, file: &str) -> (Output, Value) {
    let out = bsc(dir, &["check", file, "--format", "json"]);
    let doc = json_of(&out, file);
    (out, doc)
}

fn count_level(doc: &Value, level: &str) -> usize {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["level"] == level)
        .count()
}

fn ids(items: &Value) -> Vec<&str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect()
}

/// Ids that are referenced from one part of the document are declared in another, and
/// every rollup is the weighted mean its trace says it is.
fn assert_consistent(doc: &Value, file: &str) {
    let objectives = ids(&doc["objectives"]);
    let measures = ids(&doc["measures"]);
    let perspectives = ids(&doc["perspectives"]);
    for o in doc["objectives"].as_array().unwrap() {
        assert!(perspectives.contains(&o["perspective"].as_str().unwrap()));
        for m in o["measures"].as_array().unwrap() {
            let m = doc["measures"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["id"] == *m)
                .unwrap_or_else(|| panic!("{file}: objective lists unknown measure {m}"));
            assert_eq!(m["objective"], o["id"], "{file}");
        }
    }
    for l in doc["links"].as_array().unwrap() {
        assert!(objectives.contains(&l["from"].as_str().unwrap()), "{file}");
        assert!(objectives.contains(&l["to"].as_str().unwrap()), "{file}");
    }
    for i in doc["initiatives"].as_array().unwrap() {
        for s in i["supports"].as_array().unwrap() {
            let pool = if s["kind"] == "objective" {
                &objectives
            } else {
                &measures
            };
            assert!(pool.contains(&s["id"].as_str().unwrap()), "{file}: {s}");
        }
    }
    let rollups = doc["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .chain(doc["perspectives"].as_array().unwrap())
        .chain(std::iter::once(&doc["scorecard"]));
    for r in rollups {
        let terms = r["trace"]["terms"].as_array().unwrap();
        let (sum, total) = terms.iter().fold((0.0, 0.0), |(s, t), x| {
            let w = x["weight"].as_f64().unwrap();
            (s + w * x["value"].as_f64().unwrap(), t + w)
        });
        match r["score"].as_f64() {
            Some(score) => assert!(
                (score - sum / total).abs() < 1e-8,
                "{file}: {} scores {score}, its terms give {}",
                r["id"],
                sum / total
            ),
            None => assert_eq!(r["status"], "none", "{file}: {}", r["id"]),
        }
    }
    assert_eq!(doc["errors"], count_level(doc, "error"), "{file}");
    assert_eq!(doc["warnings"], count_level(doc, "warning"), "{file}");
}

#[test]
fn both_schemas_are_valid_and_name_their_documents() {
    for (name, id, tag) in [
        (
            "bsc.schema.json",
            "https://bsc.dev/schema/bsc-1.json",
            "bsc/1",
        ),
        (
            "bsc-diagnostics.schema.json",
            "https://bsc.dev/schema/bsc-diagnostics-1.json",
            "bsc-diagnostics/1",
        ),
    ] {
        let s = load(name);
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(s["$id"], id);
        assert_eq!(s["properties"]["schema"]["const"], tag);
        validator(name);
    }
}

#[test]
fn the_diagnostic_definitions_are_the_same_in_both_schemas() {
    // bsc.schema.json is self-contained, so it repeats the diagnostic of the other.
    let (model, diags) = (load("bsc.schema.json"), load("bsc-diagnostics.schema.json"));
    for def in ["diagnostic", "label"] {
        assert_eq!(
            model["$defs"][def], diags["$defs"][def],
            "$defs/{def} differs"
        );
    }
}

#[test]
fn the_code_enum_lists_every_code_bsc_has() {
    let schema = load("bsc-diagnostics.schema.json");
    let listed: Vec<&str> = schema["$defs"]["diagnostic"]["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let codes: Vec<&str> = bsc::codes::Code::ALL.iter().map(|c| c.name()).collect();
    assert_eq!(listed, codes, "update the code enum in the schemas");
}

#[test]
fn build_output_of_every_example_matches_the_schema() {
    let schema = model_schema();
    for file in examples() {
        let (_, doc) = build(root(), &file, &[]);
        assert_valid(&schema, &doc, &format!("bsc build {file}"));
        assert_eq!(doc["schema"], "bsc/1");
        assert!(!doc["measures"].as_array().unwrap().is_empty(), "{file}");
        assert!(doc["scorecard"]["score"].is_number(), "{file}: no score");
        assert_eq!(
            doc["measures"][0]["location"]["file"], file,
            "locations name the file as given"
        );
        assert_consistent(&doc, &file);
    }
}

#[test]
fn build_output_with_an_as_of_period_matches_the_schema() {
    let schema = model_schema();
    let (_, doc) = build(root(), "examples/manufacturer.bsc", &["--as-of", "2025-03"]);
    assert_valid(&schema, &doc, "bsc build --as-of 2025-03");
    assert_eq!(doc["as_of"], "2025-03");
    let downtime = doc["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "downtime")
        .expect("manufacturer has a downtime measure");
    assert_eq!(
        downtime["actual"],
        json!({ "period": "2025-03", "value": 133 })
    );
    assert_eq!(downtime["target"], json!({ "value": 124, "by": "2025-06" }));
    assert_consistent(&doc, "manufacturer --as-of 2025-03");
}

#[test]
fn build_output_is_byte_identical_across_runs() {
    for file in examples() {
        let (a, _) = build(root(), &file, &[]);
        let (b, _) = build(root(), &file, &[]);
        assert!(!a.stdout.is_empty());
        assert!(a.stdout == b.stdout, "{file}: two builds differ");
    }
}

#[test]
fn check_output_of_every_example_matches_the_schema() {
    let schema = diagnostics_schema();
    for file in examples() {
        let (out, doc) = check(root(), &file);
        assert_eq!(out.status.code(), Some(0), "{file}: {doc}");
        assert_valid(&schema, &doc, &format!("bsc check {file}"));
        assert_eq!(doc["schema"], "bsc-diagnostics/1");
        assert_eq!(doc["errors"], 0, "{file}");
        assert_eq!(doc["warnings"], count_level(&doc, "warning"), "{file}");
    }
}

const BROKEN: &str = r#"scorecard "Broken" { period 2025-01 .. 2025-12 }
perspective internal {
  objective a "A" { owner "x" measure ma "MA" { unit "u" baseline 0 target 10 actuals { 2025-01: 3 } } }
  objective b "B" { owner "y" measure mb "MB" { unit "u" baseline 0 target 10 } }
}
map { a -> b -> a  b -> nosuch }
"#;

#[test]
fn check_output_with_errors_matches_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.bsc"), BROKEN).unwrap();
    let (out, doc) = check(dir.path(), "broken.bsc");
    assert_eq!(out.status.code(), Some(1), "errors exit with 1");
    assert_valid(&diagnostics_schema(), &doc, "check of a broken file");
    let diags = doc["diagnostics"].as_array().unwrap();
    let cycle = diags
        .iter()
        .find(|d| d["code"] == "cycle")
        .expect("a cycle diagnostic");
    assert_eq!(cycle["level"], "error");
    assert_eq!(cycle["file"], "broken.bsc");
    assert_eq!(cycle["line"], 6);
    assert!(
        cycle["labels"].as_array().unwrap().len() >= 2,
        "every edge of the cycle is labelled"
    );
    let unknown = diags
        .iter()
        .find(|d| d["code"] == "unknown-ref")
        .expect("an unknown-ref diagnostic");
    assert!(unknown["message"].as_str().unwrap().contains("nosuch"));
    assert_eq!(doc["errors"], count_level(&doc, "error"));
    assert!(doc["errors"].as_u64().unwrap() >= 2);
    assert_eq!(doc["warnings"], count_level(&doc, "warning"));

    // A build with errors writes no document.
    let out = bsc(
        dir.path(),
        &["build", "broken.bsc", "--format", "json", "-o", "-"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

/// No scorecard, weeks and days, a measure without target, a bare initiative: the
/// nullable branches of the schema.
const SPARSE: &str = r#"perspective internal {
  /// Weekly.
  objective w "Weekly" {
    measure tickets "Tickets" { unit "n" direction down threshold 12 target 10 frequency weekly
      actuals { 2025-W01: 14, 2025-W02: 11, 2025-W03: 11 } }
    measure untargeted "No target" { unit "n" direction up actuals { 2025-01-15: 3 } }
  }
  objective empty "Nothing measured" { owner "x" }
}
perspective mission "Mission" { level 5 objective m "M" { owner "y" } }
initiative bare "Bare" { }
map { w -> m }
"#;

#[test]
fn a_sparse_document_with_warnings_matches_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sparse.bsc"), SPARSE).unwrap();
    let (_, doc) = build(dir.path(), "sparse.bsc", &[]);
    assert_valid(&model_schema(), &doc, "build of sparse.bsc");
    assert!(doc["scorecard"]["title"].is_null());
    assert!(doc["scorecard"]["location"].is_null());
    assert!(doc["scorecard"]["currency"].is_null());
    assert!(doc["warnings"].as_u64().unwrap() > 0);
    let m = &doc["measures"];
    assert_eq!(m[0]["actual"]["period"], "2025-W03");
    assert_eq!(m[0]["trend"], "flat");
    assert_eq!(
        (&m[1]["status"], &m[1]["progress"]),
        (&json!("none"), &Value::Null)
    );
    assert_eq!(doc["objectives"][1]["status"], "none");
    assert_eq!(doc["perspectives"].as_array().unwrap().len(), 5);
    assert_consistent(&doc, "sparse.bsc");

    let (_, diags) = check(dir.path(), "sparse.bsc");
    assert_valid(&diagnostics_schema(), &diags, "check of sparse.bsc");
    assert_eq!(diags["diagnostics"], doc["diagnostics"]);
}

/// `currency "EUR"` reaches the JSON as `scorecard.currency`, the unit of budgets.
#[test]
fn the_scorecard_currency_is_in_the_json() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("eur.bsc"),
        "scorecard \"S\" { currency \"EUR\" }\ninitiative crm \"CRM\" { budget 10k }\n",
    )
    .unwrap();
    let (_, doc) = build(dir.path(), "eur.bsc", &[]);
    assert_valid(&model_schema(), &doc, "build of eur.bsc");
    assert_eq!(doc["scorecard"]["currency"], "EUR");
    assert_eq!(doc["initiatives"][0]["budget"], 10_000.0);
    rejects(&model_schema(), &doc, "a numeric currency", |d| {
        d["scorecard"]["currency"] = json!(978)
    });
}

/// Applies `edit` to a copy of `doc` and asserts the schema rejects the result.
fn rejects(v: &Validator, doc: &Value, what: &str, edit: impl FnOnce(&mut Value)) {
    let mut bad = doc.clone();
    edit(&mut bad);
    assert_ne!(&bad, doc, "the edit for {what} changed nothing");
    assert_invalid(v, &bad, what);
}

#[test]
fn the_model_schema_rejects_what_it_must() {
    let v = model_schema();
    let (_, doc) = build(root(), "examples/manufacturer.bsc", &[]);
    assert_valid(&v, &doc, "manufacturer");
    rejects(&v, &doc, "a wrong status", |d| {
        d["measures"][0]["status"] = json!("yellow")
    });
    rejects(&v, &doc, "a wrong objective status", |d| {
        d["objectives"][0]["status"] = json!("Green")
    });
    rejects(&v, &doc, "an extra key on a measure", |d| {
        d["measures"][0]["colour"] = json!("green")
    });
    rejects(&v, &doc, "an extra top-level key", |d| {
        d["generated_at"] = json!("2025-01-01")
    });
    rejects(&v, &doc, "an extra key in a location", |d| {
        d["links"][0]["location"]["end_line"] = json!(3)
    });
    rejects(&v, &doc, "a missing key", |d| {
        d["objectives"][0].as_object_mut().unwrap().remove("score");
    });
    rejects(&v, &doc, "progress above 1", |d| {
        d["measures"][0]["progress"] = json!(1.5)
    });
    rejects(&v, &doc, "a score as a string", |d| {
        d["scorecard"]["score"] = json!("0.86")
    });
    rejects(&v, &doc, "a malformed period", |d| {
        d["measures"][0]["actuals"][0]["period"] = json!("2025-1")
    });
    rejects(&v, &doc, "a wrong trend", |d| {
        d["measures"][0]["trend"] = json!("better")
    });
    rejects(&v, &doc, "a wrong direction", |d| {
        d["measures"][0]["direction"] = json!("higher")
    });
    rejects(&v, &doc, "a line 0", |d| {
        d["measures"][0]["location"]["line"] = json!(0)
    });
    rejects(&v, &doc, "progress with status none", |d| {
        d["measures"][0]["status"] = json!("none")
    });
    rejects(&v, &doc, "a score without a status", |d| {
        d["objectives"][0]["score"] = Value::Null
    });
    rejects(&v, &doc, "a verdict without r", |d| {
        d["links"][0]["evidence"]["verdict"] = json!("consistent");
        d["links"][0]["evidence"]["r"] = Value::Null
    });
    rejects(&v, &doc, "an overclaiming verdict", |d| {
        d["links"][0]["evidence"]["verdict"] = json!("supports")
    });
    rejects(&v, &doc, "another schema tag", |d| {
        d["schema"] = json!("bsc/2")
    });
}

#[test]
fn the_diagnostics_schema_rejects_what_it_must() {
    let v = diagnostics_schema();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.bsc"), BROKEN).unwrap();
    let (_, doc) = check(dir.path(), "broken.bsc");
    assert_valid(&v, &doc, "broken.bsc");
    rejects(&v, &doc, "a wrong level", |d| {
        d["diagnostics"][0]["level"] = json!("note")
    });
    rejects(&v, &doc, "an unknown code", |d| {
        d["diagnostics"][0]["code"] = json!("oops")
    });
    rejects(&v, &doc, "an extra key on a diagnostic", |d| {
        d["diagnostics"][0]["severity"] = json!("error")
    });
    rejects(&v, &doc, "an extra key on a label", |d| {
        d["diagnostics"][0]["labels"][0]["note"] = json!("x")
    });
    rejects(&v, &doc, "a column 0", |d| {
        d["diagnostics"][0]["column"] = json!(0)
    });
    rejects(&v, &doc, "a missing help", |d| {
        d["diagnostics"][0].as_object_mut().unwrap().remove("help");
    });
    rejects(&v, &doc, "a line as a string", |d| {
        d["diagnostics"][0]["line"] = json!("6")
    });
    rejects(&v, &doc, "a negative count", |d| d["errors"] = json!(-1));
}
