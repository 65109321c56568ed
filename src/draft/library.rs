//! The threat library: entries as data (YAML embedded in the binary, plus a
//! project's own files), each with the element kinds and declarative
//! conditions it applies to, templates for the model's own names, and a
//! candidate mitigation. Loading checks every placeholder, so a typo in a
//! template is an error at load time, never a `{nmae}` in a drafted threat.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::code::FactKind;
use crate::load::Node;
use crate::model::{Classification, ComponentKind, Effort, Level, Severity, StrideCategory};

/// The built-in library files, one per STRIDE category.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("spoofing.yaml", include_str!("library/spoofing.yaml")),
    ("tampering.yaml", include_str!("library/tampering.yaml")),
    ("repudiation.yaml", include_str!("library/repudiation.yaml")),
    (
        "information-disclosure.yaml",
        include_str!("library/information-disclosure.yaml"),
    ),
    (
        "denial-of-service.yaml",
        include_str!("library/denial-of-service.yaml"),
    ),
    (
        "elevation-of-privilege.yaml",
        include_str!("library/elevation-of-privilege.yaml"),
    ),
];

/// What an entry can apply to: a component kind, a flow or a trust boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ElementKind {
    /// A data flow.
    Flow,
    /// A trust boundary.
    Boundary,
    /// A component of this kind.
    #[serde(untagged)]
    Component(ComponentKind),
}

impl ElementKind {
    /// Every element kind: the component kinds, then flow and boundary.
    pub fn all() -> Vec<ElementKind> {
        ComponentKind::ALL
            .iter()
            .map(|k| ElementKind::Component(*k))
            .chain([ElementKind::Flow, ElementKind::Boundary])
            .collect()
    }

    /// The spelling used in library files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            ElementKind::Component(k) => k.as_str(),
            ElementKind::Flow => "flow",
            ElementKind::Boundary => "boundary",
        }
    }
}

/// Declarative conditions over what tm knows of an element; all given ones
/// must hold. No expressions: each key is one fact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Conditions {
    /// The component's zone (a flow: either end's zone) is one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zone: Vec<String>,
    /// A flow crosses a trust boundary; a component sends or receives such a
    /// flow; a boundary is crossed by some flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crosses_boundary: Option<bool>,
    /// The flow's protocol (a component's or boundary's flows) is one of
    /// these, compared without case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protocol: Vec<String>,
    /// The flow is (`true`) or is not known to be (`false`) authenticated;
    /// for a component, some flow into it; for a boundary, some flow across it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticated: Option<bool>,
    /// Like `authenticated`, for encryption in transit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<bool>,
    /// The highest classification of the data the element stores or carries
    /// is at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_classification: Option<Classification>,
    /// The component's covered code has a fact of one of these kinds.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "fact_kinds"
    )]
    pub code_facts: Vec<FactKind>,
}

/// Every fact kind a `code-facts` condition may name.
pub const FACT_KINDS: &[FactKind] = &[
    FactKind::SqlBuilt,
    FactKind::CommandDynamic,
    FactKind::DeserializeInput,
    FactKind::PathFromInput,
    FactKind::RedirectComputed,
    FactKind::HtmlByHand,
    FactKind::UnsafeCode,
    FactKind::SecretRead,
    FactKind::TlsVerifyOff,
    FactKind::WeakRandom,
    FactKind::UnboundedRead,
];

/// The kebab-case name of a fact kind (its serde spelling).
pub fn fact_kind_name(kind: FactKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn fact_kinds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<FactKind>, D::Error> {
    let names: Vec<String> = Vec::deserialize(d)?;
    names
        .iter()
        .map(|n| {
            FACT_KINDS
                .iter()
                .copied()
                .find(|k| fact_kind_name(*k) == *n)
                .ok_or_else(|| {
                    let known: Vec<String> =
                        FACT_KINDS.iter().map(|k| fact_kind_name(*k)).collect();
                    serde::de::Error::custom(format!(
                        "unknown code fact `{n}`: use one of {}",
                        known.join(", ")
                    ))
                })
        })
        .collect()
}

impl Conditions {
    /// How many conditions the entry states: more means a more specific entry.
    pub fn count(&self) -> usize {
        usize::from(!self.zone.is_empty())
            + usize::from(self.crosses_boundary.is_some())
            + usize::from(!self.protocol.is_empty())
            + usize::from(self.authenticated.is_some())
            + usize::from(self.encrypted.is_some())
            + usize::from(self.min_classification.is_some())
            + usize::from(!self.code_facts.is_empty())
    }
}

/// Where an entry's mitigation sits, relative to the element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// On the element itself (a flow: its receiving side).
    #[default]
    Target,
    /// On the sending side of a flow.
    From,
    /// On the receiving side of a flow.
    To,
}

/// The candidate control of an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MitigationTemplate {
    /// The control, in one line (a template).
    pub control: String,
    /// What it involves (a template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where it sits.
    #[serde(default, rename = "where")]
    pub placement: Placement,
    /// Effort to put in place.
    pub effort: Effort,
    /// Added latency, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<String>,
    /// Operational burden.
    pub ops: Level,
    /// Residual risk once in place.
    pub residual: Level,
}

/// One library entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LibraryEntry {
    /// Stable id, e.g. `TL-S-001`.
    pub id: String,
    /// The STRIDE categories the threat falls in.
    pub stride: Vec<StrideCategory>,
    /// The element kinds it applies to.
    pub applies_to: Vec<ElementKind>,
    /// Conditions that must all hold.
    #[serde(default)]
    pub when: Conditions,
    /// One-line threat (a template).
    pub title: String,
    /// What could happen and how (a template).
    pub description: String,
    /// Suggested likelihood.
    pub likelihood: Level,
    /// Suggested impact.
    pub impact: Level,
    /// Suggested severity.
    pub severity: Severity,
    /// CWE numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwe: Vec<u32>,
    /// CAPEC numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capec: Vec<u32>,
    /// The candidate mitigation.
    pub mitigation: MitigationTemplate,
    /// A question for the developer, asked per code fact (a template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// The file it came from (`built-in:spoofing.yaml` or a project path).
    #[serde(skip_deserializing)]
    pub source: String,
}

/// A library file or entry that cannot be used, with where and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}\n  help: {help}")]
pub struct LibraryError {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// The placeholders a template may use, and when.
const ELEMENT_PLACEHOLDERS: &[&str] = &["name", "id", "kind", "zone", "data", "protocol", "model"];
const FLOW_PLACEHOLDERS: &[&str] = &["from", "to"];
const FACT_PLACEHOLDERS: &[&str] = &["fact.file", "fact.line", "fact.symbol", "fact.what"];

/// Splits a template into literal text and `{placeholder}` names.
/// `{{` and `}}` stand for literal braces.
pub fn template_parts(template: &str) -> Result<Vec<TemplatePart<'_>>, String> {
    let mut parts = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("{{") {
            parts.push(TemplatePart::Text("{"));
            rest = r;
        } else if let Some(r) = rest.strip_prefix("}}") {
            parts.push(TemplatePart::Text("}"));
            rest = r;
        } else if let Some(r) = rest.strip_prefix('{') {
            let end = r
                .find('}')
                .ok_or_else(|| "a `{` with no closing `}` (write `{{` for a brace)".to_owned())?;
            parts.push(TemplatePart::Placeholder(&r[..end]));
            rest = &r[end + 1..];
        } else if rest.starts_with('}') {
            return Err("a `}` with no opening `{` (write `}}` for a brace)".to_owned());
        } else {
            let end = rest.find(['{', '}']).unwrap_or(rest.len());
            parts.push(TemplatePart::Text(&rest[..end]));
            rest = &rest[end..];
        }
    }
    Ok(parts)
}

/// A piece of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplatePart<'a> {
    /// Literal text.
    Text(&'a str),
    /// A `{name}` to substitute.
    Placeholder(&'a str),
}

impl LibraryEntry {
    /// The templates of the entry, named by their key path.
    fn templates(&self) -> Vec<(&'static str, &str)> {
        let mut t = vec![
            ("title", self.title.as_str()),
            ("description", self.description.as_str()),
            ("mitigation.control", self.mitigation.control.as_str()),
        ];
        if let Some(d) = &self.mitigation.description {
            t.push(("mitigation.description", d));
        }
        if let Some(q) = &self.question {
            t.push(("question", q));
        }
        t
    }

    /// Whether the entry only applies to flows and boundaries (so `{from}`
    /// and `{to}` always have a value).
    fn only_links(&self) -> bool {
        self.applies_to
            .iter()
            .all(|k| matches!(k, ElementKind::Flow | ElementKind::Boundary))
    }

    /// Checks the entry's own consistency: id, lists, placeholders.
    /// Returns the key path and message of the first problem.
    fn validate(&self) -> Result<(), (String, String)> {
        let id_ok = !self.id.is_empty()
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
        if !id_ok {
            return Err((
                "id".into(),
                format!(
                    "entry id `{}` must be letters, digits, `-`, `_` or `.`",
                    self.id
                ),
            ));
        }
        if self.stride.is_empty() {
            return Err(("stride".into(), "`stride` lists no category".into()));
        }
        if self.applies_to.is_empty() {
            return Err((
                "applies-to".into(),
                "`applies-to` lists no element kind".into(),
            ));
        }
        for (key, template) in self.templates() {
            let parts = template_parts(template).map_err(|m| (key.to_owned(), m))?;
            for part in parts {
                let TemplatePart::Placeholder(name) = part else {
                    continue;
                };
                let known = ELEMENT_PLACEHOLDERS.contains(&name)
                    || (FLOW_PLACEHOLDERS.contains(&name) && self.only_links())
                    || (FACT_PLACEHOLDERS.contains(&name) && !self.when.code_facts.is_empty());
                if !known {
                    let why = if FLOW_PLACEHOLDERS.contains(&name) {
                        " (only for entries that apply to flows and boundaries alone)".to_owned()
                    } else if FACT_PLACEHOLDERS.contains(&name) {
                        " (only for entries with a `when.code-facts` condition)".to_owned()
                    } else {
                        String::new()
                    };
                    return Err((
                        key.to_owned(),
                        format!(
                            "unknown placeholder `{{{name}}}` in entry `{}`{why}",
                            self.id
                        ),
                    ));
                }
            }
        }
        if self.question.is_some() && self.when.code_facts.is_empty() {
            return Err((
                "question".into(),
                format!(
                    "entry `{}` has a `question` but no `when.code-facts`: questions are asked per code fact",
                    self.id
                ),
            ));
        }
        Ok(())
    }
}

/// Parses one library file: a YAML list of entries.
pub fn parse_file(shown: &str, text: &str) -> Result<Vec<LibraryEntry>, LibraryError> {
    let options = crate::load::yaml_options(32);
    let error_at = |line: u32, column: u32, message: String, help: &str| LibraryError {
        file: shown.to_owned(),
        line: line.max(1),
        column: column.max(1),
        message,
        help: help.to_owned(),
    };
    let mut entries: Vec<LibraryEntry> = serde_saphyr::from_str_with_options(text, options)
        .map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| {
                    (
                        u32::try_from(l.line()).unwrap_or(u32::MAX),
                        u32::try_from(l.column()).unwrap_or(u32::MAX),
                    )
                })
                .unwrap_or((1, 1));
            let raw = e.to_string();
            error_at(
                line,
                column,
                raw.lines().next().unwrap_or("invalid YAML").to_owned(),
                "a library file is a YAML list of entries; see `tm draft --library --format json` for the fields",
            )
        })?;
    let nodes = Node::parse(text, 32).ok();
    for (i, entry) in entries.iter_mut().enumerate() {
        entry.source = shown.to_owned();
        if let Err((key, message)) = entry.validate() {
            let item = nodes.as_ref().and_then(|n| match &n.value {
                crate::load::NodeValue::Seq(items) => items.get(i),
                _ => None,
            });
            let first = key.split('.').next().unwrap_or(&key);
            let at = item
                .and_then(|n| {
                    let v = n.get(first)?;
                    match key.split_once('.') {
                        Some((_, sub)) => v.get(sub).or(Some(v)),
                        None => Some(v),
                    }
                })
                .or(item)
                .map(|n| (n.span.line, n.span.column))
                .unwrap_or((1, 1));
            return Err(error_at(
                at.0,
                at.1,
                message,
                "placeholders: {name} {id} {kind} {zone} {data} {protocol} {model}; {from} {to} for flows and boundaries; {fact.file} {fact.line} {fact.symbol} {fact.what} with `when.code-facts`; write `{{` for a brace",
            ));
        }
    }
    Ok(entries)
}

/// The built-in entries, parsed. Their validity is a unit test, so a
/// failure here is a bug in tm; it is still reported, not a panic.
pub fn built_in() -> Result<Vec<LibraryEntry>, LibraryError> {
    let mut all = Vec::new();
    for (name, text) in BUILT_IN {
        all.extend(parse_file(&format!("built-in:{name}"), text)?);
    }
    Ok(all)
}

/// The library a project drafts from: built-ins (minus those switched off)
/// plus the project's files, with warnings about unknown ids.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// The entries in use, built-in first, then the project's in file order.
    pub entries: Vec<LibraryEntry>,
    /// Warnings to show (an unknown id in `draft-disable`).
    pub warnings: Vec<String>,
}

impl Library {
    /// Assembles the library from the built-ins, the project files
    /// (`(shown path, text)`) and the ids to switch off.
    pub fn assemble(
        project_files: &[(PathBuf, String)],
        disable: &[String],
    ) -> Result<Library, LibraryError> {
        let mut entries = built_in()?;
        for (path, text) in project_files {
            let shown = crate::project_root::shown(path);
            for entry in parse_file(&shown, text)? {
                if let Some(prev) = entries.iter().find(|e| e.id == entry.id) {
                    return Err(LibraryError {
                        file: shown.clone(),
                        line: 1,
                        column: 1,
                        message: format!("entry id `{}` is already used by {}", entry.id, prev.source),
                        help: "give the entry its own id (e.g. your team's prefix); to replace a built-in, switch it off with `draft-disable` and add yours".into(),
                    });
                }
                entries.push(entry);
            }
        }
        let mut warnings = Vec::new();
        for id in disable {
            if !entries.iter().any(|e| &e.id == id) {
                let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
                let close = crate::suggest::nearest(id, ids.iter().copied(), 3);
                warnings.push(match close.is_empty() {
                    false => format!(
                        "book.toml: `draft-disable` names `{id}`, which is no library entry; close ids: {} (`tm draft --library` lists them)",
                        close.join(", ")
                    ),
                    true => format!(
                        "book.toml: `draft-disable` names `{id}`, which is no library entry (`tm draft --library` lists them)"
                    ),
                });
            }
        }
        entries.retain(|e| !disable.contains(&e.id));
        Ok(Library { entries, warnings })
    }
}

/// Shown name of a library file, for callers that hold a path.
pub fn shown_path(path: &Path) -> String {
    crate::project_root::shown(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::coverage::{REQUIRED_FOR_FLOW, required_for_component};

    #[test]
    fn built_in_library_parses_and_is_big_enough() {
        let all = built_in().unwrap();
        assert!(all.len() >= 80, "{} entries", all.len());
        let mut ids: Vec<&str> = all.iter().map(|e| e.id.as_str()).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate ids");
        let mut titles: Vec<&str> = all.iter().map(|e| e.title.as_str()).collect();
        titles.sort();
        titles.dedup();
        assert_eq!(titles.len(), n, "two entries share a title");
    }

    #[test]
    fn every_element_kind_and_category_is_covered() {
        let all = built_in().unwrap();
        for kind in ElementKind::all() {
            assert!(all.iter().any(|e| e.applies_to.contains(&kind)), "{kind:?}");
        }
        for cat in StrideCategory::ALL {
            assert!(all.iter().any(|e| e.stride.contains(cat)), "{cat:?}");
        }
        // At high risk the draft must answer every required category; an
        // entry without conditions guarantees there is always a candidate.
        let unconditional = |kind: ElementKind, cat: StrideCategory| {
            all.iter().any(|e| {
                e.applies_to.contains(&kind) && e.stride.contains(&cat) && e.when.count() == 0
            })
        };
        for kind in ComponentKind::ALL {
            for cat in required_for_component(*kind) {
                assert!(
                    unconditional(ElementKind::Component(*kind), *cat),
                    "{kind:?} {cat:?}"
                );
            }
        }
        for cat in REQUIRED_FOR_FLOW {
            assert!(unconditional(ElementKind::Flow, *cat), "flow {cat:?}");
        }
        for cat in StrideCategory::ALL {
            assert!(
                unconditional(ElementKind::Boundary, *cat),
                "boundary {cat:?}"
            );
        }
    }

    #[test]
    fn every_fact_kind_has_an_entry_with_a_question() {
        let all = built_in().unwrap();
        let kinds = FACT_KINDS.iter().copied();
        for k in kinds {
            assert!(
                all.iter()
                    .any(|e| e.when.code_facts.contains(&k) && e.question.is_some()),
                "{k:?}"
            );
        }
    }

    const ENTRY: &str = "- id: X-1\n  stride: [spoofing]\n  applies-to: [service]\n  title: \"T {name}\"\n  description: d\n  likelihood: low\n  impact: low\n  severity: low\n  mitigation:\n    control: c\n    effort: S\n    ops: low\n    residual: low\n";

    #[test]
    fn a_project_entry_loads() {
        let e = parse_file("lib.yaml", ENTRY).unwrap();
        assert_eq!(e[0].id, "X-1");
        assert_eq!(e[0].source, "lib.yaml");
    }

    #[test]
    fn unknown_placeholder_is_an_error_at_its_line() {
        let text = ENTRY.replace("T {name}", "T {nmae}");
        let err = parse_file("lib.yaml", &text).unwrap_err();
        assert_eq!((err.line, err.column), (4, 10), "{err}");
        assert!(err.message.contains("`{nmae}`"), "{err}");
        let text = ENTRY.replace("T {name}", "T {from}");
        let err = parse_file("lib.yaml", &text).unwrap_err();
        assert!(err.message.contains("flows and boundaries"), "{err}");
        let text = ENTRY.replace("T {name}", "T {fact.file}");
        let err = parse_file("lib.yaml", &text).unwrap_err();
        assert!(err.message.contains("code-facts"), "{err}");
        let text = ENTRY.replace("T {name}", "T {name");
        assert!(parse_file("lib.yaml", &text).is_err());
    }

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let text = ENTRY.replace("  description: d\n", "  descripton: d\n");
        let err = parse_file("lib.yaml", &text).unwrap_err();
        assert!(err.line >= 1 && err.message.contains("descripton"), "{err}");
    }

    #[test]
    fn disable_switches_off_and_warns_on_unknown_ids() {
        let lib = Library::assemble(&[], &["TL-S-001".into(), "TL-S-01".into()]).unwrap();
        assert!(!lib.entries.iter().any(|e| e.id == "TL-S-001"));
        assert_eq!(lib.warnings.len(), 1);
        assert!(lib.warnings[0].contains("TL-S-001"), "{}", lib.warnings[0]);
    }

    #[test]
    fn a_project_entry_may_not_reuse_a_built_in_id() {
        let text = ENTRY.replace("X-1", "TL-S-001");
        let err = Library::assemble(&[(PathBuf::from("lib.yaml"), text)], &[]).unwrap_err();
        assert!(err.message.contains("already used"), "{err}");
    }
}
