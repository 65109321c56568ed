//! Text in the diagram: width estimates (no font is available when the site
//! is built, so widths are estimated per character class), name wrapping and
//! shortening.

/// Font size of box names (bold).
pub(super) const NAME_PX: f64 = 13.0;
/// Font size of box captions and of flow labels.
pub(super) const SMALL_PX: f64 = 11.0;
/// A name line longer than this wraps (or, on the second line, is shortened).
const LINE_CHARS: usize = 24;
/// A name up to this long stays on one line.
const ONE_LINE_CHARS: usize = 20;

/// Estimated rendered width of `s` in a system sans-serif font at `px`.
pub(super) fn width(s: &str, px: f64, bold: bool) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'I' => 0.28,
            ' ' | 'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '/' | '-' => 0.36,
            'm' | 'w' | 'M' | 'W' | '@' => 0.86,
            c if c.is_ascii_uppercase() => 0.68,
            c if c.is_ascii() => 0.56,
            // Wide scripts and symbols: assume a full em.
            _ => 1.0,
        })
        .sum();
    em * px * if bold { 1.07 } else { 1.0 }
}

/// Wraps a name onto one or two lines, breaking at the space (or `-`, `/`,
/// `_`) that balances them best; a second line that is still too long is
/// shortened with `…` (the box's tooltip has the full name).
pub(super) fn wrap_name(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= ONE_LINE_CHARS {
        return vec![name.to_owned()];
    }
    // A break after chars[..i]: (first line end, second line start).
    let best = (1..chars.len())
        .filter_map(|i| match chars[i] {
            ' ' => Some((i, i + 1)),
            _ if matches!(chars[i - 1], '-' | '/' | '_') => Some((i, i)),
            _ => None,
        })
        .filter(|&(end, _)| end <= LINE_CHARS)
        .min_by_key(|&(end, start)| (end.max(chars.len() - start), end));
    let (end, start) = best.unwrap_or((LINE_CHARS - 1, LINE_CHARS - 1));
    let first: String = chars[..end].iter().collect();
    let rest: String = chars[start..].iter().collect();
    vec![first, shorten(&rest, LINE_CHARS)]
}

/// `text` cut to at most `max` characters, ending in `…` when cut.
pub(super) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut t: String = text.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// Escapes text for SVG/HTML content and attribute values.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
