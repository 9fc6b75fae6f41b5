//! Where `bsc check`'s time goes: runs the pipeline on a file and prints the time of each
//! stage (load and parse, resolve, checks, lint levels), for profiling, not for CI.
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
}
