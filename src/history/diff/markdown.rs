//! Words for changes: one line per change, the Markdown of a PR comment, and
//! plain text for the terminal. Rendering only; the diff is computed
//! elsewhere. Lines are built from typed parts ([`Line`]), so user text is
//! escaped by each output and never parsed as Markdown.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::words::{Line, Part, escape_markdown};
use super::{Change, ConfigEffect, FieldChange, Impact, LoadProblem, ModelDiff, SemanticDiff};
use crate::model::{Date, StrideCategory};

/// The hidden marker that starts every PR comment, so that a bot edits its
/// one comment instead of adding a new one on each push.
pub const COMMENT_MARKER: &str = "<!-- tm-diff:summary -->";

/// One change as a line of Markdown, user text escaped, with the titles
/// from `labels`.
pub fn describe(change: &Change, labels: &BTreeMap<String, String>) -> String {
    describe_line(change, labels, &BTreeMap::new()).markdown()
}

/// One change as plain text for a terminal.
pub fn describe_plain(change: &Change, labels: &BTreeMap<String, String>) -> String {
    describe_line(change, labels, &BTreeMap::new()).plain()
}

/// One change as typed parts; ids named in `links` link to their line.
pub fn describe_line(
    change: &Change,
    labels: &BTreeMap<String, String>,
    links: &BTreeMap<String, String>,
) -> Line {
    let named = |id: &dyn std::fmt::Display| -> Line {
        let id = id.to_string();
        let head = match links.get(&id) {
            Some(url) => Line(vec![Part::Link {
                code: id.clone(),
                url: url.clone(),
            }]),
            None => Line::new().code(id.clone()),
        };
        match labels.get(&id) {
            Some(title) => head.word(" “").text(title.clone()).word("”"),
            None => head,
        }
    };
    let opt = |d: &Option<Date>| d.map_or_else(|| "never".to_owned(), |d| d.to_string());
    let w = |s: &str| Line::new().word(s);
    use Change::*;
    match change {
        ModelAdded { title } => w("model added: “").text(title).word("”"),
        ModelRemoved { title } => w("model removed: “").text(title).word("”"),
        ModelMoved { from, to } => w("file moved ").code(from).word(" → ").code(to),
        ModelRenamed { from, to } => w("model id changed ")
            .code(from.as_str())
            .word(" → ")
            .code(to.as_str()),
        ModelField(f) => w("model ").append(fields_line(std::slice::from_ref(f))),
        ModelUnreadable {
            model,
            file,
            errors,
            still,
        } => w("model ")
            .code(model)
            .word(if *still {
                " still does not load: "
            } else {
                " no longer loads: "
            })
            .code(file)
            .word(format!(
                " has {} (",
                plural(errors.len(), "error", "errors")
            ))
            .append(load_problems(errors))
            .word("); run ")
            .code("tm check"),
        ModelLoadsAgain {
            model,
            file,
            compared,
        } => {
            let line = w("model ")
                .code(model)
                .word(" loads again (")
                .code(file)
                .word(")");
            if *compared {
                line
            } else {
                line.word("; its base version did not load, so only its accepted risks are listed")
            }
        }
        ElementAdded { kind, id } => w(kind.as_str()).word(" ").code(id.as_str()).word(" added"),
        ElementRemoved { kind, id } => w(kind.as_str())
            .word(" ")
            .code(id.as_str())
            .word(" removed"),
        ElementChanged { kind, id, fields } => w(kind.as_str())
            .word(" ")
            .code(id.as_str())
            .word(": ")
            .append(fields_line(fields)),
        ThreatAdded {
            id,
            target,
            stride,
            severity,
            status,
            drafted,
        } => w("threat ")
            .append(named(id))
            .word(format!(" added: {} on ", categories(stride)))
            .code(target.as_str())
            .word(format!(
                ", severity {severity}, {status}{}",
                if *drafted {
                    " (drafted, awaiting review)"
                } else {
                    ""
                }
            )),
        ThreatRemoved {
            id,
            status,
            severity,
            moved_to,
        } => {
            let line = w("threat ")
                .append(named(id))
                .word(format!(" removed (was {status}, severity {severity})"));
            match moved_to {
                Some(m) => line.word("; moved to model ").code(m),
                None => line,
            }
        }
        ThreatStatusChanged { id, from, to, .. } => w("threat ")
            .append(named(id))
            .word(format!(": {from} → {to}")),
        SeverityChanged {
            id,
            from,
            to,
            closed,
        } => rating(named(id), "severity", from, to, from > to, *closed),
        LikelihoodChanged {
            id,
            from,
            to,
            closed,
        } => rating(named(id), "likelihood", from, to, from > to, *closed),
        ImpactChanged {
            id,
            from,
            to,
            closed,
        } => rating(named(id), "impact", from, to, from > to, *closed),
        CategoriesChanged { id, added, removed } => {
            let mut parts: Vec<String> = added.iter().map(|c| format!("+{c}")).collect();
            parts.extend(removed.iter().map(|c| format!("−{c}")));
            w("threat ")
                .append(named(id))
                .word(format!(": STRIDE {}", parts.join(" ")))
        }
        ThreatMitigationsChanged {
            id,
            linked,
            unlinked,
            ..
        } => {
            let mut line = w("threat ").append(named(id)).word(": mitigation ");
            let items = linked
                .iter()
                .map(|m| (m, " linked"))
                .chain(unlinked.iter().map(|m| (m, " unlinked")));
            for (i, (m, what)) in items.enumerate() {
                if i > 0 {
                    line = line.word(", ");
                }
                line = line.append(named(m)).word(what);
            }
            line
        }
        ThreatDraftChanged { id, drafted: false } => {
            w("threat ").append(named(id)).word(": draft reviewed")
        }
        ThreatDraftChanged { id, drafted: true } => w("threat ")
            .append(named(id))
            .word(": marked drafted again"),
        ThreatEdited { id, fields } => w("threat ")
            .append(named(id))
            .word(": ")
            .append(fields_line(fields)),
        RiskAccepted {
            threat,
            from,
            by,
            at,
            expires,
        } => {
            let line = w("risk accepted on ").append(named(threat));
            let line = match from {
                Some(s) => line.word(format!(" (was {s})")),
                None => line,
            };
            line.word(" by ")
                .text(by)
                .word(format!(" on {at}, expires {}", opt(expires)))
        }
        AcceptanceRenewed {
            threat,
            by,
            from_expires,
            to_expires,
        } => w("acceptance of ")
            .append(named(threat))
            .word(" renewed by ")
            .text(by)
            .word(format!(
                ": expires {} → {}",
                opt(from_expires),
                opt(to_expires)
            )),
        AcceptanceEdited { threat, fields } => w("acceptance of ")
            .append(named(threat))
            .word(" changed: ")
            .append(fields_line(fields)),
        AcceptanceWithdrawn { threat } => {
            w("acceptance of ").append(named(threat)).word(" withdrawn")
        }
        AcceptanceExpired { threat, expires } => w("acceptance of ")
            .append(named(threat))
            .word(format!(" expired on {expires}")),
        MitigationAdded { id, status } => w("mitigation ")
            .append(named(id))
            .word(format!(" added ({status})")),
        MitigationRemoved {
            id,
            status,
            linked_from,
        } => {
            let mut line = w("mitigation ")
                .append(named(id))
                .word(format!(" removed (was {status})"));
            for (i, t) in linked_from.iter().enumerate() {
                line = line.word(if i == 0 {
                    "; threats that lose it: "
                } else {
                    ", "
                });
                line = line.code(t.as_str());
            }
            line
        }
        MitigationStatusChanged { id, from, to } => {
            let back = if change.impact() == Impact::Weakened {
                " (moved back)"
            } else {
                ""
            };
            w("mitigation ")
                .append(named(id))
                .word(format!(": {from} → {to}{back}"))
        }
        MitigationSignedOff { id, by, at } => w("mitigation ")
            .append(named(id))
            .word(" signed off by ")
            .text(by)
            .word(format!(" on {at}")),
        MitigationEdited { id, fields } => w("mitigation ")
            .append(named(id))
            .word(": ")
            .append(fields_line(fields)),
        MitigationDraftChanged { id, drafted: false } => {
            w("mitigation ").append(named(id)).word(": draft reviewed")
        }
        MitigationDraftChanged { id, drafted: true } => w("mitigation ")
            .append(named(id))
            .word(": marked drafted again"),
        QuestionAdded {
            id,
            about,
            answered,
        } => w("question ")
            .append(named(id))
            .word(" asked about ")
            .code(about.as_str())
            .word(if *answered { " (with its answer)" } else { "" }),
        QuestionAnswered { id, by, at } => {
            let line = w("question ").append(named(id)).word(" answered");
            match (by, at) {
                (Some(by), Some(at)) => line.word(" by ").text(by).word(format!(" on {at}")),
                (Some(by), None) => line
                    .word(" by ")
                    .text(by)
                    .word(" with no ")
                    .code("answered-at")
                    .word(": the decision is not dated"),
                (None, Some(at)) => line
                    .word(format!(" on {at} with no "))
                    .code("answered-by")
                    .word(": nobody is recorded as deciding"),
                (None, None) => line
                    .word(" with no ")
                    .code("answered-by")
                    .word(" or ")
                    .code("answered-at")
                    .word(": nobody is recorded as deciding"),
            }
        }
        QuestionReopened { id } => w("question ")
            .append(named(id))
            .word(": answer withdrawn, open again"),
        QuestionRemoved { id, answered } => w("question ").append(named(id)).word(if *answered {
            " removed (it was answered)"
        } else {
            " removed while still unanswered"
        }),
        QuestionEdited { id, fields } => w("question ")
            .append(named(id))
            .word(": ")
            .append(fields_line(fields)),
        ReviewAdded {
            kind,
            by,
            at,
            outcome,
        } => w(&format!("{kind} review by "))
            .text(by)
            .word(format!(" on {at}: {outcome}")),
        ReviewRemoved { kind, by, at } => w(&format!("{kind} review by "))
            .text(by)
            .word(format!(" on {at} removed")),
        CoverageGained {
            element,
            category,
            not_applicable,
        } => {
            let line = w("STRIDE coverage gained: ")
                .code(element.as_str())
                .word(format!(" {category}"));
            if *not_applicable {
                line.word(" (declared not applicable: check the reason)")
            } else {
                line
            }
        }
        CoverageDowngraded { element, category } => {
            w("STRIDE coverage: ").code(element.as_str()).word(format!(
                " {category} is now answered by a not-applicable note instead of a threat"
            ))
        }
        CoverageLost { element, category } => w("STRIDE coverage lost: ")
            .code(element.as_str())
            .word(format!(" {category}")),
        BoundaryCrossingLost { flow } => w("flow ")
            .code(flow.as_str())
            .word(" no longer crosses a trust boundary, so it needs no threats of its own"),
        ConfigChanged {
            key,
            from,
            to,
            effect,
            silenced,
        } => {
            let line = w("book.toml ")
                .code(key)
                .word(": ")
                .code(from)
                .word(" → ")
                .code(to)
                .word(match effect {
                    ConfigEffect::Relaxed => " (relaxed",
                    ConfigEffect::Tightened => " (stricter",
                    ConfigEffect::Neutral => " (",
                });
            let line = match silenced {
                0 => line,
                n => line.word(format!(
                    "; {} of the base no longer reported",
                    plural(*n, "finding", "findings")
                )),
            };
            line.word(")")
        }
        EntryPointUnmodelled {
            file,
            line,
            what,
            symbol,
            ..
        } => {
            let l = w("unmodelled entry point: ")
                .text(what)
                .word(" at ")
                .code(format!("{file}:{line}"));
            match symbol {
                Some(s) => l.word(" in ").code(s),
                None => l,
            }
        }
        EntryPointSilenced {
            file,
            line,
            what,
            symbol,
            by,
        } => {
            let l = w("entry point silenced: ")
                .text(what)
                .word(" at ")
                .code(format!("{file}:{line}"));
            let l = match symbol {
                Some(s) => l.word(" in ").code(s),
                None => l,
            };
            l.word(" (").text(by).word(")")
        }
        FindingIntroduced(f) => w(&format!("new {} {}: ", f.severity, f.rule)).message(&f.message),
        FindingFixed(f) => w(&format!("fixed {} {}: ", f.severity, f.rule)).message(&f.message),
    }
}

/// A rating change; a lowered one is a human reclassification to check.
fn rating(
    named: Line,
    what: &str,
    from: &dyn std::fmt::Display,
    to: &dyn std::fmt::Display,
    lowered: bool,
    closed: bool,
) -> Line {
    let line = Line::new()
        .word("threat ")
        .append(named)
        .word(format!(": {what} {from} → {to}"));
    match (lowered, closed) {
        (true, false) => {
            line.word(" (lowered on a threat that is not closed: check the reclassification)")
        }
        (true, true) => line.word(" (reclassified on a closed threat: check)"),
        (false, _) => line,
    }
}

fn categories(c: &[StrideCategory]) -> String {
    c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join("+")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "TM001 at line 5: invalid YAML…, and 2 more".
fn load_problems(errors: &[LoadProblem]) -> Line {
    let Some(first) = errors.first() else {
        return Line::new().word("no position");
    };
    let at = first
        .line
        .map(|l| format!(" at line {l}"))
        .unwrap_or_default();
    let more = match errors.len() {
        1 => String::new(),
        n => format!(", and {} more", n - 1),
    };
    Line::new()
        .word(format!("{}{at}: ", first.rule))
        .message(&first.message)
        .word(more)
}

/// One field change; `name` is how the field is called (its last key when a
/// sibling of the same mapping was named just before).
fn field(f: &FieldChange, name: &str) -> Line {
    let line = Line::new().word(name);
    if !f.added.is_empty() || !f.removed.is_empty() {
        let items = f
            .added
            .iter()
            .map(|i| ("+", i))
            .chain(f.removed.iter().map(|i| ("−", i)));
        let mut line = line;
        for (sign, item) in items {
            line = line.word(format!(" {sign}")).code(item);
        }
        return line;
    }
    match (&f.from, &f.to) {
        (Some(a), Some(b)) => line.word(" “").text(a).word("” → “").text(b).word("”"),
        (None, Some(b)) => line.word(" set to “").text(b).word("”"),
        (Some(a), None) => line.word(" “").text(a).word("” removed"),
        (None, None) => line.word(" edited"),
    }
}

/// Field changes joined by "; ", nested keys in words: `code.paths` then
/// `code.symbols` read "code paths …; symbols …".
fn fields_line(fields: &[FieldChange]) -> Line {
    let mut parent: Option<&str> = None;
    let mut line = Line::new();
    for (i, f) in fields.iter().enumerate() {
        let (this_parent, key) = match f.field.rsplit_once('.') {
            Some((p, k)) => (Some(p), k),
            None => (None, f.field.as_str()),
        };
        let name = match this_parent {
            Some(p) if parent != Some(p) => format!("{} {key}", p.replace('.', " ")),
            _ => key.to_owned(),
        };
        parent = this_parent;
        if i > 0 {
            line = line.word("; ");
        }
        line = line.append(field(f, &name));
    }
    line
}

/// The groups of the "needs a reviewer" section, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Attention {
    Weakened,
    PolicyRelaxed,
    NewError,
    NewUnmodelled,
    NewOpenThreat,
    RiskAccepted,
}

impl Attention {
    fn heading(self) -> &'static str {
        match self {
            Attention::Weakened => "Weakened",
            Attention::PolicyRelaxed => "Weakened: policy relaxed",
            Attention::NewError => "New errors",
            Attention::NewUnmodelled => "New unmodelled entry points",
            Attention::NewOpenThreat => "New open threats at or above approval-max-open-severity",
            Attention::RiskAccepted => "Weakened: risks accepted",
        }
    }
}

/// The group a change goes to in "needs a reviewer", if any.
fn attention(diff: &SemanticDiff, c: &Change) -> Option<Attention> {
    match c.impact() {
        Impact::Weakened => Some(Attention::Weakened),
        Impact::PolicyRelaxed => Some(Attention::PolicyRelaxed),
        Impact::NewError => Some(Attention::NewError),
        Impact::NewUnmodelled => Some(Attention::NewUnmodelled),
        Impact::RiskAccepted => Some(Attention::RiskAccepted),
        Impact::Review | Impact::Strengthened | Impact::Neutral => {
            diff.needs_reviewer(c).then_some(Attention::NewOpenThreat)
        }
    }
}

/// A change with where it belongs: the model (None: the project).
struct Item<'d> {
    model: Option<&'d ModelDiff>,
    change: &'d Change,
}

impl Item<'_> {
    fn line(&self) -> Line {
        let empty = BTreeMap::new();
        let (labels, links) = self
            .model
            .map_or((&empty, &empty), |m| (&m.labels, &m.links));
        describe_line(self.change, labels, links)
    }
}

fn items(diff: &SemanticDiff) -> impl Iterator<Item = Item<'_>> {
    diff.project
        .iter()
        .map(|change| Item {
            model: None,
            change,
        })
        .chain(diff.models.iter().flat_map(|m| {
            m.changes.iter().map(move |change| Item {
                model: Some(m),
                change,
            })
        }))
}

/// The changes that need a reviewer, grouped in reading order; each change
/// appears once, here or in the per-model rest.
fn reviewer_groups(diff: &SemanticDiff) -> Vec<(Attention, Vec<Item<'_>>)> {
    let mut groups: BTreeMap<Attention, Vec<Item>> = BTreeMap::new();
    for item in items(diff) {
        if let Some(a) = attention(diff, item.change) {
            groups.entry(a).or_default().push(item);
        }
    }
    groups.into_iter().collect()
}

fn marker(impact: Impact) -> &'static str {
    match impact {
        Impact::Strengthened => "✅ ",
        Impact::Review => "🔎 **check:** ",
        Impact::Weakened
        | Impact::PolicyRelaxed
        | Impact::NewError
        | Impact::NewUnmodelled
        | Impact::RiskAccepted
        | Impact::Neutral => "",
    }
}

fn text_marker(impact: Impact) -> &'static str {
    match impact {
        Impact::Strengthened => "+ ",
        Impact::Review => "? check: ",
        Impact::Weakened
        | Impact::PolicyRelaxed
        | Impact::NewError
        | Impact::NewUnmodelled
        | Impact::RiskAccepted
        | Impact::Neutral => "· ",
    }
}

/// The PR comment: the hidden marker, a headline with counts, "needs a
/// reviewer" first, then the rest per model.
pub fn render_markdown(diff: &SemanticDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{COMMENT_MARKER}");
    let _ = writeln!(
        out,
        "### Threat model changes: {}\n",
        escape_markdown(&diff.summary.headline())
    );
    let _ = writeln!(
        out,
        "{} → {}\n",
        Line::new().code(diff.base.label()).markdown(),
        Line::new().code(diff.head.label()).markdown()
    );
    let groups = reviewer_groups(diff);
    if !groups.is_empty() {
        let _ = writeln!(
            out,
            "#### ⚠️ Needs a reviewer ({})\n",
            groups.iter().map(|(_, i)| i.len()).sum::<usize>()
        );
        for (attention, items) in &groups {
            let _ = writeln!(out, "**{}**\n", escape_markdown(attention.heading()));
            for item in items {
                let whose = match item.model {
                    Some(m) => Line::new().code(&m.model).word(": "),
                    None => Line::new(),
                };
                let _ = writeln!(out, "- {}", whose.append(item.line()).markdown());
            }
            out.push('\n');
        }
    }
    let project = rest(diff, &diff.project);
    let models: Vec<(&ModelDiff, Vec<&Change>)> = diff
        .models
        .iter()
        .map(|m| (m, rest(diff, &m.changes)))
        .filter(|(_, r)| !r.is_empty())
        .collect();
    if !project.is_empty() || !models.is_empty() {
        let _ = writeln!(out, "#### Other changes\n");
    }
    if !project.is_empty() {
        let _ = writeln!(out, "##### Project\n");
        for c in project {
            let line = describe_line(c, &BTreeMap::new(), &BTreeMap::new());
            let _ = writeln!(out, "- {}{}", marker(c.impact()), line.markdown());
        }
        out.push('\n');
    }
    for (m, changes) in models {
        let heading = Line::new()
            .code(&m.model)
            .word(" — ")
            .text(&m.title)
            .word(" (")
            .code(&m.file)
            .word(")");
        let _ = writeln!(out, "##### {}\n", heading.markdown());
        for c in changes {
            let line = describe_line(c, &m.labels, &m.links);
            let _ = writeln!(out, "- {}{}", marker(c.impact()), line.markdown());
        }
        out.push('\n');
    }
    out
}

/// The same content as plain text for a terminal, control characters removed.
pub fn render_text(diff: &SemanticDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        Line::new()
            .text(diff.base.label())
            .word(" → ")
            .text(diff.head.label())
            .word(": ")
            .word(diff.summary.headline())
            .plain()
    );
    let groups = reviewer_groups(diff);
    if !groups.is_empty() {
        let n: usize = groups.iter().map(|(_, i)| i.len()).sum();
        let _ = writeln!(out, "\nNeeds a reviewer ({n}):");
        for (attention, items) in &groups {
            let _ = writeln!(out, "  {}:", attention.heading());
            for item in items {
                let whose = match item.model {
                    Some(m) => Line::new().text(&m.model).word(": "),
                    None => Line::new(),
                };
                let _ = writeln!(out, "    ! {}", whose.append(item.line()).plain());
            }
        }
    }
    let project = rest(diff, &diff.project);
    if !project.is_empty() {
        let _ = writeln!(out, "\nproject");
        for c in project {
            let line = describe_line(c, &BTreeMap::new(), &BTreeMap::new());
            let _ = writeln!(out, "  {}{}", text_marker(c.impact()), line.plain());
        }
    }
    for m in &diff.models {
        let changes = rest(diff, &m.changes);
        if changes.is_empty() {
            continue;
        }
        let heading = Line::new()
            .text(&m.model)
            .word(" — ")
            .text(&m.title)
            .word(" (")
            .text(&m.file)
            .word(")");
        let _ = writeln!(out, "\n{}", heading.plain());
        for c in changes {
            let line = describe_line(c, &m.labels, &BTreeMap::new());
            let _ = writeln!(out, "  {}{}", text_marker(c.impact()), line.plain());
        }
    }
    out
}

/// The changes not in "needs a reviewer".
fn rest<'d>(diff: &SemanticDiff, changes: &'d [Change]) -> Vec<&'d Change> {
    changes
        .iter()
        .filter(|c| attention(diff, c).is_none())
        .collect()
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
            fields_line(&fields).plain(),
            "code paths +src/x/** −src/y/**; symbols +crate::a; name “A” → “B”"
        );
        assert_eq!(
            fields_line(&fields).markdown(),
            "code paths +`src/x/**` −`src/y/**`; symbols +`crate::a`; name “A” → “B”"
        );
    }
}
