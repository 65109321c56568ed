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
