//! The file layer: every byte a compilation reads (the entry file, its imports, data
//! files) comes through a [`FileSystem`], and through [`Files`], which keeps every read
//! inside the project root.
//!
//! Three file systems stand behind it: the disk ([`Disk`]), an editor's open documents
//! over the disk ([`Overlay`]), and memory ([`MemFs`], for tests, fuzzing and files taken
//! from a git revision). Whatever the source, the same rules hold:
//!
//! - only regular files are read: a folder, FIFO, device or socket is an error at once,
//!   never a wait (the disk opens with `O_NONBLOCK` and asks the opened handle what it is,
//!   so a path swapped between a check and the open cannot slip through);
//! - a size limit is enforced while reading, not from the metadata alone (`/dev/zero` and
//!   files that grow while read end at the limit);
//! - a path outside the project root is refused before it is opened, and the refusal
//!   never shows the file's content.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// The largest `.bsc` file: spans count bytes in a `u32`.
pub const MAX_SOURCE_BYTES: u64 = u32::MAX as u64;

/// The largest data file (LANGUAGE.md §9.2: 256 MiB; for a workbook, its unpacked size).
pub const MAX_DATA_BYTES: u64 = 256 << 20;

/// Why a file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    NotFound,
    PermissionDenied,
    /// Not a regular file: `a folder`, `a FIFO`, `a device`, `a socket`.
    NotAFile(&'static str),
    /// Larger than the limit (in bytes).
    TooLarge(u64),
    /// Outside the project root (the root, for the message).
    OutsideRoot(PathBuf),
    /// Anything else, in words.
    Other(String),
}

impl ReadError {
    /// The error of an I/O failure.
    pub fn from_io(e: &io::Error) -> ReadError {
        match e.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound,
            io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
            io::ErrorKind::IsADirectory => ReadError::NotAFile("a folder"),
            _ => ReadError::Other(io_reason(e)),
        }
    }

    /// A short reason, for "cannot read `x`: REASON".
    pub fn reason(&self) -> String {
        match self {
            ReadError::NotFound => "no such file".into(),
            ReadError::PermissionDenied => "permission denied".into(),
            ReadError::NotAFile(what) => format!("it is {what}, not a file"),
            ReadError::TooLarge(limit) => format!("it is larger than {}", size_words(*limit)),
            ReadError::OutsideRoot(root) => {
                format!("it lies outside the project root `{}`", root.display())
            }
            ReadError::Other(s) => s.clone(),
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason())
    }
}

/// `256 MiB`, `4 GiB`, `1000 bytes`.
fn size_words(n: u64) -> String {
    if n >= 1 << 30 && n % (1 << 30) == 0 || n == MAX_SOURCE_BYTES {
        format!("{} GiB", n.div_ceil(1 << 30))
    } else if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB", n >> 20)
    } else {
        format!("{n} bytes")
    }
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

/// Where files come from.
pub trait FileSystem: Sync {
    /// Reads a regular file's bytes, at most `limit` of them.
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError>;

    /// The path that tells files apart and decides whether a file lies inside the root:
    /// absolute, normalised, with symlinks resolved where the file system has them.
    fn canonical(&self, path: &Path) -> PathBuf {
        lexical_absolute(path)
    }
}

/// The absolute form of a path, `.` and `..` resolved lexically.
pub fn lexical_absolute(path: &Path) -> PathBuf {
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Resolves `.` and `..` lexically (a `..` that climbs above a relative path's start is
/// kept).
pub fn normalize(path: &Path) -> PathBuf {
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

/// The real file system.
pub struct Disk;

impl FileSystem for Disk {
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        read_regular(path, limit)
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        canonical_on_disk(path)
    }
}

/// The canonical form of a path on disk: symlinks resolved; for a path that does not
/// exist, its nearest existing ancestor's canonical form with the rest joined lexically.
pub fn canonical_on_disk(path: &Path) -> PathBuf {
    let abs = lexical_absolute(path);
    if let Ok(p) = std::fs::canonicalize(&abs) {
        return p;
    }
    let mut rest = Vec::new();
    let mut dir = abs.as_path();
    while let Some(parent) = dir.parent() {
        if let Some(name) = dir.file_name() {
            rest.push(name.to_os_string());
        }
        if let Ok(p) = std::fs::canonicalize(parent) {
            return rest.iter().rev().fold(p, |acc, n| acc.join(n));
        }
        dir = parent;
    }
    abs
}

/// Reads a regular file from disk, at most `limit` bytes: opened without blocking, its
/// kind asked of the opened handle.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO opened for reading waits for a writer unless told not to.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| ReadError::from_io(&e))?;
    let meta = file.metadata().map_err(|e| ReadError::from_io(&e))?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(kind_of(&meta)));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::from_io(&e))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

/// What a path that is not a regular file is, in words.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Files held in memory only (tests, fuzzing, the files of a git revision). Paths are
/// looked up by their lexical absolute form.
#[derive(Debug, Default)]
pub struct MemFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemFs {
    /// An empty file system.
    pub fn new() -> MemFs {
        MemFs::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl AsRef<Path>, bytes: impl Into<Vec<u8>>) {
        self.files
            .insert(lexical_absolute(path.as_ref()), bytes.into());
    }

    /// Whether the file system holds `path`.
    pub fn contains(&self, path: &Path) -> bool {
        self.files.contains_key(&lexical_absolute(path))
    }
}

impl FileSystem for MemFs {
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        match self.files.get(&lexical_absolute(path)) {
            Some(b) if b.len() as u64 > limit => Err(ReadError::TooLarge(limit)),
            Some(b) => Ok(b.clone()),
            None => Err(ReadError::NotFound),
        }
    }
}

/// An editor's open documents over the disk: a document that is open is read from
/// memory, anything else from the disk. Keys are canonical paths.
#[derive(Debug, Default)]
pub struct Overlay {
    docs: BTreeMap<PathBuf, Vec<u8>>,
}

impl Overlay {
    /// No open documents: the disk alone.
    pub fn new() -> Overlay {
        Overlay::default()
    }

    /// Opens or updates a document.
    pub fn set(&mut self, path: &Path, bytes: impl Into<Vec<u8>>) {
        self.docs.insert(canonical_on_disk(path), bytes.into());
    }

    /// Closes a document: the disk is read again.
    pub fn remove(&mut self, path: &Path) {
        self.docs.remove(&canonical_on_disk(path));
    }

    /// The open document at `path`, if any.
    pub fn get(&self, path: &Path) -> Option<&[u8]> {
        self.docs.get(&canonical_on_disk(path)).map(Vec::as_slice)
    }
}

impl FileSystem for Overlay {
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        match self.get(path) {
            Some(b) if b.len() as u64 > limit => Err(ReadError::TooLarge(limit)),
            Some(b) => Ok(b.to_vec()),
            None => read_regular(path, limit),
        }
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        canonical_on_disk(path)
    }
}

/// What one compilation may read: a file system, and the project root every read must
/// lie inside (`None`: anywhere, for tests and fuzzing).
#[derive(Clone, Copy)]
pub struct Files<'a> {
    pub fs: &'a dyn FileSystem,
    /// The canonical project root.
    pub root: Option<&'a Path>,
}

impl<'a> Files<'a> {
    /// Reads `path` if it lies inside the root.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        self.inside_root(path)?;
        self.fs.read(path, limit)
    }

    /// `Ok` if `path` lies inside the project root.
    pub fn inside_root(&self, path: &Path) -> Result<(), ReadError> {
        match self.root {
            Some(root) if !self.fs.canonical(path).starts_with(root) => {
                Err(ReadError::OutsideRoot(root.to_path_buf()))
            }
            _ => Ok(()),
        }
    }

    /// The key that tells two files apart.
    pub fn key(&self, path: &Path) -> String {
        self.fs.canonical(path).to_string_lossy().into_owned()
    }
}

/// The project root of an entry file (LANGUAGE.md §9.1): `given` (`--root`), else the
/// top of the git work tree that holds the entry file, else the entry file's folder.
/// Canonical, so that reads can be compared with it.
pub fn project_root(fs: &dyn FileSystem, entry: &Path, given: Option<&Path>) -> PathBuf {
    if let Some(root) = given {
        return fs.canonical(root);
    }
    let entry = fs.canonical(entry);
    let folder = entry
        .parent()
        .map_or_else(|| entry.clone(), Path::to_path_buf);
    git_work_tree(&folder).unwrap_or(folder)
}

/// The top of the git work tree holding `folder` (the nearest ancestor with a `.git`
/// folder or file), if any.
pub fn git_work_tree(folder: &Path) -> Option<PathBuf> {
    folder
        .ancestors()
        .find(|dir| std::fs::symlink_metadata(dir.join(".git")).is_ok())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.csv");
        std::fs::write(&file, "period,value\n").unwrap();
        assert_eq!(read_regular(&file, 100).unwrap(), b"period,value\n");
        assert_eq!(read_regular(&file, 5), Err(ReadError::TooLarge(5)));
        assert_eq!(
            read_regular(dir.path(), 100),
            Err(ReadError::NotAFile("a folder"))
        );
        assert_eq!(
            read_regular(&dir.path().join("none"), 100),
            Err(ReadError::NotFound)
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.csv");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo has no other preconditions.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(read_regular(&fifo, 100), Err(ReadError::NotAFile("a FIFO")));
    }

    #[test]
    fn the_root_keeps_reads_inside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        std::fs::write(root.join("a.csv"), "period,value\n").unwrap();
        let canonical_root = Disk.canonical(&root);
        let files = Files {
            fs: &Disk,
            root: Some(&canonical_root),
        };
        assert!(files.read(&root.join("a.csv"), 100).is_ok());
        assert!(matches!(
            files.read(&root.join("../secret.txt"), 100),
            Err(ReadError::OutsideRoot(_))
        ));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.csv"))
                .unwrap();
            assert!(matches!(
                files.read(&root.join("link.csv"), 100),
                Err(ReadError::OutsideRoot(_))
            ));
        }
    }

    #[test]
    fn the_root_is_the_git_work_tree_else_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("repo/plans");
        std::fs::create_dir_all(&sub).unwrap();
        let entry = sub.join("plan.bsc");
        let canonical = |p: &Path| Disk.canonical(p);
        assert_eq!(project_root(&Disk, &entry, None), canonical(&sub));
        std::fs::create_dir(dir.path().join("repo/.git")).unwrap();
        assert_eq!(
            project_root(&Disk, &entry, None),
            canonical(&dir.path().join("repo"))
        );
        assert_eq!(
            project_root(&Disk, &entry, Some(dir.path())),
            canonical(dir.path())
        );
    }

    #[test]
    fn memory_and_overlay() {
        let mut mem = MemFs::new();
        mem.insert("/p/a.bsc", "x");
        assert_eq!(mem.read(Path::new("/p/./a.bsc"), 10).unwrap(), b"x");
        assert_eq!(
            mem.read(Path::new("/p/b.bsc"), 10),
            Err(ReadError::NotFound)
        );
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.bsc");
        std::fs::write(&f, "disk").unwrap();
        let mut over = Overlay::new();
        assert_eq!(over.read(&f, 10).unwrap(), b"disk");
        over.set(&f, "open");
        assert_eq!(over.read(&f, 10).unwrap(), b"open");
        over.remove(&f);
        assert_eq!(over.read(&f, 10).unwrap(), b"disk");
    }
}
