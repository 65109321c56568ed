//! An index of one model's elements by id, shared by the rule families.

use std::collections::BTreeMap;

use crate::load::LoadedModel;
use crate::model::Model;

/// The sort of element an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementKind {
    /// An entry of `zones`.
    Zone,
    /// A data asset.
    Data,
    /// A component.
    Component,
    /// A flow.
    Flow,
    /// A trust boundary.
    Boundary,
    /// A threat.
    Threat,
    /// A mitigation.
    Mitigation,
    /// A question.
    Question,
}

impl ElementKind {
    /// How the kind reads in a sentence ("a component").
    pub fn article_name(self) -> &'static str {
        match self {
            ElementKind::Zone => "a trust zone",
            ElementKind::Data => "a data asset",
            ElementKind::Component => "a component",
            ElementKind::Flow => "a flow",
            ElementKind::Boundary => "a boundary",
            ElementKind::Threat => "a threat",
            ElementKind::Mitigation => "a mitigation",
            ElementKind::Question => "a question",
        }
    }

    /// The kind's name without article ("component").
    pub fn plain_name(self) -> &'static str {
        let name = self.article_name();
        name.split_once(' ').map_or(name, |(_, rest)| rest)
    }

    /// The YAML section that holds elements of this kind.
    pub fn section(self) -> &'static str {
        match self {
            ElementKind::Zone => "zones",
            ElementKind::Data => "data",
            ElementKind::Component => "components",
            ElementKind::Flow => "flows",
            ElementKind::Boundary => "boundaries",
            ElementKind::Threat => "threats",
            ElementKind::Mitigation => "mitigations",
            ElementKind::Question => "questions",
        }
    }
}

/// Where an element is: its kind and its index in its section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElementAt {
    /// What it is.
    pub kind: ElementKind,
    /// Its index in its section of the typed model.
    pub index: usize,
}

/// Every element of a model in file order, and the first element of each id.
#[derive(Debug)]
pub struct ModelIndex<'a> {
    /// All (id, element) pairs in section order, duplicates included.
    pub all: Vec<(&'a str, ElementAt)>,
    /// The first element with each id.
    pub by_id: BTreeMap<&'a str, ElementAt>,
}

impl<'a> ModelIndex<'a> {
    /// Indexes one loaded model.
    pub fn new(lm: &'a LoadedModel) -> ModelIndex<'a> {
        let m: &'a Model = &lm.model;
        let mut all = Vec::new();
        let mut push = |kind, ids: Vec<&'a str>| {
            all.extend(
                ids.into_iter()
                    .enumerate()
                    .map(|(index, id)| (id, ElementAt { kind, index })),
            );
        };
        push(
            ElementKind::Zone,
            m.zones.iter().map(|z| z.as_str()).collect(),
        );
        push(
            ElementKind::Data,
            m.data.iter().map(|d| d.id.as_str()).collect(),
        );
        push(
            ElementKind::Component,
            m.components.iter().map(|c| c.id.as_str()).collect(),
        );
        push(
            ElementKind::Flow,
            m.flows.iter().map(|f| f.id.as_str()).collect(),
        );
        push(
            ElementKind::Boundary,
            m.boundaries.iter().map(|b| b.id.as_str()).collect(),
        );
        push(
            ElementKind::Threat,
            m.threats.iter().map(|t| t.id.as_str()).collect(),
        );
        push(
            ElementKind::Mitigation,
            m.mitigations.iter().map(|x| x.id.as_str()).collect(),
        );
        push(
            ElementKind::Question,
            m.questions.iter().map(|q| q.id.as_str()).collect(),
        );
        let mut by_id = BTreeMap::new();
        for (id, at) in &all {
            by_id.entry(*id).or_insert(*at);
        }
        ModelIndex { all, by_id }
    }

    /// Ids of the elements of the given kinds, sorted.
    pub fn ids_of(&self, kinds: &[ElementKind]) -> Vec<&'a str> {
        self.by_id
            .iter()
            .filter(|(_, at)| kinds.contains(&at.kind))
            .map(|(id, _)| *id)
            .collect()
    }

    /// The YAML path of an element's field, e.g. `["threats", "3", "target"]`.
    pub fn path(at: ElementAt, field: &[&str]) -> Vec<String> {
        let mut p = vec![at.kind.section().to_owned(), at.index.to_string()];
        p.extend(field.iter().map(|s| (*s).to_owned()));
        p
    }
}
