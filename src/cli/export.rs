//! `tm export otm|tm-bom`: one model as another tool's document (JSON).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CliError, Outcome, ProjectArgs};
use crate::load::Project;
use crate::model::Model;
use crate::project_root::shown;

/// The formats `tm export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Open Threat Model 0.2.0 JSON.
    Otm,
    /// TM-BOM JSON (OWASP Threat Model Library schema v1.0.2).
    TmBom,
}

/// Arguments of `tm export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The format to write.
    #[arg(value_enum)]
    pub format: ExportFormat,
    /// The model: a model file, or the id of a model of the project
    /// (optional when the project has exactly one).
    #[arg(value_name = "MODEL")]
    pub model: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    project: ProjectArgs,
}

/// Exports one model.
pub fn run(args: &ExportArgs) -> Result<Outcome, CliError> {
    let model = find_model(args)?;
    let value = match args.format {
        ExportFormat::Otm => crate::interchange::otm::export(&model),
        ExportFormat::TmBom => crate::interchange::tm_bom::export(&model),
    };
    let mut text = serde_json::to_string_pretty(&value)
        .map_err(|e| CliError::Other(format!("cannot serialise the export: {e}")))?;
    text.push('\n');
    match &args.output {
        Some(path) => {
            let fail = |e: &dyn std::fmt::Display| {
                CliError::Other(format!("cannot write {}: {e}", shown(path)))
            };
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
            tmp.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
            tmp.persist(path).map_err(|e| fail(&e.error))?;
        }
        None => super::output::emit(&text)?,
    }
    Ok(Outcome::Clean)
}

fn find_model(args: &ExportArgs) -> Result<Model, CliError> {
    if let Some(given) = &args.model {
        let path = Path::new(given);
        if path.is_file() {
            return load_file(path);
        }
    }
    let config = args.project.config()?;
    let (project, _) = Project::load(config)?;
    let usable: Vec<_> = project.models.iter().filter(|m| m.complete).collect();
    let found = match &args.model {
        Some(id) => usable.iter().find(|m| m.model.id.as_str() == id).copied(),
        None if usable.len() == 1 => usable.first().copied(),
        None => None,
    };
    found.map(|m| m.model.clone()).ok_or_else(|| {
        let ids: Vec<&str> = usable.iter().map(|m| m.model.id.as_str()).collect();
        CliError::Other(format!(
            "name the model to export (a file or one of: {}); a model with structural errors cannot be exported",
            if ids.is_empty() { "no valid model".to_owned() } else { ids.join(", ") }
        ))
    })
}

fn load_file(path: &Path) -> Result<Model, CliError> {
    let bytes = match crate::project_root::read_capped(path, crate::load::MAX_FILE_BYTES as u64) {
        Ok(crate::project_root::Capped::Whole(b)) => b,
        Ok(crate::project_root::Capped::TooLarge(n)) => {
            return Err(CliError::Other(format!(
                "{}: {n} bytes is over the model size budget",
                shown(path)
            )));
        }
        Err(e) => return Err(CliError::Other(format!("cannot read {}: {e}", shown(path)))),
    };
    let (_, (loaded, diags)) = crate::load::load_model_text(path, bytes);
    match loaded {
        Some(m) if m.complete => Ok(m.model),
        _ => {
            let first = diags.first().map_or_else(String::new, |d| {
                let (l, c) = d.span.map_or((0, 0), |s| (s.line, s.column));
                format!(": {}:{l}:{c}: {}", shown(path), d.message)
            });
            Err(CliError::Other(format!(
                "{} is not a valid tm model (run `tm check` on it){first}",
                shown(path)
            )))
        }
    }
}
