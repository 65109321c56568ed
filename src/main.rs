//! The `tm` binary: parse arguments, run the command, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tm::cli::Cli::parse();
    match tm::cli::run(cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        // The reader went away (`tm diff | head`): it has what it wanted.
        Err(e) if tm::cli::output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
