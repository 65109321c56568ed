//! `tm check --format sarif`: SARIF 2.1.0 that Microsoft's validator accepts,
//! results at the YAML value, repository-relative URIs, stable fingerprints.

mod common;

use std::path::{Path, PathBuf};

use common::{TempProject, fixtures};

/// A project with errors, warnings and code cross-check findings, in a
/// subdirectory of a git repository (a monorepo), one file name with a space.
fn project() -> (TempProject, PathBuf) {
    let p = TempProject::new();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(p.root())
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("git");
        assert!(out.status.success(), "{out:?}");
    };
    git(&["init", "-q"]);
    let rules = fixtures().join("rules");
    let read = |n: &str| std::fs::read_to_string(rules.join(n)).expect("fixture");
    p.write("svc/book.toml", "");
    p.write(
        "svc/models/refs model.yaml",
        &read("TM102-dangling-reference.yaml"),
    );
    p.write("svc/models/draft.yaml", &read("TM401-draft.yaml"));
    p.write(
        "svc/models/code.yaml",
        "tm: 1\nid: code\ntitle: Code\nstatus: in-review\nrisk: low\ncomponents:\n  - id: api\n    name: API\n    kind: service\n    code: {paths: [\"src/gone/**\"]}\n",
    );
    p.write(
        "svc/src/main.rs",
        "fn main() {\n    let _ = std::env::args();\n}\n",
    );
    let svc = p.root().join("svc");
    (p, svc)
}

fn sarif(dir: &Path) -> (String, serde_json::Value) {
    let out = assert_cmd::Command::cargo_bin("tm")
        .expect("tm")
        .current_dir(dir)
        .env("TM_TODAY", common::TODAY)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["check", "--format", "sarif"])
        .output()
        .expect("run tm");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let doc = serde_json::from_str(&text).expect("SARIF is JSON");
    (text, doc)
}

#[test]
fn sarif_has_rules_located_results_and_stable_fingerprints() {
    let (_p, svc) = project();
    let (text, doc) = sarif(&svc);
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let tm102 = rules.iter().find(|r| r["id"] == "TM102").expect("TM102");
    assert_eq!(tm102["name"], "DanglingReference");
    assert_eq!(tm102["defaultConfiguration"]["level"], "error");
    assert!(tm102["shortDescription"]["text"].is_string());
    assert!(tm102["help"]["text"].is_string());
    assert!(tm102["properties"]["security-severity"].is_string());
    let results = run["results"].as_array().expect("results");
    let find = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap_or_else(|| panic!("no {rule} in {text}"))
    };
    let dangling = results
        .iter()
        .find(|r| {
            r["ruleId"] == "TM102"
                && r["message"]["text"]
                    .as_str()
                    .is_some_and(|m| m.contains("names `wbe`"))
        })
        .expect("the dangling `wbe`");
    let loc = &dangling["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "svc/models/refs%20model.yaml"
    );
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "SRCROOT");
    assert_eq!(loc["region"]["startLine"], 21);
    assert_eq!(loc["region"]["startColumn"], 13);
    assert_eq!(dangling["level"], "error");
    assert_eq!(find("TM401")["level"], "warning");
    let unmatched = &find("TM501")["locations"][0]["physicalLocation"];
    assert_eq!(unmatched["artifactLocation"]["uri"], "svc/models/code.yaml");
    assert_eq!(unmatched["region"]["startLine"], 10);
    let entry = &find("TM503")["locations"][0]["physicalLocation"];
    assert_eq!(entry["artifactLocation"]["uri"], "svc/src/main.rs");
    for r in results {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(r["partialFingerprints"]["tmFinding/v1"].is_string());
    }
    let (again, _) = sarif(&svc);
    assert_eq!(text, again, "same input, same SARIF");
}

/// Where Microsoft's validator is: `SARIF_MULTITOOL`, `.ci/install-sarif.sh`'s
/// install, or `sarif-multitool` on PATH.
fn validator() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SARIF_MULTITOOL") {
        return Some(PathBuf::from(p));
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".ci/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    if local.is_file() {
        return Some(local);
    }
    // Other platforms: npm's launcher for the platform package it installed.
    let launcher =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/sarif/node_modules/.bin/sarif-multitool");
    if launcher.is_file() {
        return Some(launcher);
    }
    let on_path = std::process::Command::new("sarif-multitool")
        .arg("--version")
        .output();
    on_path.ok().map(|_| PathBuf::from("sarif-multitool"))
}

#[test]
fn microsofts_validator_accepts_the_sarif() {
    let Some(tool) = validator() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the SARIF validator is missing: run .ci/install-sarif.sh"
        );
        eprintln!("note: SARIF validator not installed (.ci/install-sarif.sh); skipping");
        return;
    };
    let (_p, svc) = project();
    let (text, _) = sarif(&svc);
    let file = svc.join("check.sarif");
    std::fs::write(&file, text).expect("write");
    let out = std::process::Command::new(&tool)
        .arg("validate")
        .arg(&file)
        // The .NET tool needs no globalization data for this.
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .expect("run the validator");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "validator failed:\n{said}");
    assert!(!said.contains(": error "), "validator errors:\n{said}");
    assert!(said.contains("1 files scanned"), "{said}");
}
