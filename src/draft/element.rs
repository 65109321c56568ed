//! What the draft knows about one element of a model: its kind, zones, the
//! flows that touch it, the data it stores or carries, and the code facts of
//! the code it covers. Library conditions are judged against this, and
//! templates are filled from it.

use crate::check::coverage::{REQUIRED_FOR_FLOW, crosses_boundary, required_for_component};
use crate::code::{CodeFact, CodeReport};
use crate::model::{Classification, DataAsset, Flow, Model, NotApplicable, StrideCategory};

use super::library::{Conditions, ElementKind};

/// One component, flow or boundary, with the facts the library conditions on.
#[derive(Debug, Clone)]
pub struct Element<'m> {
    /// The element's id (a threat's `target`).
    pub id: String,
    /// What it is.
    pub kind: ElementKind,
    /// "component", "flow" or "boundary", for output.
    pub noun: &'static str,
    /// Human name (the id when it has none).
    pub name: String,
    /// Zones it is in (a flow: both ends'; a boundary: the two it separates).
    pub zones: Vec<String>,
    /// For a flow, the names of its ends; for a boundary, its two zones.
    pub ends: Option<(String, String)>,
    /// Flows judged by the flow conditions (its own for a flow; those
    /// touching a component; those crossing a boundary), with whether each
    /// crosses a trust boundary.
    pub flows: Vec<(&'m Flow, bool)>,
    /// The data it stores or carries.
    pub data: Vec<&'m DataAsset>,
    /// Code facts of the code it covers, sorted by file and line.
    pub facts: Vec<CodeFact>,
    /// The STRIDE categories the draft must answer at high risk.
    pub required: Vec<StrideCategory>,
    /// Categories declared not applicable on the element.
    pub notes: &'m [NotApplicable],
    /// The component id a mitigation sits on, for `where: target/from/to`.
    pub locations: (Option<String>, Option<String>, Option<String>),
}

/// Every element of a model, in file order: components, flows, boundaries.
pub fn elements<'m>(model: &'m Model, code: &CodeReport) -> Vec<Element<'m>> {
    let data_of = |ids: &[crate::model::Id]| -> Vec<&'m DataAsset> {
        model.data.iter().filter(|d| ids.contains(&d.id)).collect()
    };
    let component = |end: &crate::model::EndpointRef| match end.parts() {
        (None, id) => model.components.iter().find(|c| c.id.as_str() == id),
        _ => None,
    };
    let model_code = code.for_model(model.id.as_str());
    let mut out = Vec::new();
    for c in &model.components {
        let touches = |f: &&Flow| {
            [&f.from, &f.to]
                .iter()
                .any(|e| e.parts() == (None, c.id.as_str()))
        };
        let mut facts: Vec<CodeFact> = model_code
            .and_then(|mc| mc.components.iter().find(|e| e.id == c.id.as_str()))
            .map(|e| e.facts.clone())
            .unwrap_or_default();
        facts.sort();
        out.push(Element {
            id: c.id.to_string(),
            kind: ElementKind::Component(c.kind),
            noun: "component",
            name: c.name.clone(),
            zones: c.zone.iter().map(|z| z.to_string()).collect(),
            ends: None,
            flows: model
                .flows
                .iter()
                .filter(touches)
                .map(|f| (f, crosses_boundary(model, f)))
                .collect(),
            data: data_of(&c.data),
            facts,
            required: required_for_component(c.kind).to_vec(),
            notes: &c.not_applicable,
            locations: (Some(c.id.to_string()), None, None),
        });
    }
    for f in &model.flows {
        let crosses = crosses_boundary(model, f);
        let (from, to) = (component(&f.from), component(&f.to));
        let end_name = |c: Option<&crate::model::Component>, e: &crate::model::EndpointRef| {
            c.map_or_else(|| e.to_string(), |c| c.name.clone())
        };
        out.push(Element {
            id: f.id.to_string(),
            kind: ElementKind::Flow,
            noun: "flow",
            name: f.name.clone().unwrap_or_else(|| f.id.to_string()),
            zones: [from, to]
                .iter()
                .filter_map(|c| c.and_then(|c| c.zone.as_ref()).map(|z| z.to_string()))
                .collect(),
            ends: Some((end_name(from, &f.from), end_name(to, &f.to))),
            flows: vec![(f, crosses)],
            data: data_of(&f.data),
            facts: Vec::new(),
            required: if crosses {
                REQUIRED_FOR_FLOW.to_vec()
            } else {
                Vec::new()
            },
            notes: &f.not_applicable,
            locations: (
                to.map(|c| c.id.to_string()),
                from.map(|c| c.id.to_string()),
                to.map(|c| c.id.to_string()),
            ),
        });
    }
    for b in &model.boundaries {
        let zone_of = |e: &crate::model::EndpointRef| {
            component(e)
                .and_then(|c| c.zone.as_ref())
                .map(|z| z.to_string())
        };
        let crossing: Vec<(&Flow, bool)> = model
            .flows
            .iter()
            .filter(|f| {
                let (a, z) = (zone_of(&f.from), zone_of(&f.to));
                matches!((a, z), (Some(a), Some(z)) if a != z
                    && b.between.iter().any(|x| x.as_str() == a)
                    && b.between.iter().any(|x| x.as_str() == z))
            })
            .map(|f| (f, true))
            .collect();
        let mut data_ids: Vec<crate::model::Id> = crossing
            .iter()
            .flat_map(|(f, _)| f.data.iter().cloned())
            .collect();
        data_ids.sort();
        data_ids.dedup();
        let zones: Vec<String> = b.between.iter().map(|z| z.to_string()).collect();
        out.push(Element {
            id: b.id.to_string(),
            kind: ElementKind::Boundary,
            noun: "boundary",
            name: b.name.clone().unwrap_or_else(|| b.id.to_string()),
            ends: Some((
                zones.first().cloned().unwrap_or_default(),
                zones.get(1).cloned().unwrap_or_default(),
            )),
            zones,
            required: if crossing.is_empty() {
                Vec::new()
            } else {
                StrideCategory::ALL.to_vec()
            },
            flows: crossing,
            data: data_of(&data_ids),
            facts: Vec::new(),
            notes: &[],
            locations: (None, None, None),
        });
    }
    out
}

impl Element<'_> {
    /// The highest classification of the data it stores or carries.
    pub fn max_classification(&self) -> Option<Classification> {
        self.data.iter().map(|d| d.classification).max()
    }

    /// Names of the most sensitive data it handles, or "its data".
    pub fn data_names(&self) -> String {
        let Some(max) = self.max_classification() else {
            return "its data".to_owned();
        };
        let names: Vec<&str> = self
            .data
            .iter()
            .filter(|d| d.classification == max)
            .map(|d| d.name.as_str())
            .collect();
        names.join(", ")
    }

    /// The code facts that satisfy a `code-facts` condition (all facts of
    /// the listed kinds), or `None` when the conditions do not hold.
    pub fn matches(&self, when: &Conditions) -> Option<Vec<&CodeFact>> {
        if !when.zone.is_empty() && !self.zones.iter().any(|z| when.zone.contains(z)) {
            return None;
        }
        if let Some(min) = when.min_classification
            && self.max_classification().is_none_or(|c| c < min)
        {
            return None;
        }
        let flow_conditions = when.crosses_boundary.is_some()
            || !when.protocol.is_empty()
            || when.authenticated.is_some()
            || when.encrypted.is_some();
        if flow_conditions {
            // All flow conditions must hold on one and the same flow.
            let one = self.flows.iter().any(|(f, crosses)| {
                when.crosses_boundary.is_none_or(|want| want == *crosses)
                    && (when.protocol.is_empty()
                        || f.protocol.as_deref().is_some_and(|p| {
                            when.protocol
                                .iter()
                                .any(|w| w.eq_ignore_ascii_case(p.trim()))
                        }))
                    && when
                        .authenticated
                        .is_none_or(|want| f.authenticated.unwrap_or(false) == want)
                    && when
                        .encrypted
                        .is_none_or(|want| f.encrypted.unwrap_or(false) == want)
            });
            if !one {
                return None;
            }
        }
        if when.code_facts.is_empty() {
            return Some(Vec::new());
        }
        let facts: Vec<&CodeFact> = self
            .facts
            .iter()
            .filter(|f| when.code_facts.contains(&f.kind))
            .collect();
        (!facts.is_empty()).then_some(facts)
    }

    /// The categories already answered by a threat or a not-applicable note.
    pub fn answered(&self, model: &Model) -> Vec<StrideCategory> {
        StrideCategory::ALL
            .iter()
            .copied()
            .filter(|cat| {
                model
                    .threats
                    .iter()
                    .any(|t| t.target.as_str() == self.id && t.stride.0.contains(cat))
                    || self.notes.iter().any(|n| n.stride.0.contains(cat))
            })
            .collect()
    }
}
