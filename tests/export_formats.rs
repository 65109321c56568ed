//! `tm export`: every format run through the real binary on a project with
//! hostile text — deterministic bytes, escaping, schema, SARIF parity, and
//! the errors (unknown model, output leaving the project).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::TempProject;

/// A model whose text tries every output's syntax: Markdown tables and
/// HTML, Mermaid labels, spreadsheet formulas, mentions.
const SHOP: &str = r#"tm: 1
id: shop
title: "Shop | <script>alert(1)</script>"
status: in-review
risk: high
owners: ["@everyone"]
zones: [internet, dmz]
components:
  - { id: web, name: "Browser \"x\" [1] #2 <b>", kind: client, zone: internet }
  - { id: api, name: API, kind: service, zone: dmz }
  - { id: db, name: DB, kind: datastore, zone: dmz }
flows:
  - { id: f-in, from: web, to: api, protocol: HTTPS }
  - { id: f-db, from: api, to: db }
  - { id: f-pay, from: api, to: billing/ledger }
threats:
  - id: T-1
    target: api
    stride: [spoofing, tampering]
    title: "=HYPERLINK(\"http://evil\") | pipe"
    likelihood: high
    impact: high
    severity: critical
    status: open
    mitigations: [M-1]
  - id: T-2
    target: f-in
    stride: information-disclosure
    title: "-2+3 leak\nsecond line"
    likelihood: low
    impact: high
    severity: high
    status: open
    drafted: true
    library: TL-I-001
  - id: T-3
    target: db
    stride: tampering
    title: "@admin tampers"
    likelihood: low
    impact: low
    severity: low
    status: accepted
    acceptance: { by: "Ann", at: 2026-10-01, expires: 2027-01-01, rationale: "low value | ok" }
mitigations:
  - { id: M-1, control: "Sign <requests> with `HMAC`", status: proposed, tracking: SHOP-7, residual: low, cost: { effort: M, latency: "+2 ms" } }
  - { id: M-2, control: "Done already", status: verified, signoff: { by: Sec, at: 2026-09-01 } }
reviews:
  - { kind: security, by: "Bob", at: 2026-10-02, outcome: changes-requested, notes: "see | notes" }
questions:
  - { id: Q-1, about: api, text: "Is the <input> validated?", code: "src/api.rs:12" }
"#;

const BILLING: &str = "tm: 1\nid: billing\ntitle: Billing\nstatus: draft\nrisk: low\ncomponents:\n  - { id: ledger, name: Ledger, kind: datastore }\n";

fn project() -> TempProject {
    let p = TempProject::new();
    p.write("models/shop.yaml", SHOP);
    p.write("models/billing.yaml", BILLING);
    p
}

/// Runs tm and returns (exit code, stdout, stderr).
fn run(p: &TempProject, args: &[&str]) -> (i32, String, String) {
    let out = p.tm(args).output().expect("run tm");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(p: &TempProject, args: &[&str]) -> String {
    let (code, out, err) = run(p, args);
    assert_eq!(code, 0, "tm {args:?}: {err}");
    out
}

#[test]
fn every_format_is_deterministic() {
    let p = project();
    for format in ["markdown", "issues", "json", "csv", "sarif"] {
        let model: &[&str] = if format == "markdown" { &["shop"] } else { &[] };
        let mut args = vec!["export", format];
        args.extend_from_slice(model);
        assert_eq!(
            ok(&p, &args),
            ok(&p, &args),
            "{format} differs between runs"
        );
    }
}

#[test]
fn markdown_report_has_every_item_escaped_and_a_mermaid_diagram() {
    let p = project();
    let md = ok(&p, &["export", "markdown", "shop"]);
    for id in ["T-1", "T-2", "T-3", "M-1", "M-2", "Q-1"] {
        assert!(md.contains(&format!("`{id}`")), "{id} missing:\n{md}");
    }
    assert!(md.contains("```mermaid\nflowchart LR\n"), "{md}");
    assert!(md.contains("subgraph z0[\"internet\"]"), "{md}");
    assert!(
        md.contains("==>|\"⚠ crosses boundary: f-in"),
        "crossing flow: {md}"
    );
    assert!(
        md.contains("==>|\"⚠ crosses boundary: f-pay\"| x0"),
        "cross-model flow: {md}"
    );
    assert!(md.contains("-->|\"f-db\"|"), "inside flow: {md}");
    assert!(
        !md.contains("<script>") && !md.contains("<b>"),
        "raw HTML: {md}"
    );
    assert!(!md.contains("\n@"), "{md}");
    // The accepted risk with its expiry, the drafted threat marked.
    assert!(
        md.contains(
            "| `T-3` | @\u{2060}admin tampers | Ann | 2026-10-01 | 2027-01-01 | low value \\| ok |"
        ),
        "{md}"
    );
    assert!(md.contains("**drafted** from `TL-I-001`"), "{md}");
    // Every table row has the header's number of cells.
    let mut columns = 0;
    for line in md.lines() {
        if !line.starts_with('|') {
            columns = 0;
            continue;
        }
        let cells = line.replace("\\|", "").matches('|').count();
        if columns == 0 {
            columns = cells;
        }
        assert_eq!(cells, columns, "ragged row {line:?}");
    }
    assert!(
        md.contains("not a git repository"),
        "history says why it is missing: {md}"
    );
}

#[test]
fn markdown_writes_one_report_per_model_into_a_directory() {
    let p = project();
    let (code, _, err) = run(&p, &["export", "markdown"]);
    assert_eq!(code, 2, "two models to stdout: {err}");
    assert!(err.contains("-o DIR"), "{err}");
    ok(&p, &["export", "markdown", "-o", "out/reports"]);
    let dir = p.root().join("out/reports");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["billing.md", "shop.md"]);
    let shop = std::fs::read_to_string(dir.join("shop.md")).expect("shop.md");
    assert_eq!(shop, ok(&p, &["export", "markdown", "shop"]));
}

#[test]
fn an_unknown_model_is_exit_2_with_a_suggestion() {
    let p = project();
    let (code, _, err) = run(&p, &["export", "csv", "shpo"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `shop`?"), "{err}");
}

#[test]
fn csv_has_one_row_per_threat_and_no_formula_cell() {
    let p = project();
    let csv = ok(&p, &["export", "csv"]);
    assert!(csv.ends_with("\r\n"));
    let header = csv.lines().next().expect("header");
    assert!(
        header.starts_with("model,threat,target,target kind,stride,title,"),
        "{header}"
    );
    // The quoted multi-line title spans two physical lines: count records.
    assert_eq!(csv.matches("\r\n").count(), 1 + 3, "{csv}");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil\"\") | pipe\""),
        "{csv}"
    );
    assert!(csv.contains(",\"'-2+3 leak\nsecond line\","), "{csv}");
    assert!(csv.contains(",'@admin tampers,"), "{csv}");
    assert!(
        csv.contains("shop,T-1,api,component,spoofing tampering,"),
        "{csv}"
    );
    assert!(csv.contains("shop,T-2,f-in,flow,"), "{csv}");
    for field in csv.split([',', '\n']) {
        let cell = field.trim_start_matches('"').trim_start_matches(' ');
        assert!(
            !cell.starts_with(['=', '+', '-', '@']),
            "formula cell {field:?}"
        );
    }
}

#[test]
fn json_validates_against_the_published_schema() {
    let p = project();
    let doc: serde_json::Value = serde_json::from_str(&ok(&p, &["export", "json"])).expect("json");
    let schema: serde_json::Value =
        serde_json::from_str(&ok(&p, &["schema", "--export"])).expect("schema");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(doc["format"], "tm-export");
    assert_eq!(doc["version"], 1);
    let ids: Vec<&str> = doc["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["billing", "shop"], "sorted by id");
    assert_eq!(doc["questions"][0]["id"], "Q-1");
    assert_eq!(doc["questions"][0]["open"], true);
    let shop = &doc["models"][1];
    let f_pay = shop["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["element"] == "f-pay")
        .expect("f-pay");
    assert_eq!(f_pay["crosses-boundary"], true);
    // A broken document fails the schema: the test can fail.
    let mut broken = doc.clone();
    broken["format"] = "other".into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_is_byte_for_byte_what_check_prints() {
    let p = project();
    let (_, check, _) = run(&p, &["check", "--format", "sarif"]);
    let export = ok(&p, &["export", "sarif"]);
    assert!(export.contains("\"version\": \"2.1.0\""), "{export}");
    assert_eq!(export, check);
}

#[test]
fn output_inside_the_project_may_not_leave_it_through_a_link() {
    let p = project();
    let outside = tempfile::tempdir().expect("tmp");
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path(), p.root().join("out")).expect("link");
    let (code, _, err) = run(&p, &["export", "json", "-o", "out/doc.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(!outside.path().join("doc.json").exists());
    // A file the user names outside the project is written, atomically.
    let target = outside.path().join("direct.json");
    ok(&p, &["export", "json", "-o", target.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        ok(&p, &["export", "json"])
    );
}

fn files_under(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for model in std::fs::read_dir(dir).expect("dir") {
        let model = model.expect("entry").path();
        for f in std::fs::read_dir(&model).expect("model dir") {
            let f = f.expect("entry").path();
            let rel = f.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            out.insert(rel, std::fs::read_to_string(&f).expect("read"));
        }
    }
    out
}

#[test]
fn issue_payloads_have_stable_keys_and_change_only_with_their_treatment() {
    let p = project();
    ok(&p, &["export", "issues", "-o", "issues1"]);
    let first = files_under(&p.root().join("issues1"));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        ["shop/M-1.json", "shop/T-2.json"],
        "an unimplemented mitigation and an open high threat without one"
    );
    let m1: serde_json::Value = serde_json::from_str(&first["shop/M-1.json"]).unwrap();
    let keys: Vec<&String> = m1.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["body", "labels", "title"],
        "GitHub's create-issue fields exactly"
    );
    let body = m1["body"].as_str().unwrap();
    assert!(body.starts_with("<!-- tm:shop/M-1 -->\n"), "{body}");
    assert!(body.contains("SHOP-7"), "tracking: {body}");
    assert!(!body.contains("<requests>"), "escaped: {body}");
    // Same input: same files. One mitigation changed: only its payload.
    ok(&p, &["export", "issues", "-o", "issues2"]);
    assert_eq!(first, files_under(&p.root().join("issues2")));
    p.write(
        "models/shop.yaml",
        &SHOP.replace("tracking: SHOP-7", "tracking: SHOP-8"),
    );
    ok(&p, &["export", "issues", "-o", "issues3"]);
    let third = files_under(&p.root().join("issues3"));
    assert_ne!(first["shop/M-1.json"], third["shop/M-1.json"]);
    assert_eq!(first["shop/T-2.json"], third["shop/T-2.json"]);
}

#[test]
fn issue_payloads_for_gitlab_jira_and_markdown() {
    let p = project();
    let gitlab: serde_json::Value =
        serde_json::from_str(&ok(&p, &["export", "issues", "--tracker", "gitlab"])).unwrap();
    let keys: Vec<&String> = gitlab[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["description", "labels", "title"]);
    let (code, _, err) = run(&p, &["export", "issues", "--tracker", "jira"]);
    assert_eq!(code, 2, "no project key: {err}");
    let jira: serde_json::Value = serde_json::from_str(&ok(
        &p,
        &[
            "export",
            "issues",
            "--tracker",
            "jira",
            "--jira-project",
            "SEC",
        ],
    ))
    .unwrap();
    let fields = &jira[0]["fields"];
    assert_eq!(fields["project"]["key"], "SEC");
    assert_eq!(fields["issuetype"]["name"], "Task");
    assert!(
        fields["description"]
            .as_str()
            .unwrap()
            .starts_with("tm:shop/M-1\n")
    );
    assert!(fields["summary"].is_string() && fields["labels"].is_array());
    let md = ok(&p, &["export", "issues", "--tracker", "markdown"]);
    assert!(md.starts_with("# \\[shop\\] Implement M-1"), "{md}");
    // The severity threshold: from `low`, the low open threat... is accepted, so still two.
    let low: serde_json::Value =
        serde_json::from_str(&ok(&p, &["export", "issues", "--issues-severity", "low"])).unwrap();
    assert_eq!(low.as_array().unwrap().len(), 2);
    let critical: serde_json::Value = serde_json::from_str(&ok(
        &p,
        &["export", "issues", "--issues-severity", "critical"],
    ))
    .unwrap();
    assert_eq!(
        critical.as_array().unwrap().len(),
        1,
        "T-2 is high, below critical"
    );
}
