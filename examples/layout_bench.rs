//! Lays out the strategy map of a scorecard and prints, as JSON: the time the layout
//! took, its crossings (counted as polyline intersections, the same way as for
//! Graphviz's output), and the same graph in DOT with one rank per perspective, so that
//! `bench/run.py` can compare bsc's layout with `dot -Tsvg`.
//!
//! `cargo run --release --example layout_bench -- FILE.bsc OUT.dot`

use std::path::Path;
use std::time::Instant;

use bsc::layout::{self, LayoutInput};

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("usage: layout_bench FILE.bsc OUT.dot");
    let dot_out = args.next().expect("usage: layout_bench FILE.bsc OUT.dot");
    let c = bsc::compile(
        &bsc::files::Disk,
        Path::new(&file),
        &bsc::Options::default(),
    )
    .expect("read the scorecard");
    let m = &c.model;
    let mut order: Vec<usize> = (0..m.perspectives.len())
        .filter(|&p| !m.perspectives[p].objectives.is_empty())
        .collect();
    order.sort_by_key(|&p| std::cmp::Reverse(m.perspectives[p].level));
    let mut band_of = vec![0; m.perspectives.len()];
    for (b, &p) in order.iter().enumerate() {
        band_of[p] = b;
    }
    let input = LayoutInput {
        bands: order
            .iter()
            .map(|&p| layout::Band {
                id: m.perspectives[p].id.clone(),
                title: m.perspectives[p].title.clone(),
            })
            .collect(),
        nodes: m
            .objectives
            .iter()
            .map(|o| layout::NodeIn {
                band: band_of[o.perspective],
                title: o.title.clone(),
                extra: Vec::new(),
            })
            .collect(),
        edges: m.links.iter().map(|l| (l.from, l.to)).collect(),
    };
    // Best of five runs.
    let mut best = f64::MAX;
    let mut lay = layout::layout(&input);
    for _ in 0..5 {
        let t = Instant::now();
        lay = layout::layout(&input);
        best = best.min(t.elapsed().as_secs_f64() * 1000.0);
    }
    let crossings = lay.drawn_crossings();

    // The same graph for dot: one rank per perspective, outcomes on top.
    let mut dot = String::from(
        "digraph map {\n  rankdir=BT;\n  node [shape=box, width=2.4, height=0.8, fixedsize=true];\n",
    );
    for &p in order.iter().rev() {
        dot.push_str("  { rank=same;");
        for &o in &m.perspectives[p].objectives {
            dot.push_str(&format!(" \"{}\";", m.objectives[o].id));
        }
        dot.push_str(" }\n");
    }
    for l in &m.links {
        dot.push_str(&format!(
            "  \"{}\" -> \"{}\";\n",
            m.objectives[l.from].id, m.objectives[l.to].id
        ));
    }
    dot.push_str("}\n");
    std::fs::write(&dot_out, dot).expect("write the DOT file");
    println!(
        "{}",
        serde_json::json!({ "objectives": m.objectives.len(), "links": m.links.len(), "layout_ms": best, "crossings": crossings, "layered_crossings": lay.crossings })
    );
}
