//! "Did you mean …?": the nearest known name to a misspelt one.

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
        .filter(|c| *c != input)
        .filter_map(|c| {
            let other = c.to_ascii_lowercase();
            let similar = strsim::jaro_winkler(&lower, &other);
            // Transpositions ("wbe" for "web") score low on Jaro-Winkler but are
            // one edit away: accept a small edit distance on non-trivial names.
            let edits = strsim::osa_distance(&lower, &other);
            let close = lower.len() >= 3 && edits <= 1 + lower.len() / 5;
            (similar >= 0.8 || close).then_some((similar.max(1.0 - edits as f64 / 10.0), c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c).collect()
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
}
