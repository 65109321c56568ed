//! What the preview server shows: the latest rendered site, the last one
//! without errors, and a generation number that changes with every rebuild
//! (the live-reload script waits on it).

use std::path::PathBuf;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use crate::escape::escape_html;
use crate::preview::{DIAGNOSTICS_PAGE, add_banner};
use crate::render::Site;

/// The result of one build, as the server takes it.
#[derive(Debug)]
pub enum Rebuilt {
    /// The site rendered; `has_errors` says whether the models have errors
    /// (the site then already shows them).
    Site {
        /// The rendered site.
        site: Site,
        /// Whether the models have errors.
        has_errors: bool,
    },
    /// tm could not build at all (book.toml invalid, a theme template
    /// broken…): the message, shown over the last good pages.
    Failed(String),
}

#[derive(Debug, Default)]
struct Shown {
    generation: u64,
    site: Site,
    last_good: Option<Site>,
}

/// The server's shared state: read by every request, replaced by each rebuild.
#[derive(Debug, Default)]
pub struct Preview {
    shown: Mutex<Shown>,
    changed: Condvar,
}

impl Preview {
    /// Takes a new build: the site to serve becomes its pages, plus (when
    /// the models have errors or the build failed) the last good pages it
    /// lacks, marked with a banner; then wakes the waiting pages.
    pub fn publish(&self, rebuilt: Rebuilt) {
        let mut shown = self.shown.lock().unwrap_or_else(PoisonError::into_inner);
        let site = match rebuilt {
            Rebuilt::Site {
                site,
                has_errors: false,
            } => {
                shown.last_good = Some(site.clone());
                site
            }
            Rebuilt::Site {
                mut site,
                has_errors: true,
            } => {
                if let Some(good) = &shown.last_good {
                    let mut kept = missing_from(good, &site);
                    add_banner(
                        &mut kept,
                        "This page is from the last build without errors: its model no longer loads.",
                    );
                    site.pages.extend(kept.pages);
                }
                site
            }
            Rebuilt::Failed(message) => failed_site(shown.last_good.as_ref(), &message),
        };
        shown.site = site;
        shown.generation += 1;
        self.changed.notify_all();
    }

    /// The current generation.
    pub fn generation(&self) -> u64 {
        self.shown
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .generation
    }

    /// A file of the current site and the generation it belongs to.
    pub fn file(&self, path: &std::path::Path) -> Option<(Vec<u8>, u64)> {
        let shown = self.shown.lock().unwrap_or_else(PoisonError::into_inner);
        shown
            .site
            .pages
            .get(path)
            .map(|bytes| (bytes.clone(), shown.generation))
    }

    /// Waits until the generation differs from `since` or `timeout` passes;
    /// returns the generation then.
    pub fn wait_for_change(&self, since: u64, timeout: Duration) -> u64 {
        let shown = self.shown.lock().unwrap_or_else(PoisonError::into_inner);
        let (shown, _) = self
            .changed
            .wait_timeout_while(shown, timeout, |s| s.generation == since)
            .unwrap_or_else(PoisonError::into_inner);
        shown.generation
    }
}

/// The pages of `good` that `site` does not have.
fn missing_from(good: &Site, site: &Site) -> Site {
    let mut kept = Site::default();
    for (path, bytes) in &good.pages {
        if !site.pages.contains_key(path) {
            kept.pages.insert(path.clone(), bytes.clone());
        }
    }
    kept
}

/// The last good site (or an empty one) under a banner saying the build
/// failed, with a diagnostics page holding the message.
fn failed_site(last_good: Option<&Site>, message: &str) -> Site {
    let mut site = last_good.cloned().unwrap_or_default();
    let escaped = escape_html(message);
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; style-src 'self'\">\n<title>tm: the build failed</title>\n<link rel=\"stylesheet\" href=\"assets/style.css\">\n</head>\n<body>\n<main>\n<h1>tm could not build the project</h1>\n<pre class=\"tm-build-error\">{escaped}</pre>\n<p>Fix it and save: this page reloads by itself.</p>\n</main>\n</body>\n</html>\n"
    );
    let index = PathBuf::from("index.html");
    let fresh = !site.pages.contains_key(&index);
    add_banner(
        &mut site,
        &format!("tm could not build the project: {escaped}"),
    );
    site.pages
        .insert(PathBuf::from(DIAGNOSTICS_PAGE), page.clone().into_bytes());
    if fresh {
        site.pages.insert(index, page.into_bytes());
    }
    site
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn site(pages: &[(&str, &str)]) -> Site {
        let mut site = Site::default();
        for (p, b) in pages {
            site.pages.insert(PathBuf::from(p), b.as_bytes().to_vec());
        }
        site
    }

    fn text(p: &Preview, path: &str) -> Option<String> {
        p.file(Path::new(path))
            .map(|(b, _)| String::from_utf8(b).unwrap())
    }

    #[test]
    fn a_broken_model_keeps_its_last_good_page_under_a_banner() {
        let p = Preview::default();
        p.publish(Rebuilt::Site {
            site: site(&[
                ("index.html", "<main>v1</main>"),
                ("models/a.html", "<main>A</main>"),
            ]),
            has_errors: false,
        });
        assert_eq!(p.generation(), 1);
        p.publish(Rebuilt::Site {
            site: site(&[("index.html", "<main>v2 errors</main>")]),
            has_errors: true,
        });
        assert_eq!(p.generation(), 2);
        assert!(text(&p, "index.html").unwrap().contains("v2 errors"));
        let a = text(&p, "models/a.html").unwrap();
        assert!(a.contains("tm-error-banner") && a.contains('A'), "{a}");
    }

    #[test]
    fn a_failed_build_shows_its_message_escaped() {
        let p = Preview::default();
        p.publish(Rebuilt::Failed("book.toml: <bad>".into()));
        let index = text(&p, "index.html").unwrap();
        assert!(index.contains("book.toml: &lt;bad&gt;"), "{index}");
        assert!(!index.contains("<bad>"));
        assert!(text(&p, "diagnostics.html").is_some());
    }

    #[test]
    fn waiting_returns_at_once_when_the_generation_already_moved() {
        let p = Preview::default();
        p.publish(Rebuilt::Failed("x".into()));
        assert_eq!(p.wait_for_change(0, Duration::from_secs(5)), 1);
        assert_eq!(p.wait_for_change(1, Duration::from_millis(10)), 1);
    }
}
