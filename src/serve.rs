//! The small HTTP server of `bsc watch --serve`: bound to 127.0.0.1 only, it serves the
//! report at `/` and a Server-Sent Events channel at `/events` that tells the page to
//! reload after a good build, or to show the diagnostics over the last good report after
//! a bad one. Every other path is a 404: no listing, no file, no traversal.
//!
//! Hardened for a machine where any web page can reach localhost:
//!
//! - the `Host` header must be `localhost`, `127.0.0.1` or `[::1]` with the port, or the
//!   answer is 403: a page on another origin that rebinds its DNS name to 127.0.0.1
//!   (DNS rebinding) cannot read the report;
//! - every answer carries a Content-Security-Policy: the page's inline scripts are
//!   allowed by their SHA-256 hashes, nothing is loaded from anywhere, only `/events`
//!   is connected to, and no other site may frame the page;
//! - one thread serves every connection (mio): a request must arrive whole within
//!   [`REQUEST_TIMEOUT`] and within [`MAX_REQUEST`] bytes, and at most
//!   [`MAX_CONNECTIONS`] are open at once, so slow or idle clients (slowloris) cost a
//!   socket each, never a thread, and are dropped; event streams are written without
//!   blocking, and a client that stops reading them is dropped;
//! - `GET` and `HEAD` (with the real `Content-Length`) are answered, other methods 405.
//!
//! Why not an HTTP crate: `tiny_http` (the small one) spends a thread per connection and
//! has no time limit on reading a request, so it would need the same guards around it;
//! hyper would bring an async runtime. The server needs three routes and no request body;
//! mio (already built for `notify`) gives the event loop.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mio::net::{TcpListener as MioListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::emit::OutFormat;

/// The port `--serve` tries first.
pub const DEFAULT_PORT: u16 = 7878;
/// How many ports after the asked one are tried when it is taken.
const PORT_TRIES: u16 = 32;
/// The longest a client may take to send its request (line and headers).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest request (line and headers) read.
pub const MAX_REQUEST: usize = 16 << 10;
/// The most connections open at once (reading, being answered, or following events);
/// more are closed at once. Well below the usual limit of 1024 open files.
pub const MAX_CONNECTIONS: usize = 512;
/// The longest a client may take to read an answer.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// An event stream's keep-alive comment, so that proxies and browsers keep it open.
const PING_EVERY: Duration = Duration::from_secs(15);
/// Bytes an event stream may have waiting for its client before the client is dropped.
const MAX_EVENT_BACKLOG: usize = 64 << 10;

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);

/// What the page should show.
#[derive(Clone, Debug)]
pub enum State {
    /// The last build was good: the page to serve (with the live-reload script).
    Built { version: u64, page: String },
    /// The last build had errors: their text; the last good page stays.
    Failed(String),
}

/// The answer to `GET /`, prepared once per build.
#[derive(Debug)]
struct Page {
    body: Arc<[u8]>,
    csp: String,
}

#[derive(Debug, Default)]
struct Shared {
    page: Option<Page>,
    version: u64,
    error: Option<String>,
    /// Bumped on every publish, so that the event streams are told.
    generation: u64,
}

/// A running server.
pub struct Server {
    port: u16,
    format: OutFormat,
    shared: Arc<Mutex<Shared>>,
    waker: Arc<Waker>,
}

impl Server {
    /// Binds 127.0.0.1 at `port`, or the next free port, and serves in the background.
    pub fn start(port: u16, format: OutFormat) -> Result<Server, Error> {
        let mut bound = None;
        for p in port..port.saturating_add(PORT_TRIES) {
            if let Ok(l) = TcpListener::bind((Ipv4Addr::LOCALHOST, p)) {
                bound = Some((l, p));
                break;
            }
        }
        let (listener, port) = bound.ok_or_else(|| {
            Error::Usage(format!(
                "no free port from {port} to {}",
                port.saturating_add(PORT_TRIES - 1)
            ))
        })?;
        let io_err = |e: io::Error| Error::Usage(format!("cannot serve: {e}"));
        listener.set_nonblocking(true).map_err(io_err)?;
        let mut listener = MioListener::from_std(listener);
        let poll = Poll::new().map_err(io_err)?;
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)
            .map_err(io_err)?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER).map_err(io_err)?);
        let shared = Arc::new(Mutex::new(Shared::default()));
        let mut lp = Loop {
            poll,
            listener,
            shared: Arc::clone(&shared),
            conns: BTreeMap::new(),
            next_token: 2,
            seen: 0,
            port,
            content_type: format.content_type(),
        };
        std::thread::spawn(move || lp.run());
        Ok(Server {
            port,
            format,
            shared,
            waker,
        })
    }

    /// The address to open.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Tells every open page about a new build.
    pub fn publish(&self, state: State) {
        let Ok(mut sh) = self.shared.lock() else {
            return;
        };
        match state {
            State::Built { version, page } => {
                let csp = match self.format {
                    OutFormat::Html => html_policy(&page),
                    OutFormat::Json => NOTHING_POLICY.to_string(),
                };
                sh.page = Some(Page {
                    body: Arc::from(page.into_bytes()),
                    csp,
                });
                sh.version = version;
                sh.error = None;
            }
            State::Failed(text) => sh.error = Some(text),
        }
        sh.generation += 1;
        drop(sh);
        let _ = self.waker.wake();
    }
}

/// The policy of every answer that is not the report: nothing may load, nothing may
/// frame it.
const NOTHING_POLICY: &str =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The policy of the report: its inline scripts by hash (an injected script has another
/// hash and does not run), inline styles (the report sets widths in `style` attributes,
/// which only `'unsafe-inline'` allows), the event stream of the same origin, nothing
/// else.
fn html_policy(page: &str) -> String {
    let hashes: Vec<String> = inline_scripts(page)
        .iter()
        .map(|s| format!("'{}'", script_hash(s)))
        .collect();
    format!(
        "default-src 'none'; script-src {}; style-src 'unsafe-inline'; connect-src 'self'; \
         img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        if hashes.is_empty() {
            "'none'".to_string()
        } else {
            hashes.join(" ")
        }
    )
}

/// The CSP source of an inline script: `sha256-BASE64`.
pub fn script_hash(script: &str) -> String {
    format!("sha256-{}", base64(&Sha256::digest(script.as_bytes())))
}

/// The text of every inline `<script>` of a page (the report escapes every text from the
/// source, so `<script` only starts a real element).
pub fn inline_scripts(page: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(i) = rest.find("<script") {
        let after = &rest[i..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        out.push(&body[..close]);
        rest = &body[close..];
    }
    out
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ABC[(n >> shift) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One connection and what it is doing.
enum Conn {
    /// Reading the request, until `deadline`.
    Request {
        stream: TcpStream,
        buf: Vec<u8>,
        deadline: Instant,
    },
    /// Writing an answer (`head`, then `body` unless it is a HEAD), then closing.
    Answer {
        stream: TcpStream,
        head: Vec<u8>,
        body: Option<Arc<[u8]>>,
        sent: usize,
        deadline: Instant,
    },
    /// An event stream: `out` waits to be written.
    Events {
        stream: TcpStream,
        out: Vec<u8>,
        last_write: Instant,
    },
}

/// The event loop: the listener, every connection, and the shared state to serve.
struct Loop {
    poll: Poll,
    listener: MioListener,
    shared: Arc<Mutex<Shared>>,
    conns: BTreeMap<usize, Conn>,
    next_token: usize,
    /// The generation the event streams were last told about.
    seen: u64,
    port: u16,
    content_type: &'static str,
}

/// What to do with a connection after some I/O.
enum Next {
    Keep(Conn),
    Close,
}

impl Loop {
    fn run(&mut self) {
        let mut events = Events::with_capacity(256);
        loop {
            let timeout = self
                .next_deadline()
                .map(|d| d.saturating_duration_since(Instant::now()) + Duration::from_millis(5));
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return;
            }
            for ev in events.iter() {
                match ev.token() {
                    LISTENER => self.accept(),
                    WAKER => {}
                    Token(t) => self.ready(t),
                }
            }
            self.tell_streams();
            self.expire();
        }
    }

    /// The earliest moment something times out.
    fn next_deadline(&self) -> Option<Instant> {
        self.conns
            .values()
            .map(|c| match c {
                Conn::Request { deadline, .. } | Conn::Answer { deadline, .. } => *deadline,
                Conn::Events { last_write, .. } => *last_write + PING_EVERY,
            })
            .min()
    }

    fn accept(&mut self) {
        loop {
            let (mut stream, _) = match self.listener.accept() {
                Ok(s) => s,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // Out of file descriptors or similar: try again on the next event.
                Err(_) => return,
            };
            if self.conns.len() >= MAX_CONNECTIONS {
                drop(stream); // closed at once
                continue;
            }
            let token = self.next_token;
            self.next_token += 1;
            if self
                .poll
                .registry()
                .register(&mut stream, Token(token), Interest::READABLE)
                .is_ok()
            {
                self.conns.insert(
                    token,
                    Conn::Request {
                        stream,
                        buf: Vec::new(),
                        deadline: Instant::now() + REQUEST_TIMEOUT,
                    },
                );
            }
        }
    }

    /// A connection is ready to read or write.
    fn ready(&mut self, token: usize) {
        let Some(conn) = self.conns.remove(&token) else {
            return;
        };
        match self.step(conn) {
            Next::Keep(mut conn) => {
                let (stream, interest) = match &mut conn {
                    Conn::Request { stream, .. } => (stream, Interest::READABLE),
                    Conn::Answer { stream, .. } => (stream, Interest::WRITABLE),
                    Conn::Events { stream, out, .. } if !out.is_empty() => {
                        (stream, Interest::READABLE | Interest::WRITABLE)
                    }
                    Conn::Events { stream, .. } => (stream, Interest::READABLE),
                };
                if self
                    .poll
                    .registry()
                    .reregister(stream, Token(token), interest)
                    .is_ok()
                {
                    self.conns.insert(token, conn);
                }
            }
            Next::Close => {}
        }
    }

    /// Reads or writes what a connection can without waiting.
    fn step(&mut self, conn: Conn) -> Next {
        match conn {
            Conn::Request {
                mut stream,
                mut buf,
                deadline,
            } => {
                let mut chunk = [0u8; 4096];
                loop {
                    match stream.read(&mut chunk) {
                        Ok(0) => return Next::Close,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(_) => return Next::Close,
                    }
                    if find_end(&buf).is_some() || buf.len() > MAX_REQUEST {
                        break;
                    }
                }
                match find_end(&buf) {
                    Some(end) => {
                        let answer = self.answer(&buf[..end]);
                        self.start_answer(stream, answer)
                    }
                    None if buf.len() > MAX_REQUEST => self.start_answer(
                        stream,
                        Answer::text("431 Request Header Fields Too Large", "request too large\n"),
                    ),
                    None => Next::Keep(Conn::Request {
                        stream,
                        buf,
                        deadline,
                    }),
                }
            }
            Conn::Answer {
                mut stream,
                head,
                body,
                mut sent,
                deadline,
            } => {
                let total = head.len() + body.as_ref().map_or(0, |b| b.len());
                while sent < total {
                    let part = if sent < head.len() {
                        &head[sent..]
                    } else {
                        match &body {
                            Some(b) => &b[sent - head.len()..],
                            None => break,
                        }
                    };
                    match stream.write(part) {
                        Ok(0) => return Next::Close,
                        Ok(n) => sent += n,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                            return Next::Keep(Conn::Answer {
                                stream,
                                head,
                                body,
                                sent,
                                deadline,
                            });
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(_) => return Next::Close,
                    }
                }
                let _ = stream.flush();
                let _ = stream.shutdown(std::net::Shutdown::Write);
                Next::Close
            }
            Conn::Events {
                mut stream,
                mut out,
                mut last_write,
            } => {
                // A read is the client closing (it sends nothing else).
                let mut chunk = [0u8; 512];
                loop {
                    match stream.read(&mut chunk) {
                        Ok(0) => return Next::Close,
                        Ok(_) => {}
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(_) => return Next::Close,
                    }
                }
                if !flush_events(&mut stream, &mut out, &mut last_write) {
                    return Next::Close;
                }
                Next::Keep(Conn::Events {
                    stream,
                    out,
                    last_write,
                })
            }
        }
    }

    /// Starts writing an answer; an event stream stays open.
    fn start_answer(&mut self, stream: TcpStream, answer: Answer) -> Next {
        if answer.events {
            let mut out = answer.head;
            out.extend_from_slice(self.state_event().as_bytes());
            let mut last_write = Instant::now();
            let mut stream = stream;
            if !flush_events(&mut stream, &mut out, &mut last_write) {
                return Next::Close;
            }
            return Next::Keep(Conn::Events {
                stream,
                out,
                last_write,
            });
        }
        self.step(Conn::Answer {
            stream,
            head: answer.head,
            body: answer.body,
            sent: 0,
            deadline: Instant::now() + WRITE_TIMEOUT,
        })
    }

    /// The current state as an event.
    fn state_event(&self) -> String {
        let (version, error) = match self.shared.lock() {
            Ok(sh) => (sh.version, sh.error.clone()),
            Err(_) => (0, None),
        };
        format!(
            "event: state\ndata: {}\n\n",
            state_json(version, error.as_deref())
        )
    }

    /// After a publish, queues the new state on every event stream and writes what can
    /// be written; a stream whose client stopped reading is dropped.
    fn tell_streams(&mut self) {
        let generation = self.shared.lock().map_or(self.seen, |s| s.generation);
        let event = (generation != self.seen).then(|| self.state_event());
        self.seen = generation;
        let now = Instant::now();
        let tokens: Vec<usize> = self.conns.keys().copied().collect();
        for t in tokens {
            let Some(Conn::Events {
                stream,
                out,
                last_write,
            }) = self.conns.get_mut(&t)
            else {
                continue;
            };
            if let Some(e) = &event {
                out.extend_from_slice(e.as_bytes());
            } else if now >= *last_write + PING_EVERY {
                out.extend_from_slice(b": ping\n\n");
            } else {
                continue;
            }
            let alive = flush_events(stream, out, last_write);
            let interest = if out.is_empty() {
                Interest::READABLE
            } else {
                Interest::READABLE | Interest::WRITABLE
            };
            if !alive
                || self
                    .poll
                    .registry()
                    .reregister(stream, Token(t), interest)
                    .is_err()
            {
                self.conns.remove(&t);
            }
        }
    }

    /// Closes connections past their deadline: requests not sent in time, answers not
    /// read in time.
    fn expire(&mut self) {
        let now = Instant::now();
        self.conns.retain(|_, c| match c {
            Conn::Request { deadline, .. } | Conn::Answer { deadline, .. } => now < *deadline,
            Conn::Events { .. } => true,
        });
    }

    /// The answer to a request (its line and headers).
    fn answer(&self, head: &[u8]) -> Answer {
        let Ok(text) = std::str::from_utf8(head) else {
            return Answer::text("400 Bad Request", "bad request\n");
        };
        let mut lines = text.split("\r\n").flat_map(|l| l.split('\n'));
        let request_line = lines.next().unwrap_or("");
        let mut parts = request_line.split(' ');
        let (Some(method), Some(target), Some(version)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Answer::text("400 Bad Request", "bad request line\n");
        };
        if parts.next().is_some() || !version.starts_with("HTTP/1.") {
            return Answer::text("400 Bad Request", "bad request line\n");
        }
        let hosts: Vec<&str> = lines
            .filter_map(|l| l.split_once(':'))
            .filter(|(name, _)| name.eq_ignore_ascii_case("host"))
            .map(|(_, v)| v.trim())
            .collect();
        match hosts.as_slice() {
            [host] if self.allowed_host(host) => {}
            [] => return Answer::text("400 Bad Request", "no Host header\n"),
            _ => {
                return Answer::text(
                    "403 Forbidden",
                    "this server answers only to localhost, 127.0.0.1 and [::1] with its port\n",
                );
            }
        }
        let path = target.split(['?', '#']).next().unwrap_or("");
        match (method, path) {
            ("GET" | "HEAD", "/" | "/index.html") => {
                let page = self
                    .shared
                    .lock()
                    .ok()
                    .and_then(|s| s.page.as_ref().map(|p| (Arc::clone(&p.body), p.csp.clone())));
                match page {
                    Some((body, csp)) => Answer {
                        head: head_bytes("200 OK", self.content_type, body.len(), &csp, &[]),
                        body: (method == "GET").then_some(body),
                        events: false,
                    },
                    None => Answer::text(
                        "503 Service Unavailable",
                        "no good build yet: see the terminal\n",
                    )
                    .head_only(method == "HEAD"),
                }
            }
            (_, "/" | "/index.html") => Answer::not_allowed("GET, HEAD"),
            ("GET", "/events") => Answer {
                head: b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: keep-alive\r\n\r\n".to_vec(),
                body: None,
                events: true,
            },
            (_, "/events") => Answer::not_allowed("GET"),
            _ => Answer::text("404 Not Found", "not found\n").head_only(method == "HEAD"),
        }
    }

    /// Whether a `Host` header names this server: `localhost`, `127.0.0.1` or `[::1]`,
    /// with our port.
    fn allowed_host(&self, host: &str) -> bool {
        let Some((name, port)) = host.rsplit_once(':') else {
            return false;
        };
        port == self.port.to_string()
            && ["localhost", "127.0.0.1", "[::1]"]
                .iter()
                .any(|n| name.eq_ignore_ascii_case(n))
    }
}

/// Writes what an event stream has waiting. `false` if the client is gone or has let
/// too much pile up.
fn flush_events(stream: &mut TcpStream, out: &mut Vec<u8>, last_write: &mut Instant) -> bool {
    while !out.is_empty() {
        match stream.write(out) {
            Ok(0) => return false,
            Ok(n) => {
                out.drain(..n);
                *last_write = Instant::now();
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    out.len() <= MAX_EVENT_BACKLOG
}

/// The end of a request's head (after the blank line), if it has arrived.
fn find_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2))
}

/// A prepared answer.
struct Answer {
    head: Vec<u8>,
    body: Option<Arc<[u8]>>,
    /// An event stream: the connection stays open.
    events: bool,
}

impl Answer {
    fn text(status: &str, body: &str) -> Answer {
        Answer {
            head: head_bytes(
                status,
                "text/plain; charset=utf-8",
                body.len(),
                NOTHING_POLICY,
                &[],
            ),
            body: Some(Arc::from(body.as_bytes())),
            events: false,
        }
    }

    fn not_allowed(allow: &str) -> Answer {
        let body = "method not allowed\n";
        Answer {
            head: head_bytes(
                "405 Method Not Allowed",
                "text/plain; charset=utf-8",
                body.len(),
                NOTHING_POLICY,
                &[("Allow", allow)],
            ),
            body: Some(Arc::from(body.as_bytes())),
            events: false,
        }
    }

    /// The same answer without its body (for HEAD).
    fn head_only(mut self, yes: bool) -> Answer {
        if yes {
            self.body = None;
        }
        self
    }
}

/// A response's status line and headers.
fn head_bytes(
    status: &str,
    content_type: &str,
    length: usize,
    csp: &str,
    extra: &[(&str, &str)],
) -> Vec<u8> {
    let mut h = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\
         Content-Security-Policy: {csp}\r\nX-Frame-Options: DENY\r\n\
         X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n"
    );
    for (k, v) in extra {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    h.into_bytes()
}

/// `{"version": N, "error": null | "text"}` on one line.
fn state_json(version: u64, error: Option<&str>) -> String {
    serde_json::json!({ "version": version, "error": error }).to_string()
}

/// The report as served: the file's page with the live-reload script added before
/// `</body>` (the file on disk never has it).
pub fn with_live_reload(page: &str, version: u64) -> String {
    let script = format!("<script>{}</script>\n", live_reload_script(version));
    match page.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &page[..i], &page[i..]),
        None => format!("{page}{script}"),
    }
}

/// The script the served page gets (never the file on disk): it listens to `/events`,
/// reloads when a newer good build exists, and shows the errors of a bad build over
/// the last good report until the next good one.
pub fn live_reload_script(version: u64) -> String {
    format!(
        r#"(function () {{
  var version = {version}, overlay = null;
  function show(text) {{
    if (!overlay) {{
      overlay = document.createElement("div");
      overlay.id = "bsc-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:1000;overflow:auto;background:rgba(255,255,255,.95);padding:24px 32px;";
      var h = document.createElement("h2");
      h.textContent = "The last save has errors: the report below is the last good one";
      h.style.cssText = "color:#82071e;margin:0 0 12px;font:600 18px system-ui,sans-serif;";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;color:#1f2328;";
      overlay.appendChild(h);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }}
    overlay.lastChild.textContent = text;
  }}
  var es = new EventSource("/events");
  es.addEventListener("state", function (e) {{
    var s = JSON.parse(e.data);
    if (s.error) {{ show(s.error); return; }}
    if (s.version !== version) {{ location.reload(); return; }}
    if (overlay) {{ overlay.remove(); overlay = null; }}
  }});
}})();"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        // The CSP spec's example: sha256 of `alert('Hello, world.');`.
        assert_eq!(
            base64(&Sha256::digest(b"alert('Hello, world.');")),
            "qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng="
        );
    }

    #[test]
    fn the_policy_names_each_inline_script() {
        let page = with_live_reload("<html><body><script>a()</script><p>x</p></body></html>", 3);
        let scripts = inline_scripts(&page);
        assert_eq!(scripts.len(), 2);
        assert_eq!(scripts[0], "a()");
        let csp = html_policy(&page);
        assert!(csp.contains(&format!("'{}'", script_hash("a()"))));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("script-src 'unsafe-inline'"));
    }
}
