//! `bsc lsp`: a language server on stdio (lsp-server and lsp-types, the crates
//! rust-analyzer is built on: synchronous, small, maintained).
//!
//! The server knows the workspace (`workspace.rs`): every `.bsc` file under the
//! workspace folders, analysed in the compilations of the entry files that import it,
//! with the editor's unsaved buffers over the disk; diagnostics (the same codes and spans
//! as `bsc check`) are published for every file of the workspace and refreshed on every
//! change, also to files on disk the client reports (`didChangeWatchedFiles`). Positions
//! are UTF-16, as the protocol requires; `source.rs` converts them.
//!
//! Laid out by concern, as taplo's server is: this file holds the loop and the
//! dispatch; `workspace` the documents, projects and compilations; `diagnostics`,
//! `navigation` (hover, definition, references, rename), `completion`, `symbols`
//! (document and workspace symbols), `structure` (folding, selection ranges, highlights,
//! links, semantic tokens, inlay hints) and `edits` (formatting, quick fixes) one
//! feature each; `index` lists where each id is written, `transport` reads and writes
//! the frames.

mod completion;
mod diagnostics;
mod edits;
mod index;
mod navigation;
mod structure;
mod symbols;
pub mod transport;
mod workspace;

use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::{notification::Notification as _, request::Request as _};
use serde_json::Value;

use crate::{Error, ExitStatus};

use workspace::Server;

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
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
        selection_range_provider: Some(lsp::SelectionRangeProviderCapability::Simple(true)),
        document_highlight_provider: Some(lsp::OneOf::Left(true)),
        document_link_provider: Some(lsp::DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        }),
        semantic_tokens_provider: Some(
            lsp::SemanticTokensOptions {
                legend: lsp::SemanticTokensLegend {
                    token_types: structure::TOKEN_TYPES
                        .iter()
                        .map(|t| lsp::SemanticTokenType::new(t))
                        .collect(),
                    token_modifiers: structure::TOKEN_MODIFIERS
                        .iter()
                        .map(|t| lsp::SemanticTokenModifier::new(t))
                        .collect(),
                },
                full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                ..Default::default()
            }
            .into(),
        ),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        workspace: Some(lsp::WorkspaceServerCapabilities {
            workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp::OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    };
    let caps = serde_json::to_value(caps).map_err(|e| Error::Usage(e.to_string()))?;
    let Some(params) = initialize(&sender, &receiver, caps) else {
        return Ok(ExitStatus::Errors);
    };
    let mut server = Server::new(workspace_folders(&params));
    if let Some(on) = inlay_setting(params.initialization_options.as_ref()) {
        server.inlay_hints = on;
    }
    if watches_files(&params) {
        sender.send(Request::new(
            RequestId::from("bsc/watch".to_string()),
            lsp::request::RegisterCapability::METHOD.to_string(),
            watch_registration(),
        ));
    }
    // Inlay hints turned on or off: a client that can be asked to fetch them again is.
    let refresh_hints = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.inlay_hint.as_ref())
        .and_then(|h| h.refresh_support)
        .unwrap_or(false);
    let mut refreshes = 0;
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
                    // A bug in one feature answers that request with an error instead
                    // of ending the session (requests only read the server's state).
                    let id = req.id.clone();
                    let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        server.request(req)
                    }))
                    .unwrap_or_else(|_| {
                        Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            "bsc lsp failed on this request (a bug: please report it)".into(),
                        )
                    });
                    sender.send(reply);
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
                    let hints = server.inlay_hints;
                    server.notification(n);
                    if refresh_hints && hints != server.inlay_hints {
                        refreshes += 1;
                        sender.send(Request::new(
                            RequestId::from(format!("bsc/inlay-hints/{refreshes}")),
                            lsp::request::InlayHintRefreshRequest::METHOD.to_string(),
                            (),
                        ));
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
/// ends the server. The client's parameters; `None` if stdin ended or `exit` came first.
fn initialize(
    sender: &transport::Sender,
    receiver: &Receiver<Message>,
    caps: Value,
) -> Option<lsp::InitializeParams> {
    loop {
        match receiver.recv() {
            Ok(Message::Request(req)) if req.method == lsp::request::Initialize::METHOD => {
                let params = serde_json::from_value(req.params).unwrap_or_default();
                sender.send(Response::new_ok(
                    req.id,
                    serde_json::json!({
                        "capabilities": caps,
                        "serverInfo": { "name": "bsc", "version": env!("CARGO_PKG_VERSION") },
                    }),
                ));
                return Some(params);
            }
            Ok(Message::Request(req)) => sender.send(Response::new_err(
                req.id,
                ErrorCode::ServerNotInitialized as i32,
                "the server is not initialized yet".into(),
            )),
            Ok(Message::Notification(n)) if n.method == lsp::notification::Exit::METHOD => {
                return None;
            }
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

/// The workspace folders the client names: `workspaceFolders`, else the older
/// `rootUri`, else `rootPath`.
#[allow(deprecated)]
fn workspace_folders(p: &lsp::InitializeParams) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = p
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().ok())
        .collect();
    if out.is_empty() {
        out.extend(p.root_uri.as_ref().and_then(|u| u.to_file_path().ok()));
    }
    if out.is_empty() {
        out.extend(p.root_path.as_ref().map(PathBuf::from));
    }
    out
}

/// The `inlayHints` setting, in the initialization options (`{ "inlayHints": false }`)
/// or in the settings a client sends (`{ "bsc": { "inlayHints": false } }`).
fn inlay_setting(v: Option<&Value>) -> Option<bool> {
    let v = v?;
    v.get("inlayHints")
        .or_else(|| v.get("bsc").and_then(|b| b.get("inlayHints")))
        .and_then(Value::as_bool)
}

/// Whether the client lets the server register file watchers.
fn watches_files(p: &lsp::InitializeParams) -> bool {
    p.capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false)
}

/// The files whose changes on disk (outside the editor) matter: `.bsc` files and the
/// data files measures read (their extensions; a change to one no compilation read
/// recompiles nothing).
fn watch_registration() -> lsp::RegistrationParams {
    let mut globs = vec!["**/*.bsc".to_string(), "**/*.csv".to_string()];
    for ext in crate::data::SHEET_EXTENSIONS
        .iter()
        .chain(["sqlite", "sqlite3", "db"].iter())
    {
        globs.push(format!("**/*.{ext}"));
    }
    let watchers = globs
        .into_iter()
        .map(|g| lsp::FileSystemWatcher {
            glob_pattern: lsp::GlobPattern::String(g),
            kind: None,
        })
        .collect();
    lsp::RegistrationParams {
        registrations: vec![lsp::Registration {
            id: "bsc-watched-files".into(),
            method: lsp::notification::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        }],
    }
}

fn ok<T: serde::Serialize>(id: RequestId, value: T) -> Response {
    Response::new_ok(
        id,
        serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
    )
}

impl Server {
    fn notification(&mut self, n: Notification) {
        use lsp::notification::*;
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    self.set_doc(d.uri, d.text, d.version, Some(&d.language_id));
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                {
                    // Full sync: the last change is the whole text.
                    if let Some(change) = p.content_changes.into_iter().last() {
                        self.set_doc(
                            p.text_document.uri,
                            change.text,
                            p.text_document.version,
                            None,
                        );
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) {
                    self.close_doc(p.text_document.uri);
                }
            }
            DidChangeConfiguration::METHOD => {
                let p = serde_json::from_value::<lsp::DidChangeConfigurationParams>(n.params);
                if let Some(on) = p.ok().and_then(|p| inlay_setting(Some(&p.settings))) {
                    self.inlay_hints = on;
                }
            }
            DidChangeWorkspaceFolders::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp::DidChangeWorkspaceFoldersParams>(n.params)
                {
                    let paths = |v: Vec<lsp::WorkspaceFolder>| -> Vec<PathBuf> {
                        v.into_iter()
                            .filter_map(|f| f.uri.to_file_path().ok())
                            .collect()
                    };
                    self.change_folders(paths(p.event.added), paths(p.event.removed));
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(n.params)
                {
                    for c in p.changes {
                        self.changed(c.uri);
                    }
                }
            }
            _ => {}
        }
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
            WorkspaceSymbolRequest::METHOD => self
                .params::<lsp::WorkspaceSymbolParams>(req)
                .map(|p| ok(id.clone(), self.workspace_symbols(&p.query))),
            FoldingRangeRequest::METHOD => self
                .params::<lsp::FoldingRangeParams>(req)
                .map(|p| ok(id.clone(), self.folding_ranges(&p.text_document.uri))),
            SelectionRangeRequest::METHOD => {
                self.params::<lsp::SelectionRangeParams>(req).map(|p| {
                    ok(
                        id.clone(),
                        self.selection_ranges(&p.text_document.uri, &p.positions),
                    )
                })
            }
            DocumentHighlightRequest::METHOD => {
                self.params::<lsp::DocumentHighlightParams>(req).map(|p| {
                    ok(
                        id.clone(),
                        self.highlights(&p.text_document_position_params),
                    )
                })
            }
            DocumentLinkRequest::METHOD => self
                .params::<lsp::DocumentLinkParams>(req)
                .map(|p| ok(id.clone(), self.links(&p.text_document.uri))),
            SemanticTokensFullRequest::METHOD => {
                self.params::<lsp::SemanticTokensParams>(req).map(|p| {
                    ok(
                        id.clone(),
                        lsp::SemanticTokens {
                            result_id: None,
                            data: self.semantic_tokens(&p.text_document.uri),
                        },
                    )
                })
            }
            InlayHintRequest::METHOD => self
                .params::<lsp::InlayHintParams>(req)
                .map(|p| ok(id.clone(), self.inlay_hints(&p.text_document.uri, p.range))),
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
}
