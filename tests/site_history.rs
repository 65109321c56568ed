//! `tm build` in a scripted git repository: the model page shows the commits
//! that touched the model, a threat's timeline and the code it covers (linked
//! at HEAD); the queue and unmodelled-code pages list what they should; a
//! directory outside git builds with a visible note.

mod history_support;

use history_support::{ScriptedRepo, tm_in};
use predicates::str::contains;

const BOOK: &str = r#"[book]
title = "Shop"

[output.tm]
source-url = "https://git.example/shop/blob/{commit}/{path}#L{line}"

[output.tm.rules]
code-symbol-unresolved = "warning"
"#;

const V1: &str = "\
tm: 1
id: shop
title: Shop
status: in-review
risk: low
components:
  - {id: api, name: Shop API, kind: service, code: {paths: ['src/api/**'], symbols: ['crate::api::charge', 'crate::api::refund']}}
threats:
  - {id: SHOP-S-1, target: api, stride: spoofing, title: Forged charge, likelihood: medium, impact: high, severity: medium, status: open}
";

const CARGO: &str = "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2024\"\n";

const API: &str = "pub fn charge() {}\n";

const MAIN: &str = "mod api;\n\nfn main() {\n    api::charge();\n}\n";

/// Three commits: the model; the threat accepted plus a security review of
/// the first commit; then a change to the API's code after that review.
fn scripted() -> (ScriptedRepo, String) {
    let repo = ScriptedRepo::new();
    repo.write("book.toml", BOOK);
    repo.write(".gitignore", "book/\n");
    repo.write("Cargo.toml", CARGO);
    repo.write("src/main.rs", MAIN);
    repo.write("src/api/mod.rs", API);
    repo.write("models/shop.yaml", V1);
    let first = repo.commit("Model the shop", "2026-01-05");
    let v2 = V1.replace(
        "severity: medium, status: open}",
        "severity: medium, status: accepted, acceptance: {by: cfo@example.com, at: 2026-01-20, expires: 2026-02-10, rationale: Charges are capped}}",
    ) + &format!(
        "reviews:\n  - {{kind: security, by: sec@example.com, at: 2026-01-20, commit: {first}, outcome: approved}}\n"
    );
    repo.write("models/shop.yaml", &v2);
    repo.commit("Accept the forged-charge risk", "2026-01-20");
    repo.write(
        "src/api/mod.rs",
        "pub fn charge() {\n    // now with retries\n}\n",
    );
    let head = repo.commit("Retry charges", "2026-01-25");
    (repo, head)
}

fn build(dir: &std::path::Path) -> assert_cmd::assert::Assert {
    tm_in(dir)
        .args(["build", "--today", "2026-02-01"])
        .assert()
        .success()
}

fn read(dir: &std::path::Path, page: &str) -> String {
    std::fs::read_to_string(dir.join("book").join(page)).unwrap()
}

#[test]
fn model_page_shows_history_timeline_and_linked_code() {
    let (repo, head) = scripted();
    build(repo.path());
    let html = read(repo.path(), "models/shop.html");
    let history = &html[html
        .find("<section id=\"history\">")
        .expect("history section")..];
    let first = history.find("Retry charges");
    assert!(
        first.is_none(),
        "a code-only commit is not in the model's history"
    );
    let newer = history.find("Accept the forged-charge risk").unwrap();
    let older = history.find("Model the shop").unwrap();
    assert!(newer < older, "newest first");
    assert!(
        history.contains("<time datetime=\"2026-01-20T10:00:00Z\">2026-01-20</time>"),
        "{history}"
    );
    assert!(history.contains("Ada Dev"));
    assert!(
        // One fact: the acceptance says which status it left.
        history.contains("risk accepted on <code>SHOP-S-1</code> “Forged charge” (was open) by"),
        "{history}"
    );
    assert!(html.contains("<a class=\"more\" href=\"#timeline-SHOP-S-1\">"));
    let timeline = &history[history.find("id=\"timeline-SHOP-S-1\"").unwrap()..];
    assert!(
        timeline.contains("risk accepted on <code>SHOP-S-1</code> (was open) by"),
        "{timeline}"
    );
    assert!(
        html.contains(&format!(
            "<a href=\"https://git.example/shop/blob/{head}/src/api/mod.rs#L1\">src/api/mod.rs:1</a>"
        )),
        "symbol linked at HEAD"
    );
    assert!(html.contains("<code>crate::api::refund</code> <span class=\"badge dangling\""));
}

#[test]
fn queue_and_unmodelled_pages_list_their_items() {
    let (repo, _) = scripted();
    build(repo.path());
    let queue = read(repo.path(), "queue.html");
    assert!(queue.contains(">code changed</a>"), "{queue}");
    assert!(queue.contains("code of component <code>api</code> changed since the security review"));
    assert!(queue.contains("Retry charges"));
    assert!(queue.contains(">acceptance expiring</a>"));
    let index = read(repo.path(), "index.html");
    assert!(
        index.contains("href=\"queue.html#q-shop\" title=\"Code changed since the last security review: api\">code changed</a>"),
        "drift flag on the index"
    );
    let unmodelled = read(repo.path(), "unmodelled.html");
    assert!(unmodelled.contains("Symbols and entry points are understood for Rust only"));
    let table = &unmodelled[unmodelled.find("id=\"unmodelled\"").unwrap()
        ..unmodelled.find("id=\"suppressed\"").unwrap()];
    assert!(table.contains("src/main.rs:3"), "{table}");
    assert!(table.contains(">main</span>"), "{table}");
    assert!(
        table.contains("program entry <code>fn main</code>"),
        "{table}"
    );
}

#[test]
fn rebuilding_a_git_project_gives_identical_bytes() {
    let (repo, _) = scripted();
    build(repo.path());
    let first: Vec<String> = ["models/shop.html", "queue.html", "unmodelled.html"]
        .iter()
        .map(|p| read(repo.path(), p))
        .collect();
    build(repo.path());
    for (page, before) in ["models/shop.html", "queue.html", "unmodelled.html"]
        .iter()
        .zip(first)
    {
        assert_eq!(before, read(repo.path(), page), "{page} changed on rebuild");
    }
}

#[test]
fn outside_git_the_site_says_there_is_no_history() {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("book.toml", BOOK);
    write("Cargo.toml", CARGO);
    write("src/main.rs", MAIN);
    write("src/api/mod.rs", API);
    write("models/shop.yaml", V1);
    tm_in(dir.path())
        .args(["build", "--today", "2026-02-01"])
        .assert()
        .success()
        .stderr(contains("built 1 model ("));
    let html = read(dir.path(), "models/shop.html");
    assert!(
        html.contains("<p class=\"note\">not a git repository"),
        "{html}"
    );
    assert!(
        html.contains("<code>src/api/mod.rs:1</code>"),
        "no link without a commit to pin it to"
    );
    let queue = read(dir.path(), "queue.html");
    assert!(queue.contains("not a git repository: changes to covered code"));
}

#[test]
fn a_shallow_clone_builds_and_says_where_history_starts() {
    let (repo, _) = scripted();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    history_support::git_in(
        clone.path(),
        &["clone", "-q", "--depth", "1", &url, "c"],
        "2026-02-01T10:00:00+00:00",
    );
    let dir = clone.path().join("c");
    build(&dir);
    let html = read(&dir, "models/shop.html");
    assert!(
        html.contains("<p class=\"note\">shallow clone: history reaches back to"),
        "{html}"
    );
    assert!(html.contains("history starts here"), "{html}");
}
