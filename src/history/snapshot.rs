//! The model set as it was at one revision, or as it is in the working tree,
//! with the check findings it had then.

use std::path::PathBuf;

use serde::Serialize;

use super::blob::{Blob, oversized_blob};
use super::git::{CommitInfo, GitError, Repo};
use crate::check::{self, CheckOptions};
use crate::config::Config;
use crate::diagnostic::Findings;
use crate::load::{LoadError, MAX_FILE_BYTES, Project};
use crate::model::Date;

/// Which version of the models a snapshot holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Revision {
    /// A commit.
    Commit(CommitInfo),
    /// The files on disk, committed or not.
    WorkingTree,
}

impl Revision {
    /// A short label for people: the abbreviated commit id or "working tree".
    pub fn label(&self) -> String {
        match self {
            Revision::Commit(c) => c.short.clone(),
            Revision::WorkingTree => "working tree".to_owned(),
        }
    }
}

/// The loaded models of one revision and what `tm check` says about them.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Where the models come from.
    pub revision: Revision,
    /// "Today" for this side: expiries and time-based rules are judged on this date.
    pub date: Date,
    /// The models.
    pub project: Project,
    /// The check findings, loader's included.
    pub findings: Findings,
}

/// Why a snapshot could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// Git refused.
    #[error(transparent)]
    Git(#[from] GitError),
    /// The working tree could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
}

impl Snapshot {
    /// The models in the working tree, judged as of `today`.
    pub fn working_tree(config: Config, today: Date) -> Result<Snapshot, SnapshotError> {
        let (project, load_findings) = match Project::load(config.clone()) {
            Ok(loaded) => loaded,
            // No models directory: an empty set, so a diff shows every model removed.
            Err(LoadError::NoModelsDir(_)) => Project::from_files(config, Vec::new()),
            Err(e) => return Err(e.into()),
        };
        Ok(Snapshot::judge(
            Revision::WorkingTree,
            today,
            project,
            load_findings,
        ))
    }

    /// The models committed at `rev`, judged as of the commit's author date
    /// (or `today` when that cannot be read).
    pub fn at_commit(
        repo: &Repo,
        config: Config,
        rev: &str,
        today: Date,
    ) -> Result<Snapshot, SnapshotError> {
        let commit = repo.commit(rev)?;
        let date = commit.day().unwrap_or(today);
        let listed = repo.tree_files(&commit.id, &config.tm.models)?;
        let budget = MAX_FILE_BYTES as u64;
        let mut reader = repo.blob_reader_within(budget)?;
        let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        let mut oversized = Vec::new();
        for (path, blob) in listed.into_iter().filter(|(p, _)| is_model_path(p)) {
            match reader.read_blob(&blob)? {
                Blob::Bytes(bytes) => files.push((path, bytes)),
                Blob::TooLarge { size } => oversized.push(oversized_blob(&path, size, budget)),
                Blob::Missing => {}
            }
        }
        let (project, mut load_findings) = Project::from_files(config, files);
        load_findings.extend(oversized);
        Ok(Snapshot::judge(
            Revision::Commit(commit),
            date,
            project,
            load_findings,
        ))
    }

    fn judge(
        revision: Revision,
        date: Date,
        project: Project,
        load_findings: Vec<crate::Diagnostic>,
    ) -> Snapshot {
        let opts = CheckOptions {
            today: date,
            deny_drafts: false,
        };
        let findings = check::run(&project, load_findings, &opts);
        Snapshot {
            revision,
            date,
            project,
            findings,
        }
    }
}

/// Whether a path names a model file (`*.yaml` or `*.yml`), as the loader decides.
pub fn is_model_path(path: &std::path::Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}
