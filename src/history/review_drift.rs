//! TM309: an `approved` model is the model that was reviewed — it has not
//! changed since the commit its last approved review names.
//!
//! The model file at that commit is compared with today's as threat-model
//! content (reviews, status and version left out, since recording the review
//! changes them), so reformatting is no change and a review recorded in a
//! later commit does not count against itself. Runs only when git knows the
//! commit; a shallow clone or a commit that is not there is silently skipped.

use super::Repo;
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::{LoadedModel, Project, load_model_text};
use crate::model::{Model, ModelStatus, ReviewOutcome};

/// Checks every approved model whose last approved review names a commit.
pub fn check(project: &Project) -> Vec<Diagnostic> {
    let candidates: Vec<(&LoadedModel, usize, &str)> = project
        .models
        .iter()
        .filter(|lm| lm.model.status == ModelStatus::Approved && lm.is_valid("status"))
        .filter(|lm| lm.is_valid("reviews"))
        .filter_map(|lm| {
            let (i, r) = lm
                .model
                .reviews
                .iter()
                .enumerate()
                .filter(|(_, r)| r.outcome == ReviewOutcome::Approved)
                .max_by_key(|(i, r)| (r.at, *i))?;
            Some((lm, i, r.commit.as_deref()?))
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let Ok(Some(repo)) = Repo::discover(&project.config.root) else {
        return Vec::new();
    };
    let Ok(mut blobs) = repo.blob_reader() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (lm, i, commit) in candidates {
        let Ok(id) = repo.resolve(commit) else {
            continue; // not in the available history: git does not know
        };
        let object = format!("{id}:{}{}", repo.prefix(), slash_path(&lm.file));
        let Ok(then) = blobs.read(&object) else {
            continue;
        };
        let reviewed = then.and_then(|bytes| load_model_text(&lm.file, bytes).1.0);
        let changed = match &reviewed {
            Some(old) => content(&old.model) != content(&lm.model),
            None => true,
        };
        if !changed {
            continue;
        }
        let short: String = commit.chars().take(12).collect();
        let what = if reviewed.is_some() {
            "its threat-model content changed"
        } else {
            "the file was not at this path (or did not read) in that commit"
        };
        out.push(
            Diagnostic::new(
                Rule::ChangedSinceReview,
                &lm.file,
                Some(lm.span_at(&["reviews", &i.to_string(), "commit"])),
                format!(
                    "model `{}` is approved, but {what} since the commit its last approved review names ({short})",
                    lm.model.id
                ),
            )
            .with_help("have the change reviewed and record the review with the new commit, or set the status back to `in-review`")
            .for_model(lm.model.id.as_str()),
        );
    }
    out
}

/// The model without what recording a review changes.
fn content(m: &Model) -> Model {
    let mut m = m.clone();
    m.reviews.clear();
    m.status = ModelStatus::Approved;
    m.version = None;
    m
}

/// A project-relative path in git's `/` form.
fn slash_path(p: &std::path::Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
