//! `tm check`: validate and cross-check, print findings, exit 1 on errors.

use std::io::IsTerminal;

use super::{CliError, Outcome, ProjectArgs};
use crate::analysis::Analysis;
use crate::check::CheckOptions;
use crate::diagnostic::{Format, Rule, SourceText, render};

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
    let opts = CheckOptions {
        today: args.project.today(),
        deny_drafts: args.deny_drafts,
    };
    let Analysis {
        project, findings, ..
    } = Analysis::run(args.project.config()?, &opts)?;
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
