//! The route an HTTP entry point serves, for people: `POST /api/users/login`.
//! Read from the syntax the detector matched — an actix/rocket attribute
//! (`#[post("/login")]`), an axum/actix/poem `route(path, get(h).post(h))`,
//! actix `web::resource(path)` or warp `path("api")` — and `None` when the
//! path is not a literal.

use syn::punctuated::Punctuated;
use syn::{Expr, Token};

/// HTTP methods as routing functions spell them.
const METHODS: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "trace", "connect",
];

/// The route of an attribute such as `#[get("/users/{id}")]` or
/// `#[route("/x", method = "POST")]`.
pub fn attribute_route(attr: &syn::Attribute) -> Option<String> {
    let name = attr.path().segments.last()?.ident.to_string();
    let syn::Meta::List(list) = &attr.meta else {
        return None;
    };
    let args = list
        .parse_args_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        .ok()?;
    let path = literal(args.first()?)?;
    if METHODS.contains(&name.as_str()) {
        return Some(format!("{} {path}", name.to_uppercase()));
    }
    // `method = "GET"` (actix) or `method = get` / `GET` (rocket's `route`).
    let methods: Vec<String> = args
        .iter()
        .skip(1)
        .filter_map(|a| match a {
            Expr::Assign(assign) if is_ident(&assign.left, "method") => match &*assign.right {
                Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                other => literal(other),
            },
            _ => None,
        })
        .map(|m| m.to_uppercase())
        .collect();
    Some(with_methods(&methods, &path))
}

/// The route of a call the detector `detector` matched, from its arguments:
/// `route("/a", get(h).post(h))` → `GET, POST /a`; `resource("/a")` → `/a`.
pub fn call_route<'a>(detector: &str, args: impl IntoIterator<Item = &'a Expr>) -> Option<String> {
    let mut args = args.into_iter();
    let path = literal(args.next()?)?;
    match detector {
        "router-route" | "route-at" => {
            let mut methods = Vec::new();
            if let Some(handler) = args.next() {
                collect_methods(handler, &mut methods);
            }
            Some(with_methods(&methods, &path))
        }
        "warp-filter" => Some(format!("/{}", path.trim_start_matches('/'))),
        _ => Some(path),
    }
}

fn with_methods(methods: &[String], path: &str) -> String {
    if methods.is_empty() {
        path.to_owned()
    } else {
        format!("{} {path}", methods.join(", "))
    }
}

/// HTTP methods named along a handler expression: `get(a).post(b)`,
/// `web::get().to(h)`, `routing::on(MethodFilter::PUT, h)` is not followed.
fn collect_methods(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Call(call) => {
            if let Expr::Path(p) = &*call.func
                && let Some(last) = p.path.segments.last()
            {
                push_method(&last.ident.to_string(), out);
            }
        }
        Expr::MethodCall(call) => {
            collect_methods(&call.receiver, out);
            push_method(&call.method.to_string(), out);
        }
        Expr::Reference(r) => collect_methods(&r.expr, out),
        Expr::Paren(p) => collect_methods(&p.expr, out),
        _ => {}
    }
}

fn push_method(name: &str, out: &mut Vec<String>) {
    let name = name.strip_suffix("_service").unwrap_or(name);
    if METHODS.contains(&name) {
        let upper = name.to_uppercase();
        if !out.contains(&upper) {
            out.push(upper);
        }
    }
}

fn is_ident(e: &Expr, name: &str) -> bool {
    matches!(e, Expr::Path(p) if p.path.is_ident(name))
}

/// A string literal, through `&` and parentheses.
fn literal(e: &Expr) -> Option<String> {
    match e {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        Expr::Reference(r) => literal(&r.expr),
        Expr::Paren(p) => literal(&p.expr),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(src: &str) -> Option<String> {
        let e: Expr = syn::parse_str(src).unwrap();
        let (name, args) = match &e {
            Expr::MethodCall(m) => (m.method.to_string(), m.args.iter().collect::<Vec<_>>()),
            Expr::Call(c) => (String::new(), c.args.iter().collect()),
            _ => unreachable!(),
        };
        let detector = match name.as_str() {
            "route" => "router-route",
            "at" => "route-at",
            _ => "actix-resource",
        };
        call_route(detector, args)
    }

    fn attr(src: &str) -> Option<String> {
        let f: syn::ItemFn = syn::parse_str(&format!("{src} fn f() {{}}")).unwrap();
        attribute_route(&f.attrs[0])
    }

    #[test]
    fn axum_and_actix_routes_name_their_methods() {
        assert_eq!(
            call(r#"app.route("/api/users/login", post(login))"#).as_deref(),
            Some("POST /api/users/login")
        );
        assert_eq!(
            call(r#"app.route("/items", get(list).post(create))"#).as_deref(),
            Some("GET, POST /items")
        );
        assert_eq!(
            call(r#"app.route("/x", web::put().to(h))"#).as_deref(),
            Some("PUT /x")
        );
        assert_eq!(call(r#"app.at("/p", handler)"#).as_deref(), Some("/p"));
        assert_eq!(call(r#"web::resource("/r")"#).as_deref(), Some("/r"));
        assert_eq!(call(r#"app.route(PATH, get(h))"#), None);
    }

    #[test]
    fn attributes_name_method_and_path() {
        assert_eq!(attr(r#"#[post("/login")]"#).as_deref(), Some("POST /login"));
        assert_eq!(
            attr(r#"#[route("/x", method = "GET", method = "HEAD")]"#).as_deref(),
            Some("GET, HEAD /x")
        );
        assert_eq!(attr(r#"#[get(PATH)]"#), None);
    }
}
