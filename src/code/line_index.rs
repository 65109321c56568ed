//! Token spans (proc-macro2's line and character column) → line, column and
//! byte range of the file, from a table of line starts built once per file
//! (on the first span asked for), so that converting a span costs its own
//! line, not a rescan of the file.

use std::cell::OnceCell;

use proc_macro2::Span as TokenSpan;

use crate::diagnostic::{self, Span};

/// Token spans of one file → [`Span`]s, through the file's line starts.
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Built on first use, since most files have no span to convert.
    lines: OnceCell<diagnostic::LineIndex>,
}

impl<'a> LineIndex<'a> {
    /// The line index of `text`; its one pass over the text is made when
    /// the first span is converted.
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            lines: OnceCell::new(),
        }
    }

    /// The line starts of the file (built on first use).
    pub fn lines(&self) -> &diagnostic::LineIndex {
        self.lines
            .get_or_init(|| diagnostic::LineIndex::new(self.text))
    }

    /// The span of one token.
    pub fn span(&self, token: TokenSpan) -> Span {
        self.span_between(token, token)
    }

    /// The range from the start of `first` to the end of `last` (empty when
    /// they end on another line than they start).
    pub fn span_between(&self, first: TokenSpan, last: TokenSpan) -> Span {
        let (start, end) = (first.start(), last.end());
        let offset = self.byte_offset(start.line, start.column);
        let end_offset = if end.line == start.line {
            self.byte_offset(end.line, end.column)
        } else {
            offset
        };
        Span {
            line: start.line.max(1) as u32,
            column: start.column as u32 + 1,
            offset,
            len: end_offset.saturating_sub(offset),
        }
    }

    /// The byte offset of `column` (in characters, 0-based) on `line`
    /// (1-based; proc-macro2's line 0, a span with no place, is the first
    /// line); a column past the line's end is the line's end, a line past the
    /// text the text's length.
    pub fn byte_offset(&self, line: usize, column: usize) -> usize {
        self.lines().offset(self.text, line.max(1), column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The previous conversion, which rescanned from the start for every
    /// span: the table must agree with it everywhere.
    fn rescanning(text: &str, line: usize, column: usize) -> usize {
        let line_start: usize = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let rest = &text[line_start.min(text.len())..];
        line_start
            + rest
                .char_indices()
                .nth(column)
                .map_or(rest.len(), |(i, _)| i)
    }

    #[test]
    fn offsets_agree_with_a_rescan_on_every_line_and_column() {
        for text in [
            "",
            "\n",
            "fn a() {}\n",
            "fn a() {}",
            "é\nß→x\n\nlast",
            "\r\nfn b() {\r\n    \"ü\"\r\n}\r\n",
        ] {
            let index = LineIndex::new(text);
            for line in 0..=text.lines().count() + 2 {
                // Within the line (and one past its end): token spans never
                // point further.
                let width = text
                    .lines()
                    .nth(line.max(1) - 1)
                    .map_or(0, |l| l.chars().count());
                for column in 0..=width {
                    assert_eq!(
                        index.byte_offset(line, column),
                        rescanning(text, line, column),
                        "{text:?} line {line} column {column}"
                    );
                }
            }
        }
    }

    #[test]
    fn token_spans_become_byte_ranges() {
        let text = "fn a() {}\nfn ünï() { call(); }\n";
        let file = syn::parse_file(text).unwrap();
        let syn::Item::Fn(f) = &file.items[1] else {
            panic!("not a fn")
        };
        let index = LineIndex::new(text);
        let span = index.span(f.sig.ident.span());
        assert_eq!((span.line, span.column), (2, 4));
        assert_eq!(&text[span.offset..span.offset + span.len], "ünï");
        let whole = index.span_between(f.sig.fn_token.span, f.block.brace_token.span.close());
        assert_eq!(
            &text[whole.offset..whole.offset + whole.len],
            "fn ünï() { call(); }"
        );
        proc_macro2::extra::invalidate_current_thread_spans();
    }
}
