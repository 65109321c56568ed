//! Completion of element ids: which field the cursor is in, and which ids
//! that field may name.

use crate::load::Project;
use crate::model::Model;

/// What kind of element an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A component.
    Component,
    /// A flow.
    Flow,
    /// A trust boundary.
    Boundary,
    /// A data asset.
    Data,
    /// A zone.
    Zone,
    /// A mitigation.
    Mitigation,
    /// A threat.
    Threat,
}

impl Kind {
    /// The word shown next to a candidate.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Component => "component",
            Kind::Flow => "flow",
            Kind::Boundary => "boundary",
            Kind::Data => "data asset",
            Kind::Zone => "zone",
            Kind::Mitigation => "mitigation",
            Kind::Threat => "threat",
        }
    }
}

/// The field whose value the cursor is in, for fields holding ids: the key
/// on the cursor's line (`target: |`, `data: [a, |`), or, on a list item
/// (`- |`), the key the list belongs to. Keys at the top level are sections,
/// not references, and give `None`.
pub fn field_at(text: &str, offset: usize) -> Option<String> {
    let offset = floor_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..offset];
    if prefix.contains('#') {
        return None;
    }
    let indent = prefix.len() - prefix.trim_start().len();
    let rest = prefix.trim_start();
    let (indent, rest) = match rest.strip_prefix('-') {
        Some(item) if item.is_empty() || item.starts_with(' ') => {
            let inner = item.trim_start();
            if inner.contains(':') {
                // `- target: |`: the item's first key.
                (indent + 1 + item.len() - inner.len(), inner)
            } else {
                // `- |`: a list item; the list's key is above.
                return list_key(&text[..line_start], indent);
            }
        }
        _ => (indent, rest),
    };
    let (key, _) = rest.split_once(':')?;
    let key = key.trim();
    (indent > 0 && is_key(key)).then(|| key.to_owned())
}

/// The key of the list whose item starts at column `dash` on the line after
/// `above`: the nearest line above that is less indented (or as indented and
/// not an item itself), if it is a bare `key:`.
fn list_key(above: &str, dash: usize) -> Option<String> {
    for line in above.lines().rev() {
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        if indent > dash || (indent == dash && body.starts_with('-')) {
            continue;
        }
        let body = body.strip_prefix("- ").map_or(body, str::trim_start);
        let key = body.strip_suffix(':')?.trim();
        let top = indent == 0 && !line.trim_start().starts_with('-');
        return (!top && is_key(key)).then(|| key.to_owned());
    }
    None
}

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// The kinds of element a field may name, and whether components of other
/// models (`model/component`) are allowed; `None` for a field holding no id.
pub fn kinds_of(field: &str) -> Option<(&'static [Kind], bool)> {
    use Kind::*;
    Some(match field {
        "target" | "about" => (&[Component, Flow, Boundary], false),
        "from" | "to" => (&[Component], true),
        "mitigations" => (&[Mitigation], false),
        "location" => (&[Component], false),
        "zone" | "between" => (&[Zone], false),
        "data" => (&[Data], false),
        _ => return None,
    })
}

/// Every id of one kind in a model, in file order.
pub fn ids_of(model: &Model, kind: Kind) -> Vec<&str> {
    match kind {
        Kind::Component => model.components.iter().map(|c| c.id.as_str()).collect(),
        Kind::Flow => model.flows.iter().map(|f| f.id.as_str()).collect(),
        Kind::Boundary => model.boundaries.iter().map(|b| b.id.as_str()).collect(),
        Kind::Data => model.data.iter().map(|d| d.id.as_str()).collect(),
        Kind::Zone => model.zones.iter().map(|z| z.as_str()).collect(),
        Kind::Mitigation => model.mitigations.iter().map(|m| m.id.as_str()).collect(),
        Kind::Threat => model.threats.iter().map(|t| t.id.as_str()).collect(),
    }
}

/// The candidates for `field` in `model`: `(id, kind)`, with
/// `other-model/component` from the rest of `project` where allowed.
pub fn candidates(field: &str, model: &Model, project: &Project) -> Vec<(String, Kind)> {
    let Some((kinds, cross)) = kinds_of(field) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for &kind in kinds {
        out.extend(
            ids_of(model, kind)
                .into_iter()
                .map(|id| (id.to_owned(), kind)),
        );
    }
    if cross {
        for other in &project.models {
            if other.model.id == model.id {
                continue;
            }
            for id in ids_of(&other.model, Kind::Component) {
                out.push((format!("{}/{id}", other.model.id.as_str()), Kind::Component));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_end(text: &str) -> Option<String> {
        field_at(text, text.len())
    }

    #[test]
    fn the_key_on_the_line_names_the_field() {
        assert_eq!(
            at_end("threats:\n  - id: t\n    target: "),
            Some("target".into())
        );
        assert_eq!(at_end("threats:\n  - target: we"), Some("target".into()));
        assert_eq!(
            at_end("flows:\n  - id: f\n    data: [a, "),
            Some("data".into())
        );
    }

    #[test]
    fn a_list_item_takes_the_key_of_its_list() {
        let text = "threats:\n  - id: t\n    mitigations:\n      - m1\n      - ";
        assert_eq!(at_end(text), Some("mitigations".into()));
        // The dash may sit at the key's own indentation.
        let text = "threats:\n  - id: t\n    mitigations:\n    - ";
        assert_eq!(at_end(text), Some("mitigations".into()));
    }

    #[test]
    fn top_level_sections_and_comments_are_not_references() {
        assert_eq!(at_end("data:\n  - "), None);
        assert_eq!(at_end("mitigations: "), None);
        assert_eq!(at_end("threats:\n  - id: t\n    # target: "), None);
        assert_eq!(at_end("title: x"), None);
    }

    #[test]
    fn fields_map_to_kinds() {
        assert_eq!(kinds_of("from"), Some((&[Kind::Component][..], true)));
        assert!(kinds_of("title").is_none());
    }
}
