//! Generators of hostile inputs within tm's budgets: each writes a small
//! project whose one file stresses one cost (nesting syn recurses into,
//! findings per file, references per model, flows per diagram, entry points
//! per file). `tests/hostile_inputs.rs` runs the real binary on each; with
//! `HOSTILE_OUT=dir` its ignored `write_corpus` test writes them all for
//! timing a release build by hand (`benches/hostile.sh` does it).

#![allow(dead_code)] // each test crate uses a different subset

use std::path::Path;

/// A model that passes every rule, for classes that stress the Rust scan.
pub const PLAIN_MODEL: &str = "tm: 1\nid: app\ntitle: App\nstatus: in-review\nrisk: low\ncomponents:\n  - id: app\n    name: App\n    kind: service\n";

/// A hostile Rust file that syn would recurse into too deeply: its name and text.
pub fn rust_class(name: &str) -> Option<String> {
    let text = match name {
        "braces" => format!("fn f() {}{}", "{".repeat(2000), "}".repeat(2000)),
        "parens" => format!(
            "fn f() {{ let x = {}1{}; }}",
            "(".repeat(2000),
            ")".repeat(2000)
        ),
        "brackets" => format!(
            "fn f() {{ let x = {}1{}; }}",
            "[".repeat(2000),
            "]".repeat(2000)
        ),
        "generics" => format!("type T = {}u8{};", "Vec<".repeat(2000), ">".repeat(2000)),
        "mods" => format!("{}{}", "mod a { ".repeat(2000), "}".repeat(2000)),
        "unary" => format!("fn f() {{ let x = {}x; }}", "!".repeat(200_000)),
        "refs" => format!("type T = {}u8;", "&".repeat(200_000)),
        "method-chain" => format!("fn f() {{ a{}; }}", ".b()".repeat(50_000)),
        "binary-chain" => format!("fn f() {{ let x = a{}; }}", " + a".repeat(200_000)),
        "closures" => format!("fn f() {{ let x = {}x; }}", "move || ".repeat(100_000)),
        "returns" => format!("fn f() {{ {}x; }}", "return ".repeat(100_000)),
        "else-if" => format!("fn f() {{ if a {{}} {} }}", "else if a {} ".repeat(50_000)),
        "macro-parens" => format!(
            "fn f() {{ m!{}{} }}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        ),
        // Just within the budgets: syn must parse these on tm's parse stack.
        "generics-within" => format!("type T = {}u8{};", "Vec<".repeat(1300), ">".repeat(1300)),
        "refs-within" => format!("type T = {}u8;", "&".repeat(4000)),
        "parens-within" => format!(
            "fn f() {{ let x = {}1{}; }}",
            "(".repeat(250),
            ")".repeat(250)
        ),
        "returns-within" => format!("fn f() {{ {}x; }}", "return ".repeat(4000)),
        _ => return None,
    };
    Some(text)
}

/// Every class of hostile Rust file.
pub const RUST_CLASSES: &[&str] = &[
    "braces",
    "parens",
    "brackets",
    "generics",
    "mods",
    "unary",
    "refs",
    "method-chain",
    "binary-chain",
    "closures",
    "returns",
    "else-if",
    "macro-parens",
];

/// Rust files just within the nesting budgets, which must parse.
pub const RUST_WITHIN: &[&str] = &[
    "generics-within",
    "refs-within",
    "parens-within",
    "returns-within",
];

/// Writes `rel` under `root`, creating its directories; the first file
/// written also gets a minimal `book.toml`, which makes `root` a project.
pub fn write(root: &Path, rel: &str, text: &str) {
    let book = root.join("book.toml");
    if rel != "book.toml" && !book.exists() {
        std::fs::create_dir_all(root).expect("mkdir");
        std::fs::write(&book, "[book]\ntitle = \"hostile\"\n").expect("write book.toml");
    }
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// Writes a project with the hostile Rust file `src/deep.rs` next to a
/// healthy `src/main.rs` that declares it.
pub fn write_rust_project(root: &Path, class: &str) {
    let text = rust_class(class).expect("a known class");
    write(root, "models/app.yaml", PLAIN_MODEL);
    write(
        root,
        "src/main.rs",
        "mod deep;\nfn main() {\n    let _ = std::env::args();\n}\n",
    );
    write(root, "src/deep.rs", &text);
}

/// A project whose `src/main.rs` holds `n` entry points, every other one
/// under an allow marker (with a reason) in the comment line above.
pub fn write_entry_points(root: &Path, n: usize) {
    write(root, "models/app.yaml", PLAIN_MODEL);
    let mut text = String::from("fn main() {\n");
    for i in 0..n {
        if i % 2 == 0 {
            text.push_str("    // tm:allow-unmodelled: generated\n");
        }
        text.push_str("    let _ = std::env::var(\"A\");\n");
    }
    text.push_str("}\n");
    write(root, "src/main.rs", &text);
}

/// A model with `n` unknown keys (TM010 each): one per line, or all in one
/// flow mapping on a single line.
pub fn write_unknown_keys(root: &Path, n: usize, one_line: bool) {
    let mut text = String::from(PLAIN_MODEL);
    if one_line {
        text.push_str("extra: {");
        for i in 0..n {
            text.push_str(&format!("k{i}: 1, "));
        }
        text.push_str("}\n");
        // `extra` itself is the unknown key; its value holds the rest.
        text = text
            .replacen("extra: {", "x-0: 1\nthreats: [{", 1)
            .replace(", }\n", "}]\n");
    } else {
        for i in 0..n {
            text.push_str(&format!("unknown-{i}: 1\n"));
        }
    }
    write(root, "models/app.yaml", &text);
}

/// A model with `ids` components and `refs` threats, each targeting a
/// distinct id that does not exist (TM102 with a "did you mean" each).
pub fn write_dangling(root: &Path, ids: usize, refs: usize) {
    let mut text =
        String::from("tm: 1\nid: app\ntitle: App\nstatus: in-review\nrisk: low\ncomponents:\n");
    for i in 0..ids {
        text.push_str(&format!(
            "  - {{id: component-{i:05}, name: C{i}, kind: service}}\n"
        ));
    }
    text.push_str("threats:\n");
    for i in 0..refs {
        text.push_str(&format!(
            "  - {{id: T-{i}, target: compnent-{i:05}, stride: spoofing, title: T, likelihood: low, impact: low, severity: low, status: open}}\n"
        ));
    }
    write(root, "models/app.yaml", &text);
}

/// A model with `components` components in two zones and `flows` flows
/// between them, for the diagram layout.
pub fn write_flows(root: &Path, components: usize, flows: usize) {
    let mut text = String::from(
        "tm: 1\nid: app\ntitle: App\nstatus: in-review\nrisk: low\nzones: [a, b]\nboundaries:\n  - {id: edge, between: [a, b]}\ncomponents:\n",
    );
    for i in 0..components {
        let zone = if i % 3 == 0 { "a" } else { "b" };
        text.push_str(&format!(
            "  - {{id: c{i}, name: C{i}, kind: service, zone: {zone}}}\n"
        ));
    }
    text.push_str("flows:\n");
    // A deterministic scatter of pairs, so edges cross many layers.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for i in 0..flows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let from = (x % components as u64) as usize;
        let mut to = ((x >> 20) % components as u64) as usize;
        if to == from {
            to = (to + 1) % components; // a flow to itself is TM602
        }
        text.push_str(&format!("  - {{id: f{i}, from: c{from}, to: c{to}}}\n"));
    }
    write(root, "models/app.yaml", &text);
}
