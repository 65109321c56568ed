//! Git access through the `git` command line: one process per query, never a
//! shell, arguments passed as a vector, paths NUL-separated.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// git's mode for a symbolic link: never read as a model, in any revision,
/// just as `tm check` does not follow a linked model file (TM004).
pub(crate) const SYMLINK_MODE: &str = "120000";

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
    /// git's output was not what tm expects.
    #[error("unexpected output from git: {0}")]
    Parse(String),
}

/// A git work tree that holds the project, queried with the `git` CLI.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The project root (where book.toml is); git runs there.
    root: PathBuf,
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
    /// The calendar day of the author date.
    pub fn day(&self) -> Option<crate::model::Date> {
        self.date.get(..10)?.parse().ok()
    }
}

/// `--format` for [`CommitInfo`]: fields separated by US, records started by RS.
pub(crate) const COMMIT_FORMAT: &str = "--format=%x1e%H%x1f%h%x1f%an%x1f%ae%x1f%aI%x1f%s";

/// Parses one record of [`COMMIT_FORMAT`] (without the leading RS).
pub(crate) fn parse_commit(record: &str) -> Result<CommitInfo, GitError> {
    let mut f = record.split('\x1f');
    let mut next = || {
        f.next()
            .map(str::to_owned)
            .ok_or_else(|| GitError::Parse(format!("short commit record {record:?}")))
    };
    Ok(CommitInfo {
        id: next()?,
        short: next()?,
        author: next()?,
        email: next()?,
        date: next()?,
        subject: next()?,
    })
}

impl Repo {
    /// Opens the work tree holding `root`; `Ok(None)` when `root` is not in a
    /// git work tree (or git is not installed), so callers can go on without history.
    pub fn discover(root: &Path) -> Result<Option<Repo>, GitError> {
        let out = match Command::new("git")
            .arg("-C")
            .arg(root)
            .args([
                "rev-parse",
                "--is-inside-work-tree",
                "--show-prefix",
                "--is-shallow-repository",
            ])
            .stdin(Stdio::null())
            .output()
        {
            Ok(out) => out,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(GitError::Spawn(e)),
        };
        if !out.status.success() {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = text.lines().collect();
        if lines.first() != Some(&"true") {
            return Ok(None);
        }
        let mut repo = Repo {
            root: root.to_path_buf(),
            prefix: lines.get(1).copied().unwrap_or_default().to_owned(),
            shallow: lines.get(2) == Some(&"true"),
            shallow_commits: Vec::new(),
        };
        if repo.shallow {
            let path = repo.run_text(&["rev-parse", "--git-path", "shallow"])?;
            let path = root.join(path.trim());
            repo.shallow_commits = std::fs::read_to_string(path)
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect();
        }
        Ok(Some(repo))
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
        let text = self.run_text(&["show", "-s", "--no-show-signature", COMMIT_FORMAT, &id])?;
        parse_commit(text.trim_end_matches('\n').trim_start_matches('\x1e'))
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
        self.run_text(&["merge-base", a, b])
            .map(|s| s.trim().to_owned())
            .map_err(|_| GitError::UnknownRevision(format!("merge-base of {a} and {b}")))
    }

    /// The blobs under `dir` (relative to the project root) at `rev`, links left out, as
    /// (project-relative path, blob id), sorted by path.
    pub fn tree_files(&self, rev: &str, dir: &Path) -> Result<Vec<(PathBuf, String)>, GitError> {
        let pathspec = format!(":(top,literal){}{}", self.prefix, dir.to_string_lossy());
        let out = self.run(&["ls-tree", "-r", "-z", "--full-tree", rev, "--", &pathspec])?;
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
        let out = self
            .command()
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(GitError::Spawn)?;
        if !out.status.success() {
            return Err(GitError::Failed {
                args: args.join(" "),
                stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            });
        }
        Ok(out.stdout)
    }

    /// Like [`Repo::run`], decoded as UTF-8 (lossily).
    pub(crate) fn run_text(&self, args: &[&str]) -> Result<String, GitError> {
        self.run(args)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new("git");
        cmd.arg("-C")
            .arg(&self.root)
            .args(["-c", "core.quotepath=off", "--no-pager"])
            .env("GIT_OPTIONAL_LOCKS", "0");
        cmd
    }

    /// Starts one `git cat-file --batch` process to read many blobs cheaply.
    pub fn blob_reader(&self) -> Result<BlobReader, GitError> {
        let mut child = self
            .command()
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(GitError::Spawn)?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(BlobReader {
            child,
            stdin: Some(stdin),
            stdout,
        })
    }
}

/// A running `git cat-file --batch`: one request, one answer, in turn.
pub struct BlobReader {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl BlobReader {
    /// Reads one object by id (or `rev:path`); `Ok(None)` when it does not exist.
    pub fn read(&mut self, object: &str) -> Result<Option<Vec<u8>>, GitError> {
        let stdin = self.stdin.as_mut().expect("open until drop");
        writeln!(stdin, "{object}")
            .and_then(|()| stdin.flush())
            .map_err(GitError::Spawn)?;
        let mut header = String::new();
        self.stdout
            .read_line(&mut header)
            .map_err(GitError::Spawn)?;
        let header = header.trim_end();
        if header.ends_with(" missing") || header.ends_with(" ambiguous") {
            return Ok(None);
        }
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| GitError::Parse(format!("cat-file header {header:?}")))?;
        let mut body = vec![0; size + 1];
        self.stdout.read_exact(&mut body).map_err(GitError::Spawn)?;
        body.pop(); // the newline after each object
        Ok(Some(body))
    }
}

impl Drop for BlobReader {
    fn drop(&mut self) {
        drop(self.stdin.take()); // EOF makes cat-file exit
        let _ = self.child.wait();
    }
}
