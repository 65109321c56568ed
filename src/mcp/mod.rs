//! `tm mcp`: a Model Context Protocol server (stdio, `rmcp`) for coding
//! assistants. It reads the project (models, findings, coverage gaps, code
//! facts) and writes drafts only: threats, mitigations and questions it adds
//! are `drafted: true`, and it refuses anything that records a human
//! decision. The work is in the synchronous library functions of `read` and
//! `drafts`; this file is the protocol glue.

pub mod append;
pub mod drafts;
pub mod read;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, ServerCapabilities, ServerConfig};
use rmcp::{ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::config::Config;

/// The server: the project's configuration, read afresh by every tool.
#[derive(Debug, Clone)]
pub struct TmServer {
    config: Config,
    #[allow(dead_code)] // read by the `tool_handler` macro
    tool_router: ToolRouter<TmServer>,
}

/// A model to read.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ModelArgs {
    /// The model's id.
    pub model: String,
    /// `yaml` (default: the file as written) or `json`.
    pub format: Option<String>,
}

/// An optional model filter.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct MaybeModel {
    /// Only this model's findings (default: all).
    pub model: Option<String>,
}

/// A model, required.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct OneModel {
    /// The model's id.
    pub model: String,
}

fn answer(r: Result<String, String>) -> CallToolResult {
    match r {
        Ok(text) => CallToolResult::success(vec![ContentBlock::text(text)]),
        Err(reason) => CallToolResult::error(vec![ContentBlock::text(reason)]),
    }
}

fn written(r: Result<std::path::PathBuf, String>, what: &str) -> Result<String, String> {
    r.map(|file| {
        format!(
            "added {what} to {} as a draft (drafted: true)",
            file.display()
        )
    })
}

#[tool_router]
impl TmServer {
    /// A server for the project of `config`.
    pub fn new(config: Config) -> TmServer {
        TmServer {
            config,
            tool_router: Self::tool_router(),
        }
    }

    #[tool(description = "List the threat models of the project: id, title, status, file.")]
    async fn list_models(&self) -> CallToolResult {
        answer(read::list_models(&self.config))
    }

    #[tool(
        description = "One threat model, as its YAML file (format: yaml) or as JSON (format: json)."
    )]
    async fn get_model(&self, Parameters(a): Parameters<ModelArgs>) -> CallToolResult {
        answer(read::model(
            &self.config,
            &a.model,
            a.format.as_deref() == Some("json"),
        ))
    }

    #[tool(
        description = "The findings of `tm check` (rule code, severity, file, position, message, help), for all models or one."
    )]
    async fn findings(&self, Parameters(a): Parameters<MaybeModel>) -> CallToolResult {
        answer(read::findings(&self.config, a.model.as_deref()))
    }

    #[tool(
        description = "Coverage gaps: STRIDE coverage findings and code entry points no component covers."
    )]
    async fn coverage_gaps(&self) -> CallToolResult {
        answer(read::coverage_gaps(&self.config))
    }

    #[tool(
        description = "Code facts (security-relevant sinks found in the code) per component of a model."
    )]
    async fn code_facts(&self, Parameters(a): Parameters<OneModel>) -> CallToolResult {
        answer(read::code_facts(&self.config, &a.model))
    }

    #[tool(
        description = "Candidate threats, mitigations and questions from tm's threat library for a model (what `tm draft` proposes, with the facts that fired each); read-only: add the ones you keep with add_threat, add_mitigation, add_question."
    )]
    async fn draft_candidates(&self, Parameters(a): Parameters<OneModel>) -> CallToolResult {
        answer(read::draft_candidates(&self.config, &a.model))
    }

    #[tool(
        description = "Add a threat to a model as a draft (drafted: true, status open). Acceptance and any decided status are refused."
    )]
    async fn add_threat(&self, Parameters(t): Parameters<drafts::DraftThreat>) -> CallToolResult {
        answer(t.lines().and_then(|l| {
            written(
                drafts::add(&self.config, &t.model, "threats", &t.id, &l),
                &format!("threat {}", t.id),
            )
        }))
    }

    #[tool(
        description = "Add a mitigation to a model as a draft (drafted: true, status proposed or in-progress). Sign-offs and decided statuses are refused."
    )]
    async fn add_mitigation(
        &self,
        Parameters(m): Parameters<drafts::DraftMitigation>,
    ) -> CallToolResult {
        answer(m.lines().and_then(|l| {
            written(
                drafts::add(&self.config, &m.model, "mitigations", &m.id, &l),
                &format!("mitigation {}", m.id),
            )
        }))
    }

    #[tool(
        description = "Add an open question to a model as a draft (drafted: true). Answers are refused: people answer."
    )]
    async fn add_question(
        &self,
        Parameters(q): Parameters<drafts::DraftQuestion>,
    ) -> CallToolResult {
        answer(q.lines().and_then(|l| {
            written(
                drafts::add(&self.config, &q.model, "questions", &q.id, &l),
                &format!("question {}", q.id),
            )
        }))
    }
}

#[tool_handler]
impl ServerHandler for TmServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }
}

/// Serves the project of `config` on standard input and output until the
/// client closes the connection.
pub fn serve(config: Config) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let service = TmServer::new(config)
            .serve(rmcp::transport::stdio())
            .await?;
        service.waiting().await?;
        Ok(())
    })
}
