//! `tm draft`: candidate threats, mitigations and questions from the threat
//! library, printed as YAML or written into the model file.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{CliError, Outcome, ProjectArgs};
use crate::analysis::Analysis;
use crate::check::CheckOptions;
use crate::draft::{self, ModelDraft};

/// How `tm draft` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DraftFormat {
    /// YAML for people (the draft) or a table (`--library`).
    Human,
    /// One JSON document.
    Json,
}

/// Arguments of `tm draft`.
#[derive(Debug, clap::Args)]
pub struct DraftArgs {
    /// The model to draft — a model file or a model id (default: every model of the project) — or a
    /// directory to start looking for book.toml in.
    #[arg(value_name = "MODEL")]
    path: Option<PathBuf>,
    #[command(flatten)]
    project: ProjectArgs,
    /// Draft for this component, flow or boundary only.
    #[arg(long, value_name = "ID")]
    component: Option<String>,
    /// List the threat library's entries (built-in and the project's) and exit.
    #[arg(long, conflicts_with_all = ["write", "component"])]
    library: bool,
    /// Append the draft to the model files (every existing byte kept) and print the diff.
    #[arg(long)]
    write: bool,
    /// Walk the draft candidate by candidate, reading commands from standard
    /// input (accept, change severity, reject with a reason, answer, skip,
    /// quit); the decisions are written like `--write`.
    #[arg(long, conflicts_with_all = ["write", "library"])]
    interactive: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DraftFormat::Human)]
    format: DraftFormat,
}

/// Runs `tm draft`.
pub fn run(args: &DraftArgs) -> Result<Outcome, CliError> {
    let (project_args, model_path) = match &args.path {
        Some(p) if p.is_dir() => (args.project.or_dir(Some(p)), None),
        Some(p) if p.is_file() => {
            let start = args
                .project
                .dir
                .clone()
                .or_else(|| p.parent().map(Path::to_path_buf))
                .filter(|d| !d.as_os_str().is_empty());
            (args.project.or_dir(start.as_ref()), Some(p))
        }
        // Not a path: a model id of the project, checked once it is loaded.
        Some(_) => (args.project.clone(), None),
        None => (args.project.clone(), None),
    };
    let model_id = args
        .path
        .as_ref()
        .filter(|p| !p.exists())
        .map(|p| p.to_string_lossy().into_owned());
    let config = project_args.config()?;
    let library = draft::project::load(&config).map_err(|e| CliError::Other(e.to_string()))?;
    for w in &library.warnings {
        eprintln!("warning: {}", crate::terminal::escape_text(w));
    }
    if args.library {
        return list_library(&library, args.format);
    }
    let opts = CheckOptions {
        today: project_args.today(),
        deny_drafts: false,
    };
    let analysis = Analysis::run(config, &opts)?;
    let project = &analysis.project;
    let only_file = match model_path {
        Some(p) => Some(project.model_file(p)?),
        None => None,
    };
    let mut models: Vec<&crate::load::LoadedModel> = project
        .models
        .iter()
        .filter(|lm| only_file.as_ref().is_none_or(|f| &lm.file == f))
        .filter(|lm| {
            model_id
                .as_ref()
                .is_none_or(|id| lm.model.id.as_str() == id)
        })
        .collect();
    if let Some(id) = &model_id
        && models.is_empty()
    {
        let ids = project.models.iter().map(|m| m.model.id.as_str());
        let hint = match crate::suggest::did_you_mean(id, ids) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "give a model file, a model id or a directory holding book.toml".to_owned(),
        };
        return Err(CliError::Other(format!(
            "no model file, directory or model id `{}`: {hint}",
            crate::terminal::escape_line(id)
        )));
    }
    if let Some(id) = &args.component {
        models.retain(|lm| has_element(&lm.model, id));
        if models.is_empty() {
            return Err(CliError::Other(format!(
                "no model has a component, flow or boundary `{id}`: give one of the ids in the model's `components`, `flows` or `boundaries`"
            )));
        }
    }
    let mut drafts = Vec::new();
    for lm in &models {
        if !lm.complete {
            eprintln!(
                "warning: {}: the model has errors (see `tm check`); it is not drafted",
                crate::project_root::shown(&lm.file)
            );
            continue;
        }
        let d = draft::draft_model(
            &lm.model,
            lm.file.clone(),
            &analysis.code,
            &library.entries,
            args.component.as_deref(),
        );
        drafts.push((*lm, d));
    }
    if args.write {
        return write_drafts(&project.config.root, &drafts);
    }
    if args.interactive {
        return interactive(&project.config.root, &drafts, project_args.today());
    }
    let out = match args.format {
        DraftFormat::Json => {
            let list: Vec<&ModelDraft> = drafts.iter().map(|(_, d)| d).collect();
            serde_json::to_string_pretty(&list).expect("draft serializes") + "\n"
        }
        DraftFormat::Human => crate::terminal::escape_text(&draft::show::yaml(
            &drafts.iter().map(|(_, d)| d).collect::<Vec<_>>(),
        ))
        .into_owned(),
    };
    super::output::emit(&out)?;
    Ok(Outcome::Clean)
}

fn has_element(model: &crate::model::Model, id: &str) -> bool {
    model.components.iter().any(|c| c.id.as_str() == id)
        || model.flows.iter().any(|f| f.id.as_str() == id)
        || model.boundaries.iter().any(|b| b.id.as_str() == id)
}

fn write_drafts(
    root: &Path,
    drafts: &[(&crate::load::LoadedModel, ModelDraft)],
) -> Result<Outcome, CliError> {
    let mut out = String::new();
    let mut written = 0;
    for (lm, d) in drafts {
        if d.is_empty() {
            continue;
        }
        let shown = crate::project_root::shown(&lm.file);
        let path = root.join(&lm.file);
        let original = std::fs::read(&path)
            .map_err(|e| CliError::Other(format!("{shown}: cannot read: {e}")))
            .and_then(|b| {
                String::from_utf8(b)
                    .map_err(|_| CliError::Other(format!("{shown}: not valid UTF-8")))
            })?;
        let (text, diff) = draft::apply::drafted_text(&shown, &original, d, &lm.model)
            .map_err(|e| CliError::Other(e.to_string()))?;
        draft::apply::replace_file(&path, &shown, &text)
            .map_err(|e| CliError::Other(e.to_string()))?;
        written += 1;
        out.push_str(&diff);
    }
    let total: usize = drafts.iter().map(|(_, d)| d.threats.len()).sum();
    let questions: usize = drafts.iter().map(|(_, d)| d.questions.len()).sum();
    super::output::emit(&crate::terminal::escape_text(&out))?;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "tm draft: {total} threats (each with a mitigation) and {questions} questions drafted into {written} model file(s); every item is marked `drafted: true`"
    );
    Ok(Outcome::Clean)
}

fn list_library(library: &draft::Library, format: DraftFormat) -> Result<Outcome, CliError> {
    let out = match format {
        DraftFormat::Json => {
            serde_json::to_string_pretty(&library.entries).expect("library serializes") + "\n"
        }
        DraftFormat::Human => {
            let mut s = String::new();
            for e in &library.entries {
                let stride: Vec<&str> = e.stride.iter().map(|c| c.as_str()).collect();
                let kinds: Vec<&str> = e.applies_to.iter().map(|k| k.as_str()).collect();
                s.push_str(&format!(
                    "{:<10} {:<8} {:<40} {}\n",
                    e.id,
                    e.severity.as_str(),
                    format!("{} / {}", stride.join(","), kinds.join(",")),
                    e.title
                ));
            }
            s.push_str(&format!("{} entries\n", library.entries.len()));
            crate::terminal::escape_text(&s).into_owned()
        }
    };
    super::output::emit(&out)?;
    Ok(Outcome::Clean)
}

fn interactive(
    root: &Path,
    drafts: &[(&crate::load::LoadedModel, ModelDraft)],
    today: crate::model::Date,
) -> Result<Outcome, CliError> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout().lock();
    for (lm, d) in drafts {
        if d.is_empty() {
            continue;
        }
        let shown = crate::project_root::shown(&lm.file);
        writeln!(
            out,
            "== {} ({shown})",
            crate::terminal::escape_text(&d.model)
        )?;
        let decided = draft::interactive::walk(d, &mut input, &mut out, today)?;
        writeln!(out)?;
        if decided.accepted.is_empty()
            && decided.questions.is_empty()
            && decided.rejected.is_empty()
        {
            writeln!(out, "nothing to write for {shown}")?;
            continue;
        }
        let path = root.join(&lm.file);
        let original = std::fs::read(&path)
            .map_err(|e| CliError::Other(format!("{shown}: cannot read: {e}")))
            .and_then(|b| {
                String::from_utf8(b)
                    .map_err(|_| CliError::Other(format!("{shown}: not valid UTF-8")))
            })?;
        let threats: Vec<_> = decided.accepted.iter().collect();
        let questions: Vec<_> = decided.questions.iter().collect();
        let (text, diff) = draft::apply::edited_text(
            &shown,
            &original,
            &lm.model,
            &threats,
            &questions,
            &decided.rejected,
        )
        .map_err(|e| CliError::Other(e.to_string()))?;
        draft::apply::replace_file(&path, &shown, &text)
            .map_err(|e| CliError::Other(e.to_string()))?;
        write!(out, "{}", crate::terminal::escape_text(&diff))?;
    }
    Ok(Outcome::Clean)
}
