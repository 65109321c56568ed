//! `tm build --allow-errors`, `tm completions`, `tm man`, `--quiet` and
//! `--verbose`: the real binary in a temp project.

mod common;

use common::TempProject;

const BOOK: &str = "[book]\ntitle = \"P\"\n\n[output.tm.rules]\nstride-coverage = \"warning\"\n";

fn project(target: &str) -> TempProject {
    let p = TempProject::new();
    p.write("book.toml", BOOK);
    p.write(
        "models/pay.yaml",
        &format!(
            "tm: 1\nid: pay\ntitle: Pay\nstatus: draft\nrisk: low\ncomponents:\n  - id: api\n    name: API\n    kind: service\nthreats:\n  - id: T-1\n    target: {target}\n    stride: spoofing\n    title: \"Forged <b>caller</b>\"\n    likelihood: low\n    impact: low\n    severity: low\n    status: open\n"
        ),
    );
    p
}

fn read(p: &TempProject, rel: &str) -> String {
    std::fs::read_to_string(p.root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn allow_errors_builds_a_site_that_shows_them_and_exits_0() {
    let p = project("nowhere");
    let refused = p.tm(&["build"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(!p.root().join("book/index.html").exists());

    let out = p.tm(&["build", "--allow-errors"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("nowhere"),
        "the errors are printed: {stderr}"
    );
    assert!(stderr.contains("with errors"), "{stderr}");
    let index = read(&p, "book/index.html");
    assert!(index.contains("tm-error-banner"), "{index}");
    assert!(index.contains("href=\"diagnostics.html\""), "{index}");
    let model = read(&p, "book/models/pay.html");
    assert!(model.contains("href=\"../diagnostics.html\""), "{model}");
    let diagnostics = read(&p, "book/diagnostics.html");
    assert!(diagnostics.contains("finding error"), "{diagnostics}");
    assert!(diagnostics.contains("nowhere"), "{diagnostics}");
    assert!(read(&p, "book/assets/style.css").contains(".tm-error-banner"));
    // The built site's CSP is the theme's: no live-reload allowance.
    assert!(!index.contains("connect-src"), "{index}");
    assert!(!index.contains("/__tm/"), "{index}");
}

#[test]
fn allow_errors_on_a_clean_project_is_the_normal_site() {
    let p = project("api");
    p.tm(&["build", "--allow-errors"]).assert().success();
    assert!(!read(&p, "book/index.html").contains("tm-error-banner"));
    assert!(!p.root().join("book/diagnostics.html").exists());
}

#[test]
fn quiet_says_nothing_on_success_and_verbose_gives_timings() {
    let p = project("api");
    let out = p.tm(&["--quiet", "build"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    // Nothing changed: the no-op cache answers, and says how long hashing took.
    let out = p.tm(&["build", "--verbose"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("tm: fingerprint of the inputs:"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing to do"), "{stderr}");
    // A forced build does the work, stage by stage.
    let out = p.tm(&["build", "--verbose", "--force"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("tm: load, index and check:"), "{stderr}");
    assert!(stderr.contains(" ms"), "{stderr}");
    assert!(stderr.contains("built 1 model"), "{stderr}");
}

#[test]
fn completions_and_man_page_come_from_the_real_flags() {
    let p = TempProject::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = p.tm(&["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("allow-errors"), "{shell}: {text}");
        assert!(text.contains("serve"), "{shell}");
    }
    p.tm(&["completions", "cmd"]).assert().code(2);
    let out = p.tm(&["man"]).output().unwrap();
    let man = String::from_utf8_lossy(&out.stdout);
    assert!(man.starts_with(".ie") || man.contains(".TH tm"), "{man}");
    assert!(man.contains("serve"), "{man}");
}
