//! The static site: a [`Project`] and its [`Findings`] → an in-memory [`Site`]
//! of pages, then written atomically. Render never re-reads YAML: every page is
//! built from the typed models, through Tera templates with autoescape on;
//! only sanitized Markdown and tm's own SVG are inserted unescaped.

pub mod context;
pub mod diagram;
pub mod markdown;
pub mod overview;
pub mod search;
pub mod theme;
pub mod write;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostic::{Diagnostic, Findings};
use crate::load::Project;
pub use context::FindingRow;
pub use theme::Theme;
pub use write::{MARKER, WriteError, write_site};

/// A rendered site: file contents by path relative to the output directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// Every file of the site, sorted by path.
    pub pages: BTreeMap<PathBuf, Vec<u8>>,
}

/// An entry of the site navigation.
#[derive(Debug, Clone, Serialize)]
pub struct NavEntry {
    /// The label.
    pub title: String,
    /// Path from the site root.
    pub href: String,
}

/// A page another stage contributes (e.g. the review queue, unmodelled code):
/// rendered with the `page.html` template and listed in the navigation.
#[derive(Debug, Clone, Serialize)]
pub struct ExtraPage {
    /// Path from the site root, e.g. `queue.html`.
    pub path: String,
    /// Title, also the navigation label.
    pub title: String,
    /// The body, already safe HTML (built from escaped or sanitized text).
    pub body_html: String,
}

/// Why the site could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed to parse or render (a broken theme override, usually).
    #[error("theme template {template}: {source}")]
    Template {
        /// The template.
        template: String,
        /// Tera's error, with its position.
        #[source]
        source: tera::Error,
    },
}

/// The built-in pages, in navigation order.
const BUILT_IN_NAV: &[(&str, &str)] = &[
    ("Models", "index.html"),
    ("Mitigations", "mitigations.html"),
    ("Risk heat map", "heatmap.html"),
    ("Search", "search.html"),
];

/// Renders the whole site.
pub fn render(
    project: &Project,
    findings: &Findings,
    theme: &Theme,
    extra_pages: &[ExtraPage],
) -> Result<Site, RenderError> {
    let tera = templates(theme)?;
    let mut nav: Vec<NavEntry> = BUILT_IN_NAV
        .iter()
        .map(|(title, href)| NavEntry {
            title: (*title).to_owned(),
            href: (*href).to_owned(),
        })
        .collect();
    nav.extend(extra_pages.iter().map(|p| NavEntry {
        title: p.title.clone(),
        href: p.path.clone(),
    }));
    let mut base = Context::new();
    base.insert("site_title", &project.config.title);
    base.insert(
        "site_description",
        &project.config.description.clone().unwrap_or_default(),
    );
    base.insert("nav", &nav);
    let page = |template: &str, path: &str, fill: &dyn Fn(&mut Context)| {
        let mut ctx = base.clone();
        let depth = path.matches('/').count();
        ctx.insert("root", &"../".repeat(depth));
        ctx.insert("current", path);
        fill(&mut ctx);
        tera.render(template, &ctx)
            .map(|html| (PathBuf::from(path), html.into_bytes()))
            .map_err(|source| RenderError::Template {
                template: template.to_owned(),
                source,
            })
    };

    let per_model: Vec<Vec<&Diagnostic>> = project
        .models
        .iter()
        .map(|m| findings.for_model(m.model.id.as_str()).collect())
        .collect();
    let mut pages: BTreeMap<PathBuf, Vec<u8>> = project
        .models
        .par_iter()
        .zip(per_model.par_iter())
        .map(|(loaded, diags)| {
            let ctx = context::model_page(loaded, diags);
            page("model.html", &ctx.summary.href.clone(), &|c| {
                c.insert("model", &ctx);
                c.insert("title", &ctx.summary.title);
            })
        })
        .collect::<Result<_, _>>()?;

    let summaries: Vec<context::ModelSummary> = project
        .models
        .iter()
        .zip(&per_model)
        .map(|(m, d)| context::summarize(m, d.len()))
        .collect();
    let general: Vec<FindingRow> = findings
        .diagnostics
        .iter()
        .filter(|d| d.model.is_none())
        .map(FindingRow::new)
        .collect();
    let fixed = [
        page("index.html", "index.html", &|c| {
            c.insert("title", "Threat models");
            c.insert("models", &summaries);
            c.insert("findings", &general);
        })?,
        page("mitigations.html", "mitigations.html", &|c| {
            c.insert("title", "Mitigation status");
            c.insert("board", &overview::board(project));
        })?,
        page("heatmap.html", "heatmap.html", &|c| {
            c.insert("title", "Risk heat map");
            c.insert("heat", &overview::heat_map(project));
        })?,
        page("search.html", "search.html", &|c| {
            c.insert("title", "Search");
        })?,
    ];
    pages.extend(fixed);
    for extra in extra_pages {
        let (path, html) = page("page.html", &extra.path, &|c| {
            c.insert("title", &extra.title);
            c.insert("body_html", &extra.body_html);
        })?;
        pages.insert(path, html);
    }
    pages.insert(
        PathBuf::from("assets/search-index.js"),
        search::index_script(project).into_bytes(),
    );
    for (name, bytes) in &theme.assets {
        pages.insert(PathBuf::from("assets").join(name), bytes.clone());
    }
    Ok(Site { pages })
}

fn templates(theme: &Theme) -> Result<Tera, RenderError> {
    let mut tera = Tera::default();
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str())),
    )
    .map_err(|source| RenderError::Template {
        template: "(theme)".to_owned(),
        source,
    })?;
    Ok(tera)
}
