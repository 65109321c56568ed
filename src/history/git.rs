//! Git access through the `git` command line: one process per query, never a
//! shell, arguments passed as a vector, output NUL-separated. Every process
//! is built by [`git_command`] on the repository [`locate`] found.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::blob::BlobReader;
use super::git_command::{
    RepoLocation, ceiling_env, empty_tree, git_command, pinned_git, user_safe_directories,
};
use super::locate::{ceilings_from_env, locate};
use super::log::{COMMIT_FORMAT, parse_log};

/// git's mode for a symbolic link: never read as a model, in any revision,
/// just as `tm check` does not follow a linked model file (TM004).
const SYMLINK_MODE: &str = "120000";

/// Why a git query failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// `git` could not be started at all.
    #[error("cannot run git: {0}; install git or put it on PATH")]
    Spawn(std::io::Error),
    /// git ran and refused, with what it said.
    #[error("`git {args}` failed: {stderr}")]
    Failed {
        /// The arguments, for the message.
        args: String,
        /// git's own explanation.
        stderr: String,
    },
    /// A revision does not name a commit in the available history.
    #[error(
        "`{0}` is not a commit in this repository's available history (in a shallow clone, fetch more: `git fetch --deepen=100` or `fetch-depth: 0` in CI)"
    )]
    UnknownRevision(String),
    /// An object is over the size budget; it was not read.
    #[error(
        "git object {object} is {size} bytes, over tm's budget of {budget} bytes: it was not read"
    )]
    TooLarge {
        /// The object name, as asked.
        object: String,
        /// Its size.
        size: u64,
        /// The budget.
        budget: u64,
    },
    /// git's output was not what tm expects.
    #[error("unexpected output from git: {0}")]
    Parse(String),
}

/// A git work tree that holds the project, queried with the `git` CLI.
#[derive(Debug, Clone)]
pub struct Repo {
    /// Where the repository is, as tm found it.
    location: RepoLocation,
    /// The project root (where book.toml is), absolute; git runs there.
    root: PathBuf,
    /// The empty tree of the repository's object format: attributes come from it.
    attr_source: &'static str,
    /// The user's own `safe.directory` entries, when git's ownership check needs them.
    safe_directories: Vec<String>,
    /// The project root relative to the top of the work tree, `/`-terminated or empty.
    prefix: String,
    /// Whether this is a shallow clone.
    shallow: bool,
    /// The commits at the shallow boundary (their parents are missing).
    shallow_commits: Vec<String>,
}

/// What tm knows about one commit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommitInfo {
    /// The full object id.
    pub id: String,
    /// The abbreviated id shown to people.
    pub short: String,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// Author date, ISO 8601 as git prints it (`2026-03-01T10:00:00+00:00`).
    pub date: String,
    /// First line of the message.
    pub subject: String,
}

impl CommitInfo {
    /// The calendar day of the author date (git prints ISO 8601, so the day
    /// is its first ten characters; anything else is no day).
    pub fn day(&self) -> Option<crate::model::Date> {
        self.date.get(..10)?.parse().ok()
    }

    /// The day for people: `YYYY-MM-DD`, or git's text as it is when it is
    /// not a date.
    pub fn day_shown(&self) -> String {
        self.day()
            .map_or_else(|| self.date.clone(), |d| d.to_string())
    }
}

impl Repo {
    /// Opens the repository whose work tree holds `root`, found by tm's own
    /// rule ([`locate`]); `Ok(None)` when there is none, git refuses it, or
    /// git is not installed, so callers can go on without history.
    pub fn discover(root: &Path) -> Result<Option<Repo>, GitError> {
        let Some(location) = locate(root, &ceilings_from_env()) else {
            return Ok(None);
        };
        let Ok(root) = std::fs::canonicalize(root) else {
            return Ok(None);
        };
        let mut repo = Repo {
            location,
            root,
            attr_source: empty_tree("sha1"),
            safe_directories: Vec::new(),
            prefix: String::new(),
            shallow: false,
            shallow_commits: Vec::new(),
        };
        if !repo.owner_trusted()? {
            return Ok(None);
        }
        let query = [
            "rev-parse",
            "--is-inside-work-tree",
            "--show-prefix",
            "--is-shallow-repository",
            "--show-object-format",
        ];
        let out = match repo.output(&query) {
            Ok(out) => out,
            Err(GitError::Spawn(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        if !out.status.success() {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = text.lines().collect();
        if lines.first() != Some(&"true") {
            return Ok(None);
        }
        repo.prefix = lines.get(1).copied().unwrap_or_default().to_owned();
        repo.shallow = lines.get(2) == Some(&"true");
        repo.attr_source = empty_tree(lines.get(3).copied().unwrap_or("sha1"));
        if repo.shallow {
            let path = repo.run_text(&["rev-parse", "--git-path", "shallow"])?;
            let path = repo.root.join(path.trim());
            repo.shallow_commits = std::fs::read_to_string(path)
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect();
        }
        Ok(Some(repo))
    }

    /// Whether git's ownership check accepts the located repository: git
    /// discovers it from the top of its work tree (the only place it looks),
    /// and refuses one owned by another user unless the user's own
    /// `safe.directory` says otherwise, as plain git would.
    fn owner_trusted(&mut self) -> Result<bool, GitError> {
        let ask = |safe: &[String]| {
            pinned_git(&self.location.work_tree, self.attr_source, safe)
                .env_remove("GIT_DIR")
                .env_remove("GIT_WORK_TREE")
                .envs([ceiling_env(&self.location.work_tree)])
                .args(["rev-parse", "--absolute-git-dir"])
                .stdin(Stdio::null())
                .output()
        };
        let mut out = match ask(&[]) {
            Ok(out) => out,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(GitError::Spawn(e)),
        };
        if !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("safe.directory")
        {
            self.safe_directories = user_safe_directories();
            out = ask(&self.safe_directories).map_err(GitError::Spawn)?;
        }
        let found = String::from_utf8_lossy(&out.stdout);
        let same = |a: &Path, b: &Path| {
            std::fs::canonicalize(a)
                .ok()
                .is_some_and(|a| std::fs::canonicalize(b).ok() == Some(a))
        };
        Ok(out.status.success()
            && same(
                Path::new(found.trim_end_matches('\n')),
                &self.location.git_dir,
            ))
    }

    /// Where the repository is: its git directory and work tree.
    pub fn location(&self) -> &RepoLocation {
        &self.location
    }

    /// Whether the clone is shallow (history is cut off).
    pub fn is_shallow(&self) -> bool {
        self.shallow
    }

    /// Whether `commit` sits at the shallow boundary: its parents were not fetched.
    pub fn is_shallow_boundary(&self, commit: &str) -> bool {
        self.shallow_commits.iter().any(|c| c == commit)
    }

    /// The oldest fetched commit of a shallow clone (the first boundary commit).
    pub fn shallow_boundary(&self) -> Option<&str> {
        self.shallow_commits.first().map(String::as_str)
    }

    /// The project root relative to the top of the work tree (`""` or `sub/dir/`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Turns a path relative to the top of the work tree into one relative to the
    /// project root; `None` when it lies outside the project.
    pub fn project_path(&self, top_relative: &str) -> Option<PathBuf> {
        top_relative.strip_prefix(&self.prefix).map(PathBuf::from)
    }

    /// Resolves a revision to a full commit id.
    pub fn resolve(&self, rev: &str) -> Result<String, GitError> {
        let spec = format!("{rev}^{{commit}}");
        self.run_text(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ])
        .map(|s| s.trim().to_owned())
        .map_err(|_| GitError::UnknownRevision(rev.to_owned()))
    }

    /// The commit metadata of one revision.
    pub fn commit(&self, rev: &str) -> Result<CommitInfo, GitError> {
        let id = self.resolve(rev)?;
        let out = self.run(&[
            "show",
            "-s",
            "-z",
            "--no-show-signature",
            "--no-color",
            COMMIT_FORMAT,
            "--end-of-options",
            &id,
        ])?;
        parse_log(&out)?
            .into_iter()
            .next()
            .map(|c| c.info)
            .ok_or_else(|| GitError::Parse(format!("no commit {id}")))
    }

    /// The branch new work merges into: `origin/HEAD`'s target, else the first of
    /// `origin/main`, `origin/master`, `main`, `master` that exists.
    pub fn default_branch(&self) -> Option<String> {
        if let Ok(s) = self.run_text(&[
            "symbolic-ref",
            "--quiet",
            "--short",
            "refs/remotes/origin/HEAD",
        ]) {
            return Some(s.trim().to_owned());
        }
        ["origin/main", "origin/master", "main", "master"]
            .into_iter()
            .find(|b| self.resolve(b).is_ok())
            .map(str::to_owned)
    }

    /// The best common ancestor of two revisions.
    pub fn merge_base(&self, a: &str, b: &str) -> Result<String, GitError> {
        self.run_text(&["merge-base", "--end-of-options", a, b])
            .map(|s| s.trim().to_owned())
            .map_err(|_| GitError::UnknownRevision(format!("merge-base of {a} and {b}")))
    }

    /// The blobs under `dir` (relative to the project root; `.` or empty for
    /// all of it) at `rev`, links left out, as (project-relative path, blob
    /// id), sorted by path.
    pub fn tree_files(&self, rev: &str, dir: &Path) -> Result<Vec<(PathBuf, String)>, GitError> {
        let relative: Vec<String> = dir
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        let path = format!("{}{}", self.prefix, relative.join("/"));
        // A literal `.` matches nothing: the whole tree is `:(top)`.
        let pathspec = if path.is_empty() {
            ":(top)".to_owned()
        } else {
            format!(":(top,literal){path}")
        };
        let out = self.run(&[
            "ls-tree",
            "-r",
            "-z",
            "--full-tree",
            "--end-of-options",
            rev,
            "--",
            &pathspec,
        ])?;
        let mut files = Vec::new();
        for entry in out.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let (meta, path) = entry
                .split_once('\t')
                .ok_or_else(|| GitError::Parse(format!("ls-tree entry {entry:?}")))?;
            let mut meta = meta.split(' ');
            let (mode, kind, id) = (meta.next(), meta.next(), meta.next());
            // A symbolic link (mode 120000) is not a model, as on disk (TM004).
            if mode == Some(SYMLINK_MODE) {
                continue;
            }
            if let (Some("blob"), Some(id), Some(rel)) = (kind, id, self.project_path(path)) {
                files.push((rel, id.to_owned()));
            }
        }
        files.sort();
        Ok(files)
    }

    /// Runs git in the project root and returns standard output.
    pub(crate) fn run(&self, args: &[&str]) -> Result<Vec<u8>, GitError> {
        let out = self.output(args)?;
        if !out.status.success() {
            // Arguments and git's messages can quote model or commit text.
            return Err(GitError::Failed {
                args: crate::terminal::escape_line(&args.join(" ")).into_owned(),
                stderr: crate::terminal::escape_text(String::from_utf8_lossy(&out.stderr).trim())
                    .into_owned(),
            });
        }
        Ok(out.stdout)
    }

    fn output(&self, args: &[&str]) -> Result<std::process::Output, GitError> {
        self.command()
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(GitError::Spawn)
    }

    /// Like [`Repo::run`], decoded as UTF-8 (lossily).
    pub(crate) fn run_text(&self, args: &[&str]) -> Result<String, GitError> {
        self.run(args)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    /// A git process on this repository, with tm's fixed configuration.
    fn command(&self) -> Command {
        git_command(
            &self.location,
            &self.root,
            self.attr_source,
            &self.safe_directories,
        )
    }

    /// Starts a blob reader with the model-file budget
    /// ([`MAX_FILE_BYTES`](crate::load::MAX_FILE_BYTES)): a larger blob is
    /// sized, never read.
    pub fn blob_reader(&self) -> Result<BlobReader, GitError> {
        self.blob_reader_within(crate::load::MAX_FILE_BYTES as u64)
    }

    /// Starts a blob reader; blobs over `budget` bytes are reported by size, not read.
    pub fn blob_reader_within(&self, budget: u64) -> Result<BlobReader, GitError> {
        BlobReader::start(|| self.command(), budget)
    }
}
