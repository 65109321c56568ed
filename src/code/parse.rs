//! One Rust file → what the index needs from it: its items (with lines), its
//! `mod x;` declarations, and the entry points the detector table finds.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::Span as TokenSpan;
use serde::Serialize;
use syn::visit::{self, Visit};

use super::detect::{Args, DETECTORS, Detector, EntryKind, Pattern, path_ends_with};
use super::suppress::marker_near;
use crate::diagnostic::Span;

/// What sort of item a symbol names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// A crate root.
    Crate,
    /// A module (file or inline).
    Module,
    /// A free function.
    Function,
    /// A function in an `impl` or `trait` block (`Type::method`).
    Method,
    /// A struct.
    Struct,
    /// An enum.
    Enum,
    /// A union.
    Union,
    /// A trait.
    Trait,
    /// A type alias.
    TypeAlias,
    /// A constant.
    Const,
    /// A static.
    Static,
    /// A `macro_rules!` macro.
    Macro,
}

/// An item defined in a file, named relative to the file's module.
#[derive(Debug, Clone)]
pub struct FileItem {
    /// Path inside the file: inline modules, then the item (`["Type", "method"]`).
    pub path: Vec<String>,
    /// What it is.
    pub kind: ItemKind,
    /// 1-based line of its name.
    pub line: u32,
}

/// A `mod name;` declaration, whose body lives in another file.
#[derive(Debug, Clone)]
pub struct ModDecl {
    /// The inline modules it sits in, inside this file.
    pub within: Vec<String>,
    /// The module's name.
    pub name: String,
    /// The `#[path = "…"]` attribute, if any.
    pub path_attr: Option<String>,
}

/// A `pub use` (or `pub(crate) use`, `pub(super) use`…): a name the module
/// re-exports, reachable at the module's path although defined elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReExport {
    /// The inline modules it sits in, inside this file.
    pub within: Vec<String>,
    /// The name it is reached by here; `None` for a glob (`pub use a::*;`).
    pub name: Option<String>,
    /// The path as written, without a leading `::` (`["crate", "parse",
    /// "Parser"]`, `["super", "x"]`, `["other_crate", "Item"]`).
    pub target: Vec<String>,
    /// Written with a leading `::`: the first segment is a crate.
    pub absolute: bool,
    /// Plain `pub`: visible from other crates, so reachable by crate name;
    /// otherwise only through `crate::` paths.
    pub public: bool,
}

/// An entry point found in a file, before the index knows its module.
#[derive(Debug, Clone)]
pub struct FoundEntry {
    /// The detector that matched.
    pub detector: &'static Detector,
    /// Where, in the Rust file.
    pub span: Span,
    /// The enclosing items inside the file (`["Server", "run"]`).
    pub enclosing: Vec<String>,
    /// Inside `#[cfg(test)]` or a `#[test]` function.
    pub in_test: bool,
    /// The `tm:allow-unmodelled` marker on or above the line: its reason.
    pub marker: Option<String>,
}

/// Everything the index takes from one file.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    /// Items, in file order.
    pub items: Vec<FileItem>,
    /// `mod x;` declarations.
    pub mods: Vec<ModDecl>,
    /// `pub use` declarations outside function bodies.
    pub reexports: Vec<ReExport>,
    /// Entry points, in file order.
    pub entries: Vec<FoundEntry>,
}

/// Why a file could not be parsed, and where.
#[derive(Debug, Clone)]
pub struct ParseFailure {
    /// The relative path.
    pub file: PathBuf,
    /// Where syn stopped.
    pub span: Span,
    /// syn's message.
    pub message: String,
}

/// Parses one file. Span bookkeeping of this thread is released afterwards,
/// so parsing a million lines does not keep every file's text alive.
pub fn parse_file(file: PathBuf, text: &str) -> Result<ParsedFile, ParseFailure> {
    let result = match syn::parse_file(text) {
        Ok(ast) => Ok(FileVisitor::run(&ast, text)),
        Err(e) => Err(ParseFailure {
            span: span_of(text, e.span()),
            message: e.to_string(),
            file,
        }),
    };
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}

/// A token span → line, column and byte range in `text`.
fn span_of(text: &str, span: TokenSpan) -> Span {
    span_between(text, span, span)
}

/// The range from the start of `first` to the end of `last` (when on one line).
fn span_between(text: &str, first: TokenSpan, last: TokenSpan) -> Span {
    let (start, end) = (first.start(), last.end());
    let line = start.line.max(1) as u32;
    let offset = byte_offset(text, start.line, start.column);
    let end_offset = if end.line == start.line {
        byte_offset(text, end.line, end.column)
    } else {
        offset
    };
    Span {
        line,
        column: start.column as u32 + 1,
        offset,
        len: end_offset.saturating_sub(offset),
    }
}

fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[line_start.min(text.len())..];
    line_start
        + rest
            .char_indices()
            .nth(column)
            .map_or(rest.len(), |(i, _)| i)
}

/// Walks one syntax tree, collecting items, module declarations and entry points.
struct FileVisitor<'a> {
    text: &'a str,
    /// `use` aliases of the file: last name → full path.
    uses: BTreeMap<String, Vec<String>>,
    /// Inline modules, types and functions we are inside.
    scope: Vec<String>,
    /// How many of `scope` are inline modules (a prefix of it).
    modules: usize,
    fn_depth: usize,
    test_depth: usize,
    out: ParsedFile,
}

impl<'a> FileVisitor<'a> {
    fn run(ast: &syn::File, text: &'a str) -> ParsedFile {
        let mut uses = UseCollector::default();
        uses.visit_file(ast);
        let mut v = FileVisitor {
            text,
            uses: uses.aliases,
            scope: Vec::new(),
            modules: 0,
            fn_depth: 0,
            test_depth: 0,
            out: ParsedFile::default(),
        };
        v.visit_file(ast);
        v.out
    }

    fn item(&mut self, name: &syn::Ident, kind: ItemKind) {
        if self.fn_depth > 0 {
            return; // items inside function bodies cannot be named from outside
        }
        let mut path = self.scope.clone();
        path.push(name.to_string());
        self.out.items.push(FileItem {
            path,
            kind,
            line: name.span().start().line as u32,
        });
    }

    fn entry(&mut self, detector: &'static Detector, (first, last): (TokenSpan, TokenSpan)) {
        let span = span_between(self.text, first, last);
        if self
            .out
            .entries
            .iter()
            .any(|e| e.span.line == span.line && e.detector.kind == detector.kind)
        {
            return;
        }
        self.out.entries.push(FoundEntry {
            detector,
            marker: marker_near(self.text, span.line),
            span,
            enclosing: self.scope.clone(),
            in_test: self.test_depth > 0,
        });
    }

    /// A path as written, with its first segment expanded through `use`.
    fn resolve(&self, path: &syn::Path) -> Vec<String> {
        let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        match segs.first().and_then(|first| self.uses.get(first)) {
            Some(full) => full.iter().chain(&segs[1..]).cloned().collect(),
            None => segs,
        }
    }

    /// Runs `body` with `name` pushed on the scope.
    fn scoped(&mut self, name: String, module: bool, test: bool, body: impl FnOnce(&mut Self)) {
        self.scope.push(name);
        self.modules += usize::from(module);
        self.test_depth += usize::from(test);
        body(self);
        self.test_depth -= usize::from(test);
        self.modules -= usize::from(module);
        self.scope.pop();
    }

    fn fn_attributes(&mut self, attrs: &[syn::Attribute], is_main: bool) {
        for attr in attrs {
            let path = self.resolve(attr.path());
            for d in DETECTORS {
                let Pattern::FnAttribute(suffixes) = d.pattern else {
                    continue;
                };
                if is_main && d.kind == EntryKind::Main {
                    continue; // the `fn main` row already reports it
                }
                if suffixes.iter().any(|s| path_ends_with(&path, s))
                    && attr_args_match(attr, d.args)
                {
                    self.entry(d, (attr.pound_token.span, attr.bracket_token.span.close()));
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for FileVisitor<'_> {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if self.fn_depth > 0 || matches!(u.vis, syn::Visibility::Inherited) {
            return; // a private `use` or one in a body exports nothing
        }
        let mut found = Vec::new();
        reexports(&mut Vec::new(), &u.tree, &mut found);
        for (target, name) in found {
            self.out.reexports.push(ReExport {
                within: self.scope[..self.modules].to_vec(),
                name,
                target,
                absolute: u.leading_colon.is_some(),
                public: matches!(u.vis, syn::Visibility::Public(_)),
            });
        }
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if self.fn_depth > 0 {
            return;
        }
        self.item(&m.ident, ItemKind::Module);
        match &m.content {
            None => self.out.mods.push(ModDecl {
                within: self.scope[..self.modules].to_vec(),
                name: m.ident.to_string(),
                path_attr: path_attribute(&m.attrs),
            }),
            Some((_, items)) => {
                let test = is_cfg_test(&m.attrs);
                self.scoped(m.ident.to_string(), true, test, |v| {
                    for item in items {
                        v.visit_item(item);
                    }
                });
            }
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.item(&f.sig.ident, ItemKind::Function);
        let is_main = f.sig.ident == "main" && self.scope.is_empty();
        let test = is_test_fn(&f.attrs);
        self.scoped(f.sig.ident.to_string(), false, test, |v| {
            if is_main {
                let span = f.sig.ident.span();
                v.entry(&DETECTORS[0], (span, span));
            }
            v.fn_attributes(&f.attrs, is_main);
            v.fn_depth += 1;
            visit::visit_block(v, &f.block);
            v.fn_depth -= 1;
        });
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let ty = match &*i.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        let test = is_cfg_test(&i.attrs);
        self.scoped(
            ty.unwrap_or_else(|| "<impl>".to_owned()),
            false,
            test,
            |v| {
                for item in &i.items {
                    v.visit_impl_item(item);
                }
            },
        );
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if self.scope.last().is_none_or(|s| s != "<impl>") {
            self.item(&f.sig.ident, ItemKind::Method);
        }
        let test = is_test_fn(&f.attrs);
        self.scoped(f.sig.ident.to_string(), false, test, |v| {
            v.fn_attributes(&f.attrs, false);
            v.fn_depth += 1;
            visit::visit_block(v, &f.block);
            v.fn_depth -= 1;
        });
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        self.item(&t.ident, ItemKind::Trait);
        self.scoped(t.ident.to_string(), false, false, |v| {
            for item in &t.items {
                if let syn::TraitItem::Fn(f) = item {
                    v.item(&f.sig.ident, ItemKind::Method);
                    if let Some(block) = &f.default {
                        v.scoped(f.sig.ident.to_string(), false, false, |v| {
                            v.fn_depth += 1;
                            visit::visit_block(v, block);
                            v.fn_depth -= 1;
                        });
                    }
                }
            }
        });
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        self.item(&s.ident, ItemKind::Struct);
    }

    fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
        self.item(&e.ident, ItemKind::Enum);
    }

    fn visit_item_union(&mut self, u: &'ast syn::ItemUnion) {
        self.item(&u.ident, ItemKind::Union);
    }

    fn visit_item_type(&mut self, t: &'ast syn::ItemType) {
        self.item(&t.ident, ItemKind::TypeAlias);
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        self.item(&c.ident, ItemKind::Const);
        visit::visit_item_const(self, c);
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        self.item(&s.ident, ItemKind::Static);
        visit::visit_item_static(self, s);
    }

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        if let Some(ident) = &m.ident {
            self.item(ident, ItemKind::Macro);
        } else {
            visit::visit_item_macro(self, m);
        }
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            let path = self.resolve(&p.path);
            let first = call.args.first();
            for d in DETECTORS {
                if let Pattern::Call(suffixes) = d.pattern
                    && suffixes.iter().any(|s| path_ends_with(&path, s))
                    && args_match(first, call.args.len(), d.args)
                {
                    self.entry(d, path_span(&p.path));
                }
            }
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        let first = call.args.first();
        for d in DETECTORS {
            if let Pattern::Method(names) = d.pattern
                && names.contains(&name.as_str())
                && args_match(first, call.args.len(), d.args)
            {
                let span = call.method.span();
                self.entry(d, (span, span));
            }
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let path = self.resolve(&mac.path);
        for d in DETECTORS {
            if let Pattern::Macro(suffixes) = d.pattern
                && suffixes.iter().any(|s| path_ends_with(&path, s))
            {
                self.entry(d, path_span(&mac.path));
            }
        }
    }
}

fn path_span(path: &syn::Path) -> (TokenSpan, TokenSpan) {
    let first = path
        .segments
        .first()
        .map_or_else(TokenSpan::call_site, |s| s.ident.span());
    let last = path.segments.last().map_or(first, |s| s.ident.span());
    (first, last)
}

fn args_match(first: Option<&syn::Expr>, count: usize, want: Args) -> bool {
    let literal = |e: Option<&syn::Expr>| match e {
        Some(syn::Expr::Lit(l)) => match &l.lit {
            syn::Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        _ => None,
    };
    match want {
        Args::Any => true,
        Args::Empty => count == 0,
        Args::AtLeastOne => count > 0,
        Args::RouteLiteral => route_text(first).is_some_and(|s| s.starts_with('/')),
        Args::NotLiteral => count > 0 && literal(first).is_none(),
    }
}

/// The leading literal of a route argument: `"/a"`, `&format!("/{X}")` or
/// `concat!("/", X)` (a route built at run time still starts with `/`).
fn route_text(arg: Option<&syn::Expr>) -> Option<String> {
    match arg? {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        syn::Expr::Reference(r) => route_text(Some(&r.expr)),
        syn::Expr::Paren(p) => route_text(Some(&p.expr)),
        syn::Expr::Macro(m)
            if m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "format" || s.ident == "concat") =>
        {
            let args = m
                .mac
                .parse_body_with(
                    syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
                )
                .ok()?;
            route_text(args.first())
        }
        _ => None,
    }
}

fn attr_args_match(attr: &syn::Attribute, want: Args) -> bool {
    match want {
        Args::Any => true,
        _ => match &attr.meta {
            syn::Meta::List(list) => {
                let first = list
                    .parse_args_with(
                        syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
                    )
                    .ok();
                let args = first.as_ref();
                let count = args.map_or(0, |a| a.len());
                args_match(args.and_then(|a| a.first()), count, want)
            }
            _ => want == Args::Empty,
        },
    }
}

fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| match &a.meta {
        syn::Meta::List(list) if list.path.is_ident("cfg") => list.tokens.to_string() == "test",
        _ => false,
    })
}

fn is_test_fn(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "test" || s.ident == "bench")
    }) || is_cfg_test(attrs)
}

/// The (target path, name) pairs of one `use` tree; the name is `None` for a glob.
fn reexports(
    prefix: &mut Vec<String>,
    tree: &syn::UseTree,
    out: &mut Vec<(Vec<String>, Option<String>)>,
) {
    let target = |ident: &syn::Ident| {
        let mut full = prefix.clone();
        if ident != "self" {
            full.push(ident.to_string());
        }
        full
    };
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            reexports(prefix, &p.tree, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let full = target(&n.ident);
            if let Some(last) = full.last().cloned() {
                out.push((full, Some(last)));
            }
        }
        syn::UseTree::Rename(r) if r.rename != "_" => {
            out.push((target(&r.ident), Some(r.rename.to_string())));
        }
        syn::UseTree::Rename(_) => {} // `pub use Trait as _;` names nothing
        syn::UseTree::Glob(_) => out.push((prefix.clone(), None)),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                reexports(prefix, t, out);
            }
        }
    }
}

/// Collects `use` declarations: the name each brings into scope → its full path.
#[derive(Default)]
struct UseCollector {
    aliases: BTreeMap<String, Vec<String>>,
}

impl UseCollector {
    fn tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut full = prefix.clone();
                if n.ident != "self" {
                    full.push(n.ident.to_string());
                }
                if let Some(last) = full.last().cloned() {
                    self.aliases.insert(last, full);
                }
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                if r.ident != "self" {
                    full.push(r.ident.to_string());
                }
                self.aliases.insert(r.rename.to_string(), full);
            }
            syn::UseTree::Glob(_) => {}
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.tree(prefix, t);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for UseCollector {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.tree(&mut Vec::new(), &u.tree);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ParsedFile {
        parse_file(PathBuf::from("x.rs"), text).unwrap()
    }

    fn names(p: &ParsedFile) -> Vec<String> {
        p.items.iter().map(|i| i.path.join("::")).collect()
    }

    #[test]
    fn items_with_impl_methods_and_inline_modules() {
        let p = parse(
            "struct A;\nimpl A {\n    fn go(&self) {}\n}\nmod inner {\n    pub fn f() {}\n    macro_rules! m { () => {} }\n}\nmod other;\n",
        );
        assert_eq!(
            names(&p),
            ["A", "A::go", "inner", "inner::f", "inner::m", "other"]
        );
        assert_eq!(p.items[1].line, 3);
        assert_eq!(p.mods.len(), 1);
        assert_eq!(p.mods[0].name, "other");
    }

    #[test]
    fn path_attribute_is_kept() {
        let p = parse("#[path = \"impl/x.rs\"]\nmod x;\n");
        assert_eq!(p.mods[0].path_attr.as_deref(), Some("impl/x.rs"));
    }

    #[test]
    fn entry_points_resolve_through_use() {
        let p = parse(
            "use std::process::Command;\nuse clap::Command as Cli;\nfn main() {\n    Command::new(\"ls\");\n    Cli::new(\"app\");\n    let a = std::env::args();\n}\n",
        );
        let found: Vec<(&str, u32)> = p
            .entries
            .iter()
            .map(|e| (e.detector.id, e.span.line))
            .collect();
        assert_eq!(
            found,
            [("main", 3), ("process-command", 4), ("env-args", 6)]
        );
        assert_eq!(p.entries[1].enclosing, ["main"]);
    }

    #[test]
    fn routes_need_a_path_literal_and_tests_are_marked() {
        let p = parse(
            "#[get(\"/users\")]\nasync fn users() {}\nfn r(x: X) { x.route(\"/a\", h); x.route(y); }\n#[cfg(test)]\nmod tests { fn t() { std::env::args(); } }\n",
        );
        let found: Vec<(&str, u32, bool)> = p
            .entries
            .iter()
            .map(|e| (e.detector.id, e.span.line, e.in_test))
            .collect();
        assert_eq!(
            found,
            [
                ("route-attribute", 1, false),
                ("router-route", 3, false),
                ("env-args", 5, true)
            ]
        );
    }

    #[test]
    fn public_uses_are_reexports() {
        let p = parse(
            "use a::Private;\npub use b::{C as D, e::*, self};\nmod m { pub(crate) use crate::x::Y; }\npub use ::ext::T as _;\nfn f() { pub use z::W; }\n",
        );
        let got: Vec<(String, Option<&str>, String, bool)> = p
            .reexports
            .iter()
            .map(|r| {
                (
                    r.within.join("::"),
                    r.name.as_deref(),
                    r.target.join("::"),
                    r.public,
                )
            })
            .collect();
        let s = String::from;
        assert_eq!(
            got,
            [
                (s(""), Some("D"), s("b::C"), true),
                (s(""), None, s("b::e"), true),
                (s(""), Some("b"), s("b"), true),
                (s("m"), Some("Y"), s("crate::x::Y"), false),
            ]
        );
    }

    #[test]
    fn syntax_error_has_a_position() {
        let err = parse_file(PathBuf::from("bad.rs"), "fn ok() {}\nfn broken( {\n").unwrap_err();
        assert_eq!(err.span.line, 2, "{}", err.message);
    }
}
