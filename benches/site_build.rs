//! Bench runner: builds the synthetic corpus with `tm build` and the same
//! content with `mdbook build`, side by side, and prints wall time, peak RSS
//! and time per page (both measured by `/usr/bin/time -v`).
//!
//! `cargo bench --bench site_build -- [MODELS] [KEEP_DIR]` (default 1000 models;
//! with KEEP_DIR the corpus is written there and kept, for profiling).
//! After the full build it times two rebuilds: nothing changed (the no-op
//! cache) and one model changed.

mod corpus;

use std::path::Path;
use std::process::Command;

/// Wall seconds and peak RSS in MiB of one command, from `/usr/bin/time -v`.
fn measure(program: &str, args: &[&str], dir: &Path) -> (f64, f64) {
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(program)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run /usr/bin/time (Debian package `time`)");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{program} failed:\n{err}");
    let field = |name: &str| {
        err.lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .unwrap_or_else(|| panic!("no `{name}` in:\n{err}"))
            .trim()
            .to_owned()
    };
    let wall: f64 = field("Elapsed (wall clock) time (h:mm:ss or m:ss):")
        .split(':')
        .fold(0.0, |acc, part| acc * 60.0 + part.parse::<f64>().unwrap());
    let rss_kib: f64 = field("Maximum resident set size (kbytes):")
        .parse()
        .unwrap();
    (wall, rss_kib / 1024.0)
}

fn main() {
    let models: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let tmp = tempfile::tempdir().unwrap();
    let base = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-') && a.parse::<usize>().is_err())
        .map(std::path::PathBuf::from)
        .next()
        .unwrap_or_else(|| tmp.path().to_path_buf());
    let tm_dir = base.join("tm");
    let md_dir = base.join("mdbook");
    corpus::write_tm(&tm_dir, models);
    corpus::write_mdbook(&md_dir, models);
    let threats = models * corpus::THREATS;
    println!(
        "corpus: {models} models × {} components × {} threats = {threats} threats",
        corpus::COMPONENTS,
        corpus::THREATS
    );
    // A first untimed run warms the page cache for both.
    let tm = env!("CARGO_BIN_EXE_tm");
    measure(tm, &["build", "."], &tm_dir);
    // The no-op cache would make the timed run a no-op: forget it first.
    let _ = std::fs::remove_file(tm_dir.join(".book.tm-cache"));
    let (tm_s, tm_mb) = measure(tm, &["build", "."], &tm_dir);
    let tm_pages = models + 4;
    println!(
        "tm build:     {tm_s:.2} s, peak RSS {tm_mb:.0} MiB, {tm_pages} pages, {:.2} ms/page",
        tm_s * 1000.0 / tm_pages as f64
    );
    let (noop_s, noop_mb) = measure(tm, &["build", "."], &tm_dir);
    println!("tm rebuild, nothing changed:   {noop_s:.2} s, peak RSS {noop_mb:.0} MiB");
    let one = tm_dir.join("models/m0000.yaml");
    let mut yaml = std::fs::read_to_string(&one).unwrap();
    yaml.push_str("# touched by the bench\n");
    std::fs::write(&one, yaml).unwrap();
    let (one_s, one_mb) = measure(tm, &["build", "."], &tm_dir);
    println!("tm rebuild, one model changed: {one_s:.2} s, peak RSS {one_mb:.0} MiB");
    match Command::new("mdbook").arg("--version").output() {
        Ok(o) if o.status.success() => {
            measure("mdbook", &["build"], &md_dir);
            let (md_s, md_mb) = measure("mdbook", &["build"], &md_dir);
            let md_pages = models + 1;
            println!(
                "mdbook build: {md_s:.2} s, peak RSS {md_mb:.0} MiB, {md_pages} pages, {:.2} ms/page",
                md_s * 1000.0 / md_pages as f64
            );
            println!(
                "per-page time, tm / mdbook: {:.2}",
                (tm_s / tm_pages as f64) / (md_s / md_pages as f64)
            );
        }
        _ => println!("mdbook build: skipped (`cargo install mdbook` to compare)"),
    }
}
