//! The STRIDE table as CSV: one row per threat and target, the columns a
//! spreadsheet user filters on. RFC 4180 (CRLF, fields quoted when they hold
//! a comma, quote or line break, quotes doubled), UTF-8, and no cell a
//! spreadsheet would evaluate: a cell starting with `=`, `+`, `-`, `@`, a tab
//! or a carriage return gets a leading `'` (OWASP's CSV-injection advice).
//!
//! Written by hand rather than with the `csv` crate: the writer is the dozen
//! lines of [`record`] and the crate is not in the offline registry.

use super::ExportInput;
use crate::model::{Level, Model, Threat};

/// The header row, in column order.
pub const COLUMNS: [&str; 14] = [
    "model",
    "threat",
    "target",
    "target kind",
    "stride",
    "title",
    "likelihood",
    "impact",
    "severity",
    "status",
    "mitigations",
    "residual",
    "tracking",
    "drafted",
];

/// The CSV document of the exported models' threats.
pub fn render(input: &ExportInput<'_>) -> String {
    let mut out = record(COLUMNS.iter().copied());
    for lm in &input.models {
        for t in &lm.model.threats {
            let kind = super::text::target_kind(&lm.model, t.target.as_str());
            out.push_str(&record(row(&lm.model, t, kind).iter().map(String::as_str)));
        }
    }
    out
}

fn row(m: &Model, t: &Threat, kind: &str) -> Vec<String> {
    let mitigations: Vec<_> = t
        .mitigations
        .iter()
        .filter_map(|id| m.mitigations.iter().find(|x| &x.id == id))
        .collect();
    // The worst residual any of its controls leaves: the conservative figure.
    let residual = mitigations.iter().filter_map(|x| x.residual).max();
    let tracking: Vec<&str> = mitigations
        .iter()
        .filter_map(|x| x.tracking.as_deref())
        .collect();
    vec![
        m.id.to_string(),
        t.id.to_string(),
        t.target.to_string(),
        kind.to_owned(),
        t.stride
            .0
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        t.title.clone(),
        t.likelihood.to_string(),
        t.impact.to_string(),
        t.severity.to_string(),
        t.status.to_string(),
        t.mitigations
            .iter()
            .map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        residual.map(Level::as_str).unwrap_or_default().to_owned(),
        tracking.join(" "),
        if t.drafted { "yes" } else { "no" }.to_owned(),
    ]
}

/// One CSV record, CRLF-terminated, every field neutralised and quoted as needed.
pub fn record<'a>(fields: impl Iterator<Item = &'a str>) -> String {
    let mut line = fields.map(field).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// One field: neutralised against formula evaluation, then quoted when it
/// holds a comma, a quote or a line break.
pub fn field(text: &str) -> String {
    let text = neutralise(text);
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// A cell a spreadsheet would read as a formula, with a leading `'` so it is
/// text. Leading spaces do not hide the trigger: some spreadsheets trim them.
pub fn neutralise(text: &str) -> String {
    let trigger = text
        .trim_start_matches(' ')
        .starts_with(['=', '+', '-', '@', '\t', '\r', '\n']);
    if trigger {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Reads one RFC 4180 record back (the test's own parser).
    fn parse(line: &str) -> Vec<String> {
        let body = line.strip_suffix("\r\n").expect("CRLF");
        let mut fields = vec![String::new()];
        let mut quoted = false;
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    chars.next();
                    fields.last_mut().unwrap().push('"');
                }
                '"' => quoted = !quoted,
                ',' if !quoted => fields.push(String::new()),
                c => fields.last_mut().unwrap().push(c),
            }
        }
        fields
    }

    #[test]
    fn formula_cells_are_text() {
        assert_eq!(field("=1+1"), "'=1+1");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("-2"), "'-2");
        assert_eq!(field("  +3"), "'  +3");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("plain"), "plain");
    }

    proptest! {
        #[test]
        fn any_record_round_trips_and_no_cell_is_a_formula(
            cells in proptest::collection::vec(".*", 1..6)
        ) {
            let line = record(cells.iter().map(String::as_str));
            let back = parse(&line);
            prop_assert_eq!(back.len(), cells.len());
            for (got, given) in back.iter().zip(&cells) {
                let shown = got.strip_prefix('\'').filter(|_| got != given).unwrap_or(got);
                prop_assert_eq!(shown, given.as_str());
                prop_assert!(!got.trim_start_matches(' ').starts_with(['=', '+', '-', '@', '\t', '\r', '\n']));
            }
        }
    }
}
