//! SARIF: exactly what `tm check --format sarif` prints, through the same
//! printer (`crate::diagnostic`), for the same models.

use super::ExportInput;
use crate::diagnostic::{Findings, Format, SourceText, render as render_findings};

/// The SARIF 2.1.0 log of the exported models' findings (all findings when
/// every model is exported, as `tm check` reports them).
pub fn render(input: &ExportInput<'_>) -> String {
    let analysis = input.analysis;
    let findings = selected_findings(input);
    let sources = SourceText {
        loaded: &analysis.project.sources,
        root: &analysis.project.config.root,
        prefix: &input.repo_prefix,
    };
    let shown = findings.with_path_prefix(&input.repo_prefix);
    render_findings(&shown, Format::Sarif, &sources, false)
}

/// The findings of the exported models: all of them when every model is
/// exported (code findings included), else those in the named model files.
pub(super) fn selected_findings(input: &ExportInput<'_>) -> Findings {
    let all = input.analysis.findings.clone();
    if input.exports_all() {
        return all;
    }
    Findings {
        diagnostics: all
            .diagnostics
            .into_iter()
            .filter(|d| input.exports_file(&d.file))
            .collect(),
    }
}
