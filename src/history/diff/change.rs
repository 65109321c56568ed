//! What can change between two versions of a model, in threat-model terms.

use serde::Serialize;

use crate::model::{
    Date, Id, Level, MitigationStatus, ReviewKind, ReviewOutcome, Severity, StrideCategory,
    ThreatStatus,
};

/// The kinds of architecture elements compared field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ElementKind {
    /// A data asset.
    Data,
    /// A trust zone.
    Zone,
    /// A component.
    Component,
    /// A data flow.
    Flow,
    /// A trust boundary.
    Boundary,
}

impl ElementKind {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            ElementKind::Data => "data asset",
            ElementKind::Zone => "zone",
            ElementKind::Component => "component",
            ElementKind::Flow => "flow",
            ElementKind::Boundary => "boundary",
        }
    }
}

/// One field that changed: a value with both sides as text (`None`: absent on
/// that side, or a long text shown only as "edited"), or a list of short values
/// with the items added and removed (then `from` and `to` are `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The YAML key; `parent.key` for a key of a nested mapping (`code.paths`).
    pub field: String,
    /// The old value.
    pub from: Option<String>,
    /// The new value.
    pub to: Option<String>,
    /// Items the list gained.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    /// Items the list lost.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
}

impl FieldChange {
    /// A value that changed from `from` to `to`.
    pub fn value(field: String, from: Option<String>, to: Option<String>) -> FieldChange {
        FieldChange {
            field,
            from,
            to,
            added: Vec::new(),
            removed: Vec::new(),
        }
    }

    /// A list that gained and lost items.
    pub fn items(field: String, added: Vec<String>, removed: Vec<String>) -> FieldChange {
        FieldChange {
            field,
            from: None,
            to: None,
            added,
            removed,
        }
    }
}

/// A load error of a model file that does not load, identified for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadProblem {
    /// The rule code, e.g. `TM001`.
    pub rule: String,
    /// The line, when the problem has a position.
    pub line: Option<u32>,
    /// The loader's message.
    pub message: String,
}

impl LoadProblem {
    /// The error findings of a file that did not load, in their order.
    pub fn errors_of<'a>(
        diagnostics: impl IntoIterator<Item = &'a crate::Diagnostic>,
    ) -> Vec<LoadProblem> {
        diagnostics
            .into_iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Error)
            .map(|d| LoadProblem {
                rule: d.rule.code().to_owned(),
                line: d.span.map(|s| s.line),
                message: d.message.clone(),
            })
            .collect()
    }
}

/// One change between two versions of a model. Changes carry ids, never
/// positions, so moving or reformatting YAML yields none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// The model is new.
    ModelAdded {
        /// Its title.
        title: String,
    },
    /// The model was deleted.
    ModelRemoved {
        /// Its title.
        title: String,
    },
    /// The model file moved or was renamed (same model id).
    ModelMoved {
        /// The old path, relative to the project root.
        from: String,
        /// The new path.
        to: String,
    },
    /// The model's id changed (same file).
    ModelRenamed {
        /// The old id.
        from: Id,
        /// The new id.
        to: Id,
    },
    /// A top-level field of the model changed (title, status, risk, version, owners, summary).
    ModelField(FieldChange),
    /// The model's file no longer loads (or, with `still`, still does not):
    /// its findings cannot be checked, and its changes are listed against its
    /// last readable version once it loads again.
    ModelUnreadable {
        /// The model id of its last readable version (the file path if it never loaded).
        model: String,
        /// The file that does not load, relative to the project root.
        file: String,
        /// Its load errors.
        errors: Vec<LoadProblem>,
        /// True when the previous version did not load either.
        still: bool,
    },
    /// The model's file loads again after a version that did not.
    ModelLoadsAgain {
        /// The model id.
        model: String,
        /// The file, relative to the project root.
        file: String,
        /// False when no earlier readable version was at hand to compare
        /// with (a diff whose base did not load): then only the accepted
        /// risks of the model are listed after it.
        compared: bool,
    },
    /// A data asset, zone, component, flow or boundary is new.
    ElementAdded {
        /// What sort of element.
        kind: ElementKind,
        /// Its id.
        id: Id,
    },
    /// An element was deleted.
    ElementRemoved {
        /// What sort of element.
        kind: ElementKind,
        /// Its id.
        id: Id,
    },
    /// Fields of an element changed.
    ElementChanged {
        /// What sort of element.
        kind: ElementKind,
        /// Its id.
        id: Id,
        /// What changed.
        fields: Vec<FieldChange>,
    },
    /// A threat is new.
    ThreatAdded {
        /// Its id.
        id: Id,
        /// What it targets.
        target: Id,
        /// Its STRIDE categories.
        stride: Vec<StrideCategory>,
        /// Its severity.
        severity: Severity,
        /// Its status.
        status: ThreatStatus,
        /// Whether it is still a first draft.
        drafted: bool,
    },
    /// A threat was deleted.
    ThreatRemoved {
        /// Its id.
        id: Id,
        /// Its status when deleted.
        status: ThreatStatus,
        /// Its severity when deleted.
        severity: Severity,
        /// The model that has it now, when it moved to another model in the same diff.
        moved_to: Option<String>,
    },
    /// A threat's status changed.
    ThreatStatusChanged {
        /// The threat.
        id: Id,
        /// Old status.
        from: ThreatStatus,
        /// New status.
        to: ThreatStatus,
        /// Its severity in the new version.
        severity: Severity,
    },
    /// A threat's severity changed.
    SeverityChanged {
        /// The threat.
        id: Id,
        /// Old severity.
        from: Severity,
        /// New severity.
        to: Severity,
        /// True when the threat is closed (mitigated or not-applicable) in both versions.
        closed: bool,
    },
    /// A threat's likelihood changed.
    LikelihoodChanged {
        /// The threat.
        id: Id,
        /// Old likelihood.
        from: Level,
        /// New likelihood.
        to: Level,
        /// True when the threat is closed (mitigated or not-applicable) in both versions.
        closed: bool,
    },
    /// A threat's impact changed.
    ImpactChanged {
        /// The threat.
        id: Id,
        /// Old impact.
        from: Level,
        /// New impact.
        to: Level,
        /// True when the threat is closed (mitigated or not-applicable) in both versions.
        closed: bool,
    },
    /// A threat's STRIDE categories changed.
    CategoriesChanged {
        /// The threat.
        id: Id,
        /// Categories it gained.
        added: Vec<StrideCategory>,
        /// Categories it lost.
        removed: Vec<StrideCategory>,
    },
    /// Mitigations were linked to or unlinked from a threat.
    ThreatMitigationsChanged {
        /// The threat.
        id: Id,
        /// Newly linked mitigation ids.
        linked: Vec<Id>,
        /// Unlinked mitigation ids.
        unlinked: Vec<Id>,
        /// True when the threat is closed (mitigated or not-applicable) in both versions.
        closed: bool,
    },
    /// A drafted threat was reviewed (its `drafted` mark removed), or marked drafted again.
    ThreatDraftChanged {
        /// The threat.
        id: Id,
        /// Whether it is drafted now.
        drafted: bool,
    },
    /// Other fields of a threat changed (title, description, target, current, reason).
    ThreatEdited {
        /// The threat.
        id: Id,
        /// What changed.
        fields: Vec<FieldChange>,
    },
    /// A residual risk was accepted (an acceptance recorded where there was none).
    RiskAccepted {
        /// The threat.
        threat: Id,
        /// The threat's status before, when the acceptance came with a move to
        /// `accepted` (one fact: no separate status change is listed).
        from: Option<ThreatStatus>,
        /// Who accepted it.
        by: String,
        /// When.
        at: Date,
        /// When it lapses.
        expires: Option<Date>,
    },
    /// An acceptance was renewed: a new date or a new expiry.
    AcceptanceRenewed {
        /// The threat.
        threat: Id,
        /// Who renewed it.
        by: String,
        /// The old expiry.
        from_expires: Option<Date>,
        /// The new expiry.
        to_expires: Option<Date>,
    },
    /// An acceptance's approver or rationale changed (same dates).
    AcceptanceEdited {
        /// The threat.
        threat: Id,
        /// What changed (`acceptance.by`, `acceptance.rationale`).
        fields: Vec<FieldChange>,
    },
    /// An acceptance was removed.
    AcceptanceWithdrawn {
        /// The threat.
        threat: Id,
    },
    /// An acceptance that was valid at the old revision has expired at the new one.
    AcceptanceExpired {
        /// The threat.
        threat: Id,
        /// The expiry date.
        expires: Date,
    },
    /// A mitigation is new.
    MitigationAdded {
        /// Its id.
        id: Id,
        /// Its status.
        status: MitigationStatus,
    },
    /// A mitigation was deleted.
    MitigationRemoved {
        /// Its id.
        id: Id,
        /// Its status when deleted.
        status: MitigationStatus,
        /// The threats that linked it in the old version.
        linked_from: Vec<Id>,
    },
    /// A mitigation's status moved.
    MitigationStatusChanged {
        /// The mitigation.
        id: Id,
        /// Old status.
        from: MitigationStatus,
        /// New status.
        to: MitigationStatus,
    },
    /// A mitigation got its security sign-off.
    MitigationSignedOff {
        /// The mitigation.
        id: Id,
        /// Who signed off.
        by: String,
        /// When.
        at: Date,
    },
    /// Other fields of a mitigation changed.
    MitigationEdited {
        /// The mitigation.
        id: Id,
        /// What changed.
        fields: Vec<FieldChange>,
    },
    /// A review was recorded.
    ReviewAdded {
        /// Which review.
        kind: ReviewKind,
        /// Who reviewed.
        by: String,
        /// When.
        at: Date,
        /// What it concluded.
        outcome: ReviewOutcome,
    },
    /// A review record was deleted.
    ReviewRemoved {
        /// Which review.
        kind: ReviewKind,
        /// Who reviewed.
        by: String,
        /// When.
        at: Date,
    },
    /// An element gained STRIDE coverage (a threat or a not-applicable note) for a category.
    CoverageGained {
        /// The component or flow.
        element: Id,
        /// The category.
        category: StrideCategory,
        /// True when only a not-applicable note answers it (a judgement to check).
        not_applicable: bool,
    },
    /// A category that a threat answered is now answered only by a
    /// not-applicable note.
    CoverageDowngraded {
        /// The component or flow.
        element: Id,
        /// The category.
        category: StrideCategory,
    },
    /// A flow that crossed from one trust zone into another no longer does
    /// (a zone or endpoint changed), so it no longer needs its own threats.
    BoundaryCrossingLost {
        /// The flow.
        flow: Id,
    },
    /// A setting of `book.toml`'s `[output.tm]` changed between the revisions.
    ConfigChanged {
        /// The key (`rules.TM201`, `required-reviews`, `allow-unmodelled`…).
        key: String,
        /// The old value, as TOML-ish text.
        from: String,
        /// The new value.
        to: String,
        /// Whether the checks got laxer, stricter, or neither.
        effect: ConfigEffect,
        /// For a rule whose severity was lowered: how many findings of the
        /// base it no longer reports (listed here, not as "fixed").
        silenced: usize,
    },
    /// Code that takes outside input and that no component covers, new at the
    /// new revision (TM503).
    EntryPointUnmodelled {
        /// The Rust file, relative to the project root.
        file: String,
        /// Its line.
        line: u32,
        /// What it is (`HTTP route handler`).
        what: String,
        /// The item containing it, when known.
        symbol: Option<String>,
        /// TM503's configured severity at the new revision.
        severity: crate::diagnostic::Severity,
    },
    /// An element lost STRIDE coverage for a category.
    CoverageLost {
        /// The component or flow.
        element: Id,
        /// The category.
        category: StrideCategory,
    },
    /// Code that takes outside input, silenced at the new revision (a
    /// `tm:allow-unmodelled` comment or an `allow-unmodelled` entry) where it
    /// was not before.
    EntryPointSilenced {
        /// The Rust file, relative to the project root.
        file: String,
        /// Its line.
        line: u32,
        /// What it is.
        what: String,
        /// The item containing it, when known.
        symbol: Option<String>,
        /// The decision that silences it (`comment: <reason>`).
        by: String,
    },
    /// A mitigation was reviewed (its `drafted` mark removed), or marked drafted again.
    MitigationDraftChanged {
        /// The mitigation.
        id: Id,
        /// Whether it is drafted now.
        drafted: bool,
    },
    /// A question about the model was asked.
    QuestionAdded {
        /// The question.
        id: Id,
        /// The element it is about.
        about: Id,
        /// Whether it came with its answer.
        answered: bool,
    },
    /// A question got its answer.
    QuestionAnswered {
        /// The question.
        id: Id,
        /// Who answered, if recorded.
        by: Option<String>,
        /// When, if recorded.
        at: Option<Date>,
    },
    /// A question's answer was removed: it is open again.
    QuestionReopened {
        /// The question.
        id: Id,
    },
    /// A question was deleted.
    QuestionRemoved {
        /// The question.
        id: Id,
        /// Whether it had an answer.
        answered: bool,
    },
    /// Other fields of a question changed (text, element, code line, the answer's wording or record).
    QuestionEdited {
        /// The question.
        id: Id,
        /// What changed.
        fields: Vec<FieldChange>,
    },
    /// A check finding appeared.
    FindingIntroduced(FindingRef),
    /// A check finding went away.
    FindingFixed(FindingRef),
}

/// A check finding as the diff reports it. Findings are compared by model,
/// rule, severity and message with day counts masked ("in 17 days" changes
/// with the date, not with the model).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FindingRef {
    /// The rule code, e.g. `TM102`.
    pub rule: String,
    /// `error` or `warning`.
    pub severity: crate::diagnostic::Severity,
    /// The finding's message.
    pub message: String,
}

/// How a `book.toml` change bears on the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfigEffect {
    /// A check got laxer or its scope smaller.
    Relaxed,
    /// A check got stricter.
    Tightened,
    /// No bearing on what is checked (output dir, theme, links).
    Neutral,
}

/// How a change bears on security, for ordering a reviewer's attention.
/// Declared in the order a reviewer reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// A control or assessment got weaker: threat dropped, severity lowered,
    /// status backwards, control unlinked, coverage lost…
    Weakened,
    /// A check of `book.toml` got laxer.
    PolicyRelaxed,
    /// A new check error.
    NewError,
    /// New code taking outside input that no component covers.
    NewUnmodelled,
    /// A residual risk was accepted, or its acceptance extended or edited.
    RiskAccepted,
    /// A human judgement a reviewer should look at, which is not in itself a
    /// weakening (a severity lowered on a closed threat, a category declared
    /// not applicable, a model file moved).
    Review,
    /// A control or assessment got stronger.
    Strengthened,
    /// Everything else.
    Neutral,
}

impl Impact {
    /// Whether `tm diff --fail-on weakened` fails on it: every weakening of
    /// the model or of the policy, accepted risks included (an acceptance is
    /// a weakening a person signs for).
    pub fn is_weakening(self) -> bool {
        match self {
            Impact::Weakened | Impact::PolicyRelaxed | Impact::RiskAccepted => true,
            Impact::NewError
            | Impact::NewUnmodelled
            | Impact::Review
            | Impact::Strengthened
            | Impact::Neutral => false,
        }
    }

    /// Whether a reviewer must look at it before merging.
    pub fn needs_reviewer(self) -> bool {
        match self {
            Impact::Weakened
            | Impact::PolicyRelaxed
            | Impact::NewError
            | Impact::NewUnmodelled
            | Impact::RiskAccepted => true,
            Impact::Review | Impact::Strengthened | Impact::Neutral => false,
        }
    }
}

impl Change {
    /// The threat this change concerns, for per-threat timelines.
    pub fn threat(&self) -> Option<&Id> {
        use Change::*;
        match self {
            ThreatAdded { id, .. }
            | ThreatRemoved { id, .. }
            | ThreatStatusChanged { id, .. }
            | SeverityChanged { id, .. }
            | LikelihoodChanged { id, .. }
            | ImpactChanged { id, .. }
            | CategoriesChanged { id, .. }
            | ThreatMitigationsChanged { id, .. }
            | ThreatDraftChanged { id, .. }
            | ThreatEdited { id, .. } => Some(id),
            RiskAccepted { threat, .. }
            | AcceptanceRenewed { threat, .. }
            | AcceptanceEdited { threat, .. }
            | AcceptanceWithdrawn { threat }
            | AcceptanceExpired { threat, .. } => Some(threat),
            _ => None,
        }
    }
}
