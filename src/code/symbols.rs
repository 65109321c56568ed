//! The symbol table: every module and item by its full Rust path, and the
//! resolution of a model's `code.symbols` entry, with suggestions.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;

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

/// A name a module re-exports (`pub use a::B as C;`), or a module's glob
/// re-export (`pub use a::*;`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReExport {
    /// The path it is reached by (`app::C`); for a glob, the re-exporting module.
    pub path: String,
    /// The full paths it may stand for, in the order tried: a relative `use
    /// a::B` names a child module `a` or else a crate `a`.
    pub targets: Vec<String>,
    /// `pub use a::*;`: every item of the target is reachable under `path`.
    pub glob: bool,
    /// Plain `pub`: reachable by crate name, not only through `crate::`.
    pub public: bool,
}

impl ReExport {
    /// The re-export a `pub use` in `module` (crate name first) declares,
    /// with its target made absolute the way Rust 2018 reads `use` paths.
    pub fn from_use(module: &[String], u: &super::parse::ReExport) -> ReExport {
        let mut here = module.to_vec();
        here.extend(u.within.iter().cloned());
        let targets = absolute_paths(module, &u.within, &u.target, u.absolute);
        let path = match &u.name {
            Some(name) => format!("{}::{name}", here.join("::")),
            None => here.join("::"),
        };
        ReExport {
            path,
            targets,
            glob: u.name.is_none(),
            public: u.public,
        }
    }
}

/// The full paths a path written in `module` (crate name first), inside
/// its inline modules `within`, may stand for, in the order to try them: Rust
/// 2018 reads `a::B` as a child module `a` or else a crate `a`.
pub fn absolute_paths(
    module: &[String],
    within: &[String],
    written: &[String],
    absolute: bool,
) -> Vec<String> {
    let mut here = module.to_vec();
    here.extend(within.iter().cloned());
    let join = |base: &[String], rest: &[String]| {
        base.iter()
            .chain(rest)
            .cloned()
            .collect::<Vec<_>>()
            .join("::")
    };
    let paths = match written.first().map(String::as_str) {
        _ if absolute => vec![join(&[], written)],
        Some("crate") => vec![join(&module[..1], &written[1..])],
        Some("self") => vec![join(&here, &written[1..])],
        Some("super") => {
            let ups = written.iter().take_while(|s| *s == "super").count();
            let base = &here[..here.len().saturating_sub(ups).max(1)];
            vec![join(base, &written[ups..])]
        }
        _ => vec![join(&here, written), join(&[], written)],
    };
    paths.into_iter().map(|t| t.replace('-', "_")).collect()
}

/// How many re-exports a lookup follows before giving up (chains are short;
/// this also ends cycles such as two modules glob-importing each other).
const MAX_REEXPORT_HOPS: usize = 8;

/// How many distinct paths one lookup may try through re-exports. Real
/// chains need a handful; the cap keeps a pathological tree (hundreds of
/// modules glob-importing each other) linear instead of exponential.
const MAX_LOOKUP_STEPS: usize = 256;

/// Every indexed module and item, by full path.
#[derive(Debug, Clone, Default)]
pub struct SymbolTable {
    defs: BTreeMap<String, Vec<Definition>>,
    by_last: BTreeMap<String, BTreeSet<String>>,
    crates: BTreeSet<String>,
    /// Named re-exports by the path they are reached by.
    aliases: BTreeMap<String, Vec<ReExport>>,
    /// Glob re-exports by re-exporting module.
    globs: BTreeMap<String, Vec<ReExport>>,
    /// Named re-exports that lead to a definition, worked out once on the
    /// first suggestion: `[public, internal]`.
    live_aliases: [OnceLock<Vec<String>>; 2],
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
        self.live_aliases = Default::default();
        let entry = self.defs.entry(def.path.clone()).or_default();
        if !entry.contains(&def) {
            entry.push(def);
        }
    }

    /// Records a re-export; it is followed when a path is looked up.
    pub fn reexport(&mut self, r: ReExport) {
        self.live_aliases = Default::default();
        let map = if r.glob {
            &mut self.globs
        } else {
            &mut self.aliases
        };
        let entry = map.entry(r.path.clone()).or_default();
        if !entry.contains(&r) {
            entry.push(r);
        }
    }

    /// The type (struct, enum, union, trait or alias) an `impl` block written
    /// in `module` names as `written`, as a full path: through `use` paths and
    /// re-exports, else the one type of that name in the crate (a glob
    /// `use super::*;` brought it in).
    pub fn impl_type(
        &self,
        module: &[String],
        within: &[String],
        written: &[String],
    ) -> Option<String> {
        let is_type = |d: &Definition| {
            matches!(
                d.kind,
                ItemKind::Struct
                    | ItemKind::Enum
                    | ItemKind::Union
                    | ItemKind::Trait
                    | ItemKind::TypeAlias
            )
        };
        let direct = absolute_paths(module, within, written, false)
            .into_iter()
            .find_map(|p| {
                self.lookup(&p, true, MAX_REEXPORT_HOPS)
                    .into_iter()
                    .find(is_type)
                    .map(|d| d.path)
            });
        if direct.is_some() {
            return direct;
        }
        // A type of the block's own module, whatever the `use` paths say.
        let last = written.last()?;
        let mut local = module.join("::");
        for segment in within.iter().chain([last]) {
            local.push_str("::");
            local.push_str(segment);
        }
        if self
            .defs
            .get(&local)
            .is_some_and(|ds| ds.iter().any(is_type))
        {
            return Some(local);
        }
        if written.len() != 1 {
            return None;
        }
        let krate = format!("{}::", module[0]);
        let mut named = self
            .by_last
            .get(&written[0])
            .into_iter()
            .flatten()
            .filter(|p| p.starts_with(&krate))
            .filter(|p| self.defs.get(*p).is_some_and(|ds| ds.iter().any(is_type)));
        match (named.next(), named.next()) {
            (Some(only), None) => Some(only.clone()),
            _ => None,
        }
    }

    /// Whether crate `krate` defines an item whose path ends with `tail`
    /// (`["RustusConf", "from_args"]`): a call of it is the crate's own.
    pub fn defines_tail(&self, krate: &str, tail: &[String]) -> bool {
        let Some(last) = tail.last() else {
            return false;
        };
        let prefix = format!("{krate}::");
        let suffix = format!("::{}", tail.join("::"));
        self.by_last
            .get(last)
            .into_iter()
            .flatten()
            .any(|p| p.starts_with(&prefix) && p.ends_with(&suffix))
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
        if segs == ["crate"] && self.crates.len() > 1 {
            return Resolution::Invalid(format!(
                "`crate` alone is ambiguous here: the tree has {} crates; name the one you mean ({})",
                self.crates.len(),
                self.crates
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let segs: Vec<&str> = segs
            .iter()
            .map(|s| s.strip_prefix("r#").unwrap_or(s))
            .collect();
        let per_crate = self.candidates(&segs);
        // Several crates reaching one definition (a binary's `use lib::x;`) is not ambiguous.
        let places: BTreeSet<String> = per_crate
            .iter()
            .filter_map(|c| c.first())
            .map(|d| format!("`{}`", d.path))
            .collect();
        if segs[0] == "crate" && places.len() > 1 {
            let places: Vec<String> = places.into_iter().collect();
            return Resolution::Invalid(format!(
                "`{symbol}` is ambiguous: this workspace has it in several crates ({}); write the crate's name instead of `crate`",
                places.join(", ")
            ));
        }
        let mut found: Vec<Definition> = per_crate.into_iter().flatten().collect();
        found.sort();
        found.dedup();
        if found.is_empty() {
            if let Some(why) = self.reexported_from_outside(&segs) {
                return Resolution::Invalid(why);
            }
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
                .map(|c| self.lookup(&full(c), true, MAX_REEXPORT_HOPS))
                .collect();
        }
        if self.crates.contains(&first) {
            return vec![self.lookup(&full(&first), false, MAX_REEXPORT_HOPS)];
        }
        let suffix = format!("::{}", segs.join("::"));
        let defined = self
            .by_last
            .get(segs[segs.len() - 1])
            .into_iter()
            .flatten()
            .filter(|p| p.ends_with(&suffix))
            .filter_map(|p| self.defs.get(p).cloned());
        // `C::method` where `C` is only a re-exported name (`pub use a::B as C`).
        let head = format!("::{}", segs[0]);
        let rest = &segs[1..];
        let renamed = self.aliases.keys().filter(|k| k.ends_with(&head)).map(|k| {
            let path = std::iter::once(k.as_str()).chain(rest.iter().copied());
            self.lookup(
                &path.collect::<Vec<_>>().join("::"),
                false,
                MAX_REEXPORT_HOPS,
            )
        });
        defined.chain(renamed).collect()
    }

    /// The definitions at a full path, following re-exports: the longest
    /// prefix that is a re-export is replaced by its target, up to `hops`
    /// times. `internal` also follows `pub(crate)` re-exports.
    fn lookup(&self, path: &str, internal: bool, hops: usize) -> Vec<Definition> {
        if let Some(defs) = self.defs.get(path) {
            return defs.clone();
        }
        // Breadth first: every one-re-export rewrite is tried before any
        // two-re-export one, so a module with several glob re-exports
        // (`pub use header::*; pub use output::*;`) cannot spend the budget
        // deep in the first glob before the second is looked at. Every path
        // is tried once, and at most MAX_LOOKUP_STEPS of them in all.
        let mut seen: HashSet<String> = HashSet::from([path.to_owned()]);
        let mut queue = std::collections::VecDeque::from([(path.to_owned(), hops)]);
        let mut budget = MAX_LOOKUP_STEPS;
        let visible = |r: &&ReExport| r.public || internal;
        while let Some((path, hops)) = queue.pop_front() {
            if hops == 0 || budget == 0 {
                continue;
            }
            budget -= 1;
            let segs: Vec<&str> = path.split("::").collect();
            for split in (1..=segs.len()).rev() {
                let prefix = segs[..split].join("::");
                let rest = &segs[split..];
                let named = self.aliases.get(&prefix).into_iter().flatten();
                let globbed = self
                    .globs
                    .get(&prefix)
                    .into_iter()
                    .flatten()
                    .filter(|_| !rest.is_empty());
                for r in named.chain(globbed).filter(visible) {
                    for target in &r.targets {
                        let full = std::iter::once(target.as_str())
                            .chain(rest.iter().copied())
                            .collect::<Vec<_>>()
                            .join("::");
                        if let Some(defs) = self.defs.get(&full) {
                            return defs.clone();
                        }
                        if seen.insert(full.clone()) {
                            queue.push_back((full, hops - 1));
                        }
                    }
                }
            }
        }
        Vec::new()
    }

    /// When `segs` goes through a re-export of a crate that is not in the
    /// tree (`pub use other_crate::x;`), why it cannot resolve.
    fn reexported_from_outside(&self, segs: &[&str]) -> Option<String> {
        let internal = segs[0] == "crate";
        let krates: Vec<&str> = if internal {
            self.crates.iter().map(String::as_str).collect()
        } else {
            vec![segs[0]]
        };
        krates.into_iter().find_map(|krate| {
            let full: Vec<&str> = std::iter::once(krate).chain(segs[1..].iter().copied()).collect();
            (1..=full.len()).rev().find_map(|split| {
                let r = self
                    .aliases
                    .get(&full[..split].join("::"))?
                    .iter()
                    .find(|r| r.public || internal)?;
                if r
                    .targets
                    .iter()
                    .any(|t| !self.lookup(t, true, MAX_REEXPORT_HOPS).is_empty())
                {
                    return None; // the re-export leads into the tree; the rest is just missing
                }
                let target = r.targets.last()?;
                let outside = target.split("::").next()?;
                (!self.crates.contains(outside)).then(|| {
                    let rest = full[split..].iter().map(|s| format!("::{s}")).collect::<String>();
                    format!(
                        "`{}` is re-exported from `{target}{rest}`, and crate `{outside}` is not under the source roots: add its sources to `source-roots`, or name an item of a crate in the tree",
                        segs.join("::")
                    )
                })
            })
        })
    }

    /// Re-exported names that lead to a definition, for suggestions.
    fn reexported_paths(&self, internal: bool) -> &[String] {
        self.live_aliases[usize::from(internal)].get_or_init(|| {
            self.aliases
                .iter()
                .filter(|(path, rs)| {
                    rs.iter().any(|r| r.public || internal)
                        && !self.lookup(path, internal, MAX_REEXPORT_HOPS).is_empty()
                })
                .map(|(path, _)| path.clone())
                .collect()
        })
    }

    /// When everything but the last segment resolves (`crate::Paste::stor`,
    /// perhaps through a re-export), the parent's members, written under the
    /// user's own parent path.
    fn members_of_parent(&self, segs: &[&str]) -> Vec<String> {
        if segs.len() < 2 {
            return Vec::new();
        }
        let parent = &segs[..segs.len() - 1];
        let mut parents: Vec<Definition> = self.candidates(parent).into_iter().flatten().collect();
        parents.dedup();
        let written_parent = parent.join("::");
        let reexported = self.reexported_paths(segs[0] == "crate");
        let children = |prefix: &str, keys: &mut dyn Iterator<Item = &String>| -> Vec<String> {
            keys.skip_while(|k| k.as_str() < prefix)
                .take_while(|k| k.starts_with(prefix))
                .filter(|k| !k[prefix.len()..].contains("::"))
                .map(|k| format!("{written_parent}::{}", &k[prefix.len()..]))
                .collect()
        };
        parents
            .iter()
            .flat_map(|p| {
                let prefix = format!("{}::", p.path);
                let mut defined = self.defs.range(prefix.clone()..).map(|(k, _)| k);
                let mut names = children(&prefix, &mut defined);
                names.extend(children(&prefix, &mut reexported.iter()));
                // What the parent's glob re-exports bring in (`pub use tls::*;`).
                let globbed = self.globs.get(&p.path).into_iter().flatten();
                for target in globbed.flat_map(|r| &r.targets) {
                    let prefix = format!("{target}::");
                    let mut defined = self.defs.range(prefix.clone()..).map(|(k, _)| k);
                    names.extend(children(&prefix, &mut defined));
                }
                names
            })
            .collect()
    }

    /// Existing paths written the way the user wrote theirs (`crate::…`,
    /// `name::…` or a bare suffix), nearest first; paths ending in the same
    /// item name come first, since a renamed module keeps its items' names.
    fn suggest(&self, symbol: &str, segs: &[&str]) -> Vec<String> {
        // `sqlx_cl::run`: a misspelt crate name, when the fixed path exists.
        if !self.crates.contains(segs[0])
            && let Some(krate) =
                crate::suggest::did_you_mean(segs[0], self.crates.iter().map(String::as_str))
        {
            let fixed: Vec<&str> = std::iter::once(krate)
                .chain(segs[1..].iter().copied())
                .collect();
            if self
                .candidates(&fixed)
                .into_iter()
                .flatten()
                .next()
                .is_some()
            {
                return vec![fixed.join("::")];
            }
        }
        let mut picks = self.suggest_member(segs);
        picks.extend(self.suggest_elsewhere(symbol, segs));
        let mut seen = BTreeSet::new();
        picks.retain(|p| seen.insert(p.clone()));
        picks.truncate(3);
        picks
    }

    /// A misspelt member of a parent that exists (`FileHash::Sha256` for
    /// `FileHash::SHA256`, `Settings::lode`), of the same case shape: a
    /// `CamelCase` name is not "corrected" to a `snake_case` module.
    fn suggest_member(&self, segs: &[&str]) -> Vec<String> {
        let last = segs[segs.len() - 1];
        let shape = |s: &str| s.starts_with(|c: char| c.is_uppercase());
        let members = self.members_of_parent(segs);
        let names = members
            .iter()
            .filter_map(|m| m.rsplit("::").next())
            .filter(|n| shape(n) == shape(last));
        match crate::suggest::did_you_mean(last, names) {
            Some(name) => members
                .iter()
                .filter(|m| m.rsplit("::").next() == Some(name))
                .take(1)
                .cloned()
                .collect(),
            None => Vec::new(),
        }
    }

    /// The same item name elsewhere (a renamed module keeps its items'
    /// names), else the parent's nearest members, else the nearest paths.
    fn suggest_elsewhere(&self, symbol: &str, segs: &[&str]) -> Vec<String> {
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
        // …then the same name elsewhere, since a renamed module keeps its items' names.
        let reexported = self.reexported_paths(segs[0] == "crate");
        let same_name: BTreeSet<String> = self
            .by_last
            .get(last)
            .into_iter()
            .flatten()
            .chain(
                reexported
                    .iter()
                    .filter(|p| p.rsplit("::").next() == Some(last)),
            )
            .filter_map(|p| as_written(p))
            .collect();
        let close = crate::suggest::nearest(symbol, same_name.iter().map(String::as_str), 3);
        if !close.is_empty() {
            return close.into_iter().map(str::to_owned).collect();
        }
        if !same_name.is_empty() && same_name.len() <= 3 {
            return same_name.into_iter().collect();
        }
        let members = self.members_of_parent(segs);
        let close = crate::suggest::nearest(symbol, members.iter().map(String::as_str), 3);
        if !close.is_empty() {
            return close.into_iter().map(str::to_owned).collect();
        }
        let all: BTreeSet<String> = self
            .defs
            .keys()
            .chain(reexported)
            .filter_map(|p| as_written(p))
            .collect();
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
        assert!(matches!(t.resolve("crate"), Resolution::Invalid(_)));
        assert_eq!(found(table(&["app"]).resolve("crate")), ["app"]);
        assert!(matches!(t.resolve("super::x"), Resolution::Invalid(_)));
        assert!(matches!(t.resolve("Vec<u8>::new"), Resolution::Invalid(_)));
        assert!(matches!(t.resolve("ard::charge"), Resolution::Missing(_)));
    }

    fn reexport(path: &str, target: &str, glob: bool, public: bool) -> ReExport {
        ReExport {
            path: path.to_owned(),
            targets: vec![target.to_owned()],
            glob,
            public,
        }
    }

    #[test]
    fn follows_renames_globs_and_chains_and_stops_on_cycles() {
        let mut t = table(&["app", "app::inner::B", "app::inner::B::go", "lib2"]);
        t.reexport(reexport("app::C", "app::inner::B", false, true));
        t.reexport(reexport("lib2::D", "app::C", false, true));
        t.reexport(reexport("app::all", "app::inner", true, true));
        t.reexport(reexport("app::hidden", "app::inner::B", false, false));
        t.reexport(reexport("app::x", "app::y", true, true));
        t.reexport(reexport("app::y", "app::x", true, true));
        assert_eq!(found(t.resolve("app::C::go")), ["app::inner::B::go"]);
        assert_eq!(found(t.resolve("lib2::D")), ["app::inner::B"]);
        assert_eq!(found(t.resolve("app::all::B::go")), ["app::inner::B::go"]);
        assert_eq!(found(t.resolve("C::go")), ["app::inner::B::go"]);
        assert_eq!(found(t.resolve("crate::hidden")), ["app::inner::B"]);
        assert!(matches!(t.resolve("app::hidden"), Resolution::Missing(_)));
        assert!(matches!(t.resolve("app::x::B"), Resolution::Missing(_)));
    }

    #[test]
    fn modules_that_glob_import_each_other_resolve_quickly() {
        // 40 modules each re-exporting all the others: without a per-lookup
        // memory and budget a miss walks 39^8 paths and never ends.
        let n = 40;
        let mut paths = vec!["app".to_owned(), "app::m0::Deep".to_owned()];
        paths.extend((0..n).map(|i| format!("app::m{i}")));
        let mut t = table(&paths.iter().map(String::as_str).collect::<Vec<_>>());
        for i in 0..n {
            for j in (0..n).filter(|j| *j != i) {
                t.reexport(reexport(
                    &format!("app::m{i}"),
                    &format!("app::m{j}"),
                    true,
                    true,
                ));
            }
        }
        assert_eq!(found(t.resolve("app::m39::Deep")), ["app::m0::Deep"]);
        assert!(matches!(
            t.resolve("app::m7::Nowhere"),
            Resolution::Missing(_)
        ));
        assert!(matches!(
            t.resolve("crate::m7::Nowhere::x"),
            Resolution::Missing(_)
        ));
    }

    #[test]
    fn the_last_of_many_glob_reexports_is_reached() {
        // `pub(crate) use header::*; pub(crate) use output::*; …` (lychee):
        // a depth-first walk spent its budget inside the first glob.
        let n = 20;
        let mut paths = vec![
            "app".to_owned(),
            "app::m".to_owned(),
            format!("app::m::s{}::Item", n - 1),
        ];
        paths.extend((0..n).map(|i| format!("app::m::s{i}")));
        let mut t = table(&paths.iter().map(String::as_str).collect::<Vec<_>>());
        for i in 0..n {
            let mut r = reexport("app::m", &format!("app::m::s{i}"), true, false);
            r.targets.push(format!("s{i}"));
            t.reexport(r);
        }
        assert_eq!(
            found(t.resolve("crate::m::Item")),
            [format!("app::m::s{}::Item", n - 1)]
        );
    }

    #[test]
    fn reexport_targets_follow_rust_2018_use_paths() {
        let module = ["app".to_owned(), "m".to_owned()];
        let make = |target: &[&str], name: Option<&str>| {
            ReExport::from_use(
                &module,
                &crate::code::parse::ReExport {
                    within: vec![],
                    name: name.map(str::to_owned),
                    target: target.iter().map(|s| (*s).to_owned()).collect(),
                    absolute: false,
                    public: true,
                    private: false,
                },
            )
        };
        assert_eq!(make(&["crate", "a", "X"], Some("X")).targets, ["app::a::X"]);
        assert_eq!(make(&["super", "X"], Some("Y")).path, "app::m::Y");
        assert_eq!(make(&["super", "X"], Some("Y")).targets, ["app::X"]);
        assert_eq!(
            make(&["other-lib", "X"], Some("X")).targets,
            ["app::m::other_lib::X", "other_lib::X"]
        );
        let glob = make(&["self", "a"], None);
        assert_eq!((glob.path.as_str(), glob.glob), ("app::m", true));
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
