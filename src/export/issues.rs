//! Issue-tracker payloads: one per open treatment — a mitigation not yet
//! implemented (nor rejected), and an open threat at or above the configured
//! severity (`issues-severity`, default `high`) that has no mitigation.
//!
//! Each payload is the body a tracker's create-issue API takes: GitHub
//! (`title`, `body`, `labels`), GitLab (`title`, `description`, `labels`),
//! Jira (`fields`: project, summary, description, labels, issue type), or a
//! Markdown file. Every body carries the stable key `tm:<model>/<id>` — in a
//! hidden `<!-- tm:… -->` marker on GitHub and GitLab, a plain line in Jira —
//! so a sync finds the issue again and updates it instead of duplicating.
//! A payload depends only on its own treatment (and the threats it
//! addresses), so changing one mitigation changes only its payload.

use std::fmt::Write;
use std::path::PathBuf;

use serde_json::{Value, json};

use super::text::{cell, cell_code, paragraphs};
use super::{ExportFile, ExportInput, Rendered};
use crate::escape::escape_inline;
use crate::load::LoadedModel;
use crate::model::{Id, Mitigation, MitigationStatus, Model, Severity, Threat, ThreatStatus};

/// The tracker a payload is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tracker {
    /// GitHub's REST create-issue body: `title`, `body`, `labels`.
    Github,
    /// GitLab's create-issue body: `title`, `description`, `labels`.
    Gitlab,
    /// Jira's create-issue body: `fields` with project, summary, description, labels, issue type.
    Jira,
    /// One Markdown file per issue.
    Markdown,
}

/// One open treatment, before it is shaped for a tracker.
#[derive(Debug, Clone, PartialEq)]
pub struct Treatment<'a> {
    /// The model.
    pub model: &'a Model,
    /// What is to be done.
    pub item: Item<'a>,
}

/// The thing an issue tracks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item<'a> {
    /// A mitigation not yet implemented.
    Mitigation(&'a Mitigation),
    /// An open threat with no mitigation.
    Threat(&'a Threat),
}

impl Treatment<'_> {
    /// The element id (mitigation or threat).
    pub fn id(&self) -> &Id {
        match self.item {
            Item::Mitigation(x) => &x.id,
            Item::Threat(t) => &t.id,
        }
    }

    /// The stable key: `tm:<model>/<id>`, with any character outside the
    /// id alphabet replaced, so it is safe inside an HTML comment and a search.
    pub fn key(&self) -> String {
        let safe = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        format!(
            "tm:{}/{}",
            safe(self.model.id.as_str()),
            safe(self.id().as_str())
        )
    }

    /// The threats it is about: those a mitigation addresses, or the threat.
    fn threats(&self) -> Vec<&Threat> {
        match self.item {
            Item::Mitigation(x) => self
                .model
                .threats
                .iter()
                .filter(|t| t.mitigations.contains(&x.id))
                .collect(),
            Item::Threat(t) => vec![t],
        }
    }

    /// The highest severity among its threats.
    pub fn severity(&self) -> Option<Severity> {
        self.threats().iter().map(|t| t.severity).max()
    }

    /// The tracker reference recorded in the model (`tracking`).
    pub fn tracking(&self) -> Option<&str> {
        match self.item {
            Item::Mitigation(x) => x.tracking.as_deref(),
            Item::Threat(_) => None,
        }
    }

    /// The issue title: plain text, one line.
    pub fn title(&self) -> String {
        let what = match self.item {
            Item::Mitigation(x) => format!("Implement {}: {}", x.id, x.control),
            Item::Threat(t) => format!("Treat threat {}: {}", t.id, t.title),
        };
        plain_line(&format!("[{}] {what}", self.model.id))
    }

    /// The labels: `threat-model`, the model, the kind, the severity.
    pub fn labels(&self) -> Vec<String> {
        let mut labels = vec![
            "threat-model".to_owned(),
            format!("model:{}", self.model.id),
            match self.item {
                Item::Mitigation(_) => "mitigation".to_owned(),
                Item::Threat(_) => "threat".to_owned(),
            },
        ];
        if let Some(s) = self.severity() {
            labels.push(format!("severity:{s}"));
        }
        labels
            .iter()
            .map(|l| plain_line(l).replace(' ', "-"))
            .collect()
    }
}

/// Every open treatment of a model, mitigations first, in model order.
pub fn treatments(m: &Model, severity: Severity) -> Vec<Treatment<'_>> {
    let mitigations = m
        .mitigations
        .iter()
        .filter(|x| !x.status.claims_done() && x.status != MitigationStatus::Rejected)
        .map(|x| Treatment {
            model: m,
            item: Item::Mitigation(x),
        });
    let threats = m
        .threats
        .iter()
        .filter(|t| {
            t.status == ThreatStatus::Open && t.severity >= severity && t.mitigations.is_empty()
        })
        .map(|t| Treatment {
            model: m,
            item: Item::Threat(t),
        });
    mitigations.chain(threats).collect()
}

/// The payloads of every exported model: files under `<model>/<id>.json`
/// (`.md` for Markdown), and on standard output a JSON array (Markdown: the
/// documents one after the other).
pub fn render(input: &ExportInput<'_>) -> Rendered {
    let tracker = input.issues.tracker;
    let mut files = Vec::new();
    let mut array = Vec::new();
    for lm in &input.models {
        for t in treatments(&lm.model, input.issues.severity) {
            let (ext, bytes) = match tracker {
                Tracker::Markdown => ("md", markdown_file(&t, lm).into_bytes()),
                _ => {
                    let v = payload(&t, lm, tracker, input.issues.jira_project.as_deref());
                    let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
                    text.push('\n');
                    array.push(v);
                    ("json", text.into_bytes())
                }
            };
            let key = t.key();
            let rel = key.trim_start_matches("tm:");
            files.push(ExportFile {
                path: PathBuf::from(format!("{rel}.{ext}")),
                bytes,
            });
        }
    }
    let stdout = match tracker {
        Tracker::Markdown => files
            .iter()
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .collect::<Vec<_>>()
            .join("\n---\n\n"),
        _ => {
            let mut s = serde_json::to_string_pretty(&array).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    Rendered::Files {
        files,
        stdout: Some(stdout.into_bytes()),
    }
}

/// One tracker's create-issue body.
pub fn payload(
    t: &Treatment<'_>,
    lm: &LoadedModel,
    tracker: Tracker,
    jira_project: Option<&str>,
) -> Value {
    match tracker {
        Tracker::Github | Tracker::Markdown => json!({
            "title": t.title(),
            "body": markdown_body(t, lm),
            "labels": t.labels(),
        }),
        Tracker::Gitlab => json!({
            "title": t.title(),
            "description": markdown_body(t, lm),
            "labels": t.labels(),
        }),
        Tracker::Jira => json!({
            "fields": {
                "project": { "key": jira_project.unwrap_or("") },
                "summary": t.title(),
                "description": jira_body(t, lm),
                "labels": t.labels(),
                "issuetype": { "name": "Task" },
            }
        }),
    }
}

/// The issue body in GitHub-flavoured Markdown, with the hidden key marker first.
pub fn markdown_body(t: &Treatment<'_>, lm: &LoadedModel) -> String {
    let m = t.model;
    let mut out = format!("<!-- {} -->\n", t.key());
    let file = lm.file.to_string_lossy();
    match t.item {
        Item::Mitigation(x) => {
            let _ = writeln!(
                out,
                "Mitigation {} of the threat model **{}** ({}, {}) is not implemented yet.\n",
                cell_code(x.id.as_str()),
                escape_inline(&m.title),
                cell_code(m.id.as_str()),
                cell_code(&file)
            );
            let _ = writeln!(out, "**Control:** {}\n", escape_inline(&x.control));
            if let Some(d) = &x.description {
                let _ = writeln!(out, "{}\n", paragraphs(d));
            }
            out.push_str("| | |\n|---|---|\n");
            let _ = writeln!(out, "| Status | {} |", x.status);
            let row = |out: &mut String, name: &str, v: Option<String>| {
                if let Some(v) = v {
                    let _ = writeln!(out, "| {name} | {v} |");
                }
            };
            row(
                &mut out,
                "Severity",
                t.severity()
                    .map(|s| format!("{s} (highest of the threats it addresses)")),
            );
            row(
                &mut out,
                "Location",
                x.location.as_ref().map(|l| cell_code(l.as_str())),
            );
            let cost = x.cost.as_ref();
            row(
                &mut out,
                "Effort",
                cost.and_then(|c| c.effort).map(|e| e.to_string()),
            );
            row(
                &mut out,
                "Latency",
                cost.and_then(|c| c.latency.as_deref()).map(cell),
            );
            row(
                &mut out,
                "Operational cost",
                cost.and_then(|c| c.ops).map(|o| o.to_string()),
            );
            row(&mut out, "Residual risk", x.residual.map(|r| r.to_string()));
            row(&mut out, "Tracking", x.tracking.as_deref().map(cell));
            if x.drafted {
                row(
                    &mut out,
                    "Drafted",
                    Some(
                        x.library
                            .as_deref()
                            .map_or("yes, not reviewed".to_owned(), |l| {
                                format!("yes, from {}", cell_code(l))
                            }),
                    ),
                );
            }
            out.push('\n');
        }
        Item::Threat(th) => {
            let _ = writeln!(
                out,
                "Threat {} of the threat model **{}** ({}, {}) is open at severity {} and has no mitigation.\n",
                cell_code(th.id.as_str()),
                escape_inline(&m.title),
                cell_code(m.id.as_str()),
                cell_code(&file),
                th.severity
            );
            if let Some(d) = &th.description {
                let _ = writeln!(out, "{}\n", paragraphs(d));
            }
        }
    }
    let threats = t.threats();
    if !threats.is_empty() {
        out.push_str(
            "| Threat | Target | STRIDE | Severity | Status | Title |\n|---|---|---|---|---|---|\n",
        );
        for th in threats {
            let stride: String = th.stride.0.iter().map(|c| c.letter()).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {stride} | {} | {} | {} |",
                cell_code(th.id.as_str()),
                cell_code(th.target.as_str()),
                th.severity,
                th.status,
                cell(&th.title)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "Generated by `tm export issues` from the threat model: change the model, then export again. Key: {}",
        cell_code(&t.key())
    );
    out
}

/// The issue body for Jira: plain text with Jira's markup characters
/// escaped, the key on its own first line.
pub fn jira_body(t: &Treatment<'_>, lm: &LoadedModel) -> String {
    let m = t.model;
    let mut out = format!("{}\n\n", t.key());
    let esc = |s: &str| jira_escape(s);
    match t.item {
        Item::Mitigation(x) => {
            let _ = writeln!(
                out,
                "Mitigation {} of the threat model {} ({}, {}) is not implemented yet.",
                x.id,
                esc(&m.title),
                m.id,
                esc(&lm.file.to_string_lossy())
            );
            let _ = writeln!(out, "Control: {}", esc(&x.control));
            if let Some(d) = &x.description {
                let _ = writeln!(out, "\n{}\n", esc(d));
            }
            let _ = writeln!(out, "Status: {}", x.status);
            if let Some(s) = t.severity() {
                let _ = writeln!(out, "Severity: {s}");
            }
            if let Some(r) = x.residual {
                let _ = writeln!(out, "Residual risk: {r}");
            }
            if let Some(c) = x.cost.as_ref().and_then(|c| c.effort) {
                let _ = writeln!(out, "Effort: {c}");
            }
            if let Some(tr) = &x.tracking {
                let _ = writeln!(out, "Tracking: {}", esc(tr));
            }
        }
        Item::Threat(th) => {
            let _ = writeln!(
                out,
                "Threat {} of the threat model {} ({}) is open at severity {} and has no mitigation.",
                th.id,
                esc(&m.title),
                m.id,
                th.severity
            );
            if let Some(d) = &th.description {
                let _ = writeln!(out, "\n{}", esc(d));
            }
        }
    }
    out.push_str("\nThreats:\n");
    for th in t.threats() {
        let _ = writeln!(
            out,
            "- {} ({}, {}): {}",
            th.id,
            th.severity,
            th.status,
            esc(&th.title)
        );
    }
    out
}

/// A Markdown file for one issue: the title as a heading, the labels, the body.
fn markdown_file(t: &Treatment<'_>, lm: &LoadedModel) -> String {
    let labels: Vec<String> = t
        .labels()
        .iter()
        .map(|l| crate::escape::code_span(l))
        .collect();
    format!(
        "# {}\n\nLabels: {}\n\n{}",
        escape_inline(&t.title()),
        labels.join(", "),
        markdown_body(t, lm)
    )
}

/// Text on one line with control and invisible characters dropped.
fn plain_line(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() || crate::terminal::is_unsafe(c) => None,
            c => Some(c),
        })
        .collect()
}

/// Jira wiki markup's special characters, backslash-escaped, so user text
/// shows as written; control characters dropped.
pub fn jira_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '*' | '_' | '-' | '+' | '^' | '~' | '?' | '{' | '}' | '[' | ']' | '|' | '!' | '#'
            | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(if c == '\t' { ' ' } else { c }),
            c if c.is_control() || crate::terminal::is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = "tm: 1\nid: pay\ntitle: Pay\nstatus: draft\nrisk: low\ncomponents:\n  - {id: api, name: API, kind: service}\nthreats:\n  - {id: T-1, target: api, stride: spoofing, title: \"<b>x</b> @team\", likelihood: low, impact: high, severity: high, status: open, mitigations: [M-1]}\n  - {id: T-2, target: api, stride: tampering, title: t2, likelihood: low, impact: high, severity: critical, status: open}\n  - {id: T-3, target: api, stride: tampering, title: t3, likelihood: low, impact: low, severity: low, status: open}\nmitigations:\n  - {id: M-1, control: \"Use | pipes\", status: proposed, tracking: PAY-9}\n  - {id: M-2, control: done, status: implemented}\n";

    fn model() -> Model {
        serde_saphyr::from_str(MODEL).unwrap()
    }

    #[test]
    fn open_treatments_are_unimplemented_mitigations_and_unmitigated_severe_threats() {
        let m = model();
        let keys: Vec<String> = treatments(&m, Severity::High)
            .iter()
            .map(Treatment::key)
            .collect();
        assert_eq!(keys, ["tm:pay/M-1", "tm:pay/T-2"]);
        let keys: Vec<String> = treatments(&m, Severity::Low)
            .iter()
            .map(Treatment::key)
            .collect();
        assert_eq!(keys, ["tm:pay/M-1", "tm:pay/T-2", "tm:pay/T-3"]);
    }

    #[test]
    fn jira_markup_is_escaped() {
        assert_eq!(jira_escape("a*b[c]{d}"), "a\\*b\\[c\\]\\{d\\}");
    }
}
