//! What the editor shows of a file's structure: folding ranges, selection ranges,
//! document highlights, document links (`use "…"` and data files open the file),
//! semantic tokens (ids by kind) and inlay hints (each objective's and measure's status
//! and score after its title).

use std::path::Path;

use lsp_types as lsp;
use lsp_types::Url;

use super::index;
use super::workspace::{Build, Server, range};
use crate::model::Kind;
use crate::span::{FileId, Span};
use crate::syntax::ast::{self, CommentKind, File, Item, ObjectiveItem, PerspectiveItem};

/// One declaration of a file: its kind (`None` for `scorecard`, `map`, `use`), where it
/// stands, its id and its title.
pub(super) struct Node {
    pub(super) kind: Option<Kind>,
    pub(super) span: Span,
    pub(super) id: Option<ast::Ident>,
    pub(super) title: Option<Span>,
}

/// Every declaration of a file, outer before inner.
pub(super) fn nodes(file: &File) -> Vec<Node> {
    let mut out = Vec::new();
    let node = |kind, span, id: Option<&ast::Ident>, title: Option<&ast::Str>| Node {
        kind,
        span,
        id: id.cloned(),
        title: title.map(|t| t.span),
    };
    let measure = |out: &mut Vec<Node>, kind, d: &ast::Decl<ast::Measure>| {
        out.push(node(
            Some(kind),
            d.span,
            Some(&d.node.id),
            Some(&d.node.title),
        ));
    };
    for item in &file.items {
        match item {
            Item::Use(d) => out.push(node(None, d.span, None, None)),
            Item::Scorecard(d) => out.push(node(None, d.span, None, Some(&d.node.title))),
            Item::Perspective(d) => {
                out.push(node(
                    Some(Kind::Perspective),
                    d.span,
                    Some(&d.node.id),
                    d.node.title.as_ref(),
                ));
                for it in &d.node.items {
                    let PerspectiveItem::Objective(o) = it else {
                        continue;
                    };
                    out.push(node(
                        Some(Kind::Objective),
                        o.span,
                        Some(&o.node.id),
                        Some(&o.node.title),
                    ));
                    for oi in &o.node.items {
                        if let ObjectiveItem::Measure(m) = oi {
                            measure(&mut out, Kind::Measure, m);
                        }
                    }
                }
            }
            Item::Kpi(d) => measure(&mut out, Kind::Kpi, d),
            Item::Initiative(d) => out.push(node(
                Some(Kind::Initiative),
                d.span,
                Some(&d.node.id),
                Some(&d.node.title),
            )),
            Item::Map(d) => out.push(node(None, d.span, None, None)),
            Item::Cascade(d) => out.push(node(None, d.span, None, None)),
            Item::Align(d) => out.push(node(None, d.span, None, None)),
            Item::Error(_) => {}
        }
    }
    out
}

/// The names of the semantic token types, by [`token_type`].
pub(super) const TOKEN_TYPES: [&str; 5] =
    ["perspective", "objective", "measure", "kpi", "initiative"];
/// The one modifier: the id is declared here.
pub(super) const TOKEN_MODIFIERS: [&str; 1] = ["declaration"];

fn token_type(kind: Kind) -> u32 {
    match kind {
        Kind::Perspective => 0,
        Kind::Objective => 1,
        Kind::Measure => 2,
        Kind::Kpi => 3,
        Kind::Initiative => 4,
    }
}

impl Server {
    /// The file of a document in its compilation, with its syntax tree.
    fn tree(&self, uri: &Url) -> Option<(&Build, FileId, &File)> {
        let (b, id) = self.build_of(uri)?;
        let ast = b.comp.files.iter().find(|f| f.id == id)?.ast.as_ref()?;
        Some((b, id, ast))
    }

    pub(super) fn folding_ranges(&self, uri: &Url) -> Vec<lsp::FoldingRange> {
        let Some((b, _, ast)) = self.tree(uri) else {
            return vec![];
        };
        let mut out = Vec::new();
        let mut fold = |span: Span, kind: lsp::FoldingRangeKind| {
            let r = range(&b.comp, span);
            if r.end.line > r.start.line {
                out.push(lsp::FoldingRange {
                    start_line: r.start.line,
                    start_character: None,
                    end_line: r.end.line,
                    end_character: None,
                    kind: Some(kind),
                    collapsed_text: None,
                });
            }
        };
        for n in nodes(ast) {
            fold(n.span, lsp::FoldingRangeKind::Region);
        }
        for c in &ast.comments {
            if c.kind == CommentKind::Block {
                fold(c.span, lsp::FoldingRangeKind::Comment);
            }
        }
        out.sort_by_key(|f| (f.start_line, f.end_line));
        out.dedup_by_key(|f| (f.start_line, f.end_line));
        out
    }

    /// For each position: the id there, then each declaration around it, then the file.
    pub(super) fn selection_ranges(
        &self,
        uri: &Url,
        positions: &[lsp::Position],
    ) -> Vec<lsp::SelectionRange> {
        let Some((b, file, ast)) = self.tree(uri) else {
            return vec![];
        };
        let src = b.comp.sources.get(file);
        let whole = Span::new(file, 0, src.text.len());
        let nodes = nodes(ast);
        positions
            .iter()
            .map(|p| {
                let at = src.offset_utf16(p.line, p.character) as u32;
                let mut spans: Vec<Span> = nodes
                    .iter()
                    .map(|n| n.span)
                    .filter(|s| s.start <= at && at <= s.end)
                    .collect();
                if let Some(o) = b.occ.get(&file).and_then(|o| index::at(o, at)) {
                    spans.push(o.span);
                }
                spans.sort_by_key(|s| std::cmp::Reverse(s.end - s.start));
                let mut sel = lsp::SelectionRange {
                    range: range(&b.comp, whole),
                    parent: None,
                };
                for s in spans {
                    sel = lsp::SelectionRange {
                        range: range(&b.comp, s),
                        parent: Some(Box::new(sel)),
                    };
                }
                sel
            })
            .collect()
    }

    /// The id at the cursor wherever it is written in this file.
    pub(super) fn highlights(
        &self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Vec<lsp::DocumentHighlight> {
        let Some((b, file, offset)) = self.locate(pos) else {
            return vec![];
        };
        let Some(list) = b.occ.get(&file) else {
            return vec![];
        };
        let Some(occ) = index::at(list, offset) else {
            return vec![];
        };
        list.iter()
            .filter(|o| o.name == occ.name && o.department == occ.department)
            .map(|o| lsp::DocumentHighlight {
                range: range(&b.comp, o.span),
                kind: Some(if o.decl {
                    lsp::DocumentHighlightKind::WRITE
                } else {
                    lsp::DocumentHighlightKind::READ
                }),
            })
            .collect()
    }

    /// `use "…"` opens the imported file, `cascade ID "…"` the department's file,
    /// `actuals "…"` the data file.
    pub(super) fn links(&self, uri: &Url) -> Vec<lsp::DocumentLink> {
        let Some((b, file, ast)) = self.tree(uri) else {
            return vec![];
        };
        let src = b.comp.sources.get(file);
        let dir = src
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf);
        let mut out = Vec::new();
        let mut link = |span: Span, target: Option<Url>| {
            if let Some(target) = target {
                out.push(lsp::DocumentLink {
                    range: range(&b.comp, span),
                    target: Some(target),
                    tooltip: None,
                    data: None,
                });
            }
        };
        let on_disk = |rel: &str| -> Option<Url> {
            let p = dir.as_ref()?.join(rel);
            if !p.is_file() {
                return None;
            }
            Url::from_file_path(crate::files::lexical_absolute(&p)).ok()
        };
        for item in &ast.items {
            // `use "…"` and `cascade ID "…"` name a .bsc file.
            let path = match item {
                Item::Use(d) => Some(&d.node.path),
                Item::Cascade(d) => Some(&d.node.path),
                _ => None,
            };
            if let Some(path) = path {
                let rel = if path.value.ends_with(".bsc") {
                    path.value.clone()
                } else {
                    format!("{}.bsc", path.value)
                };
                let target = if rel.starts_with("std/") {
                    b.comp
                        .sources
                        .iter()
                        .find(|(_, f)| f.path.is_none() && f.name == rel)
                        .and_then(|(id, _)| b.uris.get(&id).cloned())
                } else {
                    on_disk(&rel)
                };
                link(path.span, target);
            }
        }
        // Data files: the first string after `actuals` in a measure's or a kpi's
        // properties (read from the text, so every form of `actuals` is covered).
        let mut props: Vec<Span> = Vec::new();
        let mut measure = |m: &ast::Measure| props.extend(m.props.iter().map(|p| p.span));
        for item in &ast.items {
            match item {
                Item::Kpi(d) => measure(&d.node),
                Item::Perspective(d) => {
                    for it in &d.node.items {
                        if let PerspectiveItem::Objective(o) = it {
                            for oi in &o.node.items {
                                if let ObjectiveItem::Measure(m) = oi {
                                    measure(&m.node);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for span in props {
            let text = &src.text[span.start as usize..span.end as usize];
            if !text.starts_with("actuals") {
                continue;
            }
            let Some(open) = text.find('"') else { continue };
            if text[7..open].contains(['{', '}']) {
                continue;
            }
            let Some(len) = text[open + 1..].find(['"', '\\']) else {
                continue;
            };
            let rel = &text[open + 1..open + 1 + len];
            let start = span.start as usize + open;
            link(Span::new(file, start, start + len + 2), on_disk(rel));
        }
        out
    }

    /// Every id of the file, by kind (references take the kind of what they name).
    pub(super) fn semantic_tokens(&self, uri: &Url) -> Vec<lsp::SemanticToken> {
        let Some((b, file)) = self.build_of(uri) else {
            return vec![];
        };
        let Some(list) = b.occ.get(&file) else {
            return vec![];
        };
        let src = b.comp.sources.get(file);
        let mut out = Vec::new();
        let (mut line, mut col) = (0, 0);
        for o in list {
            let kind = if o.decl || o.department.is_some() {
                o.kind
            } else {
                b.comp.model.symbols.get(&o.name).map(|s| s.kind)
            };
            let Some(kind) = kind else { continue };
            let (l, c) = src.line_col_utf16(o.span.start as usize);
            let (el, ec) = src.line_col_utf16(o.span.end as usize);
            if el != l {
                continue;
            }
            out.push(lsp::SemanticToken {
                delta_line: l.saturating_sub(line),
                delta_start: if l == line { c.saturating_sub(col) } else { c },
                length: ec.saturating_sub(c),
                token_type: token_type(kind),
                token_modifiers_bitset: u32::from(o.decl),
            });
            (line, col) = (l, c);
        }
        out
    }

    /// `● amber 78%` after the title of each objective and measure declared in the
    /// file (in `range`): its status and score at the as-of period.
    pub(super) fn inlay_hints(&self, uri: &Url, within: lsp::Range) -> Vec<lsp::InlayHint> {
        if !self.inlay_hints {
            return vec![];
        }
        let Some((b, _, ast)) = self.tree(uri) else {
            return vec![];
        };
        let m = &b.comp.model;
        let pct = crate::num::percent;
        let mut out = Vec::new();
        for n in nodes(ast) {
            let (Some(id), Some(title)) = (&n.id, n.title) else {
                continue;
            };
            let Some(sym) = m.symbols.get(&id.name) else {
                continue;
            };
            if sym.span != Some(id.span) {
                continue; // a duplicate: the symbol is declared elsewhere
            }
            let label = match sym.kind {
                Kind::Objective => {
                    let r = &b.scores.objectives[sym.index];
                    format!("● {} {}", r.status.as_str(), pct(r.score))
                }
                Kind::Measure => {
                    let r = &b.scores.measures[sym.index];
                    format!("● {} {}", r.status.as_str(), pct(r.progress))
                }
                _ => continue,
            };
            let at = range(&b.comp, title).end;
            if at.line < within.start.line || at.line > within.end.line {
                continue;
            }
            out.push(lsp::InlayHint {
                position: at,
                label: lsp::InlayHintLabel::String(label),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            });
        }
        out
    }
}
