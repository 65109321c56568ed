//! The no-op rebuild cache of `tm build`: the real binary on the fixture
//! site in a temp dir, built twice.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

const FIXTURE: &str = "tests/fixtures/site";
const UNCHANGED: &str = "unchanged since the last build";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["", "models"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for entry in std::fs::read_dir(Path::new(FIXTURE).join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let to = dir.path().join(sub).join(path.file_name().unwrap());
                std::fs::copy(&path, to).unwrap();
            }
        }
    }
    dir
}

fn tm(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tm").unwrap();
    cmd.arg("build").arg(dir).env("TM_TODAY", "2026-06-01");
    cmd
}

fn page(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("book/models/small.html")).unwrap()
}

/// The state file's name beside `book/`.
fn record(dir: &Path) -> std::path::PathBuf {
    dir.join(".book.tm-cache")
}

#[test]
fn a_second_build_of_the_same_inputs_does_nothing_and_says_so() {
    let dir = project();
    let first = tm(dir.path()).assert().success();
    let first_err = String::from_utf8(first.get_output().stderr.clone()).unwrap();
    assert!(!first_err.contains(UNCHANGED));
    assert!(record(dir.path()).is_file());
    let before = page(dir.path());
    let second = tm(dir.path())
        .assert()
        .success()
        .stderr(contains(UNCHANGED));
    let second_err = String::from_utf8(second.get_output().stderr.clone()).unwrap();
    // The warnings of the last build are replayed, not lost.
    assert_eq!(
        first_err
            .lines()
            .filter(|l| l.starts_with("warning"))
            .count(),
        second_err
            .lines()
            .filter(|l| l.starts_with("warning"))
            .count()
    );
    assert_eq!(page(dir.path()), before);
}

#[test]
fn a_changed_model_is_rebuilt_and_its_page_changes() {
    let dir = project();
    tm(dir.path()).assert().success();
    let file = dir.path().join("models/small.yaml");
    let yaml = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        yaml.replace("title: Small shop checkout", "title: Tiny shop checkout"),
    )
    .unwrap();
    tm(dir.path())
        .assert()
        .success()
        .stderr(contains(UNCHANGED).not());
    assert!(page(dir.path()).contains("Tiny shop checkout"));
    // And the new inputs are cached in turn.
    tm(dir.path())
        .assert()
        .success()
        .stderr(contains(UNCHANGED));
}

#[test]
fn a_changed_config_theme_or_day_rebuilds_in_full() {
    let dir = project();
    tm(dir.path()).assert().success();
    let toml = dir.path().join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace("Fixture threat models", "Renamed threat models"),
    )
    .unwrap();
    tm(dir.path())
        .assert()
        .success()
        .stderr(contains(UNCHANGED).not());
    assert!(
        std::fs::read_to_string(dir.path().join("book/index.html"))
            .unwrap()
            .contains("Renamed threat models")
    );
    // A theme override.
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace("[output.tm]\n", "[output.tm]\ntheme = \"theme\"\n"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("theme")).unwrap();
    tm(dir.path())
        .assert()
        .success()
        .stderr(contains(UNCHANGED).not());
    tm(dir.path())
        .assert()
        .success()
        .stderr(contains(UNCHANGED));
    std::fs::write(dir.path().join("theme/extra.css"), "body{}").unwrap();
    tm(dir.path())
        .assert()
        .success()
        .stderr(contains(UNCHANGED).not());
    // Another day judges expiries anew.
    tm(dir.path())
        .env("TM_TODAY", "2026-06-02")
        .assert()
        .success()
        .stderr(contains(UNCHANGED).not());
}

#[test]
fn a_corrupt_or_forged_record_means_a_full_build_never_a_crash() {
    let dir = project();
    tm(dir.path()).assert().success();
    let rec = record(dir.path());
    let good = std::fs::read_to_string(&rec).unwrap();
    for bad in [
        String::new(),
        "\u{0}\u{1}garbage\n\n".to_owned(),
        good.replace("warning", "w\u{1b}[2Jarning"),
        good[..good.len() / 2].to_owned(),
    ] {
        std::fs::write(&rec, &bad).unwrap();
        tm(dir.path())
            .assert()
            .success()
            .stderr(contains(UNCHANGED).not());
    }
    // A well-formed record for a directory tm did not install (as a pull
    // request could commit one) is not trusted either.
    tm(dir.path())
        .assert()
        .success()
        .stderr(contains(UNCHANGED));
    let forged = std::fs::read_to_string(&rec).unwrap();
    let site_line = forged.lines().find(|l| l.starts_with("site ")).unwrap();
    std::fs::write(&rec, forged.replace(site_line, "site 1:2:3:4:5")).unwrap();
    tm(dir.path())
        .assert()
        .success()
        .stderr(contains(UNCHANGED).not());
    // A site someone changed by hand is rebuilt, not trusted.
    tm(dir.path())
        .assert()
        .success()
        .stderr(contains(UNCHANGED));
    std::fs::write(dir.path().join("book/index.html"), "defaced").unwrap();
    tm(dir.path())
        .assert()
        .failure()
        .stderr(contains(UNCHANGED).not());
}
