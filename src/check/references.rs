//! TM102: every id a model uses resolves to an element of the right kind.

use super::index::{ElementKind, ModelIndex};
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::{LoadedModel, Project};
use crate::suggest::Suggester;

use std::collections::HashMap;

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
    let mut known = KnownIds::default();
    for r in references(lm) {
        if let Some(d) = check_one(lm, index, &mut known, &r) {
            out.push(d);
        }
    }
    let mut others = OtherModels::default();
    for (i, f) in lm.model.flows.iter().enumerate() {
        for (end, endpoint) in [("from", &f.from), ("to", &f.to)] {
            if let (Some(model), component) = endpoint.parts()
                && let Some(d) = check_cross_model(
                    project,
                    lm,
                    &mut others,
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
    for (i, q) in m.questions.iter().enumerate() {
        push(
            p(&["questions", &i.to_string(), "about"]),
            q.about.as_str(),
            &[Component, Flow, Boundary],
        );
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

/// The ids of some kinds, and their "did you mean" index.
type KnownOfKinds<'a> = (Vec<&'a str>, Suggester<'a>);

/// The ids of each set of kinds a reference may name, listed and indexed for
/// "did you mean" once per model, not once per dangling reference.
#[derive(Default)]
struct KnownIds<'a> {
    /// A handful of kind sets (one per field), so a list is enough.
    by_kinds: Vec<(&'static [ElementKind], KnownOfKinds<'a>)>,
}

impl<'a> KnownIds<'a> {
    fn of(
        &mut self,
        index: &ModelIndex<'a>,
        kinds: &'static [ElementKind],
    ) -> &mut (Vec<&'a str>, Suggester<'a>) {
        let at = match self.by_kinds.iter().position(|(k, _)| *k == kinds) {
            Some(at) => at,
            None => {
                let ids = index.ids_of(kinds);
                let suggester = Suggester::new(ids.iter().copied());
                self.by_kinds.push((kinds, (ids, suggester)));
                self.by_kinds.len() - 1
            }
        };
        &mut self.by_kinds[at].1
    }
}

fn check_one<'a>(
    lm: &LoadedModel,
    index: &ModelIndex<'a>,
    known_ids: &mut KnownIds<'a>,
    r: &Reference<'_>,
) -> Option<Diagnostic> {
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
    let (known, suggester) = known_ids.of(index, r.kinds);
    let help = match (suggester.did_you_mean(r.target), known.is_empty()) {
        (Some(s), _) => format!("did you mean `{s}`? known: {}", list(known)),
        (None, false) => format!("known ids: {}", list(known)),
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

/// The other models' ids and component ids, listed and indexed once per
/// model that refers to them, not once per flow.
#[derive(Default)]
struct OtherModels<'p> {
    models: Option<(Vec<&'p str>, Suggester<'p>)>,
    components: HashMap<&'p str, Components<'p>>,
}

/// One other model's component ids: sorted for lookup, and for suggestions.
struct Components<'p> {
    ids: Vec<&'p str>,
    sorted: Vec<&'p str>,
    suggester: Suggester<'p>,
}

fn check_cross_model<'p>(
    project: &'p Project,
    lm: &LoadedModel,
    others: &mut OtherModels<'p>,
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
        let (ids, suggester) = others.models.get_or_insert_with(|| {
            let ids: Vec<&str> = project.models.iter().map(|m| m.model.id.as_str()).collect();
            let suggester = Suggester::new(ids.iter().copied());
            (ids, suggester)
        });
        let hint = suggester
            .did_you_mean(model)
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        return diag(
            format!("`{field}` names model `{model}`, but the project has no such model"),
            format!("{hint}models: {}", list(ids)),
        );
    };
    let known = others
        .components
        .entry(other.model.id.as_str())
        .or_insert_with(|| {
            let ids: Vec<&str> = other
                .model
                .components
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            let mut sorted = ids.clone();
            sorted.sort_unstable();
            let suggester = Suggester::new(ids.iter().copied());
            Components {
                ids,
                sorted,
                suggester,
            }
        });
    if known.sorted.binary_search(&component).is_ok() {
        return None;
    }
    let hint = known
        .suggester
        .did_you_mean(component)
        .map(|s| format!("did you mean `{model}/{s}`? "))
        .unwrap_or_default();
    diag(
        format!(
            "`{field}` names `{model}/{component}`, but model `{model}` has no component `{component}`"
        ),
        format!("{hint}components of `{model}`: {}", list(&known.ids)),
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
