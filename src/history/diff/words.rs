//! A line of output as typed parts — tm's own words, user text, code-like
//! values, links — so that each output escapes user text for itself: Markdown
//! through [`escape_markdown`] and code spans, terminals stripped of control
//! characters. User text is never pasted into Markdown and parsed again.

/// One part of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// tm's own words: fixed text and closed vocabularies (statuses, severities).
    Word(String),
    /// Text from a model or from git (titles, names, reasons): escaped.
    Text(String),
    /// An id, path, glob or value, shown as code.
    Code(String),
    /// An id shown as code and linking to `url` (an http(s) URL).
    Link {
        /// The id.
        code: String,
        /// Where it links.
        url: String,
    },
}

/// A line of output made of parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line(pub Vec<Part>);

impl Line {
    /// An empty line.
    pub fn new() -> Line {
        Line(Vec::new())
    }

    /// Appends tm's own words.
    pub fn word(mut self, w: impl Into<String>) -> Line {
        self.0.push(Part::Word(w.into()));
        self
    }

    /// Appends user text.
    pub fn text(mut self, t: impl Into<String>) -> Line {
        self.0.push(Part::Text(t.into()));
        self
    }

    /// Appends a code-like value.
    pub fn code(mut self, c: impl Into<String>) -> Line {
        self.0.push(Part::Code(c.into()));
        self
    }

    /// Appends the parts of another line.
    pub fn append(mut self, other: Line) -> Line {
        self.0.extend(other.0);
        self
    }

    /// A message of tm's (a finding) that quotes values between backticks:
    /// the quoted values become code parts, the rest text. Whatever the
    /// message holds, every part is still escaped by its output.
    pub fn message(mut self, message: &str) -> Line {
        for (i, piece) in message.split('`').enumerate() {
            if piece.is_empty() {
                continue;
            }
            self.0.push(if i % 2 == 1 {
                Part::Code(piece.to_owned())
            } else {
                Part::Text(piece.to_owned())
            });
        }
        self
    }

    /// The line as Markdown, every user part escaped.
    pub fn markdown(&self) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Part::Word(w) => escape_markdown(w),
                Part::Text(t) => escape_markdown(t),
                Part::Code(c) => code_span(c),
                Part::Link { code, url } => match safe_url(url) {
                    Some(url) => format!("[{}](<{url}>)", code_span(code)),
                    None => code_span(code),
                },
            })
            .collect()
    }

    /// The line as plain text for a terminal, control characters removed.
    pub fn plain(&self) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Part::Word(s) | Part::Text(s) | Part::Code(s) | Part::Link { code: s, .. } => {
                    plain_text(s)
                }
            })
            .collect()
    }
}

/// Text for a terminal, on one line: control characters and the Unicode
/// format characters that reorder or hide text are shown escaped (`\x1b`),
/// never obeyed (see [`crate::terminal`]).
pub fn plain_text(s: &str) -> String {
    crate::terminal::escape_line(s).into_owned()
}

pub use crate::escape::{code_span, escape_inline as escape_markdown};

/// An http(s) URL safe inside `<…>` in a Markdown link, or `None`.
fn safe_url(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '<' | '>' | ' ' | '"' | '\'' | '\\' | '`' => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c if crate::terminal::is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_of_hostile_text_renders_as_that_text() {
        let title = "`x` @team <script>alert(1)</script> [x](javascript:alert(1)) a|b *em*";
        let md = escape_markdown(title);
        assert!(!md.contains("@team"), "{md}");
        // E-mail addresses stay as they are.
        assert_eq!(escape_markdown("a@b.example"), "a@b.example");
        assert!(!md.replace(r"\<", "").contains('<'), "{md}");
        assert!(!md.contains("[x]("), "{md}");
        assert!(md.contains(r"a\|b"), "{md}");
        assert!(md.contains(r"\`x\`"), "{md}");
        // Rendered, the text is all there and nothing else is.
        let html = render(&md);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<a "), "{html}");
        assert!(!html.contains("<code>"), "{html}");
        assert!(!html.contains("<em>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn finding_messages_keep_their_quoted_values_as_code() {
        let line = Line::new().message("code path `src/*.rs` matches no file");
        assert_eq!(line.markdown(), r"code path `src/*.rs` matches no file");
        assert_eq!(line.plain(), "code path src/*.rs matches no file");
        // An unbalanced backtick cannot open anything.
        let odd = Line::new().message("a `b <i>c");
        assert_eq!(odd.markdown(), r"a `b <i>c`");
    }

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code_span("a"), "`a`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a"), "`` `a ``");
        let html = render(&code_span("x``y<b>"));
        assert_eq!(html.trim(), "<p><code>x``y&lt;b&gt;</code></p>");
    }

    #[test]
    fn only_web_links_are_links() {
        let line = Line(vec![Part::Link {
            code: "T-1".into(),
            url: "javascript:alert(1)".into(),
        }]);
        assert_eq!(line.markdown(), "`T-1`");
        let line = Line(vec![Part::Link {
            code: "T-1".into(),
            url: "https://git.example/r/blob/abc/m.yaml#L3> x".into(),
        }]);
        assert_eq!(
            line.markdown(),
            "[`T-1`](<https://git.example/r/blob/abc/m.yaml#L3%3E%20x>)"
        );
    }

    #[test]
    fn terminals_and_markdown_get_no_control_characters() {
        let hostile = "a\u{1b}[31mb\u{202e}c\nd";
        assert!(!plain_text(hostile).contains(['\u{1b}', '\u{202e}', '\n']));
        assert_eq!(escape_markdown(hostile), r"a\[31mbc d");
    }

    fn render(md: &str) -> String {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(md));
        html
    }
}
