//! `tm import`: another tool's threat model (OTM, Threagile, TM-BOM, Threat
//! Composer) → a tm [`Model`], plus an [`ImportReport`] naming everything
//! that did not map one to one.
//!
//! Each format has one file that reads the foreign document as a positioned
//! `Node` tree (`source.rs`) and fills a [`ModelBuilder`] (`build.rs`,
//! which sanitises ids and keeps foreign values as annotations). The result
//! is written as YAML (`yaml_out.rs`) and re-read with tm's own loader before
//! anything touches the disk, so an import never leaves a model tm rejects.

mod build;
mod ids;
mod otm;
mod report;
mod source;
mod text;
mod threagile;
mod threat_composer;
mod tm_bom;
pub mod yaml_out;

use std::path::{Path, PathBuf};

pub use build::ModelBuilder;
pub use ids::{IdAllocator, sanitize_id};
pub use report::{CountLine, ImportReport};
pub use source::SourceError;

use crate::model::Model;

/// Size budget of a file to import (the same as a model file's).
pub const MAX_IMPORT_BYTES: u64 = crate::load::MAX_FILE_BYTES as u64;

/// Deepest nesting accepted in a file to import.
pub const MAX_IMPORT_DEPTH: usize = 64;

/// The formats `tm import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Open Threat Model 0.2 (JSON or YAML).
    Otm,
    /// Threagile's YAML model.
    Threagile,
    /// OWASP Threat Model Library (TM-BOM) JSON.
    TmBom,
    /// AWS Threat Composer `.tc.json` workspace.
    ThreatComposer,
}

impl Format {
    /// The name used on the command line and as annotation origin.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Otm => "otm",
            Format::Threagile => "threagile",
            Format::TmBom => "tm-bom",
            Format::ThreatComposer => "threat-composer",
        }
    }
}

/// A finished import: the model and what the report says about it.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The model, valid tm format.
    pub model: Model,
    /// Counts, defaults and everything that could not be mapped.
    pub report: ImportReport,
}

/// Why an import could not be done (exit code 2; nothing is written).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("cannot read {file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is over the size budget.
    #[error("{file}: the file is {size} bytes, over the {max}-byte budget for an import")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size.
        size: u64,
        /// The budget.
        max: u64,
    },
    /// The file is not valid JSON/YAML, is not the named format, or refers
    /// to something it does not define.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// tm's loader refused the converted model (a bug in the importer).
    #[error(
        "the converted model does not load in tm ({0}); please report this with the input file"
    )]
    Invalid(String),
}

/// Imports the file's bytes (already read within [`MAX_IMPORT_BYTES`]).
/// `file` is only used in messages and the report.
pub fn import_bytes(format: Format, file: &Path, bytes: &[u8]) -> Result<Imported, ImportError> {
    let shown = crate::project_root::shown(file);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        SourceError::at_offset(&shown, bytes, e.valid_up_to(), "the file is not UTF-8 text")
    })?;
    let doc = source::Document::parse(&shown, text, format == Format::Threagile)?;
    let imported = match format {
        Format::Otm => otm::import(&doc)?,
        Format::Threagile => threagile::import(&doc)?,
        Format::TmBom => tm_bom::import(&doc)?,
        Format::ThreatComposer => threat_composer::import(&doc)?,
    };
    verify(&imported.model)?;
    Ok(imported)
}

/// Reads `file` (size-capped) and imports it.
pub fn import_file(format: Format, file: &Path) -> Result<Imported, ImportError> {
    let shown = crate::project_root::shown(file);
    let bytes = match crate::project_root::read_capped(file, MAX_IMPORT_BYTES) {
        Ok(crate::project_root::Capped::Whole(b)) => b,
        Ok(crate::project_root::Capped::TooLarge(size)) => {
            return Err(ImportError::TooLarge {
                file: shown,
                size,
                max: MAX_IMPORT_BYTES,
            });
        }
        Err(source) => {
            return Err(ImportError::Read {
                file: shown,
                source,
            });
        }
    };
    import_bytes(format, file, &bytes)
}

/// The model as the YAML file `tm import` writes, with a header naming its origin.
pub fn model_yaml(imported: &Imported, source_name: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# Imported by `tm import {}` from {}.\n",
        imported.report.format.as_str(),
        text::one_line(source_name, 200)
    ));
    out.push_str(
        "# Values tm has no key for are kept under `annotations`; `drafted: true` marks\n\
         # decisions the source did not record with who and when: confirm them.\n",
    );
    out.push_str(&yaml_out::to_yaml(&imported.model));
    out
}

/// Re-reads the model through tm's own loader: a model tm would refuse is
/// never written.
fn verify(model: &Model) -> Result<(), ImportError> {
    let text = yaml_out::to_yaml(model);
    let (_, (loaded, diags)) =
        crate::load::load_model_text(&PathBuf::from("import.yaml"), text.into_bytes());
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| {
            let (l, c) = d.span.map_or((0, 0), |s| (s.line, s.column));
            format!("{l}:{c}: {}", d.message)
        })
        .collect();
    match loaded {
        Some(m) if m.complete && errors.is_empty() => Ok(()),
        _ => Err(ImportError::Invalid(errors.join("; "))),
    }
}

/// The annotation key on an imported OTM threat naming its catalog threat.
pub fn otm_catalog_key() -> &'static str {
    otm::CATALOG_THREAT
}

/// The tm status an OTM threat-instance state imports as.
pub fn otm_threat_status(state: &str) -> crate::model::ThreatStatus {
    otm::threat_status(state).0
}

/// The classification an OTM confidentiality score (0–100) imports as.
pub fn otm_classification(score: f64) -> crate::model::Classification {
    text::classification_of_percent(score)
}

/// The level an OTM likelihood or impact score (0–100) imports as.
pub fn otm_level(score: f64) -> crate::model::Level {
    text::level_of_percent(score)
}

/// The tm status a TM-BOM control status imports as.
pub fn tm_bom_control_status(status: &str) -> crate::model::MitigationStatus {
    tm_bom::control_status(status).0
}

/// The model risk a TM-BOM business criticality imports as.
pub fn tm_bom_risk(criticality: &str) -> crate::model::RiskLevel {
    tm_bom::risk_of(criticality)
}
