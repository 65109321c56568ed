//! CI policies over a semantic diff: which changes fail `tm diff --fail-on`.

use serde::Serialize;

use super::diff::{Change, Impact, SemanticDiff};
use super::snapshot::Snapshot;
use crate::model::ReviewKind;

/// A policy `tm diff --fail-on` can enforce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum DiffPolicy {
    /// A risk accepted (or renewed) with no stakeholder review recorded on or after the acceptance date.
    AcceptedWithoutStakeholderReview,
    /// Any risk accepted or renewed.
    RiskAccepted,
    /// Any weakening of a model or of `book.toml`'s policy: a threat dropped,
    /// a rating lowered, a status moved back, a control removed or unlinked,
    /// coverage lost, a risk accepted, a check relaxed…
    Weakened,
    /// Any new `tm check` error, the code cross-check's included.
    NewErrors,
    /// Any new entry point no component covers (TM503).
    NewUnmodelled,
}

/// One policy a diff breaks, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyViolation {
    /// The policy.
    pub policy: DiffPolicy,
    /// The model concerned.
    pub model: String,
    /// What broke it.
    pub message: String,
}

/// The violations of `policies` in `diff`, whose new side is `head`.
pub fn violations(
    diff: &SemanticDiff,
    head: &Snapshot,
    policies: &[DiffPolicy],
) -> Vec<PolicyViolation> {
    let mut out = Vec::new();
    let empty = std::collections::BTreeMap::new();
    let project = diff.project.iter().map(|c| ("project", &empty, c));
    let models = diff.models.iter().flat_map(|m| {
        m.changes
            .iter()
            .map(move |c| (m.model.as_str(), &m.labels, c))
    });
    for (model, labels, c) in project.chain(models) {
        let text = || super::diff::markdown::describe_plain(c, labels);
        for &policy in policies {
            let impact = c.impact();
            let broken = match policy {
                DiffPolicy::RiskAccepted => impact == Impact::RiskAccepted,
                DiffPolicy::Weakened => impact.is_weakening(),
                DiffPolicy::NewErrors => {
                    impact == Impact::NewError
                        || matches!(c, Change::EntryPointUnmodelled { severity, .. }
                            if *severity == crate::diagnostic::Severity::Error)
                }
                DiffPolicy::NewUnmodelled => impact == Impact::NewUnmodelled,
                DiffPolicy::AcceptedWithoutStakeholderReview => {
                    impact == Impact::RiskAccepted && !stakeholder_reviewed(head, model, c)
                }
            };
            if broken {
                out.push(PolicyViolation {
                    policy,
                    model: model.to_owned(),
                    message: text(),
                });
            }
        }
    }
    out.sort_by(|a, b| (a.policy, &a.model, &a.message).cmp(&(b.policy, &b.model, &b.message)));
    out
}

/// Whether the head model records a stakeholder review on or after the date of
/// the acceptance that `change` makes.
fn stakeholder_reviewed(head: &Snapshot, model: &str, change: &Change) -> bool {
    let Some(m) = head.project.model(model) else {
        return false;
    };
    let accepted_at = change
        .threat()
        .and_then(|id| m.model.threats.iter().find(|t| &t.id == id))
        .and_then(|t| t.acceptance.as_ref())
        .map(|a| a.at);
    m.model
        .reviews
        .iter()
        .any(|r| r.kind == ReviewKind::Stakeholder && accepted_at.is_none_or(|at| r.at >= at))
}
