//! Git history of the models: the model set at a revision, the semantic diff
//! of two versions, each model's change history and each threat's timeline,
//! and the review queue.
//!
//! Git is driven through the `git` CLI (see `docs/design-history.md`).

pub mod diff;
pub mod git;
pub mod snapshot;

pub use diff::{Change, Impact, ModelDiff, SemanticDiff, Summary, diff_snapshots};
pub use git::{CommitInfo, GitError, Repo};
pub use snapshot::{Revision, Snapshot, SnapshotError};
