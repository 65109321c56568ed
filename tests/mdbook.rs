//! `mdbook-tm` against a real `mdbook build`: a book with `[output.html]`,
//! `[output.tm]` and `[preprocessor.tm]` writes the book and the tm site
//! side by side, and a chapter's `{{#tm-…}}` directives become the model's
//! tables and diagram. Fails under CI=true when mdbook is missing (`.ci/run`
//! installs it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BOOK: &str = r#"[book]
title = "Security handbook"
src = "src"

[output.html]

[output.tm]

[output.tm.rules]
stride-coverage = "warning"

[preprocessor.tm]
before = ["links"]
"#;

const MODEL: &str = r#"tm: 1
id: payments-api
title: "Payments <b>API</b>"
status: draft
risk: medium
components:
  - id: api
    name: "API <img src=x onerror=alert(1)>"
    kind: service
  - id: db
    name: Ledger
    kind: datastore
flows:
  - id: write
    from: api
    to: db
    protocol: SQL
threats:
  - id: PAY-1
    target: api
    stride: [spoofing]
    title: "Forged caller <script>alert(1)</script>"
    likelihood: low
    impact: high
    severity: medium
    status: open
"#;

fn mdbook_available() -> bool {
    let found = Command::new("mdbook").arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "mdbook is missing: .ci/run installs it with `cargo install mdbook --locked`"
        );
        eprintln!("note: mdbook not installed; skipping");
    }
    found
}

fn book(chapter: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("book.toml"), BOOK).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::create_dir_all(root.join("models")).unwrap();
    std::fs::write(root.join("models/payments.yaml"), MODEL).unwrap();
    std::fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [Intro](intro.md)\n- [Payments](payments.md)\n",
    )
    .unwrap();
    std::fs::write(root.join("src/intro.md"), "# Intro\n\nPlain text.\n").unwrap();
    std::fs::write(root.join("src/payments.md"), chapter).unwrap();
    dir
}

fn mdbook_build(root: &Path) -> Output {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_mdbook-tm"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("mdbook")
        .arg("build")
        .current_dir(root)
        .env("PATH", path)
        .env("TM_TODAY", "2026-11-24")
        .output()
        .unwrap()
}

#[test]
fn mdbook_builds_the_book_and_the_tm_site_side_by_side() {
    if !mdbook_available() {
        return;
    }
    let dir = book(
        "# Payments\n\n{{#tm-model payments-api}}\n\n## STRIDE\n\n{{#tm-stride payments-api}}\n\n## Diagram\n\n{{#tm-diagram payments-api}}\n\nLiteral: \\{{#tm-model payments-api}}\n",
    );
    let out = mdbook_build(dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "mdbook build failed:\n{stderr}");

    let html = dir.path().join("book/html");
    let site = dir.path().join("book/tm");
    assert!(html.join("index.html").is_file(), "{stderr}");
    assert!(site.join("index.html").is_file(), "the tm site: {stderr}");
    let model_page = std::fs::read_to_string(site.join("models/payments-api.html")).unwrap();
    assert!(model_page.contains("PAY-1"));

    let chapter = std::fs::read_to_string(html.join("payments.html")).unwrap();
    assert!(chapter.contains("tm-embed tm-model"), "{chapter}");
    assert!(chapter.contains("<code>PAY-1</code>"), "{chapter}");
    assert!(
        chapter.contains("Payments &lt;b&gt;API&lt;/b&gt;"),
        "{chapter}"
    );
    assert!(
        chapter.contains("<td>spoofing (S)</td><td>1</td><td>1</td>"),
        "{chapter}"
    );
    assert!(chapter.contains("tm-embed tm-diagram"), "{chapter}");
    assert!(chapter.contains("<svg"), "{chapter}");
    assert!(
        !chapter.contains("<script>alert(1)"),
        "user text unescaped:\n{chapter}"
    );
    assert!(
        !chapter.contains("<img src=x"),
        "user text unescaped:\n{chapter}"
    );
    assert!(
        chapter.contains("{{#tm-model payments-api}}"),
        "the escaped directive stays literal"
    );
}

#[test]
fn a_chapter_naming_an_unknown_model_fails_the_build() {
    if !mdbook_available() {
        return;
    }
    let dir = book("# Payments\n\n{{#tm-model payments-apii}}\n");
    let out = mdbook_build(dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("payments-apii"), "{stderr}");
    assert!(stderr.contains("payments-api"), "{stderr}");
}

#[test]
fn supports_answers_yes_for_any_renderer() {
    let status = Command::new(env!("CARGO_BIN_EXE_mdbook-tm"))
        .args(["supports", "html"])
        .status()
        .unwrap();
    assert!(status.success());
}
