//! `tm queue`: what needs a security engineer now.

use super::{CliError, Outcome, ProjectArgs};
use crate::history::queue::render;
use crate::history::{QueueOptions, ReviewQueue};
use crate::load::Project;
use crate::model::Severity;

/// How `tm queue` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QueueFormat {
    /// Plain text for a terminal.
    Human,
    /// Markdown, e.g. for an issue or a chat message.
    Markdown,
    /// One JSON document.
    Json,
}

/// Arguments of `tm queue`.
#[derive(Debug, clap::Args)]
pub struct QueueArgs {
    /// Where to start looking for book.toml (the same as `-C DIR`).
    #[arg(value_name = "DIR")]
    dir: Option<std::path::PathBuf>,
    #[command(flatten)]
    project: ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = QueueFormat::Human)]
    format: QueueFormat,
    /// Queue acceptances expiring within this many days (default: `expiry-warning-days`).
    #[arg(long)]
    days: Option<u32>,
    /// Queue open, unmitigated threats from this severity up (default: `queue-severity`).
    #[arg(long, value_parser = parse_severity)]
    severity: Option<Severity>,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::ALL
        .iter()
        .copied()
        .find(|v| v.as_str() == s)
        .ok_or_else(|| format!("`{s}` is not a severity: use low, medium, high or critical"))
}

/// Builds and prints the queue. Exit 0 either way: the queue is a worklist, not a gate.
pub fn run(args: &QueueArgs) -> Result<Outcome, CliError> {
    let project_args = args.project.or_dir(args.dir.as_ref());
    let config = project_args.config()?;
    let opts = QueueOptions {
        today: project_args.today(),
        expiry_warning_days: args.days.unwrap_or(config.tm.expiry_warning_days),
        severity: args.severity.unwrap_or(config.tm.queue_severity),
    };
    let (project, _) = Project::load(config)?;
    let queue = ReviewQueue::build(&project, opts)?;
    let out = match args.format {
        // Commit subjects, authors, paths and titles: shown, never obeyed.
        QueueFormat::Human => {
            crate::terminal::escape_text(&render::render_text(&queue)).into_owned()
        }
        QueueFormat::Markdown => render::render_markdown(&queue),
        QueueFormat::Json => serde_json::to_string_pretty(&queue).expect("queue serializes") + "\n",
    };
    super::diff::emit(&out)?;
    Ok(Outcome::Clean)
}
