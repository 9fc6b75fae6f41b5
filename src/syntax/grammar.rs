//! The pest parser generated from `grammar/bsc.pest`: the reference for `parse.rs`, and
//! what explains a syntax error. Its types stay inside `syntax/`.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/bsc.pest"]
pub struct BscParser;
