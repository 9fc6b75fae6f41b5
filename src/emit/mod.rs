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

/// Renders a scored compilation in `format`, as a report written to `output` (where its
/// links to the departments' reports, beside their files, start from).
pub fn render(build: &Build, format: OutFormat, output: &Path) -> Result<String, Error> {
    render_linked(build, format, output, None)
}

/// What a report links to when scorecards cascade (LANGUAGE.md §9.6).
#[derive(Default)]
pub struct Links<'a> {
    /// Per cascade of the model (indexed like `model.cascades`): the department's build
    /// and the address of its report, relative to this report.
    pub departments: Vec<Option<(&'a Build, String)>>,
    /// For a department's report: the company's title and the address of its report.
    pub up: Option<(String, String)>,
}

fn render_linked(
    build: &Build,
    format: OutFormat,
    output: &Path,
    up: Option<(String, String)>,
) -> Result<String, Error> {
    let (c, scores) = (&build.compilation, &build.scores);
    let from = output.parent().unwrap_or(Path::new(""));
    let links = Links {
        departments: c
            .model
            .cascades
            .iter()
            .map(|cas| {
                let d = build.departments.get(cas.department?)?;
                Some((d, href(from, &default_output(&cas.file, format))))
            })
            .collect(),
        up,
    };
    match format {
        OutFormat::Json => Ok(model_json::render(c, scores, &build.departments)),
        OutFormat::Html => html::render(c, scores, &links),
    }
}

/// The reports of a build's departments (departments of departments too), each to be
/// written beside its scorecard's file (LANGUAGE.md §9.6: whatever `-o` says) and
/// linking back to the report of the scorecard that cascades to it, written at `output`.
pub fn department_outputs<'a>(
    build: &'a Build,
    format: OutFormat,
    output: &Path,
) -> Result<Vec<(PathBuf, String, &'a Build)>, Error> {
    let mut out = Vec::new();
    let title = build
        .compilation
        .model
        .scorecard
        .as_ref()
        .map_or_else(|| "the company".to_string(), |s| s.title.clone());
    for cas in &build.compilation.model.cascades {
        let Some(dept) = cas.department.and_then(|i| build.departments.get(i)) else {
            continue;
        };
        let path = default_output(&cas.file, format);
        let up = href(path.parent().unwrap_or(Path::new("")), output);
        out.push((
            path.clone(),
            render_linked(dept, format, &path, Some((title.clone(), up)))?,
            dept,
        ));
        out.extend(department_outputs(dept, format, &path)?);
    }
    Ok(out)
}

/// The address of `to` from a page in folder `from`: a relative URL path, `/`-separated,
/// each part percent-encoded.
pub fn href(from: &Path, to: &Path) -> String {
    // A bare file name's folder is the empty path: the current folder.
    let from = match from.as_os_str().is_empty() {
        true => Path::new("."),
        false => from,
    };
    let from = crate::files::lexical_absolute(from);
    let to = crate::files::lexical_absolute(to);
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); a.len() - common];
    for c in &b[common..] {
        let s = c.as_os_str().to_string_lossy();
        let mut enc = String::new();
        for byte in s.bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                enc.push(byte as char);
            } else {
                enc.push_str(&format!("%{byte:02X}"));
            }
        }
        parts.push(enc);
    }
    parts.join("/")
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
