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
    /// mdBook's renderer command for this table (read by mdBook, ignored by tm).
    pub command: Option<String>,
    /// mdBook's flag to skip a missing renderer (read by mdBook, ignored by tm).
    pub optional: Option<bool>,
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
            queue_severity: ThreatSeverity::High,
            rules: BTreeMap::new(),
            allow_unmodelled: Vec::new(),
            source_url: None,
            command: None,
            optional: None,
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
        let path = root.join(CONFIG_FILE);
        let (text, from_file) = match std::fs::read_to_string(&path) {
            Ok(text) => (text, true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (String::new(), false),
            Err(source) => return Err(ConfigError::Io { path, source }),
        };
        let invalid = |message: String| ConfigError::Invalid {
            path: PathBuf::from(CONFIG_FILE),
            message,
        };
        let mut value: toml::Table = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        apply_env_overrides(&mut value, env).map_err(invalid)?;
        let book: BookToml = toml::Value::Table(value)
            .try_into()
            .map_err(|e: toml::de::Error| invalid(e.to_string()))?;
        let tm: TmConfig = match book.output.get("tm") {
            Some(v) => v.clone().try_into().map_err(|e: toml::de::Error| {
                invalid(format!("in [output.tm]: {}", e.message()))
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
        config.validate().map_err(invalid)?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        for key in self.tm.rules.keys() {
            if let Some(rule) = Rule::lookup(key)
                && !rule.is_configurable()
            {
                return Err(format!(
                    "[output.tm.rules] sets `{key}`, but {} ({}) cannot be changed: a file tm cannot read cannot be checked further. Rules from TM101 on can be set",
                    rule.code(),
                    rule.name()
                ));
            }
            if Rule::lookup(key).is_none() {
                let names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
                let hint = crate::suggest::did_you_mean(key, names.iter().copied())
                    .map(|s| format!(" did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(format!(
                    "[output.tm.rules] names an unknown rule `{key}`.{hint} Rules are named by code (TM201) or name (stride-coverage); `tm check --list-rules` lists them"
                ));
            }
        }
        if let Some(template) = &self.tm.source_url {
            crate::code::validate_template(template).map_err(|e| format!("[output.tm] {e}"))?;
        }
        for pattern in &self.tm.allow_unmodelled {
            crate::code::Allow::parse(pattern)
                .map_err(|e| format!("[output.tm] allow-unmodelled: {e}"))?;
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
            if !stays_inside(p) {
                return Err(format!(
                    "[output.tm] {key} = {:?} leaves the project: use a path relative to the directory of book.toml, without `..`",
                    p.display().to_string()
                ));
            }
        }
        if self
            .tm
            .output_dir
            .components()
            .all(|c| matches!(c, Component::CurDir))
        {
            return Err(
                "[output.tm] output-dir must be a subdirectory, not the project root".to_owned(),
            );
        }
        Ok(())
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
}
