//! TM-BOM (the OWASP Threat Model Library schema, which Threat Dragon reads)
//! → tm. Trust zones → zones, trust boundaries → boundaries, actors,
//! components and data stores → components, data sets → data, data flows →
//! flows, threats → threats (one per affected component), controls →
//! mitigations, risks → the threats' likelihood and impact; assumptions,
//! personas and risks are kept as annotations.

use std::collections::BTreeMap;

use super::build::ModelBuilder;
use super::source::{self, Document, get, items, leftovers, text, text_items};
use super::text::one_line;
use super::{Format, ImportError, Imported};
use crate::load::Node;
use crate::model::{
    Classification, Component, ComponentKind, DataAsset, EndpointRef, Flow, Id, Level, Mitigation,
    MitigationStatus, RiskLevel, Severity, Threat, ThreatStatus, TrustBoundary,
};

const ORIGIN: &str = "tm-bom";

/// Annotation key on components: the TM-BOM list it came from.
pub const SECTION: &str = "section";
/// Annotation key on threats: the TM-BOM threat's symbolic name.
pub const THREAT: &str = "threat";

fn classification(sensitivity: &[(String, &Node)]) -> Classification {
    let has = |s: &[&str]| sensitivity.iter().any(|(v, _)| s.contains(&v.as_str()));
    if has(&["cred", "pci", "phi", "fin"]) {
        Classification::Restricted
    } else if has(&["pii", "ip", "gov"]) {
        Classification::Confidential
    } else {
        Classification::Internal
    }
}

/// A business criticality → the model's risk level.
pub fn risk_of(criticality: &str) -> RiskLevel {
    match criticality {
        "minimal" | "low" => RiskLevel::Low,
        "high" => RiskLevel::High,
        "maximal" => RiskLevel::Critical,
        _ => RiskLevel::Medium,
    }
}

/// A control status → tm status; the flag: a claim without a recorded sign-off.
pub fn control_status(s: &str) -> (MitigationStatus, bool) {
    match s {
        "active" | "assumed" => (MitigationStatus::Implemented, true),
        "approved" => (MitigationStatus::Accepted, true),
        "scheduled" => (MitigationStatus::InProgress, false),
        "retired" | "wont_do" => (MitigationStatus::Rejected, false),
        _ => (MitigationStatus::Proposed, false),
    }
}

fn likelihood(s: &str) -> Option<Level> {
    Some(match s {
        "rare" | "unlikely" => Level::Low,
        "possible" => Level::Medium,
        "likely" | "certain" => Level::High,
        _ => return None,
    })
}

fn impact(s: &str) -> Option<Level> {
    Some(match s {
        "negligible" | "minor" => Level::Low,
        "moderate" => Level::Medium,
        "major" | "severe" => Level::High,
        _ => return None,
    })
}

fn severity(band: &str) -> Option<Severity> {
    Some(match band {
        "very_low" | "low" => Severity::Low,
        "medium" => Severity::Medium,
        "high" => Severity::High,
        "very_high" | "critical" => Severity::Critical,
        _ => return None,
    })
}

/// Imports a TM-BOM document.
pub fn import(doc: &Document) -> Result<Imported, ImportError> {
    doc.require_format(
        "TM-BOM",
        &["scope", "trust_zones", "data_flows"],
        "a TM-BOM document has `scope`, `trust_zones` and `data_flows` (OWASP Threat Model Library schema)",
    )?;
    let root = &doc.root;
    let scope = get(root, "scope");
    let title = scope
        .and_then(|s| text(s, "title"))
        .unwrap_or_else(|| "Imported TM-BOM model".into());
    let mut b = ModelBuilder::new(Format::TmBom, &doc.file, &title);
    b.model.id = b
        .ids
        .alloc("model", &title.to_ascii_lowercase(), "tm-bom-model");
    if let Some(s) = scope {
        b.model.summary = text(s, "description");
        b.model.risk = risk_of(&text(s, "business_criticality").unwrap_or_default());
        let anns = leftovers(s, &["description"], ORIGIN, "scope.");
        b.model.annotations.extend(anns);
    }
    let sections = [
        "scope",
        "trust_zones",
        "trust_boundaries",
        "actors",
        "components",
        "data_stores",
        "data_sets",
        "data_flows",
        "threats",
        "controls",
        "risks",
    ];
    let anns = leftovers(root, &sections, ORIGIN, "");
    b.model.annotations.extend(anns);

    // Trust zones (title and description kept as a model annotation).
    let zones = items(root, "trust_zones");
    for z in zones {
        let raw = required(doc, z, "symbolic_name", "trust zone")?;
        let (id, _) = b.id("zone", &raw, "zone");
        let value = source::to_json(z).to_string();
        b.model
            .annotations
            .push(b.ann(format!("trust_zones.{id}"), value));
        b.model.zones.push(id);
    }
    b.report
        .count("trust zones", zones.len(), b.model.zones.len(), vec![]);

    let tbs = items(root, "trust_boundaries");
    for tb in tbs {
        let mut between = Vec::new();
        for key in ["trust_zone_a", "trust_zone_b"] {
            let node = get(tb, key).ok_or_else(|| {
                doc.error(
                    tb,
                    format!("trust boundary without `{key}`"),
                    "name both trust zones",
                )
            })?;
            let raw = node.value.scalar_text().unwrap_or_default();
            between.push(b.zone_or_create(doc, node, &raw));
        }
        let (id, _) = b.id(
            "boundary",
            &format!("{}--{}", between[0], between[1]),
            "boundary",
        );
        let annotations = leftovers(tb, &["trust_zone_a", "trust_zone_b"], ORIGIN, "");
        b.model.boundaries.push(TrustBoundary {
            id,
            name: None,
            between,
            description: None,
            annotations,
        });
    }
    b.report.count(
        "trust boundaries",
        tbs.len(),
        b.model.boundaries.len(),
        vec![],
    );

    // Actors, components and data stores all become tm components.
    let mut n_elements = 0;
    for (section, consumed) in [
        (
            "actors",
            &["symbolic_name", "title", "description", "trust_zone"][..],
        ),
        (
            "components",
            &["symbolic_name", "title", "description", "trust_zone"][..],
        ),
        (
            "data_stores",
            &["symbolic_name", "title", "description", "trust_zone"][..],
        ),
    ] {
        for e in items(root, section) {
            n_elements += 1;
            let raw = required(doc, e, "symbolic_name", "element")?;
            let (id, kept) = b.id("component", &raw, section);
            let zone = match get(e, "trust_zone") {
                Some(node) => {
                    let z = node.value.scalar_text().unwrap_or_default();
                    Some(b.zone_or_create(doc, node, &z))
                }
                None => None,
            };
            let kind = match section {
                "data_stores" => ComponentKind::Datastore,
                "actors" => match text(e, "type").as_deref() {
                    Some("system" | "third_party") => ComponentKind::External,
                    _ => ComponentKind::Human,
                },
                _ => super::text::kind_hint(&format!(
                    "{} {}",
                    raw,
                    text(e, "title").unwrap_or_default()
                )),
            };
            let kind = if section == "components"
                && matches!(kind, ComponentKind::Human | ComponentKind::External)
            {
                ComponentKind::Service
            } else {
                kind
            };
            let mut annotations = vec![b.ann(SECTION, section)];
            annotations.extend(kept);
            annotations.extend(leftovers(e, consumed, ORIGIN, ""));
            b.model.components.push(Component {
                id,
                name: text(e, "title").unwrap_or_else(|| raw.clone()),
                kind,
                zone,
                description: text(e, "description"),
                data: Vec::new(),
                code: None,
                not_applicable: Vec::new(),
                annotations,
            });
        }
    }
    b.report.count("components", n_elements, b.model.components.len(), vec![
        "actors, components and data stores are all tm components (annotation `section` says which)".into(),
    ]);
    if n_elements == b.model.components.len()
        && let Some(c) = b.report.counts.last_mut()
    {
        c.why.clear();
    }

    // Data sets; a placement on a data store adds the data to that component.
    let sets = items(root, "data_sets");
    for d in sets {
        let raw = required(doc, d, "symbolic_name", "data set")?;
        let (id, kept) = b.id("data", &raw, "data");
        for p in items(d, "placements") {
            if let Some(node) = get(p, "data_store") {
                let store = node.value.scalar_text().unwrap_or_default();
                let Some(cid) = b.ids.lookup("component", &store).cloned() else {
                    b.dropped_link(doc, node, "data store", &store);
                    continue;
                };
                if let Some(c) = b.model.components.iter_mut().find(|c| c.id == cid)
                    && !c.data.contains(&id)
                {
                    c.data.push(id.clone());
                }
            }
        }
        let sens = text_items(d, "data_sensitivity");
        let mut annotations: Vec<_> = kept.into_iter().collect();
        annotations.extend(leftovers(
            d,
            &["symbolic_name", "title", "description"],
            ORIGIN,
            "",
        ));
        b.model.data.push(DataAsset {
            id,
            name: text(d, "title").unwrap_or_else(|| raw.clone()),
            classification: classification(&sens),
            description: text(d, "description"),
            annotations,
        });
    }
    b.report
        .count("data sets", sets.len(), b.model.data.len(), vec![]);

    let flows = items(root, "data_flows");
    for f in flows {
        let raw = required(doc, f, "symbolic_name", "data flow")?;
        let (id, kept) = b.id("flow", &raw, "flow");
        let mut ends = Vec::new();
        for key in ["source", "destination"] {
            let node = get(f, key).ok_or_else(|| {
                doc.error(
                    f,
                    format!("data flow `{raw}` has no `{key}`"),
                    "name both ends",
                )
            })?;
            let obj_node = get(node, "object").unwrap_or(node);
            let obj = obj_node.value.scalar_text().unwrap_or_default();
            let end = match b.ids.lookup("component", &obj).cloned() {
                Some(id) => id,
                None => created_endpoint(doc, &mut b, obj_node, &obj),
            };
            ends.push(end);
        }
        let mut annotations: Vec<_> = kept.into_iter().collect();
        annotations.extend(leftovers(
            f,
            &[
                "symbolic_name",
                "title",
                "description",
                "source",
                "destination",
                "encrypted",
            ],
            ORIGIN,
            "",
        ));
        b.model.flows.push(Flow {
            id,
            name: text(f, "title"),
            from: EndpointRef(ends[0].0.clone()),
            to: EndpointRef(ends[1].0.clone()),
            data: Vec::new(),
            protocol: None,
            authenticated: None,
            encrypted: source::boolean(f, "encrypted"),
            description: text(f, "description"),
            not_applicable: Vec::new(),
            annotations,
        });
    }
    b.report
        .count("data flows", flows.len(), b.model.flows.len(), vec![]);

    // Risks give their threats likelihood, impact and severity.
    let mut rated: BTreeMap<String, (Level, Level, Option<Severity>)> = BTreeMap::new();
    let risks = items(root, "risks");
    for r in risks {
        let raw = required(doc, r, "symbolic_name", "risk")?;
        let l = text(r, "likelihood").and_then(|s| likelihood(&s));
        let i = text(r, "impact").and_then(|s| impact(&s));
        let s = text(r, "level").and_then(|s| severity(&s));
        for (t, _) in text_items(r, "threats") {
            if let (Some(l), Some(i)) = (l, i) {
                rated.entry(t).or_insert((l, i, s));
            }
        }
        let value = source::to_json(r).to_string();
        b.model
            .annotations
            .push(b.ann(format!("risks.{raw}"), value));
    }

    // Threats: one per affected component.
    let threats = items(root, "threats");
    let mut split: BTreeMap<String, Vec<Id>> = BTreeMap::new();
    let mut why = Vec::new();
    for t in threats {
        let raw = required(doc, t, "symbolic_name", "threat")?;
        let mut targets = Vec::new();
        for (c, node) in text_items(t, "components_affected") {
            match b.ids.lookup("component", &c).cloned() {
                Some(id) => targets.push(id),
                None => b.dropped_link(doc, node, "component", &c),
            }
        }
        if targets.is_empty() {
            targets.push(b.system_component());
        }
        if targets.len() > 1 {
            why.push(format!(
                "threat `{raw}` affects {} components: one tm threat each",
                targets.len()
            ));
        }
        let title = text(t, "title").unwrap_or_else(|| raw.clone());
        let words = format!(
            "{title} {} {}",
            text(t, "description").unwrap_or_default(),
            text(t, "event").unwrap_or_default()
        );
        for (n, target) in targets.iter().enumerate() {
            let tid_raw = if n == 0 {
                raw.clone()
            } else {
                format!("{raw}.{target}")
            };
            let (id, _) = b.id("threat", &tid_raw, "threat");
            let what = format!("threat `{id}`");
            let (stride, guessed) = b.stride(Vec::new(), &words, &what);
            let (l, i, s) = match rated.get(&raw) {
                Some(r) => *r,
                None => {
                    b.report.note(format!(
                        "{what}: no risk rates it; likelihood and impact `medium` assumed"
                    ));
                    (Level::Medium, Level::Medium, None)
                }
            };
            let mut annotations = vec![b.ann(THREAT, raw.clone())];
            annotations.extend(leftovers(
                t,
                &[
                    "symbolic_name",
                    "title",
                    "description",
                    "components_affected",
                ],
                ORIGIN,
                "",
            ));
            split.entry(raw.clone()).or_default().push(id.clone());
            b.model.threats.push(Threat {
                id,
                target: target.clone(),
                stride,
                title: title.clone(),
                description: text(t, "description"),
                likelihood: l,
                impact: i,
                severity: s.unwrap_or_else(|| super::text::severity_of(l, i)),
                status: ThreatStatus::Open,
                current: None,
                mitigations: Vec::new(),
                acceptance: None,
                reason: None,
                drafted: guessed,
                library: None,
                annotations,
            });
        }
    }
    b.report
        .count("threats", threats.len(), b.model.threats.len(), why);

    let controls = items(root, "controls");
    for c in controls {
        let raw = required(doc, c, "symbolic_name", "control")?;
        let (id, kept) = b.id("mitigation", &raw, "control");
        let (status, undecided) = control_status(&text(c, "status").unwrap_or_default());
        if undecided {
            b.report.note(format!(
                "control `{raw}`: `{status}` without a recorded sign-off; imported as drafted"
            ));
        }
        for (t, node) in text_items(c, "threats") {
            let Some(ids) = split.get(&t) else {
                b.dropped_link(doc, node, "threat", &t);
                continue;
            };
            for tid in ids {
                if let Some(th) = b.model.threats.iter_mut().find(|x| &x.id == tid) {
                    th.mitigations.push(id.clone());
                }
            }
        }
        let mut annotations: Vec<_> = kept.into_iter().collect();
        annotations.extend(leftovers(
            c,
            &["symbolic_name", "title", "description", "threats"],
            ORIGIN,
            "",
        ));
        b.model.mitigations.push(Mitigation {
            id,
            control: text(c, "title").unwrap_or_else(|| raw.clone()),
            description: text(c, "description"),
            location: None,
            cost: None,
            residual: None,
            status,
            tracking: None,
            signoff: None,
            code: None,
            drafted: undecided,
            library: None,
            annotations,
        });
    }
    b.report.count(
        "controls",
        controls.len(),
        b.model.mitigations.len(),
        vec![],
    );
    let comps_now = b.model.components.len();
    if let Some(c) = b.report.counts.iter_mut().find(|c| c.what == "components")
        && c.imported != comps_now
    {
        c.why.push(format!("{} elements used but not defined (or added for untargeted threats) were created (see notes)", comps_now - c.imported));
        c.imported = comps_now;
    }
    let zones_now = b.model.zones.len();
    if let Some(c) = b.report.counts.iter_mut().find(|c| c.what == "trust zones")
        && c.imported != zones_now
    {
        c.why.push(format!(
            "{} zones used but not defined were created (see notes)",
            zones_now - c.imported
        ));
        c.imported = zones_now;
    }
    if !risks.is_empty() {
        b.report.note(format!("{} risks: their likelihood, impact and level rate their threats; each is kept as a model annotation `risks.NAME`", risks.len()));
    }
    let assumptions = items(root, "assumptions").len();
    if assumptions > 0 {
        b.report.note(format!("{assumptions} assumptions kept as the model annotation `assumptions` (tm has no assumptions)"));
    }
    Ok(Imported {
        model: b.model,
        report: b.report,
    })
}

/// A flow end the document names but never defines (the library's own
/// examples do this): an external component, noted with its position.
fn created_endpoint(doc: &Document, b: &mut ModelBuilder, node: &Node, raw: &str) -> Id {
    let (id, kept) = b.id("component", raw, "external");
    let mut annotations = vec![b.ann(SECTION, "actors")];
    annotations.extend(kept);
    annotations.push(b.ann(
        "tm-import.created",
        "used as a data-flow end but not defined",
    ));
    b.model.components.push(Component {
        id: id.clone(),
        name: raw.to_owned(),
        kind: ComponentKind::External,
        zone: None,
        description: None,
        data: Vec::new(),
        code: None,
        not_applicable: Vec::new(),
        annotations,
    });
    b.report.note(format!(
        "{}:{}:{}: `{}` is a data-flow end but no actor, component or data store; external component `{id}` created",
        doc.file,
        node.span.line,
        node.span.column,
        one_line(raw, 80)
    ));
    id
}

fn required(doc: &Document, node: &Node, key: &str, what: &str) -> Result<String, ImportError> {
    text(node, key).ok_or_else(|| {
        ImportError::Source(doc.error(
            node,
            format!("{what} without `{key}`"),
            &format!("give every {what} a `{key}`"),
        ))
    })
}
