//! The draft engine: for each element, the library entries whose kind and
//! conditions match, minus what the model already answers, at the depth the
//! model's risk asks for (the same depth the coverage rule checks).

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;

use crate::code::{CodeFact, CodeReport};
use crate::model::{
    Categories, Cost, Id, Mitigation, MitigationStatus, Model, Question, RiskLevel, Severity,
    StrideCategory, Threat, ThreatStatus,
};

use super::element::{Element, elements};
use super::library::{LibraryEntry, Placement};
use super::template::{Values, fill};

/// At most this many questions per entry and element (one per code fact).
const MAX_QUESTIONS_PER_ENTRY: usize = 3;

/// A drafted threat with its mitigation and why it was drafted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftedThreat {
    /// "component", "flow" or "boundary".
    pub element_noun: &'static str,
    /// What fired it: the entry, the conditions and the code facts.
    pub fired_by: Vec<String>,
    /// The threat, `drafted: true`, with `library` set.
    pub threat: Threat,
    /// Its candidate mitigation, `drafted: true`.
    pub mitigation: Mitigation,
}

/// A drafted question and the code fact that raised it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftedQuestion {
    /// What fired it.
    pub fired_by: String,
    /// The question, `drafted: true`.
    pub question: Question,
}

/// The draft of one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelDraft {
    /// The model id.
    pub model: String,
    /// The model file.
    pub file: PathBuf,
    /// Threats (each with its mitigation), element by element.
    pub threats: Vec<DraftedThreat>,
    /// Questions for the developer.
    pub questions: Vec<DraftedQuestion>,
}

impl ModelDraft {
    /// Whether the draft adds nothing.
    pub fn is_empty(&self) -> bool {
        self.threats.is_empty() && self.questions.is_empty()
    }
}

/// A matching entry for one element, before the depth decides.
struct Candidate<'e> {
    entry: &'e LibraryEntry,
    facts: Vec<&'e CodeFact>,
    /// The entry's categories the element has not answered yet.
    open: Vec<StrideCategory>,
}

impl Candidate<'_> {
    /// Better candidates sort first: grounded in code, more specific, more severe.
    fn rank(&self) -> (bool, usize, Severity) {
        (
            !self.facts.is_empty(),
            self.entry.when.count(),
            self.entry.severity,
        )
    }
}

/// Drafts one model: `only` limits the draft to one element id.
pub fn draft_model(
    model: &Model,
    file: PathBuf,
    code: &CodeReport,
    entries: &[LibraryEntry],
    only: Option<&str>,
) -> ModelDraft {
    let mut taken: BTreeSet<String> = model
        .components
        .iter()
        .map(|c| c.id.to_string())
        .chain(model.flows.iter().map(|f| f.id.to_string()))
        .chain(model.boundaries.iter().map(|b| b.id.to_string()))
        .chain(model.threats.iter().map(|t| t.id.to_string()))
        .chain(model.mitigations.iter().map(|m| m.id.to_string()))
        .chain(model.questions.iter().map(|q| q.id.to_string()))
        .chain(model.data.iter().map(|d| d.id.to_string()))
        .collect();
    let mut draft = ModelDraft {
        model: model.id.to_string(),
        file,
        threats: Vec::new(),
        questions: Vec::new(),
    };
    let mut asked: BTreeSet<(String, String)> = model
        .questions
        .iter()
        .filter_map(|q| Some((q.about.to_string(), q.code.clone()?)))
        .collect();
    for el in elements(model, code) {
        if only.is_some_and(|o| o != el.id) {
            continue;
        }
        let answered = el.answered(model);
        let candidates: Vec<Candidate<'_>> = entries
            .iter()
            .filter(|e| e.applies_to.contains(&el.kind))
            .filter_map(|e| {
                let facts = el.matches(&e.when)?;
                Some((e, facts))
            })
            .map(|(entry, facts)| Candidate {
                entry,
                facts,
                open: entry
                    .stride
                    .iter()
                    .copied()
                    .filter(|c| !answered.contains(c))
                    .collect(),
            })
            .collect();
        let already = |e: &LibraryEntry| {
            model
                .threats
                .iter()
                .any(|t| t.target.as_str() == el.id && t.library.as_deref() == Some(e.id.as_str()))
        };
        let open: Vec<&Candidate<'_>> = candidates
            .iter()
            .filter(|c| !c.open.is_empty() && !already(c.entry))
            .collect();
        let chosen = choose(model.risk, &el, &answered, &open);
        let values_for = |c: &Candidate<'_>, fact: Option<&CodeFact>| -> (String, String) {
            let v = Values {
                element: &el,
                fact,
                model: &model.title,
            };
            (fill(&c.entry.title, &v), fill(&c.entry.description, &v))
        };
        for c in chosen {
            let fact = c.facts.first().copied();
            let (title, description) = values_for(c, fact);
            let v = Values {
                element: &el,
                fact,
                model: &model.title,
            };
            let threat_id = unique(&mut taken, &format!("{}-{}", el.id, c.entry.id));
            let mitigation_id = unique(&mut taken, &format!("M-{}-{}", el.id, c.entry.id));
            let m = &c.entry.mitigation;
            let location = match m.placement {
                Placement::Target => el.locations.0.clone(),
                Placement::From => el.locations.1.clone(),
                Placement::To => el.locations.2.clone(),
            };
            draft.threats.push(DraftedThreat {
                element_noun: el.noun,
                fired_by: fired_by(c, &el),
                threat: Threat {
                    id: Id(threat_id),
                    target: Id(el.id.clone()),
                    stride: Categories(c.open.clone()),
                    title,
                    description: Some(with_refs(description, c.entry)),
                    likelihood: c.entry.likelihood,
                    impact: c.entry.impact,
                    severity: c.entry.severity,
                    status: ThreatStatus::Open,
                    current: None,
                    mitigations: vec![Id(mitigation_id.clone())],
                    acceptance: None,
                    reason: None,
                    drafted: true,
                    library: Some(c.entry.id.clone()),
                    annotations: Vec::new(),
                },
                mitigation: Mitigation {
                    id: Id(mitigation_id),
                    control: fill(&m.control, &v),
                    description: m.description.as_ref().map(|d| fill(d, &v)),
                    location: location.map(Id),
                    cost: Some(Cost {
                        effort: Some(m.effort),
                        latency: m.latency.clone(),
                        ops: Some(m.ops),
                    }),
                    residual: Some(m.residual),
                    status: MitigationStatus::Proposed,
                    tracking: None,
                    signoff: None,
                    code: None,
                    drafted: true,
                    library: Some(c.entry.id.clone()),
                    annotations: Vec::new(),
                },
            });
        }
        // Questions: every matching entry that asks one, per code fact,
        // whether or not its threat is drafted (an answered category still
        // leaves the developer's intent open).
        for c in &candidates {
            let Some(template) = &c.entry.question else {
                continue;
            };
            for (n, fact) in c.facts.iter().take(MAX_QUESTIONS_PER_ENTRY).enumerate() {
                let code = format!(
                    "{}:{}",
                    fact.file.to_string_lossy().replace('\\', "/"),
                    fact.span.line
                );
                if !asked.insert((el.id.clone(), code.clone())) {
                    continue;
                }
                let v = Values {
                    element: &el,
                    fact: Some(fact),
                    model: &model.title,
                };
                let id = unique(&mut taken, &format!("Q-{}-{}-{}", el.id, c.entry.id, n + 1));
                draft.questions.push(DraftedQuestion {
                    fired_by: format!("{} ({} at {code})", c.entry.id, fact_kind(fact)),
                    question: Question {
                        id: Id(id),
                        about: Id(el.id.clone()),
                        text: fill(template, &v),
                        code: Some(code),
                        answer: None,
                        answered_by: None,
                        answered_at: None,
                        drafted: true,
                        library: Some(c.entry.id.clone()),
                    },
                });
            }
        }
    }
    draft
}

/// The entries drafted for one element at the model's risk.
fn choose<'c, 'e>(
    risk: RiskLevel,
    el: &Element<'_>,
    answered: &[StrideCategory],
    open: &[&'c Candidate<'e>],
) -> Vec<&'c Candidate<'e>> {
    let mut sorted: Vec<&Candidate<'_>> = open.to_vec();
    sorted.sort_by(|a, b| {
        b.rank()
            .cmp(&a.rank())
            .then_with(|| a.entry.id.cmp(&b.entry.id))
    });
    let severe = |c: &&Candidate<'_>| c.entry.severity >= Severity::High;
    let mut chosen: Vec<&Candidate<'_>> = match risk {
        RiskLevel::Low => sorted.iter().copied().filter(severe).collect(),
        RiskLevel::Medium => sorted
            .iter()
            .copied()
            .filter(|c| severe(c) || !c.facts.is_empty())
            .collect(),
        RiskLevel::High | RiskLevel::Critical => sorted
            .iter()
            .copied()
            .filter(|c| c.entry.when.count() > 0)
            .collect(),
    };
    // Avoid two specific entries saying the same for the same categories:
    // keep the better-ranked one of each identical category set.
    let mut seen: Vec<(Vec<StrideCategory>, bool)> = Vec::new();
    chosen.retain(|c| {
        let key = (c.open.clone(), !c.facts.is_empty());
        if key.1 || !seen.contains(&key) {
            seen.push(key);
            true
        } else {
            false
        }
    });
    let covers = |chosen: &[&Candidate<'_>], cat: StrideCategory| {
        chosen.iter().any(|c| c.open.contains(&cat))
    };
    match risk {
        RiskLevel::Low => {}
        RiskLevel::Medium => {
            // At least one answer per element the coverage rule looks at.
            let unanswered =
                !el.required.is_empty() && el.required.iter().all(|c| !answered.contains(c));
            if unanswered
                && !el.required.iter().any(|cat| covers(&chosen, *cat))
                && let Some(best) = sorted
                    .iter()
                    .find(|c| c.open.iter().any(|cat| el.required.contains(cat)))
            {
                chosen.push(best);
            }
        }
        RiskLevel::High | RiskLevel::Critical => {
            for cat in &el.required {
                if answered.contains(cat) || covers(&chosen, *cat) {
                    continue;
                }
                if let Some(best) = sorted.iter().find(|c| c.open.contains(cat)) {
                    chosen.push(best);
                }
            }
        }
    }
    // Output order: by STRIDE category, then entry id.
    chosen.sort_by(|a, b| {
        a.open
            .first()
            .cmp(&b.open.first())
            .then_with(|| a.entry.id.cmp(&b.entry.id))
    });
    chosen.dedup_by(|a, b| a.entry.id == b.entry.id);
    chosen
}

/// A fresh id: `base`, or `base-2`, `base-3`… when taken.
fn unique(taken: &mut BTreeSet<String>, base: &str) -> String {
    let mut id = base.to_owned();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

fn fact_kind(f: &CodeFact) -> String {
    serde_json::to_value(f.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The description with the entry's CWE and CAPEC references appended.
fn with_refs(description: String, entry: &LibraryEntry) -> String {
    let refs: Vec<String> = entry
        .cwe
        .iter()
        .map(|n| format!("CWE-{n}"))
        .chain(entry.capec.iter().map(|n| format!("CAPEC-{n}")))
        .collect();
    if refs.is_empty() {
        description
    } else {
        format!("{description} ({})", refs.join(", "))
    }
}

/// Why an entry fired, in words.
fn fired_by(c: &Candidate<'_>, el: &Element<'_>) -> Vec<String> {
    let w = &c.entry.when;
    let what = if el.noun == el.kind.as_str() {
        el.noun.to_owned()
    } else {
        format!("{} {}", el.noun, el.kind.as_str())
    };
    let mut out = vec![format!("{} ({what})", c.entry.id)];
    if !w.zone.is_empty() {
        out.push(format!("zone {}", el.zones.join("/")));
    }
    if let Some(b) = w.crosses_boundary {
        out.push(
            if b {
                "crosses a trust boundary"
            } else {
                "stays in its zone"
            }
            .into(),
        );
    }
    if !w.protocol.is_empty() {
        out.push(format!("protocol {}", w.protocol.join("/")));
    }
    if let Some(a) = w.authenticated {
        out.push(
            if a {
                "authenticated"
            } else {
                "not authenticated"
            }
            .into(),
        );
    }
    if let Some(e) = w.encrypted {
        out.push(if e { "encrypted" } else { "not encrypted" }.into());
    }
    if let Some(min) = w.min_classification {
        out.push(format!(
            "data classified {} (at least {min})",
            el.max_classification().map(|c| c.as_str()).unwrap_or("?")
        ));
    }
    const SHOWN: usize = 5;
    for f in c.facts.iter().take(SHOWN) {
        out.push(format!(
            "{} at {}:{}{}",
            fact_kind(f),
            f.file.to_string_lossy().replace('\\', "/"),
            f.span.line,
            f.symbol
                .as_ref()
                .map(|s| format!(" in {s}"))
                .unwrap_or_default()
        ));
    }
    if c.facts.len() > SHOWN {
        out.push(format!("and {} more code facts", c.facts.len() - SHOWN));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{ElementCode, FactKind, ModelCode};
    use crate::diagnostic::Span;

    const MODEL: &str = "tm: 1\nid: shop\ntitle: Shop\nstatus: draft\nrisk: high\nzones: [web, core]\ndata:\n  - id: cards\n    name: Card numbers\n    classification: restricted\ncomponents:\n  - id: api\n    name: API {id}\n    kind: service\n    zone: core\n    data: [cards]\n  - id: db\n    name: DB\n    kind: datastore\n    zone: core\n    data: [cards]\n  - id: web\n    name: Web\n    kind: client\n    zone: web\nflows:\n  - id: f1\n    from: web\n    to: api\n    protocol: HTTPS\n    authenticated: true\n    encrypted: true\nboundaries:\n  - id: edge\n    between: [web, core]\n";

    fn model(text: &str) -> Model {
        serde_saphyr::from_str(text).unwrap()
    }

    fn facts(kinds: &[(FactKind, u32)]) -> CodeReport {
        CodeReport {
            models: vec![ModelCode {
                model: "shop".into(),
                components: vec![ElementCode {
                    id: "api".into(),
                    paths: vec![],
                    symbols: vec![],
                    facts: kinds
                        .iter()
                        .map(|(k, line)| CodeFact {
                            file: "src/db.rs".into(),
                            span: Span {
                                line: *line,
                                column: 5,
                                offset: 0,
                                len: 1,
                            },
                            kind: *k,
                            detector: "test",
                            what: "SQL built with `format!`",
                            symbol: Some("app::db::find".into()),
                        })
                        .collect(),
                }],
                mitigations: vec![],
            }],
            ..Default::default()
        }
    }

    fn library() -> Vec<LibraryEntry> {
        super::super::library::built_in().unwrap()
    }

    #[test]
    fn high_risk_answers_every_required_category_and_placeholders_resolve() {
        let m = model(MODEL);
        let d = draft_model(
            &m,
            "m.yaml".into(),
            &CodeReport::default(),
            &library(),
            None,
        );
        for (target, req) in [
            (
                "api",
                crate::check::coverage::required_for_component(
                    crate::model::ComponentKind::Service,
                ),
            ),
            (
                "db",
                crate::check::coverage::required_for_component(
                    crate::model::ComponentKind::Datastore,
                ),
            ),
            (
                "web",
                crate::check::coverage::required_for_component(crate::model::ComponentKind::Client),
            ),
            ("f1", crate::check::coverage::REQUIRED_FOR_FLOW),
        ] {
            for cat in req {
                assert!(
                    d.threats
                        .iter()
                        .any(|t| t.threat.target.as_str() == target
                            && t.threat.stride.0.contains(cat)),
                    "{target} {cat}"
                );
            }
        }
        assert!(d.threats.iter().any(|t| t.threat.target.as_str() == "edge"));
        for t in &d.threats {
            assert!(t.threat.drafted && t.mitigation.drafted);
            assert!(
                !t.threat.title.contains("{n") && !t.mitigation.control.contains("{n"),
                "{}",
                t.threat.title
            );
            assert_eq!(t.threat.mitigations, vec![t.mitigation.id.clone()]);
        }
        // A name holding a placeholder is not expanded again.
        assert!(
            d.threats
                .iter()
                .any(|t| t.threat.title.contains("API {id}"))
        );
        // Restricted data in a datastore fires the specific entry.
        assert!(
            d.threats
                .iter()
                .any(|t| t.threat.library.as_deref() == Some("TL-I-004"))
        );
        // Ids are unique.
        let mut ids: Vec<&str> = d
            .threats
            .iter()
            .flat_map(|t| [t.threat.id.as_str(), t.mitigation.id.as_str()])
            .collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }

    #[test]
    fn every_entry_fills_every_placeholder() {
        let m = model(MODEL);
        let all = super::super::library::FACT_KINDS;
        let code = facts(&all.iter().map(|k| (*k, 10)).collect::<Vec<_>>());
        let els = super::super::element::elements(&m, &code);
        let fact = els[0].facts.first();
        for e in library() {
            for el in els.iter().filter(|el| e.applies_to.contains(&el.kind)) {
                let v = Values {
                    element: el,
                    fact,
                    model: "Shop",
                };
                for t in [&e.title, &e.description, &e.mitigation.control] {
                    // The component named `API {id}` keeps its braces.
                    let filled = fill(t, &v).replace("API {id}", "");
                    let literal_braces = t.matches("{{").count();
                    assert!(
                        filled.matches('{').count() <= literal_braces,
                        "{}: {filled}",
                        e.id
                    );
                }
            }
        }
    }

    #[test]
    fn code_facts_fire_grounded_threats_and_questions() {
        let m = model(MODEL);
        let code = facts(&[(FactKind::SqlBuilt, 42), (FactKind::SqlBuilt, 7)]);
        let d = draft_model(&m, "m.yaml".into(), &code, &library(), Some("api"));
        let sqli = d
            .threats
            .iter()
            .find(|t| t.threat.library.as_deref() == Some("TL-T-002"))
            .unwrap();
        assert!(
            sqli.threat.title.contains("src/db.rs:7"),
            "{}",
            sqli.threat.title
        );
        assert!(
            sqli.fired_by
                .iter()
                .any(|f| f == "sql-built at src/db.rs:42 in app::db::find"),
            "{:?}",
            sqli.fired_by
        );
        assert_eq!(d.questions.len(), 2);
        assert_eq!(d.questions[0].question.code.as_deref(), Some("src/db.rs:7"));
        assert!(d.questions[0].question.text.contains("`app::db::find`"));
        assert!(d.threats.iter().all(|t| t.threat.target.as_str() == "api"));
    }

    #[test]
    fn what_the_model_answers_is_not_drafted_again() {
        let mut m = model(MODEL);
        let code = facts(&[(FactKind::SqlBuilt, 42)]);
        let d = draft_model(&m, "m.yaml".into(), &code, &library(), None);
        m.threats.extend(d.threats.iter().map(|t| t.threat.clone()));
        m.mitigations
            .extend(d.threats.iter().map(|t| t.mitigation.clone()));
        m.questions
            .extend(d.questions.iter().map(|q| q.question.clone()));
        let again = draft_model(&m, "m.yaml".into(), &code, &library(), None);
        assert!(
            again.is_empty(),
            "{:?}",
            again
                .threats
                .iter()
                .map(|t| &t.threat.id)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn not_applicable_notes_count_as_answers() {
        let text = MODEL.replace(
            "    zone: web\nflows",
            "    zone: web\n    not-applicable:\n      - stride: [spoofing, tampering, repudiation, information-disclosure, denial-of-service, elevation-of-privilege]\n        reason: test\nflows",
        );
        let m = model(&text);
        let d = draft_model(
            &m,
            "m.yaml".into(),
            &CodeReport::default(),
            &library(),
            Some("web"),
        );
        assert!(d.threats.is_empty());
    }

    #[test]
    fn medium_risk_gives_each_element_at_least_one() {
        let m = model(&MODEL.replace("risk: high", "risk: medium"));
        let d = draft_model(
            &m,
            "m.yaml".into(),
            &CodeReport::default(),
            &library(),
            None,
        );
        for id in ["api", "db", "web"] {
            assert!(
                d.threats.iter().any(|t| t.threat.target.as_str() == id),
                "{id}"
            );
        }
        let high = draft_model(
            &model(MODEL),
            "m.yaml".into(),
            &CodeReport::default(),
            &library(),
            None,
        );
        assert!(d.threats.len() < high.threats.len());
    }
}
