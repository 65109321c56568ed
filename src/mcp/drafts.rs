//! The write tools: drafts only. A threat, mitigation or question added
//! through them is always `drafted: true`, and any field that records a
//! human decision (acceptance, sign-off, review, answer, a decided status)
//! is refused with the reason.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::config::Config;
use crate::load::Project;
use crate::project_root::ProjectRoot;

/// A threat to add as a draft.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct DraftThreat {
    /// The id of the model to add it to.
    pub model: String,
    /// The new threat's id (unique in the model).
    pub id: String,
    /// The component, flow or boundary it threatens.
    pub target: String,
    /// STRIDE categories (`spoofing`, `tampering`, `repudiation`,
    /// `information-disclosure`, `denial-of-service`, `elevation-of-privilege`).
    pub stride: Vec<String>,
    /// One-line title.
    pub title: String,
    /// Longer description.
    pub description: Option<String>,
    /// `low`, `medium` or `high`.
    pub likelihood: String,
    /// `low`, `medium` or `high`.
    pub impact: String,
    /// `low`, `medium`, `high` or `critical`.
    pub severity: String,
    /// Ids of mitigations addressing it.
    #[serde(default)]
    pub mitigations: Vec<String>,
    /// Only `open`: any other status records a human decision and is refused.
    pub status: Option<String>,
    /// Refused: accepting a risk is a human decision.
    pub acceptance: Option<serde_json::Value>,
    /// Refused: only `true` is written.
    pub drafted: Option<bool>,
}

/// A mitigation to add as a draft.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct DraftMitigation {
    /// The id of the model to add it to.
    pub model: String,
    /// The new mitigation's id.
    pub id: String,
    /// What the control is, in a sentence.
    pub control: String,
    /// Longer description.
    pub description: Option<String>,
    /// The component where it lives.
    pub location: Option<String>,
    /// `proposed` (default) or `in-progress`; `accepted`, `rejected`,
    /// `implemented` and `verified` record a human decision and are refused.
    pub status: Option<String>,
    /// Refused: a sign-off is a human decision.
    pub signoff: Option<serde_json::Value>,
    /// Refused: only `true` is written.
    pub drafted: Option<bool>,
}

/// A question to add as a draft.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct DraftQuestion {
    /// The id of the model to add it to.
    pub model: String,
    /// The new question's id.
    pub id: String,
    /// The component, flow or boundary it is about.
    pub about: String,
    /// The question.
    pub text: String,
    /// Code it concerns, as `file:line`.
    pub code: Option<String>,
    /// Refused: answers come from people.
    pub answer: Option<serde_json::Value>,
    /// Refused: answers come from people.
    #[serde(rename = "answered-by")]
    pub answered_by: Option<serde_json::Value>,
    /// Refused: answers come from people.
    #[serde(rename = "answered-at")]
    pub answered_at: Option<serde_json::Value>,
    /// Refused: only `true` is written.
    pub drafted: Option<bool>,
}

fn refuse(what: &str) -> String {
    format!(
        "refused: {what} records a human decision, and tm mcp writes drafts only; ask a person to make that change in the model"
    )
}

fn check_drafted(d: Option<bool>) -> Result<(), String> {
    match d {
        Some(false) => Err(refuse("`drafted: false`")),
        _ => Ok(()),
    }
}

/// A YAML scalar for any text: a JSON string is a valid double-quoted YAML scalar.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

impl DraftThreat {
    /// The lines of the item, or why it is refused.
    pub fn lines(&self) -> Result<Vec<String>, String> {
        if self.acceptance.is_some() {
            return Err(refuse("an acceptance"));
        }
        match self.status.as_deref() {
            None | Some("open") => {}
            Some(s) => return Err(refuse(&format!("status `{s}`"))),
        }
        check_drafted(self.drafted)?;
        let mut l = vec![
            format!("- id: {}", q(&self.id)),
            format!("target: {}", q(&self.target)),
            format!("stride: {}", list(&self.stride)),
            format!("title: {}", q(&self.title)),
        ];
        if let Some(d) = &self.description {
            l.push(format!("description: {}", q(d)));
        }
        l.push(format!("likelihood: {}", q(&self.likelihood)));
        l.push(format!("impact: {}", q(&self.impact)));
        l.push(format!("severity: {}", q(&self.severity)));
        l.push("status: open".to_owned());
        if !self.mitigations.is_empty() {
            l.push(format!("mitigations: {}", list(&self.mitigations)));
        }
        l.push("drafted: true".to_owned());
        Ok(l)
    }
}

impl DraftMitigation {
    /// The lines of the item, or why it is refused.
    pub fn lines(&self) -> Result<Vec<String>, String> {
        if self.signoff.is_some() {
            return Err(refuse("a sign-off"));
        }
        let status = match self.status.as_deref() {
            None => "proposed",
            Some(s @ ("proposed" | "in-progress")) => s,
            Some(s) => return Err(refuse(&format!("status `{s}`"))),
        };
        check_drafted(self.drafted)?;
        let mut l = vec![
            format!("- id: {}", q(&self.id)),
            format!("control: {}", q(&self.control)),
        ];
        if let Some(d) = &self.description {
            l.push(format!("description: {}", q(d)));
        }
        if let Some(loc) = &self.location {
            l.push(format!("location: {}", q(loc)));
        }
        l.push(format!("status: {status}"));
        l.push("drafted: true".to_owned());
        Ok(l)
    }
}

impl DraftQuestion {
    /// The lines of the item, or why it is refused.
    pub fn lines(&self) -> Result<Vec<String>, String> {
        if self.answer.is_some() || self.answered_by.is_some() || self.answered_at.is_some() {
            return Err(refuse("an answer"));
        }
        check_drafted(self.drafted)?;
        let mut l = vec![
            format!("- id: {}", q(&self.id)),
            format!("about: {}", q(&self.about)),
            format!("text: {}", q(&self.text)),
        ];
        if let Some(c) = &self.code {
            l.push(format!("code: {}", q(c)));
        }
        l.push("drafted: true".to_owned());
        Ok(l)
    }
}

/// Appends `item` to `section` of model `model_id`, after checking that the
/// file still loads whole with the item in it, with no error finding in it
/// that was not there before; returns the file written.
pub fn add(
    config: &Config,
    model_id: &str,
    section: &str,
    id: &str,
    item: &[String],
) -> Result<PathBuf, String> {
    let (project, _) = Project::load(config.clone()).map_err(|e| e.to_string())?;
    let lm = project
        .model(model_id)
        .ok_or_else(|| format!("no model with id `{model_id}`"))?;
    let root = ProjectRoot::new(&config.root).map_err(|e| e.to_string())?;
    let path = root
        .resolve(&config.root.join(&lm.file))
        .map_err(|e| e.to_string())?;
    let text = project
        .sources
        .get(&lm.file)
        .ok_or_else(|| "the model's text is missing".to_owned())?;
    let new = super::append::append_item(text, section, item)?;
    let before = errors_in(config, &lm.file, text.as_bytes().to_vec());
    let after = errors_in(config, &lm.file, new.clone().into_bytes());
    let added: Vec<_> = after.iter().filter(|e| !before.contains(e)).collect();
    if !added.is_empty() {
        let list: Vec<_> = added.iter().map(|s| s.as_str()).collect();
        return Err(format!(
            "not written: with `{id}` added the model would have these errors: {}",
            list.join("; ")
        ));
    }
    crate::draft::apply::replace_file(&path, &lm.file.display().to_string(), &new)
        .map_err(|e| format!("cannot write {e}"))?;
    Ok(lm.file.clone())
}

/// The errors (code and message, without positions) of one file's text
/// checked on its own with the project's configuration.
fn errors_in(config: &Config, file: &std::path::Path, bytes: Vec<u8>) -> Vec<String> {
    let (project, findings) =
        Project::from_files(config.clone(), vec![(file.to_path_buf(), bytes)]);
    let opts = crate::check::CheckOptions {
        today: crate::model::Date::today_utc(),
        deny_drafts: false,
    };
    crate::check::run(&project, findings, &opts)
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| format!("{} {}", d.rule.code(), d.message))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn threat() -> DraftThreat {
        serde_json::from_value(serde_json::json!({
            "model": "m", "id": "T-9", "target": "web", "stride": ["spoofing"],
            "title": "a \"quoted\" title: yes", "likelihood": "low", "impact": "low",
            "severity": "low"
        }))
        .unwrap()
    }

    #[test]
    fn a_threat_is_written_drafted_with_text_quoted() {
        let l = threat().lines().unwrap();
        assert!(l.contains(&"drafted: true".to_owned()));
        assert!(l.contains(&r#"title: "a \"quoted\" title: yes""#.to_owned()));
    }

    #[test]
    fn human_decisions_are_refused() {
        let mut t = threat();
        t.status = Some("accepted".into());
        assert!(t.lines().unwrap_err().starts_with("refused"));
        let mut t = threat();
        t.acceptance = Some(serde_json::json!({"by": "me"}));
        assert!(t.lines().is_err());
        let mut t = threat();
        t.drafted = Some(false);
        assert!(t.lines().is_err());
        let m: DraftMitigation = serde_json::from_value(serde_json::json!({
            "model": "m", "id": "M-1", "control": "x", "status": "verified"
        }))
        .unwrap();
        assert!(m.lines().unwrap_err().contains("status `verified`"));
    }
}
