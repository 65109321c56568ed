//! Hostile inputs within the budgets: the real `tm` binary must finish each
//! normally (exit 0, 1 or 2), never abort, panic or hang. Timing is measured
//! by hand on a release build (`benches/hostile.sh`), not asserted here.

mod hostile;

use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// Generous: a debug build on a loaded CI machine.
const TIMEOUT: Duration = Duration::from_secs(120);

fn check_json(root: &std::path::Path) -> (i32, Value, String) {
    let out = Command::cargo_bin("tm")
        .unwrap()
        .args(["check", "--format", "json", "--today", "2026-01-01"])
        .arg(root)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed: {stderr}"));
    assert!(
        (0..=2).contains(&code) && !stderr.contains("panicked"),
        "exit {code}: {stderr}"
    );
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (code, json, stderr)
}

fn findings<'a>(json: &'a Value, code: &str) -> Vec<&'a Value> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

#[test]
fn deeply_nested_rust_files_are_a_warning_not_a_crash() {
    for class in hostile::RUST_CLASSES {
        let dir = tempfile::tempdir().unwrap();
        hostile::write_rust_project(dir.path(), class);
        let (code, json, stderr) = check_json(dir.path());
        let parse = findings(&json, "TM504");
        assert_eq!(parse.len(), 1, "{class}: {json:#}\n{stderr}");
        assert_eq!(parse[0]["file"], "src/deep.rs", "{class}");
        assert!(
            parse[0]["message"]
                .as_str()
                .unwrap()
                .contains("nests too deeply"),
            "{class}: {}",
            parse[0]["message"]
        );
        assert_eq!(code, 0, "{class}: a warning only: {json:#}");
        // The healthy file beside it is still scanned.
        assert_eq!(findings(&json, "TM503").len(), 2, "{class}: {json:#}");
    }
}

#[test]
fn rust_files_just_within_the_budget_parse_without_overflowing() {
    for class in hostile::RUST_WITHIN {
        let dir = tempfile::tempdir().unwrap();
        hostile::write_rust_project(dir.path(), class);
        let (code, json, stderr) = check_json(dir.path());
        assert_eq!(
            findings(&json, "TM504").len(),
            0,
            "{class}: {json:#}\n{stderr}"
        );
        assert_eq!(code, 0, "{class}");
    }
}

/// Writes every hostile project under `$HOSTILE_OUT/<class>` for timing by hand.
#[test]
#[ignore = "writes the corpus for benches/hostile.sh"]
fn write_corpus() {
    let out = std::path::PathBuf::from(std::env::var("HOSTILE_OUT").expect("HOSTILE_OUT"));
    for class in hostile::RUST_CLASSES.iter().chain(hostile::RUST_WITHIN) {
        hostile::write_rust_project(&out.join(class), class);
    }
}
