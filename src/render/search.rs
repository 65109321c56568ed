//! The prebuilt search index: one entry per model, component, threat and
//! mitigation, written as a script that sets a global, because browsers refuse
//! `fetch` of a JSON file from `file://`.

use serde::Serialize;

use super::context::{element_anchor, mitigation_anchor, model_href};
use crate::load::Project;

/// How much of a description goes into the index.
const MAX_TEXT: usize = 240;

/// One searchable thing: `[kind, title, href, model title, text]` on the wire,
/// arrays keeping the index small.
#[derive(Debug, Serialize)]
struct Entry<'a>(&'static str, String, String, &'a str, String);

/// The index as a JavaScript file (`window.TM_SEARCH = [...]`).
pub fn index_script(project: &Project) -> String {
    let mut entries = Vec::new();
    for loaded in &project.models {
        let m = &loaded.model;
        let page = model_href(m.id.as_str());
        let model = m.title.as_str();
        entries.push(Entry(
            "model",
            m.title.clone(),
            page.clone(),
            model,
            text(&[m.id.as_str(), m.summary.as_deref().unwrap_or("")]),
        ));
        for c in &m.components {
            entries.push(Entry(
                "component",
                c.name.clone(),
                format!("{page}#{}", element_anchor(c.id.as_str())),
                model,
                text(&[
                    c.id.as_str(),
                    c.kind.as_str(),
                    c.description.as_deref().unwrap_or(""),
                ]),
            ));
        }
        for t in &m.threats {
            entries.push(Entry(
                "threat",
                format!("{} {}", t.id, t.title),
                format!("{page}#{}", t.id),
                model,
                text(&[
                    t.target.as_str(),
                    t.status.as_str(),
                    t.severity.as_str(),
                    t.description.as_deref().unwrap_or(""),
                ]),
            ));
        }
        for x in &m.mitigations {
            entries.push(Entry(
                "mitigation",
                format!("{} {}", x.id, x.control),
                format!("{page}#{}", mitigation_anchor(x.id.as_str())),
                model,
                text(&[x.status.as_str(), x.description.as_deref().unwrap_or("")]),
            ));
        }
    }
    let json = serde_json::to_string(&entries).expect("the index serializes");
    format!("window.TM_SEARCH = {json};\n")
}

/// Joins the parts into one line of plain text, cut at a character boundary.
fn text(parts: &[&str]) -> String {
    let joined = parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let one_line: String = joined.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(MAX_TEXT).collect()
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn text_is_one_line_and_bounded() {
        assert_eq!(text(&["a\n b", "", "c"]), "a b c");
        assert_eq!(text(&[&"é".repeat(500)]).chars().count(), 240);
    }
}
