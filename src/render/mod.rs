//! The static site: a [`Project`] and its [`Findings`] → an in-memory [`Site`]
//! of pages, then written atomically. Render never re-reads YAML: every page is
//! built from the typed models, through Tera templates with autoescape on;
//! only sanitized Markdown and tm's own SVG are inserted unescaped.

pub mod code;
pub mod context;
pub mod coverage;
pub mod diagram;
pub mod history;
pub mod markdown;
pub mod output_lock;
pub mod overview;
pub mod questions;
pub mod search;
pub mod theme;
pub mod write;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::code::CodeReport;
use crate::diagnostic::{Diagnostic, Findings};
use crate::history::{CommitInfo, ProjectHistory, ReviewQueue};
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

/// What earlier stages found besides the models and findings, passed to the
/// renderer as typed data: render itself never runs git nor reads files.
#[derive(Debug, Clone, Copy)]
pub struct SiteInputs<'a> {
    /// The code cross-check: covered files and symbols, unmodelled entry points.
    pub code: &'a CodeReport,
    /// Every model's git history; `None` when not gathered.
    pub history: Option<&'a ProjectHistory>,
    /// The review queue; `None` leaves the queue page out.
    pub queue: Option<&'a ReviewQueue>,
    /// The commit the site describes, for `{commit}` in `source-url`.
    pub head: Option<&'a CommitInfo>,
    /// Pages contributed by other stages.
    pub extra_pages: &'a [ExtraPage],
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
    ("Review queue", QUEUE_PAGE),
    ("Unmodelled code", "unmodelled.html"),
    ("Search", "search.html"),
];

/// The review queue page, left out when no queue was gathered.
const QUEUE_PAGE: &str = "queue.html";

/// Renders the whole site.
pub fn render(
    project: &Project,
    findings: &Findings,
    theme: &Theme,
    inputs: &SiteInputs<'_>,
) -> Result<Site, RenderError> {
    let tera = templates(theme)?;
    let extra_pages = inputs.extra_pages;
    let links = code::SourceLinks {
        template: project.config.tm.source_url.as_deref(),
        commit: inputs.head.map(|c| c.id.as_str()),
    };
    let mut nav: Vec<NavEntry> = BUILT_IN_NAV
        .iter()
        .filter(|(_, href)| *href != QUEUE_PAGE || inputs.queue.is_some())
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
    // From git, never the clock, so the same commit builds the same bytes.
    base.insert(
        "build",
        &inputs.head.map(
            |head| serde_json::json!({ "id": head.id, "short": head.short, "day": head.day_shown() }),
        ),
    );
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

    let queue_severity = inputs
        .queue
        .map_or(crate::model::Severity::High, |q| q.severity);
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
            let id = loaded.model.id.as_str();
            let extras = context::ModelExtras {
                code: inputs.code.for_model(id),
                links,
                history: inputs.history.map(|h| {
                    let file = loaded.file.to_string_lossy().replace('\\', "/");
                    let model = h.models.iter().find(|m| m.file == file);
                    (&h.reach, model)
                }),
                queue_severity,
            };
            let mut ctx = context::model_page(loaded, diags, extras);
            ctx.summary.drift = inputs
                .queue
                .map(|q| history::drifted(q, id))
                .unwrap_or_default();
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
        .map(|(m, d)| {
            let mut summary = context::summarize(m, d.len(), queue_severity);
            summary.drift = inputs
                .queue
                .map(|q| history::drifted(q, &summary.id))
                .unwrap_or_default();
            summary
        })
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
        page("unmodelled.html", "unmodelled.html", &|c| {
            c.insert("title", "Unmodelled code");
            c.insert("page", &code::unmodelled_page(inputs.code, links));
        })?,
    ];
    pages.extend(fixed);
    if let Some(queue) = inputs.queue {
        let (path, html) = page("queue.html", QUEUE_PAGE, &|c| {
            c.insert("title", "Review queue");
            c.insert("queue", &history::queue_page(queue, project));
        })?;
        pages.insert(path, html);
    }
    for extra in extra_pages {
        let (path, html) = page("page.html", &extra.path, &|c| {
            c.insert("title", &extra.title);
            c.insert("body_html", &extra.body_html);
        })?;
        pages.insert(path, html);
    }
    pages.extend(search::index_files(project));
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
