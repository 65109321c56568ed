//! Git history of the models: the model set at a revision, the semantic diff
//! of two versions, each model's change history and each threat's timeline,
//! and the review queue.
//!
//! Git is driven through the `git` CLI (see `docs/design-history.md`).

pub mod blob;
mod budget;
pub mod diff;
pub mod git;
pub mod git_command;
mod git_facts;
pub mod locate;
mod log;
pub mod model_history;
pub mod policy;
pub mod queue;
pub mod review_drift;
pub mod snapshot;
pub mod text;
pub mod timeline;

pub use diff::{Change, Impact, ModelDiff, SemanticDiff, Summary, diff_snapshots};
pub use git::{CommitInfo, GitError, Repo};
pub use git_facts::GitFacts;
pub use model_history::{HistoryEntry, HistoryReach, ModelHistory, ProjectHistory};
pub use policy::{DiffPolicy, PolicyViolation, violations};
pub use queue::{QueueItem, QueueOptions, QueueReason, ReviewQueue};
pub use snapshot::{Revision, Snapshot, SnapshotError};
pub use timeline::{ThreatTimeline, TimelineEvent, threat_timelines};
