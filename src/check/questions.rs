//! TM403, TM405–TM408: the questions of a model. An open question is a
//! finding until a person answers it; an answer records who gave it and when;
//! the code line a question cites exists.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::check::CheckOptions;
use crate::code::SourceIndex;
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::{LoadedModel, Project};
use crate::project_root::{Capped, read_capped};

/// The largest file whose lines a question's `code` is checked against.
const MAX_CITED_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Open questions, answers without who/when, and answers dated after today.
pub fn check_model(lm: &LoadedModel, opts: &CheckOptions, out: &mut Vec<Diagnostic>) {
    let m = &lm.model;
    for (i, q) in m.questions.iter().enumerate() {
        if !lm.element_valid("questions", i) {
            continue;
        }
        let at = |field: &str| lm.span_at(&["questions", &i.to_string(), field]);
        let answered = q.answer.as_deref().is_some_and(|a| !a.trim().is_empty());
        if !answered {
            out.push(
                Diagnostic::new(
                    Rule::OpenQuestion,
                    &lm.file,
                    Some(at("id")),
                    format!("question `{}` about `{}` has no answer yet", q.id, q.about),
                )
                .with_help("answer it under `answer:` with `answered-by` and `answered-at`, or remove the question if it no longer applies")
                .for_model(m.id.as_str()),
            );
        }
        let who = q
            .answered_by
            .as_deref()
            .is_some_and(|w| !w.trim().is_empty());
        let when = q.answered_at.is_some();
        let missing: Vec<&str> = [("answered-by", who), ("answered-at", when)]
            .into_iter()
            .filter(|(_, present)| !present)
            .map(|(key, _)| key)
            .collect();
        if answered && !missing.is_empty() {
            out.push(
                Diagnostic::new(
                    Rule::UnrecordedAnswer,
                    &lm.file,
                    Some(at("answer")),
                    format!("question `{}` is answered without `{}`", q.id, missing.join("` and `")),
                )
                .with_help("an answer is a human decision: record who gave it (`answered-by`) and when (`answered-at: YYYY-MM-DD`)")
                .for_model(m.id.as_str()),
            );
        } else if !answered && (who || when) {
            let field = if who { "answered-by" } else { "answered-at" };
            out.push(
                Diagnostic::new(
                    Rule::UnrecordedAnswer,
                    &lm.file,
                    Some(at(field)),
                    format!("question `{}` records `{field}` but has no answer", q.id),
                )
                .with_help("write the answer under `answer:`, or remove `answered-by`/`answered-at` while the question is open")
                .for_model(m.id.as_str()),
            );
        }
        if let Some(date) = q.answered_at
            && date > opts.today
        {
            out.push(
                Diagnostic::new(
                    Rule::FutureAnswer,
                    &lm.file,
                    Some(at("answered-at")),
                    format!(
                        "question `{}` is answered on {date}, after today ({})",
                        q.id, opts.today
                    ),
                )
                .with_help(
                    "`answered-at` is the day the answer was given: it cannot be in the future",
                )
                .for_model(m.id.as_str()),
            );
        }
    }
}

/// TM405/TM406: each question's `code` names a file under the source roots
/// and a line within it.
pub fn check_code(project: &Project, index: &SourceIndex) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut line_counts: BTreeMap<PathBuf, Option<usize>> = BTreeMap::new();
    for lm in &project.models {
        for (i, q) in lm.model.questions.iter().enumerate() {
            let Some(code) = q.code.as_deref() else {
                continue;
            };
            if !lm.element_valid("questions", i) {
                continue;
            }
            let span = lm.span_at(&["questions", &i.to_string(), "code"]);
            let problem = |message: String, help: &str| {
                Diagnostic::new(Rule::QuestionCode, &lm.file, Some(span), message)
                    .with_help(help.to_owned())
                    .for_model(lm.model.id.as_str())
            };
            let Some((path, line)) = parse_location(code) else {
                out.push(problem(
                    format!("question `{}` cites `{code}`, which is not `path:line`", q.id),
                    "write the file relative to the project root and a line number from 1, e.g. `src/files.rs:88`",
                ));
                continue;
            };
            if !index.files.iter().any(|f| f == &path) {
                out.push(problem(
                    format!("question `{}` cites `{}`, which is no file under the source roots", q.id, path.display()),
                    "give the path relative to the project root of a file under `source-roots` (book.toml); if the file moved, update the path",
                ));
                continue;
            }
            let count = *line_counts
                .entry(path.clone())
                .or_insert_with(|| count_lines(&project.config.root, &path));
            if let Some(count) = count
                && line > count
            {
                out.push(
                    Diagnostic::new(
                        Rule::QuestionCodeMoved,
                        &lm.file,
                        Some(span),
                        format!(
                            "question `{}` cites line {line} of `{}`, which has {count} lines",
                            q.id,
                            path.display()
                        ),
                    )
                    .with_help(
                        "the code has moved: find the line the question is about and update `code`",
                    )
                    .for_model(lm.model.id.as_str()),
                );
            }
        }
    }
    out
}

/// Splits `src/files.rs:88` into the path and a line from 1.
pub fn parse_location(code: &str) -> Option<(PathBuf, usize)> {
    let (path, line) = code.trim().rsplit_once(':')?;
    let line: usize = line.parse().ok().filter(|n| *n > 0)?;
    let path = path.trim_start_matches("./");
    if path.is_empty() || Path::new(path).is_absolute() {
        return None;
    }
    Some((PathBuf::from(path), line))
}

/// The number of lines of a file the source walk listed (so it is inside the
/// project); `None` when it cannot be read within the budget.
fn count_lines(root: &Path, rel: &Path) -> Option<usize> {
    match read_capped(&root.join(rel), MAX_CITED_FILE_BYTES) {
        Ok(Capped::Whole(bytes)) => {
            Some(bytes.split(|b| *b == b'\n').count() - usize::from(bytes.ends_with(b"\n")))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_path_and_line_from_one() {
        assert_eq!(
            parse_location("src/a.rs:88"),
            Some((PathBuf::from("src/a.rs"), 88))
        );
        assert_eq!(
            parse_location("./src/a.rs:1"),
            Some((PathBuf::from("src/a.rs"), 1))
        );
        assert_eq!(parse_location("src/a.rs:0"), None);
        assert_eq!(parse_location("src/a.rs"), None);
        assert_eq!(parse_location("src/a.rs:x"), None);
        assert_eq!(parse_location(":3"), None);
        assert_eq!(parse_location("/etc/passwd:3"), None);
    }
}
