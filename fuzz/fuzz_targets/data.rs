#![no_main]
//! Any bytes as a data file (CSV, xlsx, xls, ods, SQLite): values or problems, never a
//! panic or a hang.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    bsc::fuzzing::data(data);
});
