//! The semantic diff of two versions of the model set: what changed in
//! threat-model terms, as typed values (rendered separately, see [`markdown`]).

mod change;
pub mod checkout;
mod compare;
pub mod gate;
mod impact;
pub mod markdown;
mod questions;
mod revisions;
mod settings;
pub mod words;

pub use change::{Change, ConfigEffect, ElementKind, FieldChange, FindingRef, Impact, LoadProblem};
pub use checkout::{CheckedRevision, CheckoutError, check_commit, check_working_tree};
pub use compare::{added_model, compare_models};
pub use gate::{GateError, GateReport, GateRequest, judge_change};
pub use revisions::{HeadLocation, diff_revisions};
pub use settings::compare_configs;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
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
    /// Changes of the project rather than of one model: `book.toml` settings,
    /// new unmodelled entry points, findings outside any model file.
    pub project: Vec<Change>,
    /// One entry per model that changed, sorted by model id.
    pub models: Vec<ModelDiff>,
    /// The head's `approval-max-open-severity`: new open threats at or above
    /// it need a reviewer.
    pub approval_max_open_severity: crate::model::Severity,
}

impl SemanticDiff {
    /// The diff as JSON for bots: the typed diff, each change with its
    /// `impact` and whether it `needs_reviewer`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut doc = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        let annotate = |value: &mut serde_json::Value, changes: &[Change]| {
            let Some(items) = value.as_array_mut() else {
                return;
            };
            for (item, change) in items.iter_mut().zip(changes) {
                if let Some(obj) = item.as_object_mut() {
                    let impact = serde_json::to_value(change.impact()).unwrap_or_default();
                    obj.insert("impact".to_owned(), impact);
                    obj.insert(
                        "needs_reviewer".to_owned(),
                        self.needs_reviewer(change).into(),
                    );
                }
            }
        };
        annotate(&mut doc["project"], &self.project);
        for (i, m) in self.models.iter().enumerate() {
            annotate(&mut doc["models"][i]["changes"], &m.changes);
        }
        doc
    }

    /// Every change: the project's, then each model's.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.project
            .iter()
            .chain(self.models.iter().flat_map(|m| &m.changes))
    }

    /// Whether a change needs a reviewer before merging: every weakening,
    /// relaxed policy, new error, new unmodelled entry point and accepted
    /// risk, and new open threats at or above `approval-max-open-severity`.
    pub fn needs_reviewer(&self, change: &Change) -> bool {
        use crate::model::ThreatStatus::Open;
        let limit = self.approval_max_open_severity;
        change.impact().needs_reviewer()
            || match change {
                Change::ThreatAdded {
                    status, severity, ..
                }
                | Change::ThreatStatusChanged {
                    to: status,
                    severity,
                    ..
                } => *status == Open && *severity >= limit,
                // Raised to the limit on a threat that is not closed.
                Change::SeverityChanged {
                    from, to, closed, ..
                } => !closed && *from < limit && *to >= limit,
                _ => false,
            }
    }
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
    /// Links to the line of each threat the changes name, in the head
    /// revision, when `source-url` is set.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub links: BTreeMap<String, String>,
}

/// Counts of the changes that matter most, for a one-line headline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Models added.
    pub models_added: usize,
    /// Models removed.
    pub models_removed: usize,
    /// Models whose file no longer loads (each also counted in `new_errors`).
    pub models_broken: usize,
    /// Models whose file loads again.
    pub models_repaired: usize,
    /// Threats added.
    pub threats_added: usize,
    /// Threats removed.
    pub threats_removed: usize,
    /// Risks accepted or acceptances renewed.
    pub risks_accepted: usize,
    /// Mitigations that reached implemented or verified.
    pub mitigations_implemented: usize,
    /// Changes that weaken the model (threat dropped, severity lowered, coverage lost…).
    pub weakened: usize,
    /// Settings of `book.toml` relaxed.
    pub policy_relaxed: usize,
    /// New entry points no component covers.
    pub new_unmodelled: usize,
    /// Changes that need a reviewer (see [`SemanticDiff::needs_reviewer`]).
    pub needs_reviewer: usize,
    /// Check errors introduced, models that no longer load included.
    pub new_errors: usize,
    /// Check errors fixed.
    pub fixed_errors: usize,
    /// All changes.
    pub changes: usize,
}

impl Summary {
    /// Counts the changes of a diff.
    pub fn of(diff: &SemanticDiff) -> Summary {
        let mut s = Summary::default();
        for c in diff.changes() {
            if diff.needs_reviewer(c) {
                s.needs_reviewer += 1;
            }
            s.changes += 1;
            match c {
                Change::ModelAdded { .. } => s.models_added += 1,
                Change::ModelRemoved { .. } => s.models_removed += 1,
                Change::ModelUnreadable { still: false, .. } => s.models_broken += 1,
                Change::ModelLoadsAgain { .. } => s.models_repaired += 1,
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
                Impact::PolicyRelaxed => s.policy_relaxed += 1,
                Impact::NewError => s.new_errors += 1,
                Impact::NewUnmodelled => s.new_unmodelled += 1,
                Impact::Review | Impact::Strengthened | Impact::Neutral => {}
            }
        }
        s
    }

    /// "1 model no longer loads, +3 threats, 1 risk accepted, 2 mitigations
    /// implemented, 1 new error".
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
            count(self.weakened, "weakened", "weakened"),
            count(self.policy_relaxed, "policy relaxed", "policies relaxed"),
            count(
                self.new_unmodelled,
                "new unmodelled entry point",
                "new unmodelled entry points",
            ),
            count(
                self.models_broken,
                "model no longer loads",
                "models no longer load",
            ),
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
            count(
                self.new_errors.saturating_sub(self.models_broken),
                "new error",
                "new errors",
            ),
            count(self.fixed_errors, "error fixed", "errors fixed"),
            count(
                self.models_repaired,
                "model loads again",
                "models load again",
            ),
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
/// file, for a changed id), check findings by (model, rule, severity, message
/// with day counts masked).
///
/// A model whose file does not load on one side is matched with that file
/// (same path, or the file declaring its id, for a rename): it is reported as
/// no longer loading or loading again, never as removed or added, and the
/// findings of that model on the side where it loads are not compared (they
/// are neither fixed nor new: the other side could not be checked).
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
    let (broken_base, broken_head) = (Unreadable::of(base), Unreadable::of(head));
    // Findings owners left out of the comparison: files that do not load on
    // one side, whose errors a model-level change already reports.
    let mut uncompared: BTreeSet<String> = BTreeSet::new();
    let mut matched_old: BTreeSet<&Id> = BTreeSet::new();
    for (id, n) in &news {
        let old = olds.get(id).copied().or_else(|| {
            base.project
                .models
                .iter()
                .find(|o| o.file == n.file && !news.contains_key(&o.model.id))
        });
        let changes = match (old, broken_base.successor(&n.file, id)) {
            (Some(o), _) => {
                matched_old.insert(&o.model.id);
                let mut changes = Vec::new();
                if o.file != n.file {
                    changes.push(moved(&o.file, &n.file));
                }
                changes.extend(compare_models(&o.model, &n.model, base.date, head.date));
                changes
            }
            (None, Some(file)) => {
                uncompared.insert(display(file));
                let mut changes = vec![Change::ModelLoadsAgain {
                    model: id.to_string(),
                    file: display(&n.file),
                    compared: false,
                }];
                if file != n.file {
                    changes.push(moved(file, &n.file));
                }
                // The base could not be read: accepted risks are what a
                // reviewer must not miss, so they are listed as if new.
                changes.extend(
                    added_model(&n.model, head.date)
                        .into_iter()
                        .filter(|c| matches!(c, Change::RiskAccepted { .. })),
                );
                changes
            }
            (None, None) => added_model(&n.model, head.date),
        };
        models.insert(
            id.to_string(),
            model_diff(n, old.map(|o| &o.model), changes),
        );
    }
    for (id, o) in olds.iter().filter(|(id, _)| !matched_old.contains(*id)) {
        let diff = match broken_head.successor(&o.file, id) {
            Some(file) => {
                uncompared.extend([display(file), id.to_string()]);
                let errors = LoadProblem::errors_of(
                    head.findings.diagnostics.iter().filter(|d| d.file == file),
                );
                let mut changes = vec![Change::ModelUnreadable {
                    model: id.to_string(),
                    file: display(file),
                    errors,
                    still: false,
                }];
                if o.file != file {
                    changes.push(moved(&o.file, file));
                }
                ModelDiff {
                    file: display(file),
                    ..model_diff(o, None, changes)
                }
            }
            None => model_diff(
                o,
                None,
                vec![Change::ModelRemoved {
                    title: o.model.title.clone(),
                }],
            ),
        };
        models.insert(id.to_string(), diff);
    }
    let project = add_findings(base, head, &uncompared, &mut models);
    let models: Vec<ModelDiff> = models
        .into_values()
        .filter(|m| !m.changes.is_empty())
        .collect();
    let mut diff = SemanticDiff {
        base: base.revision.clone(),
        head: head.revision.clone(),
        summary: Summary::default(),
        project,
        models,
        approval_max_open_severity: head.project.config.tm.approval_max_open_severity,
    };
    mark_moved_threats(&mut diff.models);
    diff.summary = Summary::of(&diff);
    diff
}

/// A threat removed from one model and added to another in the same diff
/// (same id, or same title), with the same status and at least the same
/// severity, moved: its removal is no weakening. A move that also closes or
/// downgrades it is not a move.
fn mark_moved_threats(models: &mut [ModelDiff]) {
    struct Added {
        model: String,
        id: String,
        title: Option<String>,
        status: crate::model::ThreatStatus,
        severity: crate::model::Severity,
    }
    let added: Vec<Added> = models
        .iter()
        .flat_map(|m| {
            m.changes.iter().filter_map(move |c| match c {
                Change::ThreatAdded {
                    id,
                    status,
                    severity,
                    ..
                } => Some(Added {
                    model: m.model.clone(),
                    id: id.to_string(),
                    title: m.labels.get(id.as_str()).cloned(),
                    status: *status,
                    severity: *severity,
                }),
                _ => None,
            })
        })
        .collect();
    for m in models.iter_mut() {
        for c in &mut m.changes {
            if let Change::ThreatRemoved {
                id,
                status,
                severity,
                moved_to,
            } = c
            {
                let title = m.labels.get(id.as_str());
                *moved_to = added
                    .iter()
                    .find(|a| {
                        a.model != m.model
                            && a.status == *status
                            && a.severity >= *severity
                            && (a.id == id.as_str()
                                || (title.is_some() && a.title.as_ref() == title))
                    })
                    .map(|a| a.model.clone());
            }
        }
    }
}

fn moved(from: &Path, to: &Path) -> Change {
    Change::ModelMoved {
        from: display(from),
        to: display(to),
    }
}

/// The model files of a snapshot that did not load, with the model id each
/// declares on a top-level `id:` line, if it can be read.
struct Unreadable<'s>(Vec<(&'s Path, Option<&'s str>)>);

impl<'s> Unreadable<'s> {
    fn of(s: &'s Snapshot) -> Unreadable<'s> {
        static ID_LINE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r#"(?m)^id[ \t]*:[ \t]*["']?([^"'\s#]+)"#).expect("valid regex")
        });
        let files = s
            .project
            .sources
            .iter()
            .filter(|(file, _)| !s.project.models.iter().any(|m| &m.file == *file))
            .map(|(file, text)| {
                let id = ID_LINE
                    .captures(text)
                    .and_then(|c| c.get(1))
                    .map(|m| m.as_str());
                (file.as_path(), id)
            })
            .collect();
        Unreadable(files)
    }

    /// The file that does not load where the model with `id`, at `file` on
    /// the other side, is: the same path, else the file declaring that id.
    fn successor(&self, file: &Path, id: &Id) -> Option<&'s Path> {
        let same_path = self.0.iter().find(|(f, _)| *f == file);
        same_path
            .or_else(|| self.0.iter().find(|(_, d)| *d == Some(id.as_str())))
            .map(|(f, _)| *f)
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
        links: BTreeMap::new(),
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
        let questions = model.questions.iter().map(|q| (&q.id, &q.text));
        for (id, text) in titles.chain(controls).chain(questions) {
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
        | Change::MitigationEdited { id, .. }
        | Change::MitigationDraftChanged { id, .. }
        | Change::QuestionAdded { id, .. }
        | Change::QuestionAnswered { id, .. }
        | Change::QuestionReopened { id }
        | Change::QuestionRemoved { id, .. }
        | Change::QuestionEdited { id, .. } => ids.push(id.to_string()),
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

/// Adds the findings that appeared and went away to their model's diff,
/// except those of the `uncompared` owners (model ids or file paths), and
/// returns those outside any model. Unmodelled entry points (TM503) are
/// compared by the code report instead, where a moved line is no change.
fn add_findings(
    base: &Snapshot,
    head: &Snapshot,
    uncompared: &BTreeSet<String>,
    models: &mut BTreeMap<String, ModelDiff>,
) -> Vec<Change> {
    type Key = (String, String, Severity, String);
    let keyed = |s: &Snapshot| -> BTreeMap<Key, FindingRef> {
        s.findings
            .diagnostics
            .iter()
            .filter(|d| d.rule != crate::Rule::UnmodelledEntryPoint)
            .map(|d| (finding_owner(s, d), d))
            .filter(|(owner, _)| !uncompared.contains(owner))
            .map(|(owner, d)| {
                let rule = d.rule.code().to_owned();
                let key = (owner, rule.clone(), d.severity, stable_message(&d.message));
                let f = FindingRef {
                    rule,
                    severity: d.severity,
                    message: d.message.clone(),
                };
                (key, f)
            })
            .collect()
    };
    let (old, new) = (keyed(base), keyed(head));
    let introduced = new
        .iter()
        .filter(|(k, _)| !old.contains_key(*k))
        .map(|((owner, ..), f)| (owner, Change::FindingIntroduced(f.clone())));
    let fixed = old
        .iter()
        .filter(|(k, _)| !new.contains_key(*k))
        .map(|((owner, ..), f)| (owner, Change::FindingFixed(f.clone())));
    let mut project = Vec::new();
    for (owner, change) in introduced.chain(fixed) {
        let model = head
            .project
            .model(owner)
            .map(|m| (m, base.project.model(owner).map(|o| &o.model)))
            .or_else(|| base.project.model(owner).map(|m| (m, None)));
        match (models.get_mut(owner.as_str()), model) {
            (Some(diff), _) => diff.changes.push(change),
            (None, Some((m, old))) => {
                models.insert(owner.clone(), model_diff(m, old, vec![change]));
            }
            (None, None) => project.push(change),
        }
    }
    project
}

/// A finding's message with the parts that change with the date alone masked:
/// "expires on 2026-12-01, in 17 days" and "in 18 days" are the same finding.
fn stable_message(message: &str) -> String {
    static DAY_COUNT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b\d+ days?\b").expect("valid regex"));
    DAY_COUNT.replace_all(message, "N days").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_counts_do_not_tell_findings_apart() {
        assert_eq!(
            stable_message("the acceptance of `T-1` expires on 2026-12-01, in 17 days"),
            stable_message("the acceptance of `T-1` expires on 2026-12-01, in 1 day"),
        );
        assert_eq!(
            stable_message("expired on 2026-01-01 (3 days ago)"),
            "expired on 2026-01-01 (N days ago)"
        );
        // Ids and dates are kept.
        assert_ne!(
            stable_message("the acceptance of `T-1` expires on 2026-12-01"),
            stable_message("the acceptance of `T-2` expires on 2026-12-01")
        );
    }
}
