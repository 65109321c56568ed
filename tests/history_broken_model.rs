//! A model file that stops loading is reported as broken, never as removed
//! (nor its findings as fixed), and as loading again once repaired; findings
//! whose message counts days do not churn; code references read as words.

mod history_support;

use history_support::ScriptedRepo;

/// A model with an error (TM303: implemented without sign-off) and a warning
/// (TM306: acceptance expiring within the default 30 days).
const MODEL: &str = "\
tm: 1
id: pay
title: Payments
status: in-review
risk: high
components:
  - {id: api, name: API, kind: service, code: {paths: ['src/api/**']}}
threats:
  - {id: P-1, target: api, stride: spoofing, title: Card testing, likelihood: high, impact: high, severity: high, status: accepted, acceptance: {by: cfo@example.com, at: 2026-01-01, expires: 2026-01-20, rationale: Rate limits upstream}}
mitigations:
  - {id: PM-1, control: Rate limit, status: implemented}
";

/// The same model with an indentation mistake: a YAML syntax error (TM001).
fn broken(model: &str) -> String {
    model.replace("\nrisk: high\n", "\n    risk: high\n")
}

struct Repo {
    repo: ScriptedRepo,
    commits: Vec<String>,
}

/// C0 the model; C1 renamed and broken in one commit; C2 repaired, with P-1's
/// severity lowered.
fn broken_then_fixed() -> Repo {
    let repo = ScriptedRepo::new();
    repo.write("src/api/pay.rs", "\n");
    repo.write("models/payments-api.yaml", MODEL);
    let mut commits = vec![repo.commit("Model payments", "2026-01-05")];
    repo.git(&["mv", "models/payments-api.yaml", "models/payments.yml"]);
    repo.write("models/payments.yml", &broken(MODEL));
    commits.push(repo.commit("Rename the payments model", "2026-01-06"));
    let fixed = MODEL.replace(
        "severity: high, status: accepted",
        "severity: medium, status: accepted",
    );
    repo.write("models/payments.yml", &fixed);
    commits.push(repo.commit("Fix the indentation", "2026-01-07"));
    Repo { repo, commits }
}

/// Runs tm; returns (exit code, stdout, stderr) with commit ids replaced by `C0`….
fn run(r: &Repo, args: &[&str]) -> (i32, String, String) {
    let out = r.repo.tm().args(args).output().unwrap();
    let redact = |text: Vec<u8>| {
        let mut text = String::from_utf8(text).unwrap();
        for (i, c) in r.commits.iter().enumerate() {
            for len in [40, 12, 7] {
                text = text.replace(&c[..len], &format!("C{i}"));
            }
        }
        text
    };
    (
        out.status.code().unwrap_or(-1),
        redact(out.stdout),
        redact(out.stderr),
    )
}

#[test]
fn a_model_that_no_longer_parses_is_broken_not_removed() {
    let r = broken_then_fixed();
    let (c0, c1) = (r.commits[0].as_str(), r.commits[1].as_str());
    let (code, out, _) = run(&r, &["diff", c0, c1, "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(!out.contains("removed"), "{out}");
    assert!(!out.contains("fixed"), "{out}");
    insta::assert_snapshot!(out);
    let (code, _, err) = run(&r, &["diff", c0, c1, "--fail-on", "new-errors"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("policy new-errors: pay: model pay no longer loads: models/payments.yml has 1 error (TM001"),
        "{err}"
    );
    // The JSON names the broken model once, as a new error.
    let (_, json, _) = run(&r, &["diff", c0, c1, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let models = doc["diff"]["models"].as_array().unwrap();
    assert_eq!(models.len(), 1, "{json}");
    assert_eq!(models[0]["changes"][0]["change"], "model-unreadable");
    assert_eq!(doc["diff"]["summary"]["models_removed"], 0);
    assert_eq!(doc["diff"]["summary"]["models_broken"], 1);
}

#[test]
fn a_repaired_model_loads_again_without_re_adding_its_content() {
    let r = broken_then_fixed();
    let (c1, c2) = (r.commits[1].as_str(), r.commits[2].as_str());
    let (code, out, _) = run(&r, &["diff", c1, c2]);
    assert_eq!(code, 0);
    assert!(!out.contains("added"), "{out}");
    assert!(out.contains("loads again"), "{out}");
}

#[test]
fn history_shows_the_break_and_the_repair() {
    let r = broken_then_fixed();
    let (code, out, _) = run(&r, &["history", "pay"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn history_of_a_model_broken_at_head_and_repaired_in_the_working_tree() {
    let r = broken_then_fixed();
    r.repo.write("models/payments.yml", &broken(MODEL));
    let head = r.repo.commit("Break it again", "2026-01-08");
    // Nothing uncommitted yet: no working-tree entry.
    let (_, out, _) = run(&r, &["history", "pay"]);
    assert!(!out.contains("uncommitted"), "{out}");
    r.repo.write("models/payments.yml", MODEL);
    let (_, out, _) = run(&r, &["history", "pay"]);
    let top: Vec<&str> = out.lines().skip(2).take_while(|l| !l.is_empty()).collect();
    assert_eq!(
        top,
        [
            "uncommitted changes in the working tree",
            "  · model pay loads again (models/payments.yml)",
            "  · threat P-1 “Card testing”: severity medium → high",
        ],
        "{out}\n(head {head})"
    );
}

#[test]
fn day_counts_in_finding_messages_do_not_churn() {
    let repo = ScriptedRepo::new();
    repo.write("src/api/pay.rs", "\n");
    repo.write("models/pay.yaml", MODEL);
    let c0 = repo.commit("Model payments", "2026-01-05");
    repo.git(&["mv", "models/pay.yaml", "models/payments.yaml"]);
    let c1 = repo.commit("Rename", "2026-01-06");
    let out = repo.tm().args(["diff", &c0, &c1]).output().unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(
        lines,
        [
            "",
            "pay — Payments (models/payments.yaml)",
            "  · file moved models/pay.yaml → models/payments.yaml",
        ],
        "{out}"
    );
}

#[test]
fn code_references_are_described_in_words() {
    let repo = ScriptedRepo::new();
    repo.write("models/pay.yaml", MODEL);
    let c0 = repo.commit("Model payments", "2026-01-05");
    repo.write(
        "models/pay.yaml",
        &MODEL.replace(
            "code: {paths: ['src/api/**']}",
            "code: {paths: ['src/pay/**'], symbols: ['crate::pay::charge']}",
        ),
    );
    let c1 = repo.commit("Move the code", "2026-01-05");
    let out = repo
        .tm()
        .args(["diff", &c0, &c1, "--format", "markdown"])
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.contains(
            "component `api`: code paths +`src/pay/**` −`src/api/**`; symbols +`crate::pay::charge`\n"
        ),
        "{out}"
    );
    assert!(!out.contains('{'), "{out}");
}

#[test]
fn a_closed_pipe_is_not_a_panic() {
    let r = broken_then_fixed();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("tm"))
        .current_dir(r.repo.path())
        .args(["diff", &r.commits[0], &r.commits[2], "--format", "json"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}
