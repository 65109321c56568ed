//! The whole checked project as one stable, versioned JSON document
//! (`"format": "tm-export", "version": 1`): models, findings, the code report
//! with its facts, coverage and questions. Its JSON Schema is derived from the
//! same types ([`schema_json`], `tm schema --export`), so a dashboard that
//! reads many repositories' exports can validate each one.
//!
//! The types here are the export's own, not the pipeline's: the document
//! keeps its shape when the internals move. Version 1 only grows by new
//! optional fields; a field that changes meaning is version 2.

use schemars::JsonSchema;
use serde::Serialize;

use super::ExportInput;
use crate::check::coverage::{
    CellAnswer, REQUIRED_FOR_FLOW, answer, crosses_boundary, gaps_reported, required_for_component,
};
use crate::code::{CodeFact, ElementCode};
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NotApplicable, StrideCategory, ThreatStatus};

/// The version of the export document this build writes.
pub const EXPORT_VERSION: u32 = 1;

/// The document's format tag: always `tm-export`.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub enum FormatTag {
    /// The only value.
    #[serde(rename = "tm-export")]
    TmExport,
}

/// The export document.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(title = "tm export")]
pub struct ExportDocument {
    /// Always `tm-export`.
    pub format: FormatTag,
    /// The document version (1).
    pub version: u32,
    /// The tm release that wrote it.
    pub tool_version: String,
    /// Headline figures over the exported models.
    pub summary: Summary,
    /// The models, sorted by id.
    pub models: Vec<ModelExport>,
    /// The findings of `tm check`, sorted by file and position.
    pub findings: Vec<FindingExport>,
    /// Code entry points no component covers (all models exported only).
    pub unmodelled: Vec<EntryExport>,
    /// Every question of the exported models, open ones first within a model.
    pub questions: Vec<QuestionExport>,
}

/// Headline figures.
#[derive(Debug, Default, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Summary {
    /// Number of models.
    pub models: usize,
    /// Number of threats.
    pub threats: usize,
    /// Threats whose status is `open`.
    pub open_threats: usize,
    /// Number of mitigations.
    pub mitigations: usize,
    /// Findings of severity `error`.
    pub errors: usize,
    /// Findings of severity `warning`.
    pub warnings: usize,
    /// Questions without an answer.
    pub open_questions: usize,
    /// Coverage cells TM201 reports as gaps.
    pub coverage_gaps: usize,
}

/// One model with what the check and the code cross-check say about it.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct ModelExport {
    /// The model id.
    pub id: String,
    /// The model file, relative to the project root.
    pub file: String,
    /// False when parts of the file did not load (see the findings).
    pub complete: bool,
    /// The model as loaded (the model format, `tm schema`).
    pub model: Model,
    /// The STRIDE coverage matrix: components, then flows, in model order.
    pub coverage: Vec<CoverageRowExport>,
    /// The code each component covers.
    pub components_code: Vec<ElementCodeExport>,
    /// The code where each mitigation is implemented.
    pub mitigations_code: Vec<ElementCodeExport>,
}

/// One row of the coverage matrix.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct CoverageRowExport {
    /// The component or flow.
    pub element: String,
    /// `component` or `flow`.
    pub kind: String,
    /// For a flow: whether it crosses a trust boundary (or into another model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crosses_boundary: Option<bool>,
    /// The categories STRIDE-per-element asks of it.
    pub required: Vec<StrideCategory>,
    /// One cell per category, S T R I D E.
    pub cells: Vec<CoverageCellExport>,
}

/// One coverage cell.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct CoverageCellExport {
    /// The category.
    pub stride: StrideCategory,
    /// `threats`, `not-applicable`, `gap` (TM201 reports it), `unanswered`
    /// (required, but the model's risk does not enforce it) or `not-required`.
    pub state: CellState,
    /// Ids of the threats in this cell.
    pub threats: Vec<String>,
    /// The not-applicable reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The state of a coverage cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CellState {
    /// Threats answer it.
    Threats,
    /// Declared not applicable.
    NotApplicable,
    /// Required and reported by TM201.
    Gap,
    /// Required, but the model's risk level does not enforce it.
    Unanswered,
    /// Not asked of this kind of element.
    NotRequired,
}

/// The code one component or mitigation covers.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct ElementCodeExport {
    /// The element id.
    pub id: String,
    /// Each path glob and the files it matched.
    pub paths: Vec<PathExport>,
    /// Each symbol and where it is defined.
    pub symbols: Vec<SymbolExport>,
    /// The code facts (sinks) in the covered code.
    pub facts: Vec<FactExport>,
}

/// A path glob and its files.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PathExport {
    /// The glob as written.
    pub pattern: String,
    /// The files it matched, relative to the project root.
    pub files: Vec<String>,
}

/// A symbol and its definitions.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SymbolExport {
    /// The Rust path as written.
    pub symbol: String,
    /// Where it resolved.
    pub definitions: Vec<LocationExport>,
}

/// A place in a source file.
#[derive(Debug, Serialize, JsonSchema)]
pub struct LocationExport {
    /// The file, relative to the project root.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// What is there (`fn`, `module`, …), or the resolved path.
    pub what: String,
}

/// A code fact: a sink a reviewer asks about.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FactExport {
    /// Kebab-case kind (`sql-built`, `command-dynamic`, …).
    pub kind: String,
    /// The file, relative to the project root.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The detector row that found it.
    pub detector: String,
    /// A description for people.
    pub what: String,
    /// The enclosing item, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
}

/// One finding of `tm check`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FindingExport {
    /// The rule code (`TM201`).
    pub code: String,
    /// The rule name.
    pub rule: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// The file, relative to the project root.
    pub file: String,
    /// 1-based line, when the finding has a position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column, when the finding has a position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The model it concerns, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// An entry point in the code that no component covers.
#[derive(Debug, Serialize, JsonSchema)]
pub struct EntryExport {
    /// The file, relative to the project root.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Kebab-case kind of input (`main`, `http-route`, …).
    pub kind: String,
    /// The detector that found it.
    pub detector: String,
    /// A description for people.
    pub what: String,
    /// The enclosing item, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
}

/// A question of a model.
#[derive(Debug, Serialize, JsonSchema)]
pub struct QuestionExport {
    /// The model id.
    pub model: String,
    /// The question id.
    pub id: String,
    /// The element it is about.
    pub about: String,
    /// The question.
    pub text: String,
    /// True while it has no answer.
    pub open: bool,
    /// Where in the code it arose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// True while it is a draft.
    pub drafted: bool,
}

/// The export document as pretty-printed JSON, newline-terminated.
pub fn render(input: &ExportInput<'_>) -> String {
    let doc = document(input);
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_owned());
    s.push('\n');
    s
}

/// The JSON Schema of the export document, as `tm schema --export` prints it.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(ExportDocument);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_else(|_| "{}".to_owned());
    s.push('\n');
    s
}

/// The export document of `input`.
pub fn document(input: &ExportInput<'_>) -> ExportDocument {
    let analysis = input.analysis;
    let findings = super::sarif::selected_findings(input);
    let models: Vec<ModelExport> = input
        .models
        .iter()
        .map(|lm| {
            let code = analysis.code.for_model(lm.model.id.as_str());
            ModelExport {
                id: lm.model.id.to_string(),
                file: path_text(&lm.file),
                complete: lm.complete,
                model: lm.model.clone(),
                coverage: coverage(&lm.model),
                components_code: code
                    .map(|c| c.components.iter().map(element_code).collect())
                    .unwrap_or_default(),
                mitigations_code: code
                    .map(|c| c.mitigations.iter().map(element_code).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let mut questions = Vec::new();
    for lm in &input.models {
        let mut qs: Vec<_> = lm.model.questions.iter().collect();
        qs.sort_by_key(|q| q.answer.is_some());
        questions.extend(qs.into_iter().map(|q| QuestionExport {
            model: lm.model.id.to_string(),
            id: q.id.to_string(),
            about: q.about.to_string(),
            text: q.text.clone(),
            open: q.answer.is_none(),
            code: q.code.clone(),
            drafted: q.drafted,
        }));
    }
    let unmodelled = if input.exports_all() {
        analysis
            .code
            .unmodelled
            .iter()
            .map(|e| EntryExport {
                file: path_text(&e.file),
                line: e.span.line,
                column: e.span.column,
                kind: kebab(&e.kind),
                detector: e.detector.to_owned(),
                what: e.what.to_owned(),
                symbol: e.symbol.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let summary = Summary {
        models: models.len(),
        threats: models.iter().map(|m| m.model.threats.len()).sum(),
        open_threats: models
            .iter()
            .flat_map(|m| &m.model.threats)
            .filter(|t| t.status == ThreatStatus::Open)
            .count(),
        mitigations: models.iter().map(|m| m.model.mitigations.len()).sum(),
        errors: findings.count(crate::diagnostic::Severity::Error),
        warnings: findings.count(crate::diagnostic::Severity::Warning),
        open_questions: questions.iter().filter(|q| q.open).count(),
        coverage_gaps: models
            .iter()
            .flat_map(|m| &m.coverage)
            .flat_map(|r| &r.cells)
            .filter(|c| c.state == CellState::Gap)
            .count(),
    };
    ExportDocument {
        format: FormatTag::TmExport,
        version: EXPORT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        summary,
        models,
        findings: findings.diagnostics.iter().map(finding).collect(),
        unmodelled,
        questions,
    }
}

/// The coverage matrix of a model, judged by the checker's own code (TM201).
pub fn coverage(m: &Model) -> Vec<CoverageRowExport> {
    let components = m.components.iter().map(|c| {
        let required = required_for_component(c.kind);
        row(
            m,
            c.id.as_str(),
            "component",
            None,
            required,
            &c.not_applicable,
        )
    });
    let flows = m.flows.iter().map(|f| {
        let crosses = crosses_boundary(m, f);
        let required = if crosses { REQUIRED_FOR_FLOW } else { &[][..] };
        row(
            m,
            f.id.as_str(),
            "flow",
            Some(crosses),
            required,
            &f.not_applicable,
        )
    });
    components.chain(flows).collect()
}

fn row(
    m: &Model,
    id: &str,
    kind: &str,
    crosses: Option<bool>,
    required: &[StrideCategory],
    notes: &[NotApplicable],
) -> CoverageRowExport {
    let answers: Vec<CellAnswer> = StrideCategory::ALL
        .iter()
        .map(|&cat| answer(m, id, required, notes, cat))
        .collect();
    let gaps = answers.iter().filter(|a| **a == CellAnswer::Gap).count();
    let reported = gaps_reported(m, gaps, required.len());
    let cells = StrideCategory::ALL
        .iter()
        .zip(answers)
        .map(|(&cat, a)| {
            let threats: Vec<String> = m
                .threats
                .iter()
                .filter(|t| t.target.as_str() == id && t.stride.0.contains(&cat))
                .map(|t| t.id.to_string())
                .collect();
            let (state, reason) = match a {
                CellAnswer::Threats(_) => (CellState::Threats, None),
                CellAnswer::NotApplicable(r) => (CellState::NotApplicable, Some(r)),
                CellAnswer::Gap if reported => (CellState::Gap, None),
                CellAnswer::Gap => (CellState::Unanswered, None),
                CellAnswer::NotRequired => (CellState::NotRequired, None),
            };
            CoverageCellExport {
                stride: cat,
                state,
                threats,
                reason,
            }
        })
        .collect();
    CoverageRowExport {
        element: id.to_owned(),
        kind: kind.to_owned(),
        crosses_boundary: crosses,
        required: required.to_vec(),
        cells,
    }
}

fn element_code(e: &ElementCode) -> ElementCodeExport {
    ElementCodeExport {
        id: e.id.clone(),
        paths: e
            .paths
            .iter()
            .map(|p| PathExport {
                pattern: p.pattern.clone(),
                files: p.files.iter().map(|f| path_text(f)).collect(),
            })
            .collect(),
        symbols: e
            .symbols
            .iter()
            .map(|s| SymbolExport {
                symbol: s.symbol.clone(),
                definitions: s
                    .definitions
                    .iter()
                    .map(|d| LocationExport {
                        file: path_text(&d.file),
                        line: d.line,
                        what: d.path.clone(),
                    })
                    .collect(),
            })
            .collect(),
        facts: e.facts.iter().map(fact).collect(),
    }
}

fn fact(f: &CodeFact) -> FactExport {
    FactExport {
        kind: kebab(&f.kind),
        file: path_text(&f.file),
        line: f.span.line,
        column: f.span.column,
        detector: f.detector.to_owned(),
        what: f.what.to_owned(),
        symbol: f.symbol.clone(),
    }
}

fn finding(d: &Diagnostic) -> FindingExport {
    FindingExport {
        code: d.rule.code().to_owned(),
        rule: d.rule.name().to_owned(),
        severity: d.severity.to_string(),
        file: path_text(&d.file),
        line: d.span.map(|s| s.line),
        column: d.span.map(|s| s.column),
        message: d.message.clone(),
        help: d.help.clone(),
        model: d.model.clone(),
    }
}

/// A path with `/` separators on every platform.
fn path_text(p: &std::path::Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The kebab-case serde name of a unit enum value.
fn kebab<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}
