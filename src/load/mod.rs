//! YAML → [`Model`] with source positions, and the whole [`Project`]: every
//! model file under the models directory, each problem reported with its
//! position, every file read even when an earlier one is broken.

mod fast;
mod file;
mod node;
mod shape;
mod strict;

pub use file::{MAX_FILE_BYTES, load_model_text};
pub use node::{Node, NodeValue, yaml_options};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Rule, Span};
use crate::model::Model;

/// An I/O problem that stops loading altogether (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The models directory is missing.
    #[error(
        "no models directory at {0}: create it, set `models` under [output.tm] in book.toml, or run `tm init`"
    )]
    NoModelsDir(PathBuf),
    /// The models directory resolves (through a link) to outside the project.
    #[error("the models directory {0}")]
    OutsideProject(#[from] crate::project_root::OutsideProject),
    /// A directory or file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// One model file that parsed into a model (invalid values, if any, replaced
/// by placeholders).
#[derive(Debug, Clone)]
pub struct LoadedModel {
    /// The file, relative to the project root.
    pub file: PathBuf,
    /// The typed model.
    pub model: Model,
    /// False when invalid values were replaced by placeholders to keep reading;
    /// only the id and reference rules run on an incomplete model.
    pub complete: bool,
    /// Paths (`threats[3]`, `status`…) of the values with a structural
    /// problem in or under them; empty for a complete model.
    invalid: std::collections::BTreeSet<String>,
    /// The file's text, shared with [`Project::sources`].
    text: Arc<str>,
    /// The positioned YAML tree, built on first use: a valid model is read
    /// without it, and only a finding that needs a position pays for it.
    tree: OnceLock<Node>,
}

impl LoadedModel {
    fn new(
        file: &Path,
        model: Model,
        complete: bool,
        text: Arc<str>,
        tree: Option<Node>,
    ) -> LoadedModel {
        let cell = OnceLock::new();
        if let Some(tree) = tree {
            cell.set(tree).expect("a new cell is empty");
        }
        LoadedModel {
            file: file.to_path_buf(),
            model,
            complete,
            invalid: std::collections::BTreeSet::new(),
            text,
            tree: cell,
        }
    }

    /// Whether the value at `path` (`threats[3]`, `status`, `reviews`) and
    /// everything under it read without a structural problem: rules judge
    /// such an element even when another part of the file is broken.
    pub fn is_valid(&self, path: &str) -> bool {
        self.complete || !self.invalid.contains(path)
    }

    /// The values of one field (`target`, `mitigations`) over the elements of
    /// a section that did not read whole, as far as that field itself read;
    /// `None` when some of them are unknown (the field, or the section, is
    /// broken). Rules that weigh a whole section use it to skip only what a
    /// broken element could change.
    pub fn broken_elements_field<'a, T>(
        &'a self,
        section: &str,
        items: &'a [T],
        field: &str,
        get: impl Fn(&'a T) -> Vec<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if self.is_valid(section) {
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        let mut any_broken = false;
        for (i, item) in items.iter().enumerate() {
            if self.element_valid(section, i) {
                continue;
            }
            any_broken = true;
            if !self.is_valid(&format!("{section}[{i}].{field}")) {
                return None;
            }
            out.extend(get(item));
        }
        // The section is broken but none of its elements is: its shape is.
        any_broken.then_some(out)
    }

    /// Whether element `index` of a section (`threats`, `flows`…) is valid.
    pub fn element_valid(&self, section: &str, index: usize) -> bool {
        self.complete || !self.invalid.contains(&format!("{section}[{index}]"))
    }

    /// The position of the value at `path` (e.g. `["threats", "3", "target"]`),
    /// falling back to the nearest enclosing node that exists.
    pub fn span_at<S: AsRef<str>>(&self, path: &[S]) -> Span {
        let tree = self.tree.get_or_init(|| {
            // The text parsed once already, so this cannot fail; a failure
            // would only cost the position, never the finding.
            Node::parse(&self.text, file::MAX_DEPTH).unwrap_or(Node {
                span: Span {
                    line: 1,
                    column: 1,
                    offset: 0,
                    len: 0,
                },
                value: NodeValue::Null,
            })
        });
        (0..=path.len())
            .rev()
            .find_map(|n| tree.at_path(&path[..n]))
            .map_or(tree.span, |n| n.span)
    }
}

/// A loaded project: its configuration, its models, and the text of every
/// model file (for snippets in diagnostics).
#[derive(Debug, Clone)]
pub struct Project {
    /// The configuration it was loaded with.
    pub config: Config,
    /// The models that loaded, sorted by file.
    pub models: Vec<LoadedModel>,
    /// Text of every model file read, by path relative to the root.
    pub sources: BTreeMap<PathBuf, Arc<str>>,
}

/// A path given as a model that is not one of the project's model files.
#[derive(Debug, thiserror::Error)]
pub enum NotAModel {
    /// The path cannot be read.
    #[error("cannot read {}: {source}", crate::project_root::shown(.path))]
    Io {
        /// The path as given.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The path is outside the project.
    #[error("{} is not inside the project at {}", crate::project_root::shown(.path), crate::project_root::shown(.root))]
    Outside {
        /// The path as given.
        path: PathBuf,
        /// The project root.
        root: PathBuf,
    },
    /// The path is in the project but not a model file tm loaded.
    #[error("{} is not a model file of this project: models are the *.yaml and *.yml files under {}", crate::project_root::shown(.path), crate::project_root::shown(.models))]
    NotLoaded {
        /// The path as given.
        path: PathBuf,
        /// The models directory.
        models: PathBuf,
    },
}

impl Project {
    /// The project-relative path of the model file `given` (a path as a
    /// user wrote it, relative to the current directory), or why it is not one.
    pub fn model_file(&self, given: &Path) -> Result<PathBuf, NotAModel> {
        let canon = |p: &Path| {
            p.canonicalize().map_err(|source| NotAModel::Io {
                path: p.to_path_buf(),
                source,
            })
        };
        let root = canon(&self.config.root)?;
        let rel = canon(given)?
            .strip_prefix(&root)
            .map(Path::to_path_buf)
            .map_err(|_| NotAModel::Outside {
                path: given.to_path_buf(),
                root: self.config.root.clone(),
            })?;
        if self.sources.contains_key(&rel) {
            Ok(rel)
        } else {
            Err(NotAModel::NotLoaded {
                path: given.to_path_buf(),
                models: self.config.models_dir(),
            })
        }
    }

    /// Loads every `*.yaml`/`*.yml` under the configured models directory.
    /// Problems in the files are returned as diagnostics, not errors.
    pub fn load(config: Config) -> Result<(Project, Vec<Diagnostic>), LoadError> {
        let ModelFiles { files, links } = model_files(&config)?;
        let mut notes: Vec<Diagnostic> = links
            .into_iter()
            .map(|link| {
                let target = std::fs::read_link(config.root.join(&link))
                    .map(|t| format!(" (to {})", crate::project_root::shown(&t)))
                    .unwrap_or_default();
                let message = format!("this model file is a symbolic link{target}, and tm does not follow links to models (nor does tm diff in git history)");
                Diagnostic::new(Rule::SkippedFile, link, None, message)
                    .with_help("a link could make tm read a file outside the project, or one model twice: commit the model itself here")
            })
            .collect();
        if files.is_empty() {
            notes.push(
                Diagnostic::new(
                    Rule::NoModels,
                    &config.tm.models,
                    None,
                    "the models directory holds no model file (*.yaml, *.yml)",
                )
                .with_help("`tm init` writes a commented example model"),
            );
        }
        // Sizes are checked before reading: a file over the budget is a
        // finding, and its bytes are never read.
        let read = files
            .into_par_iter()
            .map(|rel| {
                match crate::project_root::read_capped(
                    &config.root.join(&rel),
                    MAX_FILE_BYTES as u64,
                ) {
                    Ok(crate::project_root::Capped::Whole(bytes)) => Ok(Ok((rel, bytes))),
                    Ok(crate::project_root::Capped::TooLarge(size)) => {
                        Ok(Err(file::too_large(&rel, size)))
                    }
                    Err(source) => Err(LoadError::Io { path: rel, source }),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut files = Vec::new();
        for r in read {
            match r {
                Ok(f) => files.push(f),
                Err(d) => notes.push(d),
            }
        }
        let (project, mut diagnostics) = Project::from_files(config, files);
        diagnostics.extend(notes);
        Ok((project, diagnostics))
    }

    /// Builds a project from model files already in memory (paths relative to
    /// the root), e.g. blobs read from a git revision.
    pub fn from_files(
        config: Config,
        files: Vec<(PathBuf, Vec<u8>)>,
    ) -> (Project, Vec<Diagnostic>) {
        let results: Vec<_> = files
            .into_par_iter()
            .map(|(rel, bytes)| {
                let (text, outcome) = load_model_text(&rel, bytes);
                (rel, text, outcome)
            })
            .collect();
        let mut models = Vec::new();
        let mut sources = BTreeMap::new();
        let mut diagnostics = Vec::new();
        for (rel, text, (loaded, diags)) in results {
            diagnostics.extend(diags);
            models.extend(loaded);
            sources.insert(rel, text);
        }
        models.sort_by(|a: &LoadedModel, b| a.file.cmp(&b.file));
        (
            Project {
                config,
                models,
                sources,
            },
            diagnostics,
        )
    }

    /// Finds a loaded model by id.
    pub fn model(&self, id: &str) -> Option<&LoadedModel> {
        self.models.iter().find(|m| m.model.id.as_str() == id)
    }
}

/// The model files under the models directory, relative to the root, sorted.
/// Symbolic links are not followed, so no model can pull in a file from
/// outside the repository.
/// What the models directory holds: model files, and links left unread.
struct ModelFiles {
    files: Vec<PathBuf>,
    links: Vec<PathBuf>,
}

fn model_files(config: &Config) -> Result<ModelFiles, LoadError> {
    let dir = config.models_dir();
    if !dir.is_dir() {
        return Err(LoadError::NoModelsDir(config.tm.models.clone()));
    }
    // The models directory itself may be a symbolic link: it must still lead
    // to a directory inside the project.
    crate::project_root::ProjectRoot::new(&config.root)?.resolve(&dir)?;
    let mut out = Vec::new();
    let mut links = Vec::new();
    // Links are never followed: a linked model is reported (TM004), a linked
    // directory is not descended.
    for entry in walkdir::WalkDir::new(&dir).follow_links(false) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(&dir).to_path_buf();
            LoadError::Io {
                path,
                source: e.into(),
            }
        })?;
        let path = entry.path();
        let rel = path
            .strip_prefix(&config.root)
            .unwrap_or(path)
            .to_path_buf();
        let ty = entry.file_type();
        if ty.is_file() && is_model_file(path) {
            out.push(rel);
        } else if ty.is_symlink() && is_model_file(path) {
            links.push(rel);
        }
    }
    out.sort();
    links.sort();
    Ok(ModelFiles { files: out, links })
}

/// Whether a path names a model file (`*.yaml` or `*.yml`): the one rule
/// the loader and git history share.
pub fn is_model_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Diagnostic for a model file, with the rule, pointing at `span`.
pub(crate) fn file_diagnostic(
    rule: Rule,
    file: &Path,
    span: Option<Span>,
    message: String,
    help: &str,
) -> Diagnostic {
    Diagnostic::new(rule, file, span, message).with_help(help)
}

/// The JSON Schema of the model format, pretty-printed, as `tm schema` prints it.
pub fn schema_json() -> String {
    let mut s = serde_json::to_string_pretty(file::model_schema()).expect("schema serializes");
    s.push('\n');
    s
}
