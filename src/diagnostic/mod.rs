//! Diagnostics as values: every finding of every stage, collected, sorted and
//! printed in one place.

mod lines;
mod output;
mod rule;
mod sarif;

pub use lines::LineIndex;
pub use output::{Format, SourceText, render};

pub use rule::{Rule, Severity};

use std::path::PathBuf;

use serde::Serialize;

/// A position in a source file: 1-based line and column, plus the byte range
/// of the offending text for underlining.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Byte offset of the start in the file.
    pub offset: usize,
    /// Length in bytes of the offending text (at least 1 when printed).
    pub len: usize,
}

/// One finding: which rule, how bad, where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The rule that produced it.
    #[serde(serialize_with = "serialize_rule")]
    pub rule: Rule,
    /// The effective severity, after `book.toml` and `--deny-drafts`.
    pub severity: Severity,
    /// The file, relative to the project root.
    pub file: PathBuf,
    /// Where in the file; `None` for whole-file findings.
    pub span: Option<Span>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The model it concerns, when known (places it on that model's page).
    pub model: Option<String>,
}

fn serialize_rule<S: serde::Serializer>(rule: &Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.code())
}

impl Diagnostic {
    /// A new finding at the rule's default severity.
    pub fn new(
        rule: Rule,
        file: impl Into<PathBuf>,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            file: file.into(),
            span,
            message: message.into(),
            help: None,
            model: None,
        }
    }

    /// Adds the fix-it text.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Records which model the finding concerns.
    pub fn for_model(mut self, model: impl Into<String>) -> Diagnostic {
        self.model = Some(model.into());
        self
    }

    /// The sort key: file, then position, then rule, so output is deterministic.
    fn sort_key(&self) -> (&PathBuf, u32, u32, Rule, &str) {
        let (line, col) = self.span.map_or((0, 0), |s| (s.line, s.column));
        (&self.file, line, col, self.rule, &self.message)
    }
}

/// All findings of a run, sorted, with the effective severities applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Findings {
    /// The findings, sorted by file and position; `Off` ones are dropped.
    pub diagnostics: Vec<Diagnostic>,
}

impl Findings {
    /// Sorts the findings and drops switched-off ones.
    pub fn new(mut diagnostics: Vec<Diagnostic>) -> Findings {
        diagnostics.retain(|d| d.severity != Severity::Off);
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diagnostics.dedup();
        Findings { diagnostics }
    }

    /// How many findings have the given severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// The same findings with `prefix` in front of every file path: the
    /// project root's place in the repository, for output.
    pub fn with_path_prefix(&self, prefix: &std::path::Path) -> Findings {
        let mut out = self.clone();
        if !prefix.as_os_str().is_empty() {
            for d in &mut out.diagnostics {
                d.file = prefix.join(&d.file);
            }
        }
        out
    }

    /// Only the findings in `file` (project-relative), as `tm check MODEL` shows.
    pub fn of_file(self, file: &std::path::Path) -> Findings {
        Findings {
            diagnostics: self
                .diagnostics
                .into_iter()
                .filter(|d| d.file == file)
                .collect(),
        }
    }

    /// The findings that concern one model.
    pub fn for_model<'a>(&'a self, model: &'a str) -> impl Iterator<Item = &'a Diagnostic> + 'a {
        self.diagnostics
            .iter()
            .filter(move |d| d.model.as_deref() == Some(model))
    }
}
