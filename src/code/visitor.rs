//! The walk over one file's syntax tree: keeps track of where it is (inline
//! modules, `impl` blocks, functions, test code, `use` scopes) and records
//! items, `mod x;` declarations and re-exports; calls, macros and attributes
//! are handed to the detector matching in `detector_match`.

use std::cell::OnceCell;
use std::collections::HashSet;

use proc_macro2::Span as TokenSpan;
use syn::visit::{self, Visit};

use super::attributes::{has_attribute, is_cfg_test, is_test_fn, path_attribute};
use super::detect::{DETECTORS, Detector, EntryKind, Pattern};
use super::fact::FactKind;
use super::line_index::LineIndex;
use super::macro_statics::{is_static_macro, parse_macro_statics};
use super::parsed::{
    FileItem, FoundEntry, FoundFact, ImplOwner, ItemKind, ModDecl, ParsedFile, Place, ReExport,
};
use super::scope::{UseLayer, UseScope, ident_name, use_bindings};
use super::sink_match::Locals;
use super::sink_text::unguessable_name;
use super::sinks::Sink;
use super::suppress::Markers;

/// Walks one syntax tree, collecting items, module declarations and entry points.
pub(super) struct FileVisitor<'a> {
    pub(super) text: &'a str,
    /// Line starts of `text`, for the spans of entry points.
    lines: LineIndex<'a>,
    /// The allow markers of `text`, found the first time an entry needs them.
    markers: OnceCell<Markers>,
    /// (line, kind) of the entries found so far: one entry per line and kind.
    seen: HashSet<(u32, EntryKind)>,
    /// (line, kind) of the code facts found so far: one fact per line and kind.
    facts_seen: HashSet<(u32, FactKind)>,
    /// What the sink matching knows of the function it is in.
    pub(super) locals: Locals,
    /// `use` names in scope.
    pub(super) uses: UseScope,
    /// The `impl` block we are in: its type, for `Self` and item placement.
    pub(super) owner: Option<ImplOwner>,
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

impl<'a> FileVisitor<'a> {
    /// Everything the index takes from one parsed file.
    pub(super) fn run(ast: &syn::File, text: &'a str) -> ParsedFile {
        let mut v = FileVisitor {
            text,
            lines: LineIndex::new(text),
            markers: OnceCell::new(),
            seen: HashSet::new(),
            facts_seen: HashSet::new(),
            locals: Locals::default(),
            uses: UseScope::new(UseLayer::of_items(&ast.items)),
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

    /// Records an entry point found by `detector` on the tokens `first..=last`;
    /// `call` is what was called, after `use` expansion.
    pub(super) fn entry(
        &mut self,
        detector: &'static Detector,
        (first, last): (TokenSpan, TokenSpan),
        call: &[String],
    ) -> Option<&mut FoundEntry> {
        let span = self.lines.span_between(first, last);
        if !self.seen.insert((span.line, detector.kind)) {
            return None;
        }
        let markers = self
            .markers
            .get_or_init(|| Markers::new(self.text, self.lines.lines()));
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
            route: None,
        });
        self.out.entries.last_mut()
    }

    /// Records a code fact found by `sink` on the tokens `first..=last`.
    pub(super) fn fact(&mut self, sink: &'static Sink, (first, last): (TokenSpan, TokenSpan)) {
        let span = self.lines.span_between(first, last);
        if !self.facts_seen.insert((span.line, sink.kind)) {
            return;
        }
        let named = self.scope.iter().take_while(|s| *s != UNNAMED).count();
        self.out.facts.push(FoundFact {
            sink,
            span,
            enclosing: self.scope[..named].to_vec(),
            owner: self.owner.clone().filter(|_| named == self.scope.len()),
            in_test: self.test_depth > 0,
        });
    }

    /// Whether the function or type we are in, or the variable or field being
    /// initialised, is named for something unguessable (`fn new_token`).
    pub(super) fn unguessable_here(&self) -> bool {
        self.scope[self.modules..]
            .iter()
            .chain(&self.locals.bindings)
            .any(|n| unguessable_name(n))
    }

    /// A path as written, with its first segment expanded through `use`
    /// (`Self` is the `impl` block's type), and whether that expansion
    /// happened: a bare name that no `use` imports may come from a glob.
    pub(super) fn resolve(&self, path: &syn::Path) -> (Vec<String>, bool) {
        let segs: Vec<String> = path.segments.iter().map(|s| ident_name(&s.ident)).collect();
        if segs.first().is_some_and(|f| f == "Self")
            && let Some(owner) = &self.owner
        {
            return (
                owner.written.iter().chain(&segs[1..]).cloned().collect(),
                true,
            );
        }
        self.uses.expand(segs)
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

    /// Runs `body` as the code of a function or initialiser.
    fn in_body(&mut self, body: impl FnOnce(&mut Self)) {
        self.fn_depth += 1;
        let outer = std::mem::take(&mut self.locals);
        body(self);
        self.locals = outer;
        self.fn_depth -= 1;
    }

    /// Indexes the statics of a `lazy_static!`/`thread_local!` and looks
    /// for entry points in their initialisers, as for a plain `static`.
    fn static_macro(&mut self, mac: &syn::Macro) {
        let Ok(statics) = mac.parse_body_with(parse_macro_statics) else {
            return;
        };
        for s in &statics {
            self.item(&s.name, ItemKind::Static);
            self.scoped(ident_name(&s.name), false, false, |v| {
                v.in_body(|v| v.visit_expr(&s.init));
            });
        }
    }
}

impl<'ast> Visit<'ast> for FileVisitor<'_> {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if self.fn_depth > 0 || (self.modules > 0 && matches!(u.vis, syn::Visibility::Inherited)) {
            return; // a `use` in a body, or a private one in an inline module, exports nothing
        }
        for binding in use_bindings(&u.tree) {
            self.out.reexports.push(ReExport {
                within: self.scope[..self.modules].to_vec(),
                name: binding.name,
                target: binding.target,
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
                // An inline module is a scope of its own: the file's `use`s do not reach in.
                let inner = UseScope::new(UseLayer::of_items(items));
                let outer_uses = std::mem::replace(&mut self.uses, inner);
                self.scoped(ident_name(&m.ident), true, test, |v| {
                    for item in items {
                        v.visit_item(item);
                    }
                });
                self.uses = outer_uses;
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
                for d in DETECTORS
                    .iter()
                    .filter(|d| matches!(d.pattern, Pattern::MainFn))
                {
                    v.entry(d, (span, span), &[]);
                }
            }
            v.fn_attributes(&f.attrs, is_main);
            v.signature_facts(&f.sig);
            v.in_body(|v| v.visit_block(&f.block));
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
            v.in_body(|v| visit::visit_impl_item_const(v, c));
        });
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.item(&f.sig.ident, ItemKind::Method);
        let test = is_test_fn(&f.attrs);
        self.scoped(ident_name(&f.sig.ident), false, test, |v| {
            v.fn_attributes(&f.attrs, false);
            v.signature_facts(&f.sig);
            v.in_body(|v| v.visit_block(&f.block));
        });
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        self.item(&t.ident, ItemKind::Trait);
        self.scoped(ident_name(&t.ident), false, false, |v| {
            for item in &t.items {
                match item {
                    syn::TraitItem::Const(c) => v.item(&c.ident, ItemKind::Const),
                    syn::TraitItem::Type(t) => v.item(&t.ident, ItemKind::TypeAlias),
                    syn::TraitItem::Fn(f) => {
                        v.item(&f.sig.ident, ItemKind::Method);
                        if let Some(block) = &f.default {
                            v.scoped(ident_name(&f.sig.ident), false, false, |v| {
                                v.in_body(|v| v.visit_block(block));
                            });
                        }
                    }
                    _ => {}
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
            v.in_body(|v| visit::visit_item_const(v, c));
        });
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        self.item(&s.ident, ItemKind::Static);
        self.scoped(ident_name(&s.ident), false, false, |v| {
            v.in_body(|v| visit::visit_item_static(v, s));
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
        let items = block.stmts.iter().filter_map(|s| match s {
            syn::Stmt::Item(item @ syn::Item::Use(_)) => Some(item),
            _ => None,
        });
        if items.clone().next().is_none() {
            return visit::visit_block(self, block);
        }
        self.uses.push(UseLayer::of_items(items));
        visit::visit_block(self, block);
        self.uses.pop();
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        let line = stmt_first_line(stmt);
        let outer = self.stmt_line;
        self.stmt_line = line.or(outer);
        visit::visit_stmt(self, stmt);
        self.stmt_line = outer;
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        self.call_entries(call);
        self.call_facts(call);
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.method_facts(call);
        if self.method_call_entries(call) {
            visit::visit_expr_method_call(self, call);
        } else {
            for arg in &call.args {
                self.visit_expr(arg);
            }
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.macro_entries(mac);
        self.macro_facts(mac);
        // `println!("{}", fs::read_to_string(p)?)`: the arguments of the
        // standard expression-taking macros are code like any other.
        if let Some(args) = super::detector_match::expression_arguments(mac) {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if !self.concat_facts(b) {
            visit::visit_expr_binary(self, b);
        }
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        self.value_facts(p);
        visit::visit_expr_path(self, p);
    }

    fn visit_expr_unsafe(&mut self, u: &'ast syn::ExprUnsafe) {
        self.unsafe_fact(u.unsafe_token.span);
        visit::visit_expr_unsafe(self, u);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let names = super::sink_match::bound_names(&local.pat);
        let depth = self.locals.bindings.len();
        self.locals.bindings.extend(names.iter().cloned());
        visit::visit_local(self, local);
        self.locals.bindings.truncate(depth);
        if let Some(init) = &local.init {
            self.bind(&names, &init.expr);
        }
    }

    fn visit_field_value(&mut self, f: &'ast syn::FieldValue) {
        let depth = self.locals.bindings.len();
        if let syn::Member::Named(n) = &f.member {
            self.locals.bindings.push(n.to_string());
        }
        visit::visit_field_value(self, f);
        self.locals.bindings.truncate(depth);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> ParsedFile {
        let ast = syn::parse_file(text).unwrap();
        let parsed = FileVisitor::run(&ast, text);
        proc_macro2::extra::invalidate_current_thread_spans();
        parsed
    }

    /// (detector id, line, in test code) of each entry point.
    fn entries(p: &ParsedFile) -> Vec<(&'static str, u32, bool)> {
        p.entries
            .iter()
            .map(|e| (e.detector.id, e.span.line, e.in_test))
            .collect()
    }

    #[test]
    fn code_under_a_compound_test_cfg_is_test_code() {
        let p = run(
            "#[cfg(all(test, not(windows)))]\nmod tests {\n    fn t() { std::env::args(); }\n}\n#[cfg(all(test, unix))]\nmod unix_tests;\n",
        );
        assert_eq!(entries(&p), [("env-args", 3, true)]);
        assert!(
            p.items.is_empty(),
            "test modules are not the program's items"
        );
        assert!(p.mods[0].test);
    }

    #[test]
    fn code_that_also_compiles_outside_tests_is_runtime_code() {
        let p = run(
            "#[cfg(not(test))]\nmod real {\n    fn r() { std::env::args(); }\n}\n#[cfg(any(test, feature = \"x\"))]\nmod maybe {\n    fn m() { std::env::var(\"X\"); }\n}\n",
        );
        assert_eq!(entries(&p), [("env-args", 3, false), ("env-var", 7, false)]);
        let names: Vec<String> = p.items.iter().map(|i| i.path.join("::")).collect();
        assert_eq!(names, ["real", "real::r", "maybe", "maybe::m"]);
    }

    #[test]
    fn main_is_an_entry_only_at_the_top_of_a_file() {
        let p = run("fn main() {}\nmod m { fn main() {} }\n#[tokio::main]\nasync fn serve() {}\n");
        assert_eq!(entries(&p), [("main", 1, false), ("async-main", 3, false)]);
    }

    #[test]
    fn spans_are_byte_ranges_of_the_matched_code() {
        let text = "fn f() {\n    // é\n    let l = std::net::TcpListener::bind(addr);\n}\n";
        let p = run(text);
        let span = p.entries[0].span;
        assert_eq!(
            &text[span.offset..span.offset + span.len],
            "std::net::TcpListener::bind"
        );
        assert_eq!((span.line, span.column), (3, 13));
    }
}
