//! Text bound for a terminal, made inert: control characters from commit
//! subjects, author names, paths or model text could otherwise move the
//! cursor, rewrite earlier lines, change the window title or reorder what a
//! reviewer reads (bidi overrides). They are shown escaped instead, as
//! `\x1b` or `\u{202e}`, so nothing is hidden and nothing is obeyed.

use std::borrow::Cow;
use std::fmt::Write;

/// Escapes every control character of `text` except line feeds and tabs:
/// for multi-line output (a report, a list) printed to a terminal.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n' || c == '\t')
}

/// Escapes every control character of `text`, line feeds and tabs included:
/// for one field (a subject, a name, a path) that must stay on its line.
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// Whether `c` must not reach a terminal as is: C0 and C1 controls, DEL, and
/// the Unicode format characters that reorder or hide text.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061C}'                      // Arabic letter mark
            | '\u{200B}'..='\u{200F}'       // zero-width characters, LRM, RLM
            | '\u{2028}' | '\u{2029}'       // line and paragraph separators
            | '\u{202A}'..='\u{202E}'       // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}'       // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}'       // bidi isolates
            | '\u{FEFF}'                    // zero-width no-break space
        )
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) || keep(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        assert_eq!(
            escape_text("fix\x1b[2J\x1b]0;title\x07 done"),
            "fix\\x1b[2J\\x1b]0;title\\x07 done"
        );
        assert_eq!(escape_text("a\rb\x7f\u{9b}c"), "a\\x0db\\x7f\\x9bc");
    }

    #[test]
    fn bidi_overrides_and_invisible_characters_are_escaped() {
        assert_eq!(
            escape_line("ok\u{202e}evil\u{2066}"),
            "ok\\u{202e}evil\\u{2066}"
        );
        assert_eq!(escape_line("a\u{200b}b"), "a\\u{200b}b");
    }

    #[test]
    fn text_keeps_its_lines_and_tabs_a_line_does_not() {
        assert_eq!(escape_text("a\n\tb"), "a\n\tb");
        assert_eq!(escape_line("a\n\tb"), "a\\x0a\\x09b");
    }

    #[test]
    fn clean_text_is_borrowed_unchanged() {
        let text = "Ünïcode — “quotes” 漢字 ✓";
        assert!(matches!(escape_text(text), Cow::Borrowed(t) if t == text));
    }
}
