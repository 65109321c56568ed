//! mdBook integration, behind the `mdbook-tm` binary: the renderer that
//! `[output.tm]` names (builds the tm site into the destination mdBook
//! gives) and the preprocessor that `[preprocessor.tm]` names (expands
//! `{{#tm-model ID}}`, `{{#tm-stride ID}}`, `{{#tm-diagram ID}}` in
//! chapters). mdBook's JSON is read by hand with serde_json: only the few
//! fields tm needs (`root`, `destination`, chapters' `content`), so the
//! `mdbook` crate and its dependencies stay out of the build.

pub mod embed;

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;

use crate::analysis::Analysis;
use crate::build::{BuildError, SiteBuild, Written};
use crate::check::CheckOptions;
use crate::config::Config;

/// Why an mdBook step failed.
#[derive(Debug, thiserror::Error)]
pub enum MdbookError {
    /// The JSON on stdin is not what mdBook sends.
    #[error("the input is not mdBook's JSON: {0}")]
    Input(#[from] serde_json::Error),
    /// tm could not load or build the project.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The models have errors: the report is in the message.
    #[error("the threat models have errors; the tm site was not built:\n{0}")]
    ModelErrors(String),
    /// Chapters name models the project does not have.
    #[error("{0}")]
    UnknownModels(String),
}

/// The part of mdBook's RenderContext tm reads.
#[derive(Debug, Deserialize)]
pub struct RenderContext {
    /// The book's root (the directory of book.toml).
    pub root: PathBuf,
    /// Where this renderer's output goes (`book/tm` by default).
    pub destination: PathBuf,
}

/// The renderer: loads the project at the book's root, checks it, and
/// writes the site into `destination`. Errors in the models fail the build
/// (with the findings in the message), as `tm build` does.
pub fn render(input: &str, today: crate::model::Date) -> Result<Written, MdbookError> {
    let ctx: RenderContext = serde_json::from_str(input)?;
    let config = Config::discover(&ctx.root, std::env::vars()).map_err(BuildError::from)?;
    let options = CheckOptions {
        today,
        deny_drafts: false,
    };
    let build = SiteBuild::load(config, options)?;
    if build.has_errors() {
        let report = crate::diagnostic::render(
            &build.analysis.findings,
            crate::diagnostic::Format::Human,
            &crate::diagnostic::SourceText {
                loaded: &build.analysis.project.sources,
                root: &build.analysis.project.config.root,
                prefix: std::path::Path::new(""),
            },
            false,
        );
        return Err(MdbookError::ModelErrors(report));
    }
    let site = build.render()?;
    let dest = if ctx.destination.is_absolute() {
        ctx.destination
    } else {
        ctx.root.join(ctx.destination)
    };
    Ok(build.write(&site, Some(&dest), false)?)
}

/// The preprocessor: `[context, book]` in, the book out, its chapters'
/// directives expanded. Everything else of the book JSON passes unchanged.
pub fn preprocess(input: &str, today: crate::model::Date) -> Result<String, MdbookError> {
    let (ctx, mut book): (Value, Value) = serde_json::from_str(input)?;
    let root = ctx
        .get("root")
        .and_then(Value::as_str)
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let config = Config::discover(&root, std::env::vars()).map_err(BuildError::from)?;
    let options = CheckOptions {
        today,
        deny_drafts: false,
    };
    let analysis = Analysis::run(config, &options).map_err(BuildError::from)?;
    let models = &analysis.project.models;
    let find = |id: &str| {
        models
            .iter()
            .find(|m| m.model.id.as_str() == id)
            .map(|m| &m.model)
    };
    let mut problems = Vec::new();
    for_each_chapter(&mut book, &mut |chapter| {
        let Some(Value::String(content)) = chapter.get("content") else {
            return;
        };
        if !content.contains("{{#tm-") {
            return;
        }
        let (expanded, unknown) = embed::expand(content, find);
        let path = chapter
            .get("source_path")
            .or_else(|| chapter.get("path"))
            .and_then(Value::as_str)
            .unwrap_or("(a chapter)")
            .to_owned();
        for u in unknown {
            problems.push(format!(
                "{}: {} names no model of the project",
                crate::terminal::escape_line(&path),
                crate::terminal::escape_line(&u.directive)
            ));
        }
        chapter.insert("content".to_owned(), Value::String(expanded));
    });
    if !problems.is_empty() {
        let known: Vec<&str> = models.iter().map(|m| m.model.id.as_str()).collect();
        return Err(MdbookError::UnknownModels(format!(
            "{}\n  help: the models are: {}",
            problems.join("\n"),
            if known.is_empty() {
                "(none)".to_owned()
            } else {
                known.join(", ")
            }
        )));
    }
    Ok(serde_json::to_string(&book)?)
}

/// Calls `f` on every chapter object (`{"Chapter": {…}}`) in the book,
/// nested ones included, whatever the version's key for the list
/// (`sections` before mdBook 0.5, `items` since).
fn for_each_chapter(value: &mut Value, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(chapter)) = map.get_mut("Chapter") {
                f(chapter);
            }
            for v in map.values_mut() {
                for_each_chapter(v, f);
            }
        }
        Value::Array(items) => {
            for v in items {
                for_each_chapter(v, f);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_chapters_of_either_book_shape_are_visited() {
        let mut book: Value = serde_json::from_str(
            r#"{"items":[{"Chapter":{"content":"a","sub_items":[{"Chapter":{"content":"b","sub_items":[]}}]}},"Separator"],
                "sections":[{"Chapter":{"content":"c","sub_items":[]}}]}"#,
        )
        .unwrap();
        let mut seen = Vec::new();
        for_each_chapter(&mut book, &mut |c| {
            seen.push(c["content"].as_str().unwrap().to_owned());
            c.insert("content".into(), Value::String("x".into()));
        });
        seen.sort();
        assert_eq!(seen, ["a", "b", "c"]);
        assert!(!book.to_string().contains("\"a\""));
    }
}
