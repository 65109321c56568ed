//! A project's threat library: the built-ins, the files `draft-library`
//! names in book.toml (contained in the project), minus `draft-disable`.

use std::path::{Path, PathBuf};

use crate::config::{CONFIG_FILE, Config, stays_inside};
use crate::project_root::{Capped, ProjectRoot, read_capped};

use super::library::{Library, LibraryError};

/// The largest library file tm reads.
pub const MAX_LIBRARY_BYTES: u64 = 1024 * 1024;

/// Loads the library the project drafts from.
pub fn load(config: &Config) -> Result<Library, LibraryError> {
    let book = std::fs::read_to_string(config.root.join(CONFIG_FILE)).unwrap_or_default();
    let at = |pattern: &str, message: String, help: &str| {
        let quoted = format!("\"{pattern}\"");
        let (line, column) = book
            .lines()
            .enumerate()
            .find_map(|(i, l)| l.find(&quoted).map(|c| (i + 1, c + 2)))
            .unwrap_or((1, 1));
        LibraryError {
            file: CONFIG_FILE.to_owned(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            message,
            help: help.to_owned(),
        }
    };
    let root = ProjectRoot::new(&config.root)
        .map_err(|e| at("", e.to_string(), "run tm from inside the project"))?;
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for pattern in &config.tm.draft_library {
        let path = Path::new(pattern);
        if !stays_inside(path) {
            return Err(at(
                pattern,
                format!("`draft-library` entry `{pattern}` leads outside the project"),
                "name library files by a path relative to book.toml's directory, inside the project",
            ));
        }
        let (dir, name) = match (path.parent(), path.file_name().and_then(|n| n.to_str())) {
            (Some(d), Some(n)) => (d.to_path_buf(), n.to_owned()),
            _ => {
                return Err(at(
                    pattern,
                    format!("`draft-library` entry `{pattern}` names no file"),
                    "write e.g. `draft-library = [\"threat-library/*.yaml\"]`",
                ));
            }
        };
        if dir.to_string_lossy().contains(['*', '?', '[', '{']) {
            return Err(at(
                pattern,
                format!("`draft-library` entry `{pattern}` has a wildcard in a directory"),
                "wildcards are allowed in the file name only: `threat-library/*.yaml`",
            ));
        }
        let glob = globset::Glob::new(&name)
            .map_err(|e| {
                at(
                    pattern,
                    format!("`draft-library` entry `{pattern}` is not a valid glob: {e}"),
                    "use `*` and `?` in the file name",
                )
            })?
            .compile_matcher();
        let outside = |e: crate::project_root::OutsideProject| {
            at(
                pattern,
                e.to_string(),
                "library files must be inside the project (a link that leaves it is refused)",
            )
        };
        let real_dir = root.resolve(&config.root.join(&dir)).map_err(outside)?;
        let mut matched: Vec<PathBuf> = std::fs::read_dir(&real_dir)
            .map_err(|e| {
                at(
                    pattern,
                    format!("cannot read the directory of `draft-library` entry `{pattern}`: {e}"),
                    "create the directory or fix the path",
                )
            })?
            .flatten()
            .filter(|e| e.file_name().to_str().is_some_and(|n| glob.is_match(n)))
            .map(|e| dir.join(e.file_name()))
            .collect();
        matched.sort();
        if matched.is_empty() {
            return Err(at(
                pattern,
                format!("`draft-library` entry `{pattern}` matches no file"),
                "fix the path, or remove the entry",
            ));
        }
        for rel in matched {
            let real = root.resolve(&config.root.join(&rel)).map_err(outside)?;
            let shown = rel.to_string_lossy().into_owned();
            let bytes = match read_capped(&real, MAX_LIBRARY_BYTES) {
                Ok(Capped::Whole(b)) => b,
                Ok(Capped::TooLarge(n)) => {
                    return Err(LibraryError {
                        file: shown,
                        line: 1,
                        column: 1,
                        message: format!(
                            "the library file is {n} bytes, over the {MAX_LIBRARY_BYTES}-byte limit"
                        ),
                        help: "split it into several files".into(),
                    });
                }
                Err(e) => {
                    return Err(LibraryError {
                        file: shown,
                        line: 1,
                        column: 1,
                        message: format!("cannot read the library file: {e}"),
                        help: "check the file exists and is readable".into(),
                    });
                }
            };
            let text = String::from_utf8(bytes).map_err(|_| LibraryError {
                file: shown.clone(),
                line: 1,
                column: 1,
                message: "the library file is not valid UTF-8".into(),
                help: "save it as UTF-8".into(),
            })?;
            files.push((rel, text));
        }
    }
    Library::assemble(&files, &config.tm.draft_disable)
}
