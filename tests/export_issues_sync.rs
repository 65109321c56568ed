//! `scripts/tm-issues-sync.sh`: creates missing issues and edits changed ones
//! by key, dry run by default — run against a fake `gh` that records its
//! arguments and answers `issue list` with one existing issue.

mod common;

use std::path::Path;

use common::TempProject;

const MODEL: &str = "tm: 1\nid: shop\ntitle: Shop\nstatus: draft\nrisk: low\ncomponents:\n  - { id: api, name: API, kind: service }\nthreats:\n  - { id: T-1, target: api, stride: spoofing, title: t1, likelihood: high, impact: high, severity: high, status: open, mitigations: [M-1] }\n  - { id: T-2, target: api, stride: tampering, title: t2, likelihood: high, impact: high, severity: critical, status: open }\nmitigations:\n  - { id: M-1, control: Sign requests, status: proposed }\n";

/// A fake `gh`: logs each call; `issue list` finds an old version of M-1's issue.
const FAKE_GH: &str = r#"#!/bin/sh
echo "$*" >> "$GH_LOG"
case "$1 $2" in
  "issue list")
    case "$*" in
      *tm:shop/M-1*) printf '[{"number": 7, "title": "old", "body": "<!-- tm:shop/M-1 -->\\nold"}]\n' ;;
      *) printf '[]\n' ;;
    esac ;;
esac
"#;

fn sync(p: &TempProject, bin: &Path, log: &Path, extra: &[&str]) -> (i32, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/tm-issues-sync.sh");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .arg(script)
        .args(extra)
        .current_dir(p.root())
        .env("PATH", path)
        .env("TM", env!("CARGO_BIN_EXE_tm"))
        .env("TM_TODAY", common::TODAY)
        .env("GH_LOG", log)
        .output()
        .expect("run the script");
    assert!(
        out.stderr.is_empty() || out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn sync_creates_missing_and_edits_changed_issues_only_with_apply() {
    if std::process::Command::new("jq")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(std::env::var_os("CI").is_none(), "jq is missing under CI");
        eprintln!("skipped: jq is not installed");
        return;
    }
    let p = TempProject::new();
    p.write("models/shop.yaml", MODEL);
    let bin = tempfile::tempdir().expect("tmp");
    let gh = bin.path().join("gh");
    std::fs::write(&gh, FAKE_GH).expect("fake gh");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let log = bin.path().join("calls.log");

    let (code, out) = sync(&p, bin.path(), &log, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("edit    #7  tm:shop/M-1"), "{out}");
    assert!(out.contains("create  tm:shop/T-2"), "{out}");
    assert!(out.contains("dry run"), "{out}");
    let calls = std::fs::read_to_string(&log).expect("log");
    assert!(
        !calls.contains("issue create") && !calls.contains("issue edit"),
        "dry run acted: {calls}"
    );

    std::fs::remove_file(&log).expect("reset log");
    let (code, out) = sync(&p, bin.path(), &log, &["--apply"]);
    assert_eq!(code, 0, "{out}");
    let calls = std::fs::read_to_string(&log).expect("log");
    let acts: Vec<&str> = calls
        .lines()
        .filter(|l| !l.starts_with("issue list"))
        .collect();
    assert_eq!(acts.len(), 2, "{calls}");
    assert!(
        acts[0]
            .starts_with("issue edit 7 --title [shop] Implement M-1: Sign requests --body-file "),
        "{calls}"
    );
    assert!(
        acts[1].starts_with("issue create --title [shop] Treat threat T-2: t2 --body-file "),
        "{calls}"
    );
    assert!(
        acts[1].ends_with("--label threat-model,model:shop,threat,severity:critical"),
        "{calls}"
    );
}
