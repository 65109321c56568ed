//! A tm model as a TM-BOM document (OWASP Threat Model Library schema
//! v1.0.2). Every element object of that schema is closed
//! (`additionalProperties: false`), so annotations of other formats, and
//! TM-BOM keys the schema does not define, go under `extensions`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::ids::{OutputIds, symbolic};
use super::{annotation, annotation_json};
use crate::model::{Annotation, Classification, ComponentKind, MitigationStatus, Model, RiskLevel};

const ORIGIN: &str = "tm-bom";

/// The schema URI written in `$schema`.
pub const SCHEMA_URI: &str = "https://github.com/OWASP/www-project-threat-model-library/blob/v1.0.2/threat-model.schema.json";

/// The `extensions` key under which tm keeps what the schema has no place for.
pub const EXTENSION_KEY: &str = "tm.dev/annotations";

const DEFAULT_ZONE: &str = "default-zone";

/// The keys each TM-BOM object may have, from the schema.
fn allowed(section: &str) -> &'static [&'static str] {
    match section {
        "root" => &[
            "$schema",
            "version",
            "scope",
            "frozen",
            "released_at",
            "product_release_date",
            "release_docs_link",
            "reviewed_at",
            "repo_link",
            "diagrams",
            "trust_zones",
            "trust_boundaries",
            "actors",
            "components",
            "data_stores",
            "data_sets",
            "data_flows",
            "assumptions",
            "threat_personas",
            "threats",
            "controls",
            "risks",
            "mitigation_plans",
            "extensions",
        ],
        "scope" => &[
            "title",
            "description",
            "business_criticality",
            "data_sensitivity",
            "exposure",
            "tier",
        ],
        "boundary" => &[
            "trust_zone_a",
            "trust_zone_b",
            "access_control_methods",
            "authentication_methods",
            "access_token_expires",
            "access_token_ttl",
            "has_refresh_token",
            "refresh_token_expires",
            "refresh_token_ttl",
            "can_user_logout",
            "can_system_logout",
        ],
        "actors" => &[
            "symbolic_name",
            "title",
            "description",
            "type",
            "permissions",
            "trust_zone",
        ],
        "components" => &[
            "symbolic_name",
            "title",
            "description",
            "parent_component",
            "trust_zone",
            "repo_link",
        ],
        "data_stores" => &[
            "symbolic_name",
            "title",
            "description",
            "type",
            "vendor",
            "product",
            "trust_zone",
        ],
        "data_sets" => &[
            "symbolic_name",
            "title",
            "description",
            "placements",
            "data_sensitivity",
            "access_control_methods",
            "record_count",
        ],
        "data_flows" => &[
            "symbolic_name",
            "title",
            "description",
            "source",
            "destination",
            "has_sensitive_data",
            "encrypted",
        ],
        "threats" => &[
            "symbolic_name",
            "title",
            "description",
            "components_affected",
            "threat_persona",
            "event",
            "sources",
            "attack_mechanisms",
            "weaknesses",
        ],
        "controls" => &[
            "symbolic_name",
            "title",
            "description",
            "threats",
            "trust_boundary",
            "status",
            "priority",
        ],
        _ => &[],
    }
}

/// Collects what cannot be written in place.
struct Extensions(Vec<Value>);

impl Extensions {
    /// The element's same-origin annotations the schema allows, restored;
    /// everything else recorded as an extension entry.
    fn split(&mut self, element: &str, section: &str, anns: &[Annotation]) -> Map<String, Value> {
        let ok = allowed(section);
        let mut obj = Map::new();
        for a in anns {
            if a.origin == ORIGIN && ok.contains(&a.key.as_str()) {
                obj.insert(a.key.clone(), annotation_json(&a.value));
            } else if !(a.origin == ORIGIN && matches!(a.key.as_str(), "section" | "threat" | "id"))
            {
                self.0.push(
                    json!({"element": element, "origin": a.origin, "key": a.key, "value": a.value}),
                );
            }
        }
        obj
    }
}

fn section_of(anns: &[Annotation], kind: ComponentKind) -> &'static str {
    match annotation(anns, ORIGIN, "section") {
        Some("actors") => "actors",
        Some("data_stores") => "data_stores",
        Some("components") => "components",
        _ => match kind {
            ComponentKind::Human | ComponentKind::External => "actors",
            ComponentKind::Datastore => "data_stores",
            _ => "components",
        },
    }
}

fn control_status(s: MitigationStatus) -> &'static str {
    match s {
        MitigationStatus::Proposed => "suggested",
        MitigationStatus::Accepted => "approved",
        MitigationStatus::InProgress => "scheduled",
        MitigationStatus::Implemented | MitigationStatus::Verified => "active",
        MitigationStatus::Rejected => "wont_do",
    }
}

/// The model as a TM-BOM document.
pub fn export(model: &Model) -> Value {
    let mut ext = Extensions(Vec::new());
    // One namespace per kind of element: TM-BOM lets a zone and a component
    // share a symbolic name. A name `tm import` had to change comes back.
    let wanted =
        |anns: &[Annotation], id: &str| annotation(anns, ORIGIN, "id").unwrap_or(id).to_owned();
    let mut zone_ids = OutputIds::default();
    for z in &model.zones {
        let orig = annotation(&model.annotations, ORIGIN, &format!("trust_zones.{z}"))
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
            .and_then(|v| {
                v.get("symbolic_name")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| z.0.clone());
        zone_ids.add(&z.0, &orig, symbolic);
    }
    let mut ids = OutputIds::default();
    for c in &model.components {
        ids.add(&c.id.0, &wanted(&c.annotations, &c.id.0), symbolic);
    }
    let mut other_ids = OutputIds::default();
    for d in &model.data {
        other_ids.add(
            &format!("data:{}", d.id),
            &wanted(&d.annotations, &d.id.0),
            symbolic,
        );
    }
    let mut flow_ids = OutputIds::default();
    for f in &model.flows {
        flow_ids.add(&f.id.0, &wanted(&f.annotations, &f.id.0), symbolic);
    }
    let mut control_ids = OutputIds::default();
    for m in &model.mitigations {
        control_ids.add(&m.id.0, &wanted(&m.annotations, &m.id.0), symbolic);
    }
    // Threats split per component on import are one TM-BOM threat again.
    let mut threat_groups: Vec<(String, Vec<&crate::model::Threat>)> = Vec::new();
    for t in &model.threats {
        let name = annotation(&t.annotations, ORIGIN, "threat").unwrap_or(&t.id.0);
        match threat_groups.iter_mut().find(|(n, _)| n == name) {
            Some((_, g)) => g.push(t),
            None => threat_groups.push((name.to_owned(), vec![t])),
        }
    }
    let mut threat_ids = OutputIds::default();
    let mut threat_name: BTreeMap<&str, String> = BTreeMap::new();
    for (name, group) in &threat_groups {
        let sym = threat_ids.add(name, name, symbolic);
        for t in group {
            threat_name.insert(t.id.as_str(), sym.clone());
        }
    }

    let mut needs_default_zone = false;
    let mut zone_of = |z: &Option<crate::model::Id>| match z {
        Some(z) => zone_ids.get(&z.0),
        None => {
            needs_default_zone = true;
            DEFAULT_ZONE.to_owned()
        }
    };

    let mut sections: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for c in &model.components {
        let section = section_of(&c.annotations, c.kind);
        let sym = ids.get(&c.id.0);
        let mut obj = ext.split(&sym, section, &c.annotations);
        obj.insert("symbolic_name".into(), json!(sym));
        obj.insert("title".into(), json!(c.name));
        obj.insert(
            "description".into(),
            json!(c.description.clone().unwrap_or_else(|| c.name.clone())),
        );
        obj.insert("trust_zone".into(), json!(zone_of(&c.zone)));
        match section {
            "actors" if !obj.get("type").is_some_and(Value::is_string) => {
                let ty = if c.kind == ComponentKind::Human {
                    "user"
                } else {
                    "third_party"
                };
                obj.insert("type".into(), json!(ty));
            }
            "data_stores" if !obj.get("type").is_some_and(Value::is_string) => {
                obj.insert("type".into(), json!("document"));
            }
            _ => {}
        }
        sections
            .entry(section)
            .or_default()
            .push(Value::Object(obj));
    }

    let trust_zones: Vec<Value> = model
        .zones
        .iter()
        .map(|z| {
            let sym = zone_ids.get(&z.0);
            let orig = annotation(&model.annotations, ORIGIN, &format!("trust_zones.{z}"))
                .and_then(|v| serde_json::from_str::<Value>(v).ok());
            let field = |k: &str| orig.as_ref().and_then(|o| o.get(k)).and_then(Value::as_str).map(str::to_owned);
            json!({
                "symbolic_name": sym,
                "title": field("title").unwrap_or_else(|| z.0.clone()),
                "description": field("description").unwrap_or_else(|| format!("Trust zone {z}")),
            })
        })
        .chain(needs_default_zone.then(|| json!({"symbolic_name": DEFAULT_ZONE, "title": "Default zone", "description": "Elements the tm model places in no zone."})))
        .collect();

    let boundaries: Vec<Value> = model
        .boundaries
        .iter()
        .filter(|b| b.between.len() == 2)
        .map(|b| {
            let mut obj = ext.split(&b.id.0, "boundary", &b.annotations);
            obj.insert("trust_zone_a".into(), json!(zone_ids.get(&b.between[0].0)));
            obj.insert("trust_zone_b".into(), json!(zone_ids.get(&b.between[1].0)));
            for (k, v) in [("name", &b.name), ("description", &b.description)] {
                if let Some(v) = v {
                    ext.0
                        .push(json!({"element": b.id.0, "origin": "tm", "key": k, "value": v}));
                }
            }
            Value::Object(obj)
        })
        .collect();

    let data_sets: Vec<Value> = model
        .data
        .iter()
        .map(|d| {
            let sym = other_ids.get(&format!("data:{}", d.id));
            let mut obj = ext.split(&sym, "data_sets", &d.annotations);
            obj.insert("symbolic_name".into(), json!(sym));
            obj.insert("title".into(), json!(d.name));
            obj.insert(
                "description".into(),
                json!(d.description.clone().unwrap_or_else(|| d.name.clone())),
            );
            if !obj.contains_key("placements") {
                let placements: Vec<Value> = model
                    .components
                    .iter()
                    .filter(|c| c.kind == ComponentKind::Datastore && c.data.contains(&d.id))
                    .map(|c| json!({"data_store": ids.get(&c.id.0)}))
                    .collect();
                obj.insert("placements".into(), json!(placements));
            }
            if !obj.contains_key("data_sensitivity") {
                let s: &[&str] = match d.classification {
                    Classification::Restricted => &["cred"],
                    Classification::Confidential => &["pii"],
                    Classification::Internal => &["biz"],
                    Classification::Public => &[],
                };
                obj.insert("data_sensitivity".into(), json!(s));
            }
            Value::Object(obj)
        })
        .collect();

    let kind_of = |id: &str| {
        model
            .components
            .iter()
            .find(|c| c.id.as_str() == id)
            .map_or("component", |c| match section_of(&c.annotations, c.kind) {
                "actors" => "actor",
                "data_stores" => "data_store",
                _ => "component",
            })
    };
    let data_flows: Vec<Value> = model
        .flows
        .iter()
        .map(|f| {
            let sym = flow_ids.get(&f.id.0);
            let mut obj = ext.split(&sym, "data_flows", &f.annotations);
            let title = f.name.clone().unwrap_or_else(|| f.id.0.clone());
            obj.insert("symbolic_name".into(), json!(sym));
            obj.insert(
                "description".into(),
                json!(f.description.clone().unwrap_or_else(|| title.clone())),
            );
            obj.insert("title".into(), json!(title));
            for (key, end) in [("source", &f.from), ("destination", &f.to)] {
                let id = end.parts().1;
                obj.insert(
                    key.into(),
                    json!({"type": kind_of(id), "object": ids.get(id)}),
                );
            }
            if !obj.get("has_sensitive_data").is_some_and(Value::is_boolean) {
                let sensitive = f.data.iter().any(|d| {
                    model
                        .data
                        .iter()
                        .any(|x| &x.id == d && x.classification >= Classification::Confidential)
                });
                obj.insert("has_sensitive_data".into(), json!(sensitive));
            }
            obj.insert("encrypted".into(), json!(f.encrypted.unwrap_or(false)));
            for (k, v) in [
                ("protocol", f.protocol.clone()),
                ("authenticated", f.authenticated.map(|b| b.to_string())),
            ] {
                if let Some(v) = v {
                    ext.0
                        .push(json!({"element": sym, "origin": "tm", "key": k, "value": v}));
                }
            }
            Value::Object(obj)
        })
        .collect();

    let threats: Vec<Value> = threat_groups
        .iter()
        .map(|(name, group)| {
            let t = group[0];
            let sym = threat_ids.get(name);
            let mut obj = ext.split(&sym, "threats", &t.annotations);
            obj.insert("symbolic_name".into(), json!(sym));
            obj.insert("title".into(), json!(t.title));
            obj.insert(
                "description".into(),
                json!(t.description.clone().unwrap_or_else(|| t.title.clone())),
            );
            let affected: Vec<String> = group
                .iter()
                .filter(|t| model.components.iter().any(|c| c.id == t.target))
                .map(|t| ids.get(&t.target.0))
                .collect();
            obj.insert("components_affected".into(), json!(affected));
            if !obj.get("threat_persona").is_some_and(Value::is_string) {
                obj.insert("threat_persona".into(), json!("unspecified"));
            }
            if !obj.get("event").is_some_and(Value::is_string) {
                obj.insert("event".into(), json!(t.title));
            }
            if !obj.get("sources").is_some_and(Value::is_array) {
                obj.insert("sources".into(), json!(["adversary"]));
            }
            let info = json!({
                "stride": t.stride.0.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                "status": t.status.as_str(), "likelihood": t.likelihood.as_str(),
                "impact": t.impact.as_str(), "severity": t.severity.as_str(),
            });
            ext.0.push(
                json!({"element": sym, "origin": "tm", "key": "threat", "value": info.to_string()}),
            );
            Value::Object(obj)
        })
        .collect();

    let controls: Vec<Value> = model
        .mitigations
        .iter()
        .map(|m| {
            let sym = control_ids.get(&m.id.0);
            let mut obj = ext.split(&sym, "controls", &m.annotations);
            obj.insert("symbolic_name".into(), json!(sym));
            obj.insert("title".into(), json!(m.control));
            obj.insert(
                "description".into(),
                json!(m.description.clone().unwrap_or_else(|| m.control.clone())),
            );
            let mut addressed: Vec<String> = model
                .threats
                .iter()
                .filter(|t| t.mitigations.contains(&m.id))
                .filter_map(|t| threat_name.get(t.id.as_str()).cloned())
                .collect();
            addressed.dedup();
            obj.insert("threats".into(), json!(addressed));
            let keep = obj
                .get("status")
                .and_then(Value::as_str)
                .is_some_and(|s| crate::import::tm_bom_control_status(s) == m.status);
            if !keep {
                obj.insert("status".into(), json!(control_status(m.status)));
            }
            if !obj.get("priority").is_some_and(Value::is_string) {
                obj.insert("priority".into(), json!("medium"));
            }
            Value::Object(obj)
        })
        .collect();

    // The document: model-level annotations first, tm's values over them.
    let mut doc = Map::new();
    let mut scope = Map::new();
    let mut risks = Vec::new();
    for a in &model.annotations {
        if a.origin == ORIGIN {
            if let Some(k) = a.key.strip_prefix("scope.") {
                if allowed("scope").contains(&k) {
                    scope.insert(k.to_owned(), annotation_json(&a.value));
                    continue;
                }
            } else if a.key.starts_with("risks.") {
                risks.push(annotation_json(&a.value));
                continue;
            } else if a.key.starts_with("trust_zones.") {
                continue;
            } else if allowed("root").contains(&a.key.as_str()) && a.key != "extensions" {
                doc.insert(a.key.clone(), annotation_json(&a.value));
                continue;
            }
        }
        ext.0.push(
            json!({"element": model.id.0, "origin": a.origin, "key": a.key, "value": a.value}),
        );
    }
    doc.insert("$schema".into(), json!(SCHEMA_URI));
    if !doc
        .get("version")
        .and_then(Value::as_str)
        .is_some_and(is_version)
    {
        doc.insert(
            "version".into(),
            json!(model.version.unwrap_or(1).to_string()),
        );
    }
    scope.insert("title".into(), json!(model.title));
    scope.insert(
        "description".into(),
        json!(model.summary.clone().unwrap_or_else(|| model.title.clone())),
    );
    let criticality = match model.risk {
        RiskLevel::Low => "low",
        RiskLevel::Medium => "moderate",
        RiskLevel::High => "high",
        RiskLevel::Critical => "maximal",
    };
    if scope
        .get("business_criticality")
        .and_then(Value::as_str)
        .is_none_or(|c| crate::import::tm_bom_risk(c) != model.risk)
    {
        scope.insert("business_criticality".into(), json!(criticality));
    }
    scope.entry("data_sensitivity").or_insert_with(|| json!([]));
    scope.entry("exposure").or_insert_with(|| json!("internal"));
    scope.entry("tier").or_insert_with(|| json!("important"));
    doc.insert("scope".into(), Value::Object(scope));
    doc.insert("trust_zones".into(), json!(trust_zones));
    doc.insert("trust_boundaries".into(), json!(boundaries));
    for s in ["actors", "components", "data_stores"] {
        doc.insert(s.into(), json!(sections.remove(s).unwrap_or_default()));
    }
    doc.insert("data_sets".into(), json!(data_sets));
    doc.insert("data_flows".into(), json!(data_flows));
    doc.insert("threats".into(), json!(threats));
    doc.insert("controls".into(), json!(controls));
    if !risks.is_empty() {
        doc.insert("risks".into(), json!(risks));
    }
    if !ext.0.is_empty() {
        doc.insert("extensions".into(), json!({ EXTENSION_KEY: ext.0 }));
    }
    Value::Object(doc)
}

fn is_version(v: &str) -> bool {
    !v.is_empty()
        && v.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}
