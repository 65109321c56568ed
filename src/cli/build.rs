//! `tm build`: check, then render the site and swap it into the output dir.

use std::path::PathBuf;

use super::{CliError, Outcome, ProjectArgs};
use crate::analysis::{Analysis, GitFacts};
use crate::check::CheckOptions;
use crate::diagnostic::{Format, SourceText, render};
use crate::history::QueueOptions;
use crate::render::{self as site, SiteInputs, Theme};

/// Arguments of `tm build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Where to start looking for book.toml (the same as `-C DIR`).
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    #[command(flatten)]
    project: ProjectArgs,
    /// Write the site here instead of book.toml's `output-dir` (relative to the current directory).
    #[arg(long, value_name = "DIR")]
    dest: Option<PathBuf>,
    /// Replace the output dir even if it holds files tm did not write.
    #[arg(long)]
    force: bool,
    /// Treat draft models and drafted threats as errors.
    #[arg(long)]
    deny_drafts: bool,
}

/// Runs the build. On check errors it prints them and leaves the old site alone.
pub fn run(args: &BuildArgs) -> Result<Outcome, CliError> {
    let project_args = args.project.or_dir(args.dir.as_ref());
    let opts = CheckOptions {
        today: project_args.today(),
        deny_drafts: args.deny_drafts,
    };
    let Analysis {
        project,
        findings,
        code,
    } = Analysis::run(project_args.config()?, &opts)?;
    let prefix = super::repo_prefix(&project.config);
    let sources = SourceText {
        loaded: &project.sources,
        root: &project.config.root,
        prefix: &prefix,
    };
    let report = render(
        &findings.with_path_prefix(&prefix),
        Format::Human,
        &sources,
        false,
    );
    if findings.has_errors() {
        print!("{report}");
        eprintln!(
            "error: the models have errors; the site was not built (the previous one is untouched)"
        );
        return Ok(Outcome::Failed);
    }
    eprint!("{report}");
    let theme = match &project.config.tm.theme {
        Some(dir) => {
            let root = crate::project_root::ProjectRoot::new(&project.config.root)
                .map_err(|e| CliError::Other(e.to_string()))?;
            Theme::with_overrides(&root, dir).map_err(|e| CliError::Other(e.to_string()))?
        }
        None => Theme::default_theme(),
    };
    let queue = QueueOptions {
        today: opts.today,
        expiry_warning_days: project.config.tm.expiry_warning_days,
        severity: project.config.tm.queue_severity,
    };
    let git = GitFacts::gather(&project, queue).map_err(|e| CliError::Other(e.to_string()))?;
    let inputs = SiteInputs {
        code: &code,
        history: Some(&git.history),
        queue: Some(&git.queue),
        head: git.head.as_ref(),
        extra_pages: &[],
    };
    let built = site::render(&project, &findings, &theme, &inputs)
        .map_err(|e| CliError::Other(format!("{e:#}")))?;
    let dest = match &args.dest {
        Some(dest) => dest.clone(),
        None => {
            // The configured output dir comes from the repository (a pull
            // request can change it, or add a link on its path).
            let dest = project.config.output_dir();
            site::write::check_inside_project(&dest, &project.config.root)
                .map_err(|e| CliError::Other(e.to_string()))?;
            dest
        }
    };
    site::write_site(&built, &dest, &project.config.root, args.force)
        .map_err(|e| CliError::Other(e.to_string()))?;
    let models = project.models.len();
    eprintln!(
        "built {models} model{} ({} files) into {}",
        if models == 1 { "" } else { "s" },
        built.pages.len(),
        crate::project_root::shown(&dest)
    );
    Ok(Outcome::Clean)
}
