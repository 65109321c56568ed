//! A model as YAML text in tm's key order. Written by hand over the model's
//! JSON value (tm's YAML crate only reads): strings that could be misread
//! (numbers, booleans, `null`, leading indicators) are double-quoted with
//! JSON escapes, which YAML 1.2 reads identically; multi-line text becomes a
//! literal block.

use serde_json::Value;

use crate::model::Model;

/// Keys in the order a person reads them; others follow alphabetically.
const KEY_ORDER: &[&str] = &[
    "tm",
    "id",
    "title",
    "name",
    "version",
    "status",
    "risk",
    "owners",
    "summary",
    "kind",
    "target",
    "about",
    "from",
    "to",
    "between",
    "stride",
    "control",
    "text",
    "zone",
    "classification",
    "location",
    "likelihood",
    "impact",
    "severity",
    "residual",
    "data",
    "protocol",
    "authenticated",
    "encrypted",
    "description",
    "current",
    "mitigations",
    "acceptance",
    "reason",
    "tracking",
    "signoff",
    "cost",
    "code",
    "not-applicable",
    "zones",
    "components",
    "flows",
    "boundaries",
    "threats",
    "reviews",
    "questions",
    "drafted",
    "library",
    "origin",
    "key",
    "value",
    "annotations",
];

/// The model as a YAML document.
pub fn to_yaml(model: &Model) -> String {
    let value = serde_json::to_value(model).unwrap_or(Value::Null);
    let mut out = String::new();
    write_map_body(&value, 0, &mut out);
    out
}

fn rank(key: &str) -> (usize, &str) {
    (
        KEY_ORDER
            .iter()
            .position(|k| *k == key)
            .unwrap_or(KEY_ORDER.len()),
        key,
    )
}

fn write_map_body(value: &Value, indent: usize, out: &mut String) {
    let Value::Object(map) = value else { return };
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_by(|a, b| rank(a).cmp(&rank(b)));
    for (i, key) in keys.into_iter().enumerate() {
        // The first key of a list item shares the `- ` line.
        if i > 0 || indent == 0 {
            out.push_str(&" ".repeat(indent));
        }
        write_entry(key, &map[key], indent, out);
    }
}

fn write_entry(key: &str, value: &Value, indent: usize, out: &mut String) {
    out.push_str(&scalar(key));
    out.push(':');
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            write_map_body(value, indent + 2, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            for item in items {
                write_item(item, indent, out);
            }
        }
        _ => {
            out.push(' ');
            write_scalar(value, indent + 2, out);
            out.push('\n');
        }
    }
}

fn write_item(item: &Value, indent: usize, out: &mut String) {
    out.push_str(&" ".repeat(indent));
    out.push_str("- ");
    match item {
        Value::Object(m) if !m.is_empty() => write_map_body(item, indent + 2, out),
        _ => {
            write_scalar(item, indent + 2, out);
            out.push('\n');
        }
    }
}

fn write_scalar(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::String(s) if block_safe(s) => {
            let chomp = if s.ends_with("\n\n") {
                "+"
            } else if s.ends_with('\n') {
                ""
            } else {
                "-"
            };
            out.push('|');
            out.push_str(chomp);
            let body = s.strip_suffix('\n').unwrap_or(s);
            for line in body.split('\n') {
                out.push('\n');
                if !line.is_empty() {
                    out.push_str(&" ".repeat(indent));
                    out.push_str(line);
                }
            }
        }
        Value::String(s) => out.push_str(&scalar(s)),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
        other => out.push_str(&other.to_string()),
    }
}

/// Multi-line text that a literal block reproduces exactly.
fn block_safe(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n', '\t'])
        && !s.trim_end_matches('\n').is_empty()
        && !s
            .chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{feff}' || is_break(c))
        && !s.split('\n').any(|l| l.ends_with([' ', '\t']))
}

fn is_break(c: char) -> bool {
    matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// A string as a plain scalar when that reads back as the same string,
/// otherwise double-quoted (JSON escapes are valid YAML escapes).
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._-/@()".contains(c))
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "nan" | "inf"
        );
    if plain {
        s.to_owned()
    } else {
        Value::String(s.to_owned()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Node, NodeValue};

    fn round_trip(s: &str) {
        let mut out = String::from("a: ");
        write_scalar(&Value::String(s.to_owned()), 2, &mut out);
        out.push('\n');
        let node = Node::parse(&out, 8).unwrap_or_else(|e| panic!("{out}: {e}"));
        assert_eq!(
            node.get("a").unwrap().value,
            NodeValue::Str(s.to_owned()),
            "{out}"
        );
    }

    #[test]
    fn strings_read_back_identically() {
        for s in [
            "plain",
            "true",
            "No",
            "123",
            "1.5",
            "",
            " lead",
            "a: b",
            "#x",
            "- x",
            "*a",
            "&a",
            "line\nnext",
            "line\nnext\n",
            "two\n\n",
            "tab\there",
            "q\"uote",
            "back\\slash",
            "\u{1b}[31m",
            "ok (x)",
            "a #b",
            "%x",
            "@at",
            "x\n  indented\n",
            "trail \nx",
            "\u{2028}",
            "~",
            "null",
            "multi\n\nblank\nlines",
        ] {
            round_trip(s);
        }
    }
}
