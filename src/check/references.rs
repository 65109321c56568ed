//! TM102: every id a model uses resolves to an element of the right kind.

use super::index::{ElementKind, ModelIndex};
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::{LoadedModel, Project};
use crate::suggest;

use ElementKind::{Boundary, Component, Data, Flow, Mitigation, Zone};

/// One reference to check: where it is, what it names, what it may name.
struct Reference<'a> {
    path: Vec<String>,
    field: String,
    target: &'a str,
    kinds: &'static [ElementKind],
}

/// Checks every reference of one model (cross-model flow endpoints against `project`).
pub fn check_model(
    project: &Project,
    lm: &LoadedModel,
    index: &ModelIndex<'_>,
    out: &mut Vec<Diagnostic>,
) {
    for r in references(lm) {
        if let Some(d) = check_one(lm, index, &r) {
            out.push(d);
        }
    }
    for (i, f) in lm.model.flows.iter().enumerate() {
        for (end, endpoint) in [("from", &f.from), ("to", &f.to)] {
            if let (Some(model), component) = endpoint.parts()
                && let Some(d) = check_cross_model(
                    project,
                    lm,
                    model,
                    component,
                    &["flows".into(), i.to_string(), end.into()],
                )
            {
                out.push(d);
            }
        }
    }
    for (i, b) in lm.model.boundaries.iter().enumerate() {
        if b.between.len() == 2 && b.between[0] == b.between[1] {
            out.push(
                Diagnostic::new(
                    Rule::DanglingReference,
                    &lm.file,
                    Some(lm.span_at(&["boundaries", &i.to_string(), "between"])),
                    format!(
                        "boundary `{}` separates zone `{}` from itself",
                        b.id, b.between[0]
                    ),
                )
                .with_help("a boundary lies between two different zones")
                .for_model(lm.model.id.as_str()),
            );
        }
    }
}

fn references(lm: &LoadedModel) -> Vec<Reference<'_>> {
    let m = &lm.model;
    let mut refs = Vec::new();
    let mut push = |path: Vec<String>, target, kinds: &'static [ElementKind]| {
        let field = display_path(&path);
        refs.push(Reference {
            path,
            field,
            target,
            kinds,
        });
    };
    let p = |parts: &[&str]| parts.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    for (i, c) in m.components.iter().enumerate() {
        let i = i.to_string();
        if let Some(z) = &c.zone {
            push(p(&["components", &i, "zone"]), z.as_str(), &[Zone]);
        }
        for (j, d) in c.data.iter().enumerate() {
            push(
                p(&["components", &i, "data", &j.to_string()]),
                d.as_str(),
                &[Data],
            );
        }
    }
    for (i, f) in m.flows.iter().enumerate() {
        let i = i.to_string();
        for (end, endpoint) in [("from", &f.from), ("to", &f.to)] {
            if let (None, component) = endpoint.parts() {
                push(p(&["flows", &i, end]), component, &[Component]);
            }
        }
        for (j, d) in f.data.iter().enumerate() {
            push(
                p(&["flows", &i, "data", &j.to_string()]),
                d.as_str(),
                &[Data],
            );
        }
    }
    for (i, b) in m.boundaries.iter().enumerate() {
        for (j, z) in b.between.iter().enumerate() {
            push(
                p(&["boundaries", &i.to_string(), "between", &j.to_string()]),
                z.as_str(),
                &[Zone],
            );
        }
    }
    for (i, t) in m.threats.iter().enumerate() {
        let i = i.to_string();
        push(
            p(&["threats", &i, "target"]),
            t.target.as_str(),
            &[Component, Flow, Boundary],
        );
        for (j, x) in t.mitigations.iter().enumerate() {
            push(
                p(&["threats", &i, "mitigations", &j.to_string()]),
                x.as_str(),
                &[Mitigation],
            );
        }
    }
    for (i, x) in m.mitigations.iter().enumerate() {
        if let Some(loc) = &x.location {
            push(
                p(&["mitigations", &i.to_string(), "location"]),
                loc.as_str(),
                &[Component],
            );
        }
    }
    refs
}

fn kinds_phrase(kinds: &[ElementKind], name: fn(ElementKind) -> &'static str) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| name(*k)).collect();
    match names.as_slice() {
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
        [] => String::new(),
    }
}

fn check_one(lm: &LoadedModel, index: &ModelIndex<'_>, r: &Reference<'_>) -> Option<Diagnostic> {
    if r.target.is_empty() {
        return None; // a placeholder for an invalid value, reported by the structure check
    }
    let wanted = kinds_phrase(r.kinds, ElementKind::article_name);
    let message = match index.by_id.get(r.target) {
        Some(at) if r.kinds.contains(&at.kind) => return None,
        Some(at) => format!(
            "`{}` names `{}`, which is {}, not {wanted}",
            r.field,
            r.target,
            at.kind.article_name()
        ),
        None => format!(
            "`{}` names `{}`, but the model has no {} with that id",
            r.field,
            r.target,
            kinds_phrase(r.kinds, ElementKind::plain_name)
        ),
    };
    let known = index.ids_of(r.kinds);
    let help = match (
        suggest::did_you_mean(r.target, known.iter().copied()),
        known.is_empty(),
    ) {
        (Some(s), _) => format!("did you mean `{s}`? known: {}", list(&known)),
        (None, false) => format!("known ids: {}", list(&known)),
        (None, true) => format!("the model defines no {} yet", r.kinds[0].section()),
    };
    Some(
        Diagnostic::new(
            Rule::DanglingReference,
            &lm.file,
            Some(lm.span_at(&r.path)),
            message,
        )
        .with_help(help)
        .for_model(lm.model.id.as_str()),
    )
}

/// At most 12 ids, comma-separated, so a huge model does not flood the help.
fn list(ids: &[&str]) -> String {
    let mut s = ids
        .iter()
        .take(12)
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > 12 {
        s.push_str(&format!(" and {} more", ids.len() - 12));
    }
    s
}

fn check_cross_model(
    project: &Project,
    lm: &LoadedModel,
    model: &str,
    component: &str,
    path: &[String],
) -> Option<Diagnostic> {
    let diag = |message: String, help: String| {
        Some(
            Diagnostic::new(
                Rule::DanglingReference,
                &lm.file,
                Some(lm.span_at(path)),
                message,
            )
            .with_help(help)
            .for_model(lm.model.id.as_str()),
        )
    };
    let field = display_path(path);
    let Some(other) = project.model(model) else {
        let ids: Vec<&str> = project.models.iter().map(|m| m.model.id.as_str()).collect();
        let hint = suggest::did_you_mean(model, ids.iter().copied())
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        return diag(
            format!("`{field}` names model `{model}`, but the project has no such model"),
            format!("{hint}models: {}", list(&ids)),
        );
    };
    if other
        .model
        .components
        .iter()
        .any(|c| c.id.as_str() == component)
    {
        return None;
    }
    let ids: Vec<&str> = other
        .model
        .components
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let hint = suggest::did_you_mean(component, ids.iter().copied())
        .map(|s| format!("did you mean `{model}/{s}`? "))
        .unwrap_or_default();
    diag(
        format!(
            "`{field}` names `{model}/{component}`, but model `{model}` has no component `{component}`"
        ),
        format!("{hint}components of `{model}`: {}", list(&ids)),
    )
}

/// `["threats", "3", "target"]` → `threats[3].target`, as the structure check writes paths.
pub(crate) fn display_path<S: AsRef<str>>(path: &[S]) -> String {
    let mut out = String::new();
    for seg in path {
        let seg = seg.as_ref();
        if seg.parse::<usize>().is_ok() {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    out
}
