//! The Markdown report: one self-contained GitHub-flavoured document per
//! model — the fallback where there is no site, and what gets attached to a
//! ticket or a design doc. Every piece of user text goes through
//! `crate::escape` (inline text, code spans) or `super::text` (table cells,
//! paragraphs); the diagram's labels through `super::mermaid::label`.

use std::fmt::Write;
use std::path::PathBuf;

use super::json::{CellState, coverage};
use super::text::{cell, cell_code, paragraphs};
use super::{ExportFile, ExportInput, Rendered};
use crate::escape::{code_span, escape_inline};
use crate::history::{ModelHistory, Revision};
use crate::load::LoadedModel;
use crate::model::{MitigationStatus, Model, StrideCategory, ThreatStatus};

/// How many history entries the report lists.
const HISTORY_ENTRIES: usize = 10;

/// One report per exported model (`<model>.md`); printed when there is one.
pub fn render(input: &ExportInput<'_>) -> Rendered {
    let files: Vec<ExportFile> = input
        .models
        .iter()
        .map(|lm| ExportFile {
            path: PathBuf::from(format!("{}.md", lm.model.id)),
            bytes: report(input, lm).into_bytes(),
        })
        .collect();
    let stdout = match files.as_slice() {
        [one] => Some(one.bytes.clone()),
        _ => None,
    };
    Rendered::Files { files, stdout }
}

/// The report of one model.
pub fn report(input: &ExportInput<'_>, lm: &LoadedModel) -> String {
    let m = &lm.model;
    let mut out = String::new();
    let _ = writeln!(out, "# {} — threat model\n", escape_inline(&m.title));
    headline(&mut out, input, lm);
    if let Some(summary) = &m.summary {
        let _ = writeln!(out, "{}\n", paragraphs(summary));
    }
    out.push_str("## Data-flow diagram\n\n");
    if m.components.is_empty() {
        out.push_str("The model has no components.\n\n");
    } else {
        let _ = writeln!(out, "```mermaid\n{}```\n", super::mermaid::flowchart(m));
        out.push_str("Thick red arrows cross a trust boundary (or lead into another model); dashed nodes belong to another model.\n\n");
    }
    threats(&mut out, m);
    coverage_matrix(&mut out, m);
    mitigations(&mut out, m);
    acceptances(&mut out, m);
    reviews(&mut out, m);
    questions(&mut out, m);
    findings(&mut out, input, lm);
    history(&mut out, input, lm);
    out
}

fn headline(out: &mut String, input: &ExportInput<'_>, lm: &LoadedModel) {
    let m = &lm.model;
    let count = |s: ThreatStatus| m.threats.iter().filter(|t| t.status == s).count();
    let done = m
        .mitigations
        .iter()
        .filter(|x| x.status.claims_done())
        .count();
    let crossing = m
        .flows
        .iter()
        .filter(|f| crate::check::coverage::crosses_boundary(m, f))
        .count();
    let open_questions = m.questions.iter().filter(|q| q.answer.is_none()).count();
    let gaps = coverage(m)
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter(|c| c.state == CellState::Gap)
        .count();
    let drafted = m.threats.iter().filter(|t| t.drafted).count()
        + m.mitigations.iter().filter(|x| x.drafted).count();
    let findings = super::sarif::selected_findings(input);
    let (errors, warnings) = findings
        .diagnostics
        .iter()
        .filter(|d| d.file == lm.file)
        .fold((0, 0), |(e, w), d| match d.severity {
            crate::diagnostic::Severity::Error => (e + 1, w),
            crate::diagnostic::Severity::Warning => (e, w + 1),
            _ => (e, w),
        });
    out.push_str("| | |\n|---|---|\n");
    let _ = writeln!(out, "| Model | {} |", cell_code(m.id.as_str()));
    let file = lm.file.to_string_lossy();
    let _ = writeln!(out, "| File | {} |", cell_code(&file));
    if let Some(v) = m.version {
        let _ = writeln!(out, "| Version | {v} |");
    }
    let _ = writeln!(out, "| Status | {} |", m.status);
    let _ = writeln!(out, "| Risk | {} |", m.risk);
    let owners: Vec<String> = m.owners.iter().map(|o| cell(o)).collect();
    let _ = writeln!(
        out,
        "| Owners | {} |",
        if owners.is_empty() {
            "—".to_owned()
        } else {
            owners.join(", ")
        }
    );
    let _ = writeln!(
        out,
        "| Elements | {} components, {} flows ({crossing} crossing a trust boundary), {} data assets |",
        m.components.len(),
        m.flows.len(),
        m.data.len()
    );
    let _ = writeln!(
        out,
        "| Threats | {} ({} open, {} mitigated, {} accepted, {} transferred, {} not applicable) |",
        m.threats.len(),
        count(ThreatStatus::Open),
        count(ThreatStatus::Mitigated),
        count(ThreatStatus::Accepted),
        count(ThreatStatus::Transferred),
        count(ThreatStatus::NotApplicable)
    );
    let _ = writeln!(
        out,
        "| Mitigations | {} ({done} implemented or verified) |",
        m.mitigations.len()
    );
    let _ = writeln!(out, "| Coverage gaps | {gaps} |");
    let _ = writeln!(out, "| Open questions | {open_questions} |");
    let _ = writeln!(out, "| Drafted, unreviewed | {drafted} |");
    let _ = writeln!(out, "| Findings | {errors} errors, {warnings} warnings |\n");
}

/// `**drafted**` (with the library entry) for an item nobody reviewed yet.
fn drafted_mark(drafted: bool, library: Option<&str>) -> String {
    match (drafted, library) {
        (true, Some(l)) => format!(" **drafted** from {}", cell_code(l)),
        (true, None) => " **drafted**".to_owned(),
        (false, Some(l)) => format!(" (from {})", cell_code(l)),
        (false, None) => String::new(),
    }
}

fn ids(list: &[crate::model::Id]) -> String {
    if list.is_empty() {
        return "—".to_owned();
    }
    list.iter()
        .map(|i| cell_code(i.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn threats(out: &mut String, m: &Model) {
    out.push_str("## Threats (STRIDE)\n\n");
    if m.threats.is_empty() {
        out.push_str("No threats recorded.\n\n");
        return;
    }
    out.push_str("| ID | Target | STRIDE | Threat | Likelihood | Impact | Severity | Status | Mitigations |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|\n");
    for t in &m.threats {
        let stride: String = t.stride.0.iter().map(|c| c.letter()).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {stride} | {}{} | {} | {} | {} | {} | {} |",
            cell_code(t.id.as_str()),
            cell_code(t.target.as_str()),
            cell(&t.title),
            drafted_mark(t.drafted, t.library.as_deref()),
            t.likelihood,
            t.impact,
            t.severity,
            t.status,
            ids(&t.mitigations)
        );
    }
    out.push('\n');
    let described: Vec<_> = m
        .threats
        .iter()
        .filter(|t| t.description.is_some() || t.current.is_some() || t.reason.is_some())
        .collect();
    if described.is_empty() {
        return;
    }
    out.push_str("### Threat details\n\n");
    for t in described {
        let _ = writeln!(
            out,
            "**{}** {}\n",
            code_span(t.id.as_str()),
            escape_inline(&t.title)
        );
        for (label, text) in [
            ("", &t.description),
            ("Current control: ", &t.current),
            ("Reason: ", &t.reason),
        ] {
            if let Some(text) = text {
                let _ = writeln!(out, "{label}{}\n", paragraphs(text));
            }
        }
    }
}

fn coverage_matrix(out: &mut String, m: &Model) {
    out.push_str("## STRIDE coverage\n\n");
    let rows = coverage(m);
    if rows.is_empty() {
        out.push_str("No components or flows.\n\n");
        return;
    }
    out.push_str("| Element | Kind |");
    for c in StrideCategory::ALL {
        let _ = write!(out, " {} |", c.letter());
    }
    out.push_str("\n|---|---|---|---|---|---|---|---|\n");
    for r in &rows {
        let kind = match r.crosses_boundary {
            Some(true) => "flow, crosses a boundary",
            Some(false) => "flow",
            None => "component",
        };
        let _ = write!(out, "| {} | {kind} |", cell_code(&r.element));
        for c in &r.cells {
            let shown = match c.state {
                CellState::Threats => format!(
                    "{} threat{}",
                    c.threats.len(),
                    if c.threats.len() == 1 { "" } else { "s" }
                ),
                CellState::NotApplicable => "n/a".to_owned(),
                CellState::Gap => "**gap**".to_owned(),
                CellState::Unanswered => "unanswered".to_owned(),
                CellState::NotRequired => "·".to_owned(),
            };
            let _ = write!(out, " {shown} |");
        }
        out.push('\n');
    }
    out.push_str("\n**gap**: required and reported by `tm check` (TM201); unanswered: required for the element's kind but not enforced at this risk level; n/a: declared not applicable; ·: not asked of this kind of element.\n\n");
    let reasons: Vec<_> = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(move |c| (r, c)))
        .filter_map(|(r, c)| c.reason.as_ref().map(|why| (r, c, why)))
        .collect();
    if !reasons.is_empty() {
        out.push_str("| Element | Not applicable | Why |\n|---|---|---|\n");
        for (r, c, why) in reasons {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell_code(&r.element),
                c.stride,
                cell(why)
            );
        }
        out.push('\n');
    }
}

fn mitigations(out: &mut String, m: &Model) {
    out.push_str("## Mitigations\n\n");
    if m.mitigations.is_empty() {
        out.push_str("No mitigations recorded.\n\n");
        return;
    }
    out.push_str("| ID | Control | Status | Addresses | Location | Effort | Latency | Ops cost | Residual risk | Tracking | Sign-off |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for x in &m.mitigations {
        let addresses: Vec<crate::model::Id> = m
            .threats
            .iter()
            .filter(|t| t.mitigations.contains(&x.id))
            .map(|t| t.id.clone())
            .collect();
        let cost = x.cost.as_ref();
        let _ = writeln!(
            out,
            "| {} | {}{} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell_code(x.id.as_str()),
            cell(&x.control),
            drafted_mark(x.drafted, x.library.as_deref()),
            x.status,
            ids(&addresses),
            x.location
                .as_ref()
                .map_or("—".to_owned(), |l| cell_code(l.as_str())),
            cost.and_then(|c| c.effort)
                .map_or("—".to_owned(), |e| e.to_string()),
            cell(cost.and_then(|c| c.latency.as_deref()).unwrap_or("")),
            cost.and_then(|c| c.ops)
                .map_or("—".to_owned(), |o| o.to_string()),
            x.residual.map_or("—".to_owned(), |r| r.to_string()),
            cell(x.tracking.as_deref().unwrap_or("")),
            x.signoff
                .as_ref()
                .map_or("—".to_owned(), |s| format!("{} on {}", cell(&s.by), s.at)),
        );
    }
    out.push('\n');
    let open = m
        .mitigations
        .iter()
        .filter(|x| !x.status.claims_done() && x.status != MitigationStatus::Rejected)
        .count();
    let _ = writeln!(
        out,
        "{open} of {} mitigations are still to be implemented.\n",
        m.mitigations.len()
    );
}

fn acceptances(out: &mut String, m: &Model) {
    out.push_str("## Accepted risks\n\n");
    let accepted: Vec<_> = m
        .threats
        .iter()
        .filter_map(|t| t.acceptance.as_ref().map(|a| (t, a)))
        .collect();
    if accepted.is_empty() {
        out.push_str("No risk acceptances recorded.\n\n");
        return;
    }
    out.push_str(
        "| Threat | Title | Accepted by | On | Expires | Rationale |\n|---|---|---|---|---|---|\n",
    );
    for (t, a) in accepted {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell_code(t.id.as_str()),
            cell(&t.title),
            cell(&a.by),
            a.at,
            a.expires.map_or("never".to_owned(), |d| d.to_string()),
            cell(&a.rationale)
        );
    }
    out.push('\n');
}

fn reviews(out: &mut String, m: &Model) {
    out.push_str("## Reviews and sign-offs\n\n");
    if m.reviews.is_empty() {
        out.push_str("No reviews recorded.\n\n");
    } else {
        out.push_str(
            "| Review | By | On | Outcome | Commit | Notes |\n|---|---|---|---|---|---|\n",
        );
        for r in &m.reviews {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                r.kind,
                cell(&r.by),
                r.at,
                r.outcome,
                r.commit.as_deref().map_or("—".to_owned(), cell_code),
                cell(r.notes.as_deref().unwrap_or(""))
            );
        }
        out.push('\n');
    }
    let signed: Vec<_> = m
        .mitigations
        .iter()
        .filter_map(|x| x.signoff.as_ref().map(|s| (x, s)))
        .collect();
    if !signed.is_empty() {
        out.push_str("| Mitigation | Signed off by | On |\n|---|---|---|\n");
        for (x, s) in signed {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell_code(x.id.as_str()),
                cell(&s.by),
                s.at
            );
        }
        out.push('\n');
    }
}

fn questions(out: &mut String, m: &Model) {
    out.push_str("## Open questions\n\n");
    let open: Vec<_> = m.questions.iter().filter(|q| q.answer.is_none()).collect();
    let answered = m.questions.len() - open.len();
    if open.is_empty() {
        out.push_str("No open questions.");
    } else {
        out.push_str("| ID | About | Question | Code |\n|---|---|---|---|\n");
        for q in &open {
            let _ = writeln!(
                out,
                "| {} | {} | {}{} | {} |",
                cell_code(q.id.as_str()),
                cell_code(q.about.as_str()),
                cell(&q.text),
                drafted_mark(q.drafted, q.library.as_deref()),
                q.code.as_deref().map_or("—".to_owned(), cell_code)
            );
        }
    }
    if answered > 0 {
        let _ = write!(
            out,
            "\n{answered} answered question(s) are in the model file."
        );
    }
    out.push_str("\n\n");
}

fn findings(out: &mut String, input: &ExportInput<'_>, lm: &LoadedModel) {
    let all = super::sarif::selected_findings(input);
    let mine: Vec<_> = all
        .diagnostics
        .iter()
        .filter(|d| d.file == lm.file)
        .collect();
    if mine.is_empty() {
        return;
    }
    out.push_str(
        "## Findings of `tm check`\n\n| Rule | Severity | Line | Finding |\n|---|---|---|---|\n",
    );
    for d in mine {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            d.rule.code(),
            d.severity,
            d.span.map_or("—".to_owned(), |s| s.line.to_string()),
            cell(&d.message)
        );
    }
    out.push('\n');
}

fn history(out: &mut String, input: &ExportInput<'_>, lm: &LoadedModel) {
    out.push_str("## Recent history\n\n");
    let Some(history) = input.history.filter(|h| h.reach.available) else {
        let note = input
            .history
            .and_then(|h| h.reach.note.clone())
            .unwrap_or_else(|| "no git history: the project is not in a git work tree".to_owned());
        let _ = writeln!(out, "{}", paragraphs(&note));
        return;
    };
    let file = lm.file.to_string_lossy().replace('\\', "/");
    let model: Option<&ModelHistory> = history.models.iter().find(|h| h.file == file);
    let entries = model.map(|h| h.entries.as_slice()).unwrap_or_default();
    if entries.is_empty() {
        out.push_str("No commits touched this model yet.\n");
        return;
    }
    out.push_str(
        "| Revision | Date | Author | Change | Semantic changes |\n|---|---|---|---|---|\n",
    );
    for e in entries.iter().take(HISTORY_ENTRIES) {
        let (rev, date, author, subject) = match &e.revision {
            Revision::Commit(c) => (
                cell_code(&c.short),
                c.day_shown(),
                cell(&c.author),
                cell(&c.subject),
            ),
            Revision::WorkingTree => (
                "working tree".to_owned(),
                "—".to_owned(),
                "—".to_owned(),
                "uncommitted changes".to_owned(),
            ),
        };
        let _ = writeln!(
            out,
            "| {rev} | {} | {author} | {subject} | {} |",
            cell(&date),
            e.changes.len()
        );
    }
    if entries.len() > HISTORY_ENTRIES {
        let _ = writeln!(
            out,
            "\n{} older entries: `tm history {}`.",
            entries.len() - HISTORY_ENTRIES,
            lm.model.id
        );
    }
    if let Some(note) = &history.reach.note {
        let _ = writeln!(out, "\n{}", paragraphs(note));
    }
}
