//! The "Open questions" section of a model page: each question with the
//! element it is about, the code line it cites (linked through `source-url`),
//! and its answer with who gave it and when. Open questions come first.

use serde::Serialize;

use super::code::{SourceLinks, SourceRef};
use super::context::{ElementNames, Link};
use super::markdown::to_html;
use crate::check::questions::parse_location;
use crate::model::{Model, Question};

/// One question on the model page.
#[derive(Debug, Serialize)]
pub struct QuestionRow {
    /// Anchor on the page.
    pub anchor: String,
    /// Question id.
    pub id: String,
    /// The element it is about.
    pub about: Link,
    /// The question, as written (escaped by the template).
    pub text: String,
    /// The code line it cites, linked when `source-url` allows.
    pub code: Option<SourceRef>,
    /// Whether it has an answer.
    pub answered: bool,
    /// The answer as sanitized HTML.
    pub answer_html: String,
    /// Who answered.
    pub answered_by: String,
    /// When.
    pub answered_at: String,
    /// Whether the question itself is still a draft.
    pub drafted: bool,
    /// The library entry or code fact that raised it.
    pub library: String,
}

/// Anchor of a question on its model page (threats own the bare ids).
pub fn question_anchor(id: &str) -> String {
    format!("q-{id}")
}

/// Whether a question still waits for an answer.
pub fn is_open(q: &Question) -> bool {
    q.answer.as_deref().is_none_or(|a| a.trim().is_empty())
}

/// The rows of a model's questions: open ones first, each group in model order.
pub(super) fn rows(
    m: &Model,
    names: &ElementNames<'_>,
    links: SourceLinks<'_>,
) -> Vec<QuestionRow> {
    let (open, answered): (Vec<&Question>, Vec<&Question>) =
        m.questions.iter().partition(|q| is_open(q));
    open.into_iter()
        .chain(answered)
        .map(|q| row(q, names, links))
        .collect()
}

fn row(q: &Question, names: &ElementNames<'_>, links: SourceLinks<'_>) -> QuestionRow {
    let code = q.code.as_deref().map(|c| match parse_location(c) {
        Some((path, line)) => links.at(&path, u32::try_from(line).ok()),
        None => SourceRef {
            label: c.to_owned(),
            href: None,
        },
    });
    QuestionRow {
        anchor: question_anchor(q.id.as_str()),
        id: q.id.to_string(),
        about: names.link(q.about.as_str()),
        text: q.text.clone(),
        code,
        answered: !is_open(q),
        answer_html: q.answer.as_deref().map(to_html).unwrap_or_default(),
        answered_by: q.answered_by.clone().unwrap_or_default(),
        answered_at: q.answered_at.map(|d| d.to_string()).unwrap_or_default(),
        drafted: q.drafted,
        library: q.library.clone().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Date, Id};

    fn question(id: &str, answer: Option<&str>) -> Question {
        Question {
            id: Id::from(id),
            about: Id::from("web"),
            text: "How are <paths> validated?".into(),
            code: Some("src/files.rs:88".into()),
            answer: answer.map(str::to_owned),
            answered_by: answer.map(|_| "alice".to_owned()),
            answered_at: answer.and_then(|_| Date::from_ymd(2026, 1, 10)),
            drafted: true,
            library: Some("path-traversal".into()),
        }
    }

    #[test]
    fn open_questions_come_first_and_code_lines_link() {
        let mut m: Model = serde_json::from_value(serde_json::json!({
            "tm": 1, "id": "m", "title": "M", "status": "draft", "risk": "low",
            "components": [{"id": "web", "name": "Web", "kind": "service"}]
        }))
        .expect("model");
        m.questions = vec![
            question("Q-1", Some("We *canonicalise*.")),
            question("Q-2", None),
        ];
        let names = ElementNames::new(&m);
        let links = SourceLinks {
            template: Some("https://git.example/r/blob/{commit}/{path}#L{line}"),
            commit: Some("abc"),
        };
        let rows = rows(&m, &names, links);
        assert_eq!(
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["Q-2", "Q-1"]
        );
        assert!(!rows[0].answered && rows[1].answered);
        assert_eq!(rows[0].about.href, "#el-web");
        let code = rows[0].code.as_ref().expect("code");
        assert_eq!(code.label, "src/files.rs:88");
        assert_eq!(
            code.href.as_deref(),
            Some("https://git.example/r/blob/abc/src/files.rs#L88")
        );
        assert!(
            rows[1].answer_html.contains("<em>canonicalise</em>"),
            "{}",
            rows[1].answer_html
        );
    }

    #[test]
    fn a_blank_answer_is_open() {
        assert!(is_open(&question("Q", Some("  "))));
        assert!(!is_open(&question("Q", Some("yes"))));
    }
}
