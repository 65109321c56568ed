//! What git says about a project, for the site: gathered once before
//! rendering, so the renderer never runs git.

use super::{CommitInfo, GitError, HistoryReach, ProjectHistory, QueueOptions, Repo, ReviewQueue};
use crate::load::Project;

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
