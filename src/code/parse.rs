//! One Rust file → what the index needs from it: [`parse_file_within`] runs syn
//! and the visitor over it. The types it returns are in `parsed`, the walk in
//! `visitor`, the detector rows it matches in `detect`.

use std::path::PathBuf;

use proc_macro2::Span as TokenSpan;

use super::line_index::LineIndex;
use super::nesting;
use super::visitor::FileVisitor;
use crate::diagnostic::Span;

pub use super::parsed::{
    FileItem, FoundEntry, FoundFact, ImplOwner, ItemKind, ModDecl, ParsedFile, Place, ReExport,
};

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
/// `nesting::MAX_OPEN_TOKENS` levels of the deepest construct need about half
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

/// Parses one small input on the current thread, with a budget a default
/// stack holds (tests).
#[cfg(test)]
pub(crate) fn parse_file(file: PathBuf, text: &str) -> Result<ParsedFile, ParseFailure> {
    parse_file_within(file, text, nesting::MAX_OPEN_TOKENS / 16)
}

/// A token span → line, column and byte range in `text`.
fn span_of(text: &str, span: TokenSpan) -> Span {
    LineIndex::new(text).span(span)
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
