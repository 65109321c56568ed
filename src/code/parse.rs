//! One Rust file → what the index needs from it: its items (with lines), its
//! `mod x;` declarations, and the entry points the detector table finds.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use proc_macro2::Span as TokenSpan;
use serde::Serialize;
use syn::visit::{self, Visit};

use super::detect::{
    Args, DETECTORS, Detector, EntryKind, Pattern, path_ends_with, pattern_ends_with,
};
use super::nesting;
use super::suppress::Markers;
use crate::diagnostic::{LineIndex, Span};

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
    /// A variant of an enum (`Enum::Variant`).
    Variant,
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
    /// For an item of an `impl` block: the type it belongs to, which may be
    /// defined in another module. `#[macro_export]` macros have their own place.
    pub place: Place,
}

/// Where an item lives, when that is not simply where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// At its path inside the file's module.
    Here,
    /// In an `impl` block whose type is written as `written` (after `use`
    /// expansion: `["crate", "net", "Server"]`, `["Server"]`), inside the
    /// first `within` segments of `path` (inline modules); `path` then goes on
    /// with the type's name and the item's.
    Impl(ImplOwner),
    /// A `#[macro_export]` macro: at the crate root, whatever its module.
    CrateRoot,
}

/// The type of an `impl` block, as written in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImplOwner {
    /// How many leading segments of the item's path are inline modules.
    pub within: usize,
    /// The type's path after `use` expansion.
    pub written: Vec<String>,
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
    /// Under `#[cfg(test)]` (itself or an inline module around it): the file
    /// is test code.
    pub test: bool,
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
    /// A plain `use` (no `pub`): at a crate root it still gives the whole
    /// crate a `crate::Name` path; elsewhere the index ignores it.
    pub private: bool,
}

/// An entry point found in a file, before the index knows its module.
#[derive(Debug, Clone)]
pub struct FoundEntry {
    /// The detector that matched.
    pub detector: &'static Detector,
    /// Where, in the Rust file.
    pub span: Span,
    /// The enclosing items inside the file (`["Server", "run"]`), up to the
    /// first that cannot be named (an `impl` for a reference or a generic).
    pub enclosing: Vec<String>,
    /// When the entry is inside an `impl` block: its type, which may live in
    /// another module than the block (`enclosing` then names the block's place).
    pub owner: Option<ImplOwner>,
    /// Inside `#[cfg(test)]` or a `#[test]` function.
    pub in_test: bool,
    /// What was called, after `use` expansion (`["Settings", "parse_from"]`;
    /// the method name for a method call; empty for `fn main` and attributes),
    /// so that a call of the crate's own function of the same name can be
    /// told apart from the library one a detector means.
    pub call: Vec<String>,
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

/// The stack of the threads that parse Rust files: syn, the visitor and the
/// syntax tree's `Drop` recurse once per level of nesting, and
/// [`nesting::MAX_OPEN_TOKENS`] levels of the deepest construct need about half
/// of this in a debug build. It is address space, reserved and not touched.
pub const PARSE_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Runs `work` (which may use rayon) on a thread pool whose threads have
/// [`PARSE_STACK_BYTES`] of stack; the nesting budget is sized for those.
/// When the system refuses such threads, `work` runs on the current pool
/// with `budget` shrunk to what a default 2 MiB stack holds.
pub fn on_parse_stack<R: Send>(work: impl FnOnce(u32) -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new()
        .stack_size(PARSE_STACK_BYTES)
        .thread_name(|i| format!("tm-parse-{i}"))
        .build()
    {
        Ok(pool) => pool.install(|| work(nesting::MAX_OPEN_TOKENS)),
        Err(_) => work(nesting::MAX_OPEN_TOKENS / 128),
    }
}

/// Parses one file, on a thread with [`PARSE_STACK_BYTES`] of stack (see
/// [`on_parse_stack`]) unless `budget` is small. A file that nests deeper than
/// `budget` open tokens is refused before syn sees it. Span bookkeeping of this
/// thread is released afterwards, so parsing a million lines does not keep
/// every file's text alive.
pub fn parse_file_within(
    file: PathBuf,
    text: &str,
    budget: u32,
) -> Result<ParsedFile, ParseFailure> {
    if let Err(deep) = nesting::check(text, budget) {
        return Err(ParseFailure {
            file,
            span: Span {
                line: deep.line,
                column: 1,
                offset: deep.offset,
                len: 0,
            },
            message: format!(
                "it nests too deeply for tm to parse safely at line {}: more than {} brackets or {budget} operators, calls and chained expressions are open at once",
                deep.line,
                nesting::MAX_BRACKETS
            ),
        });
    }
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

/// Parses one small test input on the current thread.
#[cfg(test)]
pub(crate) fn parse_file(file: PathBuf, text: &str) -> Result<ParsedFile, ParseFailure> {
    parse_file_within(file, text, nesting::MAX_OPEN_TOKENS / 16)
}

/// A token span → line, column and byte range in `text`.
fn span_of(text: &str, span: TokenSpan) -> Span {
    span_between(text, &LineIndex::new(text), span, span)
}

/// The range from the start of `first` to the end of `last` (when on one line).
fn span_between(text: &str, lines: &LineIndex, first: TokenSpan, last: TokenSpan) -> Span {
    let (start, end) = (first.start(), last.end());
    let line = start.line.max(1) as u32;
    let offset = lines.offset(text, start.line, start.column);
    let end_offset = if end.line == start.line {
        lines.offset(text, end.line, end.column)
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

/// Walks one syntax tree, collecting items, module declarations and entry points.
struct FileVisitor<'a> {
    text: &'a str,
    /// Line starts of `text`, for spans.
    lines: LineIndex,
    /// The allow markers of `text`, found the first time an entry needs them.
    markers: OnceCell<Markers>,
    /// (line, kind) of the entries found so far: one entry per line and kind.
    seen: HashSet<(u32, EntryKind)>,
    /// `use` aliases in scope, file level first and then one layer per
    /// enclosing block: name → full path.
    uses: Vec<BTreeMap<String, Vec<String>>>,
    /// Whether a glob `use` is in scope (`use super::*;`): an unimported type
    /// name may then be the one a detector looks for.
    globbed: usize,
    /// The `impl` block we are in: its type, for `Self` and item placement.
    owner: Option<ImplOwner>,
    /// The first line of the statement we are in, for allow markers written
    /// above a statement that spans several lines.
    stmt_line: Option<u32>,
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
        for item in &ast.items {
            uses.visit_item(item);
        }
        let mut v = FileVisitor {
            text,
            lines: LineIndex::new(text),
            markers: OnceCell::new(),
            seen: HashSet::new(),
            uses: vec![uses.aliases],
            globbed: usize::from(uses.globs),
            owner: None,
            stmt_line: None,
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
        let place = match &self.owner {
            Some(owner) => Place::Impl(owner.clone()),
            None => Place::Here,
        };
        self.place_item(name, kind, place);
    }

    fn place_item(&mut self, name: &syn::Ident, kind: ItemKind, place: Place) {
        if self.fn_depth > 0 || self.test_depth > 0 {
            return; // items in bodies cannot be named from outside; tests are not the program
        }
        if self.scope.iter().any(|s| s == UNNAMED) {
            return; // methods of `impl Trait for &T` or `for T` have no path
        }
        let mut path = match place {
            Place::CrateRoot => Vec::new(),
            _ => self.scope.clone(),
        };
        path.push(ident_name(name));
        self.out.items.push(FileItem {
            path,
            kind,
            line: name.span().start().line as u32,
            place,
        });
    }

    fn entry(
        &mut self,
        detector: &'static Detector,
        (first, last): (TokenSpan, TokenSpan),
        call: &[String],
    ) {
        let span = span_between(self.text, &self.lines, first, last);
        if !self.seen.insert((span.line, detector.kind)) {
            return;
        }
        let markers = self
            .markers
            .get_or_init(|| Markers::new(self.text, &self.lines));
        let marker = markers.near(span.line).or_else(|| {
            self.stmt_line
                .filter(|l| *l < span.line)
                .and_then(|l| markers.near(l))
        });
        let named = self.scope.iter().take_while(|s| *s != UNNAMED).count();
        self.out.entries.push(FoundEntry {
            detector,
            marker,
            span,
            enclosing: self.scope[..named].to_vec(),
            owner: self.owner.clone().filter(|_| named == self.scope.len()),
            in_test: self.test_depth > 0,
            call: call.to_vec(),
        });
    }

    /// A path as written, with its first segment expanded through `use`
    /// (`Self` is the `impl` block's type), and whether that expansion
    /// happened: a bare name that no `use` imports may come from a glob.
    fn resolve(&self, path: &syn::Path) -> (Vec<String>, bool) {
        let segs: Vec<String> = path.segments.iter().map(|s| ident_name(&s.ident)).collect();
        let Some(first) = segs.first() else {
            return (segs, false);
        };
        if first == "Self"
            && let Some(owner) = &self.owner
        {
            return (
                owner.written.iter().chain(&segs[1..]).cloned().collect(),
                true,
            );
        }
        match self.uses.iter().rev().find_map(|layer| layer.get(first)) {
            Some(full) => (full.iter().chain(&segs[1..]).cloned().collect(), true),
            None => (segs, false),
        }
    }

    /// A called path, resolved once for matching against every detector row.
    fn called(&self, path: &syn::Path) -> CalledPath {
        let (full, imported) = self.resolve(path);
        let loose = !imported && self.globbed > 0 && full.len() >= 2;
        CalledPath { full, loose }
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
            let (path, _) = self.resolve(attr.path());
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
                    self.entry(
                        d,
                        (attr.pound_token.span, attr.bracket_token.span.close()),
                        &[],
                    );
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for FileVisitor<'_> {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if self.fn_depth > 0 || (self.modules > 0 && matches!(u.vis, syn::Visibility::Inherited)) {
            return; // a `use` in a body, or a private one in an inline module, exports nothing
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
                private: matches!(u.vis, syn::Visibility::Inherited),
            });
        }
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if self.fn_depth > 0 {
            return;
        }
        let test = is_cfg_test(&m.attrs);
        if !test {
            self.item(&m.ident, ItemKind::Module);
        }
        match &m.content {
            None => self.out.mods.push(ModDecl {
                within: self.scope[..self.modules].to_vec(),
                name: ident_name(&m.ident),
                path_attr: path_attribute(&m.attrs),
                test: test || self.test_depth > 0,
            }),
            Some((_, items)) => {
                let mut uses = UseCollector::default();
                for item in items {
                    uses.visit_item(item);
                }
                // An inline module is a scope of its own: the file's `use`s do not reach in.
                let outer_uses = std::mem::replace(&mut self.uses, vec![uses.aliases]);
                let outer_globbed = std::mem::replace(&mut self.globbed, usize::from(uses.globs));
                self.scoped(ident_name(&m.ident), true, test, |v| {
                    for item in items {
                        v.visit_item(item);
                    }
                });
                self.uses = outer_uses;
                self.globbed = outer_globbed;
            }
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.item(&f.sig.ident, ItemKind::Function);
        let is_main = f.sig.ident == "main" && self.scope.is_empty();
        let test = is_test_fn(&f.attrs);
        self.scoped(ident_name(&f.sig.ident), false, test, |v| {
            if is_main {
                let span = f.sig.ident.span();
                v.entry(&DETECTORS[0], (span, span), &[]);
            }
            v.fn_attributes(&f.attrs, is_main);
            v.fn_depth += 1;
            v.visit_block(&f.block);
            v.fn_depth -= 1;
        });
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let generics: Vec<String> = i
            .generics
            .type_params()
            .map(|p| p.ident.to_string())
            .collect();
        let written = self_type(&i.self_ty)
            .filter(|p| {
                !(p.segments.len() == 1 && generics.contains(&p.segments[0].ident.to_string()))
            })
            .map(|p| self.resolve(p).0)
            .filter(|w| !w.last().is_some_and(|l| WRAPPERS.contains(&l.as_str())));
        let test = is_cfg_test(&i.attrs);
        let name = written
            .as_ref()
            .and_then(|w| w.last().cloned())
            .unwrap_or_else(|| UNNAMED.to_owned());
        let owner = written.map(|written| ImplOwner {
            within: self.modules,
            written,
        });
        let outer = std::mem::replace(&mut self.owner, owner);
        self.scoped(name, false, test, |v| {
            for item in &i.items {
                v.visit_impl_item(item);
            }
        });
        self.owner = outer;
    }

    fn visit_impl_item_type(&mut self, t: &'ast syn::ImplItemType) {
        self.item(&t.ident, ItemKind::TypeAlias);
    }

    fn visit_impl_item_const(&mut self, c: &'ast syn::ImplItemConst) {
        self.item(&c.ident, ItemKind::Const);
        self.scoped(ident_name(&c.ident), false, false, |v| {
            v.fn_depth += 1;
            visit::visit_impl_item_const(v, c);
            v.fn_depth -= 1;
        });
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.item(&f.sig.ident, ItemKind::Method);
        let test = is_test_fn(&f.attrs);
        self.scoped(ident_name(&f.sig.ident), false, test, |v| {
            v.fn_attributes(&f.attrs, false);
            v.fn_depth += 1;
            v.visit_block(&f.block);
            v.fn_depth -= 1;
        });
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        self.item(&t.ident, ItemKind::Trait);
        self.scoped(ident_name(&t.ident), false, false, |v| {
            for item in &t.items {
                if let syn::TraitItem::Const(c) = item {
                    v.item(&c.ident, ItemKind::Const);
                }
                if let syn::TraitItem::Type(t) = item {
                    v.item(&t.ident, ItemKind::TypeAlias);
                }
                if let syn::TraitItem::Fn(f) = item {
                    v.item(&f.sig.ident, ItemKind::Method);
                    if let Some(block) = &f.default {
                        v.scoped(ident_name(&f.sig.ident), false, false, |v| {
                            v.fn_depth += 1;
                            v.visit_block(block);
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
        self.scoped(ident_name(&e.ident), false, false, |v| {
            for variant in &e.variants {
                v.item(&variant.ident, ItemKind::Variant);
            }
        });
    }

    fn visit_item_union(&mut self, u: &'ast syn::ItemUnion) {
        self.item(&u.ident, ItemKind::Union);
    }

    fn visit_item_type(&mut self, t: &'ast syn::ItemType) {
        self.item(&t.ident, ItemKind::TypeAlias);
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        self.item(&c.ident, ItemKind::Const);
        // Code in an initialiser belongs to the constant (`static X = LazyLock::new(|| …)`).
        self.scoped(ident_name(&c.ident), false, false, |v| {
            v.fn_depth += 1;
            visit::visit_item_const(v, c);
            v.fn_depth -= 1;
        });
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        self.item(&s.ident, ItemKind::Static);
        self.scoped(ident_name(&s.ident), false, false, |v| {
            v.fn_depth += 1;
            visit::visit_item_static(v, s);
            v.fn_depth -= 1;
        });
    }

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        match &m.ident {
            Some(ident) if has_attribute(&m.attrs, "macro_export") => {
                self.place_item(ident, ItemKind::Macro, Place::CrateRoot);
            }
            Some(ident) => self.item(ident, ItemKind::Macro),
            None if is_static_macro(&m.mac) => self.static_macro(&m.mac),
            None => visit::visit_item_macro(self, m),
        }
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        let local = |stmt: &&'ast syn::Stmt| matches!(stmt, syn::Stmt::Item(syn::Item::Use(_)));
        if !block.stmts.iter().any(|s| local(&s)) {
            return visit::visit_block(self, block);
        }
        let mut uses = UseCollector::default();
        for stmt in block.stmts.iter().filter(local) {
            if let syn::Stmt::Item(item) = stmt {
                uses.visit_item(item);
            }
        }
        self.with_uses(uses, |v| visit::visit_block(v, block));
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        let line = stmt_first_line(stmt);
        let outer = self.stmt_line;
        self.stmt_line = line.or(outer);
        visit::visit_stmt(self, stmt);
        self.stmt_line = outer;
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            let first = call.args.first();
            let called = self.called(&p.path);
            for d in DETECTORS {
                if let Pattern::Call(suffixes) = d.pattern
                    && called.matches(suffixes)
                    && args_match(first, call.args.len(), d.args)
                {
                    self.entry(d, path_span(&p.path), &called.full);
                }
            }
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        let first = call.args.first();
        // `path.map(std::fs::read)`: a reader passed as a function value is
        // called on whatever the chain holds, which is never a literal.
        for arg in &call.args {
            if let syn::Expr::Path(p) = arg {
                let called = self.called(&p.path);
                for d in DETECTORS {
                    if let Pattern::Call(rows) = d.pattern
                        && d.kind == EntryKind::FileRead
                        && called.matches(rows)
                    {
                        self.entry(d, path_span(&p.path), &called.full);
                    }
                }
            }
        }
        for d in DETECTORS {
            let named = match d.pattern {
                Pattern::Method(names) => names.contains(&name.as_str()),
                Pattern::ChainedMethod { methods, roots } => {
                    methods.contains(&name.as_str())
                        && chain_root(&call.receiver)
                            .is_some_and(|root| self.called(root).matches(roots))
                }
                _ => false,
            };
            if named && args_match(first, call.args.len(), d.args) {
                let span = call.method.span();
                self.entry(d, (span, span), std::slice::from_ref(&name));
            }
        }
        // `io::stdin().is_terminal()` asks about the terminal; it reads nothing.
        let probe = ["is_terminal", "as_raw_fd", "as_fd", "set_nonblocking"]
            .contains(&name.as_str())
            && matches!(&*call.receiver, syn::Expr::Call(c)
                if matches!(&*c.func, syn::Expr::Path(p) if self.called(&p.path).matches(&["io::stdin"])));
        if probe {
            for arg in &call.args {
                self.visit_expr(arg);
            }
            return;
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let called = self.called(&mac.path);
        for d in DETECTORS {
            if let Pattern::Macro(suffixes) = d.pattern
                && called.matches(suffixes)
            {
                self.entry(d, path_span(&mac.path), &called.full);
            }
        }
        // `println!("{}", fs::read_to_string(p)?)`: the arguments of the
        // standard expression-taking macros are code like any other.
        let takes_exprs = mac
            .path
            .segments
            .last()
            .is_some_and(|s| EXPRESSION_MACROS.contains(&s.ident.to_string().as_str()));
        if !takes_exprs {
            return;
        }
        if let Ok(args) = mac.parse_body_with(
            syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
        ) {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }
}

/// A called path after `use` expansion; `loose` when it is an unimported
/// `Type::f` and a glob `use` is in scope.
struct CalledPath {
    full: Vec<String>,
    loose: bool,
}

impl CalledPath {
    /// Whether a detector row names it: by suffix, or when loose by the row's
    /// tail. A path through `crate::`, `self::` or `super::` is the crate's
    /// own (`crate::file::File::open`), never the library call a named row
    /// means; wildcard rows (`*::parse` on a clap type) still match it.
    fn matches(&self, suffixes: &[&str]) -> bool {
        let own = self
            .full
            .first()
            .is_some_and(|f| matches!(f.as_str(), "crate" | "self" | "super"));
        suffixes.iter().any(|s| {
            // A wildcard row (`*::parse`) means the crate's own type by design.
            (!own || s.starts_with("*::"))
                && (path_ends_with(&self.full, s)
                    || (self.loose && pattern_ends_with(s, &self.full)))
        })
    }
}

/// Macros whose arguments are comma-separated expressions (std and log).
const EXPRESSION_MACROS: &[&str] = &[
    "format",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "panic",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "vec",
    "dbg",
    "format_args",
    "info",
    "warn",
    "error",
    "debug",
    "trace",
    "anyhow",
    "bail",
    "ensure",
    "join",
    "try_join",
];

/// The scope segment of an `impl` block whose type has no path of its own
/// (`impl Trait for &T`, `impl<T> Trait for T`): its methods are not indexed,
/// and entry points in it belong to the enclosing module.
const UNNAMED: &str = "<impl>";

/// Standard wrappers: `impl Trait for Box<T>` adds no path to the crate.
const WRAPPERS: &[&str] = &[
    "Box", "Rc", "Arc", "Option", "Result", "Vec", "Cow", "RefCell", "Cell", "Mutex", "RwLock",
    "Pin", "str", "String", "bool", "char", "u8", "u16", "u32", "u64", "u128", "usize", "i8",
    "i16", "i32", "i64", "i128", "isize", "f32", "f64", "Path", "PathBuf", "OsStr", "OsString",
    "HashMap", "BTreeMap", "HashSet", "BTreeSet",
];

/// `lazy_static! { static ref X: T = e; }` and `thread_local! { static X: T = e; }`:
/// statics written inside a macro, which syn does not expand.
fn is_static_macro(mac: &syn::Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "lazy_static" || s.ident == "thread_local")
}

/// One static of a `lazy_static!`/`thread_local!` body.
struct MacroStatic {
    name: syn::Ident,
    init: syn::Expr,
}

fn parse_macro_statics(input: syn::parse::ParseStream) -> syn::Result<Vec<MacroStatic>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        input.call(syn::Attribute::parse_outer)?;
        input.parse::<syn::Visibility>()?;
        input.parse::<syn::Token![static]>()?;
        if input.peek(syn::Token![ref]) {
            input.parse::<syn::Token![ref]>()?;
        }
        let name = input.parse()?;
        input.parse::<syn::Token![:]>()?;
        input.parse::<syn::Type>()?;
        input.parse::<syn::Token![=]>()?;
        let init = input.parse()?;
        if !input.is_empty() {
            input.parse::<syn::Token![;]>()?;
        }
        out.push(MacroStatic { name, init });
    }
    Ok(out)
}

impl FileVisitor<'_> {
    /// Indexes the statics of a `lazy_static!`/`thread_local!` and looks
    /// for entry points in their initialisers, as for a plain `static`.
    fn static_macro(&mut self, mac: &syn::Macro) {
        let Ok(statics) = mac.parse_body_with(parse_macro_statics) else {
            return;
        };
        for s in &statics {
            self.item(&s.name, ItemKind::Static);
            self.scoped(ident_name(&s.name), false, false, |v| {
                v.fn_depth += 1;
                v.visit_expr(&s.init);
                v.fn_depth -= 1;
            });
        }
    }

    fn with_uses(&mut self, uses: UseCollector, body: impl FnOnce(&mut Self)) {
        self.uses.push(uses.aliases);
        self.globbed += usize::from(uses.globs);
        body(self);
        self.globbed -= usize::from(uses.globs);
        self.uses.pop();
    }
}

/// The path of the type an `impl` block is for: through references, parens
/// and `dyn Trait`.
fn self_type(ty: &syn::Type) -> Option<&syn::Path> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => Some(&p.path),
        syn::Type::Reference(r) => self_type(&r.elem),
        syn::Type::Paren(p) => self_type(&p.elem),
        syn::Type::Group(g) => self_type(&g.elem),
        syn::Type::TraitObject(t) => t.bounds.iter().find_map(|b| match b {
            syn::TypeParamBound::Trait(t) => Some(&t.path),
            _ => None,
        }),
        _ => None,
    }
}

/// The path called at the start of a method chain
/// (`OpenOptions::new().read(true).open(p)` → `OpenOptions::new`).
fn chain_root(expr: &syn::Expr) -> Option<&syn::Path> {
    match expr {
        syn::Expr::MethodCall(m) => chain_root(&m.receiver),
        syn::Expr::Call(c) => match &*c.func {
            syn::Expr::Path(p) => Some(&p.path),
            _ => None,
        },
        syn::Expr::Paren(p) => chain_root(&p.expr),
        syn::Expr::Reference(r) => chain_root(&r.expr),
        _ => None,
    }
}

/// The line a statement starts on.
fn stmt_first_line(stmt: &syn::Stmt) -> Option<u32> {
    let tokens = match stmt {
        syn::Stmt::Local(l) => l.let_token.span,
        syn::Stmt::Expr(e, _) => first_span(e)?,
        syn::Stmt::Macro(m) => m.mac.path.segments.first()?.ident.span(),
        syn::Stmt::Item(_) => return None,
    };
    Some(tokens.start().line as u32)
}

/// The span of an expression's first token, for the common shapes.
fn first_span(e: &syn::Expr) -> Option<TokenSpan> {
    match e {
        syn::Expr::MethodCall(m) => first_span(&m.receiver),
        syn::Expr::Call(c) => first_span(&c.func),
        syn::Expr::Path(p) => p.path.segments.first().map(|s| s.ident.span()),
        syn::Expr::Await(a) => first_span(&a.base),
        syn::Expr::Try(t) => first_span(&t.expr),
        syn::Expr::Field(f) => first_span(&f.base),
        syn::Expr::Assign(a) => first_span(&a.left),
        syn::Expr::Macro(m) => m.mac.path.segments.first().map(|s| s.ident.span()),
        syn::Expr::Return(r) => Some(r.return_token.span),
        syn::Expr::Let(l) => Some(l.let_token.span),
        syn::Expr::If(i) => Some(i.if_token.span),
        syn::Expr::Match(m) => Some(m.match_token.span),
        _ => None,
    }
}

/// An identifier as a path segment: `r#type` is the module or item `type`.
fn ident_name(ident: &syn::Ident) -> String {
    let name = ident.to_string();
    match name.strip_prefix("r#") {
        Some(raw) => raw.to_owned(),
        None => name,
    }
}

fn has_attribute(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(name))
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
        Args::Two => count == 2,
        Args::NotEphemeral => !literal(first).is_some_and(|a| a.ends_with(":0")),
        Args::RouteLiteral => route_text(first).is_some_and(|s| s.starts_with('/')),
        Args::NotLiteral => count > 0 && literal(first).is_none() && !constant(first),
        Args::Backlog => {
            constant(first)
                || matches!(first, Some(syn::Expr::Lit(l)) if matches!(l.lit, syn::Lit::Int(_)))
        }
    }
}

/// A `SCREAMING_CASE` path (`DATABASE_PATH`, `&config::BACKLOG`): a constant.
fn constant(e: Option<&syn::Expr>) -> bool {
    match e {
        Some(syn::Expr::Reference(r)) => constant(Some(&r.expr)),
        Some(syn::Expr::Path(p)) => p.path.segments.last().is_some_and(|s| {
            let name = s.ident.to_string();
            name.chars().any(|c| c.is_ascii_uppercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        }),
        _ => false,
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

/// `#[cfg(test)]`, `#[cfg(all(test, unix))]`: compiled only for tests
/// (`cfg(not(test))` and `cfg(any(test, …))` are not).
fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| match &a.meta {
        syn::Meta::List(list) if list.path.is_ident("cfg") => {
            let words: Vec<String> = list
                .tokens
                .to_string()
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect();
            let test = words.iter().any(|w| w == "test");
            let escapes = words.iter().any(|w| w == "not" || w == "any");
            test && (words.len() == 1 || (words[0] == "all" && !escapes))
        }
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
    /// Whether any of them is a glob.
    globs: bool,
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
            syn::UseTree::Glob(_) => self.globs = true,
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.tree(prefix, t);
                }
            }
        }
    }
}

/// Fed one scope's items at a time: it looks at `use` items only, never
/// into modules or bodies (they have scopes of their own).
impl<'ast> Visit<'ast> for UseCollector {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if let syn::Item::Use(u) = item {
            self.tree(&mut Vec::new(), &u.tree);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ParsedFile {
        parse_file(PathBuf::from("x.rs"), text).unwrap()
    }

    /// (detector id, line) of each entry point found.
    fn detected(p: &ParsedFile) -> Vec<(&'static str, u32)> {
        p.entries
            .iter()
            .map(|e| (e.detector.id, e.span.line))
            .collect()
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
        let found = detected(&p);
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
        assert!(p.reexports[0].private && p.reexports[0].target == ["a", "Private"]);
        let got: Vec<(String, Option<&str>, String, bool)> = p
            .reexports
            .iter()
            .filter(|r| !r.private)
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
    fn statics_in_lazy_static_are_items_with_code() {
        let p = parse(
            "lazy_static! {\n    pub static ref ARGS: Args = Args::parse();\n    static ref N: u8 = 1;\n}\nthread_local! { static T: u8 = 2 }\n",
        );
        assert_eq!(names(&p), ["ARGS", "N", "T"]);
        let found: Vec<(&str, u32, String)> = p
            .entries
            .iter()
            .map(|e| (e.detector.id, e.span.line, e.enclosing.join("::")))
            .collect();
        assert_eq!(found, [("clap-parse", 2, "ARGS".to_owned())]);
    }

    #[test]
    fn constants_are_not_computed_paths_and_backlogs_are_numbers() {
        let p = parse(
            "fn f(s: S, srv: H, l: L) {\n    File::open(DATABASE_PATH);\n    s.listen(128);\n    srv.listen(l);\n    std::net::UdpSocket::bind(\"0.0.0.0:0\");\n    std::net::TcpListener::bind(\"127.0.0.1:0\");\n}\n",
        );
        let found = detected(&p);
        assert_eq!(found, [("socket-listen", 3), ("socket-listener", 6)]);
    }

    #[test]
    fn the_crates_own_types_are_not_the_library_ones() {
        let p = parse(
            "use crate::file::File;\nuse crate::config::Opts;\nfn f(p: P) {\n    File::open(p);\n    std::fs::File::options().read(true).open(p);\n    rpassword::prompt_password(\"pw\");\n    Opts::parse();\n}\n",
        );
        let found = detected(&p);
        // A clap type is the crate's own by design: `*::parse` still matches it.
        assert_eq!(
            detected(&parse("fn f(o: O) { o.cacert.map(std::fs::read); }\n")),
            [("file-read", 1)]
        );
        assert_eq!(
            found,
            [
                ("file-open-options", 5),
                ("terminal-prompt", 6),
                ("clap-parse", 7)
            ]
        );
    }

    #[test]
    fn asking_whether_stdin_is_a_terminal_reads_nothing() {
        let p = parse(
            "use std::io;\nfn f() {\n    if io::stdin().is_terminal() {}\n    io::stdin().read_line(&mut s);\n}\n",
        );
        let found = detected(&p);
        assert_eq!(found, [("stdin", 4)]);
    }

    #[test]
    fn syntax_error_has_a_position() {
        let err = parse_file(PathBuf::from("bad.rs"), "fn ok() {}\nfn broken( {\n").unwrap_err();
        assert_eq!(err.span.line, 2, "{}", err.message);
    }
}
