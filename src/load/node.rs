//! A YAML document as a tree of positioned nodes, so that every value — not only
//! a parse error — can be pointed at by line and column.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diagnostic::Span;

/// One YAML node and where it stands in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node starts (for a scalar, its text).
    pub span: Span,
    /// The value.
    pub value: NodeValue,
}

/// The value of a node. Scalars keep the type YAML 1.2 gives them; the schema
/// walk decides whether e.g. a number is acceptable where text is expected.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// `~`, `null` or an empty value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// Text.
    Str(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, in file order (duplicate keys are rejected by the parser).
    Map(Vec<(Node, Node)>),
}

impl NodeValue {
    /// How the value is described to a user ("a list", "text", …).
    pub fn kind_name(&self) -> &'static str {
        match self {
            NodeValue::Null => "nothing (null)",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Int(_) => "a whole number",
            NodeValue::Float(_) => "a number",
            NodeValue::Str(_) => "text",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }

    /// The scalar as text, when it is a scalar.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            NodeValue::Bool(b) => Some(b.to_string()),
            NodeValue::Int(i) => Some(i.to_string()),
            NodeValue::Float(f) => Some(f.to_string()),
            NodeValue::Str(s) => Some(s.clone()),
            _ => None,
        }
    }
}

/// At most this many YAML nodes in a file, counting what aliases expand to.
pub const MAX_NODES: usize = 250_000;

/// At most this many alias (`*name`) uses in a file.
pub const MAX_ALIASES: usize = 10_000;

/// At most this many nodes in total may come from expanding aliases.
pub const MAX_ALIAS_EXPANSION: usize = 10_000;

/// The parser settings of every YAML read in tm: YAML 1.2 booleans and
/// numbers, no YAML 1.1 merge keys, one document per file, and budgets
/// against hostile input.
pub fn yaml_options(max_depth: usize) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = max_depth;
    budget.max_aliases = MAX_ALIASES;
    budget.max_documents = 1;
    // Copies kept for anchors and text replayed through aliases: bounded by
    // a small multiple of the largest file, so memory stays bounded too.
    budget.max_recorded_anchor_events = MAX_NODES;
    budget.max_recorded_anchor_bytes = 2 * crate::load::MAX_FILE_BYTES;
    budget.max_total_scalar_bytes = 2 * crate::load::MAX_FILE_BYTES;
    budget.max_nodes = MAX_NODES;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    // The alias budget counts what aliases expand to, not how many there
    // are: nine aliases can stand for a billion nodes.
    options.alias_limits = serde_saphyr::alias_limits! {
        max_total_replayed_events: MAX_ALIAS_EXPANSION,
        max_replay_stack_depth: max_depth,
    };
    options.with_snippet = false;
    options.strict_booleans = true;
    options.leading_zero_numbers_as_strings = true;
    options.merge_keys = serde_saphyr::options::MergeKeyPolicy::Error;
    options
}

impl Node {
    /// Parses one YAML document with the budgets that keep hostile input
    /// (alias bombs, deep nesting, multi-document streams) from hanging tm.
    /// Booleans follow YAML 1.2: `yes`, `no`, `on`, `off` stay text.
    pub fn parse(text: &str, max_depth: usize) -> Result<Node, serde_saphyr::Error> {
        serde_saphyr::from_str_with_options(text, yaml_options(max_depth))
    }

    /// The value of `key` when this node is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            NodeValue::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.value, NodeValue::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a JSON-pointer-like path (`["threats", "3", "target"]`); a key
    /// segment resolves to the value, so diagnostics point at the value.
    pub fn at_path<S: AsRef<str>>(&self, path: &[S]) -> Option<&Node> {
        let mut node = self;
        for seg in path {
            let seg = seg.as_ref();
            node = match &node.value {
                NodeValue::Map(_) => node.get(seg)?,
                NodeValue::Seq(items) => items.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The key node of `key` in this mapping (to point at a misspelt key itself).
    pub fn key_node(&self, key: &str) -> Option<&Node> {
        match &self.value {
            NodeValue::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.value, NodeValue::Str(s) if s == key))
                .map(|(k, _)| k),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        let spanned = Spanned::<NodeValue>::deserialize(d)?;
        let loc = spanned.referenced;
        let span = loc.span();
        Ok(Node {
            span: Span {
                line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
                column: u32::try_from(loc.column()).unwrap_or(u32::MAX),
                offset: span.byte_offset().unwrap_or(0) as usize,
                len: span.byte_len().unwrap_or(0) as usize,
            },
            value: spanned.value,
        })
    }
}

impl<'de> Deserialize<'de> for NodeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<NodeValue, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = NodeValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<NodeValue, E> {
        Ok(NodeValue::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<NodeValue, E> {
        Ok(NodeValue::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NodeValue, E> {
        Ok(i64::try_from(v).map_or(NodeValue::Float(v as f64), NodeValue::Int))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<NodeValue, E> {
        Ok(i64::try_from(v).map_or(NodeValue::Str(v.to_string()), NodeValue::Int))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<NodeValue, E> {
        Ok(i64::try_from(v).map_or(NodeValue::Str(v.to_string()), NodeValue::Int))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<NodeValue, E> {
        Ok(NodeValue::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<NodeValue, E> {
        Ok(NodeValue::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<NodeValue, E> {
        Ok(NodeValue::Str(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<NodeValue, E> {
        Ok(NodeValue::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<NodeValue, E> {
        Ok(NodeValue::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<NodeValue, D::Error> {
        NodeValue::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NodeValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(NodeValue::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NodeValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(NodeValue::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Node {
        Node::parse(text, 64).unwrap()
    }

    #[test]
    fn values_keep_their_positions() {
        let n = parse("a: 1\nlist:\n  - x\n  - {k: true}\n");
        let one = n.at_path(&["a"]).unwrap();
        assert_eq!((one.span.line, one.span.column), (1, 4));
        assert_eq!(one.value, NodeValue::Int(1));
        let k = n.at_path(&["list", "1", "k"]).unwrap();
        assert_eq!(k.span.line, 4);
        assert_eq!(k.value, NodeValue::Bool(true));
        assert_eq!(n.key_node("list").unwrap().span.line, 2);
    }

    #[test]
    fn yaml_1_1_booleans_stay_text() {
        let n = parse("on: yes\n");
        assert_eq!(n.key_node("on").unwrap().value, NodeValue::Str("on".into()));
    }

    /// Nine levels of ten aliases stand for a billion nodes: refused after
    /// the expansion budget, long before memory or time run out.
    #[test]
    fn alias_bombs_are_refused_by_what_they_expand_to() {
        let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let refs = vec![format!("*{prev}"); 10].join(", ");
            laughs.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let start = std::time::Instant::now();
        let err = Node::parse(&laughs, 64).unwrap_err().to_string();
        assert!(err.contains("alias replay limit"), "{err}");
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());

        // One long text repeated through aliases: bounded in bytes.
        let long = "y".repeat(1 << 20);
        let text = format!("a: &a {long}\nb: [{}]\n", vec!["*a"; 100].join(", "));
        let err = Node::parse(&text, 64).unwrap_err().to_string();
        assert!(err.contains("ScalarBytes"), "{err}");

        // Ordinary reuse of an anchor is fine.
        let ok = "m: &m [M-1, M-2]\nt1: *m\nt2: *m\n";
        assert!(Node::parse(ok, 64).is_ok());
    }
}
