//! Text in the diagram: width estimates (no font is available when the site
//! is built, so widths are estimated per character class), name wrapping and
//! shortening.
//!
//! Model names are arbitrary Unicode: CJK without spaces, emoji sequences,
//! combining marks, right-to-left scripts, zero-width characters. Text is
//! therefore measured and cut in display columns (a wide character counts
//! two, a combining mark none) and only between *clusters*: a base character
//! with the marks and joiners that follow it, so a cut never separates an
//! accent or an emoji sequence from its base, and never lands inside a UTF-8
//! sequence.

use unicode_width::UnicodeWidthChar;

/// Font size of box names (bold).
pub(super) const NAME_PX: f64 = 13.0;
/// Font size of box captions and of flow labels.
pub(super) const SMALL_PX: f64 = 11.0;
/// A name line wider than this many columns wraps (or, on the second line, is shortened).
const LINE_COLS: usize = 24;
/// A name up to this many columns wide stays on one line.
const ONE_LINE_COLS: usize = 20;
/// The widest a joiner chain (an emoji ZWJ sequence) grows before the next
/// joined character starts a new cluster.
const MAX_CLUSTER_COLS: usize = 8;

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
            // Combining marks, joiners, direction marks: drawn on or between
            // their neighbours. Wide scripts and emoji: a full em. Other
            // scripts (accented Latin, Cyrillic, Greek, Hebrew, Arabic…):
            // about an average Latin letter.
            c => match c.width() {
                Some(0) | None => 0.0,
                Some(1) => 0.62,
                Some(_) => 1.0,
            },
        })
        .sum();
    em * px * if bold { 1.07 } else { 1.0 }
}

/// Display columns of one character: 2 for wide (CJK, most emoji), 0 for
/// combining marks, zero-width and control characters, else 1.
fn columns(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// A base character with the zero-width characters and skin-tone modifiers
/// that follow it (after a zero-width joiner, the character it joins; a flag's
/// two regional indicators together), as the unit text is cut at.
struct Cluster<'a> {
    text: &'a str,
    cols: usize,
}

impl Cluster<'_> {
    fn is_space(&self) -> bool {
        self.text.chars().all(char::is_whitespace)
    }

    /// Whether a line may end after this cluster without a space: after a
    /// separator, or between two wide characters (CJK text has no spaces).
    fn breaks_after(&self) -> bool {
        self.text.ends_with(['-', '/', '_'])
    }

    fn is_wide(&self) -> bool {
        self.cols >= 2
    }
}

/// Splits `s` into clusters (see [`Cluster`]); their texts concatenate to `s`.
fn clusters(s: &str) -> Vec<Cluster<'_>> {
    let mut out: Vec<Cluster<'_>> = Vec::new();
    let mut start = 0;
    let mut cols = 0;
    let mut joined = false;
    // Regional indicators pair up into one flag.
    let mut open_flag = false;
    for (i, c) in s.char_indices() {
        let w = columns(c);
        let flag = ('\u{1F1E6}'..='\u{1F1FF}').contains(&c);
        let skin_tone = ('\u{1F3FB}'..='\u{1F3FF}').contains(&c);
        // A joiner chain is capped, so no cluster is wider than a line.
        let attaches = i > 0
            && ((joined && cols < MAX_CLUSTER_COLS)
                || skin_tone
                || (flag && open_flag)
                || (w == 0 && !c.is_whitespace()));
        open_flag = flag && !(attaches && open_flag);
        if !attaches && i > start {
            out.push(Cluster {
                text: &s[start..i],
                cols,
            });
            start = i;
            cols = 0;
        }
        cols += w;
        joined = c == '\u{200D}';
    }
    if start < s.len() {
        out.push(Cluster {
            text: &s[start..],
            cols,
        });
    }
    out
}

/// The text of `cs`, with whitespace at either end removed.
fn join(cs: &[Cluster<'_>]) -> String {
    cs.iter()
        .map(|c| c.text)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Wraps a name onto one or two lines, breaking at the space (or after `-`,
/// `/`, `_`, or between two wide characters) that balances them best; a name
/// with no such break is cut where the first line is full. A second line that
/// is still too long is shortened with `…` (the box's tooltip has the full name).
pub(super) fn wrap_name(name: &str) -> Vec<String> {
    let name = name.trim();
    let cs = clusters(name);
    let total: usize = cs.iter().map(|c| c.cols).sum();
    if total <= ONE_LINE_COLS {
        return vec![name.to_owned()];
    }
    // prefix[i]: columns of cs[..i].
    let prefix: Vec<usize> = std::iter::once(0)
        .chain(cs.iter().scan(0, |acc, c| {
            *acc += c.cols;
            Some(*acc)
        }))
        .collect();
    // A break after cs[..end], the second line starting at cs[start].
    let breaks = (1..cs.len()).filter_map(|i| {
        if cs[i].is_space() {
            Some((i, i + 1))
        } else if cs[i - 1].breaks_after() || (cs[i - 1].is_wide() && cs[i].is_wide()) {
            Some((i, i))
        } else {
            None
        }
    });
    let best = breaks
        .filter(|&(end, _)| prefix[end] <= LINE_COLS)
        .min_by_key(|&(end, start)| (prefix[end].max(total - prefix[start]), end));
    let (end, start) = match best {
        Some(b) => b,
        // One unbroken word that fits a line stays whole.
        None if total <= LINE_COLS => return vec![name.to_owned()],
        None => {
            // The longest prefix that fits, and at least one cluster.
            let end = prefix
                .iter()
                .rposition(|&p| p < LINE_COLS)
                .unwrap_or(0)
                .clamp(1, cs.len());
            (end, end)
        }
    };
    let first = join(&cs[..end]);
    let rest = join(cs.get(start..).unwrap_or_default());
    if rest.is_empty() {
        return vec![first];
    }
    vec![first, shorten(&rest, LINE_COLS)]
}

/// `text` cut to at most `max` display columns, ending in `…` when cut.
pub(super) fn shorten(text: &str, max: usize) -> String {
    let cs = clusters(text);
    if cs.iter().map(|c| c.cols).sum::<usize>() <= max {
        return text.to_owned();
    }
    let mut t = String::new();
    let mut used = 0;
    for c in cs {
        if used + c.cols + 1 > max {
            break;
        }
        used += c.cols;
        t.push_str(c.text);
    }
    t.push('…');
    t
}

pub(super) use crate::escape::escape_html as esc;

#[cfg(test)]
mod tests {
    use super::{clusters, esc, shorten, width, wrap_name};

    fn cols(lines: &[String]) -> Vec<usize> {
        lines
            .iter()
            .map(|l| clusters(l).iter().map(|c| c.cols).sum())
            .collect()
    }

    #[test]
    fn unbroken_words_of_every_length_wrap_without_panicking() {
        for n in 0..80 {
            let name = "a".repeat(n);
            let lines = wrap_name(&name);
            assert!(lines.len() <= 2, "{n}: {lines:?}");
            assert!(cols(&lines).iter().all(|&c| c <= 24), "{n}: {lines:?}");
            if n <= 24 {
                assert_eq!(lines, vec![name.clone()], "{n}: fits one line");
            } else {
                assert_eq!(lines[0].len(), 23, "{n}: first line full");
            }
        }
        assert_eq!(
            wrap_name("Authenticationservice"),
            vec!["Authenticationservice"]
        );
    }

    #[test]
    fn cjk_breaks_between_characters_and_counts_double() {
        let name = "認証サービスと決済処理のゲートウェイ";
        let lines = wrap_name(name);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines.concat(), name, "nothing lost, nothing cut");
        assert!(cols(&lines).iter().all(|&c| c <= 24), "{lines:?}");
        for n in 0..40 {
            let lines = wrap_name(&"認".repeat(n));
            assert!(cols(&lines).iter().all(|&c| c <= 24), "{n}: {lines:?}");
        }
    }

    #[test]
    fn marks_and_emoji_sequences_stay_with_their_base() {
        let accented = "e\u{301}".repeat(30);
        for line in wrap_name(&accented) {
            assert!(line.starts_with('e'), "{line:?}");
        }
        let family = "👩\u{200D}👩\u{200D}👧".repeat(12);
        for line in wrap_name(&family) {
            let line = line.trim_end_matches('…');
            assert!(line.starts_with('👩') && line.ends_with('👧'), "{line:?}");
        }
        assert_eq!(clusters("a\u{200B}b").len(), 2, "zero-width space joins a");
        let texts = |s| clusters(s).iter().map(|c| c.text).collect::<Vec<_>>();
        assert_eq!(texts("👍🏽🇯🇵🇫🇷x"), ["👍🏽", "🇯🇵", "🇫🇷", "x"]);
        assert_eq!(texts("🇯🇵🇫"), ["🇯🇵", "🇫"]);
        let zw = "\u{200B}".repeat(50);
        assert_eq!(wrap_name(&zw), vec![zw.clone()], "no width, one line");
    }

    #[test]
    fn rtl_and_mixed_text_wraps_at_spaces() {
        let lines = wrap_name("خدمة المصادقة وإدارة الجلسات للمستخدمين");
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(!lines[0].ends_with(' ') && !lines[1].starts_with(' '));
    }

    #[test]
    fn shorten_cuts_between_clusters() {
        assert_eq!(shorten("abc", 0), "…");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(shorten("日本語テキスト", 14), "日本語テキスト");
        assert_eq!(shorten("日本語テキスト", 13), "日本語テキス…");
    }

    #[test]
    fn widths_treat_marks_as_zero_and_wide_as_one_em() {
        assert_eq!(width("\u{301}\u{200B}\u{200F}", 10.0, false), 0.0);
        assert_eq!(width("日本", 10.0, false), 20.0);
        assert!(width("é", 10.0, false) > 0.0);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 2000,
            rng_seed: proptest::test_runner::RngSeed::Fixed(7),
            failure_persistence: None,
            ..Default::default()
        })]

        /// Any text at all: one or two lines, each within the line width,
        /// and a cut only ever drops text (marked by `…`), never changes it.
        #[test]
        fn any_name_wraps_within_bounds(name in "\\PC{0,60}|[a-z\u{300}-\u{36f}\u{200b}-\u{200f}\u{4e00}-\u{4e20}\u{1f3fb}\u{1f1e6}-\u{1f1ff}\u{1f469} -]{0,60}") {
            let lines = wrap_name(&name);
            proptest::prop_assert!(!lines.is_empty() && lines.len() <= 2, "{lines:?}");
            proptest::prop_assert!(cols(&lines).iter().all(|&c| c <= 24), "{name:?} → {lines:?}");
            let squeeze = |s: &str| -> String {
                s.chars().filter(|c| !c.is_whitespace() && *c != '…').collect()
            };
            proptest::prop_assert!(
                squeeze(&name).starts_with(&squeeze(&lines.concat())),
                "{name:?} → {lines:?}"
            );
            proptest::prop_assert!(shorten(&name, 40).chars().count() <= name.chars().count().max(1));
            proptest::prop_assert!(width(&name, 13.0, true) >= 0.0);
        }
    }

    #[test]
    fn escaping_drops_control_characters() {
        assert_eq!(esc("a\u{0}b\u{1b}[31m<\n>"), "ab[31m&lt; &gt;");
    }
}
