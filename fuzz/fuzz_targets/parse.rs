#![no_main]
//! Any bytes: decoding and parsing end in an AST or diagnostics, never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    bsc::fuzzing::parse(data);
});
