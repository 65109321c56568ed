//! Bench runner: the full history of one model with 1,000 commits, extracted
//! and semantically diffed. Prints figures; asserts nothing about time.
//!
//! Run: `cargo bench --bench history` (release build).

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

use tm::config::Config;
use tm::history::ProjectHistory;

const COMMITS: usize = 1000;
const THREATS: usize = 40;

/// The model at step `n`: threat statuses, severities and a growing list move with `n`.
fn model_at(n: usize) -> String {
    let mut s = String::from(
        "tm: 1\nid: bench\ntitle: Bench\nstatus: in-review\nrisk: high\ncomponents:\n",
    );
    for c in 0..10 {
        s.push_str(&format!("  - {{id: c{c}, name: Component {c}, kind: service, code: {{paths: ['src/c{c}/**']}}}}\n"));
    }
    s.push_str("threats:\n");
    let statuses = ["open", "mitigated", "open", "transferred"];
    let severities = ["low", "medium", "high", "critical"];
    for t in 0..THREATS + n / 25 {
        let status = statuses[(t + n / (t + 1)) % statuses.len()];
        let severity = severities[(t * 7 + n / 3) % severities.len()];
        s.push_str(&format!(
            "  - {{id: T-{t}, target: c{}, stride: spoofing, title: Threat number {t}, likelihood: medium, impact: high, severity: {severity}, status: {status}, mitigations: [M-{}]}}\n",
            t % 10,
            t % 20
        ));
    }
    s.push_str("mitigations:\n");
    let mstatus = ["proposed", "accepted", "in-progress", "implemented"];
    for m in 0..20 {
        let status = mstatus[(m + n / 10) % mstatus.len()];
        let signoff = if status == "implemented" {
            ", signoff: {by: sec@example.com, at: 2026-01-01}"
        } else {
            ""
        };
        s.push_str(&format!(
            "  - {{id: M-{m}, control: Control {m}, status: {status}{signoff}}}\n"
        ));
    }
    s
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let t0 = Instant::now();
    git(root, &["init", "-q", "-b", "main"]);
    let mut fi = Command::new("git")
        .current_dir(root)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = std::io::BufWriter::new(fi.stdin.take().unwrap());
        for n in 0..COMMITS {
            let msg = format!("step {n}");
            let body = model_at(n);
            write!(
                stdin,
                "commit refs/heads/main\ncommitter Bench <bench@example.com> {} +0000\ndata {}\n{msg}\nM 100644 inline models/bench.yaml\ndata {}\n{body}\n",
                1_767_225_600 + n * 3600,
                msg.len(),
                body.len()
            )
            .unwrap();
        }
    }
    assert!(fi.wait().unwrap().success());
    git(root, &["checkout", "-q", "main"]);
    let built = t0.elapsed();

    let config = Config::load(root, std::iter::empty()).unwrap();
    let mut runs = Vec::new();
    let mut changes = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let history = ProjectHistory::extract(&config).unwrap();
        runs.push(t.elapsed());
        let model = &history.models[0];
        assert_eq!(model.entries.len(), COMMITS);
        changes = model.entries.iter().map(|e| e.changes.len()).sum();
    }
    runs.sort();
    println!(
        "history bench: 1 model, {COMMITS} commits, {THREATS}..{} threats, {changes} semantic changes",
        THREATS + COMMITS / 25
    );
    println!("  repo generated with git fast-import in {:.2?}", built);
    println!(
        "  extract + diff full history: median {:.2?}, min {:.2?}, max {:.2?} (5 runs; target < 2 s)",
        runs[2], runs[0], runs[4]
    );
}
