//! Writing a rejected candidate as a `not-applicable` note on its element,
//! inside the element's own item in the file (appended to its existing
//! `not-applicable` list, or as a new key at the end of the item).

use crate::model::StrideCategory;

use super::insert::{InsertError, LineOp};
use super::yaml_text::scalar;

/// Inserts a note for `cats` with `reason` into the item of `section`
/// (`components` or `flows`) whose id is `id`.
pub fn add_note(
    text: &str,
    section: &str,
    id: &str,
    cats: &[StrideCategory],
    reason: &str,
) -> Result<String, InsertError> {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let bare = |l: &str| l.trim_end_matches(['\n', '\r']).to_owned();
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let not_found = || InsertError {
        line: 1,
        message: format!("cannot find `{id}` under `{section}:` to add a not-applicable note"),
    };
    let start = lines
        .iter()
        .position(|l| {
            bare(l) == format!("{section}:") || bare(l).starts_with(&format!("{section}: #"))
        })
        .ok_or_else(not_found)?;
    // The line `- id: <id>` or `id: <id>` of the element.
    let id_line = (start + 1..lines.len())
        .take_while(|&j| {
            let b = bare(lines[j]);
            b.is_empty() || b.starts_with([' ', '-', '#'])
        })
        .find(|&j| {
            let b = bare(lines[j]);
            let t = b.trim_start().trim_start_matches("- ").trim_start();
            t.strip_prefix("id:")
                .map(|v| {
                    let v = v.split(" #").next().unwrap_or("").trim();
                    v.trim_matches(['"', '\'']) == id
                })
                .unwrap_or(false)
        })
        .ok_or_else(not_found)?;
    let id_text = bare(lines[id_line]);
    let key_col = id_text.len()
        - id_text
            .trim_start()
            .trim_start_matches("- ")
            .trim_start()
            .len();
    // The item runs while lines are blank, comments, or indented past the
    // dash (at least to the key column).
    let mut last = id_line;
    let mut existing: Option<usize> = None;
    for (j, line) in lines.iter().enumerate().skip(id_line + 1) {
        let b = bare(line);
        if b.trim().is_empty() || b.trim_start().starts_with('#') {
            continue;
        }
        if indent(&b) < key_col {
            break;
        }
        if indent(&b) == key_col && b.trim_start().starts_with("not-applicable:") {
            existing = Some(j);
        }
        last = j;
    }
    let cats_text = format!(
        "[{}]",
        cats.iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let pad = |n: usize| " ".repeat(n);
    let mut new_lines: Vec<String> = Vec::new();
    if let Some(na) = existing {
        let rest = bare(lines[na]);
        let value = rest.trim_start()["not-applicable:".len()..]
            .split(" #")
            .next()
            .unwrap_or("")
            .trim()
            .to_owned();
        if !value.is_empty() {
            return Err(InsertError {
                line: na + 1,
                message: "`not-applicable:` is written in flow style; write it as a block list to let tm add a note".into(),
            });
        }
        let item_style = (na + 1..=last).find_map(|j| {
            let b = bare(lines[j]);
            b.trim_start().starts_with("- ").then(|| indent(&b))
        });
        let dash = item_style.unwrap_or(key_col + 2);
        // The end of the not-applicable list: lines indented past the key.
        let mut end = na;
        for (j, line) in lines.iter().enumerate().take(last + 1).skip(na + 1) {
            let b = bare(line);
            if b.trim().is_empty() || b.trim_start().starts_with('#') {
                continue;
            }
            if indent(&b) <= key_col && !(indent(&b) == key_col && b.trim_start().starts_with("- "))
            {
                break;
            }
            end = j;
        }
        new_lines.push(format!("{}- stride: {cats_text}", pad(dash)));
        new_lines.push(format!("{}reason: {}", pad(dash + 2), scalar(reason)));
        return Ok(splice(&lines, end, &new_lines, eol));
    }
    new_lines.push(format!("{}not-applicable:", pad(key_col)));
    new_lines.push(format!("{}- stride: {cats_text}", pad(key_col + 2)));
    new_lines.push(format!("{}reason: {}", pad(key_col + 4), scalar(reason)));
    Ok(splice(&lines, last, &new_lines, eol))
}

/// The text with `new_lines` after line `after` (0-based).
fn splice(lines: &[&str], after: usize, new_lines: &[String], eol: &str) -> String {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        if i == after {
            if !l.ends_with('\n') {
                out.push_str(eol);
            }
            for n in new_lines {
                out.push_str(n);
                out.push_str(eol);
            }
        }
    }
    out
}

/// Line operations between two texts where `new` keeps every line of `old`
/// in order except changed ones (the edits tm makes): a greedy alignment.
pub fn line_ops(old: &str, new: &str) -> Vec<LineOp> {
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    let mut ops = Vec::new();
    let mut j = 0;
    for (i, l) in old_lines.iter().enumerate() {
        match new_lines[j..].iter().position(|n| n == l) {
            Some(k) => {
                for n in &new_lines[j..j + k] {
                    ops.push(LineOp::Added((*n).to_owned()));
                }
                ops.push(LineOp::Same((*l).to_owned()));
                j += k + 1;
            }
            None => {
                let eol = i + 1 < old_lines.len() || old.ends_with('\n');
                ops.push(LineOp::Removed((*l).to_owned(), eol));
            }
        }
    }
    for n in &new_lines[j..] {
        ops.push(LineOp::Added((*n).to_owned()));
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;
    use StrideCategory::*;

    const TEXT: &str = "components:\n  - id: api\n    name: API\n    kind: service\n\n  - id: web # the site\n    kind: client\n    not-applicable:\n      - stride: denial-of-service\n        reason: x\nflows: []\n";

    #[test]
    fn adds_a_key_at_the_end_of_the_item() {
        let out = add_note(TEXT, "components", "api", &[Spoofing], "no: really").unwrap();
        assert!(out.starts_with("components:\n  - id: api\n    name: API\n    kind: service\n    not-applicable:\n      - stride: [spoofing]\n        reason: \"no: really\"\n\n  - id: web"), "{out}");
    }

    #[test]
    fn appends_to_an_existing_list() {
        let out = add_note(TEXT, "components", "web", &[Tampering, Repudiation], "r").unwrap();
        assert!(out.ends_with("        reason: x\n      - stride: [tampering, repudiation]\n        reason: r\nflows: []\n"), "{out}");
    }
}
