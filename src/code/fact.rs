//! Code facts: the sinks a security reviewer asks about (SQL built from
//! strings, commands with computed arguments, paths joined from input…),
//! found in runtime code with their file, line and enclosing item. The
//! threat library (`tm draft`) conditions on them by [`FactKind`] name.

use std::path::PathBuf;

use serde::Serialize;

use crate::diagnostic::Span;

/// What sort of sink a code fact is. The kebab-case names are what a
/// threat-library entry's `code-facts` condition lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FactKind {
    /// SQL text built with `format!` or string concatenation.
    SqlBuilt,
    /// `Command` run with a non-constant program or arguments.
    CommandDynamic,
    /// Deserialisation of a request body or a file.
    DeserializeInput,
    /// A file-system path joined from a non-constant value.
    PathFromInput,
    /// A redirect to a computed URL.
    RedirectComputed,
    /// HTML assembled by hand with `format!` or concatenation.
    HtmlByHand,
    /// An `unsafe` block or function.
    UnsafeCode,
    /// A secret read from the environment or a file.
    SecretRead,
    /// TLS certificate or host-name verification switched off.
    TlsVerifyOff,
    /// A token, key or nonce from a non-cryptographic RNG.
    WeakRandom,
    /// A request body read without a size limit.
    UnboundedRead,
}

/// One sink found in the code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CodeFact {
    /// The Rust file, relative to the project root.
    pub file: PathBuf,
    /// Line, column and byte range of the matched code.
    pub span: Span,
    /// What sort of sink.
    pub kind: FactKind,
    /// The id of the detector row that found it.
    pub detector: &'static str,
    /// A description for people ("SQL built with `format!`").
    pub what: &'static str,
    /// The innermost named item around it (`app::files::download`), when known.
    pub symbol: Option<String>,
}
