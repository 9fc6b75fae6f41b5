//! `bsc watch` as an editor sees it: the real binary in a temporary folder, files saved
//! the ways editors save them. Every wait polls with a deadline; no fixed sleep is an
//! assertion.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(15);

struct Watch {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
    dir: tempfile::TempDir,
}

impl Watch {
    fn start(dir: tempfile::TempDir, args: &[&str]) -> Watch {
        let w = Watch::spawn(dir, args);
        w.wait_for("the first build", |w| w.builds() >= 1);
        w
    }

    /// Starts `bsc watch` without waiting for a first build.
    fn spawn(dir: tempfile::TempDir, args: &[&str]) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bsc"))
            .arg("watch")
            .args(args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push(line);
            }
        });
        Watch { child, log, dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Status lines printed so far (one per build).
    fn builds(&self) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with('[') && l.contains(" ms)"))
            .count()
    }

    fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    fn wait_for(&self, what: &str, cond: impl Fn(&Watch) -> bool) {
        let start = Instant::now();
        while !cond(self) {
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {what}; log:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn output(&self) -> String {
        std::fs::read_to_string(self.path("out.json")).unwrap_or_default()
    }

    fn wait_output_contains(&self, needle: &str) {
        self.wait_for(&format!("the output to contain {needle:?}"), |w| {
            w.output().contains(needle)
        });
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits until no build has happened for a while and returns the count.
    fn settled_builds(&self) -> usize {
        let mut n = self.builds();
        let mut quiet = Instant::now();
        let start = Instant::now();
        while quiet.elapsed() < Duration::from_millis(400) {
            assert!(start.elapsed() < DEADLINE);
            std::thread::sleep(Duration::from_millis(20));
            let m = self.builds();
            if m != n {
                n = m;
                quiet = Instant::now();
            }
        }
        n
    }

    fn interrupt(mut self) -> i32 {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-INT", &pid]).status().unwrap();
        let start = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.code().unwrap_or(-1);
            }
            assert!(start.elapsed() < DEADLINE, "watch did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn plan(title: &str, extra: &str) -> String {
    format!(
        r#"@allow(missing-perspective, orphan, unexplained-red)
scorecard "{title}" {{ period 2025-01 .. 2025-12 }}
perspective financial {{
  objective margin "Margin" {{ owner "CFO"
    measure m "M" {{ unit "%" baseline 5% target 10% actuals {{ 2025-01: 6% }} }}
  }}
}}
{extra}
"#
    )
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn started(files: &[(&str, &str)]) -> Watch {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    Watch::start(dir, &["plan.bsc", "--format", "json", "-o", "out.json"])
}

#[test]
fn save_in_place_rebuilds_once() {
    let w = started(&[("plan.bsc", &plan("First", ""))]);
    w.wait_output_contains("\"First\"");
    let before = w.settled_builds();
    write(w.dir.path(), "plan.bsc", &plan("Second", ""));
    w.wait_output_contains("\"Second\"");
    assert_eq!(
        w.settled_builds(),
        before + 1,
        "one rebuild per save:\n{}",
        w.log_text()
    );
    assert_eq!(w.interrupt(), 0, "Ctrl-C exits cleanly with status 0");
}

#[test]
fn save_by_rename_over_the_vim_way() {
    let w = started(&[("plan.bsc", &plan("First", ""))]);
    w.wait_output_contains("\"First\"");
    let before = w.settled_builds();
    // vim: write a new file, move the old one to a backup, rename the new one over.
    write(w.dir.path(), "4913", "");
    std::fs::remove_file(w.path("4913")).unwrap();
    write(w.dir.path(), ".plan.bsc.swp", "swap");
    write(w.dir.path(), "plan.bsc.new", &plan("Renamed", ""));
    std::fs::rename(w.path("plan.bsc"), w.path("plan.bsc~")).unwrap();
    std::fs::rename(w.path("plan.bsc.new"), w.path("plan.bsc")).unwrap();
    w.wait_output_contains("\"Renamed\"");
    assert_eq!(
        w.settled_builds(),
        before + 1,
        "one rebuild for a rename-over:\n{}",
        w.log_text()
    );
    // Swap and backup files alone trigger nothing.
    write(w.dir.path(), ".plan.bsc.swp", "swap again");
    write(w.dir.path(), "plan.bsc~", "backup");
    assert_eq!(w.settled_builds(), before + 1);
}

#[test]
fn delete_and_recreate_is_waited_for() {
    let mut w = started(&[("plan.bsc", &plan("First", ""))]);
    w.wait_output_contains("\"First\"");
    std::fs::remove_file(w.path("plan.bsc")).unwrap();
    std::thread::sleep(Duration::from_millis(100)); // the editor's pause between delete and create
    write(w.dir.path(), "plan.bsc", &plan("Recreated", ""));
    w.wait_output_contains("\"Recreated\"");
    assert!(w.alive());
    assert!(!w.log_text().contains("error:"), "{}", w.log_text());
}

#[test]
fn a_broken_save_keeps_the_last_good_output_and_a_fix_recovers() {
    let mut w = started(&[("plan.bsc", &plan("Good", ""))]);
    w.wait_output_contains("\"Good\"");
    let good = w.output();
    write(
        w.dir.path(),
        "plan.bsc",
        &plan("Broken", "map { margin -> nowhere }"),
    );
    w.wait_for("the error report", |w| {
        w.log_text()
            .contains("1 error, 0 warnings: kept the last good output")
    });
    assert!(w.log_text().contains("unknown objective `nowhere`"));
    assert_eq!(w.output(), good, "the last good output stays");
    write(w.dir.path(), "plan.bsc", "perspective financial {");
    w.wait_for("the syntax error", |w| {
        w.log_text()
            .contains("expected `}` to close `perspective financial`")
    });
    assert!(w.alive(), "bad input never stops the watch");
    write(w.dir.path(), "plan.bsc", &plan("Fixed", ""));
    w.wait_output_contains("\"Fixed\"");
}

#[test]
fn imported_files_and_csv_files_are_watched() {
    let w = started(&[
        ("plan.bsc", &plan("Imports", "use \"lib\"")),
        (
            "lib.bsc",
            "initiative crm \"CRM v1\" { owner \"x\" supports margin }\n",
        ),
    ]);
    w.wait_output_contains("CRM v1");
    write(
        w.dir.path(),
        "lib.bsc",
        "initiative crm \"CRM v2\" { owner \"x\" supports margin }\n",
    );
    w.wait_output_contains("CRM v2");

    // A CSV file read by a measure.
    write(w.dir.path(), "m.csv", "period,value\n2025-01,7\n");
    write(
        w.dir.path(),
        "plan.bsc",
        &plan(
            "Imports",
            "use \"lib\"\nperspective customer { objective c \"C\" { owner \"x\" measure mc \"MC\" { unit \"u\" baseline 1 target 9 actuals \"m.csv\" } } }",
        ),
    );
    w.wait_output_contains("\"value\": 7");
    write(
        w.dir.path(),
        "m.csv",
        "period,value\n2025-01,7\n2025-02,8.25\n",
    );
    w.wait_output_contains("\"value\": 8.25");
}

#[test]
fn a_saved_workbook_is_picked_up() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data");
    let w = started(&[("plan.bsc", &plan("Sheets", ""))]);
    std::fs::copy(data.join("long.xlsx"), w.dir.path().join("ops.xlsx")).unwrap();
    write(
        w.dir.path(),
        "plan.bsc",
        &plan(
            "Sheets",
            "perspective internal { objective d \"D\" { owner \"x\" measure md \"MD\" { unit \"h\" baseline 120 target 90 actuals \"ops.xlsx\" } } }",
        ),
    );
    w.wait_output_contains("\"value\": 101");
    // The workbook saved again with one more month, the way a spreadsheet program
    // saves: a new file renamed over the old one.
    std::fs::copy(data.join("long_v2.xlsx"), w.dir.path().join("ops.xlsx.tmp")).unwrap();
    std::fs::rename(
        w.dir.path().join("ops.xlsx.tmp"),
        w.dir.path().join("ops.xlsx"),
    )
    .unwrap();
    w.wait_output_contains("\"value\": 97.25");
}

#[test]
fn a_department_saved_rebuilds_the_company_and_its_report() {
    let dept = |actual: u32| {
        format!(
            "@allow(missing-perspective, orphan)\nscorecard \"Sales\" {{}}\nperspective customer {{ objective win \"Win\" {{ owner \"x\" measure a \"A\" {{ unit \"%\" direction up baseline 0 target 100 actuals {{ 2025-01: {actual} }} }} }} }}\n"
        )
    };
    let w = started(&[
        (
            "plan.bsc",
            &plan(
                "Company",
                "cascade sales \"depts/sales.bsc\"\nalign sales.win -> margin",
            ),
        ),
        ("depts/sales.bsc", &dept(40)),
    ]);
    // margin: its measure (6 − 5) / (10 − 5) = 0.2 and the department's 0.4.
    w.wait_output_contains("\"score\": 0.3,");
    assert!(w.path("depts/sales.json").is_file(), "{}", w.log_text());
    write(w.dir.path(), "depts/sales.bsc", &dept(80));
    w.wait_output_contains("\"score\": 0.5,");
    let dept_report = std::fs::read_to_string(w.path("depts/sales.json")).unwrap();
    assert!(dept_report.contains("\"score\": 0.8,"), "{dept_report}");
    w.wait_for("the status line naming the department's report", |w| {
        w.log_text()
            .contains("wrote out.json and 1 department report beside its scorecard")
    });
}

#[test]
fn a_new_use_is_watched_from_then_on() {
    let w = started(&[("plan.bsc", &plan("Grows", ""))]);
    w.wait_output_contains("\"Grows\"");
    // First a `use` of a file that does not exist yet: an error, then the file appears.
    write(w.dir.path(), "plan.bsc", &plan("Grows", "use \"later\""));
    w.wait_for("the import error", |w| {
        w.log_text().contains("cannot read `later.bsc`")
    });
    write(
        w.dir.path(),
        "later.bsc",
        "initiative late \"Late v1\" { owner \"x\" supports margin }\n",
    );
    w.wait_output_contains("Late v1");
    write(
        w.dir.path(),
        "later.bsc",
        "initiative late \"Late v2\" { owner \"x\" supports margin }\n",
    );
    w.wait_output_contains("Late v2");
}

fn http_get(port: u16, target: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let code = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    (code, text)
}

#[test]
fn serve_answers_the_report_and_404_to_everything_else() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.bsc", &plan("Served", ""));
    let w = Watch::start(dir, &["plan.bsc", "--serve", "--port", "7811"]);
    let port: u16 = {
        let log = w.log_text();
        let url = log
            .lines()
            .find(|l| l.starts_with("serving http://127.0.0.1:"))
            .expect("the address is printed")
            .to_string();
        url.trim_start_matches("serving http://127.0.0.1:")
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!((7811..7843).contains(&port));
    let (code, page) = http_get(port, "/");
    assert_eq!(code, 200);
    assert!(page.contains("<h1 id=\"title\">Served</h1>"));
    assert!(
        page.contains("new EventSource(\"/events\")"),
        "the served page reloads itself"
    );
    let on_disk = std::fs::read_to_string(w.path("plan.html")).unwrap();
    assert!(
        !on_disk.contains("EventSource"),
        "the file on disk has no live-reload script"
    );
    for bad in [
        "/../Cargo.toml",
        "/etc/passwd",
        "/plan.bsc",
        "/plan.html",
        "/..%2fplan.bsc",
        "//etc/passwd",
        "/events/../plan.bsc",
    ] {
        assert_eq!(http_get(port, bad).0, 404, "{bad}");
    }
    // Listening on loopback only: the kernel's socket table shows 127.0.0.1.
    let tcp = std::fs::read_to_string("/proc/net/tcp").unwrap();
    let hex_port = format!(":{port:04X}");
    let listening: Vec<&str> = tcp
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|a| a.ends_with(&hex_port))
                && l.split_whitespace().nth(3) == Some("0A")
        })
        .collect();
    assert!(!listening.is_empty());
    for l in listening {
        assert!(
            l.split_whitespace()
                .nth(1)
                .unwrap()
                .starts_with("0100007F:"),
            "bound to 127.0.0.1 only: {l}"
        );
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[cfg(unix)]
#[test]
fn fifo_inputs_never_block_and_ctrl_c_stops() {
    // A FIFO as a CSV and as an import: errors at once, and Ctrl-C still stops.
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("pipe.csv"));
    mkfifo(&dir.path().join("lib.bsc"));
    let measure = "perspective customer { objective c \"C\" { owner \"x\" measure mc \"MC\" { unit \"u\" baseline 1 target 9 actuals \"pipe.csv\" } } }";
    write(
        dir.path(),
        "plan.bsc",
        &plan("Piped", &format!("use \"lib\"\n{measure}")),
    );
    let w = Watch::start(dir, &["plan.bsc", "--format", "json", "-o", "out.json"]);
    let log = w.log_text();
    assert!(
        log.contains("cannot read `pipe.csv`: it is a FIFO, not a file")
            && log.contains("cannot read `lib.bsc`: it is a FIFO, not a file"),
        "{log}"
    );
    assert_eq!(w.interrupt(), 0, "Ctrl-C stops the watch");

    // A FIFO as the entry file.
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("plan.bsc"));
    let w = Watch::spawn(dir, &["plan.bsc", "--format", "json", "-o", "out.json"]);
    w.wait_for("the read error", |w| {
        w.log_text()
            .contains("error: cannot read `plan.bsc`: it is a FIFO, not a file")
    });
    assert_eq!(w.interrupt(), 0, "Ctrl-C stops the watch");
}

#[test]
fn folders_that_do_not_exist_yet_are_watched_once_they_appear() {
    let w = started(&[(
        "plan.bsc",
        &plan(
            "Later",
            "use \"sub/lib\"\nuse \"a/b/deep\"\nperspective customer { objective c \"C\" { owner \"x\" measure mc \"MC\" { unit \"u\" baseline 1 target 9 actuals \"data/m.csv\" } } }",
        ),
    )]);
    w.wait_for("the import errors", |w| {
        w.log_text().contains("cannot read `sub/lib.bsc`")
    });
    let d = w.dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    write(
        d,
        "sub/lib.bsc",
        "initiative crm \"CRM v1\" { owner \"x\" supports margin }\n",
    );
    std::fs::create_dir_all(d.join("a/b")).unwrap();
    write(
        d,
        "a/b/deep.bsc",
        "initiative deep \"Deep v1\" { owner \"x\" supports margin }\n",
    );
    std::fs::create_dir(d.join("data")).unwrap();
    write(d, "data/m.csv", "period,value\n2025-01,7\n");
    w.wait_output_contains("CRM v1");
    w.wait_output_contains("Deep v1");
    w.wait_output_contains("\"value\": 7");
    // Every later save in the new folders is seen.
    write(
        d,
        "sub/lib.bsc",
        "initiative crm \"CRM v2\" { owner \"x\" supports margin }\n",
    );
    w.wait_output_contains("CRM v2");
    write(
        d,
        "a/b/deep.bsc",
        "initiative deep \"Deep v2\" { owner \"x\" supports margin }\n",
    );
    w.wait_output_contains("Deep v2");
    write(d, "data/m.csv", "period,value\n2025-01,7\n2025-02,8.5\n");
    w.wait_output_contains("\"value\": 8.5");
}

#[test]
fn a_data_folder_stays_watched_through_a_syntax_error() {
    let measure = "perspective customer { objective c \"C\" { owner \"x\" measure mc \"MC\" { unit \"u\" baseline 1 target 9 actuals \"data/m.csv\" } } }";
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    write(dir.path(), "data/m.csv", "period,value\n2025-01,7\n");
    write(dir.path(), "plan.bsc", &plan("Data", measure));
    let w = Watch::start(dir, &["plan.bsc", "--format", "json", "-o", "out.json"]);
    w.wait_output_contains("\"value\": 7");
    write(w.dir.path(), "plan.bsc", "perspective financial {");
    w.wait_for("the syntax error", |w| {
        w.log_text().contains("kept the last good output")
    });
    let before = w.settled_builds();
    // A CSV saved now is seen now, not only after the next good build.
    write(w.dir.path(), "data/m.csv", "period,value\n2025-01,9\n");
    w.wait_for("a build for the CSV save", |w| w.builds() > before);
    write(w.dir.path(), "plan.bsc", &plan("Data", measure));
    w.wait_output_contains("\"value\": 9");
}

/// Saves like an editor that truncates the file, then writes it `pause` later.
fn truncate_then_write(path: &Path, text: &str, pause: Duration) {
    std::fs::File::create(path).unwrap(); // truncated
    std::thread::sleep(pause);
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_save_caught_mid_write_never_replaces_a_good_output() {
    let measure = "perspective customer { objective c \"C\" { owner \"x\" measure mc \"MC\" { unit \"u\" baseline 1 target 9 actuals \"m.csv\" } } }";
    let w = started(&[
        ("plan.bsc", &plan("Whole", measure)),
        ("m.csv", "period,value\n2025-01,7\n"),
    ]);
    w.wait_output_contains("\"value\": 7");
    // Record every output the watch writes while the saves go on.
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let recorder = {
        let (seen, stop, out) = (Arc::clone(&seen), Arc::clone(&stop), w.path("out.json"));
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(t) = std::fs::read_to_string(&out) {
                    seen.lock().unwrap().insert(t);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    let pause = Duration::from_millis(150);
    truncate_then_write(&w.path("plan.bsc"), &plan("Whole again", measure), pause);
    w.wait_output_contains("\"Whole again\"");
    truncate_then_write(&w.path("m.csv"), "period,value\n2025-01,8\n", pause);
    w.wait_output_contains("\"value\": 8");
    w.settled_builds();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    recorder.join().unwrap();
    let seen = seen.lock().unwrap();
    for out in seen.iter() {
        assert!(
            out.contains("\"Whole") && out.contains("\"value\""),
            "an output of a half-written save: {out}"
        );
    }
    assert!(
        !w.log_text().contains("error:") && !w.log_text().contains("kept the last good output"),
        "no error was reported for a save caught mid-write:\n{}",
        w.log_text()
    );
    // A file that stays empty is the user's choice: it is built after the wait.
    std::fs::write(w.path("plan.bsc"), "").unwrap();
    w.wait_for("the empty file's build", |w| {
        w.output().contains("\"schema\"") && !w.output().contains("\"Whole")
    });
}

#[test]
fn a_save_caught_mid_write_after_a_broken_one_never_replaces_a_good_output() {
    let w = started(&[("plan.bsc", &plan("Good", ""))]);
    w.wait_output_contains("\"Good\"");
    write(w.dir.path(), "plan.bsc", "perspective financial {");
    w.wait_for("the syntax error", |w| {
        w.log_text().contains("kept the last good output")
    });
    let before = w.builds();
    // The fix arrives by truncate-then-write: the empty file in between would replace
    // the good output with an empty report.
    let out = w.path("out.json");
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let recorder = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut seen = BTreeSet::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(t) = std::fs::read_to_string(&out) {
                    seen.insert(t);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            seen
        })
    };
    truncate_then_write(
        &w.path("plan.bsc"),
        &plan("Fixed", ""),
        Duration::from_millis(150),
    );
    w.wait_output_contains("\"Fixed\"");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for out in recorder.join().unwrap() {
        assert!(
            out.contains("\"Good\"") || out.contains("\"Fixed\""),
            "{out}"
        );
    }
    // The status line is printed after the output is written: wait for it.
    w.wait_for("the status line of the fixed build", |w| {
        w.builds() > before
    });
}
