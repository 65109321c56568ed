//! Reading the commits that touched model files: one `git log --raw -M` over
//! the models directory, parsed into per-commit file changes with blob ids.

use std::path::PathBuf;

use super::git::{COMMIT_FORMAT, CommitInfo, GitError, Repo, parse_commit};

/// The id git prints for "no blob" (the old side of an addition, the new side of a deletion).
const NULL_BLOB: &str = "0000000000000000000000000000000000000000";

/// How a commit touched a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTouch {
    /// `A`dded, `M`odified, `R`enamed, `D`eleted, `T`ype changed.
    pub status: char,
    /// The path before (differs from `path` for a rename), relative to the project root.
    pub old_path: PathBuf,
    /// The path after (for a deletion: the deleted path).
    pub path: PathBuf,
    /// The blob before, `None` for an addition.
    pub old_blob: Option<String>,
    /// The blob after, `None` for a deletion.
    pub new_blob: Option<String>,
}

/// One commit and the files under the models directory it touched.
#[derive(Debug, Clone)]
pub struct LoggedCommit {
    /// The commit.
    pub info: CommitInfo,
    /// Files touched, in git's order.
    pub touches: Vec<FileTouch>,
}

/// Every non-merge commit reachable from `rev` that touched `dir` (relative
/// to the project root), newest first, with renames detected.
pub fn log_dir(
    repo: &Repo,
    rev: &str,
    dir: &std::path::Path,
) -> Result<Vec<LoggedCommit>, GitError> {
    let pathspec = format!(":(top,literal){}{}", repo.prefix(), dir.to_string_lossy());
    let out = repo.run(&[
        "log",
        "-z",
        "--raw",
        "--no-abbrev",
        "-M",
        "--no-show-signature",
        COMMIT_FORMAT,
        rev,
        "--",
        &pathspec,
    ])?;
    let mut commits = parse_log(repo, &String::from_utf8_lossy(&out))?;
    // `--no-abbrev` (for full blob ids) also lengthens `%h`: abbreviate as git would.
    let short = repo
        .run_text(&["rev-parse", "--short", rev])
        .map_or(7, |s| s.trim().len());
    for c in &mut commits {
        c.info.short = c.info.id.chars().take(short).collect();
    }
    Ok(commits)
}

fn parse_log(repo: &Repo, text: &str) -> Result<Vec<LoggedCommit>, GitError> {
    let mut commits = Vec::new();
    for record in text.split('\x1e').filter(|r| !r.is_empty()) {
        let mut fields = record.split('\0');
        let info = parse_commit(fields.next().unwrap_or_default())?;
        let mut touches = Vec::new();
        while let Some(meta) = fields.next() {
            let meta = meta.trim_start_matches('\n');
            if meta.is_empty() {
                continue;
            }
            let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
            let (Some(old_blob), Some(new_blob), Some(status)) =
                (parts.get(2), parts.get(3), parts.get(4))
            else {
                return Err(GitError::Parse(format!("raw diff line {meta:?}")));
            };
            let status = status.chars().next().unwrap_or('M');
            // A symbolic link on either side is not a model (see SYMLINK_MODE).
            let link = parts.iter().take(2).any(|m| *m == super::git::SYMLINK_MODE);
            let first = fields.next().unwrap_or_default();
            let second = if matches!(status, 'R' | 'C') {
                fields.next()
            } else {
                None
            };
            let (old_path, path) = (first, second.unwrap_or(first));
            let (Some(old_path), Some(path)) =
                (repo.project_path(old_path), repo.project_path(path))
            else {
                continue;
            };
            if link {
                continue;
            }
            let blob = |b: &str| (b != NULL_BLOB).then(|| b.to_owned());
            touches.push(FileTouch {
                status,
                old_path,
                path,
                old_blob: blob(old_blob),
                new_blob: blob(new_blob),
            });
        }
        commits.push(LoggedCommit { info, touches });
    }
    Ok(commits)
}
