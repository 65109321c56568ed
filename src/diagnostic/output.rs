//! Printing findings: rustc-style text with snippets, JSON for machines, and
//! GitHub Actions workflow annotations.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Findings, Severity};

/// The formats `tm check` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Text with source snippets, for people.
    Human,
    /// One JSON document, for machines.
    Json,
    /// `::error file=…,line=…::` workflow commands for GitHub Actions.
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// Where the printer finds the text of the files findings point into.
pub struct SourceText<'a> {
    /// Texts already in memory (the model files).
    pub loaded: &'a BTreeMap<PathBuf, Arc<str>>,
    /// The project root, to read other files (Rust sources) on demand.
    pub root: &'a Path,
    /// The project root relative to the repository's top (empty outside git):
    /// findings to print carry it in front of their project-relative paths.
    pub prefix: &'a Path,
}

impl SourceText<'_> {
    fn get(&self, file: &Path) -> Option<Cow<'_, str>> {
        let file = file.strip_prefix(self.prefix).unwrap_or(file);
        match self.loaded.get(file) {
            Some(t) => Some(Cow::Borrowed(&**t)),
            None => std::fs::read_to_string(self.root.join(file))
                .ok()
                .map(Cow::Owned),
        }
    }
}

/// Renders all findings in the given format, with a closing summary line for humans.
pub fn render(
    findings: &Findings,
    format: Format,
    sources: &SourceText<'_>,
    color: bool,
) -> String {
    match format {
        Format::Human => render_human(findings, sources, color),
        Format::Json => render_json(findings),
        Format::Github => render_github(findings),
        Format::Sarif => super::sarif::render(findings),
    }
}

fn render_human(findings: &Findings, sources: &SourceText<'_>, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in &findings.diagnostics {
        out.push_str(&render_one(d, sources, &renderer));
        out.push_str("\n\n");
    }
    let (errors, warnings) = (
        findings.count(Severity::Error),
        findings.count(Severity::Warning),
    );
    out.push_str(&format!(
        "{}, {}\n",
        plural(errors, "error"),
        plural(warnings, "warning")
    ));
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn render_one(d: &Diagnostic, sources: &SourceText<'_>, renderer: &Renderer) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        _ => Level::WARNING,
    };
    let path = d.file.display().to_string();
    let text = sources.get(&d.file);
    let mut group = Group::with_title(level.primary_title(d.message.as_str()).id(d.rule.code()));
    match (d.span, text.as_deref()) {
        (Some(span), Some(text)) if text.is_char_boundary(span.offset) => {
            let end = value_end(text, span.offset, span.len);
            group = group.element(
                Snippet::source(text).path(path.as_str()).annotation(
                    AnnotationKind::Primary
                        .span(span.offset..end)
                        .label(d.rule.name()),
                ),
            );
        }
        (span, _) => {
            let loc = span.map_or(path.clone(), |s| format!("{path}:{}:{}", s.line, s.column));
            group = group.element(Level::NOTE.message(format!("in {loc}")));
        }
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    renderer.render(&[group])
}

/// The end of the underline: the value's own length when known, else to the
/// end of the token (or of the line, for a short line); always on a character
/// boundary (the text of a file that is not UTF-8 holds replacement characters).
fn value_end(text: &str, offset: usize, len: usize) -> usize {
    let rest = &text[offset..];
    let line_len = rest.find('\n').unwrap_or(rest.len());
    let mut end = if len > 0 {
        offset + len.min(line_len.max(1)).min(rest.len())
    } else {
        let token = rest[..line_len]
            .find([' ', ',', ']', '}'])
            .unwrap_or(line_len);
        offset + token.max(1).min(rest.len())
    };
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

fn render_json(findings: &Findings) -> String {
    #[derive(serde::Serialize)]
    struct Report<'a> {
        errors: usize,
        warnings: usize,
        diagnostics: Vec<JsonDiagnostic<'a>>,
    }
    #[derive(serde::Serialize)]
    struct JsonDiagnostic<'a> {
        code: &'static str,
        rule: &'static str,
        severity: Severity,
        file: &'a Path,
        line: Option<u32>,
        column: Option<u32>,
        message: &'a str,
        help: Option<&'a str>,
        model: Option<&'a str>,
    }
    let report = Report {
        errors: findings.count(Severity::Error),
        warnings: findings.count(Severity::Warning),
        diagnostics: findings
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.rule.code(),
                rule: d.rule.name(),
                severity: d.severity,
                file: &d.file,
                line: d.span.map(|s| s.line),
                column: d.span.map(|s| s.column),
                message: &d.message,
                help: d.help.as_deref(),
                model: d.model.as_deref(),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&report).expect("findings serialize");
    s.push('\n');
    s
}

fn render_github(findings: &Findings) -> String {
    let mut out = String::new();
    for d in &findings.diagnostics {
        let kind = if d.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        let mut props = format!("file={}", escape_property(&d.file.display().to_string()));
        if let Some(s) = d.span {
            props.push_str(&format!(",line={},col={}", s.line, s.column));
        }
        props.push_str(&format!(
            ",title={}",
            escape_property(&format!("{} {}", d.rule.code(), d.rule.name()))
        ));
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        out.push_str(&format!("::{kind} {props}::{}\n", escape_data(&message)));
    }
    out
}

/// Escapes a workflow-command message (GitHub's `escapeData`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property (GitHub's `escapeProperty`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Rule, Span};

    fn finding() -> Findings {
        let d = Diagnostic::new(
            Rule::UnknownKey,
            "models/a.yaml",
            Some(Span {
                line: 2,
                column: 1,
                offset: 6,
                len: 5,
            }),
            "unknown key `titel`",
        )
        .with_help("did you mean `title`?");
        Findings::new(vec![d])
    }

    #[test]
    fn human_output_has_position_snippet_and_help() {
        let mut loaded = BTreeMap::new();
        loaded.insert(
            PathBuf::from("models/a.yaml"),
            Arc::from("tm: 1\ntitel: x\n"),
        );
        let out = render(
            &finding(),
            Format::Human,
            &SourceText {
                loaded: &loaded,
                root: Path::new("."),
                prefix: Path::new(""),
            },
            false,
        );
        assert!(out.contains("error[TM010]: unknown key `titel`"), "{out}");
        assert!(out.contains("models/a.yaml:2:1"), "{out}");
        assert!(out.contains("^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `title`?"), "{out}");
        assert!(out.ends_with("1 error, 0 warnings\n"), "{out}");
    }

    #[test]
    fn underline_never_splits_a_character() {
        let text = "title: caf\u{FFFD}\n";
        assert_eq!(value_end(text, 10, 1), 13);
        assert_eq!(value_end(text, 7, 0), 13);
    }

    #[test]
    fn github_annotations_escape_properties() {
        let out = render_github(&finding());
        assert_eq!(
            out,
            "::error file=models/a.yaml,line=2,col=1,title=TM010 unknown-key::unknown key `titel`%0Ahelp: did you mean `title`?\n"
        );
    }
}
