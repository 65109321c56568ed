//! What the text of a string literal or a name says to the sink detectors:
//! whether a literal is SQL or an HTML tag, whether an environment
//! variable, file or identifier names a secret. Pure functions over `&str`,
//! kept apart from the syn matching so each is tested on its own.

/// Statement verbs and the word that must follow each for the text to be SQL
/// (`SELECT … FROM`, `INSERT … INTO`, `UPDATE … SET`, `DELETE … FROM`).
const SQL_STATEMENTS: &[(&str, &[&str])] = &[
    ("select", &["from"]),
    ("insert", &["into"]),
    ("update", &["set"]),
    ("delete", &["from"]),
    ("replace", &["into"]),
    ("upsert", &["into"]),
    ("merge", &["into", "using"]),
    ("with", &["select"]),
];

/// Clauses a query is often extended with (`" WHERE id = {}"`), recognised
/// only when written in capitals at the start of the literal.
const SQL_CLAUSES: &[&str] = &[
    "WHERE", "AND", "OR", "ORDER BY", "GROUP BY", "LIMIT", "OFFSET", "VALUES", "SET", "HAVING",
    "FROM", "JOIN",
];

/// Whether a literal reads as SQL: it starts with a statement verb followed
/// later by its companion word (`select name from users where id = {}`),
/// has both in capitals anywhere (`"… SELECT id FROM t"`), or starts with a
/// clause in capitals (`" WHERE id = "`). Prose such as "please select a file
/// from the list" does not start with the verb, so it is not SQL.
pub fn looks_like_sql(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '*'))
        .filter(|w| !w.is_empty())
        .collect();
    let Some(first) = words.first() else {
        return false;
    };
    let lower = first.to_ascii_lowercase();
    for (verb, next) in SQL_STATEMENTS {
        let follows = |upper_only: bool| {
            words.iter().skip(1).any(|w| {
                next.iter().any(|n| {
                    w.eq_ignore_ascii_case(n) && (!upper_only || *w == n.to_ascii_uppercase())
                })
            })
        };
        if lower == *verb && words.len() >= 3 && follows(false) {
            return true;
        }
        let upper_verb = verb.to_ascii_uppercase();
        if let Some(at) = words.iter().position(|w| *w == upper_verb)
            && words[at + 1..]
                .iter()
                .any(|w| next.iter().any(|n| *w == n.to_ascii_uppercase()))
        {
            return true;
        }
    }
    let trimmed = text.trim_start();
    SQL_CLAUSES.iter().any(|c| {
        trimmed.starts_with(c)
            && trimmed[c.len()..]
                .chars()
                .next()
                .is_some_and(char::is_whitespace)
    })
}

/// HTML element names that mark a literal as markup (`<div`, `</td>`).
const HTML_TAGS: &[&str] = &[
    "html",
    "head",
    "body",
    "title",
    "meta",
    "link",
    "script",
    "style",
    "div",
    "span",
    "p",
    "a",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "hr",
    "img",
    "form",
    "input",
    "button",
    "pre",
    "code",
    "b",
    "i",
    "em",
    "strong",
    "section",
    "nav",
    "header",
    "footer",
    "main",
    "article",
    "label",
    "select",
    "option",
    "textarea",
    "iframe",
    "svg",
    "small",
    "dl",
    "dt",
    "dd",
    "details",
    "summary",
    "blockquote",
    "noscript",
    "template",
    "video",
    "audio",
    "source",
    "object",
    "embed",
    "base",
];

/// Whether a literal contains an HTML tag (`<td>`, `<a href=`, `</div>`,
/// `<!DOCTYPE html>`); `Vec<T>` or `a < b` are not tags.
pub fn has_html_tag(text: &str) -> bool {
    let mut from = 0;
    while let Some(at) = text[from..].find('<') {
        let start = from + at + 1;
        from = start;
        let rest = &text[start..];
        if rest
            .get(..8)
            .is_some_and(|r| r.eq_ignore_ascii_case("!doctype"))
        {
            return true;
        }
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            continue;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        let after = rest.as_bytes().get(name_len).copied();
        let ends = matches!(after, Some(b'>' | b' ' | b'/' | b'\n' | b'\t'));
        if ends && HTML_TAGS.contains(&name.as_str()) {
            return true;
        }
    }
    false
}

/// The words of an identifier or variable name, lower case: `API_KEY`,
/// `apiKey` and `api-key` all give `["api", "key"]`.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Words that make an environment variable or constant a secret.
const SECRET_WORDS: &[&str] = &[
    "secret",
    "secrets",
    "token",
    "tokens",
    "key",
    "keys",
    "apikey",
    "password",
    "passwd",
    "passphrase",
    "credential",
    "credentials",
    "private",
    "pat",
    "dsn",
];

/// Words that, next to `key`, mean a name rather than a secret (`SORT_KEY`).
const NOT_SECRET_WITH_KEY: &[&str] = &["sort", "primary", "foreign", "partition", "cache", "id"];

/// Whether an environment variable or constant name names a secret
/// (`JWT_SECRET`, `GITHUB_TOKEN`, `STRIPE_API_KEY`, `DB_PASSWORD`).
pub fn secret_name(name: &str) -> bool {
    let words = name_words(name);
    let has = |w: &str| words.iter().any(|x| x == w);
    let plain = words
        .iter()
        .any(|w| SECRET_WORDS.contains(&w.as_str()) && !matches!(w.as_str(), "key" | "keys"));
    let key = (has("key") || has("keys")) && !NOT_SECRET_WITH_KEY.iter().any(|w| has(w));
    plain || key
}

/// Whether a file name (the last part of a path) is where secrets are kept:
/// keys and certificates' private halves (`*.pem`, `*.key`, `id_rsa`),
/// `credentials`, `.netrc`, `*secret*`, `*token*`, `*.p12`/`*.pfx`.
pub fn secret_file(path: &str) -> bool {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e);
    matches!(
        ext,
        Some("pem" | "key" | "p12" | "pfx" | "jks" | "keystore")
    ) || name.starts_with("id_rsa")
        || name.starts_with("id_ed25519")
        || name.starts_with("id_ecdsa")
        || name == ".netrc"
        || name.contains("credential")
        || name.contains("secret")
        || name.contains("token")
        || name.contains("password")
        || name_words(&name).iter().any(|w| w == "key" || w == "keys")
}

/// Words in an item or binding name that say a random value is meant to be
/// unguessable.
const UNGUESSABLE_WORDS: &[&str] = &[
    "token",
    "tokens",
    "secret",
    "key",
    "keys",
    "apikey",
    "nonce",
    "session",
    "sessions",
    "sid",
    "password",
    "passwd",
    "salt",
    "otp",
    "totp",
    "code",
    "csrf",
    "xsrf",
    "iv",
    "seed",
    "pin",
    "verifier",
    "challenge",
    "invite",
    "reset",
];

/// Whether a function, variable or field name says its random value must be
/// unguessable (`generate_token`, `session_id`, `nonce`, `resetCode`).
pub fn unguessable_name(name: &str) -> bool {
    name_words(name)
        .iter()
        .any(|w| UNGUESSABLE_WORDS.contains(&w.as_str()))
}

/// Words in an expression's names that make it a request body or a stream
/// from the network.
const BODY_WORDS: &[&str] = &[
    "body",
    "req",
    "request",
    "stream",
    "socket",
    "conn",
    "connection",
    "payload",
    "upload",
    "client",
    "tcp",
];

/// Whether a name reads as a request body or network stream (`req_body`,
/// `stream`, `conn`).
pub fn body_name(name: &str) -> bool {
    name_words(name)
        .iter()
        .any(|w| BODY_WORDS.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_is_a_statement_or_a_capitalised_clause() {
        assert!(looks_like_sql("SELECT * FROM users WHERE id = {}"));
        assert!(looks_like_sql("select name from users where id = '{id}'"));
        assert!(looks_like_sql("INSERT INTO t (a) VALUES ({})"));
        assert!(looks_like_sql(
            "update accounts set balance = {} where id = {}"
        ));
        assert!(looks_like_sql("DELETE FROM sessions WHERE token = '{}'"));
        assert!(looks_like_sql(" WHERE name = '{}'"));
        assert!(looks_like_sql("ORDER BY {} DESC"));
        assert!(looks_like_sql("EXPLAIN SELECT id FROM {}"));
        assert!(!looks_like_sql("please select a file from the list: {}"));
        assert!(!looks_like_sql("Selected {} items"));
        assert!(!looks_like_sql("update {}"));
        assert!(!looks_like_sql("where did {} go"));
        assert!(!looks_like_sql("with {} retries as configured"));
        assert!(!looks_like_sql(""));
    }

    #[test]
    fn html_needs_a_real_tag() {
        assert!(has_html_tag("<td>{}</td>"));
        assert!(has_html_tag("<a href=\"{}\">link</a>"));
        assert!(has_html_tag("<!DOCTYPE html><title>{}"));
        assert!(has_html_tag("hello</p>"));
        assert!(!has_html_tag("Vec<T> of {}"));
        assert!(!has_html_tag("Option<{}>"));
        assert!(!has_html_tag("a < b and c > d"));
        assert!(!has_html_tag("<{}>"));
        assert!(!has_html_tag("<unknown-tag>"));
        assert!(!has_html_tag("<ééééé and <é"));
    }

    #[test]
    fn names_split_into_words() {
        assert_eq!(name_words("STRIPE_API_KEY"), ["stripe", "api", "key"]);
        assert_eq!(name_words("apiKey"), ["api", "key"]);
        assert_eq!(name_words("generate-otp"), ["generate", "otp"]);
        assert_eq!(name_words("HTTPServer"), ["httpserver"]);
    }

    #[test]
    fn secret_names() {
        for yes in [
            "JWT_SECRET",
            "GITHUB_TOKEN",
            "STRIPE_API_KEY",
            "DB_PASSWORD",
            "AWS_SECRET_ACCESS_KEY",
            "SIGNING_KEY",
            "credentials",
        ] {
            assert!(secret_name(yes), "{yes}");
        }
        for no in [
            "PORT",
            "DATABASE_URL",
            "RUST_LOG",
            "KEYBOARD_LAYOUT",
            "SORT_KEY",
            "HOME",
            "PWD",
        ] {
            assert!(!secret_name(no), "{no}");
        }
    }

    #[test]
    fn secret_files() {
        for yes in [
            "certs/server.key",
            "tls/key.pem",
            "/home/u/.ssh/id_rsa",
            "credentials.json",
            "client_secret.json",
            "private-key.der",
            "store.p12",
        ] {
            assert!(secret_file(yes), "{yes}");
        }
        for no in ["config.toml", "certs/ca.crt", "keyboard.json", "README.md"] {
            assert!(!secret_file(no), "{no}");
        }
    }

    #[test]
    fn unguessable_and_body_names() {
        assert!(unguessable_name("generate_token"));
        assert!(unguessable_name("sessionId"));
        assert!(unguessable_name("reset_code"));
        assert!(!unguessable_name("shuffle_deck"));
        assert!(!unguessable_name("jitter"));
        assert!(body_name("req"));
        assert!(body_name("request_body"));
        assert!(body_name("tcp_stream"));
        assert!(!body_name("file"));
        assert!(!body_name("config"));
    }
}
