//! A finding on line N is on line N (and the same column) whatever the file's
//! line endings: `\n`, `\r\n`, a lone `\r`, a mix of them, with or without a
//! byte-order mark. Each model below reaches a different way of computing a
//! position (the fast path's lazy tree, the shape walk, parser errors, the
//! tab finder, the UTF-8 check, the tag scan, the format-version check).

mod common;

use common::TempProject;

const HEAD: &str = "tm: 1\nid: MODEL\ntitle: T\nstatus: in-review\nrisk: low\n";

/// (file name, content with `\n` line ends, possibly with invalid UTF-8).
fn models() -> Vec<(&'static str, Vec<u8>)> {
    let model = |id: &str, rest: &str| format!("{}{rest}", HEAD.replace("MODEL", id)).into_bytes();
    let mut utf8 = model("utf8", "summary: ok\n");
    utf8.extend_from_slice(b"owners: [caf\xe9]\n");
    vec![
        (
            "valid.yaml",
            model(
                "valid",
                "components:\n  - {id: api, name: API, kind: service}\nthreats:\n  - id: T-1\n    target: nowhere\n    stride: spoofing\n    title: Spoofed\n",
            ),
        ),
        (
            "shape.yaml",
            model(
                "shape",
                "summary: fine\nowner: [x]\ncomponents:\n  - id: a\n    kind: servise\n",
            ),
        ),
        (
            "syntax.yaml",
            model("syntax", "summary: fine\nowners: [a, b\n"),
        ),
        ("tab.yaml", model("tab", "components:\n\t- id: a\n")),
        ("utf8.yaml", utf8),
        (
            "tag.yaml",
            model("tag", "summary: fine\nowners:\n  - !team x\n"),
        ),
        ("version.yaml", b"tm: 2\nid: version\n".to_vec()),
    ]
}

/// The `\n`-ended text rewritten with other line ends.
fn restyle(text: &[u8], style: &str) -> Vec<u8> {
    let lines: Vec<&[u8]> = text.split(|b| *b == b'\n').collect();
    let mut out = Vec::new();
    if style.starts_with("bom") {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    for (i, line) in lines.iter().enumerate() {
        out.extend_from_slice(line);
        if i + 1 == lines.len() {
            break;
        }
        let end: &[u8] = match style {
            "lf" | "bom-lf" => b"\n",
            "crlf" | "bom-crlf" => b"\r\n",
            "cr" => b"\r",
            _ => [&b"\n"[..], b"\r\n", b"\r"][i % 3],
        };
        out.extend_from_slice(end);
    }
    out
}

/// Every finding as (file, code, line, column), sorted.
fn findings(style: &str) -> Vec<(String, String, u64, u64)> {
    let project = TempProject::new();
    for (name, text) in models() {
        std::fs::write(
            project.root().join("models").join(name),
            restyle(&text, style),
        )
        .unwrap();
    }
    let (code, report) = project.check_json(&[]);
    assert_eq!(code, 1, "{style}: {report}");
    let mut out: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn findings_keep_their_line_and_column_in_every_line_ending_style() {
    let baseline = findings("lf");
    // Every model contributes a positioned finding, so a style that loses one
    // (or reports it at line 1) cannot pass.
    for (name, _) in models() {
        assert!(
            baseline
                .iter()
                .any(|(f, _, line, _)| f.ends_with(name) && *line > 0),
            "{name}: {baseline:?}"
        );
    }
    let at = |file: &str, code: &str| {
        baseline
            .iter()
            .find(|(f, c, _, _)| f.ends_with(file) && c == code)
            .map(|(_, _, l, c)| (*l, *c))
    };
    assert_eq!(at("valid.yaml", "TM102"), Some((10, 13)), "{baseline:?}");
    assert_eq!(at("shape.yaml", "TM010"), Some((7, 1)), "{baseline:?}");
    assert_eq!(
        at("tab.yaml", "TM001").map(|p| p.0),
        Some(7),
        "{baseline:?}"
    );
    assert_eq!(at("utf8.yaml", "TM001"), Some((7, 13)), "{baseline:?}");
    assert_eq!(at("tag.yaml", "TM001"), Some((8, 5)), "{baseline:?}");
    assert_eq!(at("version.yaml", "TM003"), Some((1, 5)), "{baseline:?}");
    for style in ["crlf", "cr", "mixed", "bom-lf", "bom-crlf"] {
        assert_eq!(findings(style), baseline, "line ends: {style}");
    }
}

#[test]
fn snippets_of_crlf_files_carry_no_carriage_returns() {
    let project = TempProject::new();
    let (_, text) = &models()[1];
    std::fs::write(
        project.root().join("models/shape.yaml"),
        restyle(text, "crlf"),
    )
    .unwrap();
    let out = project.tm(&["check"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let all = format!("{stdout}{stderr}");
    assert!(all.contains("models/shape.yaml:7:1"), "{all}");
    assert!(!all.contains('\r'), "{all:?}");
}
