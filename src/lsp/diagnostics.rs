//! Diagnostics as the protocol publishes them.

use lsp_server::Notification;
use lsp_types as lsp;
use lsp_types::{Url, notification::Notification as _};

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
