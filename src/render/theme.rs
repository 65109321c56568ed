//! The theme: Tera templates and static assets. The default theme is embedded
//! in the binary; a project's theme directory (`theme` under `[output.tm]`)
//! overrides it file by file, so a project can restyle one template or the CSS
//! and keep the rest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

/// The default theme, as shipped.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A theme directory could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read theme file {path}: {source}")]
pub struct ThemeError {
    /// The file or directory.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
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

    /// The default theme with every file found under `dir` laid over it.
    pub fn with_overrides(dir: &Path) -> Result<Theme, ThemeError> {
        let mut theme = Theme::default_theme();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let io = |source| ThemeError {
                path: d.clone(),
                source,
            };
            for entry in std::fs::read_dir(&d).map_err(io)? {
                let path = entry.map_err(io)?.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    // Sizes are checked before reading: the theme comes from the pull request.
                    let bytes = match crate::load::read_capped(&path, MAX_THEME_FILE_BYTES) {
                        Ok(crate::load::Capped::Whole(bytes)) => bytes,
                        Ok(crate::load::Capped::TooLarge(size)) => {
                            return Err(ThemeError {
                                path: path.clone(),
                                source: std::io::Error::other(format!(
                                    "it is {size} bytes; a theme file may be up to {MAX_THEME_FILE_BYTES} bytes"
                                )),
                            });
                        }
                        Err(source) => {
                            return Err(ThemeError {
                                path: path.clone(),
                                source,
                            });
                        }
                    };
                    theme.insert(path.strip_prefix(dir).unwrap_or(&path), bytes);
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
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/index.html"), "custom").unwrap();
        let t = Theme::with_overrides(dir.path()).unwrap();
        assert_eq!(t.templates["index.html"], "custom");
        assert!(t.templates["model.html"].contains("{%"));
    }
}
