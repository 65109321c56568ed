//! The project boundary: every path tm opens (models, book.toml, theme,
//! source roots and the files under them, the output dir, what `tm init`
//! writes) is resolved here, links followed, and must stay inside the
//! project root. The checkout is hostile: a committed symbolic link could
//! otherwise make tm read `/proc/self/environ` into the site or write into
//! `/etc`. Links that stay inside the project are fine.

use std::path::{Component, Path, PathBuf};

/// The project root, resolved once, that every path is checked against.
#[derive(Debug, Clone)]
pub struct ProjectRoot {
    /// The root as the user named it (paths are shown relative to it).
    given: PathBuf,
    /// The root with every link resolved.
    real: PathBuf,
}

/// A path that leads outside the project, or could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum OutsideProject {
    /// The path resolves (through a symbolic link) to somewhere outside the project.
    #[error(
        "{} leads outside the project: through a symbolic link it resolves to {}. tm reads and writes only inside the project (the directory of book.toml); replace the link by the file or directory itself, or point it inside the project",
        shown(.path),
        shown(.target)
    )]
    Escapes {
        /// The path as configured or found, relative to the root where possible.
        path: PathBuf,
        /// Where it really leads.
        target: PathBuf,
    },
    /// The path leads into a `.git` directory: git's own files, which can
    /// hold credentials (`actions/checkout` keeps its token in `.git/config`).
    #[error(
        "{} leads into {}, git's own data (which may hold credentials): tm does not read or write there; point it at the project's files instead",
        shown(.path),
        shown(.target)
    )]
    GitDir {
        /// The path as configured or found.
        path: PathBuf,
        /// Where it really leads.
        target: PathBuf,
    },
    /// The path (or the root) could not be resolved, e.g. a dangling link.
    #[error("cannot resolve {}: {source}", shown(.path))]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl ProjectRoot {
    /// Resolves the root itself (the user chose it, so it may be a link).
    pub fn new(root: &Path) -> Result<ProjectRoot, OutsideProject> {
        let real = root.canonicalize().map_err(|source| OutsideProject::Io {
            path: root.to_path_buf(),
            source,
        })?;
        Ok(ProjectRoot {
            given: root.to_path_buf(),
            real,
        })
    }

    /// The root with its links resolved.
    pub fn real(&self) -> &Path {
        &self.real
    }

    /// Resolves an existing `path` (relative to the root, or already joined
    /// to it), following every link, and requires the result to be inside
    /// the project. Returns the resolved path.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, OutsideProject> {
        let joined = self.join(path);
        let real = joined.canonicalize().map_err(|source| OutsideProject::Io {
            path: self.relative(&joined),
            source,
        })?;
        self.inside(&joined, real)
    }

    /// Like [`ProjectRoot::resolve`] for a path that may not exist yet (an
    /// output dir, a file `tm init` writes): its nearest existing ancestor
    /// must resolve inside the project, and the missing rest is appended.
    pub fn resolve_new(&self, path: &Path) -> Result<PathBuf, OutsideProject> {
        let joined = lexical(&self.join(path));
        let mut probe = joined.clone();
        let mut missing = Vec::new();
        while probe.symlink_metadata().is_err() {
            match (probe.file_name(), probe.parent()) {
                (Some(name), Some(parent)) => {
                    missing.push(name.to_os_string());
                    probe = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut real = probe.canonicalize().map_err(|source| OutsideProject::Io {
            path: self.relative(&probe),
            source,
        })?;
        real.extend(missing.iter().rev());
        self.inside(&joined, real)
    }

    /// Whether an already resolved path is the root or under it.
    pub fn contains(&self, real: &Path) -> bool {
        real.starts_with(&self.real)
    }

    /// `path` relative to the root as given (for messages and findings).
    pub fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.given)
            .or_else(|_| path.strip_prefix(&self.real))
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }

    fn join(&self, path: &Path) -> PathBuf {
        if path.is_absolute() || path.starts_with(&self.given) {
            path.to_path_buf()
        } else {
            self.given.join(path)
        }
    }

    fn inside(&self, joined: &Path, real: PathBuf) -> Result<PathBuf, OutsideProject> {
        let within = real.strip_prefix(&self.real).ok().map(Path::to_path_buf);
        match within {
            Some(rel) if rel.components().any(|c| c.as_os_str() == ".git") => {
                Err(OutsideProject::GitDir {
                    path: self.relative(joined),
                    target: real,
                })
            }
            Some(_) => Ok(real),
            None => Err(OutsideProject::Escapes {
                path: self.relative(joined),
                target: real,
            }),
        }
    }
}

/// A path for a message: control characters escaped, so a hostile file
/// name cannot move the cursor or recolour the terminal.
pub fn shown(path: &Path) -> String {
    path.to_string_lossy()
        .chars()
        .flat_map(|c| -> Box<dyn Iterator<Item = char>> {
            if c.is_control() {
                Box::new(c.escape_default())
            } else {
                Box::new(std::iter::once(c))
            }
        })
        .collect()
}

/// An absolute, `..`-free form of `path`, links left as they are.
fn lexical(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn project() -> (tempfile::TempDir, ProjectRoot) {
        let dir = tempfile::tempdir().unwrap();
        let root = ProjectRoot::new(dir.path()).unwrap();
        (dir, root)
    }

    #[test]
    fn links_inside_are_fine_links_outside_are_refused() {
        let (dir, root) = project();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        std::fs::write(dir.path().join("real/f"), "x").unwrap();
        symlink("real/f", dir.path().join("inside")).unwrap();
        symlink(outside.path(), dir.path().join("out")).unwrap();
        symlink("/etc", dir.path().join("etc")).unwrap();
        assert!(root.resolve(Path::new("inside")).is_ok());
        assert!(root.resolve(&dir.path().join("real/f")).is_ok());
        let err = root.resolve(Path::new("out")).unwrap_err();
        assert!(matches!(err, OutsideProject::Escapes { .. }), "{err}");
        let message = root.resolve(Path::new("etc")).unwrap_err().to_string();
        assert!(
            message.starts_with("etc leads outside the project") && message.contains("/etc."),
            "{message}"
        );
        assert!(root.resolve(Path::new("missing")).is_err());
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join(".git/config"), "token").unwrap();
        symlink(".git/config", dir.path().join("config")).unwrap();
        let err = root.resolve(Path::new("config")).unwrap_err();
        assert!(matches!(err, OutsideProject::GitDir { .. }), "{err}");
    }

    #[test]
    fn new_paths_are_judged_by_their_nearest_existing_ancestor() {
        let (dir, root) = project();
        let outside = tempfile::tempdir().unwrap();
        symlink(outside.path(), dir.path().join("out")).unwrap();
        assert!(root.resolve_new(Path::new("book/site")).is_ok());
        assert!(root.resolve_new(Path::new("a/../book")).is_ok());
        assert!(root.resolve_new(Path::new("out/site")).is_err());
        assert!(root.resolve_new(Path::new("../x")).is_err());
        // A dangling link is resolved through where it points, not around it.
        symlink("/nonexistent-tm-test/x", dir.path().join("dangling")).unwrap();
        assert!(root.resolve_new(Path::new("dangling/f")).is_err());
    }

    #[test]
    fn control_characters_are_escaped_in_messages() {
        assert_eq!(shown(Path::new("a\u{1b}[31mb")), "a\\u{1b}[31mb");
    }
}

/// What [`read_capped`] found: the whole file, or a file over the budget,
/// which was not read.
#[derive(Debug)]
pub enum Capped {
    /// The file's bytes, within the budget.
    Whole(Vec<u8>),
    /// The file's size in bytes, over the budget.
    TooLarge(u64),
}

/// Reads a regular file of at most `max` bytes. The size is checked before
/// reading (so a 600 MB file costs a `stat`, not 600 MB), and the read stops
/// after `max + 1` bytes in case the file grew in between. Anything but a
/// regular file (a FIFO would block, a device never ends) is an error; whether
/// a link may be followed is the caller's rule (containment), decided before.
pub fn read_capped(path: &std::path::Path, max: u64) -> std::io::Result<Capped> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    if meta.len() > max {
        return Ok(Capped::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Ok(Capped::TooLarge(bytes.len() as u64));
    }
    Ok(Capped::Whole(bytes))
}
