//! bsc: a compiler for Balanced Scorecards kept as text.
//!
//! The pipeline: [`load`] (files and imports) → [`syntax`] (text → AST) → [`resolve`]
//! (AST → [`model::Model`]) → [`check`] → [`lint`] (levels) → [`emit`]. The command
//! line in [`cli`] is one client of this API.

extern crate alloc;

pub mod cascade;
pub mod check;
pub mod cli;
pub mod codes;
pub mod compute;
pub mod data;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod files;
pub mod fmt;
pub mod fuzzing;
pub mod graph;
pub mod history;
pub mod import;
pub mod layout;
pub mod lint;
pub mod load;
pub mod lsp;
pub mod model;
pub mod num;
pub mod output;
pub mod period;
pub mod project;
pub mod projection;
pub mod resolve;
pub mod review;
pub mod score;
pub mod serve;
pub mod source;
pub mod span;
pub mod syntax;
pub mod watch;

use std::path::{Path, PathBuf};

use crate::codes::Level;
use crate::diag::Diagnostic;
use crate::files::{FileSystem, Files};
use crate::lint::LintOptions;
use crate::load::LoadedFile;
use crate::model::Model;
use crate::period::Period;
use crate::score::Scores;
use crate::source::Sources;

/// How `bsc` ended: the process's exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Success (warnings allowed).
    Ok = 0,
    /// A diagnostic at error level.
    Errors = 1,
    /// Bad usage, or an input/output failure.
    Failure = 2,
}

/// A failure of bsc itself (not a problem in the user's files): exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read `{path}`: {reason}")]
    Read { path: String, reason: String },
    #[error("cannot write `{path}`: {reason}")]
    Write { path: String, reason: String },
    #[error("{0}")]
    Usage(String),
}

/// What a compilation is asked to do beyond reading its files.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Levels from the command line.
    pub lints: LintOptions,
    /// `--as-of`: beats the scorecard's `as_of` and the latest actual.
    pub as_of: Option<Period>,
    /// `--root`: the project root; else the git work tree of the entry file, else its
    /// folder.
    pub root: Option<PathBuf>,
}

/// One compilation: every file read, the model, the as-of period, and the diagnostics
/// at their final levels, sorted.
#[derive(Debug)]
pub struct Compilation {
    pub sources: Sources,
    pub files: Vec<LoadedFile>,
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
    /// Imports and data files that could not be read (`watch` waits for them).
    pub missing: Vec<PathBuf>,
    /// Workbooks and databases read (text sources are in `sources`).
    pub data: Vec<PathBuf>,
    /// The department scorecards it cascades to, each a compilation of its own at this
    /// one's as-of (`model.cascades[i].department` indexes this).
    pub departments: Vec<Compilation>,
    /// The as-of period, decided once (LANGUAGE.md §5, §9.1): `--as-of`, else the
    /// scorecard's `as_of`, else the latest period with an actual. Every check and the
    /// scores read this.
    pub as_of: Option<Period>,
    /// The canonical project root every read lay inside.
    pub root: PathBuf,
}

impl Compilation {
    /// Number of diagnostics at error level.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .count()
    }

    /// Number of diagnostics at warning level.
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.level == Level::Warning)
            .count()
    }

    /// This compilation and every department's it cascades to, depth first.
    pub fn all(&self) -> Vec<&Compilation> {
        let mut out = vec![self];
        for d in &self.departments {
            out.extend(d.all());
        }
        out
    }

    /// The paths of every file read from disk (`.bsc` and data files) and of every
    /// file that could not be read, for `watch`.
    pub fn read_paths(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = self
            .sources
            .iter()
            .filter_map(|(_, f)| f.path.clone())
            .collect();
        v.extend(self.missing.iter().cloned());
        v.extend(self.data.iter().cloned());
        for d in &self.departments {
            v.extend(d.read_paths());
        }
        v
    }
}

/// A compilation and its scores: what `build`, `watch`, `diff` and `review` work from.
#[derive(Debug)]
pub struct Build {
    pub compilation: Compilation,
    pub scores: Scores,
    /// The departments' builds, indexed like `compilation.departments` (which this
    /// takes them from).
    pub departments: Vec<Build>,
}

impl Build {
    /// Scores a compilation at its as-of period: its departments first, since an
    /// aligned department objective is one more child of a company objective.
    pub fn new(mut compilation: Compilation) -> Build {
        let departments: Vec<Build> = std::mem::take(&mut compilation.departments)
            .into_iter()
            .map(Build::new)
            .collect();
        let aligned: Vec<Option<f64>> = compilation
            .model
            .alignments
            .iter()
            .map(|a| departments[a.department].scores.objectives[a.source].score)
            .collect();
        let mut scores = score::score_aligned(&compilation.model, compilation.as_of, &aligned);
        scores.history = history::history(&compilation.model, compilation.as_of, &departments);
        Build {
            compilation,
            scores,
            departments,
        }
    }

    /// Every department's build (departments of departments too), with the file of its
    /// scorecard, depth first.
    pub fn departments_with_files(&self) -> Vec<(&Build, &Path)> {
        let mut out = Vec::new();
        for c in &self.compilation.model.cascades {
            if let Some(d) = c.department.and_then(|i| self.departments.get(i)) {
                out.push((d, c.file.as_path()));
                out.extend(d.departments_with_files());
            }
        }
        out
    }

    /// Every file read by this build and its departments' (see
    /// [`Compilation::read_paths`]): what no output may overwrite, and what `watch`
    /// watches.
    pub fn read_paths(&self) -> Vec<PathBuf> {
        self.all()
            .iter()
            .flat_map(|b| b.compilation.read_paths())
            .collect()
    }

    /// This build and every department's, depth first (the company first).
    pub fn all(&self) -> Vec<&Build> {
        let mut out = vec![self];
        for d in &self.departments {
            out.extend(d.all());
        }
        out
    }
}

/// Compiles and scores the entry file at `entry` (shown as given), reading through `fs`.
pub fn build(fs: &dyn FileSystem, entry: &Path, opts: &Options) -> Result<Build, Error> {
    compile(fs, entry, opts).map(Build::new)
}

/// Compiles the entry file at `entry` (shown as given), reading through `fs`.
pub fn compile(fs: &dyn FileSystem, entry: &Path, opts: &Options) -> Result<Compilation, Error> {
    let bytes = read_entry(fs, entry)?;
    Ok(compile_bytes(
        fs,
        &entry.to_string_lossy(),
        entry,
        &bytes,
        opts,
    ))
}

/// Reads an entry file named on the command line: a regular file, within the size a
/// span can count.
pub fn read_entry(fs: &dyn FileSystem, path: &Path) -> Result<Vec<u8>, Error> {
    fs.read(path, files::MAX_SOURCE_BYTES)
        .map_err(|e| Error::Read {
            path: path.display().to_string(),
            reason: e.reason(),
        })
}

/// Compiles `bytes` as the entry file `name` at `path`, reading imports and data files
/// through `fs`, inside the project root.
pub fn compile_bytes(
    fs: &dyn FileSystem,
    name: &str,
    path: &Path,
    bytes: &[u8],
    opts: &Options,
) -> Compilation {
    let root = files::project_root(fs, path, opts.root.as_deref());
    let files = Files {
        fs,
        root: Some(&root),
    };
    let chain = [(files.key(path), name.replace('\\', "/"))];
    compile_in(files, name, path, bytes, opts, &chain)
}

/// [`compile_bytes`] inside a project root: the company, or a department it cascades
/// to (`chain` holds the scorecards being compiled, outermost first, this one last).
pub(crate) fn compile_in(
    files: Files<'_>,
    name: &str,
    path: &Path,
    bytes: &[u8],
    opts: &Options,
    chain: &[(String, String)],
) -> Compilation {
    let name = name.replace('\\', "/");
    let root = files.root.map(Path::to_path_buf).unwrap_or_default();
    let mut loaded = load::load(files, &name, path, bytes);
    let entry = loaded.files[0].id;
    let (mut model, resolve_diags) = resolve::resolve(&mut loaded, files);
    let as_of = model.as_of(opts.as_of);
    let (mut departments, cascade_diags) =
        cascade::resolve(files, &loaded, &mut model, as_of, opts, chain);
    cascade::unaligned(&model, &mut departments, opts);
    let mut diags = std::mem::take(&mut loaded.diags);
    diags.extend(resolve_diags);
    diags.extend(cascade_diags);
    diags.extend(check::check(&model, entry, as_of));
    // What parsed is resolved and checked; what may follow from a syntax error is not
    // reported.
    diags.retain(|d| !check::follows_from_syntax(d, &model, &loaded.sources));
    let diagnostics = lint::apply_levels(diags, &model, &opts.lints, &loaded.sources);
    Compilation {
        sources: loaded.sources,
        files: loaded.files,
        model,
        diagnostics,
        missing: loaded.missing,
        data: loaded.data,
        departments,
        as_of,
        root,
    }
}
