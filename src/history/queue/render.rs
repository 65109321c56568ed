//! The review queue as text for a terminal and as Markdown.

use std::fmt::Write;

use super::{QueueItem, QueueReason, ReviewQueue};

/// Commits listed per component before "… and N more".
const MAX_COMMITS_SHOWN: usize = 10;

/// One item's headline, with ids in Markdown inline code.
pub fn describe(item: &QueueItem) -> String {
    match &item.reason {
        QueueReason::CodeChanged {
            component,
            since,
            commits,
            files,
            uncommitted,
        } => {
            let mut s = format!(
                "code of component `{component}` changed since the security review at `{since}`: {} commit{}, {} file{}",
                commits.len(),
                if commits.len() == 1 { "" } else { "s" },
                files.len(),
                if files.len() == 1 { "" } else { "s" },
            );
            if !uncommitted.is_empty() {
                let _ = write!(s, ", {} uncommitted", uncommitted.len());
            }
            s
        }
        QueueReason::ReviewCommitUnknown { commit } => format!(
            "the last security review's commit `{commit}` is not in the available history: code drift unknown"
        ),
        QueueReason::ReviewWithoutCommit => {
            "the last security review records no `commit`: code drift cannot be tracked".to_owned()
        }
        QueueReason::AcceptanceExpiring {
            threat,
            title,
            expires,
            days_left,
        } => {
            if *days_left < 0 {
                let ago = -days_left;
                let unit = if ago == 1 { "day" } else { "days" };
                format!(
                    "acceptance of `{threat}` “{title}” expired on {expires} ({ago} {unit} ago)"
                )
            } else {
                let unit = if *days_left == 1 { "day" } else { "days" };
                format!(
                    "acceptance of `{threat}` “{title}” expires on {expires} (in {days_left} {unit})"
                )
            }
        }
        QueueReason::UnmitigatedThreat {
            threat,
            title,
            severity,
        } => {
            format!("open {severity} threat `{threat}` “{title}” has no mitigation")
        }
        QueueReason::DraftedThreat { threat, title } => {
            format!("drafted threat `{threat}` “{title}” awaits review")
        }
        QueueReason::NoReview => "the model has never been reviewed".to_owned(),
    }
}

/// Details under an item, one Markdown line each: the commits and files of a code change.
pub fn details(item: &QueueItem) -> Vec<String> {
    let QueueReason::CodeChanged {
        commits,
        files,
        uncommitted,
        ..
    } = &item.reason
    else {
        return Vec::new();
    };
    let mut lines: Vec<String> = commits
        .iter()
        .take(MAX_COMMITS_SHOWN)
        .map(|c| {
            format!(
                "`{}` {} — {}, {}",
                c.short,
                c.subject,
                c.author,
                c.date.get(..10).unwrap_or(&c.date)
            )
        })
        .collect();
    if commits.len() > MAX_COMMITS_SHOWN {
        lines.push(format!(
            "… and {} more commits",
            commits.len() - MAX_COMMITS_SHOWN
        ));
    }
    if !files.is_empty() {
        lines.push(format!(
            "files: {}",
            files
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !uncommitted.is_empty() {
        lines.push(format!(
            "uncommitted: {}",
            uncommitted
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    lines
}

fn heading(q: &ReviewQueue) -> String {
    match q.items.len() {
        0 => "Review queue: nothing to review".to_owned(),
        1 => "Review queue: 1 item".to_owned(),
        n => format!("Review queue: {n} items"),
    }
}

/// Markdown: a heading, notes, then one section per model.
pub fn render_markdown(q: &ReviewQueue) -> String {
    let mut out = format!("## {}\n", heading(q));
    for note in &q.notes {
        let _ = writeln!(out, "\n> {note}");
    }
    let mut model = "";
    for item in &q.items {
        if item.model != model {
            model = &item.model;
            let _ = writeln!(out, "\n### `{}` (`{}`)\n", item.model, item.file);
        }
        let _ = writeln!(out, "- {}", describe(item));
        for d in details(item) {
            let _ = writeln!(out, "  - {d}");
        }
    }
    out
}

/// Plain text for a terminal.
pub fn render_text(q: &ReviewQueue) -> String {
    let mut out = format!("{}\n", heading(q));
    for note in &q.notes {
        let _ = writeln!(out, "note: {note}");
    }
    let mut model = "";
    for item in &q.items {
        if item.model != model {
            model = &item.model;
            let _ = writeln!(out, "\n{} ({})", item.model, item.file);
        }
        let _ = writeln!(out, "  - {}", describe(item).replace('`', ""));
        for d in details(item) {
            let _ = writeln!(out, "      {}", d.replace('`', ""));
        }
    }
    out
}
