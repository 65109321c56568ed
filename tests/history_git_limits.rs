//! History at the edges: a shallow clone (history cut off, with a note) and a
//! directory that is not a git repository (no history, with a note, no error).

mod history_support;

use history_support::{ScriptedRepo, git_in, tm_in};

const MODEL: &str = "\
tm: 1
id: api
title: API
status: in-review
risk: low
components:
  - {id: api, name: API, kind: service, code: {paths: ['src/**']}}
threats:
  - {id: A-1, target: api, stride: spoofing, title: Stolen token, likelihood: high, impact: high, severity: critical, status: open}
  - {id: A-2, target: api, stride: tampering, title: Forged body, likelihood: low, impact: low, severity: low, status: open, drafted: true}
";

fn three_commits() -> ScriptedRepo {
    let repo = ScriptedRepo::new();
    repo.write("src/lib.rs", "\n");
    repo.write("models/api.yaml", MODEL);
    repo.commit("Model the API", "2026-03-01");
    repo.write(
        "models/api.yaml",
        &MODEL.replace("severity: low", "severity: medium"),
    );
    repo.commit("Raise A-2", "2026-03-02");
    repo.write(
        "models/api.yaml",
        &MODEL.replace("severity: low", "severity: high"),
    );
    repo.commit("Raise A-2 again", "2026-03-03");
    repo
}

#[test]
fn shallow_clone_says_how_far_history_reaches() {
    let origin = three_commits();
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git_in(
        clones.path(),
        &["clone", "-q", "--depth", "2", &url, "c"],
        "2026-03-04T00:00:00+00:00",
    );
    let clone = clones.path().join("c");
    let out = tm_in(&clone).args(["history", "api"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("note: shallow clone: history reaches back to ")
            && stderr.contains("(2026-03-02)"),
        "{stderr}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(
        lines,
        [
            "  · threat A-2 “Forged body”: severity medium → high",
            "  · history starts here (shallow clone)",
        ]
    );
}

#[test]
fn not_a_git_repository_is_a_note_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), "").unwrap();
    std::fs::create_dir(dir.path().join("models")).unwrap();
    std::fs::write(dir.path().join("models/api.yaml"), MODEL).unwrap();
    let out = tm_in(dir.path()).args(["history", "api"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "note: not a git repository: the site and reports have no change history\n"
    );
    let out = tm_in(dir.path())
        .args(["queue", "--today", "2026-03-05"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Review queue: 3 items
note: not a git repository: changes to covered code since the last review are not checked

api (models/api.yaml)
  - open critical threat A-1 “Stolen token” has no mitigation
  - drafted threat A-2 “Forged body” awaits review
  - the model has never been reviewed
"
    );
    let out = tm_in(dir.path()).args(["diff"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("is not in a git repository")
    );
}

#[test]
fn queue_severity_threshold_is_configurable() {
    let repo = three_commits();
    let out = repo
        .tm()
        .args([
            "queue",
            "--severity",
            "high",
            "--format",
            "json",
            "--today",
            "2026-03-05",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reasons: Vec<&str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["reason"].as_str().unwrap())
        .collect();
    // A-2 is high now, open, unmitigated; A-1 critical.
    assert_eq!(
        reasons,
        [
            "unmitigated-threat",
            "unmitigated-threat",
            "drafted-threat",
            "no-review"
        ]
    );
    let out = repo
        .tm()
        .args([
            "queue",
            "--severity",
            "critical",
            "--format",
            "json",
            "--today",
            "2026-03-05",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["items"].as_array().unwrap().len(), 3);
}
