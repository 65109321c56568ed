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

/// The model schema `tm init` writes beside the models (`tm schema` prints it).
const SCHEMA_FILE: &str = "models/tm.schema.json";

/// What `tm init` adds to `.gitignore`: the default output dir and the state,
/// lock and cache files tm keeps beside it.
const GITIGNORE_LINES: [&str; 2] = ["/book/", "/.book.tm-*"];

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
    let schema = crate::load::schema_json();
    let files = [
        (PathBuf::from("book.toml"), BOOK_TOML),
        (PathBuf::from("models/example.yaml"), EXAMPLE_MODEL),
        // What the example's `$schema` comment names, for editor completion.
        (PathBuf::from(SCHEMA_FILE), schema.as_str()),
    ];
    let refuse = |e: OutsideProject| CliError::Other(format!("tm init: {e}"));
    // Every path is judged before anything is written: a refusal leaves the
    // directory as it was.
    let mut to_write = Vec::new();
    if dir.join(".gitignore").symlink_metadata().is_ok() {
        project
            .resolve(std::path::Path::new(".gitignore"))
            .map_err(refuse)?;
    }
    for (rel, text) in files {
        let path = dir.join(&rel);
        if path.symlink_metadata().is_ok() {
            // An existing file is kept, but a link is judged by where it leads.
            project.resolve(&rel).map_err(refuse)?;
            super::output::emit(&format!("kept     {} (already exists)\n", shown(&rel)))?;
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
        super::output::emit(&format!("created  {}\n", shown(&rel)))?;
    }
    ignore_output(&project, &dir)?;
    super::output::emit("\nnext: edit models/example.yaml, then run `tm check` and `tm build`\n")?;
    Ok(Outcome::Clean)
}

/// Appends the lines of [`GITIGNORE_LINES`] that `.gitignore` lacks (creating
/// it when missing), so a built site is never committed by accident. An
/// existing `.gitignore` is only appended to, and only when it is a regular
/// file inside the project.
fn ignore_output(project: &ProjectRoot, dir: &std::path::Path) -> Result<(), CliError> {
    let rel = PathBuf::from(".gitignore");
    let path = dir.join(&rel);
    let refuse = |e: OutsideProject| CliError::Other(format!("tm init: {e}"));
    let existing = if path.symlink_metadata().is_ok() {
        let real = project.resolve(&rel).map_err(refuse)?;
        match crate::project_root::read_capped(&real, 1024 * 1024) {
            Ok(crate::project_root::Capped::Whole(bytes)) => {
                Some(String::from_utf8_lossy(&bytes).into_owned())
            }
            _ => {
                super::output::emit("kept     .gitignore (not a readable file under 1 MiB)\n")?;
                return Ok(());
            }
        }
    } else {
        project.resolve_new(&rel).map_err(refuse)?;
        None
    };
    let have: Vec<&str> = existing
        .as_deref()
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .collect();
    let missing: Vec<&str> = GITIGNORE_LINES
        .iter()
        .copied()
        .filter(|l| !have.contains(l) && !have.contains(&l.trim_end_matches('/')))
        .collect();
    if missing.is_empty() {
        return super::output::emit("kept     .gitignore (already ignores the site)\n");
    }
    let mut text = String::new();
    if existing
        .as_deref()
        .is_some_and(|t| !t.is_empty() && !t.ends_with('\n'))
    {
        text.push('\n');
    }
    text.push_str("# tm build's site and its state files (added by tm init)\n");
    for l in &missing {
        text.push_str(l);
        text.push('\n');
    }
    let open = if existing.is_some() {
        std::fs::OpenOptions::new().append(true).open(&path)
    } else {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
    };
    open.and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|e| CliError::Other(format!("cannot write {}: {e}", shown(&path))))?;
    let verb = if existing.is_some() {
        "updated "
    } else {
        "created "
    };
    super::output::emit(&format!("{verb} .gitignore ({})\n", missing.join(", ")))
}
