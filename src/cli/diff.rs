//! `tm diff [BASE] [HEAD]`: the semantic diff of the models between two revisions.

use super::{CliError, Outcome, ProjectArgs};
use crate::history::DiffPolicy;
use crate::history::diff::{GateRequest, judge_change, markdown};

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
    let policies: Vec<DiffPolicy> = args.fail_on.iter().map(|&p| p.into()).collect();
    let request = GateRequest {
        base: args.base.as_deref(),
        head: args.head.as_deref(),
        today: project.today(),
        env: std::env::vars().collect(),
        policies: &policies,
    };
    let report = judge_change(project.config()?, &request)?;
    let broken = &report.violations;
    let out = match args.format {
        DiffFormat::Human => {
            crate::terminal::escape_text(&markdown::render_text(&report.diff)).into_owned()
        }
        DiffFormat::Markdown => markdown::render_markdown(&report.diff),
        DiffFormat::Json => {
            let json = serde_json::to_string_pretty(&report.to_json())
                .map_err(|e| CliError::Other(format!("cannot write the JSON: {e}")))?;
            json + "\n"
        }
    };
    super::output::emit(&out)?;
    for v in broken {
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
