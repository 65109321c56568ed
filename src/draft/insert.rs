//! `--write`: the drafted items appended to the model file's own text. No
//! existing byte changes, except that `key: []` loses its `[]` (the list
//! becomes a block list) and a last line without a line break gets one.
//! Comments, key order, quoting and blank lines stay; new items go at the
//! end of their list in the list's own indentation; CRLF files stay CRLF.

use std::collections::BTreeMap;

use crate::model::{Mitigation, Question, Threat};

use super::yaml_text::{mitigation_lines, question_lines, threat_lines};

/// What to append.
#[derive(Debug, Default, Clone)]
pub struct Additions<'a> {
    /// Threats, in order.
    pub threats: Vec<&'a Threat>,
    /// Mitigations, in order.
    pub mitigations: Vec<&'a Mitigation>,
    /// Questions, in order.
    pub questions: Vec<&'a Question>,
}

/// Why the text could not be edited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct InsertError {
    /// 1-based line of the problem.
    pub line: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// One line of the original: its text without line break, and its break.
struct Line<'t> {
    text: &'t str,
    eol: &'t str,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (line, eol, next) = match rest.find('\n') {
            Some(i) if i > 0 && rest.as_bytes()[i - 1] == b'\r' => {
                (&rest[..i - 1], &rest[i - 1..=i], &rest[i + 1..])
            }
            Some(i) => (&rest[..i], &rest[i..=i], &rest[i + 1..]),
            None => (rest, "", ""),
        };
        out.push(Line { text: line, eol });
        rest = next;
    }
    out
}

/// A change of the file, as the lines before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineOp {
    /// An unchanged line.
    Same(String),
    /// A removed line (and whether it had a line break).
    Removed(String, bool),
    /// An added line.
    Added(String),
}

/// The edited text and the line operations that lead to it (for the diff).
#[derive(Debug, Clone)]
pub struct Edited {
    /// The new file text.
    pub text: String,
    /// Every line of old and new, in order.
    pub ops: Vec<LineOp>,
}

/// How a top-level key holds its list.
enum ListAt {
    /// `key:` at this line; items end at `last` (the key line when empty);
    /// `dash`/`gap` give the style of existing items.
    Block {
        last: usize,
        style: Option<(usize, usize)>,
    },
    /// `key: []` at this line: the byte range of `[]` (with the spaces before it).
    EmptyFlow { line: usize, cut: (usize, usize) },
}

/// Whether a line is `key:` at the top level; returns the rest after the colon.
fn top_key<'l>(line: &'l str, key: &str) -> Option<&'l str> {
    let rest = line.strip_prefix(key)?;
    let rest = rest.strip_prefix(':')?;
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then_some(rest)
}

/// Style of a list item line: (column of `-`, spaces after it).
fn item_style(line: &str) -> Option<(usize, usize)> {
    let dash = line.len() - line.trim_start_matches(' ').len();
    let after = line[dash..].strip_prefix('-')?;
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let gap = after.len() - after.trim_start_matches(' ').len();
    Some((dash, if after.trim().is_empty() { 2 } else { gap }))
}

/// Whether a line ends the block under a top-level key.
fn ends_block(line: &str) -> bool {
    let Some(first) = line.chars().next() else {
        return false;
    };
    if line.starts_with("---") || line.starts_with("...") {
        return true;
    }
    !matches!(first, ' ' | '\t' | '#' | '-')
}

fn find_list(lines: &[Line<'_>], key: &str) -> Result<Option<ListAt>, InsertError> {
    let Some(i) = lines.iter().position(|l| top_key(l.text, key).is_some()) else {
        return Ok(None);
    };
    let rest = top_key(lines[i].text, key).unwrap_or("");
    let value = rest.split(" #").next().unwrap_or("").trim();
    if value == "[]" {
        let colon = key.len() + 1;
        let close = lines[i].text[colon..]
            .find(']')
            .map_or(lines[i].text.len(), |c| colon + c + 1);
        return Ok(Some(ListAt::EmptyFlow {
            line: i,
            cut: (colon, close),
        }));
    }
    if !value.is_empty() && value != "~" && value != "null" {
        return Err(InsertError {
            line: i + 1,
            message: format!(
                "`{key}:` is written in flow style (`[…]`) or has a value on its line; tm draft appends to block lists: write it as `{key}:` followed by `  - …` items"
            ),
        });
    }
    if value == "~" || value == "null" {
        return Err(InsertError {
            line: i + 1,
            message: format!("`{key}:` is null; write `{key}: []` or remove the line"),
        });
    }
    let mut last = i;
    let mut style = None;
    for (j, l) in lines.iter().enumerate().skip(i + 1) {
        if ends_block(l.text) {
            break;
        }
        let t = l.text.trim_start();
        if style.is_none() {
            style = item_style(l.text);
        }
        if !t.is_empty() && !l.text.starts_with('#') {
            last = j;
        }
    }
    Ok(Some(ListAt::Block { last, style }))
}

/// The dash style most lists of the file use (for a list tm creates).
fn file_style(lines: &[Line<'_>]) -> (usize, usize) {
    for (i, l) in lines.iter().enumerate() {
        if l.text.starts_with(|c: char| c.is_ascii_alphabetic())
            && l.text.trim_end().ends_with(':')
            && let Some(next) = lines[i + 1..].iter().find(|n| !n.text.trim().is_empty())
            && let Some(s) = item_style(next.text)
        {
            return s;
        }
    }
    (2, 1)
}

/// Appends the additions to `original`.
pub fn append(original: &str, add: &Additions<'_>) -> Result<Edited, InsertError> {
    let lines = split_lines(original);
    let eol = if original.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let default_style = file_style(&lines);
    // After which original line each block of new lines goes (None: at the end).
    let mut after: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut replaced: BTreeMap<usize, String> = BTreeMap::new();
    let mut at_end: Vec<String> = Vec::new();
    type Render<'x> = Box<dyn Fn(usize, usize) -> Vec<String> + 'x>;
    let sections: [(&str, Vec<Render<'_>>); 3] = [
        (
            "threats",
            add.threats
                .iter()
                .map(|t| Box::new(move |d, g| threat_lines(t, d, g)) as Render<'_>)
                .collect(),
        ),
        (
            "mitigations",
            add.mitigations
                .iter()
                .map(|m| Box::new(move |d, g| mitigation_lines(m, d, g)) as Render<'_>)
                .collect(),
        ),
        (
            "questions",
            add.questions
                .iter()
                .map(|q| Box::new(move |d, g| question_lines(q, d, g)) as Render<'_>)
                .collect(),
        ),
    ];
    for (key, items) in sections {
        if items.is_empty() {
            continue;
        }
        let render = |(d, g): (usize, usize)| -> Vec<String> {
            items.iter().flat_map(|f| f(d, g)).collect()
        };
        match find_list(&lines, key)? {
            Some(ListAt::Block { last, style }) => {
                after
                    .entry(last)
                    .or_default()
                    .extend(render(style.unwrap_or(default_style)));
            }
            Some(ListAt::EmptyFlow { line, cut }) => {
                let text = lines[line].text;
                let mut kept = format!("{}{}", &text[..cut.0], &text[cut.1..]);
                if kept.len() > key.len() + 1 && !kept[key.len() + 1..].starts_with(' ') {
                    kept.insert(key.len() + 1, ' ');
                }
                replaced.insert(line, kept.trim_end().to_owned());
                after.entry(line).or_default().extend(render(default_style));
            }
            None => {
                at_end.push(format!("{key}:"));
                at_end.extend(render(default_style));
            }
        }
    }
    if !at_end.is_empty() {
        match lines.len() {
            0 => {}
            n => after.entry(n - 1).or_default().append(&mut at_end),
        }
    }
    let mut text = String::with_capacity(original.len() + 4096);
    let mut ops = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let added = after.get(&i);
        let new_text = replaced.get(&i);
        let touched = added.is_some() || new_text.is_some();
        if !touched {
            text.push_str(l.text);
            text.push_str(l.eol);
            ops.push(LineOp::Same(l.text.to_owned()));
            continue;
        }
        let line_eol = if l.eol.is_empty() { eol } else { l.eol };
        match new_text {
            Some(t) => {
                ops.push(LineOp::Removed(l.text.to_owned(), !l.eol.is_empty()));
                ops.push(LineOp::Added(t.clone()));
                text.push_str(t);
            }
            None if l.eol.is_empty() && added.is_some() => {
                ops.push(LineOp::Removed(l.text.to_owned(), false));
                ops.push(LineOp::Added(l.text.to_owned()));
                text.push_str(l.text);
            }
            None => {
                ops.push(LineOp::Same(l.text.to_owned()));
                text.push_str(l.text);
            }
        }
        text.push_str(line_eol);
        for a in added.into_iter().flatten() {
            text.push_str(a);
            text.push_str(eol);
            ops.push(LineOp::Added(a.clone()));
        }
    }
    for a in at_end {
        text.push_str(&a);
        text.push_str(eol);
        ops.push(LineOp::Added(a));
    }
    Ok(Edited { text, ops })
}

/// The change as a unified diff with three lines of context.
pub fn unified_diff(ops: &[LineOp], old_name: &str, new_name: &str) -> String {
    const CONTEXT: usize = 3;
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| !matches!(o, LineOp::Same(_)))
        .map(|(i, _)| i)
        .collect();
    if changed.is_empty() {
        return String::new();
    }
    // Group changes whose context overlaps.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        let lo = i.saturating_sub(CONTEXT);
        let hi = (i + CONTEXT + 1).min(ops.len());
        match groups.last_mut() {
            Some(g) if lo <= g.1 => g.1 = hi,
            _ => groups.push((lo, hi)),
        }
    }
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    // Line numbers of old and new at each op index.
    let mut old_no = 1;
    let mut new_no = 1;
    let mut starts = Vec::with_capacity(ops.len());
    for o in ops {
        starts.push((old_no, new_no));
        match o {
            LineOp::Same(_) => {
                old_no += 1;
                new_no += 1;
            }
            LineOp::Removed(..) => old_no += 1,
            LineOp::Added(_) => new_no += 1,
        }
    }
    for (lo, hi) in groups {
        let slice = &ops[lo..hi];
        let old_len = slice
            .iter()
            .filter(|o| !matches!(o, LineOp::Added(_)))
            .count();
        let new_len = slice
            .iter()
            .filter(|o| !matches!(o, LineOp::Removed(..)))
            .count();
        let (o, n) = starts[lo];
        let o = if old_len == 0 { o - 1 } else { o };
        let n = if new_len == 0 { n - 1 } else { n };
        out.push_str(&format!("@@ -{o},{old_len} +{n},{new_len} @@\n"));
        for op in slice {
            match op {
                LineOp::Same(t) => out.push_str(&format!(" {t}\n")),
                LineOp::Removed(t, eol) => {
                    out.push_str(&format!("-{t}\n"));
                    if !eol {
                        out.push_str("\\ No newline at end of file\n");
                    }
                }
                LineOp::Added(t) => out.push_str(&format!("+{t}\n")),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn threat(id: &str, title: &str) -> Threat {
        Threat {
            id: Id(id.into()),
            target: Id("api".into()),
            stride: Categories(vec![StrideCategory::Spoofing]),
            title: title.into(),
            description: None,
            likelihood: Level::Low,
            impact: Level::Low,
            severity: Severity::Low,
            status: ThreatStatus::Open,
            current: None,
            mitigations: vec![],
            acceptance: None,
            reason: None,
            drafted: true,
            library: Some("TL-S-001".into()),
            annotations: vec![],
        }
    }

    #[test]
    fn appends_in_the_lists_own_style_and_keeps_every_byte() {
        let original = "a: 1\nthreats:\n    -   id: x  # keep\n        target: api\n\n# trailing comment\nb: 2\n";
        let t = threat("new", "a: title # with \"quotes\"");
        let add = Additions {
            threats: vec![&t],
            ..Default::default()
        };
        let e = append(original, &add).unwrap();
        assert!(e.text.starts_with("a: 1\nthreats:\n    -   id: x  # keep\n        target: api\n    -   id: new\n        target: api\n"), "{}", e.text);
        assert!(e.text.ends_with("\n\n# trailing comment\nb: 2\n"));
    }

    #[test]
    fn empty_flow_list_missing_key_crlf_and_no_final_newline() {
        let t = threat("new", "t");
        let q = Question {
            id: Id("q".into()),
            about: Id("api".into()),
            text: "why?".into(),
            code: Some("src/a.rs:3".into()),
            answer: None,
            answered_by: None,
            answered_at: None,
            drafted: true,
            library: None,
        };
        let add = Additions {
            threats: vec![&t],
            questions: vec![&q],
            ..Default::default()
        };
        let e = append(
            "components:\r\n  - id: api\r\nthreats: [] # none yet\r\nz: 1",
            &add,
        )
        .unwrap();
        assert_eq!(
            e.text,
            "components:\r\n  - id: api\r\nthreats: # none yet\r\n  - id: new\r\n    target: api\r\n    stride: [spoofing]\r\n    title: t\r\n    likelihood: low\r\n    impact: low\r\n    severity: low\r\n    status: open\r\n    drafted: true\r\n    library: TL-S-001\r\nz: 1\r\nquestions:\r\n  - id: q\r\n    about: api\r\n    text: why?\r\n    code: src/a.rs:3\r\n    drafted: true\r\n"
                .replace("text: why?", "text: \"why?\"")
                .replace("code: src/a.rs:3", "code: \"src/a.rs:3\"")
        );
        let diff = unified_diff(&e.ops, "a/m.yaml", "b/m.yaml");
        assert!(
            diff.contains("-threats: [] # none yet\n+threats: # none yet\n"),
            "{diff}"
        );
        assert!(
            diff.contains("-z: 1\n\\ No newline at end of file\n+z: 1\n"),
            "{diff}"
        );
    }

    #[test]
    fn refuses_a_flow_list_with_items() {
        let t = threat("n", "t");
        let add = Additions {
            threats: vec![&t],
            ..Default::default()
        };
        let err = append("threats: [{id: a}]\n", &add).unwrap_err();
        assert_eq!(err.line, 1);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::model::*;
    use proptest::prelude::*;

    fn threat(id: String, title: String) -> Threat {
        Threat {
            id: Id(id),
            target: Id("api".into()),
            stride: Categories(vec![StrideCategory::Tampering]),
            title,
            description: Some("multi\nline: # desc".into()),
            likelihood: Level::Low,
            impact: Level::High,
            severity: Severity::Medium,
            status: ThreatStatus::Open,
            current: None,
            mitigations: vec![],
            acceptance: None,
            reason: None,
            drafted: true,
            library: Some("TL-T-001".into()),
            annotations: vec![],
        }
    }

    /// A model text in one of many styles: indentation, comments, blank
    /// lines, line endings, final newline, and how `threats` is written.
    fn model_text() -> impl Strategy<Value = String> {
        (
            0usize..5,
            1usize..4,
            any::<bool>(),
            any::<bool>(),
            0u8..3,
            0usize..3,
            "[a-zA-Z :#'\"-]{0,20}",
        )
            .prop_map(
                |(dash, gap, crlf, final_nl, threats_style, n_existing, name)| {
                    let ind = " ".repeat(dash);
                    let key = " ".repeat(dash + 1 + gap);
                    let g = " ".repeat(gap);
                    let mut lines = vec![
                        "# a model".to_owned(),
                        "tm: 1".into(),
                        "id: m".into(),
                        "title: 'M: #1'".into(),
                        "status: draft".into(),
                        "risk: high".into(),
                        String::new(),
                        "components:".into(),
                        format!("{ind}-{g}id: api"),
                        format!("{key}name: {}", super::super::yaml_text::scalar(&name)),
                        format!("{key}kind: service # trailing"),
                        String::new(),
                    ];
                    match threats_style {
                        0 => {}
                        1 => lines.push("threats: []".into()),
                        _ => {
                            lines.push("threats:".into());
                            for i in 0..n_existing {
                                lines.push(format!("{ind}-{g}id: old{i}"));
                                lines.push(format!("{key}target: api"));
                                lines.push(format!("{key}stride: spoofing"));
                                lines.push(format!("{key}title: \"old\""));
                                lines.push(format!("{key}likelihood: low"));
                                lines.push(format!("{key}impact: low"));
                                lines.push(format!("{key}severity: low"));
                                lines.push(format!("{key}status: open"));
                                lines.push("# between".into());
                            }
                        }
                    }
                    lines.push("# the end".into());
                    let eol = if crlf { "\r\n" } else { "\n" };
                    let mut text = lines.join(eol);
                    if final_nl {
                        text.push_str(eol);
                    }
                    text
                },
            )
    }

    proptest! {
        #[test]
        fn original_lines_stay_in_order_and_the_result_loads(
            text in model_text(),
            title in "[ -~\n]{1,30}",
        ) {
            let before = crate::load::load_model_text(std::path::Path::new("m.yaml"), text.clone().into_bytes()).1.0;
            prop_assume!(before.is_some());
            let before = before.unwrap().model;
            let t1 = threat("new-1".into(), title.clone());
            let t2 = threat("new-2".into(), format!("- {title}"));
            let add = Additions { threats: vec![&t1, &t2], ..Default::default() };
            let e = append(&text, &add).unwrap();
            let mut new_lines = e.text.lines();
            for old in text.lines() {
                let old = if old.starts_with("threats: []") { "threats:" } else { old };
                prop_assert!(new_lines.any(|n| n == old), "{old:?} lost in {:?}", e.text);
            }
            let after = crate::load::load_model_text(std::path::Path::new("m.yaml"), e.text.clone().into_bytes()).1.0;
            prop_assert!(after.is_some(), "{:?}", e.text);
            let after = after.unwrap().model;
            prop_assert_eq!(after.threats.len(), before.threats.len() + 2);
            prop_assert_eq!(&after.threats[after.threats.len() - 2], &t1);
            prop_assert_eq!(&after.threats[after.threats.len() - 1], &t2);
        }
    }
}
