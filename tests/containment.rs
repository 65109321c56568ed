//! Nothing read or written outside the project, and one build at a time:
//! the real binary on hostile checkouts made in a temp dir (symbolic links
//! out of the project, committed markers, concurrent and killed builds).
#![cfg(unix)]

mod common;
mod history_support;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::TempProject;
use predicates::prelude::*;
use predicates::str::contains;

const MODEL: &str = "\
tm: 1
id: shop
title: Shop
status: in-review
risk: low
components:
  - {id: web, name: Web front, kind: service, code: {paths: ['src/**']}}
";

const SECRET: &str = "TM_TEST_SECRET_4242";

/// A project with one model, a Rust source and a secret file outside it.
fn project() -> (TempProject, tempfile::TempDir) {
    let p = TempProject::new();
    p.write("models/shop.yaml", MODEL);
    p.write("src/main.rs", "fn main() {}\n");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), SECRET).unwrap();
    std::fs::write(
        outside.path().join("secret.rs"),
        format!("fn main() {{ let _ = \"{SECRET}\"; std::env::var(\"X\"); }}\n"),
    )
    .unwrap();
    (p, outside)
}

/// Every file under `dir`, with its bytes.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn contains_secret(dir: &Path) -> bool {
    tree(dir)
        .iter()
        .any(|(_, bytes)| String::from_utf8_lossy(bytes).contains(SECRET))
}

fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.contains(".tm-new-") || n.contains(".tm-old-") || n.contains(".tm-state.tmp-")
        })
        .collect()
}

#[test]
fn a_theme_file_linked_out_of_the_project_is_never_read_into_the_site() {
    let (p, outside) = project();
    p.write(
        "book.toml",
        "[output.tm]\ntheme = \"theme\"\n[output.tm.rules]\nunmodelled-entry-point = \"off\"\n",
    );
    p.write("theme/assets/extra.css", "body {}\n");
    p.tm(&["build"]).assert().success();
    let before = tree(&p.root().join("book"));
    for target in [
        outside.path().join("secret"),
        PathBuf::from("/proc/self/environ"),
    ] {
        let link = p.root().join("theme/assets/leak.txt");
        let _ = std::fs::remove_file(&link);
        symlink(&target, &link).unwrap();
        p.tm(&["build"])
            .env(SECRET, SECRET)
            .assert()
            .code(2)
            .stderr(contains(
                "theme: theme/assets/leak.txt leads outside the project",
            ));
        assert_eq!(tree(&p.root().join("book")), before, "previous site intact");
        assert!(!contains_secret(&p.root().join("book")));
    }
    // A theme directory that is itself a link out of the project.
    std::fs::remove_dir_all(p.root().join("theme")).unwrap();
    symlink(outside.path(), p.root().join("theme")).unwrap();
    p.tm(&["build"])
        .assert()
        .code(2)
        .stderr(contains("leads outside the project"));
    assert_eq!(tree(&p.root().join("book")), before);
}

#[test]
fn source_roots_and_sources_linked_out_of_the_project_are_refused_with_a_finding() {
    let (p, outside) = project();
    p.write(
        "book.toml",
        "[output.tm]\nsource-roots = [\"src\", \"everything\", \"etc\"]\n",
    );
    symlink("/", p.root().join("everything")).unwrap();
    symlink("/etc", p.root().join("etc")).unwrap();
    symlink(
        outside.path().join("secret.rs"),
        p.root().join("src/leak.rs"),
    )
    .unwrap();
    symlink("main.rs", p.root().join("src/alias.rs")).unwrap();
    let started = std::time::Instant::now();
    let (code, report) = p.check_json(&[]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "/ was not walked"
    );
    assert_eq!(code, 0, "{report}");
    let skipped: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "TM004")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(
        skipped.iter().any(|(f, m)| f == "book.toml"
            && m.contains("source root everything leads outside the project"))
    );
    assert!(
        skipped
            .iter()
            .any(|(f, m)| f == "book.toml"
                && m.contains("source root etc leads outside the project"))
    );
    assert!(skipped.iter().any(|(f, m)| f == "src/leak.rs"
        && m.contains(&outside.path().join("secret.rs").display().to_string())));
    // The linked file was not read: its entry point is not reported.
    let text = report.to_string();
    assert!(
        !text.contains(SECRET) && !text.contains("std::env::var"),
        "{text}"
    );
    p.tm(&["check"])
        .assert()
        .success()
        .stdout(contains("src/leak.rs").and(contains("TM004")));
}

#[test]
fn a_models_dir_or_book_toml_linked_out_of_the_project_is_refused() {
    let (p, outside) = project();
    std::fs::remove_dir_all(p.root().join("models")).unwrap();
    symlink(outside.path(), p.root().join("models")).unwrap();
    p.tm(&["check"]).assert().code(2).stderr(contains(
        "models directory models leads outside the project",
    ));
    std::fs::remove_file(p.root().join("models")).unwrap();
    p.write("models/shop.yaml", MODEL);
    // The fixture writes an empty book.toml; the link replaces it.
    std::fs::remove_file(p.root().join("book.toml")).unwrap();
    symlink(outside.path().join("secret"), p.root().join("book.toml")).unwrap();
    p.tm(&["check"])
        .assert()
        .code(2)
        .stderr(contains("book.toml leads outside the project").and(contains(SECRET).not()));
}

#[test]
fn init_never_writes_through_a_link_out_of_the_project() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    symlink(outside.path(), dir.path().join("models")).unwrap();
    let init = |dir: &Path| {
        let mut cmd = assert_cmd::Command::cargo_bin("tm").unwrap();
        cmd.arg("init").arg(dir);
        cmd
    };
    init(dir.path())
        .assert()
        .code(2)
        .stderr(contains("models/example.yaml leads outside the project"));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    assert!(
        !dir.path().join("book.toml").exists(),
        "nothing written on refusal"
    );
    // book.toml: a dangling link out of the project is not written through.
    let dir = tempfile::tempdir().unwrap();
    let target = outside.path().join("book.toml");
    symlink(&target, dir.path().join("book.toml")).unwrap();
    init(dir.path()).assert().code(2);
    assert!(!target.exists());
    // A link inside the project is fine.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("threats")).unwrap();
    symlink("threats", dir.path().join("models")).unwrap();
    init(dir.path()).assert().success();
    assert!(dir.path().join("threats/example.yaml").is_file());
}

#[test]
fn a_committed_marker_does_not_let_the_site_replace_src() {
    let (p, _outside) = project();
    p.write(
        "book.toml",
        "[output.tm]\noutput-dir = \"src\"\n[output.tm.rules]\ncode-path-unmatched = \"off\"\n",
    );
    p.write(
        "src/.tm-site",
        "This directory is generated by `tm build`.\n",
    );
    p.write(".src.tm-state", "site 1:2:3.000000000:4:5.000000000\n");
    p.tm(&["build"])
        .assert()
        .code(2)
        .stderr(contains("refusing to replace"));
    assert_eq!(
        std::fs::read_to_string(p.root().join("src/main.rs")).unwrap(),
        "fn main() {}\n"
    );
    // The same with the output dir's state file swapped for a link.
    std::fs::remove_file(p.root().join(".src.tm-state")).unwrap();
    symlink("/etc/passwd", p.root().join(".src.tm-state")).unwrap();
    p.tm(&["build"]).assert().code(2);
    assert!(p.root().join("src/main.rs").is_file());
}

#[test]
fn source_url_must_be_a_web_address() {
    let (p, _outside) = project();
    p.write(
        "book.toml",
        "[book]\ntitle = \"x\"\n\n[output.tm]\nsource-url = \"javascript:alert(1)//{path}\"\n",
    );
    p.tm(&["check"])
        .assert()
        .code(2)
        .stderr(contains("book.toml:5:1: ").and(contains("not an http:// or https:// address")));
}

fn build_process(root: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("tm"));
    cmd.arg("build")
        .arg(root)
        .env("TM_TODAY", common::TODAY)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

#[test]
fn concurrent_builds_take_turns_and_both_leave_a_whole_site() {
    let (p, _outside) = project();
    p.tm(&["build"]).assert().success();
    let expected = tree(&p.root().join("book"));
    for _ in 0..3 {
        let children: Vec<_> = (0..3)
            .map(|_| build_process(p.root()).spawn().unwrap())
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(tree(&p.root().join("book")), expected);
        assert_eq!(leftovers(p.root()), Vec::<String>::new());
    }
}

#[test]
fn a_killed_build_leaves_the_previous_site_and_its_leftovers_are_cleaned_next_time() {
    let (p, _outside) = project();
    // Enough pages that the write takes a while: the build is killed in it.
    for n in 0..300 {
        p.write(
            &format!("models/m{n}.yaml"),
            &MODEL.replace("id: shop", &format!("id: m{n}")),
        );
    }
    p.tm(&["build"]).assert().success();
    let expected = tree(&p.root().join("book"));
    let mut caught = 0;
    for _ in 0..3 {
        // Without its no-op cache record the build renders and writes again.
        let _ = std::fs::remove_file(p.root().join(".book.tm-cache"));
        let mut child = build_process(p.root()).spawn().unwrap();
        let started = std::time::Instant::now();
        while leftovers(p.root()).is_empty() && started.elapsed() < Duration::from_secs(60) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        // SIGKILL: no destructor, no cleanup; the lock dies with the process.
        let _ = child.kill();
        let _ = child.wait();
        caught += usize::from(!leftovers(p.root()).is_empty());
        assert_eq!(tree(&p.root().join("book")), expected, "site damaged");
    }
    assert!(caught > 0, "no build was killed while writing");
    p.tm(&["build"]).assert().success();
    assert_eq!(tree(&p.root().join("book")), expected);
    assert_eq!(leftovers(p.root()), Vec::<String>::new());
}

#[test]
fn a_symlinked_model_is_skipped_by_check_and_by_diff_alike() {
    let repo = history_support::ScriptedRepo::new();
    repo.write("models/shop.yaml", MODEL);
    let base = repo.commit("shop model", "2026-01-01");
    let linked = MODEL.replace("id: shop", "id: linked");
    repo.write("elsewhere/linked.yaml", &linked);
    std::fs::create_dir_all(repo.path().join("models")).unwrap();
    symlink(
        "../elsewhere/linked.yaml",
        repo.path().join("models/linked.yaml"),
    )
    .unwrap();
    let head = repo.commit("link a model", "2026-01-02");
    let out = repo
        .tm()
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"TM004"), "{report}");
    let out = repo
        .tm()
        .args(["diff", &base, &head, "--format", "json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        !text.contains("linked"),
        "diff saw the linked model: {text}"
    );
}

#[test]
fn an_ignore_file_linked_to_a_device_or_made_a_pipe_is_not_read() {
    let (p, _outside) = project();
    symlink("/dev/zero", p.root().join("src/.gitignore")).unwrap();
    p.write("lib/ok.rs", "pub fn f() {}\n");
    p.write("lib/piped/x.rs", "pub fn g() {}\n");
    let fifo = p.root().join("lib/piped/.ignore");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    p.write(
        "book.toml",
        "[output.tm]\nsource-roots = [\"src\", \"lib\"]\n[output.tm.rules]\ncode-path-unmatched = \"off\"\n",
    );
    let started = std::time::Instant::now();
    let (code, report) = p.check_json(&[]);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(code, 0, "{report}");
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "TM004")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("src/.gitignore")));
    assert!(
        messages
            .iter()
            .any(|m| m.contains("lib/piped/.ignore is not a regular file"))
    );
}
