//! One model file: bytes → text → positioned tree → checked shape → typed model.

use std::path::Path;
use std::sync::Arc;
use std::sync::OnceLock;

use serde_json::Value;

use super::node::{MAX_ALIAS_EXPANSION, MAX_ALIASES, MAX_NODES, Node, NodeValue};
use super::shape::ShapeCheck;
use super::{LoadedModel, file_diagnostic};
use crate::diagnostic::{Diagnostic, Rule, Span};
use crate::model::{FORMAT_VERSION, Model};

/// Files larger than this are refused: a threat model is text a person reads.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Structural nesting deeper than this is refused (a model needs about six levels).
pub(super) const MAX_DEPTH: usize = 32;

/// The JSON Schema of [`Model`], generated once.
pub fn model_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::to_value(schemars::schema_for!(Model)).expect("schema serializes")
    })
}

/// The finding for a model file over [`MAX_FILE_BYTES`], which was not read.
pub fn too_large(file: &Path, size: u64) -> Diagnostic {
    file_diagnostic(
        Rule::FileShape,
        file,
        None,
        format!("the file is {size} bytes; tm reads model files of up to {MAX_FILE_BYTES} bytes"),
        "split the model into several files, one per system",
    )
}

/// Loads one model file's bytes: returns its text (lossy for snippets) and the
/// model when it could be read, plus every problem found.
pub fn load_model_text(
    file: &Path,
    bytes: Vec<u8>,
) -> (Arc<str>, (Option<LoadedModel>, Vec<Diagnostic>)) {
    let fail =
        |rule, span, msg: String, help: &str| vec![file_diagnostic(rule, file, span, msg, help)];
    if bytes.len() > MAX_FILE_BYTES {
        return (
            Arc::from(""),
            (None, vec![too_large(file, bytes.len() as u64)]),
        );
    }
    let text = match String::from_utf8(lone_cr_to_lf(bytes)) {
        Ok(t) => t,
        Err(e) => {
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let span = span_of_offset(&text, e.utf8_error().valid_up_to());
            return (
                Arc::from(text),
                (
                    None,
                    fail(
                        Rule::YamlSyntax,
                        Some(span),
                        "the file is not valid UTF-8".into(),
                        "save the file as UTF-8",
                    ),
                ),
            );
        }
    };
    let text: Arc<str> = Arc::from(text);
    let outcome = load_text(file, &text);
    (text, outcome)
}

/// `bytes` with every lone `\r` (old Mac line end) turned into `\n`. YAML
/// counts `\n`, `\r\n` and `\r` as line breaks; after this, so does every
/// line count in tm (snippets, tab and tag finders, the UTF-8 check), and a
/// finding keeps its line in every style. Byte offsets do not move.
fn lone_cr_to_lf(mut bytes: Vec<u8>) -> Vec<u8> {
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    bytes
}

fn load_text(file: &Path, text: &Arc<str>) -> (Option<LoadedModel>, Vec<Diagnostic>) {
    let shared = || Arc::clone(text);
    let fail = |rule, span, msg: String, help: &str| {
        (None, vec![file_diagnostic(rule, file, span, msg, help)])
    };
    if text
        .trim()
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return fail(
            Rule::FileShape,
            None,
            "the file is empty".into(),
            "a model needs at least `tm: 1`, `id`, `title`, `status` and `risk`; `tm init` writes a commented example",
        );
    }
    match super::fast::read(text, MAX_DEPTH) {
        Ok(model) => (
            Some(LoadedModel::new(file, model, true, shared(), None)),
            Vec::new(),
        ),
        Err(super::fast::NotFast::Budget(e)) => (None, vec![yaml_error(file, text, &e)]),
        Err(super::fast::NotFast::Other) => load_positioned(file, text),
    }
}

/// The full path: positioned tree, structure check of every value, typed model.
fn load_positioned(file: &Path, text: &Arc<str>) -> (Option<LoadedModel>, Vec<Diagnostic>) {
    let shared = || Arc::clone(text);
    let fail = |rule, span, msg: String, help: &str| {
        (None, vec![file_diagnostic(rule, file, span, msg, help)])
    };
    let tree = match Node::parse(text, MAX_DEPTH) {
        Ok(tree) => tree,
        Err(e) => return (None, vec![yaml_error(file, text, &e)]),
    };
    if !matches!(tree.value, NodeValue::Map(_)) {
        return fail(
            Rule::FileShape,
            Some(tree.span),
            format!(
                "a model file must be a mapping (`key: value` lines), but this one is {}",
                tree.value.kind_name()
            ),
            "start the file with `tm: 1` and `id: …` at the left margin, not with `- `",
        );
    }
    let tags = super::strict::event_diagnostics(file, text);
    if !tags.is_empty() {
        return (None, tags);
    }
    if let Some(d) = check_format_version(file, &tree) {
        return (None, vec![d]);
    }
    let mut shape = ShapeCheck::new(model_schema(), file);
    let json = shape.walk(&tree, model_schema(), "");
    let mut diagnostics = super::strict::yaml11_number_diagnostics(file, text, &tree);
    diagnostics.extend(shape.diagnostics);
    let substituted = shape.substituted;
    let invalid = std::mem::take(&mut shape.invalid);
    let Some(json) = json else {
        return (None, diagnostics);
    };
    match serde_json::from_value::<Model>(json) {
        Ok(model) => {
            let complete = !substituted && diagnostics.is_empty();
            let id = model.id.to_string();
            for d in &mut diagnostics {
                d.model = Some(id.clone());
            }
            let mut loaded = LoadedModel::new(file, model, complete, shared(), Some(tree));
            loaded.invalid = invalid;
            (Some(loaded), diagnostics)
        }
        Err(e) => {
            // The shape check admits only what serde accepts; reaching this is a
            // bug in tm, reported rather than panicking.
            diagnostics.push(
                Diagnostic::new(
                    Rule::InvalidValue,
                    file,
                    Some(tree.span),
                    format!("tm could not read this model: {e}"),
                )
                .with_help("this is a bug in tm: please report it with the file"),
            );
            (None, diagnostics)
        }
    }
}

fn check_format_version(file: &Path, tree: &Node) -> Option<Diagnostic> {
    let help = format!(
        "start the file with `tm: {FORMAT_VERSION}`: this build of tm reads format version {FORMAT_VERSION}"
    );
    match tree.get("tm") {
        None => Some(file_diagnostic(
            Rule::FormatVersion,
            file,
            Some(tree.span),
            "the model has no `tm:` format version".into(),
            &help,
        )),
        Some(n) if n.value == NodeValue::Int(i64::from(FORMAT_VERSION)) => None,
        Some(n) => Some(file_diagnostic(
            Rule::FormatVersion,
            file,
            Some(n.span),
            format!(
                "format version `{}` is not supported",
                n.value
                    .scalar_text()
                    .unwrap_or_else(|| n.value.kind_name().into())
            ),
            &help,
        )),
    }
}

fn yaml_error(file: &Path, text: &str, e: &serde_saphyr::Error) -> Diagnostic {
    let loc = e.location();
    let span = loc.filter(|l| l.line() > 0).map(|l| {
        let line = u32::try_from(l.line()).unwrap_or(u32::MAX);
        let column = u32::try_from(l.column()).unwrap_or(u32::MAX).max(1);
        span_of_line_col(text, line, column)
    });
    let raw = e.to_string();
    let message = first_line(&raw);
    let kind = YamlProblem::classify(&raw);
    // A tab is often reported where the scalar before it started: point at the tab.
    let span = if kind == YamlProblem::Tab {
        tab_after(text, span).or(span)
    } else {
        span
    };
    let (rule, message, help) = match kind {
        YamlProblem::MergeKey => (
            Rule::YamlSyntax,
            "YAML merge key `<<`: tm reads YAML 1.2, which has no merge keys".to_owned(),
            "write the merged keys out in full; quote `\"<<\"` if it is meant as an ordinary key",
        ),
        YamlProblem::Budget => (
            Rule::FileShape,
            budget_message(&raw),
            "a threat model is a plain document a person reads; simplify the file",
        ),
        YamlProblem::Documents => (
            Rule::FileShape,
            "the file holds more than one YAML document (`---` separators)".to_owned(),
            "a model file is one document: split the models into one file each",
        ),
        YamlProblem::Tab => (
            Rule::YamlSyntax,
            format!("invalid YAML: {message}"),
            "YAML does not allow tab characters for indentation: indent with spaces",
        ),
        YamlProblem::DuplicateKey => (
            Rule::YamlSyntax,
            format!(
                "invalid YAML: {}",
                message
                    .split(", set DuplicateKeyPolicy")
                    .next()
                    .unwrap_or(&message)
            ),
            "a key may appear only once in a mapping: remove or merge the repeated key",
        ),
        YamlProblem::Other => (
            Rule::YamlSyntax,
            format!("invalid YAML: {message}"),
            "fix the YAML syntax at this position; quote text that contains `: ` or starts with a special character",
        ),
    };
    file_diagnostic(rule, file, span, message, help)
}

/// What sort of YAML failure the parser reported, for the help text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum YamlProblem {
    /// A budget (nodes, aliases, depth) was exceeded: hostile or absurd input.
    Budget,
    /// A tab where YAML wants spaces.
    Tab,
    /// A stream of several documents.
    Documents,
    /// A key repeated in one mapping.
    DuplicateKey,
    /// A YAML 1.1 merge key (`<<`), which YAML 1.2 does not have.
    MergeKey,
    /// Any other syntax error.
    Other,
}

impl YamlProblem {
    fn classify(raw: &str) -> YamlProblem {
        let lower = raw.to_ascii_lowercase();
        if lower.contains("merge key") {
            YamlProblem::MergeKey
        } else if lower.contains("documents") {
            YamlProblem::Documents
        } else if ["budget", "recursion limit", "depth", "alias"]
            .iter()
            .any(|n| lower.contains(n))
        {
            YamlProblem::Budget
        } else if lower.contains("duplicate mapping key") {
            YamlProblem::DuplicateKey
        } else if lower.contains("found a tab")
            || lower.contains("tab character")
            || lower.contains("tabs")
        {
            YamlProblem::Tab
        } else {
            YamlProblem::Other
        }
    }
}

/// Says which limit a budget error hit, in words (the parser's own text
/// names internal types).
fn budget_message(raw: &str) -> String {
    let lower = raw.to_ascii_lowercase();
    if lower.contains("nodes") {
        format!(
            "the file expands to more YAML nodes than tm reads ({}): an alias bomb or a machine-generated file",
            thousands(MAX_NODES)
        )
    } else if lower.contains("replay") {
        format!(
            "the file's aliases (`*name`) expand to more than {} nodes: an alias bomb",
            thousands(MAX_ALIAS_EXPANSION)
        )
    } else if lower.contains("scalarbytes") || lower.contains("anchor") {
        "the file's text, with what its aliases (`*name`) repeat, is larger than tm reads: an alias bomb".to_owned()
    } else if lower.contains("alias") {
        format!(
            "the file uses more aliases (`*name`) than tm reads ({})",
            thousands(MAX_ALIASES)
        )
    } else if lower.contains("recursion") || lower.contains("depth") {
        format!("the file nests deeper than tm reads ({MAX_DEPTH} levels; a model needs about 6)")
    } else {
        format!(
            "the file is too large to read as a model ({})",
            first_line(raw)
        )
    }
}

/// `n` with thousands separators, as the README writes budgets.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The first tab in leading whitespace at or after the line of `from`.
fn tab_after(text: &str, from: Option<Span>) -> Option<Span> {
    let first = from.map_or(1, |s| s.line);
    text.lines()
        .enumerate()
        .skip((first as usize).saturating_sub(1))
        .find_map(|(i, l)| {
            let indent = &l[..l.len() - l.trim_start().len()];
            let col = indent.find('\t')?;
            Some(span_of_line_col(text, i as u32 + 1, col as u32 + 1))
        })
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or(s).trim();
    // serde-saphyr appends "at line X column Y"; the diagnostic shows the position already.
    match line.find(" at line ") {
        Some(i) => line[..i].to_owned(),
        None => line.to_owned(),
    }
}

/// The span of a 1-based line and column (in characters) in `text`.
pub(crate) fn span_of_line_col(text: &str, line: u32, column: u32) -> Span {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let line_text = text[line_start.min(text.len())..]
        .lines()
        .next()
        .unwrap_or("");
    let col_bytes: usize = line_text
        .chars()
        .take(column.saturating_sub(1) as usize)
        .map(char::len_utf8)
        .sum();
    Span {
        line,
        column,
        offset: line_start + col_bytes,
        len: 1,
    }
}

/// The span of a byte offset in `text`.
fn span_of_offset(text: &str, offset: usize) -> Span {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    Span {
        line,
        column,
        offset,
        len: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every fixture and shipped model: the fast path accepts a file only when
    /// the full path finds nothing wrong with it, and both read the same model.
    #[test]
    fn fast_and_positioned_paths_agree() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dirs = [
            "tests/fixtures/rules",
            "tests/fixtures/site/models",
            "models",
            "themes/init",
        ];
        let mut compared = 0;
        for dir in dirs {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_none_or(|e| e != "yaml") {
                    continue;
                }
                let text: Arc<str> = Arc::from(std::fs::read_to_string(&path).unwrap());
                let fast = super::super::fast::read_valid(&text, MAX_DEPTH);
                let (full, diags) = load_positioned(&path, &text);
                let structural = diags.iter().any(|d| d.rule < Rule::DuplicateId);
                match fast {
                    Some(model) => {
                        assert!(
                            !structural,
                            "{}: fast path accepted what the full path rejects: {diags:?}",
                            path.display()
                        );
                        assert_eq!(full.map(|f| f.model), Some(model), "{}", path.display());
                    }
                    None => assert!(
                        structural,
                        "{}: fast path rejected a valid model",
                        path.display()
                    ),
                }
                compared += 1;
            }
        }
        assert!(compared > 25, "{compared}");
    }

    fn findings(text: &str) -> Vec<(Rule, u32, String, String)> {
        let (_, (model, diags)) = load_model_text(Path::new("m.yaml"), text.as_bytes().to_vec());
        if diags.iter().any(|d| d.rule == Rule::YamlSyntax) {
            assert!(model.is_none(), "a file with a YAML error was read");
        }
        diags
            .into_iter()
            .map(|d| {
                let line = d.span.map_or(0, |s| s.line);
                (d.rule, line, d.message, d.help.unwrap_or_default())
            })
            .collect()
    }

    const HEAD: &str = "tm: 1\nid: m\ntitle: T\nstatus: in-review\nrisk: low\n";

    #[test]
    fn a_tagged_value_is_never_read() {
        let f = findings(&format!("{HEAD}summary: !!binary YXBwcm92ZWQ=\n"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].0, f[0].1), (Rule::YamlSyntax, 6));
        assert!(f[0].2.contains("`!!binary`"), "{f:?}");
        // A tag on the format version itself still stops the file.
        let f = findings("tm: !!int 1\nid: m\ntitle: T\nstatus: draft\nrisk: low\n");
        assert_eq!((f[0].0, f[0].1), (Rule::YamlSyntax, 1), "{f:?}");
    }

    #[test]
    fn merge_keys_are_yaml_1_1_and_refused() {
        let f = findings(&format!("{HEAD}cost: &c {{effort: M}}\nx:\n  <<: *c\n"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].0, f[0].1), (Rule::YamlSyntax, 8));
        assert!(f[0].2.contains("merge key"), "{f:?}");
    }

    #[test]
    fn yaml_1_1_forms_that_would_change_a_value_are_reported() {
        for (value, rule) in [
            ("017", Rule::WrongType),
            ("1:30", Rule::WrongType),
            ("1_000", Rule::WrongType),
            ("0b11", Rule::WrongType),
        ] {
            let f = findings(&format!("{HEAD}version: {value}\n"));
            assert_eq!(f.len(), 1, "{value}: {f:?}");
            assert_eq!((f[0].0, f[0].1), (rule, 6), "{value}: {f:?}");
            assert!(
                f[0].3.contains("decimal") || f[0].3.contains("write the number"),
                "{value}: {f:?}"
            );
        }
        let f = findings(&format!(
            "{HEAD}flows: [{{id: f, from: a, to: b, authenticated: yes}}]\n"
        ));
        assert!(
            f.iter()
                .any(|x| x.0 == Rule::WrongType && x.3.contains("YAML 1.2 reads `yes` as text")),
            "{f:?}"
        );
        // YAML 1.2 spellings are numbers as before.
        assert!(findings(&format!("{HEAD}version: 0o17\n")).is_empty());
    }

    #[test]
    fn budget_messages_name_the_limit() {
        assert_eq!(thousands(250_000), "250,000");
        assert_eq!(thousands(999), "999");
        let laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
        let f = findings(&format!("{HEAD}x:\n  {}", laughs.replace('\n', "\n  ")));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, Rule::FileShape);
        assert!(f[0].2.contains("expand to more than 10,000 nodes"), "{f:?}");
    }

    #[test]
    fn lone_carriage_returns_become_line_feeds_in_place() {
        assert_eq!(lone_cr_to_lf(b"a\rb\r\nc\n\r".to_vec()), b"a\nb\r\nc\n\n");
        assert_eq!(lone_cr_to_lf(b"\r\r\n".to_vec()), b"\n\r\n");
    }
}
