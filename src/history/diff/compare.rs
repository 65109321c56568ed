//! Comparing two versions of one model, element by element, by id.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value};

use super::change::{Change, ElementKind, FieldChange};
use super::impact::is_closed;
use crate::model::{Date, Id, Model, StrideCategory, Threat, ThreatStatus};

/// Text values longer than this are reported as "edited" without their content.
const MAX_SHOWN_TEXT: usize = 80;

/// Every change from `old` to `new`; `old_date`/`new_date` are "today" on each
/// side, for expiries. Deterministic: sections in a fixed order, ids sorted.
pub fn compare_models(old: &Model, new: &Model, old_date: Date, new_date: Date) -> Vec<Change> {
    let mut out = Vec::new();
    if old.id != new.id {
        out.push(Change::ModelRenamed {
            from: old.id.clone(),
            to: new.id.clone(),
        });
    }
    let skip = [
        "id",
        "tm",
        "data",
        "zones",
        "components",
        "flows",
        "boundaries",
        "threats",
        "mitigations",
        "reviews",
        "questions",
    ];
    out.extend(
        field_changes(old, new, &skip)
            .into_iter()
            .map(Change::ModelField),
    );
    compare_zones(old, new, &mut out);
    compare_elements(
        ElementKind::Data,
        by_id(&old.data, |d| &d.id),
        by_id(&new.data, |d| &d.id),
        &mut out,
    );
    compare_elements(
        ElementKind::Component,
        by_id(&old.components, |c| &c.id),
        by_id(&new.components, |c| &c.id),
        &mut out,
    );
    compare_elements(
        ElementKind::Flow,
        by_id(&old.flows, |f| &f.id),
        by_id(&new.flows, |f| &f.id),
        &mut out,
    );
    compare_elements(
        ElementKind::Boundary,
        by_id(&old.boundaries, |b| &b.id),
        by_id(&new.boundaries, |b| &b.id),
        &mut out,
    );
    compare_threats(old, new, old_date, new_date, &mut out);
    compare_mitigations(old, new, &mut out);
    super::questions::compare_questions(old, new, &mut out);
    compare_reviews(old, new, &mut out);
    compare_coverage(old, new, &mut out);
    compare_crossings(old, new, &mut out);
    out
}

/// The changes of a model that appeared: it, its threats, its acceptances.
pub fn added_model(new: &Model, new_date: Date) -> Vec<Change> {
    let mut out = vec![Change::ModelAdded {
        title: new.title.clone(),
    }];
    let empty = Model {
        threats: Vec::new(),
        ..new.clone()
    };
    compare_threats(&empty, new, new_date, new_date, &mut out);
    out
}

fn by_id<T>(items: &[T], id: impl Fn(&T) -> &Id) -> BTreeMap<&Id, &T> {
    items.iter().map(|i| (id(i), i)).collect()
}

fn compare_zones(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let (a, b): (BTreeSet<&Id>, BTreeSet<&Id>) =
        (old.zones.iter().collect(), new.zones.iter().collect());
    for id in b.difference(&a) {
        out.push(Change::ElementAdded {
            kind: ElementKind::Zone,
            id: (*id).clone(),
        });
    }
    for id in a.difference(&b) {
        out.push(Change::ElementRemoved {
            kind: ElementKind::Zone,
            id: (*id).clone(),
        });
    }
}

fn compare_elements<T: Serialize + PartialEq>(
    kind: ElementKind,
    old: BTreeMap<&Id, &T>,
    new: BTreeMap<&Id, &T>,
    out: &mut Vec<Change>,
) {
    for (id, n) in &new {
        match old.get(id) {
            None => out.push(Change::ElementAdded {
                kind,
                id: (*id).clone(),
            }),
            Some(o) if o == n => {}
            Some(o) => {
                let fields = field_changes(*o, *n, &["id"]);
                if !fields.is_empty() {
                    out.push(Change::ElementChanged {
                        kind,
                        id: (*id).clone(),
                        fields,
                    });
                }
            }
        }
    }
    for id in old.keys().filter(|id| !new.contains_key(*id)) {
        out.push(Change::ElementRemoved {
            kind,
            id: (*id).clone(),
        });
    }
}

fn compare_threats(
    old: &Model,
    new: &Model,
    old_date: Date,
    new_date: Date,
    out: &mut Vec<Change>,
) {
    let (olds, news) = (
        by_id(&old.threats, |t| &t.id),
        by_id(&new.threats, |t| &t.id),
    );
    for (id, n) in &news {
        let id = (*id).clone();
        let Some(o) = olds.get(&id) else {
            out.push(Change::ThreatAdded {
                id: id.clone(),
                target: n.target.clone(),
                stride: n.stride.0.clone(),
                severity: n.severity,
                status: n.status,
                drafted: n.drafted,
            });
            compare_acceptance(&id, None, n, old_date, new_date, out);
            continue;
        };
        if o == n {
            // Unchanged, but an acceptance may have expired between the two dates.
            compare_acceptance(&id, Some(o), n, old_date, new_date, out);
            continue;
        }
        let closed = is_closed(o.status) && is_closed(n.status);
        // Accepting a risk is one fact: the acceptance, with the status it left.
        let accepted_now =
            n.status == ThreatStatus::Accepted && o.acceptance.is_none() && n.acceptance.is_some();
        // Withdrawing an acceptance by reopening is one fact: the status move.
        let reopened = o.status == ThreatStatus::Accepted && o.acceptance.is_some();
        if o.status != n.status && !accepted_now {
            out.push(Change::ThreatStatusChanged {
                id: id.clone(),
                from: o.status,
                to: n.status,
                severity: n.severity,
            });
        }
        if o.severity != n.severity {
            out.push(Change::SeverityChanged {
                id: id.clone(),
                from: o.severity,
                to: n.severity,
                closed,
            });
        }
        if o.likelihood != n.likelihood {
            out.push(Change::LikelihoodChanged {
                id: id.clone(),
                from: o.likelihood,
                to: n.likelihood,
                closed,
            });
        }
        if o.impact != n.impact {
            out.push(Change::ImpactChanged {
                id: id.clone(),
                from: o.impact,
                to: n.impact,
                closed,
            });
        }
        let (added, removed) = set_diff(&o.stride.0, &n.stride.0);
        if !added.is_empty() || !removed.is_empty() {
            out.push(Change::CategoriesChanged {
                id: id.clone(),
                added,
                removed,
            });
        }
        let (linked, unlinked) = set_diff(&o.mitigations, &n.mitigations);
        if !linked.is_empty() || !unlinked.is_empty() {
            out.push(Change::ThreatMitigationsChanged {
                id: id.clone(),
                linked,
                unlinked,
                closed,
            });
        }
        if o.drafted != n.drafted {
            out.push(Change::ThreatDraftChanged {
                id: id.clone(),
                drafted: n.drafted,
            });
        }
        let handled = [
            "id",
            "status",
            "severity",
            "likelihood",
            "impact",
            "stride",
            "mitigations",
            "drafted",
            "acceptance",
        ];
        let fields = field_changes(*o, *n, &handled);
        if !fields.is_empty() {
            out.push(Change::ThreatEdited {
                id: id.clone(),
                fields,
            });
        }
        let from = accepted_now.then_some(o.status);
        let withdrawn_by_status = reopened && o.status != n.status;
        let before = out.len();
        compare_acceptance(&id, Some(o), n, old_date, new_date, out);
        if let Some(Change::RiskAccepted { from: f, .. }) = out.get_mut(before) {
            *f = from;
        }
        if withdrawn_by_status {
            out.retain(|c| !matches!(c, Change::AcceptanceWithdrawn { threat } if *threat == id));
        }
    }
    for (id, o) in olds.iter().filter(|(id, _)| !news.contains_key(*id)) {
        out.push(Change::ThreatRemoved {
            id: (*id).clone(),
            status: o.status,
            severity: o.severity,
            moved_to: None,
        });
    }
}

fn compare_acceptance(
    id: &Id,
    old: Option<&Threat>,
    new: &Threat,
    old_date: Date,
    new_date: Date,
    out: &mut Vec<Change>,
) {
    let threat = id.clone();
    let old_acc = old.and_then(|t| t.acceptance.as_ref());
    match (old_acc, &new.acceptance) {
        (None, Some(a)) => out.push(Change::RiskAccepted {
            threat: threat.clone(),
            from: None,
            by: a.by.clone(),
            at: a.at,
            expires: a.expires,
        }),
        (Some(_), None) => out.push(Change::AcceptanceWithdrawn {
            threat: threat.clone(),
        }),
        (Some(o), Some(n)) if o.at != n.at || o.expires != n.expires => {
            out.push(Change::AcceptanceRenewed {
                threat: threat.clone(),
                by: n.by.clone(),
                from_expires: o.expires,
                to_expires: n.expires,
            })
        }
        (Some(o), Some(n)) if o != n => {
            let fields: Vec<FieldChange> = field_changes(o, n, &[])
                .into_iter()
                .map(|f| FieldChange {
                    field: format!("acceptance.{}", f.field),
                    ..f
                })
                .collect();
            // A reflowed rationale is no change.
            if !fields.is_empty() {
                out.push(Change::AcceptanceEdited {
                    threat: threat.clone(),
                    fields,
                });
            }
        }
        _ => {}
    }
    let expired = |acc: Option<&crate::model::Acceptance>, today: Date| {
        acc.and_then(|a| a.expires).is_some_and(|e| e < today)
    };
    if let Some(expires) = new.acceptance.as_ref().and_then(|a| a.expires)
        && expired(new.acceptance.as_ref(), new_date)
        && !expired(old_acc, old_date)
    {
        out.push(Change::AcceptanceExpired { threat, expires });
    }
}

fn compare_mitigations(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let (olds, news) = (
        by_id(&old.mitigations, |m| &m.id),
        by_id(&new.mitigations, |m| &m.id),
    );
    for (id, n) in &news {
        let id = (*id).clone();
        let Some(o) = olds.get(&id) else {
            out.push(Change::MitigationAdded {
                id,
                status: n.status,
            });
            continue;
        };
        if o.status != n.status {
            out.push(Change::MitigationStatusChanged {
                id: id.clone(),
                from: o.status,
                to: n.status,
            });
        }
        if let (None, Some(s)) = (&o.signoff, &n.signoff) {
            out.push(Change::MitigationSignedOff {
                id: id.clone(),
                by: s.by.clone(),
                at: s.at,
            });
        }
        if o.drafted != n.drafted {
            out.push(Change::MitigationDraftChanged {
                id: id.clone(),
                drafted: n.drafted,
            });
        }
        let fields = field_changes(*o, *n, &["id", "status", "drafted"]);
        let fields: Vec<_> = fields
            .into_iter()
            .filter(|f| !(f.field.starts_with("signoff.") && o.signoff.is_none()))
            .collect();
        if !fields.is_empty() {
            out.push(Change::MitigationEdited { id, fields });
        }
    }
    for (id, o) in olds.iter().filter(|(id, _)| !news.contains_key(*id)) {
        let linked_from = old
            .threats
            .iter()
            .filter(|t| t.mitigations.contains(id))
            .map(|t| t.id.clone())
            .collect();
        out.push(Change::MitigationRemoved {
            id: (*id).clone(),
            status: o.status,
            linked_from,
        });
    }
}

fn compare_reviews(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let key = |r: &crate::model::Review| (r.at, r.kind, r.by.clone(), r.outcome);
    let olds: BTreeSet<_> = old.reviews.iter().map(key).collect();
    let news: BTreeSet<_> = new.reviews.iter().map(key).collect();
    for (at, kind, by, outcome) in news.difference(&olds) {
        out.push(Change::ReviewAdded {
            kind: *kind,
            by: by.clone(),
            at: *at,
            outcome: *outcome,
        });
    }
    for (at, kind, by, _) in olds.difference(&news) {
        out.push(Change::ReviewRemoved {
            kind: *kind,
            by: by.clone(),
            at: *at,
        });
    }
}

/// How an (element, category) cell is answered; a threat beats a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Answer {
    NotApplicable,
    Threat,
}

/// The answered (element, category) cells of the components and flows of a model.
fn coverage(m: &Model) -> BTreeMap<(&Id, StrideCategory), Answer> {
    let mut cells = BTreeMap::new();
    let notes = m
        .components
        .iter()
        .map(|c| (&c.id, &c.not_applicable))
        .chain(m.flows.iter().map(|f| (&f.id, &f.not_applicable)));
    for (id, nas) in notes {
        for na in nas {
            for c in &na.stride.0 {
                cells.insert((id, *c), Answer::NotApplicable);
            }
        }
    }
    for t in &m.threats {
        for c in &t.stride.0 {
            cells.insert((&t.target, *c), Answer::Threat);
        }
    }
    cells
}

fn compare_coverage(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let elements = |m: &Model| -> BTreeSet<Id> {
        m.components
            .iter()
            .map(|c| c.id.clone())
            .chain(m.flows.iter().map(|f| f.id.clone()))
            .collect()
    };
    let both: BTreeSet<Id> = elements(old)
        .intersection(&elements(new))
        .cloned()
        .collect();
    let (a, b) = (coverage(old), coverage(new));
    let cells: BTreeSet<&(&Id, StrideCategory)> = a.keys().chain(b.keys()).collect();
    for key @ (id, category) in cells.into_iter().filter(|(id, _)| both.contains(*id)) {
        let (element, category) = ((*id).clone(), *category);
        let change = match (a.get(key), b.get(key)) {
            (None, Some(answer)) => Change::CoverageGained {
                element,
                category,
                not_applicable: *answer == Answer::NotApplicable,
            },
            (Some(Answer::NotApplicable), Some(Answer::Threat)) => Change::CoverageGained {
                element,
                category,
                not_applicable: false,
            },
            (Some(Answer::Threat), Some(Answer::NotApplicable)) => {
                Change::CoverageDowngraded { element, category }
            }
            (Some(_), None) => Change::CoverageLost { element, category },
            _ => continue,
        };
        out.push(change);
    }
}

/// Flows in both versions that crossed a trust boundary and no longer do.
fn compare_crossings(old: &Model, new: &Model, out: &mut Vec<Change>) {
    use crate::check::coverage::crosses_boundary;
    for n in &new.flows {
        if let Some(o) = old.flows.iter().find(|o| o.id == n.id)
            && crosses_boundary(old, o)
            && !crosses_boundary(new, n)
        {
            out.push(Change::BoundaryCrossingLost { flow: n.id.clone() });
        }
    }
}

/// Items added to and removed from a list, each in its original order.
fn set_diff<T: PartialEq + Clone>(old: &[T], new: &[T]) -> (Vec<T>, Vec<T>) {
    let added = new.iter().filter(|x| !old.contains(x)).cloned().collect();
    let removed = old.iter().filter(|x| !new.contains(x)).cloned().collect();
    (added, removed)
}

/// The fields of two values of the same type that differ, except top-level
/// keys in `skip`, in key order. A nested mapping (`code`, `signoff`) is
/// compared key by key (`code.paths`); a list of short values by the items it
/// gained and lost, so reordering it is no change.
pub(crate) fn field_changes<T: Serialize>(old: &T, new: &T, skip: &[&str]) -> Vec<FieldChange> {
    let (Ok(Value::Object(a)), Ok(Value::Object(b))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    object_changes("", &a, &b, skip, &mut out);
    out
}

fn object_changes(
    prefix: &str,
    a: &Map<String, Value>,
    b: &Map<String, Value>,
    skip: &[&str],
    out: &mut Vec<FieldChange>,
) {
    let keys: BTreeSet<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| !skip.contains(&k.as_str()))
        .collect();
    let empty = Map::new();
    for key in keys {
        let (x, y) = (
            a.get(key).unwrap_or(&Value::Null),
            b.get(key).unwrap_or(&Value::Null),
        );
        if same_content(x, y) {
            continue;
        }
        let field = format!("{prefix}{key}");
        match (x, y) {
            (Value::Object(_) | Value::Null, Value::Object(_) | Value::Null) => {
                let as_map = |v: &'_ Value| match v {
                    Value::Object(m) => m.clone(),
                    _ => empty.clone(),
                };
                object_changes(&format!("{field}."), &as_map(x), &as_map(y), &[], out);
            }
            _ if is_scalar_list(x) && is_scalar_list(y) => {
                let items = |v: &Value| -> Vec<String> {
                    v.as_array()
                        .map(|l| l.iter().map(scalar_text).collect())
                        .unwrap_or_default()
                };
                let (added, removed) = set_diff(&items(x), &items(y));
                if !added.is_empty() || !removed.is_empty() {
                    out.push(FieldChange::items(field, added, removed));
                }
            }
            _ => out.push(FieldChange::value(field, shown(x), shown(y))),
        }
    }
}

/// Whether two values say the same thing: equal, or text equal up to
/// whitespace (a reflowed or re-quoted paragraph reads the same in
/// Markdown), or lists holding the same items in another order.
fn same_content(x: &Value, y: &Value) -> bool {
    match (x, y) {
        (Value::String(a), Value::String(b)) => a.split_whitespace().eq(b.split_whitespace()),
        (Value::Array(a), Value::Array(b)) => {
            let canonical = |l: &[Value]| {
                let mut items: Vec<String> = l.iter().map(normalized).collect();
                items.sort();
                items
            };
            canonical(a) == canonical(b)
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| same_content(v, w)))
        }
        _ => x == y,
    }
}

/// A value as text with its strings' whitespace collapsed and its lists
/// sorted, for order-free comparison.
fn normalized(v: &Value) -> String {
    match v {
        Value::String(s) => {
            serde_json::to_string(&s.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default()
        }
        Value::Array(items) => {
            let mut parts: Vec<String> = items.iter().map(normalized).collect();
            parts.sort();
            format!("[{}]", parts.join(","))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k:?}:{}", normalized(v)))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        other => other.to_string(),
    }
}

/// Absent, or a list of strings, numbers or booleans.
fn is_scalar_list(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(items) => items
            .iter()
            .all(|i| !matches!(i, Value::Array(_) | Value::Object(_))),
        _ => false,
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A scalar as short text, or `None` when it is long prose, absent or structured.
fn shown(v: &Value) -> Option<String> {
    let text = match v {
        Value::Null | Value::Array(_) | Value::Object(_) => return None,
        other => scalar_text(other),
    };
    (text.len() <= MAX_SHOWN_TEXT && !text.contains('\n')).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(yaml: &str) -> Model {
        let (_, (loaded, diags)) =
            crate::load::load_model_text(std::path::Path::new("m.yaml"), yaml.as_bytes().to_vec());
        assert!(diags.is_empty(), "{diags:?}");
        loaded.unwrap().model
    }

    const BASE: &str = "tm: 1\nid: shop\ntitle: Shop\nstatus: draft\nrisk: low\ncomponents:\n  - {id: web, name: Web, kind: service}\n  - {id: db, name: DB, kind: datastore}\nthreats:\n  - {id: T-1, target: web, stride: spoofing, title: Fake user, likelihood: low, impact: high, severity: medium, status: open, mitigations: [M-1]}\nmitigations:\n  - {id: M-1, control: MFA, status: proposed}\n";

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn reordering_and_reformatting_is_no_change() {
        let moved = "tm: 1\nid: shop\ntitle: Shop\nstatus: draft\nrisk: low\nmitigations:\n  - id: M-1\n    control: MFA\n    status: proposed\nthreats:\n  - {id: T-1, target: web, stride: [spoofing], title: Fake user, likelihood: low, impact: high, severity: medium, status: open, mitigations: [M-1]}\ncomponents:\n  - {id: db, name: DB, kind: datastore}\n  - {id: web, name: Web, kind: service}\n";
        let d = day("2026-01-01");
        assert_eq!(compare_models(&model(BASE), &model(moved), d, d), vec![]);
    }

    #[test]
    fn status_moves_and_acceptance_are_reported() {
        let new = BASE
            .replace("status: open, mitigations", "status: accepted, acceptance: {by: cfo, at: 2026-02-01, expires: 2026-08-01, rationale: cheap}, mitigations")
            .replace("status: proposed", "status: in-progress");
        let d = day("2026-03-01");
        let changes = compare_models(&model(BASE), &model(&new), d, d);
        assert_eq!(
            changes,
            // One fact: the acceptance says the status it left.
            vec![
                Change::RiskAccepted {
                    threat: "T-1".into(),
                    from: Some(crate::model::ThreatStatus::Open),
                    by: "cfo".into(),
                    at: day("2026-02-01"),
                    expires: Some(day("2026-08-01"))
                },
                Change::MitigationStatusChanged {
                    id: "M-1".into(),
                    from: crate::model::MitigationStatus::Proposed,
                    to: crate::model::MitigationStatus::InProgress
                },
            ]
        );
        let later = compare_models(&model(&new), &model(&new), d, day("2026-09-01"));
        assert_eq!(
            later,
            vec![Change::AcceptanceExpired {
                threat: "T-1".into(),
                expires: day("2026-08-01")
            }]
        );
    }

    #[test]
    fn removing_a_threat_loses_coverage() {
        let new = BASE.replace("threats:\n  - {id: T-1, target: web, stride: spoofing, title: Fake user, likelihood: low, impact: high, severity: medium, status: open, mitigations: [M-1]}\n", "");
        let d = day("2026-01-01");
        let changes = compare_models(&model(BASE), &model(&new), d, d);
        assert_eq!(
            changes,
            vec![
                Change::ThreatRemoved {
                    id: "T-1".into(),
                    status: crate::model::ThreatStatus::Open,
                    severity: crate::model::Severity::Medium,
                    moved_to: None,
                },
                Change::CoverageLost {
                    element: "web".into(),
                    category: StrideCategory::Spoofing
                },
            ]
        );
    }

    #[test]
    fn reflowed_text_and_reordered_notes_are_no_change() {
        let notes = |a: &str, b: &str| {
            BASE.replace(
                "{id: db, name: DB, kind: datastore}",
                &format!("{{id: db, name: DB, kind: datastore, not-applicable: [{a}, {b}]}}"),
            )
        };
        let one = model(&notes(
            "{stride: spoofing, reason: No users}",
            "{stride: tampering, reason: Read only}",
        ));
        let two = model(&notes(
            "{stride: tampering, reason: \"Read\n  only\"}",
            "{stride: spoofing, reason: No users}",
        ));
        let d = day("2026-01-01");
        assert_eq!(compare_models(&one, &two, d, d), vec![]);
        let folded = model(&BASE.replace("title: Fake user", "title: \"Fake\n  user \""));
        assert_eq!(compare_models(&model(BASE), &folded, d, d), vec![]);
    }

    #[test]
    fn nested_mappings_and_lists_compare_by_key_and_item() {
        let old = model(BASE);
        let new = model(&BASE.replace(
            "{id: web, name: Web, kind: service}",
            "{id: web, name: Web, kind: service, code: {paths: ['src/web/**'], symbols: ['crate::web']}}",
        ));
        let d = day("2026-01-01");
        let added = compare_models(&old, &new, d, d);
        let Some(Change::ElementChanged { fields, .. }) = added.first() else {
            panic!("{added:?}")
        };
        assert_eq!(
            fields,
            &vec![
                FieldChange::items("code.paths".into(), vec!["src/web/**".into()], vec![]),
                FieldChange::items("code.symbols".into(), vec!["crate::web".into()], vec![]),
            ]
        );
        // Reordering a list is no change.
        let reordered = model(&BASE.replace(
            "{id: web, name: Web, kind: service}",
            "{id: web, name: Web, kind: service, code: {paths: ['b/**', 'a/**']}}",
        ));
        let sorted = model(&BASE.replace(
            "{id: web, name: Web, kind: service}",
            "{id: web, name: Web, kind: service, code: {paths: ['a/**', 'b/**']}}",
        ));
        assert_eq!(compare_models(&reordered, &sorted, d, d), vec![]);
    }
}
