//! tm ids → the ids an export writes: the source's original id when `tm
//! import` kept one, otherwise the tm id (reshaped where the format asks).

use std::collections::{BTreeMap, BTreeSet};

/// Unique output names for tm ids.
#[derive(Debug, Default)]
pub struct OutputIds {
    names: BTreeMap<String, String>,
    used: BTreeSet<String>,
}

impl OutputIds {
    /// Registers `tm_id`, preferring `wanted`, reshaped by `shape`; a
    /// collision gets `-2`, `-3`…
    pub fn add(&mut self, tm_id: &str, wanted: &str, shape: fn(&str) -> String) -> String {
        if let Some(n) = self.names.get(tm_id) {
            return n.clone();
        }
        let base = shape(wanted);
        let mut name = base.clone();
        let mut n = 2;
        while self.used.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        self.used.insert(name.clone());
        self.names.insert(tm_id.to_owned(), name.clone());
        name
    }

    /// The output name of `tm_id` (the tm id itself when never registered).
    pub fn get(&self, tm_id: &str) -> String {
        self.names
            .get(tm_id)
            .cloned()
            .unwrap_or_else(|| tm_id.to_owned())
    }
}

/// Keeps a name as it is.
pub fn as_is(s: &str) -> String {
    s.to_owned()
}

/// A TM-BOM symbolic name: lowercase ASCII letters, digits and `-`.
pub fn symbolic(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() {
        "element".to_owned()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbolic_names_follow_the_pattern_and_stay_unique() {
        assert_eq!(symbolic("PAY-S.1_x"), "pay-s-1-x");
        let mut ids = OutputIds::default();
        assert_eq!(ids.add("A", "a", symbolic), "a");
        assert_eq!(ids.add("a", "a", symbolic), "a-2");
        assert_eq!(ids.get("A"), "a");
    }
}
