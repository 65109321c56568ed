//! TM301–TM306: human decisions are recorded — acceptances (and their expiry),
//! security sign-offs, required reviews, and no open serious threat in an
//! approved model.

use super::CheckOptions;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::LoadedModel;
use crate::model::{ModelStatus, ReviewOutcome, ThreatStatus};

/// Checks the recorded decisions of one model.
pub fn check_model(
    config: &Config,
    lm: &LoadedModel,
    opts: &CheckOptions,
    out: &mut Vec<Diagnostic>,
) {
    let m = &lm.model;
    let diag = |rule, path: &[&str], message: String, help: String| {
        Diagnostic::new(rule, &lm.file, Some(lm.span_at(path)), message)
            .with_help(help)
            .for_model(m.id.as_str())
    };
    for (i, t) in m.threats.iter().enumerate() {
        if t.status != ThreatStatus::Accepted || !lm.element_valid("threats", i) {
            continue;
        }
        let i = i.to_string();
        let Some(a) = &t.acceptance else {
            out.push(diag(
                Rule::MissingAcceptance,
                &["threats", &i, "status"],
                format!("threat `{}` is accepted, but nobody is recorded as accepting it", t.id),
                "add `acceptance: {by: <who>, at: <YYYY-MM-DD>, expires: <YYYY-MM-DD>, rationale: <why>}` to the threat".into(),
            ));
            continue;
        };
        for (field, what) in [("by", &a.by), ("rationale", &a.rationale)] {
            if what.trim().is_empty() {
                out.push(diag(
                    Rule::MissingAcceptance,
                    &["threats", &i, "acceptance", field],
                    format!("the acceptance of `{}` has an empty `{field}`", t.id),
                    "record who accepted the risk and why".into(),
                ));
            }
        }
        let Some(expires) = a.expires else { continue };
        let days_left = opts.today.days_until(expires);
        if days_left < 0 {
            out.push(diag(
                Rule::ExpiredAcceptance,
                &["threats", &i, "acceptance", "expires"],
                // The message names only dates, so the finding is the same
                // finding whatever day it is judged on; the count is help.
                format!("the acceptance of `{}` expired on {expires}", t.id),
                format!(
                    "{} ago: renew it (a new `at`, `expires` and who accepted it), or mitigate the threat and change its status",
                    days(-days_left)
                ),
            ));
        } else if days_left <= i64::from(config.tm.expiry_warning_days) {
            out.push(diag(
                Rule::ExpiringAcceptance,
                &["threats", &i, "acceptance", "expires"],
                format!("the acceptance of `{}` expires on {expires}", t.id),
                format!(
                    "in {}: get it renewed or the threat mitigated before then",
                    days(days_left)
                ),
            ));
        }
    }
    for (i, x) in m.mitigations.iter().enumerate() {
        if !lm.element_valid("mitigations", i) {
            continue;
        }
        if x.status.claims_done() && x.signoff.as_ref().is_none_or(|s| s.by.trim().is_empty()) {
            out.push(diag(
                Rule::MissingSignoff,
                &["mitigations", &i.to_string(), "status"],
                format!("mitigation `{}` is {} without a security sign-off", x.id, x.status),
                "add `signoff: {by: <security engineer>, at: <YYYY-MM-DD>}`, or set the status back to `in-progress`".into(),
            ));
        }
    }
    if m.status != ModelStatus::Approved || !lm.is_valid("status") {
        return;
    }
    for kind in config
        .tm
        .required_reviews
        .iter()
        .filter(|_| lm.is_valid("reviews"))
    {
        match m.last_review(Some(*kind)) {
            Some(r) if r.outcome == ReviewOutcome::Approved => {}
            Some(r) => out.push(diag(
                Rule::MissingReview,
                &["status"],
                format!("model is approved, but its latest {kind} review ({} by {}) requested changes", r.at, r.by),
                format!("record a new {kind} review with `outcome: approved`, or set the status to `in-review`"),
            )),
            None => out.push(diag(
                Rule::MissingReview,
                &["status"],
                format!("model is approved without a {kind} review"),
                format!(
                    "book.toml requires {} review(s) for approval: add `- {{kind: {kind}, by: …, at: …, outcome: approved}}` under `reviews`",
                    config.tm.required_reviews.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
    let bar = config.tm.approval_max_open_severity;
    for (i, t) in m.threats.iter().enumerate() {
        if t.status == ThreatStatus::Open && t.severity >= bar && lm.element_valid("threats", i) {
            out.push(diag(
                Rule::OpenThreatInApproved,
                &["threats", &i.to_string(), "status"],
                format!("approved model has open {} threat `{}`", t.severity, t.id),
                format!("mitigate, transfer or accept it (an approved model may have no open threat of severity {bar} or above), or set the model back to `in-review`"),
            ));
        }
    }
}

/// "1 day", "12 days".
fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}
