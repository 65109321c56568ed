//! Reading blobs out of git with their size checked first: a blob over the
//! budget is reported by size and never read into memory.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use super::git::GitError;
use crate::diagnostic::{Diagnostic, Rule};

/// What reading one blob gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blob {
    /// The content, within the budget.
    Bytes(Vec<u8>),
    /// The object exists but is larger than the budget; it was not read.
    TooLarge {
        /// Its size in bytes, as git reports it.
        size: u64,
    },
    /// No such object (or an ambiguous name).
    Missing,
}

/// A `git cat-file --batch-check` and a `git cat-file --batch` side by side:
/// each blob's size is asked first, and only a blob within the budget is
/// then read.
pub struct BlobReader {
    check: Batch,
    read: Batch,
    budget: u64,
}

/// One running `git cat-file` batch process.
struct Batch {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Batch {
    fn start(mut cmd: Command) -> Result<Batch, GitError> {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(GitError::Spawn)?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(GitError::Parse("cat-file has no pipes".into()));
        };
        Ok(Batch {
            child,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
        })
    }

    /// Sends one object name and returns the header line: `None` for a
    /// missing or ambiguous object, else its size.
    fn ask(&mut self, object: &str) -> Result<Option<u64>, GitError> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| GitError::Parse("cat-file is closed".into()))?;
        writeln!(stdin, "{object}")
            .and_then(|()| stdin.flush())
            .map_err(GitError::Spawn)?;
        let mut header = String::new();
        (&mut self.stdout)
            .take(1024)
            .read_line(&mut header)
            .map_err(GitError::Spawn)?;
        let header = header.trim_end();
        if header.ends_with(" missing") || header.ends_with(" ambiguous") {
            return Ok(None);
        }
        header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .map(Some)
            .ok_or_else(|| GitError::Parse(format!("cat-file header {header:?}")))
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        drop(self.stdin.take()); // EOF makes cat-file exit
        let _ = self.child.wait();
    }
}

impl BlobReader {
    /// Starts the two processes from `command` (a configured git command,
    /// called once per process); blobs over `budget` bytes are not read.
    pub fn start(mut command: impl FnMut() -> Command, budget: u64) -> Result<Self, GitError> {
        let mut check = command();
        check.args(["cat-file", "--batch-check"]);
        let mut read = command();
        read.args(["cat-file", "--batch"]);
        Ok(BlobReader {
            check: Batch::start(check)?,
            read: Batch::start(read)?,
            budget,
        })
    }

    /// The size of one object, without reading it; `None` when it does not exist.
    pub fn size(&mut self, object: &str) -> Result<Option<u64>, GitError> {
        if object.contains(['\n', '\r', '\0']) {
            return Ok(None);
        }
        self.check.ask(object)
    }

    /// Reads one object by id (or `rev:path`); `Ok(None)` when it does not
    /// exist, [`GitError::TooLarge`] (nothing read) when it is over the budget.
    pub fn read(&mut self, object: &str) -> Result<Option<Vec<u8>>, GitError> {
        match self.read_blob(object)? {
            Blob::Bytes(bytes) => Ok(Some(bytes)),
            Blob::Missing => Ok(None),
            Blob::TooLarge { size } => Err(GitError::TooLarge {
                object: crate::terminal::escape_line(object).into_owned(),
                size,
                budget: self.budget,
            }),
        }
    }

    /// Reads one object by id (or `rev:path`), or says why not.
    pub fn read_blob(&mut self, object: &str) -> Result<Blob, GitError> {
        if object.contains(['\n', '\r', '\0']) {
            return Ok(Blob::Missing);
        }
        let Some(size) = self.check.ask(object)? else {
            return Ok(Blob::Missing);
        };
        if size > self.budget {
            return Ok(Blob::TooLarge { size });
        }
        let Some(read_size) = self.read.ask(object)? else {
            return Ok(Blob::Missing);
        };
        if read_size != size {
            return Err(GitError::Parse(format!(
                "cat-file sizes disagree for {object}: {size} and {read_size}"
            )));
        }
        let len = usize::try_from(size).map_err(|_| GitError::Parse("blob size".into()))?;
        let mut body = vec![0; len + 1];
        self.read
            .stdout
            .read_exact(&mut body)
            .map_err(GitError::Spawn)?;
        body.pop(); // the newline after each object
        Ok(Blob::Bytes(body))
    }
}

/// The finding for a committed model file over the size budget.
pub fn oversized_blob(file: &Path, size: u64, budget: u64) -> Diagnostic {
    Diagnostic::new(
        Rule::FileShape,
        file,
        None,
        format!(
            "this version of the file is {size} bytes in git; tm reads model files of up to {budget} bytes, so it was not read"
        ),
    )
    .with_help("split the model into several files, one per system")
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::process::{Command, Stdio};

    use super::*;
    use crate::history::Repo;

    fn git(dir: &Path, args: &[&str], input: &[u8]) -> String {
        let mut child = Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "git {args:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    #[test]
    fn a_blob_over_the_budget_is_sized_not_read_and_the_next_read_still_works() {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "-q"], b"");
        let big = git(
            dir.path(),
            &["hash-object", "-w", "--stdin"],
            &[b'x'; 100_000],
        );
        let small = git(dir.path(), &["hash-object", "-w", "--stdin"], b"tm: 1\n");
        let repo = Repo::discover(dir.path()).unwrap().unwrap();
        let mut reader = repo.blob_reader_within(1000).unwrap();
        let small_bytes = Blob::Bytes(b"tm: 1\n".to_vec());
        assert_eq!(
            reader.read_blob(&big).unwrap(),
            Blob::TooLarge { size: 100_000 }
        );
        assert_eq!(reader.read_blob(&small).unwrap(), small_bytes);
        assert!(matches!(
            reader.read(&big),
            Err(GitError::TooLarge {
                size: 100_000,
                budget: 1000,
                ..
            })
        ));
        let missing = "0123456789012345678901234567890123456789";
        assert_eq!(reader.read_blob(missing).unwrap(), Blob::Missing);
        assert_eq!(reader.read(missing).unwrap(), None);
        assert_eq!(reader.read_blob("a\nHEAD").unwrap(), Blob::Missing);
        assert_eq!(reader.read(&small).unwrap(), Some(b"tm: 1\n".to_vec()));
    }

    #[test]
    fn the_finding_names_the_size_and_the_budget() {
        let d = oversized_blob(Path::new("models/a.yaml"), 600_000_000, 8);
        assert_eq!(d.rule, Rule::FileShape);
        assert!(d.message.contains("600000000 bytes"), "{}", d.message);
        assert!(d.message.contains("up to 8 bytes"), "{}", d.message);
    }
}
