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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn rules(yaml: &str) -> Vec<Rule> {
        let head = "tm: 1\nid: m\ntitle: M\nstatus: in-review\nrisk: low\ncomponents:\n  - {id: x, name: X, kind: service}\n";
        let (_, (lm, _)) =
            crate::load::load_model_text(Path::new("m.yaml"), format!("{head}{yaml}").into_bytes());
        let mut out = Vec::new();
        check_model(&lm.expect("model"), &mut out);
        out.into_iter().map(|d| d.rule).collect()
    }

    fn threat(status: &str, extra: &str) -> String {
        format!(
            "threats:\n  - {{id: T, target: x, stride: spoofing, title: t, likelihood: low, impact: low, severity: low, status: {status}{extra}}}\n"
        )
    }

    #[test]
    fn a_rejected_control_does_not_back_a_mitigated_threat() {
        let m = "mitigations:\n  - {id: M, control: c, status: rejected}\n";
        let t = threat("mitigated", ", mitigations: [M]");
        assert_eq!(rules(&format!("{t}{m}")), [Rule::MitigatedWithoutControl]);
        let m = "mitigations:\n  - {id: M, control: c, status: verified}\n";
        assert_eq!(rules(&format!("{t}{m}")), []);
    }

    #[test]
    fn a_broken_threat_that_lists_the_mitigation_still_counts_as_a_use() {
        // `titel` breaks the threat, but its `mitigations` list read whole.
        let t = "threats:\n  - {id: T, target: x, stride: spoofing, titel: t, likelihood: low, impact: low, severity: low, status: open, mitigations: [M]}\n";
        let m = "mitigations:\n  - {id: M, control: c, status: proposed}\n  - {id: N, control: d, status: proposed}\n";
        assert_eq!(rules(&format!("{t}{m}")), [Rule::UnreferencedMitigation]);
    }
}
