//! Foreign ids (UUIDs, names with spaces, `a@b@c`) → tm ids, unique within
//! the model and assigned deterministically in file order.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Id;

/// Longest id an import produces.
const MAX_ID_LEN: usize = 80;

/// `raw` in tm's id alphabet (ASCII letters, digits, `.`, `_`, `-`, starting
/// with a letter or digit); every other run of characters becomes one `-`.
/// `None` when nothing usable is left.
pub fn sanitize_id(raw: &str) -> Option<String> {
    let mut out = String::new();
    let mut dash = false;
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' {
            if c == '-' && (dash || out.is_empty()) {
                continue;
            }
            dash = c == '-';
            out.push(c);
        } else if !out.is_empty() && !dash {
            out.push('-');
            dash = true;
        }
    }
    let start = out.find(|c: char| c.is_ascii_alphanumeric())?;
    let mut id = out[start..].to_owned();
    id.truncate(MAX_ID_LEN);
    while id.ends_with(['-', '.', '_']) {
        id.pop();
    }
    (!id.is_empty()).then_some(id)
}

/// Hands out unique ids and remembers which foreign id became which.
#[derive(Debug, Default)]
pub struct IdAllocator {
    used: BTreeSet<String>,
    assigned: BTreeMap<(String, String), Id>,
}

impl IdAllocator {
    /// A fresh id for the foreign id `raw` in namespace `ns` (components,
    /// flows…): sanitised, with `-2`, `-3`… on a collision. The first
    /// element with a given foreign id is the one [`lookup`](Self::lookup) finds.
    pub fn alloc(&mut self, ns: &str, raw: &str, fallback: &str) -> Id {
        let base = sanitize_id(raw)
            .or_else(|| sanitize_id(fallback))
            .unwrap_or_else(|| "element".to_owned());
        let mut id = base.clone();
        let mut n = 2;
        while self.used.contains(&id.to_ascii_lowercase()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.used.insert(id.to_ascii_lowercase());
        let id = Id(id);
        self.assigned
            .entry((ns.to_owned(), raw.to_owned()))
            .or_insert_with(|| id.clone());
        id
    }

    /// The id given to foreign id `raw` in namespace `ns`.
    pub fn lookup(&self, ns: &str, raw: &str) -> Option<&Id> {
        self.assigned.get(&(ns.to_owned(), raw.to_owned()))
    }

    /// Whether `id` is taken.
    pub fn is_used(&self, id: &str) -> bool {
        self.used.contains(&id.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitises_to_the_id_pattern() {
        let pattern = regex::Regex::new(crate::model::ID_PATTERN).unwrap();
        for raw in [
            "Customer Web Client",
            "a@b@*",
            "--x--",
            "é-ü",
            "_a",
            "x/y z",
            "ok.id_1",
        ] {
            if let Some(id) = sanitize_id(raw) {
                assert!(pattern.is_match(&id), "{raw} → {id}");
            }
        }
        assert_eq!(
            sanitize_id("Customer Web Client").as_deref(),
            Some("Customer-Web-Client")
        );
        assert_eq!(
            sanitize_id("ldap-injection@*@ldap@*").as_deref(),
            Some("ldap-injection-ldap")
        );
        assert_eq!(sanitize_id("***"), None);
    }

    #[test]
    fn collisions_get_deterministic_suffixes() {
        let mut ids = IdAllocator::default();
        assert_eq!(ids.alloc("c", "a b", "x").0, "a-b");
        assert_eq!(ids.alloc("f", "a/b", "x").0, "a-b-2");
        assert_eq!(ids.alloc("f", "A-B", "x").0, "A-B-3");
        assert_eq!(ids.alloc("c", "???", "fallback").0, "fallback");
        assert_eq!(ids.lookup("f", "a/b").unwrap().0, "a-b-2");
    }
}
