//! Completion: ids where a reference is expected, keywords where a property or a
//! declaration may start.

use lsp_types as lsp;

use super::workspace::Server;
use crate::model::Kind;
use crate::syntax::keywords::{self, Block};

impl Server {
    pub(super) fn completion(
        &self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Vec<lsp::CompletionItem> {
        let Some((b, root, offset)) = self.locate(pos) else {
            return vec![];
        };
        let text = &b.comp.sources.get(root).text;
        let offset = (offset as usize).min(text.len());
        let before = &text[..offset];
        let line = &before[before.rfind(['\n', '\r']).map_or(0, |i| i + 1)..];
        let word_start = line
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let head = line[..word_start].trim_end();
        let m = &b.comp.model;
        let ids = |kinds: &[Kind]| -> Vec<lsp::CompletionItem> {
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
        };
        if head.ends_with("from") {
            return ids(&[Kind::Kpi]);
        }
        if head.ends_with("->") || head.contains("supports") {
            return ids(if head.contains("supports") {
                &[Kind::Objective, Kind::Measure]
            } else {
                &[Kind::Objective]
            });
        }
        // The innermost open block decides which keywords fit.
        let braces = crate::syntax::scan::scan(root, text).braces;
        let open = crate::syntax::scan::open_braces_at(&braces, offset);
        let block = open.last().map(|&o| {
            let start = text[..o].rfind(['\n', '\r', '{', '}']).map_or(0, |i| i + 1);
            text[start..o]
                .split_whitespace()
                .find(|w| !w.starts_with('@'))
                .unwrap_or("")
                .to_string()
        });
        if !head.is_empty() {
            return vec![];
        }
        let kind = match block.as_deref() {
            None => Block::Top,
            Some("scorecard") => Block::Scorecard,
            Some("bands") => Block::Bands,
            Some("perspective") => Block::Perspective,
            Some("objective") => Block::Objective,
            Some("measure" | "kpi") => Block::Measure,
            Some("initiative") => Block::Initiative,
            Some("map") => return ids(&[Kind::Objective]),
            _ => return vec![],
        };
        let words = keywords::words(kind);
        words
            .iter()
            .map(|w| lsp::CompletionItem {
                label: w.to_string(),
                kind: Some(lsp::CompletionItemKind::KEYWORD),
                ..Default::default()
            })
            .collect()
    }
}
