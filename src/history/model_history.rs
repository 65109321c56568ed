//! Each model file's change history: every commit that touched it (following
//! renames), with author, date, message and the semantic diff it made.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use super::blob::{Blob, BlobReader, oversized_blob};
use super::budget::{HISTORY_BYTES, cut_chains};
use super::diff::{Change, LoadProblem, added_model, compare_models, labels};
use super::git::{CommitInfo, GitError, Repo};
use super::log::{FileTouch, LoggedCommit, log_dir};
use super::snapshot::Revision;
use crate::config::Config;
use crate::load::is_model_file;
use crate::load::{MAX_FILE_BYTES, load_model_text};
use crate::model::{Date, Model};

/// The history of every model file in a project, and how far it reaches.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectHistory {
    /// Whether history is available, and its limits.
    pub reach: HistoryReach,
    /// One history per model file (under its newest path), sorted by file.
    pub models: Vec<ModelHistory>,
}

/// How far back history goes; the note says why it is missing or cut off.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HistoryReach {
    /// False when the project is not in a git work tree (or has no commits).
    pub available: bool,
    /// Whether the clone is shallow.
    pub shallow: bool,
    /// The oldest commit available in a shallow clone.
    pub oldest: Option<CommitInfo>,
    /// A note for people: no history, or history cut off and how to get more.
    pub note: Option<String>,
}

/// One model file's history, newest entry first.
#[derive(Debug, Clone, Serialize)]
pub struct ModelHistory {
    /// The model id at its newest readable version (else the file path).
    pub model: String,
    /// The newest path of the file, relative to the project root.
    pub file: String,
    /// Commits that touched it, newest first; uncommitted changes come first.
    pub entries: Vec<HistoryEntry>,
}

/// One commit (or the working tree) and what it changed in the model.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    /// The commit, or the working tree for uncommitted changes.
    pub revision: Revision,
    /// The file's path at this revision.
    pub file: String,
    /// True at the shallow-clone boundary: the model as first seen, not an addition.
    pub boundary: bool,
    /// The semantic changes; empty for a reformatting-only commit.
    pub changes: Vec<Change>,
    /// Titles of the threats and mitigations the changes name, by id.
    pub labels: BTreeMap<String, String>,
}

/// Why history could not be read (git failed mid-way; absence of git is not an error).
pub type HistoryError = GitError;

/// One model file followed through renames: its touches, newest first.
pub(super) struct Chain {
    /// The file's newest path.
    pub newest: PathBuf,
    /// (index of the commit in the log, how it touched the file), newest first.
    pub touches: Vec<(usize, FileTouch)>,
}

impl ProjectHistory {
    /// The history of every model under the models directory, from HEAD back,
    /// plus uncommitted changes in the working tree.
    pub fn extract(config: &Config) -> Result<ProjectHistory, HistoryError> {
        let Some(repo) = Repo::discover(&config.root)? else {
            return Ok(ProjectHistory::unavailable(
                "not a git repository: the site and reports have no change history",
            ));
        };
        if repo.resolve("HEAD").is_err() {
            return Ok(ProjectHistory::unavailable(
                "the repository has no commits yet: no change history",
            ));
        }
        Self::extract_within(config, repo, HISTORY_BYTES)
    }

    /// [`ProjectHistory::extract`] reading at most `budget` bytes of old versions.
    pub(super) fn extract_within(
        config: &Config,
        repo: Repo,
        budget: u64,
    ) -> Result<ProjectHistory, HistoryError> {
        let commits = log_dir(&repo, "HEAD", &config.tm.models)?;
        let mut chains = follow_files(&commits);
        let mut reader = repo.blob_reader()?;
        let cut = cut_chains(&mut reader, &mut chains, budget)?;
        let parsed = parse_blobs(&mut reader, &chains)?;
        let mut models: Vec<(ModelHistory, AtHead)> = chains
            .iter()
            .map(|chain| model_history(&repo, &commits, chain, &parsed))
            .collect();
        add_working_tree(config, &mut models);
        let mut models: Vec<ModelHistory> = models.into_iter().map(|(h, _)| h).collect();
        models.sort_by(|a, b| a.file.cmp(&b.file));
        let mut reach = reach(&repo)?;
        if let Some(cut) = cut.and_then(|i| commits.get(i)) {
            const MIB: u64 = 1024 * 1024;
            let size = if budget.is_multiple_of(MIB) {
                format!("{} MiB", budget / MIB)
            } else {
                format!("{budget} bytes")
            };
            let note = format!(
                "history stops before {} ({}): older model versions exceed tm's history budget of {size}",
                cut.info.short,
                cut.info.day_shown(),
            );
            reach.note = Some(match reach.note {
                Some(shallow) => format!("{shallow}; {note}"),
                None => note,
            });
        }
        Ok(ProjectHistory { reach, models })
    }

    fn unavailable(note: &str) -> ProjectHistory {
        ProjectHistory {
            reach: HistoryReach {
                note: Some(note.to_owned()),
                ..HistoryReach::default()
            },
            models: Vec::new(),
        }
    }

    /// The history of one model, by id or by file path (relative to the project root).
    pub fn find(&self, model: &str) -> Option<&ModelHistory> {
        self.models.iter().find(|m| m.model == model).or_else(|| {
            self.models
                .iter()
                .find(|m| Path::new(&m.file) == Path::new(model))
        })
    }
}

fn reach(repo: &Repo) -> Result<HistoryReach, GitError> {
    if !repo.is_shallow() {
        return Ok(HistoryReach {
            available: true,
            ..HistoryReach::default()
        });
    }
    let oldest = repo
        .shallow_boundary()
        .map(|c| repo.commit(c))
        .transpose()?;
    let note = match &oldest {
        Some(c) => format!(
            "shallow clone: history reaches back to {} ({}); older commits are not fetched — run `git fetch --unshallow` (or `fetch-depth: 0` in CI) for the full history",
            c.short,
            c.day_shown()
        ),
        None => {
            "shallow clone: history is cut off; run `git fetch --unshallow` for the full history"
                .to_owned()
        }
    };
    Ok(HistoryReach {
        available: true,
        shallow: true,
        oldest,
        note: Some(note),
    })
}

/// Groups the touches of model files into one chain per file, following
/// renames backwards from each file's newest path.
fn follow_files(commits: &[LoggedCommit]) -> Vec<Chain> {
    let mut chains: Vec<Chain> = Vec::new();
    let mut live: HashMap<PathBuf, usize> = HashMap::new();
    for (i, commit) in commits.iter().enumerate() {
        for touch in commit.touches.iter().filter(|t| is_model_file(&t.path)) {
            let chain = *live.entry(touch.path.clone()).or_insert_with(|| {
                chains.push(Chain {
                    newest: touch.path.clone(),
                    touches: Vec::new(),
                });
                chains.len() - 1
            });
            chains[chain].touches.push((i, touch.clone()));
            if touch.status == 'R' {
                live.remove(&touch.path);
                live.insert(touch.old_path.clone(), chain);
            }
        }
    }
    chains
}

/// A blob parsed as a model, or the load errors that stopped it.
type Parsed = HashMap<String, Result<Model, Vec<LoadProblem>>>;

/// Reads every blob the chains name with one `git cat-file --batch`, then
/// parses them in parallel.
fn parse_blobs(reader: &mut BlobReader, chains: &[Chain]) -> Result<Parsed, GitError> {
    let mut wanted: Vec<(&str, &Path)> = chains
        .iter()
        .flat_map(|c| &c.touches)
        .flat_map(|(_, t)| {
            let old = t.old_blob.as_deref().map(|b| (b, t.old_path.as_path()));
            let new = t.new_blob.as_deref().map(|b| (b, t.path.as_path()));
            old.into_iter().chain(new)
        })
        .collect();
    wanted.sort();
    wanted.dedup_by(|a, b| a.0 == b.0);
    let budget = MAX_FILE_BYTES as u64;
    let mut blobs = Vec::with_capacity(wanted.len());
    let mut parsed = Parsed::new();
    for (id, path) in wanted {
        match reader.read_blob(id)? {
            Blob::Bytes(bytes) => blobs.push((id.to_owned(), path.to_path_buf(), bytes)),
            // Never read: the version shows as one that does not load, and why.
            Blob::TooLarge { size } => {
                let finding = oversized_blob(path, size, budget);
                parsed.insert(id.to_owned(), Err(LoadProblem::errors_of([&finding])));
            }
            Blob::Missing => {}
        }
    }
    parsed.par_extend(
        blobs
            .into_par_iter()
            .map(|(id, path, bytes)| (id, parse_model(&path, bytes))),
    );
    Ok(parsed)
}

/// Parses model bytes; on failure, the load errors.
pub(crate) fn parse_model(path: &Path, bytes: Vec<u8>) -> Result<Model, Vec<LoadProblem>> {
    // The loader reads a valid model without building its position tree, so
    // this is fast for the common case and exact for the rest.
    let (_, (loaded, diags)) = load_model_text(path, bytes);
    loaded
        .map(|l| l.model)
        .ok_or_else(|| LoadProblem::errors_of(&diags))
}

/// A model file as committed at HEAD.
#[derive(Clone, Copy)]
enum AtHead<'p> {
    /// It loads.
    Readable(&'p Model),
    /// It does not load; its last readable version, if any.
    Unreadable(Option<&'p Model>),
    /// It was deleted.
    Gone,
}

/// The history of one chain, and the model file as committed at HEAD.
///
/// A version that does not load is shown as breaking the model; the next one
/// that loads is compared with the last readable version, so the repair lists
/// what changed meanwhile, not every element again.
fn model_history<'p>(
    repo: &Repo,
    commits: &[LoggedCommit],
    chain: &Chain,
    parsed: &'p Parsed,
) -> (ModelHistory, AtHead<'p>) {
    let mut entries = Vec::new();
    let mut last_readable: Option<&Model> = None;
    let mut at_head = AtHead::Gone;
    for (i, touch) in chain.touches.iter().rev() {
        let commit = &commits[*i].info;
        let day = commit
            .day()
            .unwrap_or(Date::from_ymd(1970, 1, 1).expect("valid date"));
        let boundary = repo.is_shallow_boundary(&commit.id);
        let old_version = touch.old_blob.as_ref().and_then(|b| parsed.get(b));
        let old_broke = matches!(old_version, Some(Err(_)));
        let old = old_version.and_then(|r| r.as_ref().ok()).or(last_readable);
        let new = touch.new_blob.as_ref().and_then(|b| parsed.get(b));
        let mut changes = Vec::new();
        if new.is_some() && touch.old_path != touch.path {
            changes.push(Change::ModelMoved {
                from: display(&touch.old_path),
                to: display(&touch.path),
            });
        }
        let path = display(&touch.path);
        let model_name = |m: Option<&Model>| m.map_or_else(|| path.clone(), |m| m.id.to_string());
        match (old, new) {
            (_, None) => changes.extend(last_readable.map(|m| Change::ModelRemoved {
                title: m.title.clone(),
            })),
            (_, Some(Err(errors))) => changes.insert(
                0,
                Change::ModelUnreadable {
                    model: model_name(last_readable),
                    file: path.clone(),
                    errors: errors.clone(),
                    still: old_broke,
                },
            ),
            (_, Some(Ok(_))) if boundary => changes.clear(),
            (None, Some(Ok(n))) => changes.extend(added_model(n, day)),
            (Some(o), Some(Ok(n))) => {
                if old_broke {
                    changes.push(Change::ModelLoadsAgain {
                        model: n.id.to_string(),
                        file: path.clone(),
                        compared: true,
                    });
                }
                changes.extend(compare_models(o, n, day, day));
            }
        }
        let versions = last_readable
            .into_iter()
            .chain(new.and_then(|r| r.as_ref().ok()));
        entries.push(HistoryEntry {
            revision: Revision::Commit(commit.clone()),
            file: path,
            boundary,
            labels: labels(versions, &changes),
            changes,
        });
        if let Some(Ok(n)) = new {
            last_readable = Some(n);
        }
        at_head = match new {
            None => AtHead::Gone,
            Some(Ok(n)) => AtHead::Readable(n),
            Some(Err(_)) => AtHead::Unreadable(last_readable),
        };
    }
    entries.reverse();
    let history = ModelHistory {
        model: last_readable.map_or_else(|| display(&chain.newest), |m| m.id.to_string()),
        file: display(&chain.newest),
        entries,
    };
    (history, at_head)
}

/// Adds an entry for uncommitted changes to each model file whose working-tree
/// content differs in model terms from HEAD, and a history for each new,
/// uncommitted model file.
fn add_working_tree(config: &Config, models: &mut Vec<(ModelHistory, AtHead<'_>)>) {
    let Ok((project, diagnostics)) = crate::load::Project::load(config.clone()) else {
        return;
    };
    // Undated on purpose: expiries are events of time, not of an edit.
    let day = Date::from_ymd(1970, 1, 1).expect("valid date");
    for (h, head) in models.iter_mut() {
        let file = PathBuf::from(&h.file);
        let on_disk = project.sources.contains_key(&file);
        let current = project
            .models
            .iter()
            .find(|m| m.file == file)
            .map(|m| &m.model);
        let (changes, previous) = match (*head, current) {
            (AtHead::Readable(head), Some(now)) => {
                (compare_models(head, now, day, day), Some(head))
            }
            (AtHead::Readable(head), None) if on_disk => {
                let errors = LoadProblem::errors_of(diagnostics.iter().filter(|d| d.file == file));
                let broke = Change::ModelUnreadable {
                    model: head.id.to_string(),
                    file: h.file.clone(),
                    errors,
                    still: false,
                };
                (vec![broke], Some(head))
            }
            (AtHead::Readable(head), None) => {
                let removed = Change::ModelRemoved {
                    title: head.title.clone(),
                };
                (vec![removed], Some(head))
            }
            (AtHead::Unreadable(Some(last)), Some(now)) => {
                let mut changes = vec![Change::ModelLoadsAgain {
                    model: now.id.to_string(),
                    file: h.file.clone(),
                    compared: true,
                }];
                changes.extend(compare_models(last, now, day, day));
                (changes, Some(last))
            }
            (AtHead::Unreadable(last), None) if !on_disk => {
                let title = last.map_or_else(|| h.file.clone(), |m| m.title.clone());
                (vec![Change::ModelRemoved { title }], last)
            }
            (AtHead::Unreadable(None) | AtHead::Gone, Some(now)) => (added_model(now, day), None),
            (AtHead::Unreadable(_) | AtHead::Gone, None) => (Vec::new(), None),
        };
        if !changes.is_empty() {
            let versions = previous.into_iter().chain(current);
            h.entries
                .insert(0, working_entry(&h.file, changes, versions));
        }
    }
    for m in &project.models {
        let path = display(&m.file);
        if !models.iter().any(|(h, _)| h.file == path) {
            let changes = added_model(&m.model, day);
            let entry = working_entry(&path, changes, [&m.model]);
            let history = ModelHistory {
                model: m.model.id.to_string(),
                file: path,
                entries: vec![entry],
            };
            models.push((history, AtHead::Gone));
        }
    }
}

fn working_entry<'a>(
    path: &str,
    changes: Vec<Change>,
    versions: impl IntoIterator<Item = &'a Model>,
) -> HistoryEntry {
    HistoryEntry {
        revision: Revision::WorkingTree,
        file: path.to_owned(),
        boundary: false,
        labels: labels(versions, &changes),
        changes,
    }
}

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}
