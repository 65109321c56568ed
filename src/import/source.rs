//! The foreign document: JSON or YAML parsed into a positioned [`Node`] tree,
//! with the accessors the importers share and the errors they raise.

use std::fmt;

use crate::load::{Node, NodeValue};
use crate::model::Annotation;

/// A problem in the file being imported, at a position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// The file, as shown to the user.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: u32,
    /// 1-based column (0 when unknown).
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )?;
        } else {
            write!(f, "{}: {}", self.file, self.message)?;
        }
        if !self.help.is_empty() {
            write!(f, "\n  help: {}", self.help)?;
        }
        Ok(())
    }
}

impl std::error::Error for SourceError {}

impl SourceError {
    /// An error at a byte offset of the raw file.
    pub fn at_offset(file: &str, bytes: &[u8], offset: usize, message: &str) -> SourceError {
        let before = &bytes[..offset.min(bytes.len())];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        SourceError {
            file: file.to_owned(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            message: message.to_owned(),
            help: "save the file as UTF-8".to_owned(),
        }
    }
}

/// A parsed file to import.
#[derive(Debug)]
pub struct Document {
    /// The file, as shown to the user.
    pub file: String,
    /// The whole document.
    pub root: Node,
}

impl Document {
    /// Parses JSON or YAML (JSON is read as YAML 1.2 so every value keeps its
    /// position). `merge_keys` allows YAML 1.1 `<<` merges, which Threagile's
    /// own examples use.
    pub fn parse(file: &str, text: &str, merge_keys: bool) -> Result<Document, SourceError> {
        let looks_json = matches!(text.trim_start().chars().next(), Some('{' | '['));
        if looks_json {
            // serde_json gives the precise position of a JSON syntax error.
            if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text)
                && (e.is_syntax() || e.is_eof())
            {
                return Err(SourceError {
                    file: file.to_owned(),
                    line: u32::try_from(e.line()).unwrap_or(u32::MAX),
                    column: u32::try_from(e.column()).unwrap_or(u32::MAX),
                    message: format!("invalid JSON: {}", strip_position(&e.to_string())),
                    help: "fix the syntax at that position (a missing comma, quote or bracket)"
                        .to_owned(),
                });
            }
        }
        // Tabs between JSON tokens are not YAML indentation; inside a JSON
        // string a raw tab is invalid anyway. Same length, so positions hold.
        let owned;
        let text = if looks_json && text.contains('\t') {
            owned = text.replace('\t', " ");
            owned.as_str()
        } else {
            text
        };
        let mut options = crate::load::yaml_options(super::MAX_IMPORT_DEPTH);
        if merge_keys {
            options.merge_keys = serde_saphyr::options::MergeKeyPolicy::Merge;
        }
        let root: Node = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
            let loc = e.location().filter(|l| l.line() > 0);
            let raw = e.to_string();
            SourceError {
                file: file.to_owned(),
                line: loc.map_or(0, |l| u32::try_from(l.line()).unwrap_or(u32::MAX)),
                column: loc.map_or(0, |l| u32::try_from(l.column()).unwrap_or(u32::MAX)),
                message: format!(
                    "invalid {}: {}",
                    if looks_json { "JSON" } else { "YAML" },
                    super::text::one_line(raw.lines().next().unwrap_or(""), 300)
                ),
                help: "fix the syntax at that position; nesting and size are capped for safety"
                    .to_owned(),
            }
        })?;
        if !matches!(root.value, NodeValue::Map(_)) {
            return Err(SourceError {
                file: file.to_owned(),
                line: root.span.line,
                column: root.span.column,
                message: format!("the document is {}, not a mapping", root.value.kind_name()),
                help: "a threat model file is one JSON object / YAML mapping".to_owned(),
            });
        }
        Ok(Document {
            file: file.to_owned(),
            root,
        })
    }

    /// An error pointing at `node`.
    pub fn error(&self, node: &Node, message: String, help: &str) -> SourceError {
        SourceError {
            file: self.file.clone(),
            line: node.span.line,
            column: node.span.column,
            message,
            help: help.to_owned(),
        }
    }

    /// "This is not a FORMAT file": the keys that format must have are missing.
    pub fn require_format(
        &self,
        format: &str,
        keys: &[&str],
        hint: &str,
    ) -> Result<(), SourceError> {
        if keys.iter().any(|k| get(&self.root, k).is_some()) {
            return Ok(());
        }
        Err(SourceError {
            file: self.file.clone(),
            line: self.root.span.line,
            column: self.root.span.column,
            message: format!(
                "this does not look like a {format} file: none of {} is present",
                keys.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            help: hint.to_owned(),
        })
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The value of `key` when present and not null.
pub fn get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    node.get(key).filter(|v| v.value != NodeValue::Null)
}

/// The scalar at `key` as text (numbers and booleans too), trimmed; `None`
/// when absent, null, empty or not a scalar.
pub fn text(node: &Node, key: &str) -> Option<String> {
    get(node, key)
        .and_then(|v| v.value.scalar_text())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The number at `key`.
pub fn number(node: &Node, key: &str) -> Option<f64> {
    match get(node, key).map(|v| &v.value) {
        Some(NodeValue::Int(i)) => Some(*i as f64),
        Some(NodeValue::Float(f)) => Some(*f),
        Some(NodeValue::Str(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The boolean at `key` (also `"true"`/`"false"` text).
pub fn boolean(node: &Node, key: &str) -> Option<bool> {
    match get(node, key).map(|v| &v.value) {
        Some(NodeValue::Bool(b)) => Some(*b),
        Some(NodeValue::Str(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The items of the list at `key` (empty when absent or not a list).
pub fn items<'n>(node: &'n Node, key: &str) -> &'n [Node] {
    match get(node, key).map(|v| &v.value) {
        Some(NodeValue::Seq(items)) => items,
        _ => &[],
    }
}

/// The entries of the mapping at `key` (empty when absent or not a mapping).
pub fn entries<'n>(node: &'n Node, key: &str) -> &'n [(Node, Node)] {
    match get(node, key).map(|v| &v.value) {
        Some(NodeValue::Map(entries)) => entries,
        _ => &[],
    }
}

/// The scalar items of the list at `key`, each with its node.
pub fn text_items<'n>(node: &'n Node, key: &str) -> Vec<(String, &'n Node)> {
    items(node, key)
        .iter()
        .filter_map(|n| n.value.scalar_text().map(|s| (s.trim().to_owned(), n)))
        .filter(|(s, _)| !s.is_empty())
        .collect()
}

/// The node as JSON (mapping keys as text).
pub fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match &node.value {
        NodeValue::Null => Value::Null,
        NodeValue::Bool(b) => Value::Bool(*b),
        NodeValue::Int(i) => Value::from(*i),
        NodeValue::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        NodeValue::Str(s) => Value::String(s.clone()),
        NodeValue::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeValue::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.value.scalar_text().unwrap_or_default(), to_json(v)))
                .collect(),
        ),
    }
}

/// The value as annotation text: a scalar as itself, anything else as JSON.
pub fn annotation_text(node: &Node) -> String {
    match node.value.scalar_text() {
        Some(s) => s,
        None => to_json(node).to_string(),
    }
}

/// Every key of the mapping `node` not in `consumed` (and not null or empty)
/// as an annotation `prefix + key`: what tm has no field for is kept, not dropped.
pub fn leftovers(node: &Node, consumed: &[&str], origin: &str, prefix: &str) -> Vec<Annotation> {
    let NodeValue::Map(entries) = &node.value else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|(k, v)| {
            let key = k.value.scalar_text()?;
            if consumed.contains(&key.as_str()) || is_empty(v) {
                return None;
            }
            Some(Annotation {
                origin: origin.to_owned(),
                key: format!("{prefix}{key}"),
                value: annotation_text(v),
            })
        })
        .collect()
}

/// Null, an empty text, list or mapping: nothing to keep.
pub fn is_empty(node: &Node) -> bool {
    match &node.value {
        NodeValue::Null => true,
        NodeValue::Str(s) => s.trim().is_empty(),
        NodeValue::Seq(v) => v.is_empty(),
        NodeValue::Map(v) => v.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_syntax_errors_have_positions() {
        let err = Document::parse("x.json", "{\n  \"a\": 1,\n  \"b\" 2\n}", false).unwrap_err();
        assert_eq!((err.line, err.column), (3, 7), "{err}");
        assert!(
            err.to_string().starts_with("x.json:3:7: invalid JSON"),
            "{err}"
        );
    }

    #[test]
    fn json_with_tabs_keeps_value_positions() {
        let doc =
            Document::parse("x.json", "{\n\t\"a\": {\n\t\t\"b\": \"v\"\n\t}\n}", false).unwrap();
        let b = doc.root.at_path(&["a", "b"]).unwrap();
        assert_eq!(b.span.line, 3);
    }

    #[test]
    fn merge_keys_only_when_asked() {
        let yaml = "a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\n";
        assert!(Document::parse("t.yaml", yaml, false).is_err());
        let doc = Document::parse("t.yaml", yaml, true).unwrap();
        assert_eq!(text(doc.root.get("b").unwrap(), "x").as_deref(), Some("1"));
    }

    #[test]
    fn leftovers_keep_unknown_keys_as_text_or_json() {
        let doc = Document::parse("t.yaml", "id: a\ntags: [x, y]\nn: 3\ne: ''\n", false).unwrap();
        let got = leftovers(&doc.root, &["id"], "otm", "");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].value, "[\"x\",\"y\"]");
        assert_eq!(got[1].value, "3");
    }

    #[test]
    fn a_list_is_not_a_model() {
        let err = Document::parse("t.json", "[1]", false).unwrap_err();
        assert!(err.message.contains("not a mapping"), "{err}");
    }
}
