//! `tm draft` as a user runs it: the library listing, project libraries and
//! switches, the draft's depth, and `--write` keeping every original line.

mod common;

use common::TempProject;
use predicates::prelude::*;

/// The payment example with its threats and mitigations removed.
fn payments_without_threats() -> String {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/payments-api.yaml"),
    )
    .expect("payments example");
    let mut out = String::new();
    let mut skipping = false;
    for line in text.split_inclusive('\n') {
        let top = line.starts_with(|c: char| c.is_ascii_alphabetic());
        if top {
            skipping = line.starts_with("threats:") || line.starts_with("mitigations:");
        }
        if !skipping {
            out.push_str(line);
        }
    }
    // A model under review, so the approval rules do not judge the draft.
    out.replace("status: approved", "status: in-review")
}

/// Every line of `old` appears in `new`, in order.
fn lines_kept_in_order(old: &str, new: &str) -> bool {
    let mut new_lines = new.lines();
    old.lines().all(|l| new_lines.any(|n| n == l))
}

fn codes(p: &TempProject) -> Vec<String> {
    let (_, report) = p.check_json(&[]);
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn payments_draft_closes_every_coverage_gap_and_keeps_every_line() {
    let p = TempProject::new();
    let original = payments_without_threats();
    let file = p.write("models/payments-api.yaml", &original);
    assert!(
        codes(&p).iter().any(|c| c == "TM201"),
        "the stripped example has gaps"
    );

    let out = p
        .tm(&["draft", "--write"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(
        diff.starts_with("--- a/models/payments-api.yaml\n+++ b/models/payments-api.yaml\n"),
        "{diff}"
    );
    assert!(diff.contains("\n+  - id: payments-api-TL-"), "{diff}");

    let written = std::fs::read_to_string(&file).unwrap();
    assert!(lines_kept_in_order(&original, &written));
    assert!(
        written.starts_with(&original),
        "only appended at the end here"
    );
    let found = codes(&p);
    assert!(!found.iter().any(|c| c == "TM201"), "{found:?}");

    // Every added threat is drafted and names its library entry.
    let model: serde_json::Value = {
        let (_, r) = p.check_json(&[]);
        r
    };
    let _ = model;
    let drafted = written.matches("    drafted: true").count();
    let threats = written.matches("\n  - id: payments-api-TL-").count()
        + written.matches("\n  - id: checkout").count();
    assert!(drafted >= threats && threats > 0, "{drafted} {threats}");

    // A second run adds nothing.
    p.tm(&["draft", "--write"]).assert().code(0);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
    p.tm(&["draft"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("nothing to draft"));
}

const SMALL: &str = "tm: 1\r\nid: shop\r\ntitle: Shop\r\nstatus: draft\r\nrisk: high\r\nzones: [web, core]\r\ncomponents:\r\n    # the API, indented by four\r\n    - id: api\r\n      name: \"API: the 'main' #1 \\\"svc\\\"\"\r\n      kind: service\r\n      zone: core\r\n    - id: browser\r\n      name: Browser\r\n      kind: client\r\n      zone: web\r\nflows:\r\n    - id: browse\r\n      from: browser\r\n      to: api\r\n      protocol: HTTP\r\nthreats: [] # none yet";

#[test]
fn write_handles_crlf_empty_flow_lists_no_final_newline_and_awkward_names() {
    let p = TempProject::new();
    let file = p.write("models/shop.yaml", SMALL);
    p.tm(&["draft", "--write"]).assert().code(0);
    let written = std::fs::read_to_string(&file).unwrap();
    let kept: Vec<&str> = SMALL
        .lines()
        .filter(|l| !l.starts_with("threats:"))
        .collect();
    assert!(lines_kept_in_order(
        &kept.join("\n"),
        &written.replace("\r\n", "\n")
    ));
    assert!(
        written.contains("threats: # none yet\r\n    - id: api-TL-"),
        "{written}"
    );
    assert!(!written.replace("\r\n", "").contains('\n'), "stays CRLF");
    assert!(
        written.contains("API: the 'main' #1 \\\"svc\\\""),
        "names are quoted"
    );
    // It loads, and has no coverage gap.
    let found = codes(&p);
    assert!(
        !found.iter().any(|c| c.starts_with("TM0") || c == "TM201"),
        "{found:?}"
    );
    // Unauthenticated, unencrypted HTTP across the boundary fires the specific entries.
    assert!(written.contains("library: TL-S-006"), "{written}");
    assert!(written.contains("library: TL-T-011"), "{written}");
}

#[test]
fn print_shows_fired_by_and_changes_nothing() {
    let p = TempProject::new();
    let file = p.write("models/shop.yaml", SMALL);
    p.tm(&["draft", "--component", "browse"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "# fired by: TL-S-006 (flow); crosses a trust boundary; not authenticated",
        ))
        .stdout(predicate::str::contains("target: browse"))
        .stdout(predicate::str::contains("target: api").not());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), SMALL);
    p.tm(&["draft", "--component", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`nope`"));
    // A model named by its id, and a misspelt id answered with the near one.
    p.tm(&["draft", "shop", "--component", "browse"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("target: browse"));
    p.tm(&["draft", "shpo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `shop`?"));
}

#[test]
fn library_lists_entries_as_text_and_json() {
    let p = TempProject::new();
    p.tm(&["draft", "--library"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("TL-S-001"));
    let out = p
        .tm(&["draft", "--library", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().len() >= 80);
}

const PROJECT_ENTRY: &str = "# our own\n- id: ACME-1\n  stride: [spoofing]\n  applies-to: [service]\n  title: \"Partner tokens of {name} are not bound to the partner\"\n  description: d\n  likelihood: low\n  impact: high\n  severity: high\n  mitigation:\n    control: \"Bind tokens of {name}\"\n    effort: S\n    ops: low\n    residual: low\n";

#[test]
fn a_project_library_adds_entries_and_switches_built_ins_off() {
    let p = TempProject::new();
    p.write("models/shop.yaml", SMALL);
    let before = String::from_utf8(
        p.tm(&["draft"])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone(),
    )
    .unwrap();
    assert!(before.contains("library: TL-S-010"));
    assert!(!before.contains("ACME-1"));
    p.write("lib/acme.yaml", PROJECT_ENTRY);
    p.write(
        "book.toml",
        "[output.tm]\ndraft-library = [\"lib/*.yaml\"]\ndraft-disable = [\"TL-S-010\", \"TL-S-0001\"]\n",
    );
    let out = p.tm(&["draft"]).assert().code(0).get_output().clone();
    let after = String::from_utf8(out.stdout).unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(after.contains("library: ACME-1"), "{after}");
    assert!(
        after.contains("Partner tokens of API: the 'main' #1 \\\"svc\\\""),
        "{after}"
    );
    assert!(!after.contains("library: TL-S-010"), "{after}");
    assert!(
        err.contains("`TL-S-0001`") && err.contains("TL-S-001"),
        "{err}"
    );
}

#[test]
fn a_broken_project_library_is_reported_with_its_position() {
    let p = TempProject::new();
    p.write("models/shop.yaml", SMALL);
    p.write(
        "lib/acme.yaml",
        &PROJECT_ENTRY.replace("tokens of {name}", "tokens of {nmae}"),
    );
    p.write(
        "book.toml",
        "[output.tm]\ndraft-library = [\"lib/*.yaml\"]\n",
    );
    p.tm(&["draft"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "lib/acme.yaml:5:10: unknown placeholder `{nmae}`",
        ));
    p.write(
        "book.toml",
        "[output.tm]\ndraft-library = [\"../*.yaml\"]\n",
    );
    p.tm(&["draft"]).assert().code(2).stderr(
        predicate::str::contains("book.toml:2:19")
            .and(predicate::str::contains("outside the project")),
    );
    p.write(
        "book.toml",
        "[output.tm]\ndraft-library = [\"lib/none-*.yaml\"]\n",
    );
    p.tm(&["draft"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("matches no file"));
}

#[test]
fn low_risk_drafts_only_severe_entries() {
    let p = TempProject::new();
    p.write(
        "models/shop.yaml",
        &SMALL.replace("risk: high", "risk: low"),
    );
    let out = String::from_utf8(
        p.tm(&["draft"])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone(),
    )
    .unwrap();
    assert!(
        !out.contains("severity: low") && !out.contains("severity: medium"),
        "{out}"
    );
    assert!(
        out.contains("severity: high") || out.contains("severity: critical"),
        "{out}"
    );
}

#[test]
fn interactive_walk_accepts_rates_rejects_and_answers_from_scripted_input() {
    let p = TempProject::new();
    let code = "use std::process::Command;\npub fn run(arg: &str) {\n    Command::new(\"convert\").arg(arg).status().unwrap();\n}\n";
    p.write("src/lib.rs", code);
    let file = p.write(
        "models/shop.yaml",
        &SMALL.replace("risk: high", "risk: medium"),
    );
    // Medium risk: the walk shows a few candidates; answer the first with
    // accept, the second with a new severity, the third with a rejection,
    // then quit.
    let out = p
        .tm(&["draft", "--interactive"])
        .write_stdin("a\ns critical\nr the browser is the user's own\nq\n")
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("[a]ccept"), "{stdout}");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("drafted: true"), "{written}");
    assert!(written.contains("severity: critical"), "{written}");
    assert!(
        written.contains("not-applicable:")
            && written.contains("reason: the browser is the user's own")
            || written.contains("reason: \"the browser is the user's own\""),
        "{written}"
    );
    let found = codes(&p);
    assert!(!found.iter().any(|c| c.starts_with("TM0")), "{found:?}");
    // End of input is a quit, not an error.
    p.tm(&["draft", "--interactive"])
        .write_stdin("")
        .assert()
        .code(0);
}
