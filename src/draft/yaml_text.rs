//! Drafted items as YAML text: safe quoting of any string a user may have
//! put in a name (`: # ' " \n`, leading `-`, `{`, YAML keywords), and one
//! list item per threat, mitigation or question at a given indentation.

use crate::model::{Mitigation, Question, Threat};

/// A YAML scalar for `s`: plain when that is unambiguous, else double-quoted
/// with escapes. Safe in block and flow context alike.
pub fn scalar(s: &str) -> String {
    if is_plain_safe(s) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            // Line and paragraph separators and the BOM are line breaks or
            // invisible to YAML readers: escape them too.
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\u{feff}' => out.push_str("\\ufeff"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Plain scalars we emit: words, digits and a few safe punctuation marks,
/// not starting with an indicator, not a keyword or number YAML would
/// read as something else.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !first.is_ascii_alphanumeric() || s.ends_with(' ') {
        return false;
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-' | '/' | '(' | ')'))
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    let keyword = matches!(
        lower.as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "nan" | "inf"
    );
    let numeric = s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | 'e' | 'E' | 'x' | 'o'));
    !keyword && !numeric
}

/// Lines of one list item: `- key: value` then `  key: value`, each
/// without line ending. `dash` is the column of the `-`, `gap` the spaces
/// between the dash and the first key.
pub struct ItemWriter {
    lines: Vec<String>,
    dash: usize,
    gap: usize,
}

impl ItemWriter {
    /// A new item at the given indentation.
    pub fn new(dash: usize, gap: usize) -> ItemWriter {
        ItemWriter {
            lines: Vec::new(),
            dash,
            gap: gap.max(1),
        }
    }

    /// Adds `key: value` (value already YAML text).
    pub fn raw(&mut self, key: &str, value: &str) -> &mut Self {
        let prefix = if self.lines.is_empty() {
            format!("{}-{}", " ".repeat(self.dash), " ".repeat(self.gap))
        } else {
            " ".repeat(self.dash + 1 + self.gap)
        };
        self.lines.push(format!("{prefix}{key}: {value}"));
        self
    }

    /// Adds `key: "text"` with quoting.
    pub fn text(&mut self, key: &str, value: &str) -> &mut Self {
        self.raw(key, &scalar(value))
    }

    /// The lines.
    pub fn finish(&mut self) -> Vec<String> {
        std::mem::take(&mut self.lines)
    }
}

/// A flow list of scalars: `[a, b]`.
fn flow_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    format!("[{}]", items.map(scalar).collect::<Vec<_>>().join(", "))
}

/// The lines of a drafted threat.
pub fn threat_lines(t: &Threat, dash: usize, gap: usize) -> Vec<String> {
    let mut w = ItemWriter::new(dash, gap);
    w.text("id", t.id.as_str())
        .text("target", t.target.as_str())
        .raw("stride", &flow_list(t.stride.0.iter().map(|c| c.as_str())))
        .text("title", &t.title);
    if let Some(d) = &t.description {
        w.text("description", d);
    }
    w.raw("likelihood", t.likelihood.as_str())
        .raw("impact", t.impact.as_str())
        .raw("severity", t.severity.as_str())
        .raw("status", t.status.as_str());
    if !t.mitigations.is_empty() {
        w.raw(
            "mitigations",
            &flow_list(t.mitigations.iter().map(|m| m.as_str())),
        );
    }
    if t.drafted {
        w.raw("drafted", "true");
    }
    if let Some(l) = &t.library {
        w.text("library", l);
    }
    w.finish()
}

/// The lines of a drafted mitigation.
pub fn mitigation_lines(m: &Mitigation, dash: usize, gap: usize) -> Vec<String> {
    let mut w = ItemWriter::new(dash, gap);
    w.text("id", m.id.as_str()).text("control", &m.control);
    if let Some(d) = &m.description {
        w.text("description", d);
    }
    if let Some(l) = &m.location {
        w.text("location", l.as_str());
    }
    if let Some(c) = &m.cost {
        let mut parts = Vec::new();
        if let Some(e) = c.effort {
            parts.push(format!("effort: {}", e.as_str()));
        }
        if let Some(l) = &c.latency {
            parts.push(format!("latency: {}", scalar(l)));
        }
        if let Some(o) = c.ops {
            parts.push(format!("ops: {}", o.as_str()));
        }
        w.raw("cost", &format!("{{{}}}", parts.join(", ")));
    }
    if let Some(r) = m.residual {
        w.raw("residual", r.as_str());
    }
    w.raw("status", m.status.as_str());
    if m.drafted {
        w.raw("drafted", "true");
    }
    if let Some(l) = &m.library {
        w.text("library", l);
    }
    w.finish()
}

/// The lines of a drafted question.
pub fn question_lines(q: &Question, dash: usize, gap: usize) -> Vec<String> {
    let mut w = ItemWriter::new(dash, gap);
    w.text("id", q.id.as_str())
        .text("about", q.about.as_str())
        .text("text", &q.text);
    if let Some(c) = &q.code {
        w.text("code", c);
    }
    if let Some(a) = &q.answer {
        w.text("answer", a);
    }
    if let Some(b) = &q.answered_by {
        w.text("answered-by", b);
    }
    if let Some(at) = &q.answered_at {
        w.text("answered-at", &at.to_string());
    }
    if q.drafted {
        w.raw("drafted", "true");
    }
    if let Some(l) = &q.library {
        w.text("library", l);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(s: &str) -> String {
        let yaml = format!("k: {}\n", scalar(s));
        let v: std::collections::BTreeMap<String, String> =
            serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{yaml:?}: {e}"));
        v["k"].clone()
    }

    #[test]
    fn awkward_strings_round_trip() {
        for s in [
            "plain words",
            "a: b",
            "# not a comment",
            "it's",
            "say \"hi\"",
            "line\nbreak",
            "- dash",
            "{name}",
            "[x]",
            "true",
            "null",
            "12",
            "1.5",
            "trailing ",
            "",
            "tab\there",
            "back\\slash",
            "\u{2028}sep",
            "@at",
            "*star",
            "&amp",
            "!tag",
            "%pct",
            "a, b",
            "ünïcode",
        ] {
            assert_eq!(round_trip(s), s, "{s:?} -> {}", scalar(s));
        }
    }

    #[test]
    fn plain_only_when_unambiguous() {
        assert_eq!(scalar("payments-api"), "payments-api");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
    }
}
