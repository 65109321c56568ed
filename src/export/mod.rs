//! `tm export`: the checked project as durable documents — a Markdown report
//! per model, tracker issue payloads, one JSON document, a CSV STRIDE table
//! and SARIF.
//!
//! A format is one file here and one variant of [`ExportFormat`]: it takes an
//! [`ExportInput`] (the [`Analysis`], the chosen models, git history when
//! there is any) and returns [`Rendered`] bytes. Nothing here writes files or
//! runs git; the command line does both (`src/cli/export.rs`).

pub mod csv;
pub mod issues;
pub mod json;
pub mod markdown;
mod mermaid;
pub mod sarif;
mod text;

use std::path::PathBuf;

use crate::analysis::Analysis;
use crate::history::ProjectHistory;
use crate::load::LoadedModel;
use crate::model::Severity;

pub use issues::Tracker;

/// The formats `tm export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One GitHub-flavoured Markdown report per model, with a Mermaid diagram.
    Markdown,
    /// One issue-tracker payload per open treatment (`--tracker`).
    Issues,
    /// The whole checked project as one versioned JSON document (`tm schema --export`).
    Json,
    /// The STRIDE table, one row per threat and target (RFC 4180).
    Csv,
    /// The findings as SARIF 2.1.0, as `tm check --format sarif` prints them.
    Sarif,
    /// Open Threat Model 0.2.0 JSON, one document per model.
    Otm,
    /// TM-BOM JSON (OWASP Threat Model Library schema v1.0.2), one document per model.
    TmBom,
}

/// Settings of the `issues` format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueOptions {
    /// Which tracker's payload to write.
    pub tracker: Tracker,
    /// Open threats without a mitigation get an issue from this severity up.
    pub severity: Severity,
    /// The Jira project key (`fields.project.key`).
    pub jira_project: Option<String>,
}

impl Default for IssueOptions {
    fn default() -> IssueOptions {
        IssueOptions {
            tracker: Tracker::Github,
            severity: Severity::High,
            jira_project: None,
        }
    }
}

/// Everything a format may read.
#[derive(Debug)]
pub struct ExportInput<'a> {
    /// The checked project.
    pub analysis: &'a Analysis,
    /// The models to export, sorted by id (all of them when none was named).
    pub models: Vec<&'a LoadedModel>,
    /// Git history of the models, when the project is in a git work tree.
    pub history: Option<&'a ProjectHistory>,
    /// Where the project root sits in its repository (`sub/dir/`), for paths in SARIF.
    pub repo_prefix: PathBuf,
    /// Settings of the `issues` format.
    pub issues: IssueOptions,
}

impl ExportInput<'_> {
    /// Whether a model file is among the exported models.
    pub fn exports_file(&self, file: &std::path::Path) -> bool {
        self.models.iter().any(|m| m.file == file)
    }

    /// Whether every model of the project is exported.
    pub fn exports_all(&self) -> bool {
        self.models.len() == self.analysis.project.models.len()
    }
}

/// One document of a multi-document export, with its path under `-o DIR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// Relative path under the output directory (`payments.md`, `payments/M-1.json`).
    pub path: PathBuf,
    /// The content.
    pub bytes: Vec<u8>,
}

/// What a format produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    /// One document: printed, or written to `-o FILE`.
    Document(Vec<u8>),
    /// Several documents: written under `-o DIR`; `stdout` is what is printed
    /// without `-o`, `None` when they cannot share standard output.
    Files {
        /// The documents.
        files: Vec<ExportFile>,
        /// The documents as one stream, when that makes sense.
        stdout: Option<Vec<u8>>,
    },
}

/// Renders `format` from `input`.
pub fn export(format: ExportFormat, input: &ExportInput<'_>) -> Rendered {
    match format {
        ExportFormat::Markdown => markdown::render(input),
        ExportFormat::Issues => issues::render(input),
        ExportFormat::Json => Rendered::Document(json::render(input).into_bytes()),
        ExportFormat::Csv => Rendered::Document(csv::render(input).into_bytes()),
        ExportFormat::Sarif => Rendered::Document(sarif::render(input).into_bytes()),
        ExportFormat::Otm => per_model(input, "otm.json", crate::interchange::otm::export),
        ExportFormat::TmBom => per_model(input, "tm-bom.json", crate::interchange::tm_bom::export),
    }
}

/// Another tool's document for each model (`src/interchange/`): one
/// document when one model is exported, else one file per model under `-o DIR`.
fn per_model(
    input: &ExportInput<'_>,
    extension: &str,
    convert: fn(&crate::model::Model) -> serde_json::Value,
) -> Rendered {
    let mut files: Vec<ExportFile> = input
        .models
        .iter()
        .map(|m| {
            let mut text = serde_json::to_string_pretty(&convert(&m.model))
                .expect("a JSON value always serialises");
            text.push('\n');
            ExportFile {
                path: PathBuf::from(format!("{}.{extension}", m.model.id)),
                bytes: text.into_bytes(),
            }
        })
        .collect();
    if files.len() == 1 {
        Rendered::Document(files.remove(0).bytes)
    } else {
        Rendered::Files {
            files,
            stdout: None,
        }
    }
}
