//! TM401/TM402/TM404: drafts are visible — a draft model, each drafted
//! threat and each drafted mitigation.

use crate::diagnostic::{Diagnostic, Rule};
use crate::load::LoadedModel;
use crate::model::ModelStatus;

/// Reports a draft model and its drafted threats.
pub fn check_model(lm: &LoadedModel, out: &mut Vec<Diagnostic>) {
    let m = &lm.model;
    if m.status == ModelStatus::Draft && lm.is_valid("status") {
        out.push(
            Diagnostic::new(Rule::DraftModel, &lm.file, Some(lm.span_at(&["status"])), format!("model `{}` is a draft: nobody has reviewed it", m.id))
                .with_help("once reviewed, set `status: in-review` or `approved` and record the review under `reviews`")
                .for_model(m.id.as_str()),
        );
    }
    for (i, t) in m.threats.iter().enumerate() {
        if t.drafted && lm.element_valid("threats", i) {
            out.push(
                Diagnostic::new(
                    Rule::DraftedThreat,
                    &lm.file,
                    Some(lm.span_at(&["threats", &i.to_string(), "drafted"])),
                    format!("threat `{}` is still a first draft", t.id),
                )
                .with_help("review it (severity, likelihood, impact are human decisions), then remove `drafted: true`")
                .for_model(m.id.as_str()),
            );
        }
    }
    for (i, x) in m.mitigations.iter().enumerate() {
        if x.drafted && lm.element_valid("mitigations", i) {
            out.push(
                Diagnostic::new(
                    Rule::DraftedMitigation,
                    &lm.file,
                    Some(lm.span_at(&["mitigations", &i.to_string(), "drafted"])),
                    format!("mitigation `{}` is still a first draft", x.id),
                )
                .with_help("review it (the control, where it sits, its cost and status are human decisions), then remove `drafted: true`")
                .for_model(m.id.as_str()),
            );
        }
    }
}
