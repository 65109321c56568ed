//! tm's own rule for finding the repository that holds a project.
//!
//! Git's discovery accepts any directory that looks like a git directory
//! (`HEAD`, `objects/`, `refs/`), so a pull request that commits those files
//! next to `book.toml` would become "the repository", its `config` and all.
//! tm instead walks up from the directory the user named and accepts only a
//! `.git` entry: a directory, or a file pointing to one (linked work trees,
//! submodules). Git refuses to check out a path named `.git`, so no commit can
//! plant one; a directory that merely contains a repository's files is never
//! taken for one.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::git_command::RepoLocation;

/// A `.git` file is one line; anything longer is not one git wrote.
const MAX_GITFILE_BYTES: u64 = 4096;

/// The repository whose work tree holds `start`: the nearest ancestor (or
/// `start` itself) with a `.git` directory or `.git` file. The walk stops
/// before any directory listed in `ceilings` (the user's
/// `GIT_CEILING_DIRECTORIES`), as git's own does. `None` when there is none.
pub fn locate(start: &Path, ceilings: &[PathBuf]) -> Option<RepoLocation> {
    let start = std::fs::canonicalize(start).ok()?;
    for dir in start.ancestors() {
        if dir != start && ceilings.iter().any(|c| c == dir) {
            return None;
        }
        let dotgit = dir.join(".git");
        let Ok(meta) = std::fs::metadata(&dotgit) else {
            continue;
        };
        let git_dir = if meta.is_dir() {
            dotgit
        } else if meta.is_file() {
            gitfile_target(&dotgit, dir)?
        } else {
            continue;
        };
        return Some(RepoLocation {
            git_dir,
            work_tree: dir.to_path_buf(),
        });
    }
    None
}

/// The directories of the user's `GIT_CEILING_DIRECTORIES`, canonicalised.
pub fn ceilings_from_env() -> Vec<PathBuf> {
    std::env::var_os("GIT_CEILING_DIRECTORIES")
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| p.is_absolute())
                .filter_map(|p| std::fs::canonicalize(p).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The git directory a `.git` file (`gitdir: PATH`) names, relative to `dir`.
fn gitfile_target(file: &Path, dir: &Path) -> Option<PathBuf> {
    let mut text = String::new();
    std::fs::File::open(file)
        .ok()?
        .take(MAX_GITFILE_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    let target = text.strip_prefix("gitdir:")?.trim();
    if target.is_empty() {
        return None;
    }
    let path = dir.join(target);
    std::fs::metadata(&path)
        .ok()
        .filter(|m| m.is_dir())
        .map(|_| path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            let p = dir.path().join(f);
            if let Some(dir_path) = f.strip_suffix('/') {
                std::fs::create_dir_all(dir.path().join(dir_path)).unwrap();
            } else {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, "ref: refs/heads/main\n").unwrap();
            }
        }
        dir
    }

    fn canon(p: &Path) -> PathBuf {
        std::fs::canonicalize(p).unwrap()
    }

    #[test]
    fn a_directory_with_a_bare_repositorys_files_is_not_a_repository() {
        let dir = tree(&[
            "proj/HEAD",
            "proj/config",
            "proj/objects/",
            "proj/refs/heads/",
        ]);
        let ceiling = vec![canon(dir.path())];
        assert_eq!(locate(&dir.path().join("proj"), &ceiling), None);
    }

    #[test]
    fn the_nearest_dot_git_above_the_project_is_the_repository() {
        let dir = tree(&[
            ".git/HEAD",
            "sub/HEAD",
            "sub/objects/",
            "sub/refs/",
            "sub/config",
        ]);
        let found = locate(&dir.path().join("sub"), &[]).unwrap();
        assert_eq!(found.work_tree, canon(dir.path()));
        assert_eq!(found.git_dir, canon(dir.path()).join(".git"));
    }

    #[test]
    fn a_dot_git_file_points_to_the_git_directory() {
        let dir = tree(&["real/HEAD", "wt/x"]);
        std::fs::write(dir.path().join("wt/.git"), "gitdir: ../real\n").unwrap();
        let found = locate(&dir.path().join("wt"), &[]).unwrap();
        assert_eq!(canon(&found.git_dir), canon(&dir.path().join("real")));
        assert_eq!(found.work_tree, canon(&dir.path().join("wt")));
    }

    #[test]
    fn a_dot_git_file_that_names_nothing_is_no_repository() {
        let dir = tree(&["wt/x"]);
        std::fs::write(dir.path().join("wt/.git"), "not a gitfile").unwrap();
        assert_eq!(locate(&dir.path().join("wt"), &[]), None);
    }

    #[test]
    fn the_walk_stops_at_a_ceiling() {
        let dir = tree(&[".git/HEAD", "a/b/"]);
        let ceiling = vec![canon(&dir.path().join("a"))];
        assert_eq!(locate(&dir.path().join("a/b"), &ceiling), None);
        assert!(locate(&dir.path().join("a/b"), &[]).is_some());
    }
}
