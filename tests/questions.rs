//! Questions and drafted mitigations through the real binary: the loader's
//! positions for a bad `questions` entry, `--deny-drafts`, the code line a
//! question cites, the review queue, the site and `tm diff`.

mod common;
mod history_support;

use common::TempProject;
use history_support::ScriptedRepo;

const MODEL: &str = "tm: 1
id: files
title: File service
status: in-review
risk: low
components:
  - {id: web, name: Web, kind: service}
threats:
  - {id: T-1, target: web, stride: tampering, title: Path traversal, likelihood: low, impact: low, severity: low, status: open, mitigations: [M-1]}
mitigations:
  - {id: M-1, control: Canonicalise upload paths, status: proposed, drafted: true, library: path-traversal}
questions:
  - id: Q-1
    about: web
    text: How are <b>upload</b> paths validated?
    code: src/files.rs:2
  - id: Q-2
    about: web
    text: Who may delete files?
    answer: Only the **owner**, checked in `delete`.
    answered-by: alice@example.com
    answered-at: 2026-01-10
";

const FILES_RS: &str = "pub fn upload(path: &str) {\n    let _ = std::fs::read(path);\n}\n";

fn project() -> TempProject {
    let p = TempProject::new();
    p.write("book.toml", "[output.tm]\nsource-roots = [\"src\"]\nsource-url = \"https://git.example/files/blob/main/{path}#L{line}\"\n");
    p.write("src/files.rs", FILES_RS);
    p.write("models/files.yaml", MODEL);
    p
}

fn codes(report: &serde_json::Value) -> Vec<(String, String, u64)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["severity"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn open_questions_and_drafted_mitigations_are_warnings_then_errors_under_deny_drafts() {
    let p = project();
    let (code, report) = p.check_json(&[]);
    let found = codes(&report);
    assert_eq!(code, 0, "{report}");
    assert!(
        found.contains(&("TM403".into(), "warning".into(), 13)),
        "{found:?}"
    );
    assert!(
        found.contains(&("TM404".into(), "warning".into(), 11)),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(c, ..)| c == "TM405" || c == "TM406"),
        "{found:?}"
    );
    let (code, report) = p.check_json(&["--deny-drafts"]);
    let found = codes(&report);
    assert_eq!(code, 1, "{report}");
    assert!(
        found.contains(&("TM403".into(), "error".into(), 13)),
        "{found:?}"
    );
    assert!(
        found.contains(&("TM404".into(), "error".into(), 11)),
        "{found:?}"
    );
}

#[test]
fn a_cited_line_past_the_end_or_outside_the_source_roots_is_reported() {
    let p = project();
    let model = MODEL
        .replace("code: src/files.rs:2", "code: src/files.rs:40")
        .replace(
            "    answer: Only",
            "    code: models/files.yaml:3\n    answer: Only",
        );
    p.write("models/files.yaml", &model);
    let (_, report) = p.check_json(&[]);
    let diags = report["diagnostics"].as_array().expect("diagnostics");
    let moved = diags.iter().find(|d| d["code"] == "TM406").expect("TM406");
    assert_eq!(moved["line"], 16);
    assert_eq!(
        moved["message"],
        "question `Q-1` cites line 40 of `src/files.rs`, which has 3 lines"
    );
    // models/ is not a source root here.
    let outside = diags.iter().find(|d| d["code"] == "TM405").expect("TM405");
    assert_eq!(outside["line"], 20);
    // The human output names file:line:column and says how to fix it.
    let out = p.tm(&["check"]).output().expect("run");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("models/files.yaml:16:11"), "{text}");
    assert!(text.contains("update `code`"), "{text}");
}

#[test]
fn a_bad_questions_entry_is_reported_at_its_own_line_and_column() {
    let p = project();
    let model = MODEL
        .replace(
            "    answered-at: 2026-01-10",
            "    answered-at: last tuesday",
        )
        .replace("    text: Who may", "    txet: x\n    text: Who may");
    p.write("models/files.yaml", &model);
    let out = p.tm(&["check"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("TM010"), "{text}");
    assert!(text.contains("models/files.yaml:19:5"), "{text}");
    assert!(text.contains("TM013"), "{text}");
    assert!(text.contains("models/files.yaml:23:18"), "{text}");
}

#[test]
fn the_queue_lists_open_questions_and_drafted_mitigations_in_every_format() {
    let p = project();
    let out = p.tm(&["queue", "--format", "json"]).output().expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let items = json["items"].as_array().expect("items");
    let reasons: Vec<&str> = items.iter().filter_map(|i| i["reason"].as_str()).collect();
    assert!(reasons.contains(&"open-question"), "{json}");
    assert!(reasons.contains(&"drafted-mitigation"), "{json}");
    let q = items
        .iter()
        .find(|i| i["reason"] == "open-question")
        .expect("question");
    assert_eq!(q["question"], "Q-1");
    assert_eq!(q["code"], "src/files.rs:2");
    // Only the open question is queued, and it comes before the drafts.
    assert_eq!(reasons.iter().filter(|r| **r == "open-question").count(), 1);
    let at = |r: &str| reasons.iter().position(|x| *x == r).expect(r);
    assert!(
        at("open-question") < at("drafted-mitigation"),
        "{reasons:?}"
    );

    let out = p.tm(&["queue"]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "open question Q-1 on web at src/files.rs:2: “How are <b>upload</b> paths validated?”"
        ),
        "{text}"
    );
    assert!(
        text.contains("drafted mitigation M-1 “Canonicalise upload paths” awaits review"),
        "{text}"
    );

    let out = p
        .tm(&["queue", "--format", "markdown"])
        .output()
        .expect("run");
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("open question `Q-1` on `web` at `src/files.rs:2`"),
        "{md}"
    );
    assert!(
        !md.contains("<b>"),
        "user text is escaped in Markdown: {md}"
    );
}

#[test]
fn the_site_shows_questions_drafts_and_their_library_entries() {
    let p = project();
    let out = p.tm(&["build"]).output().expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = p.root().join("book");
    let page = std::fs::read_to_string(site.join("models/files.html")).expect("page");
    assert!(page.contains("id=\"questions\""), "no questions section");
    assert!(page.contains("id=\"q-Q-1\""));
    assert!(
        page.contains("How are &lt;b&gt;upload&lt;&#x2F;b&gt; paths validated?")
            || page.contains("How are &lt;b&gt;upload&lt;/b&gt; paths validated?"),
        "question text not escaped"
    );
    assert!(
        page.contains("href=\"https://git.example/files/blob/main/src/files.rs#L2\""),
        "no code link"
    );
    assert!(
        page.contains("<strong>owner</strong>"),
        "answer is Markdown"
    );
    assert!(page.contains("alice@example.com"));
    assert!(page.contains("2026-01-10"));
    assert!(page.contains("href=\"#el-web\""));
    // The drafted mitigation is marked, with its library entry.
    let row = &page[page.find("id=\"mit-M-1\"").expect("mitigation row")..];
    let row = &row[..row.find("</tr>").expect("row end")];
    assert!(row.contains("badge draft"), "{row}");
    assert!(row.contains("path-traversal"), "{row}");
    // The open question comes first.
    assert!(page.find("id=\"q-Q-1\"") < page.find("id=\"q-Q-2\""));
    let index = std::fs::read_to_string(site.join("index.html")).expect("index");
    assert!(
        index.contains("models/files.html#questions\">1</a>"),
        "index counts open questions"
    );
}

const DIFF_BOOK: &str = "[output.tm]\nsource-roots = [\"src\"]\n";

#[test]
fn diff_reports_questions_answered_removed_and_drafts_reviewed() {
    let repo = ScriptedRepo::new();
    repo.write("book.toml", DIFF_BOOK);
    repo.write("src/files.rs", FILES_RS);
    repo.write(
        "models/files.yaml",
        &MODEL.replace(
            "\n  - id: Q-2",
            "\n  - id: Q-3\n    about: web\n    text: Is there a size limit?\n  - id: Q-2",
        ),
    );
    repo.commit("Model files", "2026-01-02");
    repo.git(&["checkout", "-q", "-b", "answer"]);
    let answered = MODEL
        .replace(
            "    code: src/files.rs:2\n",
            "    code: src/files.rs:2\n    answer: They are canonicalised.\n",
        )
        .replace("drafted: true, ", "");
    repo.write("models/files.yaml", &answered);
    repo.commit("Answer Q-1, drop Q-3", "2026-01-03");
    let out = repo
        .tm()
        .args([
            "diff",
            "main",
            "answer",
            "--format",
            "markdown",
            "--fail-on",
            "weakened",
        ])
        .output()
        .expect("run");
    let md = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{md}");
    let reviewer = &md[md.find("Needs a reviewer").expect("reviewer section")..];
    assert!(reviewer.contains("question `Q-1`"), "{md}");
    assert!(
        reviewer.contains("answered with no `answered-by` or `answered-at`"),
        "{md}"
    );
    assert!(reviewer.contains("question `Q-3`"), "{md}");
    assert!(reviewer.contains("removed while still unanswered"), "{md}");
    assert!(md.contains("mitigation `M-1`"), "{md}");
    assert!(md.contains("draft reviewed"), "{md}");
}
