//! The scripted story of one model: threats added, mitigation statuses moved,
//! a risk accepted, the file renamed, reformatted, reviewed, and covered code
//! changed after the review. Asserts exact `tm history`, `tm diff` and `tm queue` output.

mod history_support;

use history_support::ScriptedRepo;

const V1: &str = "\
tm: 1
id: shop
title: Shop
status: in-review
risk: low
components:
  - {id: web, name: Web front, kind: service, code: {paths: ['src/web/**']}}
  - {id: db, name: Orders DB, kind: datastore, code: {paths: ['src/db/**']}}
threats:
  - {id: T-1, target: web, stride: spoofing, title: Session hijack, likelihood: medium, impact: high, severity: high, status: open}
mitigations:
  - {id: M-1, control: Rotate session ids, status: proposed}
";

struct Story {
    repo: ScriptedRepo,
    commits: Vec<String>,
}

fn story() -> Story {
    let repo = ScriptedRepo::new();
    let mut commits = Vec::new();
    repo.write("src/web/app.rs", "fn main() {}\n");
    repo.write("src/db/schema.rs", "// schema\n");
    repo.write("models/shop.yaml", V1);
    commits.push(repo.commit("Model the shop", "2026-01-05"));

    let v2 = V1.to_owned() + "  - {id: M-2, control: Parameterised queries, status: proposed}\n";
    let v2 = v2.replace(
        "mitigations:\n",
        "  - {id: T-2, target: db, stride: tampering, title: SQL injection, likelihood: high, impact: high, severity: critical, status: open, mitigations: [M-2]}\n  - {id: T-3, target: db, stride: information-disclosure, title: Backup leak, likelihood: low, impact: medium, severity: medium, status: open, drafted: true}\nmitigations:\n",
    );
    repo.write("models/shop.yaml", &v2);
    commits.push(repo.commit("Add database threats", "2026-01-10"));

    let v3 = v2
        .replace("status: open}\n  - {id: T-2", "status: mitigated, mitigations: [M-1]}\n  - {id: T-2")
        .replace(
            "{id: M-1, control: Rotate session ids, status: proposed}",
            "{id: M-1, control: Rotate session ids, status: implemented, signoff: {by: sec@example.com, at: 2026-01-14}}",
        );
    repo.write("models/shop.yaml", &v3);
    commits.push(repo.commit("Session rotation shipped", "2026-01-15"));

    let v4 = v3.replace(
        "severity: medium, status: open, drafted: true}",
        "severity: medium, status: accepted, acceptance: {by: cfo@example.com, at: 2026-01-20, expires: 2026-03-01, rationale: Backups are encrypted at rest}}",
    );
    repo.write("models/shop.yaml", &v4);
    commits.push(repo.commit("Accept backup risk", "2026-01-20"));

    repo.git(&["mv", "models/shop.yaml", "models/store.yaml"]);
    commits.push(repo.commit("Rename model file", "2026-01-22"));

    // Same content, different layout: block style, keys and entries reordered.
    let reformatted = reformat(&v4);
    repo.write("models/store.yaml", &reformatted);
    commits.push(repo.commit("Reformat model", "2026-01-25"));

    let reviewed = format!(
        "{reformatted}reviews:\n  - kind: security\n    by: sec@example.com\n    at: 2026-01-28\n    commit: {}\n    outcome: approved\n",
        &commits[5][..12]
    );
    repo.write("models/store.yaml", &reviewed);
    commits.push(repo.commit("Security review", "2026-01-28"));

    repo.write("src/web/app.rs", "fn main() { serve(); }\n");
    commits.push(repo.commit("Serve requests", "2026-02-02"));
    Story { repo, commits }
}

/// The same model in block style with sections and keys in another order.
fn reformat(v: &str) -> String {
    let model: serde_json::Value = serde_saphyr_value(v);
    let m = model.as_object().unwrap();
    let mut out = String::from("tm: 1\nid: shop\ntitle: Shop\nrisk: low\nstatus: in-review\n");
    for section in ["mitigations", "threats", "components"] {
        out.push_str(&format!("{section}:\n"));
        let mut items = m[section].as_array().unwrap().clone();
        items.reverse();
        for item in items {
            let mut first = true;
            for (k, val) in item.as_object().unwrap().iter().rev() {
                let lead = if first { "  - " } else { "    " };
                first = false;
                out.push_str(&format!(
                    "{lead}{k}: {}\n",
                    serde_json::to_string(val).unwrap()
                ));
            }
        }
    }
    out
}

fn serde_saphyr_value(v: &str) -> serde_json::Value {
    // Load through tm itself, then back to JSON: the test needs no YAML crate.
    let (_, (loaded, diags)) =
        tm::load::load_model_text(std::path::Path::new("m.yaml"), v.as_bytes().to_vec());
    assert!(diags.is_empty(), "{diags:?}");
    serde_json::to_value(loaded.unwrap().model).unwrap()
}

/// Runs tm and returns (exit code, stdout, stderr) with commit ids replaced by `C0`…`C7`.
fn run(s: &Story, args: &[&str]) -> (i32, String, String) {
    let out = s.repo.tm().args(args).output().unwrap();
    let redact = |text: Vec<u8>| {
        let mut text = String::from_utf8(text).unwrap();
        for (i, c) in s.commits.iter().enumerate() {
            for len in [40, 12, 7] {
                text = text.replace(&c[..len], &format!("C{i}"));
            }
        }
        text
    };
    (
        out.status.code().unwrap(),
        redact(out.stdout),
        redact(out.stderr),
    )
}

#[test]
fn history_lists_every_commit_following_the_rename() {
    let s = story();
    let (code, out, _) = run(&s, &["history", "shop"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
    // The same history is found by its current file path.
    let (_, by_file, _) = run(&s, &["history", "models/store.yaml"]);
    assert_eq!(by_file, out);
}

#[test]
fn each_threat_has_a_timeline() {
    let s = story();
    let (_, out, _) = run(&s, &["history", "shop", "--threats"]);
    insta::assert_snapshot!(out);
}

#[test]
fn markdown_diff_calls_out_the_accepted_risk_first() {
    let s = story();
    let (code, out, _) = run(
        &s,
        &["diff", &s.commits[0], &s.commits[4], "--format", "markdown"],
    );
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn reformatting_is_no_change() {
    let s = story();
    let (code, out, _) = run(&s, &["diff", &s.commits[4], &s.commits[5]]);
    assert_eq!(code, 0);
    assert_eq!(out, "C4 → C5: no change in threat-model terms\n");
}

#[test]
fn accepting_a_risk_without_stakeholder_review_fails_the_policy() {
    let s = story();
    let args = [
        "diff",
        &s.commits[2],
        &s.commits[3],
        "--fail-on",
        "accepted-without-stakeholder-review",
    ];
    let (code, _, err) = run(&s, &args);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "policy accepted-without-stakeholder-review: shop: risk accepted on T-3 “Backup leak” (was open) by cfo@example.com on 2026-01-20, expires 2026-03-01\n"
    );
    // Mitigation progress alone breaks no policy.
    let (code, _, _) = run(
        &s,
        &[
            "diff",
            &s.commits[1],
            &s.commits[2],
            "--fail-on",
            "weakened,new-errors",
        ],
    );
    assert_eq!(code, 0);
}

#[test]
fn working_tree_changes_against_the_default_branch_are_weakenings() {
    let s = story();
    let text = std::fs::read_to_string(s.repo.path().join("models/store.yaml")).unwrap();
    let weakened = text
        .replace("status: \"implemented\"", "status: \"in-progress\"")
        .replace("status: \"mitigated\"", "status: \"open\"");
    assert_ne!(weakened, text, "the fixture must change");
    s.repo.write("models/store.yaml", &weakened);
    let (code, out, err) = run(
        &s,
        &[
            "diff",
            "--fail-on",
            "weakened",
            "--format",
            "json",
            "--today",
            "2026-02-10",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["diff"]["base"]["short"], "C7");
    assert_eq!(doc["diff"]["head"]["kind"], "working-tree");
    assert_eq!(doc["diff"]["summary"]["weakened"], 2);
    let changes = &doc["diff"]["models"][0]["changes"];
    assert_eq!(changes[0]["change"], "threat-status-changed");
    assert_eq!(changes[0]["from"], "mitigated");
    assert_eq!(changes[1]["change"], "mitigation-status-changed");
    assert_eq!(doc["policy_violations"].as_array().unwrap().len(), 2);
    // The history shows the same as an uncommitted entry on top.
    let (_, hist, _) = run(&s, &["history", "shop"]);
    assert!(hist.contains("uncommitted changes in the working tree\n  · threat T-1 “Session hijack”: mitigated → open\n"), "{hist}");
}

#[test]
fn queue_lists_code_changed_after_review_and_expiring_acceptance() {
    let s = story();
    let (code, out, _) = run(&s, &["queue", "--today", "2026-02-15"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
    let (_, json, _) = run(&s, &["queue", "--today", "2026-02-15", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["items"][0]["reason"], "code-changed");
    assert_eq!(doc["items"][0]["files"][0], "src/web/app.rs");
    // An uncommitted change to covered code is listed too; uncovered code is not.
    s.repo.write("src/db/schema.rs", "// schema v2\n");
    s.repo.write("README.md", "hello\n");
    let (_, md, _) = run(
        &s,
        &["queue", "--today", "2026-03-02", "--format", "markdown"],
    );
    insta::assert_snapshot!("queue_markdown_with_uncommitted", md);
}
