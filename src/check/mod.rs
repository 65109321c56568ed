//! Rules over a loaded [`Project`]; each rule family in its own file.

mod acceptance;
mod architecture;
pub mod code_refs;
mod controls;
pub mod coverage;
mod decisions;
mod drafts;
mod ids;
mod index;
pub mod questions;
mod references;

use index::ModelIndex;

use crate::diagnostic::{Diagnostic, Findings, Rule, Severity};
use crate::load::Project;
use crate::model::Date;

/// What a check run needs besides the project.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    /// "Today", for expiry rules (settable so runs are reproducible).
    pub today: Date,
    /// Turn draft findings into errors.
    pub deny_drafts: bool,
}

/// Runs every rule and merges in the loader's findings, applying the
/// configured severities.
pub fn run(project: &Project, load_findings: Vec<Diagnostic>, opts: &CheckOptions) -> Findings {
    let mut diagnostics: Vec<Diagnostic> = load_findings;
    ids::check_project(project, &mut diagnostics);
    for lm in &project.models {
        let index = ModelIndex::new(lm);
        ids::check_model(lm, &index, &mut diagnostics);
        references::check_model(project, lm, &index, &mut diagnostics);
        // In a file with structural errors, placeholders stand in for the
        // invalid values: each rule judges only the elements that read whole.
        coverage::check_model(lm, &mut diagnostics);
        decisions::check_model(&project.config, lm, opts, &mut diagnostics);
        drafts::check_model(lm, &mut diagnostics);
        questions::check_model(lm, opts, &mut diagnostics);
        controls::check_model(lm, &mut diagnostics);
        acceptance::check_model(&project.config, lm, &mut diagnostics);
        architecture::check_model(lm, &mut diagnostics);
    }
    finish(project, diagnostics, opts)
}

fn finish(project: &Project, mut diagnostics: Vec<Diagnostic>, opts: &CheckOptions) -> Findings {
    for d in &mut diagnostics {
        d.severity = project.config.severity_of(d.rule);
        if opts.deny_drafts
            && matches!(
                d.rule,
                Rule::DraftModel
                    | Rule::DraftedThreat
                    | Rule::DraftedMitigation
                    | Rule::OpenQuestion
            )
            && d.severity != Severity::Off
        {
            d.severity = Severity::Error;
        }
    }
    Findings::new(diagnostics)
}
