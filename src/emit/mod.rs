//! Drawing diagnostics and models: the terminal (miette), JSON, GitHub workflow
//! commands and SARIF. Each format reads the same [`Report`].

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod model_json;
pub mod sarif;

use std::path::{Path, PathBuf};

use crate::codes::Level;
use crate::diag::Diagnostic;
use crate::source::Location;
use crate::{Build, Compilation, Error};

/// What `build` and `watch` write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutFormat {
    /// The self-contained HTML report.
    Html,
    /// The scored model, `bsc/1`.
    Json,
}

impl OutFormat {
    /// The file extension of the format.
    pub fn extension(self) -> &'static str {
        match self {
            OutFormat::Html => "html",
            OutFormat::Json => "json",
        }
    }

    /// The MIME type the server sends it with.
    pub fn content_type(self) -> &'static str {
        match self {
            OutFormat::Html => "text/html; charset=utf-8",
            OutFormat::Json => "application/json",
        }
    }
}

/// The default output path: `STEM.html` or `STEM.json` beside the entry file.
pub fn default_output(input: &Path, format: OutFormat) -> PathBuf {
    input.with_extension(format.extension())
}

/// Renders a scored compilation in `format`.
pub fn render(build: &Build, format: OutFormat) -> Result<String, Error> {
    let (c, scores) = (&build.compilation, &build.scores);
    match format {
        OutFormat::Json => Ok(model_json::render(c, scores, &build.departments)),
        OutFormat::Html => html::render(c, scores),
    }
}

/// The reports of a build's departments, each to be written beside its scorecard's file
/// (LANGUAGE.md §9.6: whatever `-o` says), with the department's build.
pub fn department_outputs(
    build: &Build,
    format: OutFormat,
) -> Result<Vec<(PathBuf, String, &Build)>, Error> {
    build
        .departments_with_files()
        .into_iter()
        .map(|(dept, file)| Ok((default_output(file, format), render(dept, format)?, dept)))
        .collect()
}

/// A diagnostic with its places resolved to lines and columns.
#[derive(Clone, Debug)]
pub struct Located<'a> {
    pub diag: &'a Diagnostic,
    pub compilation: &'a Compilation,
    pub location: Location,
    /// Every label (the primary one first) with its location.
    pub labels: Vec<(Location, String)>,
}

/// The diagnostics of one or more compilations, sorted by file, line and column, with
/// those reported by several compilations (a shared import) kept once.
#[derive(Debug, Default)]
pub struct Report<'a> {
    pub items: Vec<Located<'a>>,
}

impl<'a> Report<'a> {
    /// Collects the diagnostics of `compilations` and of the departments they cascade
    /// to (those still in them: a [`crate::Build`] has taken its departments out, see
    /// [`crate::Build::all`]).
    pub fn new(compilations: impl IntoIterator<Item = &'a Compilation>) -> Report<'a> {
        let mut items: Vec<Located<'a>> = compilations
            .into_iter()
            .flat_map(Compilation::all)
            .flat_map(|c| {
                c.diagnostics.iter().map(move |d| Located {
                    diag: d,
                    compilation: c,
                    location: c.sources.location(d.span),
                    labels: d
                        .all_labels()
                        .map(|l| (c.sources.location(l.span), l.message))
                        .collect(),
                })
            })
            .collect();
        items.sort_by(|a, b| {
            (
                &a.location.file,
                a.location.line,
                a.location.column,
                a.diag.code,
                &a.diag.message,
            )
                .cmp(&(
                    &b.location.file,
                    b.location.line,
                    b.location.column,
                    b.diag.code,
                    &b.diag.message,
                ))
        });
        items.dedup_by(|a, b| {
            a.location == b.location
                && a.diag.code == b.diag.code
                && a.diag.message == b.diag.message
        });
        Report { items }
    }

    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.diag.level == Level::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.diag.level == Level::Warning)
            .count()
    }
}
