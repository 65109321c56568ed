//! `tm lsp` driven by a scripted client over real stdio: framed JSON-RPC in,
//! diagnostics, completions and definitions out.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

use common::{TODAY, TempProject};

const MODEL: &str = "\
tm: 1
id: shop
title: Shop
status: in-review
risk: low
zones: [dmz]
components:
  - id: web
    name: Web
    kind: service
    zone: dmz
  - id: db
    name: Database
    kind: datastore
flows:
  - id: query
    from: web
    to: db
threats:
  - id: T-1
    target: wbe
    stride: spoofing
    title: Session théft 😀
    likelihood: low
    impact: low
    severity: low
    status: open
";

const OTHER: &str = "\
tm: 1
id: billing
title: Billing
status: in-review
risk: low
components:
  - {id: ledger, name: Ledger, kind: service}
";

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start(project: &TempProject) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tm"))
            .arg("lsp")
            .current_dir(project.root())
            .env("TM_TODAY", TODAY)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn tm lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        len = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("Content-Length header")];
                reader.read_exact(&mut body).expect("body");
                let value: Value = serde_json::from_slice(&body).expect("JSON body");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages: rx,
            next_id: 0,
        };
        let root = format!("file://{}", project.root().display());
        let init = client.request("initialize", json!({"capabilities": {}, "rootUri": root}));
        assert!(
            init["result"]["capabilities"]["completionProvider"].is_object(),
            "{init}"
        );
        assert_eq!(init["result"]["capabilities"]["definitionProvider"], true);
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(60))
            .expect("a message from tm lsp within 60 s")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self.recv();
            if msg["id"] == id {
                return msg;
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        loop {
            let msg = self.recv();
            if msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == uri {
                return msg["params"]["diagnostics"]
                    .as_array()
                    .expect("array")
                    .clone();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    fn shutdown(mut self) {
        let resp = self.request("shutdown", Value::Null);
        assert!(resp.get("error").is_none(), "{resp}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("wait");
        assert_eq!(status.code(), Some(0));
    }
}

fn setup() -> (TempProject, String) {
    let project = TempProject::new();
    let path = project.write("models/shop.yaml", MODEL);
    project.write("models/billing.yaml", OTHER);
    let uri = format!(
        "file://{}",
        path.canonicalize().expect("canonical").display()
    );
    (project, uri)
}

/// The 0-based (line, UTF-16 column) of the first `needle` in `text`.
fn pos(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).expect("needle");
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let col: usize = text[start..at].chars().map(char::len_utf16).sum();
    (line as u64, col as u64)
}

#[test]
fn diagnostics_follow_the_buffer_and_clear_on_close() {
    let (project, uri) = setup();
    let mut client = Client::start(&project);
    client.open(&uri, MODEL);
    let diags = client.diagnostics(&uri);
    let dangling = diags
        .iter()
        .find(|d| d["code"] == "TM102")
        .unwrap_or_else(|| panic!("no TM102 in {diags:?}"));
    let (line, col) = pos(MODEL, "wbe");
    assert_eq!(
        dangling["range"]["start"],
        json!({"line": line, "character": col})
    );
    assert_eq!(
        dangling["range"]["end"],
        json!({"line": line, "character": col + 3})
    );
    assert_eq!(dangling["severity"], 1);
    assert_eq!(dangling["source"], "tm");
    let help = dangling["relatedInformation"][0]["message"]
        .as_str()
        .expect("help");
    assert!(help.starts_with("help: "), "{help}");

    // The user fixes the typo without saving: the finding goes away.
    let fixed = MODEL.replace("target: wbe", "target: web");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let diags = client.diagnostics(&uri);
    assert!(diags.iter().all(|d| d["code"] != "TM102"), "{diags:?}");

    // Broken YAML is reported at its place, as TM001.
    let broken = format!("{fixed}  bad: [\n");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": broken}]}),
    );
    let diags = client.diagnostics(&uri);
    assert!(diags.iter().any(|d| d["code"] == "TM001"), "{diags:?}");

    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.shutdown();
}

fn labels(resp: &Value) -> Vec<String> {
    let items = resp["result"]
        .as_array()
        .or_else(|| resp["result"]["items"].as_array())
        .unwrap_or_else(|| panic!("no items: {resp}"));
    items
        .iter()
        .map(|i| i["label"].as_str().expect("label").to_owned())
        .collect()
}

#[test]
fn completion_offers_the_ids_a_field_may_name() {
    let (project, uri) = setup();
    let mut client = Client::start(&project);
    let text = MODEL.replace("target: wbe", "target: ");
    client.open(&uri, &text);
    client.diagnostics(&uri);
    let (line, col) = pos(&text, "target: ");
    let at =
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 8}});
    let got = labels(&client.request("textDocument/completion", at));
    assert_eq!(got, ["db", "query", "web"]);

    // Flow endpoints also take components of other models.
    let (line, col) = pos(&text, "to: db");
    let at =
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 4}});
    let got = labels(&client.request("textDocument/completion", at));
    assert_eq!(got, ["billing/ledger", "db", "web"]);

    // A zone field offers zones; a free-text field nothing.
    let (line, col) = pos(&text, "zone: dmz");
    let at =
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 6}});
    assert_eq!(
        labels(&client.request("textDocument/completion", at)),
        ["dmz"]
    );
    let (line, col) = pos(&text, "title: Session");
    let at =
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 7}});
    let resp = client.request("textDocument/completion", at);
    let none = resp["result"].is_null() || resp["result"] == json!([]);
    assert!(none, "{resp}");
    client.shutdown();
}

#[test]
fn definition_jumps_to_the_id_line() {
    let (project, uri) = setup();
    let mut client = Client::start(&project);
    client.open(&uri, MODEL);
    client.diagnostics(&uri);
    let (line, col) = pos(MODEL, "to: db");
    let at =
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 5}});
    let resp = client.request("textDocument/definition", at);
    let (id_line, id_col) = pos(MODEL, "db\n    name: Database");
    assert_eq!(resp["result"]["uri"], uri.as_str(), "{resp}");
    assert_eq!(
        resp["result"]["range"]["start"],
        json!({"line": id_line, "character": id_col})
    );

    // An unknown id has no definition.
    let (line, col) = pos(MODEL, "wbe");
    let at =
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 1}});
    let resp = client.request("textDocument/definition", at);
    assert_eq!(resp["result"], Value::Null, "{resp}");
    client.shutdown();
}

#[test]
fn a_cross_model_reference_leads_to_the_other_file() {
    let (project, uri) = setup();
    let mut client = Client::start(&project);
    let text = MODEL.replace("to: db", "to: billing/ledger");
    client.open(&uri, &text);
    client.diagnostics(&uri);
    let (line, col) = pos(&text, "billing/ledger");
    let at =
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 10}});
    let resp = client.request("textDocument/definition", at);
    let target = resp["result"]["uri"]
        .as_str()
        .unwrap_or_else(|| panic!("{resp}"));
    assert!(target.ends_with("/models/billing.yaml"), "{target}");
    let (id_line, id_col) = pos(OTHER, "ledger");
    assert_eq!(
        resp["result"]["range"]["start"],
        json!({"line": id_line, "character": id_col})
    );
    client.shutdown();
}
