//! Writing a draft into its model file: append, re-load to prove the result
//! still reads as the same model plus the new items, then replace the file
//! atomically (a temporary file in the same directory, renamed over it).

use std::io::Write;
use std::path::Path;

use super::engine::{DraftedQuestion, DraftedThreat, ModelDraft};
use super::insert::{Additions, append, unified_diff};
use super::interactive::Rejection;
use super::not_applicable::{add_note, line_ops};
use crate::model::{Categories, NotApplicable};

/// Why a draft could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file could not be read or written.
    #[error("{file}: {source}")]
    Io {
        /// The model file.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file's text has a shape tm cannot append to.
    #[error("{file}:{line}: {message}")]
    Shape {
        /// The model file.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The edited text did not load back as the model plus the draft; the
    /// file was left untouched. A bug in tm: please report it.
    #[error("{file}: the drafted file would not load back ({reason}); the file is unchanged")]
    Reload {
        /// The model file.
        file: String,
        /// What differed.
        reason: String,
    },
}

/// The new text of a model file with the draft appended, checked by
/// loading it back. Returns the text and the unified diff.
pub fn drafted_text(
    shown: &str,
    original: &str,
    draft: &ModelDraft,
    before: &crate::model::Model,
) -> Result<(String, String), WriteError> {
    let threats: Vec<&DraftedThreat> = draft.threats.iter().collect();
    let questions: Vec<&DraftedQuestion> = draft.questions.iter().collect();
    edited_text(shown, original, before, &threats, &questions, &[])
}

/// The new text with `rejected` written as not-applicable notes on their
/// elements and the threats, mitigations and questions appended, checked by
/// loading it back. Returns the text and the unified diff.
pub fn edited_text(
    shown: &str,
    original: &str,
    before: &crate::model::Model,
    threats: &[&DraftedThreat],
    questions: &[&DraftedQuestion],
    rejected: &[Rejection],
) -> Result<(String, String), WriteError> {
    let shape = |e: super::insert::InsertError| WriteError::Shape {
        file: shown.to_owned(),
        line: e.line,
        message: e.message,
    };
    let mut expected = before.clone();
    let mut base = original.to_owned();
    for r in rejected {
        let section = if r.noun == "flow" {
            "flows"
        } else {
            "components"
        };
        base = add_note(&base, section, &r.target, &r.stride, &r.reason).map_err(shape)?;
        let note = NotApplicable {
            stride: Categories(r.stride.clone()),
            reason: r.reason.clone(),
        };
        if let Some(c) = expected
            .components
            .iter_mut()
            .find(|c| c.id.as_str() == r.target)
        {
            c.not_applicable.push(note);
        } else if let Some(f) = expected
            .flows
            .iter_mut()
            .find(|f| f.id.as_str() == r.target)
        {
            f.not_applicable.push(note);
        }
    }
    let add = Additions {
        threats: threats.iter().map(|t| &t.threat).collect(),
        mitigations: threats.iter().map(|t| &t.mitigation).collect(),
        questions: questions.iter().map(|q| &q.question).collect(),
    };
    let edited = append(&base, &add).map_err(shape)?;
    let reload = |reason: String| WriteError::Reload {
        file: shown.to_owned(),
        reason,
    };
    let (_, (loaded, findings)) =
        crate::load::load_model_text(Path::new(shown), edited.text.clone().into_bytes());
    let Some(loaded) = loaded else {
        let first = findings
            .first()
            .map(|d| d.message.clone())
            .unwrap_or_default();
        return Err(reload(first));
    };
    expected
        .threats
        .extend(add.threats.iter().map(|t| (*t).clone()));
    expected
        .mitigations
        .extend(add.mitigations.iter().map(|m| (*m).clone()));
    expected
        .questions
        .extend(add.questions.iter().map(|q| (*q).clone()));
    if loaded.model != expected {
        return Err(reload(
            "the model read back differs from the model plus the drafted items".into(),
        ));
    }
    let ops = if rejected.is_empty() {
        edited.ops
    } else {
        line_ops(original, &edited.text)
    };
    let diff = unified_diff(&ops, &format!("a/{shown}"), &format!("b/{shown}"));
    Ok((edited.text, diff))
}

/// Replaces `path` with `text`, atomically, keeping its permissions.
pub fn replace_file(path: &Path, shown: &str, text: &str) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        file: shown.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(text.as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(io)?;
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}
