//! LSP positions (0-based line, UTF-16 code units) ↔ byte offsets in a
//! text, and `file:` URIs ↔ paths.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};

/// The LSP position of byte `offset` in `text` (clamped to the text, and
/// back to the start of a character cut in the middle).
pub fn position_of(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|b| *b == b'\n').count();
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    Position::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(character).unwrap_or(u32::MAX),
    )
}

/// The range of bytes `start..start + len` in `text`.
pub fn range_of(text: &str, start: usize, len: usize) -> Range {
    Range::new(
        position_of(text, start),
        position_of(text, start.saturating_add(len)),
    )
}

/// The byte offset of an LSP position in `text`; a position past the end
/// of its line is clamped to the line's end, past the last line to the text's end.
pub fn offset_of(text: &str, pos: Position) -> usize {
    let mut start = 0;
    for _ in 0..pos.line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0usize;
    for (i, c) in text[start..line_end].char_indices() {
        if units >= pos.character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    line_end
}

/// The local path a `file:` URI names, percent-decoded; `None` for other schemes.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path`: only the local host (empty or `localhost`) is ours.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = rest
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(PathBuf::from(String::from_utf8(out).ok()?))
}

/// The `file:` URI of an absolute path, percent-encoding what a URI path
/// cannot hold.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let mut s = String::from("file://");
    for b in path.to_str()?.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs_and_accents() {
        let text = "a: é😀x\nb";
        let x = text.find('x').unwrap();
        // é is 1 unit, 😀 is 2: x sits at character 3 + 3 = 6.
        assert_eq!(position_of(text, x), Position::new(0, 6));
        assert_eq!(offset_of(text, Position::new(0, 6)), x);
        assert_eq!(position_of(text, text.len()), Position::new(1, 1));
        assert_eq!(
            offset_of(text, Position::new(1, 0)),
            text.find('b').unwrap()
        );
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let text = "ab\ncd";
        assert_eq!(offset_of(text, Position::new(0, 99)), 2);
        assert_eq!(offset_of(text, Position::new(9, 0)), text.len());
        assert_eq!(position_of(text, 999), Position::new(1, 2));
        // Inside a multi-byte character: back to its start.
        assert_eq!(position_of("é", 1), Position::new(0, 0));
    }

    #[test]
    fn file_uris_round_trip_with_escapes() {
        let path = Path::new("/tmp/my models/ü.yaml");
        let uri = uri_of(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/my%20models/%C3%BC.yaml");
        assert_eq!(path_of(&uri).unwrap(), path);
        assert!(path_of(&Uri::from_str("https://x/y").unwrap()).is_none());
    }
}
