//! `bsc lsp`: a language server on stdio (lsp-server and lsp-types, the crates
//! rust-analyzer is built on: synchronous, small, maintained).
//!
//! Each open document is compiled as a root, with the editor's unsaved buffers over the
//! disk; its diagnostics (the same codes and spans as `bsc check`, also those in
//! imported files) are published on open and on every change. Positions are UTF-16, as
//! the protocol requires; `source.rs` converts them.

mod index;
pub mod transport;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::sync::mpsc::Receiver;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::{Url, notification::Notification as _, request::Request as _};
use serde_json::Value;

use crate::codes::Level;
use crate::files::Overlay;
use crate::load::STD;
use crate::model::{Kind, Symbol};
use crate::score::{Scores, score};
use crate::span::{FileId, Span};
use crate::syntax::keywords::{self, Block};
use crate::{Compilation, Error, ExitStatus, Options, compile_bytes};

use index::Occurrence;

/// Where an id is written: the file, the span, whether it is declared there.
type Place = (FileId, Span, bool);

/// One compiled document.
struct Build {
    comp: Compilation,
    scores: Scores,
    /// Occurrences of ids per file of the compilation.
    occ: BTreeMap<FileId, Vec<Occurrence>>,
}

struct Server {
    docs: BTreeMap<Url, String>,
    /// The version of each open document the editor last sent.
    versions: BTreeMap<Url, i32>,
    /// Documents changed since they (and their importers) were last compiled, in order.
    dirty: Vec<Url>,
    builds: BTreeMap<Url, Build>,
    /// Files each root published diagnostics for (to clear them later).
    published: BTreeMap<Url, Vec<Url>>,
    std_dir: Option<PathBuf>,
}

/// Runs the server until the client says `exit`: exit status 0 after `shutdown`, 1
/// without it (LSP), also when stdin ends first.
pub fn run() -> Result<ExitStatus, Error> {
    let (sender, receiver) = transport::stdio();
    let caps = lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::FULL,
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![" ".into(), ",".into(), ">".into()]),
            ..Default::default()
        }),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    };
    let caps = serde_json::to_value(caps).map_err(|e| Error::Usage(e.to_string()))?;
    if !initialize(&sender, &receiver, caps) {
        return Ok(ExitStatus::Errors);
    }
    let mut server = Server {
        docs: BTreeMap::new(),
        versions: BTreeMap::new(),
        dirty: Vec::new(),
        builds: BTreeMap::new(),
        published: BTreeMap::new(),
        std_dir: None,
    };
    let mut shut_down = false;
    while let Ok(first) = receiver.recv() {
        // Everything already received is handled before compiling: a burst of edits
        // (typing) compiles only the latest text of each document.
        let batch: Vec<Message> = std::iter::once(first).chain(receiver.try_iter()).collect();
        for msg in batch {
            match msg {
                Message::Request(req) if shut_down => sender.send(Response::new_err(
                    req.id,
                    ErrorCode::InvalidRequest as i32,
                    "the server is shutting down".into(),
                )),
                Message::Request(req) if req.method == lsp::request::Shutdown::METHOD => {
                    shut_down = true;
                    sender.send(Response::new_ok(req.id, ()));
                }
                Message::Request(req) => {
                    // A request sees every edit received before it.
                    server.flush(&sender);
                    sender.send(server.request(req));
                }
                Message::Notification(n) if n.method == lsp::notification::Exit::METHOD => {
                    return Ok(if shut_down {
                        ExitStatus::Ok
                    } else {
                        ExitStatus::Errors
                    });
                }
                Message::Notification(_) if shut_down => {}
                Message::Notification(n) => {
                    for out in server.notification(n) {
                        sender.send(out);
                    }
                }
                Message::Response(_) => {}
            }
        }
        server.flush(&sender);
    }
    Ok(if shut_down {
        ExitStatus::Ok
    } else {
        ExitStatus::Errors
    })
}

/// The `initialize` handshake: requests before it get `ServerNotInitialized`, an `exit`
/// ends the server. `false` if stdin ended or `exit` came first.
fn initialize(sender: &transport::Sender, receiver: &Receiver<Message>, caps: Value) -> bool {
    loop {
        match receiver.recv() {
            Ok(Message::Request(req)) if req.method == lsp::request::Initialize::METHOD => {
                sender.send(Response::new_ok(
                    req.id,
                    serde_json::json!({
                        "capabilities": caps,
                        "serverInfo": { "name": "bsc", "version": env!("CARGO_PKG_VERSION") },
                    }),
                ));
                return true;
            }
            Ok(Message::Request(req)) => sender.send(Response::new_err(
                req.id,
                ErrorCode::ServerNotInitialized as i32,
                "the server is not initialized yet".into(),
            )),
            Ok(Message::Notification(n)) if n.method == lsp::notification::Exit::METHOD => {
                return false;
            }
            Ok(_) => {}
            Err(_) => return false,
        }
    }
}

fn path_of(uri: &Url) -> PathBuf {
    uri.to_file_path()
        .unwrap_or_else(|_| PathBuf::from(uri.path()))
}

fn ok<T: serde::Serialize>(id: RequestId, value: T) -> Response {
    Response::new_ok(
        id,
        serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
    )
}

impl Server {
    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        use lsp::notification::*;
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params)
                else {
                    return vec![];
                };
                let uri = p.text_document.uri;
                self.docs.insert(uri.clone(), p.text_document.text);
                self.versions.insert(uri.clone(), p.text_document.version);
                self.changed(uri);
                vec![]
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                else {
                    return vec![];
                };
                let uri = p.text_document.uri;
                if let Some(change) = p.content_changes.into_iter().last() {
                    self.docs.insert(uri.clone(), change.text);
                }
                self.versions.insert(uri.clone(), p.text_document.version);
                self.changed(uri);
                vec![]
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params)
                else {
                    return vec![];
                };
                self.docs.remove(&p.text_document.uri);
                self.versions.remove(&p.text_document.uri);
                self.builds.remove(&p.text_document.uri);
                let mut out = Vec::new();
                for uri in self
                    .published
                    .remove(&p.text_document.uri)
                    .unwrap_or_default()
                {
                    out.push(publish(uri, Vec::new(), None));
                }
                self.changed(p.text_document.uri);
                out
            }
            _ => vec![],
        }
    }

    /// Notes that a document changed; it is compiled at the next [`Server::flush`].
    fn changed(&mut self, uri: Url) {
        if !self.dirty.contains(&uri) {
            self.dirty.push(uri);
        }
    }

    /// Compiles what changed since the last flush, each document once, and publishes
    /// its diagnostics.
    fn flush(&mut self, sender: &transport::Sender) {
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
    fn affected(&self, changed: &Url) -> Vec<Url> {
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

    fn rebuild(&mut self, uri: &Url) -> Vec<Notification> {
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
    fn uri_of(&mut self, comp: &Compilation, file: FileId) -> Option<Url> {
        let f = comp.sources.get(file);
        uri_for(&mut self.std_dir, &f.name, f.path.as_deref())
    }

    fn request(&mut self, req: Request) -> Response {
        use lsp::request::*;
        let id = req.id.clone();
        let result = match req.method.as_str() {
            HoverRequest::METHOD => self
                .params::<lsp::HoverParams>(req)
                .map(|p| ok(id.clone(), self.hover(p))),
            GotoDefinition::METHOD => self.params::<lsp::GotoDefinitionParams>(req).map(|p| {
                let r = self.definition(&p.text_document_position_params);
                ok(id.clone(), r.map(lsp::GotoDefinitionResponse::Scalar))
            }),
            References::METHOD => self.params::<lsp::ReferenceParams>(req).map(|p| {
                ok(
                    id.clone(),
                    self.references(&p.text_document_position, p.context.include_declaration),
                )
            }),
            PrepareRenameRequest::METHOD => self
                .params::<lsp::TextDocumentPositionParams>(req)
                .map(|p| match self.rename_target(&p) {
                    Ok((range, name)) => ok(
                        id.clone(),
                        lsp::PrepareRenameResponse::RangeWithPlaceholder {
                            range,
                            placeholder: name,
                        },
                    ),
                    Err(msg) => Response::new_err(id.clone(), ErrorCode::RequestFailed as i32, msg),
                }),
            Rename::METHOD => self
                .params::<lsp::RenameParams>(req)
                .map(|p| match self.rename(p) {
                    Ok(edit) => ok(id.clone(), edit),
                    Err(msg) => Response::new_err(id.clone(), ErrorCode::RequestFailed as i32, msg),
                }),
            Completion::METHOD => self
                .params::<lsp::CompletionParams>(req)
                .map(|p| ok(id.clone(), self.completion(&p.text_document_position))),
            DocumentSymbolRequest::METHOD => self
                .params::<lsp::DocumentSymbolParams>(req)
                .map(|p| ok(id.clone(), self.symbols(&p.text_document.uri))),
            Formatting::METHOD => self
                .params::<lsp::DocumentFormattingParams>(req)
                .map(|p| ok(id.clone(), self.format(&p.text_document.uri))),
            CodeActionRequest::METHOD => self
                .params::<lsp::CodeActionParams>(req)
                .map(|p| ok(id.clone(), self.code_actions(p))),
            _ => Err(Response::new_err(
                id.clone(),
                ErrorCode::MethodNotFound as i32,
                format!("unknown request {}", req.method),
            )),
        };
        result.unwrap_or_else(|e| e)
    }

    fn params<T: serde::de::DeserializeOwned>(&self, req: Request) -> Result<T, Response> {
        serde_json::from_value(req.params)
            .map_err(|e| Response::new_err(req.id, ErrorCode::InvalidParams as i32, e.to_string()))
    }

    /// The build of a document and the byte offset of a position in it.
    fn locate(&self, pos: &lsp::TextDocumentPositionParams) -> Option<(&Build, FileId, u32)> {
        let b = self.builds.get(&pos.text_document.uri)?;
        let root = b.comp.files.first()?.id;
        let f = b.comp.sources.get(root);
        Some((
            b,
            root,
            f.offset_utf16(pos.position.line, pos.position.character) as u32,
        ))
    }

    fn occurrence_at(&self, pos: &lsp::TextDocumentPositionParams) -> Option<(&Build, Occurrence)> {
        let (b, root, offset) = self.locate(pos)?;
        let o = index::at(b.occ.get(&root)?, offset)?.clone();
        Some((b, o))
    }

    fn hover(&self, p: lsp::HoverParams) -> Option<lsp::Hover> {
        let (b, occ) = self.occurrence_at(&p.text_document_position_params)?;
        let m = &b.comp.model;
        let sym = m.symbols.get(&occ.name)?;
        let pct = crate::num::percent;
        let mut md = String::new();
        match sym.kind {
            Kind::Objective => {
                let o = &m.objectives[sym.index];
                let r = &b.scores.objectives[sym.index];
                md.push_str(&format!(
                    "**{}**  \nobjective `{}` in `{}`\n\n",
                    o.title, o.id, m.perspectives[o.perspective].id
                ));
                if let Some(d) = &o.doc {
                    md.push_str(&format!("{d}\n\n"));
                }
                md.push_str(&format!(
                    "status **{}** · score {}",
                    r.status.as_str(),
                    pct(r.score)
                ));
                if let Some(owner) = &o.owner {
                    md.push_str(&format!(" · owner {owner}"));
                }
                md.push_str(&format!("\n\n`{}`", r.trace.text));
            }
            Kind::Measure => {
                let ms = &m.measures[sym.index];
                let s = &b.scores.measures[sym.index];
                md.push_str(&format!("**{}**  \nmeasure `{}`\n\n", ms.title, ms.id));
                if let Some(d) = ms
                    .doc
                    .as_ref()
                    .or_else(|| ms.from.and_then(|k| m.kpis[k].doc.as_ref()))
                {
                    md.push_str(&format!("{d}\n\n"));
                }
                md.push_str(&format!(
                    "status **{}** · progress {}\n\n",
                    s.status.as_str(),
                    pct(s.progress)
                ));
                for line in [
                    &s.trace.actual,
                    &s.trace.target,
                    &s.trace.progress,
                    &s.trace.status,
                ] {
                    md.push_str(&format!("- {line}\n"));
                }
            }
            Kind::Kpi => {
                let k = &m.kpis[sym.index];
                md.push_str(&format!("**{}**  \nkpi template `{}`\n\n", k.title, k.id));
                if let Some(d) = &k.doc {
                    md.push_str(&format!("{d}\n\n"));
                }
                let p = &k.props;
                let mut facts = Vec::new();
                if let Some(u) = &p.unit {
                    facts.push(format!("unit \"{u}\""));
                }
                if let Some(d) = p.direction {
                    facts.push(format!(
                        "direction {}",
                        if d == crate::syntax::ast::Direction::Up {
                            "up"
                        } else {
                            "down"
                        }
                    ));
                }
                if let Some(f) = p.frequency {
                    facts.push(format!(
                        "frequency {}",
                        serde_json::to_value(f)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default()
                    ));
                }
                if let Some(i) = p.indicator {
                    facts.push(
                        serde_json::to_value(i)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                    );
                }
                md.push_str(&facts.join(" · "));
            }
            Kind::Perspective => {
                let p = &m.perspectives[sym.index];
                let r = &b.scores.perspectives[sym.index];
                md.push_str(&format!(
                    "**{}**  \nperspective `{}`, level {}\n\nstatus **{}** · score {}",
                    p.title,
                    p.id,
                    p.level,
                    r.status.as_str(),
                    pct(r.score)
                ));
            }
            Kind::Initiative => {
                let i = &m.initiatives[sym.index];
                md.push_str(&format!("**{}**  \ninitiative `{}`", i.title, i.id));
                if let Some(d) = &i.doc {
                    md.push_str(&format!("\n\n{d}"));
                }
            }
        }
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: md,
            }),
            range: Some(range(&b.comp, occ.span)),
        })
    }

    fn symbol_location(&mut self, uri: &Url, sym: Symbol) -> Option<lsp::Location> {
        let span = sym.span?;
        let r = range(&self.builds.get(uri)?.comp, span);
        Some(lsp::Location {
            uri: self.file_uri(uri, span.file)?,
            range: r,
        })
    }

    fn definition(&mut self, pos: &lsp::TextDocumentPositionParams) -> Option<lsp::Location> {
        let (b, occ) = self.occurrence_at(pos)?;
        let sym = *b.comp.model.symbols.get(&occ.name)?;
        self.symbol_location(&pos.text_document.uri, sym)
    }

    /// Every occurrence of the id at `pos`, in every file of the compilation.
    fn all_occurrences(
        &self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Option<(String, Vec<Place>)> {
        let (b, occ) = self.occurrence_at(pos)?;
        let mut v = Vec::new();
        for (&file, list) in &b.occ {
            for o in list.iter().filter(|o| o.name == occ.name) {
                v.push((file, o.span, o.decl));
            }
        }
        Some((occ.name, v))
    }

    fn file_uri(&mut self, uri: &Url, file: FileId) -> Option<Url> {
        let (name, path) = {
            let f = self.builds.get(uri)?.comp.sources.get(file);
            (f.name.clone(), f.path.clone())
        };
        uri_for(&mut self.std_dir, &name, path.as_deref())
    }

    fn references(
        &mut self,
        pos: &lsp::TextDocumentPositionParams,
        include_decl: bool,
    ) -> Vec<lsp::Location> {
        let Some((_, occs)) = self.all_occurrences(pos) else {
            return vec![];
        };
        let uri = pos.text_document.uri.clone();
        let mut out = Vec::new();
        for (file, span, decl) in occs {
            if decl && !include_decl {
                continue;
            }
            let Some(b) = self.builds.get(&uri) else {
                break;
            };
            let r = range(&b.comp, span);
            if let Some(u) = self.file_uri(&uri, file) {
                out.push(lsp::Location { uri: u, range: r });
            }
        }
        out
    }

    fn rename_target(
        &self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Result<(lsp::Range, String), String> {
        let (b, occ) = self.occurrence_at(pos).ok_or("no id here to rename")?;
        if let Some(sym) = b.comp.model.symbols.get(&occ.name) {
            if sym
                .span
                .is_some_and(|s| b.comp.sources.get(s.file).path.is_none())
            {
                return Err(format!(
                    "`{}` is declared by the bundled library and cannot be renamed",
                    occ.name
                ));
            }
            if sym.kind == Kind::Perspective && sym.span.is_none() {
                return Err(format!("`{}` is a predeclared perspective", occ.name));
            }
        }
        Ok((range(&b.comp, occ.span), occ.name))
    }

    fn rename(&mut self, p: lsp::RenameParams) -> Result<lsp::WorkspaceEdit, String> {
        let pos = p.text_document_position;
        let new = p.new_name;
        let valid = new
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && new.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(format!(
                "`{new}` is not an id: ids are letters, digits and `_`, not starting with a digit"
            ));
        }
        self.rename_target(&pos)?;
        let (_, occs) = self.all_occurrences(&pos).ok_or("no id here to rename")?;
        let uri = pos.text_document.uri.clone();
        let mut changes: std::collections::HashMap<Url, Vec<lsp::TextEdit>> =
            std::collections::HashMap::new();
        for (file, span, _) in occs {
            let Some(b) = self.builds.get(&uri) else {
                break;
            };
            if b.comp.sources.get(file).path.is_none() {
                continue;
            }
            let r = range(&b.comp, span);
            if let Some(u) = self.file_uri(&uri, file) {
                changes.entry(u).or_default().push(lsp::TextEdit {
                    range: r,
                    new_text: new.clone(),
                });
            }
        }
        Ok(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        })
    }

    fn completion(&self, pos: &lsp::TextDocumentPositionParams) -> Vec<lsp::CompletionItem> {
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

    fn symbols(&self, uri: &Url) -> Vec<lsp::DocumentSymbol> {
        let Some(b) = self.builds.get(uri) else {
            return vec![];
        };
        let Some(first) = b.comp.files.first() else {
            return vec![];
        };
        let Some(ast) = &first.ast else { return vec![] };
        use crate::syntax::ast::*;
        let c = &b.comp;
        #[allow(deprecated)]
        let sym = |name: &str,
                   detail: &str,
                   kind: lsp::SymbolKind,
                   span: Span,
                   sel: Span,
                   children: Vec<lsp::DocumentSymbol>| lsp::DocumentSymbol {
            name: name.to_string(),
            detail: (!detail.is_empty()).then(|| detail.to_string()),
            kind,
            tags: None,
            deprecated: None,
            range: range(c, span),
            selection_range: range(c, sel),
            children: (!children.is_empty()).then_some(children),
        };
        let mut out = Vec::new();
        for item in &ast.items {
            match item {
                Item::Scorecard(d) => out.push(sym(
                    "scorecard",
                    &d.node.title.value,
                    lsp::SymbolKind::FILE,
                    d.span,
                    d.head,
                    vec![],
                )),
                Item::Perspective(d) => {
                    let objectives = d
                        .node
                        .items
                        .iter()
                        .filter_map(|i| match i {
                            PerspectiveItem::Objective(o) => {
                                let measures = o
                                    .node
                                    .items
                                    .iter()
                                    .filter_map(|mi| match mi {
                                        ObjectiveItem::Measure(m) => Some(sym(
                                            &m.node.id.name,
                                            &m.node.title.value,
                                            lsp::SymbolKind::FIELD,
                                            m.span,
                                            m.node.id.span,
                                            vec![],
                                        )),
                                        _ => None,
                                    })
                                    .collect();
                                Some(sym(
                                    &o.node.id.name,
                                    &o.node.title.value,
                                    lsp::SymbolKind::CLASS,
                                    o.span,
                                    o.node.id.span,
                                    measures,
                                ))
                            }
                            _ => None,
                        })
                        .collect();
                    let title = d.node.title.as_ref().map_or("", |t| t.value.as_str());
                    out.push(sym(
                        &d.node.id.name,
                        title,
                        lsp::SymbolKind::NAMESPACE,
                        d.span,
                        d.node.id.span,
                        objectives,
                    ));
                }
                Item::Kpi(d) => out.push(sym(
                    &d.node.id.name,
                    &d.node.title.value,
                    lsp::SymbolKind::INTERFACE,
                    d.span,
                    d.node.id.span,
                    vec![],
                )),
                Item::Initiative(d) => out.push(sym(
                    &d.node.id.name,
                    &d.node.title.value,
                    lsp::SymbolKind::EVENT,
                    d.span,
                    d.node.id.span,
                    vec![],
                )),
                Item::Map(d) => out.push(sym(
                    "map",
                    "",
                    lsp::SymbolKind::PACKAGE,
                    d.span,
                    d.head,
                    vec![],
                )),
                Item::Use(_) | Item::Cascade(_) | Item::Align(_) => {}
                Item::Error(_) => {} // reported as a syntax error
            }
        }
        out
    }

    fn format(&self, uri: &Url) -> Option<Vec<lsp::TextEdit>> {
        let text = self.docs.get(uri)?;
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

    fn code_actions(&self, p: lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
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

/// The diagnostics of a file, with the version of the document they were computed from
/// (for an open document).
fn publish(uri: Url, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) -> Notification {
    Notification::new(
        lsp::notification::PublishDiagnostics::METHOD.to_string(),
        lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    )
}

/// A span as an LSP range (UTF-16 columns).
fn range(c: &Compilation, span: Span) -> lsp::Range {
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
fn uri_for(std_dir: &mut Option<PathBuf>, name: &str, path: Option<&Path>) -> Option<Url> {
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
