//! The structure check: walks a positioned YAML tree against the JSON Schema
//! derived from the model types, reporting *every* unknown key, missing key,
//! wrong type and bad value with its position, and building the JSON value
//! that serde then turns into typed model values.
//!
//! Using the published schema as the loader's grammar keeps the two in
//! agreement by construction: what `tm schema` tells an editor is what tm reads.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::{Map, Value};

use super::node::{Node, NodeValue};
use crate::diagnostic::{Diagnostic, Rule, Span};
use crate::model::Date;
use crate::suggest;

/// The walk's state: the schema's definitions and the findings so far.
pub struct ShapeCheck<'a> {
    defs: &'a Map<String, Value>,
    file: &'a Path,
    /// Findings, in walk order.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether an invalid value was replaced by a placeholder to keep going.
    pub substituted: bool,
    /// The paths (`threats[3]`, `threats[3].acceptance`, `status`…) of every
    /// value with a problem in or under it, so rules can still judge the
    /// elements of a partly invalid file that are themselves valid.
    pub invalid: std::collections::BTreeSet<String>,
}

impl<'a> ShapeCheck<'a> {
    /// A walk over one file against a root schema (with `$defs`).
    pub fn new(root_schema: &'a Value, file: &'a Path) -> ShapeCheck<'a> {
        static EMPTY: OnceLock<Map<String, Value>> = OnceLock::new();
        let defs = root_schema
            .get("$defs")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new));
        ShapeCheck {
            defs,
            file,
            diagnostics: Vec::new(),
            substituted: false,
            invalid: std::collections::BTreeSet::new(),
        }
    }

    fn report(&mut self, rule: Rule, span: Span, message: String, help: Option<String>) {
        let mut d = Diagnostic::new(rule, self.file, Some(span), message);
        d.help = help;
        self.diagnostics.push(d);
    }

    fn resolve(&self, schema: &'a Value) -> &'a Value {
        let mut s = schema;
        for _ in 0..16 {
            match s
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                Some(name) => s = self.defs.get(name).unwrap_or(s),
                None => break,
            }
        }
        s
    }

    /// Checks `node` against `schema` at `path` (for messages, e.g. `threats[3].status`)
    /// and returns its JSON value, or `None` when it is invalid.
    pub fn walk(&mut self, node: &Node, schema: &'a Value, path: &str) -> Option<Value> {
        let before = self.diagnostics.len();
        let value = self.walk_value(node, schema, path);
        if value.is_none() || self.diagnostics.len() > before {
            self.invalid.insert(path.to_owned());
        }
        value
    }

    fn walk_value(&mut self, node: &Node, schema: &'a Value, path: &str) -> Option<Value> {
        let schema = self.resolve(schema);
        if let Some(branches) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            // An enum whose values carry doc comments is a `oneOf` of `const`s:
            // judged as one enum, so the help lists every allowed value.
            let consts: Option<Vec<Value>> = branches
                .iter()
                .map(|b| self.resolve(b).get("const").cloned())
                .collect();
            if let Some(allowed) = consts.filter(|c| !c.is_empty()) {
                return self.check_enum(node, &allowed, path);
            }
            return self.walk_alternatives(node, branches, path);
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            return self.check_enum(node, allowed, path);
        }
        if let Some(c) = schema.get("const") {
            return self.check_enum(node, std::slice::from_ref(c), path);
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => return Some(plain_json(node)),
        };
        let fits = |t: &str| match (t, &node.value) {
            ("null", NodeValue::Null) => true,
            ("object", NodeValue::Map(_)) | ("array", NodeValue::Seq(_)) => true,
            ("boolean", NodeValue::Bool(_)) => true,
            ("integer", NodeValue::Int(_)) => true,
            ("number", NodeValue::Int(_) | NodeValue::Float(_)) => true,
            ("string", v) => v.scalar_text().is_some(),
            _ => false,
        };
        let Some(ty) = types.iter().copied().find(|t| fits(t)) else {
            let expected: Vec<&str> = types
                .iter()
                .filter(|t| **t != "null")
                .map(|t| describe_type(t))
                .collect();
            self.report(
                Rule::WrongType,
                node.span,
                format!(
                    "`{path}` must be {}, found {}",
                    expected.join(" or "),
                    node.value.kind_name()
                ),
                wrong_type_help(&types, node),
            );
            return None;
        };
        match ty {
            "object" => self.walk_object(node, schema, path),
            "array" => self.walk_array(node, schema, path),
            "string" => self.check_string(node, schema, path),
            "integer" => self.check_integer(node, schema, path),
            _ => Some(plain_json(node)),
        }
    }

    fn walk_alternatives(
        &mut self,
        node: &Node,
        branches: &'a [Value],
        path: &str,
    ) -> Option<Value> {
        let resolved: Vec<&Value> = branches.iter().map(|b| self.resolve(b)).collect();
        // A union that admits null (an `Option`) accepts a null node outright.
        if matches!(node.value, NodeValue::Null)
            && resolved
                .iter()
                .any(|b| b.get("type") == Some(&Value::from("null")))
        {
            return Some(Value::Null);
        }
        let mut best: Option<(usize, Vec<Diagnostic>)> = None;
        let invalid_before = self.invalid.clone();
        for (i, branch) in resolved.iter().enumerate() {
            if branch.get("type") == Some(&Value::from("null")) {
                continue;
            }
            let saved = (
                std::mem::take(&mut self.diagnostics),
                std::mem::replace(&mut self.substituted, false),
            );
            let value = self.walk(node, branch, path);
            let attempt = (
                std::mem::replace(&mut self.diagnostics, saved.0),
                self.substituted,
            );
            self.substituted = saved.1;
            if value.is_some() && attempt.0.is_empty() && !attempt.1 {
                // The branches tried before this one were not what was meant.
                self.invalid = invalid_before;
                return value;
            }
            // Prefer the branch whose kind matches the node (a list for a list…),
            // so the user sees the errors of the shape they evidently meant.
            let kind_matches = !attempt
                .0
                .iter()
                .any(|d| d.rule == Rule::WrongType && d.span == Some(node.span));
            let better = match &best {
                None => true,
                Some((_, diags)) => {
                    kind_matches
                        && diags
                            .iter()
                            .any(|d| d.rule == Rule::WrongType && d.span == Some(node.span))
                }
            };
            if better {
                best = Some((i, attempt.0));
            }
        }
        if let Some((_, diags)) = best {
            self.diagnostics.extend(diags);
        }
        None
    }

    fn check_enum(&mut self, node: &Node, allowed: &[Value], path: &str) -> Option<Value> {
        let text = node.value.scalar_text();
        if text.is_none() && !matches!(node.value, NodeValue::Null) {
            let names: Vec<String> = allowed
                .iter()
                .map(|a| a.as_str().map_or_else(|| a.to_string(), str::to_owned))
                .collect();
            self.report(
                Rule::WrongType,
                node.span,
                format!(
                    "`{path}` must be one value, found {}",
                    node.value.kind_name()
                ),
                Some(format!("allowed values: {}", names.join(", "))),
            );
            return None;
        }
        if let Some(t) = &text
            && let Some(v) = allowed
                .iter()
                .find(|a| a.as_str() == Some(t.as_str()) || **a == plain_json(node))
        {
            return Some(v.clone());
        }
        let names: Vec<String> = allowed
            .iter()
            .map(|a| a.as_str().map_or_else(|| a.to_string(), str::to_owned))
            .collect();
        let found = text.map_or_else(|| node.value.kind_name().to_owned(), |t| format!("`{t}`"));
        let hint = node
            .value
            .scalar_text()
            .and_then(|t| {
                suggest::did_you_mean(&t, names.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`? "))
            })
            .unwrap_or_default();
        self.report(
            Rule::InvalidValue,
            node.span,
            format!("`{path}` cannot be {found}"),
            Some(format!("{hint}allowed values: {}", names.join(", "))),
        );
        None
    }

    fn check_string(&mut self, node: &Node, schema: &Value, path: &str) -> Option<Value> {
        let text = node.value.scalar_text()?;
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
            && !matches_pattern(pattern, &text)
        {
            let what = schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("see `tm schema`");
            self.report(
                Rule::InvalidValue,
                node.span,
                format!("`{path}` is not valid: `{text}`"),
                Some(what.to_owned()),
            );
            return None;
        }
        if schema.get("format").and_then(Value::as_str) == Some("date")
            && let Err(e) = text.parse::<Date>()
        {
            self.report(
                Rule::InvalidValue,
                node.span,
                format!("`{path}`: {e}"),
                None,
            );
            return None;
        }
        Some(Value::String(text))
    }

    fn check_integer(&mut self, node: &Node, schema: &Value, path: &str) -> Option<Value> {
        let NodeValue::Int(i) = node.value else {
            return None;
        };
        let min = schema.get("minimum").and_then(Value::as_f64);
        if min.is_some_and(|m| (i as f64) < m)
            || (schema.get("format").and_then(Value::as_str) == Some("uint32")
                && u32::try_from(i).is_err())
        {
            self.report(
                Rule::InvalidValue,
                node.span,
                format!("`{path}` must be a whole number from 0, found {i}"),
                None,
            );
            return None;
        }
        Some(Value::from(i))
    }

    fn walk_array(&mut self, node: &Node, schema: &'a Value, path: &str) -> Option<Value> {
        let NodeValue::Seq(items) = &node.value else {
            return None;
        };
        let item_schema = schema.get("items");
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            let value = match item_schema {
                Some(s) => self
                    .walk(item, s, &item_path)
                    .unwrap_or_else(|| self.placeholder(s)),
                None => plain_json(item),
            };
            out.push(value);
        }
        let count = items.len() as u64;
        let min = schema.get("minItems").and_then(Value::as_u64);
        let max = schema.get("maxItems").and_then(Value::as_u64);
        if min.is_some_and(|m| count < m) || max.is_some_and(|m| count > m) {
            let want = match (min, max) {
                (Some(a), Some(b)) if a == b => format!("exactly {a}"),
                (Some(a), Some(b)) => format!("{a} to {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => unreachable!("checked above"),
            };
            self.report(
                Rule::InvalidValue,
                node.span,
                format!("`{path}` must have {want} entries, found {count}"),
                None,
            );
            return None;
        }
        Some(Value::Array(out))
    }

    fn walk_object(&mut self, node: &Node, schema: &'a Value, path: &str) -> Option<Value> {
        let NodeValue::Map(entries) = &node.value else {
            return None;
        };
        let props = schema.get("properties").and_then(Value::as_object);
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        let mut out = Map::new();
        // Keys offered as "did you mean" for a misspelt key: their absence is
        // the same mistake, so it is not reported twice.
        let mut suggested: Vec<&str> = Vec::new();
        for (key, value) in entries {
            let NodeValue::Str(name) = &key.value else {
                self.report(
                    Rule::WrongType,
                    key.span,
                    format!(
                        "keys {} must be text, found {}",
                        if path.is_empty() {
                            "at the top level".to_owned()
                        } else {
                            format!("in `{path}`")
                        },
                        key.value.kind_name()
                    ),
                    None,
                );
                continue;
            };
            let child_path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            match props.and_then(|p| p.get(name)) {
                Some(prop_schema) => {
                    let v = self
                        .walk(value, prop_schema, &child_path)
                        .unwrap_or_else(|| self.placeholder(prop_schema));
                    out.insert(name.clone(), v);
                }
                None if closed => {
                    let known: Vec<&str> = props
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let help = match suggest::did_you_mean(name, known.iter().copied()) {
                        Some(s) => {
                            suggested.push(s);
                            format!("did you mean `{s}`?")
                        }
                        None => format!("allowed keys here: {}", known.join(", ")),
                    };
                    let where_ = if path.is_empty() {
                        "at the top level".to_owned()
                    } else {
                        format!("in `{path}`")
                    };
                    self.report(
                        Rule::UnknownKey,
                        key.span,
                        format!("unknown key `{name}` {where_}"),
                        Some(help),
                    );
                }
                None => {
                    out.insert(name.clone(), plain_json(value));
                }
            }
        }
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let missing: Vec<&str> = required
            .iter()
            .filter_map(Value::as_str)
            .filter(|r| {
                !entries
                    .iter()
                    .any(|(k, _)| matches!(&k.value, NodeValue::Str(s) if s == r))
            })
            .collect();
        for m in missing.iter().filter(|m| suggested.contains(m)) {
            if let Some(prop_schema) = props.and_then(|p| p.get(*m)) {
                let v = self.placeholder(prop_schema);
                out.insert((*m).to_owned(), v);
            }
        }
        let missing: Vec<&str> = missing
            .into_iter()
            .filter(|m| !suggested.contains(m))
            .collect();
        if !missing.is_empty() {
            let what = if path.is_empty() {
                "the model".to_owned()
            } else {
                format!("`{path}`")
            };
            let list = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let noun = if missing.len() == 1 { "key" } else { "keys" };
            let help = missing
                .iter()
                .filter_map(|m| {
                    let desc = props?
                        .get(*m)
                        .map(|s| self.resolve(s))?
                        .get("description")?
                        .as_str()?;
                    Some(format!("`{m}`: {desc}"))
                })
                .collect::<Vec<_>>()
                .join("; ");
            self.report(
                Rule::MissingKey,
                node.span,
                format!("{what} is missing the required {noun} {list}"),
                (!help.is_empty()).then_some(help),
            );
            for m in missing {
                if let Some(prop_schema) = props.and_then(|p| p.get(m)) {
                    let v = self.placeholder(prop_schema);
                    out.insert(m.to_owned(), v);
                }
            }
        }
        Some(Value::Object(out))
    }

    /// A value that satisfies `schema`, standing in for an invalid one so the
    /// rest of the file can still be read (the file is marked incomplete).
    fn placeholder(&mut self, schema: &'a Value) -> Value {
        self.substituted = true;
        self.placeholder_of(schema, 0)
    }

    fn placeholder_of(&self, schema: &'a Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if depth > 16 {
            return Value::Null;
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return first.clone();
        }
        if let Some(c) = schema.get("const") {
            return c.clone();
        }
        if let Some(branches) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            return branches
                .first()
                .map_or(Value::Null, |b| self.placeholder_of(b, depth + 1));
        }
        let ty = match schema.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("null"),
            _ => "null",
        };
        match ty {
            "string" if schema.get("format").and_then(Value::as_str) == Some("date") => {
                Value::from("1970-01-01")
            }
            "string" => Value::from(""),
            "integer" | "number" => Value::from(0),
            "boolean" => Value::Bool(false),
            "array" => Value::Array(Vec::new()),
            "object" => {
                let props = schema.get("properties").and_then(Value::as_object);
                let required = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                Value::Object(
                    required
                        .iter()
                        .filter_map(Value::as_str)
                        .filter_map(|r| {
                            Some((r.to_owned(), self.placeholder_of(props?.get(r)?, depth + 1)))
                        })
                        .collect(),
                )
            }
            _ => Value::Null,
        }
    }
}

fn describe_type(t: &str) -> &'static str {
    match t {
        "object" => "a mapping (key: value)",
        "array" => "a list",
        "string" => "text",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        _ => "null",
    }
}

fn wrong_type_help(types: &[&str], node: &Node) -> Option<String> {
    match (types.first().copied(), &node.value) {
        (Some("array"), v) if v.scalar_text().is_some() => Some(format!(
            "write a list, e.g. `[{}]`, or one `- item` per line",
            v.scalar_text().unwrap_or_default()
        )),
        (Some("boolean"), NodeValue::Str(s)) => Some(format!(
            "write `true` or `false` (YAML 1.2 reads `{s}` as text)"
        )),
        (Some("integer" | "number"), NodeValue::Str(s))
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, ':' | '_' | '-' | '+' | '.')) =>
        {
            Some(format!(
                "YAML 1.2 reads `{s}` as text (YAML 1.1 read a leading zero as octal and `1:30` as 90): \
                 write a plain decimal number without leading zeros"
            ))
        }
        (Some("string"), NodeValue::Map(_)) => {
            Some("if the text contains `: `, quote it or use a `|` block".to_owned())
        }
        _ => None,
    }
}

/// A node as JSON without a schema to direct it.
fn plain_json(node: &Node) -> Value {
    match &node.value {
        NodeValue::Null => Value::Null,
        NodeValue::Bool(b) => Value::Bool(*b),
        NodeValue::Int(i) => Value::from(*i),
        NodeValue::Float(f) => Value::from(*f),
        NodeValue::Str(s) => Value::String(s.clone()),
        NodeValue::Seq(items) => Value::Array(items.iter().map(plain_json).collect()),
        NodeValue::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.value.scalar_text().unwrap_or_default(), plain_json(v)))
                .collect(),
        ),
    }
}

/// Whether `text` matches `pattern`, compiling each pattern once per thread
/// (a shared or cloned `Regex` would rebuild its lazy DFA cache on every use).
fn matches_pattern(pattern: &str, text: &str) -> bool {
    thread_local! {
        static CACHE: RefCell<HashMap<String, Option<Regex>>> = RefCell::new(HashMap::new());
    }
    CACHE.with_borrow_mut(|cache| {
        cache
            .entry(pattern.to_owned())
            .or_insert_with(|| Regex::new(pattern).ok())
            .as_ref()
            .is_none_or(|re| re.is_match(text))
    })
}
