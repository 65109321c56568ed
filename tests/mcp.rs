//! `tm mcp` driven by the reference Python MCP client (tests/mcp_client.py,
//! the `mcp` package from PyPI, installed by .ci/install-mcp.sh): tools are
//! listed, findings read, a drafted threat added, accepting a risk refused.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::TempProject;

const MODEL: &str = "\
# The shop's model: comments and layout must survive a draft being added.
tm: 1
id: shop
title: Shop
status: in-review
risk: low
components:
  - id: web
    name: Web
    kind: service
threats:
  - id: T-1
    target: wbe   # a typo the findings tool reports
    stride: spoofing
    title: Session theft
    likelihood: low
    impact: low
    severity: low
    status: open

# Trailing notes stay last.
";

fn python() -> Option<PathBuf> {
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/mcp-venv/bin/python");
    let ok = Command::new(&venv)
        .args(["-c", "import mcp"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(venv)
}

#[test]
fn a_real_mcp_client_reads_findings_adds_a_draft_and_is_refused_an_acceptance() {
    let Some(python) = python() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the Python MCP client is missing: run .ci/install-mcp.sh"
        );
        eprintln!("note: Python MCP client not installed (.ci/install-mcp.sh); skipping");
        return;
    };
    let project = TempProject::new();
    let file = project.write("models/shop.yaml", MODEL);
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp_client.py");
    let out = Command::new(python)
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_tm"))
        .arg(project.root())
        .output()
        .expect("run the MCP client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "client failed\nstdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("refused:"), "{stdout}");

    // Drafts are appended: every byte that was there is still there, in order.
    let after = std::fs::read_to_string(file).expect("model");
    let (head, tail) = MODEL.split_at(MODEL.find("\n# Trailing").expect("tail"));
    assert!(after.starts_with(head), "{after}");
    assert!(after.ends_with(tail), "{after}");
    let added = &after[head.len()..after.len() - tail.len()];
    assert!(added.contains("id: \"T-2\""), "{added}");
    assert!(added.contains("drafted: true"), "{added}");
    assert!(!after.contains("T-3") && !after.contains("Q-1"), "{after}");
    // And the model still checks as before plus the draft's own finding.
    project.tm(&["check"]).assert().code(1);
}
