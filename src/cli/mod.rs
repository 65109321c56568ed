//! The command line: one file per subcommand, each a thin layer over the library.

mod build;
mod check;
mod completions;
mod diff;
mod draft;
mod export;
mod history;
mod import;
mod init;
mod lsp;
mod mcp;
pub mod output;
mod progress;
mod queue;
mod schema;
mod serve;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::{Config, ConfigError};
use crate::load::LoadError;
use crate::model::Date;

const EXIT_CODES: &str = "\
Exit codes:
  0  success: no errors (warnings may have been printed)
  1  the models have errors (or a policy failed)
  2  usage, configuration or I/O problem: tm could not do the job";

/// tm — threat models as code.
///
/// Threat models live as YAML next to the code (models/*.yaml). tm validates
/// them, cross-checks them against the source tree and renders a static site.
#[derive(Debug, Parser)]
#[command(name = "tm", version, about, long_about, after_help = EXIT_CODES)]
pub struct Cli {
    /// When to colour the output: `auto` colours a terminal unless `NO_COLOR` is set.
    #[arg(long, global = true, value_enum, default_value_t = clap::ColorChoice::Auto, value_name = "WHEN")]
    pub color: clap::ColorChoice,
    /// Print only errors: no notes, summaries or progress on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print timings of each stage on stderr.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every project command shares: where to start looking for the
/// project, and the date rules judge expiry on.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ProjectArgs {
    /// Start looking for book.toml in DIR instead of the current directory;
    /// tm uses the first directory upwards that holds one (as cargo does).
    #[arg(id = "directory", short = 'C', long = "directory", value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The date to use as "today" for expiry rules (YYYY-MM-DD); default: the system clock.
    #[arg(long, env = "TM_TODAY", value_parser = parse_date)]
    pub today: Option<Date>,
}

impl ProjectArgs {
    /// Finds the project's book.toml (from `-C DIR` or the current directory
    /// upwards) and reads it, with `TM_…__…` environment overrides.
    pub fn config(&self) -> Result<Config, ConfigError> {
        let start = self.dir.clone().unwrap_or_else(|| PathBuf::from("."));
        Config::discover(&start, std::env::vars())
    }

    /// The same options, starting from `dir` unless `-C` was given.
    pub fn or_dir(&self, dir: Option<&PathBuf>) -> ProjectArgs {
        ProjectArgs {
            dir: self.dir.clone().or_else(|| dir.cloned()),
            today: self.today,
        }
    }

    /// "Today": the flag, the environment, or the clock.
    pub fn today(&self) -> Date {
        self.today.unwrap_or_else(Date::today_utc)
    }
}

/// Where the project root sits in its git work tree (`sub/dir/`), or nothing
/// outside git: paths in findings are shown from the repository's top, so
/// CI annotations land on the right lines in a monorepo.
pub fn repo_prefix(config: &Config) -> PathBuf {
    match crate::history::Repo::discover(&config.root) {
        Ok(Some(repo)) => PathBuf::from(repo.prefix()),
        _ => PathBuf::new(),
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse()
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate every model and cross-check it; print the findings.
    #[command(after_help = EXIT_CODES)]
    Check(check::CheckArgs),
    /// Check, then render the static site into the output dir (default `book/`).
    #[command(after_help = EXIT_CODES)]
    Build(build::BuildArgs),
    /// Semantic diff of the models between two git revisions (PR comment, JSON, CI policy).
    #[command(after_help = EXIT_CODES)]
    Diff(diff::DiffArgs),
    /// Every commit that touched a model, with its semantic changes.
    History(history::HistoryArgs),
    /// The review queue: code changed since review, expiring acceptances, open threats.
    Queue(queue::QueueArgs),
    /// Scaffold book.toml and a commented example model (never overwrites).
    Init(init::InitArgs),
    /// Print the JSON Schema of the model format, for editor completion.
    Schema(schema::SchemaArgs),
    /// Draft threats, mitigations and questions from the threat library and the code.
    #[command(after_help = EXIT_CODES)]
    Draft(draft::DraftArgs),
    /// Convert another tool's threat model (OTM, Threagile, TM-BOM, Threat Composer) into a tm model.
    #[command(after_help = EXIT_CODES)]
    Import(import::ImportArgs),
    /// Write a Markdown report, issue payloads, JSON, CSV, SARIF, OTM or TM-BOM.
    #[command(after_help = EXIT_CODES)]
    Export(export::ExportArgs),
    /// Preview the site on 127.0.0.1, rebuilt and reloaded on every change.
    Serve(serve::ServeArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff): `tm man > tm.1`.
    Man(completions::ManArgs),
    /// A language server (stdio) for editors: tm's findings as you type, id completion, go to definition.
    Lsp(lsp::LspArgs),
    /// A Model Context Protocol server (stdio) for coding assistants: reads the project, writes drafts only.
    Mcp(mcp::McpArgs),
}

/// How a command ended, when it ran to completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing wrong.
    Clean,
    /// The command ran and found errors (or a policy failed).
    Failed,
}

impl Outcome {
    /// The process exit code: 0 or 1 (2 is for errors, decided in main).
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Failed => 1,
        }
    }
}

/// Why a command could not do its job (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// book.toml is unreadable or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The models could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The site could not be built.
    #[error(transparent)]
    Build(#[from] crate::build::BuildError),
    /// git failed on the project's repository.
    #[error(transparent)]
    Git(#[from] crate::history::GitError),
    /// The output could not be written (a closed pipe is one: `main` ends
    /// quietly on it).
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
    /// `tm diff` could not judge the change.
    #[error(transparent)]
    Gate(#[from] crate::history::diff::GateError),
    /// `tm check MODEL` named something that is not a model of the project.
    #[error(transparent)]
    NotAModel(#[from] crate::load::NotAModel),
    /// A path leads outside the project.
    #[error(transparent)]
    Outside(#[from] crate::project_root::OutsideProject),
    /// Anything else, with its context.
    #[error("{0}")]
    Other(String),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome, CliError> {
    output::set_color(cli.color);
    output::set_verbosity(if cli.quiet {
        output::Verbosity::Quiet
    } else if cli.verbose {
        output::Verbosity::Verbose
    } else {
        output::Verbosity::Normal
    });
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::History(args) => history::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Queue(args) => queue::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Draft(args) => draft::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => completions::run_man(&args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Mcp(args) => mcp::run(&args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// clap checks the argument definitions only when a command is built:
    /// check every subcommand here, not in front of a user.
    #[test]
    fn argument_definitions_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn every_project_command_takes_dash_c_and_today() {
        for cmd in ["check", "build", "diff", "history", "queue", "serve"] {
            let mut args = vec!["tm", cmd, "-C", "x", "--today", "2026-01-01"];
            if cmd == "history" {
                args.push("m");
            }
            let parsed = Cli::try_parse_from(&args);
            assert!(parsed.is_ok(), "{cmd}: {parsed:?}");
        }
    }
}
