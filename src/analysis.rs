//! The checking half of the pipeline, shared by every command that judges a
//! project: load the models, index the source tree, cross-check the code
//! references, run the model rules, and keep everything the later stages
//! (site, exports) need.

use crate::check::{self, CheckOptions};
use crate::code::{CodeReport, SourceIndex};
use crate::config::Config;
use crate::diagnostic::Findings;
use crate::history::{
    CommitInfo, GitError, HistoryReach, ProjectHistory, QueueOptions, Repo, ReviewQueue,
};
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
        let (project, mut findings) = Project::load(config)?;
        let (index, index_findings) = SourceIndex::build(&project.config);
        let (code_findings, code) = check::code_refs::check(&project, &index);
        findings.extend(index_findings);
        findings.extend(code_findings);
        findings.extend(check::review_drift::check(&project));
        let findings = check::run(&project, findings, opts);
        Ok(Analysis {
            project,
            findings,
            code,
        })
    }
}

/// What git says about a project, for the site: each model's history, the
/// review queue, and the commit the site describes. Gathered once, before
/// rendering, so the renderer never runs git.
#[derive(Debug)]
pub struct GitFacts {
    /// Every model's history; empty with a note when there is none.
    pub history: ProjectHistory,
    /// The review queue (without code drift, with a note, outside git).
    pub queue: ReviewQueue,
    /// HEAD, when the project is in a git checkout with commits.
    pub head: Option<CommitInfo>,
}

impl GitFacts {
    /// Reads history, queue and HEAD. A git failure past discovery does not
    /// stop a build: the history then carries the error as its note.
    pub fn gather(project: &Project, queue: QueueOptions) -> Result<GitFacts, GitError> {
        let history = ProjectHistory::extract(&project.config).unwrap_or_else(|e| ProjectHistory {
            reach: HistoryReach {
                note: Some(format!("change history could not be read: {e}")),
                ..HistoryReach::default()
            },
            models: Vec::new(),
        });
        let head = match Repo::discover(&project.config.root)? {
            Some(repo) => repo.commit("HEAD").ok(),
            None => None,
        };
        Ok(GitFacts {
            history,
            queue: ReviewQueue::build(project, queue)?,
            head,
        })
    }
}
