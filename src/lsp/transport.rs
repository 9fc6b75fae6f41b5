//! The language server's stdio transport: reads `Content-Length` frames from stdin and
//! hands [`Message`]s to the server loop; writes frames to stdout.
//!
//! Nothing a client sends ends the server or makes it allocate more than
//! [`MAX_MESSAGE`] (lsp-server's own reader does both). Per JSON-RPC 2.0 and the LSP:
//!
//! - a body larger than [`MAX_MESSAGE`] is answered with an error and skipped (read and
//!   dropped as it streams in, so the next frame is found again);
//! - a header block without a valid `Content-Length`, or with a line too long or without
//!   `:`, is answered with a parse error (-32700); the frame's body cannot be found, so
//!   reading goes on at the next line;
//! - a body that is not JSON is a parse error (-32700); JSON that is no request,
//!   response or notification — an array (a batch: the LSP has none), `"jsonrpc"` other
//!   than `"2.0"`, an id that is neither an integer nor a string — is an invalid request
//!   (-32600). The error goes back with the request's id where one can be read, else
//!   with `null`, and the server keeps serving.

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

/// The largest message body read (64 MiB: far beyond any scorecard an editor holds).
pub const MAX_MESSAGE: u64 = 64 << 20;
/// The longest header line (`Content-Length: …` is 35 bytes).
const MAX_HEADER_LINE: u64 = 8 << 10;
/// The most header lines in one frame.
const MAX_HEADER_LINES: usize = 64;

/// Writes frames to the client. Cheap to clone; each frame is written whole.
#[derive(Clone)]
pub struct Sender {
    out: Arc<Mutex<Box<dyn Write + Send>>>,
}

impl Sender {
    /// A sender writing to `out`.
    pub fn new(out: impl Write + Send + 'static) -> Sender {
        Sender {
            out: Arc::new(Mutex::new(Box::new(out))),
        }
    }

    /// Sends a message. A client that has gone away is no error worth a panic: the
    /// reader sees the end of stdin next.
    pub fn send(&self, msg: impl Into<Message>) {
        let msg: Message = msg.into();
        if let Ok(mut out) = self.out.lock() {
            let _ = msg.write(&mut *out);
        }
    }

    /// Sends an error response whose request id could not be read (`"id": null`).
    fn send_error(&self, id: Option<RequestId>, code: ErrorCode, message: &str) {
        match id {
            Some(id) => self.send(Response::new_err(id, code as i32, message.to_string())),
            None => {
                let body = json!({
                    "jsonrpc": "2.0",
                    "id": null,
                    "error": { "code": code as i32, "message": message },
                })
                .to_string();
                if let Ok(mut out) = self.out.lock() {
                    let _ = write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())
                        .and_then(|()| out.flush());
                }
            }
        }
    }
}

/// The transport on stdin and stdout: a thread reads frames and sends the messages; the
/// channel closes at the end of stdin.
pub fn stdio() -> (Sender, mpsc::Receiver<Message>) {
    let sender = Sender::new(io::stdout());
    let (tx, rx) = mpsc::channel();
    let replies = sender.clone();
    std::thread::spawn(move || {
        let stdin = io::stdin();
        read_messages(&mut stdin.lock(), &replies, &tx);
    });
    (sender, rx)
}

/// Reads frames from `input` until it ends (or the receiver is gone), sending each
/// message on `tx` and answering what is not one through `replies`.
pub fn read_messages(input: &mut impl BufRead, replies: &Sender, tx: &mpsc::Sender<Message>) {
    loop {
        let body = match read_frame(input) {
            Ok(Frame::Body(b)) => b,
            Ok(Frame::End) => return,
            Err(FrameError::TooLarge(n)) => {
                replies.send_error(
                    None,
                    ErrorCode::InvalidRequest,
                    &format!(
                        "message of {n} bytes is larger than the limit of {} MiB; skipped",
                        MAX_MESSAGE >> 20
                    ),
                );
                // Skip the body as it streams in, so that the next frame is found.
                match io::copy(&mut input.take(n), &mut io::sink()) {
                    Ok(copied) if copied == n => continue,
                    _ => return,
                }
            }
            Err(FrameError::Header(why)) => {
                replies.send_error(None, ErrorCode::ParseError, &why);
                continue;
            }
            Err(FrameError::Io) => return,
        };
        match parse(&body) {
            Ok(msg) => {
                if tx.send(msg).is_err() {
                    return;
                }
            }
            Err((id, code, why)) => replies.send_error(id, code, &why),
        }
    }
}

enum Frame {
    Body(Vec<u8>),
    End,
}

enum FrameError {
    /// A `Content-Length` over the limit (the body follows).
    TooLarge(u64),
    /// A header block that does not say how long its body is.
    Header(String),
    /// Reading failed.
    Io,
}

/// Reads one frame: headers up to an empty line, then `Content-Length` bytes.
fn read_frame(input: &mut impl BufRead) -> Result<Frame, FrameError> {
    let mut length: Option<Result<u64, String>> = None;
    let mut bad: Option<String> = None;
    let mut lines = 0;
    loop {
        let mut line = Vec::new();
        let n = input
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)
            .map_err(|_| FrameError::Io)?;
        if n == 0 {
            return Ok(Frame::End);
        }
        if !line.ends_with(b"\n") {
            if (n as u64) < MAX_HEADER_LINE {
                return Ok(Frame::End); // stdin ended mid-line
            }
            // Drop the rest of the line, however long, without holding it.
            skip_line(input)?;
            return Err(FrameError::Header(format!(
                "header line longer than {MAX_HEADER_LINE} bytes"
            )));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if lines == 0 {
                continue; // blank lines between frames
            }
            break;
        }
        lines += 1;
        if lines > MAX_HEADER_LINES {
            return Err(FrameError::Header("too many header lines".into()));
        }
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                let value = value.trim();
                length = Some(
                    value
                        .parse::<u64>()
                        .map_err(|_| format!("invalid Content-Length `{}`", short(value))),
                );
            }
            Some(_) => {} // Content-Type and any other header
            None => bad = Some(format!("invalid header line `{}`", short(text))),
        }
    }
    match length {
        Some(Ok(n)) if n > MAX_MESSAGE => Err(FrameError::TooLarge(n)),
        Some(Ok(n)) => {
            let mut body = Vec::new();
            input
                .take(n)
                .read_to_end(&mut body)
                .map_err(|_| FrameError::Io)?;
            if (body.len() as u64) < n {
                return Ok(Frame::End);
            }
            Ok(Frame::Body(body))
        }
        Some(Err(why)) => Err(FrameError::Header(why)),
        None => {
            Err(FrameError::Header(bad.unwrap_or_else(|| {
                "a header without Content-Length".into()
            })))
        }
    }
}

/// Reads and drops bytes up to and including the next `\n`.
fn skip_line(input: &mut impl BufRead) -> Result<(), FrameError> {
    loop {
        let buf = input.fill_buf().map_err(|_| FrameError::Io)?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                input.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                input.consume(n);
            }
        }
    }
}

/// At most 40 characters of a header, for a message.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

type Invalid = (Option<RequestId>, ErrorCode, String);

/// A frame's body as a message, or the error to answer it with.
fn parse(body: &[u8]) -> Result<Message, Invalid> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| (None, ErrorCode::ParseError, format!("invalid JSON: {e}")))?;
    let Value::Object(mut obj) = value else {
        let why = if value.is_array() {
            "batches are not supported (the LSP has none): send one message per frame"
        } else {
            "a message is a JSON object"
        };
        return Err((None, ErrorCode::InvalidRequest, why.into()));
    };
    let id = match obj.remove("id") {
        None => None,
        Some(v) => Some(serde_json::from_value::<RequestId>(v.clone()).map_err(|_| {
            (
                None,
                ErrorCode::InvalidRequest,
                format!("invalid id {v}: an integer or a string"),
            )
        })?),
    };
    let invalid = |why: &str| (id.clone(), ErrorCode::InvalidRequest, why.to_string());
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(invalid("`jsonrpc` must be \"2.0\""));
    }
    let params = obj.remove("params").unwrap_or(Value::Null);
    if !(params.is_null() || params.is_object() || params.is_array()) {
        return Err(invalid("`params` must be an object or an array"));
    }
    match (obj.remove("method"), id) {
        (Some(Value::String(method)), Some(id)) => {
            Ok(Message::Request(Request { id, method, params }))
        }
        (Some(Value::String(method)), None) => {
            Ok(Message::Notification(Notification { method, params }))
        }
        (Some(_), id) => Err((
            id,
            ErrorCode::InvalidRequest,
            "`method` must be a string".into(),
        )),
        (None, Some(id)) if obj.contains_key("result") || obj.contains_key("error") => {
            obj.insert(
                "id".into(),
                serde_json::to_value(&id).unwrap_or(Value::Null),
            );
            serde_json::from_value::<Response>(Value::Object(obj))
                .map(Message::Response)
                .map_err(|e| (Some(id), ErrorCode::InvalidRequest, e.to_string()))
        }
        (None, id) => Err((
            id,
            ErrorCode::InvalidRequest,
            "neither a request, a notification nor a response".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the reader over `input`; returns the messages and what was written back.
    fn run(input: &[u8]) -> (Vec<Message>, String) {
        #[derive(Clone, Default)]
        struct Buf(Arc<Mutex<Vec<u8>>>);
        impl Write for Buf {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let sender = Sender::new(buf.clone());
        let (tx, rx) = mpsc::channel();
        read_messages(&mut io::Cursor::new(input.to_vec()), &sender, &tx);
        drop(tx);
        let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        (rx.iter().collect(), out)
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const PING: &str = r#"{"jsonrpc":"2.0","id":7,"method":"ping"}"#;

    #[test]
    fn bad_frames_are_answered_and_reading_goes_on() {
        for (bad, code) in [
            (frame("{not json"), "-32700"),
            (
                frame(r#"[{"jsonrpc":"2.0","id":1,"method":"a"}]"#),
                "-32600",
            ),
            (frame(r#"{"jsonrpc":"1.0","id":1,"method":"a"}"#), "-32600"),
            (
                frame(r#"{"jsonrpc":"2.0","id":1.5,"method":"a"}"#),
                "-32600",
            ),
            (frame(r#"{"jsonrpc":"2.0","id":1}"#), "-32600"),
            (frame("42"), "-32600"),
            ("Content-Length: x\r\n\r\n".to_string(), "-32700"),
            ("Garbage\r\n\r\n".to_string(), "-32700"),
            (format!("{}\r\n\r\n", "A".repeat(20_000)), "-32700"),
        ] {
            let (msgs, out) = run(format!("{bad}{}", frame(PING)).as_bytes());
            assert_eq!(msgs.len(), 1, "{bad:?}: the next frame is read");
            assert!(matches!(&msgs[0], Message::Request(r) if r.method == "ping"));
            assert!(out.contains(&format!("\"code\":{code}")), "{bad:?}: {out}");
        }
    }

    #[test]
    fn the_id_is_kept_where_it_can_be_read() {
        let (_, out) = run(frame(r#"{"jsonrpc":"1.0","id":3,"method":"a"}"#).as_bytes());
        assert!(out.contains("\"id\":3"), "{out}");
    }

    #[test]
    fn huge_lengths_are_refused_and_skipped() {
        for n in ["1000000000000", "18446744073709551615", "4294967296"] {
            let (msgs, out) = run(format!("Content-Length: {n}\r\n\r\n{{}}").as_bytes());
            assert!(msgs.is_empty());
            assert!(out.contains("larger than the limit of 64 MiB"), "{out}");
        }
        let (_, out) = run(b"Content-Length: 18446744073709551616\r\n\r\n");
        assert!(out.contains("invalid Content-Length"), "{out}");
        // An honest body over the limit is skipped and the next frame read.
        let big = MAX_MESSAGE + 1;
        let mut input = format!("Content-Length: {big}\r\n\r\n").into_bytes();
        input.resize(input.len() + big as usize, b' ');
        input.extend_from_slice(frame(PING).as_bytes());
        let (msgs, _) = run(&input);
        assert_eq!(msgs.len(), 1);
    }
}
