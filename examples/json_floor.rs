//! The floor for reading structured text: parses a JSON file into a
//! `serde_json::Value` and prints the best time of five runs in milliseconds.
//!
//! `cargo run --release --example json_floor -- model.json`

use std::time::Instant;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: json_floor FILE.json");
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        // Reading is part of the work, as it is for `bsc check`.
        let bytes = std::fs::read(&path).expect("read the file");
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
        std::hint::black_box(&v);
        best = best.min(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("{best:.1}");
}
