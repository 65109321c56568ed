//! Explicit silence for entry points: a `book.toml` list or a comment in the
//! code. Both are written down, so an unreported entry point is always a
//! decision someone made, never an accident.

use globset::{Glob, GlobMatcher};

/// The comment marker that suppresses the entry point on its line or on the
/// line below the comment block: `// tm:allow-unmodelled: <reason>`.
pub const MARKER: &str = "tm:allow-unmodelled";

/// The marker's reason when a marker is on `line` (1-based) or in the comment
/// lines right above it. An empty string means a marker without a reason.
pub fn marker_near(text: &str, line: u32) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = (line as usize).checked_sub(1)?;
    let own = lines.get(at).and_then(|l| reason_in(l));
    own.or_else(|| {
        lines[..at.min(lines.len())]
            .iter()
            .rev()
            .take_while(|l| {
                let t = l.trim_start();
                t.starts_with("//") || t.starts_with("#[")
            })
            .find_map(|l| reason_in(l))
    })
}

fn reason_in(line: &str) -> Option<String> {
    let comment = &line[line.find("//")?..];
    let rest = &comment[comment.find(MARKER)? + MARKER.len()..];
    Some(rest.trim_start_matches(':').trim().to_owned())
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
            super::walk::compile_glob(pattern).map(Allow::Files)
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
pub(super) fn dir_prefix(glob: &Glob, file: &std::path::Path) -> bool {
    let dir = glob.glob().trim_end_matches('/');
    !dir.contains(['*', '?', '[', '{']) && file.starts_with(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn marker_on_the_line_or_in_the_comment_above() {
        let text = "fn a() {}\n// tm:allow-unmodelled: local dev tool\n#[tokio::main]\nasync fn main() {}\nlet x = env::args(); // tm:allow-unmodelled\n";
        assert_eq!(marker_near(text, 4).as_deref(), Some("local dev tool"));
        assert_eq!(marker_near(text, 5).as_deref(), Some(""));
        assert_eq!(marker_near(text, 1), None);
    }

    #[test]
    fn allow_by_file_or_symbol() {
        let f = Allow::parse("src/bin/*.rs").unwrap();
        assert!(f.allows(Path::new("src/bin/dev.rs"), None));
        assert!(!f.allows(Path::new("src/main.rs"), None));
        let d = Allow::parse("src/debug").unwrap();
        assert!(d.allows(Path::new("src/debug/x.rs"), None));
        let s = Allow::parse("crate::debug::*").unwrap();
        assert!(s.allows(Path::new("x"), Some("app::debug::serve")));
        assert!(!s.allows(Path::new("x"), Some("app::debugger::serve")));
        assert!(Allow::parse("crate::*::x").is_err());
        assert!(Allow::parse("../x").is_err());
    }
}
