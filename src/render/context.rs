//! The template context of one model page: the model turned into rows and cells
//! the templates only have to print. Every list is in model order or sorted, so
//! the page is the same bytes for the same input.

use std::collections::BTreeMap;

use serde::Serialize;

use super::code::{CodeSection, SourceLinks};
use super::diagram;
use super::history::{HistorySection, timeline_anchor};
use super::markdown::{inline_html, to_html};
use crate::code::ModelCode;
use crate::diagnostic::Diagnostic;
use crate::history::queue::queued_unmitigated;
use crate::history::{HistoryReach, ModelHistory};
use crate::load::LoadedModel;
use crate::model::{Level, MitigationStatus, Model, RiskLevel, Severity, Threat, ThreatStatus};

/// Everything a model page shows.
#[derive(Debug, Serialize)]
pub struct ModelPage {
    /// The headline facts, shared with the index.
    pub summary: ModelSummary,
    /// Owners of the model.
    pub owners: Vec<String>,
    /// The file the model was read from, relative to the project root.
    pub file: String,
    /// Revision of the model.
    pub version: Option<u32>,
    /// The summary, as sanitized HTML.
    pub summary_html: String,
    /// Data assets.
    pub data: Vec<DataRow>,
    /// The data-flow diagram, as inline SVG (all model text escaped).
    pub diagram_svg: String,
    /// Components, flows and boundaries, for the element list.
    pub elements: Vec<ElementRow>,
    /// The STRIDE table: one row per threat.
    pub threats: Vec<ThreatRow>,
    /// The coverage matrix: one row per component and flow.
    pub coverage: Vec<super::coverage::CoverageRow>,
    /// Mitigations with status, cost and residual risk.
    pub mitigations: Vec<MitigationRow>,
    /// Reviews and sign-offs.
    pub reviews: Vec<ReviewRow>,
    /// Accepted risks with their expiry.
    pub accepted: Vec<AcceptedRow>,
    /// Check findings about this model.
    pub findings: Vec<FindingRow>,
    /// Files and symbols the components and mitigations cover, if any.
    pub code: Option<CodeSection>,
    /// Commits that touched the model and each threat's timeline, if gathered.
    pub history: Option<HistorySection>,
    /// Questions about the model, open ones first.
    pub questions: Vec<super::questions::QuestionRow>,
}

/// What a model page shows besides the model itself, gathered by earlier stages.
#[derive(Debug, Clone, Copy)]
pub struct ModelExtras<'a> {
    /// The code cross-check's view of this model.
    pub code: Option<&'a ModelCode>,
    /// How to link to the code.
    pub links: SourceLinks<'a>,
    /// How far git history reaches, and this model's history (`None` inside
    /// when the file has no commit yet); `None` when history was not gathered.
    pub history: Option<(&'a HistoryReach, Option<&'a ModelHistory>)>,
    /// The severity from which the review queue lists unmitigated open threats.
    pub queue_severity: Severity,
}

/// The facts about a model the index and the model page header share.
#[derive(Debug, Clone, Serialize)]
pub struct ModelSummary {
    /// Model id.
    pub id: String,
    /// Model title.
    pub title: String,
    /// Link from the site root.
    pub href: String,
    /// Life-cycle status.
    pub status: &'static str,
    /// Required analysis depth.
    pub risk: &'static str,
    /// The risk as a number (low 0 … critical 3), for sorting.
    pub risk_rank: usize,
    /// Whether the model is a draft or holds threats nobody reviewed yet.
    pub draft: bool,
    /// How many threats are still marked as drafted.
    pub drafted_threats: usize,
    /// Threat counts by status.
    pub counts: StatusCounts,
    /// Open threats at or above the queue severity (high by default) with no
    /// mitigation: exactly the ones the review queue lists.
    pub open_high: usize,
    /// Date of the latest review, if any.
    pub last_review: Option<String>,
    /// How many check findings concern the model.
    pub findings: usize,
    /// Components whose code changed since the last security review (from the
    /// review queue; empty when no queue was gathered).
    pub drift: Vec<String>,
    /// Questions still waiting for an answer.
    pub open_questions: usize,
    /// How many mitigations are still marked as drafted.
    pub drafted_mitigations: usize,
}

/// Threat counts by status.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct StatusCounts {
    /// All threats.
    pub total: usize,
    /// Status `open`.
    pub open: usize,
    /// Status `mitigated`.
    pub mitigated: usize,
    /// Status `accepted`.
    pub accepted: usize,
    /// Status `transferred`.
    pub transferred: usize,
    /// Status `not-applicable`.
    pub not_applicable: usize,
}

/// A data asset.
#[derive(Debug, Serialize)]
pub struct DataRow {
    /// Asset id.
    pub id: String,
    /// Asset name.
    pub name: String,
    /// Classification.
    pub classification: &'static str,
    /// Description as HTML.
    pub description_html: String,
    /// Names of the components that hold it.
    pub held_by: Vec<String>,
}

/// A component, flow or boundary in the element list.
#[derive(Debug, Serialize)]
pub struct ElementRow {
    /// Page anchor.
    pub anchor: String,
    /// `component`, `flow` or `boundary`.
    pub element: &'static str,
    /// Element id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kind, zone or endpoints, in words.
    pub detail: String,
    /// Description as HTML.
    pub description_html: String,
    /// Anchor of its entry in the code section, when it names code.
    pub code: String,
}

/// A link to something on a page, with its label.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// The label.
    pub label: String,
    /// The target: an anchor on the same page.
    pub href: String,
    /// Extra information, e.g. a mitigation's status.
    pub note: &'static str,
}

/// One row of the STRIDE table.
#[derive(Debug, Serialize)]
pub struct ThreatRow {
    /// Threat id, also the anchor.
    pub id: String,
    /// What it targets.
    pub target: Link,
    /// STRIDE letters, e.g. `S T`.
    pub letters: String,
    /// STRIDE category names, space separated, for the filter.
    pub categories: String,
    /// One-line title.
    pub title: String,
    /// The title as inline HTML (code spans and emphasis, sanitized).
    pub title_html: String,
    /// Ids the row answers to in the table filter: its own, its target's and
    /// its mitigations'.
    pub ids: String,
    /// Description as HTML.
    pub description_html: String,
    /// The control in place today, as inline HTML.
    pub current_html: String,
    /// Mitigations implemented or verified (shown as current).
    pub done: Vec<Link>,
    /// Mitigations proposed, accepted or in progress.
    pub mitigations: Vec<Link>,
    /// Likelihood × impact as a number (1 … 9), for sorting.
    pub li_rank: usize,
    /// Likelihood.
    pub likelihood: &'static str,
    /// Impact.
    pub impact: &'static str,
    /// Severity.
    pub severity: &'static str,
    /// Severity as a number, for sorting.
    pub severity_rank: usize,
    /// Status.
    pub status: &'static str,
    /// Whether nobody reviewed it yet.
    pub drafted: bool,
    /// The threat-library entry it was drafted from, if any.
    pub library: String,
    /// Why not applicable / to whom transferred, as HTML.
    pub reason_html: String,
    /// Anchor of its timeline in the history section, when it has one.
    pub timeline: String,
}

/// A mitigation.
#[derive(Debug, Serialize)]
pub struct MitigationRow {
    /// Anchor on the page.
    pub anchor: String,
    /// Mitigation id.
    pub id: String,
    /// The control.
    pub control: String,
    /// The control as inline HTML.
    pub control_html: String,
    /// Description as HTML.
    pub description_html: String,
    /// Where it sits.
    pub location: Option<Link>,
    /// Status.
    pub status: &'static str,
    /// Effort, latency and ops cost, in words.
    pub cost: String,
    /// Residual risk.
    pub residual: &'static str,
    /// Residual risk as a number (0 none, 1 low … 3 high), for sorting.
    pub residual_rank: usize,
    /// Tracking reference.
    pub tracking: String,
    /// Security sign-off, "who on date".
    pub signoff: String,
    /// Threats it addresses.
    pub threats: Vec<Link>,
    /// Whether nobody reviewed it yet.
    pub drafted: bool,
    /// The threat-library entry it was drafted from, if any.
    pub library: String,
}

/// A review.
#[derive(Debug, Serialize)]
pub struct ReviewRow {
    /// Review kind.
    pub kind: &'static str,
    /// Reviewer.
    pub by: String,
    /// Date.
    pub at: String,
    /// Reviewed revision.
    pub commit: String,
    /// Outcome.
    pub outcome: &'static str,
    /// Notes as HTML.
    pub notes_html: String,
}

/// An accepted risk.
#[derive(Debug, Serialize)]
pub struct AcceptedRow {
    /// The threat.
    pub threat: Link,
    /// Severity of the threat.
    pub severity: &'static str,
    /// Who accepted it.
    pub by: String,
    /// When.
    pub at: String,
    /// When it lapses.
    pub expires: String,
    /// Why, as HTML.
    pub rationale_html: String,
}

/// A check finding shown on the page it concerns.
#[derive(Debug, Serialize)]
pub struct FindingRow {
    /// `error` or `warning`.
    pub severity: String,
    /// Rule code and name.
    pub rule: String,
    /// What is wrong, as sanitized inline HTML (code spans for `ids`).
    pub message_html: String,
    /// `file:line:column`.
    pub location: String,
    /// How to fix it, as sanitized inline HTML.
    pub help_html: String,
}

impl FindingRow {
    /// The row for one diagnostic.
    pub fn new(d: &Diagnostic) -> FindingRow {
        let file = d.file.display();
        FindingRow {
            severity: d.severity.to_string(),
            rule: format!("{} {}", d.rule.code(), d.rule.name()),
            // Messages quote user values: only their code spans are markup.
            message_html: super::markdown::code_spans_html(&d.message),
            location: match d.span {
                Some(s) => format!("{file}:{}:{}", s.line, s.column),
                None => file.to_string(),
            },
            help_html: d
                .help
                .as_deref()
                .map(super::markdown::code_spans_html)
                .unwrap_or_default(),
        }
    }
}

/// The page path of a model, relative to the site root.
pub fn model_href(id: &str) -> String {
    format!("models/{id}.html")
}

/// Anchor of a component, flow or boundary (prefixed: threats own the bare ids).
pub fn element_anchor(id: &str) -> String {
    format!("el-{id}")
}

/// Anchor of a data asset.
pub fn data_anchor(id: &str) -> String {
    format!("data-{id}")
}

/// Anchor of a mitigation.
pub fn mitigation_anchor(id: &str) -> String {
    format!("mit-{id}")
}

fn md(text: Option<&str>) -> String {
    text.map(to_html).unwrap_or_default()
}

/// Counts, draft state and latest review of a model.
pub fn summarize(loaded: &LoadedModel, findings: usize, queue_severity: Severity) -> ModelSummary {
    let m = &loaded.model;
    let mut counts = StatusCounts::default();
    for t in &m.threats {
        counts.total += 1;
        match t.status {
            ThreatStatus::Open => counts.open += 1,
            ThreatStatus::Mitigated => counts.mitigated += 1,
            ThreatStatus::Accepted => counts.accepted += 1,
            ThreatStatus::Transferred => counts.transferred += 1,
            ThreatStatus::NotApplicable => counts.not_applicable += 1,
        }
    }
    let drafted_threats = m.threats.iter().filter(|t| t.drafted).count();
    let drafted_mitigations = m.mitigations.iter().filter(|x| x.drafted).count();
    ModelSummary {
        id: m.id.to_string(),
        title: m.title.clone(),
        href: model_href(m.id.as_str()),
        status: m.status.as_str(),
        risk: m.risk.as_str(),
        risk_rank: rank(RiskLevel::ALL, m.risk),
        draft: m.status == crate::model::ModelStatus::Draft
            || drafted_threats > 0
            || drafted_mitigations > 0,
        drafted_threats,
        counts,
        open_high: m
            .threats
            .iter()
            .filter(|t| queued_unmitigated(m, t, queue_severity))
            .count(),
        last_review: m.last_review(None).map(|r| r.at.to_string()),
        findings,
        drift: Vec::new(),
        open_questions: m
            .questions
            .iter()
            .filter(|q| super::questions::is_open(q))
            .count(),
        drafted_mitigations,
    }
}

/// Builds the context of one model page.
pub fn model_page(
    loaded: &LoadedModel,
    findings: &[&Diagnostic],
    extras: ModelExtras<'_>,
) -> ModelPage {
    let m = &loaded.model;
    let names = ElementNames::new(m);
    let threat_ids: Vec<&str> = m.threats.iter().map(|t| t.id.as_str()).collect();
    let history = extras
        .history
        .map(|(reach, h)| super::history::model_section(reach, h, &threat_ids));
    let with_timeline = |mut row: ThreatRow| {
        if history
            .as_ref()
            .is_some_and(|h| h.timelines.iter().any(|t| t.threat == row.id))
        {
            row.timeline = timeline_anchor(&row.id);
        }
        row
    };
    let with_code: Vec<&str> = extras
        .code
        .map(|c| c.components.iter().map(|e| e.id.as_str()).collect())
        .unwrap_or_default();
    ModelPage {
        summary: summarize(loaded, findings.len(), extras.queue_severity),
        owners: m.owners.clone(),
        file: loaded.file.display().to_string(),
        version: m.version,
        summary_html: md(m.summary.as_deref()),
        data: m
            .data
            .iter()
            .map(|d| DataRow {
                id: d.id.to_string(),
                name: d.name.clone(),
                classification: d.classification.as_str(),
                description_html: md(d.description.as_deref()),
                held_by: m
                    .components
                    .iter()
                    .filter(|c| c.data.contains(&d.id))
                    .map(|c| c.name.clone())
                    .collect(),
            })
            .collect(),
        diagram_svg: diagram::render(m),
        elements: elements(m, &with_code),
        threats: m
            .threats
            .iter()
            .map(|t| with_timeline(threat_row(t, &names, m)))
            .collect(),
        coverage: super::coverage::matrix(m, &names),
        mitigations: mitigations(m, &names),
        reviews: m
            .reviews
            .iter()
            .map(|r| ReviewRow {
                kind: r.kind.as_str(),
                by: r.by.clone(),
                at: r.at.to_string(),
                commit: r.commit.clone().unwrap_or_default(),
                outcome: r.outcome.as_str(),
                notes_html: md(r.notes.as_deref()),
            })
            .collect(),
        accepted: m
            .threats
            .iter()
            .filter(|t| t.status == ThreatStatus::Accepted)
            .map(|t| {
                let a = t.acceptance.as_ref();
                AcceptedRow {
                    threat: threat_link(t),
                    severity: t.severity.as_str(),
                    by: a.map(|a| a.by.clone()).unwrap_or_default(),
                    at: a.map(|a| a.at.to_string()).unwrap_or_default(),
                    expires: a
                        .and_then(|a| a.expires)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    rationale_html: md(a.map(|a| a.rationale.as_str())),
                }
            })
            .collect(),
        findings: findings.iter().map(|d| FindingRow::new(d)).collect(),
        code: super::code::model_section(extras.code, &names, extras.links),
        history,
        questions: super::questions::rows(m, &names, extras.links),
    }
}

/// Display names of the elements of a model, by id.
pub(super) struct ElementNames<'a>(BTreeMap<&'a str, &'a str>);

impl<'a> ElementNames<'a> {
    pub(super) fn new(m: &'a Model) -> ElementNames<'a> {
        let mut map = BTreeMap::new();
        for c in &m.components {
            map.insert(c.id.as_str(), c.name.as_str());
        }
        for f in &m.flows {
            map.insert(f.id.as_str(), f.name.as_deref().unwrap_or(f.id.as_str()));
        }
        for b in &m.boundaries {
            map.insert(b.id.as_str(), b.name.as_deref().unwrap_or(b.id.as_str()));
        }
        ElementNames(map)
    }

    pub(super) fn link(&self, id: &str) -> Link {
        Link {
            label: self.0.get(id).copied().unwrap_or(id).to_owned(),
            href: format!("#{}", element_anchor(id)),
            note: "",
        }
    }
}

/// The position of a value in its ordered vocabulary.
fn rank<T: PartialEq + Copy>(all: &[T], value: T) -> usize {
    all.iter().position(|v| *v == value).unwrap_or(0)
}

/// A threat's mitigations in place (`done`) or still to come (not `done`);
/// rejected ones are in neither, and unknown ids are shown as still to come.
fn mitigation_links(t: &Threat, m: &Model, done: bool) -> Vec<Link> {
    t.mitigations
        .iter()
        .filter_map(|id| {
            let found = m.mitigations.iter().find(|x| &x.id == id);
            let status = found.map(|x| x.status);
            let is_done = matches!(
                status,
                Some(MitigationStatus::Implemented | MitigationStatus::Verified)
            );
            if status == Some(MitigationStatus::Rejected) || is_done != done {
                return None;
            }
            Some(Link {
                label: id.to_string(),
                href: format!("#{}", mitigation_anchor(id.as_str())),
                note: found.map_or("unknown", |x| x.status.as_str()),
            })
        })
        .collect()
}

fn threat_link(t: &Threat) -> Link {
    Link {
        label: format!("{} {}", t.id, t.title),
        href: format!("#{}", t.id),
        note: t.status.as_str(),
    }
}

fn threat_row(t: &Threat, names: &ElementNames<'_>, m: &Model) -> ThreatRow {
    let cats = &t.stride.0;
    ThreatRow {
        id: t.id.to_string(),
        target: names.link(t.target.as_str()),
        letters: cats
            .iter()
            .map(|c| c.letter().to_string())
            .collect::<Vec<_>>()
            .join(" "),
        categories: cats
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        title: t.title.clone(),
        title_html: inline_html(&t.title),
        ids: std::iter::once(t.id.as_str())
            .chain(std::iter::once(t.target.as_str()))
            .chain(t.mitigations.iter().map(|x| x.as_str()))
            .collect::<Vec<_>>()
            .join(" "),
        description_html: md(t.description.as_deref()),
        current_html: t.current.as_deref().map(inline_html).unwrap_or_default(),
        done: mitigation_links(t, m, true),
        mitigations: mitigation_links(t, m, false),
        li_rank: (rank(Level::ALL, t.likelihood) + 1) * (rank(Level::ALL, t.impact) + 1),
        likelihood: t.likelihood.as_str(),
        impact: t.impact.as_str(),
        severity: t.severity.as_str(),
        severity_rank: rank(Severity::ALL, t.severity),
        status: t.status.as_str(),
        drafted: t.drafted,
        library: t.library.clone().unwrap_or_default(),
        reason_html: md(t.reason.as_deref()),
        timeline: String::new(),
    }
}

fn elements(m: &Model, with_code: &[&str]) -> Vec<ElementRow> {
    let code = |id: &str| {
        if with_code.contains(&id) {
            format!("code-{id}")
        } else {
            String::new()
        }
    };
    let components = m.components.iter().map(|c| ElementRow {
        anchor: element_anchor(c.id.as_str()),
        element: "component",
        id: c.id.to_string(),
        name: c.name.clone(),
        detail: match &c.zone {
            Some(z) => format!("{} in zone {z}", c.kind.as_str()),
            None => c.kind.as_str().to_owned(),
        },
        description_html: md(c.description.as_deref()),
        code: code(c.id.as_str()),
    });
    let flows = m.flows.iter().map(|f| ElementRow {
        anchor: element_anchor(f.id.as_str()),
        element: "flow",
        id: f.id.to_string(),
        name: f.name.clone().unwrap_or_else(|| f.id.to_string()),
        detail: format!(
            "{} → {}{}{}{}",
            f.from,
            f.to,
            f.protocol
                .as_deref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default(),
            match f.authenticated {
                Some(true) => ", authenticated",
                Some(false) => ", unauthenticated",
                None => "",
            },
            match f.encrypted {
                Some(true) => ", encrypted",
                Some(false) => ", unencrypted",
                None => "",
            },
        ),
        description_html: md(f.description.as_deref()),
        code: String::new(),
    });
    let boundaries = m.boundaries.iter().map(|b| ElementRow {
        anchor: element_anchor(b.id.as_str()),
        element: "boundary",
        id: b.id.to_string(),
        name: b.name.clone().unwrap_or_else(|| b.id.to_string()),
        detail: format!(
            "between {}",
            b.between
                .iter()
                .map(|z| z.as_str())
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        description_html: md(b.description.as_deref()),
        code: String::new(),
    });
    components.chain(flows).chain(boundaries).collect()
}

fn mitigations(m: &Model, names: &ElementNames<'_>) -> Vec<MitigationRow> {
    m.mitigations
        .iter()
        .map(|x| {
            let cost = x
                .cost
                .as_ref()
                .map(|c| {
                    [
                        c.effort.map(|e| format!("effort {e}")),
                        c.latency.as_ref().map(|l| format!("latency {l}")),
                        c.ops.map(|o| format!("ops {o}")),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
                })
                .unwrap_or_default();
            MitigationRow {
                anchor: mitigation_anchor(x.id.as_str()),
                id: x.id.to_string(),
                control: x.control.clone(),
                control_html: inline_html(&x.control),
                description_html: md(x.description.as_deref()),
                location: x.location.as_ref().map(|l| names.link(l.as_str())),
                status: x.status.as_str(),
                cost,
                residual: x.residual.map_or("", |r| r.as_str()),
                residual_rank: x.residual.map_or(0, |r| rank(Level::ALL, r) + 1),
                tracking: x.tracking.clone().unwrap_or_default(),
                signoff: x
                    .signoff
                    .as_ref()
                    .map(|s| format!("{} on {}", s.by, s.at))
                    .unwrap_or_default(),
                threats: m
                    .threats
                    .iter()
                    .filter(|t| t.mitigations.contains(&x.id))
                    .map(threat_link)
                    .collect(),
                drafted: x.drafted,
                library: x.library.clone().unwrap_or_default(),
            }
        })
        .collect()
}
