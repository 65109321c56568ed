//! A revision judged as `tm check` judges the working tree: its own
//! `book.toml`, its models and its source tree (code cross-check included),
//! written from git's objects into a private temporary directory and analysed
//! there. The working tree is analysed in place.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::super::blob::Blob;
use super::super::git::{GitError, Repo};
use super::super::snapshot::{Revision, Snapshot};
use crate::analysis::Analysis;
use crate::check::{self, CheckOptions};
use crate::code::CodeReport;
use crate::config::{CONFIG_FILE, Config, ConfigError};
use crate::load::{LoadError, Project};
use crate::model::Date;

/// One side of a diff: the snapshot (models, findings) and what the code
/// cross-check saw (unmodelled entry points).
#[derive(Debug)]
pub struct CheckedRevision {
    /// The models and every finding, with the revision's own configuration.
    pub snapshot: Snapshot,
    /// The code cross-check's report.
    pub code: CodeReport,
}

/// Why a revision could not be judged.
#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    /// Git refused.
    #[error(transparent)]
    Git(#[from] GitError),
    /// The revision's `book.toml` is invalid.
    #[error("book.toml at revision {rev}: {source}")]
    Config {
        /// The revision.
        rev: String,
        /// What is wrong.
        source: ConfigError,
    },
    /// The models could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The temporary copy could not be written.
    #[error("cannot write the temporary copy of {rev}: {source}")]
    Io {
        /// The revision.
        rev: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Judges the working tree with `config` as of `today`. `head`, when known,
/// is the commit the working tree is based on (for links).
pub fn check_working_tree(config: Config, today: Date) -> Result<CheckedRevision, CheckoutError> {
    judge(Revision::WorkingTree, config, today)
}

/// Judges the commit `rev` as of its author date (or `today`), with the
/// `book.toml` committed there and environment overrides from `env`.
pub fn check_commit(
    repo: &Repo,
    rev: &str,
    env: &[(String, String)],
    today: Date,
) -> Result<CheckedRevision, CheckoutError> {
    let commit = repo.commit(rev)?;
    let date = commit.day().unwrap_or(today);
    let io = |source| CheckoutError::Io {
        rev: rev.to_owned(),
        source,
    };
    let dir = tempfile::Builder::new()
        .prefix("tm-diff-")
        .tempdir()
        .map_err(io)?;
    let mut reader = repo.blob_reader()?;
    let config_object = format!("{}:{}{CONFIG_FILE}", commit.id, repo.prefix());
    if let Some(bytes) = reader.read(&config_object)? {
        std::fs::write(dir.path().join(CONFIG_FILE), bytes).map_err(io)?;
    }
    // Errors name book.toml as committed, never the temporary copy.
    let committed = PathBuf::from(format!("{}{CONFIG_FILE}", repo.prefix()));
    let config_error = |source| CheckoutError::Config {
        rev: rev.to_owned(),
        source: as_committed(source, &committed),
    };
    // The source roots are written below, from this very book.toml: their
    // existence is checked once they are.
    let config =
        Config::load_before_source_roots(dir.path(), env.iter().cloned()).map_err(config_error)?;
    let dirs = std::iter::once(&config.tm.models).chain(&config.tm.source_roots);
    let mut written: BTreeSet<PathBuf> = BTreeSet::new();
    for sub in dirs {
        for entry in list_tree(repo, &commit.id, sub)? {
            if !written.insert(entry.path.clone()) {
                continue;
            }
            match reader.read_blob(&entry.blob)? {
                Blob::Bytes(bytes) => write_entry(dir.path(), &entry, bytes).map_err(io)?,
                // Over the reading budget: a sparse file of the same size,
                // which the analysis sizes and skips as it would in a checkout.
                Blob::TooLarge { size } => write_sized(dir.path(), &entry, size).map_err(io)?,
                Blob::Missing => {}
            }
        }
    }
    drop(reader);
    config.check_source_roots().map_err(config_error)?;
    let checked = judge(Revision::Commit(commit), config, date)?;
    drop(dir);
    Ok(checked)
}

/// `e` with its path replaced by `committed` (the file's path in the
/// repository), so that a message never shows the temporary copy.
fn as_committed(e: ConfigError, committed: &Path) -> ConfigError {
    let path = committed.to_path_buf();
    match e {
        ConfigError::Io { source, .. } => ConfigError::Io { path, source },
        ConfigError::Invalid { message, .. } => ConfigError::Invalid { path, message },
        ConfigError::At {
            line,
            column,
            message,
            ..
        } => ConfigError::At {
            path,
            line,
            column,
            message,
        },
        other => other,
    }
}

fn judge(revision: Revision, config: Config, date: Date) -> Result<CheckedRevision, CheckoutError> {
    let opts = CheckOptions {
        today: date,
        deny_drafts: false,
    };
    let (project, findings, code) =
        match Analysis::run_with(config.clone(), &opts, crate::history::review_drift::check) {
            Ok(a) => (a.project, a.findings, a.code),
            // No models directory: an empty set, so a diff shows every model removed.
            Err(LoadError::NoModelsDir(_)) => {
                let (project, load) = Project::from_files(config, Vec::new());
                let findings = check::run(&project, load, &opts);
                (project, findings, CodeReport::default())
            }
            Err(e) => return Err(e.into()),
        };
    Ok(CheckedRevision {
        snapshot: Snapshot {
            revision,
            date,
            project,
            findings,
        },
        code,
    })
}

/// One file of a tree listing.
struct TreeEntry {
    /// Relative to the project root.
    path: PathBuf,
    blob: String,
}

/// The regular files under `sub` (relative to the project root) at
/// `commit`, from one NUL-delimited `git ls-tree`. A symbolic link (mode
/// 120000) is never written into the copy: tm does not follow links to
/// models or sources, and history (`tree_files`, the log) skips them too.
fn list_tree(repo: &Repo, commit: &str, sub: &Path) -> Result<Vec<TreeEntry>, GitError> {
    Ok(repo
        .tree_files(commit, sub)?
        .into_iter()
        .filter(|(path, _)| crate::config::stays_inside(path))
        .map(|(path, blob)| TreeEntry { path, blob })
        .collect())
}

/// Writes a file of `size` bytes without content (sparse where the file
/// system allows), for a blob too large to read.
fn write_sized(root: &Path, entry: &TreeEntry, size: u64) -> std::io::Result<()> {
    let target = root.join(&entry.path);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::File::create(target)?.set_len(size)
}

/// Writes one file under `root`.
fn write_entry(root: &Path, entry: &TreeEntry, bytes: Vec<u8>) -> std::io::Result<()> {
    let target = root.join(&entry.path);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(target, bytes)
}
