//! Property: no model, however hostile its text, makes tm panic, and no user
//! text reaches a page unescaped.
//!
//! Valid models are generated with hostile names and titles (long unbroken
//! words, CJK, emoji sequences, right-to-left text and direction overrides,
//! combining marks, zero-width and control characters, Markdown and HTML
//! metacharacters), random zones, components, flows (crossing zones or not),
//! boundaries, threats and mitigations. Each case is committed twice to a
//! temporary git repository (two different models with the same id) and the
//! real binary runs `check`, `build`, `diff`, `queue` and `history` on it.
//! The seed is fixed so a failure reproduces; proptest shrinks it.

mod history_support;

use std::path::Path;

use history_support::ScriptedRepo;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// A marker tag: in a page it must only ever appear escaped.
const PROBE: &str = "<x-tm-probe>";

/// Pieces hostile text is made of.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z]{15,40}",
        "[\u{4e00}-\u{9fff}\u{3040}-\u{30ff}]{1,30}",
        "[\u{0600}-\u{06ff}\u{05d0}-\u{05ea} ]{1,25}",
        "[a-z]{1,6}[\u{0300}-\u{036f}]{1,12}",
        "[\u{0}-\u{1f}\u{7f}-\u{9f}]{1,3}",
        Just("\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}".to_owned()),
        Just("\u{202E}evil\u{202C}\u{200F}".to_owned()),
        Just("👩\u{200D}👩\u{200D}👧🏳\u{FE0F}\u{200D}🌈👍🏽🇯🇵".to_owned()),
        Just(PROBE.to_owned()),
        Just("<script>alert(1)</script>".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
        Just("`code` ``` `".to_owned()),
        Just("*_~[x](javascript:alert(1)) @here #1 | &amp; <!-- ]]>".to_owned()),
        Just("\"'\\ {{ x }} {% raw %}".to_owned()),
        "[ a-z]{0,12}",
    ]
}

/// Hostile text: one to four pieces, never empty or blank.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 1..4).prop_map(|p| format!("x{}", p.concat()))
}

/// The generated parts of one model (ids are index-based; text is hostile).
#[derive(Debug, Clone)]
struct Spec {
    /// A high-risk model misses STRIDE coverage: check fails, diff sees errors.
    high_risk: bool,
    /// A threat whose target is hostile text (an invalid, dangling id).
    dangling: Option<String>,
    title: String,
    zones: usize,
    components: Vec<(String, Option<usize>, usize)>,
    flows: Vec<(usize, usize, String)>,
    threats: Vec<Threat>,
    mitigations: Vec<String>,
}

#[derive(Debug, Clone)]
struct Threat {
    target: usize,
    on_flow: bool,
    stride: usize,
    title: String,
    description: String,
    level: usize,
    status: usize,
    mitigations: Vec<usize>,
}

const KINDS: [&str; 7] = [
    "client",
    "service",
    "datastore",
    "queue",
    "external",
    "function",
    "human",
];
const STRIDE: [&str; 6] = [
    "spoofing",
    "tampering",
    "repudiation",
    "information-disclosure",
    "denial-of-service",
    "elevation-of-privilege",
];
const LEVELS: [&str; 3] = ["low", "medium", "high"];

fn threat() -> impl Strategy<Value = Threat> {
    (
        (0usize..16, any::<bool>(), 0usize..6),
        (text(), text()),
        (0usize..3, 0usize..5, prop::collection::vec(0usize..4, 0..3)),
    )
        .prop_map(
            |((target, on_flow, stride), (title, description), (level, status, mitigations))| {
                Threat {
                    target,
                    on_flow,
                    stride,
                    title,
                    description,
                    level,
                    status,
                    mitigations,
                }
            },
        )
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::bool::weighted(0.25),
        prop::option::weighted(0.15, text()),
        text(),
        1usize..4,
        prop::collection::vec(
            (text(), prop::option::weighted(0.8, 0usize..4), 0usize..7),
            1..7,
        ),
        prop::collection::vec((0usize..16, 0usize..16, text()), 0..8),
        prop::collection::vec(threat(), 0..6),
        prop::collection::vec(text(), 1..4),
    )
        .prop_map(
            |(high_risk, dangling, title, zones, components, flows, threats, mitigations)| Spec {
                high_risk,
                dangling,
                title,
                zones,
                components,
                flows,
                threats,
                mitigations,
            },
        )
}

/// A YAML double-quoted string; characters YAML does not allow in a file
/// (C0/C1 controls, DEL, the BOM) are written as `\u` escapes.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{FEFF}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The model file: a draft, valid in structure; a low-risk one passes the
/// check (so the site is built), a high-risk one lacks STRIDE coverage.
fn yaml(s: &Spec) -> String {
    let n = s.components.len();
    let mut y = format!(
        "tm: 1\nid: hostile\ntitle: {}\nstatus: draft\nrisk: {}\nsummary: {}\nzones: [{}]\ncomponents:\n",
        q(&s.title),
        if s.high_risk { "high" } else { "low" },
        q(&s.title),
        (0..s.zones)
            .map(|z| format!("z{z}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (i, (name, zone, kind)) in s.components.iter().enumerate() {
        y += &format!(
            "  - id: c{i}\n    name: {}\n    kind: {}\n",
            q(name),
            KINDS[*kind]
        );
        if let Some(z) = zone {
            y += &format!("    zone: z{}\n", z % s.zones);
        }
    }
    let flows: Vec<(usize, usize)> = s
        .flows
        .iter()
        .map(|(a, b, _)| (a % n, b % n))
        .filter(|(a, b)| a != b)
        .collect();
    if !flows.is_empty() {
        y += "flows:\n";
        for (i, ((a, b), (_, _, name))) in flows.iter().zip(&s.flows).enumerate() {
            y += &format!(
                "  - {{id: f{i}, name: {}, from: c{a}, to: c{b}}}\n",
                q(name)
            );
        }
    }
    if s.zones > 1 {
        y += "boundaries:\n";
        for z in 1..s.zones {
            y += &format!("  - {{id: b{z}, between: [z{}, z{z}]}}\n", z - 1);
        }
    }
    y += "mitigations:\n";
    for (i, control) in s.mitigations.iter().enumerate() {
        let status = match i % 4 {
            0 => "proposed",
            1 => "in-progress",
            2 => "implemented, signoff: {by: sec@corp.example, at: 2026-10-01}",
            _ => "rejected",
        };
        y += &format!(
            "  - {{id: M-{i}, control: {}, description: {}, location: c0, tracking: {}, status: {status}}}\n",
            q(control),
            q(control),
            q(control)
        );
    }
    y += &format!(
        "data:\n  - {{id: d0, name: {}, classification: restricted}}\nreviews:\n  - {{kind: security, by: {}, at: 2026-10-01, commit: 0123abc, outcome: changes-requested}}\n",
        q(&s.title),
        q(&s.title)
    );
    if !s.threats.is_empty() || s.dangling.is_some() {
        y += "threats:\n";
    }
    if let Some(target) = &s.dangling {
        y += &format!(
            "  - {{id: T-x, target: {}, stride: spoofing, title: {}, likelihood: low, impact: low, severity: low, status: open}}\n",
            q(target),
            q(target)
        );
    }
    for (i, t) in s.threats.iter().enumerate() {
        let target = if t.on_flow && !flows.is_empty() {
            format!("f{}", t.target % flows.len())
        } else {
            format!("c{}", t.target % n)
        };
        let mut mits: Vec<String> = t
            .mitigations
            .iter()
            .map(|m| format!("M-{}", m % s.mitigations.len()))
            .collect();
        mits.sort();
        mits.dedup();
        let level = LEVELS[t.level];
        y += &format!(
            "  - id: T-{i}\n    target: {target}\n    stride: {}\n    title: {}\n    description: {}\n    likelihood: {level}\n    impact: {level}\n    severity: {level}\n",
            STRIDE[t.stride],
            q(&t.title),
            q(&t.description),
        );
        match t.status {
            0 => y += "    status: open\n    drafted: true\n",
            1 if !mits.is_empty() => {
                y += &format!(
                    "    status: mitigated\n    current: {}\n    mitigations: [{}]\n",
                    q(&t.title),
                    mits.join(", ")
                );
            }
            3 => {
                y += &format!(
                    "    status: accepted\n    acceptance: {{by: sec@corp.example, at: 2026-11-01, expires: 2026-12-{:02}, rationale: {}}}\n",
                    1 + i % 28,
                    q(&t.description)
                );
            }
            4 => y += &format!("    status: not-applicable\n    reason: {}\n", q(&t.title)),
            _ => y += "    status: open\n",
        }
    }
    y
}

/// Runs tm; asserts it exited 0, 1 or 2 without panicking; returns stdout.
fn run(repo: &ScriptedRepo, args: &[&str]) -> Result<String, TestCaseError> {
    let out = repo
        .tm()
        .args(args)
        .env("TM_TODAY", "2026-11-24")
        .output()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    prop_assert!(
        matches!(out.status.code(), Some(0..=2)),
        "tm {args:?} exited {:?}\n{stderr}",
        out.status.code()
    );
    prop_assert!(!stderr.contains("panicked"), "tm {args:?}: {stderr}");
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Every `.html` file under `dir` with its text.
fn pages(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                out.push((path.display().to_string(), text));
            }
        }
    }
    out
}

fn check_project(base: &Spec, head: &Spec) -> Result<(), TestCaseError> {
    let repo = ScriptedRepo::new();
    repo.write("book.toml", "[output.tm]\n");
    repo.write("models/hostile.yaml", &yaml(base));
    repo.commit("base", "2026-01-01");
    repo.write("models/hostile.yaml", &yaml(head));
    repo.commit("head", "2026-01-02");
    run(&repo, &["check"])?;
    run(&repo, &["check", "--format", "json"])?;
    run(&repo, &["check", "--format", "github"])?;
    run(&repo, &["diff", "HEAD~1", "HEAD", "--format", "markdown"])?;
    run(&repo, &["diff", "HEAD~1", "HEAD"])?;
    let queue = run(&repo, &["queue", "--format", "markdown"])?;
    prop_assert!(!queue.contains(PROBE), "raw HTML in the queue:\n{queue}");
    run(&repo, &["history", "models/hostile.yaml"])?;
    let built = repo
        .tm()
        .args(["build"])
        .env("TM_TODAY", "2026-11-24")
        .output()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let stderr = String::from_utf8_lossy(&built.stderr);
    prop_assert!(!stderr.contains("panicked"), "build: {stderr}");
    prop_assert!(
        matches!(built.status.code(), Some(0..=2)),
        "build exited {:?}\n{stderr}",
        built.status.code()
    );
    if built.status.code() == Some(0) {
        let pages = pages(&repo.path().join("book"));
        prop_assert!(
            pages.iter().any(|(p, _)| p.ends_with("hostile.html")),
            "the model page was written"
        );
        for (path, html) in &pages {
            for raw in [PROBE, "<script>alert", "<img src=x", "href=\"javascript:"] {
                prop_assert!(!html.contains(raw), "{path} contains raw {raw:?}");
            }
        }
        let all: String = pages.iter().map(|(_, h)| h.as_str()).collect();
        let probed = [&head.title]
            .into_iter()
            .chain(head.components.iter().map(|c| &c.0))
            .any(|t| t.contains(PROBE));
        if probed {
            prop_assert!(
                all.contains("&lt;x-tm-probe&gt;"),
                "the probe shown escaped"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config {
        // PROPTEST_CASES=500 for a longer hunt; a few seconds by default.
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(8),
        rng_seed: RngSeed::Fixed(0x746d_6e6f_7061_6e69),
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    })]

    #[test]
    fn hostile_models_never_panic_and_stay_escaped(base in spec(), head in spec()) {
        check_project(&base, &head)?;
    }
}
