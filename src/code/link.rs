//! Links from the site to the code: `source-url` in `book.toml` is a template
//! such as `https://git.example/repo/blob/{commit}/{path}#L{line}`.

use std::path::Path;

const PLACEHOLDERS: [&str; 3] = ["{commit}", "{path}", "{line}"];

/// Checks a `source-url` template: it must be an `http(s)://` URL (book.toml
/// comes with the pull request, and a `javascript:` link on the site would run
/// in the reader's browser), name `{path}`, and use only `{commit}`, `{path}`
/// and `{line}`.
pub fn validate_template(template: &str) -> Result<(), String> {
    let lower = template.trim_start().to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(format!(
            "source-url = {template:?} is not an http(s) URL: write it as \"https://git.example/repo/blob/{{commit}}/{{path}}#L{{line}}\""
        ));
    }
    if !template.contains("{path}") {
        return Err(format!(
            "source-url = {template:?} has no `{{path}}`: e.g. \"https://git.example/repo/blob/{{commit}}/{{path}}#L{{line}}\""
        ));
    }
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        let placeholder = &rest[open..close];
        if !PLACEHOLDERS.contains(&placeholder) {
            return Err(format!(
                "source-url uses `{placeholder}`; the placeholders are {{commit}}, {{path}} and {{line}}"
            ));
        }
        rest = &rest[close..];
    }
    Ok(())
}

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

    #[test]
    fn templates_are_checked() {
        assert!(validate_template(T).is_ok());
        assert!(validate_template("https://x/{commit}").is_err());
        assert!(validate_template("https://x/{path}/{branch}").is_err());
        assert!(validate_template("javascript:alert(1)//{path}").is_err());
        assert!(validate_template(" JavaScript:alert(1)//https://{path}").is_err());
        assert!(validate_template("data:text/html,{path}").is_err());
        assert!(validate_template("HTTP://x/{path}").is_ok());
    }
}
