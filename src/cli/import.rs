//! `tm import FORMAT FILE`: another tool's threat model → a tm model file,
//! with a report of everything that did not map one to one.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CliError, Outcome};
use crate::import::{self, Format, ImportError};
use crate::project_root::shown;

/// The formats `tm import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    /// Open Threat Model 0.2 (JSON or YAML).
    Otm,
    /// Threagile YAML.
    Threagile,
    /// OWASP Threat Model Library / TM-BOM JSON.
    TmBom,
    /// AWS Threat Composer `.tc.json` workspace.
    ThreatComposer,
}

impl From<ImportFormat> for Format {
    fn from(f: ImportFormat) -> Format {
        match f {
            ImportFormat::Otm => Format::Otm,
            ImportFormat::Threagile => Format::Threagile,
            ImportFormat::TmBom => Format::TmBom,
            ImportFormat::ThreatComposer => Format::ThreatComposer,
        }
    }
}

/// Arguments of `tm import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The format of FILE.
    #[arg(value_enum)]
    pub format: ImportFormat,
    /// The file to import.
    pub file: PathBuf,
    /// Write the model here (e.g. models/NAME.yaml); without it the model
    /// goes to standard output and the report to standard error.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the import report to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Imports, then writes the model atomically (never a partial file).
pub fn run(args: &ImportArgs) -> Result<Outcome, CliError> {
    let imported = import::import_file(args.format.into(), &args.file).map_err(import_error)?;
    let name = args
        .file
        .file_name()
        .map_or_else(|| shown(&args.file), |n| shown(Path::new(n)));
    let yaml = import::model_yaml(&imported, &name);
    let report = imported.report.to_text();
    if let Some(out) = &args.output {
        if out.symlink_metadata().is_ok() && !args.force {
            return Err(CliError::Other(format!(
                "{} already exists; nothing was written (pass --force to replace it)",
                shown(out)
            )));
        }
        write_atomically(out, yaml.as_bytes(), args.force)?;
    }
    if let Some(path) = &args.report {
        write_atomically(path, report.as_bytes(), true)?;
    }
    match &args.output {
        Some(out) => super::output::emit(&format!("{report}wrote {}\n", shown(out)))?,
        None => {
            super::output::emit(&yaml)?;
            let _ = std::io::stderr().write_all(report.as_bytes());
        }
    }
    Ok(Outcome::Clean)
}

fn import_error(e: ImportError) -> CliError {
    CliError::Other(e.to_string())
}

/// Writes through a temporary file in the same directory, renamed into
/// place: a reader sees the old file or the whole new one.
fn write_atomically(path: &Path, bytes: &[u8], replace: bool) -> Result<(), CliError> {
    let fail =
        |e: &dyn std::fmt::Display| CliError::Other(format!("cannot write {}: {e}", shown(path)));
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| fail(&e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| fail(&e))?;
    tmp.write_all(bytes).map_err(|e| fail(&e))?;
    tmp.as_file().sync_all().map_err(|e| fail(&e))?;
    if replace {
        tmp.persist(path).map_err(|e| fail(&e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| fail(&e.error))?;
    }
    Ok(())
}
