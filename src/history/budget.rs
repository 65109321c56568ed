//! The history byte budget: how many bytes of old model versions one history
//! reads. A pull request can add any number of commits, each rewriting a
//! model near the per-file limit; without a total, reading them all would
//! take minutes and gigabytes. Versions are counted newest first (sizes from
//! `git cat-file --batch-check`, nothing read), and history stops, with a
//! note, at the first commit that would exceed the budget. Each file's newest
//! change is always read, so every model keeps at least its latest entry.

use super::blob::BlobReader;
use super::git::GitError;
use super::model_history::Chain;
use crate::load::MAX_FILE_BYTES;

/// Bytes of model versions one history reads at most (about a thousand
/// versions of a large model).
pub const HISTORY_BYTES: u64 = 128 * 1024 * 1024;

/// Drops from `chains` the touches of commits past the budget and returns the
/// index (in the log, newest first) of the first commit left out, if any.
/// A chain left with nothing keeps its newest touch.
pub(super) fn cut_chains(
    reader: &mut BlobReader,
    chains: &mut [Chain],
    budget: u64,
) -> Result<Option<usize>, GitError> {
    let mut versions: Vec<(usize, &str)> = chains
        .iter()
        .flat_map(|c| &c.touches)
        .flat_map(|(i, t)| {
            let blobs = t.new_blob.iter().chain(&t.old_blob);
            blobs.map(move |b| (*i, b.as_str()))
        })
        .collect();
    versions.sort();
    let mut seen = std::collections::HashSet::new();
    versions.retain(|(_, b)| seen.insert(*b));
    let mut total = 0u64;
    let mut cut = None;
    for (index, blob) in versions {
        let size = reader.size(blob)?.unwrap_or(0);
        // A version over the file limit is reported by size, never read.
        total += if size > MAX_FILE_BYTES as u64 {
            0
        } else {
            size
        };
        if total > budget {
            cut = Some(index);
            break;
        }
    }
    let Some(cut) = cut else {
        return Ok(None);
    };
    for chain in chains.iter_mut() {
        let Some(newest) = chain.touches.first().cloned() else {
            continue;
        };
        // Both versions of a kept touch were counted: its diff stays exact.
        chain.touches.retain(|(i, _)| *i < cut);
        if chain.touches.is_empty() {
            // Past the budget entirely: the file keeps its newest change,
            // read in full (at most two versions per file) so it stays exact.
            chain.touches.push(newest);
        }
    }
    Ok(Some(cut))
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use crate::config::Config;
    use crate::history::{ProjectHistory, Repo};

    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Ada")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_NAME", "Ada")
            .env("GIT_COMMITTER_EMAIL", "ada@example.com")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}");
    }

    /// A model rewritten in five commits, each version about 24 KB, and a
    /// second, small model committed first.
    fn five_versions() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "-q", "-b", "main"]);
        std::fs::create_dir(dir.path().join("models")).unwrap();
        let small = "tm: 1\nid: small\ntitle: Small\nstatus: draft\nrisk: low\n";
        std::fs::write(dir.path().join("models/small.yaml"), small).unwrap();
        for v in 1..=5 {
            let padding = format!("# version {v}\n").repeat(2000);
            let text =
                format!("tm: 1\nid: big\ntitle: Big {v}\nstatus: draft\nrisk: low\n{padding}");
            std::fs::write(dir.path().join("models/big.yaml"), text).unwrap();
            git(dir.path(), &["add", "-A"]);
            git(dir.path(), &["commit", "-q", "-m", &format!("Version {v}")]);
        }
        dir
    }

    fn history(dir: &Path, budget: u64) -> ProjectHistory {
        let config = Config::load(dir, Vec::new()).unwrap();
        let repo = Repo::discover(dir).unwrap().unwrap();
        ProjectHistory::extract_within(&config, repo, budget).unwrap()
    }

    #[test]
    fn history_stops_at_the_budget_and_says_where() {
        let dir = five_versions();
        let full = history(dir.path(), u64::MAX);
        assert_eq!(full.find("big").unwrap().entries.len(), 5);
        assert_eq!(full.reach.note, None);

        // Room for the two newest entries only: versions 5, 4 and 3, ~24 KB each.
        let cut = history(dir.path(), 80_000);
        let big = cut.find("big").unwrap();
        let subjects: Vec<String> = big
            .entries
            .iter()
            .map(|e| match &e.revision {
                crate::history::Revision::Commit(c) => c.subject.clone(),
                crate::history::Revision::WorkingTree => "working tree".into(),
            })
            .collect();
        assert_eq!(subjects, ["Version 5", "Version 4"]);
        // Both kept entries are exact diffs (version 3 was read for the older).
        assert!(big.entries.iter().all(|e| !e.boundary));
        assert!(!big.entries[1].changes.is_empty());
        let note = cut.reach.note.as_deref().unwrap();
        assert!(note.starts_with("history stops before "), "{note}");
        assert!(note.contains("history budget of 80000 bytes"), "{note}");
        // A file whose every version is past the budget keeps its newest change.
        let small = cut.find("small").unwrap();
        assert_eq!(small.entries.len(), 1);
        assert!(!small.entries[0].changes.is_empty());
    }
}
