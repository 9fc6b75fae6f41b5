//! The pest parser generated from `grammar/bsc.pest`. Its types stay inside `syntax/`.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/bsc.pest"]
pub struct BscParser;
