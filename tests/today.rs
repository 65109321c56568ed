//! `--today` (and `TM_TODAY`) take exactly an ISO calendar date, YYYY-MM-DD;
//! anything else is a usage error (exit 2) that says the form.

mod common;

use common::TempProject;

fn project() -> TempProject {
    let p = TempProject::new();
    p.write(
        "models/m.yaml",
        "tm: 1\nid: m\ntitle: T\nstatus: in-review\nrisk: low\n",
    );
    p
}

#[test]
fn loose_or_impossible_dates_are_usage_errors() {
    let p = project();
    for bad in [
        "2026-1-1",
        "2026-02-30",
        "2026-11-01x",
        "2026-11-01T00:00:00Z",
        "+2026-11-01",
        "tomorrow",
    ] {
        let out = p.tm(&["check", "--today", bad]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("YYYY-MM-DD"), "{bad}: {stderr}");
        assert!(stderr.contains("--today"), "{bad}: {stderr}");

        let out = p.tm(&["check"]).env("TM_TODAY", bad).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "TM_TODAY={bad}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn an_iso_date_is_accepted() {
    let p = project();
    for cmd in [
        ["check", "--today", "2028-02-29"],
        ["queue", "--today", "2026-12-31"],
    ] {
        let out = p.tm(&cmd).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{cmd:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
