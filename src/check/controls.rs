//! TM103 and TM307: controls that are claimed must exist — a mitigation no
//! threat uses, and a threat marked mitigated with nothing in place.

use crate::diagnostic::{Diagnostic, Rule};
use crate::load::LoadedModel;
use crate::model::ThreatStatus;

/// Checks the mitigations of one model against the threats that use them.
pub fn check_model(lm: &LoadedModel, out: &mut Vec<Diagnostic>) {
    let m = &lm.model;
    // A threat that did not read might be the one that uses a mitigation:
    // judge only when the broken threats' own `mitigations` lists read.
    let broken_uses = lm.broken_elements_field("threats", &m.threats, "mitigations", |t| {
        t.mitigations.iter().map(|id| id.as_str()).collect()
    });
    if broken_uses.is_some() {
        for (i, x) in m.mitigations.iter().enumerate() {
            if !lm.element_valid("mitigations", i) {
                continue;
            }
            let used = m
                .threats
                .iter()
                .any(|t| t.mitigations.iter().any(|id| id == &x.id));
            if !used {
                out.push(
                    Diagnostic::new(
                        Rule::UnreferencedMitigation,
                        &lm.file,
                        Some(lm.span_at(&["mitigations", &i.to_string(), "id"])),
                        format!("mitigation `{}` is not referenced by any threat", x.id),
                    )
                    .with_help(format!(
                        "list it under the `mitigations:` of the threat it addresses (`mitigations: [{}]`), or remove it",
                        x.id
                    ))
                    .for_model(m.id.as_str()),
                );
            }
        }
    }
    if !lm.is_valid("mitigations") {
        return; // the status of a mitigation that did not read is unknown
    }
    for (i, t) in m.threats.iter().enumerate() {
        if t.status != ThreatStatus::Mitigated || !lm.element_valid("threats", i) {
            continue;
        }
        if t.current.as_deref().is_some_and(|c| !c.trim().is_empty()) {
            continue;
        }
        let listed: Vec<_> = t
            .mitigations
            .iter()
            .filter_map(|id| m.mitigations.iter().find(|x| &x.id == id))
            .collect();
        if listed.iter().any(|x| x.status.claims_done()) {
            continue;
        }
        let message = if listed.is_empty() {
            format!(
                "threat `{}` is mitigated, but it lists no mitigation and states no `current` control",
                t.id
            )
        } else {
            let states: Vec<String> = listed
                .iter()
                .map(|x| format!("`{}` is {}", x.id, x.status))
                .collect();
            format!(
                "threat `{}` is mitigated, but none of its mitigations is in place ({}) and no `current` control is stated",
                t.id,
                states.join(", ")
            )
        };
        out.push(
            Diagnostic::new(
                Rule::MitigatedWithoutControl,
                &lm.file,
                Some(lm.span_at(&["threats", &i.to_string(), "status"])),
                message,
            )
            .with_help("state the control in place today in `current:`, mark a mitigation `implemented` (with its security sign-off) once it is, or set the threat back to `open`")
            .for_model(m.id.as_str()),
        );
    }
}
