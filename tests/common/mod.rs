//! Shared helpers for the integration tests: temp projects and the tm binary.

#![allow(dead_code)] // each test crate uses a different subset

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// "Today" for every test, so expiry rules are stable.
pub const TODAY: &str = "2026-11-24";

/// A temporary project directory with a `models/` folder.
pub struct TempProject {
    /// Keeps the directory alive.
    pub dir: tempfile::TempDir,
}

impl TempProject {
    /// An empty project: an empty `book.toml` and a `models/` directory.
    pub fn new() -> TempProject {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("models")).expect("models dir");
        std::fs::write(dir.path().join("book.toml"), "").expect("book.toml");
        TempProject { dir }
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file relative to the root, creating parent directories.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        path
    }

    /// `tm <args…>` run in the project root, with a fixed "today".
    pub fn tm(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("tm").expect("tm binary");
        cmd.current_dir(self.root())
            .env("TM_TODAY", TODAY)
            .env_remove("NO_COLOR")
            .args(args);
        cmd
    }

    /// Runs `tm check --format json` and returns (exit code, parsed report).
    pub fn check_json(&self, extra: &[&str]) -> (i32, serde_json::Value) {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        let out = self.tm(&args).output().expect("run tm");
        let text = String::from_utf8_lossy(&out.stdout);
        let report = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {text}\nstderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().expect("exit code"), report)
    }
}

/// The fixtures directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}
