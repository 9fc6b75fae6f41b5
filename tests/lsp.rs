//! Speaks JSON-RPC to the real `bsc lsp`: initialize, open a document with non-ASCII
//! text before the ids (UTF-16 positions), diagnostics, hover, definition, references,
//! rename, completion, symbols, formatting, a code action, shutdown.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

struct Client {
    child: Child,
    /// `None` once closed.
    stdin: Option<ChildStdin>,
    rx: mpsc::Receiver<Value>,
    next_id: u64,
    /// Notifications received while waiting for responses.
    notes: Vec<Value>,
}

fn reader(out: ChildStdout, tx: mpsc::Sender<Value>) {
    let mut r = BufReader::new(out);
    loop {
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
            return;
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Client {
    fn start() -> Client {
        Client::start_in(std::path::Path::new("."))
    }

    /// The server started in `dir` (its current folder).
    fn start_in(dir: &std::path::Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bsc"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || reader(out, tx));
        Client {
            child,
            stdin: Some(stdin),
            rx,
            next_id: 1,
            notes: Vec::new(),
        }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        let stdin = self.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// The next message, waiting at most 20 s.
    fn next(&mut self) -> Value {
        self.rx
            .recv_timeout(Duration::from_secs(20))
            .expect("a message")
    }

    fn initialized(&mut self) {
        self.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": {} }),
        );
        self.notify("initialized", json!({}));
    }

    /// Waits for the server to end; its exit status.
    fn exit_code(&mut self) -> i32 {
        self.stdin = None;
        let start = std::time::Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.code().expect("exited, not killed by a signal");
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the server hangs"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let msg = self
                .rx
                .recv_timeout(Duration::from_secs(20))
                .expect("a response");
            if msg["id"] == json!(id) {
                assert!(msg.get("error").is_none(), "{method} failed: {msg}");
                return msg["result"].clone();
            }
            self.notes.push(msg);
        }
    }

    /// Waits until the server has handled everything sent so far (and so sent what it
    /// publishes about it): a request is answered after the edits before it.
    fn sync(&mut self) {
        self.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": "file:///nowhere.bsc" } }),
        );
    }

    /// The whole response to a request (`result` or `error`).
    fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let msg = self
                .rx
                .recv_timeout(Duration::from_secs(20))
                .expect("a response");
            if msg["id"] == json!(id) {
                return msg;
            }
            self.notes.push(msg);
        }
    }

    /// The error message of a request that must fail.
    fn request_error(&mut self, method: &str, params: Value) -> String {
        let reply = self.request_raw(method, params);
        reply["error"]["message"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} must fail: {reply}"))
            .to_string()
    }

    /// The latest diagnostics published for `uri` among those received before the last
    /// response (`None`: nothing published for it).
    fn published(&self, uri: &str) -> Option<Vec<Value>> {
        self.notes
            .iter()
            .rev()
            .find(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)
            .map(|n| n["params"]["diagnostics"].as_array().unwrap().clone())
    }

    /// The latest diagnostics published for `uri`, waiting for them if needed.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            if let Some(n) = self.notes.iter().rev().find(|n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
            }) {
                let d = n["params"]["diagnostics"].as_array().unwrap().clone();
                self.notes.clear();
                return d;
            }
            let msg = self
                .rx
                .recv_timeout(Duration::from_secs(20))
                .expect("diagnostics");
            self.notes.push(msg);
        }
    }
}

// Line 2 starts with `measure` (a `\` line continuation drops the indentation), so
// `nps` after `from` spans characters 29..32.
const DOC: &str = "/// Kundenzufriedenheit — 😀 ünïcödé\n\
perspective customer { objective happy \"😀 Zufriedene Kunden\" { owner \"CMO\"\n\
    measure nps_score \"NPS\" from nps { baseline 20 target 40 actuals { 2025-01: 25 } } } }\n\
perspective financial { objective margin \"Marge\" { owner \"CFO\" measure m \"M\" { unit \"%\" baseline 5% target 9% } } }\n\
map { /* 😀😀 */ happy -> margn }\n\
use \"std/kpis\"\n";

#[test]
fn a_session_with_the_language_server() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.bsc");
    std::fs::write(&path, DOC).unwrap();
    let uri = format!("file://{}", path.display());
    let mut c = Client::start();
    let init = c.request(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": {} }),
    );
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    assert_eq!(
        init["capabilities"]["renameProvider"]["prepareProvider"],
        true
    );
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "bsc", "version": 1, "text": DOC } }),
    );

    // The unknown ref in the map, in UTF-16 columns: `map { /* 😀😀 */ ` is 17 UTF-16
    // units (each 😀 counts two; 15 characters), so `happy` spans 17..22 and `margn`
    // 26..31.
    let diags = c.diagnostics(&uri);
    let unknown = diags
        .iter()
        .find(|d| d["code"] == "unknown-ref")
        .expect("unknown-ref is published");
    assert_eq!(
        unknown["range"],
        json!({ "start": { "line": 4, "character": 26 }, "end": { "line": 4, "character": 31 } })
    );
    assert_eq!(unknown["severity"], 1);
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `margin`?")
    );

    // Code action: the did-you-mean as a quick fix.
    let actions = c.request("textDocument/codeAction", json!({ "textDocument": { "uri": uri }, "range": unknown["range"], "context": { "diagnostics": [unknown] } }));
    assert_eq!(actions[0]["title"], "replace with `margin`");
    assert_eq!(actions[0]["edit"]["changes"][&uri][0]["newText"], "margin");

    // Hover on `happy` in the map (line 4, after the emoji comment).
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 4, "character": 19 } }),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("😀 Zufriedene Kunden") && text.contains("objective `happy`"),
        "{text}"
    );
    assert!(text.contains("status **red** · score 25%"), "{text}"); // (25 − 20) / (40 − 20)
    assert_eq!(hover["range"]["start"]["character"], 17);

    // Hover on the kpi template after `from`: its definition from the library.
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 2, "character": 30 } }),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("kpi template `nps`"),
        "{hover}"
    );

    // Hover on a keyword: the keyword table's row (after non-ASCII text on the line).
    let (l, ch) = find(DOC, "owner \"CMO\"", 2);
    let hover = c.request("textDocument/hover", pos(&uri, l, ch));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("`owner`: property") && text.contains("owner \"O\""),
        "{text}"
    );
    assert_eq!(hover["range"]["start"]["character"], ch - 2, "{hover}");

    // Go to definition: from the map to the declaration on line 1.
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 4, "character": 18 } }),
    );
    assert_eq!(def["uri"], uri);
    assert_eq!(def["range"]["start"], json!({ "line": 1, "character": 33 }));
    // ... and into the bundled library.
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 2, "character": 30 } }),
    );
    assert!(
        def["uri"].as_str().unwrap().ends_with("std/kpis.bsc"),
        "{def}"
    );
    let lib = std::fs::read_to_string(def["uri"].as_str().unwrap().trim_start_matches("file://"))
        .unwrap();
    let line = lib
        .lines()
        .nth(def["range"]["start"]["line"].as_u64().unwrap() as usize)
        .unwrap();
    assert!(line.starts_with("kpi nps "), "{line}");

    // References and rename.
    let refs = c.request("textDocument/references", json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 35 }, "context": { "includeDeclaration": true } }));
    assert_eq!(refs.as_array().unwrap().len(), 2);
    let prep = c.request(
        "textDocument/prepareRename",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 35 } }),
    );
    assert_eq!(prep["placeholder"], "happy");
    let edit = c.request("textDocument/rename", json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 35 }, "newName": "delighted" }));
    let edits = edit["changes"][&uri].as_array().unwrap();
    assert_eq!(edits.len(), 2);
    assert!(edits.iter().all(|e| e["newText"] == "delighted"));
    assert!(
        edits
            .iter()
            .any(|e| e["range"]["start"] == json!({ "line": 4, "character": 17 }))
    );

    // Completion: kpi templates after `from`, properties inside a measure.
    let changed = DOC.replace("from nps {", "from n {");
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": changed }] }));
    let items = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 2, "character": 30 } }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"nps") && labels.contains(&"on_time_delivery"),
        "{labels:?}"
    );
    assert!(
        !labels.contains(&"happy"),
        "only kpi templates after `from`"
    );
    let with_blank = DOC.replace("baseline 20", "\n      \n      baseline 20");
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": with_blank }] }));
    let items = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 3, "character": 6 } }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"threshold") && labels.contains(&"actuals"),
        "{labels:?}"
    );

    // The outline.
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 4 }, "contentChanges": [{ "text": DOC }] }));

    // Semantic tokens: ids by kind, positions in UTF-16 (`happy` in the map after the
    // emoji comment is at 17).
    let tokens = c.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri } }),
    );
    let legend = init["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"].clone();
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let (mut line, mut col) = (0, 0);
    let mut decoded = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            col = 0;
        }
        line += t[0];
        col += t[1];
        decoded.push((
            line,
            col,
            t[2],
            legend[t[3] as usize].as_str().unwrap().to_string(),
            t[4],
        ));
    }
    assert!(
        decoded.contains(&(4, 17, 5, "objective".into(), 0)),
        "{decoded:?}"
    );
    assert!(
        decoded.contains(&(1, 33, 5, "objective".into(), 1)),
        "{decoded:?}"
    );
    assert!(
        decoded.contains(&(2, 29, 3, "kpi".into(), 0)),
        "{decoded:?}"
    );
    assert!(
        decoded.contains(&(1, 12, 8, "perspective".into(), 1)),
        "{decoded:?}"
    );

    // Highlights and selection ranges after the emoji comment (UTF-16 columns).
    let hl = c.request(
        "textDocument/documentHighlight",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 4, "character": 19 } }),
    );
    assert!(
        hl.as_array().unwrap().iter().any(|h| h["range"]
            == json!({ "start": { "line": 4, "character": 17 }, "end": { "line": 4, "character": 22 } })
            && h["kind"] == 2),
        "{hl}"
    );
    assert!(
        hl.as_array().unwrap().iter().any(|h| h["range"]["start"]
            == json!({ "line": 1, "character": 33 })
            && h["kind"] == 3),
        "{hl}"
    );
    let sel = c.request(
        "textDocument/selectionRange",
        json!({ "textDocument": { "uri": uri }, "positions": [{ "line": 4, "character": 19 }] }),
    );
    assert_eq!(
        sel[0]["range"],
        json!({ "start": { "line": 4, "character": 17 }, "end": { "line": 4, "character": 22 } })
    );
    assert_eq!(
        sel[0]["parent"]["range"]["start"],
        json!({ "line": 4, "character": 0 })
    );

    // Inlay hints: status and score after each title; off by a setting.
    let all = json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } } });
    let hints = c.request("textDocument/inlayHint", all.clone());
    let happy = hints
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["position"]["line"] == 1)
        .expect("a hint on line 1");
    assert_eq!(happy["label"], "● red 25%", "{hints}");
    // After `"😀 Zufriedene Kunden"`: 39 + 22 UTF-16 units (the emoji counts two).
    assert_eq!(happy["position"]["character"], 61, "{hints}");
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "bsc": { "inlayHints": false } } }),
    );
    assert_eq!(c.request("textDocument/inlayHint", all), json!([]));

    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(symbols[0]["name"], "customer");
    assert_eq!(symbols[0]["children"][0]["name"], "happy");
    assert_eq!(
        symbols[0]["children"][0]["children"][0]["name"],
        "nps_score"
    );

    // Formatting returns the `bsc fmt` text.
    let edits = c.request("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert_eq!(
        edits[0]["newText"].as_str().unwrap(),
        bsc::fmt::format(DOC).unwrap()
    );

    // A fix clears the diagnostic (older publications were all received before the
    // last response, so what comes next is about the fix).
    c.notes.clear();
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 5 }, "contentChanges": [{ "text": DOC.replace("margn", "margin") }] }));
    let diags = c.diagnostics(&uri);
    assert!(
        diags.iter().all(|d| d["code"] != "unknown-ref"),
        "{diags:?}"
    );

    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 0);
}

#[cfg(unix)]
#[test]
fn fifo_inputs_never_stop_the_server() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["lib.bsc", "pipe.csv"] {
        let c =
            std::ffi::CString::new(dir.path().join(name).as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    }
    let path = dir.path().join("plan.bsc");
    let text = "use \"lib\"\nperspective financial { objective margin \"Marge\" { owner \"CFO\" measure m \"M\" { unit \"u\" baseline 5 target 9 actuals \"pipe.csv\" } } }\n";
    std::fs::write(&path, text).unwrap();
    let uri = format!("file://{}", path.display());
    let mut c = Client::start();
    c.request(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": {} }),
    );
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "bsc", "version": 1, "text": text } }),
    );
    let diags = c.diagnostics(&uri);
    let messages: Vec<&str> = diags
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("lib.bsc`: it is a FIFO"))
            && messages
                .iter()
                .any(|m| m.contains("pipe.csv`: it is a FIFO")),
        "{messages:?}"
    );
    // Still answering.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(symbols[0]["name"], "financial");
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 0);
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

#[test]
fn malformed_messages_are_answered_and_the_server_keeps_serving() {
    let mut c = Client::start();
    c.initialized();
    for (bad, code) in [
        (frame("{\"jsonrpc\":\"2.0\",\"id\":"), -32700),
        (
            frame("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"shutdown\"}]"),
            -32600,
        ),
        (
            frame("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"shutdown\"}"),
            -32600,
        ),
        (b"Content-Lenght 12\r\n\r\n".to_vec(), -32700),
    ] {
        c.send_raw(&bad);
        let reply = c.next();
        assert_eq!(
            reply["error"]["code"],
            code,
            "{}: {reply}",
            String::from_utf8_lossy(&bad)
        );
        // Still serving.
        let symbols = c.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": "file:///nowhere.bsc" } }),
        );
        assert_eq!(symbols, json!([]));
    }
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 0);
}

/// The peak memory of a process, in KiB (Linux).
fn peak_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn huge_content_lengths_are_refused_without_allocating() {
    for n in ["1000000000000", "18446744073709551615", "4294967296"] {
        let mut c = Client::start();
        c.initialized();
        c.send_raw(format!("Content-Length: {n}\r\n\r\n{{}}").as_bytes());
        let reply = c.next();
        assert!(
            reply["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("larger than the limit of 64 MiB")),
            "{n}: {reply}"
        );
        let peak = peak_kib(c.child.id());
        assert!(peak < 256 * 1024, "{n}: peak memory {peak} KiB");
        // The client goes away without `shutdown`: exit status 1, not an abort or a panic.
        assert_eq!(c.exit_code(), 1, "{n}");
    }
}

#[test]
fn exit_without_shutdown_is_status_1_and_requests_after_shutdown_are_invalid() {
    let mut c = Client::start();
    c.initialized();
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 1);

    let mut c = Client::start();
    c.initialized();
    c.request("shutdown", Value::Null);
    c.send(json!({ "jsonrpc": "2.0", "id": 99, "method": "textDocument/documentSymbol", "params": { "textDocument": { "uri": "file:///x.bsc" } } }));
    let reply = c.next();
    assert_eq!(reply["id"], 99);
    assert_eq!(reply["error"]["code"], -32600, "{reply}");
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 0);
}

/// A large scorecard whose map names `missing_{n}`: each version has its own error.
fn typed(objectives: usize, n: usize) -> String {
    let mut s = String::from("perspective financial {\n");
    for i in 0..objectives {
        s.push_str(&format!(
            "  objective o{i} \"Objective {i}\" {{ owner \"x\" measure m{i} \"M{i}\" {{ unit \"u\" baseline 1 target 9 actuals {{ 2025-01: 3, 2025-02: 4 }} }} }}\n"
        ));
    }
    s.push_str(&format!("}}\nmap {{ o0 -> missing_{n} }}\n"));
    s
}

#[test]
fn a_burst_of_edits_is_compiled_once_for_the_latest_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.bsc");
    let uri = format!("file://{}", path.display());
    let mut c = Client::start();
    c.initialized();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "bsc", "version": 0, "text": typed(400, 0) } }),
    );
    c.diagnostics(&uri);
    // 200 edits sent at once, as fast typing does.
    let edits = 200;
    let mut burst = Vec::new();
    for v in 1..=edits {
        let msg = json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": { "textDocument": { "uri": uri, "version": v }, "contentChanges": [{ "text": typed(400, v) }] } });
        burst.extend(frame(&msg.to_string()));
    }
    c.send_raw(&burst);
    // A request after the burst is answered from the latest text.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(symbols[0]["name"], "financial");
    let publishes: Vec<&Value> = c
        .notes
        .iter()
        .filter(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)
        .collect();
    assert!(
        !publishes.is_empty() && publishes.len() < edits / 4,
        "{} publishes for {edits} edits",
        publishes.len()
    );
    let last = publishes.last().unwrap();
    assert_eq!(last["params"]["version"], edits, "{last}");
    let messages = last["params"]["diagnostics"].to_string();
    assert!(
        messages.contains(&format!("unknown objective `missing_{edits}`")),
        "{messages}"
    );
    let versions: Vec<i64> = publishes
        .iter()
        .map(|p| p["params"]["version"].as_i64().unwrap())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 0);
}

/// Copies a folder (the split example) into `to`.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn file_uri(p: &std::path::Path) -> String {
    format!("file://{}", p.display())
}

/// The line and UTF-16 column of the first `needle` in `text`, plus `shift` columns.
fn find(text: &str, needle: &str, shift: u32) -> (u32, u32) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let before = &text[..at];
    let line = before.matches('\n').count() as u32;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .encode_utf16()
        .count() as u32;
    (line, col + shift)
}

fn pos(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

/// Applies a `WorkspaceEdit` (`changes`) to the files on disk.
fn apply(edit: &Value) {
    for (uri, edits) in edit["changes"].as_object().unwrap() {
        let path = uri.trim_start_matches("file://");
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let mut edits = edits.as_array().unwrap().clone();
        // Last first, so earlier positions stay valid (ASCII files: UTF-16 = bytes).
        edits.sort_by_key(|e| {
            std::cmp::Reverse((
                e["range"]["start"]["line"].as_u64().unwrap(),
                e["range"]["start"]["character"].as_u64().unwrap(),
            ))
        });
        for e in edits {
            let r = &e["range"];
            let line = r["start"]["line"].as_u64().unwrap() as usize;
            assert_eq!(r["end"]["line"], r["start"]["line"]);
            let (s, en) = (
                r["start"]["character"].as_u64().unwrap() as usize,
                r["end"]["character"].as_u64().unwrap() as usize,
            );
            lines[line].replace_range(s..en, e["newText"].as_str().unwrap());
        }
        std::fs::write(path, lines.join("\n")).unwrap();
    }
}

/// The split example opened as a workspace: a library file is analysed through the
/// entry file that imports it; references and rename reach every file; rename refuses
/// what would break the project; diagnostics do not depend on what is open; a changed
/// CSV refreshes them; an untitled document is its own entry under its own URI.
#[test]
fn a_workspace_of_several_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap().join("project");
    copy_dir(&common_repo().join("examples/project"), &dir);
    let ops_path = dir.join("lib/operations.bsc");
    let ops = file_uri(&ops_path);
    let plan = file_uri(&dir.join("plan.bsc"));
    let ops_text = std::fs::read_to_string(&ops_path).unwrap();
    let plan_src = std::fs::read_to_string(dir.join("plan.bsc")).unwrap();

    let mut c = Client::start();
    c.request(
        "initialize",
        json!({ "processId": null, "rootUri": file_uri(&dir), "capabilities": {
            "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true },
                           "inlayHint": { "refreshSupport": true } } } }),
    );
    c.notify("initialized", json!({}));
    // The server asks to watch `.bsc` files and data files.
    c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": ops } }),
    );
    let reg = c
        .notes
        .iter()
        .find(|n| n["method"] == "client/registerCapability")
        .expect("a registration")
        .clone();
    let globs = reg["params"]["registrations"][0]["registerOptions"]["watchers"].to_string();
    assert!(
        globs.contains("**/*.bsc") && globs.contains("**/*.csv"),
        "{globs}"
    );

    // The library, opened alone, has no false `unknown-ref`: its importer brings in the
    // kpi templates.
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": ops, "languageId": "bsc", "version": 1, "text": ops_text } }),
    );
    assert_eq!(c.diagnostics(&ops), Vec::<Value>::new());

    // Hover and definition in the library: a template the entry file's `use` brings.
    let hover = c.request("textDocument/hover", pos(&ops, 8, 45));
    assert!(
        hover.to_string().contains("kpi template `rework_rate`"),
        "{hover}"
    );
    let def = c.request("textDocument/definition", pos(&ops, 8, 45));
    assert!(
        def["uri"].as_str().unwrap().ends_with("std/kpis.bsc"),
        "{def}"
    );

    // References from the library reach the entry file's map.
    let refs = c.request("textDocument/references", json!({ "textDocument": { "uri": ops }, "position": { "line": 5, "character": 14 }, "context": { "includeDeclaration": true } }));
    let uris: Vec<&str> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris.iter().filter(|u| **u == plan).count(), 2, "{refs}");
    assert_eq!(uris.iter().filter(|u| **u == ops).count(), 1, "{refs}");
    // ... and from the entry file to the library.
    let (l, ch) = find(&plan_src, "on_time_jobs -> more_reorders", 3);
    let def = c.request("textDocument/definition", pos(&plan, l, ch));
    assert_eq!(def["uri"], ops, "{def}");

    // Rename refuses an id that exists, a keyword, and what is no id.
    let rename = |name: &str| json!({ "textDocument": { "uri": ops }, "position": { "line": 5, "character": 14 }, "newName": name });
    let msg = c.request_error("textDocument/rename", rename("on_time_jobs"));
    assert!(msg.contains("already names an objective"), "{msg}");
    let msg = c.request_error("textDocument/rename", rename("target"));
    assert!(msg.contains("keyword"), "{msg}");
    let msg = c.request_error("textDocument/rename", rename("9lives"));
    assert!(msg.contains("not an id"), "{msg}");

    // Rename edits every file; applied, the project checks clean.
    let edit = c.request("textDocument/rename", rename("first_pass"));
    assert_eq!(edit["changes"][&ops].as_array().unwrap().len(), 1, "{edit}");
    assert_eq!(
        edit["changes"][&plan].as_array().unwrap().len(),
        2,
        "{edit}"
    );
    apply(&edit);
    // (Run inside the folder: outside a git work tree, `bsc check DIR` from elsewhere
    // takes each library's folder as its project; see the report.)
    let out = Command::new(env!("CARGO_BIN_EXE_bsc"))
        .arg("check")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&[out.stdout.clone(), out.stderr.clone()].concat())
    );
    let ops_text = std::fs::read_to_string(&ops_path).unwrap();
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": ops, "version": 2 }, "contentChanges": [{ "text": ops_text }] }));
    for u in [&ops, &plan] {
        c.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": u, "type": 2 }] }),
        );
    }

    // An edit in the library breaks the entry file, which is not open: its diagnostics
    // are published; the undo clears them. The library's own set is the same before
    // and after.
    let broken = ops_text.replace("objective on_time_jobs", "objective on_time_jobz");
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": ops, "version": 3 }, "contentChanges": [{ "text": broken }] }));
    c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": ops } }),
    );
    let d = c.published(&plan).expect("the importer's diagnostics");
    assert!(d.iter().any(|d| d["code"] == "unknown-ref"), "{d:?}");
    c.sync();
    c.notes.clear();
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": ops, "version": 4 }, "contentChanges": [{ "text": ops_text }] }));
    c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": ops } }),
    );
    assert_eq!(c.published(&plan), Some(vec![]));
    assert_eq!(c.published(&ops), Some(vec![]));

    // Opening the entry file changes nothing in the library's diagnostics.
    let plan_text = std::fs::read_to_string(dir.join("plan.bsc")).unwrap();
    c.sync();
    c.notes.clear();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": plan, "languageId": "bsc", "version": 1, "text": plan_text } }),
    );
    assert_eq!(c.diagnostics(&plan), Vec::<Value>::new());

    // A CSV changed on disk: the measure reading it is checked again.
    let csv = dir.join("data/jobs.csv");
    std::fs::write(&csv, "period,value\n2025-01,lots\n").unwrap();
    c.sync();
    c.notes.clear();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&csv), "type": 2 }] }),
    );
    // (A problem in a CSV is shown in the CSV.)
    let d = c.diagnostics(&file_uri(&csv));
    assert!(d.iter().any(|d| d["code"] == "data"), "{d:?}");
    std::fs::write(&csv, "period,value\n2025-01,5%\n").unwrap();
    c.sync();
    c.notes.clear();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&csv), "type": 2 }] }),
    );
    assert_eq!(c.diagnostics(&file_uri(&csv)), Vec::<Value>::new());

    // A CSV open in the editor: its unsaved text is what the measure reads; it is no
    // bsc text of its own (no syntax errors).
    let csv_uri = file_uri(&csv);
    c.sync();
    c.notes.clear();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": csv_uri, "languageId": "csv", "version": 1, "text": "period,value\n2025-01,zzz\n" } }),
    );
    let d = c.diagnostics(&csv_uri);
    assert!(d.iter().any(|d| d["code"] == "data"), "{d:?}");
    assert!(d.iter().all(|d| d["code"] != "syntax"), "{d:?}");
    c.sync();
    c.notes.clear();
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": csv_uri } }),
    );
    c.sync();
    assert_eq!(c.published(&csv_uri), Some(vec![]));

    // A library changed on disk (not open): the entry file importing it is checked
    // again; a new file on disk is an entry of its own, a deleted one is forgotten.
    let people = dir.join("lib/people.bsc");
    let people_text = std::fs::read_to_string(&people).unwrap();
    std::fs::write(
        &people,
        people_text.replace("objective trained_operators", "objective trained_ops"),
    )
    .unwrap();
    c.sync();
    c.notes.clear();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&people), "type": 2 }] }),
    );
    let d = c.diagnostics(&plan);
    assert!(
        d.iter().any(|d| d["code"] == "unknown-ref"
            && d["message"].as_str().unwrap().contains("trained_operators")),
        "{d:?}"
    );
    std::fs::write(&people, &people_text).unwrap();
    c.sync();
    c.notes.clear();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&people), "type": 2 }] }),
    );
    assert_eq!(c.diagnostics(&plan), Vec::<Value>::new());
    let extra = dir.join("extra.bsc");
    std::fs::write(&extra, "map { nowhere -> lift_margin }\n").unwrap();
    c.sync();
    c.notes.clear();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&extra), "type": 1 }] }),
    );
    let d = c.diagnostics(&file_uri(&extra));
    assert!(d.iter().any(|d| d["code"] == "unknown-ref"), "{d:?}");
    std::fs::remove_file(&extra).unwrap();
    c.sync();
    c.notes.clear();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&extra), "type": 3 }] }),
    );
    assert_eq!(c.diagnostics(&file_uri(&extra)), Vec::<Value>::new());

    // Workspace symbols: every file, each id once.
    let syms = c.request("workspace/symbol", json!({ "query": "TIME" }));
    let names: Vec<&str> = syms
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["jobs_on_time", "on_time_jobs"], "{syms}");
    assert!(
        syms[1]["location"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("lib/operations.bsc")
    );

    // Folding ranges and selection ranges follow the declarations.
    let folds = c.request(
        "textDocument/foldingRange",
        json!({ "textDocument": { "uri": ops } }),
    );
    assert!(
        folds
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["startLine"] == 3 && f["endLine"] == 46),
        "{folds}"
    );
    let sel = c.request(
        "textDocument/selectionRange",
        json!({ "textDocument": { "uri": ops }, "positions": [{ "line": 5, "character": 14 }] }),
    );
    let s = &sel[0];
    assert_eq!(
        s["range"]["start"],
        json!({ "line": 5, "character": 12 }),
        "{sel}"
    );
    assert_eq!(
        s["range"]["end"],
        json!({ "line": 5, "character": 22 }), // `first_pass`, renamed above
        "{sel}"
    );
    assert_eq!(
        s["parent"]["range"]["start"],
        json!({ "line": 5, "character": 2 }),
        "{sel}"
    );
    assert_eq!(
        s["parent"]["parent"]["range"]["start"],
        json!({ "line": 3, "character": 0 }),
        "{sel}"
    );
    assert_eq!(
        s["parent"]["parent"]["parent"]["range"]["start"],
        json!({ "line": 0, "character": 0 }),
        "{sel}"
    );

    // Document highlight: the id wherever this file writes it.
    let (l, ch) = find(&plan_src, "right_first_time -> on_time_jobs", 2);
    let hl = c.request("textDocument/documentHighlight", pos(&plan, l, ch));
    assert_eq!(hl.as_array().unwrap().len(), 2, "{hl}");
    assert!(
        hl.as_array().unwrap().iter().all(|h| h["kind"] == 2),
        "{hl}"
    );

    // Document links: `use` paths (the library too) and data files open the file.
    let links = c.request(
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": plan } }),
    );
    let targets: Vec<&str> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert!(targets[0].ends_with("std/kpis.bsc"), "{links}");
    assert!(
        targets.contains(&file_uri(&dir.join("lib/operations.bsc")).as_str()),
        "{links}"
    );
    assert!(
        targets.iter().any(|t| t.ends_with("/data/pnl.xlsx")),
        "{links}"
    );
    let links = c.request(
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": ops } }),
    );
    assert_eq!(
        links[0]["target"],
        file_uri(&dir.join("data/jobs.csv")),
        "{links}"
    );
    assert_eq!(
        links[0]["range"]["start"],
        json!({ "line": 12, "character": 14 }),
        "{links}"
    );

    // Turning inlay hints off asks the client to fetch them again.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "bsc": { "inlayHints": false } } }),
    );
    c.sync();
    assert!(
        c.notes
            .iter()
            .any(|n| n["method"] == "workspace/inlayHint/refresh"),
        "no refresh asked"
    );

    // An untitled document: its own entry, published under its own URI.
    let untitled = "untitled:Untitled-1";
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": untitled, "languageId": "bsc", "version": 1, "text": "perspective customer { objective a \"A\" { owner \"x\" } }\nmap { a -> nowhere }\n" } }),
    );
    let d = c.diagnostics(untitled);
    assert!(d.iter().any(|d| d["code"] == "unknown-ref"), "{d:?}");
    assert!(
        !c.notes.iter().any(|n| n["params"]["uri"]
            .as_str()
            .is_some_and(|u| u.contains("Untitled"))
            && n["params"]["uri"] != untitled),
        "published elsewhere"
    );

    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 0);
}

fn common_repo() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The text without its `|` marker, and the marker's LSP position (UTF-16 columns).
fn marked(text: &str) -> (String, Value) {
    let at = text.find('|').expect("a marker");
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .encode_utf16()
        .count();
    (
        text.replacen('|', "", 1),
        json!({ "line": line, "character": col }),
    )
}

/// Completion in a file being typed, at each place the recovery issue names: after
/// `from `, after `a -> `, after `supports x, `, at the start of a new map line; and
/// the keywords of a half-typed block, the values of `direction`. Non-ASCII text stands
/// before the cursor on each line.
#[test]
fn completion_in_a_half_typed_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.bsc");
    let uri = file_uri(&path);
    let intact = "use \"std/kpis\"\n\
perspective customer { objective happy \"😀 Glück\" { owner \"CMO\" } }\n\
perspective financial { objective margin \"Marge\" { owner \"CFO\" measure m \"M\" { unit \"%\" baseline 5 target 9 } } }\n";
    std::fs::write(&path, intact).unwrap();
    let mut c = Client::start();
    c.initialized();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "bsc", "version": 1, "text": intact } }),
    );
    let cases: &[(&str, &[&str], &[&str])] = &[
        // After `from ` at the end of the file.
        (
            "perspective internal { objective fast \"Schnell ü\" { measure cycle \"Zyklus 😀\" from |",
            &["nps", "on_time_delivery"],
            &["happy", "margin", "owner"],
        ),
        // After `from `, with the rest of the file below.
        (
            "perspective internal { objective fast \"Schnell ü\" {\n    measure cycle \"Zyklus 😀\" from |\n  }\n}\nmap { happy -> margin }\n",
            &["nps"],
            &["happy"],
        ),
        // After `a -> ` in a map being typed.
        (
            "map { /* 😀 */ happy -> |",
            &["happy", "margin"],
            &["nps", "m"],
        ),
        // After `supports x, `.
        (
            "initiative crm \"CRM 😀\" { supports happy, |",
            &["happy", "margin", "m"],
            &["nps"],
        ),
        // At the start of a new map line.
        (
            "map {\n  happy -> margin // 😀\n  |",
            &["happy", "margin"],
            &["nps", "owner"],
        ),
        // A property in a half-typed measure; a prefix already typed.
        (
            "perspective internal { objective fast \"Schnell ü\" { measure cycle \"Zyklus 😀\" {\n      thr|",
            &["threshold", "actuals", "direction"],
            &["happy", "objective"],
        ),
        // An operand of a `compute` expression: measures and functions.
        (
            "perspective internal { objective fast \"ü\" { measure cycle \"Z 😀\" { unit \"%\" compute (m - |",
            &["m", "growth", "lag"],
            &["happy", "threshold", "nps"],
        ),
        // The values of `direction`.
        (
            "perspective internal { objective fast \"ü\" { measure cycle \"Z\" { direction |",
            &["up", "down"],
            &["happy", "threshold"],
        ),
    ];
    for (v, (typed, want, not)) in cases.iter().enumerate() {
        let (text, position) = marked(&format!("{intact}{typed}"));
        c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": v + 2 }, "contentChanges": [{ "text": text }] }));
        let items = c.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": uri }, "position": position }),
        );
        let labels: Vec<&str> = items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap())
            .collect();
        for w in *want {
            assert!(labels.contains(w), "{typed:?}: {w} missing from {labels:?}");
        }
        for w in *not {
            assert!(!labels.contains(w), "{typed:?}: {w} offered in {labels:?}");
        }
    }
    // Hover on a keyword, but not on the same word in a string or a comment.
    let text = "perspective p \"ü target\" { }\n// 😀 target\n";
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 100 }, "contentChanges": [{ "text": text }] }));
    let (l, ch) = find(text, "perspective", 3);
    let hover = c.request("textDocument/hover", pos(&uri, l, ch));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("`perspective`: declaration"),
        "{hover}"
    );
    for (needle, shift) in [("target\"", 2), ("target\n", 2)] {
        let (l, ch) = find(text, needle, shift);
        assert_eq!(
            c.request("textDocument/hover", pos(&uri, l, ch)),
            Value::Null,
            "{needle}"
        );
    }
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 0);
}

/// Ids inside `compute` expressions are references like any other: diagnostics with
/// their did-you-mean, go to definition, and rename.
#[test]
fn ids_in_computed_measures_are_references() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.bsc");
    let doc = "perspective financial { objective o \"O\" { owner \"CFO\"\n\
  measure revenue \"R\" { unit \"EUR\" direction up target 9 actuals { 2025-01: 5 } }\n\
  measure margin \"M\" { unit \"%\" direction up target 9 compute revenue * 2 + revnue }\n\
} }\n";
    std::fs::write(&path, doc).unwrap();
    let uri = format!("file://{}", path.display());
    let mut c = Client::start();
    c.initialized();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "bsc", "version": 1, "text": doc } }),
    );
    // (A `\` line continuation drops the indentation.) `compute revenue * 2 + revnue`:
    // `revenue` at 60..67, `revnue` at 74..80 of line 2; `revenue` declared at 8 of line 1.
    let diags = c.diagnostics(&uri);
    let unknown = diags
        .iter()
        .find(|d| d["code"] == "unknown-ref")
        .expect("unknown-ref in the expression");
    assert_eq!(
        unknown["range"]["start"],
        json!({ "line": 2, "character": 74 })
    );
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `revenue`?")
    );
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 2, "character": 62 } }),
    );
    assert_eq!(def["range"]["start"], json!({ "line": 1, "character": 8 }));
    let edit = c.request("textDocument/rename", json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 10 }, "newName": "sales" }));
    let edits = edit["changes"][&uri].as_array().unwrap();
    assert_eq!(edits.len(), 2, "{edit}");
    assert!(
        edits
            .iter()
            .any(|e| e["range"]["start"] == json!({ "line": 2, "character": 60 }))
    );
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 0);
}

/// Workspace folders added and removed while the server runs: the added folder's files
/// are checked (none of them open), the removed folder's diagnostics are cleared.
#[test]
fn workspace_folders_come_and_go() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().canonicalize().unwrap().join("a.bsc");
    std::fs::write(
        &path,
        "perspective customer { objective a \"A\" { owner \"x\" } }\nmap { a -> nowhere }\n",
    )
    .unwrap();
    let uri = file_uri(&path);
    let folder = json!({ "uri": file_uri(path.parent().unwrap()), "name": "ws" });
    let mut c = Client::start();
    let init = c.request(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": {} }),
    );
    assert_eq!(
        init["capabilities"]["workspace"]["workspaceFolders"]["changeNotifications"],
        true
    );
    c.notify("initialized", json!({}));
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [folder], "removed": [] } }),
    );
    let d = c.diagnostics(&uri);
    assert!(d.iter().any(|d| d["code"] == "unknown-ref"), "{d:?}");
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [], "removed": [folder] } }),
    );
    c.sync();
    assert_eq!(c.published(&uri), Some(vec![]));
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 0);
}

/// Every request on every prefix of a document (a file being typed from the start, with
/// non-ASCII text): each is answered, none ends the server.
#[test]
fn every_request_on_every_prefix_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.bsc");
    let uri = file_uri(&path);
    let doc = format!(
        "{DOC}initiative crm \"CRM ü\" {{ supports happy, margin }}\nkpi k \"K\" {{ unit \"%\" actuals \"a.csv\" }}\n"
    );
    let mut c = Client::start();
    c.initialized();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "bsc", "version": 0, "text": "" } }),
    );
    let cuts: Vec<usize> = (0..=doc.len())
        .filter(|i| doc.is_char_boundary(*i))
        .step_by(7)
        .chain([doc.len()])
        .collect();
    for (v, cut) in cuts.into_iter().enumerate() {
        let text = &doc[..cut];
        c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": v + 1 }, "contentChanges": [{ "text": text }] }));
        let (line, character) = find(&format!("{text}\u{0}"), "\u{0}", 0);
        let at = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
        let doc_only = json!({ "textDocument": { "uri": uri } });
        for (method, params) in [
            ("textDocument/completion", at.clone()),
            ("textDocument/hover", at.clone()),
            ("textDocument/definition", at.clone()),
            ("textDocument/documentHighlight", at.clone()),
            ("textDocument/prepareRename", at.clone()),
            ("textDocument/semanticTokens/full", doc_only.clone()),
            ("textDocument/foldingRange", doc_only.clone()),
            ("textDocument/documentLink", doc_only.clone()),
            ("textDocument/documentSymbol", doc_only.clone()),
            (
                "textDocument/selectionRange",
                json!({ "textDocument": { "uri": uri }, "positions": [at["position"]] }),
            ),
            (
                "textDocument/inlayHint",
                json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": at["position"] } }),
            ),
        ] {
            let reply = c.request_raw(method, params);
            // prepareRename may refuse (no id there); nothing else fails.
            assert!(
                reply.get("error").is_none() || method == "textDocument/prepareRename",
                "{method} at {cut}: {reply}"
            );
        }
    }
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 0);
}

/// No workspace folder (a client that sends no root): a library opened first is still
/// checked through the entry file that imports it — found from the server's folder as
/// `bsc check FILE` finds it, or, when the server runs elsewhere, once the entry file is
/// opened too.
#[test]
fn a_library_opened_first_without_a_workspace() {
    for cwd_is_project in [true, false] {
        let tmp = tempfile::Builder::new().prefix("nows").tempdir().unwrap();
        let dir = tmp.path().canonicalize().unwrap().join("project");
        copy_dir(&common_repo().join("examples/project"), &dir);
        let ops = file_uri(&dir.join("lib/operations.bsc"));
        let plan = file_uri(&dir.join("plan.bsc"));
        let mut c = Client::start_in(if cwd_is_project {
            &dir
        } else {
            std::path::Path::new("/")
        });
        c.initialized();
        let text = std::fs::read_to_string(dir.join("lib/operations.bsc")).unwrap();
        c.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": ops, "languageId": "bsc", "version": 1, "text": text } }),
        );
        let d = c.diagnostics(&ops);
        if cwd_is_project {
            assert_eq!(d, Vec::<Value>::new());
        } else {
            // The library's folder alone: its templates are unknown there.
            assert!(d.iter().any(|d| d["code"] == "unknown-ref"), "{d:?}");
            let text = std::fs::read_to_string(dir.join("plan.bsc")).unwrap();
            c.sync();
            c.notes.clear();
            c.notify(
                "textDocument/didOpen",
                json!({ "textDocument": { "uri": plan, "languageId": "bsc", "version": 1, "text": text } }),
            );
            c.sync();
            assert_eq!(c.published(&ops), Some(vec![]), "{cwd_is_project}");
        }
        c.request("shutdown", Value::Null);
        c.notify("exit", Value::Null);
        assert_eq!(c.exit_code(), 0);
    }
}

/// A department scorecard (`cascade`) is no entry file: its company compiles it, and
/// the server analyses it in that compilation's department: symbols, hover and
/// diagnostics in the department's own file; the company's `cascade` path links to it.
#[test]
fn a_cascaded_department_is_analysed_through_its_company() {
    let tmp = tempfile::Builder::new().prefix("casc").tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap().join("cascade");
    copy_dir(&common_repo().join("examples/cascade"), &dir);
    let sales = dir.join("depts/sales.bsc");
    let uri = file_uri(&sales);
    let text = std::fs::read_to_string(&sales).unwrap();
    let mut c = Client::start();
    c.request(
        "initialize",
        json!({ "processId": null, "rootUri": file_uri(&dir), "capabilities": {} }),
    );
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "bsc", "version": 1, "text": text } }),
    );
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert!(
        symbols.to_string().contains("win_key_accounts"),
        "{symbols}"
    );
    let (l, ch) = find(&text, "objective win_key_accounts", 12);
    let hover = c.request("textDocument/hover", pos(&uri, l, ch));
    assert!(
        hover.to_string().contains("objective `win_key_accounts`"),
        "{hover}"
    );
    let broken = text.replace("-> win_key_accounts :", "-> win_key_acounts :");
    c.sync();
    c.notes.clear();
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": broken }] }));
    let d = c.diagnostics(&uri);
    assert!(d.iter().any(|d| d["code"] == "unknown-ref"), "{d:?}");
    let company = file_uri(&dir.join("company.bsc"));
    let links = c.request(
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": company } }),
    );
    assert!(links.to_string().contains(&format!("\"{uri}\"")), "{links}");
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 0);
}

/// The language server across a cascade's boundary: in the company's
/// `align sales.win_key_accounts -> …`, the department objective goes to its definition
/// in the department's file, hovers as the department's, is found by references from
/// either side, and renames in both files (refused when the department already has the
/// new name, allowed when only the company has it: two namespaces); completion after
/// `align ` offers the departments and after `align sales.` the department's objectives.
#[test]
fn the_language_server_crosses_the_cascade_boundary() {
    let tmp = tempfile::Builder::new().prefix("casc").tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap().join("cascade");
    copy_dir(&common_repo().join("examples/cascade"), &dir);
    let company_path = dir.join("company.bsc");
    let company = file_uri(&company_path);
    let sales = file_uri(&dir.join("depts/sales.bsc"));
    let ctext = std::fs::read_to_string(&company_path).unwrap();
    let stext = std::fs::read_to_string(dir.join("depts/sales.bsc")).unwrap();
    let mut c = Client::start();
    c.request(
        "initialize",
        json!({ "processId": null, "rootUri": file_uri(&dir), "capabilities": {} }),
    );
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": company, "languageId": "bsc", "version": 1, "text": ctext } }),
    );
    assert_eq!(c.diagnostics(&company), Vec::<Value>::new());
    let (al, ac) = find(&ctext, "align sales.win_key_accounts", 14);
    let (dl, dc) = find(&stext, "objective win_key_accounts", 10);

    // Go to definition: the department's file.
    let def = c.request("textDocument/definition", pos(&company, al, ac));
    assert_eq!(def["uri"], sales.as_str(), "{def}");
    assert_eq!(def["range"]["start"]["line"], dl, "{def}");
    assert_eq!(def["range"]["start"]["character"], dc, "{def}");

    // Hover: the department's objective, with its status.
    let hover = c.request("textDocument/hover", pos(&company, al, ac));
    let h = hover["contents"]["value"].as_str().unwrap();
    assert!(h.contains("department `sales`"), "{h}");
    assert!(h.contains("objective `win_key_accounts`"), "{h}");
    assert!(h.contains("Win five key accounts"), "{h}");
    assert_eq!(hover["range"]["start"]["line"], al, "{hover}");
    // The department id: its `cascade` line, and its scorecard's status.
    let def = c.request("textDocument/definition", pos(&company, al, 8));
    let (cl, cc) = find(&ctext, "cascade sales", 8);
    assert_eq!(def["uri"], company.as_str(), "{def}");
    assert_eq!(def["range"]["start"]["line"], cl, "{def}");
    assert_eq!(def["range"]["start"]["character"], cc, "{def}");
    let hover = c.request("textDocument/hover", pos(&company, al, 8));
    let h = hover["contents"]["value"].as_str().unwrap();
    assert!(h.contains("Lindqvist Sales"), "{h}");
    assert!(h.contains("department `sales`"), "{h}");
    assert!(h.contains("status **"), "{h}");

    // References, from the company's align line and from the declaration.
    let where_ = |refs: &Value| -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = refs
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["uri"].as_str().unwrap().to_string(),
                    r["range"]["start"]["line"].as_u64().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let mut params = pos(&company, al, ac);
    params["context"] = json!({ "includeDeclaration": true });
    let from_align = where_(&c.request("textDocument/references", params));
    let mut params = pos(&sales, dl, dc);
    params["context"] = json!({ "includeDeclaration": true });
    let from_decl = where_(&c.request("textDocument/references", params));
    let (ml, _) = find(&stext, "-> win_key_accounts :", 3);
    let mut expected = vec![
        (company.clone(), al as u64),
        (sales.clone(), dl as u64),
        (sales.clone(), ml as u64),
    ];
    expected.sort();
    assert_eq!(from_align, expected);
    assert_eq!(from_decl, expected);
    // The company's own `grow_revenue` is not the department's.
    let (gl, gc) = find(&ctext, "objective grow_revenue", 12);
    let mut params = pos(&company, gl, gc);
    params["context"] = json!({ "includeDeclaration": true });
    let grow = where_(&c.request("textDocument/references", params));
    assert!(grow.iter().all(|(u, _)| *u == company), "{grow:?}");

    // Rename from the company's align line: both files.
    let edit = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": company }, "position": { "line": al, "character": ac }, "newName": "win_big_accounts" }),
    );
    let changes = edit["changes"].as_object().unwrap();
    assert_eq!(
        changes[company.as_str()].as_array().unwrap().len(),
        1,
        "{edit}"
    );
    assert_eq!(
        changes[sales.as_str()].as_array().unwrap().len(),
        2,
        "{edit}"
    );
    assert_eq!(changes.len(), 2, "{edit}");
    // Refused when the department has the name already; allowed when only the company
    // has it (each scorecard is its own namespace).
    let err = c.request_error(
        "textDocument/rename",
        json!({ "textDocument": { "uri": sales }, "position": { "line": dl, "character": dc }, "newName": "trained_sellers" }),
    );
    assert!(err.contains("already names"), "{err}");
    let edit = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": sales }, "position": { "line": dl, "character": dc }, "newName": "grow_revenue" }),
    );
    assert_eq!(edit["changes"].as_object().unwrap().len(), 2, "{edit}");
    // Renaming the company's objective leaves the department alone.
    let edit = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": company }, "position": { "line": gl, "character": gc }, "newName": "grow_sales" }),
    );
    let changes = edit["changes"].as_object().unwrap();
    assert_eq!(changes.keys().collect::<Vec<_>>(), [&company], "{edit}");
    apply(&edit);
    let renamed = std::fs::read_to_string(&company_path).unwrap();
    assert!(
        renamed.contains("align sales.win_key_accounts -> grow_sales :"),
        "{renamed}"
    );

    // Completion on a new align line.
    let labels = |items: &Value| -> Vec<String> {
        let list = items.get("items").unwrap_or(items);
        list.as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    for (typed, want, not) in [
        (
            "align sales.|",
            &["faster_quotes", "trained_sellers", "win_key_accounts"][..],
            &["grow_revenue", "reliable_lines"][..],
        ),
        (
            "align operations.cu|",
            &["cut_scrap"][..],
            &["win_key_accounts"][..],
        ),
        (
            "align |",
            &["operations", "sales"][..],
            &["grow_revenue"][..],
        ),
    ] {
        let (text, at) = marked(&format!("{ctext}\n{typed}\n"));
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": company, "version": 2 }, "contentChanges": [{ "text": text }] }),
        );
        let items = c.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": company }, "position": at }),
        );
        let got = labels(&items);
        for w in want {
            assert!(got.iter().any(|g| g == w), "{typed}: {w} not in {got:?}");
        }
        for n in not {
            assert!(!got.iter().any(|g| g == n), "{typed}: {n} in {got:?}");
        }
    }
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 0);
}
