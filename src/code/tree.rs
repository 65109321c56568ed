//! Crates and their module trees: which crate roots the `Cargo.toml` files
//! declare, and which module each `.rs` file is, following `mod x;` and
//! `#[path]` the way rustc does.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::parse::ParsedFile;
use super::walk::normalize;

/// A crate root file and the name its items are reached by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateRoot {
    /// The crate name, with `-` turned into `_` as in Rust paths.
    pub name: String,
    /// The root file (`src/lib.rs`, `src/main.rs`, `src/bin/x.rs`…).
    pub file: PathBuf,
    /// False for tests, benches, examples and build scripts: their items are
    /// not indexed and their entry points are not the program's.
    pub runtime: bool,
}

/// Which module a file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileModule {
    /// The crate, then the modules (`["app", "payments", "card"]`).
    pub path: Vec<String>,
    /// Whether it belongs to a runtime target (see [`CrateRoot::runtime`]).
    pub runtime: bool,
}

#[derive(Deserialize)]
struct Manifest {
    package: Option<Package>,
    lib: Option<Target>,
    #[serde(default)]
    bin: Vec<Target>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
}

#[derive(Deserialize)]
struct Target {
    name: Option<String>,
    path: Option<PathBuf>,
}

/// A `Cargo.toml` of at most 1 MiB, checked before reading.
fn read_manifest(path: &Path) -> Option<String> {
    match crate::project_root::read_capped(path, 1024 * 1024) {
        Ok(crate::project_root::Capped::Whole(bytes)) => String::from_utf8(bytes).ok(),
        _ => None,
    }
}

/// The crate roots of every package whose `Cargo.toml` is among `files`
/// (which covers workspace members); `files` is sorted, as
/// [`super::walk::source_files`] returns it. A tree without any manifest falls back
/// to each `src/lib.rs` and `src/main.rs`, named after their package directory.
pub fn crate_roots(root: &Path, files: &[PathBuf]) -> Vec<CrateRoot> {
    let present: BTreeSet<&Path> = files.iter().map(PathBuf::as_path).collect();
    let mut roots = Vec::new();
    for manifest_path in files.iter().filter(|f| f.ends_with("Cargo.toml")) {
        let Some(manifest) = read_manifest(&root.join(manifest_path))
            .and_then(|t| toml::from_str::<Manifest>(&t).ok())
        else {
            continue;
        };
        let Some(package) = manifest.package else {
            continue; // a virtual workspace: its members have their own manifests
        };
        let dir = manifest_path.parent().unwrap_or(Path::new(""));
        let name = package.name.replace('-', "_");
        let mut add = |file: PathBuf, name: &str, runtime: bool| {
            let file = normalize(&dir.join(file));
            if present.contains(file.as_path()) && !roots.iter().any(|r: &CrateRoot| r.file == file)
            {
                roots.push(CrateRoot {
                    name: name.replace('-', "_"),
                    file,
                    runtime,
                });
            }
        };
        let lib = manifest.lib.as_ref();
        let lib_name = lib.and_then(|l| l.name.clone()).unwrap_or(name.clone());
        add(
            lib.and_then(|l| l.path.clone())
                .unwrap_or_else(|| "src/lib.rs".into()),
            &lib_name,
            true,
        );
        for bin in &manifest.bin {
            let bin_name = bin.name.clone().unwrap_or(name.clone());
            let path = bin
                .path
                .clone()
                .unwrap_or_else(|| format!("src/bin/{bin_name}.rs").into());
            add(path, &bin_name, true);
        }
        add("src/main.rs".into(), &name, true);
        let bin_dir = dir.join("src/bin");
        for f in under(files, &bin_dir) {
            let rel = f.strip_prefix(&bin_dir).unwrap_or(f);
            let bin_name = match rel.components().count() {
                1 if f.extension().is_some_and(|e| e == "rs") => f.file_stem(),
                2 if rel.ends_with("main.rs") => rel.parent().and_then(|p| p.file_name()),
                _ => None,
            };
            if let Some(bin_name) = bin_name.and_then(|n| n.to_str()) {
                add(rel_to(dir, f), bin_name, true);
            }
        }
        add("build.rs".into(), "build_script", false);
        for kind in ["tests", "benches", "examples"] {
            let kind_dir = dir.join(kind);
            for f in under(files, &kind_dir).filter(|f| {
                f.parent() == Some(&kind_dir) && f.extension().is_some_and(|e| e == "rs")
            }) {
                let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or(kind);
                add(rel_to(dir, f), stem, false);
            }
        }
    }
    if roots.is_empty() {
        for f in files {
            let is_root = (f.ends_with("src/lib.rs") || f.ends_with("src/main.rs"))
                && f.components().count() >= 2;
            if is_root {
                let package_dir = f.parent().and_then(Path::parent);
                let name = package_dir
                    .and_then(|d| d.file_name())
                    .and_then(|n| n.to_str())
                    .unwrap_or("crate");
                roots.push(CrateRoot {
                    name: name.replace('-', "_"),
                    file: f.clone(),
                    runtime: true,
                });
            }
        }
    }
    roots.sort_by(|a, b| (!a.runtime, &a.file).cmp(&(!b.runtime, &b.file)));
    roots
}

/// The files under `dir`, found by binary search: `files` is sorted, so they
/// are one run (a tree of many packages would otherwise be scanned once per
/// manifest).
fn under<'a>(files: &'a [PathBuf], dir: &'a Path) -> impl Iterator<Item = &'a PathBuf> {
    let start = files.partition_point(|f| f.as_path() < dir);
    files[start..]
        .iter()
        .take_while(move |f| f.starts_with(dir))
}

fn rel_to(dir: &Path, f: &Path) -> PathBuf {
    f.strip_prefix(dir).unwrap_or(f).to_path_buf()
}

/// Walks every crate's module tree from its root: file → module. Runtime
/// roots go first, so a file shared with a test target counts as runtime.
/// Files no root reaches are absent (they are indexed by path only).
pub fn module_tree(
    roots: &[CrateRoot],
    parsed: &BTreeMap<PathBuf, ParsedFile>,
) -> BTreeMap<PathBuf, FileModule> {
    let mut modules = BTreeMap::new();
    for root in roots {
        let mut stack = vec![(
            root.file.clone(),
            vec![root.name.clone()],
            true,
            root.runtime,
        )];
        while let Some((file, path, mod_rs, runtime)) = stack.pop() {
            if modules.contains_key(&file) {
                continue;
            }
            let Some(parsed_file) = parsed.get(&file) else {
                continue;
            };
            for decl in &parsed_file.mods {
                let (child, child_mod_rs) = child_file(&file, mod_rs, decl, parsed);
                if let Some(child) = child {
                    let mut child_path = path.clone();
                    child_path.extend(decl.within.iter().cloned());
                    child_path.push(decl.name.clone());
                    // `#[cfg(test)] mod tests;` is test code in its own file.
                    stack.push((child, child_path, child_mod_rs, runtime && !decl.test));
                }
            }
            modules.insert(file, FileModule { path, runtime });
        }
    }
    modules
}

/// The file of `mod name;` declared in `file`, and whether that file owns a
/// directory like `mod.rs` does. `mod_rs` is true for crate roots and `mod.rs`.
fn child_file(
    file: &Path,
    mod_rs: bool,
    decl: &super::parse::ModDecl,
    parsed: &BTreeMap<PathBuf, ParsedFile>,
) -> (Option<PathBuf>, bool) {
    let parent = file.parent().unwrap_or(Path::new(""));
    let own_dir = if mod_rs {
        parent.to_path_buf()
    } else {
        parent.join(file.file_stem().unwrap_or_default())
    };
    if let Some(attr) = &decl.path_attr {
        let base = if decl.within.is_empty() {
            parent.to_path_buf()
        } else {
            decl.within.iter().fold(own_dir, |d, m| d.join(m))
        };
        let target = normalize(&base.join(attr));
        let found = parsed.contains_key(&target).then_some(target);
        // rustc reads the children of a `#[path]` file from its own directory,
        // as it does for `mod.rs`.
        return (found, true);
    }
    let base = decl.within.iter().fold(own_dir, |d, m| d.join(m));
    let flat = normalize(&base.join(format!("{}.rs", decl.name)));
    if parsed.contains_key(&flat) {
        return (Some(flat), false);
    }
    let nested = normalize(&base.join(&decl.name).join("mod.rs"));
    if parsed.contains_key(&nested) {
        return (Some(nested), true);
    }
    (None, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::parse::parse_file;

    fn tree(files: &[(&str, &str)]) -> BTreeMap<PathBuf, FileModule> {
        let parsed: BTreeMap<PathBuf, ParsedFile> = files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), parse_file(p.into(), t).unwrap()))
            .collect();
        let roots = [CrateRoot {
            name: "app".into(),
            file: "src/lib.rs".into(),
            runtime: true,
        }];
        module_tree(&roots, &parsed)
    }

    fn path_of(t: &BTreeMap<PathBuf, FileModule>, f: &str) -> String {
        t[Path::new(f)].path.join("::")
    }

    #[test]
    fn follows_mod_rs_flat_nested_and_path_attributes() {
        let t = tree(&[
            (
                "src/lib.rs",
                "mod a; mod b; #[path = \"gen/c_impl.rs\"] mod c; mod inl { mod d; }",
            ),
            ("src/a.rs", "mod deep;"),
            ("src/a/deep.rs", ""),
            ("src/b/mod.rs", "mod e;"),
            ("src/b/e.rs", ""),
            ("src/gen/c_impl.rs", ""),
            ("src/inl/d.rs", ""),
            ("src/orphan.rs", ""),
        ]);
        assert_eq!(path_of(&t, "src/a/deep.rs"), "app::a::deep");
        assert_eq!(path_of(&t, "src/b/e.rs"), "app::b::e");
        assert_eq!(path_of(&t, "src/gen/c_impl.rs"), "app::c");
        assert_eq!(path_of(&t, "src/inl/d.rs"), "app::inl::d");
        assert!(!t.contains_key(Path::new("src/orphan.rs")));
    }
}
