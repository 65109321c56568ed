//! Markdown from model files → sanitized HTML.
//!
//! Model text arrives through pull requests, so it is untrusted: pulldown-cmark
//! passes raw HTML and `javascript:` link targets straight through, and ammonia
//! then removes scripts, event handlers, unsafe URL schemes and comments.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, html};

pub use crate::escape::{code_span, escape_html, escape_inline};

/// The one sanitizer, built once: ammonia's safe defaults (no script/style,
/// no `on*` attributes, http/https/mailto URLs only, `rel="noopener noreferrer"`),
/// and no absolute image sources, because the site makes no network request.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.attribute_filter(|_element, attribute, value| {
        if attribute == "src" && is_remote(value) {
            None
        } else {
            Some(value.into())
        }
    });
    b
});

/// Whether a URL leaves the site (has a scheme or is protocol-relative).
fn is_remote(url: &str) -> bool {
    let url = url.trim_start();
    url.starts_with("//")
        || url
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/'))
}

/// Renders Markdown to HTML that is safe to insert into a page unescaped.
pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options).collect();
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 2);
    html::push_html(&mut out, events.iter().cloned());
    if needs_sanitizing(&events) {
        SANITIZER.clean(&out).to_string()
    } else {
        out
    }
}

/// Renders one line of Markdown (a change, a queue item) as inline HTML,
/// without the paragraph around it; sanitized like [`to_html`].
pub fn inline_html(markdown: &str) -> String {
    let html = to_html(markdown);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => html,
    }
}

/// The text of Markdown without its markup, on one line: what a search
/// snippet shows. Raw HTML is dropped, not shown as tags.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    ) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Renders tm's own one-line messages (diagnostics), which quote values in
/// backticks, as HTML: code spans become `<code>` and everything else is
/// escaped text. Unlike [`inline_html`], nothing else in the text is markup,
/// so a quoted value holding `<a href=…>`, `[x](…)` or stray backticks stays
/// visible text and cannot add a link or hide the rest of the message.
pub fn code_spans_html(text: &str) -> String {
    // Backtick runs as (byte offset, length); a run opens a code span that the
    // next run of the same length closes (CommonMark's rule), else is literal.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '`' {
            let mut n = 1;
            while chars.next_if(|&(_, c)| c == '`').is_some() {
                n += 1;
            }
            runs.push((i, n));
        }
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    let mut r = 0;
    while r < runs.len() {
        let (open, n) = runs[r];
        let Some(close) = (r + 1..runs.len()).find(|&k| runs[k].1 == n) else {
            r += 1;
            continue;
        };
        let inner = &text[open + n..runs[close].0];
        out.push_str(&escape_html(&text[at..open]));
        let inner = match inner.strip_prefix(' ').and_then(|s| s.strip_suffix(' ')) {
            Some(trimmed) if !inner.trim().is_empty() => trimmed,
            _ => inner,
        };
        out.push_str("<code>");
        out.push_str(&escape_html(inner));
        out.push_str("</code>");
        at = runs[close].0 + n;
        r = close + 1;
    }
    out.push_str(&escape_html(&text[at..]));
    out
}

/// Whether pulldown-cmark's output may carry anything unsafe. Without raw HTML,
/// links or images its output is only the tags it generates itself around
/// escaped text, so the (comparatively slow) HTML parse of ammonia is skipped.
fn needs_sanitizing(events: &[Event<'_>]) -> bool {
    events.iter().any(|e| {
        matches!(
            e,
            Event::Html(_)
                | Event::InlineHtml(_)
                | Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::HtmlBlock)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{
        code_span, code_spans_html, escape_html, escape_inline, inline_html, plain_text, to_html,
    };

    #[test]
    fn messages_show_code_spans_and_nothing_else() {
        assert_eq!(
            code_spans_html("unknown id `a-1` in `target`"),
            "unknown id <code>a-1</code> in <code>target</code>"
        );
        assert_eq!(
            code_spans_html("value `x`<a href=\"https://evil.example\">y</a>` **b**"),
            "value <code>x</code>&lt;a href=&quot;https://evil.example&quot;&gt;y&lt;/a&gt;` **b**"
        );
        assert_eq!(
            code_spans_html("``a`b`` and ` lone"),
            "<code>a`b</code> and ` lone"
        );
        assert_eq!(code_spans_html("é`ü`"), "é<code>ü</code>");
        assert_eq!(code_spans_html("` `` `"), "<code>``</code>");
    }

    /// Markdown text rendered back, as the HTML-escaped text it must show.
    fn shows(markdown: &str) -> String {
        inline_html(markdown)
            .replace("<code>", "")
            .replace("</code>", "")
    }

    #[test]
    fn escaped_text_renders_as_itself() {
        for text in [
            "plain words",
            "`code` and ``` fences `",
            "*em* _em_ **strong** ~~del~~ [l](https://x.example) ![i](x.png)",
            "<script>alert(1)</script> <b>b</b> &amp; &lt; <!-- c -->",
            "# heading-like 1. list-like + - | table | \\ backslash",
            "https://autolink.example <https://x.example>",
        ] {
            assert_eq!(shows(&escape_inline(text)), escape_html(text), "{text:?}");
        }
        assert_eq!(escape_inline("a\nb\u{1b}c"), "a bc");
        assert_eq!(escape_inline("@team"), "@\u{2060}team");
        assert_eq!(escape_inline("jane@corp.example"), "jane@corp.example");
        assert_eq!(escape_inline("a\u{202e}b"), "ab");
    }

    #[test]
    fn code_spans_hold_any_backticks() {
        for text in ["x", "`", "``", "a`b", "a ``` b", "`edge`", " spaced ", ""] {
            let md = code_span(text);
            let html = inline_html(&format!("see {md} here"));
            let expected = if text.is_empty() { " " } else { text };
            assert!(
                html.contains(&format!("<code>{}</code>", escape_html(expected))),
                "{text:?}: {md} → {html}"
            );
        }
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(
            plain_text("**Replay** of `POST /pay`:\n\n- a [link](https://x)\n- <b>raw</b>"),
            "Replay of POST /pay: a link raw"
        );
    }

    #[test]
    fn formats_plain_markdown() {
        assert_eq!(to_html("*hi* `x`"), "<p><em>hi</em> <code>x</code></p>\n");
        assert_eq!(
            inline_html("threat `T-1` “a”"),
            "threat <code>T-1</code> “a”"
        );
        assert!(!inline_html("“<script>x</script>”").contains("<script"));
    }

    #[test]
    fn strips_scripts_handlers_and_javascript_urls() {
        let html = to_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) <a href=\"javascript:alert(2)\">b</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn comments_cannot_break_out() {
        let html = to_html("<!-- --><script>alert(1)</script><!-- -->\n\n--><svg onload=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onload"), "{html}");
        assert!(!html.contains("<!--"), "{html}");
    }

    #[test]
    fn drops_remote_image_sources() {
        let html = to_html("![t](https://tracker.example/p.png) ![l](img/local.png)");
        assert!(!html.contains("tracker"), "{html}");
        assert!(html.contains("src=\"img/local.png\""), "{html}");
    }

    #[test]
    fn keeps_safe_links() {
        let html = to_html("[docs](https://example.com/a)");
        assert!(html.contains("href=\"https://example.com/a\""), "{html}");
    }
}
