//! Fuzz cases: small projects (book.toml, one or two models, a Rust file)
//! built either from scratch with hostile values (structure-aware) or by
//! mutating the bytes of the repository's own fixtures, models and sources.

use std::path::{Path, PathBuf};

/// A deterministic generator (SplitMix64): the same seed gives the same
/// cases, so a crash found in CI is found again locally.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// One element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// A size skewed towards small values, up to `max`.
    pub fn size(&mut self, max: usize) -> usize {
        let bits = self.below(usize::BITS as usize - max.leading_zeros() as usize + 1);
        self.below((1usize << bits).min(max) + 1)
    }
}

/// One generated project: files relative to its root.
#[derive(Debug, Clone)]
pub struct Case {
    /// How the case was made, for the name of a saved crash.
    pub kind: &'static str,
    /// (relative path, content).
    pub files: Vec<(PathBuf, Vec<u8>)>,
}

/// The corpus mutations start from: every fixture model, the shipped models,
/// and tm's own Rust sources (real code with every construct tm's scanner
/// knows), sorted so a seed always means the same thing.
pub struct Corpus {
    models: Vec<Vec<u8>>,
    rust: Vec<Vec<u8>>,
}

impl Corpus {
    /// Reads the corpus from the repository at `root`.
    pub fn load(root: &Path) -> Corpus {
        let mut models = Vec::new();
        let mut rust = Vec::new();
        for dir in [
            "tests/fixtures/rules",
            "tests/fixtures/site/models",
            "models",
            "themes/init",
        ] {
            models.extend(read_sorted(&root.join(dir), "yaml"));
        }
        for dir in ["src", "src/load", "src/code", "src/check", "src/render"] {
            rust.extend(read_sorted(&root.join(dir), "rs"));
        }
        Corpus { models, rust }
    }

    /// The next case: each model and source either generated or mutated.
    pub fn case(&self, rng: &mut Rng) -> Case {
        let (kind, model) = match rng.below(3) {
            0 => ("hostile", hostile_model(rng)),
            _ => {
                let source = rng_pick(rng, &self.models);
                ("mutated", mutate(rng, source, &self.models))
            }
        };
        let rust = match rng.below(3) {
            0 => hostile_rust(rng),
            _ => {
                let source = rng_pick(rng, &self.rust);
                mutate(rng, source, &self.rust)
            }
        };
        let mut files = vec![
            (PathBuf::from("models/m.yaml"), model),
            (PathBuf::from("src/lib.rs"), rust),
            (PathBuf::from("book.toml"), BOOK_TOML.as_bytes().to_vec()),
        ];
        if rng.below(4) == 0 {
            // A second, intact model: cross-model ids and references.
            files.push((
                PathBuf::from("models/n.yaml"),
                rng_pick(rng, &self.models).clone(),
            ));
        }
        Case { kind, files }
    }
}

const BOOK_TOML: &str = "[book]\ntitle = \"Fuzz\"\n\n[output.tm]\nsource-roots = [\"src\"]\n";

fn rng_pick<'a>(rng: &mut Rng, items: &'a [Vec<u8>]) -> &'a Vec<u8> {
    &items[rng.below(items.len())]
}

fn read_sorted(dir: &Path, ext: &str) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| std::fs::read(p).ok())
        .collect()
}

/// Fragments that stress YAML, Markdown, HTML and Rust.
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
    "(",
    ")",
    "<",
    ">",
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
    "---\n",
    "1_000",
    "017",
    "yes",
    "2026-02-30",
    "\u{feff}",
    "\u{202e}",
    "漢字",
    "\u{0}",
    "\u{1b}[2J",
    "*nothere",
    "x/y/z",
    "../",
    "fn main() {}",
    "#[tokio::main]",
    "mod m {",
    "::",
    "impl X {",
    "<T<U<V>>>",
    "/*",
    "*/",
    "r#\"",
    "\"#",
    "'a",
    "b'\\xff'",
    "[x](javascript:alert(1))",
    "<script>",
    "| a | b |\n|---|---|\n",
    "> > > ",
];

/// One to eight edits: insert a fragment, delete a run, repeat a line,
/// overwrite a byte, or splice in a slice of another corpus file.
pub fn mutate(rng: &mut Rng, source: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut out = source.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(out.len() + 1);
        match rng.below(5) {
            0 => {
                let piece = rng.pick(PIECES).as_bytes();
                let times = if rng.below(8) == 0 { rng.size(2000) } else { 1 };
                out.splice(at..at, piece.repeat(times));
            }
            1 => {
                let end = (at + 1 + rng.size(64)).min(out.len());
                out.drain(at.min(end)..end);
            }
            2 => {
                let start = out[..at]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1);
                let end = out[at..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(out.len(), |i| at + i + 1);
                let line = out[start..end].to_vec();
                for _ in 0..1 + rng.size(50) {
                    out.splice(start..start, line.iter().copied());
                }
            }
            3 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = rng.next() as u8;
            }
            _ => {
                let other = rng_pick(rng, corpus);
                let from = rng.below(other.len() + 1);
                let to = (from + rng.size(400)).min(other.len());
                out.splice(at..at, other[from..to].iter().copied());
            }
        }
    }
    out
}

/// Text that is valid in a YAML double-quoted scalar once escaped, and hard
/// for everything downstream: RTL overrides, CJK, control characters,
/// Markdown and HTML that try to escape their context, very long runs.
fn hostile_text(rng: &mut Rng) -> String {
    const SEEDS: &[&str] = &[
        "\u{202e}evil\u{202c}",
        "漢字かなカナ한국어",
        "\u{1b}]8;;http://x\u{7}link\u{1b}]8;;\u{7}\u{1b}[31m",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "{{ 7*7 }}{% raw %}",
        "\u{0}\u{8}\u{7f}\u{85}\u{2028}",
        "`code` *em* **strong** ~~x~~",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "> > > > > > > > > > quote",
        "- - - - - - - - - list",
        "&amp; &lt; &#0; &#x110000;",
        "../../../etc/passwd",
        "ﷺ𒐫𒈙\u{fdfd}",
    ];
    let mut s = String::new();
    for _ in 0..1 + rng.below(4) {
        match rng.below(4) {
            0 => s.push_str(rng.pick(SEEDS)),
            1 => {
                let piece = rng.pick(SEEDS);
                s.push_str(&piece.repeat(1 + rng.size(3000)));
            }
            2 => {
                let depth = rng.size(5000);
                s.push_str(&"[".repeat(depth));
                s.push_str(&"> ".repeat(rng.size(2000)));
                s.push_str(&"*".repeat(rng.size(5000)));
            }
            _ => {
                for _ in 0..rng.size(200) {
                    s.push(char::from_u32(rng.next() as u32 % 0x11_0000).unwrap_or('?'));
                }
            }
        }
    }
    s
}

/// `s` as a YAML double-quoted scalar that reads back exactly.
fn quoted(s: &str) -> String {
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

/// A structurally valid model (mostly) whose values are hostile: texts,
/// huge numbers, many elements, long reference chains, deep nesting under
/// an unknown key.
fn hostile_model(rng: &mut Rng) -> Vec<u8> {
    let t = |rng: &mut Rng| quoted(&hostile_text(rng));
    let n = 1 + rng.size(120);
    let status = rng.pick(&["draft", "in-review", "approved", "retired"]);
    let risk = rng.pick(&["low", "medium", "high", "critical"]);
    let version = rng.pick(&[
        "1",
        "4294967295",
        "4294967296",
        "18446744073709551616",
        "-1",
        "1e999",
    ]);
    let mut y = format!(
        "tm: 1\nid: m\ntitle: {}\nversion: {version}\nstatus: {status}\nrisk: {risk}\nowners: [{}]\nsummary: {}\nzones: [a, b]\n",
        t(rng),
        t(rng),
        t(rng)
    );
    y.push_str("data:\n  - {id: d, name: D, classification: restricted}\ncomponents:\n");
    for i in 0..n {
        let zone = if i % 2 == 0 { "a" } else { "b" };
        y.push_str(&format!(
            "  - id: c{i}\n    name: {}\n    kind: {}\n    zone: {zone}\n    data: [d]\n    code: {{paths: [{}], symbols: [{}]}}\n",
            t(rng),
            rng.pick(&["service", "datastore", "queue", "human", "external", "function", "client"]),
            quoted(rng.pick(&["src/**", "**/*.rs", "../x", "/etc/*", "[", "src/{a,b}/**", "**/**/**/**"])),
            quoted(rng.pick(&["crate::main", "crate::x::y::z", "Foo::bar", "::", "crate::*", "a::b::c::d::e::f::g::h"])),
        ));
    }
    y.push_str("flows:\n");
    for i in 0..rng.size(3 * n) {
        let (from, to) = (rng.below(n), rng.below(n));
        y.push_str(&format!(
            "  - {{id: f{i}, from: c{from}, to: c{to}, data: [d], protocol: {}}}\n",
            t(rng)
        ));
    }
    y.push_str("boundaries:\n  - {id: edge, between: [a, b]}\nthreats:\n");
    for i in 0..rng.size(4 * n) {
        let stride = rng.pick(&[
            "spoofing",
            "tampering",
            "repudiation",
            "information-disclosure",
            "denial-of-service",
            "elevation-of-privilege",
        ]);
        let status = rng.pick(&[
            "open",
            "mitigated",
            "accepted",
            "transferred",
            "not-applicable",
        ]);
        y.push_str(&format!(
            "  - id: T-{i}\n    target: c{}\n    stride: {stride}\n    title: {}\n    description: {}\n    likelihood: high\n    impact: high\n    severity: critical\n    status: {status}\n    reason: {}\n    mitigations: [M-{}]\n    acceptance: {{by: {}, at: 2026-01-01, expires: {}, rationale: {}}}\n",
            rng.below(n),
            t(rng),
            t(rng),
            t(rng),
            rng.below(n),
            t(rng),
            rng.pick(&["2026-11-30", "9999-12-31", "0001-01-01"]),
            t(rng),
        ));
    }
    y.push_str("mitigations:\n");
    for i in 0..n {
        y.push_str(&format!(
            "  - {{id: M-{i}, control: {}, location: c{}, status: {}, signoff: {{by: {}, at: 2026-01-01}}}}\n",
            t(rng),
            rng.below(n),
            rng.pick(&["proposed", "accepted", "in-progress", "implemented", "verified", "rejected"]),
            t(rng),
        ));
    }
    y.push_str(&format!(
        "reviews:\n  - {{kind: security, by: {}, at: 2026-01-01, commit: {}, outcome: approved}}\n",
        t(rng),
        t(rng)
    ));
    if rng.below(4) == 0 {
        let depth = rng.size(60);
        y.push_str(&format!(
            "x-extra: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ));
    }
    y.into_bytes()
}

/// Rust that tm's scanner must survive: deep nesting of every kind the
/// parser recurses on, long chains, many entry points, odd tokens.
fn hostile_rust(rng: &mut Rng) -> Vec<u8> {
    let depth = rng.size(4000);
    let body = match rng.below(8) {
        0 => format!("fn f() {{ {} {} }}", "{".repeat(depth), "}".repeat(depth)),
        1 => format!("fn f() {{ let x = {}1{}; }}", "(".repeat(depth), ")".repeat(depth)),
        2 => format!("type T = {}u8{};", "Vec<".repeat(depth), ">".repeat(depth)),
        3 => format!("{}{}", "mod m { ".repeat(depth), "}".repeat(depth)),
        4 => format!("fn f() {{ let x = {}1; }}", "-!".repeat(depth)),
        5 => format!("fn f() {{ x{}; }}", ".m()".repeat(depth)),
        6 => (0..depth.min(2000))
            .map(|i| format!("#[get(\"/r{i}\")]\nasync fn h{i}() {{ std::env::var(\"X\"); std::fs::read(\"f\"); }}\n"))
            .collect(),
        _ => format!("fn main() {{ {} }}", "if x { ".repeat(depth) + &"}".repeat(depth)),
    };
    body.into_bytes()
}
