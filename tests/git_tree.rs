//! `Repo::tree_files`: the blobs of a revision, for the whole project (`.`)
//! and for one directory, with the project's place in the repository.

mod history_support;

use std::path::{Path, PathBuf};

use history_support::ScriptedRepo;

fn listed(repo: &tm::history::Repo, dir: &str) -> Vec<PathBuf> {
    repo.tree_files("HEAD", Path::new(dir))
        .unwrap()
        .into_iter()
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn the_whole_project_or_one_directory_at_a_revision() {
    let scripted = ScriptedRepo::new();
    scripted.write("models/a.yaml", "tm: 1\n");
    scripted.write("src/lib.rs", "pub fn f() {}\n");
    scripted.commit("Start", "2026-01-02");
    let repo = tm::history::Repo::discover(scripted.path())
        .unwrap()
        .expect("a repository");
    let all = ["book.toml", "models/a.yaml", "src/lib.rs"].map(PathBuf::from);
    // `.` is the whole project, not a literal file named `.`.
    assert_eq!(listed(&repo, "."), all);
    assert_eq!(listed(&repo, ""), all);
    assert_eq!(listed(&repo, "models"), [PathBuf::from("models/a.yaml")]);
    assert_eq!(listed(&repo, "./src/"), [PathBuf::from("src/lib.rs")]);
}
