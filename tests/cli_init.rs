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
