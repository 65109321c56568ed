//! YAML 1.2 and nothing more: the forms a reviewer could read one way and a
//! YAML 1.1 tool (or a tag-aware loader) another are reported, never read.
//!
//! - Tags (`!!binary`, `!!str`, `!custom`, `!!python/…`): a reviewer sees
//!   base64 where tm would read `approved`, so a tagged node is a TM001 error
//!   at the tag and the file is not read at all.
//! - Numbers that only YAML 1.1 spells (`1_000`, `0b101`): YAML 1.2 reads
//!   them as text; the parser would still make a number of them, so they are
//!   reported (TM012) where a number is read.
//! - A `%YAML` directive for another version than 1.2 (TM001): under YAML
//!   1.1, `yes` is a boolean and `017` octal.
//!
//! Merge keys (`<<`) are refused by the parser itself (see `yaml_options`).

use std::path::Path;

use super::file_diagnostic;
use super::node::{Node, NodeValue};
use crate::diagnostic::{Diagnostic, Rule, Span};

/// Whether `text` may hold a YAML tag. A tag starts a node, so its `!` comes
/// first in the file or after whitespace, `[`, `{`, `,` or `:` (a JSON-like
/// `{"k":!t v}`); `Don't!` or `<!-- -->` never start one. False positives
/// only cost the fast path.
pub fn may_have_tag(text: &str) -> bool {
    let bytes = text.strip_prefix('\u{feff}').unwrap_or(text).as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'!'
            && (i == 0
                || matches!(
                    bytes[i - 1],
                    b' ' | b'\t' | b'\r' | b'\n' | b'[' | b'{' | b',' | b':'
                ))
    })
}

/// Whether `text` may hold a number spelt the YAML 1.1 way (`1_000`, `0b11`),
/// which the parser reads as a number but YAML 1.2 reads as text.
pub fn may_have_yaml11_number(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(3).any(|w| {
        (w[0].is_ascii_digit() && w[1] == b'_')
            || (w[0] == b'0' && matches!(w[1], b'b' | b'B') && matches!(w[2], b'0' | b'1'))
    })
}

/// Whether `text` may hold a directive (`%YAML 1.1`, `%TAG`): a `%` that
/// starts a line.
pub fn may_have_directive(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.starts_with('%') || text.contains("\n%") || text.contains("\r%")
}

/// One TM001 error for every tagged node in `text`, at the tag, and for a
/// `%YAML` directive that asks for another version than 1.2. The parser's
/// event stream is the one place these are visible (serde's data model drops
/// them); it is scanned only when the text could hold one.
pub fn event_diagnostics(file: &Path, text: &str) -> Vec<Diagnostic> {
    use granit_parser::{Event, Parser};
    let mut out = Vec::new();
    if !may_have_tag(text) && !may_have_directive(text) {
        return out;
    }
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { break };
        if let Event::DocumentStart(_, Some(version)) = &event
            && (version.major, version.minor) != (1, 2)
        {
            let offset = text.find("%YAML").unwrap_or(0);
            let line = text[..offset].matches('\n').count() as u32 + 1;
            out.push(file_diagnostic(
                Rule::YamlSyntax,
                file,
                Some(Span { line, column: 1, offset, len: 5 }),
                format!(
                    "the file asks for YAML {}.{}; tm reads YAML 1.2 only",
                    version.major, version.minor
                ),
                "remove the `%YAML` line: under YAML 1.1, `yes` and `on` are booleans and `017` is octal, \
                 so the file would not mean what tm reads",
            ));
        }
        let tag = match &event {
            Event::Scalar(_, _, _, tag)
            | Event::SequenceStart(_, _, tag)
            | Event::MappingStart(_, _, tag) => tag.as_ref(),
            _ => None,
        };
        let Some(tag) = tag else { continue };
        let value = Span {
            line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
            column: u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX),
            offset: span.start.byte_offset().unwrap_or(0),
            len: 1,
        };
        let (span, spelling) = tag_span(text, value, &tag.original());
        out.push(file_diagnostic(
            Rule::YamlSyntax,
            file,
            Some(span),
            format!("YAML tag `{spelling}`: tm reads no tagged value"),
            "remove the tag and write the plain value (a tag such as `!!binary` hides \
             from reviewers what tm would read); quote text that starts with `!`",
        ));
    }
    out
}

/// One TM012 error for every number whose spelling YAML 1.2 reads as text.
pub fn yaml11_number_diagnostics(file: &Path, text: &str, tree: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    visit(tree, &mut |node| {
        if !matches!(node.value, NodeValue::Int(_) | NodeValue::Float(_)) {
            return;
        }
        let Some(source) = text.get(node.span.offset..node.span.offset + node.span.len) else {
            return;
        };
        if is_yaml12_number(source) {
            return;
        }
        let value = node.value.scalar_text().unwrap_or_default();
        out.push(file_diagnostic(
            Rule::WrongType,
            file,
            Some(node.span),
            format!(
                "`{}` is a YAML 1.1 number; YAML 1.2, which tm reads, makes it text",
                printable(source)
            ),
            &format!("write the number as `{value}`, or quote it if it is text"),
        ));
    });
    out
}

/// The YAML 1.2 core schema's integer and float spellings.
fn is_yaml12_number(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let digits = |t: &str, radix: u32| !t.is_empty() && t.chars().all(|c| c.is_digit(radix));
    if digits(unsigned, 10)
        || s.strip_prefix("0o").is_some_and(|t| digits(t, 8))
        || s.strip_prefix("0x").is_some_and(|t| digits(t, 16))
    {
        return true;
    }
    if matches!(
        unsigned,
        ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN"
    ) {
        return true;
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac, 10),
        Some((int, frac)) => digits(int, 10) && (frac.is_empty() || digits(frac, 10)),
        None => digits(mantissa, 10),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    mantissa_ok && exponent_ok
}

/// `s` with control and bidirectional-override characters escaped, for a message.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn visit(node: &Node, f: &mut impl FnMut(&Node)) {
    f(node);
    match &node.value {
        NodeValue::Seq(items) => items.iter().for_each(|n| visit(n, f)),
        NodeValue::Map(entries) => entries.iter().for_each(|(k, v)| {
            visit(k, f);
            visit(v, f);
        }),
        _ => {}
    }
}

/// Where the tag of a node starting at `value` is written, and how: the last
/// `!` token up to the node's start (a tag precedes its content, after any
/// anchor). Falls back to the node itself and the parser's spelling.
fn tag_span(text: &str, value: Span, original: &str) -> (Span, String) {
    let fallback = (value, printable(original));
    // Up to and including the node's first character: the node's span may
    // start at its tag or at its content.
    let first = text
        .get(value.offset..)
        .and_then(|t| t.chars().next())
        .map_or(0, char::len_utf8);
    let before = match text.get(..(value.offset + first).min(text.len())) {
        Some(b) => b,
        None => return fallback,
    };
    let Some(bang) = before.rfind('!') else {
        return fallback;
    };
    let start = before[..bang]
        .rfind(|c: char| c.is_whitespace() || matches!(c, '[' | '{' | ','))
        .map_or(0, |i| i + 1);
    let start = if before[start..bang].starts_with('!') {
        start
    } else {
        bang
    };
    let end = text[start..]
        .find(|c: char| c.is_whitespace())
        .map_or(text.len(), |i| start + i);
    let spelling: String = text[start..end].chars().take(80).collect();
    let line = before[..start].matches('\n').count() as u32 + 1;
    let line_start = before[..start].rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..start].chars().count() as u32 + 1;
    (
        Span {
            line,
            column,
            offset: start,
            len: end - start,
        },
        printable(&spelling),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str) -> Vec<(u32, u32, String)> {
        event_diagnostics(Path::new("m.yaml"), text)
            .into_iter()
            .map(|d| {
                let s = d.span.unwrap();
                (s.line, s.column, d.message)
            })
            .collect()
    }

    #[test]
    fn every_tag_is_reported_at_the_tag() {
        let text = "a: !!binary YXBwcm92ZWQ=\nb: !custom x\n!!str c: d\ne: !!python/object:os.system [x]\nf: &x !t {k: v}\ng: !!binary |\n  YXBw\n";
        let found = tags(text);
        let at: Vec<(u32, u32)> = found.iter().map(|(l, c, _)| (*l, *c)).collect();
        assert_eq!(at, [(1, 4), (2, 4), (3, 1), (4, 4), (5, 7), (6, 4)]);
        assert!(found[0].2.contains("`!!binary`"), "{}", found[0].2);
        assert!(
            found[3].2.contains("!!python/object:os.system"),
            "{}",
            found[3].2
        );
    }

    #[test]
    fn text_that_only_looks_like_a_tag_is_fine() {
        assert!(tags("a: \"!!binary x\"\nb: Don't!\n").is_empty());
        assert!(!may_have_tag("title: Don't! Stop!\n"));
        assert!(!may_have_tag("summary: <!-- a comment -->\n"));
        assert!(may_have_tag("\u{feff}!x a: b\n"));
        assert!(may_have_tag("{\"a\":!x b}\n"));
        assert!(may_have_tag("a: !!str x\n"));
        assert!(may_have_tag("!x a: b\n"));
        assert!(may_have_tag("a: [!x b]\n"));
    }

    #[test]
    fn yaml_1_2_number_spellings() {
        for ok in [
            "1", "-1", "+1", "0o17", "0x1F", "1.5", ".5", "1e3", "1.0E-3", ".inf", "-.Inf", ".nan",
        ] {
            assert!(is_yaml12_number(ok), "{ok}");
        }
        for old in ["1_000", "0b101", "1__0", "0x_1", "1:30"] {
            assert!(!is_yaml12_number(old), "{old}");
        }
    }

    #[test]
    fn yaml_1_1_numbers_are_reported_where_read_as_numbers() {
        let text = "a: 1_000\nb: 0b11\nc: 12\nd: '1_000'\n";
        let tree = Node::parse(text, 32).unwrap();
        let found = yaml11_number_diagnostics(Path::new("m.yaml"), text, &tree);
        let lines: Vec<u32> = found.iter().map(|d| d.span.unwrap().line).collect();
        assert_eq!(lines, [1, 2]);
        assert!(found[0].message.contains("`1_000`"), "{}", found[0].message);
        assert_eq!(
            found[0].help.as_deref(),
            Some("write the number as `1000`, or quote it if it is text")
        );
        assert!(may_have_yaml11_number(text));
        assert!(!may_have_yaml11_number("a: 10\nb: 0x1b\n"));
    }

    #[test]
    fn a_yaml_version_other_than_1_2_is_refused() {
        let found = tags("# model\n%YAML 1.1\n---\na: yes\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].0, found[0].1), (2, 1));
        assert!(found[0].2.contains("YAML 1.1"), "{found:?}");
        assert!(tags("%YAML 1.2\n---\na: yes\n").is_empty());
        assert!(may_have_directive("%TAG ! tag:x,2000:\n---\na: 1\n"));
        assert!(!may_have_directive("a: 100%\n"));
    }
}
