//! User text escaped for the outputs that are text too: Markdown (PR
//! comments, the queue) and HTML built outside the templates. A leaf module:
//! history renders Markdown with it and the site renders HTML with it, and
//! neither reaches into the other. (Terminals: `terminal`.)

/// Escapes plain text for Markdown inline content (within a line, as tm's
/// outputs place it), so that it renders as exactly that text: the characters
/// that start emphasis, code, links, images, HTML, entities, tables, math or
/// headings are backslash-escaped, line breaks become spaces, control and
/// invisible or direction-changing characters are dropped, and an `@` that
/// starts a word is followed by a word joiner so a name cannot mention
/// (notify) anyone on GitHub; an `@` inside a word (an e-mail address) stays.
pub fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut after_word = false;
    for c in text.chars() {
        let mention = c == '@' && !after_word;
        after_word = c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+');
        match c {
            '@' if mention => out.push_str("@\u{2060}"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '!' | '|' | '~' | '$' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() || crate::terminal::is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// `text` as a Markdown code span that shows it literally, whatever backticks
/// it holds: the fence is one backtick longer than the longest run inside.
pub fn code_span(text: &str) -> String {
    let text: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() || crate::terminal::is_unsafe(c) => None,
            c => Some(c),
        })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A space on each side is stripped by the parser: add one where the
    // content would otherwise touch the fence or lose its own spaces.
    if text.is_empty() {
        return "` `".to_owned();
    }
    let pad = text.starts_with('`')
        || text.ends_with('`')
        || (text.starts_with(' ') && text.ends_with(' ') && !text.trim().is_empty());
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Escapes text for HTML and SVG content and attribute values. Control
/// characters, which XML does not allow even escaped, are dropped (tabs and
/// line breaks become spaces).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}
