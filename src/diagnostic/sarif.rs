//! SARIF 2.1.0 output (`tm check --format sarif`), for code-scanning dashboards.
//!
//! Hand-typed serde structs for the part of SARIF tm writes: the `serde-sarif`
//! crate types the whole schema (hundreds of generated types and a builder
//! dependency) for the dozen fields used here, and a plain struct keeps every
//! field's meaning visible next to the code that fills it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Diagnostic, Findings, Rule, Severity};

/// Where the URIs of results are relative to: the repository's top.
pub const SRCROOT: &str = "SRCROOT";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    /// Columns are counted in characters, as every other tm output does.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    /// GitHub code scanning's 0.0–10.0 score, as a string.
    #[serde(rename = "security-severity")]
    security_severity: String,
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    model: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
}

/// Renders the findings (paths already relative to the repository's top) as
/// one SARIF log with one run.
pub fn render(findings: &Findings) -> String {
    let rules = Rule::ALL.iter().map(|r| descriptor(*r)).collect();
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    let results = findings
        .diagnostics
        .iter()
        .map(|d| {
            let base = fingerprint(d);
            // Two identical findings in one file still get distinct, stable
            // fingerprints: the n-th occurrence in file order.
            let n = seen.entry((uri(&d.file), base.clone())).or_insert(0);
            *n += 1;
            result(d, format!("{base}:{n}"))
        })
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "tm",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

fn descriptor(rule: Rule) -> ReportingDescriptor {
    ReportingDescriptor {
        id: rule.code(),
        name: pascal_case(rule.name()),
        short_description: Text {
            text: rule.summary().to_owned(),
        },
        full_description: Text {
            text: rule.summary().to_owned(),
        },
        help: Text {
            text: format!(
                "{} Set its severity under [output.tm.rules] in book.toml (`{} = \"warning\"`); `tm check --list-rules` lists every rule.",
                rule.summary(),
                rule.code()
            ),
        },
        default_configuration: Configuration {
            level: level(rule.default_severity()),
        },
        properties: RuleProperties {
            security_severity: format!("{:.1}", security_severity(rule)),
            tags: vec!["security", "threat-model"],
        },
    }
}

fn result(d: &Diagnostic, fingerprint: String) -> SarifResult<'_> {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let rule_index = Rule::ALL.iter().position(|r| *r == d.rule).unwrap_or(0);
    SarifResult {
        rule_id: d.rule.code(),
        rule_index,
        level: level(d.severity),
        message: Text { text },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(&d.file),
                    uri_base_id: SRCROOT,
                },
                region: d.span.map(|s| Region {
                    start_line: s.line.max(1),
                    start_column: s.column.max(1),
                }),
            },
        }],
        partial_fingerprints: BTreeMap::from([("tmFinding/v1", fingerprint)]),
        properties: d.model.as_deref().map(|model| ResultProperties { model }),
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Off => "none",
    }
}

/// How much a finding of the rule matters to security, 0.0–10.0 (GitHub reads
/// ≥ 9 as critical, ≥ 7 high, ≥ 4 medium): rules about risk that nobody
/// controls score high, problems of form score low.
fn security_severity(rule: Rule) -> f32 {
    let code: u32 = rule.code()[2..].parse().unwrap_or(0);
    match rule {
        Rule::ExpiredAcceptance | Rule::OpenThreatInApproved => 8.0,
        Rule::UnprotectedSensitiveFlow => 7.5,
        Rule::UnmodelledEntryPoint
        | Rule::MissingSignoff
        | Rule::MissingAcceptance
        | Rule::MitigatedWithoutControl => 7.0,
        Rule::UndeclaredBoundary => 6.0,
        _ if code < 100 => 3.0,
        _ if code < 200 => 5.0,
        _ if code < 300 => 6.0,
        _ if code < 400 => 6.5,
        _ if code < 500 => 4.0,
        _ => 5.5,
    }
}

/// A fingerprint that survives edits elsewhere in the file: the rule, the
/// file and the message (which names the element), not the line.
fn fingerprint(d: &Diagnostic) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325; // FNV-1a: stable across builds and platforms
    for part in [d.rule.code(), &uri(&d.file), &d.message] {
        for b in part.bytes().chain([0]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// A relative URI reference for a path: `/` separators, everything but
/// unreserved characters percent-encoded.
fn uri(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;

    fn finding(line: u32, message: &str) -> Diagnostic {
        Diagnostic::new(
            Rule::DanglingReference,
            "svc/models/a b.yaml",
            Some(Span {
                line,
                column: 9,
                offset: 0,
                len: 1,
            }),
            message,
        )
    }

    #[test]
    fn results_point_at_the_value_with_a_relative_uri() {
        let out = render(&Findings::new(vec![finding(4, "x")]));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let r = &v["runs"][0]["results"][0];
        assert_eq!(r["ruleId"], "TM102");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "svc/models/a%20b.yaml");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "SRCROOT");
        assert_eq!(loc["region"]["startLine"], 4);
        assert_eq!(loc["region"]["startColumn"], 9);
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), Rule::ALL.len());
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], "TM102");
        assert_eq!(rules[idx]["properties"]["security-severity"], "5.0");
    }

    #[test]
    fn fingerprints_ignore_the_line_and_tell_repeats_apart() {
        let a = render(&Findings::new(vec![finding(4, "x")]));
        let b = render(&Findings::new(vec![finding(40, "x")]));
        let fp = |s: &str| {
            let v: serde_json::Value = serde_json::from_str(s).unwrap();
            v["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["partialFingerprints"]["tmFinding/v1"].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(fp(&a), fp(&b));
        let two = fp(&render(&Findings::new(vec![
            finding(4, "x"),
            finding(5, "x"),
        ])));
        assert_ne!(two[0], two[1]);
    }
}
