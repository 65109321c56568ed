//! Escaping shared by the Markdown-based exports (report, issue bodies):
//! table cells and paragraphs of user text, built on `crate::escape`.

use crate::escape::{code_span, escape_inline};

/// User text as the content of one GFM table cell: inline-escaped (which
/// escapes `|` and turns line breaks into spaces); empty text shows as `—`.
pub fn cell(text: &str) -> String {
    let escaped = escape_inline(text.trim());
    if escaped.is_empty() {
        "—".to_owned()
    } else {
        escaped
    }
}

/// A code span fit for a GFM table cell: GFM splits cells at a `|` even
/// inside a code span, so it is escaped there too.
pub fn cell_code(text: &str) -> String {
    code_span(text).replace('|', "\\|")
}

/// Multi-line user text (a description, a rationale) as Markdown paragraphs
/// that render as exactly that text: each paragraph is escaped inline, and a
/// character that would start a block (list, heading underline, quote,
/// numbered item) at the start of a paragraph is escaped as well.
pub fn paragraphs(text: &str) -> String {
    let mut out = Vec::new();
    for para in text.split("\n\n") {
        let joined = para.split_whitespace().collect::<Vec<_>>().join(" ");
        if joined.is_empty() {
            continue;
        }
        out.push(guard_block_start(&escape_inline(&joined)));
    }
    out.join("\n\n")
}

/// Escapes a block marker at the start of an inline-escaped line.
pub fn guard_block_start(line: &str) -> String {
    let first = line.chars().next();
    match first {
        Some(
            '-' | '+' | '=' | ':' | '"' | '\'' | '(' | ')' | '.' | '{' | '}' | '/' | '%' | ';',
        ) => {
            format!("\\{line}")
        }
        Some(c) if c.is_ascii_digit() => {
            // `1.` / `1)` starts an ordered list: escape the delimiter.
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            match line[digits..].chars().next() {
                Some(d @ ('.' | ')')) => format!("{}\\{d}{}", &line[..digits], &line[digits + 1..]),
                _ => line.to_owned(),
            }
        }
        _ => line.to_owned(),
    }
}

/// What a threat's target is: `component`, `flow`, `boundary`, or
/// `unknown` for a dangling reference (which `tm check` reports).
pub fn target_kind(m: &crate::model::Model, id: &str) -> &'static str {
    if m.components.iter().any(|c| c.id.as_str() == id) {
        "component"
    } else if m.flows.iter().any(|f| f.id.as_str() == id) {
        "flow"
    } else if m.boundaries.iter().any(|b| b.id.as_str() == id) {
        "boundary"
    } else {
        "unknown"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_and_line_breaks() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(cell("  "), "—");
        assert_eq!(cell_code("x|y"), "`x\\|y`");
    }

    #[test]
    fn paragraphs_do_not_start_blocks() {
        assert_eq!(
            paragraphs("- item\n\n1. one\n\n# h"),
            "\\- item\n\n1\\. one\n\n\\# h"
        );
        assert_eq!(paragraphs("line one\nline two"), "line one line two");
        assert_eq!(paragraphs("=== x"), "\\=== x");
    }
}
