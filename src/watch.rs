//! `bsc watch`: rebuilds on every save of the root file, every file it imports and every
//! CSV file it reads, and never dies on bad input.
//!
//! It watches the parent folders of those files, not the files: editors save by writing
//! a new file and renaming it over the old one, or by deleting and recreating it. Events
//! for other files in those folders (the output, swap and backup files) are ignored;
//! bursts of events are debounced into one rebuild. The set of watched files follows the
//! last compilation, so a new `use` is watched from the next rebuild on.
//!
//! Three rules keep a save from being missed or misread:
//!
//! - a folder that does not exist yet (`use "sub/lib"` before `sub/` is made) is watched
//!   through its nearest existing ancestor, and watched itself once it appears;
//! - the folders are watched before each build, and a build with a syntax error (which
//!   hides what the file imports and reads) keeps watching the last build's inputs, so a
//!   file saved while a build runs always causes the next one;
//! - a save caught mid-write (an editor that truncates the file, then writes it) is not
//!   taken for the user's work: a build that finds an input empty, or (after a good
//!   build) a syntax error or an unreadable data row, waits [`SETTLE`] and builds again
//!   before its result replaces the good output (again while files keep changing, up to
//!   [`MAX_SETTLE`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::codes::Code;
use crate::emit::{self, OutFormat, Report};
use crate::files::{self, Disk};
use crate::output::Durability;
use crate::serve::{Server, State};
use crate::{Build, Error, ExitStatus, Options, compile_bytes};

/// Quiet time after the last event before a rebuild: long enough to take an editor's
/// save (a write and a rename, microseconds apart) as one, short enough not to be what a
/// user waits for. A save that takes longer is not misread: the build of a half-written
/// file is held back by [`SETTLE`], and a change during a build causes the next one.
pub const DEBOUNCE: Duration = Duration::from_millis(20);
/// The longest a burst of saves can delay a rebuild.
pub const MAX_DEBOUNCE: Duration = Duration::from_millis(500);
/// How long a root file that vanished (delete, then recreate) is waited for before
/// `watch` says it is waiting.
const VANISH_GRACE: Duration = Duration::from_millis(500);
/// How long a file that just became empty or unreadable is given to be written whole
/// before its result replaces a good output (an editor's truncate-then-write).
pub const SETTLE: Duration = Duration::from_millis(300);
/// The longest such a file is waited on while files keep changing.
pub const MAX_SETTLE: Duration = Duration::from_secs(2);

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

/// The absolute form of a path as file events name it: its folder with symlinks
/// resolved (as far as it exists), then its name.
fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => files::canonical_on_disk(dir).join(name),
        _ => abs,
    }
}

/// The folder to watch for a file: its own, or, while that does not exist, the nearest
/// ancestor that does (the folder's creation there is an event).
fn watch_dir(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .find(|d| d.is_dir())
        .map(Path::to_path_buf)
}

/// The folders being watched.
struct Armed {
    dirs: BTreeSet<PathBuf>,
}

impl Armed {
    /// Watches the folders of `inputs` (or their nearest existing ancestors) and no
    /// others. Returns the folders that were not watched before.
    fn arm(&mut self, watcher: &mut impl Watcher, inputs: &BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
        let dirs: BTreeSet<PathBuf> = inputs.iter().filter_map(|p| watch_dir(p)).collect();
        for d in self.dirs.difference(&dirs) {
            let _ = watcher.unwatch(d);
        }
        let mut added = BTreeSet::new();
        for d in dirs.difference(&self.dirs) {
            match watcher.watch(d, RecursiveMode::NonRecursive) {
                Ok(()) => {
                    added.insert(d.clone());
                }
                Err(e) => eprintln!("warning: cannot watch {}: {e}", d.display()),
            }
        }
        self.dirs = dirs;
        added
    }
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
    let mut armed = Armed {
        dirs: BTreeSet::new(),
    };
    let mut inputs: BTreeSet<PathBuf> = BTreeSet::from([root.clone()]);
    let mut version = 0u64;
    // Whether the last build that was reported had no error.
    let mut last_ok = false;
    // While a result looks like a save caught mid-write: since when, and whether files
    // changed during the last wait (then it is waited on again).
    let mut settling: Option<(Instant, bool)> = None;
    loop {
        // Watch before building: a save during the build causes the next one.
        armed.arm(&mut watcher, &inputs);
        let started = Instant::now();
        let compiled = compile_once(&opts, &root);
        if let Some(c) = &compiled {
            if c.syntax_error {
                // The syntax error hides what the file reads: keep watching it all.
                inputs.extend(c.inputs.iter().cloned());
            } else {
                inputs = c.inputs.clone();
            }
            inputs.remove(&output);
            // An empty input would replace the output (with nothing) whatever the last
            // build was; an error only matters after a good build.
            let suspect = c.empty_input || (last_ok && c.unreadable);
            // Perhaps a save caught mid-write: give it a moment, then read again; again
            // while files keep changing, for at most MAX_SETTLE.
            let wait = match settling {
                None => true,
                Some((since, changed)) => changed && since.elapsed() < MAX_SETTLE,
            };
            if suspect && wait {
                let since = settling.map_or_else(Instant::now, |s| s.0);
                let Some(changed) = wait_quietly(&rx, SETTLE) else {
                    return Ok(ExitStatus::Ok);
                };
                settling = Some((since, changed));
                continue;
            }
        }
        settling = None;
        let line = compiled.map(|c| {
            last_ok = c.errors == 0;
            finish(&opts, c, server.as_ref(), &mut version)
        });
        // Folders that appeared with this build (a new `use`, a new folder) are watched
        // from now; a file in one that changed since the build started is built again.
        let added = armed.arm(&mut watcher, &inputs);
        if let Some(line) = line {
            eprintln!(
                "[{}] {line} ({} ms)",
                chrono::Local::now().format("%H:%M:%S"),
                started.elapsed().as_millis()
            );
        }
        if changed_since(&inputs, &added, started) {
            continue;
        }

        // Wait for a change to an input (or to a folder on the way to one), then for its
        // burst of events to end (other files' events, such as a browser reading the
        // output, do not extend it).
        let relevant = |ev: &notify::Result<notify::Event>| match ev {
            Ok(ev) => {
                !matches!(ev.kind, notify::EventKind::Access(_))
                    && ev
                        .paths
                        .iter()
                        .any(|p| inputs.contains(p) || inputs.iter().any(|i| i.starts_with(p)))
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

/// Lets `wait` pass, taking in events (the rebuild that follows reads everything
/// anyway). Whether a file changed meanwhile; `None` if Ctrl-C came.
fn wait_quietly(rx: &mpsc::Receiver<Msg>, wait: Duration) -> Option<bool> {
    let until = Instant::now() + wait;
    let mut changed = false;
    loop {
        match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(Msg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            Ok(Msg::Fs(Ok(ev))) if !matches!(ev.kind, notify::EventKind::Access(_)) => {
                changed = true;
            }
            Ok(Msg::Fs(_)) => {}
            Err(mpsc::RecvTimeoutError::Timeout) => return Some(changed),
        }
    }
}

/// Whether an input in one of the newly watched folders `added` was modified (or made)
/// after `since`: its save could not be seen.
fn changed_since(inputs: &BTreeSet<PathBuf>, added: &BTreeSet<PathBuf>, since: Instant) -> bool {
    let elapsed = since.elapsed();
    inputs.iter().any(|p| {
        p.parent().is_some_and(|d| added.contains(d))
            && std::fs::metadata(p)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age <= elapsed)
    })
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

/// One compilation and what the watch loop needs to know of it.
struct Compiled {
    build: Build,
    /// Files whose change should trigger the next build.
    inputs: BTreeSet<PathBuf>,
    errors: usize,
    /// A file of it has a syntax error (which hides what it imports and reads).
    syntax_error: bool,
    /// An input read is empty: perhaps a save caught between truncate and write.
    empty_input: bool,
    /// An input does not parse or a data file has a bad row: perhaps a save caught
    /// mid-write.
    unreadable: bool,
}

/// Compiles the root file. `None` when it could not be read (said why).
fn compile_once(opts: &WatchOptions, root: &Path) -> Option<Compiled> {
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
    let syntax_error = c.diagnostics.iter().any(|d| d.code == Code::Syntax);
    let empty_input = c
        .sources
        .iter()
        .any(|(_, f)| f.path.is_some() && f.text.trim().is_empty());
    let unreadable = syntax_error || c.diagnostics.iter().any(|d| d.code == Code::Data);
    let errors = c.errors();
    Some(Compiled {
        build: Build::new(c),
        inputs,
        errors,
        syntax_error,
        empty_input,
        unreadable,
    })
}

/// Prints the diagnostics, writes the output if there is no error, and tells the
/// browser. The status line.
fn finish(
    opts: &WatchOptions,
    compiled: Compiled,
    server: Option<&Server>,
    version: &mut u64,
) -> String {
    let built = &compiled.build;
    let report = Report::new(built.all().into_iter().map(|b| &b.compilation));
    // The diagnostics are printed after the output is written: the browser need not
    // wait for the terminal.
    let show = |report: &Report| {
        if !report.items.is_empty() {
            eprint!("{}", emit::human::render(report, opts.color));
        }
    };
    let (errors, warnings) = (report.errors(), report.warnings());
    let counts = format!(
        "{errors} error{}, {warnings} warning{}",
        plural(errors),
        plural(warnings)
    );
    if errors > 0 {
        show(&report);
        if let Some(s) = server {
            s.publish(State::Failed(emit::human::render(&report, false)));
        }
        return format!("{counts}: kept the last good output");
    }
    let text = match emit::render(built, opts.format, &opts.output) {
        Ok(t) => t,
        Err(e) => {
            show(&report);
            return format!("error: {e}");
        }
    };
    let inputs = built.read_paths();
    let departments = match emit::department_outputs(built, opts.format, &opts.output) {
        Ok(d) => d,
        Err(e) => {
            show(&report);
            return format!("error: {e}");
        }
    };
    let written_departments = departments.len();
    let written = departments
        .iter()
        .map(|(path, text, _)| (path, text))
        .chain([(&opts.output, &text)])
        .try_for_each(|(path, text)| {
            crate::output::write_output_as(path, text.as_bytes(), &inputs, Durability::Renamed)
        });
    show(&report);
    if let Err(e) = written {
        return format!("error: {e}");
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
    let and_departments = match written_departments {
        0 => String::new(),
        1 => " and 1 department report beside its scorecard".to_string(),
        n => format!(" and {n} department reports beside their scorecards"),
    };
    format!(
        "ok: {counts}, wrote {}{and_departments}",
        opts.output.display()
    )
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
