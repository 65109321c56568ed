//! Filling a library template with the model's own names. One pass: text
//! substituted for a placeholder is never scanned again, so a component
//! named `{id}` stays `{id}`.

use crate::code::CodeFact;

use super::element::Element;
use super::library::{TemplatePart, template_parts};

/// The values a template can use for one element (and one code fact).
pub struct Values<'a> {
    /// The element.
    pub element: &'a Element<'a>,
    /// The code fact that fired the entry, if it has a code-facts condition.
    pub fact: Option<&'a CodeFact>,
    /// The model's title.
    pub model: &'a str,
}

impl Values<'_> {
    fn get(&self, name: &str) -> Option<String> {
        let el = self.element;
        let fact = self.fact;
        Some(match name {
            "name" => el.name.clone(),
            "id" => el.id.clone(),
            "kind" => el.kind.as_str().to_owned(),
            "zone" => {
                if el.zones.is_empty() {
                    "no zone".to_owned()
                } else {
                    el.zones.join("/")
                }
            }
            "data" => el.data_names(),
            "protocol" => el
                .flows
                .iter()
                .find_map(|(f, _)| f.protocol.clone())
                .unwrap_or_else(|| "an unspecified protocol".to_owned()),
            "model" => self.model.to_owned(),
            "from" => el.ends.as_ref()?.0.clone(),
            "to" => el.ends.as_ref()?.1.clone(),
            "fact.file" => fact?.file.to_string_lossy().replace('\\', "/"),
            "fact.line" => fact?.span.line.to_string(),
            "fact.symbol" => fact?
                .symbol
                .clone()
                .unwrap_or_else(|| "the enclosing code".to_owned()),
            "fact.what" => fact?.what.to_owned(),
            _ => return None,
        })
    }
}

/// The template with every placeholder replaced. A placeholder without a
/// value (which library validation rules out) is kept as written.
pub fn fill(template: &str, values: &Values<'_>) -> String {
    let Ok(parts) = template_parts(template) else {
        return template.to_owned();
    };
    let mut out = String::with_capacity(template.len() + 32);
    for part in parts {
        match part {
            TemplatePart::Text(t) => out.push_str(t),
            TemplatePart::Placeholder(p) => match values.get(p) {
                Some(v) => out.push_str(&v),
                None => {
                    out.push('{');
                    out.push_str(p);
                    out.push('}');
                }
            },
        }
    }
    out
}
