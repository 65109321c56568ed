//! `tm history MODEL`: every commit that touched a model, with its semantic changes.

use std::fmt::Write;

use super::{CliError, Outcome, ProjectArgs};
use crate::history::diff::markdown::describe_plain;
use crate::history::{ModelHistory, ProjectHistory, Revision, threat_timelines};

/// Arguments of `tm history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The model: its id or its file path relative to the project root.
    model: String,
    #[command(flatten)]
    project: ProjectArgs,
    /// Print each threat's timeline instead of the commit list.
    #[arg(long)]
    threats: bool,
    /// Output format: `human`, or `json` (the history, or the timelines with --threats).
    #[arg(long, value_enum, default_value_t = HistoryFormat::Human)]
    format: HistoryFormat,
    /// The same as `--format json`.
    #[arg(long, hide = true)]
    json: bool,
}

/// How `tm history` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HistoryFormat {
    /// Plain text for a terminal.
    Human,
    /// One JSON document.
    Json,
}

/// Prints a model's history.
pub fn run(args: &HistoryArgs) -> Result<Outcome, CliError> {
    let config = args.project.config()?;
    let history = ProjectHistory::extract(&config)?;
    if let Some(note) = &history.reach.note {
        eprintln!("note: {}", crate::terminal::escape_line(note));
    }
    if !history.reach.available {
        return Ok(Outcome::Clean);
    }
    let Some(model) = history.find(&args.model) else {
        let names: Vec<&str> = history.models.iter().map(|m| m.model.as_str()).collect();
        let hint = crate::suggest::did_you_mean(&args.model, names.iter().copied())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(CliError::Other(format!(
            "no model `{}` in the history (give a model id or a file path){hint}",
            args.model
        )));
    };
    let json = args.json || args.format == HistoryFormat::Json;
    let out = match (args.threats, json) {
        (false, false) => render_history(model),
        (true, false) => render_timelines(model),
        (false, true) => serde_json::to_string_pretty(model).expect("history serializes") + "\n",
        (true, true) => {
            serde_json::to_string_pretty(&threat_timelines(model)).expect("timelines serialize")
                + "\n"
        }
    };
    super::diff::emit(&out)?;
    Ok(Outcome::Clean)
}

fn revision_line(r: &Revision) -> String {
    match r {
        Revision::Commit(c) => format!(
            "{} {} {} — {}",
            c.short,
            c.date.get(..10).unwrap_or(&c.date),
            c.author,
            c.subject
        ),
        Revision::WorkingTree => "uncommitted changes in the working tree".to_owned(),
    }
}

fn render_history(h: &ModelHistory) -> String {
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

fn render_timelines(h: &ModelHistory) -> String {
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
