//! `tm lsp`: a Language Server over stdio. It publishes tm's own findings
//! (every rule, with its code and help) for the open model files as the user
//! types, completes ids in reference fields, and jumps from a reference to
//! the element it names. Synchronous (`lsp-server`), one request at a time.

pub mod complete;
pub mod position;
pub mod workspace;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{Completion, GotoDefinition, Request as _};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionOptions, CompletionParams, CompletionResponse,
    DiagnosticRelatedInformation, DiagnosticSeverity, GotoDefinitionParams, GotoDefinitionResponse,
    Location, NumberOrString, OneOf, PublishDiagnosticsParams, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Date;
use workspace::Workspace;

/// Why the server stopped other than by `shutdown` and `exit`.
pub type ServeError = Box<dyn std::error::Error + Send + Sync>;

/// Serves on standard input and output until the client says `exit`.
pub fn serve(today: Date) -> Result<(), ServeError> {
    let (connection, io) = Connection::stdio();
    run(connection, today)?;
    io.join()?;
    Ok(())
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), "[".into(), ",".into(), "/".into()]),
            ..Default::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        ..Default::default()
    }
}

/// Runs the protocol on a connection (stdio, or memory in tests).
pub fn run(connection: Connection, today: Date) -> Result<(), ServeError> {
    connection.initialize(serde_json::to_value(capabilities())?)?;
    let mut server = Server {
        today,
        docs: BTreeMap::new(),
        workspaces: Vec::new(),
    };
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection.handle_shutdown(&req)? {
                    return Ok(());
                }
                let resp = server.request(req);
                connection.sender.send(Message::Response(resp))?;
            }
            Message::Notification(n) => {
                for out in server.notify(n) {
                    connection.sender.send(Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

struct Server {
    today: Date,
    /// Open documents: absolute path → (uri, text).
    docs: BTreeMap<PathBuf, (Uri, String)>,
    workspaces: Vec<Workspace>,
}

impl Server {
    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            Completion::METHOD => req
                .extract::<CompletionParams>(Completion::METHOD)
                .map_err(|e| format!("{e:?}"))
                .map(|(_, p)| serde_json::to_value(self.completion(&p))),
            GotoDefinition::METHOD => req
                .extract::<GotoDefinitionParams>(GotoDefinition::METHOD)
                .map_err(|e| format!("{e:?}"))
                .map(|(_, p)| serde_json::to_value(self.definition(&p))),
            other => {
                return Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("tm lsp does not handle {other}"),
                );
            }
        };
        match result {
            Ok(Ok(v)) => Response::new_ok(id, v),
            Ok(Err(e)) => Response::new_err(
                id,
                lsp_server::ErrorCode::InternalError as i32,
                e.to_string(),
            ),
            Err(e) => Response::new_err(id, lsp_server::ErrorCode::InvalidParams as i32, e),
        }
    }

    fn notify(&mut self, n: Notification) -> Vec<Notification> {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                let doc = p.text_document;
                self.open(doc.uri, doc.text)
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) else {
                    return Vec::new();
                };
                // Full sync: the last change holds the whole text.
                let Some(text) = p.content_changes.into_iter().last().map(|c| c.text) else {
                    return Vec::new();
                };
                self.open(p.text_document.uri, text)
            }
            DidSaveTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<lsp_types::DidSaveTextDocumentParams>(DidSaveTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                let Some(path) = position::path_of(&p.text_document.uri) else {
                    return Vec::new();
                };
                if let Some(i) = self.workspace_of(&path) {
                    self.workspaces[i].reload_disk();
                    return self.publish(i);
                }
                Vec::new()
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = n
                    .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                let uri = p.text_document.uri;
                let Some(path) = position::path_of(&uri) else {
                    return Vec::new();
                };
                let path = canonical(&path);
                self.docs.remove(&path);
                let mut out = vec![publish(uri, Vec::new())];
                if let Some(i) = self.workspace_of(&path) {
                    out.extend(self.publish(i));
                }
                out
            }
            _ => Vec::new(),
        }
    }

    fn open(&mut self, uri: Uri, text: String) -> Vec<Notification> {
        let Some(path) = position::path_of(&uri) else {
            return Vec::new();
        };
        let path = canonical(&path);
        self.docs.insert(path.clone(), (uri, text));
        match self.workspace_of(&path) {
            Some(i) => self.publish(i),
            None => Vec::new(),
        }
    }

    /// The workspace holding `path` as a model file, opened on first use.
    fn workspace_of(&mut self, path: &Path) -> Option<usize> {
        let path = canonical(path);
        if let Some(i) = self
            .workspaces
            .iter()
            .position(|w| w.model_path(&path).is_some())
        {
            return Some(i);
        }
        let ws = Workspace::discover(path.parent()?)?;
        ws.model_path(&path)?;
        self.workspaces.push(ws);
        Some(self.workspaces.len() - 1)
    }

    /// Analyses workspace `i` with its open buffers and publishes the
    /// findings of every open document in it.
    fn publish(&mut self, i: usize) -> Vec<Notification> {
        let ws = &mut self.workspaces[i];
        let mut buffers = BTreeMap::new();
        let mut open = Vec::new();
        for (path, (uri, text)) in &self.docs {
            if let Some(rel) = ws.model_path(path) {
                buffers.insert(rel.clone(), text.clone());
                open.push((rel, uri.clone(), text));
            }
        }
        let findings = ws.analyse(&buffers, self.today);
        open.into_iter()
            .map(|(rel, uri, text)| {
                let diags = findings
                    .diagnostics
                    .iter()
                    .filter(|d| d.file == rel)
                    .map(|d| to_lsp(d, text, &uri))
                    .collect();
                publish(uri, diags)
            })
            .collect()
    }

    /// The open document at `uri`, its workspace and its path in it.
    fn document(&mut self, uri: &Uri) -> Option<(usize, PathBuf, String)> {
        let path = canonical(&position::path_of(uri)?);
        let text = self.docs.get(&path)?.1.clone();
        let i = self.workspace_of(&path)?;
        let rel = self.workspaces[i].model_path(&path)?;
        Some((i, rel, text))
    }

    fn completion(&mut self, p: &CompletionParams) -> Option<CompletionResponse> {
        let at = &p.text_document_position;
        let (i, rel, text) = self.document(&at.text_document.uri)?;
        let offset = position::offset_of(&text, at.position);
        let field = complete::field_at(&text, offset)?;
        let ws = &self.workspaces[i];
        let model = ws.model_of(&rel)?;
        let project = ws.project.as_ref()?;
        let items = complete::candidates(&field, model, project)
            .into_iter()
            .map(|(id, kind)| CompletionItem {
                label: id,
                kind: Some(CompletionItemKind::REFERENCE),
                detail: Some(kind.name().to_owned()),
                ..Default::default()
            })
            .collect();
        Some(CompletionResponse::Array(items))
    }

    fn definition(&mut self, p: &GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
        let at = &p.text_document_position_params;
        let (i, rel, text) = self.document(&at.text_document.uri)?;
        let offset = position::offset_of(&text, at.position);
        let word = word_at(&text, offset)?;
        let ws = &self.workspaces[i];
        let (file, start, len) = ws.definition(&rel, word)?;
        let project = ws.project.as_ref()?;
        let target_text = project.sources.get(&file)?;
        let abs = ws.config.root.join(&file);
        let uri = self
            .docs
            .iter()
            .find(|(p, _)| **p == abs)
            .map(|(_, (u, _))| u.clone())
            .or_else(|| position::uri_of(&abs))?;
        let range = position::range_of(target_text, start, len);
        Some(GotoDefinitionResponse::Scalar(Location::new(uri, range)))
    }
}

/// The id-like word (letters, digits, `-_./`) around byte `offset`.
fn word_at(text: &str, offset: usize) -> Option<&str> {
    let is_id = |c: char| c.is_alphanumeric() || "-_./".contains(c);
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_id(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_id(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    let word = text[start..end].trim_matches(|c| c == '.' || c == '/');
    (!word.is_empty()).then_some(word)
}

fn canonical(path: &Path) -> PathBuf {
    // A new, unsaved file has no canonical form: canonicalise its directory.
    path.canonicalize().unwrap_or_else(|_| {
        match (
            path.parent().and_then(|p| p.canonicalize().ok()),
            path.file_name(),
        ) {
            (Some(dir), Some(name)) => dir.join(name),
            _ => path.to_path_buf(),
        }
    })
}

fn publish(uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>) -> Notification {
    Notification::new(
        PublishDiagnostics::METHOD.to_owned(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        },
    )
}

/// One finding as an LSP diagnostic: the rule's code, the message, and the
/// help as related information at the same place.
fn to_lsp(d: &Diagnostic, text: &str, uri: &Uri) -> lsp_types::Diagnostic {
    let range = d
        .span
        .map(|s| position::range_of(text, s.offset, s.len))
        .unwrap_or_default();
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning | Severity::Off => DiagnosticSeverity::WARNING,
    };
    let related = d.help.as_ref().map(|help| {
        vec![DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range),
            message: format!("help: {help}"),
        }]
    });
    lsp_types::Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(d.rule.code().to_owned())),
        source: Some("tm".to_owned()),
        message: format!("{} [{}]", d.message, d.rule.name()),
        related_information: related,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_under_the_cursor_is_a_whole_id() {
        let text = "    target: other-model/web.api\n";
        let at = text.find("web").unwrap();
        assert_eq!(word_at(text, at), Some("other-model/web.api"));
        assert_eq!(word_at(text, text.len() - 1), Some("other-model/web.api"));
        assert_eq!(word_at("a:  ", 3), None);
    }
}
