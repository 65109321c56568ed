//! `tm build`: check, then render the site and swap it into the output dir
//! (the work is [`crate::build::SiteBuild`]'s).

use std::path::PathBuf;

use super::{CliError, Outcome, ProjectArgs};
use crate::build::SiteBuild;
use crate::build_cache::{self, Fingerprint};
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
    /// Replace the output dir even if it holds files tm did not write, and
    /// rebuild even when nothing changed since the last build.
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
    let config = project_args.config()?;
    // The no-op rebuild cache (see crate::build_cache): unchanged inputs and
    // an untouched site mean there is nothing to do. A preview that shows
    // errors is never cached, so a later plain build judges the models again.
    let started = std::time::Instant::now();
    let cache = cache_key(&config, &options, args.dest.as_deref());
    super::output::timing("fingerprint of the inputs", started);
    if let Some((dest, shown_dest, key)) = cache.as_ref().filter(|_| !args.force)
        && let Some(hit) = build_cache::lookup(dest, key)
    {
        if super::output::verbosity() > super::output::Verbosity::Quiet {
            eprint!("{}", hit.report);
        }
        super::output::note(&format!(
            "built {} model{} ({} files) into {} (unchanged since the last build: nothing to do)",
            hit.models,
            if hit.models == 1 { "" } else { "s" },
            hit.files,
            shown(shown_dest)
        ));
        return Ok(Outcome::Clean);
    }
    let started = std::time::Instant::now();
    let progress = super::progress::Progress::start("loading, indexing and checking");
    let build = SiteBuild::load(config, options)?;
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
            if let Some((dest, _, key)) = cache.as_ref().filter(|_| !build.has_errors()) {
                let hit = build_cache::Hit {
                    report: report.clone(),
                    models: written.models,
                    files: written.files,
                };
                build_cache::store(dest, key, &hit);
            }
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

/// The output dir (absolute, as the writer resolves it; and as the build
/// shows it) and the fingerprint of the build's inputs; `None` when the output dir cannot be resolved
/// (the build itself then reports why).
fn cache_key(
    config: &crate::config::Config,
    options: &CheckOptions,
    dest: Option<&std::path::Path>,
) -> Option<(PathBuf, PathBuf, Fingerprint)> {
    let dest = match dest {
        Some(d) => d.to_path_buf(),
        None => {
            let d = config.output_dir();
            crate::render::write::check_inside_project(&d, &config.root).ok()?;
            d
        }
    };
    let abs = crate::render::write::absolute(&dest).ok()?;
    let key = build_cache::fingerprint(config, options, &abs);
    Some((abs, dest, key))
}
