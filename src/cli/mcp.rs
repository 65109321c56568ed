//! `tm mcp`: the Model Context Protocol server, on standard input and output.

use super::{CliError, Outcome, ProjectArgs};

/// Arguments of `tm mcp`.
#[derive(Debug, clap::Args)]
pub struct McpArgs {
    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,
}

/// Serves until the client closes the connection.
pub fn run(args: &McpArgs) -> Result<Outcome, CliError> {
    let config = args.project.config()?;
    crate::mcp::serve(config).map_err(|e| CliError::Other(format!("tm mcp: {e}")))?;
    Ok(Outcome::Clean)
}
