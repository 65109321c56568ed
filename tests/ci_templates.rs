//! The CI files users copy are valid YAML with the shape their tool expects.

use serde_json::Value;

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid YAML: {e}"))
}

#[test]
fn the_github_action_is_a_composite_action_with_every_step() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().expect("steps");
    let text = serde_json::to_string(steps).unwrap();
    for needle in [
        "cargo install --locked --path",
        "check --format sarif",
        "github/codeql-action/upload-sarif",
        "--format markdown",
        "<!-- tm-diff:summary -->",
        "actions/upload-artifact",
        "build --allow-errors",
    ] {
        assert!(text.contains(needle), "action.yml lacks {needle}");
    }
    for step in steps {
        if step.get("run").is_some() {
            assert_eq!(
                step["shell"], "bash",
                "composite run steps need a shell: {step}"
            );
        }
    }
}

#[test]
fn the_marker_the_action_looks_for_is_the_one_tm_writes() {
    let action = std::fs::read_to_string("action.yml").unwrap();
    assert!(action.contains(tm::history::diff::markdown::COMMENT_MARKER));
}

#[test]
fn the_gitlab_template_and_pre_commit_hooks_parse() {
    let gitlab = yaml("docs/ci/gitlab-ci.yml");
    for job in ["tm-check", "tm-diff", "tm-site"] {
        assert!(gitlab[job]["script"].is_array(), "{job}");
    }
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().expect("a list of hooks");
    assert!(
        hooks
            .iter()
            .any(|h| h["id"] == "tm-check" && h["entry"] == "tm check")
    );
}
