//! A scripted git repository for the history tests: fixed names, dates and no
//! global git configuration, so commit ids and output are reproducible.

#![allow(dead_code)] // each test file uses a different part

use std::path::Path;
use std::process::Command;

/// A git repository in a temporary directory.
pub struct ScriptedRepo {
    dir: tempfile::TempDir,
}

impl ScriptedRepo {
    /// `git init` with `main` as the branch.
    pub fn new() -> ScriptedRepo {
        let repo = ScriptedRepo {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        // tm finds its project by book.toml; committed with the first commit.
        repo.write("book.toml", "");
        repo
    }

    /// The work tree.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs git with a fixed identity and no user/system config; returns stdout.
    pub fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args, "2026-01-01T10:00:00+00:00")
    }

    /// Writes a file (creating directories).
    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Commits everything with the message, dated `day` (YYYY-MM-DD); returns the commit id.
    pub fn commit(&self, message: &str, day: &str) -> String {
        self.git(&["add", "-A"]);
        git_in(
            self.path(),
            &["commit", "-q", "-m", message],
            &format!("{day}T10:00:00+00:00"),
        );
        self.git(&["rev-parse", "HEAD"]).trim().to_owned()
    }

    /// The tm binary, run in the work tree.
    pub fn tm(&self) -> assert_cmd::Command {
        tm_in(self.path())
    }
}

/// The tm binary run in `dir`, with git isolated from the user's configuration.
pub fn tm_in(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("tm").unwrap();
    cmd.current_dir(dir)
        .env_remove("TM_TODAY")
        .env("NO_COLOR", "1");
    for (k, v) in isolation(dir) {
        cmd.env(k, v);
    }
    cmd
}

fn isolation(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("GIT_CONFIG_NOSYSTEM", "1".into()),
        ("GIT_CONFIG_GLOBAL", "/dev/null".into()),
        ("GIT_AUTHOR_NAME", "Ada Dev".into()),
        ("GIT_AUTHOR_EMAIL", "ada@example.com".into()),
        ("GIT_COMMITTER_NAME", "Ada Dev".into()),
        ("GIT_COMMITTER_EMAIL", "ada@example.com".into()),
        // Never discover a repository above the temporary directory.
        (
            "GIT_CEILING_DIRECTORIES",
            dir.parent().unwrap().display().to_string(),
        ),
    ]
}

/// Runs git in `dir` with the fixed identity, dated `date`.
pub fn git_in(dir: &Path, args: &[&str], date: &str) -> String {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .envs(isolation(dir));
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
