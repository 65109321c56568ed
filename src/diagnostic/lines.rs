//! Where each line of a text starts, computed once per file so that turning
//! a line and column into a byte offset (or back) costs a lookup, not a scan
//! of the file: a file with 100,000 findings or entry points stays linear.

use std::cell::Cell;
use std::ops::Range;

/// The start of every line of one text.
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
    /// The last `(line, column, offset)` answered by [`LineIndex::offset`]:
    /// callers walk a file forwards, so the next column on the same line
    /// continues from there instead of from the line's start.
    last: Cell<(usize, usize, usize)>,
}

impl LineIndex {
    /// Indexes `text` (lines end at `\n`).
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            starts,
            len: text.len(),
            last: Cell::new((0, 0, 0)),
        }
    }

    /// How many lines (a final line without `\n` counts; an empty text has one).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The byte range of 1-based `line`, without its `\n` (and `\r`); empty
    /// past the end.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let Some(&start) = line.checked_sub(1).and_then(|i| self.starts.get(i)) else {
            return self.len..self.len;
        };
        let mut end = self.starts.get(line).map_or(self.len, |next| next - 1);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// The byte offset of 0-based character `column` on 1-based `line`
    /// (proc-macro2's convention); clamped to the line's end.
    pub fn offset(&self, text: &str, line: usize, column: usize) -> usize {
        let Some(&start) = line.checked_sub(1).and_then(|i| self.starts.get(i)) else {
            return self.len;
        };
        let end = self.starts.get(line).map_or(self.len, |next| *next);
        let (last_line, last_col, last_off) = self.last.get();
        let (mut col, mut off) = if last_line == line && last_col <= column {
            (last_col, last_off)
        } else {
            (0, start)
        };
        let rest = &text[off.min(end)..end];
        let mut chars = rest.char_indices();
        off = loop {
            if col == column {
                break off;
            }
            match chars.next() {
                Some((_, c)) => {
                    off += c.len_utf8();
                    col += 1;
                }
                None => break end,
            }
        };
        // `chars` started at the cached offset, so `off` is absolute already.
        self.last.set((line, col, off));
        off
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_offsets() {
        let text = "ab\r\ncé d\n\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(&text[idx.line_range(text, 1)], "ab");
        assert_eq!(&text[idx.line_range(text, 2)], "cé d");
        assert_eq!(&text[idx.line_range(text, 3)], "");
        assert_eq!(&text[idx.line_range(text, 4)], "last");
        assert_eq!(idx.line_range(text, 9), text.len()..text.len());
        assert_eq!(idx.line_of(0), 1);
        assert_eq!(idx.line_of(4), 2);
        assert_eq!(idx.line_of(text.len()), 4);
        // `d` is the third character of line 2, after a two-byte `é`.
        assert_eq!(idx.offset(text, 2, 3), 8);
        assert_eq!(idx.offset(text, 2, 1), 5);
        assert_eq!(idx.offset(text, 2, 3), 8);
        assert_eq!(idx.offset(text, 4, 2), text.len() - 2);
        assert_eq!(idx.offset(text, 4, 99), text.len());
        assert_eq!(idx.offset(text, 99, 0), text.len());
    }
}
