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
