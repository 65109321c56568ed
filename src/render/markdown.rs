//! Markdown from model files → sanitized HTML.
//!
//! Model text arrives through pull requests, so it is untrusted: pulldown-cmark
//! passes raw HTML and `javascript:` link targets straight through, and ammonia
//! then removes scripts, event handlers, unsafe URL schemes and comments.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, html};

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
    use super::{inline_html, to_html};

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
