//! The source-tree cross-check's index: the files under the source roots (any
//! language), the Rust crates' module trees and items (parsed with syn, in
//! parallel), and the entry points the [`detect::DETECTORS`] table finds.
//!
//! Symbols and entry points are Rust-only; `code.paths` works for any file.
//!
//! One Rust file goes through `parse::parse_file`: syn, then the walk in
//! `visitor` (items, `mod x;`, re-exports), with `scope` expanding paths
//! through `use`, `attributes` deciding what is test code, and
//! `detector_match` matching calls against the rows of `detect` (a new
//! detector is a row there). The result is a `parse::ParsedFile`; `tree`
//! places files in module trees and `symbols` resolves a model's paths.

pub mod detect;
mod fact;
mod ignore_files;
mod link;
mod nesting;
pub mod parse;
mod report;
mod suppress;
pub mod symbols;
pub mod tree;
pub mod walk;

mod attributes;
mod detector_match;
mod line_index;
mod macro_statics;
mod parsed;
mod route;
mod scope;
mod sink_args;
mod sink_match;
mod sink_text;
pub mod sinks;
mod visitor;

pub use detect::{DETECTORS, Detector, EntryKind};
pub use fact::{CodeFact, FactKind};
pub use link::source_url;
pub use parse::ItemKind;
pub use report::{
    CodeReport, ElementCode, ModelCode, PathCoverage, SuppressedEntry, SymbolCoverage,
};
pub use suppress::{Allow, MARKER};
pub use symbols::{Definition, ReExport, Resolution, SymbolTable};

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Rule, Span};
use parse::{ImplOwner, ParseFailure, ParsedFile, Place};

/// Files above this size are not parsed (generated code); they still match globs.
pub const MAX_RUST_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A place where the program takes input from outside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryPoint {
    /// The Rust file, relative to the project root.
    pub file: PathBuf,
    /// Line, column and byte range of the matched code.
    pub span: Span,
    /// The id of the detector that found it (`socket-listener`).
    pub detector: &'static str,
    /// What sort of input.
    pub kind: EntryKind,
    /// A description for people.
    pub what: &'static str,
    /// The innermost named item around it (`app::server::run`), when the file
    /// is part of a crate's module tree.
    pub symbol: Option<String>,
    /// The reason of a `tm:allow-unmodelled` comment on or above it; `Some("")`
    /// when the marker gives no reason (which does not suppress).
    pub marker: Option<String>,
    /// For an HTTP route, what it serves (`POST /api/users/login`), when the
    /// path is a literal.
    pub route: Option<String>,
}

/// The index of the source tree that code references are checked against.
#[derive(Debug, Clone, Default)]
pub struct SourceIndex {
    /// Every file under the source roots, relative to the root, sorted.
    pub files: Vec<PathBuf>,
    /// Modules and items of the Rust crates.
    pub symbols: SymbolTable,
    /// Entry points in runtime code (not tests, benches, examples or build
    /// scripts), sorted by file and line.
    pub entry_points: Vec<EntryPoint>,
    /// Code facts (sinks) in runtime code, sorted by file and line.
    pub facts: Vec<CodeFact>,
    /// How many Rust files were parsed, and their total lines and bytes.
    pub stats: IndexStats,
}

/// Size of what was indexed, for the bench runner and `--verbose` output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    /// Rust files parsed successfully.
    pub rust_files: usize,
    /// Lines in those files.
    pub lines: usize,
    /// Bytes in those files.
    pub bytes: usize,
}

impl SourceIndex {
    /// Walks the source roots and indexes them. A Rust file that cannot be
    /// read or parsed yields a TM504 warning, never a failed run.
    pub fn build(config: &Config) -> (SourceIndex, Vec<Diagnostic>) {
        let (files, refused) = walk::source_files(config);
        let rust: Vec<&PathBuf> = files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "rs"))
            .collect();
        let results: Vec<(PathBuf, ParseOutcome)> = parse::on_parse_stack(|budget| {
            rust.par_iter()
                .map(|rel| ((*rel).clone(), read_and_parse(config, rel, budget)))
                .collect()
        });
        let mut diagnostics = refused;
        let mut parsed = BTreeMap::new();
        let mut stats = IndexStats::default();
        for (file, result) in results {
            match result {
                Ok((p, lines, bytes)) => {
                    stats.rust_files += 1;
                    stats.lines += lines;
                    stats.bytes += bytes;
                    parsed.insert(file, p);
                }
                Err(f) if is_test_dir(&f.file) => {} // fixtures need not be Rust
                Err(f) => diagnostics.push(
                    Diagnostic::new(
                        Rule::RustParse,
                        &f.file,
                        Some(f.span),
                        format!("cannot parse this Rust file: {}", f.message),
                    )
                    .with_help("its items and entry points are left out of the cross-check; fix the syntax, or add the file to .gitignore if it is not Rust source"),
                ),
            }
        }
        let roots = tree::crate_roots(&config.root, &files);
        let modules = tree::module_tree(&roots, &parsed);
        let runtime: Vec<(&PathBuf, &ParsedFile, &[String])> = parsed
            .iter()
            .filter_map(|(file, p)| {
                let m = modules.get(file).filter(|m| m.runtime)?;
                Some((file, p, m.path.as_slice()))
            })
            .collect();
        let mut symbols = SymbolTable::default();
        for (file, p, module) in &runtime {
            index_items(&mut symbols, file, module, p);
        }
        // Items of `impl` blocks go under their type, which may be defined
        // in another file: only now are all the types known.
        let mut placed = Vec::new();
        let mut types = ImplTypes::new(&symbols);
        for (file, p, module) in &runtime {
            for item in &p.items {
                if let Place::Impl(owner) = &item.place
                    && let Some(path) = types.item_path(module, owner, &item.path)
                {
                    placed.push(Definition {
                        path,
                        file: (*file).clone(),
                        line: item.line,
                        kind: item.kind,
                    });
                }
            }
        }
        for def in placed {
            symbols.insert(def);
        }
        let mut types = ImplTypes::new(&symbols);
        let mut entry_points = Vec::new();
        let mut facts = Vec::new();
        for (file, p) in &parsed {
            let module = modules.get(file);
            if module.is_some_and(|m| !m.runtime) || is_test_dir(file) {
                continue;
            }
            for e in p.entries.iter().filter(|e| !e.in_test) {
                if !is_reported(e, module, &symbols) {
                    continue;
                }
                entry_points.push(EntryPoint {
                    file: file.clone(),
                    span: e.span,
                    detector: e.detector.id,
                    kind: e.detector.kind,
                    what: e.detector.what,
                    symbol: module.map(|m| types.symbol(&m.path, e.owner.as_ref(), &e.enclosing)),
                    marker: e.marker.clone(),
                    route: e.route.clone(),
                });
            }
            for f in p.facts.iter().filter(|f| !f.in_test) {
                facts.push(CodeFact {
                    file: file.clone(),
                    span: f.span,
                    kind: f.sink.kind,
                    detector: f.sink.id,
                    what: f.sink.what,
                    symbol: module.map(|m| types.symbol(&m.path, f.owner.as_ref(), &f.enclosing)),
                });
            }
        }
        facts.sort_by(|a, b| {
            (&a.file, a.span.line, a.span.column, a.kind).cmp(&(
                &b.file,
                b.span.line,
                b.span.column,
                b.kind,
            ))
        });
        (
            SourceIndex {
                files,
                symbols,
                entry_points,
                facts,
                stats,
            },
            diagnostics,
        )
    }
}

type ParseOutcome = Result<(ParsedFile, usize, usize), ParseFailure>;

fn read_and_parse(config: &Config, rel: &PathBuf, budget: u32) -> ParseOutcome {
    let path = config.root.join(rel);
    let unreadable = |message: String| ParseFailure {
        file: rel.clone(),
        span: Span {
            line: 1,
            column: 1,
            offset: 0,
            len: 0,
        },
        message,
    };
    let bytes = match crate::project_root::read_capped(&path, MAX_RUST_FILE_BYTES) {
        Ok(crate::project_root::Capped::Whole(bytes)) => bytes,
        Ok(crate::project_root::Capped::TooLarge(size)) => {
            return Err(unreadable(format!(
                "it is {size} bytes, larger than the {MAX_RUST_FILE_BYTES} bytes tm parses"
            )));
        }
        Err(e) => return Err(unreadable(e.to_string())),
    };
    let text = String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8".to_owned()))?;
    let parsed = parse::parse_file_within(rel.clone(), &text, budget)?;
    Ok((parsed, text.lines().count(), text.len()))
}

/// Files under a `tests`, `benches`, `examples`, `fixtures` or `testdata`
/// directory are not the program's runtime code, even when no manifest says
/// so: their entry points are not reported, and a parse failure there is not
/// worth a warning (test fixtures are often deliberately not Rust).
fn is_test_dir(file: &std::path::Path) -> bool {
    file.components().any(|c| {
        matches!(
            c.as_os_str().to_str(),
            Some("tests" | "benches" | "examples" | "fixtures" | "testdata")
        )
    })
}

fn index_items(
    symbols: &mut SymbolTable,
    file: &std::path::Path,
    module: &[String],
    p: &ParsedFile,
) {
    let prefix = module.join("::");
    let kind = if module.len() == 1 {
        ItemKind::Crate
    } else {
        ItemKind::Module
    };
    symbols.insert(Definition {
        path: prefix.clone(),
        file: file.to_path_buf(),
        line: 1,
        kind,
    });
    for item in &p.items {
        let path = match item.place {
            Place::Here => format!("{prefix}::{}", item.path.join("::")),
            Place::CrateRoot => format!("{}::{}", module[0], item.path.join("::")),
            Place::Impl(_) => continue, // once every type is known
        };
        symbols.insert(Definition {
            path,
            file: file.to_path_buf(),
            line: item.line,
            kind: item.kind,
        });
    }
    let crate_root = module.len() == 1;
    for r in &p.reexports {
        if !r.private || (crate_root && r.within.is_empty()) {
            symbols.reexport(ReExport::from_use(module, r));
        }
    }
}

/// Whether an entry point found in a file is one to report: `fn main` only
/// at a crate root, and not a call of a function the crate defines itself
/// (`RustusConf::from_args()` wrapping clap, `Self::parse_from(x)`), whose
/// body is reported where the library is really called.
fn is_reported(
    e: &parse::FoundEntry,
    module: Option<&tree::FileModule>,
    symbols: &SymbolTable,
) -> bool {
    let Some(m) = module else {
        return true;
    };
    if matches!(e.detector.pattern, detect::Pattern::MainFn) && m.path.len() > 1 {
        return false;
    }
    let wildcard = matches!(e.detector.pattern,
        detect::Pattern::Call(rows) if rows.iter().any(|r| r.starts_with("*::")));
    !(wildcard
        && e.call.len() >= 2
        && symbols.defines_tail(&m.path[0], &e.call[e.call.len() - 2..]))
}

/// `a` then `b`, as a Rust path.
fn join_path(a: &[String], b: &[String]) -> String {
    a.iter().chain(b).cloned().collect::<Vec<_>>().join("::")
}

/// The types `impl` blocks are for, looked up once per distinct block type.
struct ImplTypes<'a> {
    symbols: &'a SymbolTable,
    seen: HashMap<(Vec<String>, Vec<String>), Option<String>>,
}

impl<'a> ImplTypes<'a> {
    fn new(symbols: &'a SymbolTable) -> Self {
        ImplTypes {
            symbols,
            seen: HashMap::new(),
        }
    }

    /// The full path of an item inside an `impl` block (`path` is its path in
    /// the file: inline modules, the type's name, the item and anything inside
    /// it): under the type's own path when the index knows the type, else
    /// where the block is written. `None` when the type is written as a path
    /// the tree does not define (`impl From<X> for other_crate::Y`): the
    /// item has no path of this crate.
    fn item_path(
        &mut self,
        module: &[String],
        owner: &ImplOwner,
        path: &[String],
    ) -> Option<String> {
        let split = owner.within.min(path.len());
        let (within, rest) = path.split_at(split);
        let mut here = module.to_vec();
        here.extend_from_slice(within);
        let symbols = self.symbols;
        let base = self
            .seen
            .entry((here, owner.written.clone()))
            .or_insert_with(|| symbols.impl_type(module, within, &owner.written))
            .clone();
        match base {
            Some(base) => Some(join_path(&[base], rest.get(1..).unwrap_or_default())),
            None if owner.written.len() > 1 => None,
            None => Some(join_path(module, path)),
        }
    }

    /// The item around an entry point or code fact (`app::server::Server::run`),
    /// from its `enclosing` items and `impl` `owner`; in an `impl` for a type
    /// outside the tree, the module around the block.
    fn symbol(
        &mut self,
        module: &[String],
        owner: Option<&ImplOwner>,
        enclosing: &[String],
    ) -> String {
        match owner {
            Some(owner) => self.item_path(module, owner, enclosing).unwrap_or_else(|| {
                join_path(module, &enclosing[..owner.within.min(enclosing.len())])
            }),
            None => join_path(module, enclosing),
        }
    }
}
