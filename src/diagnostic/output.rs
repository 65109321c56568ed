//! Printing findings: rustc-style text with snippets, JSON for machines, and
//! GitHub Actions workflow annotations.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Findings, LineIndex, Severity};

/// The formats `tm check` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Files larger than this are not read to show a snippet (the finding is
/// printed with its position only): tm's own budget for a source file.
const MAX_SNIPPET_FILE_BYTES: u64 = 8 * 1024 * 1024;

impl SourceText<'_> {
    fn get(&self, file: &Path) -> Option<Cow<'_, str>> {
        let file = file.strip_prefix(self.prefix).unwrap_or(file);
        match self.loaded.get(file) {
            Some(t) => Some(Cow::Borrowed(&**t)),
            None => read_small(&self.root.join(file)).map(Cow::Owned),
        }
    }
}

/// The text of a regular file (never through a link, never a pipe) within
/// [`MAX_SNIPPET_FILE_BYTES`], checked before reading.
fn read_small(path: &Path) -> Option<String> {
    if !path.symlink_metadata().is_ok_and(|m| m.is_file()) {
        return None;
    }
    match crate::project_root::read_capped(path, MAX_SNIPPET_FILE_BYTES) {
        Ok(crate::project_root::Capped::Whole(bytes)) => String::from_utf8(bytes).ok(),
        _ => None,
    }
}

/// The most text one snippet shows; a finding on a longer line is printed
/// with its position only, so a one-line file of 30,000 findings stays linear.
const MAX_SNIPPET_BYTES: usize = 1024;

/// A file's text and line index, loaded once for all its findings.
struct Lined<'a> {
    text: Cow<'a, str>,
    lines: LineIndex,
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
    // Findings are sorted by file: one file's text is held at a time.
    let mut current: Option<(&Path, Option<Lined<'_>>)> = None;
    for d in &findings.diagnostics {
        // Read only for a snippet: a whole-file finding may name a file tm refused.
        if d.span.is_some() && current.as_ref().is_none_or(|(f, _)| *f != d.file.as_path()) {
            let lined = sources.get(&d.file).map(|text| Lined {
                lines: LineIndex::new(&text),
                text,
            });
            current = Some((d.file.as_path(), lined));
        }
        let lined = current.as_ref().and_then(|(_, l)| l.as_ref());
        out.push_str(&render_one(d, lined, &renderer));
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

fn render_one(d: &Diagnostic, source: Option<&Lined<'_>>, renderer: &Renderer) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        _ => Level::WARNING,
    };
    let path = d.file.to_string_lossy();
    let mut group = Group::with_title(level.primary_title(d.message.as_str()).id(d.rule.code()));
    match (d.span, source) {
        (Some(span), Some(Lined { text, lines }))
            if span.offset <= text.len() && text.is_char_boundary(span.offset) =>
        {
            let end = value_end(text, span.offset, span.len);
            // Only the lines the underline covers go to the renderer, so the
            // cost of a finding does not grow with the size of its file.
            let first = lines.line_of(span.offset);
            let last = lines.line_of(end.saturating_sub(1).max(span.offset));
            let from = lines.line_range(text, first).start;
            let to = lines.line_range(text, last).end.max(end);
            if to - from > MAX_SNIPPET_BYTES {
                return render_located(d, span, &path, group, renderer);
            }
            group = group.element(
                Snippet::source(&text[from..to])
                    .line_start(first)
                    .path(path.as_ref())
                    .annotation(
                        AnnotationKind::Primary
                            .span(span.offset - from..end - from)
                            .label(d.rule.name()),
                    ),
            );
        }
        (Some(span), _) => return render_located(d, span, &path, group, renderer),
        (None, _) => {
            group = group.element(Level::NOTE.message(format!("in {path}")));
        }
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    renderer.render(&[group])
}

/// A finding shown by its position only: the text is unavailable, or its
/// line too long for a snippet.
fn render_located(
    d: &Diagnostic,
    span: super::Span,
    path: &str,
    group: Group<'_>,
    renderer: &Renderer,
) -> String {
    let loc = format!("{path}:{}:{}", span.line, span.column);
    let mut group = group.element(Level::NOTE.message(format!("in {loc}")));
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    renderer.render(&[group])
}

/// The end of the underline: the value's own length when known, else to the
/// end of the token (or of the line, for a short line); always on a character
/// boundary (the text of a file that is not UTF-8 holds replacement characters).
fn value_end(text: &str, offset: usize, len: usize) -> usize {
    // Never look further than a snippet can show: a long line costs the same.
    let mut bound = (offset + MAX_SNIPPET_BYTES).min(text.len());
    while !text.is_char_boundary(bound) {
        bound -= 1;
    }
    let rest = &text[offset..bound];
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
        /// Lossy for a name that is not UTF-8: JSON strings are Unicode.
        file: Cow<'a, str>,
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
                file: d.file.to_string_lossy(),
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
