//! A site that shows its errors instead of refusing to exist: what
//! `tm serve` shows while a user edits, and what `tm build --allow-errors`
//! writes for previews in pipelines. The pages are the normal ones (each
//! model page already lists its own findings, the index the general ones),
//! plus a diagnostics page with every finding and a banner on every page
//! that links to it.

use std::path::Path;

use crate::build::{BuildError, SiteBuild};
use crate::diagnostic::{Findings, Severity};
use crate::escape::escape_html;
use crate::render::{ExtraPage, FindingRow, Site};

/// The diagnostics page, from the site root.
pub const DIAGNOSTICS_PAGE: &str = "diagnostics.html";

/// The banner's style, appended to the theme's stylesheet (the pages' CSP
/// allows no inline style).
const BANNER_CSS: &str = "\n/* tm preview: error banner */\n.tm-error-banner { margin: 0 0 1rem; padding: .6rem .8rem; border: 2px solid #b42318; border-radius: 6px; background: #fef3f2; color: #7a271a; }\n.tm-error-banner a { color: inherit; font-weight: 600; }\n";

/// Renders `build`'s site whether or not the models have errors; when they
/// have, the site gets the diagnostics page and the banner.
pub fn render_showing_errors(build: &SiteBuild) -> Result<Site, BuildError> {
    let findings = &build.analysis.findings;
    if !findings.has_errors() {
        return build.render();
    }
    let page = diagnostics_page(findings);
    let mut site = build.render_with_pages(std::slice::from_ref(&page))?;
    let errors = findings.count(Severity::Error);
    let text = format!(
        "{errors} error{} in the threat models: this site shows a project that does not pass <code>tm check</code>.",
        if errors == 1 { "" } else { "s" }
    );
    add_banner(&mut site, &text);
    Ok(site)
}

/// The page listing every finding, errors first (the findings are sorted).
pub fn diagnostics_page(findings: &Findings) -> ExtraPage {
    let mut body = String::from("<section class=\"findings\" id=\"findings\">\n<ul>\n");
    let mut rows: Vec<_> = findings.diagnostics.iter().collect();
    rows.sort_by_key(|d| d.severity != Severity::Error);
    for d in rows {
        let row = FindingRow::new(d);
        let severity = escape_html(&row.severity);
        body.push_str(&format!(
            "<li class=\"finding {severity}\"><span class=\"badge sev-{severity}\">{severity}</span> <code>{}</code> {} <span class=\"where\">{}</span>",
            escape_html(&row.rule),
            row.message_html,
            escape_html(&row.location),
        ));
        if !row.help_html.is_empty() {
            body.push_str(&format!("<div class=\"help\">{}</div>", row.help_html));
        }
        body.push_str("</li>\n");
    }
    if findings.diagnostics.is_empty() {
        body.push_str("<li>No findings.</li>\n");
    }
    body.push_str("</ul>\n</section>\n");
    ExtraPage {
        path: DIAGNOSTICS_PAGE.to_owned(),
        title: "Diagnostics".to_owned(),
        body_html: body,
    }
}

/// Puts a banner saying `html` (already safe HTML) at the top of every page
/// of `site`, with a link to the diagnostics page, and its style into the
/// stylesheet.
pub fn add_banner(site: &mut Site, html: &str) {
    for (path, bytes) in site.pages.iter_mut() {
        if !is_html(path) {
            continue;
        }
        let root = "../".repeat(path.components().count().saturating_sub(1));
        let banner = format!(
            "<div class=\"tm-error-banner\" role=\"alert\">{html} <a href=\"{root}{DIAGNOSTICS_PAGE}\">See the diagnostics</a>.</div>\n"
        );
        *bytes = insert_at_top(bytes, &banner);
    }
    if let Some(css) = site.pages.get_mut(Path::new("assets/style.css")) {
        css.extend_from_slice(BANNER_CSS.as_bytes());
    }
}

/// Whether a site file is an HTML page.
pub fn is_html(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "html")
}

/// `page` with `snippet` inserted at the top of its content: after `<main…>`,
/// else after `<body…>`, else in front (a theme may drop either tag).
fn insert_at_top(page: &[u8], snippet: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let at = ["<main", "<body"].iter().find_map(|tag| {
        let start = text.find(tag)?;
        text[start..].find('>').map(|end| start + end + 1)
    });
    let at = at.unwrap_or(0);
    let mut out = String::with_capacity(text.len() + snippet.len() + 1);
    out.push_str(&text[..at]);
    out.push('\n');
    out.push_str(snippet);
    out.push_str(&text[at..]);
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn site() -> Site {
        let mut site = Site::default();
        site.pages.insert(
            PathBuf::from("models/a.html"),
            b"<html><body><main class=\"x\"><h1>A</h1></main></body></html>".to_vec(),
        );
        site.pages
            .insert(PathBuf::from("index.html"), b"<p>no tags</p>".to_vec());
        site.pages
            .insert(PathBuf::from("assets/style.css"), b"body{}".to_vec());
        site
    }

    #[test]
    fn the_banner_goes_at_the_top_of_main_with_a_relative_link() {
        let mut site = site();
        add_banner(&mut site, "2 errors");
        let page = String::from_utf8(site.pages[Path::new("models/a.html")].clone()).unwrap();
        let main = page.find("<main class=\"x\">").unwrap();
        let banner = page.find("tm-error-banner").unwrap();
        let h1 = page.find("<h1>").unwrap();
        assert!(main < banner && banner < h1, "{page}");
        assert!(page.contains("href=\"../diagnostics.html\""), "{page}");
    }

    #[test]
    fn a_page_without_main_or_body_gets_the_banner_in_front() {
        let mut site = site();
        add_banner(&mut site, "1 error");
        let page = String::from_utf8(site.pages[Path::new("index.html")].clone()).unwrap();
        assert!(
            page.trim_start()
                .starts_with("<div class=\"tm-error-banner\"")
        );
        assert!(page.contains("href=\"diagnostics.html\""));
        let css = String::from_utf8(site.pages[Path::new("assets/style.css")].clone()).unwrap();
        assert!(css.contains(".tm-error-banner"));
    }

    #[test]
    fn the_diagnostics_page_escapes_what_the_user_wrote() {
        use crate::diagnostic::{Diagnostic, Rule};
        let mut d = Diagnostic::new(
            Rule::ALL[0],
            PathBuf::from("models/<x>.yaml"),
            None,
            "bad <script>alert(1)</script>",
        );
        d.severity = Severity::Error;
        let page = diagnostics_page(&Findings::new(vec![d]));
        assert!(!page.body_html.contains("<script>"), "{}", page.body_html);
        assert!(page.body_html.contains("models/&lt;x&gt;.yaml"));
        assert!(page.body_html.contains("finding error"));
    }
}
