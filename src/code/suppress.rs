//! Explicit silence for entry points: a `book.toml` list or a comment in the
//! code. Both are written down, so an unreported entry point is always a
//! decision someone made, never an accident.

use std::collections::BTreeMap;

use crate::diagnostic::LineIndex;

/// The comment marker that suppresses the entry point on its line or on the
/// line below the comment block: `// tm:allow-unmodelled: <reason>`.
pub const MARKER: &str = "tm:allow-unmodelled";

/// The allow markers of one file, found in one pass, so that asking about
/// each of 100,000 entry points costs a lookup, not a scan of the file.
#[derive(Debug, Default)]
pub struct Markers {
    /// Line → the reason of the marker on it (`""` when it gives none).
    on: BTreeMap<u32, String>,
    /// Per 1-based line (index 0 unused): the line of the nearest marker in
    /// the comment/attribute lines right above it, or 0.
    above: Vec<u32>,
}

impl Markers {
    /// Finds every marker of `text`; `lines` is its line index.
    pub fn new(text: &str, lines: &LineIndex) -> Markers {
        let mut on = BTreeMap::new();
        let mut last = 0;
        for (at, _) in text.match_indices(MARKER) {
            let line = lines.line_of(at) as u32;
            if line == last {
                continue; // one look per line, however many markers it holds
            }
            last = line;
            if let Some(reason) = reason_in(&text[lines.line_range(text, line as usize)]) {
                on.insert(line, reason);
            }
        }
        if on.is_empty() {
            return Markers::default();
        }
        let count = lines.line_count();
        let mut above = vec![0u32; count + 2];
        for line in 2..=count + 1 {
            let prev = (line - 1) as u32;
            let t = text[lines.line_range(text, line - 1)].trim_start();
            if t.starts_with("//") || t.starts_with("#[") {
                above[line] = if on.contains_key(&prev) {
                    prev
                } else {
                    above[line - 1]
                };
            }
        }
        Markers { on, above }
    }

    /// The marker's reason when a marker is on `line` (1-based) or in the
    /// comment lines right above it. An empty string means a marker without
    /// a reason.
    pub fn near(&self, line: u32) -> Option<String> {
        if let Some(reason) = self.on.get(&line) {
            return Some(reason.clone());
        }
        let from = *self.above.get(line as usize)?;
        self.on.get(&from).cloned()
    }
}

/// The marker's reason when a marker is on `line` (1-based) or in the comment
/// lines right above it; for one question about a text (tests).
#[cfg(test)]
pub fn marker_near(text: &str, line: u32) -> Option<String> {
    Markers::new(text, &LineIndex::new(text)).near(line)
}

fn reason_in(line: &str) -> Option<String> {
    let comment = &line[line.find("//")?..];
    let rest = &comment[comment.find(MARKER)? + MARKER.len()..];
    Some(rest.trim_start_matches(':').trim().to_owned())
}

pub use crate::pattern::Allow;

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
