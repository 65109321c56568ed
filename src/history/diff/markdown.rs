//! Words for changes: one line per change, the Markdown of a PR comment, and
//! plain text for the terminal. Rendering only; the diff is computed elsewhere.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Change, FieldChange, Impact, LoadProblem, ModelDiff, SemanticDiff};
use crate::model::StrideCategory;

/// One change as a line of text (Markdown inline code for ids), with the
/// titles from `labels`.
pub fn describe(change: &Change, labels: &BTreeMap<String, String>) -> String {
    let named = |id: &dyn std::fmt::Display| -> String {
        let id = id.to_string();
        match labels.get(&id) {
            Some(title) => format!("`{id}` “{title}”"),
            None => format!("`{id}`"),
        }
    };
    let opt =
        |d: &Option<crate::model::Date>| d.map_or_else(|| "never".to_owned(), |d| d.to_string());
    use Change::*;
    match change {
        ModelAdded { title } => format!("model added: “{title}”"),
        ModelRemoved { title } => format!("model removed: “{title}”"),
        ModelMoved { from, to } => format!("file moved `{from}` → `{to}`"),
        ModelRenamed { from, to } => format!("model id changed `{from}` → `{to}`"),
        ModelField(f) => format!("model {}", fields_text(std::slice::from_ref(f))),
        ModelUnreadable {
            model,
            file,
            errors,
            still,
        } => format!(
            "model `{model}` {}: `{file}` has {} ({}); run `tm check`",
            if *still {
                "still does not load"
            } else {
                "no longer loads"
            },
            plural(errors.len(), "error", "errors"),
            load_problems(errors)
        ),
        ModelLoadsAgain {
            model,
            file,
            compared: true,
        } => format!("model `{model}` loads again (`{file}`)"),
        ModelLoadsAgain {
            model,
            file,
            compared: false,
        } => format!(
            "model `{model}` loads again (`{file}`); its base version did not load, so only its accepted risks are listed"
        ),
        ElementAdded { kind, id } => format!("{} `{id}` added", kind.as_str()),
        ElementRemoved { kind, id } => format!("{} `{id}` removed", kind.as_str()),
        ElementChanged { kind, id, fields } => {
            format!("{} `{id}`: {}", kind.as_str(), fields_text(fields))
        }
        ThreatAdded {
            id,
            target,
            stride,
            severity,
            status,
            drafted,
        } => format!(
            "threat {} added: {} on `{target}`, severity {severity}, {status}{}",
            named(id),
            categories(stride),
            if *drafted {
                " (drafted, awaiting review)"
            } else {
                ""
            }
        ),
        ThreatRemoved { id, status } => format!("threat {} removed (was {status})", named(id)),
        ThreatStatusChanged { id, from, to } => format!("threat {}: {from} → {to}", named(id)),
        SeverityChanged { id, from, to } => format!("threat {}: severity {from} → {to}", named(id)),
        LikelihoodChanged { id, from, to } => {
            format!("threat {}: likelihood {from} → {to}", named(id))
        }
        ImpactChanged { id, from, to } => format!("threat {}: impact {from} → {to}", named(id)),
        CategoriesChanged { id, added, removed } => {
            let mut parts: Vec<String> = added.iter().map(|c| format!("+{c}")).collect();
            parts.extend(removed.iter().map(|c| format!("−{c}")));
            format!("threat {}: STRIDE {}", named(id), parts.join(" "))
        }
        ThreatMitigationsChanged {
            id,
            linked,
            unlinked,
        } => {
            let mut parts: Vec<String> = linked
                .iter()
                .map(|m| format!("{} linked", named(m)))
                .collect();
            parts.extend(unlinked.iter().map(|m| format!("{} unlinked", named(m))));
            format!("threat {}: mitigation {}", named(id), parts.join(", "))
        }
        ThreatDraftChanged { id, drafted: false } => {
            format!("threat {}: draft reviewed", named(id))
        }
        ThreatDraftChanged { id, drafted: true } => {
            format!("threat {}: marked drafted again", named(id))
        }
        ThreatEdited { id, fields } => format!("threat {}: {}", named(id), fields_text(fields)),
        RiskAccepted {
            threat,
            by,
            at,
            expires,
        } => format!(
            "risk accepted on {} by {by} on {at}, expires {}",
            named(threat),
            opt(expires)
        ),
        AcceptanceRenewed {
            threat,
            by,
            from_expires,
            to_expires,
        } => format!(
            "acceptance of {} renewed by {by}: expires {} → {}",
            named(threat),
            opt(from_expires),
            opt(to_expires)
        ),
        AcceptanceWithdrawn { threat } => format!("acceptance of {} withdrawn", named(threat)),
        AcceptanceExpired { threat, expires } => {
            format!("acceptance of {} expired on {expires}", named(threat))
        }
        MitigationAdded { id, status } => format!("mitigation {} added ({status})", named(id)),
        MitigationRemoved { id, status } => {
            format!("mitigation {} removed (was {status})", named(id))
        }
        MitigationStatusChanged { id, from, to } => {
            let back = if change.impact() == Impact::Weakened {
                " (moved back)"
            } else {
                ""
            };
            format!("mitigation {}: {from} → {to}{back}", named(id))
        }
        MitigationSignedOff { id, by, at } => {
            format!("mitigation {} signed off by {by} on {at}", named(id))
        }
        MitigationEdited { id, fields } => {
            format!("mitigation {}: {}", named(id), fields_text(fields))
        }
        ReviewAdded {
            kind,
            by,
            at,
            outcome,
        } => format!("{kind} review by {by} on {at}: {outcome}"),
        ReviewRemoved { kind, by, at } => format!("{kind} review by {by} on {at} removed"),
        CoverageGained { element, category } => {
            format!("STRIDE coverage gained: `{element}` {category}")
        }
        CoverageLost { element, category } => {
            format!("STRIDE coverage lost: `{element}` {category}")
        }
        FindingIntroduced(f) => format!("new {} {}: {}", f.severity, f.rule, f.message),
        FindingFixed(f) => format!("fixed {} {}: {}", f.severity, f.rule, f.message),
    }
}

fn categories(c: &[StrideCategory]) -> String {
    c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join("+")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "TM001 at line 5: invalid YAML…, and 2 more".
fn load_problems(errors: &[LoadProblem]) -> String {
    let Some(first) = errors.first() else {
        return "no position".to_owned();
    };
    let at = first
        .line
        .map(|l| format!(" at line {l}"))
        .unwrap_or_default();
    let more = match errors.len() {
        1 => String::new(),
        n => format!(", and {} more", n - 1),
    };
    format!("{}{at}: {}{more}", first.rule, first.message)
}

/// One field change; `name` is how the field is called (its last key when a
/// sibling of the same mapping was named just before).
fn field(f: &FieldChange, name: &str) -> String {
    if !f.added.is_empty() || !f.removed.is_empty() {
        let items = f
            .added
            .iter()
            .map(|i| format!("+`{i}`"))
            .chain(f.removed.iter().map(|i| format!("−`{i}`")));
        return format!("{name} {}", items.collect::<Vec<_>>().join(" "));
    }
    match (&f.from, &f.to) {
        (Some(a), Some(b)) => format!("{name} “{a}” → “{b}”"),
        (None, Some(b)) => format!("{name} set to “{b}”"),
        (Some(a), None) => format!("{name} “{a}” removed"),
        (None, None) => format!("{name} edited"),
    }
}

/// Field changes joined by "; ", nested keys in words: `code.paths` then
/// `code.symbols` read "code paths …; symbols …".
fn fields_text(fields: &[FieldChange]) -> String {
    let mut parent: Option<&str> = None;
    let mut parts = Vec::with_capacity(fields.len());
    for f in fields {
        let (this_parent, key) = match f.field.rsplit_once('.') {
            Some((p, k)) => (Some(p), k),
            None => (None, f.field.as_str()),
        };
        let name = match this_parent {
            Some(p) if parent != Some(p) => format!("{} {key}", p.replace('.', " ")),
            _ => key.to_owned(),
        };
        parent = this_parent;
        parts.push(field(f, &name));
    }
    parts.join("; ")
}

/// The lines of one model's changes: what needs attention first (accepted
/// risks, weakened controls, new errors), each marked, then the rest.
pub fn model_lines(m: &ModelDiff) -> Vec<(Impact, String)> {
    let mut lines: Vec<(Impact, String)> = m
        .changes
        .iter()
        .map(|c| (c.impact(), describe(c, &m.labels)))
        .collect();
    // Stable: the change order stays within each impact class.
    lines.sort_by_key(|(impact, _)| match impact {
        Impact::RiskAccepted | Impact::Weakened | Impact::NewError => 0,
        _ => 1,
    });
    lines
}

fn marker(impact: Impact) -> &'static str {
    match impact {
        Impact::RiskAccepted => "⚠️ **risk** ",
        Impact::Weakened => "⚠️ **weakened** ",
        Impact::NewError => "❌ ",
        Impact::Strengthened => "✅ ",
        Impact::Neutral => "",
    }
}

/// The PR comment: headline, then per model the changes, attention first.
pub fn render_markdown(diff: &SemanticDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### Threat model changes: {}\n",
        diff.summary.headline()
    );
    let _ = writeln!(out, "`{}` → `{}`\n", diff.base.label(), diff.head.label());
    for m in &diff.models {
        let _ = writeln!(out, "#### `{}` — {} (`{}`)\n", m.model, m.title, m.file);
        for (impact, line) in model_lines(m) {
            let _ = writeln!(out, "- {}{line}", marker(impact));
        }
        out.push('\n');
    }
    out
}

/// The same content as plain text for a terminal.
pub fn render_text(diff: &SemanticDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} → {}: {}",
        diff.base.label(),
        diff.head.label(),
        diff.summary.headline()
    );
    for m in &diff.models {
        let _ = writeln!(out, "\n{} — {} ({})", m.model, m.title, m.file);
        for (impact, line) in model_lines(m) {
            let _ = writeln!(out, "  {}{}", text_marker(impact), line.replace('`', ""));
        }
    }
    out
}

fn text_marker(impact: Impact) -> &'static str {
    match impact {
        Impact::RiskAccepted => "! risk      ",
        Impact::Weakened => "! weakened  ",
        Impact::NewError => "! error     ",
        Impact::Strengthened => "+ ",
        Impact::Neutral => "· ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_fields_read_as_words() {
        let fields = [
            FieldChange::items(
                "code.paths".into(),
                vec!["src/x/**".into()],
                vec!["src/y/**".into()],
            ),
            FieldChange::items("code.symbols".into(), vec!["crate::a".into()], vec![]),
            FieldChange::value("name".into(), Some("A".into()), Some("B".into())),
        ];
        assert_eq!(
            fields_text(&fields),
            "code paths +`src/x/**` −`src/y/**`; symbols +`crate::a`; name “A” → “B”"
        );
    }
}
