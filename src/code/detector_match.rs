//! Calls, method calls, macros and function attributes matched against the
//! rows of [`DETECTORS`]: the visitor hands each one here with its `use`
//! scope, and every row whose pattern and arguments fit becomes an entry.

use proc_macro2::Span as TokenSpan;

use super::detect::{DETECTORS, EntryKind, Pattern, path_ends_with, pattern_ends_with};
use super::visitor::FileVisitor;

/// A called path after `use` expansion; `loose` when it is an unimported
/// `Type::f` and a glob `use` is in scope.
#[derive(Debug, Clone)]
pub(super) struct CalledPath {
    pub(super) full: Vec<String>,
    pub(super) loose: bool,
}

impl CalledPath {
    /// Whether a detector row names it: by suffix, or when loose by the row's
    /// tail. A path through `crate::`, `self::` or `super::` is the crate's
    /// own (`crate::file::File::open`), never the library call a named row
    /// means; wildcard rows (`*::parse` on a clap type) still match it.
    pub(super) fn matches(&self, suffixes: &[&str]) -> bool {
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

impl FileVisitor<'_> {
    /// A called path, resolved once for matching against every detector row.
    pub(super) fn called(&self, path: &syn::Path) -> CalledPath {
        let (full, imported) = self.resolve(path);
        let loose = !imported && self.uses.has_glob() && full.len() >= 2;
        CalledPath { full, loose }
    }

    /// Entry points in the attributes of a function (`#[tokio::main]`,
    /// `#[get("/")]`); for `fn main` the `MainFn` row already reported it.
    pub(super) fn fn_attributes(&mut self, attrs: &[syn::Attribute], is_main: bool) {
        for attr in attrs {
            let (path, _) = self.resolve(attr.path());
            for d in DETECTORS {
                let Pattern::FnAttribute(suffixes) = d.pattern else {
                    continue;
                };
                if is_main && d.kind == EntryKind::Main {
                    continue;
                }
                if suffixes.iter().any(|s| path_ends_with(&path, s))
                    && d.args.accepts_attribute(attr)
                    && let Some(found) = self.entry(
                        d,
                        (attr.pound_token.span, attr.bracket_token.span.close()),
                        &[],
                    )
                    && d.kind == EntryKind::HttpRoute
                {
                    found.route = super::route::attribute_route(attr);
                }
            }
        }
    }

    /// Entry points of a call `path(args)`.
    pub(super) fn call_entries(&mut self, call: &syn::ExprCall) {
        let syn::Expr::Path(p) = &*call.func else {
            return;
        };
        let first = call.args.first();
        let called = self.called(&p.path);
        for d in DETECTORS {
            if let Pattern::Call(suffixes) = d.pattern
                && called.matches(suffixes)
                && d.args.accepts_call(first, call.args.len())
                && let Some(found) = self.entry(d, path_span(&p.path), &called.full)
                && d.kind == EntryKind::HttpRoute
            {
                found.route = super::route::call_route(d.id, &call.args);
            }
        }
    }

    /// Entry points of a method call; `false` when the call only asks about
    /// standard input (`io::stdin().is_terminal()`), whose receiver must
    /// then not be reported as a read.
    pub(super) fn method_call_entries(&mut self, call: &syn::ExprMethodCall) -> bool {
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
            if named && d.args.accepts_call(first, call.args.len()) {
                let span = call.method.span();
                if let Some(found) = self.entry(d, (span, span), std::slice::from_ref(&name))
                    && d.kind == EntryKind::HttpRoute
                {
                    found.route = super::route::call_route(d.id, &call.args);
                }
            }
        }
        let probe = ["is_terminal", "as_raw_fd", "as_fd", "set_nonblocking"]
            .contains(&name.as_str())
            && matches!(&*call.receiver, syn::Expr::Call(c)
                if matches!(&*c.func, syn::Expr::Path(p) if self.called(&p.path).matches(&["io::stdin"])));
        !probe
    }

    /// Entry points of a macro invocation (`warp::path!`).
    pub(super) fn macro_entries(&mut self, mac: &syn::Macro) {
        let called = self.called(&mac.path);
        for d in DETECTORS {
            if let Pattern::Macro(suffixes) = d.pattern
                && called.matches(suffixes)
            {
                self.entry(d, path_span(&mac.path), &called.full);
            }
        }
    }
}

/// Macros whose arguments are comma-separated expressions (std and log).
pub(super) const EXPRESSION_MACROS: &[&str] = &[
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

/// The arguments of a standard expression-taking macro (`println!("{}",
/// fs::read_to_string(p)?)`), which are code like any other; `None` for
/// other macros or arguments that are not expressions.
pub(super) fn expression_arguments(
    mac: &syn::Macro,
) -> Option<syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>> {
    let name = mac.path.segments.last()?.ident.to_string();
    if !EXPRESSION_MACROS.contains(&name.as_str()) {
        return None;
    }
    mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .ok()
}

/// The path called at the start of a method chain
/// (`OpenOptions::new().read(true).open(p)` → `OpenOptions::new`).
pub(super) fn chain_root(expr: &syn::Expr) -> Option<&syn::Path> {
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

/// The tokens of a path, first segment to last.
pub(super) fn path_span(path: &syn::Path) -> (TokenSpan, TokenSpan) {
    let first = path
        .segments
        .first()
        .map_or_else(TokenSpan::call_site, |s| s.ident.span());
    let last = path.segments.last().map_or(first, |s| s.ident.span());
    (first, last)
}
