//! tm: threat models as code.
//!
//! The pipeline, one module per stage: [`config`] (book.toml) → [`load`]
//! (YAML → typed [`model`] with positions), [`code`] (source index) → [`check`]
//! (rules → [`diagnostic`]s) → [`render`] (the static site).

#![warn(missing_docs)]

pub mod analysis;
pub mod build;
pub mod build_cache;
pub mod check;
pub mod cli;
pub mod code;
pub mod config;
pub mod diagnostic;
pub mod draft;
pub mod escape;
pub mod export;
pub mod history;
pub mod import;
pub mod interchange;
pub mod load;
pub mod mdbook;
pub mod model;
pub mod pattern;
pub mod preview;
pub mod project_root;
pub mod render;
pub mod serve;
pub mod suggest;
pub mod terminal;

pub use analysis::Analysis;
pub use config::Config;
pub use diagnostic::{Diagnostic, Findings, Rule, Severity};
pub use load::{LoadedModel, Project};
pub mod lsp;
pub mod mcp;
