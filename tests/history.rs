//! Projection and history (LANGUAGE.md §9.4), through the real binary: projections by
//! hand-worked numbers (a flat, a worsening, an improving and a noisy series), and a
//! history that gives, for every month, what `bsc build --as-of MONTH` gives.

mod common;

use std::path::Path;

use serde_json::Value;

/// The real binary's status, stdout and stderr (`common::bsc`, which fails a hang).
fn bsc(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let r = common::bsc(dir, args);
    (r.status, r.stdout, r.stderr)
}

fn build(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["build", "plan.bsc", "--format", "json", "-o", "-"];
    args.extend_from_slice(extra);
    let (status, out, err) = bsc(dir, &args);
    assert_eq!(status, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// One measure per series, all `up` with baseline 0 and `target 20 by TARGET_BY`.
fn plan(series: &[(&str, &str, &str)]) -> String {
    let mut s = String::from(
        "@allow(missing-perspective, orphan, unexplained-red, lagging-only)\nscorecard \"P\" { period 2025-01 .. 2025-12 as_of 2025-03 }\nperspective financial {\n  objective o \"O\" { owner \"CFO\"\n",
    );
    for (id, by, actuals) in series {
        s.push_str(&format!(
            "    measure {id} \"{id}\" {{ direction up baseline 0 target 20 by {by} frequency monthly actuals {{ {actuals} }} }}\n"
        ));
    }
    s.push_str("  }\n}\n");
    s
}

fn projection<'a>(doc: &'a Value, id: &str) -> &'a Value {
    let m = doc["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap();
    &m["projection"]
}

#[test]
fn projections_by_hand_worked_numbers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plan.bsc"),
        plan(&[
            // Flat: slope 0, never meets 20.
            ("flat", "2025-12", "2025-01: 10, 2025-02: 10, 2025-03: 10"),
            // Worsening: slope −1 (away from an `up` target).
            ("worse", "2025-12", "2025-01: 10, 2025-02: 9, 2025-03: 8"),
            // +2 a month from 14 in March: 20 in June (14 + 3 × 2), before December.
            ("steady", "2025-12", "2025-01: 10, 2025-02: 12, 2025-03: 14"),
            // +1 a month from 12 in March: 20 in November, after its June target date.
            ("slow", "2025-06", "2025-01: 10, 2025-02: 11, 2025-03: 12"),
            // 10, 13, 14: x̄ = 0 at February, ȳ = 37/3, b = (−1 × −7/3 + 1 × 5/3) / 2 = 2;
            // the line is 37/3 + 2x, which reaches 20 at x = 23/6 ≈ 3.83: x = 4 is June.
            ("noisy", "2025-06", "2025-01: 10, 2025-02: 13, 2025-03: 14"),
            // Two actuals: no projection (fewer than 3).
            ("short", "2025-12", "2025-02: 10, 2025-03: 12"),
            // Target met: no projection.
            ("met", "2025-12", "2025-01: 18, 2025-02: 19, 2025-03: 21"),
            // A 2024 decline before the plan (period 2025-01 ..) is not the plan's pace:
            // the line runs through 2025 alone, as "steady" (through all six months its
            // slope would be about −0.5, away from the target).
            (
                "turned",
                "2025-12",
                "2024-10: 16, 2024-11: 14, 2024-12: 12, 2025-01: 10, 2025-02: 12, 2025-03: 14",
            ),
            // Two months of the plan and a 2024 behind them: fewer than 3 in the plan.
            (
                "new",
                "2025-12",
                "2024-11: 6, 2024-12: 8, 2025-02: 10, 2025-03: 12",
            ),
        ]),
    )
    .unwrap();
    let doc = build(dir.path(), &[]);
    let p = |id| projection(&doc, id).clone();
    assert_eq!(
        p("flat"),
        serde_json::json!({"period": null, "on_track": false})
    );
    assert_eq!(
        p("worse"),
        serde_json::json!({"period": null, "on_track": false})
    );
    assert_eq!(
        p("steady"),
        serde_json::json!({"period": "2025-06", "on_track": true})
    );
    assert_eq!(
        p("slow"),
        serde_json::json!({"period": "2025-11", "on_track": false})
    );
    assert_eq!(
        p("noisy"),
        serde_json::json!({"period": "2025-06", "on_track": true})
    );
    assert_eq!(p("short"), Value::Null);
    assert_eq!(p("turned"), p("steady"));
    assert_eq!(p("new"), Value::Null);
    assert_eq!(p("met"), Value::Null);
    // At an earlier as-of period only the actuals up to it count: two, so none.
    let early = build(dir.path(), &["--as-of", "2025-02"]);
    assert_eq!(projection(&early, "steady"), &Value::Null);
}

#[test]
fn history_is_what_build_as_of_gives_for_each_month() {
    // period 2025-01 .. 2025-12, as_of 2025-09: nine months.
    let months = same_as_build_as_of("examples/logistics.bsc");
    assert_eq!(months.len(), 9, "{months:?}");
    assert_eq!(months[0], "2025-01");
    assert_eq!(months[8], "2025-09");
}

/// A company scorecard: its history counts the aligned department objectives at each
/// period, as `build --as-of` does.
#[test]
fn a_company_history_counts_its_departments_at_each_period() {
    let months = same_as_build_as_of("examples/cascade/company.bsc");
    assert!(months.len() >= 3, "{months:?}");
}

/// Builds `file` and, for each point of its history, `file --as-of PERIOD`: the scores
/// and statuses of the scorecard, each perspective and each objective agree. Returns the
/// periods.
fn same_as_build_as_of(file: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let json = |extra: &[&str]| {
        let mut args = vec!["build", file, "--format", "json", "-o", "-"];
        args.extend_from_slice(extra);
        let (status, out, err) = bsc(root, &args);
        assert_eq!(status, 0, "{err}");
        serde_json::from_str::<Value>(&out).unwrap()
    };
    let doc = json(&[]);
    let history = doc["scorecard"]["history"].as_array().unwrap().clone();
    let months: Vec<String> = history
        .iter()
        .map(|p| p["period"].as_str().unwrap().to_string())
        .collect();
    for (i, month) in months.iter().enumerate() {
        let at = json(&["--as-of", month]);
        let point = |v: &Value| (v["score"].clone(), v["status"].clone());
        assert_eq!(
            point(&history[i]),
            point(&at["scorecard"]),
            "{file}: scorecard at {month}"
        );
        for key in ["perspectives", "objectives"] {
            for (now, then) in doc[key]
                .as_array()
                .unwrap()
                .iter()
                .zip(at[key].as_array().unwrap())
            {
                assert_eq!(
                    point(&now["history"][i]),
                    point(then),
                    "{file}: {key} {} at {month}",
                    then["id"]
                );
                assert_eq!(now["history"][i]["period"], *month);
            }
        }
    }
    // The last point is the scorecard as of now.
    if let Some(last) = history.last() {
        assert_eq!(last["score"], doc["scorecard"]["score"]);
    }
    months
}

#[test]
fn no_period_no_history() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plan.bsc"),
        plan(&[("m", "2025-12", "2025-01: 10, 2025-02: 12, 2025-03: 14")])
            .replace(" period 2025-01 .. 2025-12", ""),
    )
    .unwrap();
    let doc = build(dir.path(), &[]);
    assert_eq!(doc["scorecard"]["history"], serde_json::json!([]));
    assert_eq!(doc["objectives"][0]["history"], serde_json::json!([]));
}

/// In process, for every example and fixture with a history: each point is what the
/// scorer gives at that period, bit for bit.
#[test]
fn history_points_are_the_scorer_at_each_period() {
    use bsc::files::Disk;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "bsc"))
        .collect();
    files.push(root.join("examples/project/plan.bsc"));
    files.sort();
    let mut points = 0;
    for f in files {
        let b = bsc::build(&Disk, &f, &bsc::Options::default()).unwrap();
        let (m, h) = (&b.compilation.model, &b.scores.history);
        for (k, point) in h.scorecard.iter().enumerate() {
            let s = bsc::score::score_at(m, Some(point.period), false);
            assert!(m.alignments.is_empty(), "compared without departments");
            assert_eq!(
                (point.score, point.status),
                (s.scorecard.score, s.scorecard.status),
                "{} at {}",
                f.display(),
                point.period
            );
            for (i, o) in s.objectives.iter().enumerate() {
                let p = h.objectives[i][k];
                assert_eq!((p.score, p.status), (o.score, o.status), "{}", f.display());
            }
            for (i, r) in s.perspectives.iter().enumerate() {
                let p = h.perspectives[i][k];
                assert_eq!((p.score, p.status), (r.score, r.status), "{}", f.display());
            }
            points += 1;
        }
    }
    assert!(points >= 30, "{points} points");
}
