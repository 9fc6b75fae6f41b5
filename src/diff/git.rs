//! The files of a git revision as a file system: `REV:FILE` (LANGUAGE.md §9.4) reads the
//! entry file, every file it imports and every data file it reads as committed at REV,
//! with `git show REV:PATH`, into memory. Nothing is checked out: the user's work tree is
//! never touched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use crate::Error;
use crate::files::{FileSystem, ReadError, lexical_absolute};

/// The files of one revision of the repository whose work tree is `top`. Each file is
/// read once, on first use, and kept.
pub struct GitRev {
    top: PathBuf,
    rev: String,
    read: Mutex<BTreeMap<PathBuf, Result<Vec<u8>, ReadError>>>,
}

/// Runs git in `dir`; its stdout, or its stderr's first line as the error.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err.lines().next().unwrap_or("git failed").to_string())
    }
}

fn trimmed(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim_end().to_string()
}

impl GitRev {
    /// The revision `rev` of the repository that holds the folder `cwd`.
    pub fn open(cwd: &Path, rev: &str) -> Result<GitRev, Error> {
        if rev.is_empty() || rev.starts_with('-') {
            return Err(Error::Usage(format!("`{rev}` is not a git revision")));
        }
        let top = git(cwd, &["rev-parse", "--show-toplevel"])
            .map(trimmed)
            .map_err(|e| Error::Usage(format!("`{rev}:…` needs a git repository: {e}")))?;
        git(
            cwd,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(|_| Error::Usage(format!("`{rev}` names no commit of this repository")))?;
        Ok(GitRev {
            top: lexical_absolute(Path::new(&top)),
            rev: rev.to_string(),
            read: Mutex::new(BTreeMap::new()),
        })
    }

    /// The top of the work tree (the project root of a compilation at this revision).
    pub fn top(&self) -> &Path {
        &self.top
    }

    fn show(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        let rel = path
            .strip_prefix(&self.top)
            .map_err(|_| ReadError::OutsideRoot(self.top.clone()))?;
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let spec = format!("{}:{}", self.rev, rel.join("/"));
        // Is it a file (a blob) at all? A folder is a tree.
        match git(&self.top, &["cat-file", "-t", &spec]).map(trimmed) {
            Ok(kind) if kind == "blob" => {}
            Ok(_) => return Err(ReadError::NotAFile("a folder")),
            Err(_) => return Err(ReadError::NotFound),
        }
        git(&self.top, &["cat-file", "blob", &spec]).map_err(ReadError::Other)
    }
}

impl FileSystem for GitRev {
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        let path = lexical_absolute(path);
        let mut cache = self.read.lock().unwrap_or_else(|e| e.into_inner());
        let got = cache
            .entry(path.clone())
            .or_insert_with(|| self.show(&path))
            .clone();
        match got {
            Ok(b) if b.len() as u64 > limit => Err(ReadError::TooLarge(limit)),
            other => other,
        }
    }
}
