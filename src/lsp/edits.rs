//! Formatting and quick fixes.

use super::workspace::Server;
use lsp_types as lsp;
use lsp_types::Url;

impl Server {
    pub(super) fn format(&self, uri: &Url) -> Option<Vec<lsp::TextEdit>> {
        let text = &self.docs.get(uri)?.text;
        let formatted = crate::fmt::format(text).ok()?;
        if &formatted == text {
            return Some(vec![]);
        }
        // Past the last line: lines end at `\n`, `\r\n` or a lone `\r`.
        let lines = (text.matches('\n').count() + text.matches('\r').count()
            - text.matches("\r\n").count()
            + 1) as u32;
        Some(vec![lsp::TextEdit {
            range: lsp::Range {
                start: lsp::Position::new(0, 0),
                end: lsp::Position::new(lines, 0),
            },
            new_text: formatted,
        }])
    }

    pub(super) fn code_actions(&self, p: lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let mut out = Vec::new();
        for d in p.context.diagnostics {
            let Some(data) = &d.data else { continue };
            let (Some(title), Some(repl), Some(r)) = (
                data["title"].as_str(),
                data["replacement"].as_str(),
                serde_json::from_value::<lsp::Range>(data["range"].clone()).ok(),
            ) else {
                continue;
            };
            let mut changes = std::collections::HashMap::new();
            changes.insert(
                p.text_document.uri.clone(),
                vec![lsp::TextEdit {
                    range: r,
                    new_text: repl.to_string(),
                }],
            );
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: title.to_string(),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(changes),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }));
        }
        out
    }
}
