//! A tm model as an Open Threat Model 0.2.0 document (JSON).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::ids::{OutputIds, as_is};
use super::{annotation, annotation_json, restored};
use crate::model::{
    Annotation, Classification, ComponentKind, Level, MitigationStatus, Model, StrideCategory,
    Threat, ThreatStatus,
};

const ORIGIN: &str = "otm";

/// The OTM version written.
pub const OTM_VERSION: &str = "0.2.0";

/// Zone written for components that have none (OTM requires a parent).
const DEFAULT_ZONE: &str = "default-zone";

fn original<'a>(anns: &'a [Annotation], tm_id: &'a str) -> &'a str {
    annotation(anns, ORIGIN, "id").unwrap_or(tm_id)
}

fn category(c: StrideCategory) -> &'static str {
    match c {
        StrideCategory::Spoofing => "Spoofing",
        StrideCategory::Tampering => "Tampering",
        StrideCategory::Repudiation => "Repudiation",
        StrideCategory::InformationDisclosure => "Information Disclosure",
        StrideCategory::DenialOfService => "Denial of Service",
        StrideCategory::ElevationOfPrivilege => "Elevation of Privilege",
    }
}

fn percent(l: Level) -> u32 {
    match l {
        Level::Low => 25,
        Level::Medium => 50,
        Level::High => 100,
    }
}

fn threat_state(s: ThreatStatus) -> &'static str {
    match s {
        ThreatStatus::Open => "exposed",
        ThreatStatus::Mitigated => "mitigated",
        ThreatStatus::Accepted => "accepted",
        ThreatStatus::Transferred => "transferred",
        ThreatStatus::NotApplicable => "not-applicable",
    }
}

fn mitigation_state(s: MitigationStatus) -> &'static str {
    match s {
        MitigationStatus::Proposed | MitigationStatus::Accepted => "recommended",
        MitigationStatus::InProgress => "required",
        MitigationStatus::Implemented | MitigationStatus::Verified => "implemented",
        MitigationStatus::Rejected => "rejected",
    }
}

/// Annotations of other origins go to the element's `attributes`.
fn foreign_attributes(obj: &mut Map<String, Value>, anns: &[Annotation]) {
    let foreign: Map<String, Value> = anns
        .iter()
        .filter(|a| a.origin != ORIGIN)
        .map(|a| {
            (
                format!("{}:{}", a.origin, a.key),
                Value::String(a.value.clone()),
            )
        })
        .collect();
    if foreign.is_empty() {
        return;
    }
    let attrs = obj
        .entry("attributes")
        .or_insert_with(|| Value::Object(Map::new()));
    if !attrs.is_object() {
        *attrs = Value::Object(Map::new());
    }
    if let Value::Object(m) = attrs {
        m.extend(foreign);
    }
}

/// The model as an OTM document.
pub fn export(model: &Model) -> Value {
    let mut ids = OutputIds::default();
    for z in &model.zones {
        let orig = annotation(&model.annotations, ORIGIN, &format!("trustZones.{z}"))
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
            .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| z.0.clone());
        ids.add(&format!("zone:{z}"), &orig, as_is);
    }
    for d in &model.data {
        ids.add(
            &format!("data:{}", d.id),
            original(&d.annotations, &d.id.0),
            as_is,
        );
    }
    for c in &model.components {
        ids.add(&c.id.0, original(&c.annotations, &c.id.0), as_is);
    }
    for f in &model.flows {
        ids.add(&f.id.0, original(&f.annotations, &f.id.0), as_is);
    }
    for m in &model.mitigations {
        ids.add(
            &format!("mitigation:{}", m.id),
            original(&m.annotations, &m.id.0),
            as_is,
        );
    }
    let zone = |z: &str| ids.get(&format!("zone:{z}"));
    let data = |d: &str| ids.get(&format!("data:{d}"));
    let mitigation = |m: &str| ids.get(&format!("mitigation:{m}"));

    // Catalog threats: one per `threat` annotation (an import's catalog id),
    // else one per tm threat.
    let catalog_id = |t: &Threat| {
        annotation(&t.annotations, ORIGIN, crate::import::otm_catalog_key())
            .unwrap_or(&t.id.0)
            .to_owned()
    };
    let mut instances: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut catalog: Vec<(String, &Threat)> = Vec::new();
    for t in &model.threats {
        let cid = catalog_id(t);
        if !catalog.iter().any(|(c, _)| *c == cid) {
            catalog.push((cid.clone(), t));
        }
        let mits: Vec<Value> = t
            .mitigations
            .iter()
            .map(|m| {
                let state = annotation(&t.annotations, ORIGIN, &format!("mitigations.{m}.state"))
                    .map(str::to_owned)
                    .or_else(|| {
                        model
                            .mitigations
                            .iter()
                            .find(|x| &x.id == m)
                            .map(|x| mitigation_state(x.status).to_owned())
                    })
                    .unwrap_or_else(|| "recommended".into());
                json!({"mitigation": mitigation(&m.0), "state": state})
            })
            .collect();
        let state = annotation(&t.annotations, ORIGIN, "state")
            .filter(|s| crate::import::otm_threat_status(s) == t.status)
            .map_or_else(|| threat_state(t.status).to_owned(), str::to_owned);
        instances
            .entry(t.target.as_str())
            .or_default()
            .push(json!({"threat": cid, "state": state, "mitigations": mits}));
    }

    let mut needs_default_zone = false;
    let components: Vec<Value> = model
        .components
        .iter()
        .map(|c| {
            let mut obj = restored(&c.annotations, ORIGIN, &["id"]);
            obj.insert("id".into(), json!(ids.get(&c.id.0)));
            obj.insert("name".into(), json!(c.name));
            if !obj.get("type").is_some_and(Value::is_string) {
                obj.insert("type".into(), json!(kind_type(c.kind)));
            }
            let keep_parent = obj
                .get("parent")
                .and_then(|p| p.get("component"))
                .is_some_and(Value::is_string);
            if !keep_parent {
                let z = match &c.zone {
                    Some(z) => zone(&z.0),
                    None => {
                        needs_default_zone = true;
                        DEFAULT_ZONE.to_owned()
                    }
                };
                obj.insert("parent".into(), json!({"trustZone": z}));
            }
            if let Some(d) = &c.description {
                obj.insert("description".into(), json!(d));
            }
            let stored: Vec<Value> = obj
                .get("assets")
                .and_then(|a| a.get("stored"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let processed: Vec<Value> = c
                .data
                .iter()
                .map(|d| json!(data(&d.0)))
                .filter(|d| !stored.contains(d))
                .collect();
            let processed = if processed.is_empty() && stored.is_empty() {
                Vec::new()
            } else {
                processed
            };
            if c.data.is_empty() {
                obj.remove("assets");
            } else {
                obj.insert(
                    "assets".into(),
                    json!({"processed": processed, "stored": stored}),
                );
            }
            if let Some(list) = instances.get(c.id.as_str()) {
                obj.insert("threats".into(), json!(list));
            }
            foreign_attributes(&mut obj, &c.annotations);
            Value::Object(obj)
        })
        .collect();

    let dataflows: Vec<Value> = model
        .flows
        .iter()
        .map(|f| {
            let mut obj = restored(&f.annotations, ORIGIN, &["id"]);
            obj.insert("id".into(), json!(ids.get(&f.id.0)));
            obj.insert(
                "name".into(),
                json!(f.name.clone().unwrap_or_else(|| f.id.0.clone())),
            );
            obj.insert("source".into(), json!(ids.get(f.from.parts().1)));
            obj.insert("destination".into(), json!(ids.get(f.to.parts().1)));
            if let Some(d) = &f.description {
                obj.insert("description".into(), json!(d));
            }
            if !f.data.is_empty() {
                obj.insert(
                    "assets".into(),
                    json!(f.data.iter().map(|d| data(&d.0)).collect::<Vec<_>>()),
                );
            }
            if let Some(list) = instances.get(f.id.as_str()) {
                obj.insert("threats".into(), json!(list));
            }
            foreign_attributes(&mut obj, &f.annotations);
            Value::Object(obj)
        })
        .collect();

    let mut trust_zones: Vec<Value> = model
        .zones
        .iter()
        .map(|z| {
            let mut obj = annotation(&model.annotations, ORIGIN, &format!("trustZones.{z}"))
                .and_then(|v| serde_json::from_str::<Value>(v).ok())
                .and_then(|v| v.as_object().cloned())
                .unwrap_or_default();
            obj.insert("id".into(), json!(zone(&z.0)));
            if !obj.get("name").is_some_and(Value::is_string) {
                obj.insert("name".into(), json!(z.0));
            }
            if !obj
                .get("risk")
                .and_then(|r| r.get("trustRating"))
                .is_some_and(Value::is_number)
            {
                obj.insert("risk".into(), json!({"trustRating": 50}));
            }
            Value::Object(obj)
        })
        .collect();
    if needs_default_zone {
        trust_zones
            .push(json!({"id": DEFAULT_ZONE, "name": "Default zone", "risk": {"trustRating": 50}}));
    }

    let assets: Vec<Value> = model
        .data
        .iter()
        .map(|d| {
            let mut obj = restored(&d.annotations, ORIGIN, &["id"]);
            obj.insert("id".into(), json!(data(&d.id.0)));
            obj.insert("name".into(), json!(d.name));
            if let Some(desc) = &d.description {
                obj.insert("description".into(), json!(desc));
            }
            let conf = match d.classification {
                Classification::Public => 0,
                Classification::Internal => 33,
                Classification::Confidential => 66,
                Classification::Restricted => 100,
            };
            let risk_ok = obj.get("risk").is_some_and(|r| {
                ["confidentiality", "integrity", "availability"]
                    .iter()
                    .all(|k| r.get(k).is_some_and(Value::is_number))
                    && r.get("confidentiality")
                        .and_then(Value::as_f64)
                        .map(crate::import::otm_classification)
                        == Some(d.classification)
            });
            if !risk_ok {
                obj.insert(
                    "risk".into(),
                    json!({"confidentiality": conf, "integrity": 50, "availability": 50}),
                );
            }
            foreign_attributes(&mut obj, &d.annotations);
            Value::Object(obj)
        })
        .collect();

    let mut threats: Vec<Value> = catalog
        .iter()
        .map(|(cid, t)| {
            let mut obj = restored(&t.annotations, ORIGIN, &["id", "threat", "state"]);
            obj.insert("id".into(), json!(cid));
            obj.insert("name".into(), json!(t.title));
            if let Some(d) = &t.description {
                obj.insert("description".into(), json!(d));
            }
            obj.insert(
                "categories".into(),
                json!(t.stride.0.iter().map(|c| category(*c)).collect::<Vec<_>>()),
            );
            let risk_ok = obj.get("risk").is_some_and(|r| {
                r.get("impact").is_some_and(Value::is_number)
                    && r.get("likelihood")
                        .and_then(Value::as_f64)
                        .map(crate::import::otm_level)
                        == Some(t.likelihood)
                    && r.get("impact")
                        .and_then(Value::as_f64)
                        .map(crate::import::otm_level)
                        == Some(t.impact)
            });
            if !risk_ok {
                obj.insert(
                    "risk".into(),
                    json!({"likelihood": percent(t.likelihood), "impact": percent(t.impact)}),
                );
            }
            foreign_attributes(&mut obj, &t.annotations);
            Value::Object(obj)
        })
        .collect();
    // Catalog threats an import found instanced nowhere.
    for a in &model.annotations {
        if a.origin == ORIGIN && a.key.starts_with("threats.") {
            let v = annotation_json(&a.value);
            if v.is_object() {
                threats.push(v);
            }
        }
    }

    let mitigations: Vec<Value> = model
        .mitigations
        .iter()
        .map(|m| {
            let mut obj = restored(&m.annotations, ORIGIN, &["id"]);
            obj.insert("id".into(), json!(mitigation(&m.id.0)));
            obj.insert("name".into(), json!(m.control));
            if let Some(d) = &m.description {
                obj.insert("description".into(), json!(d));
            }
            if !obj.get("riskReduction").is_some_and(Value::is_number) {
                let reduction = match m.residual {
                    Some(Level::Low) => 75,
                    Some(Level::High) => 25,
                    _ => 50,
                };
                obj.insert("riskReduction".into(), json!(reduction));
            }
            foreign_attributes(&mut obj, &m.annotations);
            Value::Object(obj)
        })
        .collect();

    let mut project = Map::new();
    for a in &model.annotations {
        if a.origin == ORIGIN
            && let Some(k) = a.key.strip_prefix("project.")
        {
            project.insert(k.to_owned(), annotation_json(&a.value));
        }
    }
    project.insert("name".into(), json!(model.title));
    project.insert("id".into(), json!(model.id.0));
    if let Some(s) = &model.summary {
        project.insert("description".into(), json!(s));
    }
    if let Some(o) = model.owners.first() {
        project.insert("owner".into(), json!(o));
    }
    foreign_attributes(
        &mut project,
        &model
            .annotations
            .iter()
            .filter(|a| a.origin != ORIGIN)
            .cloned()
            .collect::<Vec<_>>(),
    );

    let mut doc = Map::new();
    doc.insert("otmVersion".into(), json!(OTM_VERSION));
    doc.insert("project".into(), Value::Object(project));
    if let Some(r) = annotation(&model.annotations, ORIGIN, "representations") {
        doc.insert("representations".into(), annotation_json(r));
    }
    doc.insert("assets".into(), json!(assets));
    doc.insert("trustZones".into(), json!(trust_zones));
    doc.insert("components".into(), json!(components));
    doc.insert("dataflows".into(), json!(dataflows));
    doc.insert("threats".into(), json!(threats));
    doc.insert("mitigations".into(), json!(mitigations));
    Value::Object(doc)
}

fn kind_type(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Client => "generic-client",
        ComponentKind::Service => "generic-service",
        ComponentKind::Datastore => "database",
        ComponentKind::Queue => "message-queue",
        ComponentKind::External => "external-service",
        ComponentKind::Function => "serverless-function",
        ComponentKind::Human => "human-user",
    }
}
