//! bsc: a compiler for Balanced Scorecards kept as text.
//!
//! The pipeline: [`load`] (files and imports) → [`syntax`] (text → AST) → [`resolve`]
//! (AST → [`model::Model`]) → [`check`] → [`lint`] (levels) → [`emit`]. The command
//! line in [`cli`] is one client of this API.

extern crate alloc;

pub mod check;
pub mod cli;
pub mod codes;
pub mod diag;
pub mod emit;
pub mod fmt;
pub mod fuzzing;
pub mod graph;
pub mod layout;
pub mod lint;
pub mod load;
pub mod lsp;
pub mod model;
pub mod num;
pub mod period;
pub mod resolve;
pub mod score;
pub mod serve;
pub mod source;
pub mod span;
pub mod syntax;
pub mod watch;

use std::path::{Path, PathBuf};

use crate::codes::Level;
use crate::diag::Diagnostic;
use crate::lint::LintOptions;
use crate::load::{Disk, FileSystem, LoadedFile};
use crate::model::Model;
use crate::source::Sources;

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

/// One compilation: every file read, the model, and the diagnostics at their final
/// levels, sorted.
#[derive(Debug)]
pub struct Compilation {
    pub sources: Sources,
    pub files: Vec<LoadedFile>,
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
    /// Imports that could not be read.
    pub missing: Vec<PathBuf>,
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

    /// The paths of every file read from disk (`.bsc` and CSV) and of every import
    /// that could not be read, for `watch`.
    pub fn read_paths(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = self
            .sources
            .iter()
            .filter_map(|(_, f)| f.path.clone())
            .collect();
        v.extend(self.missing.iter().cloned());
        v
    }
}

/// Compiles the file at `path` (shown as given).
pub fn compile_path(path: &Path, lints: &LintOptions) -> Result<Compilation, Error> {
    let bytes = read_input(path)?;
    Ok(compile_bytes(
        &Disk,
        &path.to_string_lossy(),
        path,
        &bytes,
        lints,
    ))
}

/// Reads an input file named on the command line.
pub fn read_input(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::Read {
        path: path.display().to_string(),
        reason: load::io_reason(&e),
    })
}

/// Compiles `bytes` as the root file `name` at `path`, reading imports through `fs`.
pub fn compile_bytes(
    fs: &dyn FileSystem,
    name: &str,
    path: &Path,
    bytes: &[u8],
    lints: &LintOptions,
) -> Compilation {
    let name = name.replace('\\', "/");
    let mut loaded = load::load(fs, &name, path, bytes);
    let root = loaded.files[0].id;
    let (model, resolve_diags) = resolve::resolve(&mut loaded, fs);
    let mut diags = std::mem::take(&mut loaded.diags);
    // A file that does not parse is missing from the model: what resolution and the
    // checks would say about the rest is noise until the syntax is fixed.
    if !diags.iter().any(|d| d.code == codes::Code::Syntax) {
        diags.extend(resolve_diags);
        diags.extend(check::check(&model, root));
    }
    let diagnostics = lint::apply_levels(diags, &model, lints, &loaded.sources);
    Compilation {
        sources: loaded.sources,
        files: loaded.files,
        model,
        diagnostics,
        missing: loaded.missing,
    }
}
