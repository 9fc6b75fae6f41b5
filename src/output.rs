//! Writing the user's files: the output of `build` and `watch`, and the files `fmt`
//! rewrites. Every write goes through here, so the same rules hold for all of them:
//!
//! - a symlink is followed: its target is written, the link stays a link;
//! - a regular file is replaced atomically: the new bytes go to a temporary file in the
//!   target's folder (unnamed, `O_TMPFILE`, where the system has it), which is synced and
//!   renamed over the target, keeping its permissions (and, as root, its owner), so a
//!   reader sees the old file or the new one, never half of one (`watch` skips the
//!   syncing, [`Durability::Renamed`]: it writes the output again on the next save);
//! - a read-only file is refused, as rustfmt does (root could write it anyway);
//! - a path that is not a regular file (a device such as `/dev/null`, a FIFO, our own
//!   stdout) is written to directly, never replaced;
//! - an output that is one of the files the compilation read is refused;
//! - temporary files never accumulate: an unnamed one vanishes with the process, and
//!   named ones (`.bsc-XXXXXXXXXXXX.tmp`) older than [`STALE_TEMP`] are removed from the
//!   folder on the next write there.

use std::fs::{self, File, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::Error;
use crate::files::{canonical_on_disk, io_reason};

/// The name of every temporary file bsc makes: `.bsc-` + [`TEMP_RANDOM`] letters + `.tmp`.
const TEMP_PREFIX: &str = ".bsc-";
const TEMP_SUFFIX: &str = ".tmp";
const TEMP_RANDOM: usize = 12;

/// A temporary file of ours older than this was left by a killed run: no write takes
/// that long (a 57 MB report is written in well under a second).
pub const STALE_TEMP: Duration = Duration::from_secs(600);

/// The most symlinks followed from one path (Linux's own limit).
const MAX_LINKS: usize = 40;

fn write_error(path: &Path, reason: impl Into<String>) -> Error {
    Error::Write {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

/// Writes the output of a build to `path`. `inputs` are the files the compilation read
/// ([`crate::Compilation::read_paths`]): writing over one of them is refused.
pub fn write_output(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<(), Error> {
    write_output_as(path, bytes, inputs, Durability::Synced)
}

/// Whether a replaced file is synced to the disk before and after it is renamed into
/// place. The rename keeps it whole for every reader either way; syncing keeps it whole
/// after a crash too, and costs a few ms, sometimes tens, for a large report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    Synced,
    /// `bsc watch`'s outputs: rewritten on every save, so a crash loses nothing the next
    /// save does not write again, and the browser should not wait for the disk.
    Renamed,
}

/// [`write_output`], with the choice of syncing.
pub fn write_output_as(
    path: &Path,
    bytes: &[u8],
    inputs: &[PathBuf],
    sync: Durability,
) -> Result<(), Error> {
    let err = |e: &io::Error| write_error(path, io_reason(e));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            return Err(write_error(
                path,
                format!("the folder `{}` does not exist", dir.display()),
            ));
        }
    }
    match fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            refuse_input(path, inputs)?;
            write_direct(path, &meta, bytes).map_err(|e| err(&e))
        }
        Ok(meta) if is_stdio(&meta) => {
            refuse_input(path, inputs)?;
            write_direct(path, &meta, bytes).map_err(|e| err(&e))
        }
        _ => {
            let target = follow_links(path).map_err(|e| err(&e))?;
            refuse_input(path, inputs)?;
            let old = existing_file(path, &target)?;
            replace(&target, bytes, old.as_ref(), sync).map_err(|e| err(&e))
        }
    }
}

/// Rewrites a source file `path` (`bsc fmt`): through a symlink to its target; a file
/// with more than one hard link in place (after a synced copy of what it held); any
/// other file atomically.
pub fn rewrite(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let err = |e: &io::Error| write_error(path, io_reason(e));
    let target = follow_links(path).map_err(|e| err(&e))?;
    let Some(old) = existing_file(path, &target)? else {
        return Err(write_error(path, "no such file"));
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if old.nlink() > 1 {
            return rewrite_in_place(&target, bytes).map_err(|e| err(&e));
        }
    }
    replace(&target, bytes, Some(&old), Durability::Synced).map_err(|e| err(&e))
}

/// Writes `bytes` to a file of bsc's own (no input check, no symlink to follow):
/// atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let old = fs::metadata(path).ok().filter(Metadata::is_file);
    replace(path, bytes, old.as_ref(), Durability::Synced)
        .map_err(|e| write_error(path, io_reason(&e)))
}

/// Refuses an output path that is one of the compilation's inputs: the same path, or
/// the same file under another name.
fn refuse_input(path: &Path, inputs: &[PathBuf]) -> Result<(), Error> {
    let canonical = canonical_on_disk(path);
    let meta = fs::metadata(path).ok();
    for input in inputs {
        let same = canonical_on_disk(input) == canonical
            || meta
                .as_ref()
                .zip(fs::metadata(input).ok())
                .is_some_and(|(a, b)| same_file(a, &b));
        if same {
            return Err(write_error(
                path,
                format!(
                    "this build reads it (as `{}`), so writing there would destroy an input; choose another output",
                    input.display()
                ),
            ));
        }
    }
    Ok(())
}

/// The metadata of the regular file at `target` (reached from `path`) if there is one;
/// an error if it is something else or may not be written.
fn existing_file(path: &Path, target: &Path) -> Result<Option<Metadata>, Error> {
    let meta = match fs::metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(write_error(path, io_reason(&e))),
    };
    if meta.is_dir() {
        return Err(write_error(path, "it is a folder"));
    }
    if !meta.is_file() {
        return Err(write_error(path, "it is not a regular file"));
    }
    if meta.permissions().readonly() {
        return Err(write_error(
            path,
            "it is read-only (make it writable to let bsc replace it)",
        ));
    }
    #[cfg(unix)]
    if !writable(target) {
        return Err(write_error(path, "permission denied"));
    }
    Ok(Some(meta))
}

/// Whether this process may write `path` (for root: always, whatever its mode says,
/// which is why read-only is decided from the mode first).
#[cfg(unix)]
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated path; access has no other preconditions.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

fn same_file(a: &Metadata, b: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// Whether a regular file is this process's stdout or stderr (`-o /dev/stdout` with the
/// shell's `> file`): written through that descriptor, where the shell pointed it.
fn is_stdio(meta: &Metadata) -> bool {
    stdio_fd(meta).is_some()
}

fn stdio_fd(meta: &Metadata) -> Option<i32> {
    #[cfg(unix)]
    {
        use std::os::fd::{AsFd, AsRawFd};
        let out = io::stdout();
        let err = io::stderr();
        for fd in [out.as_fd(), err.as_fd()] {
            let f = fd.try_clone_to_owned().ok().map(File::from);
            if f.and_then(|f| f.metadata().ok())
                .is_some_and(|m| same_file(&m, meta))
            {
                return Some(fd.as_raw_fd());
            }
        }
        None
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// Writes to what is not a regular file (a device, a FIFO, our stdout): opened for
/// writing as it is, never created, truncated or replaced.
fn write_direct(path: &Path, meta: &Metadata, bytes: &[u8]) -> io::Result<()> {
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a folder",
        ));
    }
    match stdio_fd(meta) {
        Some(1) => {
            let mut out = io::stdout().lock();
            return match out.write_all(bytes).and_then(|()| out.flush()) {
                // A reader that stopped reading (`| head`) is no failure.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                r => r,
            };
        }
        Some(_) => return io::stderr().lock().write_all(bytes),
        None => {}
    }
    let mut f = fs::OpenOptions::new().write(true).open(path)?;
    f.write_all(bytes)?;
    f.flush()
}

/// The path a chain of symlinks ends at (which may not exist yet).
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Replaces (or creates) the regular file `target` atomically, keeping the mode and
/// owner of `old`.
fn replace(
    target: &Path,
    bytes: &[u8],
    old: Option<&Metadata>,
    sync: Durability,
) -> io::Result<()> {
    let dir = folder_of(target);
    remove_stale_temps(dir);
    let (mut file, temp) = temp_file(dir)?;
    file.write_all(bytes)?;
    keep_owner_and_mode(&file, old)?;
    if sync == Durability::Synced {
        file.sync_all()?;
    }
    let temp = match temp {
        Some(t) => t,
        None => link_unnamed(&file, dir)?,
    };
    temp.persist(target).map_err(|e| e.error)?;
    if sync == Durability::Synced {
        sync_folder(dir);
    }
    Ok(())
}

/// A new temporary file in `dir`: unnamed where the system can (the name comes only at
/// [`link_unnamed`], just before the rename), else named `.bsc-XXXXXXXXXXXX.tmp`.
fn temp_file(dir: &Path) -> io::Result<(File, Option<tempfile::TempPath>)> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let unnamed = fs::OpenOptions::new()
            .write(true)
            .mode(0o666)
            .custom_flags(libc::O_TMPFILE)
            .open(dir);
        if let Ok(f) = unnamed {
            return Ok((f, None));
        }
    }
    let named = temp_builder().tempfile_in(dir)?;
    let (file, path) = named.into_parts();
    Ok((file, Some(path)))
}

/// A builder of named temporary files of ours in the folder being written.
fn temp_builder<'a>() -> tempfile::Builder<'a, 'a> {
    let mut b = tempfile::Builder::new();
    b.prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(TEMP_RANDOM);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The mode any new file gets: 0o666 less the umask (the kernel applies it).
        b.permissions(fs::Permissions::from_mode(0o666));
    }
    b
}

/// Gives an unnamed temporary file a name in `dir` (`linkat`), for the rename.
#[cfg(target_os = "linux")]
fn link_unnamed(file: &File, dir: &Path) -> io::Result<tempfile::TempPath> {
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    let proc_path = format!("/proc/self/fd/{}", file.as_raw_fd());
    let from = std::ffi::CString::new(proc_path).map_err(io::Error::other)?;
    let named = temp_builder().make_in(dir, |path| {
        let to = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(io::Error::other)?;
        // SAFETY: valid NUL-terminated paths; AT_FDCWD and the flag are constants.
        let r = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if r == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    })?;
    Ok(named.into_temp_path())
}

#[cfg(not(target_os = "linux"))]
fn link_unnamed(_file: &File, _dir: &Path) -> io::Result<tempfile::TempPath> {
    Err(io::Error::other("unnamed temporary files are Linux only"))
}

/// Gives the new file the mode of the one it replaces and, where allowed (as root, or
/// a group we are in), its owner and group.
fn keep_owner_and_mode(file: &File, old: Option<&Metadata>) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let Some(old) = old else {
            return Ok(());
        };
        let now = file.metadata()?;
        if now.uid() != old.uid() || now.gid() != old.gid() {
            // SAFETY: an open descriptor; fchown has no other preconditions. Failing to
            // keep the owner (not root, not our group) is not an error: editors do the
            // same.
            unsafe {
                libc::fchown(file.as_raw_fd(), old.uid(), old.gid());
            }
        }
        // After fchown, which may clear set-id bits.
        file.set_permissions(fs::Permissions::from_mode(old.mode() & 0o7777))?;
    }
    #[cfg(not(unix))]
    if let Some(old) = old {
        file.set_permissions(old.permissions())?;
    }
    Ok(())
}

/// Makes a rename in `dir` durable (best effort: not every system can sync a folder).
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Whether `name` is one of our temporary files: `.bsc-` + 12 letters or digits + `.tmp`.
fn is_our_temp(name: &str) -> bool {
    name.strip_prefix(TEMP_PREFIX)
        .and_then(|r| r.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|mid| {
            mid.len() == TEMP_RANDOM && mid.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Removes temporary files of ours in `dir` left by a run that was killed: named like
/// ours, regular files, older than [`STALE_TEMP`].
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for e in entries.flatten() {
        if !e.file_name().to_str().is_some_and(is_our_temp) {
            continue;
        }
        let Ok(meta) = e.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_TEMP);
        if meta.is_file() && old {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Rewrites a file with several hard links where it is, so every link sees the new
/// text: first a synced copy of what it held (`.NAME.bsc-backup`, beside it), then the
/// new bytes written over the file and synced, then the copy removed. Not atomic: a run
/// killed in between leaves the copy to restore from.
fn rewrite_in_place(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = folder_of(target);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let original = fs::read(target)?;
    let prefix = format!(".{name}.");
    let mut backup = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".bsc-backup")
        .rand_bytes(6)
        .tempfile_in(dir)?;
    backup.write_all(&original)?;
    backup.as_file().sync_all()?;
    sync_folder(dir);
    let mut f = fs::OpenOptions::new().write(true).open(target)?;
    f.write_all(bytes)?;
    f.set_len(bytes.len() as u64)?;
    f.sync_all()?;
    drop(backup); // removes the copy
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names() {
        assert!(is_our_temp(".bsc-abcDEF123456.tmp"));
        assert!(!is_our_temp(".bsc-abc.tmp"));
        assert!(!is_our_temp("bsc-abcDEF123456.tmp"));
        assert!(!is_our_temp(".bsc-abcDEF12345/.tmp"));
    }

    #[test]
    fn follows_relative_and_absolute_links() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("sub/real.html", d.join("a")).unwrap();
            std::os::unix::fs::symlink(d.join("a"), d.join("b")).unwrap();
            assert_eq!(follow_links(&d.join("b")).unwrap(), d.join("sub/real.html"));
            std::os::unix::fs::symlink("loop", d.join("loop")).unwrap();
            assert!(follow_links(&d.join("loop")).is_err());
        }
    }
}
