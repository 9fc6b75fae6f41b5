//! Where a `bsc build --format html` rebuild's time goes at scale: compile (load, parse,
//! resolve, check), score (with the link evidence), render the HTML (layout included),
//! each the median of 10 runs. For profiling, not for CI.
//!
//! `cargo run --release --example html_phases -- FILE.bsc`

use std::path::Path;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: html_phases FILE.bsc");
    let opts = bsc::Options::default();
    let (mut compile, mut score, mut render) = (vec![], vec![], vec![]);
    let mut size = 0;
    for _ in 0..10 {
        let t = Instant::now();
        let c = bsc::compile(&bsc::files::Disk, Path::new(&path), &opts).expect("compile");
        compile.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let s = bsc::score::score(&c.model, c.as_of);
        score.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let html = bsc::emit::html::render(&c, &s, &bsc::emit::Links::default()).expect("render");
        render.push(t.elapsed().as_secs_f64() * 1e3);
        size = html.len();
    }
    println!(
        "compile {:.1} ms, score {:.1} ms, render {:.1} ms (layout included), {:.2} MB",
        median(compile),
        median(score),
        median(render),
        size as f64 / 1e6
    );
}
