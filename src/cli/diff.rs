//! `tm diff [BASE] [HEAD]`: the semantic diff of the models between two revisions.

use super::{CliError, Outcome, ProjectArgs};
use crate::history::diff::{
    HeadLocation, check_commit, check_working_tree, diff_revisions, markdown,
};
use crate::history::{DiffPolicy, Repo, violations};
use std::io::Write;

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
///
/// Both revisions are judged by the full `tm check` with their own
/// `book.toml`: a committed revision is written from git into a temporary
/// directory and analysed there, code cross-check included.
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
    let env: Vec<(String, String)> = std::env::vars().collect();
    let check_err = |e: crate::history::diff::CheckoutError| CliError::Other(e.to_string());
    let base = check_commit(&repo, &base_rev, &env, today).map_err(check_err)?;
    let (head, head_commit) = match &args.head {
        Some(rev) => (
            check_commit(&repo, rev, &env, today).map_err(check_err)?,
            repo.resolve(rev).ok(),
        ),
        None => (
            check_working_tree(config, today).map_err(check_err)?,
            repo.resolve("HEAD").ok(),
        ),
    };
    let location = HeadLocation {
        commit: head_commit,
        prefix: repo.prefix().to_owned(),
    };
    let diff = diff_revisions(&base, &head, &location);
    let broken = violations(&diff, &head.snapshot, &args.fail_on);
    let out = match args.format {
        DiffFormat::Human => {
            crate::terminal::escape_text(&markdown::render_text(&diff)).into_owned()
        }
        DiffFormat::Markdown => markdown::render_markdown(&diff),
        DiffFormat::Json => {
            let doc = serde_json::json!({ "diff": diff.to_json(), "policy_violations": broken });
            serde_json::to_string_pretty(&doc)
                .map_err(|e| CliError::Other(format!("cannot write the JSON: {e}")))?
                + "\n"
        }
    };
    emit(&out)?;
    for v in &broken {
        eprintln!(
            "policy {}: {}: {}",
            policy_name(v.policy),
            crate::history::diff::words::plain_text(&v.model),
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
