//! The semantic diff of two versions of the model set: what changed in
//! threat-model terms, as typed values (rendered separately, see [`markdown`]).

mod change;
mod compare;
pub mod markdown;

pub use change::{Change, ElementKind, FieldChange, FindingRef, Impact};
pub use compare::{added_model, compare_models};

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use super::snapshot::{Revision, Snapshot};
use crate::diagnostic::Severity;
use crate::load::LoadedModel;
use crate::model::{Id, Model};

/// Everything that changed between two revisions of the model set.
#[derive(Debug, Clone, Serialize)]
pub struct SemanticDiff {
    /// The old side.
    pub base: Revision,
    /// The new side.
    pub head: Revision,
    /// Counts for the headline.
    pub summary: Summary,
    /// One entry per model that changed, sorted by model id.
    pub models: Vec<ModelDiff>,
}

/// The changes of one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelDiff {
    /// The model id (new side, else old side; the file path for an unreadable model).
    pub model: String,
    /// The model title.
    pub title: String,
    /// The file (new side, else old side), relative to the project root.
    pub file: String,
    /// The changes, in a fixed section order, ids sorted.
    pub changes: Vec<Change>,
    /// Titles of the threats and controls of the mitigations the changes name, by id.
    pub labels: BTreeMap<String, String>,
}

/// Counts of the changes that matter most, for a one-line headline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Models added.
    pub models_added: usize,
    /// Models removed.
    pub models_removed: usize,
    /// Threats added.
    pub threats_added: usize,
    /// Threats removed.
    pub threats_removed: usize,
    /// Risks accepted or acceptances renewed.
    pub risks_accepted: usize,
    /// Mitigations that reached implemented or verified.
    pub mitigations_implemented: usize,
    /// Changes that weaken the model (status backwards, severity raised, coverage lost…).
    pub weakened: usize,
    /// Check errors introduced.
    pub new_errors: usize,
    /// Check errors fixed.
    pub fixed_errors: usize,
    /// All changes.
    pub changes: usize,
}

impl Summary {
    /// Counts the changes of some model diffs.
    pub fn of<'a>(models: impl IntoIterator<Item = &'a ModelDiff>) -> Summary {
        let mut s = Summary::default();
        for c in models.into_iter().flat_map(|m| &m.changes) {
            s.changes += 1;
            match c {
                Change::ModelAdded { .. } => s.models_added += 1,
                Change::ModelRemoved { .. } => s.models_removed += 1,
                Change::ThreatAdded { .. } => s.threats_added += 1,
                Change::ThreatRemoved { .. } => s.threats_removed += 1,
                Change::MitigationStatusChanged { from, to, .. }
                    if to.claims_done() && !from.claims_done() =>
                {
                    s.mitigations_implemented += 1
                }
                Change::MitigationAdded { status, .. } if status.claims_done() => {
                    s.mitigations_implemented += 1
                }
                Change::FindingFixed(f) if f.severity == Severity::Error => s.fixed_errors += 1,
                _ => {}
            }
            match c.impact() {
                Impact::RiskAccepted => s.risks_accepted += 1,
                Impact::Weakened => s.weakened += 1,
                Impact::NewError => s.new_errors += 1,
                _ => {}
            }
        }
        s
    }

    /// "+3 threats, 1 risk accepted, 2 mitigations implemented, 1 new error".
    pub fn headline(&self) -> String {
        let count = |n: usize, one: &str, many: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        };
        let signed = |n: usize, sign: char, one: &str, many: &str| {
            (n > 0).then(|| format!("{sign}{n} {}", if n == 1 { one } else { many }))
        };
        let parts: Vec<String> = [
            signed(self.models_added, '+', "model", "models"),
            signed(self.models_removed, '−', "model", "models"),
            signed(self.threats_added, '+', "threat", "threats"),
            signed(self.threats_removed, '−', "threat", "threats"),
            count(self.risks_accepted, "risk accepted", "risks accepted"),
            count(
                self.mitigations_implemented,
                "mitigation implemented",
                "mitigations implemented",
            ),
            count(self.weakened, "weakened", "weakened"),
            count(self.new_errors, "new error", "new errors"),
            count(self.fixed_errors, "error fixed", "errors fixed"),
        ]
        .into_iter()
        .flatten()
        .collect();
        match (parts.is_empty(), self.changes) {
            (_, 0) => "no change in threat-model terms".to_owned(),
            (true, n) => format!("{n} minor change{}", if n == 1 { "" } else { "s" }),
            (false, _) => parts.join(", "),
        }
    }
}

/// Compares two snapshots of the model set: models matched by id (then by
/// file, for a changed id), check findings by (rule, model, message).
pub fn diff_snapshots(base: &Snapshot, head: &Snapshot) -> SemanticDiff {
    let mut models: BTreeMap<String, ModelDiff> = BTreeMap::new();
    let olds: BTreeMap<&Id, &LoadedModel> = base
        .project
        .models
        .iter()
        .map(|m| (&m.model.id, m))
        .collect();
    let news: BTreeMap<&Id, &LoadedModel> = head
        .project
        .models
        .iter()
        .map(|m| (&m.model.id, m))
        .collect();
    let mut matched_old: BTreeSet<&Id> = BTreeSet::new();
    let unreadable = |s: &Snapshot, file: &Path| {
        s.project.sources.contains_key(file) && !s.project.models.iter().any(|m| m.file == file)
    };
    for (id, n) in &news {
        let old = olds.get(id).copied().or_else(|| {
            base.project
                .models
                .iter()
                .find(|o| o.file == n.file && !news.contains_key(&o.model.id))
        });
        let changes = match old {
            Some(o) => {
                matched_old.insert(&o.model.id);
                let mut changes = Vec::new();
                if o.file != n.file {
                    changes.push(Change::ModelMoved {
                        from: display(&o.file),
                        to: display(&n.file),
                    });
                }
                changes.extend(compare_models(&o.model, &n.model, base.date, head.date));
                changes
            }
            None => added_model(&n.model, head.date),
        };
        models.insert(
            id.to_string(),
            model_diff(n, old.map(|o| &o.model), changes),
        );
    }
    for (id, o) in olds.iter().filter(|(id, _)| !matched_old.contains(*id)) {
        let changes = if unreadable(head, &o.file) {
            let errors = head
                .findings
                .diagnostics
                .iter()
                .filter(|d| d.file == o.file && d.severity == Severity::Error)
                .count();
            vec![Change::ModelUnreadable { errors }]
        } else {
            vec![Change::ModelRemoved {
                title: o.model.title.clone(),
            }]
        };
        models.insert(id.to_string(), model_diff(o, None, changes));
    }
    add_findings(base, head, &mut models);
    let models: Vec<ModelDiff> = models
        .into_values()
        .filter(|m| !m.changes.is_empty())
        .collect();
    SemanticDiff {
        base: base.revision.clone(),
        head: head.revision.clone(),
        summary: Summary::of(&models),
        models,
    }
}

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// A model diff with labels for the threats and mitigations its changes name.
pub fn model_diff(m: &LoadedModel, old: Option<&Model>, changes: Vec<Change>) -> ModelDiff {
    ModelDiff {
        model: m.model.id.to_string(),
        title: m.model.title.clone(),
        file: display(&m.file),
        labels: labels(old.into_iter().chain([&m.model]), &changes),
        changes,
    }
}

/// Titles of the threats and controls of the mitigations that `changes` name,
/// from the given versions of a model (later versions win).
pub fn labels<'a>(
    versions: impl IntoIterator<Item = &'a Model>,
    changes: &[Change],
) -> BTreeMap<String, String> {
    let named: BTreeSet<String> = changes.iter().flat_map(named_ids).collect();
    let mut labels = BTreeMap::new();
    for model in versions {
        let titles = model.threats.iter().map(|t| (&t.id, &t.title));
        let controls = model.mitigations.iter().map(|m| (&m.id, &m.control));
        for (id, text) in titles.chain(controls) {
            if named.contains(id.as_str()) {
                labels.insert(id.to_string(), text.clone());
            }
        }
    }
    labels
}

fn named_ids(c: &Change) -> Vec<String> {
    let mut ids: Vec<String> = c.threat().map(|t| t.to_string()).into_iter().collect();
    match c {
        Change::ThreatMitigationsChanged {
            linked, unlinked, ..
        } => ids.extend(linked.iter().chain(unlinked).map(|i| i.to_string())),
        Change::MitigationAdded { id, .. }
        | Change::MitigationRemoved { id, .. }
        | Change::MitigationStatusChanged { id, .. }
        | Change::MitigationSignedOff { id, .. }
        | Change::MitigationEdited { id, .. } => ids.push(id.to_string()),
        _ => {}
    }
    ids
}

/// The model a finding belongs to: its own model id, else the model of its file.
fn finding_owner(s: &Snapshot, d: &crate::Diagnostic) -> String {
    d.model.clone().unwrap_or_else(|| {
        s.project
            .models
            .iter()
            .find(|m| m.file == d.file)
            .map_or_else(|| display(&d.file), |m| m.model.id.to_string())
    })
}

fn add_findings(base: &Snapshot, head: &Snapshot, models: &mut BTreeMap<String, ModelDiff>) {
    let keyed = |s: &Snapshot| -> BTreeSet<(String, FindingRef)> {
        s.findings
            .diagnostics
            .iter()
            .map(|d| {
                let f = FindingRef {
                    rule: d.rule.code().to_owned(),
                    severity: d.severity,
                    message: d.message.clone(),
                };
                (finding_owner(s, d), f)
            })
            .collect()
    };
    let (old, new) = (keyed(base), keyed(head));
    for (owner, f) in new.difference(&old) {
        diff_entry(models, owner)
            .changes
            .push(Change::FindingIntroduced(f.clone()));
    }
    for (owner, f) in old.difference(&new) {
        diff_entry(models, owner)
            .changes
            .push(Change::FindingFixed(f.clone()));
    }
}

/// The diff of `owner`, created empty for findings outside any model.
fn diff_entry<'a>(models: &'a mut BTreeMap<String, ModelDiff>, owner: &str) -> &'a mut ModelDiff {
    models.entry(owner.to_owned()).or_insert_with(|| ModelDiff {
        model: owner.to_owned(),
        title: owner.to_owned(),
        file: owner.to_owned(),
        changes: Vec::new(),
        labels: BTreeMap::new(),
    })
}
