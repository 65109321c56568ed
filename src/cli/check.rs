//! `tm check`: validate and cross-check, print findings, exit 1 on errors.

use std::path::{Path, PathBuf};

use super::{CliError, Outcome, ProjectArgs};
use crate::analysis::Analysis;
use crate::check::CheckOptions;
use crate::diagnostic::{Format, Rule, SourceText, render};

/// Arguments of `tm check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// A model file to check alone (the other models are still read for
    /// cross-model references), or a directory to start looking for book.toml in.
    #[arg(value_name = "MODEL")]
    path: Option<PathBuf>,
    #[command(flatten)]
    project: ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    format: CheckFormat,
    /// Treat draft models and drafted threats as errors (for CI on release branches).
    #[arg(long)]
    deny_drafts: bool,
    /// List every rule with its code, name and default severity, and exit.
    #[arg(long)]
    list_rules: bool,
}

/// Runs the check and prints the findings to standard output.
pub fn run(args: &CheckArgs) -> Result<Outcome, CliError> {
    if args.list_rules {
        let list: String = Rule::ALL
            .iter()
            .map(|r| {
                format!(
                    "{}  {:<26} {:<8} {}\n",
                    r.code(),
                    r.name(),
                    r.default_severity().to_string(),
                    r.summary()
                )
            })
            .collect();
        super::output::emit(&list)?;
        return Ok(Outcome::Clean);
    }
    let (project_args, model) = match &args.path {
        Some(p) if p.is_dir() => (args.project.or_dir(Some(p)), None),
        Some(p) if p.is_file() => {
            let start = args
                .project
                .dir
                .clone()
                .or_else(|| p.parent().map(Path::to_path_buf))
                .filter(|d| !d.as_os_str().is_empty());
            (args.project.or_dir(start.as_ref()), Some(p))
        }
        Some(p) => {
            return Err(CliError::Other(format!(
                "{}: no such model file or directory",
                p.display()
            )));
        }
        None => (args.project.clone(), None),
    };
    let opts = CheckOptions {
        today: project_args.today(),
        deny_drafts: args.deny_drafts,
    };
    let progress = super::progress::Progress::start("loading, indexing and checking");
    let Analysis {
        project,
        mut findings,
        ..
    } = Analysis::run_with(
        project_args.config()?,
        &opts,
        crate::history::review_drift::check,
    )?;
    drop(progress);
    if let Some(model) = model {
        let file = project.model_file(model)?;
        findings = findings.of_file(&file);
    }
    let prefix = super::repo_prefix(&project.config);
    let sources = SourceText {
        loaded: &project.sources,
        root: &project.config.root,
        prefix: &prefix,
    };
    // Styled for people; anstream strips the colour where it is not wanted.
    let color = args.format == CheckFormat::Human;
    let shown = findings.with_path_prefix(&prefix);
    super::output::emit(&render(&shown, args.format.into(), &sources, color))?;
    Ok(if findings.has_errors() {
        Outcome::Failed
    } else {
        Outcome::Clean
    })
}

/// `--format` of `tm check`: the command line's names for [`Format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Text with source snippets, for people.
    Human,
    /// One JSON document, for machines.
    Json,
    /// `::error file=…,line=…::` workflow commands for GitHub Actions.
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

impl From<CheckFormat> for Format {
    fn from(f: CheckFormat) -> Format {
        match f {
            CheckFormat::Human => Format::Human,
            CheckFormat::Json => Format::Json,
            CheckFormat::Github => Format::Github,
            CheckFormat::Sarif => Format::Sarif,
        }
    }
}
