//! Completion: ids where a reference is expected, the values of a property that takes
//! words, and keywords where a property or a declaration may start.
//!
//! It works on a file being typed: the ids come from the model of the compilation the
//! file is analysed in (the parser recovers, so what parsed is resolved even when the
//! file does not parse), the keywords from the keyword table, and the place from the
//! tokens just before the cursor and the blocks open there (the scanner's braces, which
//! need no tree). The places: after `from` (kpi templates), after `->` (objectives),
//! after `supports` and after each `,` of its list (objectives and measures), in a
//! `compute` expression (measures and functions), at the start of a line of a `map`
//! (objectives), after `align` (departments) and `align D.` (the department's
//! objectives, from its own compilation), after a property that takes words
//! (`direction up`), and where a keyword may start (the keywords of the block).

use lsp_types as lsp;

use super::workspace::{Build, Server};
use crate::model::{Kind, Model};
use crate::syntax::keywords::{self, Block, Kw, Role};
use crate::syntax::scan;

/// A token before the cursor, read backwards.
#[derive(Clone, Debug, PartialEq)]
enum Tok<'a> {
    Word(&'a str),
    Arrow,
    Comma,
    Open,
    Close,
    Str,
    Other,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The token that ends `text` (trailing blanks skipped) and the text before it; `None`
/// at the start of the file.
fn last_token(text: &str) -> Option<(Tok<'_>, &str)> {
    let t = without_comment(text.trim_end());
    let c = t.chars().last()?;
    let end = t.len();
    Some(match c {
        '>' if t.ends_with("->") => (Tok::Arrow, &t[..end - 2]),
        ',' => (Tok::Comma, &t[..end - 1]),
        '{' => (Tok::Open, &t[..end - 1]),
        '}' => (Tok::Close, &t[..end - 1]),
        '"' => {
            // Back to the opening quote (an escaped quote does not count).
            let body = &t[..end - 1];
            let mut start = body.len();
            let bytes = body.as_bytes();
            while let Some(i) = body[..start].rfind('"') {
                let escapes = bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count();
                start = i;
                if escapes % 2 == 0 {
                    break;
                }
            }
            (Tok::Str, &t[..start])
        }
        c if is_word(c) => {
            let start = t
                .char_indices()
                .rev()
                .take_while(|(_, c)| is_word(*c))
                .last()
                .map_or(end, |(i, _)| i);
            (Tok::Word(&t[start..]), &t[..start])
        }
        _ => (Tok::Other, &t[..end - c.len_utf8()]),
    })
}

/// `text` without a comment at its end (`// …` on its last line, or `/* … */`), and
/// without the blanks before the comment.
fn without_comment(mut text: &str) -> &str {
    loop {
        if text.ends_with("*/") {
            match text[..text.len() - 2].rfind("/*") {
                Some(i) => text = text[..i].trim_end(),
                None => return text,
            }
            continue;
        }
        let line_start = text.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = &text[line_start..];
        // A `//` outside a string: the quotes before it are even in number.
        let mut quotes = 0;
        let mut cut = None;
        let bytes = line.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'"' if i == 0 || bytes[i - 1] != b'\\' => quotes += 1,
                b'/' if quotes % 2 == 0 && bytes.get(i + 1) == Some(&b'/') => {
                    cut = Some(i);
                    break;
                }
                _ => {}
            }
        }
        match cut {
            Some(i) => text = text[..line_start + i].trim_end(),
            None => return text,
        }
    }
}

/// What may be written at the cursor.
#[derive(Debug, PartialEq)]
enum Want {
    Ids(&'static [Kind]),
    /// Inside a `compute` expression: measures and functions.
    Expr,
    Values(Kw),
    Keywords,
    Nothing,
}

const SUPPORTED: &[Kind] = &[Kind::Objective, Kind::Measure];

/// What the tokens before the word being typed ask for.
fn wanted(before: &str) -> Want {
    let Some((tok, rest)) = last_token(before) else {
        return Want::Keywords;
    };
    match tok {
        Tok::Word("from") => Want::Ids(&[Kind::Kpi]),
        Tok::Word("supports") => Want::Ids(SUPPORTED),
        Tok::Word("compute") => Want::Expr,
        Tok::Arrow => Want::Ids(&[Kind::Objective]),
        Tok::Comma | Tok::Other => {
            // `supports a, b, ` (over lines too), or an operand of `compute …`: back
            // over the list or the expression.
            let in_expr = |r: &str| r.trim_end().ends_with(['+', '-', '*', '/', '(', ',']);
            if tok == Tok::Other && !in_expr(before) {
                return Want::Nothing;
            }
            let mut rest = rest;
            for _ in 0..10_000 {
                match last_token(rest) {
                    Some((Tok::Word("supports"), _)) => return Want::Ids(SUPPORTED),
                    Some((Tok::Word("compute"), _)) => return Want::Expr,
                    Some((Tok::Word(w), _))
                        if Kw::from_word(w).is_some_and(|k| k.row().role != Role::Function) =>
                    {
                        break;
                    }
                    Some((Tok::Word(_) | Tok::Comma | Tok::Other, r)) => rest = r,
                    _ => break,
                }
            }
            Want::Nothing
        }
        Tok::Word(w) => match Kw::from_word(w) {
            Some(kw) if !keywords::values(kw).is_empty() => Want::Values(kw),
            // After a value (`leading`, `2025-06`, …): a new property may start.
            _ if at_line_start(before) => Want::Keywords,
            _ => Want::Nothing,
        },
        Tok::Open | Tok::Close | Tok::Str => Want::Keywords,
    }
}

/// Whether the cursor is the first thing on its line (only blanks before it).
fn at_line_start(before: &str) -> bool {
    let line = &before[before.rfind(['\n', '\r']).map_or(0, |i| i + 1)..];
    line.trim().is_empty()
}

/// The block open at `offset`, from the word that opens it.
fn block_at(text: &str, offset: usize) -> Option<Block> {
    let braces = scan::scan(crate::span::FileId(0), text).braces;
    let open = scan::open_braces_at(&braces, offset);
    let Some(&o) = open.last() else {
        return Some(Block::Top);
    };
    let start = text[..o].rfind(['\n', '\r', '{', '}']).map_or(0, |i| i + 1);
    let word = text[start..o]
        .split_whitespace()
        .find(|w| !w.starts_with('@'))
        .unwrap_or("");
    Some(match word {
        "scorecard" => Block::Scorecard,
        "bands" => Block::Bands,
        "perspective" => Block::Perspective,
        "objective" => Block::Objective,
        "measure" | "kpi" => Block::Measure,
        "initiative" => Block::Initiative,
        "map" => Block::Map,
        _ => return None,
    })
}

/// The ids of the given kinds the model knows, sorted, with their titles.
fn ids(m: &Model, kinds: &[Kind]) -> Vec<lsp::CompletionItem> {
    let mut items: Vec<lsp::CompletionItem> = m
        .symbols
        .iter()
        .filter(|(_, s)| kinds.contains(&s.kind))
        .map(|(name, s)| {
            let (detail, doc) = match s.kind {
                Kind::Kpi => (m.kpis[s.index].title.clone(), m.kpis[s.index].doc.clone()),
                Kind::Objective => (
                    m.objectives[s.index].title.clone(),
                    m.objectives[s.index].doc.clone(),
                ),
                Kind::Measure => (
                    m.measures[s.index].title.clone(),
                    m.measures[s.index].doc.clone(),
                ),
                _ => (String::new(), None),
            };
            lsp::CompletionItem {
                label: name.clone(),
                kind: Some(if s.kind == Kind::Kpi {
                    lsp::CompletionItemKind::CLASS
                } else {
                    lsp::CompletionItemKind::REFERENCE
                }),
                detail: Some(detail),
                documentation: doc.map(lsp::Documentation::String),
                ..Default::default()
            }
        })
        .collect();
    items.sort_by(|a, b| a.label.cmp(&b.label));
    items
}

fn words(list: &[&str], kind: lsp::CompletionItemKind) -> Vec<lsp::CompletionItem> {
    list.iter()
        .map(|w| lsp::CompletionItem {
            label: w.to_string(),
            kind: Some(kind),
            ..Default::default()
        })
        .collect()
}

/// On an `align` line: after `align`, the departments the compilation cascades to;
/// after `align D.`, the objectives of department `D` (from its own compilation).
fn align_completion(b: &Build, head: &str) -> Option<Vec<lsp::CompletionItem>> {
    let line = &head[head.rfind(['\n', '\r']).map_or(0, |i| i + 1)..];
    let rest = line.trim_start().strip_prefix("align")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let m = &b.comp.model;
    if rest.is_empty() {
        return Some(
            m.cascades
                .iter()
                .map(|c| lsp::CompletionItem {
                    label: c.id.clone(),
                    kind: Some(lsp::CompletionItemKind::MODULE),
                    detail: Some(c.title.clone().unwrap_or_else(|| c.path.clone())),
                    ..Default::default()
                })
                .collect(),
        );
    }
    let dept = rest.strip_suffix('.')?;
    if dept.is_empty() || !dept.chars().all(is_word) {
        return None;
    }
    let c = m.cascades.iter().find(|c| c.id == dept)?;
    let d = b.departments.get(c.department?)?;
    Some(ids(&d.comp.model, &[Kind::Objective]))
}

impl Server {
    pub(super) fn completion(
        &self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Vec<lsp::CompletionItem> {
        let Some((b, file, offset)) = self.locate(pos) else {
            return vec![];
        };
        let text = &b.comp.sources.get(file).text;
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        // The word being typed is replaced by the item: the place is decided before it.
        let word_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_word(*c))
            .last()
            .map_or(offset, |(i, _)| i);
        let head = &before[..word_start];
        if let Some(items) = align_completion(b, head) {
            return items;
        }
        let block = block_at(text, word_start);
        match wanted(head) {
            Want::Ids(kinds) => ids(&b.comp.model, kinds),
            Want::Expr => {
                let mut items = ids(&b.comp.model, &[Kind::Measure]);
                items.extend(words(
                    &keywords::words_of(Role::Function),
                    lsp::CompletionItemKind::FUNCTION,
                ));
                items
            }
            Want::Values(kw) => words(keywords::values(kw), lsp::CompletionItemKind::VALUE),
            Want::Keywords => match block {
                // A map holds chains of objectives.
                Some(Block::Map) => ids(&b.comp.model, &[Kind::Objective]),
                Some(block) => words(&keywords::words(block), lsp::CompletionItemKind::KEYWORD),
                None => vec![],
            },
            Want::Nothing => vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_decides_what_is_wanted() {
        assert_eq!(wanted("measure m \"M\" from "), Want::Ids(&[Kind::Kpi]));
        assert_eq!(wanted("map {\n  a -> "), Want::Ids(&[Kind::Objective]));
        assert_eq!(wanted("  supports a, "), Want::Ids(SUPPORTED));
        assert_eq!(wanted("  supports a,\n    b,\n    "), Want::Ids(SUPPORTED));
        assert_eq!(wanted("  direction "), Want::Values(Kw::Direction));
        assert_eq!(wanted("m \"M\" { owner \"a \\\" b\" "), Want::Keywords);
        assert_eq!(wanted("x {\n  leading\n  "), Want::Keywords);
        assert_eq!(wanted("  target 40 "), Want::Nothing);
        assert_eq!(wanted("  actuals { 2025-01: 3, "), Want::Nothing);
        assert_eq!(wanted(""), Want::Keywords);
        assert_eq!(wanted("  compute "), Want::Expr);
        assert_eq!(wanted("  compute (revenue - "), Want::Expr);
        assert_eq!(wanted("  compute growth(revenue, 12) * "), Want::Expr);
        assert_eq!(wanted("  target 5 - "), Want::Nothing);
        assert_eq!(wanted("  supports a, b, "), Want::Ids(SUPPORTED));
        assert_eq!(wanted("map {\n  a -> b // c\n  "), Want::Keywords);
        assert_eq!(wanted("map { a -> /* x */ "), Want::Ids(&[Kind::Objective]));
        assert_eq!(wanted("  owner \"a // b\" "), Want::Keywords);
    }
}
