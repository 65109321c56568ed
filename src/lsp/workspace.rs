//! One project as the editor sees it: the model files on disk, with the
//! open buffers laid over them, analysed with every rule of `tm check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{self, CheckOptions};
use crate::code::SourceIndex;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Findings};
use crate::load::{LoadedModel, Project};
use crate::model::Model;

/// A project: its configuration, the model files as saved, and the source
/// index (rebuilt on save, not on every keystroke).
#[derive(Debug)]
pub struct Workspace {
    /// The configuration, with an absolute root.
    pub config: Config,
    /// The model files as last read from disk, relative to the root.
    disk: BTreeMap<PathBuf, Arc<str>>,
    /// Findings of loading from disk that no buffer changes (links skipped,
    /// no models).
    disk_notes: Vec<Diagnostic>,
    /// The Rust source index for the code rules.
    index: SourceIndex,
    index_findings: Vec<Diagnostic>,
    /// The last model that loaded from each file: completion keeps working
    /// while the buffer is broken.
    last_good: BTreeMap<PathBuf, Model>,
    /// The last analysis.
    pub project: Option<Project>,
}

impl Workspace {
    /// Opens the project whose book.toml is found from `dir` upwards.
    pub fn discover(dir: &Path) -> Option<Workspace> {
        let mut config = Config::discover(dir, std::env::vars()).ok()?;
        config.root = config.root.canonicalize().ok()?;
        let mut ws = Workspace {
            config,
            disk: BTreeMap::new(),
            disk_notes: Vec::new(),
            index: SourceIndex::default(),
            index_findings: Vec::new(),
            last_good: BTreeMap::new(),
            project: None,
        };
        ws.reload_disk();
        Some(ws)
    }

    /// Rereads the model files and the source index (on open and save).
    pub fn reload_disk(&mut self) {
        match Project::load(self.config.clone()) {
            Ok((project, notes)) => {
                self.disk = project.sources.clone();
                // Only the findings about files no longer readable as a whole
                // survive: the rest are recomputed from the buffers.
                self.disk_notes = notes
                    .into_iter()
                    .filter(|d| !self.disk.contains_key(&d.file))
                    .collect();
            }
            Err(_) => {
                self.disk.clear();
                self.disk_notes.clear();
            }
        }
        let (index, findings) = SourceIndex::build(&self.config);
        self.index = index;
        self.index_findings = findings;
    }

    /// The path of `file` (absolute) relative to the root, if it is a model
    /// file of this project (saved or not).
    pub fn model_path(&self, file: &Path) -> Option<PathBuf> {
        let rel = file.strip_prefix(&self.config.root).ok()?;
        let models = self.config.models_dir();
        let models = models.canonicalize().unwrap_or(models);
        (crate::load::is_model_file(file) && file.starts_with(&models)).then(|| rel.to_path_buf())
    }

    /// Analyses the project with `buffers` (relative path → text) in place
    /// of the saved files, keeping the result in [`Workspace::project`].
    pub fn analyse(
        &mut self,
        buffers: &BTreeMap<PathBuf, String>,
        today: crate::model::Date,
    ) -> Findings {
        let mut files: BTreeMap<PathBuf, Vec<u8>> = self
            .disk
            .iter()
            .map(|(p, t)| (p.clone(), t.as_bytes().to_vec()))
            .collect();
        for (p, t) in buffers {
            files.insert(p.clone(), t.clone().into_bytes());
        }
        let (project, mut findings) =
            Project::from_files(self.config.clone(), files.into_iter().collect());
        findings.extend(self.disk_notes.iter().cloned());
        findings.extend(self.index_findings.iter().cloned());
        let (code_findings, _) = check::code_refs::check(&project, &self.index);
        findings.extend(code_findings);
        findings.extend(check::questions::check_code(&project, &self.index));
        let opts = CheckOptions {
            today,
            deny_drafts: false,
        };
        let findings = check::run(&project, findings, &opts);
        for lm in &project.models {
            self.last_good.insert(lm.file.clone(), lm.model.clone());
        }
        self.project = Some(project);
        findings
    }

    /// The model loaded from `rel`, or the last one that loaded from it.
    pub fn model_of(&self, rel: &Path) -> Option<&Model> {
        self.loaded(rel)
            .map(|lm| &lm.model)
            .or_else(|| self.last_good.get(rel))
    }

    /// The model of the last analysis loaded from `rel`.
    pub fn loaded(&self, rel: &Path) -> Option<&LoadedModel> {
        self.project.as_ref()?.models.iter().find(|m| m.file == rel)
    }

    /// Where the element `reference` (an id, or `model/component`) seen in
    /// file `rel` is defined: the file, the byte offset and length of its id.
    pub fn definition(&self, rel: &Path, reference: &str) -> Option<(PathBuf, usize, usize)> {
        let project = self.project.as_ref()?;
        let (lm, id) = match reference.split_once('/') {
            Some((model, id)) => (project.model(model)?, id),
            None => (self.loaded(rel)?, reference),
        };
        let path = element_path(&lm.model, id)?;
        let span = lm.span_at(&path);
        Some((lm.file.clone(), span.offset, span.len))
    }
}

/// The YAML path of the id of the element `id` in `model`
/// (`["components", "2", "id"]`, or `["zones", "1"]`).
fn element_path(model: &Model, id: &str) -> Option<Vec<String>> {
    let find = |section: &str, ids: Vec<&str>, field: Option<&str>| {
        ids.iter().position(|x| *x == id).map(|i| {
            let mut p = vec![section.to_owned(), i.to_string()];
            p.extend(field.map(str::to_owned));
            p
        })
    };
    use super::complete::{Kind, ids_of};
    [
        ("components", Kind::Component),
        ("flows", Kind::Flow),
        ("boundaries", Kind::Boundary),
        ("data", Kind::Data),
        ("mitigations", Kind::Mitigation),
        ("threats", Kind::Threat),
    ]
    .into_iter()
    .find_map(|(section, kind)| find(section, ids_of(model, kind), Some("id")))
    .or_else(|| find("zones", ids_of(model, Kind::Zone), None))
}
