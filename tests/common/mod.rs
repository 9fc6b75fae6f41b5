//! Helpers shared by integration tests.

use std::path::{Path, PathBuf};

/// Every `.bsc` file (and file without an extension, as fuzz inputs are) below the
/// project folders `dirs`, in a stable order.
pub fn inputs(dirs: &[&str]) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for d in dirs {
        walk(&root.join(d), &mut out);
    }
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_none_or(|x| x == "bsc") {
            out.push(p);
        }
    }
}
