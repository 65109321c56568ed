//! Per-threat timelines drawn from a model's history: when each threat was
//! added, each status change, each acceptance, by which commit.

use std::collections::BTreeMap;

use serde::Serialize;

use super::diff::Change;
use super::model_history::ModelHistory;
use super::snapshot::Revision;

/// The life of one threat, oldest event first.
#[derive(Debug, Clone, Serialize)]
pub struct ThreatTimeline {
    /// The threat id.
    pub threat: String,
    /// Its latest known title.
    pub title: Option<String>,
    /// What happened to it, oldest first.
    pub events: Vec<TimelineEvent>,
}

/// One change to a threat and the revision that made it.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEvent {
    /// The commit (or the working tree).
    pub revision: Revision,
    /// The change.
    pub change: Change,
}

/// The timeline of every threat that appears in a model's history, sorted by threat id.
pub fn threat_timelines(history: &ModelHistory) -> Vec<ThreatTimeline> {
    let mut timelines: BTreeMap<String, ThreatTimeline> = BTreeMap::new();
    for entry in history.entries.iter().rev() {
        for change in &entry.changes {
            let Some(id) = change.threat() else { continue };
            let t = timelines
                .entry(id.to_string())
                .or_insert_with(|| ThreatTimeline {
                    threat: id.to_string(),
                    title: None,
                    events: Vec::new(),
                });
            if let Some(title) = entry.labels.get(id.as_str()) {
                t.title = Some(title.clone());
            }
            t.events.push(TimelineEvent {
                revision: entry.revision.clone(),
                change: change.clone(),
            });
        }
    }
    timelines.into_values().collect()
}
