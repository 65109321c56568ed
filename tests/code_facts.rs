//! Code facts end to end: a small Rust service in a temp dir, the real `tm
//! build`, and the model page's code section listing each sink with its kind,
//! file:line and enclosing item — and nothing for the safe twin of each line.

use std::path::Path;

use assert_cmd::Command;

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const CARGO: &str = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

/// One sink per line, each followed by its safe twin on the next line.
const HANDLERS: &str = r#"use std::process::Command;
use std::path::Path;

pub async fn find_user(pool: &Pool, name: String) {
    let q = format!("SELECT * FROM users WHERE name = '{}'", name);
    let safe = format!("SELECT * FROM users WHERE name = {}", PLACEHOLDER);
    sqlx::query(&q).fetch_all(pool).await;
}

pub fn convert(input: &str) {
    Command::new("convert").arg(input).status();
    Command::new("convert").arg("--version").status();
}

pub fn download(root: &Path, name: &str) -> Vec<u8> {
    let p = root.join(name);
    let _ = std::fs::read(root.join("index.html"));
    std::fs::read(&p).unwrap()
}

pub fn back(next: String) -> Redirect {
    let _ = Redirect::to("/home");
    Redirect::to(&next)
}

pub fn page(title: &str) -> String {
    let _ = format!("plain {}", title);
    format!("<h1>{}</h1>", title)
}

pub fn raw(p: *const u8) -> u8 {
    unsafe { *p }
}

pub fn settings() {
    let _ = std::env::var("PORT");
    let key = std::env::var("STRIPE_SECRET_KEY");
}

pub fn client() {
    let _ = reqwest::Client::builder().danger_accept_invalid_certs(false);
    let c = reqwest::Client::builder().danger_accept_invalid_certs(true);
}

pub fn new_session_token() -> u64 {
    fastrand::u64(..)
}

pub fn jitter() -> u64 {
    fastrand::u64(..100)
}

pub async fn upload(body: Body) {
    let _ = axum::body::to_bytes(body, 64 * 1024).await;
    let all = hyper::body::to_bytes(body).await;
}

pub async fn create(Json(order): Json<Order>) {}

#[cfg(test)]
mod tests {
    fn t(x: &str) {
        let _ = format!("DELETE FROM t WHERE id = {}", x);
    }
}
"#;

const MODEL: &str = "tm: 1\nid: svc\ntitle: Service\nstatus: in-review\nrisk: low\ncomponents:\n  - id: api\n    name: API\n    kind: service\n    code:\n      paths: [\"src/handlers.rs\"]\n";

#[test]
fn the_model_page_lists_each_sink_with_its_line_and_item() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        &[
            ("book.toml", ""),
            ("Cargo.toml", CARGO),
            ("src/lib.rs", "pub mod handlers;\n"),
            ("src/handlers.rs", HANDLERS),
            ("models/svc.yaml", MODEL),
        ],
    );
    let out = Command::cargo_bin("tm")
        .unwrap()
        .arg("build")
        .arg(root)
        .env("TM_TODAY", "2026-06-01")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(root.join("book/models/svc.html")).unwrap();
    let facts: Vec<(String, String)> = page
        .split("<span class=\"badge fact\">")
        .skip(1)
        .map(|li| {
            let kind = li.split('<').next().unwrap().to_owned();
            let at = li
                .split("src/handlers.rs:")
                .nth(1)
                .and_then(|rest| rest.split('<').next())
                .unwrap_or_default()
                .to_owned();
            (kind, at)
        })
        .collect();
    let want = [
        ("sql-built", "5"),
        ("command-dynamic", "11"),
        ("path-from-input", "18"),
        ("redirect-computed", "23"),
        ("html-by-hand", "28"),
        ("unsafe-code", "32"),
        ("secret-read", "37"),
        ("tls-verify-off", "42"),
        ("weak-random", "46"),
        ("unbounded-read", "55"),
        ("deserialize-input", "58"),
    ];
    let got: Vec<(&str, &str)> = facts
        .iter()
        .map(|(k, l)| (k.as_str(), l.as_str()))
        .collect();
    let mut want = want.to_vec();
    want.sort_by_key(|(_, line)| line.parse::<u32>().unwrap());
    assert_eq!(got, want, "{page}");
    assert!(
        page.contains("<code>svc::handlers::find_user</code>"),
        "{page}"
    );
    assert!(page.contains("<code>svc::handlers::new_session_token</code>"));
}
