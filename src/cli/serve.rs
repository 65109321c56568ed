//! `tm serve`: the live preview (the work is [`crate::serve`]'s).

use std::path::PathBuf;

use super::{CliError, Outcome, ProjectArgs};
use crate::check::CheckOptions;
use crate::serve::{PreviewServer, ServeOptions};

/// Arguments of `tm serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Where to start looking for book.toml (the same as `-C DIR`).
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    #[command(flatten)]
    project: ProjectArgs,
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(short, long, default_value_t = 3000)]
    port: u16,
    /// Open the preview in the default browser.
    #[arg(long)]
    open: bool,
}

/// Serves until Ctrl-C; exit 0 then.
pub fn run(args: &ServeArgs) -> Result<Outcome, CliError> {
    let project_args = args.project.or_dir(args.dir.as_ref());
    let options = ServeOptions {
        start: project_args
            .dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(".")),
        port: args.port,
        check: CheckOptions {
            today: project_args.today(),
            deny_drafts: false,
        },
        quiet: super::output::verbosity() == super::output::Verbosity::Quiet,
    };
    let server = PreviewServer::bind(options).map_err(|e| CliError::Other(e.to_string()))?;
    let url = format!("http://127.0.0.1:{}/", server.port());
    eprintln!("tm serve: previewing at {url} (Ctrl-C to stop)");
    if args.open {
        open_browser(&url);
    }
    server.run().map_err(|e| CliError::Other(e.to_string()))?;
    eprintln!("tm serve: stopped");
    Ok(Outcome::Clean)
}

/// Asks the desktop to open `url`; a failure is only a note.
fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("note: could not open a browser ({program}: {e}); open {url} yourself");
    }
}
