//! The patterns people write in `book.toml` and in models to pick files and
//! code: path globs (`src/payments/**`) and `allow-unmodelled` entries (a
//! glob or a Rust path prefix). A leaf module: the configuration validates
//! its values with it, and the code cross-check matches with it.

use globset::{Glob, GlobBuilder, GlobMatcher};

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

/// One `allow-unmodelled` entry of `book.toml`.
#[derive(Debug, Clone)]
pub enum Allow {
    /// A glob over file paths relative to the root (`src/bin/dev.rs`, `src/debug/**`).
    Files(GlobMatcher),
    /// A Rust path prefix (`crate::debug::*` or `crate::debug`), matched against
    /// the item that contains the entry point; `crate` stands for any crate.
    Symbols(Vec<String>),
}

impl Allow {
    /// Parses an entry: Rust paths contain `::`, anything else is a file glob.
    pub fn parse(pattern: &str) -> Result<Allow, String> {
        if pattern.contains("::") {
            let segs: Vec<String> = pattern
                .trim_end_matches("::*")
                .split("::")
                .map(str::to_owned)
                .collect();
            if segs.iter().any(|s| s.is_empty() || s.contains('*')) {
                return Err(format!(
                    "`{pattern}`: a Rust path may only end with `::*` (e.g. `crate::debug::*`)"
                ));
            }
            Ok(Allow::Symbols(segs))
        } else {
            compile_glob(pattern).map(Allow::Files)
        }
    }

    /// Whether the entry point at `file`, inside the item `symbol`
    /// (`my_crate::a::f`), is allowed.
    pub fn allows(&self, file: &std::path::Path, symbol: Option<&str>) -> bool {
        match self {
            Allow::Files(glob) => glob.is_match(file) || dir_prefix(glob.glob(), file),
            Allow::Symbols(prefix) => symbol.is_some_and(|s| {
                let segs: Vec<&str> = s.split("::").collect();
                segs.len() >= prefix.len()
                    && segs
                        .iter()
                        .zip(prefix)
                        .enumerate()
                        .all(|(i, (have, want))| have == want || (i == 0 && want == "crate"))
            }),
        }
    }
}

/// Whether `glob` is a plain directory path that `file` lies under.
pub fn dir_prefix(glob: &Glob, file: &std::path::Path) -> bool {
    let dir = glob.glob().trim_end_matches('/');
    !dir.contains(['*', '?', '[', '{']) && file.starts_with(dir)
}
