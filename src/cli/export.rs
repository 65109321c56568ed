//! `tm export FORMAT [MODEL…] [-o PATH]`: the checked project as a Markdown
//! report, issue payloads, JSON, CSV or SARIF (the work is in `crate::export`).

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::{CliError, Outcome, ProjectArgs};
use crate::analysis::Analysis;
use crate::check::CheckOptions;
use crate::export::{ExportFile, ExportFormat, ExportInput, IssueOptions, Rendered, Tracker};
use crate::history::ProjectHistory;
use crate::load::LoadedModel;
use crate::project_root::{ProjectRoot, shown};

/// Arguments of `tm export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// What to write.
    #[arg(value_enum)]
    format: ExportFormat,
    /// Model ids (or model files) to export; default: every model.
    #[arg(value_name = "MODEL")]
    models: Vec<String>,
    /// Write here instead of standard output: a file for json, csv and
    /// sarif; a directory for markdown (`<model>.md`) and issues
    /// (`<model>/<id>.json`).
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// issues: the tracker whose create-issue body to write.
    #[arg(long, value_enum, default_value_t = Tracker::Github)]
    tracker: Tracker,
    /// issues: open threats without a mitigation get an issue from this
    /// severity up (default: `issues-severity` in book.toml, else `high`).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    issues_severity: Option<crate::model::Severity>,
    /// issues with `--tracker jira`: the Jira project key (default: `jira-project` in book.toml).
    #[arg(long, value_name = "KEY")]
    jira_project: Option<String>,
    #[command(flatten)]
    project: ProjectArgs,
}

fn parse_severity(s: &str) -> Result<crate::model::Severity, String> {
    crate::model::Severity::ALL
        .iter()
        .copied()
        .find(|v| v.as_str() == s)
        .ok_or_else(|| "expected low, medium, high or critical".to_owned())
}

/// Runs the export.
pub fn run(args: &ExportArgs) -> Result<Outcome, CliError> {
    let config = args.project.config()?;
    let opts = CheckOptions {
        today: args.project.today(),
        deny_drafts: false,
    };
    let history = match args.format {
        ExportFormat::Markdown => {
            Some(
                ProjectHistory::extract(&config).unwrap_or_else(|e| ProjectHistory {
                    reach: crate::history::HistoryReach {
                        note: Some(format!("change history could not be read: {e}")),
                        ..Default::default()
                    },
                    models: Vec::new(),
                }),
            )
        }
        _ => None,
    };
    let prefix = super::repo_prefix(&config);
    let analysis = Analysis::run_with(config, &opts, crate::history::review_drift::check)?;
    let models = select(&analysis, &args.models)?;
    let cfg = &analysis.project.config.tm;
    let input = ExportInput {
        analysis: &analysis,
        models,
        history: history.as_ref(),
        repo_prefix: prefix,
        issues: IssueOptions {
            tracker: args.tracker,
            severity: args.issues_severity.unwrap_or(cfg.issues_severity),
            jira_project: args
                .jira_project
                .clone()
                .or_else(|| cfg.jira_project.clone()),
        },
    };
    if args.format == ExportFormat::Issues
        && args.tracker == Tracker::Jira
        && input.issues.jira_project.is_none()
    {
        return Err(CliError::Other(
            "a Jira payload needs a project key: pass --jira-project KEY or set jira-project in book.toml's [output.tm]".to_owned(),
        ));
    }
    let rendered = crate::export::export(args.format, &input);
    let root = &analysis.project.config.root;
    match (rendered, &args.output) {
        (Rendered::Document(bytes), None) => emit_bytes(&bytes)?,
        (Rendered::Document(bytes), Some(path)) => {
            write_atomically(&checked_output(root, path)?, &bytes)?
        }
        (
            Rendered::Files {
                stdout: Some(bytes),
                ..
            },
            None,
        ) => emit_bytes(&bytes)?,
        (
            Rendered::Files {
                files,
                stdout: None,
            },
            None,
        ) => {
            return Err(CliError::Other(format!(
                "{} models give {} documents: write them with -o DIR, or name one model",
                input.models.len(),
                files.len()
            )));
        }
        (Rendered::Files { files, .. }, Some(dir)) => write_files(root, dir, &files)?,
    }
    Ok(Outcome::Clean)
}

/// The models named on the command line (ids, or model files), sorted by
/// id; all of them when none is named. An unknown name is an error with the
/// nearest model id.
fn select<'a>(analysis: &'a Analysis, names: &[String]) -> Result<Vec<&'a LoadedModel>, CliError> {
    let project = &analysis.project;
    let mut chosen: Vec<&LoadedModel> = if names.is_empty() {
        project.models.iter().collect()
    } else {
        let mut out = Vec::new();
        for name in names {
            if let Some(lm) = project.model(name) {
                out.push(lm);
                continue;
            }
            let as_file = Path::new(name);
            if as_file.is_file()
                && let Ok(file) = project.model_file(as_file)
                && let Some(lm) = project.models.iter().find(|m| m.file == file)
            {
                out.push(lm);
                continue;
            }
            let ids: Vec<&str> = project.models.iter().map(|m| m.model.id.as_str()).collect();
            let hint = match crate::suggest::did_you_mean(name, ids.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None if ids.is_empty() => "the project has no models".to_owned(),
                None => format!("the models are: {}", ids.join(", ")),
            };
            return Err(CliError::Other(format!(
                "no model with the id `{}`: {hint}",
                crate::terminal::escape_line(name)
            )));
        }
        out
    };
    chosen.sort_by(|a, b| {
        a.model
            .id
            .cmp(&b.model.id)
            .then_with(|| a.file.cmp(&b.file))
    });
    chosen.dedup_by(|a, b| std::ptr::eq(*a, *b));
    Ok(chosen)
}

fn emit_bytes(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// `-o PATH` as the place to write: a path inside the project must stay
/// inside it once links are followed (and out of `.git`); a path outside the
/// project is the user's choice.
fn checked_output(root: &Path, path: &Path) -> Result<PathBuf, CliError> {
    let cwd = std::env::current_dir()?;
    let absolute = cwd.join(path);
    let root_real = root.canonicalize()?;
    let lexical = lexical(&absolute);
    let root_abs = lexical_root(&cwd.join(root));
    if lexical.starts_with(&root_real) || lexical.starts_with(&root_abs) {
        let project = ProjectRoot::new(root)?;
        Ok(project.resolve_new(&lexical)?)
    } else {
        Ok(absolute)
    }
}

fn lexical_root(p: &Path) -> PathBuf {
    lexical(p)
}

/// `.` and `..` removed without touching the file system.
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Writes each document under `dir`, atomically, refusing a relative path
/// that is not plain names (the names come from model ids).
fn write_files(root: &Path, dir: &Path, files: &[ExportFile]) -> Result<(), CliError> {
    let dir = checked_output(root, dir)?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::Other(format!("cannot create {}: {e}", shown(&dir))))?;
    for f in files {
        if !f
            .path
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(CliError::Other(format!(
                "refusing to write {}: not a plain relative path",
                shown(&f.path)
            )));
        }
        let target = checked_output(root, &dir.join(&f.path))?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CliError::Other(format!("cannot create {}: {e}", shown(parent))))?;
        }
        write_atomically(&target, &f.bytes)?;
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so a reader never sees half a document.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let fail = |e: std::io::Error| CliError::Other(format!("cannot write {}: {e}", shown(path)));
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(&parent).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.flush().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
