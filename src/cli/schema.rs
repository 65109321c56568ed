//! `tm schema`: the JSON Schema of the model format.

use std::path::PathBuf;

use super::{CliError, Outcome};

/// Arguments of `tm schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Write the schema to this file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Print the schema of `tm export json`'s document instead of the model format's.
    #[arg(long)]
    pub export: bool,
}

/// Prints or writes the schema.
pub fn run(args: &SchemaArgs) -> Result<Outcome, CliError> {
    let text = if args.export {
        crate::export::json::schema_json()
    } else {
        crate::load::schema_json()
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| CliError::Other(format!("cannot write {}: {e}", path.display())))?,
        None => super::output::emit(&text)?,
    }
    Ok(Outcome::Clean)
}
