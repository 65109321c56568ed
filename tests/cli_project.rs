//! Finding the project: book.toml from the current directory upwards (or
//! `-C DIR`), configuration errors with their line, one model alone, and
//! paths relative to the repository's top in a monorepo.

mod common;

use std::path::Path;

use common::{TODAY, TempProject, fixtures};
use predicates::prelude::*;

fn clean() -> String {
    std::fs::read_to_string(fixtures().join("rules/clean.yaml")).expect("fixture")
}

fn dangling() -> String {
    std::fs::read_to_string(fixtures().join("rules/TM102-dangling-reference.yaml"))
        .expect("fixture")
}

fn tm_in(dir: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("tm").expect("tm");
    cmd.current_dir(dir)
        .env("TM_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env(
            "GIT_CEILING_DIRECTORIES",
            dir.ancestors().last().unwrap_or(dir),
        )
        .args(args);
    cmd
}

fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "A")
        .env("GIT_AUTHOR_EMAIL", "a@example.com")
        .env("GIT_COMMITTER_NAME", "A")
        .env("GIT_COMMITTER_EMAIL", "a@example.com")
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

#[test]
fn every_command_finds_book_toml_from_a_subdirectory() {
    let p = TempProject::new();
    p.write("models/shop.yaml", &dangling());
    p.write("src/deep/er/x.txt", "");
    let sub = p.root().join("src/deep/er");
    tm_in(&sub, &["check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("models/refs.yaml").not())
        .stdout(predicate::str::contains("--> models/shop.yaml:21:13"));
    tm_in(&sub, &["queue"]).assert().code(0);
    tm_in(&sub, &["build"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the site was not built"));
}

#[test]
fn dash_c_starts_the_search_elsewhere() {
    let p = TempProject::new();
    p.write("models/shop.yaml", &clean());
    let elsewhere = tempfile::tempdir().unwrap();
    let root = p.root().to_str().unwrap();
    tm_in(elsewhere.path(), &["check", "-C", root])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 errors, 0 warnings"));
    tm_in(
        elsewhere.path(),
        &["queue", "-C", &format!("{root}/models")],
    )
    .assert()
    .code(0);
}

#[test]
fn no_book_toml_anywhere_is_an_error_not_an_empty_success() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("models")).unwrap();
    for cmd in [
        &["check"][..],
        &["build"],
        &["queue"],
        &["diff"],
        &["history", "x"],
    ] {
        tm_in(dir.path(), cmd)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "could not find book.toml in . or any parent directory",
            ))
            .stderr(predicate::str::contains("tm init"));
    }
    tm_in(dir.path(), &["check", "-C", "nowhere"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nowhere"));
}

#[test]
fn a_wrong_type_in_book_toml_names_its_line_and_column() {
    let p = TempProject::new();
    p.write("models/shop.yaml", &clean());
    p.write(
        "book.toml",
        "[book]\ntitle = \"Shop\"\n\n[output.tm]\nexpiry-warning-days = \"thirty\"\n",
    );
    tm_in(p.root(), &["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("book.toml:5:23: invalid type"))
        .stdout(predicate::str::is_empty());
    p.write(
        "book.toml",
        "[output.tm]\nrequired-reviews = \"security\"\n",
    );
    tm_in(p.root(), &["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("book.toml:2:20: invalid type"));
    p.write("book.toml", "[output.tm]\nmodel = \"models\"\n");
    tm_in(p.root(), &["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "book.toml:2:1: unknown field `model`",
        ))
        .stderr(predicate::str::contains("did you mean `models`?"));
    p.write("book.toml", "[output.tm.rules]\nstride-coverag = \"off\"\n");
    tm_in(p.root(), &["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("book.toml:2:1: [output.tm.rules] names an unknown rule `stride-coverag`. did you mean `stride-coverage`?"));
}

#[test]
fn a_source_root_that_does_not_exist_is_an_error_at_its_line() {
    let p = TempProject::new();
    p.write("models/shop.yaml", &clean());
    p.write("src/main.rs", "fn main() {}\n");
    p.write(
        "book.toml",
        "[output.tm]\nsource-roots = [\n  \"src\",\n  \"lib\",\n]\n",
    );
    tm_in(p.root(), &["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "book.toml:4:3: [output.tm] source-roots lists \"lib\", which is not a directory of the project",
        ));
    p.write("lib/x.rs", "\n");
    tm_in(p.root(), &["check"]).assert().code(0);
}

#[test]
fn check_of_one_model_reports_only_that_file() {
    let p = TempProject::new();
    p.write("models/bad.yaml", &dangling());
    p.write("models/shop.yaml", &clean());
    tm_in(p.root(), &["check", "models/shop.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 errors, 0 warnings"));
    let out = tm_in(
        &p.root().join("models"),
        &["check", "bad.yaml", "--format", "json"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(!files.is_empty());
    assert!(files.iter().all(|f| *f == "models/bad.yaml"), "{files:?}");
    tm_in(p.root(), &["check", "book.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not a model file of this project",
        ));
    tm_in(p.root(), &["check", "models/none.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such model file"));
}

#[test]
fn paths_are_relative_to_the_repository_top_in_a_monorepo() {
    let repo = tempfile::tempdir().unwrap();
    git(repo.path(), &["init", "-q"]);
    let svc = repo.path().join("services/pay");
    std::fs::create_dir_all(svc.join("models")).unwrap();
    std::fs::write(svc.join("book.toml"), "").unwrap();
    std::fs::write(svc.join("models/refs.yaml"), dangling()).unwrap();
    let out = tm_in(&svc.join("models"), &["check", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &report["diagnostics"][0];
    assert_eq!(first["file"], "services/pay/models/refs.yaml");
    tm_in(&svc, &["check", "--format", "github"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "::error file=services/pay/models/refs.yaml,line=21,col=13,",
        ));
    tm_in(&svc, &["check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "--> services/pay/models/refs.yaml:21:13",
        ));
}

#[test]
fn diff_and_history_find_the_project_from_a_subdirectory() {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    git(root, &["init", "-q"]);
    std::fs::create_dir_all(root.join("svc/models")).unwrap();
    std::fs::create_dir_all(root.join("svc/src/deep")).unwrap();
    std::fs::write(root.join("svc/src/deep/x.rs"), "\n").unwrap();
    std::fs::write(root.join("svc/book.toml"), "").unwrap();
    let model =
        std::fs::read_to_string(fixtures().join("rules/pass-TM307-mitigated-without-control.yaml"))
            .unwrap();
    std::fs::write(root.join("svc/models/a.yaml"), &model).unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "one"]);
    let weakened = model.replacen(
        "status: mitigated, mitigations: [M-1, M-2]",
        "status: open, mitigations: [M-1, M-2]",
        1,
    );
    assert_ne!(weakened, model);
    std::fs::write(root.join("svc/models/a.yaml"), weakened).unwrap();
    git(root, &["commit", "-q", "-am", "two"]);
    let deep = root.join("svc/src/deep");
    tm_in(&deep, &["diff", "HEAD~1", "HEAD", "--fail-on", "weakened"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("mitigated → open"));
    tm_in(&deep, &["history", "backed"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("mitigated → open"));
}
