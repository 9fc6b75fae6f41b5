#![no_main]
//! Any bytes: the direct parser and the grammar's parse agree on the tree and the
//! diagnostics.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = bsc::fuzzing::agree(data);
});
