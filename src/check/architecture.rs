//! TM601–TM603: the data-flow diagram is consistent — a flow between two
//! zones crosses a declared boundary, a flow joins two different components,
//! and sensitive data does not cross a boundary in clear without a threat
//! that says how its disclosure is handled.

use super::coverage::crosses_boundary;
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::LoadedModel;
use crate::model::{Classification, Flow, Model, StrideCategory};

/// Checks the flows of one model.
pub fn check_model(lm: &LoadedModel, out: &mut Vec<Diagnostic>) {
    let m = &lm.model;
    for (i, f) in m.flows.iter().enumerate() {
        if !lm.element_valid("flows", i) {
            continue;
        }
        let at = |field: &str| Some(lm.span_at(&["flows", &i.to_string(), field]));
        if f.from == f.to {
            out.push(
                Diagnostic::new(
                    Rule::SelfFlow,
                    &lm.file,
                    at("to"),
                    format!("flow `{}` goes from `{}` to itself", f.id, f.from),
                )
                .with_help("a flow joins two different components: fix `from` or `to`, or describe the internal step in the component's threats")
                .for_model(m.id.as_str()),
            );
            continue;
        }
        let ends_valid = ends_valid(lm, f);
        if ends_valid
            && lm.is_valid("boundaries")
            && let Some((a, b)) = zones(m, f)
            && a != b
            && !m.boundaries.iter().any(|x| {
                x.between.len() == 2
                    && ((x.between[0].as_str() == a && x.between[1].as_str() == b)
                        || (x.between[0].as_str() == b && x.between[1].as_str() == a))
            })
        {
            out.push(
                Diagnostic::new(
                    Rule::UndeclaredBoundary,
                    &lm.file,
                    at("id"),
                    format!(
                        "flow `{}` goes from zone `{a}` to zone `{b}`, but no boundary is declared between them",
                        f.id
                    ),
                )
                .with_help(format!(
                    "declare the trust boundary it crosses: `- {{id: {a}-{b}, between: [{a}, {b}]}}` under `boundaries`, or correct the components' zones"
                ))
                .for_model(m.id.as_str()),
            );
        }
        if f.encrypted == Some(false)
            && ends_valid
            && lm.is_valid("data")
            && lm.is_valid("threats")
            && crosses_boundary(m, f)
            && let Some((data, class)) = most_sensitive(m, f)
            && !has_disclosure_threat(m, f)
        {
            out.push(
                Diagnostic::new(
                    Rule::UnprotectedSensitiveFlow,
                    &lm.file,
                    at("encrypted"),
                    format!(
                        "flow `{}` carries {class} data `{data}` across a trust boundary unencrypted, and no information-disclosure threat (or not-applicable note) covers it",
                        f.id
                    ),
                )
                .with_help(format!(
                    "encrypt the flow (and set `encrypted: true`), or add a threat with `target: {}` and `stride: information-disclosure` that records how disclosure is handled",
                    f.id
                ))
                .for_model(m.id.as_str()),
            );
        }
    }
}

/// Whether both ends of a flow are components that read whole (an end in
/// another model counts as valid here: its zone is not judged).
fn ends_valid(lm: &LoadedModel, f: &Flow) -> bool {
    [&f.from, &f.to].into_iter().all(|end| match end.parts() {
        (Some(_), _) => true,
        (None, id) => lm
            .model
            .components
            .iter()
            .position(|c| c.id.as_str() == id)
            .is_some_and(|i| lm.element_valid("components", i)),
    })
}

/// The zones of both ends, when both are components of this model with a zone.
fn zones<'a>(m: &'a Model, f: &Flow) -> Option<(&'a str, &'a str)> {
    let zone = |end: &crate::model::EndpointRef| match end.parts() {
        (Some(_), _) => None,
        (None, id) => m
            .components
            .iter()
            .find(|c| c.id.as_str() == id)?
            .zone
            .as_ref()
            .map(|z| z.as_str()),
    };
    Some((zone(&f.from)?, zone(&f.to)?))
}

/// The most sensitive confidential or restricted data asset the flow carries.
fn most_sensitive<'a>(m: &'a Model, f: &Flow) -> Option<(&'a str, Classification)> {
    f.data
        .iter()
        .filter_map(|id| m.data.iter().find(|d| &d.id == id))
        .filter(|d| {
            matches!(
                d.classification,
                Classification::Confidential | Classification::Restricted
            )
        })
        .max_by_key(|d| d.classification)
        .map(|d| (d.id.as_str(), d.classification))
}

/// Whether disclosure on the flow is answered: by a threat on it, or by a
/// not-applicable note that says why (a human decision, recorded).
fn has_disclosure_threat(m: &Model, f: &Flow) -> bool {
    let disclosure = StrideCategory::InformationDisclosure;
    m.threats
        .iter()
        .any(|t| t.target == f.id && t.stride.0.contains(&disclosure))
        || f.not_applicable
            .iter()
            .any(|n| n.stride.0.contains(&disclosure) && !n.reason.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn findings(yaml: &str) -> Vec<(Rule, String)> {
        let head = "tm: 1\nid: m\ntitle: M\nstatus: in-review\nrisk: low\n";
        let (_, (lm, diags)) =
            crate::load::load_model_text(Path::new("m.yaml"), format!("{head}{yaml}").into_bytes());
        assert!(diags.is_empty(), "{diags:?}");
        let mut out = Vec::new();
        check_model(&lm.expect("model"), &mut out);
        out.into_iter().map(|d| (d.rule, d.message)).collect()
    }

    const ZONES: &str = "zones: [a, b]\ndata:\n  - {id: pub, name: P, classification: public}\n  - {id: conf, name: C, classification: confidential}\n  - {id: res, name: R, classification: restricted}\ncomponents:\n  - {id: x, name: X, kind: service, zone: a}\n  - {id: y, name: Y, kind: service, zone: b}\nboundaries:\n  - {id: ab, between: [b, a]}\n";

    #[test]
    fn the_most_sensitive_data_is_named() {
        let got = findings(&format!(
            "{ZONES}flows:\n  - {{id: f, from: x, to: y, data: [pub, res, conf], encrypted: false}}\n"
        ));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, Rule::UnprotectedSensitiveFlow);
        assert!(got[0].1.contains("restricted data `res`"), "{}", got[0].1);
    }

    #[test]
    fn unknown_encryption_public_data_and_other_models_are_not_judged() {
        let flows = "flows:\n  - {id: f1, from: x, to: y, data: [res]}\n  - {id: f2, from: x, to: y, data: [pub], encrypted: false}\n  - {id: f3, from: x, to: other/z}\n";
        assert_eq!(findings(&format!("{ZONES}{flows}")), []);
    }

    #[test]
    fn a_missing_boundary_is_named_by_its_zones() {
        let yaml = ZONES.replace("boundaries:\n  - {id: ab, between: [b, a]}\n", "");
        let got = findings(&format!("{yaml}flows:\n  - {{id: f, from: y, to: x}}\n"));
        assert_eq!(
            got,
            [(
                Rule::UndeclaredBoundary,
                "flow `f` goes from zone `b` to zone `a`, but no boundary is declared between them"
                    .to_owned()
            )]
        );
    }
}
