//! Policy changes: the effective `[output.tm]` settings of two revisions,
//! compared key by key. A setting that makes a check laxer or narrows what is
//! checked is a relaxed policy; a key nobody classified counts as relaxed, so
//! a setting added later is reported until someone says what it does.

use serde_json::Value;

use super::change::{Change, ConfigEffect};
use crate::config::Config;
use crate::diagnostic::Rule;
use crate::model::Severity;

/// The settings that changed from `old` to `new`, rules first (by code), then keys in order.
pub fn compare_configs(old: &Config, new: &Config) -> Vec<Change> {
    let mut out = Vec::new();
    for &rule in Rule::ALL {
        let (a, b) = (old.severity_of(rule), new.severity_of(rule));
        if a != b {
            out.push(Change::ConfigChanged {
                key: format!("rules.{} ({})", rule.code(), rule.name()),
                from: a.to_string(),
                to: b.to_string(),
                effect: if b < a {
                    ConfigEffect::Relaxed
                } else {
                    ConfigEffect::Tightened
                },
                silenced: 0,
            });
        }
    }
    let (Ok(Value::Object(a)), Ok(Value::Object(b))) =
        (serde_json::to_value(&old.tm), serde_json::to_value(&new.tm))
    else {
        return out;
    };
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys.into_iter().filter(|k| k.as_str() != "rules") {
        let (x, y) = (
            a.get(key).unwrap_or(&Value::Null),
            b.get(key).unwrap_or(&Value::Null),
        );
        if x == y {
            continue;
        }
        out.push(Change::ConfigChanged {
            key: key.clone(),
            from: text(x),
            to: text(y),
            effect: effect(key, x, y),
            silenced: 0,
        });
    }
    out
}

/// What changing `key` from `x` to `y` does to the checks.
fn effect(key: &str, x: &Value, y: &Value) -> ConfigEffect {
    use ConfigEffect::*;
    match key {
        // Where and what is checked: any change can take files out of the check.
        "models" | "source-roots" => Relaxed,
        // Fewer review kinds required.
        "required-reviews" => grows(x, y, Tightened, Relaxed),
        // More entry points nobody needs to model.
        "allow-unmodelled" => grows(x, y, Relaxed, Tightened),
        // A higher severity allowed open in an approved model; a higher bar to queue.
        "approval-max-open-severity" | "queue-severity" => match (severity(x), severity(y)) {
            (Some(a), Some(b)) if b < a => Tightened,
            (Some(a), Some(b)) if b == a => Neutral,
            _ => Relaxed,
        },
        // Fewer days of warning before an acceptance expires.
        "expiry-warning-days" => number_direction(x, y, true),
        // Longer acceptances allowed.
        "max-acceptance-days" => number_direction(x, y, false),
        // Output only: where the site goes and how it looks and links.
        "output-dir" | "theme" | "source-url" | "command" | "optional" => Neutral,
        // What `tm draft` proposes; drafts are judged by the rules like any threat.
        "draft-library" | "draft-disable" => Neutral,
        // What `tm export issues` writes: output only, no check depends on it.
        "issues-severity" | "jira-project" => Neutral,
        _ => Relaxed,
    }
}

/// `if_grows` when `y` has every item of `x` and more, else `otherwise`.
fn grows(x: &Value, y: &Value, if_grows: ConfigEffect, otherwise: ConfigEffect) -> ConfigEffect {
    let items = |v: &Value| -> Vec<Value> { v.as_array().cloned().unwrap_or_default() };
    let (a, b) = (items(x), items(y));
    if a.iter().all(|i| b.contains(i)) {
        if_grows
    } else {
        otherwise
    }
}

/// Relaxed when the number went down (`lower_relaxes`) or up (otherwise).
fn number_direction(x: &Value, y: &Value, lower_relaxes: bool) -> ConfigEffect {
    match (x.as_f64(), y.as_f64()) {
        (Some(a), Some(b)) if (b < a) == lower_relaxes => ConfigEffect::Relaxed,
        (Some(_), Some(_)) => ConfigEffect::Tightened,
        _ => ConfigEffect::Relaxed,
    }
}

fn severity(v: &Value) -> Option<Severity> {
    serde_json::from_value(v.clone()).ok()
}

/// A setting as short text: strings bare, lists and numbers as TOML would write them.
fn text(v: &Value) -> String {
    match v {
        Value::Null => "(unset)".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(toml: &str) -> Config {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("book.toml"), toml).unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        Config::load(dir.path(), Vec::<(String, String)>::new()).unwrap()
    }

    fn effects(old: &str, new: &str) -> Vec<(String, ConfigEffect)> {
        compare_configs(&config(old), &config(new))
            .into_iter()
            .map(|c| match c {
                Change::ConfigChanged { key, effect, .. } => (key, effect),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn laxer_settings_are_relaxed_and_stricter_ones_tightened() {
        use ConfigEffect::*;
        let base = "[output.tm]\n";
        let cases: &[(&str, ConfigEffect)] = &[
            ("rules = { TM201 = \"warning\" }", Relaxed),
            ("rules = { stride-coverage = \"off\" }", Relaxed),
            ("rules = { TM503 = \"error\" }", Tightened),
            ("required-reviews = []", Relaxed),
            (
                "required-reviews = [\"security\", \"stakeholder\"]",
                Tightened,
            ),
            ("approval-max-open-severity = \"critical\"", Relaxed),
            ("approval-max-open-severity = \"medium\"", Tightened),
            ("allow-unmodelled = [\"src/**\"]", Relaxed),
            ("source-roots = [\"src\"]", Relaxed),
            ("models = \"threats\"", Relaxed),
            ("expiry-warning-days = 1", Relaxed),
            ("queue-severity = \"critical\"", Relaxed),
            ("output-dir = \"site\"", Neutral),
        ];
        for (line, want) in cases {
            let got = effects(base, &format!("{base}{line}\n"));
            assert_eq!(got.len(), 1, "{line}: {got:?}");
            assert_eq!(got[0].1, *want, "{line}");
        }
        assert_eq!(effects(base, base), vec![]);
        // Lowering a rule named by code or by name is the same setting.
        assert_eq!(
            effects(
                "[output.tm.rules]\nTM201 = \"warning\"\n",
                "[output.tm.rules]\nstride-coverage = \"warning\"\n"
            ),
            vec![]
        );
    }
}
