//! `book.toml` → [`Config`]: tm's settings under `[output.tm]`, mdBook's `[book]`
//! for the title, defaults for everything, and `TM_…__…` environment overrides.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Rule, Severity};
use crate::model::ReviewKind;
use crate::model::Severity as ThreatSeverity;

/// The name of the configuration file at the project root.
pub const CONFIG_FILE: &str = "book.toml";

/// A larger `book.toml` is refused unread: configuration is a page of text.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// A problem with `book.toml` itself (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown/invalid keys.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the fix.
        message: String,
    },
    /// A value of the file is wrong, at a known position.
    #[error("{path}:{line}:{column}: {message}")]
    At {
        /// The file, as the user can open it.
        path: PathBuf,
        /// 1-based line of the offending key or value.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, with the fix.
        message: String,
    },
    /// No `book.toml` in the start directory or any directory above it.
    #[error(
        "could not find {CONFIG_FILE} in {} or any parent directory: run `tm init` there to create one, or pass `-C DIR` to start from the project's directory",
        start.display()
    )]
    NotFound {
        /// Where the search started.
        start: PathBuf,
    },
}

/// The effective configuration of a project.
#[derive(Debug, Clone)]
pub struct Config {
    /// The project root: the directory holding `book.toml`.
    pub root: PathBuf,
    /// Whether a `book.toml` was found (otherwise everything is a default).
    pub from_file: bool,
    /// `[book] title`, shown on the site.
    pub title: String,
    /// `[book] description`.
    pub description: Option<String>,
    /// tm's own settings.
    pub tm: TmConfig,
}

/// The `[output.tm]` table.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct TmConfig {
    /// Directory (relative to the root) holding the `*.yaml`/`*.yml` models.
    pub models: PathBuf,
    /// Where `tm build` writes the site, relative to the root.
    pub output_dir: PathBuf,
    /// A theme directory (relative to the root) whose `templates/*.html` and
    /// `assets/*` override the built-in theme file by file.
    pub theme: Option<PathBuf>,
    /// Source roots for the code cross-check, relative to the root.
    pub source_roots: Vec<PathBuf>,
    /// Review kinds an `approved` model must have.
    pub required_reviews: Vec<ReviewKind>,
    /// An `approved` model may have no open threat at or above this severity.
    pub approval_max_open_severity: ThreatSeverity,
    /// Acceptances expiring within this many days are reported (TM306) and queued.
    pub expiry_warning_days: u32,
    /// The longest a risk acceptance may run, from `at` to `expires` (TM308).
    pub max_acceptance_days: u32,
    /// `tm queue` lists open threats at or above this severity that have no mitigation.
    pub queue_severity: ThreatSeverity,
    /// Severity overrides per rule, by code (`TM201`) or name (`stride-coverage`).
    pub rules: BTreeMap<String, Severity>,
    /// Entry points that need no component: file globs (`src/bin/dev.rs`) or
    /// Rust paths (`crate::debug::*`) of the item containing them.
    pub allow_unmodelled: Vec<String>,
    /// Link template for code on the site, e.g.
    /// `https://git.example/repo/blob/{commit}/{path}#L{line}`.
    pub source_url: Option<String>,
    /// `tm export issues` writes a payload for each open threat without a
    /// mitigation at or above this severity.
    pub issues_severity: ThreatSeverity,
    /// `tm export issues --tracker jira`: the Jira project key.
    pub jira_project: Option<String>,
    /// mdBook's renderer command for this table (read by mdBook, ignored by tm).
    pub command: Option<String>,
    /// mdBook's flag to skip a missing renderer (read by mdBook, ignored by tm).
    pub optional: Option<bool>,
    /// The project's own threat-library files for `tm draft`, as paths or
    /// file-name globs relative to the root (`threat-library/*.yaml`).
    pub draft_library: Vec<String>,
    /// Built-in threat-library entries `tm draft` leaves out, by id (`TL-S-001`).
    pub draft_disable: Vec<String>,
}

impl Default for TmConfig {
    fn default() -> TmConfig {
        TmConfig {
            models: PathBuf::from("models"),
            output_dir: PathBuf::from("book"),
            theme: None,
            source_roots: vec![PathBuf::from(".")],
            required_reviews: vec![ReviewKind::Security],
            approval_max_open_severity: ThreatSeverity::High,
            expiry_warning_days: 30,
            max_acceptance_days: 365,
            queue_severity: ThreatSeverity::High,
            rules: BTreeMap::new(),
            allow_unmodelled: Vec::new(),
            source_url: None,
            issues_severity: ThreatSeverity::High,
            jira_project: None,
            command: None,
            optional: None,
            draft_library: Vec::new(),
            draft_disable: Vec::new(),
        }
    }
}

#[derive(Deserialize, Default)]
struct BookToml {
    #[serde(default)]
    book: BookTable,
    #[serde(default)]
    output: BTreeMap<String, toml::Value>,
}

/// The typed view of book.toml, read straight from the text so that a wrong
/// type is reported with its line (other `[output.*]` tables are ignored).
#[derive(Deserialize, Default)]
struct TypedBookToml {
    #[serde(default)]
    #[allow(dead_code)] // read for its types only
    book: BookTable,
    #[serde(default)]
    #[allow(dead_code)] // read for its types only
    output: TypedOutput,
}

#[derive(Deserialize, Default)]
struct TypedOutput {
    #[allow(dead_code)] // read for its types only
    tm: Option<TmConfig>,
}

#[derive(Deserialize, Default)]
struct BookTable {
    title: Option<String>,
    description: Option<String>,
}

impl Config {
    /// Reads `<root>/book.toml` (defaults when absent) and applies `TM_…__…`
    /// overrides from `env` (pairs of name and value, usually `std::env::vars()`).
    pub fn load(
        root: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        Config::load_checked(root, env, true)
    }

    /// As [`Config::load`], but without checking that each `source-roots`
    /// entry is an existing directory: for a revision of `tm diff`, whose
    /// `book.toml` is written into an empty copy before the directories it
    /// names. Call [`Config::check_source_roots`] once they are written.
    pub fn load_before_source_roots(
        root: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        Config::load_checked(root, env, false)
    }

    /// Each `source-roots` entry must be an existing directory under the
    /// root; the error points at the entry's line of `book.toml`.
    pub fn check_source_roots(&self) -> Result<(), ConfigError> {
        let Err(problem) = self.validate_source_roots() else {
            return Ok(());
        };
        let path = self.root.join(CONFIG_FILE);
        let text = match crate::project_root::read_capped(&path, MAX_CONFIG_BYTES) {
            Ok(crate::project_root::Capped::Whole(bytes)) => {
                String::from_utf8(bytes).unwrap_or_default()
            }
            _ => String::new(),
        };
        let shown = if self.from_file {
            path
        } else {
            PathBuf::from(CONFIG_FILE)
        };
        Err(match problem.locate(&text) {
            Some(offset) => {
                let (line, column) = line_column(&text, offset);
                ConfigError::At {
                    path: shown,
                    line,
                    column,
                    message: problem.message,
                }
            }
            None => ConfigError::Invalid {
                path: shown,
                message: problem.message,
            },
        })
    }

    fn load_checked(
        root: &Path,
        env: impl IntoIterator<Item = (String, String)>,
        source_roots_exist: bool,
    ) -> Result<Config, ConfigError> {
        let path = root.join(CONFIG_FILE);
        refuse_foreign_config_file(root, &path)?;
        // The size is checked before reading: book.toml comes from the pull request.
        let (text, from_file) = match crate::project_root::read_capped(&path, MAX_CONFIG_BYTES) {
            Ok(crate::project_root::Capped::Whole(bytes)) => match String::from_utf8(bytes) {
                Ok(text) => (text, true),
                Err(_) => {
                    let source = std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8");
                    return Err(ConfigError::Io { path, source });
                }
            },
            Ok(crate::project_root::Capped::TooLarge(size)) => {
                let source = std::io::Error::other(format!(
                    "it is {size} bytes; tm reads a book.toml of up to {MAX_CONFIG_BYTES} bytes"
                ));
                return Err(ConfigError::Io { path, source });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (String::new(), false),
            Err(source) => return Err(ConfigError::Io { path, source }),
        };
        let shown = if from_file {
            path.clone()
        } else {
            PathBuf::from(CONFIG_FILE)
        };
        let invalid = |message: String| ConfigError::Invalid {
            path: shown.clone(),
            message,
        };
        let at = |offset: usize, message: String| {
            let (line, column) = line_column(&text, offset);
            ConfigError::At {
                path: shown.clone(),
                line,
                column,
                message,
            }
        };
        // First the file alone, typed, so that a syntax error or a value of
        // the wrong type is reported at its line and column.
        if let Err(e) = toml::from_str::<TypedBookToml>(&text) {
            let message = describe_toml_error(&e);
            return Err(match e.span() {
                Some(span) => at(span.start, message),
                None => invalid(message),
            });
        }
        let mut value: toml::Table = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        apply_env_overrides(&mut value, env).map_err(invalid)?;
        let book: BookToml = toml::Value::Table(value)
            .try_into()
            .map_err(|e: toml::de::Error| invalid(e.to_string()))?;
        let tm: TmConfig = match book.output.get("tm") {
            Some(v) => v.clone().try_into().map_err(|e: toml::de::Error| {
                // The file alone was valid: an environment override broke it.
                invalid(format!(
                    "in [output.tm] (after TM_OUTPUT__TM__… environment overrides): {}",
                    e.message()
                ))
            })?,
            None => TmConfig::default(),
        };
        let config = Config {
            root: root.to_path_buf(),
            from_file,
            title: book
                .book
                .title
                .unwrap_or_else(|| "Threat models".to_owned()),
            description: book.book.description,
            tm,
        };
        // The scheme first: its message names the line and the danger.
        config.validate_source_url(&text)?;
        let checked = config.validate().and_then(|()| {
            if source_roots_exist {
                config.validate_source_roots()
            } else {
                Ok(())
            }
        });
        if let Err(problem) = checked {
            return Err(match problem.locate(&text) {
                Some(offset) => at(offset, problem.message),
                None => invalid(problem.message),
            });
        }
        Ok(config)
    }

    /// Finds the project the way cargo finds `Cargo.toml`: the first directory
    /// holding a `book.toml`, from `start` upwards, then loads it. No
    /// `book.toml` anywhere is an error, never an empty project.
    pub fn discover(
        start: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let root = find_root(start)?;
        Config::load(&root, env)
    }

    fn validate(&self) -> Result<(), Problem> {
        let problem = |key: &str, value: Option<&str>, message: String| Problem {
            key: Some((key.to_owned(), value.map(str::to_owned))),
            message,
        };
        for key in self.tm.rules.keys() {
            if let Some(rule) = Rule::lookup(key)
                && !rule.is_configurable()
            {
                return Err(problem(
                    key,
                    None,
                    format!(
                        "[output.tm.rules] sets `{key}`, but {} ({}) cannot be changed: a file tm cannot read cannot be checked further. Rules from TM101 on can be set",
                        rule.code(),
                        rule.name()
                    ),
                ));
            }
            if Rule::lookup(key).is_none() {
                let names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
                let hint = crate::suggest::did_you_mean(key, names.iter().copied())
                    .map(|s| format!(" did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(problem(
                    key,
                    None,
                    format!(
                        "[output.tm.rules] names an unknown rule `{key}`.{hint} Rules are named by code (TM201) or name (stride-coverage); `tm check --list-rules` lists them"
                    ),
                ));
            }
        }
        if let Some(template) = &self.tm.source_url {
            validate_template(template)
                .map_err(|e| problem("source-url", None, format!("[output.tm] {e}")))?;
        }
        for pattern in &self.tm.allow_unmodelled {
            crate::pattern::Allow::parse(pattern).map_err(|e| {
                problem(
                    "allow-unmodelled",
                    Some(pattern),
                    format!("[output.tm] allow-unmodelled: {e}"),
                )
            })?;
        }
        let paths = [
            ("models", &self.tm.models),
            ("output-dir", &self.tm.output_dir),
        ];
        for (key, p) in paths
            .into_iter()
            .chain(self.tm.source_roots.iter().map(|p| ("source-roots", p)))
            .chain(self.tm.theme.iter().map(|p| ("theme", p)))
        {
            let shown = p.display().to_string();
            if !stays_inside(p) {
                return Err(problem(
                    key,
                    Some(&shown),
                    format!(
                        "[output.tm] {key} = {shown:?} leaves the project: use a path relative to the directory of book.toml, without `..`"
                    ),
                ));
            }
        }
        if self
            .tm
            .output_dir
            .components()
            .all(|c| matches!(c, Component::CurDir))
        {
            return Err(problem(
                "output-dir",
                None,
                "[output.tm] output-dir must be a subdirectory, not the project root".to_owned(),
            ));
        }
        Ok(())
    }

    fn validate_source_roots(&self) -> Result<(), Problem> {
        let problem = |key: &str, value: Option<&str>, message: String| Problem {
            key: Some((key.to_owned(), value.map(str::to_owned))),
            message,
        };
        for root in &self.tm.source_roots {
            if !self.root.join(root).is_dir() {
                let shown = root.display().to_string();
                return Err(problem(
                    "source-roots",
                    Some(&shown),
                    format!(
                        "[output.tm] source-roots lists {shown:?}, which is not a directory of the project: fix the path (relative to the directory of book.toml) or remove the entry"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `source-url` becomes links on the site, so it must be a web address:
    /// `javascript:` or `data:` would run in the reader's browser, `file:`
    /// would open their disk. The error points at the key's line.
    fn validate_source_url(&self, text: &str) -> Result<(), ConfigError> {
        let Some(template) = &self.tm.source_url else {
            return Ok(());
        };
        let lower = template.trim_start().to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            return Ok(());
        }
        let at = key_position(text, "source-url")
            .map_or(String::new(), |(line, column)| format!(":{line}:{column}"));
        Err(ConfigError::Invalid {
            path: PathBuf::from(format!("{CONFIG_FILE}{at}")),
            message: format!(
                "[output.tm] source-url = {template:?} is not an http:// or https:// address: the site turns it into links, and another scheme (javascript:, data:, file:) would run or open something other than a web page. Use e.g. \"https://git.example/repo/blob/{{commit}}/{{path}}#L{{line}}\""
            ),
        })
    }

    /// The effective severity of a rule: `book.toml`'s override, else its default.
    pub fn severity_of(&self, rule: Rule) -> Severity {
        if !rule.is_configurable() {
            return rule.default_severity();
        }
        self.tm
            .rules
            .iter()
            .find(|(k, _)| Rule::lookup(k) == Some(rule))
            .map_or(rule.default_severity(), |(_, s)| *s)
    }

    /// The models directory as an absolute-ish path under the root.
    pub fn models_dir(&self) -> PathBuf {
        self.root.join(&self.tm.models)
    }

    /// The output directory of `tm build`.
    pub fn output_dir(&self) -> PathBuf {
        self.root.join(&self.tm.output_dir)
    }
}

/// Refuses a `book.toml` that is a link leading outside the project (or
/// into `.git`), or that is not a regular file (a FIFO would hang the read).
fn refuse_foreign_config_file(root: &Path, path: &Path) -> Result<(), ConfigError> {
    let Ok(meta) = path.symlink_metadata() else {
        return Ok(()); // absent: defaults
    };
    if meta.is_file() {
        return Ok(());
    }
    let invalid = |message: String| ConfigError::Invalid {
        path: PathBuf::from(CONFIG_FILE),
        message,
    };
    let resolved = crate::project_root::ProjectRoot::new(root)
        .and_then(|p| p.resolve(path))
        .map_err(|e| invalid(e.to_string()))?;
    if !resolved.metadata().is_ok_and(|m| m.is_file()) {
        return Err(invalid(
            "is not a regular file (a directory, device or pipe); replace it by the file itself"
                .to_owned(),
        ));
    }
    Ok(())
}

/// The line and column (1-based) where `key` is set in TOML `text`, found
/// by its spelling (`key =`, `"key" =`, or a dotted `….key =`).
fn key_position(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let (name, _) = line.split_once('=')?;
        let name = name.trim();
        let last = name.rsplit('.').next()?.trim().trim_matches(['"', '\'']);
        (last == key).then(|| (i + 1, line.len() - line.trim_start().len() + 1))
    })
}

/// A problem found by validation, and the key (and value) it is about, to
/// point at its line.
struct Problem {
    key: Option<(String, Option<String>)>,
    message: String,
}

impl Problem {
    /// The byte offset of the offending key's value in the text, when found.
    fn locate(&self, text: &str) -> Option<usize> {
        let (key, value) = self.key.as_ref()?;
        let mut offset = 0;
        let mut found = None;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if found.is_none()
                && let Some(rest) = trimmed
                    .strip_prefix(key.as_str())
                    .or_else(|| trimmed.strip_prefix(&format!("\"{key}\"")))
                && rest.trim_start().starts_with('=')
            {
                found = Some(offset + (line.len() - trimmed.len()));
            }
            if let (Some(start), Some(v)) = (found, value) {
                // The value may sit on a later line of a multi-line array.
                if let Some(i) = line
                    .find(&format!("\"{v}\""))
                    .or_else(|| line.find(&format!("'{v}'")))
                    && offset + i >= start
                {
                    return Some(offset + i);
                }
            }
            offset += line.len();
        }
        found
    }
}

/// The first directory from `start` upwards that holds a `book.toml`, as a
/// path the user recognises (`.`, `sub/dir`, `../..`).
fn find_root(start: &Path) -> Result<PathBuf, ConfigError> {
    let absolute = std::path::absolute(start).map_err(|source| ConfigError::Io {
        path: start.to_path_buf(),
        source,
    })?;
    if !absolute.is_dir() {
        return Err(ConfigError::Io {
            path: start.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such directory (give the project directory with `-C DIR`)",
            ),
        });
    }
    for (up, dir) in absolute.ancestors().enumerate() {
        if dir.join(CONFIG_FILE).is_file() {
            if up == 0 {
                return Ok(start.to_path_buf());
            }
            let mut rel = if start == Path::new(".") {
                PathBuf::new()
            } else {
                start.to_path_buf()
            };
            for _ in 0..up {
                rel.push("..");
            }
            return Ok(rel);
        }
    }
    Err(ConfigError::NotFound {
        start: start.to_path_buf(),
    })
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The parser's message without its own snippet, with a hint for the common case.
fn describe_toml_error(e: &toml::de::Error) -> String {
    let message = e.message().trim().to_owned();
    // "unknown field `model`, expected one of `models`, …": name the likely key.
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
        if let Some((given, allowed)) = quoted.split_first()
            && let Some(s) = crate::suggest::did_you_mean(given, allowed.iter().copied())
        {
            return format!("{message}: did you mean `{s}`?");
        }
    }
    let hint = if message.contains("unknown field") {
        " (`[output.tm]` keys are listed in the README and in the book.toml `tm init` writes)"
    } else if message.contains("invalid type") {
        ": give the value the type the key takes (a string in quotes, a number, a list in [ ])"
    } else {
        ""
    };
    format!("{message}{hint}")
}

/// Whether a relative path stays inside the directory it is relative to.
pub fn stays_inside(path: &Path) -> bool {
    let mut depth: i32 = 0;
    for c in path.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

/// Applies `TM_A__B__C=value` as `a.b.c = value` (underscores in a segment
/// become dashes), as mdBook does with `MDBOOK_…`. Values parse as TOML when
/// they can (numbers, booleans, arrays) and are strings otherwise.
fn apply_env_overrides(
    table: &mut toml::Table,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<(), String> {
    let mut overrides: Vec<(String, String)> = env
        .into_iter()
        .filter(|(k, _)| k.starts_with("TM_") && k.contains("__"))
        .collect();
    overrides.sort();
    for (name, raw) in overrides {
        let keys: Vec<String> = name["TM_".len()..]
            .split("__")
            .map(|s| s.to_ascii_lowercase().replace('_', "-"))
            .collect();
        let value = toml::from_str::<toml::Table>(&format!("v = {raw}"))
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or(toml::Value::String(raw));
        let (last, parents) = keys.split_last().expect("split yields at least one part");
        let mut cursor = &mut *table;
        for key in parents {
            let entry = cursor
                .entry(key.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            cursor = entry
                .as_table_mut()
                .ok_or_else(|| format!("environment override {name}: `{key}` is not a table"))?;
        }
        cursor.insert(last.clone(), value);
    }
    Ok(())
}

const SOURCE_URL_PLACEHOLDERS: [&str; 3] = ["{commit}", "{path}", "{line}"];

/// Checks a `source-url` template's placeholders: it must name `{path}` and
/// use only `{commit}`, `{path}` and `{line}` (the scheme is checked, with its
/// line, by `validate_source_url`).
fn validate_template(template: &str) -> Result<(), String> {
    if !template.contains("{path}") {
        return Err(format!(
            "source-url = {template:?} has no `{{path}}`: e.g. \"https://git.example/repo/blob/{{commit}}/{{path}}#L{{line}}\""
        ));
    }
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        let placeholder = &rest[open..close];
        if !SOURCE_URL_PLACEHOLDERS.contains(&placeholder) {
            return Err(format!(
                "source-url uses `{placeholder}`; the placeholders are {{commit}}, {{path}} and {{line}}"
            ));
        }
        rest = &rest[close..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), text).unwrap();
        Config::load(
            dir.path(),
            env.iter().map(|(a, b)| (a.to_string(), b.to_string())),
        )
    }

    #[test]
    fn source_roots_can_be_checked_after_their_directories_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[output.tm]\nsource-roots = [\"src\"]\n";
        std::fs::write(dir.path().join(CONFIG_FILE), text).unwrap();
        let err = Config::load(dir.path(), Vec::new())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(":2:") && err.contains("source-roots lists"),
            "{err}"
        );
        let config = Config::load_before_source_roots(dir.path(), Vec::new()).unwrap();
        let err = config.check_source_roots().unwrap_err().to_string();
        assert!(
            err.contains(":2:") && err.contains("source-roots lists"),
            "{err}"
        );
        std::fs::create_dir(dir.path().join("src")).unwrap();
        config.check_source_roots().unwrap();
        Config::load(dir.path(), Vec::new()).unwrap();
    }

    #[test]
    fn defaults_apply_without_output_table() {
        let c = load("[book]\ntitle = \"X\"\n", &[]).unwrap();
        assert_eq!(c.title, "X");
        assert_eq!(c.tm.models, PathBuf::from("models"));
        assert_eq!(c.severity_of(Rule::StrideCoverage), Severity::Error);
    }

    #[test]
    fn rule_severity_by_code_or_name() {
        let c = load(
            "[output.tm.rules]\nTM201 = \"warning\"\ndraft-model = \"off\"\n",
            &[],
        )
        .unwrap();
        assert_eq!(c.severity_of(Rule::StrideCoverage), Severity::Warning);
        assert_eq!(c.severity_of(Rule::DraftModel), Severity::Off);
    }

    #[test]
    fn unknown_rule_gets_a_suggestion() {
        let err = load("[output.tm.rules]\nstride-coverag = \"off\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("did you mean `stride-coverage`"), "{err}");
    }

    #[test]
    fn structural_rules_cannot_be_switched_off() {
        let err = load("[output.tm.rules]\nTM001 = \"off\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("cannot be changed"), "{err}");
    }

    #[test]
    fn unknown_key_in_output_tm_is_an_error() {
        let err = load("[output.tm]\nmodel = \"x\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `model`"), "{err}");
    }

    #[test]
    fn paths_must_stay_inside_the_project() {
        assert!(load("[output.tm]\noutput-dir = \"../site\"\n", &[]).is_err());
        assert!(load("[output.tm]\nmodels = \"/etc\"\n", &[]).is_err());
        assert!(load("[output.tm]\noutput-dir = \".\"\n", &[]).is_err());
        assert!(load("[output.tm]\noutput-dir = \"a/../site\"\n", &[]).is_ok());
    }

    #[test]
    fn source_url_must_be_a_web_address_and_the_error_names_its_line() {
        for bad in [
            "javascript:alert(document.cookie)//{path}",
            " JavaScript:x{path}",
            "data:text/html,{path}",
            "file:///etc/{path}",
            "//evil.example/{path}",
        ] {
            let text = format!("[book]\ntitle = \"x\"\n\n[output.tm]\nsource-url = {bad:?}\n");
            let err = load(&text, &[]).unwrap_err().to_string();
            assert!(err.starts_with("book.toml:5:1: "), "{err}");
            assert!(err.contains("not an http:// or https:// address"), "{err}");
        }
        let ok =
            "[output.tm]\nsource-url = \"HTTPS://git.example/r/blob/{commit}/{path}#L{line}\"\n";
        assert!(load(ok, &[]).is_ok());
        let err = load("", &[("TM_OUTPUT__TM__SOURCE_URL", "javascript:{path}")])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("book.toml: "), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_book_toml_linked_out_of_the_project_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "title = \"TOKEN\"").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join(CONFIG_FILE))
            .unwrap();
        let err = Config::load(dir.path(), []).unwrap_err().to_string();
        assert!(err.contains("leads outside the project"), "{err}");
        assert!(!err.contains("TOKEN"), "{err}");
    }

    #[test]
    fn env_overrides_win() {
        let c = load(
            "[output.tm]\noutput-dir = \"a\"\n",
            &[("TM_OUTPUT__TM__OUTPUT_DIR", "b"), ("TM_TODAY", "x")],
        )
        .unwrap();
        assert_eq!(c.tm.output_dir, PathBuf::from("b"));
        let c = load("", &[("TM_OUTPUT__TM__EXPIRY_WARNING_DAYS", "7")]).unwrap();
        assert_eq!(c.tm.expiry_warning_days, 7);
    }

    #[test]
    fn discovery_walks_up_to_the_nearest_book_toml() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "[book]\ntitle = \"Up\"\n").unwrap();
        let deep = dir.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        let c = Config::discover(&deep, Vec::new()).unwrap();
        assert_eq!(c.title, "Up");
        assert_eq!(c.root, deep.join("../.."));
        assert_eq!(find_root(dir.path()).unwrap(), dir.path());
        let lonely = tempfile::tempdir().unwrap();
        let err = Config::discover(lonely.path(), Vec::new()).unwrap_err();
        assert!(matches!(err, ConfigError::NotFound { .. }), "{err}");
    }

    #[test]
    fn type_errors_and_bad_entries_carry_line_and_column() {
        let err = load("[output.tm]\n\nexpiry-warning-days = [1]\n", &[]).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::At {
                    line: 3,
                    column: 23,
                    ..
                }
            ),
            "{err:?}"
        );
        let err = load("[output.tm]\nmodels = \"../x\"\n", &[]).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::At {
                    line: 2,
                    column: 10,
                    ..
                }
            ),
            "{err:?}"
        );
        let err = load("[output.tm]\nsource-roots = [\".\", \"nope\"]\n", &[]).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::At {
                    line: 2,
                    column: 22,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(line_column("a\nbé c", 5), (2, 3));
    }

    #[test]
    fn an_oversized_book_toml_is_refused_unread() {
        let big = format!("# {}\n", "x".repeat(MAX_CONFIG_BYTES as usize));
        let err = load(&big, &[]).unwrap_err().to_string();
        assert!(err.contains("up to 1048576 bytes"), "{err}");
    }

    #[test]
    fn max_acceptance_days_defaults_to_a_year() {
        assert_eq!(load("", &[]).unwrap().tm.max_acceptance_days, 365);
        let c = load("[output.tm]\nmax-acceptance-days = 90\n", &[]).unwrap();
        assert_eq!(c.tm.max_acceptance_days, 90);
    }
}
