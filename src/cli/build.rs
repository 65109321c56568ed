//! `tm build`: check, then render the site and swap it into the output dir
//! (the work is [`crate::build::SiteBuild`]'s).

use std::path::PathBuf;

use super::{CliError, Outcome, ProjectArgs};
use crate::build::SiteBuild;
use crate::check::CheckOptions;
use crate::diagnostic::{Format, SourceText, render};
use crate::project_root::shown;

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
    /// Build the site even when the models have errors: every page gets an
    /// error banner and `diagnostics.html` lists the findings. The errors are
    /// printed and the exit code is 0 (a preview; `tm check` is the gate).
    #[arg(long)]
    allow_errors: bool,
}

/// Runs the build. On check errors it prints them and leaves the old site alone.
pub fn run(args: &BuildArgs) -> Result<Outcome, CliError> {
    let project_args = args.project.or_dir(args.dir.as_ref());
    let options = CheckOptions {
        today: project_args.today(),
        deny_drafts: args.deny_drafts,
    };
    let started = std::time::Instant::now();
    let progress = super::progress::Progress::start("loading, indexing and checking");
    let build = SiteBuild::load(project_args.config()?, options)?;
    drop(progress);
    super::output::timing("load, index and check", started);
    let started = std::time::Instant::now();
    let project = &build.analysis.project;
    let prefix = super::repo_prefix(&project.config);
    let sources = SourceText {
        loaded: &project.sources,
        root: &project.config.root,
        prefix: &prefix,
    };
    let findings = build.analysis.findings.with_path_prefix(&prefix);
    let report = render(&findings, Format::Human, &sources, false);
    let progress = super::progress::Progress::start("reading git history and rendering");
    let written = if args.allow_errors {
        let site = crate::preview::render_showing_errors(&build)?;
        Some(build.write(&site, args.dest.as_deref(), args.force)?)
    } else {
        build.build(args.dest.as_deref(), args.force)?
    };
    drop(progress);
    super::output::timing("render and write", started);
    match written {
        None => {
            super::output::emit(&report)?;
            eprintln!(
                "error: the models have errors; the site was not built (the previous one is untouched)"
            );
            Ok(Outcome::Failed)
        }
        Some(written) => {
            if super::output::verbosity() > super::output::Verbosity::Quiet || build.has_errors() {
                eprint!("{report}");
            }
            super::output::note(&format!(
                "built {} model{} ({} files) into {}{}",
                written.models,
                if written.models == 1 { "" } else { "s" },
                written.files,
                shown(&written.dest),
                if build.has_errors() {
                    " (with errors: see diagnostics.html)"
                } else {
                    ""
                }
            ));
            Ok(Outcome::Clean)
        }
    }
}
