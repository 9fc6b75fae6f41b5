//! `bsc watch --serve` against raw TCP clients: only our own `Host`, a
//! Content-Security-Policy that names the page's scripts, HEAD with the real length,
//! 405 for other methods, slow clients (slowloris) that cost no thread and are dropped,
//! a cap on connections, and 200 event streams served by one thread.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(15);

struct Served {
    child: Child,
    log: Arc<Mutex<String>>,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn plan(title: &str) -> String {
    format!(
        r#"@allow(missing-perspective, orphan)
scorecard "{title}" {{ period 2025-01 .. 2025-12 }}
perspective financial {{
  objective margin "Margin" {{ owner "CFO"
    measure m "M" {{ unit "%" baseline 5% target 10% actuals {{ 2025-01: 6% }} }}
  }}
}}
"#
    )
}

/// Starts `bsc watch --serve` in a temp folder and waits for its first build.
fn serve(port: u16) -> Served {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.bsc"), plan("Served")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bsc"))
        .args(["watch", "plan.bsc", "--serve", "--port", &port.to_string()])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&log);
    let err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines() {
            let Ok(line) = line else { break };
            let mut l = sink.lock().unwrap();
            l.push_str(&line);
            l.push('\n');
        }
    });
    let mut served = Served {
        child,
        log,
        port: 0,
        dir,
    };
    let start = Instant::now();
    loop {
        let text = served.log.lock().unwrap().clone();
        if text.contains(" ms)") {
            served.port = text
                .split("serving http://127.0.0.1:")
                .nth(1)
                .and_then(|r| r.split('/').next())
                .and_then(|p| p.parse().ok())
                .expect("the address is printed");
            return served;
        }
        assert!(start.elapsed() < DEADLINE, "watch did not start: {text}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

impl Served {
    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }

    /// Sends `request` and reads the whole answer: (status, headers, body).
    fn raw(&self, request: &str) -> (u16, String, Vec<u8>) {
        let mut s = self.connect();
        s.write_all(request.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        s.read_to_end(&mut bytes).unwrap();
        let end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an answer")
            + 4;
        let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, head, bytes[end..].to_vec())
    }

    fn get(&self, method: &str, path: &str, host: &str) -> (u16, String, Vec<u8>) {
        self.raw(&format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ))
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The number of threads of the server process.
    fn threads(&self) -> usize {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn only_our_own_host_is_answered() {
    let s = serve(7700);
    let p = s.port;
    for host in [
        format!("localhost:{p}"),
        format!("LOCALHOST:{p}"),
        format!("127.0.0.1:{p}"),
        format!("[::1]:{p}"),
    ] {
        assert_eq!(s.get("GET", "/", &host).0, 200, "{host}");
    }
    // DNS rebinding: a page of another origin whose name now points at 127.0.0.1.
    for host in [
        format!("evil.example:{p}"),
        format!("localhost.evil.example:{p}"),
        "localhost".to_string(),
        format!("localhost:{}", p + 1),
        format!("127.0.0.2:{p}"),
        String::new(),
    ] {
        let (status, _, body) = s.get("GET", "/", &host);
        assert_eq!(status, 403, "{host:?}");
        assert!(!String::from_utf8_lossy(&body).contains("Served"));
        assert_eq!(s.get("GET", "/events", &host).0, 403, "{host:?}");
    }
    let (status, _, _) = s.raw("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 400, "no Host at all");
    let two = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\nHost: evil.example:{p}\r\n\r\n");
    assert_eq!(s.raw(&two).0, 403, "two Host headers");
}

#[test]
fn the_policy_allows_exactly_the_page_s_scripts() {
    let s = serve(7740);
    let (status, head, body) = s.get("GET", "/", &s.host());
    assert_eq!(status, 200);
    let page = String::from_utf8(body).unwrap();
    let csp = header(&head, "Content-Security-Policy").expect("a policy");
    let directive = |name: &str| -> Vec<&str> {
        csp.split(';')
            .map(str::trim)
            .find_map(|d| d.strip_prefix(name).filter(|r| r.starts_with(' ')))
            .map(|r| r.split_whitespace().collect())
            .unwrap_or_default()
    };
    assert_eq!(directive("default-src"), ["'none'"]);
    assert_eq!(directive("frame-ancestors"), ["'none'"]);
    assert_eq!(directive("connect-src"), ["'self'"], "the event stream");
    let scripts = bsc::serve::inline_scripts(&page);
    assert_eq!(scripts.len(), 2, "the report's script and the live reload");
    let mut expected: Vec<String> = scripts
        .iter()
        .map(|s| format!("'{}'", bsc::serve::script_hash(s)))
        .collect();
    expected.sort();
    let mut allowed: Vec<String> = directive("script-src")
        .into_iter()
        .map(String::from)
        .collect();
    allowed.sort();
    assert_eq!(allowed, expected, "scripts by hash, no 'unsafe-inline'");
    assert_eq!(header(&head, "X-Frame-Options"), Some("DENY"));
    // Answers other than the page allow nothing at all.
    let (_, head, _) = s.get("GET", "/nothing", &s.host());
    assert!(
        header(&head, "Content-Security-Policy").is_some_and(|c| c
            .starts_with("default-src 'none'")
            && c.contains("frame-ancestors 'none'")),
        "{head}"
    );
}

#[test]
fn head_has_the_real_length_and_other_methods_are_405() {
    let s = serve(7760);
    let (_, get_head, body) = s.get("GET", "/", &s.host());
    let (status, head, head_body) = s.get("HEAD", "/", &s.host());
    assert_eq!(status, 200);
    assert!(head_body.is_empty(), "no body after HEAD");
    assert_eq!(
        header(&head, "Content-Length"),
        Some(body.len().to_string().as_str())
    );
    assert_eq!(
        header(&get_head, "Content-Length"),
        header(&head, "Content-Length")
    );
    for (method, path, allow) in [
        ("POST", "/", "GET, HEAD"),
        ("PUT", "/", "GET, HEAD"),
        ("DELETE", "/index.html", "GET, HEAD"),
        ("OPTIONS", "/", "GET, HEAD"),
        ("POST", "/events", "GET"),
    ] {
        let (status, head, _) = s.get(method, path, &s.host());
        assert_eq!(status, 405, "{method} {path}");
        assert_eq!(header(&head, "Allow"), Some(allow), "{method} {path}");
    }
}

#[test]
fn slow_clients_cost_no_thread_and_are_dropped() {
    let s = serve(7780);
    let threads = s.threads();
    // 200 connections sending their request a byte a second.
    let mut slow: Vec<TcpStream> = (0..200).map(|_| s.connect()).collect();
    let start = Instant::now();
    let mut closed = vec![false; slow.len()];
    while start.elapsed() < bsc::serve::REQUEST_TIMEOUT + Duration::from_secs(3) {
        for (c, done) in slow.iter_mut().zip(closed.iter_mut()) {
            if !*done && c.write_all(b"G").is_err() {
                *done = true;
            }
        }
        assert!(
            s.threads() <= threads,
            "{} threads for 200 slow clients (was {threads})",
            s.threads()
        );
        // The server still answers everyone else at once.
        let t = Instant::now();
        assert_eq!(s.get("GET", "/", &s.host()).0, 200);
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
        if closed.iter().all(|c| *c) {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    // After the time limit every slow connection has been closed by the server.
    for c in &mut slow {
        c.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut buf = [0u8; 64];
        let r = c.read(&mut buf);
        assert!(
            matches!(&r, Ok(0))
                || r.as_ref()
                    .is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
            "a slow connection is still open: {r:?}"
        );
    }
    assert!(start.elapsed() < bsc::serve::REQUEST_TIMEOUT + Duration::from_secs(5));
}

#[test]
fn connections_beyond_the_cap_are_closed_at_once() {
    let s = serve(7800);
    let cap = bsc::serve::MAX_CONNECTIONS;
    let mut idle: Vec<TcpStream> = (0..cap + 40).map(|_| s.connect()).collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut refused = 0;
    for c in &mut idle {
        c.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 8];
        match c.read(&mut buf) {
            Ok(0) => refused += 1,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => refused += 1,
            _ => {} // still open, waiting for a request
        }
    }
    assert!(
        (40..=60).contains(&refused),
        "{refused} of {} closed at once",
        cap + 40
    );
    drop(idle);
    // Once they are gone, the server answers again.
    let start = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(100));
        if s.get("GET", "/", &s.host()).0 == 200 {
            break;
        }
        assert!(start.elapsed() < DEADLINE);
    }
}

#[test]
fn two_hundred_event_streams_are_served_by_one_thread() {
    let s = serve(7820);
    let threads = s.threads();
    let mut streams: Vec<BufReader<TcpStream>> = (0..200)
        .map(|_| {
            let mut c = s.connect();
            write!(c, "GET /events HTTP/1.1\r\nHost: {}\r\n\r\n", s.host()).unwrap();
            BufReader::new(c)
        })
        .collect();
    let next_state = |r: &mut BufReader<TcpStream>| -> String {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(r.read_line(&mut line).unwrap() > 0, "the stream ended");
            if let Some(data) = line.strip_prefix("data: ") {
                return data.trim().to_string();
            }
        }
    };
    for r in &mut streams {
        assert_eq!(next_state(r), r#"{"error":null,"version":1}"#);
    }
    assert!(s.threads() <= threads, "{} threads", s.threads());
    std::fs::write(s.dir.path().join("plan.bsc"), plan("Saved again")).unwrap();
    for r in &mut streams {
        assert_eq!(next_state(r), r#"{"error":null,"version":2}"#);
    }
    assert!(s.threads() <= threads, "{} threads", s.threads());
    assert!(s.log.lock().unwrap().contains("ok:"));
}
