//! TM201/TM202: STRIDE coverage, gated by the model's risk, and reasons for
//! everything declared not applicable.
//!
//! Coverage follows STRIDE-per-element (Microsoft SDL): which categories an
//! element must answer depends on what it is. A flow must be answered only
//! when it crosses from one trust zone to another.

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Rule};
use crate::load::LoadedModel;
use crate::model::{
    ComponentKind, Flow, Model, NotApplicable, RiskLevel, StrideCategory, ThreatStatus,
};

use StrideCategory::{
    DenialOfService as D, ElevationOfPrivilege as E, InformationDisclosure as I, Repudiation as R,
    Spoofing as S, Tampering as T,
};

/// The STRIDE categories an element of this kind must answer (STRIDE-per-element).
pub fn required_for_component(kind: ComponentKind) -> &'static [StrideCategory] {
    match kind {
        ComponentKind::Service | ComponentKind::Function | ComponentKind::Client => {
            &[S, T, R, I, D, E]
        }
        ComponentKind::Datastore => &[T, R, I, D],
        ComponentKind::Queue => &[T, I, D],
        ComponentKind::Human | ComponentKind::External => &[S, R],
    }
}

/// The categories a boundary-crossing flow must answer.
pub const REQUIRED_FOR_FLOW: &[StrideCategory] = &[T, I, D];

/// Whether a flow goes from one trust zone into another (or into another model).
pub fn crosses_boundary(model: &Model, flow: &Flow) -> bool {
    let zone_of = |end: &crate::model::EndpointRef| match end.parts() {
        (Some(_), _) => None,
        (None, id) => model
            .components
            .iter()
            .find(|c| c.id.as_str() == id)
            .map(|c| c.zone.clone()),
    };
    match (zone_of(&flow.from), zone_of(&flow.to)) {
        (Some(a), Some(b)) => a != b,
        // An endpoint in another model is, by definition, across a boundary.
        _ => flow.from.parts().0.is_some() || flow.to.parts().0.is_some(),
    }
}

/// How one STRIDE cell of an element is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellAnswer {
    /// This many threats target the element in this category.
    Threats(usize),
    /// Declared not applicable, with the reason.
    NotApplicable(String),
    /// Not required for this kind of element.
    NotRequired,
    /// Required and unanswered: a gap.
    Gap,
}

/// The coverage answer for one element and category (shared with the site's matrix).
pub fn answer(
    model: &Model,
    target: &str,
    required: &[StrideCategory],
    notes: &[NotApplicable],
    cat: StrideCategory,
) -> CellAnswer {
    let threats = model
        .threats
        .iter()
        .filter(|t| t.target.as_str() == target && t.stride.0.contains(&cat))
        .count();
    if threats > 0 {
        return CellAnswer::Threats(threats);
    }
    if let Some(n) = notes.iter().find(|n| n.stride.0.contains(&cat)) {
        return CellAnswer::NotApplicable(n.reason.clone());
    }
    if required.contains(&cat) {
        CellAnswer::Gap
    } else {
        CellAnswer::NotRequired
    }
}

/// Whether TM201 reports an element's unanswered required categories: every
/// gap at high and critical risk; at medium risk only an element with no
/// answer at all; never at low risk nor in a retired model. The site's matrix
/// asks the same question, so it marks exactly the gaps the checker reports.
pub fn gaps_reported(model: &Model, gaps: usize, required: usize) -> bool {
    if model.status == crate::model::ModelStatus::Retired || gaps == 0 {
        return false;
    }
    match model.risk {
        RiskLevel::Low => false,
        RiskLevel::Medium => gaps == required,
        RiskLevel::High | RiskLevel::Critical => true,
    }
}

/// Coverage gaps and missing reasons in one model.
pub fn check_model(lm: &LoadedModel, out: &mut Vec<Diagnostic>) {
    let m = &lm.model;
    check_reasons(lm, out);
    // Gaps depend on the model's risk and status, and on every threat: an
    // element that a broken threat targets might be answered by it, so it
    // is left alone; when a broken threat's target is unknown, all are.
    if !(lm.is_valid("risk") && lm.is_valid("status")) {
        return;
    }
    let Some(unsure) =
        lm.broken_elements_field("threats", &m.threats, "target", |t| vec![t.target.as_str()])
    else {
        return;
    };
    if m.status == crate::model::ModelStatus::Retired {
        return;
    }
    let full = matches!(m.risk, RiskLevel::High | RiskLevel::Critical);
    if m.risk == RiskLevel::Low {
        return;
    }
    let elements = m
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                "components",
                i,
                c.id.as_str(),
                "component",
                required_for_component(c.kind),
                &c.not_applicable,
            )
        })
        .chain(
            m.flows
                .iter()
                .enumerate()
                .filter(|(_, f)| crosses_boundary(m, f))
                .map(|(i, f)| {
                    (
                        "flows",
                        i,
                        f.id.as_str(),
                        "boundary-crossing flow",
                        REQUIRED_FOR_FLOW,
                        &f.not_applicable,
                    )
                }),
        );
    for (section, i, id, what, required, notes) in elements {
        if !lm.element_valid(section, i) || unsure.contains(&id) {
            continue;
        }
        let gaps: Vec<StrideCategory> = required
            .iter()
            .copied()
            .filter(|c| answer(m, id, required, notes, *c) == CellAnswer::Gap)
            .collect();
        if !gaps_reported(m, gaps.len(), required.len()) {
            continue;
        }
        // Positions cost a parse of the file: only ask for one with a finding.
        let span = || Some(lm.span_at(&[section, &i.to_string(), "id"]));
        if full {
            let names: Vec<&str> = gaps.iter().map(|c| c.as_str()).collect();
            out.push(
                Diagnostic::new(
                    Rule::StrideCoverage,
                    &lm.file,
                    span(),
                    format!("{what} `{id}` has no threat and no not-applicable note for: {}", names.join(", ")),
                )
                .with_help(format!(
                    "risk is {}: add a threat with `target: {id}` and `stride: {}`, or on the {} add `not-applicable: [{{stride: {}, reason: \"…\"}}]`",
                    m.risk,
                    names[0],
                    what.rsplit(' ').next().unwrap_or(what),
                    names[0]
                ))
                .for_model(m.id.as_str()),
            );
        } else {
            out.push(
                Diagnostic::new(Rule::StrideCoverage, &lm.file, span(), format!(
                        "{what} `{id}` has no threat and no not-applicable note in the categories a {} is exposed to ({})",
                        kind_noun(what),
                        required.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
                    ))
                    .with_help(format!(
                        "risk is {}: each component and boundary-crossing flow needs at least one threat (with `target: {id}`) or a not-applicable note",
                        m.risk
                    ))
                    .for_model(m.id.as_str()),
            );
        }
    }
}

fn check_reasons(lm: &LoadedModel, out: &mut Vec<Diagnostic>) {
    let m = &lm.model;
    let mut push = |path: Vec<String>, message: String| {
        out.push(
            Diagnostic::new(
                Rule::MissingReason,
                &lm.file,
                Some(lm.span_at(&path)),
                message,
            )
            .with_help("say why, in a `reason:` (a sentence a reviewer can check)")
            .for_model(m.id.as_str()),
        );
    };
    for (i, t) in m.threats.iter().enumerate() {
        if !lm.element_valid("threats", i) {
            continue;
        }
        let empty = t.reason.as_deref().is_none_or(|r| r.trim().is_empty());
        if t.status == ThreatStatus::NotApplicable && empty {
            push(
                vec!["threats".into(), i.to_string(), "status".into()],
                format!("threat `{}` is not-applicable without a reason", t.id),
            );
        }
    }
    let sections = m
        .components
        .iter()
        .map(|c| ("components", &c.not_applicable))
        .enumerate()
        .chain(
            m.flows
                .iter()
                .map(|f| ("flows", &f.not_applicable))
                .enumerate(),
        );
    let mut seen = BTreeSet::new();
    for (i, (section, notes)) in sections {
        if !lm.element_valid(section, i) {
            continue;
        }
        for (j, n) in notes.iter().enumerate() {
            if n.reason.trim().is_empty() && seen.insert((section, i, j)) {
                push(
                    vec![
                        section.into(),
                        i.to_string(),
                        "not-applicable".into(),
                        j.to_string(),
                        "reason".into(),
                    ],
                    "a not-applicable note has an empty reason".to_owned(),
                );
            }
        }
    }
}

/// "component" or "flow", for messages.
fn kind_noun(what: &str) -> &str {
    what.rsplit(' ').next().unwrap_or(what)
}
