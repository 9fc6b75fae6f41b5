//! Generates a realistic scorecard of N objectives for benchmarks:
//! `cargo run --release --example gen -- N OUTDIR`.
//!
//! Four perspectives plus two custom ones, two measures per objective with twelve
//! monthly actuals, time-phased targets and thresholds, one initiative per ten
//! objectives, a random layered DAG of links (about 1.5 per objective) flowing upward,
//! doc comments; spread over several files joined with `use`. The same model is also
//! written as `model.json`, the floor a parser of structured text is measured against.
//! Deterministic: the same N gives the same files.

use std::fmt::Write as _;
use std::path::PathBuf;

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Perspectives bottom to top: (id, level, custom).
const PERSPECTIVES: [(&str, i64, bool); 6] = [
    ("learning", 10, false),
    ("systems", 15, true),
    ("internal", 20, false),
    ("partners", 25, true),
    ("customer", 30, false),
    ("financial", 40, false),
];

const OBJECTIVES_PER_FILE: usize = 2_000;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let out = PathBuf::from(args.next().unwrap_or_else(|| format!("target/gen/{n}")));
    std::fs::create_dir_all(&out).expect("create the output folder");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ n as u64);

    // Objectives spread over the perspectives, most in the classic four.
    let weights = [3usize, 1, 4, 1, 3, 2];
    let total: usize = weights.iter().sum();
    let band_of: Vec<usize> = (0..n)
        .map(|i| {
            let mut k = (i * total / n.max(1)) % total;
            let mut b = 0;
            while k >= weights[b] {
                k -= weights[b];
                b += 1;
            }
            b
        })
        .collect();
    let by_band: Vec<Vec<usize>> = (0..PERSPECTIVES.len())
        .map(|b| (0..n).filter(|&i| band_of[i] == b).collect())
        .collect();

    // A layered DAG: each objective below the top drives one or two objectives in a
    // higher band, about 1.5 links per objective.
    let mut links: Vec<(usize, usize)> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, &b) in band_of.iter().enumerate() {
        let higher: Vec<usize> = (b + 1..PERSPECTIVES.len())
            .filter(|&h| !by_band[h].is_empty())
            .collect();
        if higher.is_empty() {
            continue;
        }
        let count = if rng.unit() < 0.75 { 2 } else { 1 };
        for _ in 0..count {
            let h = higher[rng.below(higher.len().min(2))];
            let t = by_band[h][rng.below(by_band[h].len())];
            if seen.insert((i, t)) {
                links.push((i, t));
            }
        }
    }

    let files = n.div_ceil(OBJECTIVES_PER_FILE).max(1);
    let mut main = String::new();
    writeln!(main, "use \"std/kpis\"").unwrap();
    for f in 0..files {
        writeln!(main, "use \"part_{f}\"").unwrap();
    }
    writeln!(main, "\n/// A generated scorecard of {n} objectives.\n@allow(focus)\nscorecard \"Generated {n}\" {{\n  vision \"Benchmark\"\n  owner \"CEO\"\n  period 2025-01 .. 2025-12\n}}\n").unwrap();
    for &(id, level, custom) in &PERSPECTIVES {
        if custom {
            writeln!(
                main,
                "perspective {id} \"{}\" {{ level {level} }}",
                id.to_uppercase()
            )
            .unwrap();
        } else {
            writeln!(main, "perspective {id} {{ level {level} }}").unwrap();
        }
    }
    let mut json_objectives = Vec::new();
    let mut parts = vec![String::new(); files];
    for (f, part) in parts.iter_mut().enumerate() {
        let lo = f * n / files;
        let hi = (f + 1) * n / files;
        for (b, &(pid, _, _)) in PERSPECTIVES.iter().enumerate() {
            let ids: Vec<usize> = (lo..hi).filter(|&i| band_of[i] == b).collect();
            if ids.is_empty() {
                continue;
            }
            writeln!(part, "perspective {pid} {{").unwrap();
            for i in ids {
                let base = 50.0 + rng.unit() * 50.0;
                writeln!(
                    part,
                    "  /// Objective {i}: keeps the generated strategy moving."
                )
                .unwrap();
                writeln!(part, "  objective o{i} \"Objective number {i} of the plan\" {{\n    owner \"Owner {}\"", i % 37).unwrap();
                let mut measures = Vec::new();
                for k in 0..2 {
                    let up = (i + k) % 3 != 0;
                    let target = if up { base * 1.3 } else { base * 0.7 };
                    let threshold = if up { base * 1.1 } else { base * 0.9 };
                    let actuals: Vec<f64> = (1..=12)
                        .map(|m| {
                            ((base
                                + (target - base) * (m as f64 / 12.0) * (0.6 + 0.8 * rng.unit()))
                                * 100.0)
                                .round()
                                / 100.0
                        })
                        .collect();
                    let indicator = if k == 0 { "leading" } else { "lagging" };
                    writeln!(
                        part,
                        "    measure m{i}_{k} \"Measure {k} of objective {i}\" {{\n      unit \"pts\"\n      direction {}\n      baseline {:.1}\n      target {:.1} by 2025-06\n      target {:.1} by 2025-12\n      threshold {:.1}\n      frequency monthly\n      {indicator}",
                        if up { "up" } else { "down" },
                        base,
                        (base + target) / 2.0,
                        target,
                        threshold
                    )
                    .unwrap();
                    let cells: Vec<String> = actuals
                        .iter()
                        .enumerate()
                        .map(|(m, v)| format!("2025-{:02}: {v}", m + 1))
                        .collect();
                    writeln!(part, "      actuals {{ {} }}\n    }}", cells.join(", ")).unwrap();
                    measures.push(serde_json::json!({
                        "id": format!("m{i}_{k}"), "title": format!("Measure {k} of objective {i}"), "unit": "pts",
                        "direction": if up { "up" } else { "down" }, "baseline": base,
                        "targets": [{"value": (base + target) / 2.0, "by": "2025-06"}, {"value": target, "by": "2025-12"}],
                        "threshold": threshold, "frequency": "monthly", "indicator": indicator,
                        "actuals": actuals.iter().enumerate().map(|(m, v)| serde_json::json!({"period": format!("2025-{:02}", m + 1), "value": v})).collect::<Vec<_>>(),
                    }));
                }
                writeln!(part, "  }}").unwrap();
                json_objectives.push(serde_json::json!({
                    "id": format!("o{i}"), "title": format!("Objective number {i} of the plan"), "perspective": pid,
                    "owner": format!("Owner {}", i % 37), "doc": format!("Objective {i}: keeps the generated strategy moving."), "measures": measures,
                }));
            }
            writeln!(part, "}}\n").unwrap();
        }
        // Initiatives and the links whose driver lives in this file.
        for i in (lo..hi).step_by(10) {
            writeln!(part, "initiative init{i} \"Initiative {i}\" {{\n  owner \"PMO\"\n  budget {}k\n  start 2025-0{}\n  end 2025-1{}\n  impact high\n  feasibility medium\n  supports o{i}\n}}\n", 10 + i % 90, 1 + i % 5, i % 3).unwrap();
        }
        writeln!(part, "map {{").unwrap();
        for &(a, b) in links.iter().filter(|(a, _)| (lo..hi).contains(a)) {
            writeln!(part, "  o{a} -> o{b} : \"o{a} drives o{b}\"").unwrap();
        }
        writeln!(part, "}}").unwrap();
    }
    std::fs::write(out.join("main.bsc"), main).expect("write main.bsc");
    for (f, text) in parts.iter().enumerate() {
        std::fs::write(out.join(format!("part_{f}.bsc")), text).expect("write a part");
    }
    let model = serde_json::json!({
        "scorecard": {"title": format!("Generated {n}"), "period": {"start": "2025-01", "end": "2025-12"}},
        "perspectives": PERSPECTIVES.iter().map(|(id, level, _)| serde_json::json!({"id": id, "level": level})).collect::<Vec<_>>(),
        "objectives": json_objectives,
        "links": links.iter().map(|(a, b)| serde_json::json!({"from": format!("o{a}"), "to": format!("o{b}"), "rationale": format!("o{a} drives o{b}")})).collect::<Vec<_>>(),
    });
    std::fs::write(
        out.join("model.json"),
        serde_json::to_string(&model).expect("json"),
    )
    .expect("write model.json");
    eprintln!(
        "wrote {} ({} objectives, {} links, {} files)",
        out.display(),
        n,
        links.len(),
        files + 1
    );
}
