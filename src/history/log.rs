//! Reading commits out of `git log -z --raw`: every field NUL-terminated and
//! read by count, so no byte of a subject, an author or a path can end a
//! record early or start a new one.
//!
//! Git cannot put a NUL inside a subject, a name or a path, so NUL is the only
//! separator tm trusts. A commit is exactly [`COMMIT_FIELDS`] fields; each raw
//! diff entry is a `:`-metadata field followed by one path (two for a rename
//! or copy). Subjects holding record separators, newlines or a line that looks
//! like a review are just text in their field.

use std::path::PathBuf;

use super::git::{CommitInfo, GitError, Repo};

/// `--format` for [`CommitInfo`]: id, short id, author, email, date, subject, each NUL-terminated.
pub(crate) const COMMIT_FORMAT: &str = "--format=%H%x00%h%x00%an%x00%ae%x00%aI%x00%s%x00";

/// How many fields [`COMMIT_FORMAT`] prints per commit.
const COMMIT_FIELDS: usize = 6;

/// git's mode for a symbolic link: a link is never read as a model, in any
/// revision, just as `tm check` does not follow a linked model file.
const LINK_MODE: &str = "120000";

/// The id git prints for "no blob" (the old side of an addition, the new side of a deletion).
fn is_null_blob(id: &str) -> bool {
    id.bytes().all(|b| b == b'0')
}

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

/// One raw diff entry as git printed it, paths relative to the top of the work tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawTouch {
    /// The file modes before and after (`100644`, `120000` for a link, …).
    pub modes: [String; 2],
    /// The status letter.
    pub status: char,
    /// The blob before (all zeros for none).
    pub old_blob: String,
    /// The blob after (all zeros for none).
    pub new_blob: String,
    /// The source path of a rename or copy; else the path.
    pub old_path: String,
    /// The path.
    pub path: String,
}

/// One commit of `git log -z --raw COMMIT_FORMAT` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawCommit {
    /// The commit.
    pub info: CommitInfo,
    /// Its raw diff entries.
    pub touches: Vec<RawTouch>,
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
        "--no-color",
        "--no-textconv",
        "--no-ext-diff",
        COMMIT_FORMAT,
        "--end-of-options",
        rev,
        "--",
        &pathspec,
    ])?;
    // `--no-abbrev` (for full blob ids) also lengthens `%h`: abbreviate as git would.
    let short = repo
        .run_text(&["rev-parse", "--short", "--end-of-options", rev])
        .map_or(7, |s| s.trim().len());
    let mut commits = Vec::new();
    for raw in parse_log(&out)? {
        let mut info = raw.info;
        info.short = info.id.chars().take(short).collect();
        let touches = raw
            .touches
            .into_iter()
            .filter(|t| !t.modes.iter().any(|m| m == LINK_MODE))
            .filter_map(|t| {
                let old_path = repo.project_path(&t.old_path)?;
                let path = repo.project_path(&t.path)?;
                let blob = |b: String| (!is_null_blob(&b)).then_some(b);
                Some(FileTouch {
                    status: t.status,
                    old_path,
                    path,
                    old_blob: blob(t.old_blob),
                    new_blob: blob(t.new_blob),
                })
            })
            .collect();
        commits.push(LoggedCommit { info, touches });
    }
    Ok(commits)
}

/// Parses `git log -z [--raw] COMMIT_FORMAT` (or `git show -s -z COMMIT_FORMAT`) output.
pub(crate) fn parse_log(out: &[u8]) -> Result<Vec<RawCommit>, GitError> {
    let mut fields = out
        .split(|b| *b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .peekable();
    let mut commits = Vec::new();
    loop {
        // Between records git prints the `-z` terminator and a newline.
        while fields
            .next_if(|f| f.trim_start_matches('\n').is_empty())
            .is_some()
        {}
        let Some(first) = fields.next() else {
            break;
        };
        let id = first.trim_start_matches('\n').to_owned();
        if !is_object_id(&id) {
            return Err(GitError::Parse(format!(
                "expected a commit id, found {:?}",
                crate::terminal::escape_line(&id)
            )));
        }
        let mut next = || {
            fields
                .next()
                .ok_or_else(|| GitError::Parse(format!("commit {id} is cut short")))
        };
        let mut header: Vec<String> = Vec::with_capacity(COMMIT_FIELDS - 1);
        for _ in 1..COMMIT_FIELDS {
            header.push(next()?);
        }
        let [short, author, email, date, subject] = <[String; COMMIT_FIELDS - 1]>::try_from(header)
            .map_err(|_| GitError::Parse("commit header".into()))?;
        let info = CommitInfo {
            id: id.clone(),
            short,
            author,
            email,
            date,
            subject,
        };
        let mut touches = Vec::new();
        while fields.next_if(|f| f.is_empty()).is_some() {}
        while let Some(meta) = fields.next_if(|f| f.trim_start_matches('\n').starts_with(':')) {
            touches.push(parse_touch(&meta, &mut fields)?);
            while fields.next_if(|f| f.is_empty()).is_some() {}
        }
        commits.push(RawCommit { info, touches });
    }
    Ok(commits)
}

/// One raw entry: `:old-mode new-mode old-blob new-blob status`, then its paths.
fn parse_touch(
    meta: &str,
    fields: &mut impl Iterator<Item = String>,
) -> Result<RawTouch, GitError> {
    let parts: Vec<&str> = meta
        .trim_start_matches('\n')
        .trim_start_matches(':')
        .split(' ')
        .collect();
    let (Some(old_mode), Some(new_mode), Some(old_blob), Some(new_blob), Some(status)) = (
        parts.first(),
        parts.get(1),
        parts.get(2),
        parts.get(3),
        parts.get(4),
    ) else {
        return Err(GitError::Parse(format!(
            "raw diff entry {:?}",
            crate::terminal::escape_line(meta)
        )));
    };
    let status = status.chars().next().unwrap_or('M');
    let missing = || GitError::Parse(format!("raw diff entry {meta:?} has no path"));
    // A path is never empty: an empty field is the end of the output.
    let mut path = || fields.next().filter(|p| !p.is_empty()).ok_or_else(missing);
    let first = path()?;
    let (old_path, path) = if matches!(status, 'R' | 'C') {
        let second = path()?;
        (first, second)
    } else {
        (first.clone(), first)
    };
    Ok(RawTouch {
        modes: [(*old_mode).to_owned(), (*new_mode).to_owned()],
        status,
        old_blob: (*old_blob).to_owned(),
        new_blob: (*new_blob).to_owned(),
        old_path,
        path,
    })
}

/// Whether `s` is a full SHA-1 or SHA-256 object id.
fn is_object_id(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "435360e76bf4c349f1cff0c56622e7e424160ee8";
    const B: &str = "765d044345d620bf25d596680c9d08cc6b76d30a";
    const BLOB: &str = "7898192261b2afb6025042ff6bd878ac1994e850";
    const NULL: &str = "0000000000000000000000000000000000000000";

    fn header(id: &str, subject: &str) -> String {
        format!(
            "{id}\0{}\0Ada\0ada@example.com\02026-01-01T10:00:00+00:00\0{subject}\0",
            &id[..7]
        )
    }

    #[test]
    fn commits_and_their_raw_entries_are_read_by_count() {
        let out = format!(
            "{}\0\n:100644 100644 {BLOB} {BLOB} R100\0m/x.yaml\0m/y.yaml\0:000000 100644 {NULL} {BLOB} A\0m/z.yaml\0{}\0\n:000000 100644 {NULL} {BLOB} A\0m/x.yaml\0",
            header(A, "rename"),
            header(B, "first"),
        );
        let commits = parse_log(out.as_bytes()).unwrap();
        assert_eq!(commits.len(), 2);
        assert_eq!(commits[0].info.id, A);
        assert_eq!(commits[0].touches.len(), 2);
        assert_eq!(commits[0].touches[0].old_path, "m/x.yaml");
        assert_eq!(commits[0].touches[0].path, "m/y.yaml");
        assert_eq!(commits[0].touches[1].status, 'A');
        assert_eq!(commits[1].info.subject, "first");
        assert_eq!(commits[1].touches[0].path, "m/x.yaml");
        assert_eq!(commits[1].touches[0].modes, ["000000", "100644"]);
    }

    #[test]
    fn separators_and_fake_records_in_a_subject_stay_in_the_subject() {
        let forged = format!(
            "x\x1e{B}\x1fabc\x1fEve\x1fe@x\x1f2026-01-01\x1fsecurity review: approved\n:000000 100644 {NULL} {BLOB} A\tm/evil.yaml"
        );
        let out = format!("{}\0{}\0", header(A, &forged), header(B, ""));
        let commits = parse_log(out.as_bytes()).unwrap();
        assert_eq!(commits.len(), 2);
        assert_eq!(commits[0].info.subject, forged);
        assert!(commits[0].touches.is_empty());
        assert_eq!(commits[1].info.subject, "");
    }

    #[test]
    fn a_path_that_looks_like_a_commit_or_an_entry_is_a_path() {
        let out = format!(
            "{}\0\n:000000 100644 {NULL} {BLOB} A\0{B}\0:000000 100644 {NULL} {BLOB} A\0:weird\0",
            header(A, "s")
        );
        let commits = parse_log(out.as_bytes()).unwrap();
        assert_eq!(commits.len(), 1);
        let paths: Vec<&str> = commits[0].touches.iter().map(|t| t.path.as_str()).collect();
        assert_eq!(paths, [B, ":weird"]);
    }

    #[test]
    fn no_truncation_or_inserted_separator_makes_the_parser_panic() {
        let out = format!(
            "{}\0\n:100644 100644 {BLOB} {BLOB} R100\0m/x.yaml\0m/y.yaml\0{}\0\n:000000 120000 {NULL} {BLOB} A\0m/l.yaml\0",
            header(A, "a\x1eb"),
            header(B, ""),
        );
        let bytes = out.as_bytes();
        for cut in 0..=bytes.len() {
            let _ = parse_log(&bytes[..cut]);
            for extra in [0u8, b':', b'\n', 0x1e, 0xff] {
                let mut mutated = bytes.to_vec();
                mutated.insert(cut, extra);
                let _ = parse_log(&mutated);
                if cut < bytes.len() {
                    mutated.remove(cut);
                    mutated.remove(cut);
                    let _ = parse_log(&mutated);
                }
            }
        }
    }

    #[test]
    fn cut_short_or_foreign_output_is_an_error_not_a_panic() {
        assert!(parse_log(format!("{A}\0abc\0").as_bytes()).is_err());
        assert!(parse_log(b"not a commit\0").is_err());
        let no_path = format!(
            "{}\0\n:000000 100644 {NULL} {BLOB} R100\0only\0",
            header(A, "s")
        );
        assert!(parse_log(no_path.as_bytes()).is_err());
        assert!(parse_log(b"").unwrap().is_empty());
    }
}
