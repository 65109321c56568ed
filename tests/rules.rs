//! Every rule has a fixture that triggers it (tests/fixtures/rules/TMxxx-*.yaml),
//! a passing twin (`pass-TMxxx-*.yaml`: the same features done right, no
//! finding), and `clean.yaml`, which exercises every feature and triggers none.
//!
//! Expected findings are written in the fixtures themselves: a trailing
//! `# <- TM102` marks the line a finding must point at; a header line
//! `# expect: TM001 4` gives the line explicitly (`-` for no line, `*` for any).
//! The test demands exactly the expected (code, line) set: nothing missing,
//! nothing extra. A header `# message: TM307 17 <text>` demands the exact
//! message of the finding at that line (the line again `-` or `*`); in a
//! `TMxxx-*.yaml` fixture every expected finding must have one, so code,
//! file, line and message are all asserted.

mod common;

use std::collections::BTreeSet;

use common::{TempProject, fixtures};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Line {
    At(u64),
    None,
    Any,
}

fn expected(text: &str) -> BTreeSet<(String, Line)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("# expect: ") {
            let mut parts = rest.split_whitespace();
            let code = parts.next().expect("code").to_owned();
            out.insert((code, header_line(parts.next().expect("line"))));
        } else if let Some(pos) = line.find("# <- ") {
            for code in line[pos + 5..].split_whitespace() {
                out.insert((code.to_owned(), Line::At(i as u64 + 1)));
            }
        }
    }
    out
}

fn actual(
    report: &serde_json::Value,
    file: &str,
    want: &BTreeSet<(String, Line)>,
) -> BTreeSet<(String, Line)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            assert_eq!(
                d["file"],
                format!("models/{file}"),
                "finding in the wrong file: {d}"
            );
            let code = d["code"].as_str().expect("code").to_owned();
            let line = match d["line"].as_u64() {
                Some(n) if want.contains(&(code.clone(), Line::Any)) => {
                    assert!(n > 0);
                    Line::Any
                }
                Some(n) => Line::At(n),
                None => Line::None,
            };
            (code, line)
        })
        .collect()
}

/// A line as a header writes it: a number, `-` (no line) or `*` (any line).
fn header_line(text: &str) -> Line {
    match text {
        "-" => Line::None,
        "*" => Line::Any,
        n => Line::At(n.parse().expect("line number")),
    }
}

/// `# message: CODE LINE TEXT` headers: (code, line, exact message).
fn expected_messages(text: &str) -> Vec<(String, Line, String)> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# message: "))
        .map(|rest| {
            let mut parts = rest.splitn(3, ' ');
            let code = parts.next().expect("code").to_owned();
            let line = header_line(parts.next().expect("line"));
            (code, line, parts.next().expect("message").to_owned())
        })
        .collect()
}

/// Whether a finding's JSON `line` is the header's line.
fn line_matches(line: &Line, json: &serde_json::Value) -> bool {
    match line {
        Line::At(n) => json == n,
        Line::None => json.is_null(),
        Line::Any => json.as_u64().is_some_and(|n| n > 0),
    }
}

#[test]
fn every_rule_fixture_reports_exactly_its_findings() {
    let dir = fixtures().join("rules");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name())
        .collect();
    files.sort();
    assert!(files.len() > 20, "fixtures missing");
    let mut failures = Vec::new();
    for name in files {
        let name = name.to_string_lossy().into_owned();
        let text = std::fs::read_to_string(dir.join(&name)).expect("read fixture");
        let project = TempProject::new();
        project.write(&format!("models/{name}"), &text);
        let (code, report) = project.check_json(&[]);
        let want = expected(&text);
        let got = actual(&report, &name, &want);
        let messages = expected_messages(&text);
        for (code, line, message) in &messages {
            let found = report["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .any(|d| {
                    d["code"] == code.as_str()
                        && line_matches(line, &d["line"])
                        && d["message"] == message.as_str()
                });
            if !found {
                failures.push(format!(
                    "{name}: no {code} at line {line:?} saying {message:?}\n   report: {report}"
                ));
            }
        }
        if name.starts_with("TM") {
            for (code, line) in &want {
                if !messages.iter().any(|(c, l, _)| c == code && l == line) {
                    let (at, place) = match line {
                        Line::At(n) => (n.to_string(), format!("at line {n}")),
                        Line::None => ("-".to_owned(), "with no line".to_owned()),
                        Line::Any => ("*".to_owned(), "at any line".to_owned()),
                    };
                    failures.push(format!(
                        "{name}: the expected {code} {place} has no message header; \
                         add `# message: {code} {at} <the exact message tm prints>`"
                    ));
                }
            }
        }
        if name.starts_with("pass-") && !got.is_empty() {
            failures.push(format!(
                "{name}: a passing twin must have no finding: {got:?}"
            ));
        }
        if got != want {
            failures.push(format!(
                "{name}: expected {want:?}\n   got {got:?}\n   report: {report}"
            ));
        }
        let has_error = report["errors"].as_u64().expect("errors") > 0;
        assert_eq!(
            code,
            i32::from(has_error),
            "{name}: exit code {code} with {} errors",
            report["errors"]
        );
        if name.starts_with("TM") {
            let rule = &name[..5];
            assert!(
                want.iter().any(|(c, _)| c == rule),
                "{name} must expect its own rule {rule}"
            );
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn every_rule_has_a_triggering_fixture() {
    let out = TempProject::new()
        .tm(&["check", "--list-rules"])
        .output()
        .expect("run");
    let listing = String::from_utf8_lossy(&out.stdout);
    let names: Vec<String> = std::fs::read_dir(fixtures().join("rules"))
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let all_text: String = names
        .iter()
        .map(|n| std::fs::read_to_string(fixtures().join("rules").join(n)).expect("read"))
        .collect();
    for line in listing.lines().filter(|l| l.starts_with("TM")) {
        let code = &line[..5];
        // Code cross-check rules (TM5xx) are covered by tests/code_*.rs on source
        // trees; TM004/TM005 concern the models directory, in tests/cli_check.rs.
        // TM309 needs git history: tests/rules.rs builds a repository for it.
        if code.starts_with("TM5") || code == "TM004" || code == "TM005" || code == "TM309" {
            continue;
        }
        assert!(
            all_text.contains(&format!("<- {code}"))
                || all_text.contains(&format!("expect: {code}")),
            "no fixture triggers {code}"
        );
    }
}

/// Every rule a `TMxxx-*.yaml` fixture expects, whether the fixture is named
/// after it or triggers it on the side (TM306 in the TM302 fixture), has a
/// `pass-TMxxx-*.yaml` twin.
#[test]
fn every_triggered_rule_has_a_passing_twin() {
    let dir = fixtures().join("rules");
    let names: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let triggered: BTreeSet<String> = names
        .iter()
        .filter(|n| n.starts_with("TM"))
        .flat_map(|n| {
            let text = std::fs::read_to_string(dir.join(n)).expect("read fixture");
            expected(&text).into_iter().map(|(code, _)| code)
        })
        .collect();
    let missing: Vec<String> = triggered
        .into_iter()
        .filter(|code| {
            !names
                .iter()
                .any(|n| n.starts_with(&format!("pass-{code}-")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "rules triggered by a TMxxx fixture but with no passing twin \
         (tests/fixtures/rules/pass-TMxxx-*.yaml): {}",
        missing.join(", ")
    );
}
