//! Names in scope while walking one file: what each `use` brings in (the one
//! walker over `use` trees), and the expansion of a written path through the
//! `use` layers around it.

use std::collections::BTreeMap;

/// One name a `use` tree binds, or one glob it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseBinding {
    /// The path as written, without a leading `::` (`["std", "fs", "File"]`;
    /// for a glob, the module globbed).
    pub target: Vec<String>,
    /// The name it is reached by (the last segment, or the `as` name); `None`
    /// for a glob (`use a::*;`).
    pub name: Option<String>,
}

/// Every binding of one `use` tree, in written order. `use a::{self, b as
/// c}` binds `a` and `c`; `use Trait as _;` binds nothing.
pub fn use_bindings(tree: &syn::UseTree) -> Vec<UseBinding> {
    let mut out = Vec::new();
    collect_bindings(&mut Vec::new(), tree, &mut out);
    out
}

fn collect_bindings(prefix: &mut Vec<String>, tree: &syn::UseTree, out: &mut Vec<UseBinding>) {
    let target = |prefix: &[String], ident: &syn::Ident| {
        let mut full = prefix.to_vec();
        if ident != "self" {
            full.push(ident.to_string());
        }
        full
    };
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            collect_bindings(prefix, &p.tree, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let target = target(prefix, &n.ident);
            if let Some(name) = target.last().cloned() {
                out.push(UseBinding {
                    target,
                    name: Some(name),
                });
            }
        }
        syn::UseTree::Rename(r) if r.rename != "_" => out.push(UseBinding {
            target: target(prefix, &r.ident),
            name: Some(r.rename.to_string()),
        }),
        syn::UseTree::Rename(_) => {} // `use Trait as _;` names nothing
        syn::UseTree::Glob(_) => out.push(UseBinding {
            target: prefix.clone(),
            name: None,
        }),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                collect_bindings(prefix, t, out);
            }
        }
    }
}

/// The names one scope's `use` items bring in.
#[derive(Debug, Clone, Default)]
pub struct UseLayer {
    /// Name → full path as written.
    aliases: BTreeMap<String, Vec<String>>,
    /// Whether any of them is a glob.
    globs: bool,
}

impl UseLayer {
    /// The layer of one scope's items: only its `use` items count, never
    /// those inside modules or bodies (they have scopes of their own).
    pub fn of_items<'a>(items: impl IntoIterator<Item = &'a syn::Item>) -> UseLayer {
        let mut layer = UseLayer::default();
        for item in items {
            if let syn::Item::Use(u) = item {
                for binding in use_bindings(&u.tree) {
                    match binding.name {
                        Some(name) => {
                            layer.aliases.insert(name, binding.target);
                        }
                        None => layer.globs = true,
                    }
                }
            }
        }
        layer
    }
}

/// The `use` layers in scope: the file's (or inline module's) first, then
/// one per enclosing block that has `use` items of its own.
#[derive(Debug, Clone, Default)]
pub struct UseScope {
    layers: Vec<UseLayer>,
    /// How many layers hold a glob: an unimported name may come from one.
    globbed: usize,
}

impl UseScope {
    /// A scope of one module's items.
    pub fn new(module: UseLayer) -> UseScope {
        let mut scope = UseScope::default();
        scope.push(module);
        scope
    }

    /// Enters a block with `use` items of its own.
    pub fn push(&mut self, layer: UseLayer) {
        self.globbed += usize::from(layer.globs);
        self.layers.push(layer);
    }

    /// Leaves the innermost block.
    pub fn pop(&mut self) {
        if let Some(layer) = self.layers.pop() {
            self.globbed -= usize::from(layer.globs);
        }
    }

    /// Whether a glob `use` is in scope (`use super::*;`).
    pub fn has_glob(&self) -> bool {
        self.globbed > 0
    }

    /// The full path of the name `first` as imported, innermost layer first.
    pub fn lookup(&self, first: &str) -> Option<&[String]> {
        self.layers
            .iter()
            .rev()
            .find_map(|layer| layer.aliases.get(first))
            .map(Vec::as_slice)
    }

    /// `segments` with the first expanded through `use`, and whether it was:
    /// a bare name that no `use` imports may come from a glob.
    pub fn expand(&self, segments: Vec<String>) -> (Vec<String>, bool) {
        let Some(full) = segments.first().and_then(|first| self.lookup(first)) else {
            return (segments, false);
        };
        (full.iter().chain(&segments[1..]).cloned().collect(), true)
    }
}

/// An identifier as a path segment: `r#type` is the module or item `type`.
pub fn ident_name(ident: &syn::Ident) -> String {
    let name = ident.to_string();
    match name.strip_prefix("r#") {
        Some(raw) => raw.to_owned(),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bindings(text: &str) -> Vec<(String, Option<String>)> {
        let u: syn::ItemUse = syn::parse_str(text).unwrap();
        use_bindings(&u.tree)
            .into_iter()
            .map(|b| (b.target.join("::"), b.name))
            .collect()
    }

    #[test]
    fn one_walker_for_names_renames_globs_and_self() {
        let s = |t: &str, n: Option<&str>| (t.to_owned(), n.map(str::to_owned));
        assert_eq!(
            bindings("use a::{b::{self, C as D}, e::*, f, G as _};"),
            [
                s("a::b", Some("b")),
                s("a::b::C", Some("D")),
                s("a::e", None),
                s("a::f", Some("f")),
            ]
        );
        assert_eq!(bindings("use ::ext::T;"), [s("ext::T", Some("T"))]);
    }

    #[test]
    fn inner_layers_shadow_outer_ones_and_globs_are_counted() {
        let file: syn::File =
            syn::parse_str("use std::process::Command;\nuse a::*;\nmod m { use b::X; }").unwrap();
        let mut scope = UseScope::new(UseLayer::of_items(&file.items));
        assert!(scope.has_glob());
        assert_eq!(scope.lookup("X"), None, "a module's uses stay inside it");
        let seg = |s: &str| s.split("::").map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            scope.expand(seg("Command::new")),
            (seg("std::process::Command::new"), true)
        );
        let block: syn::Block = syn::parse_str("{ use clap::Command; }").unwrap();
        let items = block.stmts.iter().filter_map(|s| match s {
            syn::Stmt::Item(i) => Some(i),
            _ => None,
        });
        scope.push(UseLayer::of_items(items));
        assert_eq!(scope.lookup("Command"), Some(&seg("clap::Command")[..]));
        scope.pop();
        assert_eq!(scope.expand(seg("Other::new")), (seg("Other::new"), false));
    }
}
