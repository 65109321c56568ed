//! `tm init` scaffolds a working project and never overwrites a file.

mod common;

use predicates::prelude::*;

fn tm(dir: &std::path::Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("tm").unwrap();
    cmd.current_dir(dir)
        .env("TM_TODAY", common::TODAY)
        .args(args);
    cmd
}

#[test]
fn init_scaffolds_a_project_that_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    tm(dir.path(), &["init"]).assert().success().stdout(
        predicate::str::contains("created  book.toml")
            .and(predicate::str::contains("created  models/example.yaml")),
    );
    let out = tm(dir.path(), &["check", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["errors"], 0);
    // The example is a draft with a drafted threat: exactly what a new user should see flagged.
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"TM401") && codes.contains(&"TM402"),
        "{codes:?}"
    );
}

#[test]
fn init_keeps_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"mine\"\n").unwrap();
    tm(dir.path(), &["init"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "kept     book.toml (already exists)",
        ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("book.toml")).unwrap(),
        "[book]\ntitle = \"mine\"\n"
    );
    let example = std::fs::read_to_string(dir.path().join("models/example.yaml")).unwrap();
    std::fs::write(dir.path().join("models/example.yaml"), "edited").unwrap();
    tm(dir.path(), &["init"]).assert().success();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("models/example.yaml")).unwrap(),
        "edited"
    );
    assert!(example.contains("# "), "the example model is commented");
}

/// The example names the schema `tm init` writes beside it (editor
/// completion), and `.gitignore` gains the site and its state files once:
/// an existing `.gitignore` keeps its lines, a second run adds nothing.
#[test]
fn init_wires_the_schema_and_ignores_the_site() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitignore"), "target").unwrap();
    tm(dir.path(), &["init"]).assert().success().stdout(
        predicate::str::contains("created  models/tm.schema.json")
            .and(predicate::str::contains("updated  .gitignore")),
    );
    let example = std::fs::read_to_string(dir.path().join("models/example.yaml")).unwrap();
    assert!(example.starts_with("# yaml-language-server: $schema=tm.schema.json\n"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("models/tm.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(schema["title"], "tm threat model");
    let ignore = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
    assert!(ignore.starts_with("target\n#"), "{ignore}");
    assert!(ignore.contains("\n/book/\n/.book.tm-*\n"), "{ignore}");
    tm(dir.path(), &["init"])
        .assert()
        .success()
        .stdout(predicate::str::contains("kept     .gitignore"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        ignore
    );
}
