//! One build at a time per output dir, and the record of what tm wrote.
//!
//! Beside the output dir `book/` lives `.book.tm-state`: `tm build` holds an
//! advisory lock on it (`flock`, released by the kernel when the process
//! dies) for the whole write, so a second build waits instead of deleting the
//! first one's work. The file also records the identity of every directory
//! tm made there — device, inode and birth time to the nanosecond — which
//! only the file system knows and git cannot carry: a pull request can
//! commit a state file or a marker, but not a directory with a given inode
//! and birth time, so a committed record never makes `src/` look like tm's.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::project_root::shown;

/// How long a build waits for another one on the same output dir.
const WAIT: Duration = Duration::from_secs(120);
/// A record larger than this was not written by tm; it is ignored.
const MAX_RECORD_BYTES: u64 = 64 * 1024;

/// The identity of a site directory on its file system (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirId(String);

impl DirId {
    /// The identity as recorded.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The identity of the site directory at `path` (never through a link):
/// the directory's device, inode and birth time, and the inode and
/// modification time (to the nanosecond) of the marker file `marker` in it,
/// which tm writes first and never touches again. Renaming the directory
/// keeps all of them; a checkout, a copy or a restore from a cache makes new
/// ones. `None` when it is not a directory or has no marker file.
pub fn dir_id(path: &Path, marker: &str) -> Option<DirId> {
    let dir = path.symlink_metadata().ok()?;
    let mark = path.join(marker).symlink_metadata().ok()?;
    if !dir.is_dir() || !mark.is_file() {
        return None;
    }
    let time = |t: std::io::Result<std::time::SystemTime>| {
        t.ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or("-".to_owned(), |d| {
                format!("{}.{:09}", d.as_secs(), d.subsec_nanos())
            })
    };
    let (born, marked) = (time(dir.created()), time(mark.modified()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(DirId(format!(
            "{}:{}:{born}:{}:{marked}",
            dir.dev(),
            dir.ino(),
            mark.ino()
        )))
    }
    #[cfg(not(unix))]
    {
        Some(DirId(format!("{born}:{marked}")))
    }
}

/// A fingerprint of what a directory holds: every path under it with its
/// kind and size, sorted, hashed (FNV-1a, stable across tm versions). `None`
/// when it cannot be listed.
pub fn manifest(dir: &Path) -> Option<String> {
    let mut entries = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).ok()? {
            let entry = entry.ok()?;
            let meta = entry.path().symlink_metadata().ok()?;
            let rel = entry
                .path()
                .strip_prefix(dir)
                .ok()?
                .to_string_lossy()
                .into_owned();
            if meta.is_dir() {
                stack.push(entry.path());
                entries.push(format!("d {rel}"));
            } else if meta.is_file() {
                entries.push(format!("f {rel} {}", meta.len()));
            } else {
                entries.push(format!("o {rel}"));
            }
        }
    }
    entries.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in entries.join("\n").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    Some(format!("{}:{hash:016x}", entries.len()))
}

/// What [`OutputLock::may_replace`] decided about an existing output dir.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// tm's own site, as tm left it.
    Yes,
    /// tm's site, but files were added, removed or changed in it since.
    Changed,
    /// Not a directory tm made here.
    NotTms,
}

/// The held lock on an output dir, with its record. Dropping it releases the lock.
#[derive(Debug)]
pub struct OutputLock {
    /// Holds the advisory lock while this value lives.
    _guard: File,
    parent: PathBuf,
    path: PathBuf,
    /// The directory last installed as the site.
    pub site: Option<DirId>,
    /// The [`manifest`] of the site as tm installed it.
    pub files: Option<String>,
    /// Directories made by a build that may not have finished (its temp dir,
    /// or the previous site moved aside).
    pub pending: Vec<DirId>,
}

/// Why the lock could not be taken or the record kept.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another build kept the lock for longer than tm waits.
    #[error(
        "another `tm build` is still writing to this output dir (it holds the lock on {}); waited {}s. Run the builds one after another",
        shown(.0), WAIT.as_secs()
    )]
    Busy(PathBuf),
    /// The state file is not a regular file (a link, a pipe): it was not made by tm.
    #[error(
        "{} is not tm's state file (it is a link or not a regular file); remove it and build again",
        shown(.0)
    )]
    NotAFile(PathBuf),
    /// The file system refused.
    #[error("cannot use {}: {source}", shown(.path))]
    Io {
        /// The state file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl OutputLock {
    /// The state file of the output dir `name` under `parent`.
    pub fn path_for(parent: &Path, name: &str) -> PathBuf {
        parent.join(format!(".{name}.tm-state"))
    }

    /// Takes the lock on the output dir `name` under `parent`, waiting for
    /// a running build to finish, and reads the record.
    pub fn acquire(parent: &Path, name: &str) -> Result<OutputLock, LockError> {
        let path = OutputLock::path_for(parent, name);
        let guard = lock_target(parent, name)?;
        let started = Instant::now();
        let mut told = false;
        loop {
            match guard.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    if started.elapsed() > WAIT {
                        return Err(LockError::Busy(parent.to_path_buf()));
                    }
                    if !told {
                        eprintln!("waiting for another `tm build` writing to the same output dir…");
                        told = true;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::Error(source)) => {
                    return Err(LockError::Io {
                        path: parent.to_path_buf(),
                        source,
                    });
                }
            }
        }
        let text = read_record(&path)?;
        remove_killed_saves(parent, &path);
        let mut lock = OutputLock {
            _guard: guard,
            parent: parent.to_path_buf(),
            path,
            site: None,
            files: None,
            pending: Vec::new(),
        };
        for line in text.lines() {
            match line.split_once(' ') {
                Some(("site", id)) => lock.site = Some(DirId(id.to_owned())),
                Some(("files", m)) => lock.files = Some(m.to_owned()),
                Some(("pending", id)) => lock.pending.push(DirId(id.to_owned())),
                _ => {}
            }
        }
        Ok(lock)
    }

    /// Whether the directory at `path` is one tm made here (the site or a
    /// build's leftover), judged by its identity, never by its contents.
    pub fn owns(&self, path: &Path, marker: &str) -> bool {
        dir_id(path, marker)
            .is_some_and(|id| self.site.as_ref() == Some(&id) || self.pending.contains(&id))
    }

    /// Whether the output dir at `path` may be replaced: it is the site tm
    /// installed, holding exactly the files tm wrote (same paths, same
    /// sizes), or a complete site a killed build had just swapped in.
    pub fn may_replace(&self, path: &Path, marker: &str) -> Replace {
        let Some(id) = dir_id(path, marker) else {
            return Replace::NotTms;
        };
        if self.pending.contains(&id) {
            return Replace::Yes;
        }
        if self.site.as_ref() != Some(&id) {
            return Replace::NotTms;
        }
        match (&self.files, manifest(path)) {
            (Some(recorded), Some(now)) if *recorded == now => Replace::Yes,
            _ => Replace::Changed,
        }
    }

    /// Writes the record back (still holding the lock): into a new file
    /// renamed over the old one, so a build killed at any moment leaves
    /// either the old record or the new one, never half of one.
    pub fn save(&mut self) -> Result<(), LockError> {
        let mut text = String::from(
            "# tm build: the record of the output dir beside this file. Not for git.\n",
        );
        for id in self.site.iter() {
            text.push_str(&format!("site {}\n", id.0));
        }
        for m in self.files.iter() {
            text.push_str(&format!("files {m}\n"));
        }
        for id in &self.pending {
            text.push_str(&format!("pending {}\n", id.0));
        }
        let name = self.path.file_name().unwrap_or_default().to_string_lossy();
        let temp = self
            .parent
            .join(format!("{name}.tmp-{}", std::process::id()));
        let io = |source| LockError::Io {
            path: self.path.clone(),
            source,
        };
        // A leftover of a killed build with this pid: the lock says it is gone.
        let _ = std::fs::remove_file(&temp);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        let mut file = options.open(&temp).map_err(io)?;
        file.write_all(text.as_bytes()).map_err(io)?;
        drop(file);
        std::fs::rename(&temp, &self.path).map_err(io)
    }
}

/// What the lock is taken on: the output dir's parent directory itself on
/// Unix (nothing to create, nothing a checkout can plant), a lock file
/// beside the output elsewhere.
fn lock_target(parent: &Path, name: &str) -> Result<File, LockError> {
    #[cfg(unix)]
    {
        let _ = name;
        File::open(parent).map_err(|source| LockError::Io {
            path: parent.to_path_buf(),
            source,
        })
    }
    #[cfg(not(unix))]
    {
        let path = parent.join(format!(".{name}.tm-lock"));
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|source| LockError::Io { path, source })
    }
}

/// Removes the half-written records of builds killed while saving (the
/// lock is held, so their owners are gone): regular files named like
/// [`OutputLock::save`]'s temp files, never links or directories.
fn remove_killed_saves(parent: &Path, record: &Path) {
    let Some(name) = record.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let prefix = format!("{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The record's text: empty when there is none, refused when the file is a
/// link or not a regular file, ignored when it is too large or not text.
fn read_record(path: &Path) -> Result<String, LockError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Never through a committed link; never block on a committed FIFO.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let io = |source| LockError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(String::new()),
        Err(e) if is_link_error(&e) => return Err(LockError::NotAFile(path.to_path_buf())),
        Err(e) => return Err(io(e)),
    };
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(LockError::NotAFile(path.to_path_buf()));
    }
    let mut text = String::new();
    if meta.len() <= MAX_RECORD_BYTES {
        let _ = file.read_to_string(&mut text);
    }
    Ok(text)
}

fn is_link_error(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_survives_a_reopen_and_ids_follow_the_directory() {
        let parent = tempfile::tempdir().unwrap();
        let site = parent.path().join("a");
        std::fs::create_dir(&site).unwrap();
        assert_eq!(dir_id(&site, "m"), None, "no marker, no identity");
        std::fs::write(site.join("m"), "").unwrap();
        let mut lock = OutputLock::acquire(parent.path(), "book").unwrap();
        assert!(!lock.owns(&site, "m"));
        lock.site = dir_id(&site, "m");
        lock.save().unwrap();
        drop(lock);
        // A rename keeps the identity; a new directory with the same name
        // and a marker with the same bytes does not.
        let moved = parent.path().join("book");
        std::fs::rename(&site, &moved).unwrap();
        let lock = OutputLock::acquire(parent.path(), "book").unwrap();
        assert!(lock.owns(&moved, "m"));
        std::fs::remove_dir_all(&moved).unwrap();
        std::fs::create_dir(&moved).unwrap();
        std::fs::write(moved.join("m"), "").unwrap();
        assert!(!lock.owns(&moved, "m"));
    }

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let parent = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(parent.path(), "book").unwrap();
        let path = parent.path().to_path_buf();
        let waiter = std::thread::spawn(move || {
            let started = Instant::now();
            let _second = OutputLock::acquire(&path, "book").unwrap();
            started.elapsed()
        });
        std::thread::sleep(Duration::from_millis(300));
        drop(first);
        assert!(waiter.join().unwrap() >= Duration::from_millis(250));
    }

    #[cfg(unix)]
    #[test]
    fn a_committed_link_is_not_a_state_file() {
        let parent = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("f"), "keep").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("f"),
            OutputLock::path_for(parent.path(), "book"),
        )
        .unwrap();
        let err = OutputLock::acquire(parent.path(), "book").unwrap_err();
        assert!(matches!(err, LockError::NotAFile(_)), "{err}");
        assert_eq!(
            std::fs::read_to_string(outside.path().join("f")).unwrap(),
            "keep"
        );
    }
}
