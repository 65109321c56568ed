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

/// Multi-line user text (a description, a rationale, Markdown by the model
/// format) as Markdown that shows exactly that text, keeping its shape:
/// paragraphs and lines stay, a bullet (`- `, `* `, `+ `) or numbered item
/// stays a list item and a heading becomes a bold line, with the rest of
/// each line escaped inline. Any other character that would start a block
/// (a heading underline, a quote, a list) is escaped; no user text reaches
/// the output unescaped.
pub fn paragraphs(text: &str) -> String {
    let mut out = Vec::new();
    for para in text.split("\n\n") {
        let lines: Vec<String> = para
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(line)
            .filter(|l| !l.is_empty())
            .collect();
        if !lines.is_empty() {
            out.push(lines.join("\n"));
        }
    }
    out.join("\n\n")
}

/// One line of [`paragraphs`].
fn line(l: &str) -> String {
    if let Some(rest) = ["- ", "* ", "+ "].iter().find_map(|m| l.strip_prefix(m)) {
        return format!("- {}", guard_block_start(&escape_inline(rest.trim())));
    }
    let hashes = l.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes)
        && let Some(rest) = l[hashes..].strip_prefix(' ')
    {
        let rest = escape_inline(rest.trim().trim_end_matches('#').trim());
        return if rest.is_empty() {
            String::new()
        } else {
            format!("**{rest}**")
        };
    }
    let digits = l.chars().take_while(char::is_ascii_digit).count();
    if (1..=9).contains(&digits)
        && let Some(rest) = l[digits..].strip_prefix(". ")
    {
        return format!(
            "{}. {}",
            &l[..digits],
            guard_block_start(&escape_inline(rest.trim()))
        );
    }
    guard_block_start(&escape_inline(l))
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
            paragraphs("- *item*\n- two\n\n1. one\n\n## h <b>\n\ntext\n=== x\n> q"),
            "- \\*item\\*\n- two\n\n1. one\n\n**h \\<b\\>**\n\ntext\n\\=== x\n\\> q"
        );
        assert_eq!(paragraphs("line one\nline two"), "line one\nline two");
        assert_eq!(paragraphs("-1 is\n1) x\n#"), "\\-1 is\n1\\) x\n\\#");
        assert_eq!(paragraphs("## ##"), "");
    }
}
