//! TM101: ids are unique within a model, and model ids across the project.

use std::collections::BTreeMap;

use super::index::{ElementKind, ModelIndex};
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::{LoadedModel, Project};

/// Duplicate element ids within one model.
pub fn check_model(lm: &LoadedModel, index: &ModelIndex<'_>, out: &mut Vec<Diagnostic>) {
    let id = lm.model.id.as_str();
    for (elem_id, at) in &index.all {
        let first = index.by_id[elem_id];
        // An empty id is the placeholder for an invalid one, reported already.
        if first == *at || elem_id.is_empty() {
            continue;
        }
        let field: &[&str] = if at.kind == ElementKind::Zone {
            &[]
        } else {
            &["id"]
        };
        let span = lm.span_at(&ModelIndex::path(*at, field));
        let first_line = lm.span_at(&ModelIndex::path(first, field)).line;
        out.push(
            Diagnostic::new(
                Rule::DuplicateId,
                &lm.file,
                Some(span),
                format!("duplicate id `{elem_id}`: line {first_line} already uses it for {}", first.kind.article_name()),
            )
            .with_help("ids must be unique within a model (threats, mitigations and components share one namespace): rename one of them")
            .for_model(id),
        );
    }
}

/// Model ids shared by two files.
pub fn check_project(project: &Project, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &LoadedModel> = BTreeMap::new();
    for lm in &project.models {
        let id = lm.model.id.as_str();
        match seen.get(id) {
            Some(first) => out.push(
                Diagnostic::new(
                    Rule::DuplicateId,
                    &lm.file,
                    Some(lm.span_at(&["id"])),
                    format!("model id `{id}` is also the id of {}", first.file.display()),
                )
                .with_help("each model needs its own id: it names the model's page and its cross-model references")
                .for_model(id),
            ),
            None => {
                seen.insert(id, lm);
            }
        }
    }
}
