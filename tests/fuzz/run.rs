//! Running the real `tm` binary on a case, and judging the outcome: a panic,
//! an abort (stack overflow), a timeout, an unexpected exit code or
//! unparsable JSON is a crash.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::generate::Case;

/// What went wrong with one command on one case.
#[derive(Debug, Clone)]
pub struct Crash {
    /// The command line, e.g. `tm build`.
    pub command: String,
    /// What happened: exit code, signal, timeout, bad output.
    pub what: String,
    /// The end of the command's stderr.
    pub stderr: String,
}

/// Writes `case` into `dir` (emptied first).
pub fn write_case(dir: &Path, case: &Case) {
    let _ = std::fs::remove_dir_all(dir);
    for (rel, bytes) in &case.files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("a file has a parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write case");
    }
}

/// Runs `tm check --format json` and `tm build` in `dir`; the first crash.
pub fn run_case(dir: &Path, limit: Duration) -> Option<Crash> {
    let check = ["check", "--format", "json", "--today", "2026-11-24"];
    if let Some(crash) = run_tm(dir, &check, limit, true) {
        return Some(crash);
    }
    run_tm(dir, &["build", "--today", "2026-11-24"], limit, false)
}

fn run_tm(dir: &Path, args: &[&str], limit: Duration, json: bool) -> Option<Crash> {
    let out_path = dir.join(".fuzz-stdout");
    let err_path = dir.join(".fuzz-stderr");
    let spawned = Command::new(env!("CARGO_BIN_EXE_tm"))
        .args(args)
        .current_dir(dir)
        .env_remove("TM_TODAY")
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn();
    let mut child = spawned.expect("spawn tm");
    let start = Instant::now();
    let status = loop {
        match child.try_wait().expect("wait for tm") {
            Some(status) => break Some(status),
            None if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let stderr = std::fs::read(&err_path).unwrap_or_default();
    let stdout = std::fs::read(&out_path).unwrap_or_default();
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&err_path);
    let tail = tail(&stderr);
    let crash = |what: String| {
        Some(Crash {
            command: format!("tm {}", args.join(" ")),
            what,
            stderr: tail.clone(),
        })
    };
    let Some(status) = status else {
        return crash(format!("no answer within {} s", limit.as_secs()));
    };
    match status.code() {
        None => crash(format!("killed by a signal ({status})")),
        Some(101) => crash("panicked".to_owned()),
        Some(code @ (0 | 1))
            if json && serde_json::from_slice::<serde_json::Value>(&stdout).is_err() =>
        {
            crash(format!("exit {code} without a JSON report on stdout"))
        }
        Some(0..=2) if String::from_utf8_lossy(&stderr).contains("panicked") => {
            crash("printed a panic".to_owned())
        }
        Some(0..=2) => None,
        Some(code) => crash(format!("exit code {code}")),
    }
}

/// The last 40 lines of `bytes`, with control characters escaped.
fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..]
        .iter()
        .map(|l| {
            without_thread_id(l)
                .chars()
                .flat_map(char::escape_debug)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A model with nothing wrong: what a model file is reduced to.
pub const MINIMAL_MODEL: &[u8] = b"tm: 1\nid: m\ntitle: T\nstatus: in-review\nrisk: low\n";

/// The smallest part of `case` that still crashes the same way: each file
/// is reduced in turn (a model to [`MINIMAL_MODEL`], anything else dropped)
/// and stays reduced when the crash remains.
pub fn minimise(dir: &Path, mut case: Case, mut crash: Crash, limit: Duration) -> (Case, Crash) {
    let mut i = 0;
    while i < case.files.len() {
        let mut smaller = case.clone();
        let (rel, bytes) = &smaller.files[i];
        if rel.extension().is_some_and(|e| e == "yaml") {
            if bytes == MINIMAL_MODEL {
                i += 1;
                continue;
            }
            smaller.files[i].1 = MINIMAL_MODEL.to_vec();
        } else {
            smaller.files.remove(i);
        }
        write_case(dir, &smaller);
        match run_case(dir, limit) {
            Some(c) if c.what == crash.what => {
                let removed = smaller.files.len() < case.files.len();
                case = smaller;
                crash = c;
                if !removed {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    (case, crash)
}

/// `thread 'main' (31397) has overflowed` without the thread's id, so a
/// saved crash note does not change from run to run.
fn without_thread_id(line: &str) -> String {
    match (line.find("' ("), line.find(") ")) {
        (Some(open), Some(close))
            if open < close && line[open + 3..close].bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{}'{}", &line[..open], &line[close + 1..])
        }
        _ => line.to_owned(),
    }
}

/// Saves a crashing case as a regression fixture: a directory named after
/// the case's kind and content hash, holding the case's files and
/// `crash.txt`. Returns the directory.
pub fn save_crash(regressions: &Path, case: &Case, crash: &Crash) -> PathBuf {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (rel, bytes) in &case.files {
        for b in rel.to_string_lossy().bytes().chain(bytes.iter().copied()) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let dir = regressions.join(format!("{}-{hash:016x}", case.kind));
    if dir.exists() {
        return dir;
    }
    write_case(&dir, case);
    let note = format!(
        "command: {}\nproblem: {}\n\n{}\n",
        crash.command, crash.what, crash.stderr
    );
    std::fs::write(dir.join("crash.txt"), note).expect("write crash.txt");
    dir
}

/// The files of a saved case (everything but `crash.txt`).
pub fn read_case(dir: &Path) -> Case {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read regression dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != "crash.txt") {
                let rel = path.strip_prefix(dir).expect("inside").to_path_buf();
                files.push((rel, std::fs::read(&path).expect("read")));
            }
        }
    }
    files.sort();
    Case {
        kind: "saved",
        files,
    }
}
