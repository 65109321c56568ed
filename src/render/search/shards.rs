//! The sharded search index (Pagefind's design): a small manifest, term shards
//! keyed by term prefix and document chunks, each a script that hands its data
//! to a callback of `search.js`, so the search page loads only what a query
//! needs, from `http://` and `file://` alike (browsers refuse `fetch` on
//! `file://`, but `<script>` tags load).
//!
//! The tokenizer here and the one in `themes/default/assets/search.js` must
//! agree: lowercase; a term is a run of letters and digits, possibly joined by
//! `- _ . @` (`pay-123`, `alice@example.com`), and each joined term is also
//! indexed by its parts.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

/// A term shard grows past this many bytes only when its prefix cannot be
/// made longer.
const SHARD_BYTES: usize = 24 * 1024;
/// The longest shard prefix, in characters.
const MAX_PREFIX: usize = 6;
/// Documents per document chunk.
pub const CHUNK_DOCS: usize = 16;
/// Terms longer than this (hashes, base64) are not indexed.
const MAX_TERM: usize = 40;
/// Where the index lives under the site root.
pub const DIR: &str = "assets/search";

/// One searchable thing, as the results list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Doc {
    /// `model`, `component`, `flow`, `data`, `boundary`, `threat`,
    /// `mitigation`, `question` or `person`.
    pub kind: &'static str,
    /// The result's headline.
    pub title: String,
    /// Link from the site root.
    pub href: String,
    /// Title of the model it belongs to.
    pub model: String,
    /// Plain text shown under the headline (no markup).
    pub snippet: String,
    /// Text searched besides the title (ids, people, descriptions), plain.
    #[serde(skip)]
    pub body: String,
}

/// The terms of a text, in order of appearance, duplicates kept.
pub fn terms(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    let joiner = |c: char| matches!(c, '-' | '_' | '.' | '@');
    for token in lower.split(|c: char| !(c.is_alphanumeric() || joiner(c))) {
        let token = token.trim_matches(joiner);
        if token.is_empty() || token.chars().count() > MAX_TERM {
            continue;
        }
        out.push(token.to_owned());
        if token.contains(joiner) {
            out.extend(
                token
                    .split(joiner)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned),
            );
        }
    }
    out
}

/// Postings of one term: document ids (ascending) and whether the term is in
/// the title.
type Postings = Vec<(usize, bool)>;

/// The index files, paths relative to the site root.
pub fn files(docs: &[Doc]) -> Vec<(PathBuf, Vec<u8>)> {
    let mut index: BTreeMap<String, Postings> = BTreeMap::new();
    for (id, doc) in docs.iter().enumerate() {
        let mut seen: BTreeMap<String, bool> = BTreeMap::new();
        for t in terms(&doc.title) {
            seen.insert(t, true);
        }
        for t in terms(&doc.body).into_iter().chain(terms(&doc.model)) {
            seen.entry(t).or_insert(false);
        }
        for (term, in_title) in seen {
            index.entry(term).or_default().push((id, in_title));
        }
    }
    let encoded: Vec<(String, String)> = index
        .into_iter()
        .map(|(term, postings)| {
            let e = encode(&postings);
            (term, e)
        })
        .collect();
    let mut groups = Vec::new();
    split(&encoded, 1, &mut groups);

    let mut out = Vec::new();
    let mut manifest_shards = Vec::new();
    for (n, (key, entries)) in groups.iter().enumerate() {
        let map: BTreeMap<&str, &str> = entries
            .iter()
            .map(|(t, p)| (t.as_str(), p.as_str()))
            .collect();
        let body = format!(
            "window.TM_SEARCH_SHARD({n},{});\n",
            serde_json::to_string(&map).unwrap_or_else(|_| "{}".to_owned())
        );
        manifest_shards.push((key.clone(), body.len()));
        out.push((PathBuf::from(format!("{DIR}/s{n}.js")), body.into_bytes()));
    }
    for (n, chunk) in docs.chunks(CHUNK_DOCS).enumerate() {
        let rows: Vec<(&str, &str, &str, &str, &str)> = chunk
            .iter()
            .map(|d| {
                (
                    d.kind,
                    d.title.as_str(),
                    d.href.as_str(),
                    d.model.as_str(),
                    d.snippet.as_str(),
                )
            })
            .collect();
        let body = format!(
            "window.TM_SEARCH_DOCS({n},{});\n",
            serde_json::to_string(&rows).unwrap_or_else(|_| "[]".to_owned())
        );
        out.push((PathBuf::from(format!("{DIR}/d{n}.js")), body.into_bytes()));
    }
    let manifest = serde_json::json!({
        "version": 1,
        "docs": docs.len(),
        "chunk": CHUNK_DOCS,
        "shards": manifest_shards,
    });
    out.push((
        PathBuf::from(format!("{DIR}/manifest.js")),
        format!("window.TM_SEARCH_MANIFEST={manifest};\n").into_bytes(),
    ));
    out
}

/// Postings as base-36 numbers joined by commas: each is the gap to the
/// previous document id, doubled, plus one when the term is in the title.
fn encode(postings: &[(usize, bool)]) -> String {
    let mut out = String::new();
    let mut last = 0;
    for (i, &(id, in_title)) in postings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let value = (id - last) * 2 + usize::from(in_title);
        last = id;
        push_base36(&mut out, value);
    }
    out
}

fn push_base36(out: &mut String, mut n: usize) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = Vec::new();
    loop {
        buf.push(DIGITS[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    for &d in buf.iter().rev() {
        out.push(char::from(d));
    }
}

/// The first `n` characters of a term.
fn prefix(term: &str, n: usize) -> String {
    term.chars().take(n).collect()
}

/// Groups sorted terms, each at least `len` characters long, into shards: by
/// their first `len` characters, and a group too big is split again by one
/// more character. The term equal to a split group's prefix keeps a shard of
/// its own, keyed by that prefix.
fn split<'a>(
    terms: &'a [(String, String)],
    len: usize,
    out: &mut Vec<(String, Vec<&'a (String, String)>)>,
) {
    let mut i = 0;
    while i < terms.len() {
        let key = prefix(&terms[i].0, len);
        let mut j = i;
        while j < terms.len() && terms[j].0.starts_with(&key) {
            j += 1;
        }
        let group = &terms[i..j];
        let bytes: usize = group.iter().map(|(t, p)| t.len() + p.len() + 6).sum();
        if bytes <= SHARD_BYTES || len >= MAX_PREFIX || group.len() == 1 {
            out.push((key, group.iter().collect()));
        } else {
            // Sorted, so the term equal to the prefix comes first.
            let rest = if group[0].0 == key {
                out.push((key, vec![&group[0]]));
                &group[1..]
            } else {
                group
            };
            split(rest, len + 1, out);
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, body: &str) -> Doc {
        Doc {
            kind: "threat",
            title: title.to_owned(),
            href: "x.html".to_owned(),
            model: "Payments".to_owned(),
            snippet: String::new(),
            body: body.to_owned(),
        }
    }

    #[test]
    fn terms_keep_joined_ids_and_their_parts() {
        assert_eq!(
            terms("Tracked in PAY-123, by Alice@Example.com."),
            [
                "tracked",
                "in",
                "pay-123",
                "pay",
                "123",
                "by",
                "alice@example.com",
                "alice",
                "example",
                "com"
            ]
        );
        assert_eq!(terms("**bold** `code`"), ["bold", "code"]);
        assert!(terms(&"x".repeat(41)).is_empty());
    }

    #[test]
    fn postings_are_gap_encoded_with_a_title_bit() {
        assert_eq!(encode(&[(0, true), (5, false), (41, true)]), "1,a,21");
    }

    #[test]
    fn big_groups_split_into_longer_prefixes_and_every_term_has_one_shard() {
        let docs: Vec<Doc> = (0..3000)
            .map(|i| doc(&format!("service{i} sea{i}"), &format!("s{i} se")))
            .collect();
        let files = files(&docs);
        let manifest = files
            .iter()
            .find(|(p, _)| p.ends_with("manifest.js"))
            .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
            .unwrap();
        assert!(manifest.contains("[\"se\","), "{manifest}");
        assert!(manifest.contains("[\"ser"), "{manifest}");
        let shards: Vec<&Vec<u8>> = files
            .iter()
            .filter(|(p, _)| p.file_name().unwrap().to_string_lossy().starts_with('s'))
            .map(|(_, b)| b)
            .collect();
        for s in &shards {
            assert!(s.len() < 4 * SHARD_BYTES, "shard of {} bytes", s.len());
        }
        let all: String = shards
            .iter()
            .map(|b| String::from_utf8((*b).clone()).unwrap())
            .collect();
        assert_eq!(all.matches("\"service2999\":").count(), 1);
        assert_eq!(all.matches("\"se\":").count(), 1);
        let chunks = files
            .iter()
            .filter(|(p, _)| p.file_name().unwrap().to_string_lossy().starts_with('d'))
            .count();
        assert_eq!(chunks, 3000usize.div_ceil(CHUNK_DOCS));
    }
}
