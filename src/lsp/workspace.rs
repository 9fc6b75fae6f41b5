//! The open documents and their compilations: what is compiled when a document changes,
//! and the URIs of the files a compilation read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_server::Notification;
use lsp_types as lsp;
use lsp_types::Url;

use crate::codes::Level;
use crate::files::Overlay;
use crate::load::STD;
use crate::score::{Scores, score};
use crate::span::{FileId, Span};
use crate::{Compilation, Options, compile_bytes};

use super::diagnostics::publish;
use super::index::{self, Occurrence};
use super::transport;

/// Where an id is written: the file, the span, whether it is declared there.
pub(super) type Place = (FileId, Span, bool);

/// One compiled document.
pub(super) struct Build {
    pub(super) comp: Compilation,
    pub(super) scores: Scores,
    /// Occurrences of ids per file of the compilation.
    pub(super) occ: BTreeMap<FileId, Vec<Occurrence>>,
}

pub(super) struct Server {
    pub(super) docs: BTreeMap<Url, String>,
    /// The version of each open document the editor last sent.
    pub(super) versions: BTreeMap<Url, i32>,
    /// Documents changed since they (and their importers) were last compiled, in order.
    pub(super) dirty: Vec<Url>,
    pub(super) builds: BTreeMap<Url, Build>,
    /// Files each root published diagnostics for (to clear them later).
    pub(super) published: BTreeMap<Url, Vec<Url>>,
    pub(super) std_dir: Option<PathBuf>,
}

impl Server {
    /// Notes that a document changed; it is compiled at the next [`Server::flush`].
    pub(super) fn changed(&mut self, uri: Url) {
        if !self.dirty.contains(&uri) {
            self.dirty.push(uri);
        }
    }

    /// Compiles what changed since the last flush, each document once, and publishes
    /// its diagnostics.
    pub(super) fn flush(&mut self, sender: &transport::Sender) {
        let mut uris: Vec<Url> = Vec::new();
        for changed in std::mem::take(&mut self.dirty) {
            for u in self.affected(&changed) {
                if !uris.contains(&u) {
                    uris.push(u);
                }
            }
        }
        for uri in uris {
            for out in self.rebuild(&uri) {
                sender.send(out);
            }
        }
    }

    /// The document `changed` (if open) and every open document whose last compilation
    /// read it: an edit in an imported file changes its importers. Others are left alone
    /// — this runs on every keystroke.
    pub(super) fn affected(&self, changed: &Url) -> Vec<Url> {
        let path = std::path::absolute(path_of(changed)).unwrap_or_else(|_| path_of(changed));
        let uris: Vec<Url> = self
            .docs
            .keys()
            .filter(|u| {
                *u == changed
                    || self.builds.get(*u).is_some_and(|b| {
                        b.comp
                            .read_paths()
                            .iter()
                            .any(|p| std::path::absolute(p).is_ok_and(|p| p == path))
                    })
            })
            .cloned()
            .collect();
        uris
    }

    pub(super) fn rebuild(&mut self, uri: &Url) -> Vec<Notification> {
        let Some(text) = self.docs.get(uri) else {
            return vec![];
        };
        let mut fs = Overlay::new();
        for (u, t) in &self.docs {
            fs.set(&path_of(u), t.as_bytes());
        }
        let path = path_of(uri);
        let comp = compile_bytes(
            &fs,
            &path.to_string_lossy(),
            &path,
            text.as_bytes(),
            &Options::default(),
        );
        let scores = score(&comp.model, comp.as_of);
        let occ = comp
            .files
            .iter()
            .filter_map(|f| f.ast.as_ref().map(|a| (f.id, index::occurrences(a))))
            .collect();
        // Diagnostics per file.
        let mut by_file: BTreeMap<Url, Vec<lsp::Diagnostic>> = BTreeMap::new();
        by_file.insert(uri.clone(), Vec::new());
        for d in &comp.diagnostics {
            let Some(file_uri) = self.uri_of(&comp, d.span.file) else {
                continue;
            };
            let related = d
                .labels
                .iter()
                .filter_map(|l| {
                    Some(lsp::DiagnosticRelatedInformation {
                        location: lsp::Location {
                            uri: self.uri_of(&comp, l.span.file)?,
                            range: range(&comp, l.span),
                        },
                        message: l.message.clone(),
                    })
                })
                .collect::<Vec<_>>();
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str(&format!("\nhelp: {h}"));
            }
            let data = d.fix.as_ref().map(|f| serde_json::json!({ "title": f.title, "replacement": f.replacement, "range": range(&comp, f.span) }));
            by_file.entry(file_uri).or_default().push(lsp::Diagnostic {
                range: range(&comp, d.span),
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
        let mut out = Vec::new();
        let before = self.published.remove(uri).unwrap_or_default();
        for old in before {
            if !by_file.contains_key(&old) {
                out.push(publish(old, Vec::new(), None));
            }
        }
        self.published
            .insert(uri.clone(), by_file.keys().cloned().collect());
        for (u, diags) in by_file {
            let version = self.versions.get(&u).copied();
            out.push(publish(u, diags, version));
        }
        self.builds.insert(uri.clone(), Build { comp, scores, occ });
        out
    }

    /// The URI of a file of a compilation.
    pub(super) fn uri_of(&mut self, comp: &Compilation, file: FileId) -> Option<Url> {
        let f = comp.sources.get(file);
        uri_for(&mut self.std_dir, &f.name, f.path.as_deref())
    }

    /// The build of a document and the byte offset of a position in it.
    pub(super) fn locate(
        &self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Option<(&Build, FileId, u32)> {
        let b = self.builds.get(&pos.text_document.uri)?;
        let root = b.comp.files.first()?.id;
        let f = b.comp.sources.get(root);
        Some((
            b,
            root,
            f.offset_utf16(pos.position.line, pos.position.character) as u32,
        ))
    }

    pub(super) fn occurrence_at(
        &self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Option<(&Build, Occurrence)> {
        let (b, root, offset) = self.locate(pos)?;
        let o = index::at(b.occ.get(&root)?, offset)?.clone();
        Some((b, o))
    }

    pub(super) fn file_uri(&mut self, uri: &Url, file: FileId) -> Option<Url> {
        let (name, path) = {
            let f = self.builds.get(uri)?.comp.sources.get(file);
            (f.name.clone(), f.path.clone())
        };
        uri_for(&mut self.std_dir, &name, path.as_deref())
    }
}

/// A span as an LSP range (UTF-16 columns).
pub(super) fn range(c: &Compilation, span: Span) -> lsp::Range {
    let f = c.sources.get(span.file);
    let (sl, sc) = f.line_col_utf16(span.start as usize);
    let (el, ec) = f.line_col_utf16(span.end as usize);
    lsp::Range {
        start: lsp::Position::new(sl, sc),
        end: lsp::Position::new(el, ec),
    }
}

/// The URI of a file; the bundled library (no path) is written once to a cache
/// folder so that an editor can open it.
pub(super) fn uri_for(
    std_dir: &mut Option<PathBuf>,
    name: &str,
    path: Option<&Path>,
) -> Option<Url> {
    match path {
        Some(p) => Url::from_file_path(std::path::absolute(p).ok()?).ok(),
        None => {
            let dir = std_dir.get_or_insert_with(|| {
                std::env::temp_dir().join(format!("bsc-{}-std", env!("CARGO_PKG_VERSION")))
            });
            let target = dir.join(name);
            if !target.exists() {
                std::fs::create_dir_all(target.parent()?).ok()?;
                let text = STD.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)?;
                crate::output::write_atomic(&target, text.as_bytes()).ok()?;
            }
            Url::from_file_path(target).ok()
        }
    }
}
pub(super) fn path_of(uri: &Url) -> PathBuf {
    uri.to_file_path()
        .unwrap_or_else(|_| PathBuf::from(uri.path()))
}
