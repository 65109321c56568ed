//! `tm serve` end to end: the real binary on a free port; an edit shows up,
//! a broken model shows its error in the page, a fix restores it, nothing
//! outside the in-memory site is served, Ctrl-C ends it with exit 0.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BOOK: &str =
    "[book]\ntitle = \"Preview\"\n\n[output.tm.rules]\nstride-coverage = \"warning\"\n";

fn model(title: &str) -> String {
    format!(
        "tm: 1\nid: pay\ntitle: {title}\nstatus: draft\nrisk: low\ncomponents:\n  - id: api\n    name: API\n    kind: service\n"
    )
}

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tm"))
        .args(["serve", "-p", "0"])
        .arg(dir)
        .env("TM_TODAY", "2026-11-24")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tm serve");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("[tm serve] {line}");
            if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let _ = tx.send(port.parse::<u16>().expect("port"));
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("tm serve printed its address");
    Server { child, port }
}

/// (status, body) of a raw request line.
fn request(port: u16, target: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(40))).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

/// Waits until `page` contains `needle`; returns how long it took.
fn until(port: u16, page: &str, needle: &str, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let (_, body) = request(port, page);
        if body.contains(needle) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < limit,
            "{page} did not show {needle:?} within {limit:?}:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn edits_show_up_errors_show_in_the_page_and_ctrl_c_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), BOOK).unwrap();
    std::fs::create_dir(dir.path().join("models")).unwrap();
    let file = dir.path().join("models/pay.yaml");
    std::fs::write(&file, model("Payments first")).unwrap();
    let mut server = start(dir.path());
    let port = server.port;

    let (status, page) = request(port, "/models/pay.html");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Payments first"));
    assert!(page.contains("src=\"/__tm/live.js\""), "{page}");
    assert!(page.contains("connect-src 'self'"), "{page}");
    let (status, script) = request(port, "/__tm/live.js");
    assert_eq!(status, 200);
    assert!(script.contains("/__tm/reload"));

    // An edit: the page has the new content within a second.
    std::fs::write(&file, model("Payments second")).unwrap();
    let took = until(
        port,
        "/models/pay.html",
        "Payments second",
        Duration::from_secs(5),
    );
    eprintln!("edit visible after {took:?}");
    assert!(took < Duration::from_secs(2), "rebuild took {took:?}");

    // The long-poll answers with the new generation once a change lands.
    let (_, page) = request(port, "/models/pay.html");
    let generation: u64 = page
        .split("data-generation=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|g| g.parse().ok())
        .expect("generation in the page");
    let waiter =
        std::thread::spawn(move || request(port, &format!("/__tm/reload?since={generation}")));
    std::thread::sleep(Duration::from_millis(200));

    // Broken YAML: the error shows in the pages; the model's page stays.
    std::fs::write(&file, "tm: 1\nid: pay\ntitle: [unclosed\n").unwrap();
    let (status, moved) = waiter.join().unwrap();
    assert_eq!(status, 200);
    assert!(moved.trim().parse::<u64>().unwrap() > generation, "{moved}");
    until(
        port,
        "/index.html",
        "tm-error-banner",
        Duration::from_secs(5),
    );
    let (status, diagnostics) = request(port, "/diagnostics.html");
    assert_eq!(status, 200);
    assert!(diagnostics.contains("pay.yaml"), "{diagnostics}");
    assert!(diagnostics.contains("finding error"), "{diagnostics}");
    let (status, kept) = request(port, "/models/pay.html");
    assert_eq!(status, 200, "the last good page stays reachable");
    assert!(kept.contains("Payments second") && kept.contains("tm-error-banner"));

    // Fixed: restored, no banner.
    std::fs::write(&file, model("Payments third")).unwrap();
    until(
        port,
        "/models/pay.html",
        "Payments third",
        Duration::from_secs(5),
    );
    let (_, index) = request(port, "/index.html");
    assert!(!index.contains("tm-error-banner"), "{index}");

    // Only the in-memory site is served.
    std::fs::write(dir.path().join("secret.txt"), "root:x:0:0").unwrap();
    for target in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/models/..%2f..%2fsecret.txt",
        "/secret.txt",
        "/book.toml",
        "/models/pay.yaml",
        "http://127.0.0.1/../../etc/passwd",
        "/%5c..%5c..%5cetc%5cpasswd",
    ] {
        let (status, body) = request(port, target);
        assert!(status == 400 || status == 404, "{target}: {status}\n{body}");
        assert!(!body.contains("root:"), "{target}");
        assert!(!body.contains("id: pay"), "{target}");
    }

    // Ctrl-C: a clean exit, code 0.
    let pid = server.child.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(sent.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no exit after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_taken_port_is_a_clear_error_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), BOOK).unwrap();
    std::fs::create_dir(dir.path().join("models")).unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_tm"))
        .args(["serve", "-p", &port])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{err}"
    );
    assert!(err.contains("-p PORT"), "{err}");
}

#[test]
fn a_request_for_another_host_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), BOOK).unwrap();
    std::fs::create_dir(dir.path().join("models")).unwrap();
    std::fs::write(dir.path().join("models/pay.yaml"), model("P")).unwrap();
    let server = start(dir.path());
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        s,
        "GET /index.html HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    let _ = s.read_to_string(&mut raw);
    assert!(raw.starts_with("HTTP/1.1 421"), "{raw}");
}
