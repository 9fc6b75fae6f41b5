#![no_main]
//! Any bytes as a root file: the whole pipeline (load, resolve, check, score, JSON and
//! HTML output) ends in diagnostics or output, never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    bsc::fuzzing::check(data);
});
