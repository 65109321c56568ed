//! tm: threat models as code.
//!
//! The pipeline, one module per stage: [`config`] (book.toml) → [`load`]
//! (YAML → typed [`model`] with positions) → [`check`] (rules → [`diagnostic`]s).

pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod history;
pub mod load;
pub mod model;
pub mod suggest;

pub use config::Config;
pub use diagnostic::{Diagnostic, Findings, Rule, Severity};
pub use load::{LoadedModel, Project};
