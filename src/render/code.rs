//! What the site shows of the code cross-check: on a model page, the files and
//! symbols each component and mitigation covers; on the "Unmodelled code"
//! page, the entry points no component covers and the ones suppressed on
//! purpose. Links to the code come from `source-url` and the commit the site
//! was built from; without a commit they are plain `path:line` text.

use std::path::Path;

use serde::Serialize;

use super::context::{ElementNames, Link, mitigation_anchor, model_href};
use super::markdown::inline_html;
use crate::code::{CodeReport, ElementCode, EntryKind, FactKind, ItemKind, ModelCode, source_url};

/// Turns a file and line into a link, when `source-url` and the commit allow.
#[derive(Debug, Clone, Copy)]
pub struct SourceLinks<'a> {
    /// The `source-url` template of `book.toml`.
    pub template: Option<&'a str>,
    /// The commit the site describes (HEAD), when the project is a git checkout.
    pub commit: Option<&'a str>,
}

/// A place in the source tree, and its link if there is one.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    /// `path` or `path:line`.
    pub label: String,
    /// The URL from `source-url`, if one can be made.
    pub href: Option<String>,
}

impl SourceLinks<'_> {
    /// The reference for `path` (at `line`, if given).
    pub fn at(&self, path: &Path, line: Option<u32>) -> SourceRef {
        let shown = path.to_string_lossy().replace('\\', "/");
        SourceRef {
            label: match line {
                Some(l) => format!("{shown}:{l}"),
                None => shown,
            },
            href: self
                .template
                .and_then(|t| source_url(t, self.commit, path, line)),
        }
    }
}

/// The "Code" section of a model page.
#[derive(Debug, Serialize)]
pub struct CodeSection {
    /// One entry per component or mitigation with a `code` entry.
    pub elements: Vec<ElementCodeRow>,
    /// How many `code.paths` globs match nothing and symbols resolve to nothing.
    pub dangling: usize,
}

/// The code of one component or mitigation.
#[derive(Debug, Serialize)]
pub struct ElementCodeRow {
    /// Anchor of this entry (`code-<id>`).
    pub anchor: String,
    /// `component` or `mitigation`.
    pub element: &'static str,
    /// Link to the element's row on the page.
    pub target: Link,
    /// Each glob with the files it matches.
    pub paths: Vec<PathRow>,
    /// Each symbol with its definitions.
    pub symbols: Vec<SymbolRow>,
    /// The code facts (sinks) in the covered code, by file and line.
    pub facts: Vec<FactRow>,
}

/// One code fact in an element's covered code.
#[derive(Debug, Serialize)]
pub struct FactRow {
    /// The kind's kebab-case name (`sql-built`).
    pub kind: FactKind,
    /// What the detector row found, as inline HTML (its Markdown code spans rendered).
    pub what_html: String,
    /// The enclosing item, when known.
    pub symbol: Option<String>,
    /// File and line.
    pub at: SourceRef,
}

/// One `code.paths` glob.
#[derive(Debug, Serialize)]
pub struct PathRow {
    /// The glob as written.
    pub pattern: String,
    /// Matching files (empty when dangling).
    pub files: Vec<SourceRef>,
}

/// One `code.symbols` entry.
#[derive(Debug, Serialize)]
pub struct SymbolRow {
    /// The symbol as written.
    pub symbol: String,
    /// Where it is defined (empty when dangling).
    pub definitions: Vec<DefinitionRow>,
}

/// One definition of a symbol.
#[derive(Debug, Serialize)]
pub struct DefinitionRow {
    /// The full path, crate first.
    pub path: String,
    /// Function, struct, module…
    pub kind: ItemKind,
    /// File and line.
    pub at: SourceRef,
}

/// The code section of one model, or `None` when the model names no code.
pub(super) fn model_section(
    code: Option<&ModelCode>,
    names: &ElementNames<'_>,
    links: SourceLinks<'_>,
) -> Option<CodeSection> {
    let code = code?;
    let rows = |element: &'static str, list: &[ElementCode]| -> Vec<ElementCodeRow> {
        list.iter()
            .map(|e| ElementCodeRow {
                anchor: format!("code-{}", e.id),
                element,
                target: if element == "component" {
                    names.link(&e.id)
                } else {
                    Link {
                        label: e.id.clone(),
                        href: format!("#{}", mitigation_anchor(&e.id)),
                        note: "",
                    }
                },
                paths: e
                    .paths
                    .iter()
                    .map(|p| PathRow {
                        pattern: p.pattern.clone(),
                        files: p.files.iter().map(|f| links.at(f, None)).collect(),
                    })
                    .collect(),
                symbols: e
                    .symbols
                    .iter()
                    .map(|s| SymbolRow {
                        symbol: s.symbol.clone(),
                        definitions: s
                            .definitions
                            .iter()
                            .map(|d| DefinitionRow {
                                path: d.path.clone(),
                                kind: d.kind,
                                at: links.at(&d.file, Some(d.line)),
                            })
                            .collect(),
                    })
                    .collect(),
                facts: e
                    .facts
                    .iter()
                    .map(|f| FactRow {
                        kind: f.kind,
                        what_html: inline_html(f.what),
                        symbol: f.symbol.clone(),
                        at: links.at(&f.file, Some(f.span.line)),
                    })
                    .collect(),
            })
            .collect()
    };
    let mut elements = rows("component", &code.components);
    elements.extend(rows("mitigation", &code.mitigations));
    let dangling = elements
        .iter()
        .map(|e| {
            e.paths.iter().filter(|p| p.files.is_empty()).count()
                + e.symbols
                    .iter()
                    .filter(|s| s.definitions.is_empty())
                    .count()
        })
        .sum();
    Some(CodeSection { elements, dangling })
}

/// The "Unmodelled code" page.
#[derive(Debug, Serialize)]
pub struct UnmodelledPage {
    /// Entry points no component covers and nobody allowed.
    pub entries: Vec<EntryRow>,
    /// Entry points suppressed on purpose, with who said so.
    pub suppressed: Vec<EntryRow>,
    /// Globs and symbols of the models that point at nothing.
    pub dangling: Vec<DanglingRow>,
}

/// An entry point.
#[derive(Debug, Serialize)]
pub struct EntryRow {
    /// File and line.
    pub at: SourceRef,
    /// What sort of input.
    pub kind: EntryKind,
    /// The detector that found it.
    pub detector: &'static str,
    /// A description (inline HTML from the detector table's Markdown).
    pub what_html: String,
    /// The item around it.
    pub symbol: String,
    /// For an HTTP route, what it serves (`POST /api/users/login`); empty
    /// when the detector could not read it.
    pub route: String,
    /// Why it is not reported (suppressed entries only).
    pub by: String,
}

/// A code reference of a model that resolves to nothing.
#[derive(Debug, Serialize)]
pub struct DanglingRow {
    /// Link to the element's code on its model page.
    pub href: String,
    /// `model` / `element`.
    pub element: String,
    /// `path` or `symbol`.
    pub what: &'static str,
    /// The glob or symbol as written.
    pub reference: String,
}

/// Builds the "Unmodelled code" page.
pub fn unmodelled_page(code: &CodeReport, links: SourceLinks<'_>) -> UnmodelledPage {
    let row = |e: &crate::code::EntryPoint, by: &str| EntryRow {
        at: links.at(&e.file, Some(e.span.line)),
        kind: e.kind,
        detector: e.detector,
        what_html: inline_html(e.what),
        symbol: e.symbol.clone().unwrap_or_default(),
        route: e.route.clone().unwrap_or_default(),
        by: by.to_owned(),
    };
    let mut dangling = Vec::new();
    for m in &code.models {
        for e in m.components.iter().chain(&m.mitigations) {
            let href = format!("{}#code-{}", model_href(&m.model), e.id);
            let element = format!("{} / {}", m.model, e.id);
            for p in e.paths.iter().filter(|p| p.files.is_empty()) {
                dangling.push(DanglingRow {
                    href: href.clone(),
                    element: element.clone(),
                    what: "path",
                    reference: p.pattern.clone(),
                });
            }
            for s in e.symbols.iter().filter(|s| s.definitions.is_empty()) {
                dangling.push(DanglingRow {
                    href: href.clone(),
                    element: element.clone(),
                    what: "symbol",
                    reference: s.symbol.clone(),
                });
            }
        }
    }
    UnmodelledPage {
        entries: code.unmodelled.iter().map(|e| row(e, "")).collect(),
        suppressed: code
            .suppressed
            .iter()
            .map(|s| row(&s.entry, &s.by))
            .collect(),
        dangling,
    }
}
