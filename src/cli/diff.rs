//! `tm diff [BASE] [HEAD]`: the semantic diff of the models between two revisions.

use std::io::Write;

use super::{CliError, Outcome, ProjectArgs};
use crate::history::diff::markdown;
use crate::history::{DiffPolicy, Repo, Snapshot, diff_snapshots, violations};

/// How `tm diff` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Plain text for a terminal.
    Human,
    /// A PR comment.
    Markdown,
    /// One JSON document, for bots.
    Json,
}

/// Arguments of `tm diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The old revision (default: the merge-base of HEAD with the default branch).
    base: Option<String>,
    /// The new revision (default: the working tree, committed or not).
    head: Option<String>,
    #[command(flatten)]
    project: ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Exit 1 when the diff breaks one of these policies (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    fail_on: Vec<DiffPolicy>,
}

/// Runs the diff and prints it; exit 1 when a `--fail-on` policy is broken.
pub fn run(args: &DiffArgs) -> Result<Outcome, CliError> {
    let project = &args.project;
    let config = project.config()?;
    let today = project.today();
    let git_err = |e: crate::history::GitError| CliError::Other(e.to_string());
    let repo = Repo::discover(&config.root).map_err(git_err)?.ok_or_else(|| {
        CliError::Other(format!(
            "{} is not in a git repository: `tm diff` compares git revisions; run `git init` and commit the models first",
            config.root.display()
        ))
    })?;
    let base_rev = match &args.base {
        Some(rev) => rev.clone(),
        None => default_base(&repo).map_err(git_err)?,
    };
    let snap_err = |e: crate::history::SnapshotError| CliError::Other(e.to_string());
    let base = Snapshot::at_commit(&repo, config.clone(), &base_rev, today).map_err(snap_err)?;
    let head = match &args.head {
        Some(rev) => Snapshot::at_commit(&repo, config, rev, today),
        None => Snapshot::working_tree(config, today),
    }
    .map_err(snap_err)?;
    let diff = diff_snapshots(&base, &head);
    let broken = violations(&diff, &head, &args.fail_on);
    let out = match args.format {
        DiffFormat::Human => {
            crate::terminal::escape_text(&markdown::render_text(&diff)).into_owned()
        }
        DiffFormat::Markdown => markdown::render_markdown(&diff),
        DiffFormat::Json => {
            let doc = serde_json::json!({ "diff": diff, "policy_violations": broken });
            serde_json::to_string_pretty(&doc).expect("diff serializes") + "\n"
        }
    };
    emit(&out)?;
    for v in &broken {
        eprintln!(
            "policy {}: {}: {}",
            policy_name(v.policy),
            v.model,
            v.message
        );
    }
    Ok(if broken.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Failed
    })
}

/// Writes a command's output to stdout. A reader that went away (`| head`)
/// ends the output quietly; any other write error is returned, never a panic.
pub(super) fn emit(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Other(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}

fn policy_name(p: DiffPolicy) -> String {
    clap::ValueEnum::to_possible_value(&p).map_or_else(String::new, |v| v.get_name().to_owned())
}

/// The merge-base of HEAD with the default branch, or HEAD when there is none.
fn default_base(repo: &Repo) -> Result<String, crate::history::GitError> {
    match repo.default_branch() {
        Some(branch) => repo.merge_base("HEAD", &branch),
        None => repo.resolve("HEAD"),
    }
}
