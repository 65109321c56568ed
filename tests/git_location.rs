//! Which repository tm reads: the one its own walk finds (a real `.git`,
//! directory or file), whatever the environment says, and only if git's
//! ownership rule accepts it.

mod history_support;

use history_support::ScriptedRepo;

const MODEL: &str = "tm: 1\nid: api\ntitle: API\nstatus: draft\nrisk: low\n";

fn one_commit(subject: &str) -> ScriptedRepo {
    let repo = ScriptedRepo::new();
    repo.write("models/api.yaml", MODEL);
    repo.commit(subject, "2026-03-01");
    repo
}

fn history(dir: &std::path::Path) -> (String, String) {
    let out = history_support::tm_in(dir)
        .args(["history", "api"])
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_linked_work_tree_is_found_through_its_dot_git_file() {
    let repo = one_commit("Model the API");
    let wt = tempfile::tempdir().unwrap();
    let path = wt.path().join("linked");
    repo.git(&["worktree", "add", "-q", path.to_str().unwrap()]);
    assert!(path.join(".git").is_file());
    let (out, err) = history(&path);
    assert!(out.contains("Model the API"), "{out}{err}");
}

#[test]
fn git_variables_in_the_environment_do_not_choose_the_repository() {
    let repo = one_commit("The real one");
    let other = one_commit("Somewhere else");
    let out = history_support::tm_in(repo.path())
        .env("GIT_DIR", other.path().join(".git"))
        .env("GIT_WORK_TREE", other.path())
        .env(
            "GIT_CONFIG_PARAMETERS",
            "'core.fsmonitor'='touch /nonexistent/x'",
        )
        .args(["history", "api"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("The real one"), "{text}");
    assert!(!text.contains("Somewhere else"), "{text}");
}

#[test]
fn a_directory_outside_any_work_tree_has_no_history_even_beside_repository_files() {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in [
        ("HEAD", "ref: refs/heads/main\n"),
        (
            "config",
            "[core]\n\trepositoryformatversion = 0\n\tbare = true\n",
        ),
        ("objects/info/keep", ""),
        ("refs/heads/keep", ""),
        ("models/api.yaml", MODEL),
        // tm finds its project by book.toml.
        ("book.toml", ""),
    ] {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let (out, err) = history(dir.path());
    assert_eq!(
        err, "note: not a git repository: the site and reports have no change history\n",
        "{out}"
    );
}

/// Git's ownership rule, which an explicit `--git-dir` would skip, still
/// holds: a repository owned by another user is used only when the user's
/// own configuration lists it in `safe.directory`. Needs the right to
/// `chown` (root); elsewhere there is nothing to test.
#[cfg(unix)]
#[test]
fn a_repository_owned_by_another_user_needs_the_users_safe_directory() {
    let repo = one_commit("Owned by nobody");
    if chown_tree(repo.path(), 65534).is_err() {
        eprintln!("skipped: cannot chown here");
        return;
    }
    let (out, err) = history(repo.path());
    assert!(err.contains("not a git repository"), "{out}{err}");
    assert!(!out.contains("Owned by nobody"), "{out}");

    let global = tempfile::NamedTempFile::new().unwrap();
    let canonical = std::fs::canonicalize(repo.path()).unwrap();
    std::fs::write(
        global.path(),
        format!("[safe]\n\tdirectory = {}\n", canonical.display()),
    )
    .unwrap();
    let out = history_support::tm_in(repo.path())
        .env("GIT_CONFIG_GLOBAL", global.path())
        .args(["history", "api"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Owned by nobody"), "{text}");
    // The fixture is what it claims: plain git refuses it too.
    let plain = std::process::Command::new("git")
        .current_dir(repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["log", "-1"])
        .output()
        .unwrap();
    assert!(!plain.status.success());
}

#[cfg(unix)]
fn chown_tree(dir: &std::path::Path, uid: u32) -> std::io::Result<()> {
    std::os::unix::fs::chown(dir, Some(uid), Some(uid))?;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            chown_tree(&entry.path(), uid)?;
        } else {
            std::os::unix::fs::chown(entry.path(), Some(uid), Some(uid))?;
        }
    }
    Ok(())
}

/// The user's global configuration (or one an earlier CI step wrote) is not
/// read: a pager, an fsmonitor or a filter configured there never runs, and
/// only `safe.directory` is taken over.
#[test]
fn programs_in_the_global_configuration_never_run() {
    let repo = ScriptedRepo::new();
    repo.write("models/api.yaml", MODEL);
    repo.write("src/lib.rs", "pub fn a() {}\n");
    repo.write("other.txt", "x\n");
    let first = repo.commit("Model the API", "2026-03-01");
    let reviewed = format!(
        "{MODEL}components:\n  - {{id: api, name: API, kind: service, code: {{paths: ['src/**']}}}}\nreviews:\n  - {{kind: security, by: s@example.com, at: 2026-03-01, commit: {first}, outcome: approved}}\n"
    );
    repo.write("models/api.yaml", &reviewed);
    repo.commit("Review", "2026-03-02");
    repo.write("src/lib.rs", "pub fn b() {}\n");

    let markers = tempfile::tempdir().unwrap();
    let marker = markers.path().join("ran");
    let global = markers.path().join("gitconfig");
    std::fs::write(
        &global,
        format!(
            "[core]\n\tfsmonitor = \"touch {m}; true\"\n\tpager = \"touch {m}; cat\"\n[pager]\n\tlog = \"touch {m}; cat\"\n",
            m = marker.display()
        ),
    )
    .unwrap();
    // The fixture attacks plain git.
    let plain = std::process::Command::new("git")
        .current_dir(repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", &global)
        .args(["status", "--porcelain"])
        .output()
        .unwrap();
    assert!(plain.status.success());
    assert!(marker.exists(), "the fixture no longer attacks git");
    std::fs::remove_file(&marker).unwrap();

    for args in [&["history", "api"][..], &["queue"], &["build"]] {
        let out = history_support::tm_in(repo.path())
            .env("GIT_CONFIG_GLOBAL", &global)
            .env("TM_TODAY", "2026-03-10")
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        assert!(
            !marker.exists(),
            "{args:?} ran a program from the global config"
        );
    }
}
