//! From a request target to a file of the in-memory site, and what the
//! preview adds to a page: the live-reload script and the one CSP source it
//! needs. Nothing here touches the disk: the server only ever answers with
//! the files of the rendered [`crate::render::Site`].

use std::path::{Path, PathBuf};

/// The URL prefix of the server's own endpoints (no site file starts with it:
/// tm writes no `__tm` dir).
pub const ENDPOINT_PREFIX: &str = "/__tm/";
/// The long-poll endpoint: `?since=N` answers with the site's generation once
/// it differs from N (or after a timeout).
pub const RELOAD_ENDPOINT: &str = "/__tm/reload";
/// The live-reload script.
pub const SCRIPT_ENDPOINT: &str = "/__tm/live.js";

/// The live-reload script: asks the server for the next generation and
/// reloads the page when it changed; retries after a pause while the server
/// is away.
pub const LIVE_RELOAD_JS: &str = r#"(function () {
  var me = document.currentScript;
  var generation = me ? me.getAttribute("data-generation") : "";
  function poll() {
    fetch("/__tm/reload?since=" + encodeURIComponent(generation), { cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (now) {
        now = now.trim();
        if (now !== generation) { location.reload(); return; }
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"#;

/// Maps a request target (`/models/a.html?x#y`) to the site file it names:
/// percent-decoded, `/` and `dir/` to their `index.html`. `None` for anything
/// that is not a plain relative path inside the site: absolute URLs
/// (`http://host/…`), `..` or `.` segments (decoded or not), backslashes,
/// NUL bytes or invalid UTF-8.
pub fn site_path(target: &str) -> Option<PathBuf> {
    if !target.starts_with('/') || target.starts_with("//") {
        return None;
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut out = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return None,
            s if s.contains(':') => return None,
            s => out.push(s),
        }
    }
    if decoded.ends_with('/') || out.as_os_str().is_empty() {
        out.push("index.html");
    }
    Some(out)
}

/// Decodes `%XX` escapes; `None` for a malformed escape or invalid UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `Content-Type` of a site file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A page as the preview serves it: the live-reload script (tagged with the
/// site's generation) before `</body>`, and `connect-src 'self'` first in the
/// page's CSP so the script may ask the server (a first directive wins over a
/// later duplicate). The built site's pages are not changed.
pub fn with_live_reload(page: &[u8], generation: u64) -> Vec<u8> {
    let mut text = String::from_utf8_lossy(page).into_owned();
    let csp = "http-equiv=\"Content-Security-Policy\" content=\"";
    if let Some(at) = text.find(csp) {
        text.insert_str(at + csp.len(), "connect-src 'self'; ");
    }
    let script =
        format!("<script src=\"{SCRIPT_ENDPOINT}\" data-generation=\"{generation}\"></script>\n");
    match text.rfind("</body>") {
        Some(at) => text.insert_str(at, &script),
        None => text.push_str(&script),
    }
    text.into_bytes()
}

/// The generation a long-poll asks about: `?since=N` in the target.
pub fn since(target: &str) -> Option<u64> {
    let query = target.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("since="))
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_map_to_site_files() {
        assert_eq!(site_path("/"), Some(PathBuf::from("index.html")));
        assert_eq!(
            site_path("/models/a.html?x=1#t"),
            Some(PathBuf::from("models/a.html"))
        );
        assert_eq!(
            site_path("/models/"),
            Some(PathBuf::from("models/index.html"))
        );
        assert_eq!(site_path("/a%20b.html"), Some(PathBuf::from("a b.html")));
    }

    #[test]
    fn traversal_and_absolute_targets_are_refused() {
        for bad in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/models/..%2f..%2fetc/passwd",
            "/./index.html",
            "http://evil.example/index.html",
            "//evil.example/x",
            "/..\\..\\etc\\passwd",
            "/%5c..%5cetc",
            "/a%00.html",
            "/%zz",
            "/%ff.html",
            "/C:/Windows/win.ini",
            "*",
            "",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_script_and_csp_source_are_added() {
        let page = b"<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'\"></head><body><p>x</p></body>";
        let out = String::from_utf8(with_live_reload(page, 7)).unwrap();
        assert!(out.contains("content=\"connect-src 'self'; default-src 'none'"));
        assert!(
            out.contains("<script src=\"/__tm/live.js\" data-generation=\"7\"></script>\n</body>")
        );
    }

    #[test]
    fn since_reads_the_generation() {
        assert_eq!(since("/__tm/reload?since=12"), Some(12));
        assert_eq!(since("/__tm/reload?a=b&since=3"), Some(3));
        assert_eq!(since("/__tm/reload"), None);
        assert_eq!(since("/__tm/reload?since=x"), None);
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(
            content_type(Path::new("a.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("assets/x.svg")), "image/svg+xml");
        assert_eq!(content_type(Path::new("x")), "application/octet-stream");
    }
}
