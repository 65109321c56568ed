//! TM309 changed-since-review: an approved model whose threat-model content
//! changed after the commit its last approved review names. Needs git, so
//! the test builds its repository.

mod common;

use std::path::Path;

use common::TempProject;

fn git(dir: &Path, args: &[&str]) -> String {
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
    String::from_utf8(out.stdout).expect("utf-8")
}

fn commit(p: &TempProject, message: &str) -> String {
    git(p.root(), &["add", "-A"]);
    git(p.root(), &["commit", "-q", "-m", message]);
    git(p.root(), &["rev-parse", "HEAD"]).trim().to_owned()
}

fn model(severity: &str, review_commit: Option<&str>) -> String {
    let mut s = format!(
        "tm: 1
id: api
title: API
status: approved
risk: low
components:
  - {{id: api, name: API, kind: service}}
threats:
  - {{id: T-1, target: api, stride: spoofing, title: x, likelihood: low, impact: low, severity: {severity}, status: open}}
"
    );
    if let Some(c) = review_commit {
        s.push_str(&format!(
            "reviews:\n  - kind: security\n    by: sec@example.com\n    at: 2026-11-01\n    commit: {c}\n    outcome: approved\n"
        ));
    }
    s
}

/// (code, line, message) of every TM309 finding.
fn drift(p: &TempProject) -> Vec<(String, u64, String)> {
    let (_, report) = p.check_json(&[]);
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "TM309")
        .map(|d| {
            assert_eq!(d["file"], "models/api.yaml");
            assert_eq!(d["severity"], "warning");
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn an_approved_model_changed_after_its_review_is_reported() {
    let p = TempProject::new();
    git(p.root(), &["init", "-q"]);
    p.write("models/api.yaml", &model("low", None));
    let reviewed = commit(&p, "model");
    // Recording the review changes the file, but not what was reviewed.
    p.write("models/api.yaml", &model("low", Some(&reviewed)));
    commit(&p, "record the review");
    assert_eq!(drift(&p), []);
    // Reformatting is no change either.
    let text = model("low", Some(&reviewed)).replace("title: API", "title: \"API\"  # reworded");
    p.write("models/api.yaml", &text);
    assert_eq!(drift(&p), []);
    // A content change after the reviewed commit is, committed or not.
    p.write("models/api.yaml", &model("medium", Some(&reviewed)));
    let short: String = reviewed.chars().take(12).collect();
    let want = vec![(
        "TM309".to_owned(),
        14,
        format!(
            "model `api` is approved, but its threat-model content changed since the commit its last approved review names ({short})"
        ),
    )];
    assert_eq!(drift(&p), want);
    commit(&p, "raise T-1");
    assert_eq!(drift(&p), want);
}

#[test]
fn an_unknown_review_commit_or_no_git_is_not_judged() {
    let p = TempProject::new();
    p.write("models/api.yaml", &model("low", Some("0123abc")));
    assert_eq!(drift(&p), [], "outside git");
    git(p.root(), &["init", "-q"]);
    commit(&p, "model");
    assert_eq!(drift(&p), [], "a commit git does not know");
}
