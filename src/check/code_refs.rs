//! Code references of models against the source index (TM501–TM503, TM505):
//! every `code.paths` glob matches a file, every `code.symbols` path resolves,
//! and every entry point in the code is covered by some component or
//! explicitly allowed.

use std::collections::BTreeSet;
use std::path::PathBuf;

use globset::GlobMatcher;

use crate::code::{
    Allow, CodeFact, CodeReport, Definition, ElementCode, EntryPoint, ModelCode, PathCoverage,
    Resolution, SourceIndex, SuppressedEntry, SymbolCoverage, walk,
};
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::{LoadedModel, Project};
use crate::model::CodeRef;

/// Checks every component's and mitigation's code references, then reports
/// entry points no component covers. Returns the findings and the report the
/// site renders.
pub fn check(project: &Project, index: &SourceIndex) -> (Vec<Diagnostic>, CodeReport) {
    let mut diagnostics = Vec::new();
    let mut report = CodeReport::default();
    let mut coverage = Coverage::default();
    for loaded in &project.models {
        let mut model = ModelCode {
            model: loaded.model.id.as_str().to_owned(),
            components: Vec::new(),
            mitigations: Vec::new(),
        };
        for (i, c) in loaded.model.components.iter().enumerate() {
            if let Some(code) = &c.code {
                let at = Location {
                    loaded,
                    list: "components",
                    index: i,
                };
                let element = check_ref(code, c.id.as_str(), &at, index, &mut diagnostics);
                coverage.add(code, &element);
                model.components.push(element);
            }
        }
        for (i, m) in loaded.model.mitigations.iter().enumerate() {
            if let Some(code) = &m.code {
                let at = Location {
                    loaded,
                    list: "mitigations",
                    index: i,
                };
                model.mitigations.push(check_ref(
                    code,
                    m.id.as_str(),
                    &at,
                    index,
                    &mut diagnostics,
                ));
            }
        }
        if !model.components.is_empty() || !model.mitigations.is_empty() {
            report.models.push(model);
        }
    }
    report.models.sort_by(|a, b| a.model.cmp(&b.model));
    let allows: Vec<(String, Allow)> = project
        .config
        .tm
        .allow_unmodelled
        .iter()
        .filter_map(|p| Allow::parse(p).ok().map(|a| (p.clone(), a)))
        .collect();
    for entry in &index.entry_points {
        if coverage.covers(entry) {
            continue;
        }
        let by_config = allows
            .iter()
            .find(|(_, a)| a.allows(&entry.file, entry.symbol.as_deref()))
            .map(|(p, _)| format!("book.toml: allow-unmodelled \"{p}\""));
        let by_comment = entry
            .marker
            .as_deref()
            .filter(|reason| !reason.is_empty())
            .map(|reason| format!("comment: {reason}"));
        match by_config.or(by_comment) {
            Some(by) => report.suppressed.push(SuppressedEntry {
                entry: entry.clone(),
                by,
            }),
            None => {
                diagnostics.push(unmodelled(entry));
                report.unmodelled.push(entry.clone());
            }
        }
    }
    (diagnostics, report)
}

/// Where a code reference sits in a model, to point diagnostics at the YAML value.
struct Location<'a> {
    loaded: &'a LoadedModel,
    list: &'static str,
    index: usize,
}

impl Location<'_> {
    fn diagnostic(
        &self,
        rule: Rule,
        key: &str,
        j: usize,
        message: String,
        help: String,
    ) -> Diagnostic {
        let path = [
            self.list.to_owned(),
            self.index.to_string(),
            "code".into(),
            key.into(),
            j.to_string(),
        ];
        Diagnostic::new(
            rule,
            &self.loaded.file,
            Some(self.loaded.span_at(&path)),
            message,
        )
        .with_help(help)
        .for_model(self.loaded.model.id.as_str())
    }
}

fn check_ref(
    code: &CodeRef,
    id: &str,
    at: &Location<'_>,
    index: &SourceIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> ElementCode {
    let mut element = ElementCode {
        id: id.to_owned(),
        paths: Vec::new(),
        symbols: Vec::new(),
        facts: Vec::new(),
    };
    for (j, pattern) in code.paths.iter().enumerate() {
        let files: Vec<PathBuf> = match walk::compile_glob(pattern) {
            Ok(glob) => walk::matching(&glob, &index.files)
                .into_iter()
                .cloned()
                .collect(),
            Err(why) => {
                diagnostics.push(at.diagnostic(
                    Rule::CodePathInvalid,
                    "paths",
                    j,
                    why,
                    "write a glob relative to the repository root, e.g. `src/payments/**`".into(),
                ));
                element.paths.push(PathCoverage {
                    pattern: pattern.clone(),
                    files: Vec::new(),
                });
                continue;
            }
        };
        if files.is_empty() {
            diagnostics.push(at.diagnostic(
                Rule::CodePathUnmatched,
                "paths",
                j,
                format!("code path `{pattern}` matches no file"),
                path_help(pattern, index),
            ));
        }
        element.paths.push(PathCoverage {
            pattern: pattern.clone(),
            files,
        });
    }
    for (j, symbol) in code.symbols.iter().enumerate() {
        let definitions = match index.symbols.resolve(symbol) {
            Resolution::Found(mut defs) => {
                defs.sort();
                defs
            }
            Resolution::Missing(near) => {
                let message = match near.first() {
                    Some(best) => format!("`{symbol}` not found; did you mean `{best}`?"),
                    None => format!("`{symbol}` not found"),
                };
                let help = if index.symbols.is_empty() {
                    "no Rust crate was found under the source roots (symbols are resolved in Rust code only; use `paths` for other languages)".to_owned()
                } else if !near.is_empty() {
                    format!(
                        "close names (re-exported paths included): {}",
                        near.iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                } else {
                    "name a module or item as `crate::module::Item`, `crate_name::module::Item` or `Type::method`".to_owned()
                };
                diagnostics.push(at.diagnostic(
                    Rule::CodeSymbolUnresolved,
                    "symbols",
                    j,
                    message,
                    help,
                ));
                Vec::new()
            }
            Resolution::Invalid(why) => {
                diagnostics.push(at.diagnostic(
                    Rule::CodeSymbolUnresolved,
                    "symbols",
                    j,
                    format!("`{symbol}` cannot be resolved"),
                    why,
                ));
                Vec::new()
            }
        };
        element.symbols.push(SymbolCoverage {
            symbol: symbol.clone(),
            definitions,
        });
    }
    element.facts = covered_facts(&element, index);
    element
}

/// The facts in the files an element's paths match, or inside the items its
/// symbols name.
fn covered_facts(element: &ElementCode, index: &SourceIndex) -> Vec<CodeFact> {
    let files: BTreeSet<&PathBuf> = element.paths.iter().flat_map(|p| &p.files).collect();
    let items: Vec<&str> = element
        .symbols
        .iter()
        .flat_map(|s| &s.definitions)
        .map(|d| d.path.as_str())
        .collect();
    index
        .facts
        .iter()
        .filter(|f| {
            files.contains(&f.file)
                || f.symbol.as_deref().is_some_and(|s| {
                    items
                        .iter()
                        .any(|i| s == *i || s.strip_prefix(i).is_some_and(|r| r.starts_with("::")))
                })
        })
        .cloned()
        .collect()
}

/// For a glob that matches nothing: the glob with its directory part
/// corrected (`crates/mdbok/src/**` → `crates/mdbook/src/**`), else the
/// nearest existing file or directory.
fn path_help(pattern: &str, index: &SourceIndex) -> String {
    let advice = "Paths are globs relative to the repository root, matched against files under the source roots";
    match corrected_glob(pattern, index) {
        Some(near) => format!("did you mean `{near}`? {advice}"),
        None => "paths are globs relative to the repository root (`src/payments/**`), matched against files under the source roots that .gitignore does not exclude".to_owned(),
    }
}

fn corrected_glob(pattern: &str, index: &SourceIndex) -> Option<String> {
    let pattern = pattern.trim().trim_start_matches("./");
    let segs: Vec<&str> = pattern.split('/').collect();
    let literal = segs
        .iter()
        .take_while(|s| !s.contains(['*', '?', '[', '{']))
        .count();
    let dirs: BTreeSet<String> = index
        .files
        .iter()
        .flat_map(|f| f.ancestors().skip(1))
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.display().to_string())
        .collect();
    // Never a parent of what was written: `src/**` for a missing `src/web/**`
    // would cover the whole tree and silence every unmodelled entry point.
    fn depth(p: &str) -> usize {
        p.split('/').count()
    }
    fn not_wider(written: &str) -> impl Fn(&&str) -> bool + '_ {
        move |candidate| {
            !written.starts_with(&format!("{candidate}/")) && depth(candidate) >= depth(written)
        }
    }
    if literal == segs.len() {
        let files = index.files.iter().map(|f| f.display().to_string());
        let all: BTreeSet<String> = files.chain(dirs).collect();
        return crate::suggest::did_you_mean(
            pattern,
            all.iter().map(String::as_str).filter(not_wider(pattern)),
        )
        .map(str::to_owned);
    }
    let tail = segs[literal..].join("/");
    let head = segs[..literal].join("/");
    if head.is_empty() {
        return None;
    }
    // `src/tls/**` when the module is the single file `src/tls.rs`.
    let as_file = index
        .files
        .iter()
        .find(|f| f.with_extension("").as_os_str() == head.as_str() && f.extension().is_some())
        .map(|f| f.display().to_string());
    // Each directory name is the one written or a near miss of it: a
    // correction, not a different part of the tree.
    let near_miss = |d: &&str| {
        d.split('/').zip(head.split('/')).all(|(have, want)| {
            have == want || crate::suggest::did_you_mean(want, [have]).is_some()
        })
    };
    let same_depth = dirs
        .iter()
        .map(String::as_str)
        .filter(|d| depth(d) == depth(&head))
        .filter(not_wider(&head))
        .filter(near_miss);
    crate::suggest::nearest(&head, same_depth, 5)
        .into_iter()
        .map(|d| format!("{d}/{tail}"))
        .find(|glob| {
            walk::compile_glob(glob).is_ok_and(|g| !walk::matching(&g, &index.files).is_empty())
        })
        .or(as_file)
}

/// What the components cover: their path globs and resolved symbol paths.
#[derive(Default)]
struct Coverage {
    globs: Vec<GlobMatcher>,
    symbols: Vec<String>,
}

impl Coverage {
    fn add(&mut self, code: &CodeRef, element: &ElementCode) {
        self.globs
            .extend(code.paths.iter().filter_map(|p| walk::compile_glob(p).ok()));
        self.symbols.extend(
            element
                .symbols
                .iter()
                .flat_map(|s| &s.definitions)
                .map(|d: &Definition| d.path.clone()),
        );
    }

    /// Covered when a component's glob matches the file, or a component's
    /// symbol is the entry point's enclosing item or one of its parents.
    fn covers(&self, entry: &EntryPoint) -> bool {
        self.globs
            .iter()
            .any(|g| !walk::matching(g, std::slice::from_ref(&entry.file)).is_empty())
            || entry.symbol.as_deref().is_some_and(|s| {
                self.symbols.iter().any(|c| {
                    s == c
                        || s.strip_prefix(c.as_str())
                            .is_some_and(|r| r.starts_with("::"))
                })
            })
    }
}

fn unmodelled(entry: &EntryPoint) -> Diagnostic {
    let inside = entry
        .symbol
        .as_deref()
        .map(|s| format!(" in `{s}`"))
        .unwrap_or_default();
    let help = if entry.marker.as_deref() == Some("") {
        format!(
            "the `{}` comment here gives no reason, so it does not count: write `// {}: <why this needs no component>`",
            crate::code::MARKER,
            crate::code::MARKER
        )
    } else {
        format!(
            "add this code to a component's `code.paths` or `code.symbols`, or allow it on purpose: `allow-unmodelled` in [output.tm] of book.toml, or a `// {}: <reason>` comment on or above the line",
            crate::code::MARKER
        )
    };
    Diagnostic::new(
        Rule::UnmodelledEntryPoint,
        &entry.file,
        Some(entry.span),
        format!(
            "{}{inside} is not covered by any component [{}]",
            entry.what, entry.detector
        ),
    )
    .with_help(help)
}
