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

#[test]
fn a_hundred_thousand_entry_points_in_one_file_finish() {
    let dir = tempfile::tempdir().unwrap();
    hostile::write_entry_points(dir.path(), 100_000);
    let (code, json, _) = check_json(dir.path());
    assert_eq!(code, 0);
    // `fn main` and the unmarked half of the env reads.
    assert_eq!(findings(&json, "TM503").len(), 1 + 50_000);
}

/// Runs `tm check` with human output; returns the exit code and stdout.
fn check_human(root: &std::path::Path) -> (i32, String) {
    let out = Command::cargo_bin("tm")
        .unwrap()
        .args(["check", "--today", "2026-01-01"])
        .arg(root)
        .env("NO_COLOR", "1")
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed: {stderr}"));
    assert!(
        (0..=2).contains(&code) && !stderr.contains("panicked"),
        "{stderr}"
    );
    (code, String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn thirty_thousand_findings_in_one_file_print_with_snippets() {
    let dir = tempfile::tempdir().unwrap();
    hostile::write_unknown_keys(dir.path(), 30_000, false);
    let (code, out) = check_human(dir.path());
    assert_eq!(code, 1);
    assert_eq!(out.matches("error[TM010]").count(), 30_000);
    // Each finding still shows its own line, underlined.
    assert!(out.contains("models/app.yaml:10:1"), "{}", &out[..2000]);
    assert!(
        out.contains("unknown-29999: 1"),
        "{}",
        &out[out.len() - 2000..]
    );
}

#[test]
fn findings_on_one_long_line_print_their_position() {
    let dir = tempfile::tempdir().unwrap();
    hostile::write_unknown_keys(dir.path(), 30_000, true);
    let (code, out) = check_human(dir.path());
    assert_eq!(code, 1);
    assert!(
        out.matches("error[TM010]").count() >= 30_000,
        "{}",
        &out[..2000]
    );
    assert!(out.contains("in models/app.yaml:11:"), "{}", &out[..2000]);
}

#[cfg(unix)]
#[test]
fn a_model_file_name_that_is_not_utf8_is_reported_in_json() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    hostile::write(dir.path(), "models/.keep", "");
    let name = std::ffi::OsStr::from_bytes(b"bad-\xff.yaml");
    std::fs::write(
        dir.path().join("models").join(name),
        "tm: 1\nid: x\ntitel: y\n",
    )
    .unwrap();
    let (code, json, _) = check_json(dir.path());
    assert_eq!(code, 1, "{json:#}");
    let files: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"models/bad-\u{FFFD}.yaml"), "{json:#}");
    // Every format survives it.
    for format in ["human", "github"] {
        let out = Command::cargo_bin("tm")
            .unwrap()
            .args(["check", "--today", "2026-01-01", "--format", format])
            .arg(dir.path())
            .timeout(TIMEOUT)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
    }
}

#[test]
fn a_thousand_dangling_references_among_many_ids_finish() {
    let dir = tempfile::tempdir().unwrap();
    hostile::write_dangling(dir.path(), 5_000, 1_000);
    let (code, json, _) = check_json(dir.path());
    assert_eq!(code, 1);
    let dangling = findings(&json, "TM102");
    assert_eq!(dangling.len(), 1_000);
    // The typo is still caught (the budget covers a thousand questions).
    assert!(
        dangling[0]["help"]
            .as_str()
            .unwrap()
            .starts_with("did you mean `component-"),
        "{:#}",
        dangling[0]
    );
}

#[test]
fn four_thousand_flows_build_a_site() {
    let dir = tempfile::tempdir().unwrap();
    hostile::write_flows(dir.path(), 400, 4_000);
    let out = Command::cargo_bin("tm")
        .unwrap()
        .args(["build", "--today", "2026-01-01"])
        .arg(dir.path())
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(dir.path().join("book/index.html").is_file());
}

#[test]
fn files_over_the_size_budget_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    hostile::write_rust_project(dir.path(), "parens-within");
    // 600 MB each, sparse: reading either would show in time and memory.
    let big = |rel: &str| {
        let f = std::fs::File::create(dir.path().join(rel)).unwrap();
        f.set_len(600 * 1024 * 1024).unwrap();
    };
    big("models/huge.yaml");
    big("src/huge.rs");
    let (code, json, _) = check_json(dir.path());
    assert_eq!(code, 1, "{json:#}");
    let shape = findings(&json, "TM002");
    assert_eq!(shape.len(), 1, "{json:#}");
    assert_eq!(shape[0]["file"], "models/huge.yaml");
    assert!(
        shape[0]["message"]
            .as_str()
            .unwrap()
            .contains("629145600 bytes")
    );
    let parse = findings(&json, "TM504");
    assert_eq!(parse.len(), 1, "{json:#}");
    assert_eq!(parse[0]["file"], "src/huge.rs");
    // Human output does not read them for a snippet either.
    let (code, out) = check_human(dir.path());
    assert_eq!(code, 1);
    assert!(out.contains("src/huge.rs"), "{out}");
}

#[test]
fn ripgrep_ignore_files_do_not_hide_entry_points() {
    for ignore_file in [".ignore", ".rgignore"] {
        let dir = tempfile::tempdir().unwrap();
        hostile::write_entry_points(dir.path(), 1);
        hostile::write(dir.path(), ignore_file, "src/\n*.rs\n");
        let (_, json, _) = check_json(dir.path());
        let unmodelled = findings(&json, "TM503");
        assert_eq!(unmodelled.len(), 1, "{ignore_file}: {json:#}");
        assert_eq!(unmodelled[0]["file"], "src/main.rs");
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
    hostile::write_entry_points(&out.join("entry-points"), 100_000);
    hostile::write_unknown_keys(&out.join("unknown-keys"), 30_000, false);
    hostile::write_dangling(&out.join("dangling"), 5_000, 1_000);
    hostile::write_flows(&out.join("flows"), 400, 4_000);
    hostile::write_unknown_keys(&out.join("unknown-keys-one-line"), 30_000, true);
}
