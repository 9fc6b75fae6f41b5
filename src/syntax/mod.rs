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
pub use parse::MAX_ERRORS;

/// What a parse returns: the tree, if any, and the diagnostics.
pub type Parse = (Option<File>, Vec<Diagnostic>);

/// Parses one file: the tree (with error nodes where the parser recovered from a
/// syntax error, see [`ast`]) and every diagnostic. The first syntax error is the one
/// the grammar (`grammar/bsc.pest`, through the pre-pass and `errors.rs`) reports;
/// the recovering parser adds those it finds after it, at most `MAX_ERRORS` in all
/// and one more saying so.
///
/// The tree is `None` only where no tree is sensible: a foreign format (a zip archive,
/// an XML document) and the limits no scorecard reaches (blocks or comments nested
/// more than 64 deep). Undecodable bytes never get here (see [`decode`]).
pub fn parse(file: FileId, text: &str) -> (Option<File>, Vec<Diagnostic>) {
    let Some(direct) = direct(file, text) else {
        return parse_with_grammar(file, text);
    };
    if direct.errors.is_empty() {
        return (Some(direct.file), direct.diags);
    }
    combine(direct, reference(file, text), text)
}

/// The direct parser's result, its errors not yet in words.
struct Unexplained {
    file: File,
    diags: Vec<Diagnostic>,
    errors: Vec<parse::SyntaxError>,
}

/// The direct parser: `None` for a foreign format.
fn direct(file: FileId, text: &str) -> Option<Unexplained> {
    if foreign_format(file, text).is_some() {
        return None;
    }
    let mut lower = lower::Lower::new(file, text, Vec::new());
    let parsed = parse::file(&mut lower);
    Some(Unexplained {
        file: File {
            items: parsed.items,
            comments: lower.comments,
        },
        diags: lower.diags,
        errors: parsed.errors,
    })
}

/// The tree of the direct parser, which found syntax errors, and the grammar's verdict
/// on the same text: what [`parse`] returns.
fn combine(
    direct: Unexplained,
    reference: Reference,
    text: &str,
) -> (Option<File>, Vec<Diagnostic>) {
    match reference {
        // Not in the language, the grammar agrees: its error first, then what the
        // recovering parser found after it (put into words only now).
        Reference::Rejected(first) => {
            let at = first.span.start as usize;
            let id = first.span.file;
            let mut diags = vec![first];
            diags.extend(
                direct
                    .errors
                    .iter()
                    .filter(|e| e.pos > at)
                    .map(|e| e.explain(id, text)),
            );
            diags.extend(direct.diags);
            (Some(direct.file), diags)
        }
        Reference::TooDeep(d) => (None, vec![d]),
        // The grammar reads it: the two parsers disagree, which the agreement test and
        // fuzz target exist to prevent; the grammar is the definition.
        Reference::Accepted(ast, diags) => (Some(ast), diags),
    }
}

/// For the agreement test and fuzz target: the direct parser alone ([`parse_direct`]),
/// the grammar alone ([`parse_with_grammar`]) and what [`parse`] makes of the two,
/// with the grammar run once. When the grammar rejects the text, only the direct
/// parser's first error is put into words; the others stand at their places with a
/// placeholder message (what is shown of them is in the third result).
#[doc(hidden)]
pub fn parse_three_ways(file: FileId, text: &str) -> (Option<Direct>, Parse, Parse) {
    let Some(d) = direct(file, text) else {
        let g = parse_with_grammar(file, text);
        return (None, g.clone(), g);
    };
    let r = reference(file, text);
    let grammar = match &r {
        Reference::Accepted(ast, diags) => (Some(ast.clone()), diags.clone()),
        Reference::Rejected(e) | Reference::TooDeep(e) => (None, vec![e.clone()]),
    };
    // The direct parser's errors in words: all of them on a text the grammar accepts
    // (there should be none), the first and the count otherwise (the rest as `parse`
    // reports them).
    let explained = |d: &Unexplained, all: bool| -> Vec<Diagnostic> {
        let n = if all { d.errors.len() } else { 1 };
        d.errors
            .iter()
            .take(n)
            .map(|e| e.explain(file, text))
            .collect()
    };
    if d.errors.is_empty() || grammar.0.is_some() {
        let errors = explained(&d, true);
        let combined = (Some(d.file.clone()), d.diags.clone());
        let direct = Direct {
            file: d.file,
            diags: d.diags,
            errors,
        };
        return (Some(direct), grammar, combined);
    }
    let mut errors = explained(&d, false);
    // Stand-ins for the rest, at their places: the count and positions are what the
    // agreement checks.
    errors.extend(d.errors.iter().skip(1).map(|e| {
        Diagnostic::new(
            Code::Syntax,
            Span::new(file, e.pos, e.pos),
            "(not put into words)",
        )
    }));
    let direct = Direct {
        file: d.file.clone(),
        diags: d.diags.clone(),
        errors,
    };
    (Some(direct), grammar, combine(d, r, text))
}

/// Parses one file with the parser that pest generates from `grammar/bsc.pest`, lowering
/// its pairs to the AST: the reference that tests and the `agree` fuzz target hold
/// [`parse`] to. Slower, and without recovery: on a syntax error the tree is `None` and
/// the one diagnostic is the first error.
pub fn parse_with_grammar(file: FileId, text: &str) -> (Option<File>, Vec<Diagnostic>) {
    if let Some(d) = foreign_format(file, text) {
        return (None, vec![d]);
    }
    match reference(file, text) {
        Reference::Accepted(ast, diags) => (Some(ast), diags),
        Reference::Rejected(d) | Reference::TooDeep(d) => (None, vec![d]),
    }
}

/// What the direct parser read: the tree, the diagnostics of lowering (escapes,
/// periods, numbers out of range), and its own syntax errors in the order found.
#[derive(Debug)]
pub struct Direct {
    pub file: File,
    pub diags: Vec<Diagnostic>,
    /// Empty exactly when the text is in the language.
    pub errors: Vec<Diagnostic>,
}

/// The direct parser alone, recovery included, without the grammar: `None` for a
/// foreign format. For the agreement test and fuzz target, which must see the direct
/// parser's own verdict.
pub fn parse_direct(file: FileId, text: &str) -> Option<Direct> {
    let d = direct(file, text)?;
    let errors = d.errors.iter().map(|e| e.explain(file, text)).collect();
    Some(Direct {
        file: d.file,
        diags: d.diags,
        errors,
    })
}

/// The grammar's verdict on a text.
enum Reference {
    Accepted(File, Vec<Diagnostic>),
    /// The first syntax error.
    Rejected(Diagnostic),
    /// Nested beyond the limits.
    TooDeep(Diagnostic),
}

/// The pre-pass, then pest: the language's definition. Of a problem the pre-pass finds
/// (an unclosed string or comment, a NUL byte) and a failure of pest, the earlier is
/// the first error. Pest reads only the tokens before the pre-pass's problem, which the
/// pre-pass has checked for nesting (pest's recursion follows the input).
fn reference(file: FileId, text: &str) -> Reference {
    let scanned = scan::scan(file, text);
    if scanned.too_deep {
        return Reference::TooDeep(scanned.errors.into_iter().next().unwrap_or_else(|| {
            Diagnostic::new(Code::Syntax, Span::new(file, 0, 0), "nesting too deep")
        }));
    }
    let stop = scanned.errors.first().map(|d| d.span.start as usize);
    // Up to the token with the pre-pass's problem: a token cut short (a string with a NUL
    // in it) would be an error of its own.
    let cut = if stop.is_some() {
        scanned.cut
    } else {
        text.len()
    };
    let prefix = &text[..cut];
    match (grammar::BscParser::parse(grammar::Rule::file, prefix), stop) {
        (Err(e), stop) => {
            let d = errors::syntax_error(file, text, &scanned.braces, &e);
            match stop {
                // Pest stopped at the cut: the pre-pass's problem comes first.
                Some(_) if cut <= d.span.start as usize => {
                    Reference::Rejected(scanned.errors.into_iter().next().unwrap_or(d))
                }
                _ => Reference::Rejected(d),
            }
        }
        (Ok(_), Some(_)) => {
            Reference::Rejected(scanned.errors.into_iter().next().unwrap_or_else(|| {
                Diagnostic::new(Code::Syntax, Span::new(file, 0, 0), "syntax error")
            }))
        }
        (Ok(mut pairs), None) => {
            let mut lower = lower::Lower::new(file, text, scanned.comments);
            let items = pairs.next().map(|p| lower.file(p)).unwrap_or_default();
            let ast = File {
                items,
                comments: lower.comments,
            };
            Reference::Accepted(ast, lower.diags)
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
