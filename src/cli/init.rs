//! `tm init`: scaffold book.toml and an example model without overwriting anything.

use std::path::PathBuf;

use super::{CliError, Outcome};

/// Arguments of `tm init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The repository to set up (default: the current directory).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    project: super::ProjectArgs,
}

const BOOK_TOML: &str = include_str!("../../themes/init/book.toml");
const EXAMPLE_MODEL: &str = include_str!("../../themes/init/example.yaml");

/// Writes the files that do not exist yet and says what it did.
pub fn run(args: &InitArgs) -> Result<Outcome, CliError> {
    // `init` creates the project, so `-C DIR` names it rather than starting a search.
    let dir = args
        .project
        .dir
        .clone()
        .or_else(|| args.dir.clone())
        .unwrap_or_else(|| PathBuf::from("."));
    if !dir.is_dir() {
        return Err(CliError::Other(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    let files = [
        (PathBuf::from("book.toml"), BOOK_TOML),
        (PathBuf::from("models/example.yaml"), EXAMPLE_MODEL),
    ];
    for (rel, text) in files {
        let path = dir.join(&rel);
        if path.exists() {
            println!("kept     {} (already exists)", rel.display());
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CliError::Other(format!("cannot create {}: {e}", parent.display())))?;
        }
        // create_new: never clobber a file that appeared since the check above.
        let write = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
        write.map_err(|e| CliError::Other(format!("cannot write {}: {e}", path.display())))?;
        println!("created  {}", rel.display());
    }
    println!("\nnext: edit models/example.yaml, then run `tm check` and `tm build`");
    Ok(Outcome::Clean)
}
