//! `tm diff [BASE] [HEAD]`: the semantic diff of the models between two revisions.

use super::{CliError, Outcome, ProjectArgs};
use crate::history::diff::{
    HeadLocation, check_commit, check_working_tree, diff_revisions, markdown,
};
use crate::history::{DiffPolicy, Repo, violations};

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
    fail_on: Vec<FailOn>,
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
    let policies: Vec<DiffPolicy> = args.fail_on.iter().map(|&p| p.into()).collect();
    let broken = violations(&diff, &head.snapshot, &policies);
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
    super::output::emit(&out)?;
    for v in &broken {
        eprintln!(
            "policy {}: {}: {}",
            v.policy.name(),
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

/// The merge-base of HEAD with the default branch, or HEAD when there is none.
fn default_base(repo: &Repo) -> Result<String, crate::history::GitError> {
    match repo.default_branch() {
        Some(branch) => repo.merge_base("HEAD", &branch),
        None => repo.resolve("HEAD"),
    }
}

/// `--fail-on` values: the command line's names for [`DiffPolicy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    /// A risk accepted (or renewed) with no stakeholder review recorded on or after the acceptance date.
    AcceptedWithoutStakeholderReview,
    /// Any risk accepted or renewed.
    RiskAccepted,
    /// Any weakening of a model or of `book.toml`'s policy: a threat dropped,
    /// a rating lowered, a status moved back, a control removed or unlinked,
    /// coverage lost, a risk accepted, a check relaxed…
    Weakened,
    /// Any new `tm check` error, the code cross-check's included.
    NewErrors,
    /// Any new entry point no component covers (TM503).
    NewUnmodelled,
}

impl From<FailOn> for DiffPolicy {
    fn from(f: FailOn) -> DiffPolicy {
        match f {
            FailOn::AcceptedWithoutStakeholderReview => {
                DiffPolicy::AcceptedWithoutStakeholderReview
            }
            FailOn::RiskAccepted => DiffPolicy::RiskAccepted,
            FailOn::Weakened => DiffPolicy::Weakened,
            FailOn::NewErrors => DiffPolicy::NewErrors,
            FailOn::NewUnmodelled => DiffPolicy::NewUnmodelled,
        }
    }
}
