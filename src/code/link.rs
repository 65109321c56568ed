//! Links from the site to the code: `source-url` in `book.toml` is a template
//! such as `https://git.example/repo/blob/{commit}/{path}#L{line}`.

use std::path::Path;

/// Fills the template for `path` (relative to the root, `/`-separated in the
/// URL) at `line`. When the template needs `{commit}` and the commit is not
/// known (no git checkout), there is no link: a link to a moving branch would
/// point at the wrong lines once the file changes. Without a line, `{line}`
/// becomes 1.
pub fn source_url(
    template: &str,
    commit: Option<&str>,
    path: &Path,
    line: Option<u32>,
) -> Option<String> {
    let commit = match (template.contains("{commit}"), commit) {
        (true, None) => return None,
        (_, c) => c.unwrap_or_default(),
    };
    let path: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(
        template
            .replace("{commit}", commit)
            .replace("{path}", &path.join("/"))
            .replace("{line}", &line.unwrap_or(1).to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "https://git.example/repo/blob/{commit}/{path}#L{line}";

    #[test]
    fn fills_placeholders_and_needs_a_commit_when_asked() {
        assert_eq!(
            source_url(T, Some("3f2a9c1"), Path::new("src/a.rs"), Some(12)).as_deref(),
            Some("https://git.example/repo/blob/3f2a9c1/src/a.rs#L12")
        );
        assert_eq!(source_url(T, None, Path::new("src/a.rs"), Some(1)), None);
        assert_eq!(
            source_url("https://x/{path}", None, Path::new("a"), None).as_deref(),
            Some("https://x/a")
        );
    }
}
