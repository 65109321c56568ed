//! No input makes the loader or the checker panic, and every finding points
//! inside its file. Property tests (proptest) with a fixed seed, so a run is
//! reproducible; a failure is shrunk and saved to
//! `tests/robustness.proptest-regressions`, which is committed and replayed
//! first on every later run.
//!
//! The longer, binary-level search (renderer and Rust scanner included) is
//! the fuzz harness: `scripts/fuzz.sh SECONDS`, see tests/fuzz.rs.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence, RngSeed};

use tm::check::{self, CheckOptions};
use tm::{Config, Project};

/// The runner's settings: a fixed seed, and failures saved next to this file.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(0x5eed),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/robustness.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

/// Every rule fixture and the shipped example, sorted by path so that the
/// fixed seed always picks the same file.
fn sources() -> &'static [(String, Vec<u8>)] {
    static SOURCES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    SOURCES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths: Vec<PathBuf> = std::fs::read_dir(common::fixtures().join("rules"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.push(root.join("models/payments-api.yaml"));
        paths.sort();
        paths
            .into_iter()
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect()
    })
}

/// Fragments that stress the YAML grammar and tm's own checks.
const PIECES: &[&str] = &[
    "\t",
    "- ",
    ": ",
    "\n",
    "\r",
    "\r\n",
    "&a ",
    "*a",
    "[",
    "]",
    "{",
    "}",
    "'",
    "\"",
    "~",
    "#",
    "  ",
    "null",
    "-1",
    "1e309",
    "!!binary ",
    "!x ",
    "<<: ",
    "? ",
    "|\n",
    ">-\n",
    "---\n",
    "1_000",
    "0b1",
    "017",
    "1:30",
    "yes",
    "2026-02-30",
    "\u{feff}",
    "\u{202e}",
    "漢字",
    "\u{0}",
    "\u{1b}[2J",
    "%YAML 1.1\n",
    "*nothere",
    "x/y/z",
    "..",
];

/// One edit of a file's bytes.
#[derive(Debug, Clone)]
enum Edit {
    /// Insert a fragment.
    Insert(Index, usize),
    /// Delete up to 12 bytes.
    Delete(Index, usize),
    /// Repeat a whole line (repeated keys, repeated ids).
    DuplicateLine(Index),
    /// Overwrite one byte (invalid UTF-8 included).
    Byte(Index, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), 0..PIECES.len()).prop_map(|(at, p)| Edit::Insert(at, p)),
        (any::<Index>(), 1usize..12).prop_map(|(at, n)| Edit::Delete(at, n)),
        any::<Index>().prop_map(Edit::DuplicateLine),
        (any::<Index>(), any::<u8>()).prop_map(|(at, b)| Edit::Byte(at, b)),
    ]
}

fn apply(text: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = text.to_vec();
    for e in edits {
        let at = |i: &Index| i.index(out.len() + 1);
        match e {
            Edit::Insert(i, p) => {
                let at = at(i);
                out.splice(at..at, PIECES[*p].bytes());
            }
            Edit::Delete(i, n) => {
                let at = at(i).min(out.len());
                let end = (at + n).min(out.len());
                out.drain(at..end);
            }
            Edit::DuplicateLine(i) => {
                let at = at(i);
                let start = out[..at]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1);
                let end = out[at..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(out.len(), |i| at + i + 1);
                let line = out[start..end].to_vec();
                out.splice(start..start, line);
            }
            Edit::Byte(i, b) => {
                if !out.is_empty() {
                    let at = i.index(out.len());
                    out[at] = *b;
                }
            }
        }
    }
    out
}

/// Loads and checks `files`; asserts every finding's position lies inside
/// its file's text.
fn load_and_check(files: Vec<(PathBuf, Vec<u8>)>) -> Result<(), TestCaseError> {
    static PROJECT: OnceLock<(tempfile::TempDir, Config)> = OnceLock::new();
    let (_, config) = PROJECT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path(), Vec::new()).unwrap();
        (dir, config)
    });
    let opts = CheckOptions {
        today: common::TODAY.parse().unwrap(),
        deny_drafts: false,
    };
    let (project, findings) = Project::from_files(config.clone(), files);
    let findings = check::run(&project, findings, &opts);
    for d in &findings.diagnostics {
        let (Some(span), Some(text)) = (d.span, project.sources.get(&d.file)) else {
            continue;
        };
        let lines = text.split('\n').count() as u32;
        prop_assert!(
            span.line >= 1 && span.line <= lines && span.column >= 1,
            "{} points at {}:{} in a file of {lines} lines: {}",
            d.rule.code(),
            span.line,
            span.column,
            d.message
        );
        prop_assert!(span.offset <= text.len(), "offset past the end: {d:?}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(300))]

    /// Every fixture, edited a few ways, loads and checks without a panic,
    /// beside an intact copy of itself (duplicate model ids, cross-model
    /// references).
    #[test]
    fn edited_fixtures_never_panic(
        source in any::<Index>(),
        edits in prop::collection::vec(edit(), 1..5),
    ) {
        let (_, original) = &sources()[source.index(sources().len())];
        let files = vec![
            (PathBuf::from("models/m.yaml"), apply(original, &edits)),
            (PathBuf::from("models/n.yaml"), original.clone()),
        ];
        load_and_check(files)?;
    }
}

/// Text a reviewer's tools find hard: right-to-left overrides, CJK, control
/// characters, markup, very long runs.
fn hostile_text() -> impl Strategy<Value = String> {
    let hostile_char = prop_oneof![
        4 => any::<char>(),
        1 => Just('\u{202e}'),
        1 => Just('漢'),
        1 => Just('\u{1b}'),
        1 => Just('<'),
        1 => Just('\u{0}'),
        1 => Just('\u{feff}'),
    ];
    prop_oneof![
        4 => prop::collection::vec(hostile_char, 1..40).prop_map(String::from_iter),
        1 => (any::<char>(), 1000usize..40_000).prop_map(|(c, n)| c.to_string().repeat(n)),
        1 => Just("<script>alert(1)</script>](javascript:alert(1))".to_owned()),
    ]
}

/// `s` as a YAML double-quoted scalar: everything outside YAML's printable
/// set (and line breaks, tabs and the BOM) escaped, so the text is exact.
fn yaml_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'.. if c != '\u{feff}' => {
                out.push(c)
            }
            _ => out.push_str(&format!("\\U{:08x}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

proptest! {
    #![proptest_config(config(64))]

    /// A valid model whose texts are hostile loads without a finding and
    /// keeps every text exactly; huge numbers are refused, not wrapped.
    #[test]
    fn hostile_values_in_a_valid_model_are_read_exactly(
        title in hostile_text(),
        summary in hostile_text(),
        name in hostile_text(),
        version in any::<u64>(),
    ) {
        let text = format!(
            "tm: 1\nid: m\ntitle: {}\nversion: {version}\nstatus: in-review\nrisk: low\nsummary: {}\ncomponents:\n  - id: api\n    name: {}\n    kind: service\n",
            yaml_quoted(&title),
            yaml_quoted(&summary),
            yaml_quoted(&name),
        );
        let (_, (model, diags)) = tm::load::load_model_text(Path::new("models/m.yaml"), text.into_bytes());
        let fits = u32::try_from(version).is_ok();
        prop_assert_eq!(diags.is_empty(), fits, "{:?}", diags);
        let model = model.expect("the model loads").model;
        prop_assert_eq!(&model.title, &title);
        prop_assert_eq!(model.summary.as_deref().unwrap_or_default(), summary.as_str());
        prop_assert_eq!(&model.components[0].name, &name);
        if fits {
            prop_assert_eq!(model.version.map(u64::from), Some(version));
        }
    }
}
