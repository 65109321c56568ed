//! The checking half of the pipeline, shared by every command that judges a
//! project: load the models, index the source tree, cross-check the code
//! references, run the model rules, and keep everything the later stages
//! (site, exports) need. No git here: `history` builds on this.

use crate::check::{self, CheckOptions};
use crate::code::{CodeReport, SourceIndex};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Findings;
use crate::load::{LoadError, Project};

/// A checked project: the models, every finding, and what the code cross-check saw.
#[derive(Debug)]
pub struct Analysis {
    /// The loaded models.
    pub project: Project,
    /// All findings, with configured severities, sorted.
    pub findings: Findings,
    /// Files and symbols each component covers, and unmodelled entry points.
    pub code: CodeReport,
}

impl Analysis {
    /// Runs load → source index → code references → model rules.
    pub fn run(config: Config, opts: &CheckOptions) -> Result<Analysis, LoadError> {
        Analysis::run_with(config, opts, |_| Vec::new())
    }

    /// [`Analysis::run`], with the findings of rules that need more than the
    /// working tree (git: `history::review_drift`) judged beside the others,
    /// so their severities are configured and sorted the same way.
    pub fn run_with(
        config: Config,
        opts: &CheckOptions,
        more: impl FnOnce(&Project) -> Vec<Diagnostic>,
    ) -> Result<Analysis, LoadError> {
        let (project, mut findings) = Project::load(config)?;
        let (index, index_findings) = SourceIndex::build(&project.config);
        let (code_findings, code) = check::code_refs::check(&project, &index);
        findings.extend(index_findings);
        findings.extend(code_findings);
        findings.extend(check::questions::check_code(&project, &index));
        findings.extend(more(&project));
        let findings = check::run(&project, findings, opts);
        Ok(Analysis {
            project,
            findings,
            code,
        })
    }
}
