//! The loader: reads the root file and, transitively, every file it `use`s — each file
//! once, the bundled library from the binary — and reports import cycles and
//! unreadable imports as `import` diagnostics on the `use`.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::source::{SourceFile, Sources};
use crate::span::{FileId, Span};
use crate::syntax::{self, ast};

/// The bundled library, embedded in the binary: `(name, text)`.
pub const STD: &[(&str, &str)] = &[("std/kpis.bsc", include_str!("../std/kpis.bsc"))];

/// Where files come from: the disk, or the disk with an editor's unsaved buffers on top.
pub trait FileSystem {
    /// Reads a file's bytes.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
}

/// The real file system.
pub struct Disk;

impl FileSystem for Disk {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
}

/// Files held in memory (tests, an editor's unsaved buffers), with the disk behind.
#[derive(Debug, Default)]
pub struct MemFs {
    pub files: BTreeMap<PathBuf, Vec<u8>>,
    /// Read what is not in memory from the disk.
    pub fallback_to_disk: bool,
}

impl FileSystem for MemFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.files.get(path) {
            Some(b) => Ok(b.clone()),
            None if self.fallback_to_disk => std::fs::read(path),
            None => Err(io::Error::new(io::ErrorKind::NotFound, "not in memory")),
        }
    }
}

/// One file of the compilation with its syntax tree (`None` if it did not parse).
#[derive(Debug)]
pub struct LoadedFile {
    pub id: FileId,
    pub ast: Option<ast::File>,
    pub is_std: bool,
}

/// Every file of a compilation, in load order (the root first).
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Sources,
    pub files: Vec<LoadedFile>,
    pub diags: Vec<Diagnostic>,
    /// Imports that could not be read: `watch` waits for them to appear.
    pub missing: Vec<PathBuf>,
}

/// Joins and normalizes a display path lexically, with `/` separators.
pub fn join_display(base_dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let joined = if base_dir.is_empty() {
        rel.to_string()
    } else {
        format!("{base_dir}/{rel}")
    };
    let absolute = joined.starts_with('/');
    for part in joined.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let s = parts.join("/");
    if absolute { format!("/{s}") } else { s }
}

/// The folder part of a display path.
fn display_dir(name: &str) -> &str {
    name.rfind('/').map_or("", |i| &name[..i])
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Where a `use` points.
enum Target {
    Std(usize),
    File(PathBuf),
}

struct Frame {
    file: FileId,
    key: String,
    uses: Vec<ast::Str>,
    next: usize,
}

/// Loads `root_text` (the root file, named `root_name`, at `root_path`) and everything
/// it imports.
pub fn load(fs: &dyn FileSystem, root_name: &str, root_path: &Path, root_bytes: &[u8]) -> Loaded {
    let mut out = Loaded::default();
    let mut seen: BTreeMap<String, FileId> = BTreeMap::new();
    let root_key = key_of(root_path);
    let root = add_file(
        &mut out,
        root_name.to_string(),
        Some(root_path.to_path_buf()),
        root_bytes,
        false,
    );
    seen.insert(root_key.clone(), root);
    let mut stack = vec![frame(&out, root, root_key)];

    while let Some(top) = stack.last_mut() {
        let Some(use_path) = top.uses.get(top.next).cloned() else {
            stack.pop();
            continue;
        };
        top.next += 1;
        let importer = top.file;
        let importer_name = out.sources.get(importer).name.clone();
        let importer_is_std = out.files.iter().any(|f| f.id == importer && f.is_std);
        let rel = if use_path.value.ends_with(".bsc") {
            use_path.value.clone()
        } else {
            format!("{}.bsc", use_path.value)
        };
        let (target, name) = if rel.starts_with("std/") {
            match STD.iter().position(|(n, _)| *n == rel) {
                Some(i) => (Target::Std(i), rel.clone()),
                None => {
                    let known: Vec<String> = STD
                        .iter()
                        .map(|(n, _)| format!("`{}`", n.trim_end_matches(".bsc")))
                        .collect();
                    out.diags.push(
                        Diagnostic::new(
                            Code::Import,
                            use_path.span,
                            format!("the bundled library has no `{}`", use_path.value),
                        )
                        .label("no such module")
                        .help(format!("the bundled library has {}", known.join(", "))),
                    );
                    continue;
                }
            }
        } else if importer_is_std {
            // The library only imports itself.
            let joined = join_display(display_dir(&importer_name), &rel);
            match STD.iter().position(|(n, _)| *n == joined) {
                Some(i) => (Target::Std(i), joined),
                None => continue,
            }
        } else {
            let base = out
                .sources
                .get(importer)
                .path
                .as_deref()
                .and_then(Path::parent)
                .unwrap_or(Path::new(""));
            let path = normalize(&base.join(&rel));
            (
                Target::File(path),
                join_display(display_dir(&importer_name), &rel),
            )
        };
        let key = match &target {
            Target::Std(i) => STD[*i].0.to_string(),
            Target::File(p) => key_of(p),
        };
        if let Some(pos) = stack.iter().position(|f| f.key == key) {
            let mut chain: Vec<String> = stack[pos..]
                .iter()
                .map(|f| out.sources.get(f.file).name.clone())
                .collect();
            chain.push(name.clone());
            out.diags.push(
                Diagnostic::new(Code::Import, use_path.span, format!("import cycle: {}", chain.join(" -> ")))
                    .label(format!("`{name}` is already being loaded"))
                    .help("files may not import each other in a circle; move the shared declarations to a file both import"),
            );
            continue;
        }
        if seen.contains_key(&key) {
            continue;
        }
        let id = match target {
            Target::Std(i) => add_file(&mut out, name, None, STD[i].1.as_bytes(), true),
            Target::File(path) => match fs.read(&path) {
                Ok(bytes) => add_file(&mut out, name, Some(path), &bytes, false),
                Err(e) => {
                    out.missing.push(path.clone());
                    let why = io_reason(&e);
                    out.diags.push(
                        Diagnostic::new(Code::Import, use_path.span, format!("cannot read `{name}`: {why}"))
                            .label("imported here")
                            .help("the path is relative to the folder of the importing file; `.bsc` may be left out"),
                    );
                    continue;
                }
            },
        };
        seen.insert(key.clone(), id);
        let f = frame(&out, id, key);
        stack.push(f);
    }
    out
}

/// A short reason for an I/O error, without the OS error number.
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::IsADirectory => "it is a folder".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_lowercase()
        }
    }
}

fn key_of(path: &Path) -> String {
    let p = std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path));
    p.to_string_lossy().into_owned()
}

fn add_file(
    out: &mut Loaded,
    name: String,
    path: Option<PathBuf>,
    bytes: &[u8],
    is_std: bool,
) -> FileId {
    let id = out.sources.next_id();
    let (text, bad) = syntax::decode(id, bytes);
    let id = out.sources.add(SourceFile::new(name, path, text));
    let ast = match bad {
        Some(d) => {
            out.diags.push(d);
            None
        }
        None => {
            let (ast, diags) = syntax::parse(id, &out.sources.get(id).text);
            out.diags.extend(diags);
            ast
        }
    };
    out.files.push(LoadedFile { id, ast, is_std });
    id
}

fn frame(out: &Loaded, file: FileId, key: String) -> Frame {
    let uses = out
        .files
        .iter()
        .find(|f| f.id == file)
        .and_then(|f| f.ast.as_ref())
        .map(|ast| {
            ast.items
                .iter()
                .filter_map(|i| match i {
                    ast::Item::Use(u) => Some(u.node.path.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Frame {
        file,
        key,
        uses,
        next: 0,
    }
}

/// A span at the very start of a file, for diagnostics about the file as a whole.
pub fn file_start(file: FileId) -> Span {
    Span::new(file, 0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_display_paths() {
        assert_eq!(join_display("examples", "lib/x.bsc"), "examples/lib/x.bsc");
        assert_eq!(join_display("a/b", "../c.bsc"), "a/c.bsc");
        assert_eq!(join_display("", "../c.bsc"), "../c.bsc");
        assert_eq!(join_display("", "./c.bsc"), "c.bsc");
    }
}
