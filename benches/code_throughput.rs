//! Throughput of the source-tree cross-check against raw syn parsing, measured
//! side by side in one run on the same files.
//!
//! ```text
//! cargo bench --bench code_throughput                 # generated ~1M-line tree
//! cargo bench --bench code_throughput -- --lines 2000000
//! cargo bench --bench code_throughput -- --dir ~/.cargo/registry/src
//! ```
//!
//! "Raw" is `syn::parse_file` over the files already in memory, on all cores
//! (rayon), with the same proc-macro2 span tracking tm needs for line numbers.
//! "Cross-check" is everything `tm check` does for code: walk with .gitignore,
//! read, parse, index items and module trees, run the entry-point table, and
//! check a model's paths and symbols. Target: ratio >= 0.5.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use tm::code::SourceIndex;
use tm::config::Config;
use tm::load::Project;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let generated;
    let root: PathBuf = match flag("--dir") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let lines: usize = flag("--lines").map_or(1_000_000, |l| l.parse().expect("--lines N"));
            generated = tempfile::tempdir().expect("temp dir");
            let written = synthetic_tree(generated.path(), lines);
            println!(
                "generated {written} lines of Rust in {}",
                generated.path().display()
            );
            generated.path().to_path_buf()
        }
    };
    let config = Config::load(&root, std::iter::empty()).expect("config");

    // Same file set as the cross-check: the .gitignore-aware walk.
    let texts: Vec<String> = tm::code::walk::source_files(&config)
        .0
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        .filter_map(|f| std::fs::read_to_string(root.join(f)).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let lines: usize = texts.iter().map(|t| t.lines().count()).sum();
    println!(
        "corpus: {} files, {lines} lines, {:.1} MB, {} threads",
        texts.len(),
        bytes as f64 / 1e6,
        rayon::current_num_threads()
    );

    let start = Instant::now();
    let ok = texts
        .par_iter()
        .filter(|t| {
            let ok = syn::parse_file(t).is_ok();
            proc_macro2::extra::invalidate_current_thread_spans();
            ok
        })
        .count();
    let raw = start.elapsed().as_secs_f64();
    report("raw syn parse (parallel)", raw, lines, bytes);
    println!("  ({ok} of {} files parse)", texts.len());

    let start = Instant::now();
    let (index, diagnostics) = SourceIndex::build(&config);
    let model = b"tm: 1\nid: bench\ntitle: Bench\nstatus: in-review\nrisk: low\ncomponents:\n  - id: app\n    name: App\n    kind: service\n    code:\n      paths: [\"src/**\"]\n      symbols: [\"crate::m0::Item0::handle\", \"crate::nowhere\"]\n".to_vec();
    let (project, _) =
        Project::from_files(config, vec![(PathBuf::from("models/bench.yaml"), model)]);
    let (findings, report_) = tm::check::code_refs::check(&project, &index);
    let full = start.elapsed().as_secs_f64();
    report(
        "cross-check (walk+parse+index+entry points+check)",
        full,
        lines,
        bytes,
    );
    println!(
        "  ({} symbols, {} entry points, {} unmodelled, {} parse warnings, {} findings)",
        index.symbols.len(),
        index.entry_points.len(),
        report_.unmodelled.len(),
        diagnostics.len(),
        findings.len()
    );
    println!(
        "ratio cross-check / raw parse: {:.2} (target >= 0.50)",
        raw / full
    );
}

fn report(what: &str, secs: f64, lines: usize, bytes: usize) {
    println!(
        "{what}: {secs:.3} s, {:.0} lines/s, {:.1} MB/s",
        lines as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
}

/// Writes a crate of about `lines` lines: modules of structs, impls, traits,
/// functions with ordinary bodies, and a sprinkling of entry points.
fn synthetic_tree(root: &Path, lines: usize) -> usize {
    let modules = lines.div_ceil(500);
    std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"bench_app\"\n").unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    let mut lib = String::new();
    for m in 0..modules {
        lib.push_str(&format!("pub mod m{m};\n"));
    }
    std::fs::write(root.join("src/lib.rs"), lib).unwrap();
    std::fs::write(
        root.join("src/main.rs"),
        "#[tokio::main]\nasync fn main() {\n    bench_app::m0::serve().await;\n}\n",
    )
    .unwrap();
    let mut written = modules + 4;
    for m in 0..modules {
        let mut s = format!(
            "//! Module {m}.\n\nuse std::collections::HashMap;\nuse axum::Router;\n\npub async fn serve() {{\n    let app = Router::new().route(\"/m{m}\", get(handler));\n    let l = tokio::net::TcpListener::bind(\"0.0.0.0:0\").await.unwrap();\n}}\n\n"
        );
        let mut i = 0;
        while s.lines().count() < 500 {
            s.push_str(&format!(
                r#"/// Item {i} of module {m}.
#[derive(Debug, Clone, Default)]
pub struct Item{i} {{
    pub id: u64,
    pub name: String,
    pub tags: Vec<String>,
    counts: HashMap<String, usize>,
}}

impl Item{i} {{
    /// Handles a request.
    pub fn handle(&mut self, input: &str) -> Result<usize, String> {{
        let mut total = 0usize;
        for (n, word) in input.split_whitespace().enumerate() {{
            if word.len() > 3 && n % 2 == 0 {{
                *self.counts.entry(word.to_owned()).or_insert(0) += 1;
                total += word.len() * {i};
            }} else {{
                match word.parse::<u64>() {{
                    Ok(v) if v > self.id => self.id = v,
                    Ok(_) => {{}}
                    Err(e) => return Err(format!("bad {{word}}: {{e}}")),
                }}
            }}
        }}
        self.tags.retain(|t| !t.is_empty());
        Ok(total)
    }}
}}

pub trait Render{i} {{
    fn render(&self) -> String;
}}

impl Render{i} for Item{i} {{
    fn render(&self) -> String {{
        let parts: Vec<String> = self.tags.iter().map(|t| format!("<{{t}}>")).collect();
        format!("{{}}: {{}}", self.name, parts.join(","))
    }}
}}

pub const LIMIT_{i}: usize = {i} * 1024;

"#
            ));
            i += 1;
        }
        written += s.lines().count();
        std::fs::write(root.join(format!("src/m{m}.rs")), s).unwrap();
    }
    written
}
