use super::*;
use crate::history::diff::FindingRef;
use crate::model::{Severity, StrideCategory};

fn field(name: &str, from: Option<&str>, to: Option<&str>) -> FieldChange {
    FieldChange::value(name.into(), from.map(Into::into), to.map(Into::into))
}

fn element(kind: ElementKind, f: FieldChange) -> Change {
    Change::ElementChanged {
        kind,
        id: "x".into(),
        fields: vec![f],
    }
}

#[test]
fn every_listed_weakening_is_a_weakening() {
    use ThreatStatus::*;
    let weakenings = vec![
        Change::ThreatRemoved {
            id: "T".into(),
            status: Open,
            severity: Severity::High,
            moved_to: None,
        },
        Change::ThreatRemoved {
            id: "T".into(),
            status: Accepted,
            severity: Severity::High,
            moved_to: None,
        },
        Change::SeverityChanged {
            id: "T".into(),
            from: Severity::Critical,
            to: Severity::Low,
            closed: false,
        },
        Change::LikelihoodChanged {
            id: "T".into(),
            from: Level::High,
            to: Level::Low,
            closed: false,
        },
        Change::ImpactChanged {
            id: "T".into(),
            from: Level::High,
            to: Level::Medium,
            closed: false,
        },
        Change::ThreatStatusChanged {
            id: "T".into(),
            from: Mitigated,
            to: Open,
            severity: Severity::High,
        },
        Change::ThreatStatusChanged {
            id: "T".into(),
            from: Open,
            to: NotApplicable,
            severity: Severity::High,
        },
        Change::MitigationStatusChanged {
            id: "M".into(),
            from: MitigationStatus::Implemented,
            to: MitigationStatus::Proposed,
        },
        Change::MitigationRemoved {
            id: "M".into(),
            status: MitigationStatus::Proposed,
            linked_from: vec!["T".into()],
        },
        Change::ThreatMitigationsChanged {
            id: "T".into(),
            linked: vec![],
            unlinked: vec!["M".into()],
            closed: false,
        },
        Change::RiskAccepted {
            threat: "T".into(),
            from: Some(Open),
            by: "cfo".into(),
            at: "2026-01-01".parse().unwrap(),
            expires: None,
        },
        Change::AcceptanceRenewed {
            threat: "T".into(),
            by: "cfo".into(),
            from_expires: None,
            to_expires: None,
        },
        Change::AcceptanceEdited {
            threat: "T".into(),
            fields: vec![field("acceptance.rationale", Some("a"), Some("b"))],
        },
        Change::CoverageLost {
            element: "c".into(),
            category: StrideCategory::Spoofing,
        },
        Change::CoverageDowngraded {
            element: "c".into(),
            category: StrideCategory::Spoofing,
        },
        element(
            ElementKind::Component,
            FieldChange::items("code.paths".into(), vec![], vec!["src/**".into()]),
        ),
        element(
            ElementKind::Component,
            FieldChange::items("code.symbols".into(), vec![], vec!["crate::a".into()]),
        ),
        element(
            ElementKind::Flow,
            field("authenticated", Some("true"), Some("false")),
        ),
        element(ElementKind::Flow, field("encrypted", Some("true"), None)),
        element(
            ElementKind::Data,
            field("classification", Some("restricted"), Some("internal")),
        ),
        element(
            ElementKind::Component,
            field("kind", Some("service"), Some("external")),
        ),
        Change::ElementRemoved {
            kind: ElementKind::Component,
            id: "c".into(),
        },
        Change::BoundaryCrossingLost { flow: "f".into() },
        Change::ModelField(field("risk", Some("high"), Some("low"))),
        Change::ModelField(field("status", Some("approved"), Some("draft"))),
        Change::ReviewRemoved {
            kind: crate::model::ReviewKind::Security,
            by: "a".into(),
            at: "2026-01-01".parse().unwrap(),
        },
        Change::ThreatDraftChanged {
            id: "T".into(),
            drafted: true,
        },
        Change::ThreatEdited {
            id: "T".into(),
            fields: vec![field("target", Some("a"), Some("b"))],
        },
        Change::ModelRemoved { title: "m".into() },
        Change::MitigationEdited {
            id: "M".into(),
            fields: vec![field("signoff.by", Some("a"), None)],
        },
        Change::ConfigChanged {
            key: "rules.TM201".into(),
            from: "error".into(),
            to: "off".into(),
            effect: ConfigEffect::Relaxed,
            silenced: 0,
        },
    ];
    for c in weakenings {
        assert!(c.impact().is_weakening(), "{c:?} is {:?}", c.impact());
    }
}

#[test]
fn a_lowered_rating_is_never_a_strengthening() {
    let lowered = |closed| Change::SeverityChanged {
        id: "T".into(),
        from: Severity::High,
        to: Severity::Low,
        closed,
    };
    assert_eq!(lowered(false).impact(), Impact::Weakened);
    assert_eq!(lowered(true).impact(), Impact::Weakened);
    let raised = Change::SeverityChanged {
        id: "T".into(),
        from: Severity::Low,
        to: Severity::High,
        closed: false,
    };
    assert!(!raised.impact().is_weakening());
}

#[test]
fn closed_or_moved_threats_may_go() {
    let removed = |status, moved_to| Change::ThreatRemoved {
        id: "T".into(),
        status,
        severity: Severity::High,
        moved_to,
    };
    assert_eq!(
        removed(ThreatStatus::Mitigated, None).impact(),
        Impact::Neutral
    );
    assert_eq!(
        removed(ThreatStatus::Open, Some("other".into())).impact(),
        Impact::Neutral
    );
}

#[test]
fn strengthenings_and_unknown_fields() {
    let reviewed = Change::ThreatDraftChanged {
        id: "T".into(),
        drafted: false,
    };
    assert_eq!(reviewed.impact(), Impact::Strengthened);
    let renamed = element(ElementKind::Component, field("name", Some("A"), Some("B")));
    assert_eq!(renamed.impact(), Impact::Neutral);
    // A field nobody classified is assumed to weaken.
    let unknown = element(ElementKind::Component, field("owner", Some("a"), Some("b")));
    assert_eq!(unknown.impact(), Impact::Weakened);
    let warning = Change::FindingIntroduced(FindingRef {
        rule: "TM306".into(),
        severity: RuleSeverity::Warning,
        message: "m".into(),
    });
    assert_eq!(warning.impact(), Impact::Neutral);
}
