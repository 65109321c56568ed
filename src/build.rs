//! The site build as one library call, like mdBook's
//! `MDBook::load(dir)?.build()`: load and check the project, gather what git
//! knows, render the site in memory, and swap it into the output dir.
//! `tm build` is a thin layer over [`SiteBuild`]; a preview server or an
//! mdBook renderer renders in memory with [`SiteBuild::render`] and writes
//! (or serves) the [`Site`] itself.

use std::path::{Path, PathBuf};

use crate::analysis::Analysis;
use crate::check::CheckOptions;
use crate::config::{Config, ConfigError};
use crate::history::{GitError, GitFacts, QueueOptions, review_drift};
use crate::load::LoadError;
use crate::project_root::{OutsideProject, ProjectRoot};
use crate::render::theme::ThemeError;
use crate::render::{self, ExtraPage, RenderError, Site, SiteInputs, Theme, WriteError};

/// Why a build could not run to the end (the models' own errors are not
/// one: they are findings, see [`SiteBuild::has_errors`]).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// book.toml is missing, unreadable or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The models directory could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The project's theme could not be read, or leads outside the project.
    #[error(transparent)]
    Theme(#[from] ThemeError),
    /// The project root itself could not be resolved.
    #[error(transparent)]
    Root(#[from] OutsideProject),
    /// git could not be run on the project's repository.
    #[error(transparent)]
    Git(#[from] GitError),
    /// A template failed to render.
    #[error("{0:#}")]
    Render(#[from] RenderError),
    /// The output dir could not be replaced (not tm's, outside the project,
    /// locked, or an I/O error).
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// A loaded and checked project, ready to render: the first half of a build.
#[derive(Debug)]
pub struct SiteBuild {
    /// The models, their findings and the code cross-check.
    pub analysis: Analysis,
    /// The date expiries were judged on.
    pub options: CheckOptions,
}

/// Where a written site went and how big it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The output dir.
    pub dest: PathBuf,
    /// How many models the site shows.
    pub models: usize,
    /// How many files were written.
    pub files: usize,
}

impl SiteBuild {
    /// Finds book.toml from `start` upwards (as cargo finds Cargo.toml),
    /// then loads and checks the project.
    pub fn discover(
        start: &Path,
        env: impl IntoIterator<Item = (String, String)>,
        options: CheckOptions,
    ) -> Result<SiteBuild, BuildError> {
        SiteBuild::load(Config::discover(start, env)?, options)
    }

    /// Loads and checks the project `config` describes.
    pub fn load(config: Config, options: CheckOptions) -> Result<SiteBuild, BuildError> {
        let analysis = Analysis::run_with(config, &options, review_drift::check)?;
        Ok(SiteBuild { analysis, options })
    }

    /// Whether the models have errors: such a project is not rendered by
    /// [`SiteBuild::build`], so the previous site stays as it was.
    pub fn has_errors(&self) -> bool {
        self.analysis.findings.has_errors()
    }

    /// The project's theme: the default one, with the project's `theme` dir
    /// (which must stay inside the project) laid over it.
    pub fn theme(&self) -> Result<Theme, BuildError> {
        let config = &self.analysis.project.config;
        Ok(match &config.tm.theme {
            Some(dir) => Theme::with_overrides(&ProjectRoot::new(&config.root)?, dir)?,
            None => Theme::default_theme(),
        })
    }

    /// Renders the whole site in memory: history, review queue and HEAD are
    /// read from git first, so the renderer never runs git.
    pub fn render(&self) -> Result<Site, BuildError> {
        self.render_with_pages(&[])
    }

    /// [`SiteBuild::render`] with pages other stages contribute (listed in
    /// the navigation), such as the diagnostics page of a preview.
    pub fn render_with_pages(&self, extra_pages: &[ExtraPage]) -> Result<Site, BuildError> {
        let project = &self.analysis.project;
        let theme = self.theme()?;
        let queue = QueueOptions {
            today: self.options.today,
            expiry_warning_days: project.config.tm.expiry_warning_days,
            severity: project.config.tm.queue_severity,
        };
        let git = GitFacts::gather(project, queue)?;
        let inputs = SiteInputs {
            code: &self.analysis.code,
            history: Some(&git.history),
            queue: Some(&git.queue),
            head: git.head.as_ref(),
            extra_pages,
        };
        Ok(render::render(
            project,
            &self.analysis.findings,
            &theme,
            &inputs,
        )?)
    }

    /// The configured output dir, which must stay inside the project (it
    /// comes from the repository: a pull request can change it or put a link
    /// on its path).
    pub fn output_dir(&self) -> Result<PathBuf, BuildError> {
        let config = &self.analysis.project.config;
        let dest = config.output_dir();
        render::write::check_inside_project(&dest, &config.root)?;
        Ok(dest)
    }

    /// Writes `site` into `dest` (default: the configured output dir),
    /// replacing what tm wrote there before, atomically; `force` replaces a
    /// directory tm cannot prove is its own.
    pub fn write(
        &self,
        site: &Site,
        dest: Option<&Path>,
        force: bool,
    ) -> Result<Written, BuildError> {
        let dest = match dest {
            Some(dest) => dest.to_path_buf(),
            None => self.output_dir()?,
        };
        let root = &self.analysis.project.config.root;
        render::write_site(site, &dest, root, force)?;
        Ok(Written {
            dest,
            models: self.analysis.project.models.len(),
            files: site.pages.len(),
        })
    }

    /// Renders and writes the site, unless the models have errors (then
    /// `Ok(None)`, and the previous site is untouched).
    pub fn build(&self, dest: Option<&Path>, force: bool) -> Result<Option<Written>, BuildError> {
        if self.has_errors() {
            return Ok(None);
        }
        let site = self.render()?;
        self.write(&site, dest, force).map(Some)
    }
}
