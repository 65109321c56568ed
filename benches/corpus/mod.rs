//! Synthetic corpus: N models × 6 components × 50 threats, written both as tm
//! models and as the same content in Markdown tables for mdBook.

use std::fmt::Write;
use std::path::Path;

const STRIDE: [&str; 6] = [
    "spoofing",
    "tampering",
    "repudiation",
    "information-disclosure",
    "denial-of-service",
    "elevation-of-privilege",
];
const LEVELS: [&str; 3] = ["low", "medium", "high"];
const SEVERITIES: [&str; 4] = ["low", "medium", "high", "critical"];
const STATUSES: [&str; 3] = ["open", "mitigated", "not-applicable"];
const MIT_STATUSES: [&str; 4] = ["proposed", "accepted", "in-progress", "rejected"];
const KINDS: [&str; 6] = [
    "client",
    "service",
    "service",
    "datastore",
    "queue",
    "external",
];
const ZONES: [&str; 3] = ["internet", "dmz", "core"];

/// Components, threats and mitigations per model.
pub const COMPONENTS: usize = 6;
/// Threats per model.
pub const THREATS: usize = 50;
const MITIGATIONS: usize = 12;

/// One threat, shared by both renderings.
struct Threat {
    id: String,
    target: String,
    stride: &'static str,
    title: String,
    description: String,
    likelihood: &'static str,
    impact: &'static str,
    severity: &'static str,
    status: &'static str,
    current: String,
    mitigation: String,
}

fn threats(model: usize) -> Vec<Threat> {
    (0..THREATS)
        .map(|t| {
            let h = model * 131 + t * 17;
            Threat {
                id: format!("T{model}-{t}"),
                target: format!("c{}", t % COMPONENTS),
                // Every component meets every category across its threats,
                // so the corpus passes STRIDE coverage like a finished model.
                stride: STRIDE[(t / COMPONENTS) % 6],
                title: format!("Threat {t} against component {} of system {model}", t % COMPONENTS),
                description: format!(
                    "An attacker abuses **component {}** to reach `{}` data; see the runbook for case {h}.",
                    t % COMPONENTS,
                    STRIDE[(t + 1) % 6]
                ),
                likelihood: LEVELS[h % 3],
                impact: LEVELS[(h / 3) % 3],
                severity: SEVERITIES[h % 4],
                status: STATUSES[h % 3],
                current: format!("Control {} in place", h % 7),
                mitigation: format!("M{}", t % MITIGATIONS),
            }
        })
        .collect()
}

/// Writes the tm project (book.toml + models/) into `dir`.
pub fn write_tm(dir: &Path, models: usize) {
    std::fs::create_dir_all(dir.join("models")).unwrap();
    std::fs::write(
        dir.join("book.toml"),
        "[book]\ntitle = \"Corpus\"\n\n[output.tm]\noutput-dir = \"book\"\n",
    )
    .unwrap();
    for m in 0..models {
        let mut y = String::new();
        let _ = writeln!(
            y,
            "tm: 1\nid: m{m:04}\ntitle: System {m}\nstatus: in-review\nrisk: medium\nowners: [team-{}]",
            m % 10
        );
        let _ = writeln!(
            y,
            "summary: |\n  System {m} of the corpus. It *processes* orders.\nzones: [internet, dmz, core]\ncomponents:"
        );
        for c in 0..COMPONENTS {
            let _ = writeln!(
                y,
                "  - {{ id: c{c}, name: Component {c}, kind: {}, zone: {} }}",
                KINDS[c],
                ZONES[c / 2]
            );
        }
        y.push_str("flows:\n");
        for c in 0..COMPONENTS - 1 {
            let _ = writeln!(
                y,
                "  - {{ id: f{c}, from: c{c}, to: c{}, protocol: HTTPS, not-applicable: [{{stride: [tampering, information-disclosure, denial-of-service], reason: mTLS on the mesh}}] }}",
                c + 1
            );
        }
        y.push_str("boundaries:\n  - { id: b0, between: [internet, dmz] }\n  - { id: b1, between: [dmz, core] }\nthreats:\n");
        for t in threats(m) {
            let _ = writeln!(
                y,
                "  - id: {}\n    target: {}\n    stride: {}\n    title: {}\n    description: \"{}\"\n    likelihood: {}\n    impact: {}\n    severity: {}\n    status: {}\n    current: {}\n    mitigations: [{}]",
                t.id,
                t.target,
                t.stride,
                t.title,
                t.description,
                t.likelihood,
                t.impact,
                t.severity,
                t.status,
                t.current,
                t.mitigation
            );
            if t.status == "not-applicable" {
                y.push_str("    reason: Handled upstream.\n");
            }
        }
        y.push_str("mitigations:\n");
        for x in 0..MITIGATIONS {
            let _ = writeln!(
                y,
                "  - {{ id: M{x}, control: Control number {x}, location: c{}, status: {}, residual: low }}",
                x % COMPONENTS,
                MIT_STATUSES[x % 4]
            );
        }
        let _ = writeln!(
            y,
            "reviews:\n  - {{ kind: security, by: sec@corp.example, at: 2026-01-{:02}, outcome: approved }}",
            m % 28 + 1
        );
        std::fs::write(dir.join(format!("models/m{m:04}.yaml")), y).unwrap();
    }
}

/// Writes an mdBook with the same content, one chapter per model, as Markdown tables.
pub fn write_mdbook(dir: &Path, models: usize) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("book.toml"), "[book]\ntitle = \"Corpus\"\n").unwrap();
    let mut summary = String::from("# Summary\n\n");
    for m in 0..models {
        let _ = writeln!(summary, "- [System {m}](m{m:04}.md)");
        let mut md = format!(
            "# System {m}\n\nSystem {m} of the corpus. It *processes* orders.\n\n## Components\n\n| Id | Name | Kind | Zone |\n|---|---|---|---|\n"
        );
        for c in 0..COMPONENTS {
            let _ = writeln!(
                md,
                "| c{c} | Component {c} | {} | {} |",
                KINDS[c],
                ZONES[c / 2]
            );
        }
        md.push_str("\n## Threats\n\n| Id | Target | STRIDE | Threat | Current | Proposed | Likelihood | Impact | Severity | Status |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for t in threats(m) {
            let _ = writeln!(
                md,
                "| {} | {} | {} | **{}** {} | {} | {} | {} | {} | {} | {} |",
                t.id,
                t.target,
                t.stride,
                t.title,
                t.description,
                t.current,
                t.mitigation,
                t.likelihood,
                t.impact,
                t.severity,
                t.status
            );
        }
        md.push_str("\n## Mitigations\n\n| Id | Control | Where | Status | Residual |\n|---|---|---|---|---|\n");
        for x in 0..MITIGATIONS {
            let _ = writeln!(
                md,
                "| M{x} | Control number {x} | c{} | {} | low |",
                x % COMPONENTS,
                MIT_STATUSES[x % 4]
            );
        }
        std::fs::write(dir.join(format!("src/m{m:04}.md")), md).unwrap();
    }
    std::fs::write(dir.join("src/SUMMARY.md"), summary).unwrap();
}
