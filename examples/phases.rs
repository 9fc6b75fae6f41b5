//! Where `bsc check`'s time goes: runs the pipeline on a file and prints the time of each
//! stage (load and parse, resolve, checks, lint levels, scoring, history), for profiling,
//! not for CI.
//!
//! `cargo run --release --example phases -- FILE.bsc`

use std::path::Path;
use std::time::Instant;

use bsc::files::{Disk, Files};
use bsc::lint::LintOptions;
use bsc::load;

fn main() {
    let path = std::env::args().nth(1).expect("usage: phases FILE.bsc");
    let start = Instant::now();
    let bytes = std::fs::read(&path).expect("read the file");
    let files = Files {
        fs: &Disk,
        root: None,
    };
    let mut loaded = load::load(files, &path, Path::new(&path), &bytes);
    let parsed = start.elapsed();
    let root = loaded.files[0].id;
    let (model, resolve_diags) = bsc::resolve::resolve(&mut loaded, files);
    let resolved = start.elapsed();
    let check_diags = bsc::check::check(&model, root, model.as_of(None));
    let checked = start.elapsed();
    let mut diags = std::mem::take(&mut loaded.diags);
    diags.extend(resolve_diags);
    diags.extend(check_diags);
    let diags = bsc::lint::apply_levels(diags, &model, &LintOptions::default(), &loaded.sources);
    let linted = start.elapsed();
    println!(
        "load+parse {:.0} ms, resolve {:.0} ms, check {:.0} ms, lint {:.0} ms ({} diagnostics)",
        parsed.as_secs_f64() * 1e3,
        (resolved - parsed).as_secs_f64() * 1e3,
        (checked - resolved).as_secs_f64() * 1e3,
        (linted - checked).as_secs_f64() * 1e3,
        diags.len()
    );
    // Scoring at the as-of period (with link evidence and projections), then the
    // history: one lean pass per period of the scorecard's `period` (LANGUAGE.md §9.4).
    let as_of = model.as_of(None);
    let t = Instant::now();
    let scores = bsc::score::score_at(&model, as_of, true);
    let scored = t.elapsed();
    let t = Instant::now();
    let history = bsc::history::history(&model, as_of, &[]);
    let historied = t.elapsed();
    println!(
        "score {:.1} ms ({} projections), history {:.1} ms ({} periods)",
        scored.as_secs_f64() * 1e3,
        scores
            .measures
            .iter()
            .filter(|m| m.projection.is_some())
            .count(),
        historied.as_secs_f64() * 1e3,
        history.scorecard.len()
    );
}
