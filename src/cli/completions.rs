//! `tm completions SHELL` and `tm man`: generated from the clap definitions,
//! so they always match the real flags.

use clap::CommandFactory;

use super::{Cli, CliError, Outcome};

/// Arguments of `tm completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Prints the completion script for the shell, e.g.
/// `tm completions bash > ~/.local/share/bash-completion/completions/tm`.
pub fn run(args: &CompletionsArgs) -> Result<Outcome, CliError> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "tm", &mut out);
    super::output::emit_bytes(&out)?;
    Ok(Outcome::Clean)
}

/// Arguments of `tm man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {}

/// Prints the man page (roff), e.g. `tm man > /usr/local/share/man/man1/tm.1`.
pub fn run_man(_args: &ManArgs) -> Result<Outcome, CliError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    super::output::emit_bytes(&out)?;
    Ok(Outcome::Clean)
}
