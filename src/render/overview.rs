//! Contexts of the cross-model pages: the mitigation status board and the
//! risk heat map. The index reuses each model's [`ModelSummary`](super::context::ModelSummary).

use serde::Serialize;

use super::context::{mitigation_anchor, model_href};
use crate::load::Project;
use crate::model::{Level, MitigationStatus, ThreatStatus};

/// The mitigation status board.
#[derive(Debug, Serialize)]
pub struct Board {
    /// One column per status, in progress order.
    pub columns: Vec<BoardColumn>,
    /// Per model: counts per status, in the same order as `columns`.
    pub by_model: Vec<BoardModelRow>,
}

/// All mitigations in one status.
#[derive(Debug, Serialize)]
pub struct BoardColumn {
    /// The status.
    pub status: &'static str,
    /// Its mitigations, by model then mitigation order.
    pub items: Vec<BoardItem>,
}

/// One mitigation on the board.
#[derive(Debug, Serialize)]
pub struct BoardItem {
    /// Link from the site root.
    pub href: String,
    /// Mitigation id.
    pub id: String,
    /// The control.
    pub control: String,
    /// Model title.
    pub model: String,
}

/// One model's mitigation counts.
#[derive(Debug, Serialize)]
pub struct BoardModelRow {
    /// Model title.
    pub title: String,
    /// Link from the site root.
    pub href: String,
    /// Counts per status.
    pub counts: Vec<usize>,
}

/// Builds the mitigation status board.
pub fn board(project: &Project) -> Board {
    let mut columns: Vec<BoardColumn> = MitigationStatus::ALL
        .iter()
        .map(|s| BoardColumn {
            status: s.as_str(),
            items: Vec::new(),
        })
        .collect();
    let mut by_model = Vec::new();
    for loaded in &project.models {
        let m = &loaded.model;
        let mut counts = vec![0; MitigationStatus::ALL.len()];
        for x in &m.mitigations {
            let i = MitigationStatus::ALL
                .iter()
                .position(|s| *s == x.status)
                .unwrap_or(0);
            counts[i] += 1;
            columns[i].items.push(BoardItem {
                href: format!(
                    "{}#{}",
                    model_href(m.id.as_str()),
                    mitigation_anchor(x.id.as_str())
                ),
                id: x.id.to_string(),
                control: x.control.clone(),
                model: m.title.clone(),
            });
        }
        by_model.push(BoardModelRow {
            title: m.title.clone(),
            href: model_href(m.id.as_str()),
            counts,
        });
    }
    Board { columns, by_model }
}

/// The risk heat map of unresolved threats (open or accepted).
#[derive(Debug, Serialize)]
pub struct HeatMap {
    /// Rows from high to low likelihood.
    pub rows: Vec<HeatRow>,
    /// Impact levels, low to high (column headers).
    pub impacts: Vec<&'static str>,
    /// The threats of each non-empty cell, for the lists the cells link to.
    pub cells: Vec<HeatCell>,
}

/// One likelihood row.
#[derive(Debug, Serialize)]
pub struct HeatRow {
    /// The likelihood.
    pub likelihood: &'static str,
    /// One cell per impact level.
    pub cells: Vec<HeatCell>,
}

/// One likelihood × impact cell.
#[derive(Debug, Clone, Serialize)]
pub struct HeatCell {
    /// Anchor of the cell's threat list.
    pub anchor: String,
    /// Likelihood.
    pub likelihood: &'static str,
    /// Impact.
    pub impact: &'static str,
    /// Heat, 0 (cool) to 4 (hot), for colouring.
    pub heat: usize,
    /// How many threats the cell holds.
    pub count: usize,
    /// The threats in the cell.
    pub threats: Vec<HeatThreat>,
}

/// A threat listed under a heat-map cell.
#[derive(Debug, Clone, Serialize)]
pub struct HeatThreat {
    /// Link from the site root.
    pub href: String,
    /// Threat id.
    pub id: String,
    /// Threat title.
    pub title: String,
    /// Status.
    pub status: &'static str,
    /// Severity.
    pub severity: &'static str,
    /// Model title.
    pub model: String,
}

/// Builds the heat map.
pub fn heat_map(project: &Project) -> HeatMap {
    let levels = Level::ALL;
    let mut grid: Vec<Vec<HeatCell>> = levels
        .iter()
        .enumerate()
        .map(|(li, l)| {
            levels
                .iter()
                .enumerate()
                .map(|(ii, i)| HeatCell {
                    anchor: format!("cell-{}-{}", l.as_str(), i.as_str()),
                    likelihood: l.as_str(),
                    impact: i.as_str(),
                    heat: li + ii,
                    count: 0,
                    threats: Vec::new(),
                })
                .collect()
        })
        .collect();
    for loaded in &project.models {
        let m = &loaded.model;
        for t in &m.threats {
            if !matches!(t.status, ThreatStatus::Open | ThreatStatus::Accepted) {
                continue;
            }
            let li = levels.iter().position(|l| *l == t.likelihood).unwrap_or(0);
            let ii = levels.iter().position(|l| *l == t.impact).unwrap_or(0);
            grid[li][ii].threats.push(HeatThreat {
                href: format!("{}#{}", model_href(m.id.as_str()), t.id),
                id: t.id.to_string(),
                title: t.title.clone(),
                status: t.status.as_str(),
                severity: t.severity.as_str(),
                model: m.title.clone(),
            });
        }
    }
    for cell in grid.iter_mut().flatten() {
        cell.count = cell.threats.len();
    }
    let cells = grid
        .iter()
        .rev()
        .flat_map(|row| row.iter().rev())
        .filter(|c| !c.threats.is_empty())
        .cloned()
        .collect();
    let rows = grid
        .into_iter()
        .rev()
        .map(|cells| HeatRow {
            likelihood: cells[0].likelihood,
            cells: cells
                .into_iter()
                .map(|mut c| {
                    c.threats = Vec::new();
                    c
                })
                .collect(),
        })
        .collect();
    HeatMap {
        rows,
        impacts: levels.iter().map(|l| l.as_str()).collect(),
        cells,
    }
}
