//! What the cross-check found, for the site: per model, the files and symbols
//! each component and mitigation covers (with lines), and the entry points
//! no component covers. Every type is `Serialize`, so a Tera template reads
//! it as-is; all lists are sorted, so the site is deterministic.
//!
//! Shape, as a template sees it:
//! ```text
//! code.models[]      { model, components[], mitigations[] }
//!   .components[]    { id, paths[], symbols[] }            (mitigations[] alike)
//!     .paths[]       { pattern, files[] }                  files: [] = dangling
//!     .symbols[]     { symbol, definitions[] }             definitions: [] = dangling
//!       .definitions[] { path, file, line, kind }
//! code.unmodelled[]  { file, span.line, detector, kind, what, symbol }
//! code.suppressed[]  { entry, by }
//! ```
//! Links are made by the renderer with [`crate::code::source_url`].

use std::path::PathBuf;

use serde::Serialize;

use super::{CodeFact, Definition, EntryPoint};

/// The cross-check's result for the whole project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CodeReport {
    /// One entry per model that names code, sorted by model id.
    pub models: Vec<ModelCode>,
    /// Entry points no component covers and nobody allowed, by file and line.
    pub unmodelled: Vec<EntryPoint>,
    /// Entry points silenced on purpose, with who said so.
    pub suppressed: Vec<SuppressedEntry>,
}

/// The code named by one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelCode {
    /// The model id.
    pub model: String,
    /// Components with a `code` entry, in file order.
    pub components: Vec<ElementCode>,
    /// Mitigations with a `code` entry (evidence of the control), in file order.
    pub mitigations: Vec<ElementCode>,
}

/// The code of one component or mitigation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementCode {
    /// The component or mitigation id.
    pub id: String,
    /// Each `code.paths` glob with the files it matches.
    pub paths: Vec<PathCoverage>,
    /// Each `code.symbols` entry with its definitions.
    pub symbols: Vec<SymbolCoverage>,
    /// The code facts (sinks) in the code it covers, by file and line.
    pub facts: Vec<CodeFact>,
}

/// One glob and what it matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathCoverage {
    /// The glob as written in the model.
    pub pattern: String,
    /// Matching files, relative to the root, sorted; empty when dangling.
    pub files: Vec<PathBuf>,
}

/// One symbol and where it is defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SymbolCoverage {
    /// The symbol as written in the model.
    pub symbol: String,
    /// Its definitions, sorted; empty when dangling.
    pub definitions: Vec<Definition>,
}

/// An entry point that is not reported, and the written decision that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuppressedEntry {
    /// The entry point.
    pub entry: EntryPoint,
    /// `book.toml: allow-unmodelled "<pattern>"` or `comment: <reason>`.
    pub by: String,
}

impl CodeReport {
    /// The code named by one model, if it names any.
    pub fn for_model(&self, model: &str) -> Option<&ModelCode> {
        self.models.iter().find(|m| m.model == model)
    }
}
