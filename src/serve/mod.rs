//! `tm serve`: a local preview. The site is rendered into memory (never
//! written), served on 127.0.0.1 only with `tiny_http`, rebuilt when the
//! models, theme, book.toml or covered code change (`notify`), and open
//! pages reload themselves through a long-poll. A project with errors is
//! shown with its diagnostics; the last good pages stay reachable.

pub mod route;
pub mod state;
pub mod watch;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tiny_http::{Header, Method, Request, Response, Server};

use crate::build::SiteBuild;
use crate::check::CheckOptions;
use crate::config::{Config, ConfigError};
use crate::preview::render_showing_errors;
pub use state::{Preview, Rebuilt};

/// How long a reload long-poll waits before answering "no change".
const LONG_POLL: Duration = Duration::from_secs(25);

/// What `tm serve` needs to know.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Where book.toml is looked for (upwards).
    pub start: PathBuf,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The check options (the date expiries are judged on).
    pub check: CheckOptions,
    /// Say nothing on stderr about rebuilds (`--quiet`).
    pub quiet: bool,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// book.toml could not be found or read at the start.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The port could not be bound.
    #[error(
        "cannot listen on 127.0.0.1:{port}: {reason}\n  help: another program uses the port; pick another one with `tm serve -p PORT` (0 picks a free one)"
    )]
    Bind {
        /// The port asked for.
        port: u16,
        /// What the system said.
        reason: String,
    },
    /// The file watcher could not be set up.
    #[error("cannot watch the project for changes: {0}")]
    Watch(#[from] notify::Error),
    /// The Ctrl-C handler could not be installed.
    #[error("cannot handle Ctrl-C: {0}")]
    Signal(#[from] ctrlc::Error),
}

/// A bound, not yet running preview server.
pub struct PreviewServer {
    server: Arc<Server>,
    preview: Arc<Preview>,
    options: ServeOptions,
    port: u16,
}

impl std::fmt::Debug for PreviewServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreviewServer")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// Loads, checks and renders the project once, as the preview shows it.
pub fn build_once(config: Config, check: CheckOptions) -> Rebuilt {
    let built = SiteBuild::load(config, check).and_then(|build| {
        let site = render_showing_errors(&build)?;
        Ok((site, build.has_errors()))
    });
    match built {
        Ok((site, has_errors)) => Rebuilt::Site { site, has_errors },
        Err(e) => Rebuilt::Failed(format!("{e:#}")),
    }
}

impl PreviewServer {
    /// Finds the project (an error if there is none: nothing to preview) and
    /// binds 127.0.0.1:`port`.
    pub fn bind(options: ServeOptions) -> Result<PreviewServer, ServeError> {
        Config::discover(&options.start, std::env::vars())?;
        let server = Server::http(("127.0.0.1", options.port)).map_err(|e| ServeError::Bind {
            port: options.port,
            reason: e.to_string(),
        })?;
        let port = server
            .server_addr()
            .to_ip()
            .map_or(options.port, |a| a.port());
        Ok(PreviewServer {
            server: Arc::new(server),
            preview: Arc::new(Preview::default()),
            options,
            port,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Builds, then serves until Ctrl-C (or SIGTERM), rebuilding on changes.
    pub fn run(self) -> Result<(), ServeError> {
        let (events_tx, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |e| {
            let _ = events_tx.send(e);
        })?;
        let mut watched = BTreeSet::new();
        let output_dir = self.rebuild(&mut watcher, &mut watched);

        let server = Arc::clone(&self.server);
        ctrlc::set_handler(move || server.unblock())?;

        let preview = Arc::clone(&self.preview);
        let options = self.options.clone();
        std::thread::spawn(move || {
            let mut output_dir = output_dir;
            while watch::next_change(&events, &output_dir).is_some() {
                output_dir = rebuild(&preview, &options, &mut watcher, &mut watched);
            }
        });

        for request in self.server.incoming_requests() {
            let preview = Arc::clone(&self.preview);
            let port = self.port;
            std::thread::spawn(move || answer(request, &preview, port));
        }
        Ok(())
    }

    fn rebuild(
        &self,
        watcher: &mut impl notify::Watcher,
        watched: &mut BTreeSet<watch::Watch>,
    ) -> PathBuf {
        rebuild(&self.preview, &self.options, watcher, watched)
    }
}

/// One rebuild: re-reads book.toml (it may have changed), renders,
/// publishes, adjusts the watched paths; returns the output dir to ignore.
fn rebuild(
    preview: &Preview,
    options: &ServeOptions,
    watcher: &mut impl notify::Watcher,
    watched: &mut BTreeSet<watch::Watch>,
) -> PathBuf {
    let started = Instant::now();
    let (rebuilt, output_dir) = match Config::discover(&options.start, std::env::vars()) {
        Ok(config) => {
            let wanted = watch::watched_paths(&config);
            watch::rewatch(watcher, watched, wanted);
            let output_dir = config.output_dir();
            (build_once(config, options.check), output_dir)
        }
        Err(e) => {
            // Keep watching what we watched: the fix comes through there.
            if watched.is_empty() {
                let wanted = BTreeSet::from([(options.start.clone(), false)]);
                watch::rewatch(watcher, watched, wanted);
            }
            (
                Rebuilt::Failed(format!("{e:#}")),
                options.start.join("book"),
            )
        }
    };
    let what = match &rebuilt {
        Rebuilt::Site {
            has_errors: false, ..
        } => "ok".to_owned(),
        Rebuilt::Site {
            has_errors: true, ..
        } => "the models have errors (shown in the pages)".to_owned(),
        Rebuilt::Failed(e) => format!("failed: {}", crate::terminal::escape_text(e)),
    };
    preview.publish(rebuilt);
    if !options.quiet {
        eprintln!("rebuilt in {} ms: {what}", started.elapsed().as_millis());
    }
    output_dir
}

/// Answers one request from the in-memory site or the live-reload endpoints.
fn answer(request: Request, preview: &Preview, port: u16) {
    let response = respond(&request, preview, port);
    // The browser may have gone away: nothing to do about it.
    let _ = request.respond(response);
}

fn respond(request: &Request, preview: &Preview, port: u16) -> Response<std::io::Cursor<Vec<u8>>> {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return text(405, "only GET and HEAD are served\n");
    }
    if !host_is_local(request, port) {
        // A page elsewhere that resolves its own name to 127.0.0.1 (DNS
        // rebinding) must not read the preview.
        return text(
            421,
            "this preview answers only to 127.0.0.1 and localhost\n",
        );
    }
    let target = request.url();
    let path_only = target.split(['?', '#']).next().unwrap_or("");
    if path_only == route::SCRIPT_ENDPOINT {
        return file(
            route::LIVE_RELOAD_JS.as_bytes().to_vec(),
            "text/javascript; charset=utf-8",
        );
    }
    if path_only == route::RELOAD_ENDPOINT {
        let since = route::since(target).unwrap_or_else(|| preview.generation());
        let now = preview.wait_for_change(since, LONG_POLL);
        return file(format!("{now}\n").into_bytes(), "text/plain; charset=utf-8");
    }
    if path_only.starts_with(route::ENDPOINT_PREFIX) {
        return text(404, "not found\n");
    }
    let Some(path) = route::site_path(target) else {
        return text(400, "bad path\n");
    };
    match preview.file(&path) {
        Some((bytes, generation)) if crate::preview::is_html(&path) => file(
            route::with_live_reload(&bytes, generation),
            route::content_type(&path),
        ),
        Some((bytes, _)) => file(bytes, route::content_type(&path)),
        None => text(404, "not found\n"),
    }
}

fn host_is_local(request: &Request, port: u16) -> bool {
    let Some(host) = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str())
    else {
        return true; // HTTP/1.0 without Host: not a browser on another site
    };
    let name = host
        .rsplit_once(':')
        .filter(|(_, p)| p.parse::<u16>() == Ok(port))
        .map_or(host, |(n, _)| n);
    matches!(name, "127.0.0.1" | "localhost")
}

fn file(bytes: Vec<u8>, content_type: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let mut response = Response::from_data(bytes);
    for (name, value) in [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ] {
        // Only tm's own constant names and values: always valid.
        if let Ok(h) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response = response.with_header(h);
        }
    }
    response
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    file(body.as_bytes().to_vec(), "text/plain; charset=utf-8").with_status_code(status)
}
