//! Syntax: text → AST. Pest stays inside this module; later stages see only the AST
//! and spans.

pub mod ast;
mod errors;
pub mod expr;
mod grammar;
pub mod keywords;
mod lower;
mod parse;
pub mod scan;

use pest::Parser as _;

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::span::{FileId, Span};

pub use ast::File;
pub use lower::number_value;

/// Parses one file. Returns the AST when the text parses (possibly with diagnostics
/// such as bad escapes or invalid periods) and every diagnostic found.
pub fn parse(file: FileId, text: &str) -> (Option<File>, Vec<Diagnostic>) {
    parse_by(file, text, Via::Direct)
}

/// Parses one file with the parser that pest generates from `grammar/bsc.pest`, lowering
/// its pairs to the AST. Slower than [`parse`]; it is the reference that tests and the
/// `agree` fuzz target hold [`parse`] to.
pub fn parse_with_grammar(file: FileId, text: &str) -> (Option<File>, Vec<Diagnostic>) {
    parse_by(file, text, Via::Grammar)
}

/// The direct parser alone: the tree and diagnostics if it reads the file, `None` if it
/// does not (where [`parse`] would ask the grammar). For the agreement test and fuzz
/// target, which must see the direct parser's own verdict.
pub fn parse_direct(file: FileId, text: &str) -> Option<(File, Vec<Diagnostic>)> {
    if foreign_format(file, text).is_some() {
        return None;
    }
    let mut lower = lower::Lower::new(file, text, Vec::new());
    let items = parse::file(&mut lower).ok()?;
    let ast = File {
        items,
        comments: lower.comments,
    };
    Some((ast, lower.diags))
}

#[derive(PartialEq)]
enum Via {
    /// `parse.rs`, falling back to the grammar for what it cannot read.
    Direct,
    /// The grammar alone.
    Grammar,
}

fn parse_by(file: FileId, text: &str, parser: Via) -> (Option<File>, Vec<Diagnostic>) {
    if let Some(d) = foreign_format(file, text) {
        return (None, vec![d]);
    }
    if parser == Via::Direct {
        // The direct parser collects the comments itself and rejects everything the
        // pre-pass would, so a file it reads needs no pre-pass.
        if let Some((ast, diags)) = parse_direct(file, text) {
            return (Some(ast), diags);
        }
        // Not in the language: the pre-pass or the grammar says why, in words.
    }
    let scanned = scan::scan(file, text);
    if !scanned.errors.is_empty() {
        return (None, scanned.errors);
    }
    match grammar::BscParser::parse(grammar::Rule::file, text) {
        Err(e) => (
            None,
            vec![errors::syntax_error(file, text, &scanned.braces, &e)],
        ),
        Ok(mut pairs) => {
            let mut lower = lower::Lower::new(file, text, scanned.comments);
            let items = pairs.next().map(|p| lower.file(p)).unwrap_or_default();
            let ast = File {
                items,
                comments: lower.comments,
            };
            (Some(ast), lower.diags)
        }
    }
}

/// A BSC Designer project shares the `.bsc` extension: a zip archive or an XML file.
fn foreign_format(file: FileId, text: &str) -> Option<Diagnostic> {
    let what = if text.starts_with("PK\u{3}\u{4}") {
        "a zip archive"
    } else if text.starts_with("<?xml") {
        "an XML document"
    } else {
        return None;
    };
    Some(
        Diagnostic::new(Code::Syntax, Span::new(file, 0, 0), format!("this file is {what}, not bsc text"))
            .label(format!("{what} starts here"))
            .help("a BSC Designer project also uses the .bsc extension; bsc reads scorecards written in the bsc language (see `bsc init`)"),
    )
}

/// The largest file bsc reads: spans count bytes in a `u32`.
pub const MAX_FILE_BYTES: usize = u32::MAX as usize;

/// Decodes file bytes (without copying them): skips a UTF-8 byte-order mark; text that is not UTF-8 becomes a
/// `syntax` diagnostic at the first bad byte (the text is then kept up to that byte, so
/// that the diagnostic can be shown in context).
pub fn decode(file: FileId, mut bytes: Vec<u8>) -> (String, Option<Diagnostic>) {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if bytes.len() > MAX_FILE_BYTES {
        let d = Diagnostic::new(Code::Syntax, Span::new(file, 0, 0), "file too large")
            .label(format!("{} bytes", bytes.len()))
            .help("bsc reads files up to 4 GiB; split the scorecard into files joined with `use`");
        return (String::new(), Some(d));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return ("PK\u{3}\u{4}".to_string(), None);
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes[..at]).into_owned();
            let d = Diagnostic::new(
                Code::Syntax,
                Span::new(file, at, at),
                "invalid UTF-8 in the text",
            )
            .label(format!("byte 0x{:02X} is not valid UTF-8 here", bytes[at]))
            .help("a .bsc file is UTF-8 text; re-save it as UTF-8");
            (text, Some(d))
        }
    }
}
