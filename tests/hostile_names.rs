//! Hostile text through the real binary. Regressions: names the diagram could
//! not wrap made `tm build` panic (exit 101): an unbroken word of 21–23
//! characters, and CJK text without spaces; a queue title with backticks
//! vanished; a `javascript:` source-url reached the site.

mod common;

use common::TempProject;

/// A low-risk draft model whose components carry the given names, with a flow
/// between each consecutive pair (alternating zones, so flows cross).
fn model(names: &[&str]) -> String {
    let mut y = String::from(
        "tm: 1\nid: hostile\ntitle: Hostile names\nstatus: draft\nrisk: low\nzones: [outer, inner]\ncomponents:\n",
    );
    for (i, n) in names.iter().enumerate() {
        let zone = if i % 2 == 0 { "outer" } else { "inner" };
        y.push_str(&format!(
            "  - {{id: c{i}, name: {}, kind: service, zone: {zone}}}\n",
            serde_json::to_string(n).unwrap()
        ));
    }
    if names.len() > 1 {
        y.push_str("flows:\n");
    }
    for (i, n) in names.iter().enumerate().skip(1) {
        y.push_str(&format!(
            "  - {{id: f{i}, name: {}, from: c{}, to: c{i}}}\n",
            serde_json::to_string(n).unwrap(),
            i - 1
        ));
    }
    // The flows cross between the zones: a declared boundary (TM601).
    y.push_str("boundaries:\n  - {id: edge, between: [outer, inner]}\n");
    y
}

fn build(names: &[&str]) -> String {
    let p = TempProject::new();
    p.write("book.toml", "[output.tm]\n");
    p.write("models/hostile.yaml", &model(names));
    let out = p.tm(&["build"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    std::fs::read_to_string(p.root().join("book/models/hostile.html")).unwrap()
}

#[test]
fn unbroken_names_of_21_to_23_characters_build() {
    let html = build(&[
        "Authenticationservice",
        "Authenticationservices",
        "Authenticationservicess",
        "Authenticationservicesss",
        "Authenticationserviceprovidergateway",
    ]);
    assert!(html.contains(">Authenticationservice<"), "kept on one line");
    assert!(
        html.contains("Authenticationserviceprovidergateway"),
        "full name kept"
    );
}

#[test]
fn cjk_emoji_rtl_and_combining_names_build() {
    let html = build(&[
        "認証サービスと決済処理のゲートウェイ",
        "支払い",
        "👩\u{200D}👩\u{200D}👧👩\u{200D}👩\u{200D}👧👩\u{200D}👩\u{200D}👧👩\u{200D}👩\u{200D}👧👩\u{200D}👩\u{200D}👧",
        "خدمة المصادقة وإدارة الجلسات للمستخدمين",
        "Z\u{0351}\u{0352}\u{0357}a\u{0351}\u{0352}l\u{0351}\u{0352}g\u{0351}o\u{0352}\u{0357}\u{0351}\u{0352}\u{0357}\u{0351}\u{0352}\u{0357}\u{0351}\u{0352}\u{0357}",
        "zero\u{200B}width\u{200B}joined\u{200B}words\u{200B}here",
    ]);
    assert!(
        html.contains("認証サービスと決済処理のゲートウェイ"),
        "full name kept"
    );
}

/// Queue items used to be Markdown with the title pasted in, then parsed:
/// a title with backticks could swallow the rest of the line or vanish.
#[test]
fn titles_with_backticks_show_on_the_queue_page_and_in_markdown() {
    let titles = [
        "Use of `eval` on the request body",
        "``` fenced ``` and a lone ` tick",
        "`",
        "<x-probe> & <!-- comment",
    ];
    let mut y = model(&["Checkout service"]);
    y.push_str("threats:\n");
    for (i, t) in titles.iter().enumerate() {
        y.push_str(&format!(
            "  - {{id: T-{i}, target: c0, stride: spoofing, title: {}, likelihood: low, impact: low, severity: low, status: open, drafted: true}}\n",
            serde_json::to_string(t).unwrap()
        ));
    }
    let p = TempProject::new();
    p.write("book.toml", "[output.tm]\n");
    p.write("models/hostile.yaml", &y);
    p.tm(&["build"]).assert().success();
    let page = std::fs::read_to_string(p.root().join("book/queue.html")).unwrap();
    for t in titles {
        let shown = t
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(
            page.contains(&format!("“<bdi>{shown}</bdi>”")),
            "{t:?} missing:\n{page}"
        );
    }
    assert!(!page.contains("<x-probe>"), "{page}");
    let out = p.tm(&["queue", "--format", "markdown"]).output().unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("“Use of \\`eval\\` on the request body”"),
        "{md}"
    );
    assert!(!md.contains("<x-probe>"), "{md}");
    let out = p.tm(&["queue"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for t in titles {
        assert!(text.contains(&format!("“{t}”")), "{t:?} missing:\n{text}");
    }
}

/// book.toml comes with the pull request too: a `source-url` that is not an
/// http(s) URL would put a `javascript:` link on every code reference.
#[test]
fn a_script_source_url_is_refused() {
    for url in ["javascript:alert(1)//{path}", "data:text/html,{path}"] {
        let p = TempProject::new();
        p.write(
            "book.toml",
            &format!(
                "[output.tm]\nsource-url = {}\n",
                serde_json::to_string(url).unwrap()
            ),
        );
        p.write("models/hostile.yaml", &model(&["Checkout service"]));
        p.tm(&["build"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("is not an http(s) URL"));
        assert!(!p.root().join("book").exists(), "no site built");
    }
}
