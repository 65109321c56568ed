//! AWS Threat Composer workspace (`.tc.json`) → tm. Threat statements →
//! threats (source, prerequisites, action, impact, goals and assets kept as
//! annotations), mitigations and their links → mitigations, application,
//! architecture and data-flow descriptions → the summary; assumptions and
//! their links are kept as annotations. Threat Composer threats target no
//! element, so they all target one component standing for the application.

use std::collections::BTreeMap;

use super::build::ModelBuilder;
use super::source::{Document, get, items, leftovers, text};
use super::text::{one_line, stride_named};
use super::{Format, ImportError, Imported};
use crate::load::{Node, NodeValue};
use crate::model::{Id, Level, Mitigation, MitigationStatus, Severity, Threat, ThreatStatus};

const ORIGIN: &str = "threat-composer";

fn metadata<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    items(node, "metadata")
        .iter()
        .find(|m| text(m, "key").as_deref() == Some(key))
        .and_then(|m| get(m, "value"))
}

fn mitigation_status(s: &str) -> (MitigationStatus, bool) {
    match s {
        "mitigationInProgress" => (MitigationStatus::InProgress, false),
        "mitigationResolved" => (MitigationStatus::Implemented, true),
        "mitigationResolvedWillNotAction" => (MitigationStatus::Rejected, false),
        _ => (MitigationStatus::Proposed, false),
    }
}

/// Imports a Threat Composer workspace.
pub fn import(doc: &Document) -> Result<Imported, ImportError> {
    doc.require_format(
        "Threat Composer",
        &["threats", "applicationInfo", "mitigationLinks"],
        "a Threat Composer workspace (.tc.json) has `applicationInfo`, `threats` and `mitigations`",
    )?;
    let root = &doc.root;
    let app = get(root, "applicationInfo");
    let title = app
        .and_then(|a| text(a, "name"))
        .unwrap_or_else(|| "Imported Threat Composer workspace".into());
    let mut b = ModelBuilder::new(Format::ThreatComposer, &doc.file, &title);
    b.model.id = b
        .ids
        .alloc("model", &title.to_ascii_lowercase(), "threat-composer");
    let mut summary = Vec::new();
    if let Some(d) = app.and_then(|a| text(a, "description")) {
        summary.push(d);
    }
    for (key, heading) in [("architecture", "Architecture"), ("dataflow", "Data flow")] {
        if let Some(node) = get(root, key) {
            if let Some(d) = text(node, "description") {
                summary.push(format!("## {heading}\n\n{d}"));
            }
            let anns = leftovers(node, &["description"], ORIGIN, &format!("{key}."));
            b.model.annotations.extend(anns);
        }
    }
    b.model.summary = (!summary.is_empty()).then(|| summary.join("\n\n"));
    if let Some(a) = app {
        let anns = leftovers(a, &["name", "description"], ORIGIN, "applicationInfo.");
        b.model.annotations.extend(anns);
    }
    let anns = leftovers(
        root,
        &[
            "applicationInfo",
            "architecture",
            "dataflow",
            "threats",
            "mitigations",
            "mitigationLinks",
            "assumptionLinks",
        ],
        ORIGIN,
        "",
    );
    b.model.annotations.extend(anns);

    // Assumptions: numbered A-n, kept on the elements they are linked to.
    let mut assumption_names: BTreeMap<String, String> = BTreeMap::new();
    for a in items(root, "assumptions") {
        if let Some(raw) = text(a, "id") {
            let n =
                text(a, "numericId").unwrap_or_else(|| (assumption_names.len() + 1).to_string());
            assumption_names.insert(raw, format!("A-{n}"));
        }
    }
    let mut linked_assumptions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in items(root, "assumptionLinks") {
        if let (Some(a), Some(t)) = (text(l, "assumptionId"), text(l, "linkedId")) {
            match assumption_names.get(&a).cloned() {
                Some(name) => linked_assumptions.entry(t).or_default().push(name),
                None => b.dropped_link(doc, get(l, "assumptionId").unwrap_or(l), "assumption", &a),
            }
        }
    }

    // Threats.
    let threats = items(root, "threats");
    let mut threat_ids: BTreeMap<String, Id> = BTreeMap::new();
    let system = if threats.is_empty() {
        None
    } else {
        Some(b.system_component())
    };
    for t in threats {
        let raw = text(t, "id").ok_or_else(|| {
            doc.error(
                t,
                "threat without an `id`".into(),
                "give every threat an id",
            )
        })?;
        let nice = text(t, "numericId").map_or_else(|| raw.clone(), |n| format!("T-{n}"));
        let id = b.ids.alloc("threat", &nice, "threat");
        threat_ids.entry(raw.clone()).or_insert_with(|| id.clone());
        let statement = text(t, "statement").unwrap_or_else(|| statement_of(t));
        let what = format!("threat `{id}`");
        let named: Vec<_> = match metadata(t, "STRIDE").map(|n| &n.value) {
            Some(NodeValue::Seq(v)) => v
                .iter()
                .filter_map(|x| x.value.scalar_text())
                .filter_map(|s| stride_named(&s))
                .collect(),
            Some(NodeValue::Str(s)) => s.split([',', ' ']).filter_map(stride_named).collect(),
            _ => Vec::new(),
        };
        let (stride, guessed) = b.stride(named, &statement, &what);
        let priority = metadata(t, "Priority")
            .and_then(|p| p.value.scalar_text())
            .unwrap_or_default();
        let (impact, severity) = match priority.to_ascii_lowercase().as_str() {
            "high" => (Level::High, Severity::High),
            "low" => (Level::Low, Severity::Low),
            "medium" => (Level::Medium, Severity::Medium),
            _ => {
                b.report.note(format!(
                    "{what}: no priority; impact and severity `medium` assumed"
                ));
                (Level::Medium, Severity::Medium)
            }
        };
        b.report.note(format!(
            "{what}: Threat Composer rates no likelihood; `medium` assumed"
        ));
        let status_raw = text(t, "status").unwrap_or_default();
        let (status, reason) = match status_raw.as_str() {
            "threatResolved" => (ThreatStatus::Mitigated, None),
            "threatResolvedNotUseful" => (
                ThreatStatus::NotApplicable,
                Some("Resolved as not useful in Threat Composer.".to_owned()),
            ),
            _ => (ThreatStatus::Open, None),
        };
        let mut annotations = vec![b.ann("id", raw.clone())];
        annotations.extend(leftovers(t, &["id", "statement"], ORIGIN, ""));
        if let Some(a) = linked_assumptions.get(&raw) {
            annotations.push(b.ann("assumptions", a.join(", ")));
        }
        b.model.threats.push(Threat {
            id,
            target: system.clone().unwrap_or(Id("system".into())),
            stride,
            title: one_line(&statement, 200),
            description: Some(statement),
            likelihood: Level::Medium,
            impact,
            severity,
            status,
            current: None,
            mitigations: Vec::new(),
            acceptance: None,
            reason,
            drafted: guessed,
            library: None,
            annotations,
        });
    }
    b.report
        .count("threats", threats.len(), b.model.threats.len(), vec![]);

    let mits = items(root, "mitigations");
    let mut mit_ids: BTreeMap<String, Id> = BTreeMap::new();
    for m in mits {
        let raw = text(m, "id").ok_or_else(|| {
            doc.error(
                m,
                "mitigation without an `id`".into(),
                "give every mitigation an id",
            )
        })?;
        let nice = text(m, "numericId").map_or_else(|| raw.clone(), |n| format!("M-{n}"));
        let id = b.ids.alloc("mitigation", &nice, "mitigation");
        mit_ids.entry(raw.clone()).or_insert_with(|| id.clone());
        let (status, undecided) = mitigation_status(&text(m, "status").unwrap_or_default());
        if undecided {
            b.report.note(format!(
                "mitigation `{id}`: resolved without a recorded sign-off; imported as drafted"
            ));
        }
        let mut annotations = vec![b.ann("id", raw.clone())];
        annotations.extend(leftovers(m, &["id", "content"], ORIGIN, ""));
        if let Some(a) = linked_assumptions.get(&raw) {
            annotations.push(b.ann("assumptions", a.join(", ")));
        }
        let content = text(m, "content").unwrap_or_else(|| raw.clone());
        b.model.mitigations.push(Mitigation {
            id,
            control: one_line(&content, 200),
            description: (content.contains('\n') || content.chars().count() > 200)
                .then_some(content),
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
    b.report
        .count("mitigations", mits.len(), b.model.mitigations.len(), vec![]);

    for l in items(root, "mitigationLinks") {
        let (Some(m), Some(t)) = (text(l, "mitigationId"), text(l, "linkedId")) else {
            continue;
        };
        let Some(mid) = mit_ids.get(&m).cloned() else {
            b.dropped_link(doc, get(l, "mitigationId").unwrap_or(l), "mitigation", &m);
            continue;
        };
        let Some(tid) = threat_ids.get(&t).cloned() else {
            b.dropped_link(doc, get(l, "linkedId").unwrap_or(l), "threat", &t);
            continue;
        };
        if let Some(th) = b.model.threats.iter_mut().find(|x| x.id == tid)
            && !th.mitigations.contains(&mid)
        {
            th.mitigations.push(mid);
        }
    }
    if !assumption_names.is_empty() {
        b.report.note(format!(
            "{} assumptions kept as the model annotation `assumptions` and as `assumptions` on the threats and mitigations they are linked to",
            assumption_names.len()
        ));
    }
    Ok(Imported {
        model: b.model,
        report: b.report,
    })
}

/// The threat statement from its parts, when the workspace has none.
fn statement_of(t: &Node) -> String {
    let part = |k: &str| text(t, k).unwrap_or_default();
    let s = format!(
        "A {} {} can {}, which leads to {}",
        part("threatSource"),
        part("prerequisites"),
        part("threatAction"),
        part("threatImpact")
    );
    one_line(&s, 2000)
}
