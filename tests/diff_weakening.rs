//! `tm diff` as a security gate: a scripted repository with one branch per
//! kind of weakening (each named under "needs a reviewer" and failing
//! `--fail-on weakened,new-errors,new-unmodelled`), one that only reformats
//! (no change, exit 0), the same from a subdirectory, the hidden marker, and
//! hostile text escaped in the PR comment.

mod history_support;

use std::path::Path;

use history_support::{ScriptedRepo, tm_in};

const BOOK: &str = include_str!("fixtures/diff/book.toml");
const MODEL: &str = include_str!("fixtures/diff/shop.yaml");
const MAIN_RS: &str = "mod web;\n\nfn main() {\n    web::serve();\n}\n";
const WEB_RS: &str =
    "pub fn serve() {\n    let _listener = std::net::TcpListener::bind(\"0.0.0.0:8080\");\n}\n";
const CARGO: &str = "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
const FAIL_ON: &str = "weakened,new-errors,new-unmodelled";

/// One edit of the base tree.
enum Edit {
    /// Replace text (which must be there) in a file.
    Replace(&'static str, &'static str, &'static str),
    /// Write a file.
    Write(&'static str, &'static str),
    /// Delete a file.
    Remove(&'static str),
    /// Move a file.
    Move(&'static str, &'static str),
}

use Edit::*;

/// The block of one threat, mitigation or other list item of the model, by its first line.
fn block(first_line: &str) -> &'static str {
    let start = MODEL
        .find(first_line)
        .unwrap_or_else(|| panic!("{first_line}"));
    let rest = &MODEL[start + first_line.len()..];
    let end = rest
        .find("\n  - ")
        .map(|i| i + 1)
        .into_iter()
        .chain(rest.find("\n").map(|i| {
            // The last item of a list ends at the next top-level key.
            rest[i..]
                .find("\n")
                .and_then(|_| {
                    rest.match_indices('\n')
                        .find(|(j, _)| {
                            rest[j + 1..]
                                .chars()
                                .next()
                                .is_some_and(|c| c.is_ascii_alphabetic())
                        })
                        .map(|(j, _)| j + 1)
                })
                .unwrap_or(rest.len())
        }))
        .min()
        .unwrap();
    &MODEL[start..start + first_line.len() + end]
}

fn apply(repo: &ScriptedRepo, edit: &Edit) {
    let path = |rel: &str| repo.path().join(rel);
    match edit {
        Replace(file, from, to) => {
            let text = std::fs::read_to_string(path(file)).unwrap();
            assert!(text.contains(from), "{file} has no {from:?}");
            repo.write(file, &text.replacen(from, to, 1));
        }
        Write(file, text) => repo.write(file, text),
        Remove(file) => std::fs::remove_file(path(file)).unwrap(),
        Move(from, to) => {
            std::fs::create_dir_all(path(to).parent().unwrap()).unwrap();
            std::fs::rename(path(from), path(to)).unwrap();
        }
    }
}

fn base_repo() -> ScriptedRepo {
    let repo = ScriptedRepo::new();
    repo.write("book.toml", BOOK);
    repo.write("Cargo.toml", CARGO);
    repo.write("src/main.rs", MAIN_RS);
    repo.write("src/web.rs", WEB_RS);
    repo.write("models/shop.yaml", MODEL);
    repo.commit("Model the shop", "2026-01-02");
    repo
}

fn branch(repo: &ScriptedRepo, name: &str, edits: &[Edit]) {
    repo.git(&["checkout", "-q", "-b", name, "main"]);
    for e in edits {
        apply(repo, e);
    }
    repo.commit(name, "2026-01-03");
    repo.git(&["checkout", "-q", "main"]);
}

/// Runs `tm diff main BRANCH` in `dir`: (exit code, stdout, stderr).
fn diff(dir: &Path, branch: &str, format: &str) -> (i32, String, String) {
    let out = tm_in(dir)
        .args([
            "diff",
            "main",
            branch,
            "--format",
            format,
            "--fail-on",
            FAIL_ON,
        ])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The "needs a reviewer" section of a PR comment.
fn needs_reviewer(markdown: &str) -> &str {
    let start = markdown.find("Needs a reviewer").unwrap_or(markdown.len());
    let end = markdown
        .find("#### Other changes")
        .unwrap_or(markdown.len());
    &markdown[start..end.max(start)]
}

const ACCEPT_T1: &str = "status: accepted\n    acceptance:\n      by: boss@example.com\n      at: 2026-01-02\n      expires: 2026-03-01\n      rationale: Later\n    current: TLS everywhere";

/// (branch, edits, what the "needs a reviewer" section must say).
fn weakenings() -> Vec<(&'static str, Vec<Edit>, &'static str)> {
    let m = "models/shop.yaml";
    let b = "book.toml";
    vec![
        (
            "drop-open-threat",
            vec![Replace(m, block("  - id: T-1\n"), "")],
            "threat `T-1` “Fake session” removed (was open, severity critical)",
        ),
        (
            "lower-severity",
            vec![Replace(m, "severity: critical", "severity: low")],
            "severity critical → low",
        ),
        (
            "lower-likelihood",
            vec![Replace(m, "likelihood: high", "likelihood: low")],
            "likelihood high → low",
        ),
        (
            "lower-impact",
            vec![Replace(
                m,
                "impact: high\n    severity: critical",
                "impact: medium\n    severity: critical",
            )],
            "impact high → medium",
        ),
        (
            "status-back",
            vec![Replace(m, "status: mitigated", "status: open")],
            "mitigated → open",
        ),
        (
            "mitigation-back",
            vec![Replace(m, "status: implemented", "status: in-progress")],
            "implemented → in-progress (moved back)",
        ),
        (
            "unlink-mitigation",
            vec![Replace(m, "mitigations: [M-1]", "mitigations: []")],
            "`M-1` “MFA” unlinked",
        ),
        (
            "remove-mitigation",
            vec![
                Replace(m, "mitigations: [M-1]", "mitigations: []"),
                Replace(m, block("  - id: M-1\n"), ""),
            ],
            "mitigation `M-1` “MFA” removed",
        ),
        (
            "accept-risk",
            vec![Replace(
                m,
                "status: open\n    current: TLS everywhere",
                ACCEPT_T1,
            )],
            "risk accepted on `T-1`",
        ),
        (
            "extend-acceptance",
            vec![Replace(m, "expires: 2026-06-01", "expires: 2030-06-01")],
            "expires 2026-06-01 → 2030-06-01",
        ),
        (
            "acceptance-approver",
            vec![Replace(m, "by: cfo@example.com", "by: intern@example.com")],
            "acceptance of `T-3` “Sniffing” changed",
        ),
        (
            "acceptance-rationale",
            vec![Replace(
                m,
                "rationale: Cheap to live with",
                "rationale: Whatever",
            )],
            "acceptance of `T-3` “Sniffing” changed",
        ),
        (
            "not-applicable-instead-of-threat",
            vec![
                Replace(m, block("  - id: T-2\n"), ""),
                Replace(
                    m,
                    "symbols: [\"crate::web::serve\"]\n",
                    "symbols: [\"crate::web::serve\"]\n    not-applicable:\n      - {stride: tampering, reason: Prices are signed}\n",
                ),
            ],
            "tampering is now answered by a not-applicable note",
        ),
        (
            "code-path-removed",
            vec![Replace(
                m,
                "paths: [\"src/main.rs\", \"src/web.rs\"]",
                "paths: [\"src/main.rs\"]",
            )],
            "−`src/web.rs`",
        ),
        (
            "code-symbol-removed",
            vec![Replace(
                m,
                "symbols: [\"crate::web::serve\"]",
                "symbols: []",
            )],
            "−`crate::web::serve`",
        ),
        (
            "rule-off",
            vec![Replace(
                b,
                "[output.tm]\n",
                "[output.tm]\nrules = { stride-coverage = \"off\" }\n",
            )],
            "`rules.TM201 (stride-coverage)`: `error` → `off` (relaxed)",
        ),
        (
            "rule-warning",
            vec![Replace(
                b,
                "[output.tm]\n",
                "[output.tm]\nrules = { TM501 = \"warning\" }\n",
            )],
            "`rules.TM501 (code-path-unmatched)`: `error` → `warning`",
        ),
        (
            "required-reviews-shrunk",
            vec![Replace(
                b,
                "required-reviews = [\"security\"]",
                "required-reviews = []",
            )],
            "`required-reviews`",
        ),
        (
            "approval-max-raised",
            vec![Replace(
                b,
                "[output.tm]\n",
                "[output.tm]\napproval-max-open-severity = \"critical\"\n",
            )],
            "`approval-max-open-severity`: `high` → `critical`",
        ),
        (
            "allow-unmodelled-widened",
            vec![Replace(
                b,
                "[output.tm]\n",
                "[output.tm]\nallow-unmodelled = [\"src/**\"]\n",
            )],
            "`allow-unmodelled`",
        ),
        (
            "source-roots-changed",
            vec![Replace(
                b,
                "[output.tm]\n",
                "[output.tm]\nsource-roots = [\"src\"]\n",
            )],
            "`source-roots`",
        ),
        (
            "models-dir-changed",
            vec![
                Replace(
                    b,
                    "[output.tm]\n",
                    "[output.tm]\nmodels = \"threat-models\"\n",
                ),
                Move(m, "threat-models/shop.yaml"),
            ],
            "`models`",
        ),
        (
            "expiry-warning-shortened",
            vec![Replace(
                b,
                "[output.tm]\n",
                "[output.tm]\nexpiry-warning-days = 1\n",
            )],
            "`expiry-warning-days`",
        ),
        (
            "flow-unauthenticated",
            vec![Replace(m, "authenticated: true", "authenticated: false")],
            "authenticated “true” → “false”",
        ),
        (
            "flow-unencrypted",
            vec![Replace(m, "    encrypted: true\n", "")],
            "encrypted “true” removed",
        ),
        (
            "classification-lowered",
            vec![Replace(
                m,
                "classification: restricted",
                "classification: internal",
            )],
            "classification “restricted” → “internal”",
        ),
        (
            "target-changed",
            vec![Replace(
                m,
                "target: web\n    stride: spoofing",
                "target: user\n    stride: spoofing",
            )],
            "target “web” → “user”",
        ),
        (
            "component-removed",
            vec![
                Replace(m, block("  - id: user\n"), ""),
                Replace(m, block("  - id: login\n"), "[]\n"),
                Replace(m, "flows:\n[]", "flows: []"),
                Replace(m, block("  - id: T-3\n"), ""),
                Replace(m, block("  - id: T-4\n"), ""),
            ],
            "component `user` removed",
        ),
        (
            "zone-change-drops-crossing",
            vec![Replace(m, "zone: internet", "zone: core")],
            "flow `login` no longer crosses a trust boundary",
        ),
        (
            "kind-asks-less",
            vec![Replace(m, "kind: service", "kind: external")],
            "kind “service” → “external”",
        ),
        (
            "risk-lowered",
            vec![Replace(m, "risk: medium", "risk: low")],
            "model risk “medium” → “low”",
        ),
        (
            "model-retired",
            vec![Replace(m, "status: in-review", "status: retired")],
            "model status “in-review” → “retired”",
        ),
        (
            "review-removed",
            vec![
                Replace(m, block("  - kind: security\n"), "[]\n"),
                Replace(m, "reviews:\n[]", "reviews: []"),
            ],
            "security review by alice@example.com on 2026-01-01 removed",
        ),
        (
            "drafted-again",
            vec![Replace(
                m,
                "    current: TLS everywhere\n",
                "    current: TLS everywhere\n    drafted: true\n",
            )],
            "marked drafted again",
        ),
        (
            "current-control-dropped",
            vec![Replace(m, "    current: TLS everywhere\n", "")],
            "current “TLS everywhere” removed",
        ),
        (
            "transferred",
            vec![Replace(
                m,
                "severity: medium\n    status: open",
                "severity: medium\n    status: transferred",
            )],
            "open → transferred",
        ),
        (
            "dismissed",
            vec![Replace(
                m,
                "status: open\n    current: TLS everywhere",
                "status: not-applicable\n    reason: Nobody would\n    current: TLS everywhere",
            )],
            "open → not-applicable",
        ),
        (
            "boundary-removed",
            vec![
                Replace(m, block("  - id: edge\n"), "[]\n"),
                Replace(m, "boundaries:\n[]", "boundaries: []"),
            ],
            "boundary `edge` removed",
        ),
        (
            "signoff-removed",
            vec![Replace(
                m,
                "    signoff:\n      by: sec@example.com\n      at: 2026-01-01\n",
                "",
            )],
            "mitigation `M-2` “Signed prices”: signoff",
        ),
        ("model-deleted", vec![Remove(m)], "model removed: “Shop”"),
        (
            "code-file-renamed",
            vec![
                Move("src/web.rs", "src/http.rs"),
                Write(
                    "src/main.rs",
                    "mod http;\n\nfn main() {\n    http::serve();\n}\n",
                ),
            ],
            "new error TM501",
        ),
        (
            "silenced-admin-route",
            vec![
                Write(
                    "src/main.rs",
                    "mod admin;\nmod web;\n\nfn main() {\n    web::serve();\n    admin::run();\n}\n",
                ),
                Write(
                    "src/admin.rs",
                    "pub fn run() {\n    // tm:allow-unmodelled: internal only\n    let _l = std::net::TcpListener::bind(\"0.0.0.0:9000\");\n}\n",
                ),
            ],
            "entry point silenced: socket listener at `src/admin.rs:3` in `shop::admin::run` (comment: internal only)",
        ),
        (
            "new-admin-route",
            vec![
                Write(
                    "src/main.rs",
                    "mod admin;\nmod web;\n\nfn main() {\n    web::serve();\n    admin::run();\n}\n",
                ),
                Write(
                    "src/admin.rs",
                    "pub fn run() {\n    let _l = std::net::TcpListener::bind(\"0.0.0.0:9000\");\n}\n",
                ),
            ],
            "unmodelled entry point: socket listener at `src/admin.rs:2`",
        ),
    ]
}

/// The same model, reformatted: key order, flow and block style, quoting,
/// comments, list order; Rust code moved down a few lines; book.toml
/// respaced. Nothing changes in threat-model terms.
const REFORMATTED: &str = r#"# The shop, reformatted.
tm: 1
id: "shop"
title: 'Shop'
owners: ["team-shop"]
risk: medium
status: in-review
zones: [core, internet]
data: [{id: cards, name: Card data, classification: restricted}]
boundaries: [{id: edge, between: [internet, core]}]
components:
  - {id: user, name: User, kind: human, zone: internet}
  - id: web
    kind: service
    name: Web
    zone: core
    data: [cards]
    code: {symbols: ["crate::web::serve"], paths: ["src/web.rs", "src/main.rs"]}
flows:
  - {id: login, from: user, to: web, data: [cards], protocol: HTTPS, encrypted: true, authenticated: true}
mitigations:
  - id: M-2
    status: implemented
    control: Signed prices
    signoff: {at: 2026-01-01, by: sec@example.com}
  - {id: M-1, control: MFA, status: proposed}
threats:
  - id: T-4
    target: user
    stride: [spoofing, repudiation]
    title: Stolen account
    likelihood: medium
    impact: medium
    severity: medium
    status: open
  - id: T-3
    target: login
    stride: [tampering, information-disclosure, denial-of-service]
    title: Sniffing
    likelihood: low
    impact: high
    severity: medium
    status: accepted
    acceptance:
      rationale: >
        Cheap to
        live with
      by: cfo@example.com
      at: 2026-01-01
      expires: 2026-06-01
  - {id: T-2, target: web, stride: [tampering], title: Price tampering, likelihood: medium, impact: high, severity: high, status: mitigated, mitigations: [M-2]}
  - id: T-1
    severity: critical
    status: open
    target: web
    stride: [spoofing]
    title: Fake session
    likelihood: high
    impact: high
    current: TLS everywhere
    mitigations: [M-1]
reviews: [{kind: security, by: alice@example.com, at: 2026-01-01, outcome: approved}]
"#;

#[test]
fn every_weakening_branch_is_named_and_fails_the_gate_and_reformatting_passes() {
    let repo = base_repo();
    let cases = weakenings();
    for (name, edits, _) in &cases {
        branch(&repo, name, edits);
    }
    branch(
        &repo,
        "reformat",
        &[
            Write("models/shop.yaml", REFORMATTED),
            Write(
                "book.toml",
                "[book]\ntitle = \"Shop\"\n\n# tm's settings\n[output.tm]\nrequired-reviews = [ \"security\" ]\n",
            ),
            Write(
                "src/web.rs",
                "// The web server.\n\n/// Serves.\npub fn serve() {\n    let _listener = std::net::TcpListener::bind(\"0.0.0.0:8080\");\n}\n",
            ),
        ],
    );
    let mut failures = Vec::new();
    for (name, _, expected) in &cases {
        let (code, md, err) = diff(repo.path(), name, "markdown");
        if code != 1 || !needs_reviewer(&md).contains(expected) {
            failures.push(format!(
                "branch {name}: exit {code}, expected {expected:?} under needs a reviewer\n{md}{err}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let (code, md, err) = diff(repo.path(), "reformat", "markdown");
    assert_eq!(code, 0, "{md}{err}");
    assert!(md.contains("no change in threat-model terms"), "{md}");
    assert!(!md.contains("Needs a reviewer"), "{md}");
    // The same answers from a subdirectory of the repository.
    let sub = repo.path().join("src");
    for name in ["lower-severity", "rule-off", "new-admin-route", "reformat"] {
        assert_eq!(
            diff(&sub, name, "markdown"),
            diff(repo.path(), name, "markdown"),
            "{name}"
        );
    }
}

#[test]
fn the_comment_starts_with_the_hidden_marker_and_counts_in_its_headline() {
    let repo = base_repo();
    branch(
        &repo,
        "mixed",
        &[
            Replace("models/shop.yaml", "severity: critical", "severity: low"),
            Replace(
                "models/shop.yaml",
                "status: proposed",
                "status: in-progress",
            ),
            Replace(
                "book.toml",
                "[output.tm]\n",
                "[output.tm]\nrules = { TM201 = \"off\" }\n",
            ),
        ],
    );
    let (code, md, _) = diff(repo.path(), "mixed", "markdown");
    assert_eq!(code, 1);
    assert!(md.starts_with("<!-- tm-diff:summary -->\n"), "{md}");
    let headline = md.lines().nth(1).unwrap();
    assert_eq!(
        headline, "### Threat model changes: 1 weakened, 1 policy relaxed",
        "{md}"
    );
    // Each fact once: the weakening under "needs a reviewer", the rest after it.
    assert_eq!(md.matches("severity critical → low").count(), 1, "{md}");
    let reviewer = needs_reviewer(&md);
    assert!(reviewer.contains("severity critical → low"), "{md}");
    assert!(!reviewer.contains("in-progress"), "{md}");
    assert!(
        md.contains("- ✅ mitigation `M-1` “MFA”: proposed → in-progress"),
        "{md}"
    );
    // A lowered severity never gets a tick.
    let line = md
        .lines()
        .find(|l| l.contains("severity critical → low"))
        .unwrap();
    assert!(!line.contains('✅'), "{line}");
}

#[test]
fn threat_ids_link_to_their_line_in_the_head_revision() {
    let repo = base_repo();
    repo.write(
        "book.toml",
        &BOOK.replace(
            "[output.tm]\n",
            "[output.tm]\nsource-url = \"https://git.example/shop/blob/{commit}/{path}#L{line}\"\n",
        ),
    );
    repo.commit("Link the code", "2026-01-02");
    branch(
        &repo,
        "lower",
        &[Replace(
            "models/shop.yaml",
            "severity: critical",
            "severity: low",
        )],
    );
    let head = repo.git(&["rev-parse", "lower"]).trim().to_owned();
    let (_, md, _) = diff(repo.path(), "lower", "markdown");
    let line = MODEL.lines().position(|l| l == "  - id: T-1").unwrap() + 1;
    let link = format!("[`T-1`](<https://git.example/shop/blob/{head}/models/shop.yaml#L{line}>)");
    assert!(md.contains(&link), "{link}\n{md}");
}

#[test]
fn hostile_text_is_escaped_in_the_comment_and_kept_in_the_json() {
    let repo = base_repo();
    let title = "`x` @team <script>alert(1)</script> [x](javascript:alert(1)) a|b *em*";
    let renamed: &'static str = Box::leak(format!("title: \"{title}\"").into_boxed_str());
    branch(
        &repo,
        "hostile",
        &[
            Replace("models/shop.yaml", "title: Fake session", renamed),
            Replace("models/shop.yaml", "severity: critical", "severity: low"),
        ],
    );
    let (code, md, _) = diff(repo.path(), "hostile", "markdown");
    assert_eq!(code, 1, "{md}");
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&md));
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("javascript:alert(1)\""), "{html}");
    assert!(!html.contains("href=\"javascript"), "{html}");
    assert!(!html.contains("<em>"), "{html}");
    assert!(!md.contains("@team"), "{md}");
    assert!(!md.contains("a|b"), "{md}");
    // The text is all there, as text.
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("[x](javascript:alert(1))"), "{html}");
    // JSON carries the title as it is.
    let (_, json, _) = diff(repo.path(), "hostile", "json");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let labels = &doc["diff"]["models"][0]["labels"];
    assert_eq!(labels["T-1"], title, "{json}");
    // Each change carries its impact, for bots.
    let severity = doc["diff"]["models"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["change"] == "severity-changed")
        .unwrap();
    assert_eq!(severity["impact"], "weakened", "{json}");
    assert_eq!(severity["needs_reviewer"], true, "{json}");
    assert_eq!(doc["policy_violations"][0]["policy"], "weakened", "{json}");
    // And the terminal gets it without control characters or escapes.
    let (_, text, _) = diff(repo.path(), "hostile", "human");
    assert!(text.contains(title), "{text}");
}

/// A model with component `c` and the given threats (YAML list items).
fn small_model(id: &str, threats: &str) -> String {
    format!(
        "tm: 1\nid: {id}\ntitle: {id}\nstatus: draft\nrisk: low\ncomponents:\n  - {{id: c, name: C, kind: service}}\nthreats:\n{threats}"
    )
}

const X1_OPEN: &str = "  - {id: X-1, target: c, stride: spoofing, title: Forged token, likelihood: high, impact: high, severity: high, status: open}\n";
const X2_MITIGATED: &str = "  - {id: X-2, target: c, stride: spoofing, title: Replay, likelihood: low, impact: low, severity: low, status: mitigated, current: Nonces}\n";

#[test]
fn a_threat_moved_to_another_model_is_no_weakening_unless_it_is_downgraded_on_the_way() {
    let repo = ScriptedRepo::new();
    repo.write(
        "models/a.yaml",
        &small_model("a", &format!("{X1_OPEN}{X2_MITIGATED}")),
    );
    repo.write("models/b.yaml", &small_model("b", X2_MITIGATED));
    repo.commit("Two models", "2026-01-02");
    let moved_b: &'static str =
        Box::leak(small_model("b", &format!("{X1_OPEN}{X2_MITIGATED}")).into_boxed_str());
    let only_x2: &'static str = Box::leak(small_model("a", X2_MITIGATED).into_boxed_str());
    branch(
        &repo,
        "moved",
        &[
            Write("models/a.yaml", only_x2),
            Write("models/b.yaml", moved_b),
        ],
    );
    let (code, md, err) = diff(repo.path(), "moved", "markdown");
    assert_eq!(code, 0, "{md}{err}");
    assert!(
        md.contains("removed (was open, severity high); moved to model `b`"),
        "{md}"
    );
    let lowered: &'static str = Box::leak(
        moved_b
            .replacen("severity: high", "severity: low", 1)
            .into_boxed_str(),
    );
    branch(
        &repo,
        "moved-and-lowered",
        &[
            Write("models/a.yaml", only_x2),
            Write("models/b.yaml", lowered),
        ],
    );
    let (code, md, _) = diff(repo.path(), "moved-and-lowered", "markdown");
    assert_eq!(code, 1, "{md}");
    assert!(
        needs_reviewer(&md)
            .contains("threat `X-1` “Forged token” removed (was open, severity high)"),
        "{md}"
    );
}

#[test]
fn a_model_without_a_git_repository_or_with_an_unknown_revision_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), BOOK).unwrap();
    let out = tm_in(dir.path()).args(["diff", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let repo = base_repo();
    let out = repo.tm().args(["diff", "no-such-branch"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // A repository with no book.toml and no models directory is no project:
    // never "no change" with exit 0.
    let empty = ScriptedRepo::new();
    empty.write("README.md", "hi\n");
    empty.commit("Start", "2026-01-02");
    let out = empty.tm().args(["diff", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no project found"), "{err}");
}

#[test]
fn a_project_in_a_subdirectory_of_the_repository_links_repository_paths() {
    let repo = ScriptedRepo::new();
    repo.write(
        "svc/book.toml",
        &BOOK.replace(
            "[output.tm]\n",
            "[output.tm]\nsource-url = \"https://git.example/mono/blob/{commit}/{path}#L{line}\"\n",
        ),
    );
    repo.write("svc/Cargo.toml", CARGO);
    repo.write("svc/src/main.rs", MAIN_RS);
    repo.write("svc/src/web.rs", WEB_RS);
    repo.write("svc/models/shop.yaml", MODEL);
    repo.commit("Model the service", "2026-01-02");
    branch(
        &repo,
        "lower",
        &[Replace(
            "svc/models/shop.yaml",
            "severity: critical",
            "severity: low",
        )],
    );
    let head = repo.git(&["rev-parse", "lower"]).trim().to_owned();
    let (code, md, err) = diff(&repo.path().join("svc/src"), "lower", "markdown");
    assert_eq!(code, 1, "{md}{err}");
    let line = MODEL.lines().position(|l| l == "  - id: T-1").unwrap() + 1;
    let link = format!("(<https://git.example/mono/blob/{head}/svc/models/shop.yaml#L{line}>)");
    assert!(md.contains(&link), "{link}\n{md}");
    // The repository root holds no project: exit 2, never "no change".
    let (code, _, err) = diff(repo.path(), "lower", "markdown");
    assert_eq!(code, 2, "{err}");
}

#[test]
fn open_threats_reaching_approval_max_open_severity_need_a_reviewer() {
    let repo = base_repo();
    branch(
        &repo,
        "raised",
        &[Replace(
            "models/shop.yaml",
            "severity: medium\n    status: open",
            "severity: high\n    status: open",
        )],
    );
    let (code, md, _) = diff(repo.path(), "raised", "markdown");
    // Not a weakening: the gate passes, but a reviewer is asked to look.
    assert_eq!(code, 0, "{md}");
    let reviewer = needs_reviewer(&md);
    assert!(
        reviewer.contains("**New open threats at or above approval-max-open-severity**"),
        "{md}"
    );
    assert!(
        reviewer.contains("threat `T-4` “Stolen account”: severity medium → high"),
        "{md}"
    );
}

#[test]
fn a_file_over_the_reading_budget_does_not_stop_the_diff() {
    let repo = ScriptedRepo::new();
    repo.write("book.toml", BOOK);
    repo.write("models/shop.yaml", MODEL);
    repo.write("src/main.rs", MAIN_RS);
    repo.write("src/web.rs", WEB_RS);
    repo.write("Cargo.toml", CARGO);
    // Generated data past tm's 8 MiB reading budget, committed in the tree.
    let big = "x".repeat(9 * 1024 * 1024);
    repo.write("src/generated.txt", &big);
    repo.commit("Model the shop with a big file", "2026-01-02");
    branch(&repo, "same", &[Write("README.md", "hi\n")]);
    let (code, out, err) = diff(repo.path(), "same", "human");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("no change in threat-model terms"), "{out}");
}

#[test]
fn findings_silenced_by_a_relaxed_rule_are_no_fix() {
    let repo = ScriptedRepo::new();
    repo.write("book.toml", BOOK);
    // High risk with one category answered: TM201 reports the gaps.
    repo.write(
        "models/a.yaml",
        &small_model("a", X1_OPEN).replace("risk: low", "risk: high"),
    );
    repo.commit("A model with gaps", "2026-01-02");
    branch(
        &repo,
        "off",
        &[Replace(
            "book.toml",
            "[output.tm]\n",
            "[output.tm]\nrules = { stride-coverage = \"off\" }\n",
        )],
    );
    let (code, md, _) = diff(repo.path(), "off", "markdown");
    assert_eq!(code, 1, "{md}");
    assert!(!md.contains("fixed"), "{md}");
    assert!(!md.contains('✅'), "{md}");
    assert!(
        needs_reviewer(&md).contains("(relaxed; 1 finding of the base no longer reported)"),
        "{md}"
    );
}
