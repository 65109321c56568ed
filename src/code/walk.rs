//! The files under the source roots, and the globs that select among them.
//! Globs only ever match this list, so a model cannot make tm read anything
//! outside the repository. Every source root and every symbolic link met
//! on the way is resolved by [`ProjectRoot`]: a link that stays inside the
//! project is fine (a linked file is listed under the link's path; a linked
//! directory is not descended, its target is in the project anyway), a link
//! that leaves it is refused with a TM004 finding.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use globset::GlobMatcher;

pub use crate::pattern::compile_glob;

use crate::config::{CONFIG_FILE, Config};
use crate::diagnostic::{Diagnostic, Rule};
use crate::project_root::{OutsideProject, ProjectRoot, shown};

use super::ignore_files::unsafe_ignore_file;

/// Every file under the configured source roots, relative to the project
/// root, sorted, and a TM004 finding for each link that leads out of the
/// project. `.gitignore` and git's exclude files are honoured (also outside a
/// git checkout); `.git` and tm's output directory are skipped. ripgrep's
/// `.ignore` and `.rgignore` are not: a pull request could add one to hide
/// entry points from TM503, and no reviewer reads them as git rules.
pub fn source_files(config: &Config) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let root = &config.root;
    let output = config.output_dir();
    let mut files = BTreeSet::new();
    let mut refused = Vec::new();
    let models = normalize(&config.tm.models);
    let Ok(project) = ProjectRoot::new(root) else {
        return (Vec::new(), refused);
    };
    for source_root in &config.tm.source_roots {
        let start = root.join(source_root);
        match project.resolve(&start) {
            Ok(_) => {}
            Err(OutsideProject::Io { .. }) => continue, // missing: TM501 says what it misses
            Err(e) => {
                refused.push(
                    Diagnostic::new(
                        Rule::SkippedFile,
                        Path::new(CONFIG_FILE),
                        None,
                        format!("source root {e}"),
                    )
                    .with_help("tm did not walk this source root"),
                );
                continue;
            }
        }
        // `ignore` reads the ignore files of the root's ancestors and of each
        // directory it enters: each is checked before it is read.
        let ancestors = start.canonicalize().unwrap_or_else(|_| start.clone());
        if let Some(why) = ancestors
            .ancestors()
            .find_map(|d| unsafe_ignore_file(&project, d))
        {
            refused.push(unwalked(
                Path::new(CONFIG_FILE),
                &format!("source root {}", source_root.display()),
                why,
            ));
            continue;
        }
        let unsafe_dirs = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let walker = ignore::WalkBuilder::new(&start)
            .hidden(false)
            .ignore(false)
            .follow_links(false)
            .require_git(false)
            .filter_entry({
                let output = output.clone();
                let project = project.clone();
                let unsafe_dirs = unsafe_dirs.clone();
                move |e| {
                    if e.file_name() == ".git" || e.path() == output {
                        return false;
                    }
                    if e.file_type().is_some_and(|t| t.is_dir())
                        && let Some(why) = unsafe_ignore_file(&project, e.path())
                    {
                        if let Ok(mut dirs) = unsafe_dirs.lock() {
                            dirs.push((e.path().to_path_buf(), why));
                        }
                        return false;
                    }
                    true
                }
            })
            .build();
        for entry in walker.flatten() {
            let Ok(rel) = entry.path().strip_prefix(root) else {
                continue;
            };
            let Some(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_file() {
                files.insert(normalize(rel));
            } else if kind.is_symlink() && entry.depth() > 0 {
                match project.resolve(entry.path()) {
                    Ok(real) if real.is_file() => {
                        files.insert(normalize(rel));
                    }
                    Ok(_) | Err(OutsideProject::Io { .. }) => {} // a directory, or dangling
                    // The loader speaks for the models directory (TM004 on each link).
                    Err(_) if normalize(rel).starts_with(&models) => {}
                    Err(e) => refused.push(
                        Diagnostic::new(Rule::SkippedFile, normalize(rel), None, e.to_string())
                            .with_help(
                                "tm did not read it: the code cross-check ignores this path",
                            ),
                    ),
                }
            }
        }
        let dirs = std::mem::take(&mut *unsafe_dirs.lock().unwrap_or_else(|e| e.into_inner()));
        for (dir, why) in dirs {
            let rel = normalize(dir.strip_prefix(root).unwrap_or(&dir));
            refused.push(unwalked(&rel, &rel.display().to_string(), why));
        }
    }
    (files.into_iter().collect(), refused)
}

/// TM004 for a directory tm did not walk because of an unsafe ignore file.
fn unwalked(file: &Path, what: &str, why: String) -> Diagnostic {
    Diagnostic::new(
        Rule::SkippedFile,
        file,
        None,
        format!("tm did not walk {}: {why}", shown(Path::new(what))),
    )
    .with_help("ignore files are read before the files they filter: make it a small regular file committed in the project")
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

/// The files `glob` selects; a plain directory path selects every file under it.
pub fn matching<'a>(glob: &GlobMatcher, files: &'a [PathBuf]) -> Vec<&'a PathBuf> {
    let hits: Vec<&PathBuf> = files.iter().filter(|f| glob.is_match(f)).collect();
    if !hits.is_empty() {
        return hits;
    }
    files
        .iter()
        .filter(|f| crate::pattern::dir_prefix(glob.glob(), f))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_project_are_refused_with_a_finding() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.rs"), "fn main() {}").unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "").unwrap();
        symlink("lib.rs", dir.path().join("src/alias.rs")).unwrap();
        symlink(
            outside.path().join("secret.rs"),
            dir.path().join("src/secret.rs"),
        )
        .unwrap();
        symlink(outside.path(), dir.path().join("src/elsewhere")).unwrap();
        symlink("/", dir.path().join("everything")).unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "[output.tm]\nsource-roots = [\"src\", \"everything\"]\n",
        )
        .unwrap();
        let config = Config::load(dir.path(), []).unwrap();
        let (files, refused) = source_files(&config);
        assert_eq!(files, [PathBuf::from("src/alias.rs"), "src/lib.rs".into()]);
        let mut found: Vec<(String, String)> = refused
            .iter()
            .map(|d| (d.file.display().to_string(), d.message.clone()))
            .collect();
        found.sort();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, CONFIG_FILE);
        assert!(
            found[0].1.contains("everything leads outside the project"),
            "{found:?}"
        );
        assert_eq!(found[1].0, "src/elsewhere");
        assert_eq!(found[2].0, "src/secret.rs");
        assert!(refused.iter().all(|d| d.rule == Rule::SkippedFile));
    }

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
