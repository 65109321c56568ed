//! The code-fact table: each row names a sink a security reviewer asks about
//! (SQL built from strings, a command with computed arguments, a path joined
//! from input…) and how to recognise it in a syn tree. Like the entry-point
//! table in `detect`, adding a detector is adding a row; the argument
//! constraints ([`SinkArgs`]) are judged in `sink_args`, the matching in
//! `sink_match`. Precision comes first: a row fires only when its argument is
//! not a literal or a constant, so every fact is worth a question.

use super::fact::FactKind;

/// The syntax a sink row looks for.
#[derive(Debug, Clone, Copy)]
pub enum SinkPattern {
    /// A call whose path, after `use` resolution, ends with one of these
    /// (`*` stands for any one segment).
    Call(&'static [&'static str]),
    /// A method call with one of these names.
    Method(&'static [&'static str]),
    /// A method call with one of these names on a chain that starts with a
    /// call matching one of `roots`, or on a variable bound to such a chain
    /// in the same function (`let mut c = Command::new(p); c.arg(x)`).
    ChainedMethod {
        /// The method names.
        methods: &'static [&'static str],
        /// Suffixes of the call the chain starts with.
        roots: &'static [&'static str],
    },
    /// A formatting macro (`format!`, `write!`…) whose template the
    /// constraint judges.
    Format,
    /// String concatenation: `a + b` chains and `push_str`.
    Concat,
    /// A macro invocation whose path ends with one of these.
    Macro(&'static [&'static str]),
    /// A function parameter whose type path ends with one of these (handler
    /// extractors: `Json<T>`, `web::Payload`).
    ParamType(&'static [&'static str]),
    /// A path used as a value (`SslVerifyMode::NONE`).
    Value(&'static [&'static str]),
    /// An `unsafe` block or `unsafe fn`.
    Unsafe,
}

/// What the arguments of a match must look like for it to be a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinkArgs {
    /// Anything.
    Any,
    /// The first argument is not a literal or constant.
    FirstComputed,
    /// Some argument is not a literal or constant (`.args([a, "b"])`).
    SomeComputed,
    /// A redirect target that is computed and not a local path with a fixed
    /// first segment (`format!("/users/{id}")` stays on the site).
    RedirectTarget,
    /// A header name `Location` with a computed value, as two arguments or a tuple.
    LocationHeader,
    /// The template is SQL and a computed value goes into it.
    Sql,
    /// The template contains an HTML tag and a computed value goes into it.
    Html,
    /// The receiver is named like a query (`sql`, `query`) and the pushed text is computed.
    SqlReceiver,
    /// The first argument names a secret environment variable (`"JWT_SECRET"`).
    SecretEnv,
    /// The first argument names a key or credentials file (`"certs/server.key"`).
    SecretFile,
    /// Some argument is a path joined from computed parts (`base.join(name)`,
    /// `format!("{dir}/{file}")`, or a variable bound to one).
    JoinedPath,
    /// The first argument is anything but the literal `false`.
    NotFalse,
    /// The first argument is the literal `false`.
    False,
    /// The enclosing item or the bound name says the value must be unguessable.
    Unguessable,
    /// No size limit: fewer than two arguments, or the second is `usize::MAX`.
    NoLimit,
    /// The first argument is `usize::MAX` (or `u64::MAX`).
    MaxLimit,
    /// The receiver is named like a request body or network stream, and
    /// nothing in its chain bounds it (`.take(n)`).
    BodyReceiver,
    /// The receiver is a body collected whole (`body.collect().await?.to_bytes()`).
    CollectedBody,
    /// A type with exactly one type argument (`Json<T>`, not sqlx's `Query<'q, DB, A>`).
    OneTypeArgument,
}

/// One row of the table.
#[derive(Debug)]
pub struct Sink {
    /// Stable id, shown in reports and usable by a threat library.
    pub id: &'static str,
    /// What sort of sink it is.
    pub kind: FactKind,
    /// The syntax to look for.
    pub pattern: SinkPattern,
    /// The constraint on its arguments.
    pub args: SinkArgs,
    /// How a fact is described to a person.
    pub what: &'static str,
}

/// The files `fs` calls read or write: where a joined path ends up.
const FILE_CALLS: &[&str] = &[
    "File::open",
    "File::create",
    "fs::read",
    "fs::read_to_string",
    "fs::read_dir",
    "fs::write",
    "fs::remove_file",
    "fs::remove_dir",
    "fs::remove_dir_all",
    "fs::create_dir_all",
    "fs::copy",
    "fs::rename",
    "fs::File::open",
    "fs_err::read",
    "fs_err::read_to_string",
    "fs_err::write",
    "NamedFile::open",
    "NamedFile::open_async",
    "ServeFile::new",
];

/// Every sink row, in priority order (one fact per line and kind: the first wins).
pub const SINKS: &[Sink] = &[
    Sink {
        id: "sql-format",
        kind: FactKind::SqlBuilt,
        pattern: SinkPattern::Format,
        args: SinkArgs::Sql,
        what: "SQL text built with `format!` from a computed value",
    },
    Sink {
        id: "sql-concat",
        kind: FactKind::SqlBuilt,
        pattern: SinkPattern::Concat,
        args: SinkArgs::Sql,
        what: "SQL text built by string concatenation",
    },
    Sink {
        id: "sql-push",
        kind: FactKind::SqlBuilt,
        pattern: SinkPattern::Method(&["push_str"]),
        args: SinkArgs::SqlReceiver,
        what: "computed text appended to a SQL query string",
    },
    Sink {
        id: "command-program",
        kind: FactKind::CommandDynamic,
        pattern: SinkPattern::Call(&["process::Command::new"]),
        args: SinkArgs::FirstComputed,
        what: "external command whose program is computed",
    },
    Sink {
        id: "command-args",
        kind: FactKind::CommandDynamic,
        pattern: SinkPattern::ChainedMethod {
            methods: &["arg", "args"],
            roots: &["process::Command::new"],
        },
        args: SinkArgs::SomeComputed,
        what: "external command given computed arguments",
    },
    Sink {
        id: "deserialize-call",
        kind: FactKind::DeserializeInput,
        pattern: SinkPattern::Call(&[
            "serde_json::from_slice",
            "serde_json::from_str",
            "serde_json::from_reader",
            "serde_yaml::from_slice",
            "serde_yaml::from_str",
            "serde_yaml::from_reader",
            "serde_yml::from_str",
            "serde_yml::from_slice",
            "toml::from_str",
            "toml::from_slice",
            "bincode::deserialize",
            "bincode::deserialize_from",
            "bincode::decode_from_slice",
            "bincode::serde::decode_from_slice",
            "rmp_serde::from_slice",
            "rmp_serde::from_read",
            "rmp_serde::decode::from_slice",
            "ciborium::from_reader",
            "ciborium::de::from_reader",
            "serde_cbor::from_slice",
            "serde_cbor::from_reader",
            "postcard::from_bytes",
            "serde_urlencoded::from_str",
            "serde_urlencoded::from_bytes",
            "serde_qs::from_str",
            "quick_xml::de::from_str",
            "quick_xml::de::from_reader",
            "serde_xml_rs::from_str",
            "ron::from_str",
            "ron::de::from_str",
            "prost::Message::decode",
        ]),
        args: SinkArgs::FirstComputed,
        what: "deserialisation of outside data",
    },
    Sink {
        id: "deserialize-extractor",
        kind: FactKind::DeserializeInput,
        pattern: SinkPattern::ParamType(&["Json", "Form", "Query", "MsgPack", "Cbor"]),
        args: SinkArgs::OneTypeArgument,
        what: "request body or query deserialised by a handler extractor",
    },
    Sink {
        id: "path-joined",
        kind: FactKind::PathFromInput,
        pattern: SinkPattern::Call(FILE_CALLS),
        args: SinkArgs::JoinedPath,
        what: "file-system access at a path joined from computed parts",
    },
    Sink {
        id: "path-joined-open",
        kind: FactKind::PathFromInput,
        pattern: SinkPattern::ChainedMethod {
            methods: &["open"],
            roots: &["OpenOptions::new", "File::options"],
        },
        args: SinkArgs::JoinedPath,
        what: "file opened at a path joined from computed parts",
    },
    Sink {
        id: "redirect-to",
        kind: FactKind::RedirectComputed,
        pattern: SinkPattern::Call(&[
            "Redirect::to",
            "Redirect::temporary",
            "Redirect::permanent",
            "Redirect::see_other",
            "Redirect::found",
            "Redirect::moved",
        ]),
        args: SinkArgs::RedirectTarget,
        what: "redirect to a computed URL",
    },
    Sink {
        id: "location-header",
        kind: FactKind::RedirectComputed,
        pattern: SinkPattern::Method(&[
            "append_header",
            "insert_header",
            "header",
            "insert",
            "append",
        ]),
        args: SinkArgs::LocationHeader,
        what: "`Location` header set to a computed URL",
    },
    Sink {
        id: "html-format",
        kind: FactKind::HtmlByHand,
        pattern: SinkPattern::Format,
        args: SinkArgs::Html,
        what: "HTML built with `format!` from a computed value",
    },
    Sink {
        id: "html-concat",
        kind: FactKind::HtmlByHand,
        pattern: SinkPattern::Concat,
        args: SinkArgs::Html,
        what: "HTML built by string concatenation",
    },
    Sink {
        id: "unsafe",
        kind: FactKind::UnsafeCode,
        pattern: SinkPattern::Unsafe,
        args: SinkArgs::Any,
        what: "`unsafe` code",
    },
    Sink {
        id: "secret-env",
        kind: FactKind::SecretRead,
        pattern: SinkPattern::Call(&["env::var", "env::var_os", "dotenvy::var", "dotenv::var"]),
        args: SinkArgs::SecretEnv,
        what: "secret read from an environment variable",
    },
    Sink {
        id: "secret-dotenv",
        kind: FactKind::SecretRead,
        pattern: SinkPattern::Call(&[
            "dotenv::dotenv",
            "dotenvy::dotenv",
            "dotenvy::from_path",
            "dotenvy::from_filename",
            "dotenv::from_path",
            "dotenv::from_filename",
        ]),
        args: SinkArgs::Any,
        what: "settings (often secrets) loaded from a `.env` file",
    },
    Sink {
        id: "secret-file",
        kind: FactKind::SecretRead,
        pattern: SinkPattern::Call(&[
            "File::open",
            "fs::read",
            "fs::read_to_string",
            "fs_err::read",
            "fs_err::read_to_string",
        ]),
        args: SinkArgs::SecretFile,
        what: "key or credentials file read",
    },
    Sink {
        id: "secret-embedded",
        kind: FactKind::SecretRead,
        pattern: SinkPattern::Macro(&["include_str", "include_bytes"]),
        args: SinkArgs::SecretFile,
        what: "key or credentials file embedded in the binary",
    },
    Sink {
        id: "secret-key-loader",
        kind: FactKind::SecretRead,
        pattern: SinkPattern::Call(&[
            "rustls_pemfile::private_key",
            "rustls_pemfile::pkcs8_private_keys",
            "rustls_pemfile::rsa_private_keys",
            "rustls_pemfile::ec_private_keys",
            "PrivateKeyDer::from_pem_file",
            "PrivatePkcs8KeyDer::from_pem_file",
        ]),
        args: SinkArgs::Any,
        what: "private key loaded",
    },
    Sink {
        id: "secret-key-file",
        kind: FactKind::SecretRead,
        pattern: SinkPattern::Method(&["set_private_key_file", "private_key_file"]),
        args: SinkArgs::Any,
        what: "private key loaded from a file",
    },
    Sink {
        id: "tls-accept-invalid",
        kind: FactKind::TlsVerifyOff,
        pattern: SinkPattern::Method(&[
            "danger_accept_invalid_certs",
            "danger_accept_invalid_hostnames",
            "accept_invalid_certs",
            "accept_invalid_hostnames",
        ]),
        args: SinkArgs::NotFalse,
        what: "TLS certificate or host-name verification switched off",
    },
    Sink {
        id: "tls-hostname-off",
        kind: FactKind::TlsVerifyOff,
        pattern: SinkPattern::Method(&["set_verify_hostname", "verify_hostname"]),
        args: SinkArgs::False,
        what: "TLS host-name verification switched off",
    },
    Sink {
        id: "tls-verify-none",
        kind: FactKind::TlsVerifyOff,
        pattern: SinkPattern::Value(&["SslVerifyMode::NONE", "SSL_VERIFY_NONE"]),
        args: SinkArgs::Any,
        what: "TLS peer verification set to `NONE`",
    },
    Sink {
        id: "tls-custom-verifier",
        kind: FactKind::TlsVerifyOff,
        pattern: SinkPattern::Method(&[
            "set_certificate_verifier",
            "with_custom_certificate_verifier",
        ]),
        args: SinkArgs::Any,
        what: "TLS certificate verification replaced (rustls `dangerous()` verifier)",
    },
    Sink {
        id: "weak-random",
        kind: FactKind::WeakRandom,
        pattern: SinkPattern::Call(&[
            "fastrand::*",
            "fastrand::Rng::new",
            "fastrand::Rng::with_seed",
            "SmallRng::*",
            "*::seed_from_u64",
            "XorShiftRng::*",
            "Pcg32::*",
            "Pcg64::*",
            "Pcg64Mcg::*",
            "Xoshiro256PlusPlus::*",
            "Xoshiro128PlusPlus::*",
            "WyRand::new",
            "oorandom::Rand32::new",
            "oorandom::Rand64::new",
        ]),
        args: SinkArgs::Unguessable,
        what: "a secret value drawn from a non-cryptographic RNG",
    },
    Sink {
        id: "general-random",
        kind: FactKind::WeakRandom,
        pattern: SinkPattern::Call(&["rand::thread_rng", "rand::rng", "rand::random"]),
        args: SinkArgs::Unguessable,
        what: "a secret value drawn from `rand`'s general-purpose RNG rather than `OsRng`",
    },
    Sink {
        id: "body-to-bytes",
        kind: FactKind::UnboundedRead,
        pattern: SinkPattern::Call(&[
            "hyper::body::to_bytes",
            "hyper::body::aggregate",
            "body::to_bytes",
        ]),
        args: SinkArgs::NoLimit,
        what: "request body read whole without a size limit",
    },
    Sink {
        id: "body-limit-off",
        kind: FactKind::UnboundedRead,
        pattern: SinkPattern::Call(&["DefaultBodyLimit::disable"]),
        args: SinkArgs::Any,
        what: "request body size limit switched off",
    },
    Sink {
        id: "body-limit-max",
        kind: FactKind::UnboundedRead,
        pattern: SinkPattern::Call(&["DefaultBodyLimit::max", "PayloadConfig::new"]),
        args: SinkArgs::MaxLimit,
        what: "request body size limit set to the maximum",
    },
    Sink {
        id: "limit-max",
        kind: FactKind::UnboundedRead,
        pattern: SinkPattern::Method(&["limit", "max_request_body_size", "body_limit"]),
        args: SinkArgs::MaxLimit,
        what: "request body size limit set to the maximum",
    },
    Sink {
        id: "stream-read-to-end",
        kind: FactKind::UnboundedRead,
        pattern: SinkPattern::Method(&["read_to_end", "read_to_string"]),
        args: SinkArgs::BodyReceiver,
        what: "request body or network stream read to the end without a limit",
    },
    Sink {
        id: "body-collect",
        kind: FactKind::UnboundedRead,
        pattern: SinkPattern::Method(&["to_bytes"]),
        args: SinkArgs::CollectedBody,
        what: "request body collected whole without a size limit",
    },
    Sink {
        id: "payload-stream",
        kind: FactKind::UnboundedRead,
        pattern: SinkPattern::ParamType(&["web::Payload", "actix_web::web::Payload"]),
        args: SinkArgs::Any,
        what: "request body taken as a stream (actix `Payload`): is its size capped?",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn sink_ids_are_unique() {
        let ids: BTreeSet<_> = SINKS.iter().map(|s| s.id).collect();
        assert_eq!(ids.len(), SINKS.len());
    }

    #[test]
    fn every_fact_kind_has_a_row() {
        let kinds: BTreeSet<_> = SINKS.iter().map(|s| s.kind).collect();
        assert_eq!(kinds.len(), 11);
    }
}
