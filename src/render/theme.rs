//! The theme: Tera templates and static assets. The default theme is embedded
//! in the binary; a project's theme directory (`theme` under `[output.tm]`)
//! overrides it file by file, so a project can restyle one template or the CSS
//! and keep the rest.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::project_root::{OutsideProject, ProjectRoot, shown};

/// The default theme, as shipped.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A theme directory could not be read, or leads outside the project.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// A file or directory could not be read.
    #[error("cannot read theme file {}: {source}", shown(.path))]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The theme directory or one of its files is a link out of the project.
    #[error("theme: {0}")]
    Outside(#[from] OutsideProject),
    /// A theme entry is neither a file nor a directory (a FIFO, a device).
    #[error(
        "theme file {} is not a regular file (a device or a pipe); remove it from the theme",
        shown(.0)
    )]
    NotAFile(PathBuf),
}

/// The largest theme file (template, stylesheet, script, image) tm reads.
const MAX_THEME_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The templates (`templates/*.html`) and assets (`assets/**`) of a theme.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template text by name (`model.html`).
    pub templates: BTreeMap<String, String>,
    /// Asset bytes by path under `assets/` (`style.css`).
    pub assets: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// The embedded default theme.
    pub fn default_theme() -> Theme {
        let mut theme = Theme::default();
        let mut stack = vec![&DEFAULT_THEME];
        while let Some(dir) = stack.pop() {
            for entry in dir.entries() {
                match entry {
                    include_dir::DirEntry::Dir(d) => stack.push(d),
                    include_dir::DirEntry::File(f) => theme.insert(f.path(), f.contents().to_vec()),
                }
            }
        }
        theme
    }

    /// The default theme with every file found under `dir` (relative to the
    /// project root) laid over it. The directory and every file in it must
    /// stay inside the project once links are followed; links inside it are
    /// fine, each directory is read once (a link loop ends), and only regular
    /// files are read.
    pub fn with_overrides(project: &ProjectRoot, dir: &Path) -> Result<Theme, ThemeError> {
        let mut theme = Theme::default_theme();
        let top = project.resolve(dir)?;
        let mut seen = BTreeSet::new();
        let mut stack = vec![(top, PathBuf::new())];
        while let Some((real_dir, rel_dir)) = stack.pop() {
            if !seen.insert(real_dir.clone()) {
                continue;
            }
            let io = |path: &Path| {
                let path = project.relative(path);
                move |source| ThemeError::Io { path, source }
            };
            let mut entries = Vec::new();
            for entry in std::fs::read_dir(&real_dir).map_err(io(&real_dir))? {
                entries.push(entry.map_err(io(&real_dir))?.file_name());
            }
            entries.sort();
            for name in entries {
                let shown_path = dir.join(&rel_dir).join(&name);
                let real = project
                    .resolve(&real_dir.join(&name))
                    .map_err(|e| match e {
                        OutsideProject::Escapes { target, .. } => OutsideProject::Escapes {
                            path: shown_path.clone(),
                            target,
                        },
                        other => other,
                    })?;
                let meta = std::fs::metadata(&real).map_err(io(&shown_path))?;
                if meta.is_dir() {
                    stack.push((real, rel_dir.join(&name)));
                } else if meta.is_file() {
                    // Sizes are checked before reading: the theme comes from the pull request.
                    let bytes = match crate::project_root::read_capped(&real, MAX_THEME_FILE_BYTES)
                    {
                        Ok(crate::project_root::Capped::Whole(bytes)) => bytes,
                        Ok(crate::project_root::Capped::TooLarge(size)) => {
                            return Err(ThemeError::Io {
                                path: shown_path,
                                source: std::io::Error::other(format!(
                                    "it is {size} bytes; a theme file may be up to {MAX_THEME_FILE_BYTES} bytes"
                                )),
                            });
                        }
                        Err(source) => {
                            return Err(ThemeError::Io {
                                path: shown_path,
                                source,
                            });
                        }
                    };
                    theme.insert(&rel_dir.join(&name), bytes);
                } else {
                    return Err(ThemeError::NotAFile(shown_path));
                }
            }
        }
        Ok(theme)
    }

    fn insert(&mut self, rel: &Path, bytes: Vec<u8>) {
        let rel = rel.to_string_lossy().replace('\\', "/");
        if let Some(name) = rel.strip_prefix("templates/") {
            self.templates.insert(
                name.to_owned(),
                String::from_utf8_lossy(&bytes).into_owned(),
            );
        } else if let Some(name) = rel.strip_prefix("assets/") {
            self.assets.insert(name.to_owned(), bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_theme_has_the_pages_and_the_css() {
        let t = Theme::default_theme();
        for name in ["base.html", "index.html", "model.html", "search.html"] {
            assert!(t.templates.contains_key(name), "{name}");
        }
        assert!(t.assets.contains_key("style.css"));
    }

    #[test]
    fn a_project_file_overrides_one_template() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("theme/templates")).unwrap();
        std::fs::write(dir.path().join("theme/templates/index.html"), "custom").unwrap();
        let root = ProjectRoot::new(dir.path()).unwrap();
        let t = Theme::with_overrides(&root, Path::new("theme")).unwrap();
        assert_eq!(t.templates["index.html"], "custom");
        assert!(t.templates["model.html"].contains("{%"));
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_project_are_refused_links_inside_are_read() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "TOKEN=hunter2").unwrap();
        let templates = dir.path().join("theme/templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(dir.path().join("shared.html"), "shared").unwrap();
        symlink("../../shared.html", templates.join("index.html")).unwrap();
        // A loop inside the project ends.
        symlink("..", templates.join("loop")).unwrap();
        let root = ProjectRoot::new(dir.path()).unwrap();
        let t = Theme::with_overrides(&root, Path::new("theme")).unwrap();
        assert_eq!(t.templates["index.html"], "shared");

        symlink(outside.path().join("secret"), templates.join("base.html")).unwrap();
        let err = Theme::with_overrides(&root, Path::new("theme")).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("theme/templates/base.html leads outside the project"),
            "{message}"
        );
        std::fs::remove_file(templates.join("base.html")).unwrap();
        symlink("/proc/self/environ", templates.join("base.html")).unwrap();
        assert!(Theme::with_overrides(&root, Path::new("theme")).is_err());

        symlink(outside.path(), dir.path().join("linked-theme")).unwrap();
        let err = Theme::with_overrides(&root, Path::new("linked-theme")).unwrap_err();
        assert!(matches!(err, ThemeError::Outside(_)), "{err}");
    }
}
