#![no_main]
//! Any bytes: the direct parser (recovery included) and the grammar's parse give the
//! same verdict; the same tree and diagnostics where the grammar accepts, the same first
//! error where it rejects.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = bsc::fuzzing::agree(data);
});
