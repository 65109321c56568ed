//! `tm export otm` and `tm export tm-bom`: a tm model as another tool's
//! document. Annotations that `tm import` kept from the same format are
//! written back where they came from; tm's own values win where both exist.

mod ids;
pub mod otm;
pub mod tm_bom;

use serde_json::{Map, Value};

use crate::model::Annotation;

/// An annotation value back as JSON: structured values were stored as JSON
/// text, scalars as their text.
pub fn annotation_json(value: &str) -> Value {
    match serde_json::from_str::<Value>(value) {
        Ok(v @ (Value::Object(_) | Value::Array(_) | Value::Bool(_) | Value::Number(_))) => v,
        _ => Value::String(value.to_owned()),
    }
}

/// The annotations of `origin` whose key has no dot (top-level keys of the
/// element), as a JSON object, skipping `skip`.
pub fn restored(annotations: &[Annotation], origin: &str, skip: &[&str]) -> Map<String, Value> {
    annotations
        .iter()
        .filter(|a| a.origin == origin && !a.key.contains('.') && !skip.contains(&a.key.as_str()))
        .map(|a| (a.key.clone(), annotation_json(&a.value)))
        .collect()
}

/// The value of annotation `key` of `origin`.
pub fn annotation<'a>(annotations: &'a [Annotation], origin: &str, key: &str) -> Option<&'a str> {
    annotations
        .iter()
        .find(|a| a.origin == origin && a.key == key)
        .map(|a| a.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_typed() {
        assert_eq!(annotation_json("[1,2]"), serde_json::json!([1, 2]));
        assert_eq!(annotation_json("true"), Value::Bool(true));
        assert_eq!(
            annotation_json("plain text"),
            Value::String("plain text".into())
        );
        assert_eq!(
            annotation_json("\"quoted\""),
            Value::String("\"quoted\"".into())
        );
    }
}
