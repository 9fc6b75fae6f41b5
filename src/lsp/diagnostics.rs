//! Diagnostics as the protocol publishes them: a compilation's diagnostics per file, and
//! the set a file shows, the union over the compilations that read it.

use std::collections::BTreeMap;

use lsp_server::Notification;
use lsp_types as lsp;
use lsp_types::{Url, notification::Notification as _};

use crate::Compilation;
use crate::codes::Level;
use crate::span::FileId;

use super::workspace::range;

/// The diagnostics of one compilation, by the URI of the file each is in (`uris`: the
/// URI of each file of the compilation).
pub(super) fn by_file(
    comp: &Compilation,
    uris: &BTreeMap<FileId, Url>,
) -> BTreeMap<Url, Vec<lsp::Diagnostic>> {
    let mut out: BTreeMap<Url, Vec<lsp::Diagnostic>> = BTreeMap::new();
    for d in &comp.diagnostics {
        let Some(file_uri) = uris.get(&d.span.file) else {
            continue;
        };
        let related = d
            .labels
            .iter()
            .filter_map(|l| {
                Some(lsp::DiagnosticRelatedInformation {
                    location: lsp::Location {
                        uri: uris.get(&l.span.file)?.clone(),
                        range: range(comp, l.span),
                    },
                    message: l.message.clone(),
                })
            })
            .collect::<Vec<_>>();
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        let data = d.fix.as_ref().map(|f| serde_json::json!({ "title": f.title, "replacement": f.replacement, "range": range(comp, f.span) }));
        out.entry(file_uri.clone())
            .or_default()
            .push(lsp::Diagnostic {
                range: range(comp, d.span),
                severity: Some(if d.level == Level::Error {
                    lsp::DiagnosticSeverity::ERROR
                } else {
                    lsp::DiagnosticSeverity::WARNING
                }),
                code: Some(lsp::NumberOrString::String(d.code.name().to_string())),
                source: Some("bsc".into()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                data,
                ..Default::default()
            });
    }
    out
}

/// The union of several compilations' diagnostics for one file, each once (a library
/// imported by two entry files shows a problem of its own once), in the order of the
/// compilations.
pub(super) fn union<'a>(
    lists: impl Iterator<Item = &'a Vec<lsp::Diagnostic>>,
) -> Vec<lsp::Diagnostic> {
    let mut out: Vec<lsp::Diagnostic> = Vec::new();
    for list in lists {
        for d in list {
            if !out.contains(d) {
                out.push(d.clone());
            }
        }
    }
    out
}

/// The diagnostics of a file, with the version of the document they were computed from
/// (for an open document).
pub(super) fn publish(
    uri: Url,
    diagnostics: Vec<lsp::Diagnostic>,
    version: Option<i32>,
) -> Notification {
    Notification::new(
        lsp::notification::PublishDiagnostics::METHOD.to_string(),
        lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    )
}
