//! `tm lsp`: the language server, on standard input and output.

use super::{CliError, Outcome, ProjectArgs};

/// Arguments of `tm lsp`.
#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// The date to use as "today" for expiry rules (YYYY-MM-DD); default: the system clock.
    #[arg(long, env = "TM_TODAY", value_parser = super::parse_date)]
    pub today: Option<crate::model::Date>,
}

/// Serves until the client sends `exit`.
pub fn run(args: &LspArgs) -> Result<Outcome, CliError> {
    let today = ProjectArgs {
        dir: None,
        today: args.today,
    }
    .today();
    crate::lsp::serve(today).map_err(|e| CliError::Other(format!("tm lsp: {e}")))?;
    Ok(Outcome::Clean)
}
