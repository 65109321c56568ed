//! The entry-point detector table: each row says what code takes input from
//! outside the program and how to recognise it in a syn tree. Adding a
//! detector is adding a row, with its argument constraint ([`Args`], whose
//! predicates live here too); the visitor only interprets rows.

use serde::Serialize;

/// What sort of outside input an entry point takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// A program entry: `fn main`, `#[tokio::main]`, `#[launch]`.
    Main,
    /// An HTTP route handler or filter.
    HttpRoute,
    /// A server or socket that accepts connections or datagrams.
    Listener,
    /// A consumer of a message queue or pub/sub subject.
    MessageConsumer,
    /// Command-line arguments.
    CommandLine,
    /// Environment variables.
    Environment,
    /// Standard input.
    Stdin,
    /// A file read whose path is not a literal (so possibly user-supplied).
    FileRead,
    /// An external process started by the program.
    Process,
}

/// The syntax a detector looks for.
#[derive(Debug, Clone, Copy)]
pub enum Pattern {
    /// A `fn main` at the top level of a file.
    MainFn,
    /// A call whose path, after `use` resolution, ends with one of these
    /// (`"TcpListener::bind"`; `*` stands for any one segment).
    Call(&'static [&'static str]),
    /// A method call with one of these names.
    Method(&'static [&'static str]),
    /// A method call with one of these names at the end of a chain that
    /// starts with a call matching one of `roots` (`OpenOptions::new()…open(p)`).
    ChainedMethod {
        /// The method names.
        methods: &'static [&'static str],
        /// Suffixes of the call the chain starts with.
        roots: &'static [&'static str],
    },
    /// A macro invocation whose path ends with one of these.
    Macro(&'static [&'static str]),
    /// An attribute on a function whose path ends with one of these.
    FnAttribute(&'static [&'static str]),
}

/// What the arguments of a matching call, method call or attribute must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Args {
    /// Anything.
    Any,
    /// No arguments (`Cli::parse()`).
    Empty,
    /// At least one argument (`consumer.subscribe(&topics)`, not `tx.subscribe()`).
    AtLeastOne,
    /// Exactly two arguments (`router.route(path, handler)`, wherever the path comes from).
    Two,
    /// Not a literal address on port 0 (`UdpSocket::bind("0.0.0.0:0")` is a
    /// client's ephemeral socket, not a listener).
    NotEphemeral,
    /// A backlog: an integer literal or a constant (`socket.listen(1024)`,
    /// not actix's `HttpServer::listen(listener)`).
    Backlog,
    /// The first argument is a string literal starting with `/` (a route).
    RouteLiteral,
    /// The first argument is neither a string literal nor a constant
    /// (`DATABASE_PATH`): a path that may come from outside.
    NotLiteral,
}

/// One row of the table.
#[derive(Debug)]
pub struct Detector {
    /// Stable id, shown in reports and usable in suppression reasons.
    pub id: &'static str,
    /// What sort of input it is.
    pub kind: EntryKind,
    /// The syntax to look for.
    pub pattern: Pattern,
    /// The constraint on its arguments.
    pub args: Args,
    /// How a finding is described to a person.
    pub what: &'static str,
}

/// Every detector, in priority order (when two match on one line, the first wins).
pub const DETECTORS: &[Detector] = &[
    Detector {
        id: "main",
        kind: EntryKind::Main,
        pattern: Pattern::MainFn,
        args: Args::Any,
        what: "program entry `fn main`",
    },
    Detector {
        id: "async-main",
        kind: EntryKind::Main,
        pattern: Pattern::FnAttribute(&[
            "tokio::main",
            "actix_web::main",
            "actix_rt::main",
            "async_std::main",
            "rocket::main",
            "rocket::launch",
            "launch",
        ]),
        args: Args::Any,
        what: "async runtime entry",
    },
    Detector {
        id: "route-attribute",
        kind: EntryKind::HttpRoute,
        pattern: Pattern::FnAttribute(&[
            "get", "post", "put", "delete", "patch", "head", "options", "route", "connect", "trace",
        ]),
        args: Args::RouteLiteral,
        what: "HTTP route handler (actix/rocket attribute)",
    },
    Detector {
        id: "router-route",
        kind: EntryKind::HttpRoute,
        pattern: Pattern::Method(&["route", "route_service", "nest", "nest_service", "mount"]),
        args: Args::Two,
        what: "HTTP route (`Router::route`, `.nest`, actix `App::route`, rocket `.mount`)",
    },
    Detector {
        id: "route-at",
        kind: EntryKind::HttpRoute,
        pattern: Pattern::Method(&["at"]),
        args: Args::RouteLiteral,
        what: "HTTP route (`.at`)",
    },
    Detector {
        id: "router-fallback",
        kind: EntryKind::HttpRoute,
        pattern: Pattern::Method(&["fallback", "fallback_service", "default_service"]),
        args: Args::AtLeastOne,
        what: "HTTP fallback handler (`Router::fallback`, actix `default_service`)",
    },
    Detector {
        id: "actix-resource",
        kind: EntryKind::HttpRoute,
        pattern: Pattern::Call(&["web::resource", "Resource::new"]),
        args: Args::Any,
        what: "HTTP route (actix `web::resource`)",
    },
    Detector {
        id: "static-files",
        kind: EntryKind::HttpRoute,
        pattern: Pattern::Call(&[
            "Files::new",
            "ServeDir::new",
            "ServeFile::new",
            "warp::fs::dir",
            "warp::fs::file",
        ]),
        args: Args::Any,
        what: "files served over HTTP (actix `Files`, tower-http `ServeDir`, warp `fs`)",
    },
    Detector {
        id: "hyper-service",
        kind: EntryKind::HttpRoute,
        pattern: Pattern::Call(&["service_fn", "make_service_fn"]),
        args: Args::Any,
        what: "HTTP request handler (hyper `service_fn`)",
    },
    Detector {
        id: "warp-filter",
        kind: EntryKind::HttpRoute,
        pattern: Pattern::Call(&["warp::path"]),
        args: Args::Any,
        what: "HTTP route (warp path filter)",
    },
    Detector {
        id: "warp-path-macro",
        kind: EntryKind::HttpRoute,
        pattern: Pattern::Macro(&["warp::path"]),
        args: Args::Any,
        what: "HTTP route (warp `path!` filter)",
    },
    Detector {
        id: "http-server",
        kind: EntryKind::Listener,
        pattern: Pattern::Call(&[
            "axum::serve",
            "warp::serve",
            "HttpServer::new",
            "hyper::Server::bind",
            "Server::bind",
            "Server::from_tcp",
            "tonic::transport::Server::builder",
            "tiny_http::Server::http",
        ]),
        args: Args::Any,
        what: "HTTP/RPC server",
    },
    Detector {
        id: "socket-listener",
        kind: EntryKind::Listener,
        pattern: Pattern::Call(&[
            "TcpListener::bind",
            "UnixListener::bind",
            "UnixDatagram::bind",
        ]),
        args: Args::Any,
        what: "socket listener",
    },
    Detector {
        id: "udp-socket",
        kind: EntryKind::Listener,
        pattern: Pattern::Call(&["UdpSocket::bind"]),
        args: Args::NotEphemeral,
        what: "UDP socket (receives datagrams)",
    },
    Detector {
        id: "socket-listen",
        kind: EntryKind::Listener,
        pattern: Pattern::Method(&["listen"]),
        args: Args::Backlog,
        what: "socket listener (`socket.listen(backlog)`, socket2 / `TcpSocket`)",
    },
    Detector {
        id: "connection-server",
        kind: EntryKind::Listener,
        pattern: Pattern::Method(&["serve_connection", "serve_connection_with_upgrades"]),
        args: Args::AtLeastOne,
        what: "HTTP connection served (hyper `serve_connection`)",
    },
    Detector {
        id: "websocket-accept",
        kind: EntryKind::Listener,
        pattern: Pattern::Call(&[
            "accept_async",
            "accept_hdr_async",
            "accept_async_with_config",
            "tungstenite::accept",
            "tungstenite::accept_hdr",
        ]),
        args: Args::Any,
        what: "WebSocket handshake accepted",
    },
    Detector {
        id: "amqp-consumer",
        kind: EntryKind::MessageConsumer,
        pattern: Pattern::Method(&["basic_consume"]),
        args: Args::Any,
        what: "message queue consumer",
    },
    Detector {
        id: "subscription",
        kind: EntryKind::MessageConsumer,
        pattern: Pattern::Method(&["subscribe", "psubscribe"]),
        args: Args::AtLeastOne,
        what: "message subscription (Kafka, NATS, Redis pub/sub)",
    },
    Detector {
        id: "env-args",
        kind: EntryKind::CommandLine,
        pattern: Pattern::Call(&["env::args", "env::args_os"]),
        args: Args::Any,
        what: "command-line arguments (`std::env::args`)",
    },
    Detector {
        id: "clap-parse",
        kind: EntryKind::CommandLine,
        pattern: Pattern::Call(&["*::parse", "*::try_parse", "*::from_args"]),
        args: Args::Empty,
        what: "command-line arguments (clap `Parser::parse`, structopt `from_args`)",
    },
    Detector {
        id: "clap-parse-from",
        kind: EntryKind::CommandLine,
        pattern: Pattern::Call(&["*::parse_from", "*::try_parse_from"]),
        args: Args::AtLeastOne,
        what: "command-line arguments (clap `Parser::parse_from`)",
    },
    Detector {
        id: "clap-matches",
        kind: EntryKind::CommandLine,
        pattern: Pattern::Method(&[
            "get_matches",
            "try_get_matches",
            "get_matches_from",
            "try_get_matches_from",
        ]),
        args: Args::Any,
        what: "command-line arguments (clap `get_matches`)",
    },
    Detector {
        id: "env-var",
        kind: EntryKind::Environment,
        pattern: Pattern::Call(&["env::var", "env::var_os", "env::vars", "env::vars_os"]),
        args: Args::Any,
        what: "environment variable (`std::env::var`)",
    },
    Detector {
        id: "env-config",
        kind: EntryKind::Environment,
        pattern: Pattern::Call(&[
            "Environment::with_prefix",
            "envy::from_env",
            "envy::prefixed",
        ]),
        args: Args::Any,
        what: "environment variables read as configuration (`config`, `envy`)",
    },
    Detector {
        id: "dotenv",
        kind: EntryKind::Environment,
        pattern: Pattern::Call(&["dotenvy::dotenv", "dotenv::dotenv", "dotenvy::from_path"]),
        args: Args::Any,
        what: "environment loaded from a `.env` file (dotenv)",
    },
    Detector {
        id: "stdin",
        kind: EntryKind::Stdin,
        pattern: Pattern::Call(&["io::stdin"]),
        args: Args::Any,
        what: "standard input",
    },
    Detector {
        id: "terminal-prompt",
        kind: EntryKind::Stdin,
        pattern: Pattern::Call(&[
            "rpassword::prompt_password",
            "rpassword::read_password",
            "rprompt::prompt_reply",
        ]),
        args: Args::Any,
        what: "text typed at the terminal (`rpassword`)",
    },
    Detector {
        id: "dialoguer-prompt",
        kind: EntryKind::Stdin,
        pattern: Pattern::Method(&["interact", "interact_text", "interact_opt", "interact_on"]),
        args: Args::Any,
        what: "text typed at the terminal (`dialoguer` prompt)",
    },
    Detector {
        id: "file-read",
        kind: EntryKind::FileRead,
        pattern: Pattern::Call(&[
            "File::open",
            "fs::read",
            "fs::read_to_string",
            "fs::read_dir",
            "fs_err::read",
            "fs_err::read_to_string",
            "NamedFile::open",
            "NamedFile::open_async",
        ]),
        args: Args::NotLiteral,
        what: "file read of a computed path",
    },
    Detector {
        id: "file-open-options",
        kind: EntryKind::FileRead,
        pattern: Pattern::ChainedMethod {
            methods: &["open"],
            roots: &["OpenOptions::new", "File::options"],
        },
        args: Args::NotLiteral,
        what: "file opened at a computed path (`OpenOptions::open`)",
    },
    Detector {
        id: "process-command",
        kind: EntryKind::Process,
        pattern: Pattern::Call(&["process::Command::new"]),
        args: Args::Any,
        what: "external process (`Command::new`)",
    },
];

impl Args {
    /// Whether a call or method call with these arguments (`first` of
    /// `count`) meets the constraint.
    pub fn accepts_call(self, first: Option<&syn::Expr>, count: usize) -> bool {
        match self {
            Args::Any => true,
            Args::Empty => count == 0,
            Args::AtLeastOne => count > 0,
            Args::Two => count == 2,
            Args::NotEphemeral => !string_literal(first).is_some_and(|a| a.ends_with(":0")),
            Args::RouteLiteral => route_text(first).is_some_and(|s| s.starts_with('/')),
            Args::NotLiteral => count > 0 && string_literal(first).is_none() && !constant(first),
            Args::Backlog => {
                constant(first)
                    || matches!(first, Some(syn::Expr::Lit(l)) if matches!(l.lit, syn::Lit::Int(_)))
            }
        }
    }

    /// Whether an attribute's arguments (`#[get("/users")]`) meet the constraint.
    pub fn accepts_attribute(self, attr: &syn::Attribute) -> bool {
        match (self, &attr.meta) {
            (Args::Any, _) => true,
            (_, syn::Meta::List(list)) => {
                let args = list
                    .parse_args_with(
                        syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
                    )
                    .ok();
                let count = args.as_ref().map_or(0, |a| a.len());
                self.accepts_call(args.as_ref().and_then(|a| a.first()), count)
            }
            _ => self == Args::Empty,
        }
    }
}

/// The value of a string literal argument.
fn string_literal(e: Option<&syn::Expr>) -> Option<String> {
    match e {
        Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        })) => Some(s.value()),
        _ => None,
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

/// Whether the detector `pattern` ends with all of `path` (`Command::new`
/// for `process::Command::new`): how a name brought in by a glob `use` is matched.
pub fn pattern_ends_with(pattern: &str, path: &[String]) -> bool {
    let want: Vec<&str> = pattern.split("::").collect();
    want.len() >= path.len()
        && want[want.len() - path.len()..]
            .iter()
            .zip(path)
            .all(|(want, have)| *want == "*" || want == have)
}

/// Whether `path` ends with the `::`-separated `suffix` (`*` matches any segment).
pub fn path_ends_with(path: &[String], suffix: &str) -> bool {
    let mut have = path.iter().rev();
    suffix
        .rsplit("::")
        .all(|want| have.next().is_some_and(|have| want == "*" || have == want))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn segs(s: &str) -> Vec<String> {
        s.split("::").map(str::to_owned).collect()
    }

    #[test]
    fn suffixes_match_on_segment_boundaries() {
        assert!(path_ends_with(
            &segs("std::net::TcpListener::bind"),
            "TcpListener::bind"
        ));
        assert!(!path_ends_with(
            &segs("MyTcpListener::bind"),
            "TcpListener::bind"
        ));
        assert!(path_ends_with(&segs("Cli::parse"), "*::parse"));
        assert!(!path_ends_with(&segs("parse"), "*::parse"));
    }

    fn accepts(args: Args, call: &str) -> bool {
        let syn::Expr::Call(c) = syn::parse_str::<syn::Expr>(call).unwrap() else {
            panic!("{call} is not a call")
        };
        args.accepts_call(c.args.first(), c.args.len())
    }

    #[test]
    fn argument_predicates() {
        assert!(accepts(Args::Empty, "Cli::parse()"));
        assert!(!accepts(Args::Empty, "Cli::parse(x)"));
        assert!(accepts(Args::Two, "route(\"/a\", h)"));
        assert!(!accepts(Args::AtLeastOne, "subscribe()"));
        assert!(!accepts(Args::NotEphemeral, "bind(\"0.0.0.0:0\")"));
        assert!(accepts(Args::NotEphemeral, "bind(\"0.0.0.0:80\")"));
        assert!(accepts(Args::RouteLiteral, "at(&format!(\"/{X}\"))"));
        assert!(accepts(Args::RouteLiteral, "at(concat!(\"/\", X))"));
        assert!(!accepts(Args::RouteLiteral, "at(path)"));
        assert!(accepts(Args::NotLiteral, "open(p)"));
        assert!(!accepts(Args::NotLiteral, "open(\"a.txt\")"));
        assert!(!accepts(Args::NotLiteral, "open(&config::DATABASE_PATH)"));
        assert!(!accepts(Args::NotLiteral, "open()"));
        assert!(accepts(Args::Backlog, "listen(128)"));
        assert!(accepts(Args::Backlog, "listen(BACKLOG)"));
        assert!(!accepts(Args::Backlog, "listen(listener)"));
    }

    #[test]
    fn attribute_arguments() {
        let attr = |text: &str| {
            let f: syn::ItemFn = syn::parse_str(&format!("{text} fn f() {{}}")).unwrap();
            f.attrs.into_iter().next().unwrap()
        };
        assert!(Args::RouteLiteral.accepts_attribute(&attr("#[get(\"/users\")]")));
        assert!(!Args::RouteLiteral.accepts_attribute(&attr("#[get(name)]")));
        assert!(!Args::RouteLiteral.accepts_attribute(&attr("#[get]")));
        assert!(Args::Empty.accepts_attribute(&attr("#[launch]")));
        assert!(Args::Any.accepts_attribute(&attr("#[tokio::main(flavor = \"current_thread\")]")));
    }

    #[test]
    fn one_row_detects_fn_main() {
        let rows: Vec<&str> = DETECTORS
            .iter()
            .filter(|d| matches!(d.pattern, Pattern::MainFn))
            .map(|d| d.id)
            .collect();
        assert_eq!(rows, ["main"]);
    }

    #[test]
    fn detector_ids_are_unique() {
        let ids: BTreeSet<_> = DETECTORS.iter().map(|d| d.id).collect();
        assert_eq!(ids.len(), DETECTORS.len());
    }
}
