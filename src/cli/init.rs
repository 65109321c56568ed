//! `tm init`: scaffold book.toml and an example model without overwriting anything.

use std::path::PathBuf;

use super::{CliError, Outcome};
use crate::project_root::{OutsideProject, ProjectRoot, shown};

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

/// Writes the files that do not exist yet and says what it did. Like every
/// path tm opens, each one must stay inside the project after links are
/// followed: `tm init` never writes through a `models` or `book.toml` link
/// that leads elsewhere (`tm check` would refuse to read it too).
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
            shown(&dir)
        )));
    }
    let project = ProjectRoot::new(&dir)?;
    let files = [
        (PathBuf::from("book.toml"), BOOK_TOML),
        (PathBuf::from("models/example.yaml"), EXAMPLE_MODEL),
    ];
    let refuse = |e: OutsideProject| CliError::Other(format!("tm init: {e}"));
    // Every path is judged before anything is written: a refusal leaves the
    // directory as it was.
    let mut to_write = Vec::new();
    for (rel, text) in files {
        let path = dir.join(&rel);
        if path.symlink_metadata().is_ok() {
            // An existing file is kept, but a link is judged by where it leads.
            project.resolve(&rel).map_err(refuse)?;
            println!("kept     {} (already exists)", rel.display());
        } else {
            project.resolve_new(&rel).map_err(refuse)?;
            to_write.push((rel, path, text));
        }
    }
    for (rel, path, text) in to_write {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CliError::Other(format!("cannot create {}: {e}", shown(parent))))?;
            // Checked again once the directory exists: nothing may have
            // swapped a link in on the way.
            project.resolve(parent).map_err(refuse)?;
        }
        // create_new: never clobber a file that appeared since the check
        // above, and never write through a link (O_EXCL fails on one).
        let write = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
        write.map_err(|e| CliError::Other(format!("cannot write {}: {e}", shown(&path))))?;
        println!("created  {}", rel.display());
    }
    println!("\nnext: edit models/example.yaml, then run `tm check` and `tm build`");
    Ok(Outcome::Clean)
}
