//! The pull-request gate as one call: which two revisions to compare (by
//! default the merge-base with the default branch against the working
//! tree), each judged by the full check, their semantic diff, and the
//! `--fail-on` policies it breaks. `tm diff` only prints what this returns.

use std::path::PathBuf;

use super::SemanticDiff;
use super::checkout::{CheckoutError, check_commit, check_working_tree};
use super::revisions::{HeadLocation, diff_revisions};
use crate::config::Config;
use crate::history::policy::{DiffPolicy, PolicyViolation, violations};
use crate::history::{GitError, Repo};
use crate::model::Date;

/// What to compare and what to enforce.
#[derive(Debug, Clone)]
pub struct GateRequest<'a> {
    /// The old revision; `None`: the merge-base of HEAD with the default branch.
    pub base: Option<&'a str>,
    /// The new revision; `None`: the working tree, committed or not.
    pub head: Option<&'a str>,
    /// The date the working tree's expiries are judged on.
    pub today: Date,
    /// `TM_…__…` overrides applied to each revision's book.toml.
    pub env: Vec<(String, String)>,
    /// The policies that fail the gate.
    pub policies: &'a [DiffPolicy],
}

/// The diff and the policies it breaks.
#[derive(Debug)]
pub struct GateReport {
    /// The semantic diff, base → head.
    pub diff: SemanticDiff,
    /// Every broken policy, with its reason.
    pub violations: Vec<PolicyViolation>,
}

impl GateReport {
    /// The JSON document of `tm diff --format json`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "diff": self.diff.to_json(), "policy_violations": self.violations })
    }
}

/// Why the gate could not judge the change.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// The project is not in a git work tree.
    #[error(
        "{} is not in a git repository: `tm diff` compares git revisions; run `git init` and commit the models first",
        crate::project_root::shown(.0)
    )]
    NotARepository(PathBuf),
    /// git failed.
    #[error(transparent)]
    Git(#[from] GitError),
    /// A revision could not be written out or checked.
    #[error(transparent)]
    Checkout(#[from] CheckoutError),
}

/// Judges the change `request` names in the project `config` describes.
pub fn judge_change(config: Config, request: &GateRequest<'_>) -> Result<GateReport, GateError> {
    let repo = Repo::discover(&config.root)?
        .ok_or_else(|| GateError::NotARepository(config.root.clone()))?;
    let base_rev = match request.base {
        Some(rev) => rev.to_owned(),
        None => default_base(&repo)?,
    };
    let base = check_commit(&repo, &base_rev, &request.env, request.today)?;
    let (head, head_commit) = match request.head {
        Some(rev) => (
            check_commit(&repo, rev, &request.env, request.today)?,
            repo.resolve(rev).ok(),
        ),
        None => (
            check_working_tree(config, request.today)?,
            repo.resolve("HEAD").ok(),
        ),
    };
    let location = HeadLocation {
        commit: head_commit,
        prefix: repo.prefix().to_owned(),
    };
    let diff = diff_revisions(&base, &head, &location);
    let violations = violations(&diff, &head.snapshot, request.policies);
    Ok(GateReport { diff, violations })
}

/// The merge-base of HEAD with the default branch, or HEAD when there is none.
fn default_base(repo: &Repo) -> Result<String, GitError> {
    match repo.default_branch() {
        Some(branch) => repo.merge_base("HEAD", &branch),
        None => repo.resolve("HEAD"),
    }
}
