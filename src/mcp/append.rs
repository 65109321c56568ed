//! Appending one item to a section of a model file without changing a byte
//! of what is there: the new text is inserted after the section's last line,
//! checked to load, and written atomically.

/// Inserts `item` (the lines of one list item, each without indentation,
/// the first starting with `- `) at the end of the top-level block list
/// `section` of `text`, at the list's own indentation; a missing section is
/// added at the end of the file. A flow-style section (`threats: []`) is
/// refused: appending would mean rewriting it.
pub fn append_item(text: &str, section: &str, item: &[String]) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let key = format!("{section}:");
    let Some(head) = lines
        .iter()
        .position(|l| l.trim_end() == key || l.starts_with(&format!("{key} #")))
    else {
        if let Some(l) = lines.iter().find(|l| l.starts_with(&key)) {
            return Err(format!(
                "the `{section}` section is written inline (`{}`): make it a block list (one `- ` item per line) and try again",
                l.trim_end()
            ));
        }
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&key);
        out.push('\n');
        push_item(&mut out, "  ", item);
        return Ok(out);
    };
    // The section runs until the next line at column 0 that is not blank,
    // a comment or a list item at column 0.
    let mut end = head + 1;
    let mut last_content = head;
    let mut indent: Option<String> = None;
    while end < lines.len() {
        let l = lines[end];
        let body = l.trim_start();
        let blank = body.trim().is_empty() || body.starts_with('#');
        if !blank && !l.starts_with(' ') && !l.starts_with('-') {
            break;
        }
        if !blank {
            last_content = end;
            if indent.is_none() && body.starts_with('-') {
                indent = Some(l[..l.len() - body.len()].to_owned());
            }
        }
        end += 1;
    }
    let indent = indent.unwrap_or_else(|| "  ".to_owned());
    let split: usize = lines[..=last_content].iter().map(|l| l.len()).sum();
    let mut out = text[..split].to_owned();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    push_item(&mut out, &indent, item);
    out.push_str(&text[split..]);
    Ok(out)
}

fn push_item(out: &mut String, indent: &str, item: &[String]) {
    for (i, line) in item.iter().enumerate() {
        out.push_str(indent);
        if i > 0 {
            out.push_str("  ");
        }
        out.push_str(line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> Vec<String> {
        vec!["- id: T-9".into(), "drafted: true".into()]
    }

    #[test]
    fn appends_after_the_last_item_keeping_every_byte() {
        let text =
            "id: m\nthreats:\n    - id: T-1\n      title: x\n\n# trailing\nmitigations: []\n";
        let out = append_item(text, "threats", &item()).unwrap();
        assert_eq!(
            out,
            "id: m\nthreats:\n    - id: T-1\n      title: x\n    - id: T-9\n      drafted: true\n\n# trailing\nmitigations: []\n"
        );
    }

    #[test]
    fn a_missing_section_is_added_and_an_inline_one_refused() {
        let out = append_item("id: m", "questions", &item()).unwrap();
        assert_eq!(out, "id: m\nquestions:\n  - id: T-9\n    drafted: true\n");
        let err = append_item("threats: []\n", "threats", &item()).unwrap_err();
        assert!(err.contains("block list"), "{err}");
    }
}
