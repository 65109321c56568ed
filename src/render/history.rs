//! What the site shows of git: a model's change history (every commit that
//! touched its file, with its semantic changes), each threat's timeline, and
//! the review queue. Dates are the commits' own, never the clock's.

use std::collections::BTreeMap;

use serde::Serialize;

use super::context::model_href;
use super::markdown::inline_html;
use crate::history::diff::markdown::describe;
use crate::history::queue::render::{detail_lines, headline, to_html as queue_html};
use crate::history::{
    Change, HistoryReach, Impact, ModelHistory, QueueReason, ReviewQueue, Revision,
    threat_timelines,
};
use crate::load::Project;

/// The "History" section of a model page.
#[derive(Debug, Serialize)]
pub struct HistorySection {
    /// Why history is missing or cut off (not a git repo, shallow clone).
    pub note: Option<String>,
    /// Commits that touched the model file, newest first.
    pub entries: Vec<HistoryRow>,
    /// Each threat's timeline, by threat id.
    pub timelines: Vec<TimelineView>,
}

/// A commit (or the working tree) as the site shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CommitView {
    /// Abbreviated id, or empty for the working tree.
    pub short: String,
    /// Full id, or empty for the working tree.
    pub id: String,
    /// Author date, day only (`2026-03-01`).
    pub day: String,
    /// Author date as git prints it.
    pub date: String,
    /// Author name.
    pub author: String,
    /// First line of the message.
    pub subject: String,
    /// Uncommitted changes rather than a commit.
    pub working_tree: bool,
}

impl CommitView {
    fn new(revision: &Revision) -> CommitView {
        match revision {
            Revision::Commit(c) => CommitView {
                short: c.short.clone(),
                id: c.id.clone(),
                day: c.day_shown(),
                date: c.date.clone(),
                author: c.author.clone(),
                subject: c.subject.clone(),
                working_tree: false,
            },
            Revision::WorkingTree => CommitView {
                short: String::new(),
                id: String::new(),
                day: String::new(),
                date: String::new(),
                author: String::new(),
                subject: "uncommitted changes".to_owned(),
                working_tree: true,
            },
        }
    }
}

/// One semantic change, as a line of HTML with its impact for styling.
#[derive(Debug, Serialize)]
pub struct ChangeLine {
    /// `risk-accepted`, `weakened`, `new-error`, `strengthened` or `neutral`.
    pub impact: Impact,
    /// The change in words (sanitized inline HTML).
    pub html: String,
}

impl ChangeLine {
    fn new(change: &Change, labels: &BTreeMap<String, String>) -> ChangeLine {
        ChangeLine {
            impact: change.impact(),
            html: inline_html(&describe(change, labels)),
        }
    }
}

/// One entry of a model's history.
#[derive(Debug, Serialize)]
pub struct HistoryRow {
    /// The commit.
    pub commit: CommitView,
    /// The file's path at this commit.
    pub file: String,
    /// The oldest fetched commit of a shallow clone: the model as first seen.
    pub boundary: bool,
    /// What changed in model terms; empty for reformatting only.
    pub changes: Vec<ChangeLine>,
}

/// The life of one threat.
#[derive(Debug, Serialize)]
pub struct TimelineView {
    /// Threat id.
    pub threat: String,
    /// Anchor of the timeline (`timeline-<id>`).
    pub anchor: String,
    /// Its latest known title.
    pub title: String,
    /// Whether the threat is still in the model (its row can be linked).
    pub current: bool,
    /// What happened, oldest first.
    pub events: Vec<TimelineRow>,
}

/// One event of a threat's timeline.
#[derive(Debug, Serialize)]
pub struct TimelineRow {
    /// The commit that made it.
    pub commit: CommitView,
    /// The change.
    pub change: ChangeLine,
}

/// Anchor of a threat's timeline.
pub fn timeline_anchor(threat: &str) -> String {
    format!("timeline-{threat}")
}

/// The history section of a model; `history` is `None` when the model file
/// has no commit yet.
pub fn model_section(
    reach: &HistoryReach,
    history: Option<&ModelHistory>,
    current_threats: &[&str],
) -> HistorySection {
    let Some(h) = history else {
        return HistorySection {
            note: Some(
                reach
                    .note
                    .clone()
                    .unwrap_or_else(|| "this model file has not been committed yet".to_owned()),
            ),
            entries: Vec::new(),
            timelines: Vec::new(),
        };
    };
    let entries = h
        .entries
        .iter()
        .map(|e| HistoryRow {
            commit: CommitView::new(&e.revision),
            file: e.file.clone(),
            boundary: e.boundary,
            changes: e
                .changes
                .iter()
                .map(|c| ChangeLine::new(c, &e.labels))
                .collect(),
        })
        .collect();
    // The timeline's heading names the threat, so its events need no titles.
    let no_labels = BTreeMap::new();
    let timelines = threat_timelines(h)
        .into_iter()
        .map(|t| TimelineView {
            anchor: timeline_anchor(&t.threat),
            current: current_threats.contains(&t.threat.as_str()),
            title: t.title.unwrap_or_default(),
            events: t
                .events
                .iter()
                .map(|ev| TimelineRow {
                    commit: CommitView::new(&ev.revision),
                    change: ChangeLine::new(&ev.change, &no_labels),
                })
                .collect(),
            threat: t.threat,
        })
        .collect();
    HistorySection {
        note: reach.note.clone(),
        entries,
        timelines,
    }
}

/// The "Review queue" page.
#[derive(Debug, Serialize)]
pub struct QueuePage {
    /// The date expiries were judged on.
    pub today: String,
    /// Acceptances expiring within this many days are queued.
    pub expiry_warning_days: u32,
    /// Open threats from this severity up without a mitigation are queued.
    pub severity: &'static str,
    /// Why some checks could not run.
    pub notes: Vec<String>,
    /// Items grouped by model, in model id order.
    pub models: Vec<QueueGroup>,
    /// Number of items.
    pub total: usize,
}

/// The queued items of one model.
#[derive(Debug, Serialize)]
pub struct QueueGroup {
    /// Model id.
    pub model: String,
    /// Model title.
    pub title: String,
    /// Link to the model page from the site root.
    pub href: String,
    /// The items.
    pub items: Vec<QueueRow>,
}

/// One queued item.
#[derive(Debug, Serialize)]
pub struct QueueRow {
    /// The reason, in a few words (`code changed`).
    pub reason: &'static str,
    /// What to review (sanitized inline HTML).
    pub html: String,
    /// Commits and files behind it (sanitized inline HTML, one per line).
    pub details: Vec<String>,
    /// Link to the threat or component from the site root, if the item names one.
    pub href: String,
}

/// The components of a model whose code changed since its last security review.
pub fn drifted(queue: &ReviewQueue, model: &str) -> Vec<String> {
    queue
        .items
        .iter()
        .filter(|i| i.model == model)
        .filter_map(|i| match &i.reason {
            QueueReason::CodeChanged { component, .. } => Some(component.to_string()),
            _ => None,
        })
        .collect()
}

/// Builds the queue page.
pub fn queue_page(queue: &ReviewQueue, project: &Project) -> QueuePage {
    let mut models: Vec<QueueGroup> = Vec::new();
    for item in &queue.items {
        if models.last().is_none_or(|g| g.model != item.model) {
            let title = project
                .models
                .iter()
                .find(|m| m.model.id.as_str() == item.model)
                .map(|m| m.model.title.clone())
                .unwrap_or_default();
            models.push(QueueGroup {
                model: item.model.clone(),
                title,
                href: model_href(&item.model),
                items: Vec::new(),
            });
        }
        let page = model_href(&item.model);
        let (reason, href) = match &item.reason {
            QueueReason::CodeChanged { component, .. } => {
                ("code changed", format!("{page}#code-{component}"))
            }
            QueueReason::ReviewCommitUnknown { .. } => {
                ("review commit unknown", format!("{page}#reviews"))
            }
            QueueReason::ReviewWithoutCommit => {
                ("review without commit", format!("{page}#reviews"))
            }
            QueueReason::AcceptanceExpiring { threat, .. } => {
                ("acceptance expiring", format!("{page}#{threat}"))
            }
            QueueReason::UnmitigatedThreat { threat, .. } => {
                ("unmitigated", format!("{page}#{threat}"))
            }
            QueueReason::DraftedThreat { threat, .. } => {
                ("drafted threat", format!("{page}#{threat}"))
            }
            QueueReason::NoReview => ("never reviewed", format!("{page}#reviews")),
            QueueReason::OpenQuestion { question, .. } => (
                "open question",
                format!(
                    "{page}#{}",
                    super::questions::question_anchor(question.as_str())
                ),
            ),
            QueueReason::DraftedMitigation { mitigation, .. } => (
                "drafted mitigation",
                format!(
                    "{page}#{}",
                    super::context::mitigation_anchor(mitigation.as_str())
                ),
            ),
        };
        if let Some(group) = models.last_mut() {
            group.items.push(QueueRow {
                reason,
                html: queue_html(&headline(item)),
                details: detail_lines(item).iter().map(|d| queue_html(d)).collect(),
                href,
            });
        }
    }
    QueuePage {
        today: queue.today.to_string(),
        expiry_warning_days: queue.expiry_warning_days,
        severity: queue.severity.as_str(),
        notes: queue.notes.clone(),
        total: queue.items.len(),
        models,
    }
}
