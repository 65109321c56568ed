//! Threagile YAML → tm. Technical assets → components, trust boundaries
//! (nested) → zones and boundaries, communication links → flows, data assets
//! → data (confidentiality → classification), individual risks and
//! `risk_tracking` entries → threats with status, justification, ticket,
//! checked-by and date.

use std::collections::BTreeMap;

use super::build::ModelBuilder;
use super::source::{Document, entries, get, leftovers, text, text_items};
use super::text::{kind_hint, one_line, stride_named};
use super::{Format, ImportError, Imported};
use crate::load::Node;
use crate::model::{
    Acceptance, Classification, Component, ComponentKind, DataAsset, Date, EndpointRef, Flow, Id,
    Level, RiskLevel, Severity, Threat, ThreatStatus, TrustBoundary,
};

const ORIGIN: &str = "threagile";

fn classification(c: &str) -> Option<Classification> {
    Some(match c.trim() {
        "public" => Classification::Public,
        "internal" => Classification::Internal,
        "restricted" | "confidential" => Classification::Confidential,
        "strictly-confidential" => Classification::Restricted,
        _ => return None,
    })
}

fn kind(ty: &str, technology: &str, machine: &str) -> ComponentKind {
    match ty {
        "datastore" => ComponentKind::Datastore,
        "external-entity" => match kind_hint(technology) {
            ComponentKind::Client | ComponentKind::Human => ComponentKind::Client,
            _ => ComponentKind::External,
        },
        _ if machine == "serverless" => ComponentKind::Function,
        _ => match kind_hint(technology) {
            ComponentKind::Human | ComponentKind::External => ComponentKind::Service,
            k => k,
        },
    }
}

fn encrypted(protocol: &str, vpn: bool) -> Option<bool> {
    if protocol.is_empty() {
        return None;
    }
    let enc = protocol.contains("encrypted")
        || matches!(
            protocol,
            "https"
                | "wss"
                | "ssh"
                | "ssh-tunnel"
                | "sftp"
                | "ftps"
                | "ldaps"
                | "smb-encrypted"
                | "nfs-encrypted"
                | "iiop-encrypted"
                | "jrmp-encrypted"
                | "mqtts"
        );
    Some(enc || vpn)
}

fn level(likelihood: &str) -> Option<Level> {
    Some(match likelihood {
        "unlikely" | "low" => Level::Low,
        "likely" | "medium" => Level::Medium,
        "very-likely" | "frequent" | "high" | "very-high" => Level::High,
        _ => return None,
    })
}

fn severity(s: &str) -> Option<Severity> {
    Some(match s {
        "low" => Severity::Low,
        "medium" | "elevated" => Severity::Medium,
        "high" => Severity::High,
        "critical" => Severity::Critical,
        _ => return None,
    })
}

/// Removes `<b>`-style markup Threagile puts in risk titles.
fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' if inside => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    one_line(&out, 300)
}

/// Imports a Threagile model.
pub fn import(doc: &Document) -> Result<Imported, ImportError> {
    doc.require_format(
        "Threagile",
        &["threagile_version", "technical_assets"],
        "a Threagile model has `threagile_version` and `technical_assets`",
    )?;
    let root = &doc.root;
    let title = text(root, "title").unwrap_or_else(|| "Imported Threagile model".into());
    let mut b = ModelBuilder::new(Format::Threagile, &doc.file, &title);
    b.model.id = b
        .ids
        .alloc("model", &title.to_ascii_lowercase(), "threagile-model");
    if let Some(author) = get(root, "author").and_then(|a| text(a, "name")) {
        b.model.owners.push(author);
    }
    let mut summary = Vec::new();
    for key in ["business_overview", "technical_overview"] {
        if let Some(d) = get(root, key).and_then(|o| text(o, "description")) {
            summary.push(d);
        }
    }
    b.model.summary = (!summary.is_empty()).then(|| summary.join("\n\n"));
    b.model.risk = match text(root, "business_criticality").as_deref() {
        Some("archive" | "operational") => RiskLevel::Low,
        Some("critical") => RiskLevel::High,
        Some("mission-critical") => RiskLevel::Critical,
        _ => RiskLevel::Medium,
    };
    let anns = leftovers(
        root,
        &[
            "title",
            "data_assets",
            "technical_assets",
            "trust_boundaries",
            "individual_risk_categories",
            "risk_tracking",
        ],
        ORIGIN,
        "",
    );
    b.model.annotations.extend(anns);

    // Data assets (a mapping: title → asset).
    let data_assets = entries(root, "data_assets");
    for (k, a) in data_assets {
        let name = k.value.scalar_text().unwrap_or_default();
        let raw = text(a, "id").unwrap_or_else(|| name.clone());
        let (id, kept) = b.id("data", &raw, &name);
        let conf = text(a, "confidentiality").unwrap_or_default();
        let classification = classification(&conf).unwrap_or_else(|| {
            b.report.note(format!(
                "data asset `{raw}`: confidentiality `{conf}` unknown; `internal` assumed"
            ));
            Classification::Internal
        });
        let mut annotations: Vec<_> = kept.into_iter().collect();
        annotations.extend(leftovers(a, &["id", "description"], ORIGIN, ""));
        b.model.data.push(DataAsset {
            id,
            name: if name.is_empty() { raw } else { name },
            classification,
            description: text(a, "description"),
            annotations,
        });
    }
    b.report
        .count("data assets", data_assets.len(), b.model.data.len(), vec![]);

    // Trust boundaries: each is a zone; a nested one is separated from its
    // parent by a boundary, a top-level one from the zone `outside`.
    let tbs = entries(root, "trust_boundaries");
    let mut parent_of: BTreeMap<String, String> = BTreeMap::new();
    let mut zone_of_asset: BTreeMap<String, Id> = BTreeMap::new();
    for (k, tb) in tbs {
        let name = k.value.scalar_text().unwrap_or_default();
        let raw = text(tb, "id").unwrap_or_else(|| name.clone());
        let (id, _) = b.id("zone", &raw, &name);
        b.model.zones.push(id);
        for (child, _) in text_items(tb, "trust_boundaries_nested") {
            parent_of.entry(child).or_insert_with(|| raw.clone());
        }
    }
    let mut outside: Option<Id> = None;
    for (k, tb) in tbs {
        let name = k.value.scalar_text().unwrap_or_default();
        let raw = text(tb, "id").unwrap_or_else(|| name.clone());
        let zone = b
            .ids
            .lookup("zone", &raw)
            .cloned()
            .unwrap_or(Id(raw.clone()));
        for (child, node) in text_items(tb, "trust_boundaries_nested") {
            if b.ids.lookup("zone", &child).is_none() {
                return Err(dangling(doc, node, "trust boundary", &child));
            }
        }
        for (asset, _) in text_items(tb, "technical_assets_inside") {
            // The innermost boundary wins: a nested boundary is listed after
            // or before its parent, so prefer the deeper one.
            let depth = |z: &str| {
                let mut d = 0;
                let mut cur = z.to_owned();
                while let Some(p) = parent_of.get(&cur) {
                    d += 1;
                    cur = p.clone();
                    if d > tbs.len() {
                        break;
                    }
                }
                d
            };
            let replace = match zone_of_asset.get(&asset) {
                Some(prev) => depth(&raw) > depth(prev.as_str()),
                None => true,
            };
            if replace {
                zone_of_asset.insert(asset, zone.clone());
            }
        }
        let other = match parent_of.get(&raw) {
            Some(p) => b.ids.lookup("zone", p).cloned().unwrap_or(Id(p.clone())),
            None => outside
                .get_or_insert_with(|| {
                    let id = b.ids.alloc("zone", "outside", "outside");
                    b.report.note(format!("zone `{id}` added: the side of each top-level trust boundary that Threagile leaves unnamed"));
                    id
                })
                .clone(),
        };
        let (bid, _) = b.id("boundary", &format!("{raw}-boundary"), "boundary");
        let mut annotations = vec![b.ann("trust_boundary.id", raw.clone())];
        annotations.extend(leftovers(
            tb,
            &["id", "description", "trust_boundaries_nested"],
            ORIGIN,
            "",
        ));
        b.model.boundaries.push(TrustBoundary {
            id: bid,
            name: Some(if name.is_empty() { raw.clone() } else { name }),
            between: vec![other, zone],
            description: text(tb, "description"),
            annotations,
        });
    }
    if let Some(o) = outside {
        b.model.zones.push(o);
    }
    b.report.count(
        "trust boundaries",
        tbs.len(),
        b.model.boundaries.len(),
        vec![],
    );

    // Technical assets: ids first (links point forwards).
    let assets = entries(root, "technical_assets");
    let mut asset_ids = Vec::new();
    for (k, a) in assets {
        let name = k.value.scalar_text().unwrap_or_default();
        let raw = text(a, "id").unwrap_or_else(|| name.clone());
        asset_ids.push((raw.clone(), b.id("component", &raw, &name)));
    }
    for (_, tb) in tbs {
        for (asset, node) in text_items(tb, "technical_assets_inside") {
            if b.ids.lookup("component", &asset).is_none() {
                return Err(dangling(doc, node, "technical asset", &asset));
            }
        }
    }
    let mut link_ids: BTreeMap<String, Id> = BTreeMap::new();
    let mut link_count = 0;
    for ((k, a), (raw, (id, kept))) in assets.iter().zip(asset_ids) {
        let name = k.value.scalar_text().unwrap_or_else(|| raw.clone());
        let mut data = Vec::new();
        for key in ["data_assets_processed", "data_assets_stored"] {
            for (d, node) in text_items(a, key) {
                let Some(did) = b.ids.lookup("data", &d).cloned() else {
                    b.dropped_link(doc, node, "data asset", &d);
                    continue;
                };
                if !data.contains(&did) {
                    data.push(did);
                }
            }
        }
        for (lk, link) in entries(a, "communication_links") {
            link_count += 1;
            let lname = lk.value.scalar_text().unwrap_or_default();
            let (fid, fkept) = b.id("flow", &format!("{raw}>{lname}"), "link");
            link_ids.insert(
                format!("{raw}>{}", lname.to_ascii_lowercase().replace(' ', "-")),
                fid.clone(),
            );
            let target_node = get(link, "target").ok_or_else(|| {
                doc.error(
                    link,
                    format!("communication link `{lname}` has no `target`"),
                    "name the technical asset it reaches",
                )
            })?;
            let target = target_node.value.scalar_text().unwrap_or_default();
            let to = b
                .ids
                .lookup("component", &target)
                .cloned()
                .ok_or_else(|| dangling(doc, target_node, "technical asset", &target))?;
            let mut fdata = Vec::new();
            for key in ["data_assets_sent", "data_assets_received"] {
                for (d, node) in text_items(link, key) {
                    let Some(did) = b.ids.lookup("data", &d).cloned() else {
                        b.dropped_link(doc, node, "data asset", &d);
                        continue;
                    };
                    if !fdata.contains(&did) {
                        fdata.push(did);
                    }
                }
            }
            let protocol = text(link, "protocol").unwrap_or_default();
            let auth = text(link, "authentication");
            let vpn = super::source::boolean(link, "vpn").unwrap_or(false);
            let mut annotations: Vec<_> = fkept.into_iter().collect();
            annotations.extend(leftovers(
                link,
                &["target", "description", "protocol"],
                ORIGIN,
                "",
            ));
            b.model.flows.push(Flow {
                id: fid,
                name: Some(lname),
                from: EndpointRef(id.0.clone()),
                to: EndpointRef(to.0),
                data: fdata,
                protocol: (!protocol.is_empty()).then(|| protocol.clone()),
                authenticated: auth.map(|a| a != "none"),
                encrypted: encrypted(&protocol, vpn),
                description: text(link, "description"),
                not_applicable: Vec::new(),
                annotations,
            });
        }
        let ty = text(a, "type").unwrap_or_default();
        let tech = text(a, "technology").unwrap_or_default();
        let machine = text(a, "machine").unwrap_or_default();
        let mut annotations: Vec<_> = kept.into_iter().collect();
        annotations.extend(leftovers(
            a,
            &[
                "id",
                "description",
                "data_assets_processed",
                "communication_links",
            ],
            ORIGIN,
            "",
        ));
        b.model.components.push(Component {
            id,
            name,
            kind: kind(&ty, &tech, &machine),
            zone: zone_of_asset.get(&raw).cloned(),
            description: text(a, "description"),
            data,
            code: None,
            not_applicable: Vec::new(),
            annotations,
        });
    }
    b.report.count(
        "technical assets",
        assets.len(),
        b.model.components.len(),
        vec![],
    );
    b.report.count(
        "communication links",
        link_count,
        b.model.flows.len(),
        vec![],
    );

    // Individual (custom) risks, then risk tracking.
    let tracking = entries(root, "risk_tracking");
    let mut tracked_used = vec![false; tracking.len()];
    let mut source_threats = 0;
    for (ck, cat) in entries(root, "individual_risk_categories") {
        let cat_name = ck.value.scalar_text().unwrap_or_default();
        let cat_id = text(cat, "id").unwrap_or_else(|| cat_name.clone());
        let stride: Vec<_> = text(cat, "stride")
            .and_then(|s| stride_named(&s))
            .into_iter()
            .collect();
        for (rk, risk) in entries(cat, "risks_identified") {
            source_threats += 1;
            let rtitle = strip_tags(&rk.value.scalar_text().unwrap_or_default());
            let (target, target_raw) = risk_target(doc, &mut b, risk, &link_ids)?;
            let risk_id = format!("{cat_id}@{target_raw}");
            let (tid, _) = b.id("threat", &risk_id, &cat_id);
            let words = format!("{cat_name} {rtitle}");
            let (cats, guessed) = b.stride(stride.clone(), &words, &format!("threat `{tid}`"));
            let what = format!("threat `{tid}`");
            let likelihood = match text(risk, "exploitation_likelihood").and_then(|l| level(&l)) {
                Some(l) => l,
                None => b.default_level(&what, "likelihood"),
            };
            let impact = match text(risk, "exploitation_impact").and_then(|l| level(&l)) {
                Some(l) => l,
                None => b.default_level(&what, "impact"),
            };
            let sev = text(risk, "severity")
                .and_then(|s| severity(&s))
                .unwrap_or(super::text::severity_of(likelihood, impact));
            let mut annotations = vec![
                b.ann("risk.id", risk_id.clone()),
                b.ann("category.id", cat_id.clone()),
            ];
            annotations.extend(leftovers(
                cat,
                &["id", "stride", "risks_identified", "description"],
                ORIGIN,
                "category.",
            ));
            annotations.extend(leftovers(
                risk,
                &["exploitation_likelihood", "exploitation_impact", "severity"],
                ORIGIN,
                "",
            ));
            let mut threat = Threat {
                id: tid,
                target,
                stride: cats,
                title: if rtitle.is_empty() {
                    cat_name.clone()
                } else {
                    rtitle
                },
                description: text(cat, "description"),
                likelihood,
                impact,
                severity: sev,
                status: ThreatStatus::Open,
                current: None,
                mitigations: Vec::new(),
                acceptance: None,
                reason: None,
                drafted: guessed,
                library: None,
                annotations,
            };
            if let Some(i) = tracking.iter().position(|(k, _)| {
                k.value
                    .scalar_text()
                    .is_some_and(|p| matches_risk(&p, &risk_id))
            }) {
                tracked_used[i] = true;
                apply_tracking(&mut b, &mut threat, &tracking[i].1);
            }
            b.model.threats.push(threat);
        }
    }
    let mut why = Vec::new();
    for (i, (k, t)) in tracking.iter().enumerate() {
        if tracked_used[i] {
            continue;
        }
        source_threats += 1;
        let pattern = k.value.scalar_text().unwrap_or_default();
        let mut parts = pattern.split('@');
        let category = parts.next().unwrap_or_default().to_owned();
        let target = parts.filter(|p| *p != "*" && !p.is_empty()).find_map(|p| {
            b.ids
                .lookup("component", p)
                .cloned()
                .or_else(|| link_ids.get(p).cloned())
        });
        let target = match target {
            Some(t) => t,
            None => b.system_component(),
        };
        let (tid, _) = b.id("threat", &pattern, &category);
        let title = humanize(&category);
        let what = format!("threat `{tid}`");
        let (cats, guessed) = b.stride(Vec::new(), &title, &what);
        let likelihood = b.default_level(&what, "likelihood");
        let impact = b.default_level(&what, "impact");
        let mut threat = Threat {
            id: tid,
            target,
            stride: cats,
            title,
            description: None,
            likelihood,
            impact,
            severity: super::text::severity_of(likelihood, impact),
            status: ThreatStatus::Open,
            current: None,
            mitigations: Vec::new(),
            acceptance: None,
            reason: None,
            drafted: guessed,
            library: None,
            annotations: vec![b.ann("risk_tracking", pattern.clone())],
        };
        apply_tracking(&mut b, &mut threat, t);
        b.model.threats.push(threat);
    }
    if tracking.iter().enumerate().any(|(i, _)| !tracked_used[i]) {
        why.push("each `risk_tracking` entry for a risk Threagile computes itself became one threat (tm does not run Threagile's risk rules)".to_owned());
    }
    b.report
        .count("threats", source_threats, b.model.threats.len(), vec![]);
    if !why.is_empty() {
        b.report.notes.extend(why);
    }
    b.report.count("mitigations", 0, 0, vec![]);
    Ok(Imported {
        model: b.model,
        report: b.report,
    })
}

/// The element a custom risk is about: technical asset, link, boundary, or the whole system.
fn risk_target(
    doc: &Document,
    b: &mut ModelBuilder,
    risk: &Node,
    links: &BTreeMap<String, Id>,
) -> Result<(Id, String), ImportError> {
    if let Some(node) = get(risk, "most_relevant_technical_asset") {
        let raw = node.value.scalar_text().unwrap_or_default();
        let id = b
            .ids
            .lookup("component", &raw)
            .cloned()
            .ok_or_else(|| dangling(doc, node, "technical asset", &raw))?;
        return Ok((id, raw));
    }
    if let Some(node) = get(risk, "most_relevant_communication_link") {
        let raw = node.value.scalar_text().unwrap_or_default();
        let id = links
            .get(&raw)
            .cloned()
            .ok_or_else(|| dangling(doc, node, "communication link", &raw))?;
        return Ok((id, raw));
    }
    if let Some(node) = get(risk, "most_relevant_trust_boundary") {
        let raw = node.value.scalar_text().unwrap_or_default();
        let id = b
            .ids
            .lookup("boundary", &format!("{raw}-boundary"))
            .cloned()
            .ok_or_else(|| dangling(doc, node, "trust boundary", &raw))?;
        return Ok((id, raw));
    }
    Ok((b.system_component(), "*".to_owned()))
}

/// Whether a `risk_tracking` key (`category@a@*`) names the risk `category@asset`.
fn matches_risk(pattern: &str, risk_id: &str) -> bool {
    let p: Vec<&str> = pattern.split('@').collect();
    let r: Vec<&str> = risk_id.split('@').collect();
    p.len() >= r.len()
        && p.iter().zip(&r).all(|(a, b)| *a == "*" || a == b)
        && p[r.len()..].iter().all(|x| *x == "*")
}

fn apply_tracking(b: &mut ModelBuilder, threat: &mut Threat, t: &Node) {
    let status = text(t, "status").unwrap_or_else(|| "unchecked".into());
    let justification = text(t, "justification");
    let by = text(t, "checked_by");
    let at = text(t, "date").and_then(|d| d.get(..10).and_then(|s| s.parse::<Date>().ok()));
    threat
        .annotations
        .extend(leftovers(t, &["status"], ORIGIN, "tracking."));
    threat
        .annotations
        .push(b.ann("tracking.status", status.clone()));
    match status.as_str() {
        "accepted" => {
            threat.status = ThreatStatus::Accepted;
            match (by, at) {
                (Some(by), Some(at)) => {
                    threat.acceptance = Some(Acceptance {
                        by,
                        at,
                        expires: None,
                        rationale: justification
                            .unwrap_or_else(|| "(no justification in the Threagile model)".into()),
                    })
                }
                _ => {
                    threat.drafted = true;
                    b.report.note(format!("threat `{}`: accepted without checked_by and date; imported as drafted, acceptance left out", threat.id));
                }
            }
        }
        "mitigated" => {
            threat.status = ThreatStatus::Mitigated;
            threat.current = justification;
        }
        "false-positive" => {
            threat.status = ThreatStatus::NotApplicable;
            threat.reason =
                Some(justification.unwrap_or_else(|| "marked false-positive in Threagile".into()));
        }
        _ => threat.status = ThreatStatus::Open,
    }
}

fn humanize(category: &str) -> String {
    let s = category.replace(['-', '_'], " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => "Threagile risk".into(),
    }
}

fn dangling(doc: &Document, node: &Node, what: &str, raw: &str) -> ImportError {
    ImportError::Source(doc.error(
        node,
        format!(
            "`{}` names no {what} defined in this file",
            one_line(raw, 80)
        ),
        &format!("define the {what} or correct the reference"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_patterns_match_with_wildcards() {
        assert!(matches_risk(
            "something-strange@sql-database",
            "something-strange@sql-database"
        ));
        assert!(matches_risk(
            "something-strange@*",
            "something-strange@sql-database"
        ));
        assert!(!matches_risk("other@*", "something-strange@sql-database"));
        assert_eq!(strip_tags("<b>Risk</b> at <b>DB</b>"), "Risk at DB");
    }
}
