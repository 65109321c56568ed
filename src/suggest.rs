//! "Did you mean …?": the nearest known name to a misspelt one.
//!
//! One question compares the input with every candidate; a model with
//! thousands of dangling references to thousands of ids would make that
//! quadratic. [`Suggester`] indexes the candidates once, answers each distinct
//! input once, tries the likeliest candidates first (closest in length) and
//! stops after a fixed number of comparisons, so its total cost is bounded.

use std::collections::HashMap;

/// The candidate closest to `input`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    nearest(input, candidates, 1).into_iter().next()
}

/// Up to `n` candidates close to `input`, best first (ties broken by name).
pub fn nearest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let lower = input.to_ascii_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .filter_map(|c| score(input, &lower, c).map(|s| (s, c)))
        .collect();
    best(&mut scored, n)
}

/// How likely `candidate` is what `input` (lowercased: `lower`) meant; `None`
/// when it is not close enough to suggest.
fn score(input: &str, lower: &str, candidate: &str) -> Option<f64> {
    if candidate == input {
        return None;
    }
    let other = candidate.to_ascii_lowercase();
    let similar = strsim::jaro_winkler(lower, &other);
    // Transpositions ("wbe" for "web") score low on Jaro-Winkler but are
    // one edit away: accept a small edit distance on non-trivial names.
    let edits = strsim::osa_distance(lower, &other);
    let close = lower.len() >= 3 && edits <= 1 + lower.len() / 5;
    (similar >= 0.8 || close).then_some(similar.max(1.0 - edits as f64 / 10.0))
}

fn best<'a>(scored: &mut Vec<(f64, &'a str)>, n: usize) -> Vec<&'a str> {
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.iter().take(n).map(|(_, c)| *c).collect()
}

/// Candidates compared with one input at most: the ones closest in length
/// (a typo changes the length little), enough for any real model.
const PER_QUESTION: usize = 2_000;

/// Comparisons one [`Suggester`] makes in all (about a second of work);
/// after that it suggests nothing more, and the help lists the known ids.
const TOTAL_COMPARISONS: usize = 1_000_000;

/// "Did you mean" for many inputs against one set of candidates.
pub struct Suggester<'a> {
    /// Candidates by length in bytes, each bucket sorted.
    by_len: Vec<Vec<&'a str>>,
    answers: HashMap<String, Option<&'a str>>,
    left: usize,
}

impl<'a> Suggester<'a> {
    /// Indexes the candidates.
    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Suggester<'a> {
        Suggester::with_budget(candidates, TOTAL_COMPARISONS)
    }

    /// Indexes the candidates, for at most `comparisons` comparisons in all.
    pub fn with_budget(
        candidates: impl IntoIterator<Item = &'a str>,
        comparisons: usize,
    ) -> Suggester<'a> {
        let mut by_len: Vec<Vec<&'a str>> = Vec::new();
        for c in candidates {
            if by_len.len() <= c.len() {
                by_len.resize_with(c.len() + 1, Vec::new);
            }
            by_len[c.len()].push(c);
        }
        for bucket in &mut by_len {
            bucket.sort_unstable();
            bucket.dedup();
        }
        Suggester {
            by_len,
            answers: HashMap::new(),
            left: comparisons,
        }
    }

    /// The candidate closest to `input`, as [`did_you_mean`] would find it
    /// among the candidates it gets to compare.
    pub fn did_you_mean(&mut self, input: &str) -> Option<&'a str> {
        if let Some(answer) = self.answers.get(input) {
            return *answer;
        }
        let lower = input.to_ascii_lowercase();
        let mut scored = Vec::new();
        let mut asked = 0;
        // Lengths outwards from the input's own: L, L-1, L+1, L-2, L+2, …
        let len = input.len();
        let nearest_lengths = (0..self.by_len.len().max(len + 1))
            .flat_map(|delta| [len.checked_sub(delta), (delta > 0).then_some(len + delta)])
            .flatten();
        let candidates = nearest_lengths.flat_map(|l| self.by_len.get(l).into_iter().flatten());
        for c in candidates.take(PER_QUESTION.min(self.left)) {
            asked += 1;
            if let Some(s) = score(input, &lower, c) {
                scored.push((s, *c));
            }
        }
        self.left -= asked;
        let answer = best(&mut scored, 1).into_iter().next();
        self.answers.insert(input.to_owned(), answer);
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_likely_typo() {
        let keys = ["mitigations", "threats", "components"];
        assert_eq!(did_you_mean("mitigatons", keys), Some("mitigations"));
        assert_eq!(did_you_mean("thraets", keys), Some("threats"));
        assert_eq!(did_you_mean("zzz", keys), None);
        assert_eq!(did_you_mean("wbe", ["web", "db"]), Some("web"));
        assert_eq!(did_you_mean("a", ["b"]), None);
    }

    #[test]
    fn the_suggester_agrees_with_the_one_off_question() {
        let keys = ["mitigations", "threats", "components", "web", "db"];
        let mut s = Suggester::new(keys);
        for input in ["mitigatons", "thraets", "zzz", "wbe", "a", "threats"] {
            assert_eq!(s.did_you_mean(input), did_you_mean(input, keys), "{input}");
            // Asked again: the same answer, from the cache.
            assert_eq!(s.did_you_mean(input), did_you_mean(input, keys), "{input}");
        }
    }

    #[test]
    fn the_suggester_bounds_its_work() {
        let ids: Vec<String> = (0..100_000).map(|i| format!("T-{i:06}")).collect();
        let mut s = Suggester::with_budget(ids.iter().map(String::as_str), 10_000);
        // The closest length is tried first, so the typo is still found.
        let long: Vec<String> = (0..5_000).map(|i| format!("long-id-{i:06}-far")).collect();
        let mut near =
            Suggester::with_budget(long.iter().map(String::as_str).chain(["T-0001"]), 2_000);
        assert_eq!(near.did_you_mean("T-001"), Some("T-0001"));
        for i in 0..10 {
            s.did_you_mean(&format!("X-{i:06}"));
        }
        assert_eq!(s.left, 0, "stops after its budget");
        assert_eq!(s.did_you_mean("T-00000x"), None);
    }
}
