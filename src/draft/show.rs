//! A draft printed for people: one YAML document per element, each item
//! preceded by a `# fired by:` comment naming the library entry, the
//! conditions and the code facts that fired it.

use super::engine::ModelDraft;
use super::yaml_text::{mitigation_lines, question_lines, threat_lines};

/// A comment line's text: one line, whatever the names contain.
fn comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The drafts as YAML documents, one per element.
pub fn yaml(drafts: &[&ModelDraft]) -> String {
    let mut out = String::new();
    for d in drafts {
        let file = crate::project_root::shown(&d.file);
        if d.is_empty() {
            out.push_str(&comment(&format!(
                "# {}: {file}: nothing to draft (every element is answered at the model's risk)",
                d.model
            )));
            out.push('\n');
            continue;
        }
        let mut targets: Vec<&str> = Vec::new();
        for t in d
            .threats
            .iter()
            .map(|t| t.threat.target.as_str())
            .chain(d.questions.iter().map(|q| q.question.about.as_str()))
        {
            if !targets.contains(&t) {
                targets.push(t);
            }
        }
        for target in targets {
            let threats: Vec<_> = d
                .threats
                .iter()
                .filter(|t| t.threat.target.as_str() == target)
                .collect();
            let questions: Vec<_> = d
                .questions
                .iter()
                .filter(|q| q.question.about.as_str() == target)
                .collect();
            let noun = threats.first().map_or("element", |t| t.element_noun);
            out.push_str("---\n");
            out.push_str(&comment(&format!(
                "# {}: {noun} `{target}` ({file})",
                d.model
            )));
            out.push('\n');
            if !threats.is_empty() {
                out.push_str("threats:\n");
                for t in &threats {
                    out.push_str(&comment(&format!(
                        "  # fired by: {}",
                        t.fired_by.join("; ")
                    )));
                    out.push('\n');
                    for l in threat_lines(&t.threat, 2, 1) {
                        out.push_str(&l);
                        out.push('\n');
                    }
                }
                out.push_str("mitigations:\n");
                for t in &threats {
                    for l in mitigation_lines(&t.mitigation, 2, 1) {
                        out.push_str(&l);
                        out.push('\n');
                    }
                }
            }
            if !questions.is_empty() {
                out.push_str("questions:\n");
                for q in &questions {
                    out.push_str(&comment(&format!("  # fired by: {}", q.fired_by)));
                    out.push('\n');
                    for l in question_lines(&q.question, 2, 1) {
                        out.push_str(&l);
                        out.push('\n');
                    }
                }
            }
        }
    }
    out
}
