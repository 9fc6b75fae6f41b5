//! Every input the fuzzers found a problem with (`fuzz/regressions/`), and every seed of
//! their corpus (examples, fixtures), run through the fuzz targets' bodies: CI runs the
//! regressions, not the fuzzer.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_none_or(|x| x == "bsc") {
            out.push(p);
        }
    }
}

#[test]
fn regression_inputs_and_seeds_pass_every_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = Vec::new();
    for d in ["fuzz/regressions", "examples", "tests/fixtures", "std"] {
        files(&root.join(d), &mut inputs);
    }
    assert!(
        inputs
            .iter()
            .any(|p| p.starts_with(root.join("fuzz/regressions"))),
        "the regression folder has inputs"
    );
    for p in inputs {
        let data = std::fs::read(&p).unwrap();
        bsc::fuzzing::parse(&data);
        let _ = bsc::fuzzing::agree(&data);
        bsc::fuzzing::check(&data);
        bsc::fuzzing::fmt(&data);
    }
}
