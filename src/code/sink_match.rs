//! Calls, method calls, macros, concatenations, signatures and paths matched
//! against the rows of [`SINKS`]: the visitor hands each one here, with what
//! it has learnt of the function so far ([`Locals`]: variables bound to
//! joined paths, SQL text or a `Command`), and every row whose pattern and
//! arguments fit becomes a code fact.

use std::collections::HashMap;

use proc_macro2::Span as TokenSpan;

use super::detect::path_ends_with;
use super::detector_match::{CalledPath, chain_root, path_span};
use super::sink_args::{
    SinkContext, Site, Template, concat_literal, constant, first_literal, format_template, joined,
    path_value, variable,
};
use super::sink_text::{has_html_tag, looks_like_sql};
use super::sinks::{SINKS, Sink, SinkArgs, SinkPattern};
use super::visitor::FileVisitor;

/// What the sink matching has learnt of the function it is in.
#[derive(Debug, Default)]
pub(super) struct Locals {
    /// Joined-path and SQL variables.
    pub(super) cx: SinkContext,
    /// Variables bound to a method chain, with the call it starts with
    /// (`let mut cmd = Command::new(p)` → `cmd`: `std::process::Command::new`).
    chains: HashMap<String, CalledPath>,
    /// Variables bound to a path value (`PathBuf::from(root)`), which `push` extends.
    paths: std::collections::HashSet<String>,
    /// The variables and fields being initialised, innermost last.
    pub(super) bindings: Vec<String>,
}

/// Formatting macros whose template the `Format` rows judge.
const FORMAT_MACROS: &[&str] = &["format", "format_args", "write", "writeln"];

/// How many variables of one function are remembered: a hostile file cannot grow them without bound.
const MAX_LOCALS: usize = 4096;

impl FileVisitor<'_> {
    /// Runs every row with `pattern` accepted by `matches` against `site`.
    fn sink_rows(
        &mut self,
        site: &Site<'_>,
        span: (TokenSpan, TokenSpan),
        mut matches: impl FnMut(&Sink) -> bool,
    ) {
        self.locals.cx.unguessable = false;
        for sink in SINKS {
            if !matches(sink) {
                continue;
            }
            if sink.args == SinkArgs::Unguessable {
                self.locals.cx.unguessable = self.unguessable_here();
            }
            if sink.args.accepts(site, &self.locals.cx) {
                self.fact(sink, span);
            }
        }
    }

    /// Facts of a call `path(args)`.
    pub(super) fn call_facts(&mut self, call: &syn::ExprCall) {
        let syn::Expr::Path(p) = &*call.func else {
            return;
        };
        if !SINKS.iter().any(|s| match s.pattern {
            SinkPattern::Call(rows) => may_match(rows, &p.path),
            _ => false,
        }) {
            return; // most calls: no row ends with this name, so skip the `use` resolution
        }
        let called = self.called(&p.path);
        let site = Site {
            args: call.args.iter().collect(),
            ..Site::default()
        };
        self.sink_rows(
            &site,
            path_span(&p.path),
            |s| matches!(s.pattern, SinkPattern::Call(rows) if called.matches(rows)),
        );
    }

    /// Facts of a method call; a `push` of a computed part onto a path
    /// variable makes it a joined path.
    pub(super) fn method_facts(&mut self, call: &syn::ExprMethodCall) {
        let name = call.method.to_string();
        let named = |s: &Sink| match s.pattern {
            SinkPattern::Method(names) => names.contains(&name.as_str()),
            SinkPattern::ChainedMethod { methods, .. } => methods.contains(&name.as_str()),
            _ => false,
        };
        if name != "push" && !SINKS.iter().any(named) {
            return;
        }
        if name == "push"
            && let Some(var) = variable(&call.receiver)
            && self.locals.paths.contains(&var)
            && call.args.first().is_some_and(|a| !constant(a))
            && self.locals.cx.joined.len() < MAX_LOCALS
        {
            self.locals.cx.joined.insert(var);
        }
        let site = Site {
            args: call.args.iter().collect(),
            receiver: Some(&call.receiver),
            ..Site::default()
        };
        let chained = SINKS.iter().any(|s| {
            matches!(s.pattern, SinkPattern::ChainedMethod { methods, .. } if methods.contains(&name.as_str()))
        });
        let root = if chained {
            self.chain_start(&call.receiver)
        } else {
            None
        };
        let span = call.method.span();
        self.sink_rows(&site, (span, span), |s| match s.pattern {
            SinkPattern::Method(names) => names.contains(&name.as_str()),
            SinkPattern::ChainedMethod { methods, roots } => {
                methods.contains(&name.as_str()) && root.as_ref().is_some_and(|r| r.matches(roots))
            }
            _ => false,
        });
    }

    /// The call a method chain starts with, directly or through a variable
    /// bound to it earlier in the function.
    fn chain_start(&self, receiver: &syn::Expr) -> Option<CalledPath> {
        if let Some(root) = chain_root(receiver) {
            return Some(self.called(root));
        }
        let mut base = receiver;
        while let syn::Expr::MethodCall(m) = base {
            base = &m.receiver;
        }
        variable(base).and_then(|v| self.locals.chains.get(&v).cloned())
    }

    /// Facts of a macro: formatting templates and `include_str!`-like paths.
    pub(super) fn macro_facts(&mut self, mac: &syn::Macro) {
        let Some(last) = mac.path.segments.last() else {
            return;
        };
        let name = last.ident.to_string();
        let span = path_span(&mac.path);
        if FORMAT_MACROS.contains(&name.as_str()) {
            // Parse the body only when its template could be SQL or HTML.
            let worth = first_literal(mac).is_some_and(|t| looks_like_sql(&t) || has_html_tag(&t));
            if worth && let Some(template) = format_template(mac) {
                let site = Site {
                    template: Some(template),
                    ..Site::default()
                };
                self.sink_rows(&site, span, |s| matches!(s.pattern, SinkPattern::Format));
            }
            return;
        }
        if !SINKS.iter().any(|s| match s.pattern {
            SinkPattern::Macro(rows) => may_match(rows, &mac.path),
            _ => false,
        }) {
            return;
        }
        let called = self.called(&mac.path);
        let names =
            |s: &Sink| matches!(s.pattern, SinkPattern::Macro(rows) if called.matches(rows));
        if !SINKS.iter().any(names) {
            return;
        }
        let Ok(args) = mac.parse_body_with(
            syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
        ) else {
            return;
        };
        let site = Site {
            args: args.iter().collect(),
            ..Site::default()
        };
        self.sink_rows(&site, span, names);
    }

    /// Facts of `a + b + …` (SQL or HTML concatenated with a computed value)
    /// and `sql += x`; `true` when the operands were visited here.
    pub(super) fn concat_facts(&mut self, b: &syn::ExprBinary) -> bool {
        use syn::visit::Visit;
        match &b.op {
            syn::BinOp::Add(plus) => {
                let mut leaves = Vec::new();
                flatten_add(&b.left, &mut leaves, 0);
                flatten_add(&b.right, &mut leaves, 0);
                let template = Template {
                    texts: leaves.iter().filter_map(|l| concat_literal(l)).collect(),
                    computed: leaves.iter().any(|l| !constant(l)),
                };
                let site = Site {
                    template: Some(template),
                    ..Site::default()
                };
                self.sink_rows(&site, (plus.span, plus.span), |s| {
                    matches!(s.pattern, SinkPattern::Concat)
                });
                for leaf in &leaves {
                    self.visit_expr(leaf);
                }
                true
            }
            syn::BinOp::AddAssign(op) => {
                let site = Site {
                    args: vec![&*b.right],
                    receiver: Some(&*b.left),
                    ..Site::default()
                };
                let span = (op.spans[0], op.spans[1]);
                self.sink_rows(&site, span, |s| {
                    matches!(s.pattern, SinkPattern::Method(names) if names.contains(&"push_str"))
                });
                false
            }
            _ => false,
        }
    }

    /// Facts of a function's signature: handler extractors among its
    /// parameters, and `unsafe fn`.
    pub(super) fn signature_facts(&mut self, sig: &syn::Signature) {
        if let syn::Safety::Unsafe(token) = &sig.safety {
            self.unsafe_fact(token.span);
        }
        for input in &sig.inputs {
            let syn::FnArg::Typed(arg) = input else {
                continue;
            };
            let Some(path) = type_path(&arg.ty) else {
                continue;
            };
            let (full, _) = self.resolve(path);
            let one_type = path
                .segments
                .last()
                .is_some_and(|s| one_type_argument(&s.arguments));
            let own = full
                .first()
                .is_some_and(|f| matches!(f.as_str(), "crate" | "self" | "super"));
            self.sink_rows(&Site::default(), path_span(path), |s| {
                matches!(s.pattern, SinkPattern::ParamType(rows) if !own && rows.iter().any(|r| path_ends_with(&full, r)))
                    && (s.args != SinkArgs::OneTypeArgument || one_type)
            });
        }
    }

    /// Facts of a path used as a value (`SslVerifyMode::NONE`).
    pub(super) fn value_facts(&mut self, p: &syn::ExprPath) {
        let Some(last) = p.path.segments.last() else {
            return;
        };
        let name = last.ident.to_string();
        // Only constants can be rows here; most paths are variables.
        if !name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            return;
        }
        if !SINKS.iter().any(|s| match s.pattern {
            SinkPattern::Value(rows) => may_match(rows, &p.path),
            _ => false,
        }) {
            return;
        }
        let called = self.called(&p.path);
        self.sink_rows(
            &Site::default(),
            path_span(&p.path),
            |s| matches!(s.pattern, SinkPattern::Value(rows) if called.matches(rows)),
        );
    }

    /// An `unsafe` block or function at `token`.
    pub(super) fn unsafe_fact(&mut self, token: TokenSpan) {
        self.sink_rows(&Site::default(), (token, token), |s| {
            matches!(s.pattern, SinkPattern::Unsafe)
        });
    }

    /// Remembers what `let names = init` binds: a joined path, SQL text, a
    /// path value or a method chain.
    pub(super) fn bind(&mut self, names: &[String], init: &syn::Expr) {
        let [name] = names else {
            return;
        };
        let locals = &mut self.locals;
        if locals.paths.len() + locals.chains.len() + locals.cx.joined.len() + locals.cx.sql.len()
            >= MAX_LOCALS
        {
            return;
        }
        let is_joined = joined(init, &locals.cx);
        // A rebinding replaces what the name held.
        locals.cx.joined.remove(name);
        locals.cx.sql.remove(name);
        locals.paths.remove(name);
        locals.chains.remove(name);
        if is_joined {
            locals.cx.joined.insert(name.clone());
        }
        if sql_text(init) {
            locals.cx.sql.insert(name.clone());
        }
        if path_value(init) {
            locals.paths.insert(name.clone());
        }
        if let Some(root) = chain_root(init)
            && SINKS.iter().any(|s| {
                matches!(s.pattern, SinkPattern::ChainedMethod { roots, .. } if may_match(roots, root))
            })
        {
            let called = self.called(root);
            self.locals.chains.insert(name.clone(), called);
        }
    }
}

/// Whether a row suffix may name `path`, judged on its last one or two
/// segments as written, before the costlier `use` resolution: the last
/// segment must be the row's (or the row's is `*`, and then the one before
/// must be the row's when the path has one).
fn may_match(rows: &[&str], path: &syn::Path) -> bool {
    let mut written = path.segments.iter().rev();
    let Some(last) = written.next() else {
        return false;
    };
    let before = written.next();
    rows.iter().any(|row| {
        let mut want = row.rsplit("::");
        match want.next() {
            Some("*") => match (want.next(), before) {
                (Some(w), Some(b)) => w == "*" || b.ident == w,
                _ => true,
            },
            Some(w) => last.ident == w,
            None => false,
        }
    })
}

/// Whether a bound value is SQL text (`String::from("SELECT …")`, `format!("SELECT …")`).
fn sql_text(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Macro(m) => first_literal(&m.mac).is_some_and(|s| looks_like_sql(&s)),
        other => concat_literal(other).is_some_and(|s| looks_like_sql(&s)),
    }
}

/// The operands of a left-nested `a + b + c`, up to a depth the parser's
/// budget already allows.
fn flatten_add<'e>(e: &'e syn::Expr, out: &mut Vec<&'e syn::Expr>, depth: usize) {
    match e {
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) && depth < 256 => {
            flatten_add(&b.left, out, depth + 1);
            flatten_add(&b.right, out, depth + 1);
        }
        other => out.push(other),
    }
}

/// The names a `let` pattern binds (`token`, `(a, b)`, `mut rng: StdRng`).
pub(super) fn bound_names(pat: &syn::Pat) -> Vec<String> {
    let mut names = Vec::new();
    collect_names(pat, &mut names, 0);
    names
}

fn collect_names(pat: &syn::Pat, out: &mut Vec<String>, depth: usize) {
    if depth > 16 || out.len() > 64 {
        return;
    }
    match pat {
        syn::Pat::Ident(i) => out.push(i.ident.to_string()),
        syn::Pat::Type(t) => collect_names(&t.pat, out, depth + 1),
        syn::Pat::Reference(r) => collect_names(&r.pat, out, depth + 1),
        syn::Pat::Tuple(t) => t
            .elems
            .iter()
            .for_each(|p| collect_names(p, out, depth + 1)),
        syn::Pat::TupleStruct(t) => t
            .elems
            .iter()
            .for_each(|p| collect_names(p, out, depth + 1)),
        _ => {}
    }
}

/// The path of a parameter's type, through references.
fn type_path(ty: &syn::Type) -> Option<&syn::Path> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => Some(&p.path),
        syn::Type::Reference(r) => type_path(&r.elem),
        syn::Type::Paren(p) => type_path(&p.elem),
        syn::Type::Group(g) => type_path(&g.elem),
        _ => None,
    }
}

/// `<T>`: exactly one generic argument, a type.
fn one_type_argument(args: &syn::PathArguments) -> bool {
    matches!(args, syn::PathArguments::AngleBracketed(a)
        if a.args.len() == 1 && matches!(a.args[0], syn::GenericArgument::Type(_)))
}

#[cfg(test)]
mod tests {
    use super::super::sinks::SINKS;
    use super::*;

    /// The (row id, line) of each fact a file yields, tests included.
    fn facts(text: &str) -> Vec<(&'static str, u32)> {
        let ast = syn::parse_file(text).unwrap_or_else(|e| panic!("{e}: {text}"));
        let parsed = FileVisitor::run(&ast, text);
        proc_macro2::extra::invalidate_current_thread_spans();
        parsed
            .facts
            .iter()
            .map(|f| (f.sink.id, f.span.line))
            .collect()
    }

    /// For every row: code it must find (on line 2 of a function) and a
    /// near miss it must not.
    const CASES: &[(&str, &str, &str)] = &[
        (
            "sql-format",
            "let q = format!(\"SELECT * FROM users WHERE name = '{}'\", name);",
            "let q = format!(\"SELECT * FROM users WHERE name = {}\", PLACEHOLDER);",
        ),
        (
            "sql-concat",
            "let q = \"DELETE FROM sessions WHERE id = \".to_string() + &id;",
            "let q = \"DELETE FROM sessions WHERE id = \".to_string() + ID_PARAM;",
        ),
        (
            "sql-push",
            "let mut sql = String::from(\"SELECT id FROM t WHERE 1=1\");\n    sql.push_str(&filter);",
            "let mut out = String::from(\"hello\");\n    out.push_str(&filter);",
        ),
        (
            "command-program",
            "std::process::Command::new(&program).status();",
            "std::process::Command::new(\"git\").status();",
        ),
        (
            "command-args",
            "let mut c = std::process::Command::new(\"sh\");\n    c.arg(\"-c\").arg(script);",
            "let mut c = std::process::Command::new(\"sh\");\n    c.args([\"-c\", \"ls\"]);",
        ),
        (
            "deserialize-call",
            "let v: Order = serde_json::from_slice(&body)?;",
            "let v: Order = serde_json::from_str(\"{}\")?;",
        ),
        (
            "path-joined",
            "let p = root.join(&req.name);\n    std::fs::read_to_string(&p)?;",
            "let p = root.join(\"index.html\");\n    std::fs::read_to_string(&p)?;",
        ),
        (
            "path-joined-open",
            "std::fs::OpenOptions::new().write(true).open(format!(\"{}/{}\", dir, name))?;",
            "std::fs::OpenOptions::new().write(true).open(LOG_PATH)?;",
        ),
        (
            "redirect-to",
            "return Redirect::to(&params.next);",
            "return Redirect::to(&format!(\"/users/{}\", id));",
        ),
        (
            "location-header",
            "HttpResponse::Found().append_header((\"Location\", next)).finish();",
            "HttpResponse::Found().append_header((\"Location\", \"/login\")).finish();",
        ),
        (
            "html-format",
            "let page = format!(\"<td>{}</td>\", user.name);",
            "let msg = format!(\"Vec<{}> has {} items\", ty, n);",
        ),
        (
            "html-concat",
            "let row = String::from(\"<li>\") + &name + \"</li>\";",
            "let row = String::from(\"a < b: \") + &name;",
        ),
        (
            "unsafe",
            "let x = unsafe { *ptr };",
            "let x = unsafe_name(ptr);",
        ),
        (
            "secret-env",
            "let k = std::env::var(\"JWT_SECRET\")?;",
            "let k = std::env::var(\"PORT\")?;",
        ),
        (
            "secret-dotenv",
            "dotenvy::dotenv().ok();",
            "my_env::dotenv_like().ok();",
        ),
        (
            "secret-file",
            "let pem = std::fs::read(\"certs/server.key\")?;",
            "let pem = std::fs::read(\"certs/ca.crt\")?;",
        ),
        (
            "secret-embedded",
            "static KEY: &[u8] = include_bytes!(\"../keys/signing.pem\");",
            "static LOGO: &[u8] = include_bytes!(\"../assets/logo.png\");",
        ),
        (
            "secret-key-loader",
            "let key = rustls_pemfile::private_key(&mut reader)?;",
            "let certs = rustls_pemfile::certs(&mut reader);",
        ),
        (
            "secret-key-file",
            "builder.set_private_key_file(&key_path, SslFiletype::PEM)?;",
            "builder.set_certificate_chain_file(&cert_path)?;",
        ),
        (
            "tls-accept-invalid",
            "let c = Client::builder().danger_accept_invalid_certs(cfg.insecure);",
            "let c = Client::builder().danger_accept_invalid_certs(false);",
        ),
        (
            "tls-hostname-off",
            "config.set_verify_hostname(false);",
            "config.set_verify_hostname(true);",
        ),
        (
            "tls-verify-none",
            "builder.set_verify(SslVerifyMode::NONE);",
            "builder.set_verify(SslVerifyMode::PEER);",
        ),
        (
            "tls-custom-verifier",
            "cfg.dangerous().set_certificate_verifier(Arc::new(NoVerify));",
            "cfg.set_certificate_chain(chain);",
        ),
        (
            "weak-random",
            "let token: u64 = fastrand::u64(..);",
            "let delay: u64 = fastrand::u64(..100);",
        ),
        (
            "general-random",
            "let session_id: u128 = rand::random();",
            "let jitter: u8 = rand::random();",
        ),
        (
            "body-to-bytes",
            "let b = hyper::body::to_bytes(req.into_body()).await?;",
            "let b = axum::body::to_bytes(body, 1 << 20).await?;",
        ),
        (
            "body-limit-off",
            "let app = app.layer(DefaultBodyLimit::disable());",
            "let app = app.layer(DefaultBodyLimit::max(1 << 20));",
        ),
        (
            "body-limit-max",
            "let app = app.layer(DefaultBodyLimit::max(usize::MAX));",
            "let app = app.layer(DefaultBodyLimit::max(MAX_BODY));",
        ),
        (
            "limit-max",
            "let cfg = web::JsonConfig::default().limit(usize::MAX);",
            "let cfg = web::JsonConfig::default().limit(4096);",
        ),
        (
            "stream-read-to-end",
            "stream.read_to_end(&mut buf).await?;",
            "stream.take(MAX).read_to_end(&mut buf).await?;",
        ),
        (
            "body-collect",
            "let bytes = body.collect().await?.to_bytes();",
            "let v: Vec<u8> = items.iter().copied().collect();",
        ),
    ];

    fn in_fn(body: &str) -> String {
        format!("fn handler() {{\n    {body}\n}}\n")
    }

    #[test]
    fn every_row_fires_on_its_case_and_not_on_the_near_miss() {
        for (id, yes, no) in CASES {
            let hits = facts(&in_fn(yes));
            assert!(
                hits.iter().any(|(i, _)| i == id),
                "{id} missed: {yes} → {hits:?}"
            );
            let kind = SINKS.iter().find(|s| s.id == *id).unwrap().kind;
            let misses = facts(&in_fn(no));
            let wrong: Vec<_> = misses
                .iter()
                .filter(|(i, _)| SINKS.iter().any(|s| s.id == *i && s.kind == kind))
                .collect();
            assert!(
                wrong.is_empty(),
                "{id} fired on the near miss: {no} → {wrong:?}"
            );
        }
    }

    #[test]
    fn every_row_has_a_case() {
        for sink in SINKS {
            let covered = CASES.iter().any(|(id, ..)| *id == sink.id)
                || matches!(sink.pattern, SinkPattern::ParamType(_));
            assert!(covered, "{} has no case", sink.id);
        }
    }

    #[test]
    fn extractors_in_handler_signatures() {
        assert_eq!(
            facts("async fn create(Json(o): Json<Order>, q: web::Query<Page>) {}\n"),
            [("deserialize-extractor", 1)]
        );
        assert!(facts("fn f(q: Query<'static, Postgres, Args>) {}\n").is_empty());
        assert!(facts("fn f(v: crate::Json<Order>) {}\n").is_empty());
        assert_eq!(
            facts("use actix_web::web;\nasync fn up(mut body: web::Payload) {}\n"),
            [("payload-stream", 2)]
        );
        assert_eq!(facts("unsafe fn raw() {}\n"), [("unsafe", 1)]);
    }

    #[test]
    fn facts_in_tests_are_marked_and_the_enclosing_item_is_kept() {
        let text = "impl Store {\n    fn find(&self, n: &str) { let q = format!(\"SELECT * FROM t WHERE n = '{n}'\"); }\n}\n#[cfg(test)]\nmod tests {\n    fn t() { let x = unsafe { 1 }; }\n}\n";
        let ast = syn::parse_file(text).unwrap();
        let parsed = FileVisitor::run(&ast, text);
        let got: Vec<_> = parsed
            .facts
            .iter()
            .map(|f| (f.sink.id, f.span.line, f.enclosing.join("::"), f.in_test))
            .collect();
        assert_eq!(
            got,
            [
                ("sql-format", 2, "Store::find".to_owned(), false),
                ("unsafe", 6, "tests::t".to_owned(), true),
            ]
        );
    }

    #[test]
    fn a_rebinding_forgets_what_the_name_held() {
        let text = "fn f() {\n    let p = root.join(name);\n    let p = root.join(\"x\");\n    std::fs::read(&p);\n}\n";
        assert!(facts(text).is_empty());
    }
}
