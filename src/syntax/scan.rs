//! A linear pre-pass over the text, before pest runs: it collects comments (for doc
//! attachment and the formatter) and braces (for "unclosed `{`" messages), and rejects
//! what would make a recursive parser slow or deep — unclosed comments and strings,
//! comments or blocks nested beyond any real scorecard, NUL bytes. How a comment ends
//! ([`line_comment`], [`block_comment`]) is shared with the direct parser.

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::span::{FileId, Span};

use super::ast::{Comment, CommentKind};
use super::parse::is_ident_char;

/// The deepest an expression nests: parentheses open, or `-` signs in a row.
pub const MAX_EXPR_DEPTH: usize = 64;

/// Blocks nest at most four deep in valid bsc (perspective, objective, measure,
/// actuals); anything past this is hostile input.
pub const MAX_BRACE_DEPTH: usize = 64;
/// Nested block comments deeper than this are rejected before the recursive rule runs.
pub const MAX_COMMENT_DEPTH: usize = 64;

/// What the pre-pass found.
#[derive(Debug, Default)]
pub struct Scan {
    pub comments: Vec<Comment>,
    /// Byte offsets of `{` (true) and `}` (false) outside strings and comments.
    pub braces: Vec<(usize, bool)>,
    /// Problems that stop parsing.
    pub errors: Vec<Diagnostic>,
    /// The problem is a limit (blocks or comments nested too deep): no tree is sensible.
    pub too_deep: bool,
    /// Where the token with the problem starts (a string or line comment with a NUL in
    /// it starts before the NUL): the text before is whole tokens.
    pub cut: usize,
}

/// The line comment (`//` or `///`) at `start`: its kind and where its span ends — at
/// the line break (`\n`, `\r\n` or a lone `\r`, as classic Mac OS wrote), a NUL or the
/// end of the text.
pub fn line_comment(b: &[u8], start: usize) -> (CommentKind, usize) {
    let kind = if b.get(start + 2) == Some(&b'/') && b.get(start + 3) != Some(&b'/') {
        CommentKind::Doc
    } else {
        CommentKind::Line
    };
    let mut i = start + 2;
    while i < b.len() && !matches!(b[i], b'\n' | b'\r' | 0) {
        i += 1;
    }
    (kind, i)
}

/// How the block comment at `start` ends.
pub enum BlockEnd {
    /// Closed; its end.
    Closed(usize),
    /// Not closed before the end of the text.
    Unclosed,
    /// More than `MAX_COMMENT_DEPTH` comments open at this `/*`.
    TooDeep(usize),
}

/// Follows the (nested) block comment at `start` in one loop, never deeper than
/// `MAX_COMMENT_DEPTH`.
pub fn block_comment(b: &[u8], start: usize) -> BlockEnd {
    let mut depth = 0usize;
    let mut i = start;
    while i < b.len() {
        match (b[i], b.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                if depth > MAX_COMMENT_DEPTH {
                    return BlockEnd::TooDeep(i);
                }
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return BlockEnd::Closed(i);
                }
            }
            _ => i += 1,
        }
    }
    BlockEnd::Unclosed
}

/// Scans `text` (file `file`).
pub fn scan(file: FileId, text: &str) -> Scan {
    let b = text.as_bytes();
    let mut out = Scan::default();
    let sp = |s: usize, e: usize| Span::new(file, s, e);
    let mut depth = 0usize;
    // How deep an expression nests, counted as the direct parser counts it (it stops at
    // the same limit, at the same byte): each open `(` with the unary `-` signs right
    // before it (`-(`, `-sum(`), and the unary `-` signs in a row after it (`- - x`). A
    // `-` after an operand (a word, a number, `)`) is binary and does not nest.
    let mut parens: Vec<usize> = Vec::new();
    let mut nested = 0usize;
    let mut minus_run = 0usize;
    // The run before the word being read (`- sum(`), and the last byte that is not
    // whitespace or part of a comment.
    let mut word_run = 0usize;
    let mut prev = 0u8;
    let mut i = 0;
    let nul = |out: &mut Scan, at: usize, cut: usize| {
        out.errors.push(
            Diagnostic::new(Code::Syntax, sp(at, at + 1), "NUL byte in the text")
                .label("a NUL byte")
                .help("a .bsc file is UTF-8 text; remove the byte or re-save the file as text"),
        );
        out.cut = cut;
    };
    while i < b.len() {
        match b[i] {
            0 => {
                nul(&mut out, i, i);
                return out;
            }
            b'"' => {
                let start = i;
                i += 1;
                loop {
                    match b.get(i) {
                        None | Some(b'\n') | Some(b'\r') => {
                            let end = i;
                            out.errors.push(
                                Diagnostic::new(Code::Syntax, sp(start, end), "unclosed string")
                                    .label("this string is not closed before the end of the line")
                                    .help("add the closing `\"`; a string cannot span lines, write `\\n` for a line break"),
                            );
                            // What follows is out of step with the quotes: one error says it.
                            out.cut = start;
                            return out;
                        }
                        Some(0) => {
                            nul(&mut out, i, start);
                            return out;
                        }
                        Some(b'\\')
                            if !matches!(b.get(i + 1), None | Some(b'\n') | Some(b'\r')) =>
                        {
                            i += 2
                        }
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                prev = b'"';
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let (kind, end) = line_comment(b, i);
                out.comments.push(Comment {
                    kind,
                    span: sp(i, end),
                });
                if b.get(end) == Some(&0) {
                    nul(&mut out, end, i);
                    return out;
                }
                i = end;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                match block_comment(b, start) {
                    BlockEnd::Closed(end) => i = end,
                    BlockEnd::Unclosed => {
                        out.errors.push(
                            Diagnostic::new(Code::Syntax, sp(start, start + 2), "unclosed block comment")
                                .label("this comment is never closed")
                                .help("close it with `*/` (block comments nest: each `/*` needs its own `*/`)"),
                        );
                        out.cut = start;
                        return out;
                    }
                    BlockEnd::TooDeep(at) => {
                        out.errors.push(
                            Diagnostic::new(
                                Code::Syntax,
                                sp(at, at + 2),
                                "block comments nested too deep",
                            )
                            .label(format!("more than {MAX_COMMENT_DEPTH} comments open here"))
                            .help("close the inner comments, or use `//` line comments"),
                        );
                        out.too_deep = true;
                        return out;
                    }
                }
                out.comments.push(Comment {
                    kind: CommentKind::Block,
                    span: sp(start, i),
                });
                continue;
            }
            b'{' => {
                // No expression holds a brace.
                parens.clear();
                nested = 0;
                depth += 1;
                if depth > MAX_BRACE_DEPTH {
                    out.errors.push(
                        Diagnostic::new(Code::Syntax, sp(i, i + 1), "nesting too deep")
                            .label(format!("more than {MAX_BRACE_DEPTH} blocks are open here"))
                            .help("blocks nest at most four deep: perspective, objective, measure, actuals"),
                    );
                    out.too_deep = true;
                    return out;
                }
                out.braces.push((i, true));
            }
            b'}' => {
                parens.clear();
                nested = 0;
                depth = depth.saturating_sub(1);
                out.braces.push((i, false));
            }
            b'(' | b'-' => {
                if b[i] == b'(' {
                    let run = if is_ident_char(prev) {
                        word_run
                    } else {
                        minus_run
                    };
                    parens.push(run + 1);
                    nested += run + 1;
                    minus_run = 0;
                } else if is_ident_char(prev) || matches!(prev, b'%' | b')') {
                    minus_run = 0; // binary
                } else {
                    minus_run += 1;
                }
                if nested + minus_run > MAX_EXPR_DEPTH {
                    out.errors.push(
                        Diagnostic::new(Code::Syntax, sp(i, i + 1), "expression nested too deep")
                            .label(format!(
                                "more than {MAX_EXPR_DEPTH} parentheses and `-` signs are open here"
                            ))
                            .help("split the computation into measures of their own"),
                    );
                    out.too_deep = true;
                    return out;
                }
            }
            b')' => nested -= parens.pop().unwrap_or(0),
            _ => {}
        }
        let c = b[i];
        if !c.is_ascii_whitespace() {
            if is_ident_char(c) && !is_ident_char(prev) {
                word_run = minus_run;
            }
            if c != b'-' {
                minus_run = 0;
            }
            prev = c;
        }
        i += 1;
    }
    out
}

/// The `{` still open at byte offset `at`, innermost last.
pub fn open_braces_at(braces: &[(usize, bool)], at: usize) -> Vec<usize> {
    let mut stack = Vec::new();
    for &(pos, open) in braces.iter().take_while(|(p, _)| *p < at) {
        if open {
            stack.push(pos);
        } else {
            stack.pop();
        }
    }
    stack
}

/// A `}` at or before `at` that closes nothing.
pub fn unmatched_close(braces: &[(usize, bool)], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    for &(pos, open) in braces.iter().take_while(|(p, _)| *p <= at) {
        if open {
            depth += 1;
        } else if depth == 0 {
            return Some(pos);
        } else {
            depth -= 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_comments_of_each_kind() {
        let s = scan(
            FileId(0),
            "// a\n/// doc\r\n//// not doc\n/* x /* y */ z */ \"/* no */\"",
        );
        let kinds: Vec<_> = s.comments.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                CommentKind::Line,
                CommentKind::Doc,
                CommentKind::Line,
                CommentKind::Block
            ]
        );
        assert_eq!(s.comments[1].span.range(), 5..12);
        assert!(s.errors.is_empty());
    }

    #[test]
    fn rejects_deep_nesting_without_recursion() {
        let s = scan(FileId(0), &"{".repeat(200_000));
        assert_eq!(s.errors[0].message, "nesting too deep");
        let s = scan(FileId(0), &"/*".repeat(200_000));
        assert_eq!(s.errors[0].message, "block comments nested too deep");
    }

    #[test]
    fn finds_open_braces() {
        let s = scan(FileId(0), "a { b { } c {");
        assert_eq!(open_braces_at(&s.braces, 13), vec![2, 12]);
        assert_eq!(unmatched_close(&scan(FileId(0), "} {").braces, 5), Some(0));
    }
}
