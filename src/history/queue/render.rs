//! The review queue as text for a terminal, as Markdown and as HTML.
//!
//! An item's text is built once as typed [`Span`]s (tm's own words, values
//! shown as code, quoted user text) and each output escapes them for itself:
//! user text (a threat title, a commit subject) is never pasted into Markdown
//! and parsed again, so a title with backticks, `<tags>` or `@mentions`
//! shows as written everywhere.

use std::fmt::Write;

use super::{QueueItem, QueueReason, ReviewQueue};
use crate::escape::{code_span, escape_html, escape_inline};
use crate::terminal::escape_line;

/// Commits listed per component before "… and N more".
const MAX_COMMITS_SHOWN: usize = 10;

/// One piece of an item's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// tm's own words: no markup, no user text.
    Words(String),
    /// A value shown as code: an id, a commit, a file name.
    Code(String),
    /// Text from the model or from git (a title, a subject, an author), shown as written.
    Text(String),
}

/// A line of spans.
pub type Line = Vec<Span>;

fn words(s: impl Into<String>) -> Span {
    Span::Words(s.into())
}

fn code(s: impl ToString) -> Span {
    Span::Code(s.to_string())
}

fn text(s: impl Into<String>) -> Span {
    Span::Text(s.into())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One item's headline.
pub fn headline(item: &QueueItem) -> Line {
    match &item.reason {
        QueueReason::CodeChanged {
            component,
            since,
            commits,
            files,
            uncommitted,
        } => {
            let mut line = vec![
                words("code of component "),
                code(component),
                words(" changed since the security review at "),
                code(since),
                words(format!(
                    ": {}, {}",
                    plural(commits.len(), "commit", "commits"),
                    plural(files.len(), "file", "files")
                )),
            ];
            if !uncommitted.is_empty() {
                line.push(words(format!(", {} uncommitted", uncommitted.len())));
            }
            line
        }
        QueueReason::ReviewCommitUnknown { commit } => vec![
            words("the last security review's commit "),
            code(commit),
            words(" is not in the available history: code drift unknown"),
        ],
        QueueReason::ReviewWithoutCommit => vec![
            words("the last security review records no "),
            code("commit"),
            words(": code drift cannot be tracked"),
        ],
        QueueReason::AcceptanceExpiring {
            threat,
            title,
            expires,
            days_left,
        } => {
            let when = if *days_left < 0 {
                let ago = days_left.unsigned_abs();
                format!(
                    "” expired on {expires} ({} ago)",
                    plural(usize::try_from(ago).unwrap_or(usize::MAX), "day", "days")
                )
            } else {
                format!(
                    "” expires on {expires} (in {})",
                    plural(
                        usize::try_from(*days_left).unwrap_or(usize::MAX),
                        "day",
                        "days"
                    )
                )
            };
            vec![
                words("acceptance of "),
                code(threat),
                words(" “"),
                text(title),
                words(when),
            ]
        }
        QueueReason::UnmitigatedThreat {
            threat,
            title,
            severity,
        } => vec![
            words(format!("open {severity} threat ")),
            code(threat),
            words(" “"),
            text(title),
            words("” has no mitigation"),
        ],
        QueueReason::DraftedThreat { threat, title } => vec![
            words("drafted threat "),
            code(threat),
            words(" “"),
            text(title),
            words("” awaits review"),
        ],
        QueueReason::NoReview => vec![words("the model has never been reviewed")],
        QueueReason::OpenQuestion {
            question,
            about,
            text: asked,
            code: at,
        } => {
            let mut line = vec![
                words("open question "),
                code(question),
                words(" on "),
                code(about),
            ];
            if let Some(at) = at {
                line.extend([words(" at "), code(at)]);
            }
            line.extend([words(": “"), text(asked), words("”")]);
            line
        }
        QueueReason::DraftedMitigation {
            mitigation,
            control,
        } => vec![
            words("drafted mitigation "),
            code(mitigation),
            words(" “"),
            text(control),
            words("” awaits review"),
        ],
    }
}

/// Details under an item, one line each: the commits and files of a code change.
pub fn detail_lines(item: &QueueItem) -> Vec<Line> {
    let QueueReason::CodeChanged {
        commits,
        files,
        uncommitted,
        ..
    } = &item.reason
    else {
        return Vec::new();
    };
    let mut lines: Vec<Line> = commits
        .iter()
        .take(MAX_COMMITS_SHOWN)
        .map(|c| {
            vec![
                code(&c.short),
                words(" "),
                text(&c.subject),
                words(" — "),
                text(&c.author),
                words(", "),
                text(c.day_shown()),
            ]
        })
        .collect();
    if commits.len() > MAX_COMMITS_SHOWN {
        lines.push(vec![words(format!(
            "… and {} more commits",
            commits.len() - MAX_COMMITS_SHOWN
        ))]);
    }
    for (label, list) in [("files: ", files), ("uncommitted: ", uncommitted)] {
        if list.is_empty() {
            continue;
        }
        let mut line = vec![words(label)];
        for (i, f) in list.iter().enumerate() {
            if i > 0 {
                line.push(words(", "));
            }
            line.push(code(f));
        }
        lines.push(line);
    }
    lines
}

/// A line as Markdown: values in code spans, user text escaped.
pub fn to_markdown(line: &[Span]) -> String {
    line.iter()
        .map(|s| match s {
            Span::Words(w) => w.clone(),
            Span::Code(c) => code_span(c),
            Span::Text(t) => escape_inline(t),
        })
        .collect()
}

/// A line as HTML: values in `<code>`, user text in `<bdi>` (a right-to-left
/// override in a title cannot reorder tm's words after it), everything escaped.
pub fn to_html(line: &[Span]) -> String {
    line.iter()
        .map(|s| match s {
            Span::Words(w) => escape_html(w),
            Span::Text(t) => format!("<bdi>{}</bdi>", escape_html(t)),
            Span::Code(c) => format!("<code>{}</code>", escape_html(c)),
        })
        .collect()
}

/// A line as plain text for a terminal: control characters (line breaks and
/// bidi overrides included) in values and user text shown escaped.
pub fn to_text(line: &[Span]) -> String {
    line.iter()
        .map(|s| match s {
            Span::Words(w) => w.clone(),
            Span::Code(w) | Span::Text(w) => escape_line(w).into_owned(),
        })
        .collect()
}

/// One item's headline as Markdown.
pub fn describe(item: &QueueItem) -> String {
    to_markdown(&headline(item))
}

/// Details under an item as Markdown, one line each.
pub fn details(item: &QueueItem) -> Vec<String> {
    detail_lines(item).iter().map(|l| to_markdown(l)).collect()
}

fn heading(q: &ReviewQueue) -> String {
    match q.items.len() {
        0 => "Review queue: nothing to review".to_owned(),
        1 => "Review queue: 1 item".to_owned(),
        n => format!("Review queue: {n} items"),
    }
}

/// Markdown: a heading, notes, then one section per model.
pub fn render_markdown(q: &ReviewQueue) -> String {
    let mut out = format!("## {}\n", heading(q));
    for note in &q.notes {
        let _ = writeln!(out, "\n> {note}");
    }
    let mut model = "";
    for item in &q.items {
        if item.model != model {
            model = &item.model;
            let _ = writeln!(
                out,
                "\n### {} ({})\n",
                code_span(&item.model),
                code_span(&item.file)
            );
        }
        let _ = writeln!(out, "- {}", describe(item));
        for d in details(item) {
            let _ = writeln!(out, "  - {d}");
        }
    }
    out
}

/// Plain text for a terminal.
pub fn render_text(q: &ReviewQueue) -> String {
    let mut out = format!("{}\n", heading(q));
    for note in &q.notes {
        let _ = writeln!(out, "note: {}", escape_line(note));
    }
    let mut model = "";
    for item in &q.items {
        if item.model != model {
            model = &item.model;
            let _ = writeln!(
                out,
                "\n{} ({})",
                escape_line(&item.model),
                escape_line(&item.file)
            );
        }
        let _ = writeln!(out, "  - {}", to_text(&headline(item)));
        for d in detail_lines(item) {
            let _ = writeln!(out, "      {}", to_text(&d));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{QueueItem, QueueReason, describe, headline, to_html, to_text};
    use crate::model::{Id, Severity};
    use crate::render::markdown::inline_html;

    fn drafted(title: &str) -> QueueItem {
        QueueItem {
            model: "m".into(),
            file: "models/m.yaml".into(),
            reason: QueueReason::DraftedThreat {
                threat: Id::from("T-1"),
                title: title.into(),
            },
        }
    }

    #[test]
    fn titles_with_markup_show_as_written_in_every_output() {
        for title in [
            "Use of `eval` on input",
            "``` unbalanced ` ticks",
            "`",
            "<script>alert(1)</script> & <!-- x",
            "*not* _emphasis_ [link](https://evil.example) @team #1",
        ] {
            let item = drafted(title);
            let html = to_html(&headline(&item));
            assert!(!html.contains("<script"), "{html}");
            let shown = crate::escape::escape_html(title);
            assert!(html.contains(&format!("“<bdi>{shown}</bdi>”")), "{html}");
            let md = describe(&item);
            // The Markdown, rendered, shows the title's text exactly.
            let rendered = inline_html(&md);
            let expected = crate::escape::escape_html(&title.replace("@team", "@\u{2060}team"));
            assert!(rendered.contains(&expected), "{title:?}: {md} → {rendered}");
            assert!(!rendered.contains("<a "), "{rendered}");
            assert!(to_text(&headline(&item)).contains(title), "{title}");
        }
    }

    #[test]
    fn terminal_text_shows_control_characters_escaped() {
        let item = QueueItem {
            model: "m".into(),
            file: "models/m.yaml".into(),
            reason: QueueReason::UnmitigatedThreat {
                threat: Id::from("T-1"),
                title: "red\u{1b}[31m\u{7}bell".into(),
                severity: Severity::High,
            },
        };
        let t = to_text(&headline(&item));
        assert!(!t.chars().any(char::is_control), "{t:?}");
        assert!(
            t.contains(r"open high threat T-1 “red\x1b[31m\x07bell” has no mitigation"),
            "{t}"
        );
    }
}
