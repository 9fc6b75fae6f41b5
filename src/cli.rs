//! The command line: parses arguments with clap and runs one command. Every command
//! returns an [`ExitStatus`]; nothing here exits the process.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::codes::{Code, Level};
use crate::diag::did_you_mean;
use crate::emit::{self, OutFormat, Report};
use crate::files::{Disk, FileSystem};
use crate::lint::LintOptions;
use crate::period::Period;
use crate::project::{self, Project};
use crate::{Compilation, Error, ExitStatus, Options};

#[derive(Parser, Debug)]
#[command(
    name = "bsc",
    version,
    about = "A compiler for Balanced Scorecards kept as text",
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check scorecards and report what is wrong or weak.
    Check(CheckArgs),
    /// Score a scorecard and write the HTML report (or JSON).
    Build(BuildArgs),
    /// Rebuild on every save; with --serve, reload the browser too.
    Watch(WatchArgs),
    /// Write a starter scorecard (NAME.bsc, default scorecard.bsc) that checks clean.
    Init {
        /// The name of the file (and the scorecard's title).
        name: Option<String>,
    },
    /// Turn a KPI spreadsheet (.xlsx, .xlsm, .xls, .ods or .csv; one row per KPI) into a
    /// .bsc skeleton that reads its actuals back from the workbook.
    #[command(after_help = import_help())]
    Import {
        /// The spreadsheet.
        file: PathBuf,
        /// The sheet of a workbook (default: the first).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// Where to write (`-` for stdout). Default: STEM.bsc beside FILE. An existing
        /// file is never overwritten.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Run the language server on stdio (for editors).
    Lsp,
    /// Format files in the canonical layout (`-` formats stdin to stdout).
    Fmt {
        /// Only report the files that would change (exit 1 if any).
        #[arg(long)]
        check: bool,
        /// The files or folders to format (default: every `.bsc` file under the current
        /// folder; hidden and `.gitignore`d folders are skipped).
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Reads one workbook for bsc itself, in a process of its own (internal).
    #[command(name = "__data-worker", hide = true)]
    DataWorker,
    /// What changed between two scorecards: OLD and NEW are files, or REV:FILE for a
    /// file as committed in git (`bsc diff HEAD~1:plan.bsc plan.bsc`); a company's
    /// departments are diffed too.
    Diff(DiffArgs),
    /// The agenda of the monthly review: red, amber and worsening measures, stale data,
    /// initiatives in trouble, the company's and each department's; with --since REV,
    /// what changed since then.
    Review(ReviewArgs),
    /// Explain a diagnostic code, or list every code.
    Explain {
        /// The code, e.g. `unknown-ref`.
        code: Option<String>,
    },
}

#[derive(clap::Args, Debug)]
struct DiffArgs {
    /// The old side: a file, or REV:FILE (FILE relative to the current folder; every file
    /// it imports or reads is taken at REV too).
    #[arg(value_name = "OLD")]
    old: String,
    /// The new side: a file, or REV:FILE.
    #[arg(value_name = "NEW")]
    new: String,
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    #[command(flatten)]
    compile: CompileArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Human,
    Markdown,
    Json,
}

#[derive(clap::Args, Debug)]
struct ReviewArgs {
    /// The entry `.bsc` file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Add what changed since this git revision (as `bsc diff REV:FILE FILE`).
    #[arg(long, value_name = "REV")]
    since: Option<String>,
    /// What to write.
    #[arg(long, value_enum, default_value_t = ReviewFormat::Markdown)]
    format: ReviewFormat,
    /// Where to write (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    #[command(flatten)]
    compile: CompileArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ReviewFormat {
    Markdown,
    Html,
    Json,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// The `.bsc` files or folders to check (default: the current folder). A folder means
    /// every entry file under it; a file that another file imports is checked through
    /// the entry files that import it.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// How to print the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    compile: CompileArgs,
}

/// What every command that compiles takes: the as-of period, the project root, levels.
#[derive(clap::Args, Debug)]
struct CompileArgs {
    /// Judge and score as of this period (e.g. 2025-06) instead of `as_of` or the latest actual.
    #[arg(long, value_name = "PERIOD")]
    as_of: Option<String>,
    /// The project root: no file outside it is read. Default: the git work tree of the
    /// entry file, else its folder.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(flatten)]
    lints: LintArgs,
}

/// Lint level flags, shared by the commands that compile.
#[derive(clap::Args, Debug)]
struct LintArgs {
    /// Turn every warning into an error (`--deny warnings`).
    #[arg(long = "deny", value_name = "warnings", value_parser = ["warnings"])]
    deny_all: Option<String>,
    /// Set CODE to error (`-D warnings` is `--deny warnings`).
    #[arg(short = 'D', value_name = "CODE", action = clap::ArgAction::Append)]
    deny: Vec<String>,
    /// Set CODE to warning.
    #[arg(short = 'W', value_name = "CODE", action = clap::ArgAction::Append)]
    warn: Vec<String>,
    /// Allow CODE (do not report it).
    #[arg(short = 'A', value_name = "CODE", action = clap::ArgAction::Append)]
    allow: Vec<String>,
}

/// What `build` and `watch` read and write.
#[derive(clap::Args, Debug)]
struct BuildArgs {
    /// The entry `.bsc` file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Where to write (`build`: `-` for stdout). Default: `STEM.html` (or `STEM.json`) beside FILE.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// What to write.
    #[arg(long, value_enum, default_value_t = OutArg::Html)]
    format: OutArg,
    #[command(flatten)]
    compile: CompileArgs,
}

#[derive(clap::Args, Debug)]
struct WatchArgs {
    #[command(flatten)]
    out: BuildArgs,
    /// Serve the report on 127.0.0.1 and reload the page after every build.
    #[arg(long)]
    serve: bool,
    /// The port to serve on (the next free one if it is taken).
    #[arg(long, value_name = "N", default_value_t = crate::serve::DEFAULT_PORT, requires = "serve")]
    port: u16,
    /// Open the served page in the default browser.
    #[arg(long, requires = "serve")]
    open: bool,
}

/// The output of `build` and `watch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum OutArg {
    Html,
    Json,
}

impl From<OutArg> for OutFormat {
    fn from(a: OutArg) -> OutFormat {
        match a {
            OutArg::Html => OutFormat::Html,
            OutArg::Json => OutFormat::Json,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

/// Runs `bsc` with these arguments (the first is the program name).
pub fn run(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitStatus {
    // Workbooks are read by a copy of this binary with bounded memory and time.
    if let Ok(exe) = std::env::current_exe() {
        crate::data::worker::use_worker(exe);
    }
    let matches = match Cli::command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitStatus::Failure
            } else {
                ExitStatus::Ok
            };
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitStatus::Failure;
        }
    };
    let sub = matches.subcommand().map(|(_, m)| m);
    let result = match cli.command {
        Command::Check(args) => options(&args.compile, sub).and_then(|o| check(&args, &o)),
        Command::Build(args) => options(&args.compile, sub).and_then(|o| build(&args, &o)),
        Command::Watch(args) => options(&args.out.compile, sub).and_then(|o| watch(args, o)),
        Command::Diff(args) => options(&args.compile, sub).and_then(|o| diff(&args, &o)),
        Command::Review(args) => options(&args.compile, sub).and_then(|o| review(&args, &o)),
        Command::Fmt { check, files } => fmt(&files, check),
        Command::Init { name } => init(name.as_deref()),
        Command::Import {
            file,
            sheet,
            output,
        } => import(&file, sheet.as_deref(), output.as_deref()),
        Command::Lsp => crate::lsp::run(),
        Command::Explain { code } => explain(code.as_deref()),
        Command::DataWorker => {
            return match crate::data::worker::serve() {
                0 => ExitStatus::Ok,
                _ => ExitStatus::Failure,
            };
        }
    };
    match result {
        Ok(status) => status,
        Err(e) => {
            eprintln!("error: {e}");
            ExitStatus::Failure
        }
    }
}

/// The options of a compilation: `--as-of`, `--root` and the lint flags.
fn options(args: &CompileArgs, matches: Option<&ArgMatches>) -> Result<Options, Error> {
    Ok(Options {
        lints: lint_options(&args.lints, matches)?,
        as_of: parse_as_of(args.as_of.as_deref())?,
        root: args.root.clone(),
    })
}

/// The lint flags in command-line order: a later flag beats an earlier one.
fn lint_options(args: &LintArgs, matches: Option<&ArgMatches>) -> Result<LintOptions, Error> {
    let mut opts = LintOptions {
        deny_warnings: args.deny_all.is_some(),
        levels: Vec::new(),
    };
    let mut flagged: Vec<(usize, &str, Level)> = Vec::new();
    for (id, level, values) in [
        ("deny", Level::Error, &args.deny),
        ("warn", Level::Warning, &args.warn),
        ("allow", Level::Allow, &args.allow),
    ] {
        let indices: Vec<usize> = matches
            .and_then(|m| m.indices_of(id))
            .map(|i| i.collect())
            .unwrap_or_default();
        for (i, v) in values.iter().enumerate() {
            flagged.push((indices.get(i).copied().unwrap_or(i), v, level));
        }
    }
    flagged.sort_by_key(|f| f.0);
    for (_, name, level) in flagged {
        if name == "warnings" && level == Level::Error {
            opts.deny_warnings = true;
            continue;
        }
        match Code::from_name(name) {
            Some(code) if code.is_adjustable() => opts.levels.push((code, level)),
            Some(code) => {
                return Err(Error::Usage(format!(
                    "the level of `{code}` cannot be changed"
                )));
            }
            None => {
                let hint = did_you_mean(name, Code::ALL.iter().map(|c| c.name()))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(Error::Usage(format!(
                    "unknown check `{name}`{hint}; `bsc explain` lists every check"
                )));
            }
        }
    }
    Ok(opts)
}

/// Whether to draw in colour: only on a terminal, and never with `NO_COLOR` set.
fn use_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The entry files to compile for `bsc check FILE…` (LANGUAGE.md §9.1), each with the
/// name to show: a given entry file as given, one found by the scan relative to the
/// current folder.
fn entry_files(targets: &[PathBuf], opts: &Options) -> Result<Vec<PathBuf>, Error> {
    let cwd = Disk.canonical(Path::new("."));
    let mut projects: BTreeMap<PathBuf, Project> = BTreeMap::new();
    let mut entries: Vec<PathBuf> = Vec::new();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    for target in targets {
        let (files, scanned) = if target.is_dir() {
            (project::bsc_files(target), true)
        } else {
            (vec![target.clone()], false)
        };
        if scanned && files.is_empty() {
            return Err(Error::Usage(format!(
                "no .bsc files under `{}`",
                target.display()
            )));
        }
        // Files found under a folder named on the command line are looked up from that
        // folder at least, wherever the command runs (else each library's folder would be
        // a project of its own outside a git work tree).
        let base = if scanned {
            Disk.canonical(target)
        } else {
            cwd.clone()
        };
        for file in files {
            let canonical = Disk.canonical(&file);
            let root = project::discovery_root(&canonical, &base, opts.root.as_deref());
            let project = projects
                .entry(root.clone())
                .or_insert_with(|| Project::scan(&Disk, &root));
            if scanned {
                if let Some(s) = project.skipped.iter().find(|s| s.path == canonical) {
                    eprintln!("note: skipped `{}`: {}", file.display(), s.why);
                    continue;
                }
            }
            if !project.contains(&canonical) {
                // Not bsc text, unreadable, or outside the root: compiling it says why.
                if seen.insert(canonical) {
                    entries.push(file);
                }
                continue;
            }
            for entry in project.entries_of(&canonical) {
                if seen.insert(entry.clone()) {
                    entries.push(if entry == canonical && !scanned {
                        file.clone()
                    } else {
                        project::relative_to(&entry, &cwd)
                    });
                }
            }
        }
    }
    Ok(entries)
}

fn check(args: &CheckArgs, opts: &Options) -> Result<ExitStatus, Error> {
    let targets = if args.files.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.files.clone()
    };
    let mut compilations: Vec<Compilation> = Vec::new();
    let mut failed = false;
    for file in &entry_files(&targets, opts)? {
        match crate::compile(&Disk, file, opts) {
            Ok(c) => compilations.push(c),
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    let report = Report::new(&compilations);
    let out = match args.format {
        Format::Human => {
            // "no problems found" is no answer when a file could not be read.
            if !(failed && report.items.is_empty()) {
                eprint!("{}", emit::human::render(&report, use_color()));
            }
            String::new()
        }
        Format::Json => emit::json::render(&report),
        Format::Github => emit::github::render(&report),
        Format::Sarif => emit::sarif::render(&report),
    };
    write_stdout(&out)?;
    let status = if failed {
        ExitStatus::Failure
    } else if report.errors() > 0 {
        ExitStatus::Errors
    } else {
        ExitStatus::Ok
    };
    drop(report);
    // The process ends next: freeing a large model piece by piece only costs time.
    std::mem::forget(compilations);
    Ok(status)
}

/// Writes to stdout; a closed pipe is not an error worth a panic.
fn write_stdout(s: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Write {
            path: "stdout".into(),
            reason: e.to_string(),
        }),
    }
}

/// Parses `--as-of`.
fn parse_as_of(text: Option<&str>) -> Result<Option<Period>, Error> {
    text.map(|t| {
        Period::parse(t.trim())
            .map_err(|e| Error::Usage(format!("--as-of `{t}`: {}; {}", e.message, e.help)))
    })
    .transpose()
}

fn build(args: &BuildArgs, opts: &Options) -> Result<ExitStatus, Error> {
    let format = OutFormat::from(args.format);
    let built = crate::build(&Disk, &args.file, opts)?;
    let all = built.all();
    let report = Report::new(all.iter().map(|b| &b.compilation));
    if !report.items.is_empty() {
        eprint!("{}", emit::human::render(&report, use_color()));
    }
    if report.errors() > 0 {
        eprintln!(
            "error: not written: fix the errors above (the last good output is left in place)"
        );
        return Ok(ExitStatus::Errors);
    }
    // Where the company's report goes (with `-o -`, where it would go: the departments'
    // reports link back there).
    let output = match args.output.as_deref() {
        Some(p) if p.as_os_str() != "-" => p.to_path_buf(),
        _ => emit::default_output(&args.file, format),
    };
    // The company's report first (a folder that does not exist stops everything), then
    // each department's beside its file, whatever `-o` says (LANGUAGE.md §9.6).
    let inputs = built.read_paths();
    let text = emit::render(&built, format, &output)?;
    let scores = &built.scores;
    match args.output.as_deref() {
        Some(p) if p.as_os_str() == "-" => write_stdout(&text)?,
        _ => {
            crate::output::write_output(&output, text.as_bytes(), &inputs)?;
            eprintln!(
                "wrote {} ({}, {})",
                output.display(),
                score_words(scores),
                scores.scorecard.status.as_str()
            );
        }
    }
    for (path, text, dept) in emit::department_outputs(&built, format, &output)? {
        crate::output::write_output(&path, text.as_bytes(), &inputs)?;
        eprintln!(
            "wrote {} ({}, {})",
            path.display(),
            score_words(&dept.scores),
            dept.scores.scorecard.status.as_str()
        );
    }
    Ok(ExitStatus::Ok)
}

/// `score 68%`, or `no score`.
fn score_words(scores: &crate::score::Scores) -> String {
    match scores.scorecard.score {
        Some(_) => format!("score {}", crate::num::percent(scores.scorecard.score)),
        None => "no score".to_string(),
    }
}

/// Prints the diagnostics of a side that does not compile (its departments' too);
/// whether it does.
fn compiles(side: &crate::diff::Side) -> bool {
    let all = side.build.all();
    let report = Report::new(all.iter().map(|b| &b.compilation));
    if report.errors() == 0 {
        return true;
    }
    eprint!("{}", emit::human::render(&report, use_color()));
    eprintln!("error: `{}` does not compile", side.label);
    false
}

fn diff(args: &DiffArgs, opts: &Options) -> Result<ExitStatus, Error> {
    let old = crate::diff::load(&args.old, opts)?;
    let new = crate::diff::load(&args.new, opts)?;
    if !compiles(&old) || !compiles(&new) {
        return Ok(ExitStatus::Errors);
    }
    let d = crate::diff::diff(&old, &new);
    let text = match args.format {
        DiffFormat::Human => crate::diff::human(
            &d,
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        ),
        DiffFormat::Markdown => crate::diff::markdown(&d),
        DiffFormat::Json => crate::diff::json(&d),
    };
    write_stdout(&text)?;
    Ok(ExitStatus::Ok)
}

fn review(args: &ReviewArgs, opts: &Options) -> Result<ExitStatus, Error> {
    let file = args.file.to_string_lossy().to_string();
    let now = crate::diff::load(&file, opts)?;
    if !compiles(&now) {
        return Ok(ExitStatus::Errors);
    }
    let since = match &args.since {
        Some(rev) => {
            let old = crate::diff::load(&format!("{rev}:{file}"), opts)?;
            if !compiles(&old) {
                return Ok(ExitStatus::Errors);
            }
            Some(crate::diff::diff(&old, &now))
        }
        None => None,
    };
    let agenda = crate::review::agenda(&now.build, since);
    let text = match args.format {
        ReviewFormat::Markdown => crate::review::markdown(&agenda),
        ReviewFormat::Html => crate::review::html(&agenda),
        ReviewFormat::Json => crate::review::json(&agenda),
    };
    match args.output.as_deref() {
        None => write_stdout(&text)?,
        Some(p) if p.as_os_str() == "-" => write_stdout(&text)?,
        Some(p) => {
            crate::output::write_output(p, text.as_bytes(), &now.build.read_paths())?;
            eprintln!("wrote {}", p.display());
        }
    }
    Ok(ExitStatus::Ok)
}

fn watch(args: WatchArgs, opts: Options) -> Result<ExitStatus, Error> {
    let out = args.out;
    if out.output.as_deref().is_some_and(|o| o.as_os_str() == "-") {
        return Err(Error::Usage(
            "`watch` writes a file: give `-o FILE`, not `-o -`".into(),
        ));
    }
    let format = OutFormat::from(out.format);
    let output = out
        .output
        .clone()
        .unwrap_or_else(|| emit::default_output(&out.file, format));
    crate::watch::watch(crate::watch::WatchOptions {
        file: out.file,
        output,
        format,
        options: opts,
        serve: args.serve.then_some(args.port),
        open: args.open,
        color: use_color(),
    })
}

/// The headers `bsc import` reads, for its `--help`.
fn import_help() -> String {
    let mut s = String::from("Headers read (case, spaces, `_`, `-` and `&` ignored):\n");
    for (what, names) in crate::import::COLUMNS {
        s.push_str(&format!("  {what}: {}\n", names.join(", ")));
    }
    s.push_str("  actuals: every column whose header is a period (2025-01, Jan 2025, a date)\n");
    s.push_str("Other columns are named in a comment and otherwise ignored.");
    s
}

fn import(file: &Path, sheet: Option<&str>, output: Option<&Path>) -> Result<ExitStatus, Error> {
    let out = output.map_or_else(|| file.with_extension("bsc"), Path::to_path_buf);
    let to_stdout = out.as_os_str() == "-";
    let out_dir = if to_stdout {
        PathBuf::from(".")
    } else {
        match out.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        }
    };
    let text = crate::import::import(file, sheet, &out_dir).map_err(|e| Error::Usage(e.0))?;
    if to_stdout {
        write_stdout(&text)?;
        return Ok(ExitStatus::Ok);
    }
    // Create, never truncate: an existing scorecard is not overwritten.
    let err = |e: std::io::Error| Error::Write {
        path: out.display().to_string(),
        reason: if e.kind() == std::io::ErrorKind::AlreadyExists {
            "it exists; bsc import does not overwrite files (give `-o` another path)".into()
        } else {
            crate::files::io_reason(&e)
        },
    };
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&out)
        .map_err(err)?;
    f.write_all(text.as_bytes()).map_err(err)?;
    eprintln!(
        "wrote {}: `bsc check {}` says what to complete",
        out.display(),
        out.display()
    );
    Ok(ExitStatus::Ok)
}

const INIT_TEMPLATE: &str = include_str!("templates/init.bsc");

fn init(name: Option<&str>) -> Result<ExitStatus, Error> {
    let name = name.unwrap_or("scorecard");
    let path = if name.ends_with(".bsc") {
        PathBuf::from(name)
    } else {
        PathBuf::from(format!("{name}.bsc"))
    };
    if path.exists() {
        return Err(Error::Usage(format!(
            "`{}` already exists; bsc init does not overwrite files",
            path.display()
        )));
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().replace(['_', '-'], " "))
        .unwrap_or_default();
    let title: String = stem.chars().filter(|c| *c != '"' && *c != '\\').collect();
    let text = INIT_TEMPLATE.replace("{{TITLE}}", &title);
    // Create, never truncate: a file that appeared meanwhile is not overwritten.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| Error::Write {
            path: path.display().to_string(),
            reason: crate::files::io_reason(&e),
        })?;
    f.write_all(text.as_bytes()).map_err(|e| Error::Write {
        path: path.display().to_string(),
        reason: crate::files::io_reason(&e),
    })?;
    eprintln!(
        "wrote {}: fill it in, then `bsc check {}`",
        path.display(),
        path.display()
    );
    Ok(ExitStatus::Ok)
}

/// Prints the syntax errors of a file that cannot be formatted.
fn report_unformattable(name: &str, text: &str, diags: Vec<crate::diag::Diagnostic>) {
    let mut sources = crate::source::Sources::default();
    sources.add(crate::source::SourceFile::new(
        name.to_string(),
        None,
        text.strip_prefix('\u{feff}').unwrap_or(text).to_string(),
    ));
    let c = Compilation {
        sources,
        files: Vec::new(),
        model: Default::default(),
        diagnostics: diags,
        missing: Vec::new(),
        data: Vec::new(),
        departments: Vec::new(),
        as_of: None,
        root: PathBuf::new(),
    };
    eprint!("{}", emit::human::render(&Report::new([&c]), use_color()));
}

fn fmt(targets: &[PathBuf], check: bool) -> Result<ExitStatus, Error> {
    let mut status = ExitStatus::Ok;
    let targets = if targets.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        targets.to_vec()
    };
    let mut files = Vec::new();
    for t in targets {
        if t.is_dir() {
            let found = project::bsc_files(&t);
            // As `check` and `build` say: a folder with nothing to format is a mistake in
            // the command, not a clean result.
            if found.is_empty() {
                return Err(Error::Usage(format!(
                    "no .bsc files under `{}`",
                    t.display()
                )));
            }
            files.extend(found);
        } else {
            files.push(t);
        }
    }
    for file in &files {
        let (name, bytes) = if file.as_os_str() == "-" {
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).map_err(|e| Error::Read {
                path: "stdin".into(),
                reason: e.to_string(),
            })?;
            ("<stdin>".to_string(), b)
        } else {
            (file.display().to_string(), crate::read_entry(&Disk, file)?)
        };
        let Ok(text) = String::from_utf8(bytes) else {
            eprintln!("error: `{name}` is not UTF-8 text; left as it is");
            status = ExitStatus::Errors;
            continue;
        };
        match crate::fmt::format(&text) {
            Err(diags) => {
                report_unformattable(&name, &text, diags);
                eprintln!("error: `{name}` does not parse; left as it is");
                status = ExitStatus::Errors;
            }
            Ok(formatted) if file.as_os_str() == "-" => {
                if check && formatted != text {
                    eprintln!("<stdin> would be reformatted");
                    status = ExitStatus::Errors;
                } else if !check {
                    write_stdout(&formatted)?;
                }
            }
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                if check {
                    println!("{name}");
                    status = ExitStatus::Errors;
                } else {
                    crate::output::rewrite(file, formatted.as_bytes())?;
                    eprintln!("formatted {name}");
                }
            }
        }
    }
    Ok(status)
}

fn explain(code: Option<&str>) -> Result<ExitStatus, Error> {
    match code {
        None => {
            let mut s = String::from("Every check bsc runs (`bsc explain CODE` for details):\n\n");
            for c in Code::ALL {
                s.push_str(&format!(
                    "  {:<22} {:<8} {}\n",
                    c.name(),
                    c.default_level().as_str(),
                    c.summary()
                ));
            }
            write_stdout(&s)?;
            Ok(ExitStatus::Ok)
        }
        Some(name) => match Code::from_name(name.trim_start_matches("bsc::")) {
            Some(c) => {
                write_stdout(c.explain())?;
                Ok(ExitStatus::Ok)
            }
            None => {
                let hint = did_you_mean(name, Code::ALL.iter().map(|c| c.name()))
                    .map(|s| format!("did you mean `{s}`?\n"))
                    .unwrap_or_default();
                let known: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
                eprintln!(
                    "error: unknown code `{name}`\n{hint}the codes are: {}",
                    known.join(", ")
                );
                Ok(ExitStatus::Failure)
            }
        },
    }
}
