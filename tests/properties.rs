//! Properties of the pipeline on generated scorecards: a valid scorecard checks with no
//! error, scores stay in [0, 1], status agrees with progress, renaming an id changes no
//! score, and outputs are byte-identical from one run to the next.

use std::path::Path;

use bsc::files::MemFs;
use bsc::score::{Scores, Status};
use proptest::prelude::*;

/// A measure: (direction up?, baseline, target, threshold offset, actuals).
type MeasureGen = (bool, u16, u16, u8, Vec<u16>);

/// A valid scorecard: every objective owned and measured, links only upward.
fn scorecard() -> impl Strategy<Value = String> {
    let measure = (
        any::<bool>(),
        0u16..1000,
        0u16..1000,
        0u8..50,
        prop::collection::vec(0u16..1000, 0..8),
    );
    let objective = prop::collection::vec(measure, 1..3);
    let perspective = prop::collection::vec(objective, 1..4);
    (prop::collection::vec(perspective, 4..=4), prop::collection::vec((0usize..64, 0usize..64), 0..24), 0u8..3).prop_map(|(ps, links, w)| {
        let names = ["learning", "internal", "customer", "financial"];
        let mut s = String::from("scorecard \"Generated\" { owner \"CEO\" period 2025-01 .. 2025-12 }\n");
        let mut objectives: Vec<(usize, String)> = Vec::new();
        for (pi, objs) in ps.iter().enumerate() {
            s.push_str(&format!("perspective {} {{\n", names[pi]));
            for (oi, ms) in objs.iter().enumerate() {
                let oid = format!("o{pi}_{oi}");
                s.push_str(&format!("  objective {oid} \"Objective {pi}.{oi}\" {{\n    owner \"x\"\n    weight {}\n", 1 + (oi as u8 + w) % 3));
                for (mi, m) in ms.iter().enumerate() {
                    s.push_str(&measure_text(&format!("{oid}_m{mi}"), m));
                }
                s.push_str("  }\n");
                objectives.push((pi, oid));
            }
            s.push_str("}\n");
        }
        let chains: Vec<String> = links
            .iter()
            .filter_map(|&(a, b)| {
                let (pa, a) = &objectives[a % objectives.len()];
                let (pb, b) = &objectives[b % objectives.len()];
                (pa < pb).then(|| format!("  {a} -> {b} : \"{a} drives {b}\""))
            })
            .collect();
        s.push_str(&format!("map {{\n{}\n}}\n", chains.join("\n")));
        s
    })
}

fn measure_text(id: &str, m: &MeasureGen) -> String {
    let (up, baseline, target, gap, actuals) = m;
    // The target lies beyond the baseline in the direction.
    let (lo, hi) = (*baseline.min(target), *baseline.max(target));
    let (baseline, target) = if *up {
        (lo, hi.max(lo + 1))
    } else {
        (hi.max(lo + 1), lo)
    };
    let (dir, threshold) = if *up {
        ("up", f64::from(target) - f64::from(*gap))
    } else {
        ("down", f64::from(target) + f64::from(*gap))
    };
    let cells: Vec<String> = actuals
        .iter()
        .enumerate()
        .map(|(i, v)| format!("2025-{:02}: {v}", i + 1))
        .collect();
    format!(
        "    measure {id} \"Measure {id}\" {{\n      unit \"pts\"\n      direction {dir}\n      baseline {baseline}\n      target {target} by 2025-12\n      threshold {threshold}\n      frequency quarterly\n      actuals {{ {} }}\n    }}\n",
        cells.join(", ")
    )
}

fn compile(text: &str) -> (bsc::Compilation, Scores) {
    let c = bsc::compile_bytes(
        &MemFs::new(),
        "gen.bsc",
        Path::new("/gen/gen.bsc"),
        text.as_bytes(),
        &bsc::Options::default(),
    );
    let s = bsc::score::score(&c.model, c.as_of);
    (c, s)
}

fn in_unit(v: Option<f64>) -> bool {
    v.is_none_or(|v| (0.0..=1.0).contains(&v))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn valid_scorecards_check_without_error(text in scorecard()) {
        let (c, _) = compile(&text);
        let errors: Vec<String> = c.diagnostics.iter().filter(|d| d.level == bsc::codes::Level::Error).map(|d| format!("{}: {}", d.code, d.message)).collect();
        prop_assert!(errors.is_empty(), "{errors:?}\n{text}");
    }

    #[test]
    fn scores_stay_in_the_unit_interval_and_status_agrees_with_progress(text in scorecard()) {
        let (c, s) = compile(&text);
        prop_assert!(in_unit(s.scorecard.score));
        for r in s.objectives.iter().chain(&s.perspectives) {
            prop_assert!(in_unit(r.score));
            prop_assert_eq!(r.score.is_none(), r.status == Status::None);
        }
        for (m, ms) in c.model.measures.iter().zip(&s.measures) {
            prop_assert!(in_unit(ms.progress));
            if let (Some((_, actual)), Some(target), Some(dir)) = (ms.actual, ms.target, m.props.direction) {
                let met = match dir {
                    bsc::syntax::ast::Direction::Up => actual >= target.value,
                    bsc::syntax::ast::Direction::Down => actual <= target.value,
                };
                prop_assert_eq!(ms.status == Status::Green, met, "green ⇔ target met");
                if met {
                    prop_assert_eq!(ms.progress, Some(1.0));
                }
            } else {
                prop_assert_eq!(ms.status, Status::None);
            }
        }
    }

    #[test]
    fn renaming_an_id_everywhere_changes_no_score(text in scorecard(), which in 0usize..4) {
        let old = format!("o{which}_0");
        let renamed = text.replace(&format!("{old} "), "renamed_objective ").replace(&format!("{old}_m"), "renamed_objective_m");
        let (_, a) = compile(&text);
        let (_, b) = compile(&renamed);
        let scores = |s: &Scores| (s.scorecard.score, s.objectives.iter().map(|r| r.score).collect::<Vec<_>>(), s.measures.iter().map(|m| m.progress).collect::<Vec<_>>());
        prop_assert_eq!(scores(&a), scores(&b));
    }

    #[test]
    fn outputs_are_byte_identical_across_runs(text in scorecard()) {
        let render = || {
            let (c, s) = compile(&text);
            let json = bsc::emit::model_json::render(&c, &s, &[]);
            let html = bsc::emit::html::render(&c, &s, &bsc::emit::Links::default()).unwrap();
            let all = [c];
            let report = bsc::emit::Report::new(&all);
            (json, html, bsc::emit::json::render(&report), bsc::emit::sarif::render(&report))
        };
        prop_assert!(render() == render());
    }
}

/// A scorecard with measure `plain` and a measure computed from it as `expr`, both
/// with the same baseline, target, threshold and direction.
fn with_computed_copy(m: &MeasureGen, expr: &str) -> String {
    let plain = measure_text("plain", m);
    let computed: String = measure_text("copy", m)
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("actuals") {
                format!("      compute {expr}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    format!(
        "@allow(missing-perspective, orphan)\nscorecard \"C\" {{ owner \"CEO\" period 2025-01 .. 2025-12 }}\nperspective financial {{\n  objective o \"O\" {{\n    owner \"x\"\n{plain}{computed}\n  }}\n}}\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A computed measure equal to a plain measure's series scores exactly like it.
    #[test]
    fn a_computed_copy_scores_like_the_plain_measure(
        m in (any::<bool>(), 0u16..1000, 0u16..1000, 0u8..50, prop::collection::vec(0u16..1000, 0..8)),
        expr in prop::sample::select(vec!["plain", "(plain)", "plain * 1", "plain + 0", "--plain", "sum(plain, 1)", "avg(plain, 1)"]),
    ) {
        let text = with_computed_copy(&m, expr);
        let (c, s) = compile(&text);
        let errors: Vec<String> = c.diagnostics.iter().filter(|d| d.level == bsc::codes::Level::Error).map(|d| format!("{}: {}", d.code, d.message)).collect();
        prop_assert!(errors.is_empty(), "{errors:?}\n{text}");
        let (a, b) = (&s.measures[0], &s.measures[1]);
        prop_assert_eq!(a.status, b.status, "{}", text);
        prop_assert_eq!(a.progress, b.progress);
        prop_assert_eq!(a.actual, b.actual);
        prop_assert_eq!(a.trend, b.trend);
    }

    /// `growth(m, 12)` of a series that doubles each year is 100 at every month it has.
    #[test]
    fn growth_over_a_year_of_a_doubling_series_is_100(first_year in prop::collection::vec(1u32..100_000, 12)) {
        let mut cells = Vec::new();
        for (year, factor) in [(2024, 1.0), (2025, 2.0), (2026, 4.0)] {
            for (i, v) in first_year.iter().enumerate() {
                cells.push(format!("{year}-{:02}: {}", i + 1, f64::from(*v) * factor));
            }
        }
        let text = format!(
            "@allow(missing-perspective, orphan)\nscorecard \"C\" {{ owner \"CEO\" }}\nperspective financial {{\n  objective o \"O\" {{\n    owner \"x\"\n    measure m \"M\" {{ unit \"EUR\" direction up target 1 actuals {{ {} }} }}\n    measure g \"Growth\" {{ unit \"%\" direction up target 10 compute growth(m, 12) }}\n  }}\n}}\n",
            cells.join(", ")
        );
        let (c, _) = compile(&text);
        let g = &c.model.measures[1].props.actuals;
        prop_assert_eq!(g.len(), 24);
        for a in g {
            prop_assert!((a.value - 100.0).abs() < 1e-9, "{:?}", a);
        }
    }
}
