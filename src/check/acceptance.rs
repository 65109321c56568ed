//! TM308: a risk acceptance is for a bounded time — it has an `expires`
//! date, no further from `at` than `max-acceptance-days`.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::LoadedModel;

/// Checks the term of every recorded acceptance of one model.
pub fn check_model(config: &Config, lm: &LoadedModel, out: &mut Vec<Diagnostic>) {
    let m = &lm.model;
    let max = config.tm.max_acceptance_days;
    for (i, t) in m.threats.iter().enumerate() {
        let Some(a) = &t.acceptance else { continue };
        if !lm.element_valid("threats", i) {
            continue;
        }
        let i = i.to_string();
        let diag = |path: &[&str], message: String, help: String| {
            Diagnostic::new(
                Rule::AcceptanceTerm,
                &lm.file,
                Some(lm.span_at(path)),
                message,
            )
            .with_help(help)
            .for_model(m.id.as_str())
        };
        match a.expires {
            None => out.push(diag(
                &["threats", &i, "acceptance"],
                format!("the acceptance of `{}` has no `expires` date", t.id),
                format!(
                    "an accepted risk is reviewed again when its acceptance lapses: add `expires: <YYYY-MM-DD>` at most {max} days after `at` ({})",
                    a.at
                ),
            )),
            Some(expires) => {
                let term = a.at.days_until(expires);
                if term < 0 {
                    out.push(diag(
                        &["threats", &i, "acceptance", "expires"],
                        format!(
                            "the acceptance of `{}` expires on {expires}, before it was given ({})",
                            t.id, a.at
                        ),
                        "check the dates: `at` is when the risk was accepted, `expires` when the acceptance lapses".to_owned(),
                    ));
                } else if term > i64::from(max) {
                    out.push(diag(
                        &["threats", &i, "acceptance", "expires"],
                        format!(
                            "the acceptance of `{}` runs {term} days ({} to {expires}), longer than max-acceptance-days ({max})",
                            t.id, a.at
                        ),
                        format!(
                            "accept the risk for at most {max} days and renew it then, or raise `max-acceptance-days` under [output.tm] in book.toml"
                        ),
                    ));
                }
            }
        }
    }
}
