//! A model's history and its threats' timelines as text for a terminal
//! (the site renders the same typed values in `render::history`). Commit
//! subjects, authors and titles come from the repository: control
//! characters are shown escaped, never obeyed.

use std::fmt::Write;

use super::diff::markdown::describe_plain;
use super::{ModelHistory, Revision, threat_timelines};

fn revision_line(r: &Revision) -> String {
    match r {
        Revision::Commit(c) => {
            format!("{} {} {} — {}", c.short, c.day_shown(), c.author, c.subject)
        }
        Revision::WorkingTree => "uncommitted changes in the working tree".to_owned(),
    }
}

/// Every revision of one model, with its changes in words.
pub fn render_history(h: &ModelHistory) -> String {
    let mut out = format!("{} ({}): {} revisions\n", h.model, h.file, h.entries.len());
    for e in &h.entries {
        let _ = writeln!(out, "\n{}", revision_line(&e.revision));
        if e.boundary {
            let _ = writeln!(out, "  · history starts here (shallow clone)");
        } else if e.changes.is_empty() {
            let _ = writeln!(out, "  · no change in threat-model terms (formatting only)");
        }
        for c in &e.changes {
            let _ = writeln!(out, "  · {}", describe_plain(c, &e.labels));
        }
    }
    // Commit subjects, authors and titles: shown, never obeyed by the terminal.
    crate::terminal::escape_text(&out).into_owned()
}

/// Each threat of one model, with the events of its life.
pub fn render_timelines(h: &ModelHistory) -> String {
    let mut out = String::new();
    for t in threat_timelines(h) {
        let _ = writeln!(
            out,
            "{} {}",
            t.threat,
            t.title
                .as_deref()
                .map(|s| format!("“{s}”"))
                .unwrap_or_default()
        );
        for e in &t.events {
            let labels = Default::default();
            let _ = writeln!(
                out,
                "  {}: {}",
                revision_line(&e.revision),
                describe_plain(&e.change, &labels)
            );
        }
    }
    crate::terminal::escape_text(&out).into_owned()
}
