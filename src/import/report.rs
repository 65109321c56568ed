//! The import report: per kind of element, how many the source had and how
//! many the model has (with the reason for each difference), the defaults
//! tm had to choose, and what could not be mapped at all.

use std::fmt::Write as _;

use super::Format;

/// One kind of element counted in the source and in the imported model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountLine {
    /// What is counted (`components`, `threats`…).
    pub what: &'static str,
    /// How many the source file has.
    pub source: usize,
    /// How many the tm model has.
    pub imported: usize,
    /// Why the numbers differ (one line per cause).
    pub why: Vec<String>,
}

/// What `tm import` tells the user about one import.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// The source format.
    pub format: Format,
    /// The source file, as shown.
    pub source: String,
    /// Element counts, source vs model.
    pub counts: Vec<CountLine>,
    /// Choices tm made where the source said nothing (defaults, guesses,
    /// decisions imported as drafted).
    pub notes: Vec<String>,
    /// Values that could not be mapped at all (neither to a field nor to an annotation).
    pub unmapped: Vec<String>,
}

impl ImportReport {
    /// An empty report.
    pub fn new(format: Format, source: &str) -> ImportReport {
        ImportReport {
            format,
            source: source.to_owned(),
            counts: Vec::new(),
            notes: Vec::new(),
            unmapped: Vec::new(),
        }
    }

    /// Records a count; `why` explains a difference.
    pub fn count(&mut self, what: &'static str, source: usize, imported: usize, why: Vec<String>) {
        self.counts.push(CountLine {
            what,
            source,
            imported,
            why,
        });
    }

    /// Adds a note (a default, a guess, a drafted decision).
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// Every count that differs but has no reason: an importer bug, tested.
    pub fn unexplained(&self) -> Vec<&CountLine> {
        self.counts
            .iter()
            .filter(|c| c.source != c.imported && c.why.is_empty())
            .collect()
    }

    /// The report as plain text (terminal-safe: user text is escaped).
    pub fn to_text(&self) -> String {
        let esc = |s: &str| crate::terminal::escape_line(s).into_owned();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "import report: {} ({})",
            esc(&self.source),
            self.format.as_str()
        );
        for c in &self.counts {
            let mark = if c.source == c.imported { "=" } else { "≠" };
            let _ = writeln!(
                out,
                "  {:<20} source {:>4} {mark} model {:>4}",
                c.what, c.source, c.imported
            );
            for why in &c.why {
                let _ = writeln!(out, "      - {}", esc(why));
            }
        }
        if !self.notes.is_empty() {
            let _ = writeln!(out, "notes ({}):", self.notes.len());
            for n in &self.notes {
                let _ = writeln!(out, "  - {}", esc(n));
            }
        }
        if self.unmapped.is_empty() {
            let _ = writeln!(
                out,
                "not mapped: nothing (values without a tm field are kept as annotations)"
            );
        } else {
            let _ = writeln!(out, "not mapped ({}):", self.unmapped.len());
            for u in &self.unmapped {
                let _ = writeln!(out, "  - {}", esc(u));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_need_a_reason_and_text_is_escaped() {
        let mut r = ImportReport::new(Format::Otm, "a\u{1b}[31m.json");
        r.count("threats", 2, 3, vec!["threat t1 is instanced twice".into()]);
        r.count("flows", 1, 0, vec![]);
        assert_eq!(r.unexplained().len(), 1);
        let text = r.to_text();
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("source    2 ≠ model    3"), "{text}");
    }
}
