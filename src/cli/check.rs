//! `tm check`: validate and cross-check, print findings, exit 1 on errors.

use std::io::IsTerminal;

use super::{CliError, Outcome, ProjectArgs};
use crate::check::{self, CheckOptions};
use crate::code::SourceIndex;
use crate::diagnostic::{Format, Rule, SourceText, render};
use crate::load::Project;

/// Arguments of `tm check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
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
        for r in Rule::ALL {
            println!(
                "{}  {:<26} {:<8} {}",
                r.code(),
                r.name(),
                r.default_severity().to_string(),
                r.summary()
            );
        }
        return Ok(Outcome::Clean);
    }
    let config = args.project.config()?;
    let (project, mut load_findings) = Project::load(config)?;
    let (index, index_findings) = SourceIndex::build(&project.config);
    let (code_findings, _report) = check::code_refs::check(&project, &index);
    load_findings.extend(index_findings);
    load_findings.extend(code_findings);
    let opts = CheckOptions {
        today: args.project.today(),
        deny_drafts: args.deny_drafts,
    };
    let findings = check::run(&project, load_findings, &opts);
    let sources = SourceText {
        loaded: &project.sources,
        root: &project.config.root,
    };
    let color = args.format == Format::Human
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    print!("{}", render(&findings, args.format, &sources, color));
    Ok(if findings.has_errors() {
        Outcome::Failed
    } else {
        Outcome::Clean
    })
}
