//! The read tools: what a coding assistant may learn about the project.
//! Each answer is JSON text (or the model's own YAML).

use serde_json::{Value, json};

use crate::analysis::Analysis;
use crate::check::CheckOptions;
use crate::config::Config;
use crate::load::Project;

fn opts() -> CheckOptions {
    CheckOptions {
        today: crate::model::Date::today_utc(),
        deny_drafts: false,
    }
}

fn pretty(v: &impl serde::Serialize) -> Result<String, String> {
    serde_json::to_string_pretty(v).map_err(|e| e.to_string())
}

/// Every model: id, title, status, file.
pub fn list_models(config: &Config) -> Result<String, String> {
    let (project, _) = Project::load(config.clone()).map_err(|e| e.to_string())?;
    let models: Vec<Value> = project
        .models
        .iter()
        .map(|m| {
            json!({
                "id": m.model.id.as_str(),
                "title": m.model.title,
                "status": m.model.status,
                "file": m.file,
            })
        })
        .collect();
    pretty(&models)
}

/// One model, as its YAML text or as JSON.
pub fn model(config: &Config, id: &str, as_json: bool) -> Result<String, String> {
    let (project, _) = Project::load(config.clone()).map_err(|e| e.to_string())?;
    let lm = project
        .model(id)
        .ok_or_else(|| format!("no model with id `{id}`"))?;
    if as_json {
        pretty(&lm.model)
    } else {
        Ok(project
            .sources
            .get(&lm.file)
            .map(|t| t.to_string())
            .unwrap_or_default())
    }
}

/// The findings of `tm check`, optionally of one model only.
pub fn findings(config: &Config, model: Option<&str>) -> Result<String, String> {
    let a = Analysis::run(config.clone(), &opts()).map_err(|e| e.to_string())?;
    let list: Vec<_> = a
        .findings
        .diagnostics
        .iter()
        .filter(|d| model.is_none() || d.model.as_deref() == model)
        .collect();
    pretty(&list)
}

/// Coverage gaps: STRIDE coverage findings (TM2xx) and code entry points no
/// component covers.
pub fn coverage_gaps(config: &Config) -> Result<String, String> {
    let a = Analysis::run(config.clone(), &opts()).map_err(|e| e.to_string())?;
    let gaps: Vec<_> = a
        .findings
        .diagnostics
        .iter()
        .filter(|d| d.rule.code().starts_with("TM2"))
        .collect();
    pretty(&json!({ "findings": gaps, "unmodelled-entry-points": a.code.unmodelled }))
}

/// The code facts (sinks: SQL built by hand, dynamic commands…) in the code
/// each component of a model covers.
pub fn code_facts(config: &Config, model: &str) -> Result<String, String> {
    let a = Analysis::run(config.clone(), &opts()).map_err(|e| e.to_string())?;
    let m = a
        .code
        .models
        .iter()
        .find(|m| m.model == model)
        .ok_or_else(|| format!("no model with id `{model}`"))?;
    let out: Vec<Value> = m
        .components
        .iter()
        .map(|c| json!({ "component": c.id, "facts": c.facts }))
        .collect();
    pretty(&out)
}

/// The threat library's candidates for one model (what `tm draft MODEL`
/// prints, as YAML with the facts that fired each): nothing is written.
pub fn draft_candidates(config: &Config, model: &str) -> Result<String, String> {
    let library = crate::draft::project::load(config).map_err(|e| e.to_string())?;
    let a = Analysis::run(config.clone(), &opts()).map_err(|e| e.to_string())?;
    let lm = a
        .project
        .model(model)
        .filter(|lm| lm.complete)
        .ok_or_else(|| format!("no model with id `{model}` that loads without errors"))?;
    let draft =
        crate::draft::draft_model(&lm.model, lm.file.clone(), &a.code, &library.entries, None);
    Ok(crate::draft::show::yaml(&[&draft]))
}
