//! The small HTTP server of `bsc watch --serve`: bound to 127.0.0.1 only, it serves the
//! report at `/` and a Server-Sent Events channel at `/events` that tells the page to
//! reload after a good build, or to show the diagnostics over the last good report after
//! a bad one. Every other path is a 404: no listing, no file, no traversal.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::Error;
use crate::emit::OutFormat;

/// The port `--serve` tries first.
pub const DEFAULT_PORT: u16 = 7878;
/// How many ports after the asked one are tried when it is taken.
const PORT_TRIES: u16 = 32;

/// What the page should show.
#[derive(Clone, Debug)]
pub enum State {
    /// The last build was good: the page to serve (with the live-reload script).
    Built { version: u64, page: String },
    /// The last build had errors: their text; the last good page stays.
    Failed(String),
}

#[derive(Debug)]
struct Shared {
    page: Option<String>,
    version: u64,
    error: Option<String>,
    /// Bumped on every publish, so that waiting event streams wake up.
    generation: u64,
}

/// A running server.
pub struct Server {
    port: u16,
    shared: Arc<(Mutex<Shared>, Condvar)>,
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
        let shared = Arc::new((
            Mutex::new(Shared {
                page: None,
                version: 0,
                error: None,
                generation: 0,
            }),
            Condvar::new(),
        ));
        let s = Arc::clone(&shared);
        let content_type = format.content_type();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = Arc::clone(&s);
                std::thread::spawn(move || {
                    let _ = handle(stream, &s, content_type);
                });
            }
        });
        Ok(Server { port, shared })
    }

    /// The address to open.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Tells every open page about a new build.
    pub fn publish(&self, state: State) {
        let (lock, cvar) = &*self.shared;
        let Ok(mut sh) = lock.lock() else { return };
        match state {
            State::Built { version, page } => {
                sh.page = Some(page);
                sh.version = version;
                sh.error = None;
            }
            State::Failed(text) => sh.error = Some(text),
        }
        sh.generation += 1;
        cvar.notify_all();
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()
}

fn handle(
    mut stream: TcpStream,
    shared: &Arc<(Mutex<Shared>, Condvar)>,
    content_type: &str,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.by_ref().take(8192).read_line(&mut request_line)?;
    // Skip the headers (bounded).
    let mut line = String::new();
    for _ in 0..100 {
        line.clear();
        if reader.by_ref().take(8192).read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split(['?', '#']).next().unwrap_or("");
    let (lock, cvar) = &**shared;
    match (method, path) {
        ("GET" | "HEAD", "/" | "/index.html") => {
            let page = lock.lock().ok().and_then(|s| s.page.clone());
            match page {
                Some(p) => respond(
                    &mut stream,
                    "200 OK",
                    content_type,
                    if method == "HEAD" { b"" } else { p.as_bytes() },
                ),
                None => respond(
                    &mut stream,
                    "503 Service Unavailable",
                    "text/plain; charset=utf-8",
                    b"no good build yet: see the terminal\n",
                ),
            }
        }
        ("GET", "/events") => {
            stream.set_read_timeout(None)?;
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n"
            )?;
            let mut seen = u64::MAX;
            loop {
                let event = {
                    let Ok(mut sh) = lock.lock() else {
                        return Ok(());
                    };
                    while sh.generation == seen {
                        let (guard, timeout) = match cvar.wait_timeout(sh, Duration::from_secs(15))
                        {
                            Ok(r) => r,
                            Err(_) => return Ok(()),
                        };
                        sh = guard;
                        if timeout.timed_out() && sh.generation == seen {
                            break;
                        }
                    }
                    if sh.generation == seen {
                        None
                    } else {
                        seen = sh.generation;
                        Some(state_json(sh.version, sh.error.as_deref()))
                    }
                };
                match event {
                    Some(data) => write!(stream, "event: state\ndata: {data}\n\n")?,
                    None => write!(stream, ": ping\n\n")?,
                }
                stream.flush()?;
            }
        }
        _ => respond(
            &mut stream,
            "404 Not Found",
            "text/plain; charset=utf-8",
            b"not found\n",
        ),
    }
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
