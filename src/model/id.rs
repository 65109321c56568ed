//! Identifiers: how model elements name and refer to each other.

use std::borrow::{Borrow, Cow};
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// The pattern every element id follows (letters, digits, `.`, `_`, `-`).
pub const ID_PATTERN: &str = r"^[A-Za-z0-9][A-Za-z0-9._-]*$";

/// The pattern of a flow endpoint: a local component id, or `model-id/component-id`.
pub const ENDPOINT_PATTERN: &str = r"^([A-Za-z0-9][A-Za-z0-9._-]*/)?[A-Za-z0-9][A-Za-z0-9._-]*$";

/// The id of a model element, or a reference to one within the same model.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(pub String);

/// A flow endpoint: a component of this model, or `model-id/component-id` for a
/// component of another model in the same project.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EndpointRef(pub String);

impl EndpointRef {
    /// Splits into (model id, component id); the model is `None` for a local endpoint.
    pub fn parts(&self) -> (Option<&str>, &str) {
        match self.0.split_once('/') {
            Some((model, component)) => (Some(model), component),
            None => (None, &self.0),
        }
    }
}

impl Id {
    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for EndpointRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Id {
        Id(s.to_owned())
    }
}

impl JsonSchema for Id {
    fn schema_name() -> Cow<'static, str> {
        "Id".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": ID_PATTERN,
            "description": "An id: ASCII letters and digits, '.', '_' and '-', starting with a letter or digit."
        })
    }
}

impl JsonSchema for EndpointRef {
    fn schema_name() -> Cow<'static, str> {
        "EndpointRef".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": ENDPOINT_PATTERN,
            "description": "A component id of this model, or 'model-id/component-id' for a component of another model."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_splits_model_and_component() {
        assert_eq!(EndpointRef("web".into()).parts(), (None, "web"));
        assert_eq!(
            EndpointRef("shop/web".into()).parts(),
            (Some("shop"), "web")
        );
    }

    #[test]
    fn patterns_accept_ids_and_reject_spaces() {
        let id = regex::Regex::new(ID_PATTERN).unwrap();
        assert!(id.is_match("PAY-S-1"));
        assert!(!id.is_match("two words"));
        assert!(!id.is_match("a/b"));
        assert!(regex::Regex::new(ENDPOINT_PATTERN).unwrap().is_match("a/b"));
    }
}
