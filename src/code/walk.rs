//! The files under the source roots, and the globs that select among them.
//! Globs only ever match this list, so a model cannot make tm read anything
//! outside the repository; symbolic links are not followed.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

use crate::config::Config;

/// Every file under the configured source roots, relative to the project
/// root, sorted. `.gitignore` and git's exclude files are honoured (also
/// outside a git checkout); `.git` and tm's output directory are skipped.
/// ripgrep's `.ignore` and `.rgignore` are not: a pull request could add one
/// to hide entry points from TM503, and no reviewer reads them as git rules.
pub fn source_files(config: &Config) -> Vec<PathBuf> {
    let root = &config.root;
    let output = config.output_dir();
    let mut files = BTreeSet::new();
    for source_root in &config.tm.source_roots {
        let start = root.join(source_root);
        let walker = ignore::WalkBuilder::new(&start)
            .hidden(false)
            .ignore(false)
            .follow_links(false)
            .require_git(false)
            .filter_entry({
                let output = output.clone();
                move |e| e.file_name() != ".git" && e.path() != output
            })
            .build();
        for entry in walker.flatten() {
            if entry.file_type().is_some_and(|t| t.is_file())
                && let Ok(rel) = entry.path().strip_prefix(root)
            {
                files.insert(normalize(rel));
            }
        }
    }
    files.into_iter().collect()
}

/// `./a/b` → `a/b`, so globs and `#[path]` lookups compare like with like.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Compiles a model's path glob (relative to the root). Absolute paths and
/// `..` are refused: a model must not point outside the repository.
pub fn compile_glob(pattern: &str) -> Result<GlobMatcher, String> {
    let trimmed = pattern.trim();
    let relative = trimmed.trim_start_matches("./");
    if relative.is_empty() {
        return Err("the path is empty".to_owned());
    }
    if relative.starts_with('/') || relative.starts_with('\\') || relative.contains(':') {
        return Err(format!(
            "`{pattern}` is absolute: paths are relative to the repository root (the directory of book.toml)"
        ));
    }
    if relative.split(['/', '\\']).any(|seg| seg == "..") {
        return Err(format!(
            "`{pattern}` uses `..`: a code path must stay inside the repository"
        ));
    }
    GlobBuilder::new(relative)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("`{pattern}` is not a valid glob: {}", e.kind()))
}

/// The files `glob` selects; a plain directory path selects every file under it.
pub fn matching<'a>(glob: &GlobMatcher, files: &'a [PathBuf]) -> Vec<&'a PathBuf> {
    let hits: Vec<&PathBuf> = files.iter().filter(|f| glob.is_match(f)).collect();
    if !hits.is_empty() {
        return hits;
    }
    files
        .iter()
        .filter(|f| super::suppress::dir_prefix(glob.glob(), f))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_stay_inside_the_repo() {
        assert!(compile_glob("/etc/passwd").is_err());
        assert!(compile_glob("src/../../x").is_err());
        assert!(compile_glob("C:/x").is_err());
        assert!(compile_glob("src/[").is_err());
        assert!(compile_glob("./src/**/*.rs").is_ok());
    }

    #[test]
    fn star_stays_in_one_directory_and_dirs_match_their_files() {
        let files: Vec<PathBuf> = ["src/a.rs", "src/x/b.rs", "web/app.ts"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let g = compile_glob("src/*.rs").unwrap();
        assert_eq!(matching(&g, &files), [&files[0]]);
        let g = compile_glob("src/**").unwrap();
        assert_eq!(matching(&g, &files).len(), 2);
        let g = compile_glob("web").unwrap();
        assert_eq!(matching(&g, &files), [&files[2]]);
    }
}
