//! Projects (LANGUAGE.md §9.1): which files are entry files, and through which entry
//! files a given file is checked.
//!
//! An entry file is a `.bsc` file that no other `.bsc` file under the project root
//! imports. A scan reads every `.bsc` file under the root (hidden and `.gitignore`d
//! folders skipped, the way ripgrep skips them), parses it, and keeps the files its
//! `use` declarations name: that is the import graph. A file that is not an entry is
//! checked through the entry files that import it, directly or not, so that checking
//! one changed file gives the same answer as checking the whole project. A file that
//! nothing outside an import circle imports is its own entry, so nothing goes unchecked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::files::{self, FileSystem};
use crate::span::FileId;
use crate::syntax::{self, ast};

/// Every `.bsc` file under `dir` (or `dir` itself, if it is a file), hidden and
/// `.gitignore`d entries skipped, sorted.
pub fn bsc_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|x| x == "bsc"))
        .map(|p| match p.strip_prefix(".") {
            // `./lib/x.bsc` reads better as `lib/x.bsc`.
            Ok(rel) if dir == Path::new(".") => rel.to_path_buf(),
            _ => p,
        })
        .collect();
    out.sort();
    out
}

/// A file the scan left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Canonical.
    pub path: PathBuf,
    pub why: String,
}

/// The `.bsc` files under one project root and who imports whom.
#[derive(Debug, Default)]
pub struct Project {
    /// The canonical project root.
    pub root: PathBuf,
    /// Canonical path → the canonical paths it imports (only files under the root).
    imports: BTreeMap<PathBuf, Vec<PathBuf>>,
    /// Files that are not bsc text (BSC Designer projects share the extension).
    pub skipped: Vec<Skipped>,
}

impl Project {
    /// Scans every `.bsc` file under `root` (canonical) through `fs`.
    pub fn scan(fs: &dyn FileSystem, root: &Path) -> Project {
        let mut project = Project {
            root: root.to_path_buf(),
            ..Project::default()
        };
        for path in bsc_files(root) {
            project.update(fs, &path);
        }
        project
    }

    /// Reads one file again (`path` under the root): its imports as it now reads, or
    /// nothing if it can no longer be read (deleted). A language server calls this
    /// when a file changes, so the import graph follows the editor's buffers.
    pub fn update(&mut self, fs: &dyn FileSystem, path: &Path) {
        let canonical = fs.canonical(path);
        self.imports.remove(&canonical);
        self.skipped.retain(|s| s.path != canonical);
        let Ok(bytes) = fs.read(path, files::MAX_SOURCE_BYTES) else {
            return;
        };
        match uses_of(&bytes) {
            Uses::Foreign(what) => self.skipped.push(Skipped {
                path: canonical,
                why: format!("{what} (a BSC Designer project?), not bsc text"),
            }),
            Uses::Paths(paths) => {
                let dir = canonical.parent().unwrap_or(Path::new("/")).to_path_buf();
                let targets = paths
                    .iter()
                    .filter(|p| !p.starts_with("std/"))
                    .map(|p| fs.canonical(&dir.join(with_extension(p))))
                    .filter(|p| p.starts_with(&self.root))
                    .collect();
                self.imports.insert(canonical, targets);
            }
        }
    }

    /// Every entry file of the project: each file's entries, together (sorted).
    pub fn entries(&self) -> Vec<PathBuf> {
        let importers = self.importers();
        let mut out = BTreeSet::new();
        for f in self.imports.keys() {
            out.extend(entries_through(&importers, f));
        }
        out.into_iter().collect()
    }

    /// The `.bsc` files of the project (canonical, sorted).
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.imports.keys()
    }

    /// Whether the scan found `path` (canonical) and it is bsc text.
    pub fn contains(&self, path: &Path) -> bool {
        self.imports.contains_key(path)
    }

    /// The entry files through which `file` (canonical) is checked: itself if nothing
    /// imports it, else every entry file that imports it directly or not. A file that
    /// only files in an import circle reach is its own entry.
    pub fn entries_of(&self, file: &Path) -> Vec<PathBuf> {
        entries_through(&self.importers(), file)
    }

    /// File → the files that import it.
    fn importers(&self) -> BTreeMap<&PathBuf, Vec<&PathBuf>> {
        let mut by: BTreeMap<&PathBuf, Vec<&PathBuf>> = BTreeMap::new();
        for (from, targets) in &self.imports {
            for t in targets {
                if t != from {
                    by.entry(t).or_default().push(from);
                }
            }
        }
        by
    }
}

/// [`Project::entries_of`] over an importers map.
fn entries_through(importers: &BTreeMap<&PathBuf, Vec<&PathBuf>>, file: &Path) -> Vec<PathBuf> {
    let mut seen = BTreeSet::from([file.to_path_buf()]);
    let mut todo = vec![file.to_path_buf()];
    let mut entries = BTreeSet::new();
    while let Some(f) = todo.pop() {
        match importers.get(&f) {
            None => {
                entries.insert(f);
            }
            Some(by) => {
                for i in by {
                    if seen.insert((*i).clone()) {
                        todo.push((*i).clone());
                    }
                }
            }
        }
    }
    if entries.is_empty() {
        entries.insert(file.to_path_buf());
    }
    entries.into_iter().collect()
}

/// Where to look for the files that import `file` (canonical): `--root`, else the git
/// work tree that holds it, else the current folder `cwd` (canonical) when it holds the
/// file (`bsc check lib/x.bsc` run in a project folder that is not a git work tree),
/// else the file's folder.
pub fn discovery_root(file: &Path, cwd: &Path, given: Option<&Path>) -> PathBuf {
    if let Some(root) = given {
        return files::canonical_on_disk(root);
    }
    let folder = file.parent().unwrap_or(Path::new("/"));
    files::git_work_tree(folder).unwrap_or_else(|| {
        if file.starts_with(cwd) {
            cwd.to_path_buf()
        } else {
            folder.to_path_buf()
        }
    })
}

/// `x` → `x.bsc`, as `use` resolves it.
fn with_extension(path: &str) -> String {
    if path.ends_with(".bsc") {
        path.to_string()
    } else {
        format!("{path}.bsc")
    }
}

enum Uses {
    Paths(Vec<String>),
    /// A zip archive or an XML document.
    Foreign(&'static str),
}

/// The paths a file's `use` and `cascade` declarations name.
fn uses_of(bytes: &[u8]) -> Uses {
    if bytes.starts_with(b"PK\x03\x04") {
        return Uses::Foreign("a zip archive");
    }
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    if text.starts_with("<?xml") {
        return Uses::Foreign("an XML document");
    }
    let (ast, _) = syntax::parse(FileId(0), &text);
    let paths = ast
        .map(|f| {
            f.items
                .iter()
                .filter_map(|i| match i {
                    ast::Item::Use(u) => Some(u.node.path.value.clone()),
                    // A department is compiled by its company, not on its own (§9.6).
                    ast::Item::Cascade(c) => Some(c.node.path.value.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Uses::Paths(paths)
}

/// `path` relative to `base` when it lies below it (`examples/a.bsc`), else as it is.
pub fn relative_to(path: &Path, base: &Path) -> PathBuf {
    match path.strip_prefix(base) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::Disk;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let root = Disk.canonical(dir.path());
        let p = Project::scan(&Disk, &root);
        (dir, p)
    }

    #[test]
    fn a_library_is_checked_through_its_importers() {
        let (dir, p) = project(&[
            ("plan.bsc", "use \"lib/ops\"\nuse \"std/kpis\"\n"),
            ("lib/ops.bsc", "use \"shared.bsc\"\n"),
            ("lib/shared.bsc", ""),
            ("other.bsc", "use \"lib/shared\"\n"),
            (".hidden/x.bsc", ""),
        ]);
        let root = Disk.canonical(dir.path());
        let names = |v: Vec<PathBuf>| -> Vec<String> {
            v.iter()
                .map(|x| relative_to(x, &root).display().to_string())
                .collect()
        };
        assert_eq!(names(p.entries_of(&root.join("plan.bsc"))), ["plan.bsc"]);
        assert_eq!(
            names(p.entries_of(&root.join("lib/shared.bsc"))),
            ["other.bsc", "plan.bsc"]
        );
        assert!(!p.contains(&root.join(".hidden/x.bsc")));
    }

    #[test]
    fn an_import_circle_is_its_own_entry() {
        let (dir, p) = project(&[("a.bsc", "use \"b\""), ("b.bsc", "use \"a\"")]);
        let root = Disk.canonical(dir.path());
        assert_eq!(p.entries_of(&root.join("a.bsc")), [root.join("a.bsc")]);
    }

    #[test]
    fn foreign_files_are_skipped_with_a_note() {
        let (_dir, p) = project(&[("old.bsc", "PK\u{3}\u{4}rest"), ("x.bsc", "")]);
        assert_eq!(p.skipped.len(), 1);
        assert!(p.skipped[0].why.contains("zip archive"), "{:?}", p.skipped);
    }
}
