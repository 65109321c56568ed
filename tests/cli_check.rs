//! `tm check` as a user runs it: formats, exit codes, configuration, several files.

mod common;

use common::{TempProject, fixtures};
use predicates::prelude::*;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("rules").join(name)).expect("fixture")
}

#[test]
fn clean_project_exits_zero_and_says_so() {
    let p = TempProject::new();
    p.write("models/shop.yaml", &fixture("clean.yaml"));
    p.tm(&["check"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 errors, 0 warnings"));
}

#[test]
fn one_run_reports_problems_in_every_file() {
    let p = TempProject::new();
    p.write("models/a.yaml", &fixture("TM010-unknown-key.yaml"));
    p.write("models/b.yaml", &fixture("TM102-dangling-reference.yaml"));
    p.write("models/c.yaml", "");
    let (code, report) = p.check_json(&[]);
    assert_eq!(code, 1);
    let files: std::collections::BTreeSet<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        ["models/a.yaml", "models/b.yaml", "models/c.yaml"]
    );
}

#[test]
fn human_output_points_at_the_value_with_a_snippet_and_help() {
    let p = TempProject::new();
    p.write(
        "models/refs.yaml",
        &fixture("TM102-dangling-reference.yaml"),
    );
    let out = p.tm(&["check"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("error[TM102]: `threats[0].target` names `wbe`, but the model has no component, flow or boundary with that id"), "{text}");
    assert!(text.contains("--> models/refs.yaml:21:13"), "{text}");
    assert!(text.contains("help: did you mean `web`?"), "{text}");
    assert!(
        text.contains("error[TM013]: `components[0].kind` cannot be `servce`"),
        "{text}"
    );
    assert!(
        text.contains("did you mean `service`? allowed values: client, service"),
        "{text}"
    );
}

#[test]
fn github_format_emits_workflow_annotations() {
    let p = TempProject::new();
    p.write("models/x.yaml", &fixture("TM101-duplicate-id.yaml"));
    p.tm(&["check", "--format", "github"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "::error file=models/x.yaml,line=11,col=9,title=TM101 duplicate-id::duplicate id `web`",
        ));
}

#[test]
fn deny_drafts_turns_draft_warnings_into_errors() {
    let p = TempProject::new();
    p.write("models/d.yaml", &fixture("TM401-draft.yaml"));
    let (code, report) = p.check_json(&[]);
    assert_eq!(
        (code, report["warnings"].as_u64(), report["errors"].as_u64()),
        (0, Some(2), Some(0))
    );
    let (code, report) = p.check_json(&["--deny-drafts"]);
    assert_eq!((code, report["errors"].as_u64()), (1, Some(2)));
}

#[test]
fn book_toml_sets_rule_severities() {
    let p = TempProject::new();
    p.write("models/g.yaml", &fixture("TM201-stride-coverage.yaml"));
    p.write(
        "book.toml",
        "[output.tm.rules]\nstride-coverage = \"warning\"\nself-flow = \"warning\"\n",
    );
    let (code, report) = p.check_json(&[]);
    assert_eq!((code, report["warnings"].as_u64()), (0, Some(3)));
    p.write(
        "book.toml",
        "[output.tm.rules]\nTM201 = \"off\"\nTM602 = \"off\"\n",
    );
    let (code, report) = p.check_json(&[]);
    assert_eq!(
        (code, report["diagnostics"].as_array().unwrap().len()),
        (0, 0)
    );
}

#[test]
fn today_decides_expiry() {
    let p = TempProject::new();
    p.write("models/s.yaml", &fixture("clean.yaml"));
    // clean.yaml's acceptance expires on 2027-10-01.
    let (code, report) = p.check_json(&["--today", "2027-10-02"]);
    assert_eq!(code, 1);
    assert_eq!(report["diagnostics"][0]["code"], "TM302");
    assert_eq!(
        report["diagnostics"][0]["message"],
        "the acceptance of `S-2` expired on 2027-10-01"
    );
    assert!(
        report["diagnostics"][0]["help"]
            .as_str()
            .unwrap()
            .starts_with("1 day ago: renew it")
    );
}

#[test]
fn models_can_refer_to_components_of_other_models() {
    let p = TempProject::new();
    p.write("models/shop.yaml", &fixture("clean.yaml"));
    p.write(
        "models/bff.yaml",
        "tm: 1\nid: bff\ntitle: BFF\nstatus: in-review\nrisk: low\ncomponents:\n  - {id: bff, name: BFF, kind: service}\nflows:\n  - {id: call, from: bff, to: shop/api}\n  - {id: bad, from: bff, to: shop/apii}\n  - {id: worse, from: bff, to: shpo/api}\n",
    );
    let (_, report) = p.check_json(&[]);
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].contains("model `shop` has no component `apii`"),
        "{messages:?}"
    );
    assert!(messages[1].contains("no such model"), "{messages:?}");
    assert!(
        report["diagnostics"][0]["help"]
            .as_str()
            .unwrap()
            .contains("did you mean `shop/api`?")
    );
}

#[test]
fn two_files_with_one_model_id_clash() {
    let p = TempProject::new();
    p.write("models/a.yaml", &fixture("clean.yaml"));
    p.write("models/b.yaml", &fixture("clean.yaml"));
    let (code, report) = p.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(report["diagnostics"][0]["code"], "TM101");
    assert_eq!(report["diagnostics"][0]["file"], "models/b.yaml");
}

#[test]
fn configuration_and_usage_problems_exit_two() {
    let p = TempProject::new();
    p.write("book.toml", "[output.tm]\nmodel = \"models\"\n");
    p.tm(&["check"]).assert().code(2).stderr(
        predicate::str::contains("book.toml")
            .and(predicate::str::contains("unknown field `model`")),
    );
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("tm").unwrap();
    cmd.current_dir(empty.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tm init"));
    p.tm(&["check", "--today", "tomorrow"]).assert().code(2);
}

#[test]
fn help_documents_exit_codes() {
    TempProject::new()
        .tm(&["check", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes:"));
}

#[cfg(unix)]
#[test]
fn a_models_dir_linked_outside_the_project_is_refused() {
    let outside = TempProject::new();
    outside.write("models/secret.yaml", "tm: 1\nid: secret\n");
    let p = tempfile::tempdir().unwrap();
    std::fs::write(p.path().join("book.toml"), "").unwrap();
    std::os::unix::fs::symlink(outside.root().join("models"), p.path().join("models")).unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("tm").unwrap();
    cmd.current_dir(p.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("leads outside the project"))
        .stdout(predicate::str::contains("secret").not());
}

#[test]
fn duplicate_keys_get_the_right_advice() {
    let p = TempProject::new();
    p.write("models/d.yaml", &fixture("TM001-duplicate-key.yaml"));
    p.tm(&["check"]).assert().code(1).stdout(
        predicate::str::contains("a key may appear only once")
            .and(predicate::str::contains("tab").not()),
    );
}

#[test]
fn a_file_that_is_not_utf8_is_an_error_not_a_crash() {
    let p = TempProject::new();
    std::fs::write(
        p.root().join("models/a.yaml"),
        b"tm: 1\nid: x\ntitle: caf\xe9\n",
    )
    .unwrap();
    std::fs::write(p.root().join("models/b.yaml"), b"\xff\xfe\x00garbage").unwrap();
    p.write("models/c.yaml", &fixture("TM101-duplicate-id.yaml"));
    p.tm(&["check"]).assert().code(1).stdout(
        predicate::str::contains("not valid UTF-8")
            .and(predicate::str::contains("models/a.yaml:3:11"))
            .and(predicate::str::contains("duplicate id `web`")),
    );
}

#[test]
fn several_invalid_ids_do_not_collide_as_duplicates() {
    let p = TempProject::new();
    p.write(
        "models/ids.yaml",
        "tm: 1\nid: ids\ntitle: Ids\nstatus: draft\nrisk: low\nzones: [zone one, z2]\ncomponents:\n  - {id: \"api v2\", name: A, kind: service}\n  - {id: \"db/main\", name: B, kind: datastore}\n",
    );
    let (_, report) = p.check_json(&[]);
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    // The draft status read fine, so TM401 is reported in the same run.
    assert_eq!(codes, ["TM401", "TM013", "TM013", "TM013"], "{report}");
}

#[test]
fn two_documents_in_one_file_are_explained() {
    let p = TempProject::new();
    p.write("models/two.yaml", "tm: 1\nid: a\n---\ntm: 1\nid: b\n");
    p.tm(&["check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("more than one YAML document"));
}

#[cfg(unix)]
#[test]
fn links_in_models_are_skipped_with_a_warning() {
    let p = TempProject::new();
    p.write("models/real.yaml", &fixture("clean.yaml"));
    std::os::unix::fs::symlink("/etc/hostname", p.root().join("models/p.yaml")).unwrap();
    let (code, report) = p.check_json(&[]);
    assert_eq!(code, 0);
    assert_eq!(report["diagnostics"][0]["code"], "TM004");
    assert_eq!(report["diagnostics"][0]["file"], "models/p.yaml");
    assert_eq!(
        report["diagnostics"].as_array().unwrap().len(),
        1,
        "{report}"
    );
}

#[test]
fn an_empty_models_directory_is_reported() {
    let p = TempProject::new();
    let (code, report) = p.check_json(&[]);
    assert_eq!(code, 0);
    assert_eq!(report["diagnostics"][0]["code"], "TM005");
    assert!(
        report["diagnostics"][0]["help"]
            .as_str()
            .unwrap()
            .contains("tm init")
    );
}

#[test]
fn max_acceptance_days_sets_the_longest_acceptance() {
    let p = TempProject::new();
    p.write("models/terms.yaml", &fixture("TM308-acceptance-term.yaml"));
    let lines = |p: &TempProject| -> Vec<u64> {
        let (_, report) = p.check_json(&[]);
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "TM308")
            .map(|d| d["line"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(lines(&p), [21, 35, 48]);
    p.write("book.toml", "[output.tm]\nmax-acceptance-days = 366\n");
    assert_eq!(lines(&p), [21, 48], "366 days are now within the term");
    p.write(
        "book.toml",
        "[output.tm.rules]\nacceptance-term = \"off\"\n",
    );
    assert_eq!(lines(&p), Vec::<u64>::new());
}
