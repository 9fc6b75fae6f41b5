//! `bsc watch`: rebuilds on every save of the root file, every file it imports and every
//! CSV file it reads, and never dies on bad input.
//!
//! It watches the parent folders of those files, not the files: editors save by writing
//! a new file and renaming it over the old one, or by deleting and recreating it. Events
//! for other files in those folders (the output, swap and backup files) are ignored;
//! bursts of events are debounced into one rebuild. The set of watched files follows the
//! last compilation, so a new `use` is watched from the next rebuild on.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::emit::{self, OutFormat, Report};
use crate::files::{self, Disk};
use crate::serve::{Server, State};
use crate::{Build, Error, ExitStatus, Options, compile_bytes};

/// Quiet time after the last event before a rebuild.
pub const DEBOUNCE: Duration = Duration::from_millis(50);
/// The longest a burst of saves can delay a rebuild.
pub const MAX_DEBOUNCE: Duration = Duration::from_millis(500);
/// How long a root file that vanished (delete, then recreate) is waited for before
/// `watch` says it is waiting.
const VANISH_GRACE: Duration = Duration::from_millis(500);

/// What `bsc watch` was asked to do.
#[derive(Debug)]
pub struct WatchOptions {
    pub file: PathBuf,
    pub output: PathBuf,
    pub format: OutFormat,
    /// The options of every compilation.
    pub options: Options,
    /// Serve the report on 127.0.0.1 at this port (or the next free one).
    pub serve: Option<u16>,
    pub open: bool,
    pub color: bool,
}

enum Msg {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// The absolute form of a path, resolving symlinks in its folder (the file itself may
/// not exist), as file events name it.
fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .unwrap_or_else(|_| dir.to_path_buf())
            .join(name),
        _ => abs,
    }
}

/// The outcome of one build.
struct Built {
    /// Files whose change should trigger the next build.
    inputs: BTreeSet<PathBuf>,
    line: String,
}

/// Runs until Ctrl-C.
pub fn watch(opts: WatchOptions) -> Result<ExitStatus, Error> {
    let (tx, rx) = mpsc::channel::<Msg>();
    let stop = tx.clone();
    ctrlc::set_handler(move || {
        let _ = stop.send(Msg::Stop);
    })
    .map_err(|e| Error::Usage(format!("cannot handle Ctrl-C: {e}")))?;
    let fs_tx = tx.clone();
    let mut watcher = notify::recommended_watcher(move |ev| {
        let _ = fs_tx.send(Msg::Fs(ev));
    })
    .map_err(|e| Error::Usage(format!("cannot watch files: {e}")))?;

    let server = match opts.serve {
        Some(port) => {
            let server = Server::start(port, opts.format)?;
            eprintln!("serving {} (Ctrl-C to stop)", server.url());
            if opts.open {
                open_browser(&server.url());
            }
            Some(server)
        }
        None => None,
    };

    let root = absolute(&opts.file);
    let output = absolute(&opts.output);
    let mut watched_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    // Watch the root's folder before the first build, so that no save is missed.
    if let Some(dir) = root.parent() {
        if watcher.watch(dir, RecursiveMode::NonRecursive).is_ok() {
            watched_dirs.insert(dir.to_path_buf());
        }
    }
    let mut inputs: BTreeSet<PathBuf> = BTreeSet::from([root.clone()]);
    let mut version = 0u64;
    loop {
        let started = Instant::now();
        let built = build_once(&opts, &root, server.as_ref(), &mut version);
        if let Some(b) = &built {
            inputs = b.inputs.clone();
        }
        inputs.remove(&output);
        // Watch the folders of every input (before saying the build is done, so that no
        // save after the status line is missed); drop folders no longer needed.
        let dirs: BTreeSet<PathBuf> = inputs
            .iter()
            .filter_map(|p| p.parent().map(Path::to_path_buf))
            .collect();
        for d in watched_dirs.difference(&dirs) {
            let _ = watcher.unwatch(d);
        }
        for d in dirs.difference(&watched_dirs) {
            if let Err(e) = watcher.watch(d, RecursiveMode::NonRecursive) {
                eprintln!("warning: cannot watch {}: {e}", d.display());
            }
        }
        watched_dirs = dirs;
        if let Some(b) = built {
            eprintln!(
                "[{}] {} ({} ms)",
                chrono::Local::now().format("%H:%M:%S"),
                b.line,
                started.elapsed().as_millis()
            );
        }

        // Wait for a change to an input, then for its burst of events to end (other
        // files' events, such as a browser reading the output, do not extend it).
        let relevant = |ev: &notify::Result<notify::Event>| match ev {
            Ok(ev) => {
                !matches!(ev.kind, notify::EventKind::Access(_))
                    && ev.paths.iter().any(|p| inputs.contains(p))
            }
            Err(_) => false,
        };
        loop {
            match rx.recv() {
                Ok(Msg::Stop) | Err(_) => return Ok(ExitStatus::Ok),
                Ok(Msg::Fs(ev)) if relevant(&ev) => break,
                Ok(Msg::Fs(_)) => {}
            }
        }
        let burst = Instant::now();
        let mut quiet_since = Instant::now();
        while quiet_since.elapsed() < DEBOUNCE && burst.elapsed() < MAX_DEBOUNCE {
            match rx.recv_timeout(DEBOUNCE.saturating_sub(quiet_since.elapsed())) {
                Ok(Msg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Ok(ExitStatus::Ok);
                }
                Ok(Msg::Fs(ev)) if relevant(&ev) => quiet_since = Instant::now(),
                Ok(Msg::Fs(_)) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
        }
    }
}

/// Reads the root file, waiting a moment if it has vanished (an editor's delete and
/// recreate). `None` if it is still missing.
fn read_root(path: &Path) -> Result<Option<Vec<u8>>, files::ReadError> {
    let deadline = Instant::now() + VANISH_GRACE;
    loop {
        match files::read_regular(path, files::MAX_SOURCE_BYTES) {
            Ok(b) => return Ok(Some(b)),
            Err(files::ReadError::NotFound) => {
                if Instant::now() >= deadline {
                    return Ok(None);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(e),
        }
    }
}

/// One build: compile, print the diagnostics, write the output if there is no error,
/// and tell the browser. `None` when nothing could be read.
fn build_once(
    opts: &WatchOptions,
    root: &Path,
    server: Option<&Server>,
    version: &mut u64,
) -> Option<Built> {
    let bytes = match read_root(&opts.file) {
        Ok(Some(b)) => b,
        Ok(None) => {
            eprintln!("waiting for {} to appear", opts.file.display());
            return None;
        }
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", opts.file.display());
            return None;
        }
    };
    let c = compile_bytes(
        &Disk,
        &opts.file.to_string_lossy(),
        &opts.file,
        &bytes,
        &opts.options,
    );
    let mut inputs: BTreeSet<PathBuf> = c.read_paths().iter().map(|p| absolute(p)).collect();
    inputs.insert(root.to_path_buf());
    let built = Build::new(c);
    let report = Report::new([&built.compilation]);
    if !report.items.is_empty() {
        eprint!("{}", emit::human::render(&report, opts.color));
    }
    let (errors, warnings) = (report.errors(), report.warnings());
    let counts = format!(
        "{errors} error{}, {warnings} warning{}",
        plural(errors),
        plural(warnings)
    );
    if errors > 0 {
        if let Some(s) = server {
            s.publish(State::Failed(emit::human::render(&report, false)));
        }
        return Some(Built {
            inputs,
            line: format!("{counts}: kept the last good output"),
        });
    }
    let text = match emit::render(&built, opts.format) {
        Ok(t) => t,
        Err(e) => {
            return Some(Built {
                inputs,
                line: format!("error: {e}"),
            });
        }
    };
    if let Err(e) = crate::output::write_output(
        &opts.output,
        text.as_bytes(),
        &built.compilation.read_paths(),
    ) {
        return Some(Built {
            inputs,
            line: format!("error: {e}"),
        });
    }
    *version += 1;
    if let Some(s) = server {
        let served = match opts.format {
            OutFormat::Html => crate::serve::with_live_reload(&text, *version),
            OutFormat::Json => text,
        };
        s.publish(State::Built {
            version: *version,
            page: served,
        });
    }
    Some(Built {
        inputs,
        line: format!("ok: {counts}, wrote {}", opts.output.display()),
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Opens `url` in the default browser, if the platform has a way to.
fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("warning: cannot open a browser ({cmd}: {e}); open {url} yourself");
    }
}
