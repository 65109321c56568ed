//! The symbol table: every module and item by its full Rust path, and the
//! resolution of a model's `code.symbols` entry, with suggestions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;

use super::parse::ItemKind;

/// Where a symbol is defined.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Definition {
    /// The full path, crate name first (`app::payments::charge`).
    pub path: String,
    /// The file, relative to the project root.
    pub file: PathBuf,
    /// 1-based line of its name (1 for a file module).
    pub line: u32,
    /// What it is.
    pub kind: ItemKind,
}

/// Every indexed module and item, by full path.
#[derive(Debug, Clone, Default)]
pub struct SymbolTable {
    defs: BTreeMap<String, Vec<Definition>>,
    by_last: BTreeMap<String, BTreeSet<String>>,
    crates: BTreeSet<String>,
}

/// The outcome of resolving one symbol of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// It names these definitions (several for `crate::` in a workspace, or
    /// for an item defined under `cfg` alternatives).
    Found(Vec<Definition>),
    /// It names nothing; the nearest existing names, best first.
    Missing(Vec<String>),
    /// It is not a path tm can resolve, and why.
    Invalid(String),
}

impl SymbolTable {
    /// Records a definition.
    pub fn insert(&mut self, def: Definition) {
        let segs: Vec<&str> = def.path.split("::").collect();
        if segs.len() == 1 {
            self.crates.insert(def.path.clone());
        }
        let last = segs[segs.len() - 1].to_owned();
        self.by_last
            .entry(last)
            .or_default()
            .insert(def.path.clone());
        let entry = self.defs.entry(def.path.clone()).or_default();
        if !entry.contains(&def) {
            entry.push(def);
        }
    }

    /// How many distinct paths are indexed.
    pub fn len(&self) -> usize {
        self.defs.len()
    }

    /// Whether nothing is indexed (no Rust crate was found).
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// Resolves `crate::a::b`, `crate_name::a::b`, or a path without a crate
    /// (`Type::method`, `payments::charge`) matched as a suffix of full paths.
    pub fn resolve(&self, symbol: &str) -> Resolution {
        let symbol = symbol.trim().trim_start_matches("::");
        let segs: Vec<&str> = symbol.split("::").collect();
        if segs.iter().any(|s| !is_identifier(s)) {
            return Resolution::Invalid(format!(
                "`{symbol}` is not a Rust path: write `crate::module::Item`, `crate_name::module::Item` or `Type::method`, without generics or spaces"
            ));
        }
        if matches!(segs[0], "self" | "super") {
            return Resolution::Invalid(format!(
                "`{symbol}` is relative: start the path with `crate::` or the crate's name"
            ));
        }
        let found: Vec<Definition> = self.candidates(&segs).into_iter().flatten().collect();
        if found.is_empty() {
            Resolution::Missing(self.suggest(symbol, &segs))
        } else {
            Resolution::Found(found)
        }
    }

    fn candidates(&self, segs: &[&str]) -> Vec<Vec<Definition>> {
        let rest = segs[1..].join("::");
        let full = |krate: &str| {
            if rest.is_empty() {
                krate.to_owned()
            } else {
                format!("{krate}::{rest}")
            }
        };
        let first = segs[0].replace('-', "_");
        if first == "crate" {
            return self
                .crates
                .iter()
                .filter_map(|c| self.defs.get(&full(c)).cloned())
                .collect();
        }
        if self.crates.contains(&first) {
            return self.defs.get(&full(&first)).cloned().into_iter().collect();
        }
        let suffix = format!("::{}", segs.join("::"));
        self.by_last
            .get(segs[segs.len() - 1])
            .into_iter()
            .flatten()
            .filter(|p| p.ends_with(&suffix))
            .filter_map(|p| self.defs.get(p).cloned())
            .collect()
    }

    /// Existing paths written the way the user wrote theirs (`crate::…`,
    /// `name::…` or a bare suffix), nearest first; paths ending in the same
    /// item name come first, since a renamed module keeps its items' names.
    fn suggest(&self, symbol: &str, segs: &[&str]) -> Vec<String> {
        let as_written = |path: &str| -> Option<String> {
            let parts: Vec<&str> = path.split("::").collect();
            if segs[0] == "crate" {
                Some(
                    std::iter::once("crate")
                        .chain(parts[1..].iter().copied())
                        .collect::<Vec<_>>()
                        .join("::"),
                )
            } else if self.crates.contains(&segs[0].replace('-', "_")) {
                Some(path.to_owned())
            } else {
                (parts.len() > segs.len()).then(|| parts[parts.len() - segs.len()..].join("::"))
            }
        };
        let last = segs[segs.len() - 1];
        let same_name: BTreeSet<String> = self
            .by_last
            .get(last)
            .into_iter()
            .flatten()
            .filter_map(|p| as_written(p))
            .collect();
        let close = crate::suggest::nearest(symbol, same_name.iter().map(String::as_str), 3);
        if !close.is_empty() {
            return close.into_iter().map(str::to_owned).collect();
        }
        if !same_name.is_empty() && same_name.len() <= 3 {
            return same_name.into_iter().collect();
        }
        let all: BTreeSet<String> = self.defs.keys().filter_map(|p| as_written(p)).collect();
        crate::suggest::nearest(symbol, all.iter().map(String::as_str), 3)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }
}

fn is_identifier(s: &str) -> bool {
    let s = s.strip_prefix("r#").unwrap_or(s);
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(paths: &[&str]) -> SymbolTable {
        let mut t = SymbolTable::default();
        for p in paths {
            t.insert(Definition {
                path: (*p).to_owned(),
                file: "src/lib.rs".into(),
                line: 1,
                kind: ItemKind::Function,
            });
        }
        t
    }

    fn found(r: Resolution) -> Vec<String> {
        match r {
            Resolution::Found(d) => d.into_iter().map(|d| d.path).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn resolves_crate_named_and_suffix_forms() {
        let t = table(&[
            "app",
            "app::payments",
            "app::payments::Card",
            "app::payments::Card::charge",
            "lib2",
            "lib2::x",
        ]);
        assert_eq!(
            found(t.resolve("crate::payments::Card")),
            ["app::payments::Card"]
        );
        assert_eq!(found(t.resolve("lib2::x")), ["lib2::x"]);
        assert_eq!(
            found(t.resolve("Card::charge")),
            ["app::payments::Card::charge"]
        );
        assert_eq!(found(t.resolve("crate")).len(), 2);
        assert!(matches!(t.resolve("super::x"), Resolution::Invalid(_)));
        assert!(matches!(t.resolve("Vec<u8>::new"), Resolution::Invalid(_)));
        assert!(matches!(t.resolve("ard::charge"), Resolution::Missing(_)));
    }

    #[test]
    fn suggests_the_renamed_module() {
        let t = table(&[
            "app",
            "app::payments",
            "app::payments::charge",
            "app::ledger::post",
        ]);
        assert_eq!(
            t.resolve("crate::payment::charge"),
            Resolution::Missing(vec!["crate::payments::charge".to_owned()])
        );
        let t = table(&["app", "app::billing", "app::billing::charge"]);
        assert_eq!(
            t.resolve("crate::payments::charge"),
            Resolution::Missing(vec!["crate::billing::charge".to_owned()])
        );
    }
}
