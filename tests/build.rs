//! `tm build` end to end: the real binary on the fixture site in a temp dir.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;

const FIXTURE: &str = "tests/fixtures/site";

/// Copies the fixture project into a fresh temp dir.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(FIXTURE), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            if path.file_name().unwrap() != "book" {
                copy_dir(&path, &target);
            }
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn tm(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tm").unwrap();
    cmd.arg("build").arg(dir).env("TM_TODAY", "2026-06-01");
    cmd
}

/// Every file of a directory tree with its bytes, by relative path.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn builds_every_page_into_book() {
    let dir = project();
    tm(dir.path())
        .assert()
        .success()
        .stderr(contains("built 3 models"));
    let files = tree(&dir.path().join("book"));
    for page in [
        "index.html",
        "search.html",
        "mitigations.html",
        "heatmap.html",
        "queue.html",
        "unmodelled.html",
        "models/small.html",
        "models/marketplace.html",
        "models/hostile.html",
        "assets/style.css",
        "assets/site.js",
        "assets/search/manifest.js",
        ".tm-site",
    ] {
        assert!(files.contains_key(Path::new(page)), "{page} missing");
    }
}

#[test]
fn same_input_gives_identical_bytes() {
    let dir = project();
    tm(dir.path()).assert().success();
    let first = tree(&dir.path().join("book"));
    tm(dir.path()).assert().success();
    let second = tree(&dir.path().join("book"));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    assert!(first == second, "a rebuild changed some bytes");
}

#[test]
fn refuses_a_directory_it_did_not_write() {
    let dir = project();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("handbook.md"), "precious").unwrap();
    tm(dir.path())
        .arg("--dest")
        .arg(&docs)
        .assert()
        .code(2)
        .stderr(contains("not written by tm"));
    assert_eq!(
        std::fs::read_to_string(docs.join("handbook.md")).unwrap(),
        "precious"
    );
    tm(dir.path())
        .arg("--dest")
        .arg(dir.path())
        .arg("--force")
        .assert()
        .code(2)
        .stderr(contains("project root"));
    assert!(dir.path().join("book.toml").is_file());
}

#[test]
fn a_failed_build_leaves_the_previous_site() {
    let dir = project();
    tm(dir.path()).assert().success();
    let before = tree(&dir.path().join("book"));
    std::fs::write(dir.path().join("models/broken.yaml"), "tm: 1\nid: [oops\n").unwrap();
    tm(dir.path())
        .assert()
        .code(1)
        .stderr(contains("previous one is untouched"));
    assert!(
        before == tree(&dir.path().join("book")),
        "the old site changed"
    );
}

#[test]
fn a_project_theme_overrides_one_template() {
    let dir = project();
    let custom = dir.path().join("themes/custom/templates");
    std::fs::create_dir_all(&custom).unwrap();
    std::fs::write(
        custom.join("search.html"),
        "custom search for {{ site_title }}",
    )
    .unwrap();
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        toml.replace(
            "output-dir = \"book\"",
            "output-dir = \"book\"\ntheme = \"themes/custom\"",
        ),
    )
    .unwrap();
    tm(dir.path()).assert().success();
    let book = dir.path().join("book");
    assert_eq!(
        std::fs::read_to_string(book.join("search.html")).unwrap(),
        "custom search for Fixture threat models"
    );
    assert!(
        std::fs::read_to_string(book.join("index.html"))
            .unwrap()
            .contains("Small shop checkout")
    );
}

#[test]
fn hostile_markdown_is_sanitized_in_the_html() {
    let dir = project();
    tm(dir.path()).assert().success();
    let html = std::fs::read_to_string(dir.path().join("book/models/hostile.html")).unwrap();
    assert!(
        !html.contains("TM_PWNED = \"script-tag\""),
        "raw script kept"
    );
    let lower = html.to_lowercase();
    for attr in [
        "href=\"javascript",
        "src=\"javascript",
        "action=\"javascript",
        "xlink:href",
    ] {
        assert!(!lower.contains(attr), "{attr} kept");
    }
    assert!(!html.contains("onerror=\""), "event handler kept");
    assert_eq!(html.matches("<script").count(), 1, "only the site script");
}

#[test]
fn snapshot_of_the_small_fixture_site() {
    let dir = project();
    tm(dir.path()).assert().success();
    let book = dir.path().join("book");
    for page in [
        "index.html",
        "models/small.html",
        "heatmap.html",
        "mitigations.html",
        "queue.html",
        "unmodelled.html",
    ] {
        let html = std::fs::read_to_string(book.join(page)).unwrap();
        // The content only (as mdBook's `check_main_file`): a snapshot diff
        // then shows what changed on the page, not the chrome around it.
        let main = html
            .split_once("<main>")
            .and_then(|(_, rest)| rest.split_once("</main>"))
            .map(|(main, _)| main)
            .unwrap_or_else(|| panic!("{page} has no <main> element"));
        insta::assert_snapshot!(page.replace('/', "__"), main.trim());
        // The chrome, which the snapshots no longer hold: no network, no inline script.
        assert!(
            html.contains("content=\"default-src 'none'; script-src 'self';"),
            "{page}: the Content-Security-Policy changed"
        );
        assert!(
            html.contains("<nav aria-label=\"Site\">"),
            "{page}: no site nav"
        );
    }
}

#[cfg(unix)]
#[test]
fn an_output_dir_that_is_a_link_is_refused_even_with_force() {
    let dir = project();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("keep.txt"), "mine").unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("book")).unwrap();
    tm(dir.path())
        .arg("--force")
        .assert()
        .code(2)
        .stderr(contains("symbolic link"));
    assert!(outside.path().join("keep.txt").is_file());
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
}
