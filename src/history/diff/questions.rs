//! Comparing the questions of two versions of a model: asked, answered,
//! reopened, removed or edited, by id.

use std::collections::BTreeMap;

use super::change::Change;
use super::compare::field_changes;
use crate::model::{Id, Model, Question};

fn answered(q: &Question) -> bool {
    q.answer.as_deref().is_some_and(|a| !a.trim().is_empty())
}

/// The question changes from `old` to `new`, ids sorted.
pub(super) fn compare_questions(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let olds: BTreeMap<&Id, &Question> = old.questions.iter().map(|q| (&q.id, q)).collect();
    let news: BTreeMap<&Id, &Question> = new.questions.iter().map(|q| (&q.id, q)).collect();
    for (id, n) in &news {
        let id = (*id).clone();
        let Some(o) = olds.get(&id) else {
            out.push(Change::QuestionAdded {
                id,
                about: n.about.clone(),
                answered: answered(n),
            });
            continue;
        };
        let mut skip = vec!["id"];
        match (answered(o), answered(n)) {
            (false, true) => {
                out.push(Change::QuestionAnswered {
                    id: id.clone(),
                    by: n.answered_by.clone(),
                    at: n.answered_at,
                });
                skip.extend(["answer", "answered-by", "answered-at"]);
            }
            (true, false) => {
                out.push(Change::QuestionReopened { id: id.clone() });
                skip.extend(["answer", "answered-by", "answered-at"]);
            }
            _ => {}
        }
        let fields = field_changes(*o, *n, &skip);
        if !fields.is_empty() {
            out.push(Change::QuestionEdited { id, fields });
        }
    }
    for (id, o) in olds.iter().filter(|(id, _)| !news.contains_key(*id)) {
        out.push(Change::QuestionRemoved {
            id: (*id).clone(),
            answered: answered(o),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::diff::change::Impact;

    fn model(questions: &str) -> Model {
        let yaml = format!(
            "tm: 1\nid: m\ntitle: M\nstatus: draft\nrisk: low\ncomponents:\n  - {{id: web, name: Web, kind: service}}\nquestions:\n{questions}"
        );
        let (_, (loaded, diags)) =
            crate::load::load_model_text(std::path::Path::new("m.yaml"), yaml.into_bytes());
        assert!(diags.is_empty(), "{diags:?}");
        loaded.expect("model").model
    }

    #[test]
    fn answers_removals_and_edits_are_told_apart_and_judged() {
        let old = model(
            "  - {id: Q-1, about: web, text: a}\n  - {id: Q-2, about: web, text: b}\n  - {id: Q-3, about: web, text: c, answer: yes, answered-by: al, answered-at: 2026-01-01}\n",
        );
        let new = model(
            "  - {id: Q-1, about: web, text: a, answer: fine}\n  - {id: Q-3, about: web, text: c2, answer: yes, answered-by: al, answered-at: 2026-01-01}\n  - {id: Q-4, about: web, text: d}\n",
        );
        let mut out = Vec::new();
        compare_questions(&old, &new, &mut out);
        let judged: Vec<(String, Impact)> = out
            .iter()
            .map(|c| {
                (
                    format!("{c:?}")
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    c.impact(),
                )
            })
            .collect();
        assert_eq!(
            judged,
            [
                ("QuestionAnswered".to_owned(), Impact::Weakened),
                ("QuestionEdited".to_owned(), Impact::Neutral),
                ("QuestionAdded".to_owned(), Impact::Neutral),
                ("QuestionRemoved".to_owned(), Impact::Weakened),
            ]
        );
    }
}
