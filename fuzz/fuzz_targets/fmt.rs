#![no_main]
//! A text that parses formats to a text that parses, formats to itself, keeps its
//! comments and means the same.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    bsc::fuzzing::fmt(data);
});
