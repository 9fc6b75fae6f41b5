//! The loader: reads the root file and, transitively, every file it `use`s — each file
//! once, the bundled library from the binary — and reports import cycles and
//! unreadable imports as `import` diagnostics on the `use`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::files::{Files, MAX_SOURCE_BYTES, ReadError, normalize};
use crate::source::{SourceFile, Sources};
use crate::span::{FileId, Span};
use crate::syntax::{self, ast};

/// The bundled library, embedded in the binary: `(name, text)`.
pub const STD: &[(&str, &str)] = &[("std/kpis.bsc", include_str!("../std/kpis.bsc"))];

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
    /// Data sources read that are not text (workbooks, databases): no source file
    /// holds them, and `watch` still watches them.
    pub data: Vec<PathBuf>,
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

/// Where a `use` points.
enum Target {
    Std(usize),
    File(PathBuf),
}

impl Target {
    /// What tells two files apart: the library's name, or the canonical path.
    fn key(&self, files: Files<'_>) -> String {
        match self {
            Target::Std(i) => STD[*i].0.to_string(),
            Target::File(p) => files.key(p),
        }
    }
}

struct Frame {
    file: FileId,
    key: String,
    uses: Vec<ast::Str>,
    next: usize,
}

/// Loads `root_text` (the root file, named `root_name`, at `root_path`) and everything
/// it imports.
pub fn load(files: Files<'_>, root_name: &str, root_path: &Path, root_bytes: &[u8]) -> Loaded {
    let mut out = Loaded::default();
    let mut seen: BTreeMap<String, FileId> = BTreeMap::new();
    let mut ahead: BTreeMap<PathBuf, Parsed> = BTreeMap::new();
    let root_key = files.key(root_path);
    let root = parse_file(
        out.sources.next_id(),
        root_name.to_string(),
        Some(root_path.to_path_buf()),
        root_bytes.to_vec(),
    );
    let root = add_file(&mut out, root, false);
    seen.insert(root_key.clone(), root);
    let mut stack = vec![frame(&out, root, root_key)];
    read_ahead(files, &out, &stack[0], &seen, &mut ahead);

    while let Some(top) = stack.last_mut() {
        let Some(use_path) = top.uses.get(top.next).cloned() else {
            stack.pop();
            continue;
        };
        top.next += 1;
        let (target, name) = match locate(&out, top.file, &use_path) {
            Ok(found) => found,
            Err(d) => {
                out.diags.extend(d.map(|d| *d));
                continue;
            }
        };
        let key = target.key(files);
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
        let next = out.sources.next_id();
        let parsed = match target {
            Target::Std(i) => parse_file(next, name, None, STD[i].1.as_bytes().to_vec()),
            Target::File(path) => match ahead.remove(&path) {
                Some(p) => p.taken_as(next, name),
                None => match files.read(&path, MAX_SOURCE_BYTES) {
                    Ok(bytes) => parse_file(next, name, Some(path), bytes),
                    Err(e) => {
                        out.missing.push(path.clone());
                        out.diags.push(cannot_read(&name, &e, use_path.span));
                        continue;
                    }
                },
            },
        };
        let is_std = parsed.file.path.is_none();
        let id = add_file(&mut out, parsed, is_std);
        seen.insert(key.clone(), id);
        let f = frame(&out, id, key);
        read_ahead(files, &out, &f, &seen, &mut ahead);
        stack.push(f);
    }
    out
}

/// The `import` error of a `use` whose file cannot be read.
fn cannot_read(name: &str, e: &ReadError, at: Span) -> Diagnostic {
    let help = match e {
        ReadError::OutsideRoot(_) => {
            "a compilation reads only files inside its project root (the git work tree, or `--root DIR`)"
        }
        ReadError::NotAFile(_) => "a `use` names a .bsc file",
        _ => "the path is relative to the folder of the importing file; `.bsc` may be left out",
    };
    Diagnostic::new(
        Code::Import,
        at,
        format!("cannot read `{name}`: {}", e.reason()),
    )
    .label("imported here")
    .help(help)
}

/// Where the `use` of `path` in file `importer` points, and the display name of that
/// file; or why it points nowhere (nothing to say when the library imports a module
/// it does not have).
fn locate(
    out: &Loaded,
    importer: FileId,
    use_path: &ast::Str,
) -> Result<(Target, String), Option<Box<Diagnostic>>> {
    let importer_name = &out.sources.get(importer).name;
    let importer_is_std = out.files.iter().any(|f| f.id == importer && f.is_std);
    let rel = if use_path.value.ends_with(".bsc") {
        use_path.value.clone()
    } else {
        format!("{}.bsc", use_path.value)
    };
    if rel.starts_with("std/") {
        return match STD.iter().position(|(n, _)| *n == rel) {
            Some(i) => Ok((Target::Std(i), rel)),
            None => {
                let known: Vec<String> = STD
                    .iter()
                    .map(|(n, _)| format!("`{}`", n.trim_end_matches(".bsc")))
                    .collect();
                Err(Some(Box::new(
                    Diagnostic::new(
                        Code::Import,
                        use_path.span,
                        format!("the bundled library has no `{}`", use_path.value),
                    )
                    .label("no such module")
                    .help(format!("the bundled library has {}", known.join(", "))),
                )))
            }
        };
    }
    let joined = join_display(display_dir(importer_name), &rel);
    if importer_is_std {
        // The library only imports itself.
        return match STD.iter().position(|(n, _)| *n == joined) {
            Some(i) => Ok((Target::Std(i), joined)),
            None => Err(None),
        };
    }
    let base = out
        .sources
        .get(importer)
        .path
        .as_deref()
        .and_then(Path::parent)
        .unwrap_or(Path::new(""));
    Ok((Target::File(normalize(&base.join(&rel))), joined))
}

/// A file decoded and parsed as file `id`.
struct Parsed {
    id: FileId,
    file: SourceFile,
    ast: Option<ast::File>,
    diags: Vec<Diagnostic>,
}

impl Parsed {
    /// The file read ahead, as file `id` named `name`: the guess of its id may have
    /// been wrong (files before it imported more), and another importer may name it
    /// differently.
    fn taken_as(mut self, id: FileId, name: String) -> Parsed {
        if self.id != id {
            if let Some(ast) = &mut self.ast {
                ast.move_to(id);
            }
            for d in &mut self.diags {
                d.move_file(self.id, id);
            }
            self.id = id;
        }
        self.file.name = name;
        self
    }
}

/// Decodes and parses `bytes` as file `id`.
fn parse_file(id: FileId, name: String, path: Option<PathBuf>, bytes: Vec<u8>) -> Parsed {
    let (text, bad) = syntax::decode(id, bytes);
    let file = SourceFile::new(name, path, text);
    let (ast, diags) = match bad {
        Some(d) => (None, vec![d]),
        None => syntax::parse(id, &file.text),
    };
    Parsed {
        id,
        file,
        ast,
        diags,
    }
}

/// Reads and parses the files that `frame`'s file imports, side by side on every core,
/// before the depth-first walk reaches them. Each is parsed under the id it will get if
/// the files before it import nothing new; when the walk takes it under another id
/// its spans move there (`Parsed::taken_as`), so the result never depends on the guess.
fn read_ahead(
    files: Files<'_>,
    out: &Loaded,
    frame: &Frame,
    seen: &BTreeMap<String, FileId>,
    ahead: &mut BTreeMap<PathBuf, Parsed>,
) {
    let mut todo: Vec<(FileId, String, PathBuf)> = Vec::new();
    let mut keys = std::collections::BTreeSet::new();
    let mut id = out.sources.next_id().0;
    for u in &frame.uses {
        let Ok((target, name)) = locate(out, frame.file, u) else {
            continue;
        };
        let key = target.key(files);
        if seen.contains_key(&key) || !keys.insert(key) {
            continue;
        }
        if let Target::File(path) = target {
            todo.push((FileId(id), name, path));
        }
        id += 1;
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if todo.len() < 2 || threads < 2 {
        return;
    }
    let chunk = todo.len().div_ceil(threads);
    let done: Vec<Vec<Parsed>> = std::thread::scope(|s| {
        let workers: Vec<_> = todo
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .filter_map(|(id, name, path)| {
                            let bytes = files.read(path, MAX_SOURCE_BYTES).ok()?;
                            Some(parse_file(*id, name.clone(), Some(path.clone()), bytes))
                        })
                        .collect()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    for p in done.into_iter().flatten() {
        if let Some(path) = p.file.path.clone() {
            ahead.insert(path, p);
        }
    }
}

fn add_file(out: &mut Loaded, parsed: Parsed, is_std: bool) -> FileId {
    let id = out.sources.add(parsed.file);
    debug_assert_eq!(id, parsed.id);
    out.diags.extend(parsed.diags);
    out.files.push(LoadedFile {
        id,
        ast: parsed.ast,
        is_std,
    });
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
