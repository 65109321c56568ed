//! How each change bears on security: weakening, strengthening, a judgement
//! to check, or neutral. Every change kind is matched explicitly (no `_`
//! arm), so a new kind of change cannot silently default to "neutral": the
//! compiler asks for its classification. Fields of elements are classified by
//! name, and a field nobody classified counts as a weakening.

use super::change::{Change, ConfigEffect, ElementKind, FieldChange, Impact};
use crate::diagnostic::Severity as RuleSeverity;
use crate::model::{
    Classification, ComponentKind, Level, MitigationStatus, ModelStatus, ReviewOutcome, RiskLevel,
    ThreatStatus,
};

impl Change {
    /// How the change bears on security.
    pub fn impact(&self) -> Impact {
        use Change::*;
        match self {
            ModelAdded { .. } => Impact::Neutral,
            ModelRemoved { .. } => Impact::Weakened,
            ModelMoved { .. } => Impact::Neutral,
            // Other models and review records name a model by its id.
            ModelRenamed { .. } => Impact::Weakened,
            ModelField(f) => fields_impact(std::slice::from_ref(f), model_field),
            ModelUnreadable { still: false, .. } => Impact::NewError,
            ModelUnreadable { still: true, .. } => Impact::Neutral,
            ModelLoadsAgain { .. } => Impact::Strengthened,
            ElementAdded { .. } => Impact::Neutral,
            ElementRemoved { kind, .. } => match kind {
                ElementKind::Component | ElementKind::Flow | ElementKind::Boundary => {
                    Impact::Weakened
                }
                ElementKind::Data | ElementKind::Zone => Impact::Review,
            },
            ElementChanged { kind, fields, .. } => {
                let kind = *kind;
                fields_impact(fields, |f| element_field(kind, f))
            }
            ThreatAdded { .. } => Impact::Neutral,
            ThreatRemoved {
                status, moved_to, ..
            } => {
                if moved_to.is_some() || is_closed(*status) {
                    Impact::Neutral
                } else {
                    Impact::Weakened
                }
            }
            ThreatStatusChanged { from, to, .. } => threat_status_impact(*from, *to),
            SeverityChanged { from, to, .. } => rating_impact(to < from),
            LikelihoodChanged { from, to, .. } | ImpactChanged { from, to, .. } => {
                rating_impact(to < from)
            }
            CategoriesChanged { removed, .. } => {
                if removed.is_empty() {
                    Impact::Neutral
                } else {
                    Impact::Review
                }
            }
            // Unlinked from an open threat it leaves it with less; from a
            // mitigated one it takes away what the status claims.
            ThreatMitigationsChanged { unlinked, .. } => {
                if unlinked.is_empty() {
                    Impact::Strengthened
                } else {
                    Impact::Weakened
                }
            }
            ThreatDraftChanged { drafted: true, .. } => Impact::Weakened,
            ThreatDraftChanged { drafted: false, .. } => Impact::Strengthened,
            ThreatEdited { fields, .. } => fields_impact(fields, threat_field),
            RiskAccepted { .. } | AcceptanceRenewed { .. } | AcceptanceEdited { .. } => {
                Impact::RiskAccepted
            }
            AcceptanceWithdrawn { .. } => Impact::Neutral,
            AcceptanceExpired { .. } => Impact::Weakened,
            MitigationAdded { .. } => Impact::Neutral,
            MitigationRemoved {
                status,
                linked_from,
                ..
            } => {
                if status.claims_done() || !linked_from.is_empty() {
                    Impact::Weakened
                } else {
                    Impact::Neutral
                }
            }
            MitigationStatusChanged { from, to, .. } => {
                if mitigation_rank(*to) < mitigation_rank(*from) {
                    Impact::Weakened
                } else {
                    Impact::Strengthened
                }
            }
            MitigationSignedOff { .. } => Impact::Strengthened,
            MitigationEdited { fields, .. } => fields_impact(fields, mitigation_field),
            MitigationDraftChanged { drafted: true, .. } => Impact::Weakened,
            MitigationDraftChanged { drafted: false, .. } => Impact::Strengthened,
            QuestionAdded { .. } | QuestionReopened { .. } => Impact::Neutral,
            // An answer is a human decision: one without who and when is not
            // recorded as one (TM407), and a reviewer must look at it.
            QuestionAnswered { by, at, .. } => {
                if by.as_deref().is_some_and(|b| !b.trim().is_empty()) && at.is_some() {
                    Impact::Review
                } else {
                    Impact::Weakened
                }
            }
            // A question dropped unanswered is a concern nobody resolved.
            QuestionRemoved { answered, .. } => {
                if *answered {
                    Impact::Neutral
                } else {
                    Impact::Weakened
                }
            }
            QuestionEdited { fields, .. } => fields_impact(fields, question_field),
            ReviewAdded { outcome, .. } => match outcome {
                ReviewOutcome::Approved => Impact::Strengthened,
                ReviewOutcome::ChangesRequested => Impact::Neutral,
            },
            ReviewRemoved { .. } => Impact::Weakened,
            CoverageGained { not_applicable, .. } => {
                if *not_applicable {
                    Impact::Review
                } else {
                    Impact::Strengthened
                }
            }
            CoverageDowngraded { .. } | CoverageLost { .. } | BoundaryCrossingLost { .. } => {
                Impact::Weakened
            }
            ConfigChanged { effect, .. } => match effect {
                ConfigEffect::Relaxed => Impact::PolicyRelaxed,
                ConfigEffect::Tightened => Impact::Strengthened,
                ConfigEffect::Neutral => Impact::Neutral,
            },
            EntryPointUnmodelled { .. } => Impact::NewUnmodelled,
            // A check silenced in code is a weakening a reviewer signs for.
            EntryPointSilenced { .. } => Impact::Weakened,
            FindingIntroduced(f) => match f.severity {
                RuleSeverity::Error => Impact::NewError,
                RuleSeverity::Warning | RuleSeverity::Off => Impact::Neutral,
            },
            // An expiry "fixed" is an acceptance renewed (listed as a risk
            // accepted) or withdrawn: no ✅ for it.
            FindingFixed(f) => match crate::Rule::lookup(&f.rule) {
                Some(crate::Rule::ExpiredAcceptance | crate::Rule::ExpiringAcceptance) => {
                    Impact::Neutral
                }
                _ => Impact::Strengthened,
            },
        }
    }
}

/// Closed threats need no further control: mitigated, or not applicable.
pub(crate) fn is_closed(s: ThreatStatus) -> bool {
    match s {
        ThreatStatus::Mitigated | ThreatStatus::NotApplicable => true,
        ThreatStatus::Open | ThreatStatus::Accepted | ThreatStatus::Transferred => false,
    }
}

/// A threat's status move. Reopening a threat that was mitigated or not
/// applicable, or closing one without a control (not-applicable,
/// transferred), weakens the model; accepting is a risk accepted; mitigating
/// strengthens it; withdrawing an acceptance or a transfer (back to open) is
/// stricter, not weaker.
fn threat_status_impact(from: ThreatStatus, to: ThreatStatus) -> Impact {
    use ThreatStatus::*;
    if from == to {
        return Impact::Neutral;
    }
    match to {
        Open => match from {
            Mitigated | NotApplicable => Impact::Weakened,
            Open | Accepted | Transferred => Impact::Neutral,
        },
        Mitigated => Impact::Strengthened,
        Accepted => Impact::RiskAccepted,
        Transferred | NotApplicable => Impact::Weakened,
    }
}

/// A rating (severity, likelihood, impact) moved. Lowering it is a human
/// reclassification that a reviewer must check: a weakening on any threat
/// (on a closed one it decides how urgent the threat is again when its
/// control regresses). Raising it is never a weakening.
fn rating_impact(lowered: bool) -> Impact {
    if lowered {
        Impact::Weakened
    } else {
        Impact::Neutral
    }
}

/// Progress order of mitigation statuses; `rejected` ranks below `proposed`
/// because rejecting a control removes it.
fn mitigation_rank(s: MitigationStatus) -> u8 {
    match s {
        MitigationStatus::Rejected => 0,
        MitigationStatus::Proposed => 1,
        MitigationStatus::Accepted => 2,
        MitigationStatus::InProgress => 3,
        MitigationStatus::Implemented => 4,
        MitigationStatus::Verified => 5,
    }
}

/// What one field change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Effect {
    Weaker,
    Review,
    Stronger,
    Neutral,
}

/// The impact of several field changes: the most serious of them.
fn fields_impact(fields: &[FieldChange], effect: impl Fn(&FieldChange) -> Effect) -> Impact {
    match fields.iter().map(effect).min() {
        Some(Effect::Weaker) => Impact::Weakened,
        Some(Effect::Review) => Impact::Review,
        Some(Effect::Stronger) => Impact::Strengthened,
        Some(Effect::Neutral) | None => Impact::Neutral,
    }
}

/// Parses a field's text back into its vocabulary (`"high"` → `Severity::High`).
fn parse<T: serde::de::DeserializeOwned>(text: &Option<String>) -> Option<T> {
    let text = text.as_deref()?;
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

/// Ordered values: lower is weaker when `lower_is_weaker`.
fn ordered<T: serde::de::DeserializeOwned + Ord>(f: &FieldChange, lower_is_weaker: bool) -> Effect {
    match (parse::<T>(&f.from), parse::<T>(&f.to)) {
        (Some(a), Some(b)) if a == b => Effect::Neutral,
        (Some(a), Some(b)) => {
            if (b < a) == lower_is_weaker {
                Effect::Weaker
            } else {
                Effect::Stronger
            }
        }
        // Set where there was none: the default applied before.
        (None, Some(_)) => Effect::Review,
        // Removed, or a value that does not parse: assume the worst.
        _ => Effect::Weaker,
    }
}

/// A list that lost items weakens (a code path, a data asset, a zone of a boundary).
fn list_shrinks(f: &FieldChange) -> Effect {
    if f.removed.is_empty() && f.from.is_none() {
        Effect::Stronger
    } else {
        Effect::Weaker
    }
}

/// A flag that was true and is no longer (`authenticated`, `encrypted`).
fn flag(f: &FieldChange) -> Effect {
    match (f.from.as_deref(), f.to.as_deref()) {
        (Some("true"), Some("true")) => Effect::Neutral,
        (Some("true"), _) => Effect::Weaker,
        (_, Some("true")) => Effect::Stronger,
        _ => Effect::Neutral,
    }
}

/// A text that was stated and is removed weakens (`current`); edits are neutral.
fn statement(f: &FieldChange) -> Effect {
    if f.to.is_none() && f.from.is_some() {
        Effect::Weaker
    } else {
        Effect::Neutral
    }
}

fn model_field(f: &FieldChange) -> Effect {
    match f.field.as_str() {
        "title" | "version" | "owners" | "summary" => Effect::Neutral,
        "status" => match (parse::<ModelStatus>(&f.from), parse::<ModelStatus>(&f.to)) {
            (Some(_), Some(ModelStatus::Retired)) => Effect::Weaker,
            (Some(ModelStatus::Retired), Some(_)) => Effect::Neutral,
            (Some(a), Some(b)) if b < a => Effect::Weaker,
            (Some(_), Some(_)) => Effect::Neutral,
            _ => Effect::Weaker,
        },
        // A lower risk asks less STRIDE coverage.
        "risk" => ordered::<RiskLevel>(f, true),
        _ => Effect::Weaker,
    }
}

fn element_field(kind: ElementKind, f: &FieldChange) -> Effect {
    match (kind, f.field.as_str()) {
        (_, "name" | "description" | "protocol" | "not-applicable") => Effect::Neutral,
        // Boundary crossings and coverage are their own changes.
        (ElementKind::Component, "zone") | (ElementKind::Flow, "from" | "to") => Effect::Neutral,
        (ElementKind::Component, "kind") => {
            match (
                parse::<ComponentKind>(&f.from),
                parse::<ComponentKind>(&f.to),
            ) {
                (Some(a), Some(b)) => {
                    let (a, b) = (
                        crate::check::coverage::required_for_component(a),
                        crate::check::coverage::required_for_component(b),
                    );
                    if a.iter().all(|c| b.contains(c)) {
                        Effect::Neutral
                    } else {
                        Effect::Weaker
                    }
                }
                _ => Effect::Weaker,
            }
        }
        (_, "data" | "code.paths" | "code.symbols" | "between") => list_shrinks(f),
        (ElementKind::Flow, "authenticated" | "encrypted") => flag(f),
        (ElementKind::Data, "classification") => ordered::<Classification>(f, true),
        _ => Effect::Weaker,
    }
}

fn threat_field(f: &FieldChange) -> Effect {
    match f.field.as_str() {
        "title" | "description" | "reason" | "library" => Effect::Neutral,
        "current" => statement(f),
        // The threat no longer covers what it covered.
        "target" => Effect::Weaker,
        _ => Effect::Weaker,
    }
}

fn mitigation_field(f: &FieldChange) -> Effect {
    match f.field.as_str() {
        "control" | "description" | "location" | "tracking" | "cost.effort" | "cost.latency"
        | "cost.ops" | "library" => Effect::Neutral,
        // A higher residual risk once in place.
        "residual" => ordered::<Level>(f, false),
        "code.paths" | "code.symbols" => list_shrinks(f),
        // A sign-off removed or rewritten: who vouches for the control changed.
        s if s.starts_with("signoff.") => Effect::Weaker,
        _ => Effect::Weaker,
    }
}

/// A question's wording, element or code line is neutral; a changed answer
/// or its record is a decision to look at, and a record removed weakens.
fn question_field(f: &FieldChange) -> Effect {
    match f.field.as_str() {
        "text" | "about" | "code" | "library" | "drafted" => Effect::Neutral,
        "answer" => Effect::Review,
        "answered-by" | "answered-at" if f.to.is_none() => Effect::Weaker,
        "answered-by" | "answered-at" => Effect::Review,
        _ => Effect::Weaker,
    }
}

#[cfg(test)]
mod tests;
