//! How bsc writes the user's files, through the real binary, each case in its own temp
//! folder: `build -o` never writes over an input, follows symlinks, writes devices,
//! FIFOs and stdout directly, refuses read-only files and keeps mode and owner; `fmt`
//! writes through symlinks, keeps hard links, refuses read-only files and keeps mode and
//! owner; temporary files of killed runs do not pile up.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[cfg(unix)]
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs bsc in `dir`; a run that has not ended after a minute is a hang, and fails.
fn bsc(dir: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bsc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bsc runs");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        out.read_to_end(&mut s).unwrap();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        err.read_to_end(&mut s).unwrap();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("bsc {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        status: status.code().expect("bsc exited normally"),
        stdout: String::from_utf8_lossy(&t_out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&t_err.join().unwrap()).into_owned(),
    }
}

const PLAN: &str = r#"@allow(missing-perspective, orphan)
scorecard "Written" { period 2025-01 .. 2025-12 }
perspective financial {
  objective margin "Margin" { owner "CFO"
    measure m "M" { unit "%" baseline 5% target 10% actuals "m.csv" }
  }
}
"#;

/// A temp project: plan.bsc and the CSV it reads.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.bsc"), PLAN).unwrap();
    std::fs::write(dir.path().join("m.csv"), "period,value\n2025-01,6\n").unwrap();
    dir
}

fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p).unwrap()
}

fn build(dir: &Path, out: &str) -> Run {
    bsc(dir, &["build", "plan.bsc", "--format", "json", "-o", out])
}

#[test]
fn an_output_is_never_written_over_an_input() {
    let dir = project();
    let d = dir.path();
    std::fs::hard_link(d.join("plan.bsc"), d.join("alias.bsc")).unwrap();
    for out in ["plan.bsc", "./plan.bsc", "m.csv", "alias.bsc"] {
        let r = build(d, out);
        assert_eq!(r.status, 2, "{out}: {}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("error: cannot write `{out}`: this build reads it")),
            "{out}: {}",
            r.stderr
        );
        assert_eq!(read(d.join("plan.bsc")), PLAN, "{out}");
        assert_eq!(read(d.join("m.csv")), "period,value\n2025-01,6\n");
    }
    // Through a symlink too.
    #[cfg(unix)]
    {
        symlink("plan.bsc", d.join("link.json")).unwrap();
        assert_eq!(build(d, "link.json").status, 2);
        assert_eq!(read(d.join("plan.bsc")), PLAN);
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_is_followed_and_its_target_replaced() {
    let dir = project();
    let d = dir.path();
    std::fs::create_dir(d.join("site")).unwrap();
    std::fs::write(d.join("site/report.json"), "old").unwrap();
    symlink("site/report.json", d.join("out.json")).unwrap();
    // A link to a file that does not exist yet: the file is created.
    symlink("site/new.json", d.join("dangling.json")).unwrap();
    for (link, target) in [
        ("out.json", "site/report.json"),
        ("dangling.json", "site/new.json"),
    ] {
        let r = build(d, link);
        assert_eq!(r.status, 0, "{}", r.stderr);
        assert!(
            std::fs::symlink_metadata(d.join(link))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{link} is still a link"
        );
        assert!(read(d.join(target)).contains("\"Written\""), "{target}");
    }
}

#[cfg(unix)]
#[test]
fn stdout_through_a_link_is_printed() {
    // `-o /dev/stdout`, without touching the real /dev: a link of our own to the same
    // place.
    let dir = project();
    let d = dir.path();
    symlink("/proc/self/fd/1", d.join("stdout")).unwrap();
    let r = build(d, "stdout");
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"schema\": \"bsc/1\""), "{}", r.stdout);
    assert!(
        std::fs::symlink_metadata(d.join("stdout"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[cfg(unix)]
#[test]
fn a_fifo_is_written_to_not_replaced() {
    let dir = project();
    let d = dir.path();
    let fifo = d.join("pipe.json");
    mkfifo(&fifo);
    // Held open for writing too, so that the reader's open never waits and its read
    // ends once bsc and this handle are closed, whatever bsc did.
    let keeper = std::fs::File::options()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap();
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || read(fifo))
    };
    let r = build(d, "pipe.json");
    drop(keeper);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(reader.join().unwrap().contains("\"Written\""));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

/// Whether this machine lets us make a private mount namespace.
#[cfg(target_os = "linux")]
fn unshare_works() -> bool {
    Command::new("unshare")
        .args(["-rm", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(target_os = "linux")]
#[test]
fn a_device_is_written_to_not_replaced() {
    // `-o /dev/null` in a private mount namespace: the device is bind-mounted onto a file
    // of the temp folder, so the real /dev is never a target.
    if !unshare_works() {
        eprintln!("unshare -rm is not allowed here: the device case cannot be made");
        return;
    }
    let dir = project();
    let d = dir.path();
    std::fs::write(d.join("null"), "").unwrap();
    let script = format!(
        "mount --bind /dev/null null && {} build plan.bsc --format json -o null; echo status=$?; \
         if [ -c null ]; then echo device; fi; wc -c < null",
        env!("CARGO_BIN_EXE_bsc")
    );
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c", &script])
        .current_dir(d)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("status=0"), "{stdout}{stderr}");
    assert!(stdout.contains("device"), "still the device: {stdout}");
    assert!(stdout.trim_end().ends_with("\n0"), "it discards: {stdout}");
    assert!(stderr.contains("wrote null"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_read_only_output_is_refused() {
    let dir = project();
    let d = dir.path();
    let out = d.join("out.json");
    std::fs::write(&out, "keep").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o444)).unwrap();
    let r = build(d, "out.json");
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(r.stderr.contains("it is read-only"), "{}", r.stderr);
    assert_eq!(read(&out), "keep");
}

/// Whether this process is root (then owners can be changed).
#[cfg(unix)]
fn root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(unix)]
#[test]
fn a_replaced_output_keeps_mode_and_owner() {
    let dir = project();
    let d = dir.path();
    let out = d.join("out.json");
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    if root() {
        std::os::unix::fs::chown(&out, Some(65534), Some(65534)).unwrap();
    }
    let r = build(d, "out.json");
    assert_eq!(r.status, 0, "{}", r.stderr);
    let meta = std::fs::metadata(&out).unwrap();
    assert!(read(&out).contains("\"Written\""));
    assert_eq!(meta.mode() & 0o7777, 0o640);
    if root() {
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
    }
}

/// Sets a file's modification time `secs` seconds into the past.
#[cfg(unix)]
fn age(path: &Path, secs: u64) {
    let when = std::time::SystemTime::now() - Duration::from_secs(secs);
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(when).unwrap();
}

#[cfg(unix)]
#[test]
fn stale_temp_files_of_killed_runs_are_removed() {
    let dir = project();
    let d = dir.path();
    let stale = d.join(".bsc-AbCdEf123456.tmp");
    let fresh = d.join(".bsc-ZyXwVu987654.tmp");
    let other = d.join(".bsc-notours.tmp");
    for p in [&stale, &fresh, &other] {
        std::fs::write(p, "x").unwrap();
        age(p, 3600);
    }
    std::fs::write(&fresh, "x").unwrap(); // written just now: maybe a run in progress
    let r = build(d, "out.json");
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!stale.exists(), "an hour-old temp file of ours is removed");
    assert!(fresh.exists(), "a fresh one may belong to a running build");
    assert!(other.exists(), "only our own names are touched");
    let names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.iter().filter(|n| n.ends_with(".tmp")).count(),
        2,
        "the build left no temp file of its own: {names:?}"
    );
}

// `bsc fmt`.

const MESSY: &str = "map{a->b}\n";
const TIDY: &str = "map {\n  a -> b\n}\n";

fn fmt_project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("plan.bsc");
    std::fs::write(&p, MESSY).unwrap();
    (dir, p)
}

#[cfg(unix)]
#[test]
fn fmt_writes_through_a_symlink() {
    let (dir, real) = fmt_project();
    let d = dir.path();
    std::fs::create_dir(d.join("src")).unwrap();
    symlink(&real, d.join("src/link.bsc")).unwrap();
    let r = bsc(d, &["fmt", "src/link.bsc"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(read(&real), TIDY, "the target is formatted");
    assert!(
        std::fs::symlink_metadata(d.join("src/link.bsc"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
}

#[cfg(unix)]
#[test]
fn fmt_keeps_hard_links() {
    let (dir, real) = fmt_project();
    let d = dir.path();
    let other = d.join("other.bsc");
    std::fs::hard_link(&real, &other).unwrap();
    let ino = std::fs::metadata(&real).unwrap().ino();
    let r = bsc(d, &["fmt", "plan.bsc"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(read(&other), TIDY, "every name sees the new text");
    assert_eq!(std::fs::metadata(&real).unwrap().ino(), ino);
    assert_eq!(std::fs::metadata(&real).unwrap().nlink(), 2);
    let names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no copy is left behind: {names:?}");
}

#[cfg(unix)]
#[test]
fn fmt_refuses_a_read_only_file() {
    let (dir, real) = fmt_project();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o444)).unwrap();
    let r = bsc(dir.path(), &["fmt", "plan.bsc"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: cannot write `plan.bsc`: it is read-only"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&real), MESSY);
    // --check only reads.
    assert_eq!(bsc(dir.path(), &["fmt", "--check", "plan.bsc"]).status, 1);
}

#[cfg(unix)]
#[test]
fn fmt_keeps_mode_and_owner() {
    let (dir, real) = fmt_project();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    if root() {
        std::os::unix::fs::chown(&real, Some(65534), Some(65534)).unwrap();
    }
    let ino = std::fs::metadata(&real).unwrap().ino();
    let r = bsc(dir.path(), &["fmt", "plan.bsc"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let meta = std::fs::metadata(&real).unwrap();
    assert_eq!(read(&real), TIDY);
    assert_ne!(meta.ino(), ino, "replaced atomically, by a new file");
    assert_eq!(meta.mode() & 0o7777, 0o640);
    if root() {
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
    }
}
