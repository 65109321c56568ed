//! Open Threat Model 0.2 → tm. Trust zones → zones, components (kind from
//! `type`) → components, dataflows → flows, assets → data, each instance of
//! a catalog threat on a component or dataflow → one threat, mitigations →
//! mitigations (riskReduction kept as an annotation).

use std::collections::BTreeMap;

use super::build::ModelBuilder;
use super::source::{self, Document, get, items, leftovers, number, text, text_items};
use super::text::{classification_of_percent, level_of_percent, severity_of, stride_named};
use super::{Format, ImportError, Imported};
use crate::load::Node;
use crate::model::{
    Classification, Component, ComponentKind, DataAsset, EndpointRef, Flow, Id, Mitigation,
    MitigationStatus, Threat, ThreatStatus,
};

/// Annotation key on a threat: the catalog threat it instances.
pub const CATALOG_THREAT: &str = "threat";

/// The tm component kind an OTM component type suggests.
pub fn kind_of_type(ty: &str) -> ComponentKind {
    let t = ty.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&[
        "database",
        "datastore",
        "data-store",
        "storage",
        "bucket",
        "s3",
        "cache",
        "redis",
        "sql",
        "dynamo",
        "file-system",
        "filesystem",
    ]) {
        ComponentKind::Datastore
    } else if has(&[
        "queue", "kafka", "sqs", "sns", "topic", "broker", "bus", "stream", "mq",
    ]) {
        ComponentKind::Queue
    } else if has(&["lambda", "function", "serverless"]) {
        ComponentKind::Function
    } else if has(&["user", "human", "actor", "person", "operator", "admin"]) {
        ComponentKind::Human
    } else if has(&[
        "client",
        "browser",
        "mobile",
        "desktop",
        "frontend",
        "front-end",
        "spa",
    ]) {
        ComponentKind::Client
    } else if has(&["external", "third-party", "3rd-party", "saas", "internet"]) {
        ComponentKind::External
    } else {
        ComponentKind::Service
    }
}

/// An OTM threat-instance state → tm status; the flag: a decision without who and when.
pub fn threat_status(state: &str) -> (ThreatStatus, bool) {
    let s = state.to_ascii_lowercase().replace(['_', ' '], "-");
    if s.contains("accept") {
        (ThreatStatus::Accepted, true)
    } else if s.contains("partly") || s.contains("partial") {
        (ThreatStatus::Open, false)
    } else if s.contains("mitigated") {
        (ThreatStatus::Mitigated, false)
    } else if s.contains("not-applicable") || s == "na" || s == "n-a" || s.contains("notapplicable")
    {
        (ThreatStatus::NotApplicable, false)
    } else if s.contains("transfer") {
        (ThreatStatus::Transferred, false)
    } else {
        (ThreatStatus::Open, false)
    }
}

/// A mitigation state → tm status; the flag says the source claims a
/// decision without who and when (so it is imported as drafted).
pub fn mitigation_status(state: &str) -> (MitigationStatus, bool) {
    let s = state.to_ascii_lowercase().replace(['_', ' '], "-");
    if s.contains("verified") || s.contains("tested") {
        (MitigationStatus::Verified, true)
    } else if s.contains("implemented") || s.contains("done") {
        (MitigationStatus::Implemented, true)
    } else if s.contains("progress") {
        (MitigationStatus::InProgress, false)
    } else if s.contains("reject") || s.contains("not-applicable") {
        (MitigationStatus::Rejected, false)
    } else if s.contains("accept") || s.contains("approved") {
        (MitigationStatus::Accepted, true)
    } else {
        (MitigationStatus::Proposed, false)
    }
}

struct Instance<'n> {
    catalog: String,
    target: Id,
    node: &'n Node,
}

/// Imports an OTM document.
pub fn import(doc: &Document) -> Result<Imported, ImportError> {
    doc.require_format(
        "OTM",
        &["otmVersion"],
        "an OTM document starts with `otmVersion: 0.2.0` and a `project`",
    )?;
    let root = &doc.root;
    let project = get(root, "project");
    let title = project
        .and_then(|p| text(p, "name"))
        .unwrap_or_else(|| "Imported OTM model".to_owned());
    let mut b = ModelBuilder::new(Format::Otm, &doc.file, &title);
    if let Some(p) = project {
        b.model.id = b
            .ids
            .alloc("model", &text(p, "id").unwrap_or_default(), &title);
        b.model.summary = text(p, "description");
        b.model.owners = text(p, "owner").into_iter().collect();
        let anns = leftovers(
            p,
            &["name", "id", "description", "owner"],
            "otm",
            "project.",
        );
        b.model.annotations.extend(anns);
    }
    let anns = leftovers(
        root,
        &[
            "project",
            "trustZones",
            "components",
            "dataflows",
            "threats",
            "mitigations",
            "assets",
        ],
        "otm",
        "",
    );
    b.model.annotations.extend(anns);

    // Trust zones: tm zones are bare ids; everything else is a model annotation.
    let zones = items(root, "trustZones");
    for z in zones {
        let raw = text(z, "id").ok_or_else(|| {
            doc.error(
                z,
                "trust zone without an `id`".into(),
                "give every trust zone an id",
            )
        })?;
        let name = text(z, "name").unwrap_or_default();
        let (id, _) = b.id("zone", &raw, &name);
        b.model.zones.push(id.clone());
        let value = source::to_json(z).to_string();
        b.model
            .annotations
            .push(b.ann(format!("trustZones.{id}"), value));
    }
    b.report
        .count("trust zones", zones.len(), b.model.zones.len(), vec![]);

    // Data assets.
    let assets = items(root, "assets");
    for a in assets {
        let raw = text(a, "id").ok_or_else(|| {
            doc.error(a, "asset without an `id`".into(), "give every asset an id")
        })?;
        let name = text(a, "name").unwrap_or_else(|| raw.clone());
        let (id, kept) = b.id("data", &raw, &name);
        let conf = get(a, "risk").and_then(|r| number(r, "confidentiality"));
        let classification = match conf {
            Some(c) => classification_of_percent(c),
            None => {
                b.report.note(format!(
                    "asset `{raw}`: no confidentiality score; `internal` assumed"
                ));
                Classification::Internal
            }
        };
        let mut annotations: Vec<_> = kept.into_iter().collect();
        annotations.extend(leftovers(a, &["id", "name", "description"], "otm", ""));
        b.model.data.push(DataAsset {
            id,
            name,
            classification,
            description: text(a, "description"),
            annotations,
        });
    }
    b.report
        .count("data assets", assets.len(), b.model.data.len(), vec![]);

    // Components: ids first, so parents and flows can refer forwards.
    let comps = items(root, "components");
    let mut comp_ids = Vec::new();
    for c in comps {
        let raw = text(c, "id").ok_or_else(|| {
            doc.error(
                c,
                "component without an `id`".into(),
                "give every component an id",
            )
        })?;
        let name = text(c, "name").unwrap_or_else(|| raw.clone());
        comp_ids.push(b.id("component", &raw, &name));
    }
    let mut instances = Vec::new();
    for (c, (id, kept)) in comps.iter().zip(comp_ids) {
        let zone = zone_of(doc, &b, c, comps)?;
        let mut data = Vec::new();
        for key in ["processed", "stored"] {
            for (raw, node) in get(c, "assets")
                .map(|a| text_items(a, key))
                .unwrap_or_default()
            {
                let Some(d) = b.ids.lookup("data", &raw).cloned() else {
                    b.dropped_link(doc, node, "asset", &raw);
                    continue;
                };
                if !data.contains(&d) {
                    data.push(d);
                }
            }
        }
        let mut annotations: Vec<_> = kept.into_iter().collect();
        annotations.extend(leftovers(
            c,
            &["id", "name", "description", "threats"],
            "otm",
            "",
        ));
        let ty = text(c, "type").unwrap_or_default();
        collect_instances(doc, c, &id, &mut instances)?;
        b.model.components.push(Component {
            id,
            name: text(c, "name").unwrap_or_default(),
            kind: kind_of_type(&ty),
            zone,
            description: text(c, "description"),
            data,
            code: None,
            not_applicable: Vec::new(),
            annotations,
        });
    }
    for comp in &mut b.model.components {
        if comp.name.is_empty() {
            comp.name = comp.id.0.clone();
        }
    }
    b.report
        .count("components", comps.len(), b.model.components.len(), vec![]);

    // Dataflows.
    let flows = items(root, "dataflows");
    for f in flows {
        let raw = text(f, "id").ok_or_else(|| {
            doc.error(
                f,
                "dataflow without an `id`".into(),
                "give every dataflow an id",
            )
        })?;
        let (id, kept) = b.id("flow", &raw, "flow");
        let mut ends = Vec::new();
        for key in ["source", "destination"] {
            let node = get(f, key).ok_or_else(|| {
                doc.error(
                    f,
                    format!("dataflow `{raw}` has no `{key}`"),
                    "name the component it leaves and the one it reaches",
                )
            })?;
            let name = node.value.scalar_text().unwrap_or_default();
            let end = b
                .ids
                .lookup("component", &name)
                .cloned()
                .ok_or_else(|| dangling(doc, node, "component", &name))?;
            ends.push(EndpointRef(end.0));
        }
        let mut data = Vec::new();
        for (raw, node) in text_items(f, "assets") {
            let Some(d) = b.ids.lookup("data", &raw).cloned() else {
                b.dropped_link(doc, node, "asset", &raw);
                continue;
            };
            if !data.contains(&d) {
                data.push(d);
            }
        }
        let mut annotations: Vec<_> = kept.into_iter().collect();
        annotations.extend(leftovers(
            f,
            &[
                "id",
                "name",
                "description",
                "source",
                "destination",
                "assets",
                "threats",
            ],
            "otm",
            "",
        ));
        collect_instances(doc, f, &id, &mut instances)?;
        let to = ends.pop().unwrap_or(EndpointRef(String::new()));
        let from = ends.pop().unwrap_or(EndpointRef(String::new()));
        b.model.flows.push(Flow {
            id,
            name: text(f, "name"),
            from,
            to,
            data,
            protocol: None,
            authenticated: None,
            encrypted: None,
            description: text(f, "description"),
            not_applicable: Vec::new(),
            annotations,
        });
    }
    b.report
        .count("dataflows", flows.len(), b.model.flows.len(), vec![]);

    // Mitigations.
    let mits = items(root, "mitigations");
    let mut mit_states: BTreeMap<Id, Vec<String>> = BTreeMap::new();
    for m in mits {
        let raw = text(m, "id").ok_or_else(|| {
            doc.error(
                m,
                "mitigation without an `id`".into(),
                "give every mitigation an id",
            )
        })?;
        let (id, kept) = b.id("mitigation", &raw, "mitigation");
        let mut annotations: Vec<_> = kept.into_iter().collect();
        annotations.extend(leftovers(m, &["id", "name", "description"], "otm", ""));
        b.model.mitigations.push(Mitigation {
            id,
            control: text(m, "name").unwrap_or_else(|| raw.clone()),
            description: text(m, "description"),
            location: None,
            cost: None,
            residual: None,
            status: MitigationStatus::Proposed,
            tracking: None,
            signoff: None,
            code: None,
            drafted: false,
            library: None,
            annotations,
        });
    }

    // Threats: the catalog, then one tm threat per instance.
    let catalog = items(root, "threats");
    let mut by_id: BTreeMap<String, &Node> = BTreeMap::new();
    for t in catalog {
        let raw = text(t, "id").ok_or_else(|| {
            doc.error(
                t,
                "threat without an `id`".into(),
                "give every threat an id",
            )
        })?;
        by_id.entry(raw).or_insert(t);
    }
    let mut per_catalog: BTreeMap<&str, usize> = BTreeMap::new();
    for i in &instances {
        *per_catalog.entry(i.catalog.as_str()).or_default() += 1;
    }
    let mut why_threats = Vec::new();
    for inst in &instances {
        let t = by_id.get(&inst.catalog).copied().ok_or_else(|| {
            let node = get(inst.node, "threat").unwrap_or(inst.node);
            dangling(doc, node, "threat", &inst.catalog)
        })?;
        let many = per_catalog.get(inst.catalog.as_str()).copied().unwrap_or(1) > 1;
        let raw_id = if many {
            format!("{}.{}", inst.catalog, inst.target)
        } else {
            inst.catalog.clone()
        };
        let (id, _) = b.id("threat", &raw_id, "threat");
        let name = text(t, "name").unwrap_or_else(|| inst.catalog.clone());
        let named: Vec<_> = text_items(t, "categories")
            .iter()
            .filter_map(|(c, _)| stride_named(c))
            .collect();
        let words = format!("{name} {}", text(t, "description").unwrap_or_default());
        let (stride, guessed) = b.stride(named, &words, &format!("threat `{id}`"));
        let risk = get(t, "risk");
        let likelihood = match risk.and_then(|r| number(r, "likelihood")) {
            Some(l) => level_of_percent(l),
            None => b.default_level(&format!("threat `{id}`"), "likelihood"),
        };
        let impact = match risk.and_then(|r| number(r, "impact")) {
            Some(l) => level_of_percent(l),
            None => b.default_level(&format!("threat `{id}`"), "impact"),
        };
        let state = text(inst.node, "state").unwrap_or_default();
        let (status, undecided) = threat_status(&state);
        if undecided {
            b.report.note(format!("threat `{id}`: state `{state}` has no who/when; imported as drafted, acceptance left out"));
        }
        let mut annotations = vec![b.ann(CATALOG_THREAT, inst.catalog.clone())];
        if !state.is_empty() {
            annotations.push(b.ann("state", state.clone()));
        }
        annotations.extend(leftovers(
            t,
            &["id", "name", "description", "categories"],
            "otm",
            "",
        ));
        let mut mitigations = Vec::new();
        for m in items(inst.node, "mitigations") {
            let Some(mraw) = text(m, "mitigation") else {
                continue;
            };
            let Some(mid) = b.ids.lookup("mitigation", &mraw).cloned() else {
                b.dropped_link(doc, get(m, "mitigation").unwrap_or(m), "mitigation", &mraw);
                continue;
            };
            if let Some(ms) = text(m, "state") {
                annotations.push(b.ann(format!("mitigations.{mid}.state"), ms.clone()));
                mit_states.entry(mid.clone()).or_default().push(ms);
            }
            if !mitigations.contains(&mid) {
                mitigations.push(mid);
            }
        }
        b.model.threats.push(Threat {
            id,
            target: inst.target.clone(),
            stride,
            title: name,
            description: text(t, "description"),
            likelihood,
            impact,
            severity: severity_of(likelihood, impact),
            status,
            current: None,
            mitigations,
            acceptance: None,
            reason: None,
            drafted: undecided || guessed,
            library: None,
            annotations,
        });
    }
    for (cat, n) in &per_catalog {
        if *n > 1 {
            why_threats.push(format!(
                "catalog threat `{cat}` is instanced on {n} elements: one tm threat each"
            ));
        }
    }
    for (raw, t) in &by_id {
        if !per_catalog.contains_key(raw.as_str()) {
            why_threats.push(format!("catalog threat `{raw}` is instanced on no element: kept as model annotation `threats.{raw}`"));
            let value = source::to_json(t).to_string();
            b.model
                .annotations
                .push(b.ann(format!("threats.{raw}"), value));
        }
    }
    b.report
        .count("threats", catalog.len(), b.model.threats.len(), why_threats);

    // A mitigation's status: the state its instances agree on (the most
    // advanced when they differ; each instance's own state stays annotated).
    for m in &mut b.model.mitigations {
        if let Some(states) = mit_states.get(&m.id) {
            let (status, undecided) = states
                .iter()
                .map(|s| mitigation_status(s))
                .max_by_key(|(s, _)| *s)
                .unwrap_or((MitigationStatus::Proposed, false));
            m.status = status;
            if undecided {
                m.drafted = true;
                b.report.note(format!(
                    "mitigation `{}`: `{status}` without a recorded sign-off; imported as drafted",
                    m.id
                ));
            }
        }
    }
    b.report
        .count("mitigations", mits.len(), b.model.mitigations.len(), vec![]);
    Ok(Imported {
        model: b.model,
        report: b.report,
    })
}

fn zone_of(
    doc: &Document,
    b: &ModelBuilder,
    c: &Node,
    comps: &[Node],
) -> Result<Option<Id>, ImportError> {
    // A component nested in another takes the outermost parent's zone.
    let mut node = c;
    for _ in 0..=comps.len() {
        let Some(parent) = get(node, "parent") else {
            return Ok(None);
        };
        if let Some(z) = get(parent, "trustZone") {
            let raw = z.value.scalar_text().unwrap_or_default();
            return b
                .ids
                .lookup("zone", &raw)
                .cloned()
                .map(Some)
                .ok_or_else(|| dangling(doc, z, "trust zone", &raw));
        }
        let Some(pc) = get(parent, "component") else {
            return Ok(None);
        };
        let raw = pc.value.scalar_text().unwrap_or_default();
        node = comps
            .iter()
            .find(|n| text(n, "id").as_deref() == Some(raw.as_str()))
            .ok_or_else(|| dangling(doc, pc, "component", &raw))?;
    }
    Ok(None)
}

fn collect_instances<'n>(
    doc: &Document,
    element: &'n Node,
    target: &Id,
    out: &mut Vec<Instance<'n>>,
) -> Result<(), ImportError> {
    for inst in items(element, "threats") {
        let catalog = text(inst, "threat").ok_or_else(|| {
            doc.error(
                inst,
                "threat instance without `threat`".into(),
                "name the catalog threat's id",
            )
        })?;
        out.push(Instance {
            catalog,
            target: target.clone(),
            node: inst,
        });
    }
    Ok(())
}

fn dangling(doc: &Document, node: &Node, what: &str, raw: &str) -> ImportError {
    ImportError::Source(doc.error(
        node,
        format!(
            "`{}` names no {what} defined in this file",
            super::text::one_line(raw, 80)
        ),
        &format!("define the {what} or correct the reference"),
    ))
}
