//! Every input the fuzzers found a problem with (`fuzz/regressions/`), and every seed of
//! their corpus (examples, fixtures), run through the fuzz targets' bodies: CI runs the
//! regressions, not the fuzzer.

mod common;

use std::path::Path;

#[test]
fn regression_inputs_and_seeds_pass_every_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let inputs = common::inputs(&["fuzz/regressions", "examples", "tests/fixtures", "std"]);
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

/// The data fuzzer's seeds (the spreadsheet and CSV fixtures) and its regressions, through
/// its body.
#[test]
fn data_files_pass_the_data_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = Vec::new();
    for dir in [
        "tests/fixtures/data",
        "tests/fixtures/check/data",
        "fuzz/regressions/data",
    ] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            inputs.extend(entries.map(|e| e.unwrap().path()));
        }
    }
    assert!(inputs.len() >= 6, "{inputs:?}");
    // Workbooks are read as the bsc binary reads them: in a worker with bounded memory
    // (fuzz/regressions/data/cfb_sector_cycle.xls makes calamine allocate without end).
    bsc::data::worker::use_worker(env!("CARGO_BIN_EXE_bsc").into());
    for p in inputs {
        bsc::fuzzing::data(&std::fs::read(&p).unwrap());
    }
}
