//! The one way tm starts git: on a repository tm located itself, with a
//! fixed configuration that neither the checkout nor the environment can steer.
//!
//! A pull request controls every file in the work tree, including
//! `.gitattributes`, `.mailmap` and files that look like a repository's own
//! (`HEAD`, `objects/`, `config`). So git never discovers anything: the git
//! directory and work tree are passed explicitly; the system and global
//! configuration and every inherited `GIT_*` variable are dropped; every
//! setting through which git could run a program, open the network, rewrite
//! what it prints or write to the repository is pinned on the command line
//! (which outranks the repository's own configuration); and attributes are
//! read from the empty tree, so no committed `.gitattributes` can name a
//! filter, a textconv or an external diff driver.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the repository is: found by tm (see [`super::locate`]), never by git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoLocation {
    /// The git directory (`.git`, or the one a `.git` file points to).
    pub git_dir: PathBuf,
    /// The top of the work tree: the directory holding `.git`.
    pub work_tree: PathBuf,
}

/// Settings passed with `-c`, each closing a way the repository's own
/// configuration could make a read-only query run something, reach the
/// network, write, or change the bytes tm parses.
pub const PINNED_CONFIG: &[&str] = &[
    // Only a repository named with --git-dir is used (a committed bare repo never is).
    "safe.bareRepository=explicit",
    // Programs git may start on its own.
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    // An empty value is "no external diff" (and diffs also run with --no-ext-diff).
    "diff.external=",
    "core.editor=true",
    "core.askPass=",
    "credential.helper=",
    "gpg.program=false",
    "log.showSignature=false",
    // No transport at all: no lazy fetch of a partial clone's missing objects,
    // so no core.sshCommand, core.gitProxy or credential helper is ever reached.
    "protocol.allow=never",
    // Attributes only from the empty tree (see ATTR_SOURCE) and no global file.
    "core.attributesFile=/dev/null",
    // No writes from a query: no index refresh caches, no automatic maintenance.
    "core.untrackedCache=false",
    "core.splitIndex=false",
    "gc.auto=0",
    "maintenance.auto=false",
    // Output tm parses byte for byte.
    "color.ui=false",
    "core.quotePath=off",
    "i18n.logOutputEncoding=UTF-8",
    "diff.relative=false",
    "diff.noprefix=false",
    // Authors as recorded: a committed `.mailmap` must not rename them.
    "log.mailmap=false",
    "status.submoduleSummary=false",
];

/// Environment set for every git process (after every inherited `GIT_*` is removed).
pub const PINNED_ENV: &[(&str, &str)] = &[
    ("GIT_CONFIG_NOSYSTEM", "1"),
    ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ("GIT_TERMINAL_PROMPT", "0"),
    ("GIT_OPTIONAL_LOCKS", "0"),
    ("GIT_NO_REPLACE_OBJECTS", "1"),
    ("GIT_NO_LAZY_FETCH", "1"),
    ("GIT_PAGER", "cat"),
    ("PAGER", "cat"),
    ("GIT_ADVICE", "0"),
];

/// The empty tree of a SHA-1 repository.
const EMPTY_TREE_SHA1: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
/// The empty tree of a SHA-256 repository.
const EMPTY_TREE_SHA256: &str = "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321";

/// The empty tree id for a repository's object format (`sha1` or `sha256`).
pub fn empty_tree(object_format: &str) -> &'static str {
    if object_format == "sha256" {
        EMPTY_TREE_SHA256
    } else {
        EMPTY_TREE_SHA1
    }
}

/// A git process for `location`, run from `cwd` (a directory inside the work
/// tree, so relative pathspecs and `--show-prefix` are relative to it).
///
/// `attr_source` is the empty tree of the repository's object format: git
/// (2.40 and later) then reads attributes from it instead of the work tree.
/// `safe_directories` are the `safe.directory` values of the user's own
/// system and global configuration, passed on so that git's ownership check
/// keeps meaning what the user configured while the rest of that configuration
/// stays out.
pub fn git_command(
    location: &RepoLocation,
    cwd: &Path,
    attr_source: &str,
    safe_directories: &[String],
) -> Command {
    let mut cmd = pinned_git(cwd, attr_source, safe_directories);
    cmd.arg(flag("--git-dir=", &location.git_dir))
        .arg(flag("--work-tree=", &location.work_tree));
    cmd
}

/// The same fixed configuration without naming a repository: for the one
/// query that lets git discover the `.git` tm located, so that git's
/// ownership check (`safe.directory`), which an explicit `--git-dir` skips,
/// still applies. Run it from the top of the work tree with
/// [`ceiling_env`], so the only place git looks is that `.git`.
pub fn pinned_git(cwd: &Path, attr_source: &str, safe_directories: &[String]) -> Command {
    let mut cmd = Command::new("git");
    remove_git_variables(&mut cmd, std::env::vars_os().map(|(key, _)| key));
    cmd.envs(PINNED_ENV.iter().copied())
        .env("GIT_ATTR_SOURCE", attr_source)
        .current_dir(cwd);
    cmd.arg("--no-pager");
    for setting in PINNED_CONFIG {
        cmd.args(["-c", setting]);
    }
    for dir in safe_directories {
        cmd.arg("-c").arg(format!("safe.directory={dir}"));
    }
    cmd
}

/// `GIT_CEILING_DIRECTORIES` that stops git's discovery at `work_tree`.
pub fn ceiling_env(work_tree: &Path) -> (&'static str, OsString) {
    let parent = work_tree.parent().unwrap_or(work_tree);
    ("GIT_CEILING_DIRECTORIES", parent.as_os_str().to_owned())
}

fn flag(name: &str, path: &Path) -> OsString {
    let mut s = OsString::from(name);
    s.push(path.as_os_str());
    s
}

/// Unsets, for `cmd`, every `GIT_*` variable among `inherited`: a `GIT_DIR`,
/// `GIT_CONFIG_PARAMETERS`, `GIT_EXTERNAL_DIFF` or `GIT_TRACE` that tm did not
/// set has no say in how tm runs git.
fn remove_git_variables(cmd: &mut Command, inherited: impl Iterator<Item = OsString>) {
    for key in inherited {
        if key.to_string_lossy().starts_with("GIT_") {
            cmd.env_remove(key);
        }
    }
}

/// The `safe.directory` entries of the user's system and global git
/// configuration (empty when git cannot tell). Only this key is taken over:
/// it is how a CI container marks a checkout owned by another user as trusted.
pub fn user_safe_directories() -> Vec<String> {
    let mut values = Vec::new();
    for scope in ["--system", "--global"] {
        // An explicit scope reads no repository's configuration; from `/`, no
        // repository is even looked for nearby.
        let out = Command::new("git")
            .env_remove("GIT_DIR")
            .env_remove("GIT_CONFIG_PARAMETERS")
            .env_remove("GIT_CONFIG_COUNT")
            .current_dir("/")
            .args(["config", scope, "--null", "--get-all", "safe.directory"])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output();
        if let Ok(out) = out {
            values.extend(
                out.stdout
                    .split(|b| *b == 0)
                    .filter(|v| !v.is_empty())
                    .map(|v| String::from_utf8_lossy(v).into_owned()),
            );
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location() -> RepoLocation {
        RepoLocation {
            git_dir: PathBuf::from("/repo/.git"),
            work_tree: PathBuf::from("/repo"),
        }
    }

    fn args(cmd: &Command) -> Vec<String> {
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn the_repository_is_named_explicitly_and_every_setting_is_pinned() {
        let cmd = git_command(&location(), Path::new("/repo/sub"), EMPTY_TREE_SHA1, &[]);
        let args = args(&cmd);
        assert_eq!(args[0], "--no-pager");
        assert_eq!(
            &args[args.len() - 2..],
            ["--git-dir=/repo/.git", "--work-tree=/repo"]
        );
        for setting in PINNED_CONFIG {
            assert!(
                args.windows(2).any(|w| w[0] == "-c" && w[1] == *setting),
                "{setting} missing from {args:?}"
            );
        }
        assert_eq!(cmd.get_current_dir(), Some(Path::new("/repo/sub")));
    }

    #[test]
    fn inherited_git_variables_are_removed_and_the_pinned_ones_set() {
        let mut cmd = git_command(&location(), Path::new("/repo"), EMPTY_TREE_SHA1, &[]);
        let inherited = ["GIT_DIR", "GIT_CONFIG_PARAMETERS", "HOME"].map(OsString::from);
        remove_git_variables(&mut cmd, inherited.into_iter());
        let envs: Vec<(String, Option<String>)> = cmd
            .get_envs()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.map(|v| v.to_string_lossy().into_owned()),
                )
            })
            .collect();
        assert!(envs.contains(&("GIT_DIR".to_owned(), None)), "{envs:?}");
        assert!(envs.contains(&("GIT_CONFIG_PARAMETERS".to_owned(), None)));
        assert!(!envs.iter().any(|(k, _)| k == "HOME"));
        for (k, v) in PINNED_ENV {
            assert!(envs.contains(&((*k).to_owned(), Some((*v).to_owned()))));
        }
        assert!(envs.contains(&(
            "GIT_ATTR_SOURCE".to_owned(),
            Some(EMPTY_TREE_SHA1.to_owned())
        )));
    }

    #[test]
    fn safe_directories_are_passed_on_the_command_line() {
        let cmd = git_command(
            &location(),
            Path::new("/repo"),
            EMPTY_TREE_SHA1,
            &["/repo".into()],
        );
        assert!(args(&cmd).contains(&"safe.directory=/repo".to_owned()));
    }

    #[test]
    fn the_empty_tree_follows_the_object_format() {
        assert_eq!(empty_tree("sha1"), EMPTY_TREE_SHA1);
        assert_eq!(empty_tree("sha256"), EMPTY_TREE_SHA256);
    }
}
