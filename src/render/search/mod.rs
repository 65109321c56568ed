//! The search index: every model, component, flow, data asset, boundary,
//! threat, mitigation, question and person (owner, reviewer, acceptor,
//! signer, answerer) becomes a document whose snippet is plain text (Markdown
//! stripped); [`shards`] turns the documents into the sharded files that
//! `search.js` loads on demand.

pub mod shards;

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::context::{data_anchor, element_anchor, mitigation_anchor, model_href};
use super::markdown::plain_text;
use crate::load::Project;
use crate::model::Model;
pub use shards::Doc;

/// How much of the text a result shows.
const MAX_SNIPPET: usize = 200;

/// The index files of a project, paths relative to the site root.
pub fn index_files(project: &Project) -> Vec<(PathBuf, Vec<u8>)> {
    let docs: Vec<Doc> = project.models.iter().flat_map(|m| docs(&m.model)).collect();
    shards::files(&docs)
}

/// The documents of one model, in page order.
pub fn docs(m: &Model) -> Vec<Doc> {
    let page = model_href(m.id.as_str());
    let mut out = Vec::new();
    let mut push = |kind: &'static str, title: String, anchor: &str, parts: &[&str]| {
        let body = parts
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| plain_text(p))
            .collect::<Vec<_>>()
            .join(" · ");
        out.push(Doc {
            kind,
            title: plain_text(&title),
            href: if anchor.is_empty() {
                page.clone()
            } else {
                format!("{page}#{anchor}")
            },
            model: m.title.clone(),
            snippet: cut(&body),
            body,
        });
    };
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    push(
        "model",
        m.title.clone(),
        "",
        &[m.id.as_str(), &m.owners.join(", "), &opt(&m.summary)],
    );
    for c in &m.components {
        push(
            "component",
            c.name.clone(),
            &element_anchor(c.id.as_str()),
            &[
                c.id.as_str(),
                c.kind.as_str(),
                c.zone.as_ref().map_or("", |z| z.as_str()),
                &opt(&c.description),
            ],
        );
    }
    for f in &m.flows {
        let ends = format!("{} → {}", f.from, f.to);
        let data = f.data.iter().map(|d| d.as_str()).collect::<Vec<_>>();
        push(
            "flow",
            f.name.clone().unwrap_or_else(|| f.id.to_string()),
            &element_anchor(f.id.as_str()),
            &[
                f.id.as_str(),
                &ends,
                f.protocol.as_deref().unwrap_or(""),
                &data.join(", "),
                &opt(&f.description),
            ],
        );
    }
    for d in &m.data {
        push(
            "data",
            d.name.clone(),
            &data_anchor(d.id.as_str()),
            &[
                d.id.as_str(),
                d.classification.as_str(),
                &opt(&d.description),
            ],
        );
    }
    for b in &m.boundaries {
        let between = b.between.iter().map(|z| z.as_str()).collect::<Vec<_>>();
        push(
            "boundary",
            b.name.clone().unwrap_or_else(|| b.id.to_string()),
            &element_anchor(b.id.as_str()),
            &[b.id.as_str(), &between.join(" / "), &opt(&b.description)],
        );
    }
    for t in &m.threats {
        let accepted = t
            .acceptance
            .as_ref()
            .map(|a| format!("accepted by {} on {}: {}", a.by, a.at, a.rationale))
            .unwrap_or_default();
        let mitigations = t.mitigations.iter().map(|x| x.as_str()).collect::<Vec<_>>();
        push(
            "threat",
            format!("{} {}", t.id, t.title),
            t.id.as_str(),
            &[
                t.target.as_str(),
                t.severity.as_str(),
                t.status.as_str(),
                &opt(&t.description),
                &opt(&t.current),
                &mitigations.join(", "),
                &opt(&t.reason),
                &accepted,
            ],
        );
    }
    for x in &m.mitigations {
        let signoff = x
            .signoff
            .as_ref()
            .map(|s| format!("signed off by {} on {}", s.by, s.at))
            .unwrap_or_default();
        push(
            "mitigation",
            format!("{} {}", x.id, x.control),
            &mitigation_anchor(x.id.as_str()),
            &[
                x.status.as_str(),
                x.tracking.as_deref().unwrap_or(""),
                x.location.as_ref().map_or("", |l| l.as_str()),
                &signoff,
                &opt(&x.description),
            ],
        );
    }
    for q in &m.questions {
        let answered = q
            .answered_by
            .as_ref()
            .map(|by| format!("answered by {by}"))
            .unwrap_or_default();
        push(
            "question",
            q.text.clone(),
            &anchor_of(m, q.about.as_str()),
            &[
                q.id.as_str(),
                q.about.as_str(),
                q.code.as_deref().unwrap_or(""),
                &opt(&q.answer),
                &answered,
            ],
        );
    }
    for (person, roles) in people(m) {
        push("person", person, "", &[&roles.join("; ")]);
    }
    out
}

/// Everyone a model names, with what they did: owners, reviewers, acceptors,
/// signers and answerers, sorted by name.
fn people(m: &Model) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut add = |who: &str, role: String| {
        let who = who.trim();
        if !who.is_empty() {
            out.entry(who.to_owned()).or_default().push(role);
        }
    };
    for o in &m.owners {
        add(o, "owner".to_owned());
    }
    for r in &m.reviews {
        add(
            &r.by,
            format!(
                "{} review on {} ({})",
                r.kind.as_str(),
                r.at,
                r.outcome.as_str()
            ),
        );
    }
    for t in &m.threats {
        if let Some(a) = &t.acceptance {
            add(&a.by, format!("accepted {} on {}", t.id, a.at));
        }
    }
    for x in &m.mitigations {
        if let Some(s) = &x.signoff {
            add(&s.by, format!("signed off {} on {}", x.id, s.at));
        }
    }
    for q in &m.questions {
        if let Some(by) = &q.answered_by {
            add(by, format!("answered {}", q.id));
        }
    }
    out
}

/// The page anchor of whatever a model id names (empty: the page itself).
fn anchor_of(m: &Model, id: &str) -> String {
    if m.threats.iter().any(|t| t.id.as_str() == id) {
        id.to_owned()
    } else if m.mitigations.iter().any(|x| x.id.as_str() == id) {
        mitigation_anchor(id)
    } else if m.data.iter().any(|d| d.id.as_str() == id) {
        data_anchor(id)
    } else if m.components.iter().any(|c| c.id.as_str() == id)
        || m.flows.iter().any(|f| f.id.as_str() == id)
        || m.boundaries.iter().any(|b| b.id.as_str() == id)
    {
        element_anchor(id)
    } else {
        String::new()
    }
}

/// The text cut at a character boundary, with an ellipsis when cut.
fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_SNIPPET {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(MAX_SNIPPET - 1).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn snippets_are_bounded() {
        assert_eq!(cut("short"), "short");
        assert_eq!(cut(&"é".repeat(500)).chars().count(), 200);
    }
}
