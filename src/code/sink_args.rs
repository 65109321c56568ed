//! The argument constraints of the sink table ([`SinkArgs`]), judged on syn
//! expressions: what is a literal or constant, what is a path joined from
//! computed parts, what a formatting template says. The visitor supplies
//! what it knows about the function around a match in a [`SinkContext`].

use std::collections::HashSet;

use super::sink_text::{
    body_name, has_html_tag, looks_like_sql, name_words, secret_file, secret_name,
};
use super::sinks::SinkArgs;

/// One match, as the constraint sees it.
#[derive(Default)]
pub(super) struct Site<'e> {
    /// The arguments, in order (for a macro, its comma-separated expressions).
    pub args: Vec<&'e syn::Expr>,
    /// The receiver of a method call.
    pub receiver: Option<&'e syn::Expr>,
    /// For `format!` and concatenation: the literal text and whether a
    /// computed value goes into it.
    pub template: Option<Template>,
}

/// The literal text of a formatting template or concatenation.
#[derive(Debug, Default, Clone)]
pub(super) struct Template {
    /// The string literals, in order.
    pub texts: Vec<String>,
    /// Whether a non-constant value is formatted or concatenated in.
    pub computed: bool,
}

/// What the visitor knows of the function around a match.
#[derive(Debug, Default)]
pub(super) struct SinkContext {
    /// Local variables bound to a path joined from computed parts.
    pub joined: HashSet<String>,
    /// Local variables bound to SQL text.
    pub sql: HashSet<String>,
    /// The enclosing item or the binding being initialised says the value
    /// must be unguessable (`fn new_token`, `let nonce = …`).
    pub unguessable: bool,
}

impl SinkArgs {
    /// Whether a match at `site` meets the constraint.
    pub(super) fn accepts(self, site: &Site<'_>, cx: &SinkContext) -> bool {
        let first = site.args.first().copied();
        let template = site.template.as_ref();
        match self {
            SinkArgs::Any => true,
            SinkArgs::FirstComputed => first.is_some_and(|e| !constant(e)),
            SinkArgs::SomeComputed => site.args.iter().any(|e| !constant(e)),
            SinkArgs::RedirectTarget => first.is_some_and(|e| !constant(e) && !local_path(e)),
            SinkArgs::LocationHeader => location_header(&site.args),
            SinkArgs::Sql => {
                template.is_some_and(|t| t.computed && t.texts.iter().any(|s| looks_like_sql(s)))
            }
            SinkArgs::Html => {
                template.is_some_and(|t| t.computed && t.texts.iter().any(|s| has_html_tag(s)))
            }
            SinkArgs::SqlReceiver => {
                first.is_some_and(|e| !constant(e))
                    && site.receiver.and_then(variable).is_some_and(|name| {
                        cx.sql.contains(&name)
                            || name_words(&name)
                                .iter()
                                .any(|w| matches!(w.as_str(), "sql" | "stmt" | "statement"))
                    })
            }
            SinkArgs::SecretEnv => first.is_some_and(secret_env),
            SinkArgs::SecretFile => first.is_some_and(secret_path),
            SinkArgs::JoinedPath => site.args.iter().any(|e| joined(e, cx)),
            SinkArgs::NotFalse => first.is_some_and(|e| !is_bool(e, false)),
            SinkArgs::False => first.is_some_and(|e| is_bool(e, false)),
            SinkArgs::Unguessable => cx.unguessable,
            SinkArgs::NoLimit => site.args.get(1).is_none_or(|e| is_max(e)),
            SinkArgs::MaxLimit => first.is_some_and(is_max),
            SinkArgs::BodyReceiver => site.receiver.is_some_and(body_stream),
            SinkArgs::CollectedBody => site.args.is_empty() && site.receiver.is_some_and(collected),
            SinkArgs::OneTypeArgument => true, // judged on the parameter's type by the matcher
        }
    }
}

/// A value fixed at compile time: a literal, a `SCREAMING_CASE` constant, or
/// built from those alone (`"a".to_string()`, `HeaderValue::from_static("/")`,
/// `["-c", "ls"]`, `concat!(…)`).
pub(super) fn constant(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Lit(_) => true,
        syn::Expr::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| screaming(&s.ident.to_string())),
        syn::Expr::Reference(r) => constant(&r.expr),
        syn::Expr::Paren(p) => constant(&p.expr),
        syn::Expr::Group(g) => constant(&g.expr),
        syn::Expr::Cast(c) => constant(&c.expr),
        syn::Expr::Unary(u) => constant(&u.expr),
        syn::Expr::Binary(b) => constant(&b.left) && constant(&b.right),
        syn::Expr::Array(a) => a.elems.iter().all(constant),
        syn::Expr::Tuple(t) => t.elems.iter().all(constant),
        syn::Expr::Macro(m) => {
            let name = m.mac.path.segments.last().map(|s| s.ident.to_string());
            match name.as_deref() {
                Some(
                    "concat" | "stringify" | "env" | "option_env" | "include_str" | "include_bytes",
                ) => true,
                Some("format" | "format_args") => {
                    format_template(&m.mac).is_some_and(|t| !t.computed)
                }
                _ => false,
            }
        }
        syn::Expr::Call(c) => {
            let wraps = matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| {
                matches!(s.ident.to_string().as_str(), "from_static" | "from" | "new" | "Borrowed" | "Some" | "from_str")
            }));
            wraps && c.args.iter().all(constant)
        }
        syn::Expr::MethodCall(m) => {
            let pure = matches!(
                m.method.to_string().as_str(),
                "to_string"
                    | "to_owned"
                    | "into"
                    | "as_str"
                    | "as_ref"
                    | "parse"
                    | "unwrap"
                    | "expect"
                    | "clone"
                    | "as_bytes"
                    | "to_vec"
                    | "iter"
                    | "as_path"
                    | "to_path_buf"
            );
            pure && constant(&m.receiver) && m.args.iter().all(constant)
        }
        _ => false,
    }
}

/// `SCREAMING_CASE`, with at least one letter.
fn screaming(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The first string literal among a macro's first tokens (`format!("…", x)`,
/// `write!(out, "…")`), read without parsing the body: the cheap look that
/// decides whether the body is worth parsing.
pub(super) fn first_literal(mac: &syn::Macro) -> Option<String> {
    mac.tokens
        .clone()
        .into_iter()
        .take(16)
        .find_map(|t| match t {
            proc_macro2::TokenTree::Literal(lit) => match syn::Lit::new(lit) {
                syn::Lit::Str(s) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
}

/// The template of a formatting macro: its literal and whether a computed
/// value goes in (an argument that is not constant, or an inline `{name}`
/// that is not a constant's).
pub(super) fn format_template(mac: &syn::Macro) -> Option<Template> {
    let args = mac
        .parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .ok()?;
    // `write!(out, "…", …)` has the destination first.
    let at = args
        .iter()
        .take(2)
        .position(|a| string_literal(a).is_some())?;
    let text = string_literal(&args[at])?;
    let computed = args.iter().skip(at + 1).any(|a| match a {
        syn::Expr::Assign(named) => !constant(&named.right),
        other => !constant(other),
    }) || inline_names(&text).iter().any(|n| !screaming(n));
    Some(Template {
        texts: vec![text],
        computed,
    })
}

/// The identifiers written inside `{…}` placeholders (`{id}`, `{name:?}`), not `{{`.
fn inline_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '{' {
            continue;
        }
        if chars.peek() == Some(&'{') {
            chars.next();
            continue;
        }
        let name: String = chars
            .by_ref()
            .take_while(|c| *c != '}' && *c != ':')
            .collect();
        if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            names.push(name);
        }
    }
    names
}

/// The value of a string literal.
pub(super) fn string_literal(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        syn::Expr::Reference(r) => string_literal(&r.expr),
        syn::Expr::Paren(p) => string_literal(&p.expr),
        syn::Expr::Group(g) => string_literal(&g.expr),
        _ => None,
    }
}

/// The literal text of a concatenation operand (`"…"`, `"…".to_string()`,
/// `String::from("…")`), for `a + b` chains.
pub(super) fn concat_literal(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "to_string" | "to_owned" | "into"
            ) =>
        {
            concat_literal(&m.receiver)
        }
        syn::Expr::Call(c)
            if c.args.len() == 1
                && matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "from")) =>
        {
            concat_literal(&c.args[0])
        }
        other => string_literal(other),
    }
}

/// The name of a plain local variable (`sql`, `&mut sql`, `self.sql`).
pub(super) fn variable(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Path(p) if p.path.segments.len() == 1 => {
            Some(p.path.segments[0].ident.to_string())
        }
        syn::Expr::Field(f) => match &f.member {
            syn::Member::Named(n) => Some(n.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        syn::Expr::Reference(r) => variable(&r.expr),
        syn::Expr::Paren(p) => variable(&p.expr),
        _ => None,
    }
}

/// A path built from computed parts: `.join(x)`, `.push(x)`-built or
/// `format!`-built, through `PathBuf::from`, `&`, `?` and `.as_path()`.
pub(super) fn joined(e: &syn::Expr, cx: &SinkContext) -> bool {
    match e {
        syn::Expr::Path(_) => variable(e).is_some_and(|v| cx.joined.contains(&v)),
        syn::Expr::Reference(r) => joined(&r.expr, cx),
        syn::Expr::Paren(p) => joined(&p.expr, cx),
        syn::Expr::Group(g) => joined(&g.expr, cx),
        syn::Expr::Try(t) => joined(&t.expr, cx),
        syn::Expr::Await(a) => joined(&a.base, cx),
        syn::Expr::MethodCall(m) => match m.method.to_string().as_str() {
            "join" | "with_file_name" => {
                m.args.first().is_some_and(|a| !constant(a)) || joined(&m.receiver, cx)
            }
            "as_path" | "to_path_buf" | "clone" | "as_ref" | "as_os_str" | "to_owned"
            | "with_extension" | "canonicalize" => joined(&m.receiver, cx),
            _ => false,
        },
        syn::Expr::Call(c) => {
            matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "from" || s.ident == "new"))
                && c.args.first().is_some_and(|a| joined(a, cx))
        }
        syn::Expr::Macro(m)
            if m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "format") =>
        {
            first_literal(&m.mac).is_some_and(|t| t.contains(['/', '\\', '.']))
                && format_template(&m.mac).is_some_and(|t| t.computed)
        }
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => !constant(e),
        _ => false,
    }
}

/// Whether a bound value starts a path (`PathBuf::from(…)`, `PathBuf::new()`,
/// `dir.to_path_buf()`): pushing a computed part onto it joins it.
pub(super) fn path_value(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Call(c) => matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.len() >= 2
            && p.path.segments.iter().rev().nth(1).is_some_and(|s| s.ident == "PathBuf" || s.ident == "Path")),
        syn::Expr::MethodCall(m) => {
            matches!(m.method.to_string().as_str(), "to_path_buf" | "join")
                || path_value(&m.receiver)
        }
        syn::Expr::Try(t) => path_value(&t.expr),
        _ => false,
    }
}

/// A redirect target that stays on the site: its text starts with one `/`
/// and a fixed first segment (`format!("/users/{id}")`).
fn local_path(e: &syn::Expr) -> bool {
    let text = match e {
        syn::Expr::Macro(m) => format_template(&m.mac).map(|t| t.texts.concat()),
        syn::Expr::Reference(r) => return local_path(&r.expr),
        syn::Expr::Paren(p) => return local_path(&p.expr),
        _ => None,
    };
    text.is_some_and(|t| {
        let mut chars = t.chars();
        chars.next() == Some('/') && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// `("Location", url)`, `(header::LOCATION, url)` or `LOCATION, url` with a
/// computed `url`.
fn location_header(args: &[&syn::Expr]) -> bool {
    let pair = match args {
        [syn::Expr::Tuple(t)] if t.elems.len() == 2 => (&t.elems[0], &t.elems[1]),
        [name, value] => (*name, *value),
        _ => return false,
    };
    let named = match pair.0 {
        syn::Expr::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "LOCATION"),
        other => string_literal(other).is_some_and(|s| s.eq_ignore_ascii_case("location")),
    };
    named && !constant(pair.1)
}

/// `env::var("JWT_SECRET")` or `env::var(JWT_SECRET_VAR)`.
fn secret_env(e: &syn::Expr) -> bool {
    match string_literal(e) {
        Some(name) => secret_name(&name),
        None => matches!(e, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| {
            let name = s.ident.to_string();
            screaming(&name) && secret_name(&name)
        })),
    }
}

/// A path naming a key or credentials file: a literal (`"certs/server.key"`),
/// a template (`format!("{dir}/key.pem")`, `concat!(…)`), a join
/// (`dir.join("id_rsa")`) or a variable, field or constant named for one
/// (`tls_key_path`, `CREDENTIALS_FILE`).
fn secret_path(e: &syn::Expr) -> bool {
    if let Some(text) = string_literal(e) {
        return secret_file(&text);
    }
    match e {
        syn::Expr::Reference(r) => secret_path(&r.expr),
        syn::Expr::Paren(p) => secret_path(&p.expr),
        syn::Expr::Macro(m) => {
            let body = m
                .mac
                .parse_body_with(
                    syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
                )
                .ok();
            body.is_some_and(|args| {
                args.iter()
                    .filter_map(string_literal)
                    .any(|t| secret_file(&t))
            })
        }
        syn::Expr::Call(c) => c.args.first().is_some_and(secret_path),
        syn::Expr::MethodCall(m) if m.method == "join" => m.args.first().is_some_and(secret_path),
        syn::Expr::Path(_) | syn::Expr::Field(_) => variable(e)
            .or_else(|| match e {
                syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            })
            .is_some_and(|name| {
                let words = name_words(&name);
                secret_name(&name)
                    && words
                        .iter()
                        .any(|w| matches!(w.as_str(), "path" | "file" | "pem"))
            }),
        _ => false,
    }
}

/// The literal `true` or `false`.
fn is_bool(e: &syn::Expr, value: bool) -> bool {
    matches!(e, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Bool(b), .. }) if b.value == value)
}

/// `usize::MAX`, `u64::MAX`, `usize::max_value()`.
fn is_max(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "MAX"),
        syn::Expr::Call(c) => {
            matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "max_value"))
        }
        syn::Expr::Paren(p) => is_max(&p.expr),
        _ => false,
    }
}

/// A receiver named like a request body or network stream, not bounded by
/// `.take(n)` (`stream.read_to_end(&mut buf)`, `req.into_body()`).
fn body_stream(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::MethodCall(m) => {
            m.method != "take" && (body_name(&m.method.to_string()) || body_stream(&m.receiver))
        }
        syn::Expr::Reference(r) => body_stream(&r.expr),
        syn::Expr::Paren(p) => body_stream(&p.expr),
        syn::Expr::Await(a) => body_stream(&a.base),
        syn::Expr::Try(t) => body_stream(&t.expr),
        syn::Expr::Field(f) => variable(e).is_some_and(|n| body_name(&n)) || body_stream(&f.base),
        syn::Expr::Path(_) => variable(e).is_some_and(|n| body_name(&n)),
        _ => false,
    }
}

/// `body.collect().await?` (http-body-util): the whole body in memory.
fn collected(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Try(t) => collected(&t.expr),
        syn::Expr::Paren(p) => collected(&p.expr),
        syn::Expr::Await(a) => {
            matches!(&*a.base, syn::Expr::MethodCall(m) if m.method == "collect" && m.args.is_empty())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(text: &str) -> syn::Expr {
        syn::parse_str(text).unwrap()
    }

    #[test]
    fn constants_are_literals_and_what_is_built_from_them() {
        for yes in [
            "\"ls\"",
            "&CONFIG_PATH",
            "[\"-c\", \"ls\"]",
            "\"/\".to_string()",
            "HeaderValue::from_static(\"/\")",
            "concat!(\"a\", \"b\")",
            "format!(\"{X}\")",
        ] {
            assert!(constant(&expr(yes)), "{yes}");
        }
        for no in [
            "name",
            "&args[1]",
            "format!(\"{}\", x)",
            "format!(\"{x}\")",
            "[\"-c\", script]",
            "cfg.program",
        ] {
            assert!(!constant(&expr(no)), "{no}");
        }
    }

    #[test]
    fn joined_paths() {
        let mut cx = SinkContext::default();
        cx.joined.insert("p".into());
        for yes in [
            "base.join(name)",
            "&p",
            "PathBuf::from(format!(\"{}/{}\", d, f))",
            "dir.join(&req.file).as_path()",
            "format!(\"/srv/{name}\")",
        ] {
            assert!(joined(&expr(yes), &cx), "{yes}");
        }
        for no in [
            "path",
            "base.join(\"static\")",
            "\"/etc/app.toml\"",
            "PathBuf::from(CONFIG)",
            "q",
        ] {
            assert!(!joined(&expr(no), &cx), "{no}");
        }
    }

    #[test]
    fn secret_paths_and_env() {
        assert!(secret_path(&expr("\"certs/server.key\"")));
        assert!(secret_path(&expr("dir.join(\"id_rsa\")")));
        assert!(secret_path(&expr("&config.tls_key_path")));
        assert!(secret_path(&expr(
            "concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/key.pem\")"
        )));
        assert!(!secret_path(&expr("\"config.toml\"")));
        assert!(!secret_path(&expr("path")));
        assert!(!secret_path(&expr("cache_key")));
        assert!(secret_env(&expr("\"JWT_SECRET\"")));
        assert!(secret_env(&expr("API_TOKEN_VAR")));
        assert!(!secret_env(&expr("\"PORT\"")));
        assert!(!secret_env(&expr("name")));
    }

    #[test]
    fn headers_limits_and_bodies() {
        let e = [expr("(\"Location\", url)")];
        assert!(location_header(&e.iter().collect::<Vec<_>>()));
        let e = [
            expr("header::LOCATION"),
            expr("HeaderValue::from_str(&next)?"),
        ];
        assert!(location_header(&e.iter().collect::<Vec<_>>()));
        let e = [expr("LOCATION"), expr("HeaderValue::from_static(\"/\")")];
        assert!(!location_header(&e.iter().collect::<Vec<_>>()));
        let e = [expr("CONTENT_TYPE"), expr("ct")];
        assert!(!location_header(&e.iter().collect::<Vec<_>>()));
        assert!(is_max(&expr("usize::MAX")));
        assert!(!is_max(&expr("1024 * 1024")));
        assert!(body_stream(&expr("stream")));
        assert!(body_stream(&expr("req.into_body()")));
        assert!(!body_stream(&expr("stream.take(1024)")));
        assert!(!body_stream(&expr("file")));
        assert!(collected(&expr("body.collect().await?")));
        assert!(!collected(&expr("iter.collect()")));
        assert!(local_path(&expr("&format!(\"/users/{id}\")")));
        assert!(!local_path(&expr("&format!(\"{next}\")")));
        assert!(!local_path(&expr("&format!(\"//{host}\")")));
    }

    #[test]
    fn templates() {
        let m = |t: &str| match expr(t) {
            syn::Expr::Macro(m) => format_template(&m.mac).unwrap(),
            _ => panic!("{t}"),
        };
        assert!(m("format!(\"SELECT * FROM t WHERE id = {}\", id)").computed);
        assert!(m("format!(\"SELECT * FROM t WHERE id = {id}\")").computed);
        assert!(!m("format!(\"SELECT * FROM {TABLE}\")").computed);
        assert!(!m("format!(\"SELECT * FROM {} {{}}\", TABLE)").computed);
        assert!(m("write!(out, \"<td>{}</td>\", name)").computed);
        assert_eq!(
            m("write!(out, \"<td>{}</td>\", name)").texts,
            ["<td>{}</td>"]
        );
        assert!(m("format!(\"{n}\", n = user)").computed);
    }
}
