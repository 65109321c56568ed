//! The review queue: what needs a security engineer now, as typed values
//! (rendered by [`render`]).

pub mod render;

use serde::Serialize;

use super::git::{CommitInfo, GitError, Repo};
use super::log::{COMMIT_FORMAT, parse_log};
use crate::load::{LoadedModel, Project};
use crate::model::{
    Date, Id, MitigationStatus, Model, ModelStatus, ReviewKind, Severity, Threat, ThreatStatus,
};

/// Everything in the queue, sorted by model, then reason, then id.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewQueue {
    /// The date the queue was computed for.
    pub today: Date,
    /// Acceptances expiring within this many days are queued.
    pub expiry_warning_days: u32,
    /// Open threats at or above this severity without a mitigation are queued.
    pub severity: Severity,
    /// Why some checks could not run (no git, shallow clone…).
    pub notes: Vec<String>,
    /// The items.
    pub items: Vec<QueueItem>,
}

/// One thing to review, in one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueItem {
    /// The model id.
    pub model: String,
    /// The model file, relative to the project root.
    pub file: String,
    /// Why it is queued.
    #[serde(flatten)]
    pub reason: QueueReason,
}

/// Why an item is in the review queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum QueueReason {
    /// Code a component covers changed since the model's last security review.
    CodeChanged {
        /// The component.
        component: Id,
        /// The commit the review recorded.
        since: String,
        /// Commits since then that touched the component's code, newest first.
        commits: Vec<CommitInfo>,
        /// Files they touched, relative to the project root, sorted.
        files: Vec<String>,
        /// Covered files with uncommitted changes, sorted.
        uncommitted: Vec<String>,
    },
    /// The commit of the last security review is not in the available history.
    ReviewCommitUnknown {
        /// The commit as recorded.
        commit: String,
    },
    /// The last security review records no commit, so code drift cannot be tracked.
    ReviewWithoutCommit,
    /// A risk acceptance expires soon or has expired.
    AcceptanceExpiring {
        /// The threat.
        threat: Id,
        /// Its title.
        title: String,
        /// The expiry date.
        expires: Date,
        /// Days from today to the expiry; negative once expired.
        days_left: i64,
    },
    /// An open threat at or above the queue severity has no mitigation.
    UnmitigatedThreat {
        /// The threat.
        threat: Id,
        /// Its title.
        title: String,
        /// Its severity.
        severity: Severity,
    },
    /// A drafted threat awaits review.
    DraftedThreat {
        /// The threat.
        threat: Id,
        /// Its title.
        title: String,
    },
    /// The model has no review at all.
    NoReview,
    /// A question about the model awaits an answer.
    OpenQuestion {
        /// The question.
        question: Id,
        /// The component, flow or boundary it is about.
        about: Id,
        /// The question, in words.
        text: String,
        /// The code line it cites (`src/files.rs:88`), if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        code: Option<String>,
    },
    /// A drafted mitigation awaits review.
    DraftedMitigation {
        /// The mitigation.
        mitigation: Id,
        /// Its control.
        control: String,
    },
}

impl QueueReason {
    fn sort_key(&self) -> (u8, String) {
        match self {
            QueueReason::CodeChanged { component, .. } => (0, component.to_string()),
            QueueReason::ReviewCommitUnknown { .. } => (1, String::new()),
            QueueReason::ReviewWithoutCommit => (2, String::new()),
            QueueReason::AcceptanceExpiring { threat, .. } => (3, threat.to_string()),
            QueueReason::UnmitigatedThreat { threat, .. } => (4, threat.to_string()),
            // A question comes before the drafts: its answer decides how
            // they are reviewed.
            QueueReason::OpenQuestion { question, .. } => (5, question.to_string()),
            QueueReason::DraftedThreat { threat, .. } => (6, threat.to_string()),
            QueueReason::DraftedMitigation { mitigation, .. } => (7, mitigation.to_string()),
            QueueReason::NoReview => (8, String::new()),
        }
    }
}

/// What the queue is computed with.
#[derive(Debug, Clone, Copy)]
pub struct QueueOptions {
    /// "Today", for expiries.
    pub today: Date,
    /// The expiry window in days.
    pub expiry_warning_days: u32,
    /// The severity from which an unmitigated open threat is queued.
    pub severity: Severity,
}

impl ReviewQueue {
    /// Builds the queue for the working tree's models. Without git, code drift
    /// is skipped with a note; git failures past discovery are errors.
    pub fn build(project: &Project, opts: QueueOptions) -> Result<ReviewQueue, GitError> {
        let repo = Repo::discover(&project.config.root)?;
        let mut notes = Vec::new();
        match &repo {
            None => notes.push(
                "not a git repository: changes to covered code since the last review are not checked"
                    .to_owned(),
            ),
            Some(r) if r.is_shallow() => notes.push(
                "shallow clone: a review commit older than the fetched history is reported as unknown; run `git fetch --unshallow` to check it"
                    .to_owned(),
            ),
            Some(_) => {}
        }
        let mut items = Vec::new();
        for m in project
            .models
            .iter()
            .filter(|m| m.model.status != ModelStatus::Retired)
        {
            let mut reasons = Vec::new();
            if let Some(repo) = &repo {
                reasons.extend(code_drift(repo, m)?);
            }
            reasons.extend(model_reasons(m, &opts));
            items.extend(reasons.into_iter().map(|reason| QueueItem {
                model: m.model.id.to_string(),
                file: m.file.to_string_lossy().replace('\\', "/"),
                reason,
            }));
        }
        items.sort_by(|a, b| (&a.model, a.reason.sort_key()).cmp(&(&b.model, b.reason.sort_key())));
        Ok(ReviewQueue {
            today: opts.today,
            expiry_warning_days: opts.expiry_warning_days,
            severity: opts.severity,
            notes,
            items,
        })
    }
}

/// Expiring acceptances, unmitigated threats, drafted threats and
/// mitigations, open questions, missing reviews.
fn model_reasons(m: &LoadedModel, opts: &QueueOptions) -> Vec<QueueReason> {
    let model = &m.model;
    let mut out = Vec::new();
    for t in &model.threats {
        if let Some(expires) = t.acceptance.as_ref().and_then(|a| a.expires) {
            let days_left = opts.today.days_until(expires);
            if days_left <= i64::from(opts.expiry_warning_days) {
                out.push(QueueReason::AcceptanceExpiring {
                    threat: t.id.clone(),
                    title: t.title.clone(),
                    expires,
                    days_left,
                });
            }
        }
        if queued_unmitigated(model, t, opts.severity) {
            out.push(QueueReason::UnmitigatedThreat {
                threat: t.id.clone(),
                title: t.title.clone(),
                severity: t.severity,
            });
        }
        if t.drafted {
            out.push(QueueReason::DraftedThreat {
                threat: t.id.clone(),
                title: t.title.clone(),
            });
        }
    }
    for x in model.mitigations.iter().filter(|x| x.drafted) {
        out.push(QueueReason::DraftedMitigation {
            mitigation: x.id.clone(),
            control: x.control.clone(),
        });
    }
    for q in &model.questions {
        if q.answer.as_deref().is_none_or(|a| a.trim().is_empty()) {
            out.push(QueueReason::OpenQuestion {
                question: q.id.clone(),
                about: q.about.clone(),
                text: q.text.clone(),
                code: q.code.clone(),
            });
        }
    }
    if model.reviews.is_empty() {
        out.push(QueueReason::NoReview);
    }
    out
}

/// Components whose covered code changed since the last security review's commit.
fn code_drift(repo: &Repo, m: &LoadedModel) -> Result<Vec<QueueReason>, GitError> {
    let Some(review) = m.model.last_review(Some(ReviewKind::Security)) else {
        return Ok(Vec::new());
    };
    let Some(commit) = &review.commit else {
        return Ok(vec![QueueReason::ReviewWithoutCommit]);
    };
    let Ok(since) = repo.resolve(commit) else {
        return Ok(vec![QueueReason::ReviewCommitUnknown {
            commit: commit.clone(),
        }]);
    };
    let mut out = Vec::new();
    for c in &m.model.components {
        let Some(code) = c.code.as_ref().filter(|code| !code.paths.is_empty()) else {
            continue;
        };
        let pathspecs: Vec<String> = code.paths.iter().map(|p| format!(":(glob){p}")).collect();
        let (commits, mut files) = changes_since(repo, &since, &pathspecs)?;
        files.sort();
        files.dedup();
        let uncommitted = uncommitted(repo, &pathspecs)?;
        if !commits.is_empty() || !uncommitted.is_empty() {
            out.push(QueueReason::CodeChanged {
                component: c.id.clone(),
                since: commit.clone(),
                commits,
                files,
                uncommitted,
            });
        }
    }
    Ok(out)
}

fn changes_since(
    repo: &Repo,
    since: &str,
    pathspecs: &[String],
) -> Result<(Vec<CommitInfo>, Vec<String>), GitError> {
    let range = format!("{since}..HEAD");
    let mut args = vec![
        "log",
        "-z",
        "--raw",
        "--no-abbrev",
        "--no-show-signature",
        "--no-color",
        "--no-textconv",
        "--no-ext-diff",
        COMMIT_FORMAT,
        "--end-of-options",
        &range,
        "--",
    ];
    args.extend(pathspecs.iter().map(String::as_str));
    let out = repo.run(&args)?;
    let (mut commits, mut files) = (Vec::new(), Vec::new());
    for raw in parse_log(&out)? {
        commits.push(raw.info);
        for touch in raw.touches {
            if let Some(p) = repo.project_path(&touch.path) {
                files.push(p.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok((commits, files))
}

/// Covered files changed in the index or the work tree, or untracked.
fn uncommitted(repo: &Repo, pathspecs: &[String]) -> Result<Vec<String>, GitError> {
    let mut args = vec![
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--ignore-submodules=all",
        "--no-renames",
        "--",
    ];
    args.extend(pathspecs.iter().map(String::as_str));
    let text = repo.run_text(&args)?;
    let mut files = Vec::new();
    let mut entries = text.split('\0').filter(|e| !e.is_empty());
    while let Some(entry) = entries.next() {
        let (status, path) = (
            entry.get(..2).unwrap_or_default(),
            entry.get(3..).unwrap_or_default(),
        );
        if status.starts_with('R') || status.starts_with('C') {
            entries.next(); // the original path of a rename or copy
        }
        if let Some(p) = repo.project_path(path) {
            files.push(p.to_string_lossy().replace('\\', "/"));
        }
    }
    files.sort();
    Ok(files)
}

/// Whether a threat is open, at or above `severity`, and has no mitigation
/// other than rejected ones: what the queue lists, and what the site's
/// "Open high+" counts, so the two always agree.
pub fn queued_unmitigated(model: &Model, t: &Threat, severity: Severity) -> bool {
    let mitigated = t.mitigations.iter().any(|id| {
        model
            .mitigations
            .iter()
            .any(|x| &x.id == id && x.status != MitigationStatus::Rejected)
    });
    t.status == ThreatStatus::Open && t.severity >= severity && !mitigated
}
