//! The source-tree cross-check end to end: fixture repos in temp dirs, the
//! real `tm check` binary, findings asserted by rule code, file, line and message.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

type Finding = (String, String, u64, String);

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// A model with one component per `(id, code)` entry; `code` is YAML lines
/// under `code:`, indented by six spaces.
fn model(components: &[(&str, &str)]) -> String {
    let mut s =
        String::from("tm: 1\nid: svc\ntitle: Service\nstatus: in-review\nrisk: low\ncomponents:\n");
    for (id, code) in components {
        s.push_str(&format!(
            "  - id: {id}\n    name: {id}\n    kind: service\n    code:\n{code}"
        ));
    }
    s
}

/// Runs `tm check --format json` and returns the exit code and the report.
fn check_report(root: &Path) -> (i32, Value) {
    // tm finds its project by book.toml: every tree here is a project.
    if !root.join("book.toml").exists() {
        std::fs::write(root.join("book.toml"), "").unwrap();
    }
    let out = Command::cargo_bin("tm")
        .unwrap()
        .args(["check", "--format", "json", "--today", "2026-01-01"])
        .arg(root)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

/// Runs `tm check --format json` and returns (exit code, [(code, file, line, message)]).
fn check(root: &Path) -> (i32, Vec<Finding>) {
    let (code, json) = check_report(root);
    let findings = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (code, findings)
}

fn codes(findings: &[Finding]) -> Vec<(&str, &str, u64)> {
    findings
        .iter()
        .map(|(c, f, l, _)| (c.as_str(), f.as_str(), *l))
        .collect()
}

const SERVICE_LIB: &str = "pub mod payments;\npub mod server;\n";
const PAYMENTS: &str =
    "pub struct Card;\nimpl Card {\n    pub fn charge(&self) {}\n}\npub fn refund() {}\n";
const SERVER: &str = "use axum::Router;\nuse tokio::net::TcpListener;\n\npub async fn serve() {\n    let app = Router::new()\n        .route(\"/charges\", post(charge))\n        .route(\"/health\", get(health));\n    let listener = TcpListener::bind(\"0.0.0.0:8080\").await.unwrap();\n}\n";
const MAIN: &str = "#[tokio::main]\nasync fn main() {\n    svc::server::serve().await;\n}\n";

fn service(root: &Path, components: &[(&str, &str)]) {
    write(
        root,
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"svc\"\nversion = \"0.1.0\"\n",
            ),
            ("src/lib.rs", SERVICE_LIB),
            ("src/main.rs", MAIN),
            ("src/payments.rs", PAYMENTS),
            ("src/server.rs", SERVER),
            ("models/svc.yaml", &model(components)),
        ],
    );
}

#[test]
fn valid_references_and_full_coverage_are_clean() {
    let dir = tempfile::tempdir().unwrap();
    service(
        dir.path(),
        &[(
            "api",
            "      paths: [\"src/server.rs\", \"src/main.rs\"]\n      symbols: [\"crate::server::serve\", \"svc::payments\", \"Card::charge\"]\n",
        )],
    );
    let (status, findings) = check(dir.path());
    assert_eq!(findings, [], "expected no findings");
    assert_eq!(status, 0);
}

#[test]
fn dangling_paths_and_symbols_point_at_their_yaml_line() {
    let dir = tempfile::tempdir().unwrap();
    service(
        dir.path(),
        &[
            (
                "api",
                "      paths:\n        - \"src/server.rs\"\n        - \"src/srv/**\"\n      symbols:\n        - \"crate::payment::refund\"\n        - \"crate::server::serve\"\n",
            ),
            ("bad", "      paths: [\"../outside/**\"]\n"),
        ],
    );
    let (status, findings) = check(dir.path());
    assert_eq!(status, 1);
    let got = codes(&findings);
    assert!(
        got.contains(&("TM501", "models/svc.yaml", 13)),
        "{findings:#?}"
    );
    assert!(
        got.contains(&("TM502", "models/svc.yaml", 15)),
        "{findings:#?}"
    );
    assert!(
        got.contains(&("TM505", "models/svc.yaml", 21)),
        "{findings:#?}"
    );
    let symbol = findings.iter().find(|f| f.0 == "TM502").unwrap();
    assert_eq!(
        symbol.3,
        "`crate::payment::refund` not found; did you mean `crate::payments::refund`?"
    );
    // src/main.rs is covered by nobody: its `fn main` is unmodelled.
    assert!(got.contains(&("TM503", "src/main.rs", 2)), "{findings:#?}");
    assert_eq!(
        got.iter().filter(|f| f.0 == "TM503").count(),
        1,
        "{findings:#?}"
    );
}

#[test]
fn renaming_a_module_fails_with_the_new_name() {
    let dir = tempfile::tempdir().unwrap();
    service(
        dir.path(),
        &[(
            "api",
            "      paths: [\"src/**\"]\n      symbols: [\"crate::payments::refund\"]\n",
        )],
    );
    assert_eq!(check(dir.path()).0, 0);
    std::fs::rename(
        dir.path().join("src/payments.rs"),
        dir.path().join("src/billing.rs"),
    )
    .unwrap();
    write(
        dir.path(),
        &[("src/lib.rs", "pub mod billing;\npub mod server;\n")],
    );
    let (status, findings) = check(dir.path());
    assert_eq!(status, 1);
    assert_eq!(codes(&findings), [("TM502", "models/svc.yaml", 12)]);
    assert!(
        findings[0]
            .3
            .contains("did you mean `crate::billing::refund`?"),
        "{}",
        findings[0].3
    );
}

#[test]
fn unmodelled_entry_points_are_warnings_at_the_rust_line() {
    let dir = tempfile::tempdir().unwrap();
    service(
        dir.path(),
        &[("pay", "      symbols: [\"crate::payments\"]\n")],
    );
    let (status, findings) = check(dir.path());
    assert_eq!(status, 0, "warnings do not fail the run");
    assert_eq!(
        codes(&findings),
        [
            ("TM503", "src/main.rs", 2),
            ("TM503", "src/server.rs", 6),
            ("TM503", "src/server.rs", 7),
            ("TM503", "src/server.rs", 8),
        ]
    );
    assert!(
        findings[3]
            .3
            .contains("socket listener in `svc::server::serve`"),
        "{}",
        findings[3].3
    );
}

#[test]
fn suppression_is_written_in_book_toml_or_a_comment() {
    let dir = tempfile::tempdir().unwrap();
    service(
        dir.path(),
        &[("pay", "      symbols: [\"crate::payments\"]\n")],
    );
    write(
        dir.path(),
        &[
            (
                "book.toml",
                "[output.tm]\nallow-unmodelled = [\"crate::server::*\"]\n",
            ),
            (
                "src/main.rs",
                &format!("// tm:allow-unmodelled: thin wrapper around server::serve\n{MAIN}"),
            ),
        ],
    );
    assert_eq!(check(dir.path()).1, []);
    // A marker without a reason is not a decision: still reported.
    write(
        dir.path(),
        &[("src/main.rs", &format!("// tm:allow-unmodelled\n{MAIN}"))],
    );
    assert_eq!(codes(&check(dir.path()).1), [("TM503", "src/main.rs", 3)]);
}

#[test]
fn rule_severity_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    service(dir.path(), &[("pay", "      symbols: [\"crate::nope\"]\n")]);
    write(
        dir.path(),
        &[(
            "book.toml",
            "[output.tm.rules]\nunmodelled-entry-point = \"error\"\nTM502 = \"off\"\n",
        )],
    );
    let (status, findings) = check(dir.path());
    assert_eq!(status, 1);
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f.0 == "TM503"), "{findings:#?}");
}

#[test]
fn cli_with_workspace_crates_and_path_attribute() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n"),
            (
                "crates/core-lib/Cargo.toml",
                "[package]\nname = \"core-lib\"\n",
            ),
            (
                "crates/core-lib/src/lib.rs",
                "#[path = \"generated/parser_impl.rs\"]\npub mod parser;\n",
            ),
            (
                "crates/core-lib/src/generated/parser_impl.rs",
                "pub fn parse_input(s: &str) {}\n",
            ),
            ("crates/cli/Cargo.toml", "[package]\nname = \"cli\"\n"),
            (
                "crates/cli/src/main.rs",
                "use clap::Parser;\nfn main() {\n    let args = Args::parse();\n    let text = std::fs::read_to_string(&args.input).unwrap();\n    std::process::Command::new(\"sh\").arg(text);\n}\n",
            ),
            (
                "crates/cli/tests/it.rs",
                "fn main() { std::env::args(); }\n",
            ),
            (
                "models/svc.yaml",
                &model(&[(
                    "parser",
                    "      symbols: [\"core_lib::parser::parse_input\", \"core-lib::parser\", \"cli::main\"]\n",
                )]),
            ),
        ],
    );
    let (status, findings) = check(dir.path());
    assert_eq!(
        findings,
        [],
        "all covered by `cli::main`; tests/ are not runtime code"
    );
    assert_eq!(status, 0);
    write(
        dir.path(),
        &[(
            "models/svc.yaml",
            &model(&[(
                "parser",
                "      symbols: [\"core_lib::parser::parse_input\"]\n",
            )]),
        )],
    );
    let (_, findings) = check(dir.path());
    let lines: Vec<(&str, u64)> = findings.iter().map(|f| (f.1.as_str(), f.2)).collect();
    assert_eq!(
        lines,
        [
            ("crates/cli/src/main.rs", 2),
            ("crates/cli/src/main.rs", 3),
            ("crates/cli/src/main.rs", 4),
            ("crates/cli/src/main.rs", 5)
        ]
    );
}

#[test]
fn a_file_syn_cannot_parse_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    service(
        dir.path(),
        &[(
            "api",
            "      paths: [\"src/**\"]\n      symbols: [\"crate::payments::refund\"]\n",
        )],
    );
    write(
        dir.path(),
        &[("src/broken.rs", "fn ok() {}\nfn broken( {\n")],
    );
    let (status, findings) = check(dir.path());
    assert_eq!(status, 0);
    assert_eq!(codes(&findings), [("TM504", "src/broken.rs", 2)]);
}

#[test]
fn paths_work_in_a_non_rust_tree_and_honour_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (".gitignore", "dist/\n"),
            ("web/app.ts", "export const x = 1;\n"),
            ("dist/bundle.js", "x\n"),
            (
                "models/svc.yaml",
                &model(&[(
                    "web",
                    "      paths: [\"web/**/*.ts\", \"dist/*.js\"]\n      symbols: [\"crate::x\"]\n",
                )]),
            ),
        ],
    );
    let (_, findings) = check(dir.path());
    assert_eq!(
        codes(&findings),
        [
            ("TM501", "models/svc.yaml", 11),
            ("TM502", "models/svc.yaml", 12)
        ]
    );
}

#[test]
fn mitigations_carry_code_evidence() {
    let dir = tempfile::tempdir().unwrap();
    service(dir.path(), &[("api", "      paths: [\"src/**\"]\n")]);
    let mut yaml = model(&[("api", "      paths: [\"src/**\"]\n")]);
    yaml.push_str("mitigations:\n  - id: M-1\n    control: Idempotency\n    status: proposed\n    code:\n      symbols: [\"Card::chrage\"]\n");
    // A threat uses M-1, so no TM103 (unreferenced mitigation) joins the finding.
    yaml.push_str("threats:\n  - {id: T-1, target: api, stride: tampering, title: x, likelihood: low, impact: low, severity: low, status: open, mitigations: [M-1]}\n");
    write(dir.path(), &[("models/svc.yaml", &yaml)]);
    let (status, findings) = check(dir.path());
    assert_eq!(status, 1);
    assert_eq!(codes(&findings), [("TM502", "models/svc.yaml", 17)]);
    assert!(
        findings[0].3.contains("did you mean `Card::charge`?"),
        "{}",
        findings[0].3
    );
}

/// Runs `tm check --format json` and returns every finding's (code, message, help).
fn check_with_help(root: &Path) -> Vec<(String, String, String)> {
    let (_, json) = check_report(root);
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let text = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
            (text("code"), text("message"), text("help"))
        })
        .collect()
}

/// A workspace where `my-driver` re-exports from its private modules and from
/// the `other-lib` member, the way mdbook-driver and pulldown-cmark do.
fn reexporting_workspace(root: &Path, symbols: &str) {
    write(
        root,
        &[
            ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n"),
            (
                "crates/my-driver/Cargo.toml",
                "[package]\nname = \"my-driver\"\n",
            ),
            (
                "crates/my-driver/src/lib.rs",
                "mod book;\nmod parse;\npub use book::MDBook;\npub use crate::parse::{Event as Ev, Parser};\npub use inner::*;\npub use other_lib::Thing;\npub use ext_core::book;\npub(crate) use book::Secret;\nmod inner {\n    pub fn helper() {}\n}\nmod cyc_a {\n    pub use super::cyc_b::*;\n}\nmod cyc_b {\n    pub use super::cyc_a::*;\n    pub use self::Loop as Loop;\n}\n",
            ),
            (
                "crates/my-driver/src/book.rs",
                "pub struct MDBook;\nimpl MDBook {\n    pub fn build(&self) {}\n}\npub struct Secret;\n",
            ),
            (
                "crates/my-driver/src/parse.rs",
                "pub struct Parser;\npub enum Event {}\n",
            ),
            (
                "crates/other-lib/Cargo.toml",
                "[package]\nname = \"other-lib\"\n",
            ),
            (
                "crates/other-lib/src/lib.rs",
                "mod deep;\npub use deep::Thing;\n",
            ),
            ("crates/other-lib/src/deep.rs", "pub struct Thing;\n"),
            (
                "models/svc.yaml",
                &model(&[("driver", &format!("      symbols: {symbols}\n"))]),
            ),
        ],
    );
}

#[test]
fn symbols_resolve_through_public_reexports() {
    let dir = tempfile::tempdir().unwrap();
    reexporting_workspace(
        dir.path(),
        "[\"my_driver::MDBook\", \"my_driver::MDBook::build\", \"my_driver::Parser\", \"my_driver::Ev\", \"my_driver::helper\", \"my_driver::Thing\", \"crate::Secret\", \"other_lib::Thing\"]",
    );
    let (status, findings) = check(dir.path());
    assert_eq!(findings, [], "re-exported names resolve");
    assert_eq!(status, 0);

    // A cycle of glob re-exports ends; a misspelt re-exported name gets the
    // public path as its suggestion; `pub(crate)` is not reachable by crate name.
    reexporting_workspace(
        dir.path(),
        "[\"my_driver::cyc_a::Nothing\", \"my_driver::MDBok\", \"my_driver::Secret\", \"my_driver::book::Ledger\"]",
    );
    let found = check_with_help(dir.path());
    let messages: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(messages.len(), 4, "{found:#?}");
    assert!(
        found.iter().any(|f| f.2.starts_with(
            "`my_driver::book::Ledger` is re-exported from `ext_core::book::Ledger`, and crate `ext_core` is not under the source roots"
        )),
        "{found:#?}"
    );
    assert!(
        messages.contains(&"`my_driver::MDBok` not found; did you mean `my_driver::MDBook`?"),
        "{found:#?}"
    );
    let mdbok = found.iter().find(|f| f.1.contains("MDBok")).unwrap();
    assert!(mdbok.2.contains("`my_driver::MDBook`"), "{}", mdbok.2);
    assert!(found.iter().all(|f| f.0 == "TM502"), "{found:#?}");
}

#[test]
fn bare_crate_is_ambiguous_in_a_workspace() {
    let dir = tempfile::tempdir().unwrap();
    service(dir.path(), &[("all", "      symbols: [\"crate\"]\n")]);
    assert_eq!(check(dir.path()).1, [], "one crate: `crate` covers it");

    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("Cargo.toml", "[workspace]\nmembers = [\"a\", \"b\"]\n"),
            ("a/Cargo.toml", "[package]\nname = \"app-a\"\n"),
            ("a/src/main.rs", "fn main() {}\n"),
            ("b/Cargo.toml", "[package]\nname = \"app-b\"\n"),
            ("b/src/main.rs", "fn main() {}\n"),
            (
                "models/svc.yaml",
                &model(&[("a", "      symbols: [\"crate\"]\n")]),
            ),
        ],
    );
    let found = check_with_help(dir.path());
    let codes: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(codes, ["TM503", "TM503", "TM502"], "{found:#?}");
    assert!(
        found[2].2.contains("`app_a`") && found[2].2.contains("`app_b`"),
        "{}",
        found[2].2
    );
}

#[test]
fn routes_are_entry_points_wherever_their_path_comes_from() {
    let dir = tempfile::tempdir().unwrap();
    service(
        dir.path(),
        &[(
            "pay",
            "      symbols: [\"crate::payments\", \"svc::main\"]\n",
        )],
    );
    write(
        dir.path(),
        &[(
            "src/server.rs",
            "pub fn serve(app: Router) {\n    app.route(&format!(\"/{LIVE_RELOAD_ENDPOINT}\"), get(websocket_handler))\n        .route(concat!(\"/\", \"x\"), get(h))\n        .route(&format!(\"{}\", x), get(h));\n}\n",
        )],
    );
    assert_eq!(
        codes(&check(dir.path()).1),
        [
            ("TM503", "src/server.rs", 2),
            ("TM503", "src/server.rs", 3),
            ("TM503", "src/server.rs", 4)
        ]
    );
}

#[test]
fn fixture_files_that_do_not_parse_are_not_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    service(dir.path(), &[("api", "      paths: [\"src/**\"]\n")]);
    write(
        dir.path(),
        &[
            ("tests/testsuite/includes/src/example.rs", "fn broken( {\n"),
            ("benches/b.rs", "fn broken( {\n"),
            ("examples/e.rs", "fn broken( {\n"),
            ("crates/x/fixtures/f.rs", "fn broken( {\n"),
            ("testdata/t.rs", "fn broken( {\n"),
            ("src/broken.rs", "fn ok() {}\nfn broken( {\n"),
        ],
    );
    assert_eq!(codes(&check(dir.path()).1), [("TM504", "src/broken.rs", 2)]);
}

#[test]
fn a_misspelt_glob_directory_is_corrected_keeping_the_wildcard() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("crates/mdbook-driver/src/lib.rs", "pub fn f() {}\n"),
            ("crates/mdbook-driver/src/cmd.rs", "pub fn g() {}\n"),
            (
                "models/svc.yaml",
                &model(&[("d", "      paths: [\"crates/mdbok-driver/src/**\"]\n")]),
            ),
        ],
    );
    let found = check_with_help(dir.path());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .2
            .starts_with("did you mean `crates/mdbook-driver/src/**`?"),
        "{}",
        found[0].2
    );
}

/// What real crates do that a first version of the index got wrong: methods
/// of an `impl` written in another module, associated consts, enum variants,
/// `#[macro_export]` macros, children of `#[path]` files, raw identifiers,
/// names a crate root brings in with a private `use`.
const REAL_WORLD_LIB: &str = "mod net;\nmod lints;\nmod platform;\n#[path = \"gen/plugins.rs\"]\nmod plugins;\nmod r#type;\nuse net::server::Server;\n\npub struct Config;\n\n#[macro_export]\nmacro_rules! log_event { () => {} }\n\npub enum Mode { Search, Files }\n\nimpl Handler for net::server::Server {\n    fn handle(&self) {}\n}\n";

fn real_world(root: &Path, symbols: &str) {
    write(
        root,
        &[
            ("Cargo.toml", "[package]\nname = \"app\"\n"),
            ("src/lib.rs", REAL_WORLD_LIB),
            ("src/net/mod.rs", "pub mod server;\n"),
            (
                "src/net/server.rs",
                "pub struct Server;\nimpl Server {\n    pub const DEFAULT_PORT: u16 = 8080;\n}\n",
            ),
            (
                "src/lints.rs",
                "use super::*;\nimpl Config {\n    pub fn check(&self) {}\n}\nimpl Loader for &Config {\n    fn load(&self) { std::fs::read_to_string(self.path()); }\n}\n",
            ),
            ("src/platform.rs", "mod unix;\npub struct Platform;\n"),
            (
                "src/platform/unix.rs",
                "use super::Platform;\nimpl Shebang for Platform {\n    fn make_command(&self) {}\n}\n",
            ),
            ("src/gen/plugins.rs", "pub mod loader;\n"),
            ("src/gen/loader.rs", "pub fn load_plugin() {}\n"),
            ("src/type.rs", "pub fn kind_of() {}\n"),
            (
                "models/svc.yaml",
                &model(&[("app", &format!("      symbols: {symbols}\n"))]),
            ),
        ],
    );
}

#[test]
fn items_are_found_where_rust_puts_them() {
    let dir = tempfile::tempdir().unwrap();
    real_world(
        dir.path(),
        "[\"crate::Config::check\", \"crate::net::server::Server::handle\", \"crate::net::server::Server::DEFAULT_PORT\", \"crate::Mode::Search\", \"crate::log_event\", \"crate::platform::Platform::make_command\", \"crate::plugins::loader::load_plugin\", \"crate::r#type::kind_of\", \"crate::type::kind_of\", \"crate::Server\", \"crate::Config\"]",
    );
    let (_, findings) = check(dir.path());
    assert_eq!(findings, [], "every one of these is a real Rust path");

    // The places where the blocks are written are not paths of the items.
    real_world(
        dir.path(),
        "[\"crate::lints::Config::check\", \"crate::platform::unix::Platform::make_command\", \"crate::Mode::Serch\"]",
    );
    let (_, findings) = check(dir.path());
    let messages: Vec<&str> = findings
        .iter()
        .filter(|f| f.0 == "TM502")
        .map(|f| f.3.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "`crate::lints::Config::check` not found; did you mean `crate::Config::check`?",
            "`crate::platform::unix::Platform::make_command` not found; did you mean `crate::platform::Platform::make_command`?",
            "`crate::Mode::Serch` not found; did you mean `crate::Mode::Search`?",
        ]
    );
}

#[test]
fn a_wrong_member_under_a_reexport_gets_its_siblings_as_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("Cargo.toml", "[package]\nname = \"app\"\n"),
            (
                "src/lib.rs",
                "mod settings;\nmod tls;\npub use settings::Settings;\npub use tls::*;\n",
            ),
            ("src/tls.rs", "pub enum TlsVersion { V1_3 }\n"),
            (
                "src/settings.rs",
                "pub struct Settings;\nimpl Settings {\n    pub fn load() {}\n}\n",
            ),
            (
                "models/svc.yaml",
                &model(&[(
                    "app",
                    "      symbols: [\"app::Settings::lode\", \"app::TlsVerson\"]\n",
                )]),
            ),
        ],
    );
    let (_, findings) = check(dir.path());
    assert_eq!(
        findings.iter().map(|f| f.3.as_str()).collect::<Vec<_>>(),
        [
            "`app::Settings::lode` not found; did you mean `app::Settings::load`?",
            "`app::TlsVerson` not found; did you mean `app::TlsVersion`?"
        ]
    );
}

#[test]
fn crate_paths_in_several_workspace_crates_are_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("Cargo.toml", "[workspace]\nmembers = [\"a\", \"b\"]\n"),
            ("a/Cargo.toml", "[package]\nname = \"app-a\"\n"),
            ("a/src/lib.rs", "pub mod util { pub fn helper() {} }\n"),
            ("b/Cargo.toml", "[package]\nname = \"app-b\"\n"),
            ("b/src/lib.rs", "pub mod util { pub fn helper() {} }\n"),
            (
                "models/svc.yaml",
                &model(&[(
                    "a",
                    "      symbols: [\"crate::util::helper\", \"app_b::util::helper\"]\n",
                )]),
            ),
        ],
    );
    let (_, findings) = check(dir.path());
    assert_eq!(
        codes(&findings),
        [("TM502", "models/svc.yaml", 11)],
        "{findings:#?}"
    );
    let help = check_with_help(dir.path());
    assert!(
        help[0].2.contains("ambiguous") && help[0].2.contains("`app_a::util::helper`"),
        "{help:#?}"
    );
}

#[test]
fn a_missing_directory_is_never_corrected_to_its_parent() {
    let dir = tempfile::tempdir().unwrap();
    service(
        dir.path(),
        &[(
            "api",
            "      paths: [\"src/web/**\", \"src/payments/**\"]\n",
        )],
    );
    let (_, findings) = check(dir.path());
    let tm501: Vec<&Finding> = findings.iter().filter(|f| f.0 == "TM501").collect();
    assert_eq!(tm501.len(), 2, "{findings:#?}");
    let help = check_with_help(dir.path());
    assert!(
        help.iter()
            .all(|f| !f.1.contains("`src/**`") && !f.2.contains("`src/**`")),
        "{help:#?}"
    );
    assert!(
        help.iter().any(|f| f.2.contains("`src/payments.rs`")),
        "a module moved into one file: {help:#?}"
    );
}

#[test]
fn entry_points_that_real_services_have() {
    let dir = tempfile::tempdir().unwrap();
    service(
        dir.path(),
        &[("pay", "      symbols: [\"crate::payments\"]\n")],
    );
    write(
        dir.path(),
        &[(
            "src/server.rs",
            concat!(
                "use std::process::*;\n",                            // 1
                "pub fn serve(app: Router, cfg: Cfg) {\n",           // 2
                "    let key = std::env::var(\"API_KEY\");\n",       // 3
                "    app.nest(\"/api\", api()).fallback(teapot);\n", // 4
                "    cfg.service(web::resource(\"/upload\").route(web::post().to(up)));\n", // 5
                "    println!(\"{}\", std::fs::read_to_string(cfg.path()).unwrap());\n", // 6
                "    Command::new(\"sh\");\n",                       // 7
                "    let f = std::fs::OpenOptions::new().read(true).open(&cfg.path);\n", // 8
                "    // tm:allow-unmodelled: reads the operator's own config\n", // 9
                "    let _ = cfg.paths().map(|p|\n",                 // 10
                "        std::fs::read_to_string(p));\n",            // 11
                "}\n",                                               // 12
                "pub static CFG: Lazy<String> = Lazy::new(|| std::fs::read_to_string(path()).unwrap());\n", // 13
                "pub mod tools { pub fn main() {} }\n", // 14
                "#[cfg(all(test, unix))]\n",            // 15
                "mod t { fn h() { std::env::args(); } }\n", // 16
            ),
        )],
    );
    let (_, findings) = check(dir.path());
    // "… in `svc::server::serve` is not covered by any component [env-var]"
    let found: Vec<(u64, &str, &str)> = findings
        .iter()
        .filter(|f| f.0 == "TM503" && f.1 == "src/server.rs")
        .map(|f| {
            let symbol = f.3.split('`').rev().nth(1).unwrap_or("");
            let detector = f.3.rsplit('[').next().unwrap().trim_end_matches(']');
            (f.2, detector, symbol)
        })
        .collect();
    let serve = "svc::server::serve";
    assert_eq!(
        found,
        [
            (3, "env-var", serve),
            (4, "router-fallback", serve), // one HTTP entry per line
            (5, "actix-resource", serve),
            (6, "file-read", serve),
            (7, "process-command", serve),
            (8, "file-open-options", serve),
            (13, "file-read", "svc::server::CFG"),
        ],
        "{findings:#?}"
    );
}

/// Second QA round: a call of the type's own function, client sockets and
/// test modules in their own files are not entry points; a `use` inside a
/// function body counts. A method call is matched by name: `db.subscribe(k)`
/// is reported even though the crate has its own `subscribe` (without types
/// tm cannot tell it from a Kafka consumer's, and silence must be a decision).
#[test]
fn own_functions_client_sockets_and_test_files_are_not_entry_points() {
    let dir = tempfile::tempdir().unwrap();
    service(
        dir.path(),
        &[("pay", "      symbols: [\"crate::payments\"]\n")],
    );
    write(
        dir.path(),
        &[
            (
                "src/lib.rs",
                "pub mod payments;\npub mod server;\npub mod cli;\npub mod start;\n#[cfg(test)]\nmod tests;\n",
            ),
            ("src/tests.rs", "fn t() { std::env::args(); }\n"),
            (
                "src/cli.rs",
                "pub struct Conf;\nimpl Conf {\n    pub fn from_args() -> Self { Conf }\n}\n",
            ),
            (
                "src/start.rs",
                "use crate::cli::Conf;\npub fn start() {\n    Conf::from_args();\n}\n",
            ),
            (
                "src/server.rs",
                concat!(
                    "pub struct Db;\n",                                            // 1
                    "impl Db { pub fn subscribe(&self, k: String) {} }\n",         // 2
                    "pub struct Settings;\n",                                      // 3
                    "impl Settings {\n",                                           // 4
                    "    fn get() -> Settings { Self::parse_from(None) }\n",       // 5
                    "    fn parse_from(x: Option<u8>) -> Settings { Settings }\n", // 6
                    "}\n",                                                         // 7
                    "pub fn run(db: Db) {\n",                                      // 8
                    "    db.subscribe(key);\n",                                    // 9
                    "    let s = std::net::UdpSocket::bind(\"0.0.0.0:0\");\n",     // 10
                    "    use std::process::Command;\n",                            // 11
                    "    Command::new(\"ls\");\n",                                 // 12
                    "}\n",                                                         // 13
                ),
            ),
        ],
    );
    let (_, findings) = check(dir.path());
    let lines: Vec<(&str, u64)> = findings
        .iter()
        .filter(|f| f.0 == "TM503" && f.1 != "src/main.rs")
        .map(|f| (f.1.as_str(), f.2))
        .collect();
    assert_eq!(
        lines,
        [("src/server.rs", 9), ("src/server.rs", 12)],
        "{findings:#?}"
    );
}

#[test]
fn a_path_that_a_binary_imports_from_its_library_is_not_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("Cargo.toml", "[package]\nname = \"amb\"\n"),
            ("src/lib.rs", "pub mod server { pub fn run() {} }\n"),
            ("src/bin/srv.rs", "use amb::server;\nfn main() {}\n"),
            (
                "models/svc.yaml",
                &model(&[(
                    "a",
                    "      symbols: [\"crate::server::run\", \"crate::main\"]\n",
                )]),
            ),
        ],
    );
    assert_eq!(check(dir.path()).1, []);
}

#[test]
fn suggestions_prefer_the_same_item_elsewhere_then_its_siblings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("Cargo.toml", "[package]\nname = \"app\"\n"),
            (
                "src/lib.rs",
                "pub mod listing { pub struct Entry; impl Entry { pub fn is_dir(&self) {} } pub struct Breadcrumb; impl Breadcrumb { pub fn new() {} } }\npub mod store { pub mod secret { pub struct Vault; } }\npub mod util {}\npub mod file_op { pub enum FileHash { SHA256(String) } }\npub mod auth { pub enum P { Sha256(Vec<u8>) } }\n",
            ),
            (
                "models/svc.yaml",
                &model(&[(
                    "a",
                    "      symbols: [\"crate::listing::Breadcrumb::is_dir\", \"crate::Vault\", \"crate::listing::Breadcrumb::nwe\", \"crate::file_op::FileHash::Sha256\"]\n",
                )]),
            ),
        ],
    );
    let messages: Vec<String> = check(dir.path()).1.into_iter().map(|f| f.3).collect();
    assert_eq!(
        messages,
        [
            "`crate::listing::Breadcrumb::is_dir` not found; did you mean `crate::listing::Entry::is_dir`?",
            "`crate::Vault` not found; did you mean `crate::store::secret::Vault`?",
            "`crate::listing::Breadcrumb::nwe` not found; did you mean `crate::listing::Breadcrumb::new`?",
            "`crate::file_op::FileHash::Sha256` not found; did you mean `crate::file_op::FileHash::SHA256`?",
        ]
    );
}

/// Fourth QA round: an `impl` for an outside type adds no path, a misspelt
/// crate name is corrected, a `CamelCase` name is not "corrected" to a
/// module, and a missing directory is corrected only to a near miss.
#[test]
fn suggestions_stay_near_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("Cargo.toml", "[package]\nname = \"sqlx-cli\"\n"),
            (
                "src/lib.rs",
                "mod subcommand;\npub use subcommand::Subcommand;\npub fn run() {}\npub mod config {\n    pub enum LogRotation { Never }\n    impl From<LogRotation> for tracing_appender::rolling::Rotation {\n        fn from(r: LogRotation) -> Self { todo!() }\n    }\n}\n",
            ),
            ("src/subcommand.rs", "pub enum Subcommand { Edit }\n"),
            ("src/repo/postgres/a.rs", "\n"),
            ("src/store/b.rs", "\n"),
            (
                "models/svc.yaml",
                &model(&[(
                    "a",
                    "      paths: [\"src/stores/object/*.rs\"]\n      symbols: [\"sqlx_cl::run\", \"crate::config::Rotation::from\", \"sqlx_cli::Subcommnd\"]\n",
                )]),
            ),
        ],
    );
    let help = check_with_help(dir.path());
    let said: Vec<(&str, &str)> = help.iter().map(|f| (f.0.as_str(), f.1.as_str())).collect();
    assert_eq!(
        said,
        [
            (
                "TM501",
                "code path `src/stores/object/*.rs` matches no file"
            ),
            (
                "TM502",
                "`sqlx_cl::run` not found; did you mean `sqlx_cli::run`?"
            ),
            (
                "TM502",
                "`crate::config::Rotation::from` not found; did you mean `crate::config::LogRotation`?"
            ),
            (
                "TM502",
                "`sqlx_cli::Subcommnd` not found; did you mean `sqlx_cli::Subcommand`?"
            ),
        ],
        "{help:#?}"
    );
    assert!(!help[0].2.contains("postgres"), "{}", help[0].2);
}

/// An inline module is a scope of its own: the file's `use inner::File;`
/// does not change what `File` means inside `inner`.
#[test]
fn methods_in_an_inline_module_stay_under_its_type() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("Cargo.toml", "[package]\nname = \"app\"\n"),
            (
                "src/lib.rs",
                "pub(crate) use inner::File;\nmod inner {\n    pub(crate) struct File;\n    impl File {\n        pub(crate) fn open() {}\n    }\n}\n",
            ),
            (
                "models/svc.yaml",
                &model(&[(
                    "a",
                    "      symbols: [\"crate::inner::File::open\", \"crate::File::open\"]\n",
                )]),
            ),
        ],
    );
    assert_eq!(check(dir.path()).1, []);
}
