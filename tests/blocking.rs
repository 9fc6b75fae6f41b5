//! Files that would block or never end: a FIFO as a CSV, as a `use`d file and as the
//! entry file, and a device as a CSV, through the real binary. Each is an error at
//! once, in `check` and in `build` (`watch` and the language server are tested in
//! tests/watch.rs and tests/lsp.rs). The device is bind-mounted into the temp project in
//! a private mount namespace: no test opens the real /dev.

#![cfg(unix)]

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// "At once": far below anything a blocked read would show.
const AT_ONCE: Duration = Duration::from_secs(5);

struct Run {
    status: i32,
    stderr: String,
    took: Duration,
}

/// Runs bsc in `dir`, killing it if it has not ended in [`AT_ONCE`] (a hang fails).
fn bsc(dir: &Path, args: &[&str]) -> Run {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bsc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bsc runs");
    let mut err = child.stderr.take().unwrap();
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > AT_ONCE {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("bsc {args:?} blocked");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        status: status.code().expect("bsc exited normally"),
        stderr: t_err.join().unwrap(),
        took: start.elapsed(),
    }
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn plan(csv: &str, extra: &str) -> String {
    format!(
        r#"@allow(missing-perspective, orphan)
scorecard "F" {{ period 2025-01 .. 2025-12 }}
perspective financial {{
  objective margin "Margin" {{ owner "CFO"
    measure m "M" {{ unit "%" baseline 5% target 10% actuals "{csv}" }}
  }}
}}
{extra}
"#
    )
}

#[test]
fn a_fifo_as_a_csv_or_an_import_is_an_error_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    mkfifo(&d.join("pipe.csv"));
    mkfifo(&d.join("lib.bsc"));
    std::fs::write(d.join("plan.bsc"), plan("pipe.csv", "use \"lib\"")).unwrap();
    for cmd in ["check", "build"] {
        let r = bsc(d, &[cmd, "plan.bsc"]);
        assert_eq!(r.status, 1, "{cmd}: {}", r.stderr);
        assert!(r.took < AT_ONCE);
        for expected in [
            "data\n\n  × cannot read `pipe.csv`: it is a FIFO, not a file",
            "import\n\n  × cannot read `lib.bsc`: it is a FIFO, not a file",
        ] {
            assert!(r.stderr.contains(expected), "{cmd}: {}", r.stderr);
        }
    }
    assert!(!d.join("plan.html").exists());
}

#[test]
fn a_fifo_as_the_entry_file_is_exit_2_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    mkfifo(&d.join("plan.bsc"));
    for args in [
        &["check", "plan.bsc"][..],
        &["build", "plan.bsc"],
        &["fmt", "plan.bsc"],
        &["fmt", "--check", "plan.bsc"],
    ] {
        let r = bsc(d, args);
        assert_eq!(r.status, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("error: cannot read `plan.bsc`: it is a FIFO, not a file"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(
            !r.stderr.contains("no problems found"),
            "{args:?}: a file that could not be read is no clean check: {}",
            r.stderr
        );
    }
}

#[test]
fn a_link_to_a_device_outside_the_project_is_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.csv")).unwrap();
    std::fs::write(d.join("plan.bsc"), plan("zero.csv", "")).unwrap();
    let r = bsc(d, &["check", "plan.bsc"]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("cannot read `zero.csv`: it lies outside the project root"),
        "{}",
        r.stderr
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_device_inside_the_project_is_refused_at_once() {
    // /dev/zero reads forever: bind-mounted over a file of the temp project, in a mount
    // namespace of this test's own, it is a device inside the project root.
    let ok = Command::new("unshare")
        .args(["-rm", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("unshare -rm is not allowed here: the device case cannot be made");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("zero.csv"), "").unwrap();
    std::fs::write(d.join("plan.bsc"), plan("zero.csv", "")).unwrap();
    let bin = env!("CARGO_BIN_EXE_bsc");
    let script = format!(
        "mount --bind /dev/zero zero.csv || exit 99; [ -c zero.csv ] || exit 98; \
         for cmd in check build; do timeout 5 {bin} $cmd plan.bsc; echo \"$cmd=$?\"; done"
    );
    let start = Instant::now();
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c", &script])
        .current_dir(d)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(start.elapsed() < AT_ONCE * 2, "{stdout}");
    assert_eq!(stdout, "check=1\nbuild=1\n", "{stderr}");
    assert_eq!(
        stderr
            .matches("data\n\n  × cannot read `zero.csv`: it is a device, not a file")
            .count(),
        2,
        "{stderr}"
    );
}
