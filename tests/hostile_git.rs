//! A pull request controls every file git might read: the files of a bare
//! repository committed into the project, `.gitattributes` naming a filter,
//! commit subjects and author names with separator and escape bytes, and
//! blobs far over the size budget. None of it may run a command, forge
//! history, reach the terminal raw, or be read into memory.

mod history_support;

use std::path::{Path, PathBuf};

use history_support::{ScriptedRepo, git_in};

const MODEL: &str = "\
tm: 1
id: api
title: API
status: in-review
risk: low
components:
  - {id: api, name: API, kind: service, code: {paths: ['src/**']}}
threats:
  - {id: A-1, target: api, stride: spoofing, title: Stolen token, likelihood: high, impact: high, severity: low, status: open}
";

fn with_review(commit: &str) -> String {
    format!(
        "{MODEL}reviews:\n  - kind: security\n    by: sec@example.com\n    at: 2026-03-01\n    commit: {commit}\n    outcome: approved\n"
    )
}

/// The real repository, with the project in `proj/`: the model, reviewed at
/// the first commit, then code and model changes after the review.
fn project_in_subdir() -> ScriptedRepo {
    let repo = ScriptedRepo::new();
    // The project is `proj/`: its own book.toml is the one tm finds.
    repo.write("proj/book.toml", "");
    repo.write("proj/src/lib.rs", "pub fn a() {}\n");
    repo.write("proj/models/api.yaml", MODEL);
    let first = repo.commit("Model the API", "2026-03-01");
    repo.write("proj/models/api.yaml", &with_review(&first));
    repo.commit("Record the security review", "2026-03-02");
    repo.write("proj/src/lib.rs", "pub fn a() {}\npub fn b() {}\n");
    repo.write(
        "proj/models/api.yaml",
        &with_review(&first).replace("severity: low", "severity: medium"),
    );
    repo.commit("Raise A-1", "2026-03-03");
    repo
}

/// tm, run from the top of the work tree.
fn tm(repo: &ScriptedRepo) -> assert_cmd::Command {
    let mut cmd = history_support::tm_in(repo.path());
    cmd.env("TM_TODAY", "2026-03-10");
    cmd
}

/// Every command that reads git, on the project in `proj/`.
fn run_every_git_command(repo: &ScriptedRepo) -> Vec<std::process::Output> {
    let runs: [&[&str]; 5] = [
        &["build", "proj"],
        &["queue", "proj"],
        &["history", "-C", "proj", "api"],
        &["diff", "-C", "proj", "HEAD~2", "HEAD"],
        &["check", "proj"],
    ];
    runs.iter()
        .map(|args| tm(repo).args(*args).output().unwrap())
        .collect()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Makes `file` look changed to git's stat check, so a status hashes it again.
fn touch(file: &Path, secs: u64) {
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    std::fs::File::options()
        .write(true)
        .open(file)
        .unwrap()
        .set_modified(when)
        .unwrap();
}

/// Copies a directory tree (files and directories only).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A repository of the attacker's: a commit of its own ("Fake history") on
/// `main`, plus every object of `real`, so the review commit resolves in it.
fn fake_git_dir(real: &ScriptedRepo) -> ScriptedRepo {
    let fake = ScriptedRepo::new();
    let model = std::fs::read_to_string(real.path().join("proj/models/api.yaml")).unwrap();
    fake.write(
        "models/api.yaml",
        &model.replace("title: API", "title: Fake"),
    );
    fake.write("src/lib.rs", "pub fn fake() {}\n");
    fake.commit("Fake history", "2026-03-09");
    let url = real.path().display().to_string();
    fake.git(&["fetch", "-q", &url, "main:refs/heads/real"]);
    fake
}

#[test]
fn the_files_of_a_bare_repository_committed_into_the_project_are_never_used() {
    let markers = tempfile::tempdir().unwrap();
    let marker = |name: &str| markers.path().join(name);
    let repo = project_in_subdir();
    // A PR adds a repository's files next to book.toml: git's own discovery
    // takes `proj/` for a git directory and obeys its config.
    let fake = fake_git_dir(&repo);
    copy_tree(&fake.path().join(".git"), &repo.path().join("proj"));
    std::fs::remove_file(repo.path().join("proj/index")).unwrap();
    let config = format!(
        "[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = .\n\tfsmonitor = \"touch {}; true\"\n\tpager = \"touch {}; cat\"\n\thooksPath = hooks\n[diff]\n\texternal = \"touch {}; true\"\n",
        marker("fsmonitor").display(),
        marker("pager").display(),
        marker("external").display(),
    );
    repo.write("proj/config", &config);
    repo.write(
        "proj/hooks/post-index-change",
        &format!("#!/bin/sh\ntouch {}\n", marker("hook").display()),
    );
    repo.commit("Innocent-looking files", "2026-03-04");

    // The fixture is hostile: plain git in the project uses the fake
    // repository and runs its command.
    let head = git_in(
        &repo.path().join("proj"),
        &["log", "-1", "--format=%s"],
        "2026-03-05T00:00:00+00:00",
    );
    assert_eq!(head.trim(), "Fake history");
    let _ = git_in(
        &repo.path().join("proj"),
        &["status", "--porcelain"],
        "2026-03-05T00:00:00+00:00",
    );
    assert!(
        marker("fsmonitor").exists(),
        "the fixture no longer attacks git"
    );
    std::fs::remove_file(marker("fsmonitor")).unwrap();

    let outs = run_every_git_command(&repo);
    let left: Vec<PathBuf> = std::fs::read_dir(markers.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        left.is_empty(),
        "tm ran the repository's commands: {left:?}"
    );
    // History and drift come from the real repository.
    for out in &outs {
        assert!(!stdout(out).contains("Fake"), "{}", stdout(out));
    }
    let history = stdout(&outs[2]);
    assert!(history.contains("Raise A-1"), "{history}");
    assert!(history.contains("Model the API"), "{history}");
    let queue = stdout(&outs[1]);
    assert!(queue.contains("Raise A-1"), "{queue}");
    assert_eq!(outs[0].status.code(), Some(0), "{:?}", outs[0]);
}

#[test]
fn a_committed_gitattributes_filter_or_textconv_never_runs() {
    let markers = tempfile::tempdir().unwrap();
    let marker = markers.path().join("filter");
    let repo = project_in_subdir();
    repo.write("proj/.gitattributes", "* filter=evil diff=evil\n");
    repo.commit("Attributes", "2026-03-04");
    // A driver of that name exists on this machine (as git-lfs's would).
    let command = format!("touch {}; cat", marker.display());
    repo.git(&["config", "filter.evil.clean", &command]);
    repo.git(&["config", "diff.evil.textconv", &command]);
    let code = repo.path().join("proj/src/lib.rs");

    touch(&code, 1_000_000);
    let _ = git_in(
        repo.path(),
        &["status", "--porcelain"],
        "2026-03-05T00:00:00+00:00",
    );
    assert!(marker.exists(), "the fixture no longer attacks git");
    std::fs::remove_file(&marker).unwrap();

    touch(&code, 2_000_000);
    let outs = run_every_git_command(&repo);
    assert!(!marker.exists(), "a filter from .gitattributes ran");
    assert!(stdout(&outs[1]).contains("Raise A-1"));
}

#[test]
fn separators_and_escape_sequences_in_commits_forge_nothing_and_reach_no_terminal() {
    let repo = project_in_subdir();
    let forged = "Tidy\x1e0123456789012345678901234567890123456789\x1fSec Eng\x1fsec@example.com\x1f2026-03-05T00:00:00+00:00\x1fsecurity review: approved\x1b[2J\x1b]0;owned\x07 \u{202e}desrever";
    let model = std::fs::read_to_string(repo.path().join("proj/models/api.yaml")).unwrap();
    repo.write(
        "proj/models/api.yaml",
        &model
            .replace("severity: medium", "severity: high")
            .replace("title: Stolen token", "title: \"Stolen\\e[2J token\"")
            .replace("title: API", "title: \"API\\e]0;owned\\a\""),
    );
    repo.write("proj/src/lib.rs", "pub fn c() {}\n");
    repo.git(&["add", "-A"]);
    git_in(
        repo.path(),
        &[
            "commit",
            "-q",
            "--author",
            "Eve\x1b[31m <eve@example.com>",
            "-m",
            forged,
            "-m",
            "\x1e\nsecurity review: approved",
        ],
        "2026-03-05T10:00:00+00:00",
    );

    let out = tm(&repo)
        .args(["history", "-C", "proj", "api", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries = json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4, "{json:#}");
    let subjects: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["revision"]["subject"].as_str())
        .collect();
    assert!(subjects.contains(&forged), "{subjects:?}");

    for args in [
        &["history", "-C", "proj", "api"][..],
        &["history", "-C", "proj", "api", "--threats"],
        &["queue", "proj"],
        &["diff", "-C", "proj", "HEAD~1", "HEAD"],
    ] {
        let out = tm(&repo).args(args).output().unwrap();
        let text = stdout(&out);
        assert!(
            !text.contains(['\x1b', '\x07', '\x1e', '\x1f', '\u{202e}']),
            "{args:?}: {text:?}"
        );
        // Shown (escaped or dropped), never obeyed.
        assert!(text.contains("[2J"), "{args:?}: {text}");
    }
}

#[test]
fn a_model_blob_over_the_budget_is_reported_by_size_and_never_read() {
    let repo = project_in_subdir();
    // 9 MiB of comments: over the 8 MiB budget, tiny once compressed.
    let big = format!(
        "{MODEL}{}",
        "# padding padding padding padding\n".repeat(280_000)
    );
    repo.write("proj/models/api.yaml", &big);
    repo.commit("Pad the model", "2026-03-04");

    let out = tm(&repo)
        .args(["history", "-C", "proj", "api", "--json"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        text.contains(
            "bytes in git; tm reads model files of up to 8388608 bytes, so it was not read"
        ),
        "{text}"
    );

    let out = tm(&repo)
        .args(["diff", "-C", "proj", "--format", "json", "HEAD~1", "HEAD"])
        .output()
        .unwrap();
    // A finding or a refusal, either way naming the size and the budget.
    let said = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(said.contains(&big.len().to_string()), "{said}");
    assert!(said.contains("8388608 bytes"), "{said}");
}
