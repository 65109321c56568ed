//! The STRIDE coverage matrix of a model page. Every cell is judged by
//! [`crate::check::coverage`], the code behind TM201, so the page marks a gap
//! exactly where `tm check` reports one.

use serde::Serialize;

use super::context::{ElementNames, Link};
use crate::check::coverage::{
    CellAnswer, REQUIRED_FOR_FLOW, answer, crosses_boundary, gaps_reported, required_for_component,
};
use crate::model::{Model, NotApplicable, StrideCategory};

/// One row of the coverage matrix.
#[derive(Debug, Serialize)]
pub struct CoverageRow {
    /// Link to the element.
    pub element: Link,
    /// What the rule asks of this element, in words.
    pub asks: String,
    /// One cell per STRIDE category, in S T R I D E order.
    pub cells: Vec<CoverageCell>,
}

/// One cell of the coverage matrix.
#[derive(Debug, Serialize)]
pub struct CoverageCell {
    /// The category letter.
    pub letter: char,
    /// `threats`, `not-applicable`, `gap` (TM201 reports it), `unanswered`
    /// (required for the element's kind, but the model's risk does not
    /// enforce it) or `not-required` (STRIDE-per-element does not ask it).
    pub state: &'static str,
    /// Number of threats.
    pub count: usize,
    /// The first threat's anchor, or the not-applicable reason.
    pub detail: String,
}

/// One row per component and per flow, components first, in model order.
pub(super) fn matrix(m: &Model, names: &ElementNames<'_>) -> Vec<CoverageRow> {
    let components = m.components.iter().map(|c| {
        let required = required_for_component(c.kind);
        let asks = format!("{} (as a {})", letters(required), c.kind.as_str());
        row(m, names, c.id.as_str(), required, &c.not_applicable, asks)
    });
    let flows = m.flows.iter().map(|f| {
        let (required, asks) = if crosses_boundary(m, f) {
            (
                REQUIRED_FOR_FLOW,
                format!("{} (crosses a trust boundary)", letters(REQUIRED_FOR_FLOW)),
            )
        } else {
            (&[][..], "nothing (stays in one trust zone)".to_owned())
        };
        row(m, names, f.id.as_str(), required, &f.not_applicable, asks)
    });
    components.chain(flows).collect()
}

fn letters(cats: &[StrideCategory]) -> String {
    cats.iter().map(|c| c.letter()).collect()
}

fn row(
    m: &Model,
    names: &ElementNames<'_>,
    id: &str,
    required: &[StrideCategory],
    notes: &[NotApplicable],
    asks: String,
) -> CoverageRow {
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
            let (state, count, detail) = match a {
                CellAnswer::Threats(n) => {
                    let first = m
                        .threats
                        .iter()
                        .find(|t| t.target.as_str() == id && t.stride.0.contains(&cat))
                        .map(|t| t.id.to_string())
                        .unwrap_or_default();
                    ("threats", n, first)
                }
                CellAnswer::NotApplicable(reason) => ("not-applicable", 0, reason),
                CellAnswer::Gap if reported => ("gap", 0, String::new()),
                CellAnswer::Gap => ("unanswered", 0, String::new()),
                CellAnswer::NotRequired => ("not-required", 0, String::new()),
            };
            CoverageCell {
                letter: cat.letter(),
                state,
                count,
                detail,
            }
        })
        .collect();
    CoverageRow {
        element: names.link(id),
        asks,
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states(yaml: &str) -> Vec<(String, String)> {
        let m: Model = serde_saphyr::from_str(yaml).unwrap();
        let names = ElementNames::new(&m);
        matrix(&m, &names)
            .into_iter()
            .map(|r| {
                let cells: Vec<&str> = r.cells.iter().map(|c| c.state).collect();
                (r.element.label, cells.join(" "))
            })
            .collect()
    }

    const MODEL: &str = r#"
tm: 1
id: m
title: M
status: in-review
risk: RISK
zones: [outside, inside]
components:
  - { id: api, name: API, kind: service, zone: inside }
  - { id: db, name: DB, kind: datastore, zone: inside }
  - { id: web, name: Web, kind: client, zone: outside }
flows:
  - { id: f1, from: web, to: api }
  - { id: f2, from: api, to: db }
threats:
  - { id: T-1, target: api, stride: spoofing, title: t, likelihood: low, impact: low, severity: low, status: open }
"#;

    #[test]
    fn high_risk_marks_every_required_gap_and_only_those() {
        let rows = states(&MODEL.replace("RISK", "high"));
        assert_eq!(rows[0].1, "threats gap gap gap gap gap");
        assert_eq!(
            rows[1].1, "not-required gap gap gap gap not-required",
            "a datastore is not asked S and E"
        );
        assert_eq!(
            rows[3].1,
            "not-required gap not-required gap gap not-required"
        );
        assert!(
            rows[4].1.split(' ').all(|s| s == "not-required"),
            "f2 stays inside one zone"
        );
    }

    #[test]
    fn medium_risk_reports_only_elements_with_no_answer_at_all() {
        let rows = states(&MODEL.replace("RISK", "medium"));
        assert_eq!(
            rows[0].1, "threats unanswered unanswered unanswered unanswered unanswered",
            "api has one threat, so TM201 is satisfied at medium risk"
        );
        assert_eq!(rows[1].1, "not-required gap gap gap gap not-required");
        let rows = states(&MODEL.replace("RISK", "low"));
        assert!(
            !rows.iter().any(|r| r.1.contains("gap")),
            "low risk asks nothing"
        );
    }
}
