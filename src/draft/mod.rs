//! `tm draft`: a first draft of a model's threats, mitigations and
//! questions, from the threat library (data, `library/*.yaml`) and what tm
//! knows of the model and its code. Everything drafted is marked
//! `drafted: true` with the library entry it came from.
//!
//! - `library.rs`: entries, conditions, placeholder checks, project files
//! - `element.rs`: the facts of one component, flow or boundary
//! - `engine.rs`: which entries fire, at the depth the model's risk asks for
//! - `template.rs`: filling templates with the model's own names
//! - `yaml_text.rs`: drafted items as YAML text (safe quoting)
//! - `insert.rs`: `--write`, appending to the model file byte-preservingly

pub mod apply;
pub mod element;
pub mod engine;
pub mod insert;
pub mod interactive;
pub mod library;
pub mod not_applicable;
pub mod project;
pub mod show;
pub mod template;
pub mod yaml_text;

pub use engine::{DraftedQuestion, DraftedThreat, ModelDraft, draft_model};
pub use library::{Library, LibraryEntry, LibraryError};
