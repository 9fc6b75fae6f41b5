//! `bsc lsp`: a language server on stdio (lsp-server and lsp-types, the crates
//! rust-analyzer is built on: synchronous, small, maintained).
//!
//! Each open document is compiled as a root, with the editor's unsaved buffers over the
//! disk; its diagnostics (the same codes and spans as `bsc check`, also those in
//! imported files) are published on open and on every change. Positions are UTF-16, as
//! the protocol requires; `source.rs` converts them.

mod completion;
mod diagnostics;
mod edits;
mod index;
mod navigation;
mod symbols;
pub mod transport;
mod workspace;

use diagnostics::publish;
use workspace::Server;

use std::collections::BTreeMap;

use std::sync::mpsc::Receiver;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::{notification::Notification as _, request::Request as _};
use serde_json::Value;

use crate::{Error, ExitStatus};

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
}
